#include "probes/tools/capture_options.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace overseer {
namespace {

using Mode = CaptureToolOptions::Mode;

absl::StatusOr<CaptureToolOptions> Parse(std::vector<std::string> args) {
  return ParseCaptureArgs(args);
}

TEST(CaptureOptionsTest, LaunchTakesEverythingAfterTheDoubleDashAsTheCommand) {
  auto o = Parse({"--out", "run.ovc", "--duration", "30s", "--launch", "--", "demo",
                  "--mode", "closure"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->mode, Mode::kLaunch);
  EXPECT_EQ(o->command, (std::vector<std::string>{"demo", "--mode", "closure"}));
  EXPECT_EQ(o->out, "run.ovc");
  EXPECT_EQ(o->duration, absl::Seconds(30));
  EXPECT_FALSE(o->interval.has_value());
}

TEST(CaptureOptionsTest, AttachTakesAnEndpointAToken_AndEqualsSignsWork) {
  auto o = Parse({"--attach=tcp:127.0.0.1:4000", "--token", "abc", "--out=x.ovc",
                  "--interval=100ms", "--quiet"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->mode, Mode::kAttach);
  EXPECT_EQ(o->endpoint, "tcp:127.0.0.1:4000");
  EXPECT_EQ(o->token, "abc");
  EXPECT_EQ(o->interval, absl::Milliseconds(100));
  EXPECT_TRUE(o->quiet);
}

TEST(CaptureOptionsTest, AttachTakesTlsTrustAFingerprintAndAName) {
  auto ca = Parse({"--attach", "tcp:10.0.0.5:4000", "--tls-ca", "ca.pem",
                   "--tls-name=node7", "--out", "x.ovc"});
  ASSERT_TRUE(ca.ok()) << ca.status();
  EXPECT_EQ(ca->tls_ca, "ca.pem");
  EXPECT_EQ(ca->tls_name, "node7");
  EXPECT_TRUE(ca->tls_fingerprint.empty());
  const std::string bare(64, 'a');
  auto pin = Parse(
      {"--attach", "tcp:10.0.0.5:4000", "--tls-fingerprint=" + bare, "--out", "x.ovc"});
  ASSERT_TRUE(pin.ok()) << pin.status();
  EXPECT_EQ(pin->tls_fingerprint.size(), 95u);  // 32 bytes, colons between
  EXPECT_EQ(pin->tls_fingerprint.substr(0, 6), "AA:AA:");
  EXPECT_NE(CaptureUsage().find("--tls-ca FILE"), std::string::npos);
  EXPECT_NE(CaptureUsage().find("--tls-fingerprint"), std::string::npos);
}

TEST(CaptureOptionsTest, BeamTakesANodeACookieFileAndASampleTimeout) {
  auto o = Parse({"--beam", "shop@web1", "--cookie-file", "/secret/cookie", "--out",
                  "shop.ovc", "--interval", "500ms", "--timeout=2s"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->mode, Mode::kBeam);
  EXPECT_EQ(o->node, "shop@web1");
  EXPECT_EQ(o->cookie_file, "/secret/cookie");
  EXPECT_FALSE(o->cookie.has_value());
  EXPECT_EQ(o->interval, absl::Milliseconds(500));
  EXPECT_EQ(o->sample_timeout, absl::Seconds(2));
}

TEST(CaptureOptionsTest, BeamCookieFlagsAreExclusiveAndNeverEchoed) {
  auto both = Parse({"--beam", "n", "--cookie", "s3cr3t", "--cookie-file", "f", "--out", "x"});
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().message().find("s3cr3t"), absl::string_view::npos);
  auto elsewhere = Parse({"--attach", "123", "--cookie", "s3cr3t", "--out", "x"});
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.status().message().find("s3cr3t"), absl::string_view::npos);
  auto given = Parse({"--beam", "n", "--cookie=s3cr3t", "--out", "x"});
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_EQ(given->cookie, "s3cr3t");
  EXPECT_FALSE(Parse({"--beam", "n", "--launch", "--", "x"}).ok());
}

TEST(CaptureOptionsTest, ListAndHelpNeedNothingElse) {
  EXPECT_EQ(Parse({"--list"})->mode, Mode::kList);
  EXPECT_EQ(Parse({"--help"})->mode, Mode::kHelp);
  EXPECT_EQ(Parse({"--attach", "1", "--help"})->mode, Mode::kHelp);
  EXPECT_NE(CaptureUsage().find("--launch"), std::string::npos);
}

TEST(CaptureOptionsTest, MetricsServesWithOrWithoutAFile) {
  auto o = Parse({"--metrics", "127.0.0.1:9464", "--metrics-top=5", "--attach", "1"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->metrics, "127.0.0.1:9464");
  EXPECT_EQ(o->metrics_top, 5u);
  EXPECT_TRUE(o->out.empty());  // only serves
  o = Parse({"--out", "x.ovc", "--metrics=9464", "--launch", "demo"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->out, "x.ovc");
  EXPECT_EQ(o->metrics, "9464");
  EXPECT_EQ(o->metrics_top, 20u);
  EXPECT_NE(CaptureUsage().find("--metrics"), std::string::npos);
}

TEST(CaptureOptionsTest, BadArgumentsAreNamedInTheError) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "nothing to do"},
      {{"--bogus"}, "--bogus"},
      {{"--attach", "1"}, "--out FILE"},
      {{"--out", "x", "--launch"}, "--launch needs a command"},
      {{"--out", "x", "--launch", "--"}, "--launch needs a command"},
      {{"--out", "x", "--attach", "1", "--duration", "soon"}, "--duration"},
      {{"--out", "x", "--attach", "1", "--interval", "-5ms"}, "--interval"},
      {{"--out", "x", "--attach", "1", "--duration", "0s"}, "--duration"},
      {{"--out", "x", "--attach"}, "--attach needs a value"},
      {{"--list", "--attach", "1"}, "one of"},
      {{"--out", "x", "--token", "t", "--launch", "cmd"}, "--token"},
      {{"--attach", "1", "--metrics", "here"}, "--metrics"},
      {{"--attach", "1", "--metrics", "1.2.3.4:99999"}, "--metrics"},
      {{"--attach", "1", "--metrics", "9464", "--metrics-top", "0"}, "--metrics-top"},
      {{"--attach", "1", "--metrics-top", "lots", "--out", "x"}, "--metrics-top"},
      {{"--out", "x", "--tls-ca", "ca.pem", "--launch", "cmd"}, "--tls-ca"},
      {{"--out", "x", "--attach", "1", "--tls-fingerprint", "12:34"}, "SHA-256"},
      {{"--out", "x", "--attach", "1", "--tls-ca="}, "--tls-ca needs a value"},
      {{"--out", "x", "--attach", "1", "--tls-name", "n"}, "--tls-name goes with"},
  };
  for (const auto& [args, want] : cases) {
    auto o = Parse(args);
    ASSERT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument) << want;
    EXPECT_NE(o.status().message().find(want), std::string::npos)
        << o.status().message() << " should mention " << want;
  }
}

}  // namespace
}  // namespace overseer
