// overseer-capture end to end: in-process through RunCapture, and as the
// real binary launching the attach_target test program, attaching to this
// test's own endpoint, being killed mid-run, and refusing bad input.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "probes/attach/socket_util.h"
#include "probes/attach/endpoint.h"
#include "probes/capture/capture_reader.h"
#include "probes/tools/capture_options.h"
#include "probes/tools/capture_run.h"
#include "tests/probes/attach/attach_test_util.h"
#include "tests/probes/attach/tls_test_util.h"

extern char** environ;

namespace overseer {
namespace {

using testing::Eventually;
using testing::FreshDirectory;
using testing::TestProgram;

// A child process with its stderr in a file.
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::vector<std::string>& env,
        const std::string& stderr_path, const std::string& stdout_path = "/dev/null") {
    std::vector<std::string> all_env;
    for (char** e = environ; *e != nullptr; ++e) all_env.emplace_back(*e);
    all_env.insert(all_env.end(), env.begin(), env.end());
    std::vector<char*> argv, envp;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    for (std::string& e : all_env) envp.push_back(e.data());
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data()),
              0);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      Wait();
    }
  }
  // The exit status, or 128 + the signal.
  int Wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs overseer-capture with `args`; returns its exit status, stderr in *err.
int RunTool(const std::vector<std::string>& args, const std::vector<std::string>& env,
            std::string* err) {
  const std::string err_path = FreshDirectory("err") + ".txt";
  std::vector<std::string> argv = {OVERSEER_CAPTURE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  Child child(argv, env, err_path);
  const int status = child.Wait();
  *err = ReadFile(err_path);
  std::remove(err_path.c_str());
  return status;
}

std::set<std::string> Names(const Recording& r, size_t index) {
  std::set<std::string> names;
  absl::StatusOr<Snapshot> s = r.SnapshotAt(index);
  EXPECT_TRUE(s.ok()) << s.status();
  if (!s.ok()) return names;
  for (const ProcessSample& p : s->processes) {
    if (!p.name.empty()) names.insert(p.name);
  }
  return names;
}

TEST(CaptureToolTest, RecordingAnInProcessProgramGivesACompleteCaptureOfIt) {
  const std::string dir = FreshDirectory("inproc");
  TestProgram program(dir, {}, 3);
  ASSERT_TRUE(program.Start().ok());
  CaptureToolOptions options;
  options.mode = CaptureToolOptions::Mode::kAttach;
  options.endpoint = program.server->endpoint();
  options.out = dir + ".ovc";
  options.duration = absl::Milliseconds(300);
  options.interval = absl::Milliseconds(20);
  std::FILE* err = std::tmpfile();
  EXPECT_EQ(RunCapture(options, stdout, err), kCaptureOk);
  std::rewind(err);
  char line[512];
  std::string said;
  while (std::fgets(line, sizeof(line), err)) said += line;
  std::fclose(err);
  EXPECT_NE(said.find("cannot change the interval"), std::string::npos) << said;
  EXPECT_NE(said.find("recording at the program's interval of 10ms"), std::string::npos);

  absl::StatusOr<std::unique_ptr<Recording>> read = OpenCaptureFile(options.out);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE((*read)->status().ok()) << (*read)->status();  // the index is there
  ASSERT_GT((*read)->sample_count(), 0u);
  EXPECT_EQ((*read)->info().program, "test-program");
  EXPECT_EQ(Names(**read, (*read)->sample_count() - 1),
            (std::set<std::string>{"keeper.1", "keeper.2", "keeper.3"}));
  std::remove(options.out.c_str());
}

// GET /metrics from 127.0.0.1:port; the whole response, or "" if none.
std::string Scrape(uint16_t port) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  absl::StatusOr<attach_internal::UniqueFd> fd =
      attach_internal::ConnectTcp("127.0.0.1", port, deadline);
  if (!fd.ok()) return "";
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n";
  if (!attach_internal::SendAll(fd->get(),
                                absl::MakeSpan(reinterpret_cast<const uint8_t*>(request.data()),
                                               request.size()),
                                deadline)
           .ok()) {
    return "";
  }
  std::string response;
  char buffer[4096];
  while (attach_internal::WaitFd(fd->get(), false, deadline).ok()) {
    const ssize_t n = ::read(fd->get(), buffer, sizeof(buffer));
    if (n <= 0) break;
    response.append(buffer, static_cast<size_t>(n));
  }
  return response;
}

