#include "gui/widgets/system_view.h"

#include <QChart>
#include <QChartView>
#include <QColor>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPieSeries>
#include <QPieSlice>
#include <QTreeView>
#include <QVBoxLayout>

#include "gui/session/session.h"
#include "probes/analysis/format.h"

namespace overseer {
namespace {

QString Q(const std::string& s) { return QString::fromStdString(s); }

const QString kNotAvailable = QStringLiteral("n/a");
const QString kNotGiven = QStringLiteral("Not given by this source");

KeyValueGroup RunGroup(const Session& session, const RunSummary& run) {
  CaptureInfo info = session.recording().info();
  KeyValueGroup g{QStringLiteral("Run"), {}};
  g.rows.push_back({QStringLiteral("Source"),
                    QStringLiteral("%1 (%2)").arg(session.label(),
                                                  ToString(session.source()))});
  g.rows.push_back({QStringLiteral("Program"), Q(info.program)});
  if (!info.node.empty()) {
    g.rows.push_back({QStringLiteral("Node"), Q(info.node),
                      QStringLiteral("Recorded as a hidden node")});
    g.rows.push_back({QStringLiteral("Runtime"), Q(info.runtime)});
  }
  if (info.start_unix_ns > 0) {
    g.rows.push_back({QStringLiteral("Started"),
                      QDateTime::fromMSecsSinceEpoch(info.start_unix_ns / 1'000'000)
                          .toString(Qt::ISODate)});
  }
  g.rows.push_back({session.is_live() ? QStringLiteral("Uptime")
                                      : QStringLiteral("Capture span"),
                    Q(FormatDuration(run.duration_ns))});
  g.rows.push_back({QStringLiteral("Samples"), Q(FormatCount(run.sample_count))});
  g.rows.push_back({QStringLiteral("Sample interval"),
                    Q(FormatDuration(info.interval_ns))});
  g.rows.push_back({QStringLiteral("Dropped samples"),
                    Q(FormatCount(run.dropped_samples)),
                    QStringLiteral("Samples a slow consumer lost")});
  g.rows.push_back({QStringLiteral("Peak memory"),
                    QStringLiteral("%1 at %2").arg(
                        Q(FormatBytes(run.peak_total_memory)),
                        Q(FormatDuration(run.peak_memory_time_ns)))});
  g.rows.push_back({QStringLiteral("Peak total MsgQ"),
                    QStringLiteral("%1 at %2").arg(
                        Q(FormatCount(run.peak_total_msgq)),
                        Q(FormatDuration(run.peak_msgq_time_ns)))});
  if (!run.status.ok()) {
    g.rows.push_back({QStringLiteral("Ended early"),
                      Q(std::string(run.status.message()))});
  }
  return g;
}

KeyValueGroup InstantGroup(const Session& session, const Instant& now) {
  KeyValueGroup g{QStringLiteral("Node at ") + Q(FormatDuration(now.time_ns)), {}};
  g.rows.push_back({QStringLiteral("Processes"),
                    Q(FormatCount(now.system.process_count))});
  const std::vector<double>& use = now.system.scheduler_utilization;
  g.rows.push_back({QStringLiteral("Schedulers"),
                    Q(FormatCount(std::max<uint64_t>(
                        use.size(), session.recording().info().schedulers)))});
  QStringList per;
  double sum = 0;
  for (size_t i = 0; i < use.size(); ++i) {
    per << QStringLiteral("%1: %2%").arg(i + 1).arg(use[i] * 100.0, 0, 'f', 0);
    sum += use[i];
  }
  if (!use.empty()) {
    g.rows.push_back({QStringLiteral("Scheduler utilisation"),
                      QStringLiteral("%1% mean (%2)")
                          .arg(sum * 100.0 / static_cast<double>(use.size()), 0, 'f', 0)
                          .arg(per.join(QStringLiteral(", ")))});
  }
  g.rows.push_back({QStringLiteral("Total MsgQ"),
                    Q(FormatCount(now.system.total_mailbox_len))});
  if (now.system.run_queue) {
    g.rows.push_back({QStringLiteral("Run queue"), Q(FormatCount(*now.system.run_queue)),
                      QStringLiteral("Processes ready to run, waiting for a scheduler")});
  }
  const CaptureInfo info = session.recording().info();
  g.rows.push_back({QStringLiteral("Messages sent"),
                    info.Has(Figure::kMessagesSent) ? Q(FormatCount(now.system.messages_sent))
                                                    : kNotAvailable,
                    info.Has(Figure::kMessagesSent) ? QString() : kNotGiven});
  if (now.table) {
    g.rows.push_back({QStringLiteral("Outliers"),
                      Q(FormatCount(now.table->outlier_count)),
                      QStringLiteral("Processes the Processes view highlights")});
  }
  return g;
}

// Whether category `i` of MemoryByCategory is a figure the source gives.
bool CategoryGiven(const CaptureInfo& info, size_t i) {
  switch (i) {
    case 1: return info.Has(Figure::kMailboxBytes);
    case 2: return info.Has(Figure::kHeldSpecBytes);
    default: return true;
  }
}

KeyValueGroup MemoryGroup(const CaptureInfo& info, const Instant& now) {
  const std::vector<MemoryCategory>& node = now.system.memory_categories;
  if (!node.empty()) {
    // The node's own breakdown, as erlang:memory() gives it.
    KeyValueGroup g{QStringLiteral("Memory, as the node counts it"), {}};
    for (const MemoryCategory& c : node) {
      g.rows.push_back({Q(c.name), Q(FormatBytes(c.bytes))});
    }
    g.rows.push_back({QStringLiteral("mailbox bytes, held child specs"), kNotAvailable,
                      kNotGiven});
    return g;
  }
  const MemoryByCategory& m = now.memory;
  KeyValueGroup g{QStringLiteral("Memory by category"), {}};
  g.rows.push_back({QStringLiteral("Total"), Q(FormatBytes(m.total))});
  std::array<uint64_t, MemoryByCategory::kCategoryCount> values = m.values();
  for (size_t i = 0; i < values.size(); ++i) {
    QString name = QString::fromLatin1(MemoryByCategory::CategoryName(i));
    name[0] = name[0].toUpper();
    const bool given = CategoryGiven(info, i);
    g.rows.push_back({name, given ? Q(FormatBytes(values[i])) : kNotAvailable,
                      given ? QString() : kNotGiven});
  }
  return g;
}

// The slices of a node's own breakdown: what erlang:memory() adds up to
// total (processes + system, system split into its parts).
std::vector<std::pair<QString, uint64_t>> NodeSlices(const std::vector<MemoryCategory>& node) {
  uint64_t processes = 0, system = 0, parts = 0;
  std::vector<std::pair<QString, uint64_t>> out;
  for (const MemoryCategory& c : node) {
    if (c.name == "processes") processes = c.bytes;
    if (c.name == "system") system = c.bytes;
  }
  out.emplace_back(QStringLiteral("processes"), processes);
  for (const char* part : {"binary", "code", "ets", "atom"}) {
    for (const MemoryCategory& c : node) {
      if (c.name == part) {
        out.emplace_back(QString::fromLatin1(part), c.bytes);
        parts += c.bytes;
      }
    }
  }
  if (system > parts) out.emplace_back(QStringLiteral("other system"), system - parts);
  return out;
}

}  // namespace

std::vector<KeyValueGroup> SystemOverview(const Session& session,
                                          const RunSummary& run,
                                          const Instant* instant) {
  std::vector<KeyValueGroup> groups;
  groups.push_back(RunGroup(session, run));
  if (instant != nullptr) {
    groups.push_back(InstantGroup(session, *instant));
    groups.push_back(MemoryGroup(session.recording().info(), *instant));
  }
  return groups;
}

SystemView::SystemView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QHBoxLayout(this);
  tree_ = new QTreeView(this);
  tree_->setModel(&model_);
  tree_->setRootIsDecorated(false);
  tree_->setItemsExpandable(false);
  tree_->setAlternatingRowColors(true);
  tree_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  layout->addWidget(tree_, 3);
  connect(&model_, &QAbstractItemModel::modelReset, tree_, &QTreeView::expandAll);

