// Renders every view into a directory (default docs/images): by default the
// synthetic leak run at 45 s; with --demo, a capture of the real
// buffered-task demo in closure mode recorded for a few seconds in-process,
// shown where the node's memory peaked. The task supervisor's window is
// rendered too, and the Profile shows the fetcher. The Suspects tab shows the
// run's findings; the Compare tab compares the synthetic leak with the same
// node without it (both written as captures to a temporary directory).
//   overseer_gui_screenshots [--demo] [DIR]
#include <QApplication>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>

#include "gui/session/memory_session.h"
#include "gui/widgets/applications_view.h"
#include "gui/widgets/log_view.h"
#include "gui/widgets/main_window.h"
#include "gui/widgets/processes_view.h"
#include "gui/widgets/profile_view.h"
#include "gui/widgets/screenshots.h"
#include "probes/analysis/summary.h"
#ifdef OVERSEER_GUI_CAPTURE
#include "probes/capture/byte_sink.h"
#include "probes/capture/capture_writer.h"
#endif
#include "tests/gui/synthetic_run.h"
#ifdef OVERSEER_GUI_REAL_DEMO
#include "tests/gui/demo_capture.h"
#endif

namespace {

using overseer::MainWindow;
namespace testing = overseer::testing;

bool ShowSynthetic(MainWindow& window) {
  testing::RunUnderTest run = testing::OpenRunUnderTest();
  window.SetSession(std::make_unique<overseer::MemorySession>(
      run.recording, overseer::MemorySession::Options{
                         .label = "buffered-task, closure mode (synthetic)",
                         .source = overseer::Session::Source::kInProcess}));
  window.WaitForIdle();
  window.JumpToTime(run.leak_time_ns);
  return true;
}

bool ShowDemo(MainWindow& window, const QTemporaryDir& dir) {
#ifdef OVERSEER_GUI_REAL_DEMO
  std::string path = dir.filePath(QStringLiteral("closure.ovc")).toStdString();
  absl::Status s = testing::RecordDemoCapture(path, {"--mode", "closure"},
                                              std::chrono::seconds(10));
  if (!s.ok()) {
    std::fprintf(stderr, "screenshots: %s\n", std::string(s.message()).c_str());
    return false;
  }
  QSignalSpy opened(&window, &MainWindow::FileOpenFinished);
  window.OpenFile(QString::fromStdString(path));
  if (!opened.wait(30000) || !opened.first().at(0).toBool()) return false;
  window.WaitForIdle();
  window.JumpToTime(overseer::SummarizeRun(window.session()->recording()).peak_memory_time_ns);
  return true;
#else
  (void)window;
  (void)dir;
  std::fprintf(stderr, "screenshots: built without the demos\n");
  return false;
#endif
}

// Writes `recording` as a capture at `path`.
bool WriteCapture(const overseer::Recording& recording, const QString& path) {
#ifdef OVERSEER_GUI_CAPTURE
  auto sink = overseer::OpenFileSink(path.toStdString());
  if (!sink.ok()) return false;
  overseer::CaptureWriter writer(*std::move(sink));
  if (!writer.Begin(recording.info()).ok()) return false;
  for (size_t i = 0; i < recording.sample_count(); ++i) {
    auto snapshot = recording.SnapshotAt(i);
    if (!snapshot.ok() || !writer.WriteSample(*snapshot).ok()) return false;
  }
  std::vector<overseer::Event> events = recording.EventsBetween(INT64_MIN, INT64_MAX);
  return writer.WriteEvents(events).ok() && writer.Finish().ok();
#else
  (void)recording;
  (void)path;
  return false;
#endif
}

// Opens the Compare tab on the synthetic leak (A) and the same node without
// it (B); false when the captures cannot be written or compared.
bool ShowCompare(MainWindow& window, const QTemporaryDir& dir) {
  QString a = dir.filePath(QStringLiteral("closure.ovc"));
  QString b = dir.filePath(QStringLiteral("fixed.ovc"));
  if (!WriteCapture(*testing::MakeLeakRun(), a) ||
      !WriteCapture(*testing::MakeLeakRun({.leak = false}), b)) {
    std::fprintf(stderr, "screenshots: cannot write the captures to compare\n");
    return false;
  }
  QSignalSpy compared(&window, &MainWindow::CompareFinished);
  window.OpenCompare(a, b);
  return compared.wait(60000) && compared.first().at(0).toBool();
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Overseer"));
  QApplication::setApplicationName(QStringLiteral("overseer-screenshots"));
  bool demo = false;
  QString out = QStringLiteral("docs/images");
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--demo") == 0) {
      demo = true;
    } else {
      out = QString::fromLocal8Bit(argv[i]);
    }
  }

  MainWindow window;
  window.resize(1280, 760);
  window.show();
  QTemporaryDir dir;
  if (!(demo ? ShowDemo(window, dir) : ShowSynthetic(window))) return 1;
  window.WaitForIdle();
  const overseer::Snapshot& now = *window.instant()->snapshot;
  uint64_t task_sup = testing::PidOfName(now, testing::kTaskSupervisorName);
  window.processes_view()->SelectPid(task_sup);
  window.applications_view()->SelectPid(task_sup);
  window.log_view()->SetKindFilter(static_cast<int>(overseer::EventKind::kCallTimeout));
  window.profile_view()->ShowPid(testing::PidOfName(now, testing::kFetcherName));
  if (!ShowCompare(window, dir)) std::fprintf(stderr, "screenshots: no Compare tab\n");
  window.WaitForIdle();
  QString error;
  QStringList written = overseer::SaveScreenshots(window, out, task_sup, &error);
  for (const QString& f : written) std::printf("%s\n", qPrintable(f));
  if (!error.isEmpty()) {
    std::fprintf(stderr, "screenshots: %s\n", qPrintable(error));
    return 1;
  }
  return 0;
}