TEST(CaptureToolTest, MetricsWithoutAFileOnlyServesTheProgramsFigures) {
  const std::string dir = FreshDirectory("metrics");
  const std::string err_path = dir + ".err";
  Child tool({OVERSEER_CAPTURE_BIN, "--quiet", "--metrics", "127.0.0.1:0", "--launch",
              ATTACH_TARGET_BIN, "0", "20"},
             {}, err_path);
  // The port the kernel chose, from "metrics on http://127.0.0.1:PORT/metrics".
  uint32_t port = 0;
  ASSERT_TRUE(Eventually([&] {
    const std::string said = ReadFile(err_path);
    const size_t at = said.find("metrics on http://127.0.0.1:");
    if (at == std::string::npos) return false;
    const size_t from = at + std::string("metrics on http://127.0.0.1:").size();
    return absl::SimpleAtoi(said.substr(from, said.find('/', from) - from), &port);
  })) << ReadFile(err_path);
  // The keepers are in the top processes once a sample has been decoded.
  std::string body;
  ASSERT_TRUE(Eventually([&] {
    body = Scrape(static_cast<uint16_t>(port));
    return body.find("name=\"attach_target.keeper.1\"") != std::string::npos;
  })) << body;
  EXPECT_NE(body.find("HTTP/1.1 200 OK"), std::string::npos);
  EXPECT_NE(body.find("overseer_info{program=\"attach_target\",source=\"attach\"} 1"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("overseer_suspects{kind=\"mailbox_backlog\"}"), std::string::npos);
  ::kill(tool.pid(), SIGTERM);
  EXPECT_EQ(tool.Wait(), kCaptureOk) << ReadFile(err_path);
  const std::string said = ReadFile(err_path);
  EXPECT_NE(said.find("stopped by a signal; served"), std::string::npos) << said;
  EXPECT_EQ(said.find("wrote"), std::string::npos) << said;  // no file
  std::remove(err_path.c_str());
}

TEST(CaptureToolTest, LaunchingATestProgramRecordsItForTheDuration) {
  const std::string runtime_dir = FreshDirectory("launch");
  const std::string out = runtime_dir + ".ovc";
  std::string err;
  const int status = RunTool({"--out", out, "--duration", "1s", "--interval", "20ms",
                              "--launch", "--", ATTACH_TARGET_BIN, "0", "50"},
                             {"XDG_RUNTIME_DIR=" + runtime_dir}, &err);
  ASSERT_EQ(status, kCaptureOk) << err;
  EXPECT_NE(err.find("samples every 20ms"), std::string::npos) << err;
  absl::StatusOr<std::unique_ptr<Recording>> read = OpenCaptureFile(out);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE((*read)->status().ok()) << (*read)->status();
  EXPECT_EQ((*read)->info().program, "attach_target");
  EXPECT_EQ((*read)->info().source, "attach");
  EXPECT_EQ((*read)->info().interval_ns, 20'000'000);
  ASSERT_GT((*read)->sample_count(), 3u);
  const std::set<std::string> names = Names(**read, (*read)->sample_count() - 1);
  for (int i = 1; i <= 3; ++i) {
    EXPECT_TRUE(names.contains("attach_target.keeper." + std::to_string(i))) << i;
  }
  std::remove(out.c_str());
}

TEST(CaptureToolTest, AProgramThatEndsByItselfEndsTheRecordingCleanly) {
  const std::string runtime_dir = FreshDirectory("ends");
  const std::string out = runtime_dir + ".ovc";
  std::string err;
  ASSERT_EQ(RunTool({"--quiet", "--out", out, "--launch", ATTACH_TARGET_BIN, "1", "20"},
                    {"XDG_RUNTIME_DIR=" + runtime_dir}, &err),
            kCaptureOk)
      << err;
  EXPECT_NE(err.find("the program finished its stream"), std::string::npos) << err;
  absl::StatusOr<std::unique_ptr<Recording>> read = OpenCaptureFile(out);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE((*read)->status().ok()) << (*read)->status();
  EXPECT_GT((*read)->sample_count(), 0u);
  std::remove(out.c_str());
}

TEST(CaptureToolTest, ARecorderKilledMidRunLeavesAFileWithTheSamplesUpToTheKill) {
  const std::string dir = FreshDirectory("kill");
  TestProgram program(dir, {}, 3);
  ASSERT_TRUE(program.Start().ok());
  const std::string out = dir + ".ovc";
  const std::string err_path = dir + ".txt";
  Child tool({OVERSEER_CAPTURE_BIN, "--out", out, "--attach", program.server->endpoint()},
             {}, err_path);
  size_t seen = 0;
  ASSERT_TRUE(Eventually([&] {
    absl::StatusOr<std::unique_ptr<Recording>> r = OpenCaptureFile(out);
    seen = r.ok() ? (*r)->sample_count() : 0;
    return seen >= 5;
  })) << ReadFile(err_path);
  ::kill(tool.pid(), SIGKILL);
  EXPECT_EQ(tool.Wait(), 128 + SIGKILL);
  absl::StatusOr<std::unique_ptr<Recording>> read = OpenCaptureFile(out);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_GE((*read)->sample_count(), seen);
  EXPECT_EQ(Names(**read, (*read)->sample_count() - 1),
            (std::set<std::string>{"keeper.1", "keeper.2", "keeper.3"}));
  std::remove(out.c_str());
  std::remove(err_path.c_str());
}

TEST(CaptureToolTest, ListShowsTheProgramsWithAnEndpointOpen) {
  const std::string runtime_dir = FreshDirectory("list");
  TestProgram program(runtime_dir + "/overseer", {}, 1);
  ASSERT_TRUE(program.open_status.ok()) << program.open_status;
  const std::string out_path = runtime_dir + ".out";
  Child tool({OVERSEER_CAPTURE_BIN, "--list"}, {"XDG_RUNTIME_DIR=" + runtime_dir},
             runtime_dir + ".err", out_path);
  EXPECT_EQ(tool.Wait(), kCaptureOk);
  const std::string said = ReadFile(out_path);
  EXPECT_NE(said.find(std::to_string(::getpid())), std::string::npos) << said;
  EXPECT_NE(said.find("test-program"), std::string::npos) << said;
  EXPECT_NE(said.find(program.server->endpoint()), std::string::npos) << said;
  std::remove(out_path.c_str());
  std::remove((runtime_dir + ".err").c_str());
}

TEST(CaptureToolTest, AttachingOverTlsWithTheCertificateAsCaRecordsTheProgram) {
  const std::string dir = FreshDirectory("tls");
  absl::StatusOr<testing::TestCertificate> cert =
      testing::MakeSelfSignedCertificate(dir + "-cert/cert", {"IP:127.0.0.1"});
  ASSERT_TRUE(cert.ok()) << cert.status();
  AttachOptions options;
  options.transport = AttachOptions::Transport::kTcp;
  options.tls = {cert->certificate_file, cert->key_file};
  TestProgram program(dir, options, 3);
  ASSERT_TRUE(program.Start().ok()) << program.open_status;
  const std::string out = dir + ".ovc";
  std::string err;
  ASSERT_EQ(
      RunTool({"--out", out, "--duration", "1s", "--attach", program.server->endpoint(),
               "--token", program.server->token(), "--tls-ca", cert->certificate_file},
              {}, &err),
      kCaptureOk)
      << err;
  EXPECT_NE(err.find("over TLSv1.3"), std::string::npos) << err;
  absl::StatusOr<std::unique_ptr<Recording>> read = OpenCaptureFile(out);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE((*read)->status().ok()) << (*read)->status();
  ASSERT_GT((*read)->sample_count(), 0u);
  EXPECT_EQ(Names(**read, (*read)->sample_count() - 1),
            (std::set<std::string>{"keeper.1", "keeper.2", "keeper.3"}));
  std::remove(out.c_str());

  // Without TLS the program says what to do instead.
  EXPECT_EQ(RunTool({"--out", out, "--attach", program.server->endpoint(), "--token",
                     program.server->token()},
                    {}, &err),
            kCaptureFailed);
  EXPECT_NE(err.find("TLS only"), std::string::npos) << err;
  EXPECT_NE(::access(out.c_str(), F_OK), 0);
}

TEST(CaptureToolTest, AProgramOnEveryInterfaceWithTlsFromItsEnvironmentIsFoundByPid) {
  const std::string runtime_dir = FreshDirectory("tlsenv");
  absl::StatusOr<testing::TestCertificate> cert =
      testing::MakeSelfSignedCertificate(runtime_dir + "-cert/cert", {"IP:127.0.0.1"});
  ASSERT_TRUE(cert.ok()) << cert.status();
  const std::vector<std::string> env = {
      "XDG_RUNTIME_DIR=" + runtime_dir, "OVERSEER_ATTACH=tcp:0.0.0.0:0",
      "OVERSEER_ATTACH_TLS_CERT=" + cert->certificate_file,
      "OVERSEER_ATTACH_TLS_KEY=" + cert->key_file};
  const std::string target_err = runtime_dir + ".target";
  Child target({ATTACH_TARGET_BIN, "0", "20"}, env, target_err);
  const std::string dir = runtime_dir + "/overseer";
  ASSERT_TRUE(Eventually([&] { return FindEndpoint(target.pid(), dir).ok(); }))
      << ReadFile(target_err);
  EXPECT_TRUE(FindEndpoint(target.pid(), dir)->tls);
  const std::string out = runtime_dir + ".ovc";
  std::string err;
  ASSERT_EQ(RunTool({"--out", out, "--duration", "1s", "--attach",
                     std::to_string(target.pid())},
                    {"XDG_RUNTIME_DIR=" + runtime_dir}, &err),
            kCaptureOk)
      << err;
  EXPECT_NE(err.find("over TLS"), std::string::npos) << err;
  ::kill(target.pid(), SIGTERM);
  EXPECT_EQ(target.Wait(), 0);
  EXPECT_NE(ReadFile(target_err).find(cert->fingerprint), std::string::npos);
  std::remove(out.c_str());
  std::remove(target_err.c_str());
}

TEST(CaptureToolTest, AProgramAskedForTcpBeyondLoopbackWithoutTlsRefusesToStart) {
  const std::string runtime_dir = FreshDirectory("notls");
  const std::string target_err = runtime_dir + ".target";
  Child target({ATTACH_TARGET_BIN, "0", "20"},
               {"XDG_RUNTIME_DIR=" + runtime_dir, "OVERSEER_ATTACH=tcp:0.0.0.0:0"},
               target_err);
  EXPECT_EQ(target.Wait(), 2);
  const std::string said = ReadFile(target_err);
  EXPECT_NE(said.find("0.0.0.0 without TLS"), std::string::npos) << said;
  EXPECT_NE(said.find("OVERSEER_ATTACH_TLS_CERT"), std::string::npos) << said;
  std::remove(target_err.c_str());
}

TEST(CaptureToolTest, BadFlagsExitWithTwoAndSayWhy) {
  std::string err;
  EXPECT_EQ(RunTool({"--attach", "1", "--duration", "forever"}, {}, &err), kCaptureUsage);
  EXPECT_NE(err.find("--duration"), std::string::npos) << err;
  EXPECT_NE(err.find("--help"), std::string::npos) << err;
  EXPECT_EQ(RunTool({"--frobnicate"}, {}, &err), kCaptureUsage);
  EXPECT_NE(err.find("--frobnicate"), std::string::npos) << err;
}

TEST(CaptureToolTest, AnUnreachableEndpointExitsWithOneAndSaysWhy) {
  const std::string dir = FreshDirectory("unreach");
  std::string err;
  EXPECT_EQ(RunTool({"--out", dir + ".ovc", "--attach", dir + "/nobody.sock"}, {}, &err),
            kCaptureFailed);
  EXPECT_NE(err.find("cannot attach to"), std::string::npos) << err;
  EXPECT_NE(::access((dir + ".ovc").c_str(), F_OK), 0);  // no empty file left
  EXPECT_EQ(RunTool({"--out", dir + ".ovc", "--attach", "tcp:127.0.0.1:1"}, {}, &err),
            kCaptureFailed);
  EXPECT_EQ(RunTool({"--out", dir + ".ovc", "--launch", dir + "/no-such-program"},
                    {"XDG_RUNTIME_DIR=" + dir}, &err),
            kCaptureFailed);
  EXPECT_NE(err.find("no-such-program"), std::string::npos) << err;
}

}  // namespace
}  // namespace overseer
