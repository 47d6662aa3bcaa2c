// AttachClient: the viewer's side of live attach. It connects to an
// endpoint, does the handshake, and runs a reader thread that feeds the
// program's capture stream into a StreamRecording, which the GUI shows like
// any Recording while it grows. When the program allows control, it can
// change the sampling interval and ask one process to describe itself.
//
// Example:
//   absl::StatusOr<std::unique_ptr<AttachClient>> c =
//       AttachClient::Connect("/run/user/1000/overseer/4242-demo.sock");
//   if (!c.ok()) return c.status();          // unreachable, refused, newer
//   std::shared_ptr<StreamRecording> live = (*c)->recording();
//   ... live->sample_count() grows ...
//   if (!(*c)->status().ok()) ShowLost((*c)->status());
//   (*c)->Close();
//
// Thread contract: every method is thread-safe; callbacks run on the reader
// thread.
#ifndef OVERSEER_PROBES_ATTACH_CLIENT_H_
#define OVERSEER_PROBES_ATTACH_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "probes/capture/capture_reader.h"
#include "probes/model/model.h"

namespace overseer {

// TLS to a TCP endpoint. It is on when `enabled` is set or either way of
// verifying is given, and then the program's certificate is verified before
// anything (the token first of all) is sent: never silently unverified. An
// endpoint found by pid whose file says TLS turns it on with the
// fingerprint recorded there, as trustworthy as the token beside it.
struct AttachClientTlsOptions {
  bool enabled = false;
  // PEM certificates to trust: a CA, or the program's own certificate. The
  // program's certificate must then also name the host (or server_name).
  std::string ca_file;
  // The SHA-256 fingerprint the program's certificate must have: 64 hex
  // digits, colons between bytes optional ("AB:CD:...").
  std::string fingerprint;
  // The name the certificate must be for; empty: the host connected to.
  std::string server_name;
  bool on() const { return enabled || !ca_file.empty() || !fingerprint.empty(); }
};

struct AttachClientOptions {
  std::string token;                          // empty: the one found with a pid, if any
  std::string viewer = "viewer";              // the name the program records
  std::string directory;                      // where a pid is looked up; "": default
  AttachClientTlsOptions tls;                 // TCP only
  absl::Duration timeout = absl::Seconds(5);  // connect and handshake
  // The sampling interval to ask for before the stream starts (zero: the
  // program's). Honoured only when the program allows control; welcome()
  // says which interval is in force.
  absl::Duration interval = absl::ZeroDuration();
  // Keep a StreamRecording of everything received (the GUI). A recorder
  // that only writes the bytes through turns this off and uses the callback.
  bool keep_recording = true;
  // Each whole piece of the capture stream (its 16-byte file header, then
  // one chunk at a time), on the reader thread, before it is decoded.
  std::function<void(absl::Span<const uint8_t>)> on_capture_bytes;
};

// What the program said when it accepted the viewer.
struct AttachWelcome {
  std::string endpoint;
  int pid = 0;
  std::string program;
  bool control_allowed = false;
  absl::Duration interval;
  uint64_t viewer_id = 0;
  std::string transport;  // "plain", or the TLS version and cipher
};

// A SHA-256 certificate fingerprint as AttachClientTlsOptions takes it: 64
// hex digits, any case, colons between the bytes optional, an optional
// "sha256:" prefix. Returns it as "AB:CD:..." (as `openssl x509
// -fingerprint -sha256` prints it). Errors: InvalidArgument saying what it
// wants. Thread-safe (pure).
absl::StatusOr<std::string> ParseTlsFingerprint(absl::string_view text);

class AttachClient {
 public:
  // Connects to `endpoint`: a socket path, "tcp:HOST:PORT", or the pid of a
  // program with an endpoint open. Errors: NotFound or Unavailable (nothing
  // there), DeadlineExceeded, InvalidArgument (not an attach endpoint, a bad
  // endpoint string, TLS options that cannot work), PermissionDenied (wrong
  // or missing token; a certificate that failed verification, with the
  // reason), FailedPrecondition (plain TCP to an address beyond loopback,
  // which would send the token in clear text; TLS to an endpoint without
  // it, or plain to one that takes TLS only), Unimplemented (the program
  // speaks a newer format version; both named), or the program's reason
  // for refusing.
  static absl::StatusOr<std::unique_ptr<AttachClient>> Connect(
      absl::string_view endpoint, AttachClientOptions options = {});
  static absl::StatusOr<std::unique_ptr<AttachClient>> Connect(absl::string_view endpoint,
                                                               std::string token);

  // Close().
  ~AttachClient();
  AttachClient(const AttachClient&) = delete;
  AttachClient& operator=(const AttachClient&) = delete;

  // What was received so far; null when keep_recording is off.
  std::shared_ptr<StreamRecording> recording() const;
  const AttachWelcome& welcome() const;

  // OK while the stream goes on and after it ended cleanly (the program
  // finished it with its end index); once it stopped otherwise: Unavailable
  // "connection lost" with the reason, DataLoss for a damaged stream, or
  // the program's error frame. Cancelled after Close() cut it.
  absl::Status status() const;
  // True until the stream ended (cleanly or not) or Close().
  bool running() const;
  // Waits until the stream ends or `timeout` passes; true if it ended.
  bool WaitForEnd(absl::Duration timeout) const;
  // True once the end index arrived: the program closed the stream cleanly.
  bool complete() const;

  // Asks the program to sample every `interval` from now on. Returns the
  // interval in force (the program may round it up). Errors:
  // PermissionDenied (the program does not allow control), Unavailable (the
  // connection is gone), DeadlineExceeded (no answer within `timeout`).
  absl::StatusOr<absl::Duration> SetInterval(absl::Duration interval,
                                             absl::Duration timeout = absl::Seconds(5));

  // Asks process `pid` (the N of <0.N.0>) to describe its mailbox (up to
  // `preview` messages rendered) and what it holds. Errors as SetInterval,
  // plus NotFound when no such process is alive.
  absl::StatusOr<ProcessDetail> Inspect(uint64_t pid, int preview = 5,
                                        absl::Duration timeout = absl::Seconds(5));

  // Asks the program to end this viewer's stream cleanly (its end index,
  // then it closes the connection) and waits for the end. Returns status():
  // OK when the stream ended complete; DeadlineExceeded when it did not end
  // within `timeout` (the connection stays open; Close() cuts it).
  absl::Status FinishStream(absl::Duration timeout = absl::Seconds(5));

  uint64_t bytes_received() const;
  // Samples the program dropped for this viewer so far (it read too slowly).
  uint64_t samples_dropped() const;

  // Stops reading and closes the connection; the recording keeps what came.
  // Idempotent.
  void Close();

 private:
  struct Impl;
  explicit AttachClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_ATTACH_CLIENT_H_
