#include "probes/analysis/supervision_tree.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"

namespace overseer {
namespace {

// Node index of each process's parent, kNoNode for roots.
std::vector<uint32_t> ParentIndices(const std::vector<ProcessSample>& ps,
                                    bool pid_ordered) {
  std::vector<uint32_t> parent(ps.size(), kNoNode);
  absl::flat_hash_map<uint64_t, uint32_t> by_pid;
  if (!pid_ordered) {
    by_pid.reserve(ps.size());
    for (uint32_t i = 0; i < ps.size(); ++i) by_pid.try_emplace(ps[i].pid, i);
  }
  auto find = [&](uint64_t pid) -> uint32_t {
    if (!pid_ordered) {
      auto it = by_pid.find(pid);
      return it == by_pid.end() ? kNoNode : it->second;
    }
    auto it = std::lower_bound(
        ps.begin(), ps.end(), pid,
        [](const ProcessSample& p, uint64_t v) { return p.pid < v; });
    if (it == ps.end() || it->pid != pid) return kNoNode;
    return static_cast<uint32_t>(it - ps.begin());
  };
  for (uint32_t i = 0; i < ps.size(); ++i) {
    if (ps[i].parent == 0 || ps[i].parent == ps[i].pid) continue;
    uint32_t p = find(ps[i].parent);
    if (p != i) parent[i] = p;
  }
  return parent;
}

// Cuts every cycle of parent links at the process where the walk closes it,
// so that the tree is a forest. Each process is walked once.
void CutCycles(std::vector<uint32_t>& parent) {
  enum : uint8_t { kUnseen, kOnPath, kDone };
  std::vector<uint8_t> state(parent.size(), kUnseen);
  std::vector<uint32_t> path;
  for (uint32_t start = 0; start < parent.size(); ++start) {
    path.clear();
    uint32_t j = start;
    while (j != kNoNode && state[j] == kUnseen) {
      state[j] = kOnPath;
      path.push_back(j);
      j = parent[j];
    }
    if (j != kNoNode && state[j] == kOnPath) parent[j] = kNoNode;
    for (uint32_t k : path) state[k] = kDone;
  }
}

void LinkChildren(const std::vector<uint32_t>& parent, SupervisionTree& tree) {
  for (uint32_t i = 0; i < parent.size(); ++i) {
    tree.nodes[i].parent = parent[i];
    if (parent[i] == kNoNode) {
      tree.roots.push_back(i);
    } else {
      ++tree.nodes[parent[i]].child_count;
    }
  }
  uint32_t offset = 0;
  for (TreeNode& n : tree.nodes) {
    n.first_child = offset;
    offset += n.child_count;
  }
  tree.children.resize(offset);
  std::vector<uint32_t> filled(tree.nodes.size(), 0);
  for (uint32_t i = 0; i < parent.size(); ++i) {
    if (parent[i] == kNoNode) continue;
    TreeNode& p = tree.nodes[parent[i]];
    tree.children[p.first_child + filled[parent[i]]++] = i;
  }
}

// Depths in a preorder walk, then subtree sums in reverse preorder, where
// every child comes after its parent.
void RollUp(SupervisionTree& tree) {
  std::vector<uint32_t> order;
  order.reserve(tree.nodes.size());
  std::vector<uint32_t> stack(tree.roots.rbegin(), tree.roots.rend());
  while (!stack.empty()) {
    uint32_t i = stack.back();
    stack.pop_back();
    order.push_back(i);
    std::span<const uint32_t> kids = tree.ChildrenOf(i);
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) {
      tree.nodes[*it].depth = tree.nodes[i].depth + 1;
      stack.push_back(*it);
    }
  }
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    TreeNode& n = tree.nodes[*it];
    n.pressure = Pressure(n.subtree_max_memory, n.subtree_max_msgq,
                          tree.median_memory);
    if (n.parent == kNoNode) continue;
    TreeNode& p = tree.nodes[n.parent];
    p.subtree_memory += n.subtree_memory;
    p.subtree_msgq += n.subtree_msgq;
    p.subtree_held_spec_bytes += n.subtree_held_spec_bytes;
    p.subtree_process_count += n.subtree_process_count;
    p.subtree_max_memory = std::max(p.subtree_max_memory, n.subtree_max_memory);
    p.subtree_max_msgq = std::max(p.subtree_max_msgq, n.subtree_max_msgq);
  }
}

