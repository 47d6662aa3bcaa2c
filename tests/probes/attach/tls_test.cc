// Attach over TLS: on loopback with a self-signed certificate the test
// makes, the token still checked inside it, certificates that must not be
// trusted, each side meeting the other without TLS, and TCP beyond loopback
// refused without TLS and served with it.
#include "probes/attach/tls.h"

#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "probes/attach/client.h"
#include "probes/attach/endpoint.h"
#include "probes/attach/server.h"
#include "probes/attach/socket_util.h"
#include "tests/probes/attach/attach_test_util.h"
#include "tests/probes/attach/tls_test_util.h"

namespace overseer {
namespace {

using testing::Eventually;
using testing::FreshDirectory;
using testing::MakeSelfSignedCertificate;
using testing::TestCertificate;
using testing::TestProgram;

// Generous: the machine may be loaded; a failing case answers at once.
constexpr absl::Duration kPatience = absl::Seconds(60);

bool Contains(const absl::Status& s, const std::string& text) {
  return s.message().find(text) != absl::string_view::npos;
}

TestCertificate Certificate(const std::string& name,
                            std::vector<std::string> names = {"DNS:localhost",
                                                              "IP:127.0.0.1"}) {
  absl::StatusOr<TestCertificate> cert =
      MakeSelfSignedCertificate(FreshDirectory(name) + "/cert", names);
  EXPECT_TRUE(cert.ok()) << cert.status();
  return cert.ok() ? *cert : TestCertificate{};
}

AttachOptions TlsOptions(const TestCertificate& cert, const std::string& address = "") {
  AttachOptions options;
  options.transport = AttachOptions::Transport::kTcp;
  if (!address.empty()) options.tcp_address = address;
  options.tls = {cert.certificate_file, cert.key_file};
  options.handshake_timeout = kPatience;
  return options;
}

AttachClientOptions Trusting(const std::string& ca_file, const std::string& token) {
  AttachClientOptions options;
  options.token = token;
  options.tls.ca_file = ca_file;
  options.timeout = kPatience;
  return options;
}

TEST(AttachTlsTest, LoopbackIsOnly127SlashEightTheIpv6LoopbackAndLocalhost) {
  using attach_internal::IsLoopbackAddress;
  for (const char* yes :
       {"127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1", "localhost"}) {
    EXPECT_TRUE(IsLoopbackAddress(yes)) << yes;
  }
  for (const char* no : {"0.0.0.0", "::", "192.0.2.2", "10.0.0.1", "128.0.0.1",
                         "::ffff:10.0.0.1", "fe80::1", "", "example.com", "localhost."}) {
    EXPECT_FALSE(IsLoopbackAddress(no)) << no;
  }
}

TEST(AttachTlsTest, AFingerprintIsTakenInAnySpellingAndGivenAsOpenSslPrintsIt) {
  const std::string canonical =
      "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
      "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
  std::string bare = absl::AsciiStrToLower(canonical);
  std::erase(bare, ':');
  for (const std::string& text :
       {canonical, bare, "sha256:" + bare, "SHA256:" + canonical, " " + bare + "\n"}) {
    absl::StatusOr<std::string> f = attach_internal::ParseFingerprint(text);
    ASSERT_TRUE(f.ok()) << text << ": " << f.status();
    EXPECT_EQ(*f, canonical);
  }
  for (const std::string& text : {std::string(), bare.substr(2), bare + "00",
                                  "zz" + bare.substr(2), std::string("sha1:") + bare}) {
    absl::StatusOr<std::string> f = attach_internal::ParseFingerprint(text);
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(AttachTlsTest, TlsOnLoopbackStreamsSamplesAndEndsCleanly) {
  const TestCertificate cert = Certificate("tls-ok");
  TestProgram program(FreshDirectory("tls-ok-run"), TlsOptions(cert), 3);
  ASSERT_TRUE(program.open_status.ok()) << program.open_status;
  ASSERT_TRUE(program.Start().ok());
  EXPECT_EQ(program.server->tls_fingerprint(), cert.fingerprint);
  auto client =
      AttachClient::Connect(program.server->endpoint(),
                            Trusting(cert.certificate_file, program.server->token()));
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ((*client)->welcome().transport.rfind("TLSv1.3 ", 0), 0u)
      << (*client)->welcome().transport;
  std::shared_ptr<StreamRecording> live = (*client)->recording();
  ASSERT_TRUE(Eventually([&] { return live->sample_count() >= 3; }));
  ASSERT_EQ(program.server->viewers().size(), 1u);
  EXPECT_EQ(program.server->viewers()[0].transport.rfind("TLSv1.3 ", 0), 0u);

  ASSERT_TRUE(program.recorder->Stop().ok());
  ASSERT_TRUE((*client)->WaitForEnd(absl::Minutes(1)));
  EXPECT_TRUE((*client)->status().ok()) << (*client)->status();
  EXPECT_TRUE((*client)->complete());
  EXPECT_TRUE(live->status().ok()) << live->status();
}

TEST(AttachTlsTest, TheTokenIsStillCheckedInsideTls) {
  const TestCertificate cert = Certificate("tls-token");
  AttachOptions options = TlsOptions(cert);
  options.token = "sekrit";
  TestProgram program(FreshDirectory("tls-token-run"), options, 1);
  ASSERT_TRUE(program.Start().ok()) << program.open_status;
  const std::string endpoint = program.server->endpoint();
  absl::Status wrong =
      AttachClient::Connect(endpoint, Trusting(cert.certificate_file, "guess")).status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kPermissionDenied) << wrong;
  EXPECT_TRUE(Contains(wrong, "wrong token")) << wrong;
  absl::Status none =
      AttachClient::Connect(endpoint, Trusting(cert.certificate_file, "")).status();
  EXPECT_EQ(none.code(), absl::StatusCode::kPermissionDenied) << none;
  auto right = AttachClient::Connect(endpoint, Trusting(cert.certificate_file, "sekrit"));
  ASSERT_TRUE(right.ok()) << right.status();
  ASSERT_TRUE(Eventually([&] { return (*right)->recording()->sample_count() > 0; }));
}

TEST(AttachTlsTest, AClientTrustingAnotherCertificateIsRefusedNamingWhy) {
  const TestCertificate cert = Certificate("tls-mine");
  const TestCertificate other = Certificate("tls-other");
  TestProgram program(FreshDirectory("tls-other-run"), TlsOptions(cert), 1);
  ASSERT_TRUE(program.Start().ok()) << program.open_status;
  const std::string endpoint = program.server->endpoint();
  const std::string token = program.server->token();

  absl::Status by_ca =
      AttachClient::Connect(endpoint, Trusting(other.certificate_file, token)).status();
  EXPECT_EQ(by_ca.code(), absl::StatusCode::kPermissionDenied) << by_ca;
  EXPECT_TRUE(Contains(by_ca, "not trusted")) << by_ca;
  EXPECT_TRUE(Contains(by_ca, other.certificate_file)) << by_ca;

  AttachClientOptions pinned;
  pinned.token = token;
  pinned.tls.fingerprint = other.fingerprint;
  pinned.timeout = kPatience;
  absl::Status by_pin = AttachClient::Connect(endpoint, pinned).status();
  EXPECT_EQ(by_pin.code(), absl::StatusCode::kPermissionDenied) << by_pin;
  EXPECT_TRUE(Contains(by_pin, cert.fingerprint)) << by_pin;  // what it saw
  EXPECT_TRUE(Contains(by_pin, other.fingerprint)) << by_pin;

  // The program is unharmed, and the right pin (any spelling) is enough.
  std::string bare = cert.fingerprint;
  std::erase(bare, ':');
  pinned.tls.fingerprint = absl::AsciiStrToLower(bare);
  auto ok = AttachClient::Connect(endpoint, pinned);
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_TRUE(Eventually([&] { return (*ok)->recording()->sample_count() > 0; }));
}

TEST(AttachTlsTest, ACertificateForAnotherNameIsRefusedUnlessThatNameIsExpected) {
  const TestCertificate cert = Certificate("tls-name", {"DNS:elsewhere.example"});
  TestProgram program(FreshDirectory("tls-name-run"), TlsOptions(cert), 1);
  ASSERT_TRUE(program.Start().ok()) << program.open_status;
  AttachClientOptions options = Trusting(cert.certificate_file, program.server->token());
  absl::Status s = AttachClient::Connect(program.server->endpoint(), options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
  EXPECT_TRUE(Contains(s, "mismatch")) << s;
  options.tls.server_name = "elsewhere.example";
  auto ok = AttachClient::Connect(program.server->endpoint(), options);
  EXPECT_TRUE(ok.ok()) << ok.status();
}

TEST(AttachTlsTest, TlsWithoutAWayToVerifyIsRefused) {
  const TestCertificate cert = Certificate("tls-unverified");
  TestProgram program(FreshDirectory("tls-unverified-run"), TlsOptions(cert), 1);
  ASSERT_TRUE(program.Start().ok()) << program.open_status;
  AttachClientOptions options;
  options.token = program.server->token();
  options.tls.enabled = true;
  absl::Status s = AttachClient::Connect(program.server->endpoint(), options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(Contains(s, "unverified")) << s;
  options.tls.fingerprint = "12:34";
  s = AttachClient::Connect(program.server->endpoint(), options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(Contains(s, "SHA-256")) << s;
}

TEST(AttachTlsTest, APlainViewerOfATlsEndpointIsToldToUseTls) {
  const TestCertificate cert = Certificate("tls-plainviewer");
  TestProgram program(FreshDirectory("tls-plainviewer-run"), TlsOptions(cert), 1);
  ASSERT_TRUE(program.Start().ok()) << program.open_status;
  AttachClientOptions plain;
  plain.token = program.server->token();
  plain.timeout = kPatience;
  absl::Status s = AttachClient::Connect(program.server->endpoint(), plain).status();
  // An answer, not the end of the timeout.
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_TRUE(Contains(s, "TLS only")) << s;
  EXPECT_TRUE(Contains(s, "--tls-ca")) << s;
}

TEST(AttachTlsTest, ATlsViewerOfAPlainEndpointIsToldItHasNoTls) {
  const TestCertificate cert = Certificate("tls-plainprogram");
  AttachOptions options;
  options.transport = AttachOptions::Transport::kTcp;
  options.handshake_timeout = kPatience;
  TestProgram program(FreshDirectory("tls-plainprogram-run"), options, 1);
  ASSERT_TRUE(program.Start().ok()) << program.open_status;
  absl::Status s =
      AttachClient::Connect(program.server->endpoint(),
                            Trusting(cert.certificate_file, program.server->token()))
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_TRUE(Contains(s, "plain text")) << s;
  EXPECT_TRUE(Contains(s, "without TLS")) << s;
  // And it still serves plain viewers.
  auto ok = AttachClient::Connect(program.server->endpoint(), program.server->token());
  EXPECT_TRUE(ok.ok()) << ok.status();
}

TEST(AttachTlsTest, AllowedControlWorksInsideTls) {
  const TestCertificate cert = Certificate("tls-ctl");
  AttachOptions options = TlsOptions(cert);
  options.allow_control = true;
  TestProgram program(FreshDirectory("tls-ctl-run"), options, 2);
  ASSERT_TRUE(program.Start().ok()) << program.open_status;
  auto client =
      AttachClient::Connect(program.server->endpoint(),
                            Trusting(cert.certificate_file, program.server->token()));
  ASSERT_TRUE(client.ok()) << client.status();
  for (int ms : {30, 20, 40}) {
    absl::StatusOr<absl::Duration> set = (*client)->SetInterval(absl::Milliseconds(ms));
    ASSERT_TRUE(set.ok()) << set.status();
    EXPECT_EQ(*set, absl::Milliseconds(ms));
  }
  absl::StatusOr<ProcessDetail> detail = (*client)->Inspect(program.pids[1].id());
  ASSERT_TRUE(detail.ok()) << detail.status();
  EXPECT_EQ(detail->pid, program.pids[1].id());
  EXPECT_TRUE((*client)->FinishStream(absl::Minutes(1)).ok());
  EXPECT_TRUE((*client)->complete());
}

TEST(AttachTlsTest, AStalledTlsViewerLosesSamplesThenGetsAStreamThatStillDecodes) {
  // Uncompressed, mostly deltas, small buffers: the socket fills, the
  // session's writes are cut short and retried, and samples are dropped.
  const TestCertificate cert = Certificate("tls-stall");
  AttachOptions options = TlsOptions(cert);
  options.viewer_buffer_bytes = 64 << 10;
  options.writer.zstd_level = 0;
  options.writer.keyframe_interval = 2;
  // Big enough samples that loopback TCP's large buffers fill soon.
  constexpr int kProcesses = 2000;
  TestProgram program(FreshDirectory("tls-stall-run"), options, kProcesses);
  ASSERT_TRUE(program.Start().ok()) << program.open_status;
  absl::Mutex mu;
  bool held = true;
  AttachClientOptions stalled = Trusting(cert.certificate_file, program.server->token());
  stalled.on_capture_bytes = [&](absl::Span<const uint8_t>) {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](bool* h) { return !*h; }, &held));
  };
  auto client = AttachClient::Connect(program.server->endpoint(), stalled);
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE(Eventually([&] {
    const std::vector<ViewerStats> v = program.server->viewers();
    return !v.empty() && v[0].samples_dropped >= 3;
  }));
  {
    absl::MutexLock lock(&mu);
    held = false;
  }
  std::shared_ptr<StreamRecording> live = (*client)->recording();
  ASSERT_TRUE(Eventually([&] { return live->sample_count() > 10; }));
  EXPECT_TRUE(Eventually([&] { return (*client)->samples_dropped() >= 3; }));
  ASSERT_TRUE(program.recorder->Stop().ok());
  ASSERT_TRUE((*client)->WaitForEnd(absl::Minutes(1)));
  EXPECT_TRUE((*client)->status().ok()) << (*client)->status();
  EXPECT_TRUE((*client)->complete());
  ASSERT_TRUE(live->status().ok()) << live->status();
  for (size_t i = 0; i < live->sample_count(); ++i) {
    absl::StatusOr<Snapshot> snap = live->SnapshotAt(i);
    ASSERT_TRUE(snap.ok()) << i << ": " << snap.status();
    EXPECT_EQ(snap->processes.size(), static_cast<size_t>(kProcesses)) << i;
  }
}

TEST(AttachTlsTest, TheEndpointFileSaysTlsAndAViewerByPidUsesIt) {
  const std::string dir = FreshDirectory("tls-file");
  const TestCertificate cert = Certificate("tls-file-cert");
  TestProgram program(dir, TlsOptions(cert), 1);
  ASSERT_TRUE(program.Start().ok()) << program.open_status;
  std::ifstream in(program.server->file());
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("tls sha256 " + cert.fingerprint), std::string::npos) << text;
  absl::StatusOr<EndpointInfo> found = FindEndpoint(::getpid(), dir);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(found->tls);
  EXPECT_EQ(found->tls_fingerprint, cert.fingerprint);

  AttachClientOptions by_pid;
  by_pid.directory = dir;
  by_pid.timeout = kPatience;
  auto client = AttachClient::Connect(std::to_string(::getpid()), by_pid);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ((*client)->welcome().transport.rfind("TLS", 0), 0u);
}

TEST(AttachTlsTest, BadCertificateOrKeyFilesAreRefusedNamingTheFile) {
  const TestCertificate cert = Certificate("tls-bad");
  const TestCertificate other = Certificate("tls-bad-other");
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Recorder recorder(rt, {});
  auto open = [&](const std::string& c, const std::string& k) {
    AttachOptions options = TlsOptions({c, k, ""});
    options.directory = FreshDirectory("tls-bad-run");
    return AttachServer::Open(rt, recorder, options).status();
  };
  const std::string missing = cert.certificate_file + ".missing";
  absl::Status s = open(missing, cert.key_file);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound) << s;
  EXPECT_TRUE(Contains(s, missing)) << s;

