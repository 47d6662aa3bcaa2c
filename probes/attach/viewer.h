// One connected viewer of an AttachServer, and the state the server, its
// recorder sink and its viewers share. Internal to overseer::attach.
//
// Each viewer has one thread (Run) that does the handshake, then sends its
// queue and answers its control requests; the recorder's thread calls Offer
// with every sample. The two meet only at the queue, whose size Offer checks
// before it encodes anything: a full queue costs the recorder one comparison.
//
// Example (what the server does per connection):
//   auto viewer = std::make_shared<Viewer>(state, std::move(fd), id);
//   std::thread([viewer] { viewer->Run(); });
//   ... recorder thread: viewer->Offer(sample, events);
#ifndef OVERSEER_PROBES_ATTACH_VIEWER_H_
#define OVERSEER_PROBES_ATTACH_VIEWER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "core/runtime.h"
#include "probes/attach/attach.pb.h"
#include "probes/attach/protocol.h"
#include "probes/attach/server.h"
#include "probes/attach/socket_util.h"
#include "probes/attach/tls.h"
#include "probes/attach/transport.h"
#include "probes/capture/capture_writer.h"
#include "probes/sampler/recorder.h"

namespace overseer::attach_internal {

class Viewer;

struct ServerState {
  AttachOptions options;  // fixed once the server is open
  std::string program;
  int os_pid = 0;
  UniqueFd wake_fd;  // an eventfd: a viewer ended, or the server closes
  std::unique_ptr<const TlsServer> tls;  // null: viewers speak plain attach

  mutable absl::Mutex mu;
  std::optional<CaptureInfo> info ABSL_GUARDED_BY(mu);  // the recorder began
  bool ended ABSL_GUARDED_BY(mu) = false;               // the recorder ended its sinks
  bool closing ABSL_GUARDED_BY(mu) = false;             // the server is closing
  std::vector<std::shared_ptr<Viewer>> viewers ABSL_GUARDED_BY(mu);
  uint64_t retired_dropped ABSL_GUARDED_BY(mu) = 0;

  // Held (shared) while a control request uses them; cleared (exclusive)
  // when the recorder's sink is destroyed.
  absl::Mutex control_mu;
  Runtime* runtime ABSL_GUARDED_BY(control_mu) = nullptr;
  Recorder* recorder ABSL_GUARDED_BY(control_mu) = nullptr;
  std::atomic<int64_t> interval_ns{0};

  // The viewers now, to use without the lock.
  std::vector<std::shared_ptr<Viewer>> Viewers() const;
  uint64_t TotalDropped() const;
  void Wake() const;
};

class Viewer {
 public:
  Viewer(std::shared_ptr<ServerState> state, UniqueFd fd, uint64_t id);
  ~Viewer();
  Viewer(const Viewer&) = delete;
  Viewer& operator=(const Viewer&) = delete;

  // The connection's thread body: the TLS handshake (when the endpoint
  // has TLS), the attach handshake, then stream until the viewer goes or is
  // closed. Closes the socket before returning.
  void Run();

  // Recorder thread: encodes the sample (and the events since the previous
  // one) into this viewer's queue, or drops it when the queue is full.
  void Offer(const Snapshot& sample, absl::Span<const Event> events);

  // Any thread: ends the capture stream with its index, then closes once
  // the queue drained or close_linger passed.
  void FinishStream();

  bool done() const { return done_.load(); }
  uint64_t dropped() const { return dropped_.load(); }
  ViewerStats stats() const;

 private:
  // Puts the accepted socket under its transport: plain, or TLS once the
  // viewer completed the TLS handshake. A viewer that speaks plain attach
  // to a TLS endpoint gets a plain transport, and its hello a refusal.
  absl::Status OpenTransport();
  absl::StatusOr<uint8_t> PeekFirstByte();
  absl::Status Handshake();
  // Tells the viewer why it is refused, then reads what else it sent, so
  // that closing does not reset the connection before it read the reason.
  absl::Status Refuse(const absl::Status& why);
  absl::Status BeginStream(const CaptureInfo& run_info);
  absl::Status Stream();
  // Each reads or sends what it can; `*wait` gets the readiness to wait
  // for before calling again.
  absl::Status ReadRequests(FrameSplitter& splitter, short* wait);
  attach::pb::ControlReply Control(const attach::pb::ControlRequest& request);
  // Clamps and applies a new sampling interval; requires control_mu held
  // (shared) and the recorder present. Returns the interval in force.
  absl::StatusOr<absl::Duration> SetInterval(absl::Duration want);
  // The interval a viewer's hello asks for, when control is allowed.
  void ApplyHelloInterval(int64_t interval_ns);
  absl::Status SendQueued(short* wait);
  absl::Status RecvHello(absl::Span<uint8_t> out, absl::Time deadline);
  void Enqueue(std::vector<uint8_t> bytes);
  void RequestClose();
  bool close_requested() const;
  void Wake() const;

  const std::shared_ptr<ServerState> state_;
  UniqueFd fd_;  // until OpenTransport moves it into transport_
  std::unique_ptr<Transport> transport_;
  absl::Time handshake_deadline_;
  bool plain_on_tls_ = false;  // refuse the hello: this endpoint is TLS only
  UniqueFd wake_fd_;           // eventfd: the queue grew, or close was asked
  const uint64_t id_;
  std::string peer_;

  // Used by the recorder's thread (Offer) and, before streaming starts and
  // at the end, by this viewer's thread.
  absl::Mutex writer_mu_;
  std::unique_ptr<CaptureWriter> writer_ ABSL_GUARDED_BY(writer_mu_);
  bool streaming_ ABSL_GUARDED_BY(writer_mu_) = false;
  bool finished_ ABSL_GUARDED_BY(writer_mu_) = false;
  std::vector<Event> pending_events_ ABSL_GUARDED_BY(writer_mu_);
  uint64_t lost_events_ ABSL_GUARDED_BY(writer_mu_) = 0;
  uint64_t unreported_drops_ ABSL_GUARDED_BY(writer_mu_) = 0;
  size_t written_bytes_ = 0;  // by the last Offer; under writer_mu_

  mutable absl::Mutex queue_mu_;
  std::deque<std::vector<uint8_t>> queue_ ABSL_GUARDED_BY(queue_mu_);
  size_t front_sent_ ABSL_GUARDED_BY(queue_mu_) = 0;  // of queue_.front()
  size_t queued_bytes_ ABSL_GUARDED_BY(queue_mu_) = 0;
  size_t peak_queued_bytes_ ABSL_GUARDED_BY(queue_mu_) = 0;
  size_t largest_sample_ ABSL_GUARDED_BY(queue_mu_) = 0;
  bool close_requested_ ABSL_GUARDED_BY(queue_mu_) = false;
  std::string viewer_name_ ABSL_GUARDED_BY(queue_mu_);
  std::string transport_name_ ABSL_GUARDED_BY(queue_mu_);

  std::atomic<bool> done_{false};
  std::atomic<bool> streaming_flag_{false};
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> bytes_sent_{0};
};

}  // namespace overseer::attach_internal

#endif  // OVERSEER_PROBES_ATTACH_VIEWER_H_
