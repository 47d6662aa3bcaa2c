#include "gui/widgets/process_window.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

#include <utility>

#include "gui/jobs/release.h"
#include "gui/session/session.h"
#include "gui/widgets/chart_util.h"
#include "probes/analysis/format.h"

namespace overseer {
namespace {

QString Q(const std::string& s) { return QString::fromStdString(s); }

// "<0.12.0> Indexer.Supervisor", or the pid alone when it is not shown.
QString PidWithName(const Instant& now, uint64_t pid) {
  if (pid == 0) return QStringLiteral("none");
  QString text = Q(FormatPid(pid));
  std::optional<uint32_t> n = now.tree ? now.tree->Find(pid) : std::nullopt;
  if (n && now.table && *n < now.table->rows.size()) {
    text += QStringLiteral(" ") + Q(now.table->rows[*n].name);
  }
  return text;
}

QString PidList(const Instant& now, const std::vector<uint64_t>& pids) {
  if (pids.empty()) return QStringLiteral("none");
  QStringList parts;
  for (size_t i = 0; i < pids.size() && i < 8; ++i) parts << PidWithName(now, pids[i]);
  if (pids.size() > 8) parts << QStringLiteral("and %1 more").arg(pids.size() - 8);
  return parts.join(QStringLiteral(", "));
}

QString GaugeText(const Gauge& g, bool bytes) {
  auto f = [bytes](uint64_t v) { return Q(bytes ? FormatBytes(v) : FormatCount(v)); };
  if (g.peak <= g.value) return f(g.value);
  return QStringLiteral("%1 (peak %2)").arg(f(g.value), f(g.peak));
}

KeyValueGroup Overview(const Instant& now, const ProcessSample& p,
                       const ProcessRow* row) {
  KeyValueGroup g{QStringLiteral("Overview"), {}};
  g.rows.push_back({QStringLiteral("Pid"), Q(FormatPid(p.pid))});
  g.rows.push_back({QStringLiteral("Registered name"),
                    p.name.empty() ? QStringLiteral("none") : Q(p.name)});
  g.rows.push_back({QStringLiteral("Initial call"), Q(p.initial_call)});
  g.rows.push_back({QStringLiteral("Kind"), QString::fromLatin1(ToString(p.kind))});
  g.rows.push_back({QStringLiteral("Status"), QString::fromLatin1(ToString(p.status))});
  g.rows.push_back({QStringLiteral("Current function"), Q(p.current_function)});
  g.rows.push_back({QStringLiteral("Parent"), PidWithName(now, p.parent)});
  std::vector<uint64_t> ancestors;
  if (now.tree) {
    std::optional<uint32_t> n = now.tree->Find(p.pid);
    for (uint32_t a = n ? now.tree->nodes[*n].parent : kNoNode;
         a != kNoNode && ancestors.size() < 64; a = now.tree->nodes[a].parent) {
      ancestors.push_back(now.tree->nodes[a].pid);
    }
  }
  g.rows.push_back({QStringLiteral("Ancestors"), PidList(now, ancestors),
                    QStringLiteral("Nearest first")});
  g.rows.push_back({QStringLiteral("Links"), PidList(now, p.links)});
  g.rows.push_back({QStringLiteral("Monitors"), PidList(now, p.monitors)});
  if (row != nullptr && row->is_outlier()) {
    g.rows.push_back({QStringLiteral("Outlier"), Q(row->outlier_reason)});
  }
  return g;
}

KeyValueGroup MemoryFigures(const ProcessSample& p, const ProcessRow* row,
                            const ProcessDetail* detail) {
  KeyValueGroup g{QStringLiteral("Memory"), {}};
  g.rows.push_back({QStringLiteral("Memory"), GaugeText(p.memory, true),
                    QStringLiteral("Control block + own account + held specs")});
  g.rows.push_back({QStringLiteral("Mailbox bytes"), GaugeText(p.mailbox_bytes, true)});
  g.rows.push_back({QStringLiteral("Held spec bytes"), GaugeText(p.held_spec_bytes, true)});
  g.rows.push_back({QStringLiteral("Shared binaries"), GaugeText(p.binary_bytes, true),
                    QStringLiteral("Referenced, not counted in Memory")});
  if (detail != nullptr) {
    g.rows.push_back({QStringLiteral("State"), Q(FormatBytes(detail->state_bytes))});
  }
  if (row != nullptr && row->has_rate) {
    g.rows.push_back({QStringLiteral("Memory growth"), Q(FormatRate(row->memory_growth_per_s))});
  }
  return g;
}

KeyValueGroup WorkFigures(const ProcessSample& p, const ProcessRow* row) {
  KeyValueGroup g{QStringLiteral("Work and messages"), {}};
  g.rows.push_back({QStringLiteral("MsgQ"), GaugeText(p.mailbox_len, false)});
  g.rows.push_back({QStringLiteral("Reductions"), Q(FormatCount(p.reductions))});
  if (row != nullptr && row->has_rate) {
    g.rows.push_back({QStringLiteral("Reductions since rate base"),
                      Q(FormatCount(row->reductions_delta))});
  }
  g.rows.push_back({QStringLiteral("Messages in"), Q(FormatCount(p.messages_in))});
  g.rows.push_back({QStringLiteral("Messages out"), Q(FormatCount(p.messages_out))});
  g.rows.push_back({QStringLiteral("Bytes copied in"), Q(FormatBytes(p.bytes_in))});
  g.rows.push_back({QStringLiteral("Bytes copied out"), Q(FormatBytes(p.bytes_out))});
  g.rows.push_back({QStringLiteral("Time sending"), Q(FormatDuration(static_cast<int64_t>(p.send_ns)))});
  return g;
}

QTableView* MakeTable(QAbstractItemModel* model, QWidget* parent) {
  auto* view = new QTableView(parent);
  view->setModel(model);
  view->verticalHeader()->hide();
  // These tables hold a few rows: sizing to contents is cheap here.
  view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  view->horizontalHeader()->setStretchLastSection(true);
  view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
  view->setAlternatingRowColors(true);
  view->setWordWrap(false);
  return view;
}

}  // namespace

std::vector<KeyValueGroup> ProcessInformation(const Instant& instant,
                                              uint64_t pid) {
  if (!instant.snapshot) return {};
  const ProcessSample* p = FindProcess(*instant.snapshot, pid);
  if (p == nullptr) return {};
  const ProcessRow* row = nullptr;
  std::optional<uint32_t> n = instant.tree ? instant.tree->Find(pid) : std::nullopt;
  if (n && instant.table && *n < instant.table->rows.size()) {
    row = &instant.table->rows[*n];
  }
  const ProcessDetail* detail = FindDetail(*instant.snapshot, pid);
  return {Overview(instant, *p, row), MemoryFigures(*p, row, detail),
          WorkFigures(*p, row)};
}

ProcessWindow::ProcessWindow(const Session* session, uint64_t pid, QWidget* parent)
    : QWidget(parent, Qt::Window), session_(session), pid_(pid) {
  setAttribute(Qt::WA_DeleteOnClose);
  setWindowTitle(QStringLiteral("Process %1").arg(Q(FormatPid(pid))));
  resize(900, 620);
  auto* layout = new QVBoxLayout(this);
  banner_ = new QLabel(this);
  banner_->setWordWrap(true);
  QFont big = banner_->font();
  big.setPointSizeF(big.pointSizeF() * 1.2);
  big.setBold(true);
  banner_->setFont(big);
  layout->addWidget(banner_);
  tabs_ = new QTabWidget(this);
  layout->addWidget(tabs_, 1);

  auto* info = new QTreeView(tabs_);
  info->setModel(&info_);
  info->setAlternatingRowColors(true);
  info->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  connect(&info_, &QAbstractItemModel::modelReset, info, &QTreeView::expandAll);
  tabs_->addTab(info, QStringLiteral("Information"));

  auto* mailbox = new QWidget(tabs_);
  auto* mailbox_layout = new QVBoxLayout(mailbox);
  mailbox_note_ = new QLabel(mailbox);
  mailbox_layout->addWidget(mailbox_note_);
  auto* split = new QSplitter(Qt::Vertical, mailbox);
  split->addWidget(MakeTable(&mailbox_types_, split));
  split->addWidget(MakeTable(&first_messages_, split));
  mailbox_layout->addWidget(split, 1);
  tabs_->addTab(mailbox, QStringLiteral("Messages"));
  tabs_->addTab(MakeTable(&held_specs_, tabs_), QStringLiteral("Held child specs"));

  auto* history = new QWidget(tabs_);
  auto* history_layout = new QVBoxLayout(history);
  memory_chart_ = new TimeChart(QStringLiteral("Memory"), ValueUnit::kBytes, history);
  msgq_chart_ = new TimeChart(QStringLiteral("MsgQ"), ValueUnit::kCount, history);
  history_layout->addWidget(memory_chart_);
  history_layout->addWidget(msgq_chart_);
  tabs_->addTab(history, QStringLiteral("History"));

  refresh_ = new QPushButton(QStringLiteral("Refresh"), this);
  refresh_->setShortcut(QKeySequence::Refresh);
  refresh_->setVisible(session_->is_live());
  layout->addWidget(refresh_, 0, Qt::AlignRight);
  connect(refresh_, &QPushButton::clicked, this, &ProcessWindow::RefreshHistory);
  RefreshHistory();
}

ProcessWindow::~ProcessWindow() = default;

void ProcessWindow::SetInstant(std::shared_ptr<const Instant> instant) {
  ReleaseInBackground(std::exchange(instant_, std::move(instant)));
  std::vector<KeyValueGroup> info = ProcessInformation(*instant_, pid_);
  QString at = Q(FormatDuration(instant_->time_ns));
  const ProcessSample* p =
      instant_->snapshot ? FindProcess(*instant_->snapshot, pid_) : nullptr;
  if (p == nullptr) {
    banner_->setText(QStringLiteral("%1 is not alive at %2").arg(Q(FormatPid(pid_)), at));
  } else {
    banner_->setText(QStringLiteral("%1 at %2: %3, MsgQ %4")
                         .arg(PidWithName(*instant_, pid_), at,
                              Q(FormatBytes(p->memory.value)),
                              Q(FormatCount(p->mailbox_len.value))));
  }
  info_.SetGroups(std::move(info));
  const ProcessDetail* detail =
      instant_->snapshot ? FindDetail(*instant_->snapshot, pid_) : nullptr;
  if (detail == nullptr) {
    mailbox_note_->setText(p != nullptr && p->mailbox_len.value > 0
                               ? QStringLiteral("%1 messages waiting; this sample "
                                                "has no closer look at them.")
                                     .arg(Q(FormatCount(p->mailbox_len.value)))
                               : QStringLiteral("No closer look in this sample."));
    mailbox_types_.SetRows({});
    first_messages_.SetRows({});
    held_specs_.SetRows({});
    memory_chart_->SetMarker(instant_->time_ns);
    msgq_chart_->SetMarker(instant_->time_ns);
    return;
  }
  // The closer look is taken while the sample is read, so it can catch a
  // message the gauge's value missed: show the peaks beside it.
  mailbox_note_->setText(
      p == nullptr ? QStringLiteral("Not alive at this sample.")
                   : QStringLiteral("At the sample: MsgQ %1, %2 (peaks since the previous "
                                    "sample: %3, %4). What the closer look found:")
                         .arg(GaugeText(p->mailbox_len, false), GaugeText(p->mailbox_bytes, true))
                         .arg(Q(FormatCount(p->mailbox_len.peak)),
                              Q(FormatBytes(p->mailbox_bytes.peak))));
  mailbox_types_.SetRows(detail->mailbox_types);
  first_messages_.SetRows(detail->first_messages);
  held_specs_.SetRows(detail->held_specs);
  memory_chart_->SetMarker(instant_->time_ns);
  msgq_chart_->SetMarker(instant_->time_ns);
}

void ProcessWindow::RefreshHistory() {
  const Recording* recording = &session_->recording();
  uint64_t pid = pid_;
  history_jobs_.Post(
      [recording, pid]() -> HistoryResult {
        return std::make_shared<const absl::StatusOr<ProcessHistory>>(
            ProcessHistoryOf(*recording, pid, 600));
      },
      [this](HistoryResult result) { ShowHistory(result); });
}

void ProcessWindow::ShowHistory(const HistoryResult& result) {
  if (!result->ok()) {
    memory_chart_->chart()->setTitle(
        QStringLiteral("Memory (history unavailable: %1)")
            .arg(Q(std::string(result->status().message()))));
    return;
  }
  NamedSeries memory{QStringLiteral("memory"), {}};
  NamedSeries peak{QStringLiteral("peak"), {}};
  NamedSeries msgq{QStringLiteral("MsgQ"), {}};
  for (const ProcessPoint& p : (*result)->points) {
    double t = static_cast<double>(p.time_ns) / 1e9;
    memory.points.emplace_back(t, static_cast<double>(p.memory));
    peak.points.emplace_back(t, static_cast<double>(p.memory_peak));
    msgq.points.emplace_back(t, static_cast<double>(p.msgq));
  }
  memory_chart_->SetSeries({memory, peak});
  msgq_chart_->SetSeries({msgq});
  if (instant_) {
    memory_chart_->SetMarker(instant_->time_ns);
    msgq_chart_->SetMarker(instant_->time_ns);
  }
}

}  // namespace overseer
