// ProcessesView: Observer's Processes tab. A virtual list of every process
// (a million rows scroll as fast as fifty: a QTableView with fixed row
// heights lays out nothing per row, where a QTreeView walks every row), sortable by any column (figures
// descending first), a filter box (name, pid, current function), outliers
// highlighted with their reason in a tooltip, and a status line with the
// counts. Peak memory and Peak MsgQ beside the instant's values are the
// run-wide peaks of the main window's RunScan (model()->SetRunScan); "\u2026"
// until the scan is ready. Sorting and filtering run in ProcessTableModel's background jobs;
// the selection follows its pid across reorders and timeline moves.
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_WIDGETS_PROCESSES_VIEW_H_
#define OVERSEER_GUI_WIDGETS_PROCESSES_VIEW_H_

#include <QWidget>

#include <cstdint>
#include <memory>

#include "gui/models/instant.h"
#include "gui/models/process_table_model.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QTimer;
class QTableView;

namespace overseer {

class ProcessesView final : public QWidget {
  Q_OBJECT

 public:
  explicit ProcessesView(QWidget* parent = nullptr);
  ~ProcessesView() override;

  void SetInstant(std::shared_ptr<const Instant> instant);
  // Sorts by `column` in `order` (what a header click does).
  void SortBy(int column, Qt::SortOrder order);
  void SetFilter(const QString& text);
  void FocusFilter();
  void SelectPid(uint64_t pid);
  uint64_t selected_pid() const { return selected_pid_; }

  ProcessTableModel* model() { return &model_; }
  QTableView* table_view() const { return view_; }
  QString status_text() const;

 signals:
  void OpenProcess(uint64_t pid);
  void SelectedPidChanged(uint64_t pid);

 private:
  void UpdateStatus();
  void RestoreSelection();

  ProcessTableModel model_;
  QLineEdit* filter_ = nullptr;
  QComboBox* reductions_ = nullptr;
  QTableView* view_ = nullptr;
  QLabel* status_ = nullptr;
  QTimer* filter_delay_ = nullptr;
  uint64_t selected_pid_ = 0;
  bool restoring_ = false;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_WIDGETS_PROCESSES_VIEW_H_
