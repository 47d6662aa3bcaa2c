#include "gui/models/event_model.h"

#include <QBrush>
#include <QColor>

#include <utility>

#include "probes/analysis/format.h"

namespace overseer {
namespace {

QString Q(const std::string& s) { return QString::fromStdString(s); }

// Events a person hunting a problem looks for first.
bool IsTrouble(EventKind kind) {
  return kind == EventKind::kCallTimeout ||
         kind == EventKind::kIntensityExceeded || kind == EventKind::kDropped;
}

}  // namespace

EventModel::EventModel(QObject* parent) : QAbstractTableModel(parent) {}

EventModel::~EventModel() = default;

int EventModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(events_.size());
}

int EventModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant EventModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
  const Event& e = events_[static_cast<size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        // Seconds with a fixed precision: a log reads down a column.
        case kTime:
          return QStringLiteral("%1 s").arg(static_cast<double>(e.time_ns) / 1e9, 0, 'f', 3);
        case kKind: return QString::fromLatin1(ToString(e.kind));
        case kProcess: return e.pid ? Q(FormatPid(e.pid)) : QString();
        case kOther: return e.other_pid ? Q(FormatPid(e.other_pid)) : QString();
        case kText: return Q(e.text);
        default: return {};
      }
    case Qt::ToolTipRole:
      return index.column() == kText ? QVariant(Q(e.text)) : QVariant();
    case Qt::ForegroundRole:
      return IsTrouble(e.kind) ? QVariant(QBrush(QColor(170, 20, 20))) : QVariant();
    case kTimeRole:
      return QVariant::fromValue<qlonglong>(e.time_ns);
    case kKindRole:
      return static_cast<int>(e.kind);
    case kPidRole:
      return QVariant::fromValue<qulonglong>(e.pid);
    default:
      return {};
  }
}

QVariant EventModel::headerData(int section, Qt::Orientation orientation,
                                int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* const kNames[kColumnCount] = {"Time", "Event", "Process",
                                                   "Other", "Details"};
  if (section < 0 || section >= kColumnCount) return {};
  return QString::fromLatin1(kNames[section]);
}

void EventModel::SetEvents(std::vector<Event> events) {
  beginResetModel();
  events_ = std::move(events);
  endResetModel();
}

void EventModel::AppendEvents(std::vector<Event> events) {
  if (events.empty()) return;
  int first = static_cast<int>(events_.size());
  beginInsertRows({}, first, first + static_cast<int>(events.size()) - 1);
  for (Event& e : events) events_.push_back(std::move(e));
  endInsertRows();
}

}  // namespace overseer
