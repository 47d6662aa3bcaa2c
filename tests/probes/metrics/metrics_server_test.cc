#include "probes/metrics/metrics_server.h"

#include <sys/socket.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "probes/attach/socket_util.h"
#include "probes/metrics/metrics_sink.h"

namespace overseer {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Sends `request` as is and reads the whole response (the server closes).
std::string Exchange(const MetricsAddress& at, const std::string& request) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  absl::StatusOr<attach_internal::UniqueFd> fd =
      attach_internal::ConnectTcp(at.host, at.port, deadline);
  if (!fd.ok()) return fd.status().ToString();
  const absl::Status sent = attach_internal::SendAll(
      fd->get(),
      absl::MakeSpan(reinterpret_cast<const uint8_t*>(request.data()), request.size()),
      deadline);
  if (!sent.ok()) return sent.ToString();
  ::shutdown(fd->get(), SHUT_WR);  // the request is whole
  std::string response;
  char buffer[4096];
  for (;;) {
    if (!attach_internal::WaitFd(fd->get(), false, deadline).ok()) break;
    const ssize_t n = ::recv(fd->get(), buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    response.append(buffer, static_cast<size_t>(n));
  }
  return response;
}

std::string Get(const MetricsAddress& at, const std::string& path,
                const std::string& headers = "") {
  return Exchange(at, absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: x\r\n", headers, "\r\n"));
}

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Snapshot s;
    s.time_ns = 1;
    ProcessSample p;
    p.pid = 8;
    p.name = "Indexer.InternalTransaction.TaskSupervisor";
    p.memory = {2184, 27'700'000};
    s.processes.push_back(p);
    s.system.process_count = 1;
    metrics_.Observe(s, {});
    absl::StatusOr<std::unique_ptr<MetricsServer>> server =
        MetricsServer::Start(metrics_, {.address = {.host = "127.0.0.1", .port = 0}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  NodeMetrics metrics_;
  std::unique_ptr<MetricsServer> server_;
};

TEST_F(MetricsServerTest, ServesOpenMetricsWhenAskedAndTheTextFormatOtherwise) {
  EXPECT_NE(server_->address().port, 0);
  const std::string om =
      Get(server_->address(), "/metrics",
          "Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5\r\n");
  EXPECT_THAT(om, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(om, HasSubstr(absl::StrCat("Content-Type: ", kOpenMetricsContentType)));
  EXPECT_THAT(om, HasSubstr("overseer_process_memory_peak_bytes{pid=\"<0.8.0>\","
                            "name=\"Indexer.InternalTransaction.TaskSupervisor\"} 27700000\n"));
  EXPECT_THAT(om, HasSubstr("# EOF\n"));

  const std::string text = Get(server_->address(), "/metrics?x=1");
  EXPECT_THAT(text, HasSubstr(absl::StrCat("Content-Type: ", kPrometheusTextContentType)));
  EXPECT_THAT(text, HasSubstr("# TYPE overseer_samples_total counter\n"));
  EXPECT_THAT(text, Not(HasSubstr("# EOF")));
  // The first scrape took the peak; the second starts from the last sample.
  EXPECT_THAT(text, HasSubstr("overseer_process_memory_peak_bytes{pid=\"<0.8.0>\","
                              "name=\"Indexer.InternalTransaction.TaskSupervisor\"} 2184\n"));
  EXPECT_EQ(server_->scrapes(), 2u);
}

TEST_F(MetricsServerTest, ContentLengthMatchesTheBody) {
  const std::string r = Get(server_->address(), "/metrics");
  const size_t at = r.find("Content-Length: ");
  ASSERT_NE(at, std::string::npos);
  const size_t length = std::stoul(r.substr(at + 16));
  EXPECT_EQ(r.size() - (r.find("\r\n\r\n") + 4), length);
}

TEST_F(MetricsServerTest, OtherPathsMethodsAndGarbageGetTheirStatus) {
  EXPECT_THAT(Get(server_->address(), "/"), HasSubstr("href=\"/metrics\""));
  EXPECT_THAT(Get(server_->address(), "/nope"), StartsWith("HTTP/1.1 404 "));
  EXPECT_THAT(Exchange(server_->address(), "POST /metrics HTTP/1.1\r\n\r\n"),
              StartsWith("HTTP/1.1 405 "));
  EXPECT_THAT(Exchange(server_->address(), "hello\r\n\r\n"), StartsWith("HTTP/1.1 400 "));
  const std::string head = Exchange(server_->address(), "HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_THAT(head, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_EQ(head.substr(head.find("\r\n\r\n") + 4), "");
  // Only the GET and the HEAD of /metrics were scrapes.
  EXPECT_EQ(server_->scrapes(), 1u);
  // A client that connects and leaves says nothing and gets nothing; the
  // server goes on.
  EXPECT_THAT(Exchange(server_->address(), ""), Not(HasSubstr("200")));
  EXPECT_THAT(Get(server_->address(), "/metrics"), StartsWith("HTTP/1.1 200 OK"));
}

TEST_F(MetricsServerTest, AnAddressInUseIsAClearError) {
  NodeMetrics other;
  absl::StatusOr<std::unique_ptr<MetricsServer>> second =
      MetricsServer::Start(other, {.address = server_->address()});
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(),
              HasSubstr(absl::StrCat("metrics endpoint ", server_->address().ToString())));
  EXPECT_THAT(second.status().message(), HasSubstr("in use"));
}

TEST(ParseMetricsAddressTest, ReadsHostPortForms) {
  absl::StatusOr<MetricsAddress> a = ParseMetricsAddress("9464");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->ToString(), "127.0.0.1:9464");
  EXPECT_EQ(ParseMetricsAddress(":9100")->ToString(), "127.0.0.1:9100");
  EXPECT_EQ(ParseMetricsAddress("localhost:1")->ToString(), "127.0.0.1:1");
  EXPECT_EQ(ParseMetricsAddress("0.0.0.0:9464")->host, "0.0.0.0");
  EXPECT_EQ(ParseMetricsAddress("[::1]:9464")->ToString(), "[::1]:9464");
  EXPECT_FALSE(ParseMetricsAddress("").ok());
  EXPECT_FALSE(ParseMetricsAddress("host:").ok());
  EXPECT_FALSE(ParseMetricsAddress("1.2.3.4:70000").ok());
  EXPECT_FALSE(ParseMetricsAddress("[::1]9464").ok());
  EXPECT_THAT(ParseMetricsAddress("x:y").status().message(), HasSubstr("HOST:PORT"));
}

TEST(MetricsServerStartTest, AHostNameIsRefusedWithTheReason) {
  NodeMetrics m;
  absl::StatusOr<std::unique_ptr<MetricsServer>> s =
      MetricsServer::Start(m, {.address = {.host = "example.org", .port = 0}});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("numeric"));
}

TEST(MetricsSinkTest, ServesWhatTheRecorderWrites) {
  absl::StatusOr<std::unique_ptr<MetricsSink>> sink =
      MetricsSink::Open({.server = {.address = {.host = "127.0.0.1", .port = 0}}});
  ASSERT_TRUE(sink.ok()) << sink.status();
  ASSERT_TRUE((*sink)->Begin({.program = "sink-test", .source = "in-process"}).ok());
  Snapshot s;
  s.system.process_count = 7;
  ASSERT_TRUE((*sink)->Write(s, {}).ok());
  ASSERT_TRUE((*sink)->End().ok());
  const std::string url = (*sink)->url();
  EXPECT_THAT(url, StartsWith("http://127.0.0.1:"));
  EXPECT_EQ((*sink)->metrics().samples(), 1u);
  absl::StatusOr<MetricsAddress> at =
      ParseMetricsAddress(url.substr(7, url.size() - 7 - std::string("/metrics").size()));
  ASSERT_TRUE(at.ok()) << at.status();
  const std::string body = Get(*at, "/metrics");
  EXPECT_THAT(body, HasSubstr("overseer_processes 7\n"));
  EXPECT_THAT(body, HasSubstr("overseer_info{program=\"sink-test\",source=\"in-process\"} 1\n"));
}

}  // namespace
}  // namespace overseer