  const std::string garbage = cert.certificate_file + ".garbage";
  std::ofstream(garbage) << "not a certificate\n";
  s = open(garbage, cert.key_file);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(Contains(s, garbage)) << s;
  EXPECT_TRUE(Contains(s, "no PEM certificate")) << s;
  EXPECT_TRUE(Contains(s, "OpenSSL: ")) << s;

  s = open(cert.certificate_file, garbage);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(Contains(s, "private key")) << s;

  s = open(cert.certificate_file, other.key_file);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(Contains(s, "does not belong")) << s;
  EXPECT_TRUE(Contains(s, other.key_file)) << s;

  s = open(cert.certificate_file, "");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(Contains(s, "both")) << s;

  AttachOptions unix_tls;
  unix_tls.tls = {cert.certificate_file, cert.key_file};
  unix_tls.directory = FreshDirectory("tls-bad-unix");
  s = AttachServer::Open(rt, recorder, unix_tls).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(Contains(s, "TCP")) << s;
}

// This machine's address beyond loopback if it has one; else 0.0.0.0,
// every interface, which is not loopback either.
std::string BeyondLoopback() {
  const std::string address = testing::NonLoopbackAddress();
  return address.empty() ? "0.0.0.0" : address;
}

TEST(AttachTlsTest, TcpBeyondLoopbackWithoutTlsIsRefusedNamingTheAddress) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Recorder recorder(rt, {});
  for (const std::string& address :
       {BeyondLoopback(), std::string("0.0.0.0"), std::string("::")}) {
    AttachOptions options;
    options.transport = AttachOptions::Transport::kTcp;
    options.tcp_address = address;
    options.directory = FreshDirectory("tls-refuse");
    absl::Status s = AttachServer::Open(rt, recorder, options).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << address << ": " << s;
    EXPECT_TRUE(Contains(s, address + " without TLS")) << s;
    EXPECT_TRUE(Contains(s, "certificate and its key")) << s;
  }
}

