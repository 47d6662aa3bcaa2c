#include "gui/widgets/main_window.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <chrono>
#include <utility>

#include "absl/strings/string_view.h"
#include "gui/jobs/instant_loader.h"
#include "gui/jobs/release.h"
#include "gui/session/file_session.h"
#ifdef OVERSEER_HAVE_DEMOS
#include "gui/session/demo_session.h"
#endif
#ifdef OVERSEER_HAVE_ATTACH
#include "gui/session/attach_session.h"
#endif
#include "gui/session/session.h"
#include "gui/widgets/applications_view.h"
#include "gui/widgets/compare_view.h"
#include "gui/widgets/load_charts_view.h"
#include "gui/widgets/log_view.h"
#include "gui/widgets/process_window.h"
#include "gui/widgets/processes_view.h"
#include "gui/widgets/profile_view.h"
#include "gui/widgets/suspects_view.h"
#include "gui/widgets/system_view.h"
#include "gui/widgets/timeline_bar.h"

namespace overseer {
namespace {

QString Q(absl::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

constexpr size_t kChartPoints = 600;

// A live run is analysed again at most this often (each analysis scans the
// whole recording so far).
constexpr int kLiveAnalysisIntervalMs = 3000;

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  message_ = new QLabel(central);
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  message_->setStyleSheet(QStringLiteral(
      "QLabel { background: #fde2e1; color: #7a1010; padding: 6px; "
      "border-bottom: 1px solid #e0a0a0; }"));
  message_->hide();
  layout->addWidget(message_);

  tabs_ = new QTabWidget(central);
  system_ = new SystemView(tabs_);
  load_charts_ = new LoadChartsView(tabs_);
  applications_ = new ApplicationsView(tabs_);
  processes_ = new ProcessesView(tabs_);
  profile_ = new ProfileView(tabs_);
  log_ = new LogView(tabs_);
  suspects_ = new SuspectsView(tabs_);
  compare_ = new CompareView(tabs_);
  compare_->hide();  // a tab once OpenCompare is called
  tabs_->addTab(system_, QStringLiteral("&System"));
  tabs_->addTab(load_charts_, QStringLiteral("&Load charts"));
  tabs_->addTab(applications_, QStringLiteral("&Applications"));
  tabs_->addTab(processes_, QStringLiteral("&Processes"));
  tabs_->addTab(profile_, QStringLiteral("Pro&file"));
  tabs_->addTab(log_, QStringLiteral("Log and &events"));
  tabs_->addTab(suspects_, QStringLiteral("S&uspects"));
  layout->addWidget(tabs_, 1);
  timeline_bar_ = new TimelineBar(&timeline_, central);
  layout->addWidget(timeline_bar_);
  setCentralWidget(central);

  progress_label_ = new QLabel(this);
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 0);
  progress_->setMaximumWidth(160);
  progress_->hide();
  statusBar()->addPermanentWidget(progress_label_);
  statusBar()->addPermanentWidget(progress_);

  connect(&timeline_, &Timeline::IndexChanged, this, [this](size_t index) {
    if (loader_) loader_->Request(index);
  });
  connect(processes_, &ProcessesView::OpenProcess, this, &MainWindow::OpenProcess);
  connect(applications_, &ApplicationsView::OpenProcess, this, &MainWindow::OpenProcess);
  connect(processes_, &ProcessesView::SelectedPidChanged, profile_, &ProfileView::OfferPid);
  connect(log_, &LogView::JumpTo, this, &MainWindow::JumpToTime);
  connect(suspects_, &SuspectsView::FindingChosen, this, &MainWindow::OnFindingChosen);
  connect(suspects_, &SuspectsView::OpenProcess, this, &MainWindow::OpenProcess);
  analysis_timer_ = new QTimer(this);
  analysis_timer_->setSingleShot(true);
  analysis_timer_->setInterval(kLiveAnalysisIntervalMs);
  connect(analysis_timer_, &QTimer::timeout, this, [this] {
    if (analyzer_ && session_) analyzer_->Request(session_->recording().sample_count());
  });
  BuildMenus();

