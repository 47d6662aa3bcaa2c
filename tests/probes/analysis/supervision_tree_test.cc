#include "probes/analysis/supervision_tree.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/probes/analysis/snapshot_builder.h"

namespace overseer {
namespace {

using ::overseer::testing::Proc;
using ::overseer::testing::SnapshotBuilder;
using ::testing::ElementsAre;

// app(1) -> fetcher(2), task_sup(3) -> tasks 10, 11, 12; logger(5) alone;
// orphan(7) whose parent (99) is not in the snapshot.
Snapshot Node() {
  return SnapshotBuilder(0)
      .Add(Proc(1).Name("app").Kind(ProcessKind::kSupervisor).Memory(1'000).Held(100))
      .Add(Proc(2).Parent(1).Name("fetcher").Memory(50'000).Msgq(1'830))
      .Add(Proc(3)
               .Parent(1)
               .Name("task_sup")
               .Kind(ProcessKind::kTaskSupervisor)
               .Memory(20'000'000)
               .Held(15'000'000)
               .Msgq(4))
      .Add(Proc(5).Name("logger").Memory(2'000))
      .Add(Proc(7).Parent(99).Name("orphan").Memory(3'000))
      .Add(Proc(10).Parent(3).Memory(5'000'000).Msgq(1))
      .Add(Proc(11).Parent(3).Memory(6'000'000))
      .Add(Proc(12).Parent(3).Memory(7'000'000).Msgq(2))
      .Build();
}

TEST(SupervisionTreeTest, RootsAreProcessesWithoutAParentInTheSnapshot) {
  SupervisionTree tree = BuildSupervisionTree(Node());
  std::vector<uint64_t> root_pids;
  for (uint32_t r : tree.roots) root_pids.push_back(tree.nodes[r].pid);
  EXPECT_THAT(root_pids, ElementsAre(1, 5, 7));
}

TEST(SupervisionTreeTest, ChildrenAreListedInPidOrderWithTheirDepth) {
  SupervisionTree tree = BuildSupervisionTree(Node());
  uint32_t task_sup = *tree.Find(3);
  std::vector<uint64_t> kids;
  for (uint32_t c : tree.ChildrenOf(task_sup)) {
    kids.push_back(tree.nodes[c].pid);
    EXPECT_EQ(tree.nodes[c].depth, 2u);
    EXPECT_EQ(tree.nodes[c].parent, task_sup);
  }
  EXPECT_THAT(kids, ElementsAre(10, 11, 12));
  EXPECT_EQ(tree.nodes[task_sup].depth, 1u);
  EXPECT_EQ(tree.nodes[*tree.Find(1)].depth, 0u);
  EXPECT_EQ(tree.Find(99), std::nullopt);
}

TEST(SupervisionTreeTest, SubtreeTotalsSumExactly) {
  SupervisionTree tree = BuildSupervisionTree(Node());
  const TreeNode& task_sup = tree.nodes[*tree.Find(3)];
  EXPECT_EQ(task_sup.memory, 20'000'000u);
  EXPECT_EQ(task_sup.subtree_memory, 38'000'000u);
  EXPECT_EQ(task_sup.subtree_msgq, 7u);
  EXPECT_EQ(task_sup.subtree_held_spec_bytes, 15'000'000u);
  EXPECT_EQ(task_sup.subtree_process_count, 4u);
  EXPECT_EQ(task_sup.subtree_max_memory, 20'000'000u);

  const TreeNode& app = tree.nodes[*tree.Find(1)];
  EXPECT_EQ(app.subtree_memory, 38'051'000u);
  EXPECT_EQ(app.subtree_msgq, 1'837u);
  EXPECT_EQ(app.subtree_held_spec_bytes, 15'000'100u);
  EXPECT_EQ(app.subtree_process_count, 6u);
  EXPECT_EQ(app.subtree_max_msgq, 1'830u);

  const TreeNode& logger = tree.nodes[*tree.Find(5)];
  EXPECT_EQ(logger.subtree_memory, 2'000u);
  EXPECT_EQ(logger.subtree_process_count, 1u);
}

TEST(SupervisionTreeTest, PressureColoursTheLeakAndLeavesTheRestPale) {
  SupervisionTree tree = BuildSupervisionTree(Node());
  EXPECT_GT(tree.nodes[*tree.Find(3)].pressure, 0.6);
  EXPECT_GT(tree.nodes[*tree.Find(1)].pressure, 0.6);
  EXPECT_GT(tree.nodes[*tree.Find(2)].pressure, 0.6);  // MsgQ 1,830
  EXPECT_LT(tree.nodes[*tree.Find(5)].pressure, 0.1);
  EXPECT_LT(tree.nodes[*tree.Find(7)].pressure, 0.1);
}

TEST(PressureTest, StaysBetweenZeroAndOne) {
  EXPECT_EQ(Pressure(0, 0, 0), 0.0);
  EXPECT_EQ(Pressure(2'000, 10, 2'000), 0.0);
  EXPECT_DOUBLE_EQ(Pressure(2'000'000, 0, 2'000), 1.0);
  EXPECT_DOUBLE_EQ(Pressure(0, 10'000, 2'000), 1.0);
  EXPECT_DOUBLE_EQ(Pressure(~0ull, ~0ull, 1), 1.0);
  EXPECT_NEAR(Pressure(0, 100, 2'000), 1.0 / 3.0, 1e-9);
}

TEST(SupervisionTreeTest, ACycleOfParentsIsCutAndEveryProcessIsCountedOnce) {
  Snapshot s = SnapshotBuilder(0)
                   .Add(Proc(1).Parent(3).Memory(1))
                   .Add(Proc(2).Parent(1).Memory(10))
                   .Add(Proc(3).Parent(2).Memory(100))
                   .Add(Proc(4).Parent(4).Memory(1'000))  // its own parent
                   .Build();
  SupervisionTree tree = BuildSupervisionTree(s);
  uint64_t total = 0;
  uint64_t count = 0;
  for (uint32_t r : tree.roots) {
    total += tree.nodes[r].subtree_memory;
    count += tree.nodes[r].subtree_process_count;
  }
  EXPECT_EQ(total, 1'111u);
  EXPECT_EQ(count, 4u);
  EXPECT_EQ(tree.roots.size(), 2u);
}

TEST(SupervisionTreeTest, AnUnsortedSnapshotStillBuildsTheSameTree) {
  Snapshot s = Node();
  std::reverse(s.processes.begin(), s.processes.end());
  SupervisionTree tree = BuildSupervisionTree(s);
  EXPECT_FALSE(tree.pid_ordered);
  ASSERT_TRUE(tree.Find(3).has_value());
  EXPECT_EQ(tree.nodes[*tree.Find(3)].subtree_memory, 38'000'000u);
  EXPECT_EQ(tree.roots.size(), 3u);
}

TEST(SupervisionTreeTest, AnEmptySnapshotGivesAnEmptyTree) {
  SupervisionTree tree = BuildSupervisionTree(Snapshot{});
  EXPECT_TRUE(tree.nodes.empty());
  EXPECT_TRUE(tree.roots.empty());
}

TEST(TopChildrenTest, GivesTheLargestChildrenAndSumsTheRest) {
  SnapshotBuilder b(0);
  b.Add(Proc(1).Kind(ProcessKind::kTaskSupervisor).Memory(1'000));
  for (uint64_t i = 0; i < 1'000; ++i) {
    b.Add(Proc(100 + i).Parent(1).Memory(1'000 + i).Msgq(1));
  }
  SupervisionTree tree = BuildSupervisionTree(b.Build());
  ChildSlice slice = TopChildren(tree, *tree.Find(1), 3);
  std::vector<uint64_t> pids;
  for (uint32_t c : slice.top) pids.push_back(tree.nodes[c].pid);
  EXPECT_THAT(pids, ElementsAre(1'099, 1'098, 1'097));
  EXPECT_EQ(slice.rest_count, 997u);
  EXPECT_EQ(slice.rest_process_count, 997u);
  EXPECT_EQ(slice.rest_msgq, 997u);
  // Children hold 1,000 + i bytes for i in 0..999; the top three are
  // 1,999 + 1,998 + 1,997.
  EXPECT_EQ(slice.rest_memory, 1'000u * 1'000u + 499'500u - 5'994u);
}

TEST(TopChildrenTest, AskingForMoreThanThereAreGivesThemAll) {
  SupervisionTree tree = BuildSupervisionTree(Node());
  ChildSlice slice = TopChildren(tree, *tree.Find(1), 10);
  EXPECT_EQ(slice.top.size(), 2u);
  EXPECT_EQ(tree.nodes[slice.top[0]].pid, 3u);
  EXPECT_EQ(slice.rest_count, 0u);
  EXPECT_TRUE(TopChildren(tree, 12345, 3).top.empty());
}

}  // namespace
}  // namespace overseer
