#include "gui/widgets/chart_util.h"

#include <QChart>
#include <QPen>

#include <algorithm>

namespace overseer {

double UnitScale(double max, ValueUnit unit, QString* suffix) {
  switch (unit) {
    case ValueUnit::kPercent:
      *suffix = QStringLiteral("%");
      return 0.01;  // values are 0..1
    case ValueUnit::kBytes:
      if (max >= 1e9) { *suffix = QStringLiteral(" GB"); return 1e9; }
      if (max >= 1e6) { *suffix = QStringLiteral(" MB"); return 1e6; }
      if (max >= 1e3) { *suffix = QStringLiteral(" KB"); return 1e3; }
      *suffix = QStringLiteral(" B");
      return 1.0;
    case ValueUnit::kCount:
    case ValueUnit::kPerSecond: {
      QString per = unit == ValueUnit::kPerSecond ? QStringLiteral("/s") : QString();
      if (max >= 1e6) { *suffix = QStringLiteral("M") + per; return 1e6; }
      if (max >= 1e4) { *suffix = QStringLiteral("k") + per; return 1e3; }
      *suffix = per;
      return 1.0;
    }
  }
  return 1.0;
}

TimeChart::TimeChart(const QString& title, ValueUnit unit, QWidget* parent)
    : QChartView(parent), title_(title), unit_(unit) {
  auto* c = new QChart();
  c->setTitle(title);
  c->legend()->setAlignment(Qt::AlignBottom);
  c->setMargins(QMargins(4, 4, 4, 4));
  x_axis_ = new QValueAxis(c);
  x_axis_->setTitleText(QStringLiteral("time (s)"));
  x_axis_->setLabelFormat(QStringLiteral("%.0f"));
  y_axis_ = new QValueAxis(c);
  y_axis_->setLabelFormat(QStringLiteral("%.1f"));
  c->addAxis(x_axis_, Qt::AlignBottom);
  c->addAxis(y_axis_, Qt::AlignLeft);
  marker_ = new QLineSeries(c);
  marker_->setName(QStringLiteral("shown"));
  QPen pen(QColor(200, 30, 30));
  pen.setWidth(2);
  pen.setStyle(Qt::DashLine);
  marker_->setPen(pen);
  c->addSeries(marker_);
  marker_->attachAxis(x_axis_);
  marker_->attachAxis(y_axis_);
  setChart(c);
  setRenderHint(QPainter::Antialiasing);
  setMinimumSize(240, 180);
}

TimeChart::~TimeChart() = default;

void TimeChart::SetSeries(const std::vector<NamedSeries>& series) {
  double max_x = 1.0;
  double max_y = 0.0;
  for (const NamedSeries& s : series) {
    for (const QPointF& p : s.points) {
      max_x = std::max(max_x, p.x());
      max_y = std::max(max_y, p.y());
    }
  }
  QString suffix;
  double scale = UnitScale(max_y, unit_, &suffix);
  while (lines_.size() < series.size()) {
    auto* line = new QLineSeries(chart());
    chart()->addSeries(line);
    line->attachAxis(x_axis_);
    line->attachAxis(y_axis_);
    lines_.push_back(line);
  }
  for (size_t i = 0; i < lines_.size(); ++i) {
    QList<QPointF> scaled;
    if (i < series.size()) {
      lines_[i]->setName(series[i].name);
      scaled.reserve(static_cast<qsizetype>(series[i].points.size()));
      for (const QPointF& p : series[i].points) {
        scaled.append(QPointF(p.x(), p.y() / scale));
      }
    }
    lines_[i]->replace(scaled);  // one repaint, not one per point
    lines_[i]->setVisible(i < series.size());
  }
  y_top_ = max_y > 0 ? max_y / scale * 1.1 : 1.0;
  if (unit_ == ValueUnit::kPercent) y_top_ = 100.0;
  y_axis_->setRange(0.0, y_top_);
  if (unit_ != ValueUnit::kPercent) {
    y_axis_->applyNiceNumbers();  // 0, 25, 50 rather than 0, 27.9, 55.9
    y_top_ = y_axis_->max();
  }
  y_axis_->setLabelFormat(y_top_ >= 10.0 ? QStringLiteral("%.0f") : QStringLiteral("%.1f"));
  y_axis_->setTitleText(suffix.trimmed());
  x_axis_->setRange(0.0, max_x);
  chart()->setTitle(title_);
}

void TimeChart::SetMarker(int64_t time_ns) {
  double x = static_cast<double>(time_ns) / 1e9;
  marker_->replace(QList<QPointF>{QPointF(x, 0.0), QPointF(x, y_top_)});
}

int TimeChart::PointCount(int i) const {
  if (i < 0 || static_cast<size_t>(i) >= lines_.size()) return 0;
  return static_cast<int>(lines_[static_cast<size_t>(i)]->count());
}

}  // namespace overseer
