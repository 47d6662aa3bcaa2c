#include "probes/attach/server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "probes/attach/client.h"
#include "probes/attach/endpoint.h"
#include "probes/attach/protocol.h"
#include "probes/attach/socket_util.h"
#include "probes/capture/capture_writer.h"
#include "tests/probes/attach/attach_test_util.h"

namespace overseer {
namespace {

using testing::Eventually;
using testing::FreshDirectory;
using testing::GoodHello;
using testing::RawConnect;
using testing::TestProgram;

std::set<std::string> Names(const Snapshot& s) {
  std::set<std::string> names;
  for (const ProcessSample& p : s.processes) {
    if (!p.name.empty()) names.insert(p.name);
  }
  return names;
}

TEST(AttachServerTest, AViewerGetsACaptureOfTheProgramThatEndsCleanly) {
  const std::string dir = FreshDirectory("view");
  TestProgram program(dir, {}, 3);
  ASSERT_TRUE(program.open_status.ok()) << program.open_status;
  ASSERT_TRUE(program.Start().ok());
  absl::StatusOr<std::unique_ptr<AttachClient>> client =
      AttachClient::Connect(program.server->endpoint());
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ((*client)->welcome().pid, ::getpid());
  EXPECT_EQ((*client)->welcome().program, "test-program");
  EXPECT_FALSE((*client)->welcome().control_allowed);
  std::shared_ptr<StreamRecording> live = (*client)->recording();
  ASSERT_TRUE(Eventually([&] { return live->sample_count() >= 3; }));
  EXPECT_TRUE((*client)->running());
  EXPECT_EQ(live->info().source, "attach");
  EXPECT_EQ(live->info().program, "test-program");

  ASSERT_TRUE(program.recorder->Stop().ok());
  ASSERT_TRUE((*client)->WaitForEnd(absl::Minutes(1)));
  EXPECT_TRUE((*client)->status().ok()) << (*client)->status();
  EXPECT_TRUE((*client)->complete());
  EXPECT_TRUE(live->status().ok()) << live->status();
  absl::StatusOr<Snapshot> last = live->SnapshotAt(live->sample_count() - 1);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(Names(*last), (std::set<std::string>{"keeper.1", "keeper.2", "keeper.3"}));
}

TEST(AttachServerTest, TheSocketIsOwnerOnlyInAnOwnerOnlyDirectory) {
  const std::string dir = FreshDirectory("perm");
  TestProgram program(dir, {}, 1);
  ASSERT_TRUE(program.open_status.ok()) << program.open_status;
  const std::string path = program.server->endpoint();
  EXPECT_EQ(path, program.server->file());
  EXPECT_EQ(path.rfind(dir + "/" + std::to_string(::getpid()) + "-test-program.sock", 0),
            0u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, ::getuid());
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  program.server->Close();
  EXPECT_NE(::access(path.c_str(), F_OK), 0);  // removed on close
}

TEST(AttachServerTest, AHelloWithoutTheMagicIsRefusedAsNotAnAttachHello) {
  TestProgram program(FreshDirectory("magic"), {}, 1);
  ASSERT_TRUE(program.Start().ok());
  std::vector<uint8_t> hello = GoodHello();
  hello[0] = 'G';  // e.g. an HTTP client
  absl::StatusOr<testing::RawViewer> v = RawConnect(program.server->endpoint(), hello);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->version, kCaptureFormatVersion);
  EXPECT_EQ(v->hello.code(), static_cast<uint32_t>(absl::StatusCode::kInvalidArgument));
  EXPECT_NE(v->hello.message().find("magic"), std::string::npos);
}

TEST(AttachServerTest, ANewerViewerIsRefusedNamingBothVersions) {
  TestProgram program(FreshDirectory("newer"), {}, 1);
  ASSERT_TRUE(program.Start().ok());
  attach::pb::ClientHello hello;
  absl::StatusOr<testing::RawViewer> v = RawConnect(
      program.server->endpoint(), EncodeHello(hello, kCaptureFormatVersion + 1));
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->hello.code(), static_cast<uint32_t>(absl::StatusCode::kUnimplemented));
  EXPECT_NE(v->hello.message().find(std::to_string(kCaptureFormatVersion + 1)),
            std::string::npos);
  EXPECT_NE(v->hello.message().find(std::to_string(kCaptureFormatVersion)),
            std::string::npos);
}

