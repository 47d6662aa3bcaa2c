// Transport: the bytes of one attach connection, over a plain socket or over
// a TLS session on one (tls.h). The server's viewers and the client move
// bytes only through it, so TLS is one implementation of this interface
// rather than a branch at every send and recv. Internal to overseer::attach.
//
// Every call is non-blocking: it moves what it can now and, when it can move
// nothing, says which readiness of fd() (POLLIN or POLLOUT) to wait for
// before trying again. A TLS session may need the socket writable in order
// to read, or readable in order to write, so a caller waits for what the
// result says, not for what it is doing. A TLS session may also hold
// decrypted bytes that poll(2) cannot see: while HasBufferedInput() is
// true, Read returns them without the socket being readable, and a reader
// must not wait on the socket.
//
// Example (what SendAll does):
//   while (!bytes.empty()) {
//     absl::StatusOr<IoResult> r = t.Write(bytes);
//     if (!r.ok()) return r.status();
//     bytes.remove_prefix(r->bytes);
//     if (r->bytes == 0) RETURN_IF_ERROR(WaitTransport(t, r->wait, deadline));
//   }
//
// Thread contract: Read, Write, HasBufferedInput and Shutdown are
// thread-safe (a TLS session serialises them), so one thread may read while
// another writes.
#ifndef OVERSEER_PROBES_ATTACH_TRANSPORT_H_
#define OVERSEER_PROBES_ATTACH_TRANSPORT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "probes/attach/socket_util.h"

namespace overseer::attach_internal {

// What one Read or Write did.
struct IoResult {
  size_t bytes = 0;     // moved by this call
  bool closed = false;  // Read: the peer ended the stream; nothing more comes
  // When nothing moved and the stream is not closed: POLLIN or POLLOUT, the
  // readiness of fd() to wait for before trying again.
  short wait = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // The socket, for poll(2). Owned by the transport.
  virtual int fd() const = 0;

  // Reads up to out.size() bytes. Errors: the errno of recv(2) (a reset
  // connection is Unavailable); for TLS, DataLoss for a damaged record.
  virtual absl::StatusOr<IoResult> Read(absl::Span<uint8_t> out) = 0;

  // Writes a prefix of `bytes`. After a result with bytes == 0, the next
  // Write must offer the same bytes again (TLS requires it). Errors: the
  // errno of send(2) (a closed peer is Unavailable).
  virtual absl::StatusOr<IoResult> Write(absl::Span<const uint8_t> bytes) = 0;

  // True when Read has bytes to return that poll(2) on fd() cannot see.
  virtual bool HasBufferedInput() const = 0;

  // Ends the connection: says goodbye if the socket takes it now (TLS: its
  // close_notify), then shuts the socket down both ways, which wakes any
  // thread waiting on it. Never blocks; idempotent. The descriptor stays
  // open until the transport is destroyed.
  virtual void Shutdown() = 0;

  // "plain", or the TLS version and cipher ("TLSv1.3 TLS_AES_256_GCM_SHA384").
  virtual std::string Describe() const = 0;
};

// A plain socket. The descriptor may be blocking or not: every call is
// non-blocking.
std::unique_ptr<Transport> MakePlainTransport(UniqueFd fd);

// Waits until fd() of `t` has the readiness `events` asks for (returns at
// once when `events` asks for POLLIN and the transport has buffered input),
// or `cancel_fd` (when >= 0) is readable, or `deadline` passes. Errors:
// Cancelled (cancel_fd), DeadlineExceeded, the errno of poll(2).
absl::Status WaitTransport(const Transport& t, short events, absl::Time deadline,
                           int cancel_fd = -1);

// Sends all of `bytes` by `deadline`. Errors: those of Write and
// WaitTransport.
absl::Status SendAll(Transport& t, absl::Span<const uint8_t> bytes, absl::Time deadline,
                     int cancel_fd = -1);

// Receives exactly out.size() bytes by `deadline`. Errors: Unavailable when
// the peer closes first, those of Read and WaitTransport.
absl::Status RecvExactly(Transport& t, absl::Span<uint8_t> out, absl::Time deadline,
                         int cancel_fd = -1);

}  // namespace overseer::attach_internal

#endif  // OVERSEER_PROBES_ATTACH_TRANSPORT_H_
