#include "probes/attach/viewer.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "probes/capture/byte_sink.h"

namespace overseer::attach_internal {
namespace {

constexpr size_t kReadPiece = 64 << 10;

void SignalEventFd(int fd) {
  const uint64_t one = 1;
  (void)!::write(fd, &one, sizeof(one));
}

void DrainEventFd(int fd) {
  uint64_t count = 0;
  (void)!::read(fd, &count, sizeof(count));
}

// Called by Await with state->mu held.
bool ReadyToStream(ServerState* s) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  return s->info.has_value() || s->ended || s->closing;
}

// A status of the same code whose message says what was being done.
absl::Status Doing(const absl::Status& s, absl::string_view what) {
  return absl::Status(s.code(), absl::StrCat(what, ": ", s.message()));
}

}  // namespace

std::vector<std::shared_ptr<Viewer>> ServerState::Viewers() const {
  absl::MutexLock lock(&mu);
  return viewers;
}

uint64_t ServerState::TotalDropped() const {
  absl::MutexLock lock(&mu);
  uint64_t total = retired_dropped;
  for (const auto& v : viewers) total += v->dropped();
  return total;
}

void ServerState::Wake() const { SignalEventFd(wake_fd.get()); }

Viewer::Viewer(std::shared_ptr<ServerState> state, UniqueFd fd, uint64_t id)
    : state_(std::move(state)),
      fd_(std::move(fd)),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      id_(id),
      peer_(PeerName(fd_.get())) {
  // One Write per chunk, so the queue holds whole chunks and control
  // replies slot in between them.
  // The writer is only used under writer_mu_, so its sink may count too.
  auto sink = std::make_unique<FunctionSink>([this](absl::Span<const uint8_t> b) {
    written_bytes_ += b.size();
    Enqueue(std::vector<uint8_t>(b.begin(), b.end()));
    return absl::OkStatus();
  });
  absl::MutexLock lock(&writer_mu_);
  writer_ = std::make_unique<CaptureWriter>(std::move(sink), state_->options.writer);
}

Viewer::~Viewer() = default;

void Viewer::Run() {
  handshake_deadline_ = absl::Now() + state_->options.handshake_timeout;
  absl::Status s = OpenTransport();
  if (s.ok()) s = Handshake();
  if (s.ok()) s = Stream();
  {
    absl::MutexLock lock(&writer_mu_);
    finished_ = true;  // the recorder stops offering samples to it
  }
  if (transport_ != nullptr) transport_->Shutdown();
  transport_.reset();
  fd_.reset();
  done_.store(true);
  state_->Wake();
}

void Viewer::Wake() const { SignalEventFd(wake_fd_.get()); }

void Viewer::RequestClose() {
  {
    absl::MutexLock lock(&queue_mu_);
    close_requested_ = true;
  }
  Wake();
}

bool Viewer::close_requested() const {
  absl::MutexLock lock(&queue_mu_);
  return close_requested_;
}

void Viewer::Enqueue(std::vector<uint8_t> bytes) {
  absl::MutexLock lock(&queue_mu_);
  queued_bytes_ += bytes.size();
  peak_queued_bytes_ = std::max(peak_queued_bytes_, queued_bytes_);
  queue_.push_back(std::move(bytes));
}

absl::StatusOr<uint8_t> Viewer::PeekFirstByte() {
  for (;;) {
    pollfd fds[2] = {{fd_.get(), POLLIN, 0}, {wake_fd_.get(), POLLIN, 0}};
    const int n = ::poll(fds, 2, PollTimeoutMs(handshake_deadline_));
    if (n < 0 && errno != EINTR) return ErrnoError(errno, "waiting for a viewer");
    if (close_requested()) return absl::CancelledError("the server is closing");
    if (n == 0 && absl::Now() >= handshake_deadline_) {
      return absl::DeadlineExceededError("the viewer sent nothing in time");
    }
    if (n <= 0 || fds[0].revents == 0) continue;
    uint8_t first = 0;
    const ssize_t got = ::recv(fd_.get(), &first, 1, MSG_PEEK | MSG_DONTWAIT);
    if (got == 1) return first;
    if (got == 0) return absl::UnavailableError("the viewer left");
    if (errno != EINTR && errno != EAGAIN) return ErrnoError(errno, "reading a viewer");
  }
}

