// Recording a real node into a capture file, in-process and with
// overseer-capture --beam: a node that dies mid-recording leaves a capture
// that opens with the samples before; the cookie never shows.
#include "probes/beam/beam_recorder.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "probes/capture/capture_reader.h"
#include "tests/probes/beam/test_node.h"

extern char** environ;

namespace overseer {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::unique_ptr<overseer::testing::TestNode> StartNode() {
  absl::StatusOr<std::unique_ptr<overseer::testing::TestNode>> n =
      overseer::testing::TestNode::Start(1000);
  EXPECT_TRUE(n.ok()) << n.status();
  return n.ok() ? *std::move(n) : nullptr;
}

// Runs overseer-capture with `args`; its exit status, stderr in *err.
int RunCapture(const std::vector<std::string>& args, const std::string& dir,
               std::string* err) {
  std::vector<std::string> all = {OVERSEER_CAPTURE_BIN};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string err_path = dir + "/capture.err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  EXPECT_EQ(::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::ifstream f(err_path);
  std::stringstream text;
  text << f.rdbuf();
  *err = text.str();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class BeamRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = overseer::testing::ErlangMissing(); !why.empty()) {
      GTEST_SKIP() << why;
    }
    node_ = StartNode();
    ASSERT_NE(node_, nullptr);
  }
  std::unique_ptr<overseer::testing::TestNode> node_;
};

TEST_F(BeamRecorderTest, ANodeKilledMidRecordingLeavesACaptureWithTheSamplesBefore) {
  absl::StatusOr<std::unique_ptr<BeamConnection>> c = node_->Connect();
  ASSERT_TRUE(c.ok()) << c.status();
  BeamSampler sampler(**c, {});
  absl::StatusOr<CaptureInfo> info = sampler.Describe(absl::Milliseconds(50));
  ASSERT_TRUE(info.ok()) << info.status();
  const std::string path = node_->dir() + "/killed.ovc";
  absl::StatusOr<std::unique_ptr<CaptureFileSink>> sink = CaptureFileSink::Open(path);
  ASSERT_TRUE(sink.ok()) << sink.status();
  BeamRecorder recorder(**c, sampler, {.interval = absl::Milliseconds(50)});
  recorder.AddSink(*std::move(sink));
  constexpr uint64_t kBefore = 3;
  const absl::Status s = recorder.Run(*info, nullptr, [&](const BeamRecordProgress& p) {
    if (p.samples == kBefore) node_->Kill();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(s.message(), HasSubstr(node_->node()));
  EXPECT_EQ(recorder.samples(), kBefore);

  absl::StatusOr<std::unique_ptr<Recording>> r = OpenCaptureFile(path);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE((*r)->status().ok()) << (*r)->status();  // finished, with its index
  EXPECT_EQ((*r)->sample_count(), kBefore);
  EXPECT_EQ((*r)->info().source, "beam");
  EXPECT_EQ((*r)->info().node, node_->node());
  absl::StatusOr<Snapshot> last = (*r)->SnapshotAt(kBefore - 1);
  ASSERT_TRUE(last.ok()) << last.status();
  bool sink_found = false;
  for (const ProcessSample& p : last->processes) sink_found |= p.name == "overseer_sink";
  EXPECT_TRUE(sink_found);
  EXPECT_FALSE(last->system.memory_categories.empty());
}

TEST_F(BeamRecorderTest, OverseerCaptureRecordsANodeWithACookieFile) {
  const std::string out = node_->dir() + "/node.ovc";
  std::string err;
  const int rc =
      RunCapture({"--beam", node_->node(), "--cookie-file", node_->cookie_file(), "--out",
                  out, "--interval", "100ms", "--duration", "1s"},
                 node_->dir(), &err);
  EXPECT_EQ(rc, 0) << err;
  EXPECT_THAT(err, HasSubstr(absl::StrCat("recording ", node_->node())));
  EXPECT_THAT(err, Not(HasSubstr(node_->cookie())));
  absl::StatusOr<std::unique_ptr<Recording>> r = OpenCaptureFile(out);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GE((*r)->sample_count(), 2u);
  EXPECT_EQ((*r)->info().source, "beam");
  EXPECT_EQ((*r)->info().interval_ns, 100'000'000);
}

TEST(BeamLongNameTest, ANodeStartedWithALongNameIsRecordedToo) {
  if (const std::string why = overseer::testing::ErlangMissing(); !why.empty()) {
    GTEST_SKIP() << why;
  }
  absl::StatusOr<std::unique_ptr<overseer::testing::TestNode>> node =
      overseer::testing::TestNode::Start(1000, /*long_name=*/true);
  ASSERT_TRUE(node.ok()) << node.status();
  const std::string out = (*node)->dir() + "/long.ovc";
  std::string err;
  const int rc =
      RunCapture({"--beam", (*node)->node(), "--cookie-file", (*node)->cookie_file(),
                  "--out", out, "--interval", "100ms", "--duration", "500ms"},
                 (*node)->dir(), &err);
  EXPECT_EQ(rc, 0) << err;
  absl::StatusOr<std::unique_ptr<Recording>> r = OpenCaptureFile(out);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GE((*r)->sample_count(), 1u);
  EXPECT_EQ((*r)->info().node, (*node)->node());
}

TEST_F(BeamRecorderTest, OverseerCaptureSaysWhenTheCookieIsWrongWithoutShowingIt) {
  const std::string out = node_->dir() + "/refused.ovc";
  const std::string wrong = "wrong_cookie_0815";
  std::string err;
  const int rc = RunCapture({"--beam", node_->node(), "--cookie", wrong, "--out", out},
                            node_->dir(), &err);
  EXPECT_EQ(rc, 1) << err;
  EXPECT_THAT(err, HasSubstr(node_->node()));
  EXPECT_THAT(err, HasSubstr("cookie"));
  EXPECT_THAT(err, Not(HasSubstr(wrong)));
}

TEST_F(BeamRecorderTest, OverseerCaptureNamesANodeThatIsNotRunning) {
  std::string err;
  const int rc = RunCapture({"--beam", "overseer_nobody", "--cookie-file",
                             node_->cookie_file(), "--out", node_->dir() + "/none.ovc"},
                            node_->dir(), &err);
  EXPECT_EQ(rc, 1) << err;
  EXPECT_THAT(err, HasSubstr(FullNodeName("overseer_nobody")));
  EXPECT_THAT(err, HasSubstr("no node named 'overseer_nobody'"));
}

}  // namespace
}  // namespace overseer
