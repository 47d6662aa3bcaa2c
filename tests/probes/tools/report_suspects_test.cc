// overseer-report's suspects section, --suspects, --from/--to, the peak
// sorts and --compare, on synthetic runs whose truths the tests know.
#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "probes/tools/report.h"
#include "tests/probes/analysis/compare_runs.h"
#include "tests/probes/analysis/json_value.h"
#include "tests/probes/tools/leak_scenario.h"

namespace overseer {
namespace {

using ::overseer::testing::CompareRun;
using ::overseer::testing::JsonValue;
using ::overseer::testing::LeakRecording;
using ::overseer::testing::ParseJson;
using ::testing::AllOf;
using ::testing::EndsWith;
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

// The leak scenario (30 s): the fetcher's mailbox backs up (60 messages/s,
// none taken) and the two calls that time out are calls to it; task 1002
// (5 MB) ends at 25 s.
RecordingOpener LeakOpener() {
  return [](const std::string&) -> absl::StatusOr<std::unique_ptr<Recording>> {
    return std::unique_ptr<Recording>(LeakRecording(30));
  };
}

// "a.ovc" and "b.ovc": the two runs of compare_runs.h.
RecordingOpener CompareOpener() {
  return [](const std::string& path) -> absl::StatusOr<std::unique_ptr<Recording>> {
    if (path == "a.ovc") return std::unique_ptr<Recording>(CompareRun(false));
    if (path == "b.ovc") return std::unique_ptr<Recording>(CompareRun(true));
    if (path == "empty.ovc") return std::unique_ptr<Recording>(new MemoryRecording({}));
    return absl::NotFoundError(path + ": No such file or directory");
  };
}

Result Report(const std::vector<std::string>& args, const RecordingOpener& open = LeakOpener()) {
  std::ostringstream out;
  std::ostringstream err;
  Result r;
  r.code = RunReport(args, open, out, err);
  r.out = out.str();
  r.err = err.str();
  r.lines = absl::StrSplit(r.out, '\n');
  return r;
}

std::optional<JsonValue> Json(const Result& r) {
  std::optional<JsonValue> v = ParseJson(r.out);
  EXPECT_TRUE(v.has_value()) << r.out;
  return v;
}

// The line that starts with `prefix`, or "".
std::string LineStarting(const Result& r, const std::string& prefix) {
  for (const std::string& line : r.lines) {
    if (absl::StartsWith(line, prefix)) return line;
  }
  return "";
}

void ExpectSuspectItems(const JsonValue& suspects) {
  ASSERT_EQ(suspects.type, JsonValue::Type::kArray);
  for (size_t i = 0; i < suspects.array.size(); ++i) {
    const JsonValue& s = suspects[i];
    for (const char* key : {"rank", "kind", "pid", "name", "other_pid", "other_name", "score",
                            "at_ns", "explanation", "evidence", "explains"}) {
      EXPECT_TRUE(s.has(key)) << key;
    }
    EXPECT_EQ(s["rank"].number, static_cast<double>(i + 1));
    EXPECT_EQ(s["kind"].type, JsonValue::Type::kString);
    EXPECT_EQ(s["pid"].type, JsonValue::Type::kNumber);
    EXPECT_EQ(s["score"].type, JsonValue::Type::kNumber);
    EXPECT_FALSE(s["explanation"].string.empty());
    ASSERT_FALSE(s["evidence"].array.empty());
    for (const JsonValue& e : s["evidence"].array) {
      for (const char* key : {"what", "value", "unit", "at_ns", "text"}) {
        EXPECT_TRUE(e.has(key)) << key;
      }
    }
  }
}

// --- The suspects section --------------------------------------------------

TEST(ReportSuspectsTest, SuspectsOnlyInTextRanksTheRootCauseFirst) {
  Result r = Report({"run.ovc", "--suspects"});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  EXPECT_THAT(r.err, IsEmpty());
  EXPECT_THAT(r.out, HasSubstr("Capture    run.ovc\n"));  // the summary stays
  EXPECT_THAT(r.out, HasSubstr("Suspects over "));
  EXPECT_THAT(r.out, HasSubstr("31 samples, 106 processes"));
  EXPECT_THAT(LineStarting(r, " 1. "),
              AllOf(HasSubstr("mailbox fills faster than it drains: fetcher <0.2.0>"),
                    HasSubstr("score")));
  EXPECT_THAT(LineStarting(r, " 2. "), HasSubstr("call timeouts: fetcher <0.2.0>"));
  EXPECT_THAT(r.out, HasSubstr("    accounts for #2\n"));
  EXPECT_THAT(r.out, HasSubstr("60 messages/s arrive\n    and 0/s are taken"));  // wrapped
  EXPECT_THAT(r.out, HasSubstr("    evidence: "));
  // No message sizes in this capture: the copy rule says it did not run.
  EXPECT_THAT(r.out, HasSubstr("this capture has no message sizes"));
  // Only the suspects: no process table.
  EXPECT_EQ(LineStarting(r, "PID "), "");
}

TEST(ReportSuspectsTest, SuspectsOnlyInJsonHasTheRankedArray) {
  Result r = Report({"run.ovc", "--suspects", "--format", "json"});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  std::optional<JsonValue> v = Json(r);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ((*v)["capture"]["samples"].number, 31);
  EXPECT_EQ((*v)["window"]["from_ns"].number, 0);
  EXPECT_EQ((*v)["window"]["to_ns"].number, 30e9);
  EXPECT_EQ((*v)["window"]["samples"].number, 31);
  EXPECT_FALSE((*v)["window"]["has_send_sizes"].boolean);
  EXPECT_FALSE(v->has("processes"));
  const JsonValue& suspects = (*v)["suspects"];
  ExpectSuspectItems(suspects);
  ASSERT_EQ(suspects.array.size(), 2u);
  EXPECT_EQ(suspects[0]["kind"].string, "mailbox_backlog");
  EXPECT_EQ(suspects[0]["pid"].number, 2);
  EXPECT_EQ(suspects[0]["name"].string, "fetcher");
  EXPECT_TRUE(suspects[0]["other_pid"].is_null());
  ASSERT_EQ(suspects[0]["explains"].array.size(), 1u);
  EXPECT_EQ(suspects[0]["explains"][0].number, 2);  // ranks, from 1
  EXPECT_EQ(suspects[1]["kind"].string, "call_timeouts");
  EXPECT_EQ(suspects[1]["pid"].number, 2);
  EXPECT_EQ(suspects[1]["other_pid"].number, 10);
  EXPECT_GT(suspects[0]["score"].number, suspects[1]["score"].number);
  // The evidence carries the rates and the instants.
  bool arrival = false;
  for (const JsonValue& e : suspects[0]["evidence"].array) {
    if (e["what"].string == "arrival rate") {
      arrival = true;
      EXPECT_DOUBLE_EQ(e["value"].number, 60.0);
      EXPECT_EQ(e["unit"].string, "messages/s");
      EXPECT_TRUE(e["at_ns"].is_null());
    }
    if (e["what"].string == "MsgQ, peak") {
      EXPECT_EQ(e["at_ns"].number, 30e9);
    }
  }
  EXPECT_TRUE(arrival);
}

TEST(ReportSuspectsTest, SuspectsOnlyInCsvIsOneRowPerFinding) {
  Result r = Report({"run.ovc", "--suspects", "--format", "csv"});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  ASSERT_EQ(r.lines.size(), 4u);  // header, two rows, the final newline
  EXPECT_EQ(r.lines[0], "rank,kind,pid,name,other_pid,other_name,score,at_ns,explanation");
  EXPECT_THAT(r.lines[1], StartsWith("1,mailbox_backlog,2,fetcher,,,"));
  EXPECT_THAT(r.lines[2], StartsWith("2,call_timeouts,2,fetcher,10,"));
  EXPECT_THAT(r.lines[2], HasSubstr(",10000000000,"));  // the first timeout
  EXPECT_EQ(r.lines[3], "");
  EXPECT_THAT(r.out, Not(HasSubstr("Capture")));
}

TEST(ReportSuspectsTest, TheDefaultReportCarriesTheSuspects) {
  Result text = Report({"run.ovc", "--top", "3"});
  ASSERT_EQ(text.code, kReportOk) << text.err;
  EXPECT_THAT(text.out, HasSubstr("Suspects over "));
  EXPECT_THAT(text.out, HasSubstr("mailbox fills faster than it drains: fetcher"));
  EXPECT_NE(LineStarting(text, "PID "), "");  // and the table after it
  EXPECT_LT(text.out.find("Suspects over "), text.out.find("\nPID "));

  Result json = Report({"run.ovc", "--format", "json", "--top", "3"});
  ASSERT_EQ(json.code, kReportOk) << json.err;
  std::optional<JsonValue> v = Json(json);
  ASSERT_TRUE(v.has_value());
  ExpectSuspectItems((*v)["suspects"]);
  EXPECT_EQ((*v)["suspects"].array.size(), 2u);
  EXPECT_EQ((*v)["window"]["samples"].number, 31);
  EXPECT_EQ((*v)["processes"].array.size(), 3u);
  // Rows carry their run peaks.
  EXPECT_EQ((*v)["processes"][0]["peak_memory"].number, 30'002'000);
  EXPECT_EQ((*v)["processes"][0]["peak_memory_ns"].number, 30e9);

  // --pid shows one process: no suspects section in the text.
  Result one = Report({"run.ovc", "--pid", "2"});
  ASSERT_EQ(one.code, kReportOk);
  EXPECT_THAT(one.out, Not(HasSubstr("Suspects over")));
}

TEST(ReportSuspectsTest, FromAndToLimitTheSuspectsWindow) {
  Result late = Report({"run.ovc", "--suspects", "--format", "json", "--from", "25s"});
  ASSERT_EQ(late.code, kReportOk) << late.err;
  std::optional<JsonValue> v = Json(late);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ((*v)["window"]["from_ns"].number, 25e9);
  EXPECT_EQ((*v)["window"]["to_ns"].number, 30e9);
  EXPECT_EQ((*v)["window"]["samples"].number, 6);
  // The timeouts at 10 s and 20 s lie before the window.
  ASSERT_EQ((*v)["suspects"].array.size(), 1u);
  EXPECT_EQ((*v)["suspects"][0]["kind"].string, "mailbox_backlog");

  Result early = Report({"run.ovc", "--suspects", "--to", "1s"});
  ASSERT_EQ(early.code, kReportOk) << early.err;
  EXPECT_THAT(early.out, HasSubstr("2 samples"));
  EXPECT_THAT(early.out, HasSubstr("  none: "));

  Result both = Report({"run.ovc", "--suspects", "--format=csv", "--from=5s", "--to=15s"});
  ASSERT_EQ(both.code, kReportOk) << both.err;
  EXPECT_THAT(both.out, HasSubstr("1,mailbox_backlog,2,"));
  EXPECT_THAT(both.out, HasSubstr("2,call_timeouts,2,"));
}

TEST(ReportSuspectsTest, AWindowWithoutSamplesIsANoteNotAFailure) {
  Result r = Report({"run.ovc", "--suspects", "--from", "40s"});
  EXPECT_EQ(r.code, kReportOk);
  EXPECT_THAT(r.err, HasSubstr("no sample lies between --from and --to"));
  EXPECT_THAT(r.out, HasSubstr("  none: "));
}

TEST(ReportSuspectsTest, BadWindowsAreUsageErrors) {
  Result reversed = Report({"run.ovc", "--from", "20s", "--to", "10s"});
  EXPECT_EQ(reversed.code, kReportUsage);
  EXPECT_THAT(reversed.out, IsEmpty());
  EXPECT_THAT(reversed.err, StartsWith("overseer-report: --from is after --to"));
  EXPECT_EQ(std::count(reversed.err.begin(), reversed.err.end(), '\n'), 1);
  Result bad = Report({"run.ovc", "--suspects", "--from", "soon"});
  EXPECT_EQ(bad.code, kReportUsage);
  EXPECT_THAT(bad.err, StartsWith("overseer-report: --from: "));
  Result missing = Report({"run.ovc", "--to"});
  EXPECT_EQ(missing.code, kReportUsage);
  EXPECT_THAT(missing.err, HasSubstr("--to wants a value"));
  Result both = Report({"run.ovc", "--suspects", "--profile"});
  EXPECT_EQ(both.code, kReportUsage);
}

TEST(ReportSuspectsTest, ADamagedCaptureSaysTheSuspectsStopAtTheDamage) {
  Result r = Report({"cut.ovc", "--suspects"},
                    [](const std::string&) -> absl::StatusOr<std::unique_ptr<Recording>> {
                      std::unique_ptr<MemoryRecording> rec = LeakRecording(12);
                      rec->SetStatus(absl::DataLossError("chunk at byte 48213 is cut short"));
                      return std::unique_ptr<Recording>(std::move(rec));
                    });
  EXPECT_EQ(r.code, kReportOk);
  EXPECT_THAT(r.out, HasSubstr("(read up to the damage: chunk at byte 48213 is cut short)"));
  EXPECT_THAT(r.err, HasSubstr("warning: cut.ovc is damaged"));
}

// --- Peak sorts --------------------------------------------------------------

TEST(ReportSuspectsTest, SortingByPeakMemoryListsAProcessThatEnded) {
  Result r = Report({"run.ovc", "--sort", "peak_memory", "--top", "0"});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  EXPECT_THAT(r.err, HasSubstr("note: peaks over "));
  EXPECT_THAT(r.err, HasSubstr("processes that ended included"));
  const std::string task = LineStarting(r, "<0.1002.0>");
  EXPECT_THAT(task, AllOf(HasSubstr("(ended)"), HasSubstr("5.0 MB @0s")));
  EXPECT_THAT(LineStarting(r, "<0.1000.0>"), Not(HasSubstr("(ended)")));

  Result json = Report({"run.ovc", "--sort", "peak_memory", "--top", "0", "--format", "json"});
  ASSERT_EQ(json.code, kReportOk) << json.err;
  std::optional<JsonValue> v = Json(json);
  ASSERT_TRUE(v.has_value());
  const JsonValue& rows = (*v)["processes"];
  ASSERT_EQ(rows.array.size(), 106u);  // 105 at 30 s and the one that ended
  EXPECT_EQ(rows[0]["name"].string, "Indexer.TaskSupervisor");
  bool found = false;
  for (const JsonValue& row : rows.array) {
    if (row["pid"].number != 1002) continue;
    found = true;
    EXPECT_TRUE(row["ended"].boolean);
    EXPECT_EQ(row["peak_memory"].number, 5e6);
    EXPECT_EQ(row["peak_memory_ns"].number, 0);  // 5 MB from its start
    EXPECT_EQ(row["memory"].number, 5e6);  // at its last sighting, 24 s
  }
  EXPECT_TRUE(found);
  // Peaks are sorted: the three 5 MB tasks follow the task supervisor.
  EXPECT_EQ(rows[1]["peak_memory"].number, 5e6);
  EXPECT_EQ(rows[3]["peak_memory"].number, 5e6);

  // At 10 s the task is alive: not ended, and nothing else is added.
  Result at10 = Report({"run.ovc", "--sort", "peak_memory", "--top", "0", "--at", "10s",
                        "--format", "csv"});
  ASSERT_EQ(at10.code, kReportOk) << at10.err;
  EXPECT_EQ(std::count(at10.out.begin(), at10.out.end(), '\n'), 107);  // header + 106

  // Sorting by the instant's memory does not add the ended task.
  Result plain = Report({"run.ovc", "--top", "0", "--format", "csv"});
  EXPECT_EQ(std::count(plain.out.begin(), plain.out.end(), '\n'), 106);  // header + 105
}

TEST(ReportSuspectsTest, SortingByPeakMsgqFindsTheFetcher) {
  Result r = Report({"run.ovc", "--sort", "peak_msgq", "--top", "1", "--to", "10s"});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  std::string first;
  for (size_t i = 0; i + 1 < r.lines.size(); ++i) {
    if (absl::StartsWith(r.lines[i], "PID ")) first = r.lines[i + 1];
  }
  EXPECT_THAT(first, AllOf(StartsWith("<0.2.0>"), HasSubstr("600 @10s")));
}

// --- --compare -----------------------------------------------------------------

TEST(ReportCompareTest, TextPutsTheRunsSideBySideWithTheRatio) {
  Result r = Report({"--compare", "a.ovc", "b.ovc"}, CompareOpener());
  ASSERT_EQ(r.code, kReportOk) << r.err;
  EXPECT_THAT(r.err, IsEmpty());
  EXPECT_THAT(r.out, HasSubstr("A  a.ovc  (demo --mode closure)\n"));
  EXPECT_THAT(r.out, HasSubstr("B  b.ovc  (demo --mode mfa)\n"));
  EXPECT_THAT(LineStarting(r, "messages/s"), AllOf(HasSubstr("100.0"), HasSubstr("200.0"),
                                                   HasSubstr("2.00x")));
  EXPECT_THAT(LineStarting(r, "call timeouts"), HasSubstr("3.00x"));
  EXPECT_THAT(r.out, HasSubstr("Processes matched by name or initial call (6 of 6"));
  EXPECT_THAT(LineStarting(r, "Task:run/1"),
              AllOf(HasSubstr("2/3"), HasSubstr("2.0 MB"), HasSubstr("8.0 MB"),
                    HasSubstr("4.00x")));
  EXPECT_THAT(LineStarting(r, "fetcher"), AllOf(HasSubstr("20.0"), HasSubstr("40.0"),
                                                HasSubstr("3.00x"), HasSubstr("1/3")));
  // A key of B only: its A side and ratio are "-".
  EXPECT_THAT(LineStarting(r, "new_cache"), AllOf(HasSubstr("0/1"), HasSubstr("-")));
  EXPECT_THAT(r.out, HasSubstr("Profile of A (top 5)"));
  EXPECT_THAT(r.out, HasSubstr("Profile of B (top 5)"));

  Result top = Report({"--compare", "a.ovc", "b.ovc", "--top", "2"}, CompareOpener());
  ASSERT_EQ(top.code, kReportOk);
  EXPECT_THAT(top.out, HasSubstr("(2 of 6"));
  EXPECT_EQ(LineStarting(top, "fetcher"), "");
}

TEST(ReportCompareTest, JsonGivesBothRunsTheRatiosAndTheMatchedRows) {
  Result r = Report({"--compare", "a.ovc", "b.ovc", "--format", "json"}, CompareOpener());
  ASSERT_EQ(r.code, kReportOk) << r.err;
  std::optional<JsonValue> v = Json(r);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ((*v)["a"]["path"].string, "a.ovc");
  EXPECT_EQ((*v)["b"]["program"].string, "demo --mode mfa");
  EXPECT_EQ((*v)["a"]["samples"].number, 11);
  EXPECT_EQ((*v)["b"]["call_timeouts"].number, 3);
  EXPECT_DOUBLE_EQ((*v)["ratios"]["messages_per_s"].number, 2.0);
  EXPECT_DOUBLE_EQ((*v)["ratios"]["call_timeouts"].number, 3.0);
  EXPECT_DOUBLE_EQ((*v)["ratios"]["duration"].number, 1.0);
  EXPECT_FALSE((*v)["a"]["profile"].array.empty());
  const JsonValue& rows = (*v)["processes"];
  ASSERT_EQ(rows.array.size(), 6u);
  EXPECT_EQ(rows[0]["process"].string, "Task:run/1");
  EXPECT_EQ(rows[0]["a"]["processes"].number, 2);
  EXPECT_EQ(rows[0]["b"]["processes"].number, 3);
  EXPECT_DOUBLE_EQ(rows[0]["peak_memory_ratio"].number, 4.0);
  for (const JsonValue& row : rows.array) {
    if (row["process"].string == "fetcher") {
      EXPECT_DOUBLE_EQ(row["messages_per_s_ratio"].number, 2.0);
      EXPECT_EQ(row["b"]["call_timeouts"].number, 3);
    }
    if (row["process"].string == "task_sup") {
      EXPECT_DOUBLE_EQ(row["peak_msgq_ratio"].number, 3.0);
    }
    // A key of one run only: that side is null, and so is every ratio.
    if (row["process"].string == "new_cache" || row["process"].string == "old_cache") {
      const bool fresh = row["process"].string == "new_cache";
      EXPECT_TRUE(row[fresh ? "a" : "b"].is_null());
      EXPECT_FALSE(row[fresh ? "b" : "a"].is_null());
      for (const char* ratio : {"peak_memory_ratio", "peak_msgq_ratio", "messages_per_s_ratio",
                                "reductions_per_s_ratio"}) {
        EXPECT_TRUE(row[ratio].is_null()) << row["process"].string << " " << ratio;
      }
    }
  }
}

TEST(ReportCompareTest, CsvHasOneRowPerKeyWithTheRatios) {
  Result r = Report({"--compare", "a.ovc", "b.ovc", "--format", "csv"}, CompareOpener());
  ASSERT_EQ(r.code, kReportOk) << r.err;
  ASSERT_EQ(r.lines.size(), 8u);  // header, six keys, the final newline
  EXPECT_THAT(r.lines[0], StartsWith("process,processes_a,processes_b,peak_memory_a,"
                                     "peak_memory_b,peak_memory_ratio,"));
  const size_t columns = std::count(r.lines[0].begin(), r.lines[0].end(), ',');
  for (size_t i = 1; i + 1 < r.lines.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(std::count(r.lines[i].begin(), r.lines[i].end(), ',')),
              columns)
        << r.lines[i];
  }
  EXPECT_THAT(r.lines[1], StartsWith("Task:run/1,2,3,2000000,8000000,4,"));
  EXPECT_THAT(LineStarting(r, "new_cache,"), StartsWith("new_cache,0,1,0,3000000,,"));
  EXPECT_THAT(LineStarting(r, "fetcher,"), HasSubstr(",20,40,2,"));
  EXPECT_THAT(LineStarting(r, "fetcher,"), EndsWith(",1,3"));
}

TEST(ReportCompareTest, CompareWantsTwoReadableCapturesWithSamples) {
  Result one = Report({"--compare", "a.ovc"}, CompareOpener());
  EXPECT_EQ(one.code, kReportUsage);
  EXPECT_THAT(one.err, HasSubstr("--compare wants two captures"));
  EXPECT_THAT(one.out, IsEmpty());
  Result three = Report({"--compare", "a.ovc", "b.ovc", "c.ovc"}, CompareOpener());
  EXPECT_EQ(three.code, kReportUsage);
  Result profile = Report({"--compare", "a.ovc", "b.ovc", "--profile"}, CompareOpener());
  EXPECT_EQ(profile.code, kReportUsage);
  EXPECT_THAT(profile.err, HasSubstr("prints the comparison only"));
  Result missing = Report({"--compare", "a.ovc", "gone.ovc"}, CompareOpener());
  EXPECT_EQ(missing.code, kReportBadInput);
  EXPECT_THAT(missing.err, HasSubstr("cannot read gone.ovc"));
  Result empty = Report({"--compare", "empty.ovc", "b.ovc"}, CompareOpener());
  EXPECT_EQ(empty.code, kReportBadInput);
  EXPECT_EQ(empty.err, "overseer-report: empty.ovc holds no samples\n");
}

}  // namespace
}  // namespace overseer
