// The transports under attach, plain and TLS, on a loopback TCP pair: many
// megabytes arrive intact through partial writes, decrypted bytes that
// poll(2) cannot see are reported, and a peer that went away is an error,
// never a SIGPIPE. Throughput is printed, not asserted.
#include "probes/attach/transport.h"

#include <poll.h>
#include <sys/socket.h>

#include <cstdio>
#include <memory>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "probes/attach/socket_util.h"
#include "probes/attach/tls.h"
#include "tests/probes/attach/attach_test_util.h"
#include "tests/probes/attach/tls_test_util.h"

namespace overseer::attach_internal {
namespace {

constexpr absl::Duration kPatience = absl::Minutes(1);

struct Pair {
  std::unique_ptr<Transport> program;  // the accepting side
  std::unique_ptr<Transport> viewer;   // the connecting side
};

// A connected loopback TCP pair, under TLS when `tls` is given.
absl::StatusOr<Pair> Connect(const TlsServer* tls) {
  uint16_t port = 0;
  absl::StatusOr<UniqueFd> listener = ListenTcp("127.0.0.1", port, &port);
  if (!listener.ok()) return listener.status();
  absl::StatusOr<UniqueFd> viewer =
      ConnectTcp("127.0.0.1", port, absl::Now() + kPatience);
  if (!viewer.ok()) return viewer.status();
  UniqueFd accepted(::accept(listener->get(), nullptr, nullptr));
  if (!accepted.valid()) return ErrnoError(errno, "accepting");
  Pair pair;
  if (tls == nullptr) {
    pair.program = MakePlainTransport(std::move(accepted));
    pair.viewer = MakePlainTransport(*std::move(viewer));
    return pair;
  }
  const absl::Time deadline = absl::Now() + kPatience;
  absl::StatusOr<std::unique_ptr<Transport>> program;
  std::thread handshake(
      [&] { program = tls->Accept(std::move(accepted), deadline, /*cancel_fd=*/-1); });
  absl::StatusOr<std::unique_ptr<Transport>> client =
      TlsConnect(*std::move(viewer), "127.0.0.1", {"", tls->fingerprint(), ""}, deadline);
  handshake.join();
  if (!program.ok()) return program.status();
  if (!client.ok()) return client.status();
  pair.program = *std::move(program);
  pair.viewer = *std::move(client);
  return pair;
}

std::unique_ptr<TlsServer> LoadTls(const std::string& name) {
  absl::StatusOr<testing::TestCertificate> cert = testing::MakeSelfSignedCertificate(
      testing::FreshDirectory(name) + "/cert", {"IP:127.0.0.1"});
  EXPECT_TRUE(cert.ok()) << cert.status();
  if (!cert.ok()) return nullptr;
  absl::StatusOr<std::unique_ptr<TlsServer>> tls =
      TlsServer::Load(cert->certificate_file, cert->key_file);
  EXPECT_TRUE(tls.ok()) << tls.status();
  return tls.ok() ? *std::move(tls) : nullptr;
}

// Sends `total` bytes of a known pattern one way and checks every byte.
void CarryAndCheck(Pair& pair, size_t total, const char* what) {
  std::vector<uint8_t> out(1 << 20);
  std::iota(out.begin(), out.end(), uint8_t{0});
  const absl::Time start = absl::Now();
  std::thread sender([&] {
    for (size_t sent = 0; sent < total; sent += out.size()) {
      ASSERT_TRUE(SendAll(*pair.program, out, absl::Now() + kPatience).ok());
    }
  });
  std::vector<uint8_t> in(out.size());
  bool intact = true;
  for (size_t got = 0; got < total; got += in.size()) {
    const absl::Status s =
        RecvExactly(*pair.viewer, absl::MakeSpan(in), absl::Now() + kPatience);
    ASSERT_TRUE(s.ok()) << s;
    intact = intact && in == out;
  }
  sender.join();
  EXPECT_TRUE(intact);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("%s: %zu MiB in %.3f s, %.0f MiB/s (%s)\n", what, total >> 20, seconds,
              static_cast<double>(total >> 20) / seconds,
              pair.viewer->Describe().c_str());
}

TEST(AttachTransportTest, PlainAndTlsCarryManyMegabytesIntact) {
  constexpr size_t kTotal = size_t{64} << 20;
  absl::StatusOr<Pair> plain = Connect(nullptr);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->viewer->Describe(), "plain");
  CarryAndCheck(*plain, kTotal, "plain");
  std::unique_ptr<TlsServer> tls = LoadTls("tr-carry");
  ASSERT_NE(tls, nullptr);
  absl::StatusOr<Pair> secure = Connect(tls.get());
  ASSERT_TRUE(secure.ok()) << secure.status();
  CarryAndCheck(*secure, kTotal, "TLS");
}

TEST(AttachTransportTest, DecryptedBytesPollCannotSeeAreReportedAndReadWithoutWaiting) {
  std::unique_ptr<TlsServer> tls = LoadTls("tr-pending");
  ASSERT_NE(tls, nullptr);
  absl::StatusOr<Pair> pair = Connect(tls.get());
  ASSERT_TRUE(pair.ok()) << pair.status();
  const std::string text = "one record of the stream";
  ASSERT_TRUE(SendAll(*pair->program,
                      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(text.data()),
                                          text.size()),
                      absl::Now() + kPatience)
                  .ok());
  uint8_t first = 0;
  ASSERT_TRUE(
      RecvExactly(*pair->viewer, absl::MakeSpan(&first, 1), absl::Now() + kPatience)
          .ok());
  EXPECT_EQ(first, static_cast<uint8_t>(text[0]));
  // The rest of the record is decrypted already: the socket has nothing.
  ASSERT_TRUE(pair->viewer->HasBufferedInput());
  pollfd p{pair->viewer->fd(), POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 0), 0);
  std::vector<uint8_t> rest(text.size() - 1);
  absl::StatusOr<IoResult> r = pair->viewer->Read(absl::MakeSpan(rest));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->bytes, rest.size());
  EXPECT_EQ(std::string(rest.begin(), rest.end()), text.substr(1));
  EXPECT_FALSE(pair->viewer->HasBufferedInput());
  // Nothing more: the session says to wait for the socket.
  r = pair->viewer->Read(absl::MakeSpan(rest));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->bytes, 0u);
  EXPECT_EQ(r->wait, POLLIN);
}

