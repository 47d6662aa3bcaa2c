// TestNode: a real Erlang node for the BEAM source tests, started with a
// random name and cookie on this host, running tests/probes/beam/
// overseer_workload.erl, and stopped (killed if need be) when it goes out
// of scope.
#ifndef OVERSEER_TESTS_PROBES_BEAM_TEST_NODE_H_
#define OVERSEER_TESTS_PROBES_BEAM_TEST_NODE_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "probes/beam/beam_connection.h"

namespace overseer::testing {

// Whether `erl` and `erlc` are on the PATH; "" if so, else why not.
std::string ErlangMissing();

class TestNode {
 public:
  // Compiles the workload, starts the node with overseer_workload:start(n)
  // and waits until it is ready (bounded, generously). A long name is
  // -name NAME@127.0.0.1; otherwise -sname NAME on this host.
  static absl::StatusOr<std::unique_ptr<TestNode>> Start(int holder_length,
                                                         bool long_name = false);
  ~TestNode();

  const std::string& node() const { return node_; }
  const std::string& cookie() const { return cookie_; }
  const std::string& cookie_file() const { return cookie_file_; }
  const std::string& dir() const { return dir_; }

  // A new connection to the node with its cookie.
  absl::StatusOr<std::unique_ptr<BeamConnection>> Connect() const;
  // Kills the node at once (SIGKILL) and reaps it.
  void Kill();

 private:
  TestNode() = default;
  std::string dir_;
  std::string node_;
  std::string cookie_;
  std::string cookie_file_;
  pid_t pid_ = -1;
};

}  // namespace overseer::testing

#endif  // OVERSEER_TESTS_PROBES_BEAM_TEST_NODE_H_
