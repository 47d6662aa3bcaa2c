// ProcessWindow: the window a double-click opens on one process. Information
// (every per-process figure, parent, ancestors, links, monitors), the mailbox
// (count and bytes by message type, the first messages rendered), the child
// specs a supervisor holds (id, size, closure or function, what was
// captured), and history charts of memory and MsgQ over the run. It follows
// the timeline; for a live session, Refresh re-reads the history.
//
// Example:
//   auto* w = new ProcessWindow(session, pid, main_window);
//   w->SetInstant(current);  // and on every timeline move
//   w->show();
//
// Thread contract: GUI thread only; the session must outlive the window.
#ifndef OVERSEER_GUI_WIDGETS_PROCESS_WINDOW_H_
#define OVERSEER_GUI_WIDGETS_PROCESS_WINDOW_H_

#include <QWidget>

#include <cstdint>
#include <memory>
#include <vector>

#include "gui/jobs/serial_jobs.h"
#include "gui/models/instant.h"
#include "gui/models/key_value_model.h"
#include "gui/models/process_detail_models.h"
#include "probes/analysis/history.h"

class QLabel;
class QPushButton;
class QTabWidget;

namespace overseer {

class Session;
class TimeChart;

// The information page of `pid` at `instant`, as groups of figures; empty
// when the process is not in that sample. Pure.
std::vector<KeyValueGroup> ProcessInformation(const Instant& instant,
                                              uint64_t pid);

class ProcessWindow final : public QWidget {
  Q_OBJECT

 public:
  ProcessWindow(const Session* session, uint64_t pid, QWidget* parent = nullptr);
  ~ProcessWindow() override;

  uint64_t pid() const { return pid_; }
  void SetInstant(std::shared_ptr<const Instant> instant);
  // Re-reads the history charts (a live run has grown).
  void RefreshHistory();

  KeyValueModel* information() { return &info_; }
  MailboxTypesModel* mailbox_types() { return &mailbox_types_; }
  MessagePreviewModel* first_messages() { return &first_messages_; }
  HeldSpecsModel* held_specs() { return &held_specs_; }
  QTabWidget* tabs() const { return tabs_; }
  TimeChart* memory_chart() const { return memory_chart_; }
  // Blocks until the history is read. Tests only.
  void WaitForIdle() { history_jobs_.WaitForIdle(); }

 private:
  using HistoryResult = std::shared_ptr<const absl::StatusOr<ProcessHistory>>;
  void ShowHistory(const HistoryResult& result);

  const Session* session_;
  const uint64_t pid_;
  std::shared_ptr<const Instant> instant_;
  KeyValueModel info_;
  MailboxTypesModel mailbox_types_;
  MessagePreviewModel first_messages_;
  HeldSpecsModel held_specs_;
  QLabel* banner_ = nullptr;
  QLabel* mailbox_note_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QPushButton* refresh_ = nullptr;
  TimeChart* memory_chart_ = nullptr;
  TimeChart* msgq_chart_ = nullptr;
  SerialJobs<HistoryResult> history_jobs_{this};
};

}  // namespace overseer

#endif  // OVERSEER_GUI_WIDGETS_PROCESS_WINDOW_H_
