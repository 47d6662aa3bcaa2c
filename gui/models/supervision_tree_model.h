// SupervisionTreeModel: the Applications view's model over one
// SupervisionTree (the analysis layer's rollups) and the ProcessTable of the
// same snapshot (for names). Each row is a subtree: its process count,
// memory, MsgQ and held spec bytes summed, coloured by its pressure. A pool
// with more than kPoolThreshold children shows its kPoolTop largest subtrees
// and one row for the rest ("47 more children"), so a task supervisor with a
// hundred thousand tasks stays readable and cheap.
//
// Example:
//   SupervisionTreeModel model;
//   model.SetTree(instant->tree, instant->table);
//   QModelIndex sup = model.IndexOfPid(42);
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_MODELS_SUPERVISION_TREE_MODEL_H_
#define OVERSEER_GUI_MODELS_SUPERVISION_TREE_MODEL_H_

#include <QAbstractItemModel>

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "probes/analysis/process_table.h"
#include "probes/analysis/supervision_tree.h"

namespace overseer {

class SupervisionTreeModel final : public QAbstractItemModel {
  Q_OBJECT

 public:
  enum Column {
    kName = 0,
    kProcesses,
    kMemory,
    kMsgq,
    kHeldSpecBytes,
    kOwnMemory,
    kColumnCount
  };
  enum Role {
    kPidRole = Qt::UserRole + 1,  // uint64 pid; 0 for a "more children" row
    kNodeRole,                    // node index, -1 for a "more children" row
    kPressureRole,                // double 0..1
    kSortValueRole,               // the raw figure of the cell
  };
  static constexpr size_t kPoolThreshold = 12;
  static constexpr size_t kPoolTop = 3;

  explicit SupervisionTreeModel(QObject* parent = nullptr);
  ~SupervisionTreeModel() override;

  QModelIndex index(int row, int column,
                    const QModelIndex& parent = {}) const final;
  QModelIndex parent(const QModelIndex& child) const final;
  int rowCount(const QModelIndex& parent = {}) const final;
  int columnCount(const QModelIndex& parent = {}) const final;
  QVariant data(const QModelIndex& index, int role) const final;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role) const final;

  // Shows `tree`, whose node i is row i of `table` (both from one snapshot).
  void SetTree(std::shared_ptr<const SupervisionTree> tree,
               std::shared_ptr<const ProcessTable> table);

  // The index (column 0) of `pid`'s row, invalid when it is not shown (not
  // in the snapshot, or folded into a "more children" row).
  QModelIndex IndexOfPid(uint64_t pid) const;
  // The tree node behind `index`, or null for a "more children" row.
  const TreeNode* NodeAt(const QModelIndex& index) const;
  const SupervisionTree* tree() const { return tree_.get(); }

 private:
  // What a node shows as its children: all of them, or the top of a pool
  // plus one row for the rest.
  struct Shown {
    std::vector<uint32_t> nodes;
    bool folded = false;
    ChildSlice rest;  // valid when folded (only its rest_* fields are used)
  };
  const Shown& ShownChildren(uint32_t node) const;
  int RowWithin(uint32_t parent, uint32_t node) const;
  QVariant Display(const QModelIndex& index) const;

  std::shared_ptr<const SupervisionTree> tree_;
  std::shared_ptr<const ProcessTable> table_;
  Shown roots_;
  mutable std::unordered_map<uint32_t, Shown> shown_;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_MODELS_SUPERVISION_TREE_MODEL_H_
