// Models of the whole-run analysis views: the ranked suspects of a
// SuspectReport and the evidence of one of them (the Suspects tab), and the
// matched processes of a Comparison (the Compare tab). Like every model
// here they only format values the analysis layer computed
// (suspects.h, compare.h); kSortValueRole carries the raw figure so a
// QSortFilterProxyModel sorts numbers as numbers.
//
// Example:
//   SuspectModel model;
//   model.SetReport(analysis->report);
//   model.index(0, SuspectModel::kKind).data();  // "state copied into messages"
//
// Thread contract: GUI thread only, like every QAbstractItemModel.
#ifndef OVERSEER_GUI_MODELS_ANALYSIS_MODELS_H_
#define OVERSEER_GUI_MODELS_ANALYSIS_MODELS_H_

#include <QAbstractTableModel>

#include <memory>
#include <vector>

#include "probes/analysis/compare.h"
#include "probes/analysis/suspects.h"

namespace overseer {

class SuspectModel final : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { kRank = 0, kKind, kProcess, kScore, kExplanation, kColumnCount };
  enum Role {
    kPidRole = Qt::UserRole + 1,  // uint64 pid of the finding's process
    kTimeRole,                    // int64 at_ns
    kSortValueRole,
  };

  explicit SuspectModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const final;
  int columnCount(const QModelIndex& parent = {}) const final;
  QVariant data(const QModelIndex& index, int role) const final;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const final;

  void SetReport(std::shared_ptr<const SuspectReport> report);
  void Clear() { SetReport(nullptr); }
  const std::shared_ptr<const SuspectReport>& report() const { return report_; }
  const Suspect& SuspectAt(int row) const;

 private:
  std::shared_ptr<const SuspectReport> report_;
};

// The evidence of one suspect: what, value, seen at.
class EvidenceModel final : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { kWhat = 0, kValue, kAt, kColumnCount };
  enum Role { kTimeRole = Qt::UserRole + 1 };  // int64 at_ns, or invalid

  explicit EvidenceModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const final;
  int columnCount(const QModelIndex& parent = {}) const final;
  QVariant data(const QModelIndex& index, int role) const final;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const final;

  void SetEvidence(std::vector<Evidence> evidence);

 private:
  std::vector<Evidence> evidence_;
};

// The matched processes of a comparison, in its order (largest peak first).
class ComparedProcessModel final : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column {
    kKey = 0,
    kCountA,
    kCountB,
    kPeakMemoryA,
    kPeakMemoryB,
    kPeakMemoryRatio,  // B/A
    kPeakMsgqA,
    kPeakMsgqB,
    kMessagesA,  // messages/s
    kMessagesB,
    kTimeoutsA,
    kTimeoutsB,
    kColumnCount
  };
  enum Role { kSortValueRole = Qt::UserRole + 1 };

  explicit ComparedProcessModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const final;
  int columnCount(const QModelIndex& parent = {}) const final;
  QVariant data(const QModelIndex& index, int role) const final;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const final;

  void SetComparison(std::shared_ptr<const Comparison> comparison);
  // The row of `key`, or -1.
  int RowOfKey(const QString& key) const;

 private:
  std::shared_ptr<const Comparison> comparison_;
};

// "2.5x", "0.40x", or "new" when A has none of it (RatioOf is nullopt), or
// "=" for 0 against 0. Used by the Compare tab's cells.
QString FormatRatioCell(double a, double b);

}  // namespace overseer

#endif  // OVERSEER_GUI_MODELS_ANALYSIS_MODELS_H_
