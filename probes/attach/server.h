// AttachServer: the live attach endpoint a program opens so that viewers
// (the GUI, overseer-capture) can watch its runtime as it runs.
//
// It adds a sink to the program's Recorder; every viewer that connects gets
// the recorder's samples and events as a capture stream of its own (the same
// bytes a capture file would hold, starting with a keyframe), from its own
// writer into its own bounded queue. A viewer that reads too slowly loses
// whole samples, never stalls the recorder or the runtime: when its queue is
// over `viewer_buffer_bytes` the sample is skipped for it (its writer never
// sees it, so its next delta is taken from the last sample it did get), the
// drop is counted, reported to it (a "dropped" event and a notice frame), and
// summed into the recorder's SystemSample::dropped_samples.
//
// By default the endpoint is a Unix socket only this user can open (0600 in
// a 0700 directory, see endpoint.h); TCP only when asked, on loopback unless
// an address is given, and then always with a token. TCP on an address
// other than loopback needs TLS too (a certificate and its key, in PEM
// files): every viewer then completes a TLS handshake before the attach
// protocol's hello, so the token only travels inside TLS. TLS may be asked
// for on loopback as well. Viewers are read-only unless `allow_control` is
// set: then they may change the sampling interval and ask one process to
// describe itself.
//
// Example:
//   Runtime rt;
//   Recorder rec(rt, {.program = "my-server"});
//   absl::StatusOr<std::unique_ptr<AttachServer>> attach =
//       AttachServer::Open(rt, rec, {});          // before rec.Start()
//   if (!attach.ok()) return attach.status();
//   RETURN_IF_ERROR(rec.Start());
//   ...
//   (void)rec.Stop();      // viewers get the end of their stream
//   attach->reset();       // before the recorder and the runtime go
#ifndef OVERSEER_PROBES_ATTACH_SERVER_H_
#define OVERSEER_PROBES_ATTACH_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/runtime.h"
#include "probes/capture/capture_writer.h"
#include "probes/sampler/recorder.h"

namespace overseer {

// TLS for a TCP endpoint: both files, or neither (no TLS).
struct AttachTlsOptions {
  std::string certificate_file;  // PEM: this program's certificate, then any chain
  std::string key_file;          // PEM: its private key, unencrypted
  bool enabled() const { return !certificate_file.empty() || !key_file.empty(); }
};

struct AttachOptions {
  enum class Transport { kUnix, kTcp };
  Transport transport = Transport::kUnix;
  // Where the socket or the .tcp file goes; empty: DefaultAttachDirectory().
  std::string directory;
  // The name in the endpoint's file name and in the hello; empty: the
  // recorder's program, else this executable's name.
  std::string program;
  // A numeric IPv4 or IPv6 address, or "localhost". Anything but loopback
  // (127.0.0.0/8, ::1) needs `tls`; 0.0.0.0 and :: (every interface) too.
  std::string tcp_address = "127.0.0.1";
  uint16_t tcp_port = 0;  // 0: any free port
  AttachTlsOptions tls;   // TCP only
  // What viewers must present. Empty: none over Unix (the socket's mode is
  // the check), a random one over TCP.
  std::string token;
  // Let viewers change the interval and inspect processes.
  bool allow_control = false;
  // A viewer's queue beyond which its samples are dropped. It holds at most
  // this plus one sample.
  size_t viewer_buffer_bytes = size_t{8} << 20;
  int max_viewers = 8;
  // Each viewer's stream: keyframes (a viewer that dropped samples resumes
  // with a delta from the last one it got) and compression.
  CaptureWriterOptions writer;
  absl::Duration handshake_timeout = absl::Seconds(5);
  absl::Duration inspect_timeout = absl::Seconds(2);
  // How long a closing viewer's queue may take to drain.
  absl::Duration close_linger = absl::Seconds(1);
  // Print the endpoint (and a TCP token) on stderr once open.
  bool announce = false;
};

// One connected viewer, as the program sees it.
struct ViewerStats {
  uint64_t id = 0;
  std::string peer;       // "unix" or "tcp:HOST:PORT"
  std::string viewer;     // the name it gave in its hello
  std::string transport;  // "plain", or the TLS version and cipher
  bool streaming = false;
  uint64_t samples_sent = 0;
  uint64_t samples_dropped = 0;
  uint64_t bytes_sent = 0;
  size_t queued_bytes = 0;
  size_t peak_queued_bytes = 0;
  size_t largest_sample_bytes = 0;  // the most one sample added to the queue
};

class AttachServer {
 public:
  // Opens the endpoint and adds its sink to `recorder`, which must not have
  // started yet (FailedPrecondition otherwise). `runtime` and `recorder`
  // must outlive the server's use of them: destroy the server first.
  // Errors: InvalidArgument (bad options, a path too long, a certificate or
  // key file that holds none, or a key of another certificate, each naming
  // the file and OpenSSL's reason), FailedPrecondition (TCP beyond loopback
  // without TLS, naming the address), NotFound or PermissionDenied (a
  // certificate or key file that cannot be read), PermissionDenied (a
  // directory owned by someone else), the errno of socket calls.
  static absl::StatusOr<std::unique_ptr<AttachServer>> Open(Runtime& runtime,
                                                            Recorder& recorder,
                                                            AttachOptions options);

  // Close().
  ~AttachServer();
  AttachServer(const AttachServer&) = delete;
  AttachServer& operator=(const AttachServer&) = delete;

  // Stops accepting, ends every viewer's stream cleanly (its end index),
  // lets each drain for up to close_linger, and removes the endpoint's
  // files. Idempotent. Thread-safe.
  void Close();

  // The socket path or "tcp:HOST:PORT", for AttachClient::Connect.
  std::string endpoint() const;
  // The token viewers must present (empty for a Unix socket without one).
  const std::string& token() const;
  // The SHA-256 fingerprint of the TLS certificate ("AB:CD:..."), which a
  // viewer may pin; empty without TLS.
  const std::string& tls_fingerprint() const;
  // The socket, or the .tcp file holding the address and the token.
  const std::string& file() const;
  // Every viewer connected now. Thread-safe.
  std::vector<ViewerStats> viewers() const;
  // Samples dropped for all viewers, those gone included. Thread-safe.
  uint64_t dropped() const;

 private:
  struct Impl;
  explicit AttachServer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_ATTACH_SERVER_H_
