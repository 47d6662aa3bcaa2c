// ProcessTableModel: the Processes view's model. It wraps one ProcessTable
// (the analysis layer's rows) and one display order, and only formats them
// in data(). Sorting and filtering go through SelectRows on a pool thread;
// the model keeps showing the previous order until the new one is ready, then
// swaps table and order together, so a million rows never block the window
// and the view never sees a half-sorted table.
//
// The Peak memory and Peak MsgQ columns show the run-wide peaks of a
// RunScan (SetRunScan) applied to each table by ApplyRunPeaks in the same
// background job, once per (table, scan) pair; until a scan is set they show
// "\u2026".
//
// Sorting descends first for figures (headerData's InitialSortOrderRole), as
// Observer does: the biggest process is the one a person looks for.
//
// Example:
//   ProcessTableModel model;
//   model.SetTable(instant->table);
//   model.sort(ProcessTableModel::kMemory, Qt::DescendingOrder);
//   // ... OrderApplied, then row 0 is the largest process.
//
// Thread contract: GUI thread only, like every QAbstractItemModel.
#ifndef OVERSEER_GUI_MODELS_PROCESS_TABLE_MODEL_H_
#define OVERSEER_GUI_MODELS_PROCESS_TABLE_MODEL_H_

#include <QAbstractTableModel>
#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "gui/jobs/serial_jobs.h"
#include "probes/analysis/process_table.h"
#include "probes/analysis/row_query.h"
#include "probes/analysis/run_scan.h"

namespace overseer {

class ProcessTableModel final : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column {
    kPid = 0,
    kName,
    kReductions,
    kMemory,
    kPeakMemory,  // highest over the analysed run (RunScan)
    kMsgq,
    kPeakMsgq,
    kCurrentFunction,
    kHeldSpecBytes,
    kGrowth,
    kColumnCount
  };
  enum Role {
    kPidRole = Qt::UserRole + 1,  // uint64 pid of the row
    kSortValueRole,               // the raw figure of the cell
    kOutlierRole,                 // bool
  };
  enum class ReductionsMode { kDelta, kTotal };

  explicit ProcessTableModel(QObject* parent = nullptr);
  ~ProcessTableModel() override;

  int rowCount(const QModelIndex& parent = {}) const final;
  int columnCount(const QModelIndex& parent = {}) const final;
  QVariant data(const QModelIndex& index, int role) const final;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role) const final;
  // Starts a background sort; OrderApplied follows.
  void sort(int column, Qt::SortOrder order) final;

  // Shows `table` once its order under the current query is computed.
  void SetTable(std::shared_ptr<const ProcessTable> table);
  // The figures the run's source does not give (CaptureInfo::absent): their
  // cells say "n/a" rather than 0.
  void SetAbsentFigures(uint32_t absent);
  // Keeps the rows whose name, pid or current function contain `filter`.
  void SetFilter(const QString& filter);
  void SetReductionsMode(ReductionsMode mode);
  // The whole-run scan whose peaks fill the peak columns (null: not ready).
  void SetRunScan(std::shared_ptr<const RunScan> scan);
  bool has_run_scan() const { return scan_ != nullptr; }

  // The row shown for `pid`, if it is shown.
  std::optional<int> RowOfPid(uint64_t pid) const;
  // The analysis row behind view row `row` (< rowCount()).
  const ProcessRow& RowAt(int row) const;
  // Rows of the table before filtering, and how many are outliers.
  size_t total_count() const;
  size_t outlier_count() const;
  bool busy() const { return jobs_.busy(); }
  // Blocks until pending sorts and filters are applied. Tests only.
  void WaitForIdle() { jobs_.WaitForIdle(); }

  static std::optional<SortKey> SortKeyOf(int column, ReductionsMode mode);

 signals:
  // A new table or order is on show (rows may have moved).
  void OrderApplied();
  void BusyChanged(bool busy);

 private:
  struct Shown {
    std::shared_ptr<const ProcessTable> table;  // with the scan's peaks
    std::shared_ptr<const std::vector<uint32_t>> order;
    // What `table` was made of: the instant's table and the scan applied.
    std::shared_ptr<const ProcessTable> source;
    std::shared_ptr<const RunScan> scan;
  };
  void Requery(std::shared_ptr<const ProcessTable> table);
  QVariant Display(const ProcessRow& row, int column) const;

  Shown shown_;
  std::shared_ptr<const ProcessTable> latest_table_;
  std::shared_ptr<const RunScan> scan_;
  RowQuery query_;
  ReductionsMode reductions_mode_ = ReductionsMode::kDelta;
  uint32_t absent_ = 0;
  SerialJobs<Shown> jobs_{this};
};

}  // namespace overseer

#endif  // OVERSEER_GUI_MODELS_PROCESS_TABLE_MODEL_H_
