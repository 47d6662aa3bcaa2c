// TLS for attach connections, over OpenSSL 3. The program's side (TlsServer)
// loads its certificate and key once and runs the handshake on each accepted
// connection; the viewer's side (TlsConnect) verifies the program's
// certificate, against a CA file or a pinned SHA-256 fingerprint, before a
// byte of the attach protocol (and so the token) is sent. Both sides speak
// TLS 1.2 at least and prefer 1.3; renegotiation is off, so after the
// handshake a read never needs to write nor a write to read. The session
// writes with MSG_NOSIGNAL: a viewer that went away never raises SIGPIPE in
// the program. Internal to overseer::attach.
//
// Example (the program's side, on each connection's own thread):
//   absl::StatusOr<std::unique_ptr<TlsServer>> tls =
//       TlsServer::Load("attach.crt", "attach.key");     // once, at Open
//   absl::StatusOr<std::unique_ptr<Transport>> t =
//       (*tls)->Accept(std::move(fd), absl::Now() + absl::Seconds(5), wake_fd);
#ifndef OVERSEER_PROBES_ATTACH_TLS_H_
#define OVERSEER_PROBES_ATTACH_TLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "probes/attach/socket_util.h"
#include "probes/attach/transport.h"

namespace overseer::attach_internal {

// The first byte of a TLS handshake record: what a TLS viewer sends first.
inline constexpr uint8_t kTlsHandshakeRecord = 0x16;

class TlsServer {
 public:
  // Reads the PEM certificate (the program's own first, then any chain) and
  // its PEM private key (unencrypted). Errors name the file: NotFound or
  // PermissionDenied when it cannot be read, InvalidArgument with OpenSSL's
  // reason when it holds no usable certificate or key, or when the key does
  // not belong to the certificate.
  static absl::StatusOr<std::unique_ptr<TlsServer>> Load(
      const std::string& certificate_file, const std::string& key_file);
  ~TlsServer();
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  // The SHA-256 fingerprint of the certificate, "AB:CD:..." (32 bytes), as
  // `openssl x509 -fingerprint -sha256` prints it.
  const std::string& fingerprint() const;

  // Runs the TLS handshake on an accepted connection by `deadline`; gives
  // up when `cancel_fd` (if >= 0) becomes readable. Errors: Unavailable
  // naming OpenSSL's reason (the viewer does not speak TLS 1.2+, left, or
  // refused the certificate), DeadlineExceeded, Cancelled. Thread-safe.
  absl::StatusOr<std::unique_ptr<Transport>> Accept(UniqueFd fd, absl::Time deadline,
                                                    int cancel_fd) const;

 private:
  struct Impl;
  explicit TlsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// How a viewer checks the program's certificate. At least one of the two
// must be given; with both, both must pass.
struct TlsVerification {
  // PEM certificates to trust: a CA, or the program's own certificate. The
  // certificate must also name `server_name` (or the host connected to).
  std::string ca_file;
  // The SHA-256 fingerprint the program's certificate must have (as
  // ParseFingerprint accepts it).
  std::string fingerprint;
  // The name the certificate must be for, when not the host connected to.
  std::string server_name;
};

// OK when `verify` asks for a verification that can be made: a CA file or
// a well-formed fingerprint. Errors: InvalidArgument saying what is
// missing or wrong. Thread-safe (pure).
absl::Status CheckTlsVerification(const TlsVerification& verify);

// Runs the TLS handshake as the viewer on a connected socket to `host`, and
// verifies the program's certificate by `deadline`. Errors: those of
// CheckTlsVerification, InvalidArgument (a CA file that holds no
// certificate, naming it), NotFound or PermissionDenied (a CA file that
// cannot be read), PermissionDenied naming why the certificate is not
// trusted, FailedPrecondition when the peer answers in plain text (it has
// no TLS), Unavailable naming OpenSSL's reason for other failures,
// DeadlineExceeded.
absl::StatusOr<std::unique_ptr<Transport>> TlsConnect(UniqueFd fd,
                                                      const std::string& host,
                                                      const TlsVerification& verify,
                                                      absl::Time deadline);

// A SHA-256 fingerprint as 64 hex digits, in any case, with or without
// colons between the bytes and an optional "sha256:" prefix; returned as
// "AB:CD:...". Errors: InvalidArgument saying what it wants. Thread-safe.
absl::StatusOr<std::string> ParseFingerprint(absl::string_view text);

}  // namespace overseer::attach_internal

#endif  // OVERSEER_PROBES_ATTACH_TLS_H_
