#include "gui/widgets/applications_view.h"

#include <QHeaderView>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

#include <functional>

#include "probes/analysis/format.h"

namespace overseer {
namespace {

QString Q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

ApplicationsView::ApplicationsView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* split = new QSplitter(Qt::Horizontal, this);
  tree_ = new QTreeView(split);
  tree_->setModel(&model_);
  tree_->setUniformRowHeights(true);
  tree_->setAlternatingRowColors(false);
  tree_->header()->setStretchLastSection(false);
  tree_->header()->setSectionResizeMode(SupervisionTreeModel::kName,
                                        QHeaderView::Stretch);
  tree_->setColumnWidth(SupervisionTreeModel::kName, 360);
  // Fixed widths: sizing to contents would read every row of a large tree.
  tree_->setColumnWidth(SupervisionTreeModel::kProcesses, 80);
  tree_->setColumnWidth(SupervisionTreeModel::kMemory, 125);
  tree_->setColumnWidth(SupervisionTreeModel::kMsgq, 110);
  tree_->setColumnWidth(SupervisionTreeModel::kHeldSpecBytes, 175);
  tree_->setColumnWidth(SupervisionTreeModel::kOwnMemory, 95);
  side_ = new QTreeView(split);
  side_->setModel(&figures_);
  side_->setRootIsDecorated(false);
  side_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  split->addWidget(tree_);
  split->addWidget(side_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  layout->addWidget(split);

  connect(tree_, &QTreeView::doubleClicked, this, [this](const QModelIndex& i) {
    uint64_t pid = i.data(SupervisionTreeModel::kPidRole).toULongLong();
    if (pid != 0) emit OpenProcess(pid);
  });
  connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this](const QModelIndex& current) {
            selected_pid_ = current.data(SupervisionTreeModel::kPidRole).toULongLong();
            ShowSelected();
          });
  connect(tree_, &QTreeView::expanded, this, [this](const QModelIndex& i) {
    expanded_.insert(i.data(SupervisionTreeModel::kPidRole).toULongLong());
  });
  connect(tree_, &QTreeView::collapsed, this, [this](const QModelIndex& i) {
    expanded_.erase(i.data(SupervisionTreeModel::kPidRole).toULongLong());
  });
}

ApplicationsView::~ApplicationsView() = default;

void ApplicationsView::SetInstant(std::shared_ptr<const Instant> instant) {
  uint64_t selected = selected_pid_;
  model_.SetTree(instant->tree, instant->table);
  if (first_ && model_.tree() != nullptr) {
    // The first look opens every supervisor: the tree is the point.
    first_ = false;
    for (const TreeNode& node : model_.tree()->nodes) {
      if (node.kind != ProcessKind::kWorker && node.kind != ProcessKind::kTask &&
          node.depth < 4) {
        expanded_.insert(node.pid);
      }
    }
  }
  RestoreExpanded();
  if (selected != 0) SelectPid(selected);
  ShowSelected();
}

void ApplicationsView::RestoreExpanded() {
  // Parents first, so that each child's index exists when it is expanded.
  std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
    for (int r = 0; r < model_.rowCount(parent); ++r) {
      QModelIndex i = model_.index(r, 0, parent);
      if (expanded_.count(i.data(SupervisionTreeModel::kPidRole).toULongLong())) {
        tree_->expand(i);
        walk(i);
      }
    }
  };
  walk(QModelIndex());
}

void ApplicationsView::SelectPid(uint64_t pid) {
  QModelIndex i = model_.IndexOfPid(pid);
  if (!i.isValid()) return;
  for (QModelIndex p = i.parent(); p.isValid(); p = p.parent()) tree_->expand(p);
  tree_->setCurrentIndex(i);
  tree_->scrollTo(i);
  selected_pid_ = pid;
}

void ApplicationsView::ShowSelected() {
  const SupervisionTree* tree = model_.tree();
  std::optional<uint32_t> n;
  if (tree != nullptr && selected_pid_ != 0) n = tree->Find(selected_pid_);
  if (!n) {
    figures_.SetGroups({{QStringLiteral("Select a process"), {}}});
    return;
  }
  const TreeNode& node = tree->nodes[*n];
  KeyValueGroup g{QStringLiteral("Subtree of ") + Q(FormatPid(node.pid)), {}};
  g.rows.push_back({QStringLiteral("Kind"), QString::fromLatin1(ToString(node.kind))});
  g.rows.push_back({QStringLiteral("Processes"), Q(FormatCount(node.subtree_process_count))});
  g.rows.push_back({QStringLiteral("Memory"), Q(FormatBytes(node.subtree_memory))});
  g.rows.push_back({QStringLiteral("MsgQ"), Q(FormatCount(node.subtree_msgq))});
  g.rows.push_back({QStringLiteral("Held spec bytes"),
                    Q(FormatBytes(node.subtree_held_spec_bytes))});
  g.rows.push_back({QStringLiteral("Largest process"), Q(FormatBytes(node.subtree_max_memory))});
  g.rows.push_back({QStringLiteral("Longest mailbox"), Q(FormatCount(node.subtree_max_msgq))});
  g.rows.push_back({QStringLiteral("Pressure"),
                    QStringLiteral("%1%").arg(node.pressure * 100.0, 0, 'f', 0)});
  KeyValueGroup own{QStringLiteral("This process"), {}};
  own.rows.push_back({QStringLiteral("Memory"), Q(FormatBytes(node.memory))});
  own.rows.push_back({QStringLiteral("MsgQ"), Q(FormatCount(node.msgq))});
  own.rows.push_back({QStringLiteral("Held spec bytes"), Q(FormatBytes(node.held_spec_bytes))});
  own.rows.push_back({QStringLiteral("Children"), Q(FormatCount(node.child_count))});
  figures_.SetGroups({g, own});
  side_->expandAll();
}

}  // namespace overseer
