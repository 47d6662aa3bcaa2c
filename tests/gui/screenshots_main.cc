// Renders every view of the synthetic leak run into a directory (default
// docs/images), at 45 s into the run, with the task supervisor's window.
// Used by scripts/screenshots.sh until recorded captures of the demo replace
// the synthetic run (then `overseer --screenshot DIR capture` does the same).
#include <QApplication>
#include <QSettings>

#include <cstdio>

#include "gui/session/memory_session.h"
#include "gui/widgets/applications_view.h"
#include "gui/widgets/log_view.h"
#include "gui/widgets/main_window.h"
#include "gui/widgets/processes_view.h"
#include "gui/widgets/profile_view.h"
#include "gui/widgets/screenshots.h"
#include "tests/gui/synthetic_run.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Overseer"));
  QApplication::setApplicationName(QStringLiteral("overseer-screenshots"));
  QString dir = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("docs/images");

  overseer::testing::RunUnderTest run = overseer::testing::OpenRunUnderTest();
  overseer::MainWindow window;
  window.resize(1280, 760);
  window.show();
  window.SetSession(std::make_unique<overseer::MemorySession>(
      run.recording, overseer::MemorySession::Options{
                         .label = "buffered-task, closure mode (synthetic)",
                         .source = overseer::Session::Source::kInProcess}));
  window.WaitForIdle();
  window.JumpToTime(run.leak_time_ns);
  window.WaitForIdle();
  uint64_t task_sup = overseer::testing::PidOfName(
      *window.instant()->snapshot, overseer::testing::kTaskSupervisorName);
  window.processes_view()->SelectPid(task_sup);
  window.applications_view()->SelectPid(task_sup);
  window.log_view()->SetKindFilter(static_cast<int>(overseer::EventKind::kCallTimeout));
  window.profile_view()->ShowPid(overseer::testing::PidOfName(
      *window.instant()->snapshot, overseer::testing::kFetcherName));
  QString error;
  QStringList written = overseer::SaveScreenshots(window, dir, task_sup, &error);
  for (const QString& f : written) std::printf("%s\n", qPrintable(f));
  if (!error.isEmpty()) {
    std::fprintf(stderr, "screenshots: %s\n", qPrintable(error));
    return 1;
  }
  return 0;
}
