#include "gui/models/key_value_model.h"

#include <QFont>

#include <utility>

namespace overseer {
namespace {

// internalId of a group row; a value row's id is its group index.
constexpr quintptr kGroupId = ~quintptr{0};

bool SameShape(const std::vector<KeyValueGroup>& a,
               const std::vector<KeyValueGroup>& b) {
  if (a.size() != b.size()) return false;
  for (size_t g = 0; g < a.size(); ++g) {
    if (a[g].title != b[g].title || a[g].rows.size() != b[g].rows.size()) {
      return false;
    }
    for (size_t r = 0; r < a[g].rows.size(); ++r) {
      if (a[g].rows[r].key != b[g].rows[r].key) return false;
    }
  }
  return true;
}

}  // namespace

KeyValueModel::KeyValueModel(QObject* parent) : QAbstractItemModel(parent) {}

KeyValueModel::~KeyValueModel() = default;

void KeyValueModel::SetGroups(std::vector<KeyValueGroup> groups) {
  if (SameShape(groups_, groups)) {
    groups_ = std::move(groups);
    for (size_t g = 0; g < groups_.size(); ++g) {
      if (groups_[g].rows.empty()) continue;
      QModelIndex group = index(static_cast<int>(g), 0);
      emit dataChanged(index(0, kValue, group),
                       index(static_cast<int>(groups_[g].rows.size()) - 1,
                             kValue, group));
    }
    return;
  }
  beginResetModel();
  groups_ = std::move(groups);
  endResetModel();
}

QModelIndex KeyValueModel::index(int row, int column,
                                 const QModelIndex& parent) const {
  if (!hasIndex(row, column, parent)) return {};
  if (!parent.isValid()) return createIndex(row, column, kGroupId);
  return createIndex(row, column, static_cast<quintptr>(parent.row()));
}

QModelIndex KeyValueModel::parent(const QModelIndex& child) const {
  if (!child.isValid() || child.internalId() == kGroupId) return {};
  return createIndex(static_cast<int>(child.internalId()), 0, kGroupId);
}

int KeyValueModel::rowCount(const QModelIndex& parent) const {
  if (!parent.isValid()) return static_cast<int>(groups_.size());
  if (parent.internalId() != kGroupId || parent.column() != 0) return 0;
  return static_cast<int>(groups_[static_cast<size_t>(parent.row())].rows.size());
}

int KeyValueModel::columnCount(const QModelIndex& /*parent*/) const {
  return kColumnCount;
}

QVariant KeyValueModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
  if (index.internalId() == kGroupId) {
    const KeyValueGroup& group = groups_[static_cast<size_t>(index.row())];
    if (role == Qt::DisplayRole && index.column() == kKey) return group.title;
    if (role == Qt::FontRole) {
      QFont bold;
      bold.setBold(true);
      return bold;
    }
    return {};
  }
  const KeyValue& kv = groups_[index.internalId()].rows[static_cast<size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole:
      return index.column() == kKey ? kv.key : kv.value;
    case Qt::ToolTipRole:
      return kv.tooltip.isEmpty() ? QVariant() : QVariant(kv.tooltip);
    default:
      return {};
  }
}

QVariant KeyValueModel::headerData(int section, Qt::Orientation orientation,
                                   int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  if (section == kKey) return QStringLiteral("Figure");
  if (section == kValue) return QStringLiteral("Value");
  return {};
}

QString KeyValueModel::ValueOf(const QString& title, const QString& key) const {
  for (const KeyValueGroup& group : groups_) {
    if (group.title != title) continue;
    for (const KeyValue& kv : group.rows) {
      if (kv.key == key) return kv.value;
    }
  }
  return {};
}

}  // namespace overseer
