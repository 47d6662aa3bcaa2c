#include "probes/beam/epmd.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace overseer::beam_internal {
namespace {

std::string EpmdPort() {
  const char* env = std::getenv("ERL_EPMD_PORT");
  int port = 0;
  if (env != nullptr && absl::SimpleAtoi(env, &port) && port > 0 && port < 65536) {
    return absl::StrCat(port);
  }
  return "4369";
}

// Closes the socket when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

int RemainingMs(absl::Time deadline) {
  const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
  return ms < 1 ? 0 : static_cast<int>(std::min<int64_t>(ms, 60'000));
}

// Connects with a deadline; returns the connected socket or -1 (errno set).
int ConnectBefore(const addrinfo* a, absl::Time deadline) {
  const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          a->ai_protocol);
  if (fd < 0) return -1;
  if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) return fd;
  if (errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, RemainingMs(deadline)) == 1) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) return fd;
      errno = err;
    } else {
      errno = ETIMEDOUT;
    }
  }
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return -1;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> EpmdNames(const std::string& host,
                                                   absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  const std::string port = EpmdPort();
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot resolve host '", host, "': ", ::gai_strerror(rc)));
  }
  Fd sock;
  int error = 0;
  for (const addrinfo* a = found; a != nullptr && sock.fd < 0; a = a->ai_next) {
    sock.fd = ConnectBefore(a, deadline);
    if (sock.fd < 0) error = errno;
  }
  ::freeaddrinfo(found);
  if (sock.fd < 0) {
    return absl::UnavailableError(absl::StrCat("epmd is not reachable on ", host,
                                               " port ", port, " (", std::strerror(error),
                                               "): no Erlang node is running there"));
  }
  const unsigned char names_req[] = {0, 1, 110};  // NAMES_REQ
  if (::send(sock.fd, names_req, sizeof names_req, MSG_NOSIGNAL) !=
      static_cast<ssize_t>(sizeof names_req)) {
    return absl::UnavailableError(
        absl::StrCat("epmd on ", host, " closed the connection"));
  }
  std::string reply;
  for (;;) {
    pollfd p{sock.fd, POLLIN, 0};
    if (::poll(&p, 1, RemainingMs(deadline)) != 1) {
      return absl::DeadlineExceededError(
          absl::StrCat("epmd on ", host, " did not answer"));
    }
    char buf[1024];
    const ssize_t n = ::recv(sock.fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  if (reply.size() < 4) {
    return absl::UnavailableError(
        absl::StrCat("epmd on ", host, " sent no list of nodes"));
  }
  // After the 4-byte port: lines "name NAME at port N".
  std::vector<std::string> names;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(reply).substr(4), '\n')) {
    if (!absl::ConsumePrefix(&line, "name ")) continue;
    const size_t at = line.rfind(" at port ");
    if (at != absl::string_view::npos) names.emplace_back(line.substr(0, at));
  }
  return names;
}

}  // namespace overseer::beam_internal
