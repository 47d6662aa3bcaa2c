#include "probes/analysis/row_query.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace overseer {
namespace {

using ::testing::ElementsAre;

std::vector<ProcessRow> Rows() {
  std::vector<ProcessRow> rows(5);
  const char* names[] = {"app_sup", "Indexer.TaskSupervisor", "fetcher", "Task:run/1",
                         "Task:run/1"};
  const char* current[] = {"loop", "handle_info/2", "handle_call/3", "Fetcher.run/2",
                           "Fetcher.run/2"};
  uint64_t memory[] = {3'000, 9'000'000, 50'000, 5'000'000, 5'000'000};
  uint64_t msgq[] = {0, 12, 1'830, 0, 1};
  double growth[] = {0.0, 1.2e6, -3'000.0, 0.0, 5.0};
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].pid = 10 + i;
    rows[i].name = names[i];
    rows[i].current_function = current[i];
    rows[i].memory = memory[i];
    rows[i].msgq = msgq[i];
    rows[i].memory_growth_per_s = growth[i];
    rows[i].held_spec_bytes = i == 1 ? 8'000'000 : 0;
    rows[i].reductions = 100 * (5 - i);
  }
  return rows;
}

TEST(SelectRowsTest, SortsFiguresBiggestFirstWithTiesInPidOrder) {
  std::vector<ProcessRow> rows = Rows();
  EXPECT_THAT(SelectRows(rows, {.sort = SortKey::kMemory}), ElementsAre(1, 3, 4, 2, 0));
  EXPECT_THAT(SelectRows(rows, {.sort = SortKey::kMsgq}), ElementsAre(2, 1, 4, 0, 3));
  EXPECT_THAT(SelectRows(rows, {.sort = SortKey::kHeldSpecBytes}),
              ElementsAre(1, 0, 2, 3, 4));
  EXPECT_THAT(SelectRows(rows, {.sort = SortKey::kReductions}),
              ElementsAre(0, 1, 2, 3, 4));
}

TEST(SelectRowsTest, SortsNegativeGrowthBelowZero) {
  EXPECT_THAT(SelectRows(Rows(), {.sort = SortKey::kGrowth}), ElementsAre(1, 4, 0, 3, 2));
}

TEST(SelectRowsTest, SortsTextAscendingAndCanReverse) {
  std::vector<ProcessRow> rows = Rows();
  EXPECT_THAT(SelectRows(rows, {.sort = SortKey::kName}), ElementsAre(1, 3, 4, 0, 2));
  EXPECT_THAT(
      SelectRows(rows, {.sort = SortKey::kName, .direction = SortDirection::kDescending}),
      ElementsAre(2, 0, 3, 4, 1));
  EXPECT_THAT(SelectRows(rows, {.sort = SortKey::kMemory,
                                .direction = SortDirection::kAscending}),
              ElementsAre(0, 2, 3, 4, 1));
}

TEST(SelectRowsTest, LimitKeepsTheTopRows) {
  EXPECT_THAT(SelectRows(Rows(), {.sort = SortKey::kMemory, .limit = 2}),
              ElementsAre(1, 3));
  EXPECT_THAT(SelectRows(Rows(), {.sort = SortKey::kName, .limit = 1}), ElementsAre(1));
  EXPECT_EQ(SelectRows(Rows(), {.limit = 99}).size(), 5u);
}

TEST(SelectRowsTest, FiltersByNamePidOrCurrentFunctionIgnoringCase) {
  std::vector<ProcessRow> rows = Rows();
  EXPECT_THAT(SelectRows(rows, {.filter = "TASKSUP"}), ElementsAre(1));
  EXPECT_THAT(SelectRows(rows, {.filter = "<0.12.0>"}), ElementsAre(2));
  EXPECT_THAT(SelectRows(rows, {.filter = "0.1"}), ElementsAre(1, 3, 4, 2, 0));
  EXPECT_THAT(SelectRows(rows, {.filter = "handle_call"}), ElementsAre(2));
  EXPECT_THAT(SelectRows(rows, {.filter = "fetcher", .sort = SortKey::kPid}),
              ElementsAre(2, 3, 4));
  EXPECT_TRUE(SelectRows(rows, {.filter = "nothing like it"}).empty());
}

TEST(SortKeyTest, NamesRoundTrip) {
  for (SortKey key : {SortKey::kMemory, SortKey::kMsgq, SortKey::kHeldSpecBytes,
                      SortKey::kGrowth, SortKey::kReductions, SortKey::kReductionsDelta,
                      SortKey::kMailboxBytes, SortKey::kBinaryBytes, SortKey::kPid,
                      SortKey::kName, SortKey::kCurrentFunction}) {
    EXPECT_EQ(ParseSortKey(ToString(key)), key) << ToString(key);
  }
  EXPECT_EQ(ParseSortKey("size"), std::nullopt);
}

TEST(SortRowIndicesTest, SortsASubsetInPlace) {
  std::vector<ProcessRow> rows = Rows();
  std::vector<uint32_t> some = {0, 2, 4};
  SortRowIndices(rows, SortKey::kMsgq, SortDirection::kDefault, 0, some);
  EXPECT_THAT(some, ElementsAre(2, 4, 0));
}

}  // namespace
}  // namespace overseer
