#include "probes/tools/report.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/probes/analysis/json_value.h"
#include "tests/probes/tools/leak_scenario.h"

namespace overseer {
namespace {

using ::overseer::testing::JsonValue;
using ::overseer::testing::LeakRecording;
using ::overseer::testing::ParseJson;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

struct Result {
  int code = -1;
  std::string out;
  std::string err;
  std::vector<std::string> lines;  // of out
};

// Runs the tool on the leak scenario (30 s), or on what `make` returns.
Result Report(
    std::vector<std::string> args,
    RecordingOpener open =
        [](const std::string&) -> absl::StatusOr<std::unique_ptr<Recording>> {
      return std::unique_ptr<Recording>(LeakRecording(30));
    }) {
  std::ostringstream out;
  std::ostringstream err;
  Result r;
  r.code = RunReport(args, open, out, err);
  r.out = out.str();
  r.err = err.str();
  r.lines = absl::StrSplit(r.out, '\n');
  return r;
}

// The line of the table that starts with `pid`, or "".
std::string RowLine(const Result& r, const std::string& pid) {
  for (const std::string& line : r.lines) {
    if (absl::StartsWith(line, pid + " ")) return line;
  }
  return "";
}

// The first table row after the header line that starts with "PID".
std::string FirstRow(const Result& r) {
  for (size_t i = 0; i + 1 < r.lines.size(); ++i) {
    if (absl::StartsWith(r.lines[i], "PID ")) return r.lines[i + 1];
  }
  return "";
}

TEST(ReportTest, SummarisesTheRunAndPutsTheTaskSupervisorOnTop) {
  Result r = Report({"run.ovc"});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  EXPECT_THAT(r.err, IsEmpty());
  EXPECT_THAT(r.out, HasSubstr("Capture    run.ovc\n"));
  EXPECT_THAT(r.out, HasSubstr("Run        30s, 31 samples every 1s\n"));
  EXPECT_THAT(r.out, HasSubstr("Processes  105 at 30s (min 105, max 106)\n"));
  EXPECT_THAT(r.out, HasSubstr("Memory     40.3 MB at 30s"));
  EXPECT_THAT(r.out, HasSubstr("mailboxes         30.0 MB  74.5%"));
  EXPECT_THAT(r.out, HasSubstr("Events     1 exit, 2 call timeouts\n"));
  EXPECT_THAT(r.out, HasSubstr("Top 10 of 105 processes by memory at 30s"));
  EXPECT_THAT(FirstRow(r),
              AllOf(StartsWith("<0.3.0>"), HasSubstr("Indexer.TaskSupervisor"),
                    HasSubstr("30.0 MB"), HasSubstr("1.0 MB/s"),
                    HasSubstr("! memory 14,779x the median, growing 1.0 MB/s")));
  EXPECT_THAT(RowLine(r, "<0.1000.0>"), HasSubstr("5.0 MB"));
  EXPECT_THAT(RowLine(r, "<0.2.0>"), HasSubstr("! MsgQ 1,800 (median 1)"));
  EXPECT_THAT(RowLine(r, "<0.1.0>"), Not(HasSubstr("!")));
  EXPECT_THAT(r.out, HasSubstr("4 outliers among 105 processes"));
}

TEST(ReportTest, SortedByMsgqPutsTheFetcherOnTop) {
  Result r = Report({"run.ovc", "--sort", "msgq", "--top", "2"});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  EXPECT_THAT(FirstRow(r),
              AllOf(StartsWith("<0.2.0>"), HasSubstr("fetcher"), HasSubstr("1,800")));
  EXPECT_THAT(r.out, HasSubstr("Top 2 of 105 processes by msgq"));
}

TEST(ReportTest, ShowsAnEarlierInstantWithAt) {
  Result r = Report({"run.ovc", "--at", "10s", "--top", "1"});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Processes  106 at 10s"));
  EXPECT_THAT(FirstRow(r), AllOf(StartsWith("<0.3.0>"), HasSubstr("10.0 MB")));
}

TEST(ReportTest, AnAtPastTheEndShowsTheLastSampleWithANote) {
  Result r = Report({"run.ovc", "--at", "1h", "--top", "1"});
  ASSERT_EQ(r.code, kReportOk);
  EXPECT_THAT(r.err, HasSubstr("past the end of the capture (30s)"));
  EXPECT_THAT(FirstRow(r), HasSubstr("30.0 MB"));
}

TEST(ReportTest, FiltersAndShowsOneProcess) {
  Result filtered = Report({"run.ovc", "--filter", "task:run"});
  ASSERT_EQ(filtered.code, kReportOk);
  EXPECT_THAT(filtered.out, HasSubstr("2 processes matching \"task:run\" (of 105)"));
  Result one = Report({"run.ovc", "--pid", "2"});
  ASSERT_EQ(one.code, kReportOk);
  EXPECT_THAT(one.out, HasSubstr("Process <0.2.0> at 30s"));
  EXPECT_THAT(FirstRow(one), StartsWith("<0.2.0>"));
  Result missing = Report({"run.ovc", "--pid", "4242"});
  EXPECT_EQ(missing.code, kReportBadInput);
  EXPECT_EQ(missing.err, "overseer-report: no process <0.4242.0> at 30s\n");
}

TEST(ReportTest, CsvGivesExactBytesInTheSortedOrder) {
  Result r = Report({"run.ovc", "--format", "csv", "--top", "3"});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  ASSERT_GE(r.lines.size(), 4u);
  EXPECT_THAT(r.lines[0], StartsWith("pid,name,registered,kind,status,memory,"));
  EXPECT_THAT(r.lines[1], StartsWith("3,Indexer.TaskSupervisor,true,task supervisor,"
                                     "waiting,30002000,30002000,30,30,30000000,0,0,"));
  EXPECT_THAT(r.lines[2], StartsWith("1000,Task:run/1,false,task,waiting,5000000,"));
  EXPECT_THAT(r.lines[3], StartsWith("1001,"));
  EXPECT_THAT(r.out, Not(HasSubstr("Capture")));
}

TEST(ReportTest, JsonCarriesTheSummaryAndTheRows) {
  Result r = Report({"run.ovc", "--format", "json", "--sort", "held", "--top", "0"});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  std::optional<JsonValue> v = ParseJson(r.out);
  ASSERT_TRUE(v.has_value()) << r.out;
  EXPECT_EQ((*v)["capture"]["samples"].number, 31);
  EXPECT_TRUE((*v)["capture"]["damage"].is_null());
  EXPECT_EQ((*v)["at_ns"].number, 30e9);
  EXPECT_EQ((*v)["base_ns"].number, 25e9);
  EXPECT_EQ((*v)["memory"]["mailboxes"].number, 30'000'000);
  EXPECT_EQ((*v)["outlier_count"].number, 4);
  EXPECT_EQ((*v)["processes"].array.size(), 105u);
  EXPECT_EQ((*v)["processes"][0]["pid"].number, 1);  // all held 0: pid order
}

TEST(ReportTest, ProfileShowsSendingDominatingTheFetcher) {
  Result r = Report({"run.ovc", "--profile"});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Profile of all processes, from the start to 30s"));
  std::string header;
  size_t at = 0;
  for (; at < r.lines.size(); ++at) {
    if (absl::StartsWith(r.lines[at], "FUNCTION")) break;
  }
  ASSERT_LT(at + 4, r.lines.size());
  EXPECT_EQ(r.lines[at], "FUNCTION     CALLS       %  TIME (us)  us/CALL");
  EXPECT_EQ(r.lines[at + 1], "send/copy      300   90.00    270,000    900.0");
  EXPECT_EQ(r.lines[at + 2], "handle_call  3,000    5.00     15,000     5.00");
  EXPECT_EQ(r.lines[at + 3], "spawn          150    5.00     15,000    100.0");
  EXPECT_EQ(r.lines[at + 4], "Total        3,450  100.00    300,000");
}

TEST(ReportTest, ProfileOfOneProcessOverAnInterval) {
  Result r = Report(
      {"run.ovc", "--profile", "--pid", "<0.2.0>", "--since", "20s", "--format", "csv"});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  ASSERT_GE(r.lines.size(), 3u);
  EXPECT_EQ(r.lines[0], "zone,calls,percent,total_ns,total_us,us_per_call");
  EXPECT_THAT(r.lines[1], StartsWith("send/copy,100,94.7"));
  EXPECT_THAT(r.lines[1], HasSubstr(",90000000,90000,900"));
  EXPECT_THAT(r.lines[2], StartsWith("handle_call,1000,5.26"));

  Result json = Report({"run.ovc", "--profile", "--format", "json"});
  std::optional<JsonValue> v = ParseJson(json.out);
  ASSERT_TRUE(v.has_value()) << json.out;
  EXPECT_EQ((*v)["rows"][0]["zone"].string, "send/copy");
  EXPECT_DOUBLE_EQ((*v)["rows"][0]["percent"].number, 90.0);
}

TEST(ReportTest, ExportsAChromeTraceInsteadOfTheReport) {
  std::string path = ::testing::TempDir() + "/report_test_trace.json";
  Result r = Report({"run.ovc", "--export", "chrome-trace", path});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Wrote " + path + ": Chrome trace of 31 samples"));
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::optional<JsonValue> v = ParseJson(text.str());
  ASSERT_TRUE(v.has_value());
  EXPECT_GT((*v)["traceEvents"].array.size(), 100u);
  std::remove(path.c_str());

  Result bad = Report({"run.ovc", "--export", "chrome-trace", "/no/such/dir/t.json"});
  EXPECT_EQ(bad.code, kReportBadInput);
  EXPECT_THAT(bad.err, HasSubstr("cannot create /no/such/dir/t.json"));
}

TEST(ReportTest, HelpPrintsUsageAndSucceeds) {
  Result r = Report({"--help"});
  EXPECT_EQ(r.code, kReportOk);
  EXPECT_THAT(r.out, StartsWith("usage: overseer-report FILE"));
}

TEST(ReportTest, ABadCommandLineIsOneLineAndExitsTwo) {
  Result r = Report({"run.ovc", "--sort", "size"});
  EXPECT_EQ(r.code, kReportUsage);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, StartsWith("overseer-report: --sort wants"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

TEST(ReportTest, AnUnreadableCaptureExitsOne) {
  Result r =
      Report({"gone.ovc"},
             [](const std::string& path) -> absl::StatusOr<std::unique_ptr<Recording>> {
               return absl::NotFoundError(path + ": No such file or directory");
             });
  EXPECT_EQ(r.code, kReportBadInput);
  EXPECT_EQ(r.err,
            "overseer-report: cannot read gone.ovc: gone.ovc: No such "
            "file or directory\n");
  EXPECT_THAT(r.out, IsEmpty());
}

TEST(ReportTest, ACaptureWithoutSamplesExitsOne) {
  Result r =
      Report({"empty.ovc"},
             [](const std::string&) -> absl::StatusOr<std::unique_ptr<Recording>> {
               return std::unique_ptr<Recording>(new MemoryRecording(CaptureInfo{}));
             });
  EXPECT_EQ(r.code, kReportBadInput);
  EXPECT_EQ(r.err, "overseer-report: empty.ovc holds no samples\n");
}

TEST(ReportTest, ADamagedTailIsReportedUpToTheDamageWithAWarning) {
  Result r =
      Report({"cut.ovc", "--top", "1"},
             [](const std::string&) -> absl::StatusOr<std::unique_ptr<Recording>> {
               std::unique_ptr<MemoryRecording> rec = LeakRecording(12);
               rec->SetStatus(absl::DataLossError("chunk at byte 48213 is cut short"));
               return std::unique_ptr<Recording>(std::move(rec));
             });
  EXPECT_EQ(r.code, kReportOk);
  EXPECT_THAT(r.out, HasSubstr("Run        12s, 13 samples"));
  EXPECT_THAT(FirstRow(r), HasSubstr("12.0 MB"));
  EXPECT_EQ(r.err,
            "overseer-report: warning: cut.ovc is damaged, showing the "
            "13 samples before it: chunk at byte 48213 is cut short\n");
}

// Two samples of a BEAM node: what its source gives, and what it lists as absent.
std::unique_ptr<Recording> BeamRecording() {
  CaptureInfo info;
  info.program = "BEAM node shop@web1";
  info.source = "beam";
  info.node = "shop@web1";
  info.runtime = "Erlang/OTP 25 [erts-13.1.5]";
  info.absent = static_cast<uint32_t>(Figure::kMailboxBytes) |
                static_cast<uint32_t>(Figure::kHeldSpecBytes) |
                static_cast<uint32_t>(Figure::kZones);
  auto rec = std::make_unique<MemoryRecording>(info);
  for (int64_t i = 0; i < 2; ++i) {
    Snapshot s;
    s.time_ns = i * 1'000'000'000;
    ProcessSample p;
    p.pid = BeamPidKey(86, 0);
    p.name = "task_sup";
    p.kind = ProcessKind::kSupervisor;
    p.memory = {52'500'000, 52'500'000};
    s.processes = {p};
    s.system.process_count = 1;
    s.system.process_memory = 52'500'000;
    s.system.memory_categories = {
        {"total", 100'000'000}, {"processes", 60'000'000}, {"ets", 1'000'000}};
    s.system.run_queue = 0;
    rec->Append(s);
  }
  return rec;
}

TEST(ReportTest, ABeamCaptureShowsTheNodesMemoryAndNaForWhatItCannotGive) {
  Result r = Report({"node.ovc"},
                    [](const std::string&) -> absl::StatusOr<std::unique_ptr<Recording>> {
                      return BeamRecording();
                    });
  EXPECT_EQ(r.code, kReportOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Node       shop@web1, Erlang/OTP 25 [erts-13.1.5]"));
  EXPECT_THAT(r.out, HasSubstr("Memory     100.0 MB at 1s, as the node counts it"));
  EXPECT_THAT(r.out, HasSubstr("processes  60.0 MB  60.0%"));
  EXPECT_THAT(r.out, HasSubstr("mailbox bytes, held child specs: n/a"));
  EXPECT_THAT(r.out, Not(HasSubstr("held child specs       0 B")));
  const std::string row = RowLine(r, "<0.86.0>");
  EXPECT_THAT(row, HasSubstr("task_sup"));
  EXPECT_THAT(row, HasSubstr("n/a"));

  Result json =
      Report({"node.ovc", "--format", "json"},
             [](const std::string&) -> absl::StatusOr<std::unique_ptr<Recording>> {
               return BeamRecording();
             });
  EXPECT_THAT(json.out, HasSubstr("\"source\":\"beam\""));
  EXPECT_THAT(json.out,
              HasSubstr("\"absent\":[\"mailbox_bytes\",\"held_spec_bytes\",\"zones\"]"));
  EXPECT_THAT(json.out, HasSubstr("\"held_specs\":null"));
  EXPECT_THAT(json.out,
              HasSubstr("\"node\":{\"total\":100000000,\"processes\":60000000"));

  Result profile =
      Report({"node.ovc", "--profile"},
             [](const std::string&) -> absl::StatusOr<std::unique_ptr<Recording>> {
               return BeamRecording();
             });
  EXPECT_THAT(profile.out, HasSubstr("(n/a: this source has no timed zones)"));
}

}  // namespace
}  // namespace overseer
