#include "probes/metrics/exposition.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace overseer {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

MetricFamily Counter() {
  MetricFamily f{.name = "overseer_messages_sent", .type = MetricType::kCounter,
                 .help = "Messages sent."};
  f.points.push_back({.labels = {}, .value = 5343});
  return f;
}

MetricFamily Bytes() {
  MetricFamily f{.name = "overseer_memory_bytes", .type = MetricType::kGauge,
                 .unit = "bytes", .help = "Memory by category."};
  f.points.push_back({.labels = {{"category", "processes"}}, .value = 18385342});
  f.points.push_back({.labels = {{"category", "mailboxes"}}, .value = 142584});
  return f;
}

TEST(EscapeLabelValueTest, EscapesBackslashQuoteAndLineFeed) {
  EXPECT_EQ(EscapeLabelValue(R"(a\b)"), R"(a\\b)");
  EXPECT_EQ(EscapeLabelValue(R"(say "hi")"), R"(say \"hi\")");
  EXPECT_EQ(EscapeLabelValue("two\nlines"), R"(two\nlines)");
  EXPECT_EQ(EscapeLabelValue("Indexer.Fetcher:init/1"), "Indexer.Fetcher:init/1");
  EXPECT_EQ(EscapeLabelValue(""), "");
}

TEST(EscapeLabelValueTest, KeepsUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(EscapeLabelValue("caf\xC3\xA9 \xE2\x82\xAC"), "caf\xC3\xA9 \xE2\x82\xAC");
  // A lone continuation byte, a truncated sequence and an overlong encoding.
  EXPECT_EQ(EscapeLabelValue("a\x80z"), "a\xEF\xBF\xBDz");
  EXPECT_EQ(EscapeLabelValue("a\xE2\x82"), "a\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(EscapeLabelValue("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(OpenMetricsTest, DeclaresEachFamilyAndEndsWithEof) {
  const std::string text = RenderOpenMetrics({Counter(), Bytes()});
  EXPECT_EQ(text,
            "# TYPE overseer_messages_sent counter\n"
            "# HELP overseer_messages_sent Messages sent.\n"
            "overseer_messages_sent_total 5343\n"
            "# TYPE overseer_memory_bytes gauge\n"
            "# UNIT overseer_memory_bytes bytes\n"
            "# HELP overseer_memory_bytes Memory by category.\n"
            "overseer_memory_bytes{category=\"processes\"} 18385342\n"
            "overseer_memory_bytes{category=\"mailboxes\"} 142584\n"
            "# EOF\n");
}

TEST(OpenMetricsTest, InfoFamilySampleEndsInInfo) {
  MetricFamily info{.name = "overseer", .type = MetricType::kInfo, .help = "The run."};
  info.points.push_back({.labels = {{"program", "demo \"x\""}, {"source", "attach"}},
                         .value = 1});
  const std::string text = RenderOpenMetrics({info});
  EXPECT_THAT(text, HasSubstr("# TYPE overseer info\n"));
  EXPECT_THAT(text, HasSubstr("overseer_info{program=\"demo \\\"x\\\"\",source=\"attach\"} 1\n"));
}

TEST(OpenMetricsTest, HelpEscapesQuotesBackslashesAndLineFeeds) {
  MetricFamily f{.name = "x", .type = MetricType::kGauge, .help = "a \"b\" \\ c\nd"};
  EXPECT_THAT(RenderOpenMetrics({f}), HasSubstr("# HELP x a \\\"b\\\" \\\\ c\\nd\n"));
  // The 0.0.4 format escapes only the backslash and the line feed.
  EXPECT_THAT(RenderPrometheusText({f}), HasSubstr("# HELP x a \"b\" \\\\ c\\nd\n"));
}

TEST(OpenMetricsTest, EmptyFamilyStillDeclaresItself) {
  MetricFamily f{.name = "overseer_suspects", .type = MetricType::kGauge, .help = "h"};
  EXPECT_EQ(RenderOpenMetrics({f}),
            "# TYPE overseer_suspects gauge\n# HELP overseer_suspects h\n# EOF\n");
  EXPECT_EQ(RenderOpenMetrics({}), "# EOF\n");
}

TEST(PrometheusTextTest, CounterFamilyCarriesTotalAndNoEof) {
  const std::string text = RenderPrometheusText({Counter(), Bytes()});
  EXPECT_THAT(text, StartsWith("# HELP overseer_messages_sent_total Messages sent.\n"
                               "# TYPE overseer_messages_sent_total counter\n"
                               "overseer_messages_sent_total 5343\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE overseer_memory_bytes gauge\n"));
  EXPECT_THAT(text, Not(HasSubstr("# UNIT")));
  EXPECT_THAT(text, Not(HasSubstr("# EOF")));
  EXPECT_THAT(text, EndsWith("overseer_memory_bytes{category=\"mailboxes\"} 142584\n"));
}

TEST(PrometheusTextTest, InfoIsAGaugeNamedInfo) {
  MetricFamily info{.name = "overseer", .type = MetricType::kInfo, .help = "h"};
  info.points.push_back({.labels = {{"program", "p"}}, .value = 1});
  EXPECT_THAT(RenderPrometheusText({info}),
              HasSubstr("# TYPE overseer_info gauge\noverseer_info{program=\"p\"} 1\n"));
}

TEST(ExpositionTest, ValuesAreExactIntegersOrRoundTripDecimals) {
  MetricFamily f{.name = "v", .type = MetricType::kGauge};
  f.points = {{.labels = {}, .value = 0},
              {.labels = {}, .value = 4.5e12},
              {.labels = {}, .value = 0.25},
              {.labels = {}, .value = 1.0 / 3}};
  EXPECT_EQ(RenderPrometheusText({f}),
            "# TYPE v gauge\nv 0\nv 4500000000000\nv 0.25\nv 0.33333333333333331\n");
}

TEST(ExpositionTest, NamesAreChecked) {
  EXPECT_TRUE(IsValidMetricName("overseer_process_memory_peak_bytes"));
  EXPECT_TRUE(IsValidMetricName("ns:metric_1"));
  EXPECT_FALSE(IsValidMetricName("1metric"));
  EXPECT_FALSE(IsValidMetricName("with-dash"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_TRUE(IsValidLabelName("pid"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
}

TEST(ExpositionTest, AcceptHeaderPicksTheFormat) {
  // What Prometheus 2.x sends.
  EXPECT_TRUE(AcceptsOpenMetrics(
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
      "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
  EXPECT_TRUE(AcceptsOpenMetrics(" Application/OpenMetrics-Text ; version=1.0.0"));
  EXPECT_FALSE(AcceptsOpenMetrics("text/plain;version=0.0.4"));
  EXPECT_FALSE(AcceptsOpenMetrics("*/*"));
  EXPECT_FALSE(AcceptsOpenMetrics(""));
}

}  // namespace
}  // namespace overseer
