// BeamSession: a running Erlang or Elixir node, recorded live as a hidden
// node (probes/beam) and shown as any other run: the same samples, the same
// views. Connecting takes a network round trip or more, so it is done on a
// pool thread (ConnectBeamAsync); the session then reads the node on a
// thread of its own at the refresh interval, into its MemoryRecording.
//
// Example:
//   ConnectBeamAsync({.node = "shop@web1"}, 1000ms).then(window, [=](BeamConnectResult r) {
//     if (r.ok()) window->SetSession(std::make_unique<BeamSession>(*r, 1000ms));
//   });
//
// Thread contract: GUI thread only; ConnectBeamAsync may be called from any.
#ifndef OVERSEER_GUI_SESSION_BEAM_SESSION_H_
#define OVERSEER_GUI_SESSION_BEAM_SESSION_H_

#include <QFuture>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gui/session/memory_session.h"

namespace overseer {

class BeamConnection;
class BeamRecorder;
class BeamSampler;

// Which node, and how to prove we may.
struct BeamTarget {
  std::string node;         // "name@host", or "name" on this host
  std::string cookie_file;  // empty: ~/.erlang.cookie
  std::optional<std::string> cookie;  // instead of the file
  absl::Duration wait = absl::Seconds(10);
};

// A connection made and the node described, ready for a session.
struct BeamConnected {
  std::shared_ptr<BeamConnection> connection;
  std::shared_ptr<BeamSampler> sampler;
  CaptureInfo info;
};
using BeamConnectResult = absl::StatusOr<BeamConnected>;

// Reads the cookie, connects and describes the node, on a pool thread.
// Errors: those of ReadCookieFile, BeamConnection::Connect (the node is not
// running, a wrong cookie) and BeamSampler::Describe. Never the cookie.
QFuture<BeamConnectResult> ConnectBeamAsync(BeamTarget target,
                                            std::chrono::milliseconds interval);

class BeamSession final : public MemorySession {
  Q_OBJECT

 public:
  // Starts reading the node every `interval`.
  BeamSession(BeamConnected connected, std::chrono::milliseconds interval);
  // Stops reading and closes the connection; what was read stays.
  ~BeamSession() override;

  void SetRefreshInterval(std::chrono::milliseconds interval) override;

 private:
  // `connected` by reference: the recording is made from its info first.
  BeamSession(std::shared_ptr<MemoryRecording> recording, BeamConnected&& connected,
              std::chrono::milliseconds interval);

  BeamConnected connected_;
  std::unique_ptr<BeamRecorder> recorder_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace overseer

#endif  // OVERSEER_GUI_SESSION_BEAM_SESSION_H_
