#include "probes/attach/client.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "probes/attach/attach.pb.h"
#include "probes/attach/endpoint.h"
#include "probes/attach/protocol.h"
#include "probes/attach/socket_util.h"
#include "probes/attach/tls.h"
#include "probes/attach/transport.h"

namespace overseer {

using attach_internal::Transport;
using attach_internal::UniqueFd;

namespace {

// Connects to `where` and puts the socket under its transport: TLS when
// asked (verified before anything is sent), plain otherwise.
absl::StatusOr<std::unique_ptr<Transport>> OpenTransport(
    const Endpoint& where, const AttachClientTlsOptions& tls, absl::Time deadline) {
  const std::string name = where.ToString();
  if (where.kind == Endpoint::Kind::kUnix) {
    if (tls.on()) {
      return absl::InvalidArgumentError(absl::StrCat("TLS is for TCP endpoints; ", name,
                                                     " is a Unix socket, guarded by its "
                                                     "permissions"));
    }
    absl::StatusOr<UniqueFd> fd = attach_internal::ConnectUnix(where.path);
    if (!fd.ok()) return fd.status();
    return attach_internal::MakePlainTransport(*std::move(fd));
  }
  const attach_internal::TlsVerification verify{tls.ca_file, tls.fingerprint,
                                                tls.server_name};
  if (tls.on()) {
    if (absl::Status s = attach_internal::CheckTlsVerification(verify); !s.ok()) return s;
  }
  absl::StatusOr<UniqueFd> fd =
      attach_internal::ConnectTcp(where.host, where.port, deadline);
  if (!fd.ok()) return fd.status();
  if (!tls.on()) {
    if (!attach_internal::PeerIsLoopback(fd->get())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing to attach to ", name,
          " without TLS: it is not a loopback address, "
          "and the token would cross the network in clear text. Attach with TLS, "
          "verifying the program's certificate with a CA file or its SHA-256 "
          "fingerprint (overseer-capture --tls-ca FILE or --tls-fingerprint SHA256)"));
    }
    return attach_internal::MakePlainTransport(*std::move(fd));
  }
  absl::StatusOr<std::unique_ptr<Transport>> t =
      attach_internal::TlsConnect(*std::move(fd), where.host, verify, deadline);
  if (t.ok()) return t;
  const absl::Status& s = t.status();
  return absl::Status(s.code(),
                      absl::StrCat("TLS with ", name, " failed: ", s.message(),
                                   s.code() == absl::StatusCode::kFailedPrecondition
                                       ? " (attach to it without TLS)"
                                       : ""));
}

void Signal(int event_fd) {
  const uint64_t one = 1;
  (void)!::write(event_fd, &one, sizeof(one));
}

}  // namespace

struct AttachClient::Impl {
  AttachClientOptions options;
  AttachWelcome welcome;
  std::unique_ptr<Transport> transport;
  // Written when a send left decrypted input in the session, which the
  // reader, waiting on the socket, would not see.
  UniqueFd wake{::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};
  std::shared_ptr<StreamRecording> recording;
  std::thread reader;
  absl::Mutex write_mu;  // one frame at a time on the socket

  mutable absl::Mutex mu;
  absl::Status status ABSL_GUARDED_BY(mu);
  bool running ABSL_GUARDED_BY(mu) = true;
  bool closing ABSL_GUARDED_BY(mu) = false;
  bool complete ABSL_GUARDED_BY(mu) = false;
  uint64_t next_id ABSL_GUARDED_BY(mu) = 1;
  absl::flat_hash_map<uint64_t, attach::pb::ControlReply> replies ABSL_GUARDED_BY(mu);

  std::atomic<uint64_t> bytes_received{0};
  std::atomic<uint64_t> dropped{0};

  absl::Status Handshake(absl::Time deadline);
  // Sends one frame (thread-safe), by `deadline`.
  absl::Status Send(const std::vector<uint8_t>& frame, absl::Time deadline);
  void ReadLoop();
  absl::Status HandlePiece(const Piece& piece);
  void End(const absl::Status& why);
  absl::StatusOr<attach::pb::ControlReply> Request(attach::pb::ControlRequest request,
                                                   absl::Duration timeout);
};