absl::Status Viewer::OpenTransport() {
  if (state_->tls != nullptr) {
    absl::StatusOr<uint8_t> first = PeekFirstByte();
    if (!first.ok()) return first.status();
    if (*first == kTlsHandshakeRecord) {
      absl::StatusOr<std::unique_ptr<Transport>> tls =
          state_->tls->Accept(std::move(fd_), handshake_deadline_, wake_fd_.get());
      if (!tls.ok()) return tls.status();
      transport_ = *std::move(tls);
    } else {
      plain_on_tls_ = true;
    }
  }
  if (transport_ == nullptr) transport_ = MakePlainTransport(std::move(fd_));
  absl::MutexLock lock(&queue_mu_);
  transport_name_ = transport_->Describe();
  return absl::OkStatus();
}

absl::Status Viewer::RecvHello(absl::Span<uint8_t> out, absl::Time deadline) {
  const absl::Status s = RecvExactly(*transport_, out, deadline, wake_fd_.get());
  switch (s.code()) {
    case absl::StatusCode::kCancelled:
      return absl::CancelledError("the server is closing");
    case absl::StatusCode::kDeadlineExceeded:
      return absl::DeadlineExceededError("the viewer sent no hello in time");
    default:
      return s.ok() ? s : Doing(s, "reading a hello");
  }
}

absl::Status Viewer::Refuse(const absl::Status& why) {
  attach::pb::ServerHello hello;
  hello.set_code(static_cast<uint32_t>(why.code()));
  hello.set_message(std::string(why.message()));
  hello.set_pid(static_cast<uint64_t>(state_->os_pid));
  hello.set_program(state_->program);
  const absl::Time deadline = absl::Now() + state_->options.handshake_timeout;
  if (SendAll(*transport_, EncodeHello(hello), deadline).ok()) {
    // What is already here (the rest of a hello that was not read); bounded,
    // so a viewer that keeps sending cannot keep this thread.
    uint8_t scrap[4096];
    for (int i = 0; i < 16; ++i) {
      absl::StatusOr<IoResult> r = transport_->Read(absl::MakeSpan(scrap));
      if (!r.ok() || r->closed || r->bytes == 0) break;
    }
  }
  return why;
}

absl::Status Viewer::Handshake() {
  const absl::Time deadline = handshake_deadline_;
  uint8_t head[kHelloHeaderSize];
  // A peer that leaves before its hello (a discovery probe) gets nothing.
  if (absl::Status s = RecvHello(absl::MakeSpan(head), deadline); !s.ok()) {
    return s;
  }
  absl::StatusOr<HelloHeader> header = ParseHelloHeader(head);
  if (!header.ok()) return Refuse(header.status());
  if (absl::Status s = CheckHelloVersion(header->version, "viewer"); !s.ok()) {
    return Refuse(s);
  }
  std::vector<uint8_t> payload(header->payload_size);
  if (absl::Status s = RecvHello(absl::MakeSpan(payload), deadline); !s.ok()) {
    return s;
  }
  if (plain_on_tls_) {
    // Before the token is looked at: a plain connection learns nothing of it.
    return Refuse(absl::FailedPreconditionError(
        "this endpoint takes viewers over TLS only: attach with TLS, verifying its "
        "certificate (overseer-capture --tls-ca FILE or --tls-fingerprint SHA256)"));
  }
  attach::pb::ClientHello hello;
  if (!hello.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return Refuse(absl::InvalidArgumentError("the viewer's hello is malformed"));
  }
  if (!TokenMatches(hello.token(), state_->options.token)) {
    return Refuse(absl::PermissionDeniedError(hello.token().empty()
                                                  ? "this endpoint needs a token"
                                                  : "wrong token for this endpoint"));
  }
  {
    absl::MutexLock lock(&queue_mu_);
    viewer_name_ = hello.viewer().substr(0, 200);
  }
  int streaming = 0;
  for (const auto& v : state_->Viewers()) {
    streaming += v->streaming_flag_.load() && !v->done() ? 1 : 0;
  }
  if (streaming >= state_->options.max_viewers) {
    return Refuse(absl::ResourceExhaustedError(
        absl::StrCat("this program serves at most ", state_->options.max_viewers,
                     " viewers at once")));
  }
  // The stream starts with the run's description: wait for the recorder.
  CaptureInfo info;
  {
    absl::MutexLock lock(&state_->mu);
    state_->mu.Await(absl::Condition(&ReadyToStream, state_.get()));
    if (state_->closing) return absl::CancelledError("the server is closing");
    if (state_->ended) {
      return Refuse(absl::FailedPreconditionError("the program has stopped recording"));
    }
    info = *state_->info;
  }
  // Before the stream starts, so its capture info names the interval.
  ApplyHelloInterval(hello.interval_ns());
  return BeginStream(info);
}