  QSettings settings;
  resize(1280, 800);
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  tabs_->setCurrentIndex(settings.value(QStringLiteral("window/tab"), kSystem).toInt());
  UpdateTitle();
  UpdateLiveControls();
}

MainWindow::~MainWindow() {
  // Jobs read the session's recording: they end before it goes.
  loader_.reset();
  analyzer_.reset();  // cancels its scan and waits for it
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/tab"), tabs_->currentIndex());
  QMainWindow::closeEvent(event);
}

void MainWindow::ShowMessage(const QString& text) {
  message_->setText(text);
  message_->show();
}

void MainWindow::HideMessage() {
  message_->clear();
  message_->hide();
}

QString MainWindow::message() const {
  return message_->isHidden() ? QString() : message_->text();
}

void MainWindow::SetBusy(const QString& what, bool busy) {
  busy_count_ = std::max(0, busy_count_ + (busy ? 1 : -1));
  if (busy) progress_label_->setText(what);
  progress_->setVisible(busy_count_ > 0);
  if (busy_count_ == 0) progress_label_->clear();
}

void MainWindow::SetSession(std::unique_ptr<Session> session) {
  for (const QPointer<ProcessWindow>& w : windows_) {
    if (w) w->close();
  }
  windows_.clear();
  overview_jobs_.Invalidate();
  loader_.reset();  // waits for its job, which reads the old recording
  // Cancels and waits for its scan of the old recording; a scan cut short
  // says nothing more, so its busy mark goes here.
  if (analyzer_ && analyzer_->busy()) SetBusy({}, false);
  analyzer_.reset();
  analysis_timer_->stop();
  suspects_->Clear();
  processes_->model()->SetRunScan(nullptr);
  ReleaseInBackground(std::move(instant_));
  session_ = std::move(session);
  HideMessage();
  timeline_.Reset();
  events_end_ns_ = INT64_MIN;
  log_->model()->SetEvents({});
  if (!session_) return;
  processes_->model()->SetAbsentFigures(session_->recording().info().absent);

  loader_ = std::make_unique<InstantLoader>(&session_->recording());
  connect(loader_.get(), &InstantLoader::Loaded, this, &MainWindow::OnInstantLoaded);
  connect(loader_.get(), &InstantLoader::LoadFailed, this,
          [this](size_t index, const QString& text) {
            ShowMessage(QStringLiteral("Sample %1 cannot be read: %2; the views "
                                       "still show the last good sample.")
                            .arg(index + 1).arg(text));
          });
  connect(loader_.get(), &InstantLoader::BusyChanged, this,
          [this](bool busy) { SetBusy(QStringLiteral("Reading sample\u2026"), busy); });
  analyzer_ = std::make_unique<RunAnalyzer>(&session_->recording());
  connect(analyzer_.get(), &RunAnalyzer::Analyzed, this, &MainWindow::OnAnalyzed);
  connect(analyzer_.get(), &RunAnalyzer::AnalysisFailed, suspects_,
          &SuspectsView::SetFailure);
  connect(analyzer_.get(), &RunAnalyzer::BusyChanged, this, [this](bool busy) {
    suspects_->SetAnalysing(busy);
    SetBusy(QStringLiteral("Scanning the run\u2026"), busy);
  });
  connect(session_.get(), &Session::SamplesAdded, this, &MainWindow::OnSamplesAdded);
  connect(session_.get(), &Session::Failed, this, [this](const QString& text) {
    ShowMessage(text + QStringLiteral(" \u2014 what was read stays on show."));
    UpdateLiveControls();
  });
  connect(session_.get(), &Session::ControlsChanged, this, [this] {
    UpdateLiveControls();
    if (session_ && !session_->paused()) OnSamplesAdded(session_->recording().sample_count());
  });
  if (!session_->failure().isEmpty()) ShowMessage(session_->failure());

  const Recording& recording = session_->recording();
  timeline_.SetSampleInterval(std::chrono::nanoseconds(recording.info().interval_ns));
  timeline_bar_->SetRecording(&recording, session_->is_live());
  // A recorded run opens at its start; a live one follows its newest sample.
  timeline_.SetFollowLive(session_->is_live());
  int interval_ms = QSettings().value(QStringLiteral("live/interval_ms"), 0).toInt();
  if (interval_ms > 0 && session_->has_live_controls()) {
    session_->SetRefreshInterval(std::chrono::milliseconds(interval_ms));
  }
  UpdateTitle();
  UpdateLiveControls();
  system_->Show(*session_, run_, nullptr);
  OnSamplesAdded(recording.sample_count());
}

void MainWindow::OnSamplesAdded(size_t count) {
  // Paused: the views keep the instant they show; unpausing catches up.
  if (session_ && session_->paused()) return;
  timeline_.SetSampleCount(count);
  RefreshOverview();
  ScheduleAnalysis();
  if (session_ && session_->is_live()) {
    for (const QPointer<ProcessWindow>& w : windows_) {
      if (w) w->RefreshHistory();
    }
  }
}

void MainWindow::RefreshOverview() {
  if (!session_) return;
  const Recording* recording = &session_->recording();
  int64_t from = events_end_ns_;
  overview_jobs_.Post(
      [recording, from]() -> std::shared_ptr<const Overview> {
        auto out = std::make_shared<Overview>();
        out->run = SummarizeRun(*recording);
        out->history = SystemHistoryOf(*recording, kChartPoints);
        out->new_events = recording->EventsBetween(from, INT64_MAX);
        out->events_end_ns =
            out->new_events.empty() ? from : out->new_events.back().time_ns + 1;
        return out;
      },
      [this](std::shared_ptr<const Overview> overview) { ApplyOverview(*overview); });
}

void MainWindow::ScheduleAnalysis() {
  if (!session_ || !analyzer_) return;
  size_t count = session_->recording().sample_count();
  if (count == 0 || count == analyzer_->requested_count()) return;
  // A recorded run is scanned once; a live one at once the first time, then
  // at most every few seconds (the analyzer never runs two scans at once).
  if (!session_->is_live() || analyzer_->requested_count() == 0) {
    analyzer_->Request(count);
  } else if (!analysis_timer_->isActive()) {
    analysis_timer_->start();
  }
}

void MainWindow::OnAnalyzed(std::shared_ptr<const RunAnalysis> analysis) {
  processes_->model()->SetRunScan(analysis->scan);
  suspects_->SetAnalysis(analysis);
  emit AnalysisShown(analysis->sample_count);
}

void MainWindow::OnFindingChosen(uint64_t pid, int64_t at_ns) {
  JumpToTime(at_ns);
  if (pid == 0) return;
  processes_->SelectPid(pid);
  applications_->SelectPid(pid);
  profile_->OfferPid(pid);
}

void MainWindow::ApplyOverview(const Overview& overview) {
  run_ = overview.run;
  load_charts_->SetHistory(overview.history);
  if (instant_) load_charts_->SetMarker(instant_->time_ns);
  // Each job asked from the end the previous one reached; a job that started
  // before the previous result arrived asked from an older end, so skip what
  // the log already holds.
  std::vector<Event> fresh;
  for (const Event& e : overview.new_events) {
    if (e.time_ns >= events_end_ns_) fresh.push_back(e);
  }
  log_->model()->AppendEvents(std::move(fresh));
  events_end_ns_ = std::max(events_end_ns_, overview.events_end_ns);
  if (session_) system_->Show(*session_, run_, instant_.get());
  if (!run_.status.ok() && session_ && session_->failure().isEmpty()) {
    ShowMessage(QStringLiteral("The run ended early: %1 \u2014 what was read stays on show.")
                    .arg(Q(run_.status.message())));
  }
}

void MainWindow::OnInstantLoaded(std::shared_ptr<const Instant> instant) {
  ReleaseInBackground(std::exchange(instant_, std::move(instant)));
  system_->Show(*session_, run_, instant_.get());
  load_charts_->SetMarker(instant_->time_ns);
  applications_->SetInstant(instant_);
  processes_->SetInstant(instant_);
  profile_->SetInstant(instant_);
  for (const QPointer<ProcessWindow>& w : windows_) {
    if (w) w->SetInstant(instant_);
  }
  emit InstantShown(instant_->index);
}

ProcessWindow* MainWindow::OpenProcess(uint64_t pid) {
  if (!session_ || pid == 0) return nullptr;
  for (const QPointer<ProcessWindow>& w : windows_) {
    if (w && w->pid() == pid) {
      w->raise();
      w->activateWindow();
      return w;
    }
  }
  auto* window = new ProcessWindow(session_.get(), pid, this);
  if (instant_) window->SetInstant(instant_);
  windows_.push_back(window);
  window->show();
  return window;
}

void MainWindow::JumpToTime(int64_t time_ns) {
  if (!session_ || session_->recording().sample_count() == 0) return;
  timeline_.SetIndex(session_->recording().IndexAt(time_ns));
}

void MainWindow::UpdateLiveControls() {
  bool controls = session_ && session_->has_live_controls() && session_->is_live();
  pause_action_->setEnabled(controls);
  {
    QSignalBlocker block(pause_action_);
    pause_action_->setChecked(session_ && session_->paused());
  }
  int current = session_ ? static_cast<int>(session_->refresh_interval().count()) : 0;
  for (QAction* a : interval_actions_) {
    a->setEnabled(controls);
    a->setChecked(a->data().toInt() == current);
  }
  if (session_) timeline_bar_->SetRecording(&session_->recording(), session_->is_live());
}

void MainWindow::UpdateTitle() {
  setWindowTitle(session_ ? QStringLiteral("Overseer \u2014 %1").arg(session_->label())
                          : QStringLiteral("Overseer"));
}

void MainWindow::WaitForIdle() {
  // Each stage may start the next (a load starts a sort): loop until quiet.
  for (int round = 0; round < 20; ++round) {
    bool busy = overview_jobs_.busy() || (loader_ && loader_->busy()) ||
                processes_->model()->busy() || (analyzer_ && analyzer_->busy()) ||
                compare_jobs_.busy();
    if (!busy) break;
    overview_jobs_.WaitForIdle();
    compare_jobs_.WaitForIdle();
    if (analyzer_) analyzer_->WaitForIdle();
    if (loader_) loader_->WaitForIdle();
    processes_->model()->WaitForIdle();
    profile_->WaitForIdle();
  }
  profile_->WaitForIdle();
  QApplication::processEvents();
}

}  // namespace overseer
