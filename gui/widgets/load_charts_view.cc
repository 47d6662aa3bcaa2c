#include "gui/widgets/load_charts_view.h"

#include <QGridLayout>

#include "gui/widgets/chart_util.h"

namespace overseer {
namespace {

template <typename Get>
std::vector<QPointF> Points(const std::vector<SystemPoint>& points, Get get) {
  std::vector<QPointF> out;
  out.reserve(points.size());
  for (const SystemPoint& p : points) {
    out.emplace_back(static_cast<double>(p.time_ns) / 1e9,
                     static_cast<double>(get(p)));
  }
  return out;
}

}  // namespace

LoadChartsView::LoadChartsView(QWidget* parent) : QWidget(parent) {
  auto* grid = new QGridLayout(this);
  memory_ = new TimeChart(QStringLiteral("Memory"), ValueUnit::kBytes, this);
  msgq_ = new TimeChart(QStringLiteral("Total MsgQ"), ValueUnit::kCount, this);
  rate_ = new TimeChart(QStringLiteral("Messages per second"),
                        ValueUnit::kPerSecond, this);
  schedulers_ = new TimeChart(QStringLiteral("Scheduler utilisation (mean)"),
                              ValueUnit::kPercent, this);
  grid->addWidget(memory_, 0, 0);
  grid->addWidget(msgq_, 0, 1);
  grid->addWidget(rate_, 1, 0);
  grid->addWidget(schedulers_, 1, 1);
}

LoadChartsView::~LoadChartsView() = default;

void LoadChartsView::SetHistory(const std::vector<SystemPoint>& points) {
  memory_->SetSeries(
      {{QStringLiteral("total"),
        Points(points, [](const SystemPoint& p) { return p.total_memory; })},
       {QStringLiteral("in mailboxes"),
        Points(points, [](const SystemPoint& p) { return p.mailbox_bytes; })}});
  msgq_->SetSeries({{QStringLiteral("messages waiting"),
                     Points(points, [](const SystemPoint& p) { return p.total_msgq; })}});
  rate_->SetSeries({{QStringLiteral("sent"),
                     Points(points, [](const SystemPoint& p) { return p.messages_per_s; })}});
  schedulers_->SetSeries(
      {{QStringLiteral("mean over schedulers"),
        Points(points, [](const SystemPoint& p) { return p.scheduler_utilization; })}});
}

void LoadChartsView::SetMarker(int64_t time_ns) {
  for (TimeChart* chart : {memory_, msgq_, rate_, schedulers_}) {
    chart->SetMarker(time_ns);
  }
}

}  // namespace overseer
