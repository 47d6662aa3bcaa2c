// overseer-report end to end: the leak scenario written as a real capture
// file with CaptureWriter, read back with OpenCaptureFile, and reported.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "probes/capture/byte_sink.h"
#include "probes/capture/capture_reader.h"
#include "probes/capture/capture_writer.h"
#include "probes/tools/report.h"
#include "tests/probes/analysis/json_value.h"
#include "tests/probes/tools/leak_scenario.h"

namespace overseer {
namespace {

using ::overseer::testing::kLeakSecond;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

Result Report(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  Result r;
  r.code = RunReport(args, OpenCaptureFile, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

class ReportCaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/report_capture_test_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".ovc";
  }
  void TearDown() override { std::remove(path_.c_str()); }

  // Writes `seconds` + 1 samples of the leak scenario, with the events of
  // each interval after its sample.
  void WriteCapture(uint64_t seconds) {
    absl::StatusOr<std::unique_ptr<ByteSink>> sink = OpenFileSink(path_);
    ASSERT_TRUE(sink.ok()) << sink.status();
    CaptureWriter writer(*std::move(sink), {.keyframe_interval = 8});
    ASSERT_TRUE(writer.Begin(testing::LeakInfo()).ok());
    std::vector<Event> events = testing::LeakEvents();
    for (uint64_t t = 0; t <= seconds; ++t) {
      ASSERT_TRUE(writer.WriteSample(testing::LeakSample(t)).ok());
      std::vector<Event> batch;
      for (const Event& e : events) {
        int64_t from = static_cast<int64_t>(t) * kLeakSecond;
        if (e.time_ns >= from && e.time_ns < from + kLeakSecond) {
          batch.push_back(e);
        }
      }
      ASSERT_TRUE(writer.WriteEvents(batch).ok());
    }
    ASSERT_TRUE(writer.Finish().ok());
  }

  std::string path_;
};

TEST_F(ReportCaptureTest, ReportsTheLeakFromARealCaptureFile) {
  WriteCapture(30);
  Result r = Report({path_, "--top", "3"});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  EXPECT_THAT(r.err, IsEmpty());
  EXPECT_THAT(r.out,
              HasSubstr("Program    overseer-demo buffered-task --mode closure\n"));
  EXPECT_THAT(r.out, HasSubstr("Run        30s, 31 samples every 1s\n"));
  EXPECT_THAT(r.out, HasSubstr("Events     1 exit, 2 call timeouts\n"));
  EXPECT_THAT(r.out, HasSubstr("Top 3 of 105 processes by memory at 30s"));
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n');
  auto header = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
    return absl::StartsWith(l, "PID ");
  });
  ASSERT_LT(header + 3, lines.end());
  EXPECT_THAT(header[1], MatchesRegex("<0\\.3\\.0> +Indexer\\.TaskSupervisor +"
                                      "30\\.0 MB +30 .*! memory 14,779x the "
                                      "median, growing 1\\.0 MB/s"));
  EXPECT_THAT(header[2], StartsWith("<0.1000.0>"));
  EXPECT_THAT(header[3], StartsWith("<0.1001.0>"));
}

TEST_F(ReportCaptureTest, CsvAndJsonReadTheSameRowsBack) {
  WriteCapture(12);
  Result csv =
      Report({path_, "--format", "csv", "--sort", "msgq", "--top", "1", "--at", "10s"});
  ASSERT_EQ(csv.code, kReportOk) << csv.err;
  std::vector<std::string> lines = absl::StrSplit(csv.out, '\n');
  ASSERT_GE(lines.size(), 2u);
  EXPECT_THAT(lines[1], StartsWith("2,fetcher,true,worker,waiting,50000,50000,"
                                   "600,600,"));

  Result json = Report({path_, "--format", "json", "--pid", "3"});
  ASSERT_EQ(json.code, kReportOk) << json.err;
  std::optional<testing::JsonValue> v = testing::ParseJson(json.out);
  ASSERT_TRUE(v.has_value()) << json.out;
  const testing::JsonValue& row = (*v)["processes"][0];
  EXPECT_EQ(row["pid"].number, 3);
  EXPECT_EQ(row["memory"].number, 12'002'000);
  EXPECT_EQ(row["mailbox_bytes"].number, 12'000'000);
  EXPECT_EQ(row["memory_growth_per_s"].number, 1'000'000);
}

TEST_F(ReportCaptureTest, ProfileAndChromeTraceComeFromTheFile) {
  WriteCapture(10);
  Result profile = Report({path_, "--profile", "--pid", "2"});
  ASSERT_EQ(profile.code, kReportOk) << profile.err;
  EXPECT_THAT(profile.out, HasSubstr("send/copy      100   94.74     90,000    900.0"));

  std::string trace = path_ + ".json";
  Result exported = Report({path_, "--export", "chrome-trace", trace});
  ASSERT_EQ(exported.code, kReportOk) << exported.err;
  std::ifstream in(trace);
  std::stringstream text;
  text << in.rdbuf();
  std::optional<testing::JsonValue> v = testing::ParseJson(text.str());
  std::remove(trace.c_str());
  ASSERT_TRUE(v.has_value());
  size_t timeouts = 0;
  for (const testing::JsonValue& e : (*v)["traceEvents"].array) {
    if (e["ph"].string == "i" && e["name"].string == "call timeout") ++timeouts;
  }
  EXPECT_EQ(timeouts, 1u);  // the second one is at 20 s, after this run
}

TEST_F(ReportCaptureTest, ACutOffCaptureIsReportedUpToTheCutWithItsOffset) {
  WriteCapture(30);
  uintmax_t size = std::filesystem::file_size(path_);
  std::filesystem::resize_file(path_, size * 2 / 3);
  Result r = Report({path_, "--top", "1"});
  ASSERT_EQ(r.code, kReportOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Top 1 of"));
  EXPECT_THAT(r.err, StartsWith("overseer-report: warning: " + path_ +
                                " is damaged, showing the "));
  EXPECT_THAT(r.err, MatchesRegex(".*offset [0-9]+.*\n"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

TEST_F(ReportCaptureTest, AFileThatIsNotACaptureExitsOne) {
  {
    std::ofstream junk(path_, std::ios::binary);
    junk << "this is not a capture, just some text that goes on for a while\n";
  }
  Result r = Report({path_});
  EXPECT_EQ(r.code, kReportBadInput);
  EXPECT_THAT(r.err, StartsWith("overseer-report: cannot read " + path_ + ": "));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_THAT(r.out, IsEmpty());
}

TEST_F(ReportCaptureTest, AMissingFileExitsOne) {
  Result r = Report({path_ + ".missing"});
  EXPECT_EQ(r.code, kReportBadInput);
  EXPECT_THAT(r.err, StartsWith("overseer-report: cannot read "));
}

}  // namespace
}  // namespace overseer
