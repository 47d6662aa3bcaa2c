#include "probes/analysis/supervision_tree.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"

namespace overseer {
namespace {

// Node index of each process's parent, kNoNode for roots. Pids count up
// from 1, so in a snapshot they are dense and a flat pid-to-node array
// answers each lookup with one read; sparse pids go through a hash map.
std::vector<uint32_t> ParentIndices(const std::vector<TreeNode>& nodes,
                                    const std::vector<uint64_t>& parent_pids) {
  std::vector<uint32_t> parent(nodes.size(), kNoNode);
  if (nodes.empty()) return parent;
  uint64_t min_pid = nodes[0].pid;
  uint64_t max_pid = nodes[0].pid;
  for (const TreeNode& n : nodes) {
    min_pid = std::min(min_pid, n.pid);
    max_pid = std::max(max_pid, n.pid);
  }
  std::vector<uint32_t> dense;
  absl::flat_hash_map<uint64_t, uint32_t> sparse;
  if (max_pid - min_pid < 4 * static_cast<uint64_t>(nodes.size()) + 1024) {
    dense.assign(max_pid - min_pid + 1, kNoNode);
    // Reverse order so that, for a duplicated pid, the first node wins.
    for (uint32_t i = static_cast<uint32_t>(nodes.size()); i-- > 0;) {
      dense[nodes[i].pid - min_pid] = i;
    }
  } else {
    sparse.reserve(nodes.size());
    for (uint32_t i = 0; i < nodes.size(); ++i) {
      sparse.try_emplace(nodes[i].pid, i);
    }
  }
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    uint64_t p = parent_pids[i];
    if (p == 0 || p == nodes[i].pid) continue;
    uint32_t found = kNoNode;
    if (!dense.empty()) {
      if (p >= min_pid && p <= max_pid) found = dense[p - min_pid];
    } else if (auto it = sparse.find(p); it != sparse.end()) {
      found = it->second;
    }
    if (found != i) parent[i] = found;
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
    n.pressure = Pressure(n.subtree_max_memory, n.subtree_max_msgq, tree.median_memory);
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

uint64_t MedianMemory(const std::vector<TreeNode>& nodes) {
  if (nodes.empty()) return 0;
  std::vector<uint64_t> memory(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) memory[i] = nodes[i].memory;
  auto middle = memory.begin() + static_cast<ptrdiff_t>((memory.size() - 1) / 2);
  std::nth_element(memory.begin(), middle, memory.end());
  return *middle;
}

}  // namespace

std::optional<uint32_t> SupervisionTree::Find(uint64_t pid) const {
  if (pid_ordered) {
    auto it = std::lower_bound(nodes.begin(), nodes.end(), pid,
                               [](const TreeNode& n, uint64_t v) { return n.pid < v; });
    if (it == nodes.end() || it->pid != pid) return std::nullopt;
    return static_cast<uint32_t>(it - nodes.begin());
  }
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].pid == pid) return i;
  }
  return std::nullopt;
}

double Pressure(uint64_t max_memory, uint64_t max_msgq, uint64_t median_memory) {
  double ratio = static_cast<double>(max_memory) /
                 static_cast<double>(std::max<uint64_t>(median_memory, 1));
  double memory_term = ratio <= 1.0 ? 0.0 : std::log10(ratio) / 3.0;
  double msgq_term =
      max_msgq <= 10 ? 0.0 : std::log10(static_cast<double>(max_msgq) / 10.0) / 3.0;
  return std::clamp(std::max(memory_term, msgq_term), 0.0, 1.0);
}

SupervisionTree BuildSupervisionTree(const Snapshot& snapshot) {
  // One pass over the (large) process samples; everything after works on
  // the compact nodes.
  const std::vector<ProcessSample>& ps = snapshot.processes;
  SupervisionTree tree;
  tree.nodes.resize(ps.size());
  std::vector<uint64_t> parent_pids(ps.size());
  for (size_t i = 0; i < ps.size(); ++i) {
    TreeNode& n = tree.nodes[i];
    n.pid = ps[i].pid;
    n.kind = ps[i].kind;
    n.memory = n.subtree_memory = n.subtree_max_memory = ps[i].memory.value;
    n.msgq = n.subtree_msgq = n.subtree_max_msgq = ps[i].mailbox_len.value;
    n.held_spec_bytes = n.subtree_held_spec_bytes = ps[i].held_spec_bytes.value;
    n.subtree_process_count = 1;
    parent_pids[i] = ps[i].parent;
  }
  tree.pid_ordered =
      std::is_sorted(tree.nodes.begin(), tree.nodes.end(),
                     [](const TreeNode& a, const TreeNode& b) { return a.pid < b.pid; });
  tree.median_memory = MedianMemory(tree.nodes);
  std::vector<uint32_t> parent = ParentIndices(tree.nodes, parent_pids);
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
