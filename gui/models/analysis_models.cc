#include "gui/models/analysis_models.h"

#include <cmath>
#include <cstdio>
#include <utility>

#include "gui/jobs/release.h"
#include "probes/analysis/format.h"

namespace overseer {
namespace {

QString Q(const std::string& s) { return QString::fromStdString(s); }

QVariant U64(uint64_t v) { return QVariant::fromValue<qulonglong>(v); }

QString Rate(double per_s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, per_s >= 100 ? "%.0f/s" : "%.1f/s", per_s);
  return QString::fromLatin1(buf);
}

QVariant RightAligned() { return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter); }

}  // namespace

QString FormatRatioCell(double a, double b) {
  std::optional<double> r = RatioOf(a, b);
  if (!r) return QStringLiteral("new");
  if (a == 0 && b == 0) return QStringLiteral("=");
  char buf[32];
  // Two significant digits for small ratios: a fix that keeps 1/5,000 of
  // the memory reads "0.00019x", not "0.00x".
  std::snprintf(buf, sizeof buf, *r >= 10 ? "%.0fx" : (*r >= 0.01 ? "%.2fx" : "%.2gx"), *r);
  return QString::fromLatin1(buf);
}

// ----- SuspectModel -----

SuspectModel::SuspectModel(QObject* parent) : QAbstractTableModel(parent) {}

int SuspectModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !report_) return 0;
  return static_cast<int>(report_->suspects.size());
}

int SuspectModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

const Suspect& SuspectModel::SuspectAt(int row) const {
  return report_->suspects[static_cast<size_t>(row)];
}

void SuspectModel::SetReport(std::shared_ptr<const SuspectReport> report) {
  beginResetModel();
  std::shared_ptr<const SuspectReport> old = std::exchange(report_, std::move(report));
  endResetModel();
  ReleaseInBackground(std::move(old));
}

QVariant SuspectModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
  const Suspect& s = SuspectAt(index.row());
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case kRank: return index.row() + 1;
        case kKind: return QString::fromUtf8(Describe(s.kind));
        case kProcess:
          return QStringLiteral("%1 %2").arg(Q(s.name), Q(FormatPid(s.pid)));
        case kScore: return QString::number(s.score, 'f', 1);
        case kExplanation: return Q(s.explanation);
        default: return {};
      }
    case Qt::ToolTipRole:
      if (index.column() == kExplanation || index.column() == kKind) {
        QString tip = Q(s.explanation);
        if (s.other_pid != 0) {
          QString other = Q(s.other_name);
          QString pid = Q(FormatPid(s.other_pid));
          if (!other.contains(pid)) other = QStringLiteral("%1 %2").arg(other, pid);
          tip += QStringLiteral("\nWith: ") + other;
        }
        return tip;
      }
      return {};
    case Qt::TextAlignmentRole:
      return index.column() == kRank || index.column() == kScore
                 ? RightAligned()
                 : QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    case kPidRole: return U64(s.pid);
    case kTimeRole: return QVariant::fromValue<qlonglong>(s.at_ns);
    case kSortValueRole:
      switch (index.column()) {
        case kRank: return index.row();
        case kScore: return s.score;
        default: return data(index, Qt::DisplayRole);
      }
    default:
      return {};
  }
}

QVariant SuspectModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 ||
      section >= kColumnCount) {
    return {};
  }
  static const char* const kNames[kColumnCount] = {"#", "Kind", "Process", "Score",
                                                   "Explanation"};
  return QString::fromLatin1(kNames[section]);
}

// ----- EvidenceModel -----

EvidenceModel::EvidenceModel(QObject* parent) : QAbstractTableModel(parent) {}

int EvidenceModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(evidence_.size());
}

int EvidenceModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

void EvidenceModel::SetEvidence(std::vector<Evidence> evidence) {
  beginResetModel();
  evidence_ = std::move(evidence);
  endResetModel();
}

QVariant EvidenceModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
  const Evidence& e = evidence_[static_cast<size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case kWhat: return Q(e.what);
        case kValue:
          return e.text.empty() ? QString::number(e.value, 'g', 6) + ' ' + Q(e.unit)
                                : Q(e.text);
        case kAt: return e.at_ns ? Q(FormatDuration(*e.at_ns)) : QString();
        default: return {};
      }
    case Qt::TextAlignmentRole:
      return index.column() == kWhat ? QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter)
                                     : RightAligned();
    case kTimeRole:
      return e.at_ns ? QVariant::fromValue<qlonglong>(*e.at_ns) : QVariant();
    default:
      return {};
  }
}

QVariant EvidenceModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 ||
      section >= kColumnCount) {
    return {};
  }
  static const char* const kNames[kColumnCount] = {"Evidence", "Value", "Seen at"};
  return QString::fromLatin1(kNames[section]);
}

