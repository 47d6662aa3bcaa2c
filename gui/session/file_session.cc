#include "gui/session/file_session.h"

#include <QFileInfo>
#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

#ifdef OVERSEER_HAVE_CAPTURE
#include "probes/capture/capture_reader.h"
#endif

namespace overseer {

FileSession::FileSession(QString path,
                         std::shared_ptr<const Recording> recording,
                         QObject* parent)
    : Session(parent), path_(std::move(path)), recording_(std::move(recording)) {
  absl::Status status = recording_->status();
  if (!status.ok()) {
    QString message = QStringLiteral("%1 ends early: %2")
                          .arg(QFileInfo(path_).fileName(),
                               QString::fromStdString(std::string(status.message())));
    QMetaObject::invokeMethod(
        this, [this, message] { ReportFailure(message); }, Qt::QueuedConnection);
  }
}

FileSession::~FileSession() = default;

QString FileSession::label() const {
  return QStringLiteral("capture %1").arg(QFileInfo(path_).fileName());
}

CaptureOpenResult OpenCapture(const QString& path) {
#ifdef OVERSEER_HAVE_CAPTURE
  absl::StatusOr<std::unique_ptr<Recording>> opened = OpenCaptureFile(path.toStdString());
  if (!opened.ok()) return opened.status();
  return std::shared_ptr<Recording>(*std::move(opened));
#else
  (void)path;
  return absl::UnimplementedError("this build of overseer has no capture reader");
#endif
}

QFuture<CaptureOpenResult> OpenCaptureAsync(const QString& path) {
  return QtConcurrent::run([path]() -> CaptureOpenResult { return OpenCapture(path); });
}

QString DescribeOpenError(const QString& path, const absl::Status& status) {
  return QStringLiteral("Cannot open %1: %2")
      .arg(QFileInfo(path).fileName(),
           QString::fromStdString(std::string(status.message())));
}

}  // namespace overseer
