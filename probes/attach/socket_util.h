// Small POSIX socket helpers for the attach endpoint and its client: listen
// and connect on Unix and TCP sockets, and move bytes with a deadline. Every
// error is a status naming what was attempted. Internal to overseer::attach.
//
// Example:
//   absl::StatusOr<UniqueFd> fd = ConnectUnix("/run/user/1000/overseer/1-x.sock");
//   if (!fd.ok()) return fd.status();
//   RETURN_IF_ERROR(SendAll(fd->get(), hello, absl::Now() + absl::Seconds(5)));
#ifndef OVERSEER_PROBES_ATTACH_SOCKET_UTIL_H_
#define OVERSEER_PROBES_ATTACH_SOCKET_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace overseer::attach_internal {

// Owns a file descriptor and closes it. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A status for the errno `error` of doing `what`. Thread-safe.
absl::Status ErrnoError(int error, const std::string& what);

// The text of errno `error` (strerror, but thread-safe).
std::string ErrnoText(int error);

// Binds and listens on a Unix socket at `path` (a stale file there is
// replaced), then restricts it to mode `mode`.
absl::StatusOr<UniqueFd> ListenUnix(const std::string& path, unsigned mode);

// Binds and listens on TCP `address` (a numeric IPv4 or IPv6 address) and
// `port` (0: any free one); `*bound_port` gets the port in use.
absl::StatusOr<UniqueFd> ListenTcp(const std::string& address, uint16_t port,
                                   uint16_t* bound_port);

// Connects to a Unix socket or to TCP host:port (a name or an address),
// giving up at `deadline`. The socket is blocking.
absl::StatusOr<UniqueFd> ConnectUnix(const std::string& path);
absl::StatusOr<UniqueFd> ConnectTcp(const std::string& host, uint16_t port,
                                    absl::Time deadline);

absl::Status SetNonBlocking(int fd, bool on);

// The poll(2) timeout in milliseconds that ends at `deadline`, rounded up:
// -1 for the infinite future, 0 once it passed. Thread-safe.
int PollTimeoutMs(absl::Time deadline);

// Waits until `fd` is readable (or writable) or `deadline` passes:
// DeadlineExceeded then. Works on blocking and non-blocking sockets.
absl::Status WaitFd(int fd, bool for_write, absl::Time deadline);

// Sends all of `bytes` by `deadline`. Errors: DeadlineExceeded, or the
// errno of send(2) (a closed peer is Unavailable).
absl::Status SendAll(int fd, absl::Span<const uint8_t> bytes, absl::Time deadline);

// Receives exactly `out.size()` bytes by `deadline`. Errors: Unavailable
// when the peer closes first, DeadlineExceeded, the errno of recv(2).
absl::Status RecvExactly(int fd, absl::Span<uint8_t> out, absl::Time deadline);

// True for an address that only this machine can reach: 127.0.0.0/8, ::1,
// ::ffff:127.x.y.z, and "localhost". Anything else (0.0.0.0 and :: too,
// which mean every interface) is not. Thread-safe (pure).
bool IsLoopbackAddress(const std::string& address);

// True when the connected socket's peer is a loopback address (or the
// socket is a Unix one).
bool PeerIsLoopback(int fd);

// A "peer" description for logs: "unix" or "tcp:1.2.3.4:5678".
std::string PeerName(int fd);

}  // namespace overseer::attach_internal

#endif  // OVERSEER_PROBES_ATTACH_SOCKET_UTIL_H_