// ----- ComparedProcessModel -----

ComparedProcessModel::ComparedProcessModel(QObject* parent) : QAbstractTableModel(parent) {}

int ComparedProcessModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !comparison_) return 0;
  return static_cast<int>(comparison_->processes.size());
}

int ComparedProcessModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

void ComparedProcessModel::SetComparison(std::shared_ptr<const Comparison> comparison) {
  beginResetModel();
  std::shared_ptr<const Comparison> old = std::exchange(comparison_, std::move(comparison));
  endResetModel();
  ReleaseInBackground(std::move(old));
}

int ComparedProcessModel::RowOfKey(const QString& key) const {
  if (!comparison_) return -1;
  std::string k = key.toStdString();
  for (size_t i = 0; i < comparison_->processes.size(); ++i) {
    if (comparison_->processes[i].key == k) return static_cast<int>(i);
  }
  return -1;
}

QVariant ComparedProcessModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
  const ComparedProcess& p = comparison_->processes[static_cast<size_t>(index.row())];
  const MatchedFigures& a = p.a;
  const MatchedFigures& b = p.b;
  auto absent = [](const MatchedFigures& f) { return f.processes == 0; };
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case kKey: return Q(p.key);
      case kCountA: return Q(FormatCount(a.processes));
      case kCountB: return Q(FormatCount(b.processes));
      case kPeakMemoryA: return absent(a) ? QString() : Q(FormatBytes(a.peak_memory));
      case kPeakMemoryB: return absent(b) ? QString() : Q(FormatBytes(b.peak_memory));
      case kPeakMemoryRatio:
        if (absent(b)) return QStringLiteral("gone");
        return FormatRatioCell(static_cast<double>(a.peak_memory),
                               static_cast<double>(b.peak_memory));
      case kPeakMsgqA: return absent(a) ? QString() : Q(FormatCount(a.peak_msgq));
      case kPeakMsgqB: return absent(b) ? QString() : Q(FormatCount(b.peak_msgq));
      case kMessagesA: return absent(a) ? QString() : Rate(a.messages_per_s);
      case kMessagesB: return absent(b) ? QString() : Rate(b.messages_per_s);
      case kTimeoutsA: return absent(a) ? QString() : Q(FormatCount(a.call_timeouts));
      case kTimeoutsB: return absent(b) ? QString() : Q(FormatCount(b.call_timeouts));
      default: return {};
    }
  }
  if (role == kSortValueRole) {
    switch (index.column()) {
      case kKey: return Q(p.key);
      case kCountA: return U64(a.processes);
      case kCountB: return U64(b.processes);
      case kPeakMemoryA: return U64(a.peak_memory);
      case kPeakMemoryB: return U64(b.peak_memory);
      case kPeakMemoryRatio: {
        std::optional<double> r = RatioOf(static_cast<double>(a.peak_memory),
                                          static_cast<double>(b.peak_memory));
        return r ? *r : HUGE_VAL;
      }
      case kPeakMsgqA: return U64(a.peak_msgq);
      case kPeakMsgqB: return U64(b.peak_msgq);
      case kMessagesA: return a.messages_per_s;
      case kMessagesB: return b.messages_per_s;
      case kTimeoutsA: return U64(a.call_timeouts);
      case kTimeoutsB: return U64(b.call_timeouts);
      default: return {};
    }
  }
  if (role == Qt::TextAlignmentRole) {
    return index.column() == kKey ? QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter)
                                  : RightAligned();
  }
  return {};
}

QVariant ComparedProcessModel::headerData(int section, Qt::Orientation orientation,
                                          int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= kColumnCount) return {};
  if (role == Qt::InitialSortOrderRole) {
    return QVariant::fromValue(section == kKey ? Qt::AscendingOrder : Qt::DescendingOrder);
  }
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case kKey: return QStringLiteral("Registered name, else initial call");
      case kPeakMemoryRatio: return QStringLiteral("Peak memory of run B over run A");
      case kMessagesA:
      case kMessagesB:
        return QStringLiteral("Messages taken per second, summed over the key's processes");
      case kTimeoutsA:
      case kTimeoutsB: return QStringLiteral("Calls to these processes that timed out");
      default: return {};
    }
  }
  if (role != Qt::DisplayRole) return {};
  static const char* const kNames[kColumnCount] = {
      "Process (name or initial call)", "Count A", "Count B", "Peak memory A",
      "Peak memory B", "Memory B/A", "Peak MsgQ A", "Peak MsgQ B", "Messages/s A",
      "Messages/s B", "Timeouts A", "Timeouts B"};
  return QString::fromLatin1(kNames[section]);
}

}  // namespace overseer
