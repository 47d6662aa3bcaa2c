// Small table models for the process window and the Profile view, each over
// a vector of the data model's or the analysis layer's value types: what a
// mailbox holds by type, the first messages rendered, the child specs a
// supervisor holds, and eprof-like profile rows. They share ValueTableModel,
// which owns the rows and leaves a subclass only the formatting of a cell.
//
// Example:
//   HeldSpecsModel specs;
//   specs.SetRows(detail->held_specs);
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_MODELS_PROCESS_DETAIL_MODELS_H_
#define OVERSEER_GUI_MODELS_PROCESS_DETAIL_MODELS_H_

#include <QAbstractTableModel>
#include <QStringList>

#include <utility>
#include <vector>

#include "probes/analysis/profile.h"
#include "probes/model/model.h"

namespace overseer {

// Role for the raw figure of a cell (tests and sorting proxies).
inline constexpr int kValueTableSortRole = Qt::UserRole + 1;

template <typename Row>
class ValueTableModel : public QAbstractTableModel {
 public:
  explicit ValueTableModel(QStringList headers, QObject* parent = nullptr)
      : QAbstractTableModel(parent), headers_(std::move(headers)) {}

  int rowCount(const QModelIndex& parent = {}) const final {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
  }
  int columnCount(const QModelIndex& parent = {}) const final {
    return parent.isValid() ? 0 : static_cast<int>(headers_.size());
  }
  QVariant data(const QModelIndex& index, int role) const final {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    return Cell(rows_[static_cast<size_t>(index.row())], index.column(), role);
  }
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role) const final {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole ||
        section < 0 || section >= headers_.size()) {
      return {};
    }
    return headers_[section];
  }

  void SetRows(std::vector<Row> rows) {
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
  }
  const std::vector<Row>& rows() const { return rows_; }

 protected:
  // The cell's value for `role`; Display and kValueTableSortRole at least.
  virtual QVariant Cell(const Row& row, int column, int role) const = 0;

 private:
  QStringList headers_;
  std::vector<Row> rows_;
};

class MailboxTypesModel final : public ValueTableModel<MessageTypeSummary> {
  Q_OBJECT
 public:
  enum Column { kType = 0, kCount, kBytes };
  explicit MailboxTypesModel(QObject* parent = nullptr);

 protected:
  QVariant Cell(const MessageTypeSummary& row, int column, int role) const override;
};

class MessagePreviewModel final : public ValueTableModel<MessagePreview> {
  Q_OBJECT
 public:
  enum Column { kType = 0, kBytes, kText };
  explicit MessagePreviewModel(QObject* parent = nullptr);

 protected:
  QVariant Cell(const MessagePreview& row, int column, int role) const override;
};

class HeldSpecsModel final : public ValueTableModel<HeldSpec> {
  Q_OBJECT
 public:
  enum Column { kChildId = 0, kPid, kBytes, kStart, kRestart, kCaptured };
  explicit HeldSpecsModel(QObject* parent = nullptr);

 protected:
  QVariant Cell(const HeldSpec& row, int column, int role) const override;
};

class ProfileModel final : public ValueTableModel<ProfileRow> {
  Q_OBJECT
 public:
  enum Column { kZone = 0, kCalls, kPercent, kMicros, kMicrosPerCall };
  explicit ProfileModel(QObject* parent = nullptr);

 protected:
  QVariant Cell(const ProfileRow& row, int column, int role) const override;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_MODELS_PROCESS_DETAIL_MODELS_H_
