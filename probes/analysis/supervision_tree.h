// The Applications view as values: the supervision tree of one snapshot
// (from ProcessSample::parent), with memory, MsgQ, held child-spec bytes and
// process counts rolled up per subtree, and a pressure in 0..1 to colour by.
//
// Node i describes snapshot.processes[i] (and row i of a ProcessTable of the
// same snapshot). Children are stored once, contiguously, so a tree of a
// million processes costs a few flat arrays. A root is a process without a
// parent, or whose parent is not in the snapshot; a cycle of parents (only
// possible in damaged data) is cut at one of its processes, which becomes a
// root.
//
// Pressure: the larger of a memory term and a MsgQ term, each on a log
// scale. Memory: the largest process in the subtree against the median
// process, 0 at or below the median and 1 at 1,000x it. MsgQ: the longest
// mailbox in the subtree, 0 at 10 messages or fewer and 1 at 10,000. So a
// healthy pool is pale, and the path from a root down to a leaking process
// is coloured all the way.
//
// Example:
//   SupervisionTree tree = BuildSupervisionTree(snapshot);
//   for (uint32_t root : tree.roots)
//     for (uint32_t child : tree.ChildrenOf(root)) ...
//   ChildSlice top = TopChildren(tree, root, 20);  // for a pool of 100k
#ifndef OVERSEER_PROBES_ANALYSIS_SUPERVISION_TREE_H_
#define OVERSEER_PROBES_ANALYSIS_SUPERVISION_TREE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "probes/model/model.h"

namespace overseer {

inline constexpr uint32_t kNoNode = 0xFFFFFFFFu;

struct TreeNode {
  uint64_t pid = 0;
  uint32_t parent = kNoNode;  // node index of the parent, kNoNode for a root
  uint32_t first_child = 0;   // into SupervisionTree::children
  uint32_t child_count = 0;
  uint32_t depth = 0;  // 0 for a root
  ProcessKind kind = ProcessKind::kWorker;

  // This process alone.
  uint64_t memory = 0;
  uint64_t msgq = 0;
  uint64_t held_spec_bytes = 0;

  // This process and all its descendants.
  uint64_t subtree_memory = 0;
  uint64_t subtree_msgq = 0;
  uint64_t subtree_held_spec_bytes = 0;
  uint64_t subtree_process_count = 0;
  uint64_t subtree_max_memory = 0;  // the largest single process
  uint64_t subtree_max_msgq = 0;    // the longest single mailbox
  double pressure = 0.0;            // 0..1, see the header comment
};

struct SupervisionTree {
  std::vector<TreeNode> nodes;     // in snapshot order (by pid)
  std::vector<uint32_t> children;  // node indices, grouped by parent
  std::vector<uint32_t> roots;     // in pid order
  uint64_t median_memory = 0;      // what memory pressure is measured against
  bool pid_ordered = true;         // false only for a damaged snapshot

  // The children of node `index`, in pid order.
  std::span<const uint32_t> ChildrenOf(uint32_t index) const {
    const TreeNode& n = nodes[index];
    return std::span<const uint32_t>(children).subspan(n.first_child, n.child_count);
  }

  // The node of `pid`, if the snapshot has it. O(log n) (O(n) for a damaged
  // snapshot not in pid order).
  std::optional<uint32_t> Find(uint64_t pid) const;
};

// Builds the tree of `snapshot` with every rollup. Pure; thread-safe; linear
// in the number of processes (plus a sort if the snapshot is not in pid
// order).
SupervisionTree BuildSupervisionTree(const Snapshot& snapshot);

// The pressure of a subtree whose largest process has `max_memory` bytes and
// longest mailbox `max_msgq`, against `median_memory`. In 0..1.
double Pressure(uint64_t max_memory, uint64_t max_msgq, uint64_t median_memory);

// The first children of a node by subtree memory, and what the rest add up
// to, so a view can show a pool of a hundred thousand tasks as twenty rows
// and "99,980 more".
struct ChildSlice {
  std::vector<uint32_t> top;  // node indices, largest subtree memory first
  size_t rest_count = 0;
  uint64_t rest_memory = 0;  // subtree memory of the rest, summed
  uint64_t rest_msgq = 0;
  uint64_t rest_process_count = 0;
};

// The `k` children of node `index` with the largest subtree memory (ties in
// pid order) and the sums of the others. Pure; O(children).
ChildSlice TopChildren(const SupervisionTree& tree, uint32_t index, size_t k);

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_SUPERVISION_TREE_H_
