#include "gui/models/process_detail_models.h"

#include <QString>

#include "probes/analysis/format.h"

namespace overseer {
namespace {

QString Q(const std::string& s) { return QString::fromStdString(s); }

QVariant Right() { return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter); }

QVariant Count(uint64_t n, int role) {
  if (role == Qt::DisplayRole) return Q(FormatCount(n));
  if (role == kValueTableSortRole) return QVariant::fromValue<qulonglong>(n);
  if (role == Qt::TextAlignmentRole) return Right();
  return {};
}

QVariant Bytes(uint64_t n, int role) {
  if (role == Qt::DisplayRole) return Q(FormatBytes(n));
  if (role == kValueTableSortRole) return QVariant::fromValue<qulonglong>(n);
  if (role == Qt::TextAlignmentRole) return Right();
  return {};
}

QVariant Text(const std::string& s, int role) {
  if (role == Qt::DisplayRole || role == kValueTableSortRole ||
      role == Qt::ToolTipRole) {
    return Q(s);
  }
  return {};
}

QVariant Micros(double us, int role) {
  if (role == Qt::DisplayRole) return Q(FormatMicros(us));
  if (role == kValueTableSortRole) return us;
  if (role == Qt::TextAlignmentRole) return Right();
  return {};
}

}  // namespace

MailboxTypesModel::MailboxTypesModel(QObject* parent)
    : ValueTableModel({QStringLiteral("Message type"), QStringLiteral("Count"),
                       QStringLiteral("Bytes")},
                      parent) {}

QVariant MailboxTypesModel::Cell(const MessageTypeSummary& row, int column,
                                 int role) const {
  switch (column) {
    case kType: return Text(row.type, role);
    case kCount: return Count(row.count, role);
    case kBytes: return Bytes(row.bytes, role);
    default: return {};
  }
}

MessagePreviewModel::MessagePreviewModel(QObject* parent)
    : ValueTableModel({QStringLiteral("Message type"), QStringLiteral("Size"),
                       QStringLiteral("Content")},
                      parent) {}

QVariant MessagePreviewModel::Cell(const MessagePreview& row, int column,
                                   int role) const {
  switch (column) {
    case kType: return Text(row.type, role);
    case kBytes: return Bytes(row.bytes, role);
    case kText: return Text(row.text, role);
    default: return {};
  }
}

HeldSpecsModel::HeldSpecsModel(QObject* parent)
    : ValueTableModel({QStringLiteral("Child id"), QStringLiteral("Pid"),
                       QStringLiteral("Size"), QStringLiteral("Start"),
                       QStringLiteral("Restart"), QStringLiteral("Captured")},
                      parent) {}

QVariant HeldSpecsModel::Cell(const HeldSpec& row, int column, int role) const {
  switch (column) {
    case kChildId: return Text(row.child_id, role);
    case kPid:
      if (role == kValueTableSortRole) return QVariant::fromValue<qulonglong>(row.child_pid);
      if (role == Qt::DisplayRole) {
        return row.child_pid == 0 ? QStringLiteral("not running")
                                  : Q(FormatPid(row.child_pid));
      }
      return {};
    case kBytes: return Bytes(row.bytes, role);
    case kStart: return Text(row.start_kind, role);
    case kRestart: return Text(row.restart, role);
    case kCaptured: return Text(row.captured, role);
    default: return {};
  }
}

ProfileModel::ProfileModel(QObject* parent)
    : ValueTableModel({QStringLiteral("Function"), QStringLiteral("Calls"),
                       QStringLiteral("%"), QStringLiteral("Time (\u00b5s)"),
                       QStringLiteral("\u00b5s/call")},
                      parent) {}

QVariant ProfileModel::Cell(const ProfileRow& row, int column, int role) const {
  switch (column) {
    case kZone: return Text(row.zone, role);
    case kCalls: return Count(row.calls, role);
    case kPercent:
      if (role == Qt::DisplayRole) return QString::number(row.percent, 'f', 2);
      if (role == kValueTableSortRole) return row.percent;
      if (role == Qt::TextAlignmentRole) return Right();
      return {};
    case kMicros: return Micros(row.total_us, role);
    case kMicrosPerCall: return Micros(row.us_per_call, role);
    default: return {};
  }
}

}  // namespace overseer