absl::Status AttachClient::Impl::Handshake(absl::Time deadline) {
  attach::pb::ClientHello hello;
  hello.set_token(options.token);
  hello.set_viewer(options.viewer);
  hello.set_interval_ns(absl::ToInt64Nanoseconds(options.interval));
  if (absl::Status s = attach_internal::SendAll(*transport, EncodeHello(hello), deadline);
      !s.ok()) {
    return s;
  }
  uint8_t head[kHelloHeaderSize];
  absl::Status s =
      attach_internal::RecvExactly(*transport, absl::MakeSpan(head), deadline);
  if (!s.ok()) {
    return absl::Status(s.code(),
                        absl::StrCat("no hello from the program: ", s.message()));
  }
  absl::StatusOr<HelloHeader> header = ParseHelloHeader(head);
  if (!header.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(welcome.endpoint,
                     " is not an Overseer attach endpoint: ", header.status().message()));
  }
  // A newer program's hello payload may not parse here: judge the version
  // before reading it.
  if (header->version > kCaptureFormatVersion) {
    return CheckHelloVersion(header->version, "program");
  }
  std::vector<uint8_t> payload(header->payload_size);
  s = attach_internal::RecvExactly(*transport, absl::MakeSpan(payload), deadline);
  if (!s.ok()) return s;
  attach::pb::ServerHello reply;
  if (!reply.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return absl::InvalidArgumentError("the program's hello is malformed");
  }
  if (reply.code() != 0) {
    return StatusFromWire(reply.code(),
                          absl::StrCat(reply.program(), " (pid ", reply.pid(),
                                       ") refused to be attached: ", reply.message()));
  }
  if (absl::Status v = CheckHelloVersion(header->version, "program"); !v.ok()) {
    return v;
  }
  welcome.pid = static_cast<int>(reply.pid());
  welcome.program = reply.program();
  welcome.control_allowed = reply.control_allowed();
  welcome.interval = absl::Nanoseconds(reply.interval_ns());
  welcome.viewer_id = reply.viewer_id();
  welcome.transport = transport->Describe();
  return absl::OkStatus();
}

absl::Status AttachClient::Impl::Send(const std::vector<uint8_t>& frame,
                                      absl::Time deadline) {
  absl::MutexLock lock(&write_mu);
  absl::Status s = attach_internal::SendAll(*transport, frame, deadline);
  if (transport->HasBufferedInput()) Signal(wake.get());
  return s;
}

absl::Status AttachClient::Impl::HandlePiece(const Piece& piece) {
  if (piece.kind != Piece::Kind::kAttachFrame) {
    if (options.on_capture_bytes) options.on_capture_bytes(piece.bytes);
    if (piece.kind == Piece::Kind::kCaptureChunk &&
        piece.header.type == static_cast<uint8_t>(ChunkType::kIndex)) {
      absl::MutexLock lock(&mu);
      complete = true;
    }
    return recording ? recording->Feed(piece.bytes) : absl::OkStatus();
  }
  switch (static_cast<FrameType>(piece.header.type)) {
    case FrameType::kControlReply: {
      attach::pb::ControlReply reply;
      if (absl::Status s = DecodeFrame(piece.bytes, &reply); !s.ok()) return s;
      absl::MutexLock lock(&mu);
      replies[reply.id()] = std::move(reply);
      return absl::OkStatus();
    }
    case FrameType::kNotice: {
      attach::pb::Notice notice;
      if (absl::Status s = DecodeFrame(piece.bytes, &notice); !s.ok()) return s;
      dropped.store(notice.samples_dropped());
      return absl::OkStatus();
    }
    case FrameType::kError: {
      attach::pb::Error error;
      if (absl::Status s = DecodeFrame(piece.bytes, &error); !s.ok()) return s;
      absl::Status why = StatusFromWire(error.code(), error.message());
      return why.ok() ? absl::UnknownError("the program sent an empty error") : why;
    }
    default:
      return absl::OkStatus();  // a frame of a later revision
  }
}

