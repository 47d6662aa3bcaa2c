#include "gui/models/process_table_model.h"

#include <QBrush>
#include <QColor>

#include <algorithm>
#include <utility>

#include "gui/jobs/release.h"
#include "probes/analysis/format.h"
#include "probes/analysis/run_peaks.h"

namespace overseer {
namespace {

QString Q(const std::string& s) { return QString::fromStdString(s); }

bool IsSupervisor(ProcessKind kind) {
  return kind == ProcessKind::kSupervisor ||
         kind == ProcessKind::kDynamicSupervisor ||
         kind == ProcessKind::kTaskSupervisor;
}

const QColor kOutlierColor(255, 214, 214);

const QString kNotReady = QStringLiteral("\u2026");

// Shown as "2.0 MB at 41s" in tooltips.
QString SeenAt(const std::string& value, int64_t time_ns) {
  return QStringLiteral("%1, seen at %2")
      .arg(QString::fromStdString(value), QString::fromStdString(FormatDuration(time_ns)));
}

}  // namespace

ProcessTableModel::ProcessTableModel(QObject* parent)
    : QAbstractTableModel(parent) {}

ProcessTableModel::~ProcessTableModel() = default;

int ProcessTableModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !shown_.order) return 0;
  return static_cast<int>(shown_.order->size());
}

int ProcessTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

const ProcessRow& ProcessTableModel::RowAt(int row) const {
  return shown_.table->rows[(*shown_.order)[static_cast<size_t>(row)]];
}

QVariant ProcessTableModel::Display(const ProcessRow& row, int column) const {
  switch (column) {
    case kPid:
      return Q(FormatPid(row.pid));
    case kName:
      return Q(row.name);
    case kReductions:
      return Q(FormatCount(reductions_mode_ == ReductionsMode::kDelta
                               ? row.reductions_delta
                               : row.reductions));
    case kMemory:
      return Q(FormatBytes(row.memory));
    case kPeakMemory:
      return row.has_run_peaks ? Q(FormatBytes(row.run_peak_memory)) : kNotReady;
    case kMsgq:
      return Q(FormatCount(row.msgq));
    case kPeakMsgq:
      return row.has_run_peaks ? Q(FormatCount(row.run_peak_msgq)) : kNotReady;
    case kCurrentFunction:
      return Q(row.current_function);
    case kHeldSpecBytes:
      if (!IsSupervisor(row.kind)) return QString();
      if ((absent_ & static_cast<uint32_t>(Figure::kHeldSpecBytes)) != 0) {
        return QStringLiteral("n/a");
      }
      return Q(FormatBytes(row.held_spec_bytes));
    case kGrowth:
      return row.has_rate ? Q(FormatRate(row.memory_growth_per_s)) : QString();
    default:
      return {};
  }
}

QVariant ProcessTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
  const ProcessRow& row = RowAt(index.row());
  switch (role) {
    case Qt::DisplayRole:
      return Display(row, index.column());
    case kPidRole:
      return QVariant::fromValue<qulonglong>(row.pid);
    case kOutlierRole:
      return row.is_outlier();
    case kSortValueRole:
      switch (index.column()) {
        case kPid: return QVariant::fromValue<qulonglong>(row.pid);
        case kReductions:
          return QVariant::fromValue<qulonglong>(
              reductions_mode_ == ReductionsMode::kDelta ? row.reductions_delta
                                                         : row.reductions);
        case kMemory: return QVariant::fromValue<qulonglong>(row.memory);
        case kMsgq: return QVariant::fromValue<qulonglong>(row.msgq);
        case kPeakMemory:
          return row.has_run_peaks ? QVariant::fromValue<qulonglong>(row.run_peak_memory)
                                   : QVariant();
        case kPeakMsgq:
          return row.has_run_peaks ? QVariant::fromValue<qulonglong>(row.run_peak_msgq)
                                   : QVariant();
        case kHeldSpecBytes:
          return QVariant::fromValue<qulonglong>(row.held_spec_bytes);
        case kGrowth: return row.memory_growth_per_s;
        default: return Display(row, index.column());
      }
    case Qt::TextAlignmentRole:
      if (index.column() == kName || index.column() == kCurrentFunction) {
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
      }
      return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::BackgroundRole:
      return row.is_outlier() ? QVariant(QBrush(kOutlierColor)) : QVariant();
    case Qt::ToolTipRole:
      if (row.is_outlier()) return QStringLiteral("Outlier: ") + Q(row.outlier_reason);
      if (index.column() == kMemory) {
        return QStringLiteral("Peak since the previous sample: ") +
               Q(FormatBytes(row.memory_peak));
      }
      if (index.column() == kPeakMemory) {
        return row.has_run_peaks
                   ? SeenAt(FormatBytes(row.run_peak_memory), row.run_peak_memory_ns)
                   : QStringLiteral("The run is still being scanned");
      }
      if (index.column() == kPeakMsgq) {
        return row.has_run_peaks
                   ? SeenAt(FormatCount(row.run_peak_msgq), row.run_peak_msgq_ns)
                   : QStringLiteral("The run is still being scanned");
      }
      return {};
    default:
      return {};
  }
}

