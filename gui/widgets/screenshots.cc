#include "gui/widgets/screenshots.h"

#include <QApplication>
#include <QDir>
#include <QPixmap>
#include <QTabWidget>

#include "gui/widgets/main_window.h"
#include "gui/widgets/compare_view.h"
#include "gui/widgets/process_window.h"
#include "gui/widgets/suspects_view.h"

namespace overseer {
namespace {

bool Save(QWidget* widget, const QString& path, QStringList* written,
          QString* error) {
  QApplication::processEvents();
  QPixmap pixmap = widget->grab();
  if (pixmap.isNull() || !pixmap.save(path, "PNG")) {
    if (error) *error = QStringLiteral("cannot write %1").arg(path);
    return false;
  }
  written->append(path);
  return true;
}

}  // namespace

QStringList SaveScreenshots(MainWindow& window, const QString& dir,
                            uint64_t open_pid, QString* error) {
  QStringList written;
  if (!QDir().mkpath(dir)) {
    if (error) *error = QStringLiteral("cannot create %1").arg(dir);
    return written;
  }
  static const char* const kTabFiles[] = {"system", "load-charts", "applications",
                                          "processes", "profile", "log"};
  QTabWidget* tabs = window.tabs();
  for (int i = 0; i < tabs->count() && i < 6; ++i) {
    tabs->setCurrentIndex(i);
    window.WaitForIdle();
    QString path = QDir(dir).filePath(QString::fromLatin1(kTabFiles[i]) + ".png");
    if (!Save(&window, path, &written, error)) return written;
  }
  if (open_pid != 0) {
    if (ProcessWindow* process = window.OpenProcess(open_pid)) {
      process->WaitForIdle();
      static const char* const kPageFiles[] = {"process-info", "process-messages",
                                               "process-specs", "process-history"};
      for (int i = 0; i < process->tabs()->count() && i < 4; ++i) {
        process->tabs()->setCurrentIndex(i);
        QString path = QDir(dir).filePath(QString::fromLatin1(kPageFiles[i]) + ".png");
        if (!Save(process, path, &written, error)) return written;
      }
      process->close();
    }
  }
  // Last, as choosing a finding moves the timeline.
  tabs->setCurrentWidget(window.suspects_view());
  window.WaitForIdle();
  if (window.suspects_view()->selected_row() < 0) window.suspects_view()->SelectRow(0);
  window.WaitForIdle();
  if (!Save(&window, QDir(dir).filePath(QStringLiteral("suspects.png")), &written, error)) {
    return written;
  }
  if (tabs->indexOf(window.compare_view()) >= 0) {
    tabs->setCurrentWidget(window.compare_view());
    window.WaitForIdle();
    if (!Save(&window, QDir(dir).filePath(QStringLiteral("compare.png")), &written, error)) {
      return written;
    }
  }
  return written;
}

}  // namespace overseer
