#include "probes/tools/report_options.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace overseer {
namespace {

using ::testing::HasSubstr;

TEST(ParseReportArgsTest, DefaultsToTheTopTenByMemoryAtTheEnd) {
  absl::StatusOr<ReportOptions> o = ParseReportArgs({"run.ovc"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->capture_path, "run.ovc");
  EXPECT_EQ(o->top, 10u);
  EXPECT_EQ(o->sort, SortKey::kMemory);
  EXPECT_FALSE(o->at_ns.has_value());
  EXPECT_EQ(o->format, ReportFormat::kText);
  EXPECT_FALSE(o->profile);
  EXPECT_TRUE(o->chrome_trace_path.empty());
}

TEST(ParseReportArgsTest, ReadsEveryFlagInEitherSpelling) {
  absl::StatusOr<ReportOptions> o =
      ParseReportArgs({"--top", "5", "--sort=msgq", "run.ovc", "--at", "1m30s",
                       "--format=json", "--profile", "--pid", "<0.42.0>", "--since=30s",
                       "--filter", "task", "--rate-span", "0"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->capture_path, "run.ovc");
  EXPECT_EQ(o->top, 5u);
  EXPECT_EQ(o->sort, SortKey::kMsgq);
  EXPECT_EQ(o->at_ns, 90'000'000'000);
  EXPECT_EQ(o->since_ns, 30'000'000'000);
  EXPECT_EQ(o->format, ReportFormat::kJson);
  EXPECT_TRUE(o->profile);
  EXPECT_EQ(o->pid, 42u);
  EXPECT_EQ(o->filter, "task");
  EXPECT_EQ(o->rate_span_ns, 0);
}

TEST(ParseReportArgsTest, ReadsTheChromeTraceExport) {
  absl::StatusOr<ReportOptions> o =
      ParseReportArgs({"run.ovc", "--export", "chrome-trace", "out.json"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->chrome_trace_path, "out.json");
  EXPECT_EQ(o->capture_path, "run.ovc");
}

TEST(ParseReportArgsTest, HelpNeedsNoCapture) {
  absl::StatusOr<ReportOptions> o = ParseReportArgs({"--help"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->help);
  EXPECT_FALSE(ParseReportArgs({"-h", "--bogus"}).ok());
}

TEST(ParseReportArgsTest, ADoubleDashEndsTheFlags) {
  absl::StatusOr<ReportOptions> o = ParseReportArgs({"--", "--odd-name.ovc"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->capture_path, "--odd-name.ovc");
}

struct BadArgs {
  std::vector<std::string> args;
  const char* message;
};

TEST(ParseReportArgsTest, RejectsBadCommandLinesWithAClearMessage) {
  const BadArgs cases[] = {
      {{}, "which capture?"},
      {{"a.ovc", "b.ovc"}, "one capture at a time"},
      {{"run.ovc", "--bogus"}, "unknown flag --bogus"},
      {{"run.ovc", "--top"}, "--top wants a value"},
      {{"run.ovc", "--top", "-3"}, "--top wants a count, got '-3'"},
      {{"run.ovc", "--top", "ten"}, "--top wants a count"},
      {{"run.ovc", "--sort", "size"}, "--sort wants memory, msgq"},
      {{"run.ovc", "--format", "xml"}, "--format wants text, csv or json"},
      {{"run.ovc", "--at", "30"}, "needs a unit"},
      {{"run.ovc", "--at", "soon"}, "is not a time"},
      {{"run.ovc", "--at", "-5s"}, "from the start of the run"},
      {{"run.ovc", "--pid", "<0.x.0>"}, "--pid wants a pid"},
      {{"run.ovc", "--export", "svg", "x.svg"}, "knows only chrome-trace"},
      {{"run.ovc", "--export", "chrome-trace"}, "wants an output file"},
      {{"run.ovc", "--export"}, "wants a kind and a file"},
      {{"run.ovc", "--profile=yes"}, "unknown flag --profile"},
  };
  for (const BadArgs& c : cases) {
    absl::StatusOr<ReportOptions> o = ParseReportArgs(c.args);
    ASSERT_FALSE(o.ok()) << c.message;
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(o.status().message()), HasSubstr(c.message));
    EXPECT_EQ(std::string(o.status().message()).find('\n'), std::string::npos);
  }
}

TEST(ParseReportArgsTest, ReadsTheSuspectsWindowAndPeakSorts) {
  absl::StatusOr<ReportOptions> o =
      ParseReportArgs({"run.ovc", "--suspects", "--from", "10s", "--to=1m", "--sort",
                       "peak_memory"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_TRUE(o->suspects_only);
  EXPECT_EQ(o->from_ns, 10'000'000'000);
  EXPECT_EQ(o->to_ns, 60'000'000'000);
  EXPECT_EQ(o->sort, SortKey::kPeakMemory);
  EXPECT_TRUE(o->compare_path.empty());
  EXPECT_EQ(ParseReportArgs({"run.ovc", "--sort", "peak_msgq"})->sort, SortKey::kPeakMsgq);
  EXPECT_EQ(ParseReportArgs({"run.ovc", "--sort=peak_mailbox_bytes"})->sort,
            SortKey::kPeakMailboxBytes);
  // No window by default; --from equal to --to is one instant.
  absl::StatusOr<ReportOptions> plain = ParseReportArgs({"run.ovc"});
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->suspects_only);
  EXPECT_FALSE(plain->from_ns.has_value());
  EXPECT_FALSE(plain->to_ns.has_value());
  EXPECT_TRUE(ParseReportArgs({"run.ovc", "--from", "5s", "--to", "5s"}).ok());
}

TEST(ParseReportArgsTest, CompareTakesTwoCapturesAsAThenB) {
  absl::StatusOr<ReportOptions> o =
      ParseReportArgs({"--compare", "closure.ovc", "mfa.ovc", "--format", "csv", "--top", "3"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->capture_path, "closure.ovc");
  EXPECT_EQ(o->compare_path, "mfa.ovc");
  EXPECT_EQ(o->format, ReportFormat::kCsv);
  EXPECT_EQ(o->top, 3u);
  // The flag may come after the captures.
  absl::StatusOr<ReportOptions> after = ParseReportArgs({"a.ovc", "b.ovc", "--compare"});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->capture_path, "a.ovc");
  EXPECT_EQ(after->compare_path, "b.ovc");
}

TEST(ParseReportArgsTest, RejectsBadWindowsAndComparisons) {
  const BadArgs cases[] = {
      {{"run.ovc", "--from", "20s", "--to", "10s"}, "--from is after --to"},
      {{"run.ovc", "--from", "soon"}, "--from: "},
      {{"run.ovc", "--to", "-1s"}, "--to: "},
      {{"run.ovc", "--from"}, "--from wants a value"},
      {{"run.ovc", "--sort", "peak"}, "peak_memory, peak_msgq or peak_mailbox_bytes"},
      {{"--compare", "a.ovc"}, "--compare wants two captures"},
      {{"--compare"}, "--compare wants two captures"},
      {{"--compare", "a.ovc", "b.ovc", "c.ovc"}, "--compare wants two captures"},
      {{"--compare", "a.ovc", "b.ovc", "--suspects"}, "prints the comparison only"},
      {{"--compare", "a.ovc", "b.ovc", "--pid", "2"}, "prints the comparison only"},
      {{"--compare", "a.ovc", "b.ovc", "--export", "chrome-trace", "t.json"},
       "prints the comparison only"},
      {{"run.ovc", "--suspects", "--profile"}, "pick one"},
  };
  for (const BadArgs& c : cases) {
    absl::StatusOr<ReportOptions> o = ParseReportArgs(c.args);
    ASSERT_FALSE(o.ok()) << c.message;
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(o.status().message()), HasSubstr(c.message));
    EXPECT_EQ(std::string(o.status().message()).find('\n'), std::string::npos);
  }
}

TEST(ParseTimeArgTest, ReadsTheUsualSpellings) {
  EXPECT_EQ(*ParseTimeArg("30s"), 30'000'000'000);
  EXPECT_EQ(*ParseTimeArg("1m30s"), 90'000'000'000);
  EXPECT_EQ(*ParseTimeArg("1500ms"), 1'500'000'000);
  EXPECT_EQ(*ParseTimeArg("1.5s"), 1'500'000'000);
  EXPECT_EQ(*ParseTimeArg("2h"), 7'200'000'000'000);
  EXPECT_EQ(*ParseTimeArg("0"), 0);
  EXPECT_FALSE(ParseTimeArg("").ok());
  EXPECT_FALSE(ParseTimeArg("inf").ok());
}

TEST(ParsePidArgTest, ReadsBothForms) {
  EXPECT_EQ(*ParsePidArg("42"), 42u);
  EXPECT_EQ(*ParsePidArg("<0.42.0>"), 42u);
  EXPECT_FALSE(ParsePidArg("<0.42").ok());
  EXPECT_FALSE(ParsePidArg("-1").ok());
  EXPECT_FALSE(ParsePidArg("").ok());
  EXPECT_FALSE(ParsePidArg("4 2").ok());
}

TEST(ReportUsageTest, MentionsEveryFlag) {
  std::string usage = ReportUsage();
  for (const char* flag : {"--top", "--sort", "--at", "--format", "--profile", "--pid",
                           "--since", "--filter", "--export", "--rate-span", "--help",
                           "--suspects", "--from", "--to", "--compare", "peak_memory"}) {
    EXPECT_THAT(usage, HasSubstr(flag));
  }
}

}  // namespace
}  // namespace overseer
