// LoadChartsView: Observer's Load charts. Memory, total MsgQ, messages per
// second and scheduler use over the run, from the analysis layer's
// SystemHistoryOf, with a marker at the instant the timeline shows.
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_WIDGETS_LOAD_CHARTS_VIEW_H_
#define OVERSEER_GUI_WIDGETS_LOAD_CHARTS_VIEW_H_

#include <QWidget>

#include <cstdint>
#include <vector>

#include "probes/analysis/history.h"

namespace overseer {

class TimeChart;

class LoadChartsView final : public QWidget {
  Q_OBJECT

 public:
  explicit LoadChartsView(QWidget* parent = nullptr);
  ~LoadChartsView() override;

  void SetHistory(const std::vector<SystemPoint>& points);
  void SetMarker(int64_t time_ns);

  TimeChart* memory_chart() const { return memory_; }
  TimeChart* msgq_chart() const { return msgq_; }

 private:
  TimeChart* memory_ = nullptr;
  TimeChart* msgq_ = nullptr;
  TimeChart* rate_ = nullptr;
  TimeChart* schedulers_ = nullptr;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_WIDGETS_LOAD_CHARTS_VIEW_H_