absl::Status Viewer::BeginStream(const CaptureInfo& run_info) {
  CaptureInfo info = run_info;
  info.source = "attach";
  info.interval_ns = state_->interval_ns.load();
  {
    absl::MutexLock lock(&writer_mu_);
    if (finished_) {
      return Refuse(absl::FailedPreconditionError("the endpoint is closing"));
    }
    // Into the queue, which only this thread sends, after the hello below.
    if (absl::Status s = writer_->Begin(info); !s.ok()) return Refuse(s);
    streaming_ = true;
    streaming_flag_.store(true);
  }
  attach::pb::ServerHello hello;
  hello.set_pid(static_cast<uint64_t>(state_->os_pid));
  hello.set_program(state_->program);
  hello.set_control_allowed(state_->options.allow_control);
  hello.set_interval_ns(info.interval_ns);
  hello.set_viewer_id(id_);
  return SendAll(*transport_, EncodeHello(hello),
                 absl::Now() + state_->options.handshake_timeout);
}

absl::Status Viewer::Stream() {
  FrameSplitter splitter(FrameSplitter::Side::kFromViewer);
  absl::Time close_deadline = absl::InfiniteFuture();
  // What the transport last said it waits for (a TLS session may need the
  // socket writable to read, or readable to write).
  short read_wait = POLLIN;
  short write_wait = POLLOUT;
  for (;;) {
    bool closing = false;
    bool has_output = false;
    bool want_input = false;
    {
      absl::MutexLock lock(&queue_mu_);
      closing = close_requested_;
      has_output = !queue_.empty();
      // A viewer that does not read its replies cannot make the queue grow
      // by asking more: its requests wait in its socket.
      want_input = !closing && queued_bytes_ < state_->options.viewer_buffer_bytes;
    }
    if (closing && close_deadline == absl::InfiniteFuture()) {
      close_deadline = absl::Now() + state_->options.close_linger;
    }
    if (closing && !has_output) return absl::OkStatus();
    if (closing && absl::Now() >= close_deadline) {
      return absl::DeadlineExceededError("the viewer did not drain in time");
    }
    // Requests the session decrypted already are read without waiting.
    const bool buffered = want_input && transport_->HasBufferedInput();
    pollfd fds[2] = {
        {transport_->fd(),
         static_cast<short>((want_input ? read_wait : 0) | (has_output ? write_wait : 0)),
         0},
        {wake_fd_.get(), POLLIN, 0}};
    if (::poll(fds, 2, buffered ? 0 : PollTimeoutMs(close_deadline)) < 0 &&
        errno != EINTR) {
      return ErrnoError(errno, "waiting on a viewer");
    }
    if (fds[1].revents != 0) DrainEventFd(wake_fd_.get());
    const short ev = fds[0].revents;
    constexpr short kGone = POLLERR | POLLHUP | POLLNVAL;
    if (want_input && (buffered || (ev & (read_wait | kGone)) != 0)) {
      if (absl::Status s = ReadRequests(splitter, &read_wait); !s.ok()) return s;
    } else if ((ev & kGone) != 0) {
      return absl::UnavailableError("the viewer left");
    }
    if (has_output && (ev & write_wait) != 0) {
      if (absl::Status s = SendQueued(&write_wait); !s.ok()) return s;
    }
  }
}

