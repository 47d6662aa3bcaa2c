// MainWindow: the Observer-style window. Tabs for System, Load charts,
// Applications, Processes, Profile, Log and events and Suspects over one
// Session (and Compare once two captures were compared), the
// timeline bar under all of them, menus and shortcuts for the common actions,
// and a message bar that says what went wrong (a bad file, a lost
// connection) while what was shown stays. All reading and computing happens
// in background jobs; this class only wires them to the views.
//
// Example:
//   MainWindow window;
//   window.SetSession(std::make_unique<MemorySession>(recording, options));
//   window.show();
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_WIDGETS_MAIN_WINDOW_H_
#define OVERSEER_GUI_WIDGETS_MAIN_WINDOW_H_

#include <QMainWindow>
#include <QPointer>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gui/jobs/run_analyzer.h"
#include "gui/jobs/serial_jobs.h"
#include "gui/models/instant.h"
#include "gui/models/timeline.h"
#include "probes/analysis/compare.h"
#include "probes/analysis/history.h"
#include "probes/analysis/summary.h"

class QAction;
class QLabel;
class QProgressBar;
class QTabWidget;
class QTimer;

namespace overseer {

class ApplicationsView;
class CompareView;
class InstantLoader;
class LoadChartsView;
class LogView;
class ProcessWindow;
class ProcessesView;
class ProfileView;
class RunAnalyzer;
class Session;
class SuspectsView;
class SystemView;
class TimelineBar;

class MainWindow final : public QMainWindow {
  Q_OBJECT

 public:
  // kCompare exists once OpenCompare was called.
  enum Tab {
    kSystem = 0,
    kLoadCharts,
    kApplications,
    kProcesses,
    kProfile,
    kLog,
    kSuspects,
    kCompare
  };

  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Shows `session`, replacing the current one (its windows close).
  void SetSession(std::unique_ptr<Session> session);
  // Opens a capture file in the background; on failure the message bar says
  // why and the current session stays.
  void OpenFile(const QString& path);
  // Connects to an attach endpoint (socket path, "tcp:HOST:PORT" or pid) in
  // the background and shows the program live; AttachFinished follows. On
  // failure the message bar says why and the current session stays.
  // `tls_trust` asks for TLS to a TCP endpoint: a CA (or certificate) file,
  // or the program's SHA-256 fingerprint (see ConnectAttachAsync).
  void AttachTo(const QString& endpoint, const QString& token,
                const QString& tls_trust = {});
  // Connects to the Erlang or Elixir node `node` ("name@host", or "name" on
  // this host) with the cookie in `cookie_file` (empty: ~/.erlang.cookie), in
  // the background, and shows it live; AttachFinished follows. On failure
  // the message bar says why and the current session stays.
  void AttachToBeam(const QString& node, const QString& cookie_file);
  // Runs demo `workload` with `args` in-process and shows it live. On
  // failure the message bar says why and the current session stays.
  bool StartDemo(const std::string& workload, const std::vector<std::string>& args);
  // Opens the process window of `pid` (or raises it).
  ProcessWindow* OpenProcess(uint64_t pid);
  // Moves the timeline to the sample at or before `time_ns`.
  void JumpToTime(int64_t time_ns);
  // Reads the captures at `path_a` and `path_b` and compares them, in the
  // background, in the Compare tab (added and shown); CompareFinished
  // follows. A file that cannot be read gives a message and no comparison.
  void OpenCompare(const QString& path_a, const QString& path_b);

  Session* session() const { return session_.get(); }
  Timeline* timeline() { return &timeline_; }
  QTabWidget* tabs() const { return tabs_; }
  SystemView* system_view() const { return system_; }
  LoadChartsView* load_charts_view() const { return load_charts_; }
  ApplicationsView* applications_view() const { return applications_; }
  ProcessesView* processes_view() const { return processes_; }
  ProfileView* profile_view() const { return profile_; }
  LogView* log_view() const { return log_; }
  SuspectsView* suspects_view() const { return suspects_; }
  CompareView* compare_view() const { return compare_; }
  // The whole-run analysis of the session (null without one).
  RunAnalyzer* analyzer() const { return analyzer_.get(); }
  TimelineBar* timeline_bar() const { return timeline_bar_; }
  const std::shared_ptr<const Instant>& instant() const { return instant_; }
  // The message bar's text; empty when hidden.
  QString message() const;
  // Blocks until every background job has delivered. Tests and screenshots.
  void WaitForIdle();

 signals:
  // A new Instant is on show in every view.
  void InstantShown(size_t index);
  // OpenFile finished (successfully or not).
  void FileOpenFinished(bool ok);
  void AttachFinished(bool ok);
  // A run analysis (suspects, peaks) of `sample_count` samples is on show.
  void AnalysisShown(size_t sample_count);
  // OpenCompare finished (successfully or not).
  void CompareFinished(bool ok);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  struct Overview {
    RunSummary run;
    std::vector<SystemPoint> history;
    std::vector<Event> new_events;
    int64_t events_end_ns = 0;
  };

  struct CompareOutcome {
    std::shared_ptr<const Comparison> comparison;
    QString error;
  };

  void BuildMenus();
  void ChooseAttach();
  void ChooseBeamNode();
  void ChooseCompare();
  void ScheduleAnalysis();
  void OnAnalyzed(std::shared_ptr<const RunAnalysis> analysis);
  void OnFindingChosen(uint64_t pid, int64_t at_ns);
  void ShowMessage(const QString& text);
  void HideMessage();
  void OnSamplesAdded(size_t count);
  void OnInstantLoaded(std::shared_ptr<const Instant> instant);
  void RefreshOverview();
  void ApplyOverview(const Overview& overview);
  void UpdateLiveControls();
  void UpdateTitle();
  void SetBusy(const QString& what, bool busy);

  std::unique_ptr<Session> session_;
  std::unique_ptr<InstantLoader> loader_;
  std::unique_ptr<RunAnalyzer> analyzer_;
  QTimer* analysis_timer_ = nullptr;
  std::shared_ptr<const Instant> instant_;
  RunSummary run_;
  Timeline timeline_;
  int64_t events_end_ns_ = INT64_MIN;
  std::vector<QPointer<ProcessWindow>> windows_;
  SerialJobs<std::shared_ptr<const Overview>> overview_jobs_{this};
  SerialJobs<std::shared_ptr<const CompareOutcome>> compare_jobs_{this};

  QTabWidget* tabs_ = nullptr;
  SystemView* system_ = nullptr;
  LoadChartsView* load_charts_ = nullptr;
  ApplicationsView* applications_ = nullptr;
  ProcessesView* processes_ = nullptr;
  ProfileView* profile_ = nullptr;
  LogView* log_ = nullptr;
  SuspectsView* suspects_ = nullptr;
  CompareView* compare_ = nullptr;
  TimelineBar* timeline_bar_ = nullptr;
  QLabel* message_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* progress_label_ = nullptr;
  QAction* pause_action_ = nullptr;
  std::vector<QAction*> interval_actions_;
  int busy_count_ = 0;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_WIDGETS_MAIN_WINDOW_H_
