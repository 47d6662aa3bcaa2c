#include "tests/probes/beam/test_node.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace overseer::testing {
namespace {

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string p = path;
  size_t start = 0;
  while (start <= p.size()) {
    const size_t end = std::min(p.find(':', start), p.size());
    const std::string candidate =
        absl::StrCat(p.substr(start, end - start), "/", program);
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

std::string RandomToken(size_t n) {
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::mt19937_64 gen(rd());
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(kChars[gen() % (sizeof kChars - 1)]);
  return s;
}

// Runs a program to its end with stdout/stderr into `log`; its exit status.
int RunToEnd(std::vector<std::string> args, const std::string& log, pid_t* started) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  if (started != nullptr) {
    *started = pid;
    return 0;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string ErlangMissing() {
  for (const char* p : {"erl", "erlc"}) {
    if (!OnPath(p))
      return absl::StrCat("'", p, "' is not installed (scripts/setup.sh installs it)");
  }
  return "";
}

absl::StatusOr<std::unique_ptr<TestNode>> TestNode::Start(int holder_length,
                                                          bool long_name) {
  std::unique_ptr<TestNode> n(new TestNode);
  n->dir_ = (std::filesystem::temp_directory_path() /
             absl::StrCat("overseer_beam_test_", ::getpid(), "_", RandomToken(6)))
                .string();
  std::filesystem::create_directories(n->dir_);
  const std::string log = n->dir_ + "/node.log";
  if (RunToEnd({"erlc", "-o", n->dir_, OVERSEER_BEAM_WORKLOAD_ERL}, log, nullptr) != 0) {
    return absl::InternalError(absl::StrCat("erlc failed; see ", log));
  }
  const std::string alive = "overseer_test_" + RandomToken(8);
  n->node_ = long_name ? alive + "@127.0.0.1" : FullNodeName(alive);
  n->cookie_ = RandomToken(20);
  n->cookie_file_ = n->dir_ + "/cookie";
  {
    std::ofstream f(n->cookie_file_);
    f << n->cookie_ << "\n";
  }
  ::chmod(n->cookie_file_.c_str(), 0600);
  if (RunToEnd({"erl", long_name ? "-name" : "-sname", long_name ? n->node_ : alive,
                "-setcookie", n->cookie_, "-noinput", "-pa", n->dir_, "-eval",
                absl::StrCat("overseer_workload:start(", holder_length, ")")},
               log, &n->pid_) != 0) {
    return absl::InternalError("cannot start erl");
  }
  // Ready when overseer_ready is registered. Bounded so that a broken
  // machine fails the test instead of hanging it.
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  absl::Status last;
  while (absl::Now() < give_up) {
    absl::StatusOr<std::unique_ptr<BeamConnection>> c = n->Connect();
    if (c.ok()) {
      const RpcArg name[] = {RpcArg::Atom("overseer_ready")};
      absl::StatusOr<Term> ready =
          (*c)->Call("erlang", "whereis", name, absl::Seconds(5));
      if (ready.ok() && ready->type == Term::Type::kPid) return n;
      last = ready.ok() ? absl::UnavailableError("not ready") : ready.status();
    } else {
      last = c.status();
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("the test node did not start (", last.message(), "); see ", log));
}

absl::StatusOr<std::unique_ptr<BeamConnection>> TestNode::Connect() const {
  return BeamConnection::Connect({node_, cookie_, absl::Seconds(5)});
}

void TestNode::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

TestNode::~TestNode() {
  if (pid_ > 0) {
    // SIGTERM makes a node stop as init:stop() does; SIGKILL if it lingers.
    ::kill(pid_, SIGTERM);
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (::waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (absl::Now() >= give_up) {
        Kill();
        break;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    pid_ = -1;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace overseer::testing
