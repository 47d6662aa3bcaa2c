// SystemView: Observer's System tab. The run (source, program, span,
// samples, dropped samples), the node at the shown instant (processes,
// schedulers and their use, total MsgQ, outliers) and its memory by category
// as figures and as a pie.
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_WIDGETS_SYSTEM_VIEW_H_
#define OVERSEER_GUI_WIDGETS_SYSTEM_VIEW_H_

#include <QWidget>

#include <memory>
#include <vector>

#include "gui/models/instant.h"
#include "gui/models/key_value_model.h"
#include "probes/analysis/summary.h"

class QChartView;
class QPieSeries;
class QLabel;
class QTreeView;

namespace overseer {

class Session;

// What the System view shows, as groups of formatted figures. Pure.
std::vector<KeyValueGroup> SystemOverview(const Session& session,
                                          const RunSummary& run,
                                          const Instant* instant);

class SystemView final : public QWidget {
  Q_OBJECT

 public:
  explicit SystemView(QWidget* parent = nullptr);
  ~SystemView() override;

  // Shows `run` and `instant` (may be null before the first load) of
  // `session`.
  void Show(const Session& session, const RunSummary& run,
            const Instant* instant);
  KeyValueModel* model() { return &model_; }

 private:
  KeyValueModel model_;
  QTreeView* tree_ = nullptr;
  QPieSeries* pie_ = nullptr;
  QChartView* pie_view_ = nullptr;
  QLabel* legend_ = nullptr;  // the pie's legend, whole whatever its width
};

}  // namespace overseer

#endif  // OVERSEER_GUI_WIDGETS_SYSTEM_VIEW_H_