TEST(AttachTlsTest, LoopbackAddressesNeedNoTls) {
  Runtime rt(RuntimeOptions{.schedulers = 1});
  Recorder recorder(rt, {});
  for (const std::string address : {"127.0.0.1", "127.1.2.3", "localhost"}) {
    AttachOptions options;
    options.transport = AttachOptions::Transport::kTcp;
    options.tcp_address = address;
    options.directory = FreshDirectory("tls-loop");
    auto server = AttachServer::Open(rt, recorder, options);
    EXPECT_TRUE(server.ok()) << address << ": " << server.status();
  }
}

TEST(AttachTlsTest, TcpBeyondLoopbackWithTlsOpensAndServes) {
  const std::string address = BeyondLoopback();
  const bool all = address == "0.0.0.0";
  const TestCertificate cert =
      Certificate("tls-far", {"DNS:localhost", "IP:127.0.0.1", "IP:" + address});
  TestProgram program(FreshDirectory("tls-far-run"), TlsOptions(cert, address), 2);
  ASSERT_TRUE(program.open_status.ok()) << program.open_status;
  ASSERT_TRUE(program.Start().ok());
  const std::string endpoint = program.server->endpoint();
  ASSERT_EQ(endpoint.rfind("tcp:" + address + ":", 0), 0u) << endpoint;
  // On every interface, loopback reaches it too.
  const std::string target =
      all ? "tcp:127.0.0.1:" + endpoint.substr(endpoint.rfind(':') + 1) : endpoint;
  auto client = AttachClient::Connect(
      target, Trusting(cert.certificate_file, program.server->token()));
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE(Eventually([&] { return (*client)->recording()->sample_count() >= 2; }));
}

TEST(AttachTlsTest, APlainViewerWillNotSendItsTokenBeyondLoopback) {
  const std::string address = testing::NonLoopbackAddress();
  if (address.empty()) GTEST_SKIP() << "this machine has no address beyond loopback";
  const TestCertificate cert = Certificate("tls-clear", {"IP:" + address});
  TestProgram program(FreshDirectory("tls-clear-run"), TlsOptions(cert, address), 1);
  ASSERT_TRUE(program.Start().ok()) << program.open_status;
  AttachClientOptions plain;
  plain.token = program.server->token();
  plain.timeout = kPatience;
  absl::Status s = AttachClient::Connect(program.server->endpoint(), plain).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_TRUE(Contains(s, "clear text")) << s;
  EXPECT_TRUE(program.server->viewers().empty() ||
              !program.server->viewers()[0].streaming);
}

}  // namespace
}  // namespace overseer
