// MetricsServer: serves a NodeMetrics over HTTP, for Prometheus and any
// OpenMetrics scraper.
//
//   GET /metrics   the exposition: OpenMetrics when the Accept header asks
//                  for application/openmetrics-text (Prometheus does), the
//                  Prometheus text format 0.0.4 otherwise. Each GET of
//                  /metrics is a scrape: it starts the next peak window.
//   GET /          a short page that says what this is and links /metrics
//   anything else  404, or 405 for a method other than GET and HEAD
//
// It listens on loopback unless another address is given. One thread serves
// one connection at a time (a scrape is a few kilobytes), each bounded by
// request_timeout; connections are closed after each response.
//
// Example:
//   NodeMetrics metrics;
//   absl::StatusOr<std::unique_ptr<MetricsServer>> server =
//       MetricsServer::Start(metrics, {.address = "127.0.0.1", .port = 9464});
//   if (!server.ok()) return server.status();
//   std::cerr << "metrics on " << (*server)->url() << "\n";
#ifndef OVERSEER_PROBES_METRICS_METRICS_SERVER_H_
#define OVERSEER_PROBES_METRICS_METRICS_SERVER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "probes/metrics/node_metrics.h"

namespace overseer {

// Where the exporter listens.
struct MetricsAddress {
  std::string host = "127.0.0.1";  // a numeric IPv4 or IPv6 address
  uint16_t port = 9464;            // 0: any free port
  std::string ToString() const;    // "127.0.0.1:9464", "[::1]:9464"
};

// Parses "HOST:PORT", "[V6]:PORT", ":PORT" or "PORT" (both: loopback);
// "localhost" is 127.0.0.1. Errors: InvalidArgument naming what is wrong.
absl::StatusOr<MetricsAddress> ParseMetricsAddress(absl::string_view text);

struct MetricsServerOptions {
  MetricsAddress address;
  absl::Duration request_timeout = absl::Seconds(5);
};

class MetricsServer {
 public:
  // Binds and starts serving `metrics`, which must outlive the server.
  // Errors: the errno of bind(2) and listen(2) (an address in use names the
  // address).
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(
      NodeMetrics& metrics, MetricsServerOptions options = {});

  // Stops serving and joins.
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // The address in use (the port the kernel chose for port 0).
  const MetricsAddress& address() const { return bound_; }
  // "http://HOST:PORT/metrics".
  std::string url() const;
  // Scrapes of /metrics served so far. Thread-safe.
  uint64_t scrapes() const { return scrapes_.load(); }

 private:
  MetricsServer(NodeMetrics& metrics, MetricsServerOptions options, int listen_fd,
                int wake_read, int wake_write, MetricsAddress bound);
  void Loop();
  void Serve(int fd);

  NodeMetrics& metrics_;
  const MetricsServerOptions options_;
  const int listen_fd_;
  const int wake_read_;
  const int wake_write_;
  const MetricsAddress bound_;
  std::atomic<uint64_t> scrapes_{0};
  std::thread thread_;
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_METRICS_METRICS_SERVER_H_