uint64_t MedianMemory(const std::vector<ProcessSample>& ps) {
  if (ps.empty()) return 0;
  std::vector<uint64_t> memory(ps.size());
  for (size_t i = 0; i < ps.size(); ++i) memory[i] = ps[i].memory.value;
  auto middle = memory.begin() + static_cast<ptrdiff_t>((memory.size() - 1) / 2);
  std::nth_element(memory.begin(), middle, memory.end());
  return *middle;
}

}  // namespace

std::optional<uint32_t> SupervisionTree::Find(uint64_t pid) const {
  if (pid_ordered) {
    auto it = std::lower_bound(
        nodes.begin(), nodes.end(), pid,
        [](const TreeNode& n, uint64_t v) { return n.pid < v; });
    if (it == nodes.end() || it->pid != pid) return std::nullopt;
    return static_cast<uint32_t>(it - nodes.begin());
  }
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].pid == pid) return i;
  }
  return std::nullopt;
}

double Pressure(uint64_t max_memory, uint64_t max_msgq,
                uint64_t median_memory) {
  double ratio = static_cast<double>(max_memory) /
                 static_cast<double>(std::max<uint64_t>(median_memory, 1));
  double memory_term = ratio <= 1.0 ? 0.0 : std::log10(ratio) / 3.0;
  double msgq_term =
      max_msgq <= 10 ? 0.0
                     : std::log10(static_cast<double>(max_msgq) / 10.0) / 3.0;
  return std::clamp(std::max(memory_term, msgq_term), 0.0, 1.0);
}

SupervisionTree BuildSupervisionTree(const Snapshot& snapshot) {
  const std::vector<ProcessSample>& ps = snapshot.processes;
  SupervisionTree tree;
  tree.pid_ordered = std::is_sorted(
      ps.begin(), ps.end(), [](const ProcessSample& a, const ProcessSample& b) {
        return a.pid < b.pid;
      });
  tree.median_memory = MedianMemory(ps);
  tree.nodes.resize(ps.size());
  for (size_t i = 0; i < ps.size(); ++i) {
    TreeNode& n = tree.nodes[i];
    n.pid = ps[i].pid;
    n.kind = ps[i].kind;
    n.memory = n.subtree_memory = n.subtree_max_memory = ps[i].memory.value;
    n.msgq = n.subtree_msgq = n.subtree_max_msgq = ps[i].mailbox_len.value;
    n.held_spec_bytes = n.subtree_held_spec_bytes = ps[i].held_spec_bytes.value;
    n.subtree_process_count = 1;
  }
  std::vector<uint32_t> parent = ParentIndices(ps, tree.pid_ordered);
  CutCycles(parent);
  LinkChildren(parent, tree);
  RollUp(tree);
  return tree;
}

ChildSlice TopChildren(const SupervisionTree& tree, uint32_t index, size_t k) {
  ChildSlice slice;
  if (index >= tree.nodes.size()) return slice;
  std::span<const uint32_t> kids = tree.ChildrenOf(index);
  std::vector<uint32_t> sorted(kids.begin(), kids.end());
  size_t keep = std::min(k, sorted.size());
  auto bigger = [&](uint32_t a, uint32_t b) {
    const TreeNode& x = tree.nodes[a];
    const TreeNode& y = tree.nodes[b];
    if (x.subtree_memory != y.subtree_memory) {
      return x.subtree_memory > y.subtree_memory;
    }
    return x.pid < y.pid;
  };
  auto middle = sorted.begin() + static_cast<ptrdiff_t>(keep);
  std::partial_sort(sorted.begin(), middle, sorted.end(), bigger);
  slice.top.assign(sorted.begin(), middle);
  for (auto it = middle; it != sorted.end(); ++it) {
    const TreeNode& n = tree.nodes[*it];
    ++slice.rest_count;
    slice.rest_memory += n.subtree_memory;
    slice.rest_msgq += n.subtree_msgq;
    slice.rest_process_count += n.subtree_process_count;
  }
  return slice;
}

}  // namespace overseer
