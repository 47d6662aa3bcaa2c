// EventModel: the Log and events view's model over the run's events (spawns,
// exits, restarts, call timeouts, log lines), in time order. A live run
// appends; nothing is re-read.
//
// Example:
//   EventModel events;
//   events.SetEvents(recording.EventsBetween(INT64_MIN, INT64_MAX));
//   int64_t t = events.data(i, EventModel::kTimeRole).toLongLong();
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_MODELS_EVENT_MODEL_H_
#define OVERSEER_GUI_MODELS_EVENT_MODEL_H_

#include <QAbstractTableModel>

#include <cstdint>
#include <vector>

#include "probes/model/model.h"

namespace overseer {

class EventModel final : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { kTime = 0, kKind, kProcess, kOther, kText, kColumnCount };
  enum Role {
    kTimeRole = Qt::UserRole + 1,  // int64 ns since the run's start
    kKindRole,                     // int, an EventKind
    kPidRole,                      // uint64
  };

  explicit EventModel(QObject* parent = nullptr);
  ~EventModel() override;

  int rowCount(const QModelIndex& parent = {}) const final;
  int columnCount(const QModelIndex& parent = {}) const final;
  QVariant data(const QModelIndex& index, int role) const final;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role) const final;

  void SetEvents(std::vector<Event> events);
  // Adds events that happened after the last one held (a live run).
  void AppendEvents(std::vector<Event> events);
  const std::vector<Event>& events() const { return events_; }
  // The end of the time span held: events at or after it are new.
  int64_t end_ns() const { return end_ns_; }
  void set_end_ns(int64_t end_ns) { end_ns_ = end_ns; }

 private:
  std::vector<Event> events_;
  int64_t end_ns_ = 0;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_MODELS_EVENT_MODEL_H_