void AttachClient::Impl::End(const absl::Status& why) {
  if (recording) recording->EndOfStream().IgnoreError();  // its status says
  absl::MutexLock lock(&mu);
  if (closing) {
    status = absl::CancelledError("the viewer closed the connection");
  } else if (why.ok() && complete) {
    status = absl::OkStatus();
  } else if (why.ok() || why.code() == absl::StatusCode::kUnavailable) {
    status = absl::UnavailableError(
        absl::StrCat("connection lost: ", why.ok() ? "the program closed it before "
                                                     "finishing the stream"
                                                   : why.message()));
  } else {
    status = why;
  }
  running = false;
}

void AttachClient::Impl::ReadLoop() {
  FrameSplitter splitter(FrameSplitter::Side::kFromProgram);
  std::vector<uint8_t> buffer(64 << 10);
  for (;;) {
    absl::StatusOr<attach_internal::IoResult> r = transport->Read(absl::MakeSpan(buffer));
    if (!r.ok()) {
      return End(absl::Status(
          r.status().code(), absl::StrCat("reading the stream: ", r.status().message())));
    }
    if (r->closed) return End(absl::OkStatus());
    if (r->bytes == 0) {
      // Close() shuts the socket down, which wakes this poll too.
      pollfd fds[2] = {{transport->fd(), r->wait, 0}, {wake.get(), POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 && errno != EINTR) {
        return End(attach_internal::ErrnoError(errno, "waiting for the stream"));
      }
      if (fds[1].revents != 0) {
        uint64_t count = 0;
        (void)!::read(wake.get(), &count, sizeof(count));
      }
      continue;
    }
    bytes_received.fetch_add(static_cast<uint64_t>(r->bytes));
    splitter.Append(absl::MakeConstSpan(buffer.data(), r->bytes));
    Piece piece;
    for (;;) {
      absl::StatusOr<bool> got = splitter.Next(&piece);
      if (!got.ok()) return End(got.status());
      if (!*got) break;
      if (absl::Status s = HandlePiece(piece); !s.ok()) return End(s);
    }
  }
}

absl::StatusOr<attach::pb::ControlReply> AttachClient::Impl::Request(
    attach::pb::ControlRequest request, absl::Duration timeout) {
  uint64_t id;
  {
    absl::MutexLock lock(&mu);
    if (!running) return absl::UnavailableError("the connection is gone");
    id = next_id++;
  }
  request.set_id(id);
  const absl::Time deadline = absl::Now() + timeout;
  if (absl::Status s = Send(EncodeFrame(FrameType::kControlRequest, request), deadline);
      !s.ok()) {
    return s;
  }
  absl::MutexLock lock(&mu);
  auto answered = [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return replies.contains(id) || !running;
  };
  mu.AwaitWithDeadline(absl::Condition(&answered), deadline);
  auto it = replies.find(id);
  if (it == replies.end()) {
    return running ? absl::DeadlineExceededError("the program did not answer in time")
                   : absl::UnavailableError("the connection is gone");
  }
  attach::pb::ControlReply reply = std::move(it->second);
  replies.erase(it);
  if (reply.code() != 0) return StatusFromWire(reply.code(), reply.message());
  return reply;
}

absl::StatusOr<std::unique_ptr<AttachClient>> AttachClient::Connect(
    absl::string_view endpoint, AttachClientOptions options) {
  absl::StatusOr<EndpointInfo> where = ResolveEndpoint(endpoint, options.directory);
  if (!where.ok()) return where.status();
  if (options.token.empty()) options.token = where->token;
  const absl::Time deadline = absl::Now() + options.timeout;
  // Found by pid: its file says whether it speaks TLS, and with what
  // certificate.
  if (where->tls && !options.tls.on()) {
    options.tls.enabled = true;
    options.tls.fingerprint = where->tls_fingerprint;
  }
  auto impl = std::make_unique<Impl>();
  if (!impl->wake.valid())
    return attach_internal::ErrnoError(errno, "creating an eventfd");
  impl->welcome.endpoint = where->endpoint.ToString();
  absl::StatusOr<std::unique_ptr<Transport>> transport =
      OpenTransport(where->endpoint, options.tls, deadline);
  if (!transport.ok()) return transport.status();
  impl->transport = *std::move(transport);
  impl->options = std::move(options);
  if (absl::Status s = impl->Handshake(deadline); !s.ok()) return s;
  if (impl->options.keep_recording) {
    impl->recording = std::make_shared<StreamRecording>();
  }
  Impl* raw = impl.get();
  impl->reader = std::thread([raw] { raw->ReadLoop(); });
  return std::unique_ptr<AttachClient>(new AttachClient(std::move(impl)));
}

absl::StatusOr<std::unique_ptr<AttachClient>> AttachClient::Connect(
    absl::string_view endpoint, std::string token) {
  AttachClientOptions options;
  options.token = std::move(token);
  return Connect(endpoint, std::move(options));
}

absl::StatusOr<std::string> ParseTlsFingerprint(absl::string_view text) {
  return attach_internal::ParseFingerprint(text);
}

AttachClient::AttachClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AttachClient::~AttachClient() { Close(); }

void AttachClient::Close() {
  {
    absl::MutexLock lock(&impl_->mu);
    if (impl_->running) impl_->closing = true;
  }
  // Wakes the reader; the descriptor itself closes with the Impl.
  impl_->transport->Shutdown();
  if (impl_->reader.joinable()) impl_->reader.join();
}

std::shared_ptr<StreamRecording> AttachClient::recording() const {
  return impl_->recording;
}

const AttachWelcome& AttachClient::welcome() const { return impl_->welcome; }

absl::Status AttachClient::status() const {
  absl::MutexLock lock(&impl_->mu);
  return impl_->status;
}

bool AttachClient::running() const {
  absl::MutexLock lock(&impl_->mu);
  return impl_->running;
}

bool AttachClient::WaitForEnd(absl::Duration timeout) const {
  absl::MutexLock lock(&impl_->mu);
  auto ended = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return !impl_->running; };
  return impl_->mu.AwaitWithTimeout(absl::Condition(&ended), timeout);
}