  pie_ = new QPieSeries();
  auto* chart = new QChart();
  chart->addSeries(pie_);
  chart->setTitle(QStringLiteral("Memory by category"));
  // The chart's own legend gives its entries a fixed share of the chart and
  // cuts longer labels short ("process accounts 18...."); this one is a
  // label under the pie that is as wide as its text needs.
  chart->legend()->hide();
  pie_view_ = new QChartView(chart, this);
  pie_view_->setRenderHint(QPainter::Antialiasing);
  pie_view_->setMinimumWidth(480);
  legend_ = new QLabel(this);
  legend_->setTextFormat(Qt::RichText);
  legend_->setAlignment(Qt::AlignHCenter);
  legend_->setWordWrap(true);  // between entries, never inside one
  auto* right = new QVBoxLayout();
  right->addWidget(pie_view_, 1);
  right->addWidget(legend_);
  layout->addLayout(right, 2);
}

SystemView::~SystemView() = default;

void SystemView::Show(const Session& session, const RunSummary& run,
                      const Instant* instant) {
  model_.SetGroups(SystemOverview(session, run, instant));
  tree_->expandAll();
  pie_->clear();
  legend_->clear();
  if (instant == nullptr) return;
  QStringList entries;
  // The runtime's four categories, or the node's own breakdown (BEAM).
  std::vector<std::pair<QString, uint64_t>> slices;
  if (!instant->system.memory_categories.empty()) {
    slices = NodeSlices(instant->system.memory_categories);
  } else {
    std::array<uint64_t, MemoryByCategory::kCategoryCount> values =
        instant->memory.values();
    for (size_t i = 0; i < values.size(); ++i) {
      slices.emplace_back(QString::fromLatin1(MemoryByCategory::CategoryName(i)), values[i]);
    }
  }
  // One colour per category, the same at every instant (a theme would
  // recolour the slices as categories come and go).
  static const char* const kColors[] = {"#209fdf", "#99ca53", "#f6a625",
                                        "#6d5fd5", "#e0567a", "#8c8c8c"};
  for (size_t i = 0; i < slices.size(); ++i) {
    const auto& [name, bytes] = slices[i];
    if (bytes == 0) continue;
    QString label = QStringLiteral("%1 %2").arg(name, Q(FormatBytes(bytes)));
    QPieSlice* slice = pie_->append(label, static_cast<double>(bytes));
    slice->setLabelVisible(false);
    slice->setColor(QColor(QString::fromLatin1(kColors[i % std::size(kColors)])));
    entries << QStringLiteral("<span style=\"color:%1\">&#9632;</span>&nbsp;%2")
                   .arg(slice->color().name(), label.toHtmlEscaped());
  }
  legend_->setText(entries.join(QStringLiteral("&nbsp;&nbsp; ")));
}

}  // namespace overseer
