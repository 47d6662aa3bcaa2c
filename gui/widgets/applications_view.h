// ApplicationsView: Observer's Applications tab. The supervision tree with
// memory, MsgQ and held spec bytes rolled up per subtree, coloured by
// pressure; the selected node's figures on the side; double-click opens the
// process window. Expanded nodes and the selection are kept, by pid, when the
// timeline moves.
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_WIDGETS_APPLICATIONS_VIEW_H_
#define OVERSEER_GUI_WIDGETS_APPLICATIONS_VIEW_H_

#include <QWidget>

#include <cstdint>
#include <memory>
#include <unordered_set>

#include "gui/models/instant.h"
#include "gui/models/key_value_model.h"
#include "gui/models/supervision_tree_model.h"

class QTreeView;

namespace overseer {

class ApplicationsView final : public QWidget {
  Q_OBJECT

 public:
  explicit ApplicationsView(QWidget* parent = nullptr);
  ~ApplicationsView() override;

  void SetInstant(std::shared_ptr<const Instant> instant);
  // Selects and reveals `pid`'s node, if it is shown.
  void SelectPid(uint64_t pid);

  SupervisionTreeModel* model() { return &model_; }
  KeyValueModel* selection_model() { return &figures_; }
  QTreeView* tree_view() const { return tree_; }

 signals:
  void OpenProcess(uint64_t pid);

 private:
  void RestoreExpanded();
  void ShowSelected();

  SupervisionTreeModel model_;
  KeyValueModel figures_;
  QTreeView* tree_ = nullptr;
  QTreeView* side_ = nullptr;
  std::unordered_set<uint64_t> expanded_;
  uint64_t selected_pid_ = 0;
  bool first_ = true;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_WIDGETS_APPLICATIONS_VIEW_H_