QVariant ProcessTableModel::headerData(int section, Qt::Orientation orientation,
                                       int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= kColumnCount) {
    return {};
  }
  if (role == Qt::InitialSortOrderRole) {
    std::optional<SortKey> key = SortKeyOf(section, reductions_mode_);
    bool descending = key && SortsDescendingByDefault(*key);
    return QVariant::fromValue(descending ? Qt::DescendingOrder
                                          : Qt::AscendingOrder);
  }
  if (role == Qt::ToolTipRole && (section == kPeakMemory || section == kPeakMsgq)) {
    return QStringLiteral("Highest over the run analysed so far (all of a capture, "
                          "what has arrived of a live run); the cell's tooltip says "
                          "when it was seen");
  }
  if (role == Qt::ToolTipRole && section == kReductions) {
    return reductions_mode_ == ReductionsMode::kDelta
               ? QStringLiteral("Reductions since the rate base sample")
               : QStringLiteral("Reductions since the process started");
  }
  if (role != Qt::DisplayRole) return {};
  static const char* const kNames[kColumnCount] = {
      "Pid", "Name or initial call", "Reductions", "Memory", "Peak memory", "MsgQ",
      "Peak MsgQ", "Current function", "Held spec bytes", "Memory growth"};
  return QString::fromLatin1(kNames[section]);
}

std::optional<SortKey> ProcessTableModel::SortKeyOf(int column,
                                                    ReductionsMode mode) {
  switch (column) {
    case kPid: return SortKey::kPid;
    case kName: return SortKey::kName;
    case kReductions:
      return mode == ReductionsMode::kDelta ? SortKey::kReductionsDelta
                                            : SortKey::kReductions;
    case kMemory: return SortKey::kMemory;
    case kPeakMemory: return SortKey::kPeakMemory;
    case kMsgq: return SortKey::kMsgq;
    case kPeakMsgq: return SortKey::kPeakMsgq;
    case kCurrentFunction: return SortKey::kCurrentFunction;
    case kHeldSpecBytes: return SortKey::kHeldSpecBytes;
    case kGrowth: return SortKey::kGrowth;
    default: return std::nullopt;
  }
}

void ProcessTableModel::sort(int column, Qt::SortOrder order) {
  std::optional<SortKey> key = SortKeyOf(column, reductions_mode_);
  if (!key) return;
  query_.sort = *key;
  query_.direction = order == Qt::DescendingOrder ? SortDirection::kDescending
                                                  : SortDirection::kAscending;
  Requery(latest_table_);
}

void ProcessTableModel::SetTable(std::shared_ptr<const ProcessTable> table) {
  ReleaseInBackground(std::exchange(latest_table_, std::move(table)));
  Requery(latest_table_);
}

