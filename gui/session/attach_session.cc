#include "gui/session/attach_session.h"

#include <QMetaObject>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

#include "absl/time/time.h"
#include "probes/attach/client.h"
#include "probes/attach/endpoint.h"
#include "probes/capture/capture_reader.h"

namespace overseer {
namespace {

QString Q(absl::string_view s) {
  return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

}  // namespace

AttachClientTlsOptions TlsTrustFromText(const QString& text) {
  AttachClientTlsOptions tls;
  const std::string trust = text.trimmed().toStdString();
  if (trust.empty()) return tls;
  if (absl::StatusOr<std::string> pin = ParseTlsFingerprint(trust); pin.ok()) {
    tls.fingerprint = *pin;
  } else {
    tls.ca_file = trust;
  }
  return tls;
}

QFuture<AttachConnectResult> ConnectAttachAsync(const QString& endpoint,
                                                const QString& token,
                                                const QString& tls_trust) {
  std::string where = endpoint.trimmed().toStdString();
  std::string secret = token.trimmed().toStdString();
  AttachClientTlsOptions tls = TlsTrustFromText(tls_trust);
  return QtConcurrent::run([where, secret, tls]() -> AttachConnectResult {
    AttachClientOptions options;
    options.token = secret;
    options.tls = tls;
    options.viewer = "overseer";
    absl::StatusOr<std::unique_ptr<AttachClient>> client =
        AttachClient::Connect(where, std::move(options));
    if (!client.ok()) return client.status();
    return std::shared_ptr<AttachClient>(*std::move(client));
  });
}

absl::StatusOr<std::vector<AttachChoice>> ListAttachChoices() {
  absl::StatusOr<std::vector<EndpointInfo>> open = ListEndpoints();
  if (!open.ok()) return open.status();
  std::vector<AttachChoice> out;
  for (const EndpointInfo& e : *open) {
    out.push_back({QStringLiteral("%1 %2 (%3)").arg(e.pid).arg(
                       QString::fromStdString(e.program),
                       QString::fromStdString(e.endpoint.ToString())),
                   QString::number(e.pid)});
  }
  return out;
}

AttachSession::AttachSession(std::shared_ptr<AttachClient> client, QObject* parent)
    : Session(parent),
      client_(std::move(client)),
      interval_(absl::ToChronoMilliseconds(client_->welcome().interval)) {
  // The reader thread only grows the recording: polling it a few times a
  // second costs a lock and spares a cross-thread signal per chunk.
  connect(&poll_, &QTimer::timeout, this, &AttachSession::Poll);
  poll_.start(200);
  QMetaObject::invokeMethod(this, &AttachSession::Poll, Qt::QueuedConnection);
}

AttachSession::~AttachSession() { client_->Close(); }

const Recording& AttachSession::recording() const { return *client_->recording(); }

QString AttachSession::label() const {
  const AttachWelcome& w = client_->welcome();
  return QStringLiteral("attached to %1 (pid %2)")
      .arg(QString::fromStdString(w.program))
      .arg(w.pid);
}

bool AttachSession::is_live() const { return !ended_; }

void AttachSession::SetRefreshInterval(std::chrono::milliseconds interval) {
  if (interval.count() <= 0 || interval == interval_ || ended_) return;
  if (!client_->welcome().control_allowed) return;  // read-only endpoint
  // The program answers over the socket: never wait for it on this thread.
  std::shared_ptr<AttachClient> client = client_;
  QPointer<AttachSession> self(this);
  QtConcurrent::run([client, interval] {
    return client->SetInterval(absl::FromChrono(interval));
  }).then(this, [self](absl::StatusOr<absl::Duration> in_force) {
    if (!self || !in_force.ok()) return;
    self->interval_ = absl::ToChronoMilliseconds(*in_force);
    emit self->ControlsChanged();
  });
}

void AttachSession::SetPaused(bool paused) {
  if (paused == paused_) return;
  paused_ = paused;
  emit ControlsChanged();
}

void AttachSession::Poll() {
  size_t count = client_->recording()->sample_count();
  if (count != announced_) {
    announced_ = count;
    emit SamplesAdded(count);
  }
  if (ended_ || client_->running()) return;
  ended_ = true;
  poll_.stop();
  absl::Status status = client_->status();
  if (status.ok()) {
    emit ControlsChanged();  // ended cleanly: no longer live
  } else {
    ReportFailure(QStringLiteral("Connection to %1 lost: %2")
                      .arg(label(), Q(status.message())));
  }
}

}  // namespace overseer