absl::Status Viewer::SendQueued(short* wait) {
  absl::MutexLock lock(&queue_mu_);
  *wait = POLLOUT;
  while (!queue_.empty()) {
    const std::vector<uint8_t>& front = queue_.front();
    absl::StatusOr<IoResult> r =
        transport_->Write(absl::MakeConstSpan(front).subspan(front_sent_));
    if (!r.ok()) return Doing(r.status(), "sending to a viewer");
    if (r->bytes == 0) {
      *wait = r->wait;
      break;
    }
    front_sent_ += r->bytes;
    queued_bytes_ -= r->bytes;
    bytes_sent_.fetch_add(static_cast<uint64_t>(r->bytes));
    if (front_sent_ < front.size()) continue;
    queue_.pop_front();
    front_sent_ = 0;
  }
  return absl::OkStatus();
}

absl::Status Viewer::ReadRequests(FrameSplitter& splitter, short* wait) {
  uint8_t buffer[kReadPiece];
  absl::StatusOr<IoResult> r = transport_->Read(absl::MakeSpan(buffer));
  if (!r.ok()) return Doing(r.status(), "reading from a viewer");
  if (r->closed) return absl::UnavailableError("the viewer left");
  *wait = r->bytes == 0 ? r->wait : short{POLLIN};
  if (r->bytes == 0) return absl::OkStatus();
  splitter.Append(absl::MakeConstSpan(buffer, r->bytes));
  Piece piece;
  for (;;) {
    absl::StatusOr<bool> got = splitter.Next(&piece);
    absl::Status bad = got.status();
    attach::pb::ControlRequest request;
    if (bad.ok() && !*got) return absl::OkStatus();
    if (bad.ok() && piece.header.type == static_cast<uint8_t>(FrameType::kError)) {
      return absl::CancelledError("the viewer reported an error and left");
    }
    if (bad.ok() && piece.header.type == static_cast<uint8_t>(FrameType::kFinish)) {
      FinishStream();  // the index goes out, then the connection closes
      return absl::OkStatus();
    }
    if (bad.ok() &&
        piece.header.type != static_cast<uint8_t>(FrameType::kControlRequest)) {
      continue;  // a frame type of a later revision
    }
    if (bad.ok()) bad = DecodeFrame(piece.bytes, &request);
    if (!bad.ok()) {
      // Tell the viewer why, then close once that is sent.
      attach::pb::Error error;
      error.set_code(static_cast<uint32_t>(bad.code()));
      error.set_message(std::string(bad.message()));
      Enqueue(EncodeFrame(FrameType::kError, error));
      RequestClose();
      return absl::OkStatus();
    }
    Enqueue(EncodeFrame(FrameType::kControlReply, Control(request)));
  }
}

ViewerStats Viewer::stats() const {
  ViewerStats s;
  s.id = id_;
  s.peer = peer_;
  s.streaming = streaming_flag_.load() && !done_.load();
  s.samples_sent = sent_.load();
  s.samples_dropped = dropped_.load();
  s.bytes_sent = bytes_sent_.load();
  absl::MutexLock lock(&queue_mu_);
  s.viewer = viewer_name_;
  s.transport = transport_name_;
  s.queued_bytes = queued_bytes_;
  s.peak_queued_bytes = peak_queued_bytes_;
  s.largest_sample_bytes = largest_sample_;
  return s;
}

}  // namespace overseer::attach_internal