void ProcessTableModel::SetAbsentFigures(uint32_t absent) {
  if (absent == absent_) return;
  absent_ = absent;
  if (rowCount() > 0) {
    emit dataChanged(index(0, kHeldSpecBytes), index(rowCount() - 1, kHeldSpecBytes));
  }
}

void ProcessTableModel::SetFilter(const QString& filter) {
  std::string lower = filter.trimmed().toLower().toStdString();
  if (lower == query_.filter) return;
  query_.filter = std::move(lower);
  Requery(latest_table_);
}

void ProcessTableModel::SetReductionsMode(ReductionsMode mode) {
  if (mode == reductions_mode_) return;
  bool sorted_by_reductions = query_.sort == SortKey::kReductions ||
                              query_.sort == SortKey::kReductionsDelta;
  reductions_mode_ = mode;
  emit headerDataChanged(Qt::Horizontal, kReductions, kReductions);
  if (sorted_by_reductions) {
    query_.sort = *SortKeyOf(kReductions, mode);
    Requery(latest_table_);
  } else if (rowCount() > 0) {
    emit dataChanged(index(0, kReductions), index(rowCount() - 1, kReductions));
  }
}

void ProcessTableModel::SetRunScan(std::shared_ptr<const RunScan> scan) {
  if (scan == scan_) return;
  ReleaseInBackground(std::exchange(scan_, std::move(scan)));
  Requery(latest_table_);
}

void ProcessTableModel::Requery(std::shared_ptr<const ProcessTable> table) {
  if (!table) return;
  bool was_busy = jobs_.busy();
  RowQuery query = query_;
  std::shared_ptr<const RunScan> scan = scan_;
  // The table on show already carries this scan's peaks: a new sort or
  // filter reuses it instead of copying the rows again.
  std::shared_ptr<const ProcessTable> peaked;
  if (shown_.table && shown_.source == table && shown_.scan == scan) peaked = shown_.table;
  jobs_.Post(
      [table, scan, peaked, query]() -> Shown {
        std::shared_ptr<const ProcessTable> rows = peaked ? peaked : table;
        if (!peaked && scan) {
          auto copy = std::make_shared<ProcessTable>(*table);
          ApplyRunPeaks(*scan, *copy);
          rows = std::move(copy);
        }
        auto order = std::make_shared<const std::vector<uint32_t>>(
            SelectRows(rows->rows, query));
        return Shown{rows, std::move(order), table, scan};
      },
      [this](Shown shown) {
        // A reset rather than a layout change: the rows themselves are new
        // values, and a reset of a virtual view is O(1) for the GUI thread.
        beginResetModel();
        Shown old = std::exchange(shown_, std::move(shown));
        endResetModel();
        ReleaseInBackground(std::move(old.table));
        ReleaseInBackground(std::move(old.order));
        ReleaseInBackground(std::move(old.source));
        ReleaseInBackground(std::move(old.scan));
        emit OrderApplied();
        if (!jobs_.busy()) emit BusyChanged(false);
      });
  if (!was_busy) emit BusyChanged(true);
}

std::optional<int> ProcessTableModel::RowOfPid(uint64_t pid) const {
  if (!shown_.order) return std::nullopt;
  // Rows are in pid order: find the row, then its place in the order, which
  // is a scan of a flat index array rather than of the rows themselves.
  const std::vector<ProcessRow>& rows = shown_.table->rows;
  auto it = std::lower_bound(rows.begin(), rows.end(), pid,
                             [](const ProcessRow& r, uint64_t p) { return r.pid < p; });
  if (it == rows.end() || it->pid != pid) return std::nullopt;
  auto row = static_cast<uint32_t>(it - rows.begin());
  const std::vector<uint32_t>& order = *shown_.order;
  auto at = std::find(order.begin(), order.end(), row);
  if (at == order.end()) return std::nullopt;
  return static_cast<int>(at - order.begin());
}

size_t ProcessTableModel::total_count() const {
  return shown_.table ? shown_.table->rows.size() : 0;
}

size_t ProcessTableModel::outlier_count() const {
  return shown_.table ? shown_.table->outlier_count : 0;
}

}  // namespace overseer
