// attach_target: a tiny program for the end-to-end tests of attach and
// overseer-capture. It starts a few named processes (one of which keeps a
// small mailbox), records them at an interval, opens the attach endpoint
// that OVERSEER_ATTACH asks for, and runs until SIGTERM/SIGINT or for the
// given number of seconds; then it stops its recorder (which ends every
// viewer's stream cleanly) and exits 0.
//
// usage: attach_target [SECONDS [INTERVAL_MS]]   (0 seconds: until a signal)
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "core/gen_server.h"
#include "core/runtime.h"
#include "probes/attach/env.h"
#include "probes/sampler/recorder.h"

namespace {

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

struct Note {
  std::string text;
};

// Keeps what it is sent, so its memory and its mailbox figures move.
class Keeper : public overseer::GenServer<std::vector<std::string>> {
 protected:
  overseer::Co HandleCast(std::vector<std::string>& kept, overseer::Message& m) override {
    if (const Note* n = m.As<Note>()) kept.push_back(n->text);
    return {};
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? std::atoi(argv[1]) : 0;
  const int interval_ms = argc > 2 ? std::atoi(argv[2]) : 50;
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);

  overseer::Runtime rt(overseer::RuntimeOptions{.schedulers = 2});
  std::vector<overseer::Pid> keepers;
  for (int i = 1; i <= 3; ++i) {
    absl::StatusOr<overseer::Pid> pid =
        rt.Spawn<Keeper>({.name = absl::StrCat("attach_target.keeper.", i)});
    if (!pid.ok()) return 1;
    keepers.push_back(*pid);
  }
  overseer::Recorder recorder(rt,
                              {.sampler = {.interval = absl::Milliseconds(interval_ms)},
                               .program = "attach_target"});
  absl::StatusOr<std::unique_ptr<overseer::AttachServer>> attach =
      overseer::MaybeOpenAttachFromEnv(rt, recorder);
  if (!attach.ok()) {
    std::fprintf(stderr, "attach_target: %s\n", attach.status().ToString().c_str());
    return 2;
  }
  if (!recorder.Start().ok()) return 1;
  const absl::Time end = absl::Now() + absl::Seconds(seconds);
  for (int tick = 0; !g_stop && (seconds == 0 || absl::Now() < end); ++tick) {
    rt.Cast(keepers[static_cast<size_t>(tick) % keepers.size()],
            Note{std::string(100 + tick % 50, 'n')});
    absl::SleepFor(absl::Milliseconds(10));
  }
  (void)recorder.Stop();  // every viewer gets the end of its stream
  attach->reset();
  return 0;
}