bool AttachClient::complete() const {
  absl::MutexLock lock(&impl_->mu);
  return impl_->complete;
}

absl::StatusOr<absl::Duration> AttachClient::SetInterval(absl::Duration interval,
                                                         absl::Duration timeout) {
  attach::pb::ControlRequest request;
  request.mutable_set_interval()->set_interval_ns(absl::ToInt64Nanoseconds(interval));
  absl::StatusOr<attach::pb::ControlReply> reply =
      impl_->Request(std::move(request), timeout);
  if (!reply.ok()) return reply.status();
  return absl::Nanoseconds(reply->interval_ns());
}

absl::StatusOr<ProcessDetail> AttachClient::Inspect(uint64_t pid, int preview,
                                                    absl::Duration timeout) {
  attach::pb::ControlRequest request;
  request.mutable_inspect()->set_pid(pid);
  request.mutable_inspect()->set_preview(static_cast<uint32_t>(std::max(preview, 0)));
  absl::StatusOr<attach::pb::ControlReply> reply =
      impl_->Request(std::move(request), timeout);
  if (!reply.ok()) return reply.status();
  return FromRecord(reply->detail());
}

absl::Status AttachClient::FinishStream(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  if (running()) {
    absl::Status s =
        impl_->Send(EncodeFrame(FrameType::kFinish, attach::pb::Finish()), deadline);
    if (!s.ok() && running()) return s;
  }
  if (!WaitForEnd(deadline - absl::Now())) {
    return absl::DeadlineExceededError("the program did not finish the stream in time");
  }
  return status();
}

uint64_t AttachClient::bytes_received() const { return impl_->bytes_received.load(); }
uint64_t AttachClient::samples_dropped() const { return impl_->dropped.load(); }

}  // namespace overseer