TEST(AttachTransportTest, APeerThatWentAwayEndsTheStreamAndWritingToItIsAnError) {
  std::unique_ptr<TlsServer> tls = LoadTls("tr-gone");
  ASSERT_NE(tls, nullptr);
  for (const TlsServer* server : {static_cast<const TlsServer*>(nullptr),
                                  static_cast<const TlsServer*>(tls.get())}) {
    absl::StatusOr<Pair> pair = Connect(server);
    ASSERT_TRUE(pair.ok()) << pair.status();
    const std::string kind = pair->viewer->Describe();
    pair->viewer->Shutdown();
    pair->viewer.reset();
    // The program reads the end (TLS: the close_notify or the bare close).
    std::vector<uint8_t> buffer(4096);
    absl::StatusOr<IoResult> r;
    do {
      ASSERT_TRUE(WaitTransport(*pair->program, POLLIN, absl::Now() + kPatience).ok());
      r = pair->program->Read(absl::MakeSpan(buffer));
    } while (r.ok() && !r->closed && r->bytes == 0);
    ASSERT_TRUE(r.ok()) << kind << ": " << r.status();
    EXPECT_TRUE(r->closed) << kind;
    // Writing on goes wrong with a status (a SIGPIPE would end this test).
    absl::Status s;
    for (int i = 0; i < 100 && s.ok(); ++i) {
      s = SendAll(*pair->program, buffer, absl::Now() + kPatience);
    }
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << kind << ": " << s;
  }
}

}  // namespace
}  // namespace overseer::attach_internal
