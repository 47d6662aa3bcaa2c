// Test helpers for attach: a small program in-process (a runtime with named
// processes, a recorder and its endpoint), and a raw viewer that speaks the
// handshake by hand (to send bad hellos, or to never read).
//
// Example:
//   TestProgram p(dir, {}, 3);
//   ASSERT_TRUE(p.Start().ok());
//   absl::StatusOr<RawViewer> v = RawConnect(p.server->endpoint(), GoodHello());
#ifndef OVERSEER_TESTS_PROBES_ATTACH_ATTACH_TEST_UTIL_H_
#define OVERSEER_TESTS_PROBES_ATTACH_ATTACH_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/gen_server.h"
#include "core/runtime.h"
#include "probes/attach/attach.pb.h"
#include "probes/attach/server.h"
#include "probes/attach/socket_util.h"
#include "probes/sampler/recorder.h"

namespace overseer::testing {

// A fresh path under the test's temporary directory (nothing there yet),
// removed with everything named after it when the test program ends.
std::string FreshDirectory(const std::string& name);

struct Payload {
  std::string bytes;
};

// Keeps what it is cast, so its memory moves and it has something to show.
class Keeper : public GenServer<std::vector<Payload>> {
 protected:
  Co HandleCast(std::vector<Payload>& kept, Message& m) override {
    if (const Payload* p = m.As<Payload>()) kept.push_back(*p);
    return {};
  }
};

// A program under test. Processes are named "keeper.1", "keeper.2", ...
struct TestProgram {
  TestProgram(const std::string& directory, AttachOptions options, int processes,
              absl::Duration interval = absl::Milliseconds(10));
  ~TestProgram();  // stops the recorder, then closes the endpoint

  // The constructor opens the endpoint (open_status says how that went);
  // Start adds `extra` sinks and starts the recorder.
  absl::Status Start(std::vector<std::unique_ptr<SampleSink>> extra = {});

  Runtime rt{RuntimeOptions{.schedulers = 2}};
  std::vector<Pid> pids;
  std::unique_ptr<Recorder> recorder;
  std::unique_ptr<AttachServer> server;
  absl::Status open_status;
};

// A viewer done by hand: the socket and the program's hello.
struct RawViewer {
  attach_internal::UniqueFd fd;
  uint32_t version = 0;
  attach::pb::ServerHello hello;
};

// The bytes of a correct viewer hello.
std::vector<uint8_t> GoodHello(const std::string& token = "");

// Connects to a Unix endpoint, sends `hello`, and reads the program's hello.
absl::StatusOr<RawViewer> RawConnect(const std::string& path,
                                     const std::vector<uint8_t>& hello);

// Waits (polling) until `done` holds; false if it did not within a minute,
// which only a broken build reaches.
template <typename F>
bool Eventually(F done) {
  const absl::Time give_up = absl::Now() + absl::Minutes(1);
  while (!done()) {
    if (absl::Now() > give_up) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

}  // namespace overseer::testing

#endif  // OVERSEER_TESTS_PROBES_ATTACH_ATTACH_TEST_UTIL_H_
