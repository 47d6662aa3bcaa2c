// AttachSession: a running program observed live through its attach
// endpoint. It wraps an AttachClient, whose reader thread grows a
// StreamRecording; the session polls it on the GUI thread, announces new
// samples, and reports a lost connection once (what was received stays on
// show). The refresh interval asks the program to sample at another pace,
// when it allows control; pause holds the views where they are.
//
// Example:
//   ConnectAttachAsync("4242", "").then(window, [=](AttachConnectResult r) {
//     if (r.ok()) window->SetSession(std::make_unique<AttachSession>(*r));
//   });
//
// Thread contract: GUI thread only; ConnectAttachAsync may be called from it.
#ifndef OVERSEER_GUI_SESSION_ATTACH_SESSION_H_
#define OVERSEER_GUI_SESSION_ATTACH_SESSION_H_

#include <QFuture>
#include <QTimer>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "gui/session/session.h"
#include "probes/attach/client.h"

namespace overseer {

using AttachConnectResult = absl::StatusOr<std::shared_ptr<AttachClient>>;

// Connects to `endpoint` (a socket path, "tcp:HOST:PORT" or a pid) on a pool
// thread. `tls_trust`, for a TCP endpoint, asks for TLS: the program's
// SHA-256 fingerprint (as TlsTrustFromText reads it) or a PEM file of
// certificates to trust; empty: none (a pid's endpoint file may still say
// TLS). Errors: those of AttachClient::Connect. Thread-safe.
QFuture<AttachConnectResult> ConnectAttachAsync(const QString& endpoint,
                                                const QString& token,
                                                const QString& tls_trust = {});

// What the one TLS field of the attach dialog means: a SHA-256 fingerprint
// becomes a pin, anything else names a CA (or certificate) file; empty
// text asks for no TLS. Thread-safe (pure).
AttachClientTlsOptions TlsTrustFromText(const QString& text);

// The endpoints open on this machine, as "pid program (endpoint)" labels and
// the text to connect with. Errors: those of ListEndpoints. Thread-safe.
struct AttachChoice {
  QString label;
  QString endpoint;
};
absl::StatusOr<std::vector<AttachChoice>> ListAttachChoices();

class AttachSession final : public Session {
  Q_OBJECT

 public:
  explicit AttachSession(std::shared_ptr<AttachClient> client,
                         QObject* parent = nullptr);
  // Closes the connection.
  ~AttachSession() override;

  const Recording& recording() const override;
  Source source() const override { return Source::kAttach; }
  QString label() const override;
  bool is_live() const override;

  bool has_live_controls() const override { return true; }
  std::chrono::milliseconds refresh_interval() const override { return interval_; }
  void SetRefreshInterval(std::chrono::milliseconds interval) override;
  bool paused() const override { return paused_; }
  void SetPaused(bool paused) override;

 private:
  void Poll();

  std::shared_ptr<AttachClient> client_;
  QTimer poll_;
  size_t announced_ = 0;
  bool ended_ = false;
  bool paused_ = false;
  std::chrono::milliseconds interval_;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_SESSION_ATTACH_SESSION_H_
