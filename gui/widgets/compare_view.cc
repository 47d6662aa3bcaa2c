#include "gui/widgets/compare_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "gui/jobs/release.h"
#include "probes/analysis/format.h"

namespace overseer {
namespace {

constexpr int kProfileRows = 10;

QString Q(const std::string& s) { return QString::fromStdString(s); }

QString Rate(double per_s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, per_s >= 100 ? "%.0f/s" : "%.1f/s", per_s);
  return QString::fromLatin1(buf);
}

void StyleTable(QTableView* view) {
  view->verticalHeader()->hide();
  view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 4);
  view->horizontalHeader()->setHighlightSections(false);
  view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setSelectionMode(QAbstractItemView::SingleSelection);
  view->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view->setShowGrid(false);
  view->setWordWrap(false);
  view->setAlternatingRowColors(true);
}

QTableWidgetItem* Cell(const QString& text, bool right = true) {
  auto* item = new QTableWidgetItem(text);
  item->setTextAlignment(right ? (Qt::AlignRight | Qt::AlignVCenter)
                               : (Qt::AlignLeft | Qt::AlignVCenter));
  return item;
}

void FillProfile(QTableWidget* table, const Profile& profile) {
  int rows = static_cast<int>(std::min<size_t>(profile.rows.size(), kProfileRows));
  table->setRowCount(rows);
  for (int r = 0; r < rows; ++r) {
    const ProfileRow& p = profile.rows[static_cast<size_t>(r)];
    table->setItem(r, 0, Cell(Q(p.zone), false));
    table->setItem(r, 1, Cell(QString::number(p.percent, 'f', 1)));
    table->setItem(r, 2, Cell(Q(FormatCount(p.calls))));
    table->setItem(r, 3, Cell(Q(FormatMicros(p.us_per_call))));
  }
}

QTableWidget* MakeProfileTable(QWidget* parent) {
  auto* t = new QTableWidget(0, 4, parent);
  t->setHorizontalHeaderLabels({QStringLiteral("Zone"), QStringLiteral("% time"),
                                QStringLiteral("Calls"), QStringLiteral("\u00b5s/call")});
  StyleTable(t);
  t->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  return t;
}

}  // namespace

CompareView::CompareView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  status_ = new QLabel(QStringLiteral("File > Compare\u2026 opens two captures side by side."),
                       this);
  status_->setWordWrap(true);
  status_->setContentsMargins(6, 6, 6, 6);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(status_);

  auto* split = new QSplitter(Qt::Vertical, this);
  auto* top = new QWidget(split);
  auto* top_layout = new QHBoxLayout(top);
  top_layout->setContentsMargins(0, 0, 0, 0);
  figures_ = new QTableWidget(kFigureRowCount, 3, top);
  figures_->setHorizontalHeaderLabels(
      {QStringLiteral("Run A"), QStringLiteral("Run B"), QStringLiteral("B/A")});
  StyleTable(figures_);
  figures_->verticalHeader()->show();
  static const char* const kFigureNames[kFigureRowCount] = {
      "Duration", "Samples", "Peak memory", "Messages/s", "Reductions/s",
      "Processes started/s", "Call timeouts", "Most processes"};
  QStringList names;
  for (const char* n : kFigureNames) names << QString::fromLatin1(n);
  figures_->setVerticalHeaderLabels(names);
  figures_->setColumnWidth(kA, 110);
  figures_->setColumnWidth(kB, 110);
  figures_->setColumnWidth(kRatio, 70);
  figures_->setMinimumWidth(460);
  top_layout->addWidget(figures_);

  auto add_profile = [&](QLabel** label, QTableWidget** table, const QString& title) {
    auto* box = new QWidget(top);
    auto* box_layout = new QVBoxLayout(box);
    box_layout->setContentsMargins(0, 0, 0, 0);
    *label = new QLabel(title, box);
    box_layout->addWidget(*label);
    *table = MakeProfileTable(box);
    box_layout->addWidget(*table, 1);
    top_layout->addWidget(box, 1);
  };
  add_profile(&profile_a_label_, &profile_a_, QStringLiteral("Profile of run A"));
  add_profile(&profile_b_label_, &profile_b_, QStringLiteral("Profile of run B"));

  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(&model_);
  proxy_->setSortRole(ComparedProcessModel::kSortValueRole);
  view_ = new QTableView(split);
  view_->setModel(proxy_);
  StyleTable(view_);
  view_->horizontalHeader()->setStretchLastSection(true);
  view_->setSortingEnabled(true);
  view_->setColumnWidth(ComparedProcessModel::kKey, 290);
  for (int c = ComparedProcessModel::kCountA; c < ComparedProcessModel::kColumnCount; ++c) {
    view_->setColumnWidth(c, 98);
  }
  view_->setColumnWidth(ComparedProcessModel::kCountA, 62);
  view_->setColumnWidth(ComparedProcessModel::kCountB, 62);
  // The comparison's own order (largest peak of either run first) until a
  // header is clicked.
  view_->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
  split->addWidget(top);
  split->addWidget(view_);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  layout->addWidget(split, 1);
}

