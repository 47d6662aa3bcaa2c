#include "probes/analysis/table_export.h"

#include <algorithm>
#include <numeric>
#include <sstream>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/probes/analysis/json_value.h"
#include "tests/probes/analysis/snapshot_builder.h"

namespace overseer {
namespace {

using ::overseer::testing::ParseJson;
using ::overseer::testing::Proc;
using ::overseer::testing::SnapshotBuilder;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

ProcessTable Table() {
  Snapshot before = SnapshotBuilder(0)
                        .Add(Proc(1).Memory(2'000))
                        .Add(Proc(2).Memory(2'000))
                        .Add(Proc(42).Memory(1'000'000))
                        .Build();
  Snapshot now = SnapshotBuilder(2'000'000'000)
                     .Add(Proc(1).Name("plain").Memory(2'000))
                     .Add(Proc(2).Call("Odd, \"quoted\"\nname").Memory(2'000))
                     .Add(Proc(42)
                              .Name("Indexer.TaskSupervisor")
                              .Current("handle_info/2")
                              .Memory(3'000'000)
                              .Msgq(1'830)
                              .Held(2'500'000))
                     .Add(Proc(50).Memory(2'000))
                     .Build();
  return BuildProcessTable(now, &before);
}

std::vector<uint32_t> All(const ProcessTable& t) {
  std::vector<uint32_t> order(t.rows.size());
  std::iota(order.begin(), order.end(), 0u);
  return order;
}

TEST(ProcessCsvTest, WritesAHeaderAndQuotedRows) {
  ProcessTable t = Table();
  std::ostringstream out;
  std::vector<uint32_t> order = {2, 1};
  WriteProcessCsv(t.rows, order, out);
  std::string text = out.str();
  EXPECT_THAT(text, StartsWith("pid,name,registered,kind,status,memory,"));
  EXPECT_THAT(text, HasSubstr("\n42,Indexer.TaskSupervisor,true,worker,waiting,"
                              "3000000,3000000,1830,1830,0,2500000,0,"));
  EXPECT_THAT(text, HasSubstr(",1000000,handle_info/2,memory|msgq|held|growth,"
                              "\"memory "));
  EXPECT_THAT(text, HasSubstr("\n2,\"Odd, \"\"quoted\"\"\nname\",false,"));
  EXPECT_EQ(text.back(), '\n');
}

TEST(ProcessCsvTest, EveryRowHasAsManyFieldsAsTheHeader) {
  ProcessTable t = Table();
  std::ostringstream out;
  std::vector<uint32_t> order = {0, 3};  // rows without quotes inside
  WriteProcessCsv(t.rows, order, out);
  std::vector<std::string> lines = absl::StrSplit(out.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  for (const std::string& line : lines) {
    EXPECT_EQ(std::count(line.begin(), line.end(), ',') + 1,
              static_cast<long>(ProcessColumns().size()))
        << line;
  }
  // A process without a base has no rate: empty fields, not zeros; nor run
  // peaks without a scan.
  EXPECT_THAT(lines[2], EndsWith(",0,,,,,,false,,,,,,"));
}

TEST(ProcessJsonTest, WritesAnArrayOfObjectsThatParses) {
  ProcessTable t = Table();
  std::ostringstream out;
  std::vector<uint32_t> order = All(t);
  WriteProcessJson(t.rows, order, out);
  std::optional<testing::JsonValue> v = ParseJson(out.str());
  ASSERT_TRUE(v.has_value()) << out.str();
  ASSERT_EQ(v->array.size(), 4u);
  const testing::JsonValue& sup = (*v)[2];
  EXPECT_EQ(sup["pid"].number, 42);
  EXPECT_EQ(sup["name"].string, "Indexer.TaskSupervisor");
  EXPECT_EQ(sup["memory"].number, 3'000'000);
  EXPECT_EQ(sup["msgq"].number, 1'830);
  EXPECT_EQ(sup["held_spec_bytes"].number, 2'500'000);
  EXPECT_EQ(sup["memory_growth_per_s"].number, 1'000'000);
  EXPECT_EQ(sup["outlier"].string, "memory|msgq|held|growth");
  EXPECT_EQ((*v)[1]["name"].string, "Odd, \"quoted\"\nname");
  EXPECT_TRUE((*v)[3]["memory_growth_per_s"].is_null());
  for (const std::string& column : ProcessColumns()) {
    EXPECT_TRUE(sup.has(column)) << column;
  }
}

TEST(ProcessJsonTest, AnEmptySelectionIsAnEmptyArray) {
  std::ostringstream out;
  WriteProcessJson({}, {}, out);
  EXPECT_EQ(out.str(), "[]\n");
}

}  // namespace
}  // namespace overseer
