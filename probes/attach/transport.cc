#include "probes/attach/transport.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <utility>

namespace overseer::attach_internal {
namespace {

class PlainTransport final : public Transport {
 public:
  explicit PlainTransport(UniqueFd fd) : fd_(std::move(fd)) {}

  int fd() const override { return fd_.get(); }

  absl::StatusOr<IoResult> Read(absl::Span<uint8_t> out) override {
    for (;;) {
      const ssize_t n = ::recv(fd_.get(), out.data(), out.size(), MSG_DONTWAIT);
      if (n > 0) return IoResult{static_cast<size_t>(n), false, 0};
      if (n == 0) return IoResult{0, true, 0};
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult{0, false, POLLIN};
      return ErrnoError(errno, "receiving");
    }
  }

  absl::StatusOr<IoResult> Write(absl::Span<const uint8_t> bytes) override {
    for (;;) {
      const ssize_t n =
          ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) return IoResult{static_cast<size_t>(n), false, 0};
      if (n == 0) return IoResult{0, false, POLLOUT};  // nothing offered
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult{0, false, POLLOUT};
      return ErrnoError(errno, "sending");
    }
  }

  bool HasBufferedInput() const override { return false; }
  void Shutdown() override { ::shutdown(fd_.get(), SHUT_RDWR); }
  std::string Describe() const override { return "plain"; }

 private:
  UniqueFd fd_;
};

}  // namespace

std::unique_ptr<Transport> MakePlainTransport(UniqueFd fd) {
  return std::make_unique<PlainTransport>(std::move(fd));
}

absl::Status WaitTransport(const Transport& t, short events, absl::Time deadline,
                           int cancel_fd) {
  if ((events & POLLIN) != 0 && t.HasBufferedInput()) return absl::OkStatus();
  for (;;) {
    pollfd fds[2] = {{t.fd(), events, 0}, {cancel_fd, POLLIN, 0}};
    const int n = ::poll(fds, cancel_fd >= 0 ? 2 : 1, PollTimeoutMs(deadline));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "waiting on a socket");
    }
    if (cancel_fd >= 0 && fds[1].revents != 0) {
      return absl::CancelledError("the connection is closing");
    }
    if (fds[0].revents != 0)
      return absl::OkStatus();  // ready, or an error the call shows
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError("the peer did not answer in time");
    }
  }
}

absl::Status SendAll(Transport& t, absl::Span<const uint8_t> bytes, absl::Time deadline,
                     int cancel_fd) {
  while (!bytes.empty()) {
    absl::StatusOr<IoResult> r = t.Write(bytes);
    if (!r.ok()) return r.status();
    bytes.remove_prefix(r->bytes);
    if (r->bytes > 0) continue;
    if (absl::Status s = WaitTransport(t, r->wait, deadline, cancel_fd); !s.ok())
      return s;
  }
  return absl::OkStatus();
}

absl::Status RecvExactly(Transport& t, absl::Span<uint8_t> out, absl::Time deadline,
                         int cancel_fd) {
  while (!out.empty()) {
    absl::StatusOr<IoResult> r = t.Read(out);
    if (!r.ok()) return r.status();
    if (r->closed) return absl::UnavailableError("the peer closed the connection");
    out.remove_prefix(r->bytes);
    if (r->bytes > 0) continue;
    if (absl::Status s = WaitTransport(t, r->wait, deadline, cancel_fd); !s.ok())
      return s;
  }
  return absl::OkStatus();
}

}  // namespace overseer::attach_internal
