#include "probes/tools/text_table.h"

#include "gtest/gtest.h"

namespace overseer {
namespace {

TEST(TextTableTest, AlignsTextLeftAndFiguresRight) {
  TextTable t({{"PID"}, {"MEMORY", TextTable::kRight}, {"NAME"}});
  t.AddRow({"<0.3.0>", "30.0 MB", "task_sup"});
  t.AddRow({"<0.1000.0>", "5.0 MB", "Task:run/1"});
  EXPECT_EQ(t.Render(),
            "PID          MEMORY  NAME\n"
            "<0.3.0>     30.0 MB  task_sup\n"
            "<0.1000.0>   5.0 MB  Task:run/1\n");
}

TEST(TextTableTest, CutsLongCellsAndFillsMissingOnes) {
  TextTable t({{"NAME", TextTable::kLeft, 8}, {"N", TextTable::kRight}});
  t.AddRow({"Indexer.TaskSupervisor"});
  EXPECT_EQ(t.Render(),
            "NAME      N\n"
            "Index...\n");
}

TEST(TextTableTest, CountsCharactersNotBytes) {
  TextTable t({{"A"}, {"B"}});
  t.AddRow({"caf\xc3\xa9", "x"});
  t.AddRow({"tea", "y"});
  EXPECT_EQ(t.Render(),
            "A     B\n"
            "caf\xc3\xa9  x\n"
            "tea   y\n");
}

TEST(TruncateTest, NeverCutsInsideACharacter) {
  EXPECT_EQ(Truncate("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4), "\xc3\xa9...");
  EXPECT_EQ(Truncate("short", 10), "short");
  EXPECT_EQ(Truncate("abcdef", 2), "..");
  EXPECT_EQ(DisplayWidth("\xe2\x82\xac"), 1u);
}

}  // namespace
}  // namespace overseer
