// FileSession: a recorded run read from a capture file. It is never live;
// when the file ended early (killed recorder, damaged chunk), what was read
// stays on show and the reason is reported once through Session::Failed.
//
// OpenCaptureAsync opens the file off the GUI thread so the window keeps
// painting while a large capture's index is read.
//
// Example:
//   OpenCaptureAsync(path).then(window, [=](CaptureOpenResult r) {
//     if (!r.ok()) ShowError(r.status());
//     else Show(std::make_unique<FileSession>(path, *std::move(r)));
//   });
//
// Thread contract: FileSession lives on the GUI thread; OpenCaptureAsync may
// be called from it and its future completes on a pool thread.
#ifndef OVERSEER_GUI_SESSION_FILE_SESSION_H_
#define OVERSEER_GUI_SESSION_FILE_SESSION_H_

#include <QFuture>
#include <QString>

#include <memory>

#include "absl/status/statusor.h"
#include "gui/session/session.h"
#include "probes/model/recording.h"

namespace overseer {

class FileSession final : public Session {
  Q_OBJECT

 public:
  // Takes an opened recording of the capture at `path`. When the recording's
  // status() is not OK, Failed is emitted once control returns to the event
  // loop (so a caller can connect first).
  FileSession(QString path, std::shared_ptr<const Recording> recording,
              QObject* parent = nullptr);
  ~FileSession() override;

  const Recording& recording() const override { return *recording_; }
  Source source() const override { return Source::kFile; }
  QString label() const override;
  bool is_live() const override { return false; }

  const QString& path() const { return path_; }

 private:
  const QString path_;
  const std::shared_ptr<const Recording> recording_;
};

using CaptureOpenResult = absl::StatusOr<std::shared_ptr<Recording>>;

// Opens the capture at `path` on a pool thread. Errors are the capture
// reader's (NotFound, DataLoss with the offset, Unimplemented for a newer
// format), or Unimplemented when this build has no capture reader.
// Thread-safe.
QFuture<CaptureOpenResult> OpenCaptureAsync(const QString& path);
// The same, on the calling thread (for a job that opens several files).
CaptureOpenResult OpenCapture(const QString& path);

// One line for people from an open error: "Cannot open leak.ovsc: ...".
QString DescribeOpenError(const QString& path, const absl::Status& status);

}  // namespace overseer

#endif  // OVERSEER_GUI_SESSION_FILE_SESSION_H_
