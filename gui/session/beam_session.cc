#include "gui/session/beam_session.h"

#include <QtConcurrent/QtConcurrent>

#include <utility>

#include "gui/session/session_sink.h"
#include "probes/beam/beam_connection.h"
#include "probes/beam/beam_recorder.h"
#include "probes/beam/beam_sampler.h"

namespace overseer {

QFuture<BeamConnectResult> ConnectBeamAsync(BeamTarget target,
                                            std::chrono::milliseconds interval) {
  return QtConcurrent::run([target = std::move(target), interval]() -> BeamConnectResult {
    absl::StatusOr<std::string> cookie =
        target.cookie ? absl::StatusOr<std::string>(*target.cookie)
                      : ReadCookieFile(target.cookie_file.empty() ? DefaultCookieFile()
                                                                  : target.cookie_file);
    if (!cookie.ok()) return cookie.status();
    absl::StatusOr<std::unique_ptr<BeamConnection>> connection =
        BeamConnection::Connect({target.node, *std::move(cookie), target.wait});
    if (!connection.ok()) return connection.status();
    BeamConnected out;
    out.connection = *std::move(connection);
    out.sampler = std::make_shared<BeamSampler>(*out.connection, BeamSamplerOptions{});
    absl::StatusOr<CaptureInfo> info = out.sampler->Describe(absl::FromChrono(interval));
    if (!info.ok()) return info.status();
    out.info = *std::move(info);
    return out;
  });
}

namespace {

MemorySession::Options SessionOptions(const CaptureInfo& info,
                                      std::chrono::milliseconds interval) {
  return {.label = QStringLiteral("BEAM node %1").arg(QString::fromStdString(info.node)),
          .source = Session::Source::kAttach,
          .live = true,
          .refresh_interval = interval};
}

}  // namespace

BeamSession::BeamSession(BeamConnected connected, std::chrono::milliseconds interval)
    : BeamSession(std::make_shared<MemoryRecording>(connected.info), std::move(connected),
                  interval) {}

BeamSession::BeamSession(std::shared_ptr<MemoryRecording> recording, BeamConnected&& connected,
                         std::chrono::milliseconds interval)
    : MemorySession(recording, SessionOptions(connected.info, interval)),
      connected_(std::move(connected)) {
  recorder_ = std::make_unique<BeamRecorder>(*connected_.connection, *connected_.sampler,
                                             BeamRecordOptions{absl::FromChrono(interval)});
  recorder_->AddSink(std::make_unique<SessionSink>(recording.get(), this));
  thread_ = std::thread([this] {
    const absl::Status s =
        recorder_->Run(connected_.info, [this] { return stop_.load(); }, nullptr);
    if (!s.ok()) {
      NotifyFailure(QStringLiteral("Recording of %1 ended: %2")
                        .arg(QString::fromStdString(connected_.info.node),
                             QString::fromUtf8(s.message().data(),
                                               static_cast<int>(s.message().size()))));
    }
  });
}

BeamSession::~BeamSession() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void BeamSession::SetRefreshInterval(std::chrono::milliseconds interval) {
  MemorySession::SetRefreshInterval(interval);
  recorder_->SetInterval(absl::FromChrono(refresh_interval()));
}

}  // namespace overseer
