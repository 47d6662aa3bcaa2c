#include "probes/attach/env.h"

#include "gtest/gtest.h"

namespace overseer {
namespace {

using Transport = AttachOptions::Transport;

AttachEnv Env(const char* attach, const char* control, const char* token,
              const char* tls_cert = nullptr, const char* tls_key = nullptr) {
  return AttachEnv{attach, control, token, tls_cert, tls_key};
}

TEST(AttachEnvTest, UnsetEmptyOrOffAsksForNoEndpoint) {
  for (const char* v : {static_cast<const char*>(nullptr), "", "0", "off", " no "}) {
    absl::StatusOr<std::optional<AttachOptions>> o =
        AttachOptionsFromEnv(Env(v, nullptr, nullptr));
    ASSERT_TRUE(o.ok()) << (v ? v : "null");
    EXPECT_FALSE(o->has_value());
  }
}

TEST(AttachEnvTest, OneOrUnixAsksForAReadOnlyUnixSocket) {
  for (const char* v : {"1", "unix", "UNIX", "yes"}) {
    absl::StatusOr<std::optional<AttachOptions>> o =
        AttachOptionsFromEnv(Env(v, nullptr, nullptr));
    ASSERT_TRUE(o.ok() && o->has_value()) << v;
    EXPECT_EQ((*o)->transport, Transport::kUnix);
    EXPECT_FALSE((*o)->allow_control);
    EXPECT_TRUE((*o)->token.empty());
  }
}

TEST(AttachEnvTest, TcpListensOnLoopbackUnlessAnAddressIsGiven) {
  auto any = AttachOptionsFromEnv(Env("tcp", nullptr, nullptr));
  ASSERT_TRUE(any.ok() && any->has_value());
  EXPECT_EQ((*any)->transport, Transport::kTcp);
  EXPECT_EQ((*any)->tcp_address, "127.0.0.1");
  EXPECT_EQ((*any)->tcp_port, 0);
  auto port = AttachOptionsFromEnv(Env("tcp:5555", nullptr, nullptr));
  ASSERT_TRUE(port.ok() && port->has_value());
  EXPECT_EQ((*port)->tcp_address, "127.0.0.1");
  EXPECT_EQ((*port)->tcp_port, 5555);
  auto addr = AttachOptionsFromEnv(Env("tcp:10.0.0.5:6000", nullptr, nullptr));
  ASSERT_TRUE(addr.ok() && addr->has_value());
  EXPECT_EQ((*addr)->tcp_address, "10.0.0.5");
  EXPECT_EQ((*addr)->tcp_port, 6000);
  auto any_port = AttachOptionsFromEnv(Env("tcp:[::]:0", nullptr, nullptr));
  ASSERT_TRUE(any_port.ok() && any_port->has_value()) << any_port.status();
  EXPECT_EQ((*any_port)->tcp_address, "::");
  EXPECT_EQ((*any_port)->tcp_port, 0);
}

TEST(AttachEnvTest, ControlAndTokenComeFromTheirOwnVariables) {
  auto o = AttachOptionsFromEnv(Env("1", "1", "abc"));
  ASSERT_TRUE(o.ok() && o->has_value());
  EXPECT_TRUE((*o)->allow_control);
  EXPECT_EQ((*o)->token, "abc");
  auto off = AttachOptionsFromEnv(Env("1", "0", nullptr));
  EXPECT_FALSE((*off)->allow_control);
}

TEST(AttachEnvTest, TheProgramsOwnOptionsAreKept) {
  AttachOptions base;
  base.allow_control = true;
  base.viewer_buffer_bytes = 1234;
  auto o = AttachOptionsFromEnv(Env("unix", nullptr, nullptr), base);
  ASSERT_TRUE(o.ok() && o->has_value());
  EXPECT_TRUE((*o)->allow_control);
  EXPECT_EQ((*o)->viewer_buffer_bytes, 1234u);
}

TEST(AttachEnvTest, GarbageIsAnInvalidArgumentNamingTheVariable) {
  for (const char* v : {"udp", "tcp:", "tcp:99999", "tcp:host:port", "2"}) {
    absl::StatusOr<std::optional<AttachOptions>> o =
        AttachOptionsFromEnv(Env(v, nullptr, nullptr));
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument) << v;
    EXPECT_NE(o.status().message().find("OVERSEER_ATTACH"), std::string::npos);
  }
}

TEST(AttachEnvTest, TlsFilesComeFromTheirOwnVariablesForTcp) {
  auto o =
      AttachOptionsFromEnv(Env("tcp:0.0.0.0:6000", nullptr, nullptr, " a.crt ", "a.key"));
  ASSERT_TRUE(o.ok() && o->has_value()) << o.status();
  EXPECT_EQ((*o)->tls.certificate_file, "a.crt");
  EXPECT_EQ((*o)->tls.key_file, "a.key");
  EXPECT_EQ((*o)->tcp_address, "0.0.0.0");
  auto plain = AttachOptionsFromEnv(Env("tcp", nullptr, nullptr, "", ""));
  ASSERT_TRUE(plain.ok() && plain->has_value());
  EXPECT_FALSE((*plain)->tls.enabled());
}

TEST(AttachEnvTest, OneTlsFileWithoutTheOtherNamesTheMissingVariable) {
  auto no_key = AttachOptionsFromEnv(Env("tcp", nullptr, nullptr, "a.crt", nullptr));
  EXPECT_EQ(no_key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(no_key.status().message().find("OVERSEER_ATTACH_TLS_KEY is not"),
            std::string::npos)
      << no_key.status();
  auto no_cert = AttachOptionsFromEnv(Env("tcp", nullptr, nullptr, nullptr, "a.key"));
  EXPECT_NE(no_cert.status().message().find("OVERSEER_ATTACH_TLS_CERT is not"),
            std::string::npos)
      << no_cert.status();
}

TEST(AttachEnvTest, TlsFilesForAUnixSocketAreRefused) {
  auto o = AttachOptionsFromEnv(Env("unix", nullptr, nullptr, "a.crt", "a.key"));
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(o.status().message().find("TCP"), std::string::npos) << o.status();
}

}  // namespace
}  // namespace overseer
