// CompareView: the Compare tab. Two runs side by side (a leaky one and its
// fix, before and after a change), from CompareRecordings: the runs'
// figures (duration, peak memory, messages/s, reductions/s, processes
// started/s, call timeouts) with B/A, the processes matched by registered
// name or initial call with their peaks, rates and timeouts in each run and
// the memory ratio, and the top of each run's profile. Opened from File >
// Compare… (MainWindow::OpenCompare), which reads and scans both captures
// off the GUI thread; this view only formats the Comparison.
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_WIDGETS_COMPARE_VIEW_H_
#define OVERSEER_GUI_WIDGETS_COMPARE_VIEW_H_

#include <QWidget>

#include <memory>

#include "gui/models/analysis_models.h"

class QLabel;
class QSortFilterProxyModel;
class QTableView;
class QTableWidget;

namespace overseer {

class CompareView final : public QWidget {
  Q_OBJECT

 public:
  // The rows of the figures table.
  enum FigureRow {
    kDuration = 0,
    kSamples,
    kPeakMemory,
    kMessagesPerS,
    kReductionsPerS,
    kSpawnsPerS,
    kCallTimeouts,
    kMaxProcesses,
    kFigureRowCount
  };
  // The columns of the figures table.
  enum FigureColumn { kA = 0, kB, kRatio };

  explicit CompareView(QWidget* parent = nullptr);
  ~CompareView() override;

  // Shows `comparison` of runs labelled `a` and `b` (e.g. file names).
  void SetComparison(std::shared_ptr<const Comparison> comparison, const QString& a,
                     const QString& b);
  // A line above the tables: what is being read, or what went wrong.
  void SetStatus(const QString& text);

  ComparedProcessModel* model() { return &model_; }
  // The process table as shown (sorted through a proxy).
  QTableView* table_view() const { return view_; }
  QTableWidget* figures() const { return figures_; }
  QTableWidget* profile_a() const { return profile_a_; }
  QTableWidget* profile_b() const { return profile_b_; }
  QString status_text() const;
  const std::shared_ptr<const Comparison>& comparison() const { return comparison_; }

 private:
  ComparedProcessModel model_;
  QSortFilterProxyModel* proxy_ = nullptr;
  std::shared_ptr<const Comparison> comparison_;
  QLabel* status_ = nullptr;
  QTableWidget* figures_ = nullptr;
  QTableView* view_ = nullptr;
  QLabel* profile_a_label_ = nullptr;
  QLabel* profile_b_label_ = nullptr;
  QTableWidget* profile_a_ = nullptr;
  QTableWidget* profile_b_ = nullptr;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_WIDGETS_COMPARE_VIEW_H_