TEST(AttachServerTest, AWrongOrMissingTokenIsRefused) {
  AttachOptions options;
  options.token = "sekrit";
  TestProgram program(FreshDirectory("token"), options, 1);
  ASSERT_TRUE(program.Start().ok());
  const std::string endpoint = program.server->endpoint();
  EXPECT_EQ(AttachClient::Connect(endpoint, "guess").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(AttachClient::Connect(endpoint).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(AttachClient::Connect(endpoint, "sekrit").ok());
}

TEST(AttachServerTest, TcpListensOnLoopbackWithARandomTokenInAnOwnerOnlyFile) {
  const std::string dir = FreshDirectory("tcp");
  AttachOptions options;
  options.transport = AttachOptions::Transport::kTcp;
  TestProgram program(dir, options, 2);
  ASSERT_TRUE(program.open_status.ok()) << program.open_status;
  ASSERT_TRUE(program.Start().ok());
  const std::string endpoint = program.server->endpoint();
  EXPECT_EQ(endpoint.rfind("tcp:127.0.0.1:", 0), 0u);
  EXPECT_EQ(program.server->token().size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(program.server->file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);

  EXPECT_EQ(AttachClient::Connect(endpoint).status().code(),
            absl::StatusCode::kPermissionDenied);
  absl::StatusOr<std::unique_ptr<AttachClient>> ok =
      AttachClient::Connect(endpoint, program.server->token());
  ASSERT_TRUE(ok.ok()) << ok.status();
  // By pid, the token comes from the discovery file.
  AttachClientOptions by_pid;
  by_pid.directory = dir;
  absl::StatusOr<std::unique_ptr<AttachClient>> found =
      AttachClient::Connect(std::to_string(::getpid()), by_pid);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(Eventually([&] { return (*found)->recording()->sample_count() > 0; }));
}

TEST(AttachServerTest, DiscoveryListsAnOpenEndpointAndForgetsAClosedOne) {
  const std::string dir = FreshDirectory("list");
  TestProgram program(dir, {}, 1);
  ASSERT_TRUE(program.open_status.ok());
  absl::StatusOr<std::vector<EndpointInfo>> found = ListEndpoints(dir);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].pid, ::getpid());
  EXPECT_EQ((*found)[0].program, "test-program");
  EXPECT_EQ((*found)[0].endpoint.ToString(), program.server->endpoint());
  program.server->Close();
  found = ListEndpoints(dir);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->empty());
}

