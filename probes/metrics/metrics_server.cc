#include "probes/metrics/metrics_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "probes/attach/socket_util.h"
#include "probes/metrics/exposition.h"

namespace overseer {
namespace {

using attach_internal::ErrnoError;
using attach_internal::SendAll;
using attach_internal::UniqueFd;
using attach_internal::WaitFd;

constexpr size_t kMaxRequestBytes = 16 * 1024;

struct Request {
  std::string method;
  std::string path;
  std::string accept;
};

// Reads the request line and headers (the body, if any, is ignored).
absl::StatusOr<Request> ReadRequest(int fd, absl::Time deadline) {
  std::string head;
  char buffer[2048];
  while (head.find("\r\n\r\n") == std::string::npos) {
    if (head.size() > kMaxRequestBytes) {
      return absl::InvalidArgumentError("request headers over 16 KiB");
    }
    if (absl::Status s = WaitFd(fd, false, deadline); !s.ok()) return s;
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n == 0) return absl::UnavailableError("the client closed the connection");
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return ErrnoError(errno, "reading a request");
    }
    head.append(buffer, static_cast<size_t>(n));
  }
  std::vector<absl::string_view> lines =
      absl::StrSplit(absl::string_view(head).substr(0, head.find("\r\n\r\n")), "\r\n");
  std::vector<absl::string_view> first = absl::StrSplit(lines[0], ' ', absl::SkipEmpty());
  if (first.size() != 3 || !absl::StartsWith(first[2], "HTTP/")) {
    return absl::InvalidArgumentError("not an HTTP request");
  }
  Request r{std::string(first[0]), std::string(first[1]), ""};
  r.path = r.path.substr(0, r.path.find('?'));
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) continue;
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(lines[i].substr(0, colon)),
                               "accept")) {
      r.accept = std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
    }
  }
  return r;
}

std::string Response(absl::string_view status, absl::string_view content_type,
                     absl::string_view body, bool head_only, absl::string_view extra = "") {
  return absl::StrCat("HTTP/1.1 ", status, "\r\nContent-Type: ", content_type,
                      "\r\nContent-Length: ", body.size(), "\r\n", extra,
                      "Connection: close\r\n\r\n", head_only ? "" : body);
}

}  // namespace

std::string MetricsAddress::ToString() const {
  return absl::StrContains(host, ':') ? absl::StrCat("[", host, "]:", port)
                                      : absl::StrCat(host, ":", port);
}

absl::StatusOr<MetricsAddress> ParseMetricsAddress(absl::string_view text) {
  MetricsAddress a;
  absl::string_view port = text;
  if (absl::StartsWith(text, "[")) {
    const size_t close = text.find("]:");
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", text, "': an IPv6 address is written [ADDRESS]:PORT"));
    }
    a.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else if (const size_t colon = text.rfind(':'); colon != absl::string_view::npos) {
    if (colon > 0) a.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  if (a.host == "localhost") a.host = "127.0.0.1";
  uint32_t number = 0;
  if (!absl::SimpleAtoi(port, &number) || number > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not HOST:PORT (a port is 0 to 65535)"));
  }
  a.port = static_cast<uint16_t>(number);
  return a;
}

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    NodeMetrics& metrics, MetricsServerOptions options) {
  MetricsAddress bound = options.address;
  absl::StatusOr<UniqueFd> listen =
      attach_internal::ListenTcp(options.address.host, options.address.port, &bound.port);
  if (!listen.ok()) {
    return absl::Status(listen.status().code(),
                        absl::StrCat("metrics endpoint ", options.address.ToString(), ": ",
                                     listen.status().message()));
  }
  int wake[2];
  if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    return ErrnoError(errno, "creating the metrics server's wake pipe");
  }
  return std::unique_ptr<MetricsServer>(new MetricsServer(
      metrics, std::move(options), listen->release(), wake[0], wake[1], std::move(bound)));
}

MetricsServer::MetricsServer(NodeMetrics& metrics, MetricsServerOptions options,
                             int listen_fd, int wake_read, int wake_write,
                             MetricsAddress bound)
    : metrics_(metrics),
      options_(std::move(options)),
      listen_fd_(listen_fd),
      wake_read_(wake_read),
      wake_write_(wake_write),
      bound_(std::move(bound)) {
  thread_ = std::thread([this] { Loop(); });
}

MetricsServer::~MetricsServer() {
  const char byte = 1;
  (void)!::write(wake_write_, &byte, 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_read_);
  ::close(wake_write_);
}

std::string MetricsServer::url() const {
  return absl::StrCat("http://", bound_.ToString(), "/metrics");
}

void MetricsServer::Loop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents & POLLIN) {
      UniqueFd client(::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC));
      if (client.valid()) Serve(client.get());
    }
  }
}

void MetricsServer::Serve(int fd) {
  const absl::Time deadline = absl::Now() + options_.request_timeout;
  absl::StatusOr<Request> request = ReadRequest(fd, deadline);
  std::string response;
  if (!request.ok()) {
    if (request.status().code() != absl::StatusCode::kInvalidArgument) return;
    response = Response("400 Bad Request", "text/plain; charset=utf-8",
                        absl::StrCat(request.status().message(), "\n"), false);
  } else {
    const bool head = request->method == "HEAD";
    if (request->method != "GET" && !head) {
      response = Response("405 Method Not Allowed", "text/plain; charset=utf-8",
                          "only GET and HEAD\n", false, "Allow: GET, HEAD\r\n");
    } else if (request->path == "/metrics") {
      scrapes_.fetch_add(1);
      const std::vector<MetricFamily> families = metrics_.Scrape();
      response = AcceptsOpenMetrics(request->accept)
                     ? Response("200 OK", kOpenMetricsContentType,
                                RenderOpenMetrics(families), head)
                     : Response("200 OK", kPrometheusTextContentType,
                                RenderPrometheusText(families), head);
    } else if (request->path == "/") {
      response = Response(
          "200 OK", "text/html; charset=utf-8",
          "<html><head><title>Overseer metrics</title></head><body><h1>Overseer "
          "metrics</h1><p><a href=\"/metrics\">/metrics</a>: the node's memory, "
          "mailboxes and top processes in the OpenMetrics text format.</p></body></html>\n",
          head);
    } else {
      response = Response("404 Not Found", "text/plain; charset=utf-8",
                          "not found: the metrics are at /metrics\n", head);
    }
  }
  (void)SendAll(fd, absl::MakeSpan(reinterpret_cast<const uint8_t*>(response.data()),
                                   response.size()),
                deadline);
  ::shutdown(fd, SHUT_WR);
}

}  // namespace overseer