CompareView::~CompareView() = default;

void CompareView::SetStatus(const QString& text) { status_->setText(text); }

QString CompareView::status_text() const { return status_->text(); }

void CompareView::SetComparison(std::shared_ptr<const Comparison> comparison,
                                const QString& a, const QString& b) {
  ReleaseInBackground(std::exchange(comparison_, std::move(comparison)));
  model_.SetComparison(comparison_);
  if (!comparison_) {
    figures_->clearContents();
    profile_a_->setRowCount(0);
    profile_b_->setRowCount(0);
    return;
  }
  const RunFigures& fa = comparison_->a;
  const RunFigures& fb = comparison_->b;
  status_->setText(QStringLiteral("<b>A</b>: %1 (%2) &nbsp; <b>B</b>: %3 (%4) &nbsp; "
                                  "%5 process keys matched by registered name or initial "
                                  "call; ratios are B/A.")
                       .arg(a.toHtmlEscaped(), Q(fa.program).toHtmlEscaped(),
                            b.toHtmlEscaped(), Q(fb.program).toHtmlEscaped())
                       .arg(comparison_->processes.size()));
  auto row = [this](int r, const QString& va, const QString& vb, double xa, double xb) {
    figures_->setItem(r, kA, Cell(va));
    figures_->setItem(r, kB, Cell(vb));
    figures_->setItem(r, kRatio, Cell(FormatRatioCell(xa, xb)));
  };
  auto d = [](auto v) { return static_cast<double>(v); };
  row(kDuration, Q(FormatDuration(fa.duration_ns)), Q(FormatDuration(fb.duration_ns)),
      d(fa.duration_ns), d(fb.duration_ns));
  row(kSamples, Q(FormatCount(fa.samples)), Q(FormatCount(fb.samples)), d(fa.samples),
      d(fb.samples));
  row(kPeakMemory, Q(FormatBytes(fa.peak_total_memory)), Q(FormatBytes(fb.peak_total_memory)),
      d(fa.peak_total_memory), d(fb.peak_total_memory));
  row(kMessagesPerS, Rate(fa.messages_per_s), Rate(fb.messages_per_s), fa.messages_per_s,
      fb.messages_per_s);
  row(kReductionsPerS, Rate(fa.reductions_per_s), Rate(fb.reductions_per_s),
      fa.reductions_per_s, fb.reductions_per_s);
  row(kSpawnsPerS, Rate(fa.spawns_per_s), Rate(fb.spawns_per_s), fa.spawns_per_s,
      fb.spawns_per_s);
  row(kCallTimeouts, Q(FormatCount(fa.call_timeouts)), Q(FormatCount(fb.call_timeouts)),
      d(fa.call_timeouts), d(fb.call_timeouts));
  row(kMaxProcesses, Q(FormatCount(fa.max_processes)), Q(FormatCount(fb.max_processes)),
      d(fa.max_processes), d(fb.max_processes));
  auto title = [](const QString& run, const QString& name, const Profile& p) {
    return p.rows.empty()
               ? QStringLiteral("Profile of %1 (%2): no timed zones").arg(run, name)
               : QStringLiteral("Profile of %1 (%2)").arg(run, name);
  };
  profile_a_label_->setText(title(QStringLiteral("A"), a, fa.profile));
  profile_b_label_->setText(title(QStringLiteral("B"), b, fb.profile));
  FillProfile(profile_a_, fa.profile);
  FillProfile(profile_b_, fb.profile);
}

}  // namespace overseer