TEST(AttachServerTest, ControlIsRefusedWithAClearErrorUnlessAllowed) {
  TestProgram program(FreshDirectory("ro"), {}, 1);
  ASSERT_TRUE(program.Start().ok());
  absl::StatusOr<std::unique_ptr<AttachClient>> client =
      AttachClient::Connect(program.server->endpoint());
  ASSERT_TRUE(client.ok()) << client.status();
  absl::StatusOr<absl::Duration> set = (*client)->SetInterval(absl::Milliseconds(50));
  EXPECT_EQ(set.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(set.status().message().find("read-only"), std::string::npos);
  EXPECT_EQ((*client)->Inspect(program.pids[0].id()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE((*client)->running());  // a refused request keeps the stream
}

TEST(AttachServerTest, AllowedControlChangesTheIntervalAndInspectsAProcess) {
  AttachOptions options;
  options.allow_control = true;
  TestProgram program(FreshDirectory("ctl"), options, 2);
  ASSERT_TRUE(program.Start().ok());
  program.rt.Cast(program.pids[0], testing::Payload{std::string(5000, 'x')});
  // Kept once handled (an inspection may overtake a queued message).
  ASSERT_TRUE(Eventually([&] {
    return program.rt.Info(program.pids[0])->mailbox_len.value == 0 &&
           program.rt.Info(program.pids[0])->memory.value >= 5000;
  }));
  absl::StatusOr<std::unique_ptr<AttachClient>> client =
      AttachClient::Connect(program.server->endpoint());
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_TRUE((*client)->welcome().control_allowed);

  absl::StatusOr<absl::Duration> set = (*client)->SetInterval(absl::Milliseconds(30));
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(*set, absl::Milliseconds(30));
  set = (*client)->SetInterval(absl::Microseconds(1));
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(*set, absl::Milliseconds(10));  // the recorder's floor
  EXPECT_EQ((*client)->SetInterval(absl::ZeroDuration()).status().code(),
            absl::StatusCode::kInvalidArgument);

  absl::StatusOr<ProcessDetail> detail = (*client)->Inspect(program.pids[0].id());
  ASSERT_TRUE(detail.ok()) << detail.status();
  EXPECT_EQ(detail->pid, program.pids[0].id());
  EXPECT_GE(detail->state_bytes, 5000u);
  EXPECT_EQ((*client)->Inspect(999'999).status().code(), absl::StatusCode::kNotFound);
}

TEST(AttachServerTest, AnIntervalAskedInTheHelloIsInForceBeforeTheStreamStarts) {
  AttachOptions options;
  options.allow_control = true;
  TestProgram program(FreshDirectory("hello-iv"), options, 1);
  ASSERT_TRUE(program.Start().ok());
  AttachClientOptions asked;
  asked.interval = absl::Milliseconds(40);
  auto client = AttachClient::Connect(program.server->endpoint(), asked);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ((*client)->welcome().interval, absl::Milliseconds(40));
  ASSERT_TRUE(Eventually([&] { return (*client)->recording()->sample_count() > 0; }));
  EXPECT_EQ((*client)->recording()->info().interval_ns, 40'000'000);
}

TEST(AttachServerTest, AnIntervalAskedInTheHelloOfAReadOnlyEndpointIsIgnored) {
  TestProgram program(FreshDirectory("hello-ro"), {}, 1);
  ASSERT_TRUE(program.Start().ok());
  AttachClientOptions asked;
  asked.interval = absl::Milliseconds(40);
  auto client = AttachClient::Connect(program.server->endpoint(), asked);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ((*client)->welcome().interval, absl::Milliseconds(10));
}

TEST(AttachServerTest, ClosingTheServerEndsEveryViewersStreamCleanly) {
  TestProgram program(FreshDirectory("close"), {}, 1);
  ASSERT_TRUE(program.Start().ok());
  absl::StatusOr<std::unique_ptr<AttachClient>> client =
      AttachClient::Connect(program.server->endpoint());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(Eventually([&] { return (*client)->recording()->sample_count() > 0; }));
  program.server->Close();
  ASSERT_TRUE((*client)->WaitForEnd(absl::Minutes(1)));
  EXPECT_TRUE((*client)->status().ok()) << (*client)->status();
  EXPECT_TRUE((*client)->complete());
  EXPECT_TRUE(program.recorder->status().ok());  // the recorder never noticed
}

TEST(AttachServerTest, AViewerAskingToFinishGetsItsIndexWhileOthersGoOn) {
  TestProgram program(FreshDirectory("fin"), {}, 1);
  ASSERT_TRUE(program.Start().ok());
  auto first = AttachClient::Connect(program.server->endpoint());
  auto second = AttachClient::Connect(program.server->endpoint());
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(Eventually([&] { return (*first)->recording()->sample_count() > 1; }));
  EXPECT_TRUE((*first)->FinishStream(absl::Minutes(1)).ok());
  EXPECT_TRUE((*first)->complete());
  const size_t seen = (*second)->recording()->sample_count();
  ASSERT_TRUE(Eventually([&] { return (*second)->recording()->sample_count() > seen; }));
  EXPECT_TRUE((*second)->running());
}

// A program done by hand: accepts one viewer, reads its hello, answers with
// `reply`, then sends `stream` and closes.
class FakeProgram {
 public:
  FakeProgram(const std::string& dir, std::vector<uint8_t> reply,
              std::vector<uint8_t> stream)
      : path_(dir + "/fake.sock") {
    EXPECT_TRUE(PrepareAttachDirectory(dir).ok());
    absl::StatusOr<attach_internal::UniqueFd> fd =
        attach_internal::ListenUnix(path_, 0600);
    EXPECT_TRUE(fd.ok()) << fd.status();
    listener_ = *std::move(fd);
    thread_ = std::thread([this, reply = std::move(reply), stream = std::move(stream)] {
      attach_internal::UniqueFd peer(::accept(listener_.get(), nullptr, nullptr));
      const absl::Time deadline = absl::Now() + absl::Minutes(1);
      uint8_t head[kHelloHeaderSize];
      if (!attach_internal::RecvExactly(peer.get(), absl::MakeSpan(head), deadline)
               .ok()) {
        return;
      }
      std::vector<uint8_t> payload(ParseHelloHeader(head)->payload_size);
      (void)attach_internal::RecvExactly(peer.get(), absl::MakeSpan(payload), deadline);
      (void)attach_internal::SendAll(peer.get(), reply, deadline);
      (void)attach_internal::SendAll(peer.get(), stream, deadline);
    });
  }
  ~FakeProgram() { thread_.join(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  attach_internal::UniqueFd listener_;
  std::thread thread_;
};

std::vector<uint8_t> Accepted(uint32_t version = kCaptureFormatVersion) {
  attach::pb::ServerHello hello;
  hello.set_pid(1);
  hello.set_program("fake");
  return EncodeHello(hello, version);
}

TEST(AttachServerTest, AViewerRefusesANewerProgramNamingBothVersions) {
  FakeProgram fake(FreshDirectory("fakenew"), Accepted(kCaptureFormatVersion + 1), {});
  absl::StatusOr<std::unique_ptr<AttachClient>> client =
      AttachClient::Connect(fake.path());
  EXPECT_EQ(client.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(client.status().message().find(std::to_string(kCaptureFormatVersion + 1)),
            std::string::npos);
  EXPECT_NE(client.status().message().find(std::to_string(kCaptureFormatVersion)),
            std::string::npos);
}

TEST(AttachServerTest, SomethingThatIsNotAnEndpointIsAnInvalidArgument) {
  FakeProgram fake(FreshDirectory("fakehttp"),
                   std::vector<uint8_t>(kHelloHeaderSize, 'H'), {});
  EXPECT_EQ(AttachClient::Connect(fake.path()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AttachServerTest, AStreamCutWithoutItsEndIsALostConnectionKeepingItsSamples) {
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  CaptureWriter writer(std::make_unique<MemorySink>(bytes));
  ASSERT_TRUE(writer.Begin(CaptureInfo{.program = "fake"}).ok());
  Snapshot s;
  s.processes.push_back(ProcessSample{.pid = 3, .name = "three"});
  for (int i = 0; i < 4; ++i) {
    s.time_ns = i * 1000;
    ASSERT_TRUE(writer.WriteSample(s).ok());
  }
  std::vector<uint8_t> stream = *bytes;
  stream.resize(stream.size() - 5);  // the program died inside a chunk
  FakeProgram fake(FreshDirectory("fakecut"), Accepted(), stream);
  absl::StatusOr<std::unique_ptr<AttachClient>> client =
      AttachClient::Connect(fake.path());
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE((*client)->WaitForEnd(absl::Minutes(1)));
  EXPECT_EQ((*client)->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE((*client)->status().message().find("connection lost"), std::string::npos);
  EXPECT_FALSE((*client)->complete());
  std::shared_ptr<StreamRecording> live = (*client)->recording();
  EXPECT_EQ(live->sample_count(), 3u);  // the fourth was cut
  EXPECT_EQ(live->status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Names(*live->SnapshotAt(2)), std::set<std::string>{"three"});
}

TEST(AttachServerTest, NothingListeningIsUnavailableOrNotFound) {
  const std::string dir = FreshDirectory("none");
  EXPECT_EQ(AttachClient::Connect(dir + "/nobody.sock").status().code(),
            absl::StatusCode::kNotFound);
  AttachClientOptions options;
  options.directory = dir;
  EXPECT_EQ(AttachClient::Connect("1073741823", options).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(AttachServerTest, TheEndpointMustBeOpenedBeforeTheRecorderStarts) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Recorder recorder(rt, {});
  ASSERT_TRUE(recorder.Start().ok());
  AttachOptions options;
  options.directory = FreshDirectory("late");
  EXPECT_EQ(AttachServer::Open(rt, recorder, options).status().code(),
            absl::StatusCode::kFailedPrecondition);
  (void)recorder.Stop();
}

}  // namespace
}  // namespace overseer
