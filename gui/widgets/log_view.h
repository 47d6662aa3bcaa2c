// LogView: the Log and events tab. Call timeouts, exits, restarts and log
// lines with their time; a kind filter and a text filter; a click on an event
// moves the timeline to it.
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_WIDGETS_LOG_VIEW_H_
#define OVERSEER_GUI_WIDGETS_LOG_VIEW_H_

#include <QWidget>

#include <cstdint>

#include "gui/models/event_model.h"

class QComboBox;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace overseer {

class LogView final : public QWidget {
  Q_OBJECT

 public:
  explicit LogView(QWidget* parent = nullptr);
  ~LogView() override;

  EventModel* model() { return &model_; }
  // Shows only events of `kind` (an EventKind), or all for -1.
  void SetKindFilter(int kind);
  QTableView* table_view() const { return view_; }

 signals:
  // A person clicked an event that happened at `time_ns`.
  void JumpTo(int64_t time_ns);

 private:
  EventModel model_;
  QSortFilterProxyModel* proxy_ = nullptr;
  QComboBox* kind_ = nullptr;
  QLineEdit* text_ = nullptr;
  QTableView* view_ = nullptr;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_WIDGETS_LOG_VIEW_H_
