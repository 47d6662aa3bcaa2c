// Renders every view of a MainWindow to PNG files, for the user guide and
// for a person checking that the views look right after a change. Works on
// the offscreen platform.
//
// Example:
//   window.WaitForIdle();
//   absl::Status s = SaveScreenshots(window, "docs/images", pid_to_open);
//
// Thread contract: GUI thread only.
#ifndef OVERSEER_GUI_WIDGETS_SCREENSHOTS_H_
#define OVERSEER_GUI_WIDGETS_SCREENSHOTS_H_

#include <QString>
#include <QStringList>

#include <cstdint>

namespace overseer {

class MainWindow;

// Saves one PNG per tab ("system.png", "load-charts.png", "applications.png",
// "processes.png", "profile.png", "log.png") and, when `open_pid` is not 0,
// the pages of that process's window ("process-info.png",
// "process-messages.png", "process-specs.png", "process-history.png"), then
// the Suspects tab ("suspects.png", with its first finding chosen, which
// moves the timeline there) and the Compare tab when one is open
// ("compare.png") into `dir`, which is created. Returns the files written; errors leave the list
// shorter and name the file in `error`.
QStringList SaveScreenshots(MainWindow& window, const QString& dir,
                            uint64_t open_pid, QString* error);

}  // namespace overseer

#endif  // OVERSEER_GUI_WIDGETS_SCREENSHOTS_H_
