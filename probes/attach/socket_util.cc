#include "probes/attach/socket_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace overseer::attach_internal {
namespace {

constexpr int kBacklog = 16;

absl::StatusOr<sockaddr_un> UnixAddress(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat("socket path '", path,
                                                   "' is empty or longer than ",
                                                   sizeof(addr.sun_path) - 1, " bytes"));
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

}  // namespace

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

absl::Status ErrnoError(int error, const std::string& what) {
  absl::StatusCode code = absl::ErrnoToStatusCode(error);
  // A peer that went away is a lost connection to the caller.
  if (error == EPIPE || error == ECONNRESET || error == ECONNREFUSED) {
    code = absl::StatusCode::kUnavailable;
  }
  return absl::Status(code, absl::StrCat(what, ": ", ErrnoText(error)));
}

std::string ErrnoText(int error) {
  char buffer[256];
  return ::strerror_r(error, buffer, sizeof(buffer));  // the GNU form
}

absl::StatusOr<UniqueFd> ListenUnix(const std::string& path, unsigned mode) {
  absl::StatusOr<sockaddr_un> addr = UnixAddress(path);
  if (!addr.ok()) return addr.status();
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoError(errno, "creating a Unix socket");
  ::unlink(path.c_str());  // a stale socket of a dead program with our pid
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr)) != 0) {
    return ErrnoError(errno, absl::StrCat("binding ", path));
  }
  // The directory is 0700 already, so nobody else can reach the socket in
  // the moment between bind and chmod.
  if (::chmod(path.c_str(), mode) != 0) {
    const int error = errno;
    ::unlink(path.c_str());
    return ErrnoError(error, absl::StrCat("restricting ", path));
  }
  if (::listen(fd.get(), kBacklog) != 0) {
    const int error = errno;
    ::unlink(path.c_str());
    return ErrnoError(error, absl::StrCat("listening on ", path));
  }
  return fd;
}

absl::StatusOr<UniqueFd> ListenTcp(const std::string& address, uint16_t port,
                                   uint16_t* bound_port) {
  sockaddr_storage storage{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    len = sizeof(*v4);
  } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    len = sizeof(*v6);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("'", address, "' is not a numeric IPv4 or IPv6 address"));
  }
  UniqueFd fd(::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoError(errno, "creating a TCP socket");
  const int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  const std::string where = absl::StrCat(address, " port ", port);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&storage), len) != 0) {
    return ErrnoError(errno, absl::StrCat("binding ", where));
  }
  if (::listen(fd.get(), kBacklog) != 0) {
    return ErrnoError(errno, absl::StrCat("listening on ", where));
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof(bound);
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &bound_len);
  *bound_port = ntohs(bound.ss_family == AF_INET
                          ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                          : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  return fd;
}

absl::StatusOr<UniqueFd> ConnectUnix(const std::string& path) {
  absl::StatusOr<sockaddr_un> addr = UnixAddress(path);
  if (!addr.ok()) return addr.status();
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoError(errno, "creating a Unix socket");
  while (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr)) !=
         0) {
    if (errno == EINTR) continue;
    return ErrnoError(errno, absl::StrCat("connecting to ", path));
  }
  return fd;
}

absl::StatusOr<UniqueFd> ConnectTcp(const std::string& host, uint16_t port,
                                    absl::Time deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = absl::StrCat(port);
  const std::string where = absl::StrCat(host, ":", port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot resolve ", host, ": ", ::gai_strerror(rc)));
  }
  absl::Status last = absl::UnavailableError(absl::StrCat("no address for ", where));
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0));
    if (!fd.valid()) continue;
    if (absl::Status s = SetNonBlocking(fd.get(), true); !s.ok()) continue;
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last = ErrnoError(errno, absl::StrCat("connecting to ", where));
      continue;
    }
    last = WaitFd(fd.get(), /*for_write=*/true, deadline);
    int error = 0;
    socklen_t len = sizeof(error);
    if (last.ok()) ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &len);
    if (last.ok() && error != 0) {
      last = ErrnoError(error, absl::StrCat("connecting to ", where));
    }
    if (last.ok()) last = SetNonBlocking(fd.get(), false);
    if (last.ok()) {
      ::freeaddrinfo(found);
      return fd;
    }
  }
  ::freeaddrinfo(found);
  return last;
}

absl::Status SetNonBlocking(int fd, bool on) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return ErrnoError(errno, "reading socket flags");
  const int want = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  if (::fcntl(fd, F_SETFL, want) != 0) {
    return ErrnoError(errno, "setting socket flags");
  }
  return absl::OkStatus();
}

int PollTimeoutMs(absl::Time deadline) {
  if (deadline == absl::InfiniteFuture()) return -1;
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left), 1 << 30)) +
         1;
}

absl::Status WaitFd(int fd, bool for_write, absl::Time deadline) {
  for (;;) {
    pollfd p{fd, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    const int n = ::poll(&p, 1, PollTimeoutMs(deadline));
    if (n > 0) return absl::OkStatus();  // ready, or an error the call shows
    if (n < 0 && errno != EINTR) return ErrnoError(errno, "waiting on a socket");
    if (n == 0 && absl::Now() >= deadline) {
      return absl::DeadlineExceededError("the peer did not answer in time");
    }
  }
}

absl::Status SendAll(int fd, absl::Span<const uint8_t> bytes, absl::Time deadline) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (absl::Status s = WaitFd(fd, true, deadline); !s.ok()) return s;
      continue;
    }
    return ErrnoError(errno, "sending");
  }
  return absl::OkStatus();
}

absl::Status RecvExactly(int fd, absl::Span<uint8_t> out, absl::Time deadline) {
  while (!out.empty()) {
    if (absl::Status s = WaitFd(fd, false, deadline); !s.ok()) return s;
    const ssize_t n = ::recv(fd, out.data(), out.size(), MSG_DONTWAIT);
    if (n > 0) {
      out.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return absl::UnavailableError("the peer closed the connection");
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
    return ErrnoError(errno, "receiving");
  }
  return absl::OkStatus();
}

namespace {

bool IsLoopback(const in_addr& a) { return (ntohl(a.s_addr) >> 24) == 127; }

bool IsLoopback(const in6_addr& a) {
  if (IN6_IS_ADDR_LOOPBACK(&a)) return true;
  if (!IN6_IS_ADDR_V4MAPPED(&a)) return false;
  in_addr v4{};
  std::memcpy(&v4.s_addr, a.s6_addr + 12, 4);
  return IsLoopback(v4);
}

}  // namespace

bool IsLoopbackAddress(const std::string& address) {
  if (address == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, address.c_str(), &v4) == 1) return IsLoopback(v4);
  in6_addr v6{};
  if (::inet_pton(AF_INET6, address.c_str(), &v6) == 1) return IsLoopback(v6);
  return false;
}

bool PeerIsLoopback(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return false;
  if (addr.ss_family == AF_UNIX) return true;
  if (addr.ss_family == AF_INET) {
    return IsLoopback(reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr);
  }
  if (addr.ss_family == AF_INET6) {
    return IsLoopback(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr);
  }
  return false;
}

std::string PeerName(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return "unknown";
  }
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof(text));
    return absl::StrCat("tcp:", text, ":", ntohs(a->sin_port));
  }
  if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof(text));
    return absl::StrCat("tcp:[", text, "]:", ntohs(a->sin6_port));
  }
  return "unix";
}

}  // namespace overseer::attach_internal
