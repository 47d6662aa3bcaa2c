#include "gui/models/supervision_tree_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>

#include <algorithm>
#include <utility>

#include "gui/jobs/release.h"
#include "probes/analysis/format.h"

namespace overseer {
namespace {

// internalId of a "more children" row: this bit plus the parent's node.
constexpr quintptr kRestBit = quintptr{1} << 62;

bool IsRest(quintptr id) { return (id & kRestBit) != 0; }
uint32_t NodeOf(quintptr id) { return static_cast<uint32_t>(id & ~kRestBit); }

QString Q(const std::string& s) { return QString::fromStdString(s); }

// White at no pressure, a strong salmon at full pressure.
QColor PressureColor(double pressure) {
  double p = std::clamp(pressure, 0.0, 1.0);
  auto mix = [p](int from, int to) {
    return static_cast<int>(from + (to - from) * p);
  };
  return QColor(255, mix(255, 150), mix(255, 130));
}

}  // namespace

SupervisionTreeModel::SupervisionTreeModel(QObject* parent)
    : QAbstractItemModel(parent) {}

SupervisionTreeModel::~SupervisionTreeModel() = default;

void SupervisionTreeModel::SetTree(std::shared_ptr<const SupervisionTree> tree,
                                   std::shared_ptr<const ProcessTable> table) {
  beginResetModel();
  ReleaseInBackground(std::exchange(tree_, std::move(tree)));
  ReleaseInBackground(std::exchange(table_, std::move(table)));
  if (tree_ && table_ && table_->rows.size() != tree_->nodes.size()) {
    ReleaseInBackground(std::move(table_));  // not from one snapshot: show pids
  }
  shown_.clear();
  roots_ = Shown{};
  if (tree_) roots_.nodes = tree_->roots;
  endResetModel();
}

const SupervisionTreeModel::Shown& SupervisionTreeModel::ShownChildren(
    uint32_t node) const {
  auto it = shown_.find(node);
  if (it != shown_.end()) return it->second;
  Shown shown;
  std::span<const uint32_t> children = tree_->ChildrenOf(node);
  if (children.size() > kPoolThreshold) {
    shown.rest = TopChildren(*tree_, node, kPoolTop);
    shown.nodes = shown.rest.top;
    shown.folded = shown.rest.rest_count > 0;
  } else {
    shown.nodes.assign(children.begin(), children.end());
  }
  return shown_.emplace(node, std::move(shown)).first->second;
}

int SupervisionTreeModel::RowWithin(uint32_t parent, uint32_t node) const {
  if (parent == kNoNode && tree_->pid_ordered) {
    // Roots are in pid order, so in node order: a million of them stay cheap.
    auto at = std::lower_bound(roots_.nodes.begin(), roots_.nodes.end(), node);
    if (at == roots_.nodes.end() || *at != node) return -1;
    return static_cast<int>(at - roots_.nodes.begin());
  }
  const std::vector<uint32_t>& list =
      parent == kNoNode ? roots_.nodes : ShownChildren(parent).nodes;
  auto it = std::find(list.begin(), list.end(), node);
  return it == list.end() ? -1 : static_cast<int>(it - list.begin());
}

QModelIndex SupervisionTreeModel::index(int row, int column,
                                        const QModelIndex& parent) const {
  if (!hasIndex(row, column, parent)) return {};
  if (!parent.isValid()) {
    return createIndex(row, column, quintptr{roots_.nodes[static_cast<size_t>(row)]});
  }
  uint32_t p = NodeOf(parent.internalId());
  const Shown& shown = ShownChildren(p);
  if (static_cast<size_t>(row) < shown.nodes.size()) {
    return createIndex(row, column, quintptr{shown.nodes[static_cast<size_t>(row)]});
  }
  return createIndex(row, column, kRestBit | p);
}

QModelIndex SupervisionTreeModel::parent(const QModelIndex& child) const {
  if (!child.isValid() || !tree_) return {};
  quintptr id = child.internalId();
  uint32_t parent_node =
      IsRest(id) ? NodeOf(id) : tree_->nodes[NodeOf(id)].parent;
  if (parent_node == kNoNode) return {};
  int row = RowWithin(tree_->nodes[parent_node].parent, parent_node);
  if (row < 0) return {};
  return createIndex(row, 0, quintptr{parent_node});
}

int SupervisionTreeModel::rowCount(const QModelIndex& parent) const {
  if (!tree_) return 0;
  if (!parent.isValid()) return static_cast<int>(roots_.nodes.size());
  if (parent.column() != 0 || IsRest(parent.internalId())) return 0;
  uint32_t node = NodeOf(parent.internalId());
  if (tree_->nodes[node].child_count == 0) return 0;  // no cache for leaves
  const Shown& shown = ShownChildren(node);
  return static_cast<int>(shown.nodes.size() + (shown.folded ? 1 : 0));
}

int SupervisionTreeModel::columnCount(const QModelIndex& /*parent*/) const {
  return kColumnCount;
}

const TreeNode* SupervisionTreeModel::NodeAt(const QModelIndex& index) const {
  if (!index.isValid() || !tree_ || IsRest(index.internalId())) return nullptr;
  return &tree_->nodes[NodeOf(index.internalId())];
}

QVariant SupervisionTreeModel::Display(const QModelIndex& index) const {
  quintptr id = index.internalId();
  if (IsRest(id)) {
    const ChildSlice& rest = ShownChildren(NodeOf(id)).rest;
    switch (index.column()) {
      case kName:
        return QStringLiteral("%1 more children (%2 in all, top %3 shown)")
            .arg(Q(FormatCount(rest.rest_count)),
                 Q(FormatCount(rest.rest_count + rest.top.size())))
            .arg(kPoolTop);
      case kProcesses: return Q(FormatCount(rest.rest_process_count));
      case kMemory: return Q(FormatBytes(rest.rest_memory));
      case kMsgq: return Q(FormatCount(rest.rest_msgq));
      default: return {};
    }
  }
  uint32_t n = NodeOf(id);
  const TreeNode& node = tree_->nodes[n];
  switch (index.column()) {
    case kName:
      return table_ ? Q(table_->rows[n].name) : Q(FormatPid(node.pid));
    case kProcesses: return Q(FormatCount(node.subtree_process_count));
    case kMemory: return Q(FormatBytes(node.subtree_memory));
    case kMsgq: return Q(FormatCount(node.subtree_msgq));
    case kHeldSpecBytes: return Q(FormatBytes(node.subtree_held_spec_bytes));
    case kOwnMemory: return Q(FormatBytes(node.memory));
    default: return {};
  }
}

QVariant SupervisionTreeModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
  const TreeNode* node = NodeAt(index);
  switch (role) {
    case Qt::DisplayRole:
      return Display(index);
    case kPidRole:
      return QVariant::fromValue<qulonglong>(node ? node->pid : 0);
    case kNodeRole:
      return node ? static_cast<int>(NodeOf(index.internalId())) : -1;
    case kPressureRole:
      return node ? node->pressure : 0.0;
    case kSortValueRole:
      if (!node) return {};
      switch (index.column()) {
        case kProcesses: return QVariant::fromValue<qulonglong>(node->subtree_process_count);
        case kMemory: return QVariant::fromValue<qulonglong>(node->subtree_memory);
        case kMsgq: return QVariant::fromValue<qulonglong>(node->subtree_msgq);
        case kHeldSpecBytes: return QVariant::fromValue<qulonglong>(node->subtree_held_spec_bytes);
        case kOwnMemory: return QVariant::fromValue<qulonglong>(node->memory);
        default: return Display(index);
      }
    case Qt::TextAlignmentRole:
      if (index.column() == kName) return {};
      return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole:
      return node ? QVariant() : QVariant(QBrush(QColor(110, 110, 110)));
    case Qt::FontRole:
      if (node) return {};
      {
        QFont italic;
        italic.setItalic(true);
        return italic;
      }
    case Qt::BackgroundRole:
      if (!node || node->pressure < 0.05) return {};
      return QBrush(PressureColor(node->pressure));
    case Qt::ToolTipRole:
      if (!node) return QStringLiteral("Folded: the largest children are shown above");
      return QStringLiteral("%1: largest process %2, longest mailbox %3")
          .arg(Q(FormatPid(node->pid)), Q(FormatBytes(node->subtree_max_memory)),
               Q(FormatCount(node->subtree_max_msgq)));
    default:
      return {};
  }
}

QVariant SupervisionTreeModel::headerData(int section,
                                          Qt::Orientation orientation,
                                          int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 ||
      section >= kColumnCount) {
    return {};
  }
  static const char* const kNames[kColumnCount] = {
      "Name", "Processes", "Memory (subtree)", "MsgQ (subtree)",
      "Held spec bytes (subtree)", "Own memory"};
  return QString::fromLatin1(kNames[section]);
}

QModelIndex SupervisionTreeModel::IndexOfPid(uint64_t pid) const {
  if (!tree_) return {};
  std::optional<uint32_t> node = tree_->Find(pid);
  if (!node) return {};
  // Walk up to the root, then back down: every ancestor must be shown.
  std::vector<uint32_t> path;
  for (uint32_t n = *node; n != kNoNode; n = tree_->nodes[n].parent) {
    path.push_back(n);
    if (path.size() > tree_->nodes.size()) return {};  // damaged: a cycle
  }
  QModelIndex at;
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    int row = RowWithin(tree_->nodes[*it].parent, *it);
    if (row < 0) return {};
    at = index(row, 0, at);
  }
  return at;
}

}  // namespace overseer
