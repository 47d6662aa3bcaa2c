// Helpers shared by the Load charts and the process window's history: a line
// chart over the run's time with a value axis in human units (bytes, counts,
// rates, percent), and a vertical marker at the instant the timeline shows.
//
// Example:
//   TimeChart chart("Memory", ValueUnit::kBytes);
//   chart.SetSeries({{"total", points}});
//   chart.SetMarker(now_ns);
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_WIDGETS_CHART_UTIL_H_
#define OVERSEER_GUI_WIDGETS_CHART_UTIL_H_

#include <QChartView>
#include <QLineSeries>
#include <QPointF>
#include <QString>
#include <QValueAxis>

#include <cstdint>
#include <vector>

namespace overseer {

enum class ValueUnit { kBytes, kCount, kPerSecond, kPercent };

// Scales `max` to a unit people read: bytes to KB/MB/GB, counts to k/M.
// Returns the divisor and writes the unit's suffix.
double UnitScale(double max, ValueUnit unit, QString* suffix);

struct NamedSeries {
  QString name;
  std::vector<QPointF> points;  // x: seconds since the run's start, y: raw
};

class TimeChart final : public QChartView {
  Q_OBJECT

 public:
  TimeChart(const QString& title, ValueUnit unit, QWidget* parent = nullptr);
  ~TimeChart() override;

  // Replaces the lines; the value axis is rescaled to the largest value.
  void SetSeries(const std::vector<NamedSeries>& series);
  // Draws the "now" marker at `time_ns` (ns since the run's start).
  void SetMarker(int64_t time_ns);
  // The number of points of line `i` (tests).
  int PointCount(int i) const;

 private:
  QString title_;
  ValueUnit unit_;
  std::vector<QLineSeries*> lines_;
  QLineSeries* marker_ = nullptr;
  QValueAxis* x_axis_ = nullptr;
  QValueAxis* y_axis_ = nullptr;
  double y_top_ = 1.0;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_WIDGETS_CHART_UTIL_H_
