#include "probes/attach/server.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "probes/attach/endpoint.h"
#include "probes/attach/socket_util.h"
#include "probes/attach/tls.h"
#include "probes/attach/viewer.h"

namespace overseer {

using attach_internal::ServerState;
using attach_internal::UniqueFd;
using attach_internal::Viewer;

namespace {

// The recorder's side of the server: hands each sample to every viewer.
// Owned by the Recorder; shares the state with the server.
class AttachSink final : public SampleSink {
 public:
  explicit AttachSink(std::shared_ptr<ServerState> state) : state_(std::move(state)) {}
  ~AttachSink() override {
    // The recorder (and, for all the server knows, the runtime) goes with
    // its sinks: control requests must not reach them any more.
    absl::MutexLock lock(&state_->control_mu);
    state_->runtime = nullptr;
    state_->recorder = nullptr;
  }

  absl::Status Begin(const CaptureInfo& info) override {
    absl::MutexLock lock(&state_->mu);
    state_->info = info;
    return absl::OkStatus();
  }

  absl::Status Write(const Snapshot& sample, absl::Span<const Event> events) override {
    for (const auto& viewer : state_->Viewers()) viewer->Offer(sample, events);
    return absl::OkStatus();
  }

  absl::Status End() override {
    {
      absl::MutexLock lock(&state_->mu);
      state_->ended = true;
    }
    for (const auto& viewer : state_->Viewers()) viewer->FinishStream();
    return absl::OkStatus();
  }

  uint64_t dropped() const override { return state_->TotalDropped(); }

 private:
  std::shared_ptr<ServerState> state_;
};

// Options that cannot work, before anything is opened.
absl::Status CheckTransportOptions(AttachOptions& options) {
  const bool tcp = options.transport == AttachOptions::Transport::kTcp;
  const AttachTlsOptions& tls = options.tls;
  if (tls.enabled() && !tcp) {
    return absl::InvalidArgumentError(
        "TLS is for TCP endpoints: a Unix socket is guarded by its permissions");
  }
  if (tls.enabled() && (tls.certificate_file.empty() || tls.key_file.empty())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TLS needs both a certificate file and its key file; only the ",
        tls.certificate_file.empty() ? "key" : "certificate", " file was given"));
  }
  if (!tcp) return absl::OkStatus();
  if (options.tcp_address == "localhost") options.tcp_address = "127.0.0.1";
  if (!tls.enabled() && !attach_internal::IsLoopbackAddress(options.tcp_address)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to open a TCP attach endpoint on ", options.tcp_address,
        " without TLS: it is not a loopback address, and the token would cross the "
        "network in clear text. Give a certificate and its key (AttachOptions::tls, "
        "or OVERSEER_ATTACH_TLS_CERT and OVERSEER_ATTACH_TLS_KEY), or listen on "
        "127.0.0.1"));
  }
  return absl::OkStatus();
}

std::string ExecutableName() {
  char path[4096];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
  return n > 0 ? std::string(path, static_cast<size_t>(n)) : "program";
}

}  // namespace

struct AttachServer::Impl {
  std::shared_ptr<ServerState> state;
  UniqueFd listener;
  std::string endpoint;
  std::string file;
  std::thread acceptor;
  uint64_t next_id = 1;
  struct Connection {
    std::shared_ptr<Viewer> viewer;
    std::thread thread;
  };
  std::vector<Connection> connections;  // the acceptor's, then Close's
  absl::Mutex close_mu;
  bool closed = false;

  // Opens the listening socket (and a TCP endpoint's file) at `stem`.
  absl::Status Listen(const AttachOptions& options, const std::string& stem);
  void AcceptLoop();
  void Accept();
  void Reap();
};

absl::Status AttachServer::Impl::Listen(const AttachOptions& options,
                                        const std::string& stem) {
  if (options.transport == AttachOptions::Transport::kUnix) {
    file = stem + ".sock";
    absl::StatusOr<UniqueFd> fd = attach_internal::ListenUnix(file, 0600);
    if (!fd.ok()) return fd.status();
    listener = *std::move(fd);
    endpoint = file;
    return absl::OkStatus();
  }
  uint16_t port = 0;
  absl::StatusOr<UniqueFd> fd =
      attach_internal::ListenTcp(options.tcp_address, options.tcp_port, &port);
  if (!fd.ok()) return fd.status();
  listener = *std::move(fd);
  const Endpoint e{Endpoint::Kind::kTcp, "", options.tcp_address, port};
  endpoint = e.ToString();
  file = stem + ".tcp";
  return WriteTcpEndpointFile(file, e, options.token,
                              state->tls != nullptr ? state->tls->fingerprint() : "");
}

void AttachServer::Impl::Reap() {
  for (auto it = connections.begin(); it != connections.end();) {
    if (!it->viewer->done()) {
      ++it;
      continue;
    }
    it->thread.join();
    {
      absl::MutexLock lock(&state->mu);
      state->retired_dropped += it->viewer->dropped();
      std::erase(state->viewers, it->viewer);
    }
    it = connections.erase(it);
  }
}

void AttachServer::Impl::Accept() {
  UniqueFd fd(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!fd.valid()) return;  // the peer gave up already, or a transient error
  // Handshakes run on the connection's own thread; a flood of connections
  // that never say hello is cut off here so threads stay bounded.
  if (connections.size() >= 2 * static_cast<size_t>(state->options.max_viewers)) {
    return;
  }
  auto viewer = std::make_shared<Viewer>(state, std::move(fd), next_id++);
  {
    absl::MutexLock lock(&state->mu);
    state->viewers.push_back(viewer);
  }
  connections.push_back({viewer, std::thread([viewer] { viewer->Run(); })});
}

void AttachServer::Impl::AcceptLoop() {
  for (;;) {
    pollfd fds[2] = {{listener.get(), POLLIN, 0}, {state->wake_fd.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) {
      uint64_t count = 0;
      (void)!::read(state->wake_fd.get(), &count, sizeof(count));
    }
    {
      absl::MutexLock lock(&state->mu);
      if (state->closing) return;
    }
    Reap();
    if ((fds[0].revents & POLLIN) != 0) Accept();
  }
}

absl::StatusOr<std::unique_ptr<AttachServer>> AttachServer::Open(Runtime& runtime,
                                                                 Recorder& recorder,
                                                                 AttachOptions options) {
  if (recorder.samples() > 0) {
    return absl::FailedPreconditionError(
        "open the attach endpoint before starting the recorder");
  }
  if (options.max_viewers < 1 || options.viewer_buffer_bytes == 0) {
    return absl::InvalidArgumentError(
        "max_viewers and viewer_buffer_bytes must be positive");
  }
  if (options.token.size() > kMaxTokenSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("a token is at most ", kMaxTokenSize, " bytes"));
  }
  if (absl::Status s = CheckTransportOptions(options); !s.ok()) return s;
  const bool tcp = options.transport == AttachOptions::Transport::kTcp;
  std::unique_ptr<attach_internal::TlsServer> tls;
  if (options.tls.enabled()) {
    absl::StatusOr<std::unique_ptr<attach_internal::TlsServer>> loaded =
        attach_internal::TlsServer::Load(options.tls.certificate_file,
                                         options.tls.key_file);
    if (!loaded.ok()) return loaded.status();
    tls = *std::move(loaded);
  }
  if (tcp && options.token.empty()) {
    absl::StatusOr<std::string> token = RandomToken();
    if (!token.ok()) return token.status();
    options.token = *token;
  }
  auto impl = std::make_unique<Impl>();
  auto state = std::make_shared<ServerState>();
  impl->state = state;
  state->os_pid = static_cast<int>(::getpid());
  state->tls = std::move(tls);
  state->program = options.program;
  if (state->program.empty()) state->program = recorder.info().program;
  if (state->program.empty()) state->program = ExecutableName();
  state->wake_fd.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!state->wake_fd.valid()) {
    return attach_internal::ErrnoError(errno, "creating an eventfd");
  }
  const std::string dir =
      options.directory.empty() ? DefaultAttachDirectory() : options.directory;
  if (absl::Status s = PrepareAttachDirectory(dir); !s.ok()) return s;
  const std::string stem =
      absl::StrCat(dir, "/", EndpointStem(state->os_pid, state->program));
  // Nothing below can fail, so a failed Open leaves no socket behind.
  if (absl::Status s = impl->Listen(options, stem); !s.ok()) return s;
  state->interval_ns.store(recorder.info().interval_ns);
  {
    absl::MutexLock lock(&state->control_mu);
    state->runtime = &runtime;
    state->recorder = &recorder;
  }
  state->options = std::move(options);
  recorder.AddSink(std::make_unique<AttachSink>(state));
  if (state->options.announce) {
    const std::string tls_note =
        state->tls != nullptr
            ? absl::StrCat(" TLS, certificate SHA-256 ", state->tls->fingerprint())
            : "";
    const std::string tcp_note =
        tcp ? absl::StrCat(" token ", state->options.token, tls_note, " (also in ",
                           impl->file, ")")
            : "";
    std::fprintf(stderr, "overseer: attach endpoint %s%s\n", impl->endpoint.c_str(),
                 tcp_note.c_str());
  }
  Impl* raw = impl.get();
  impl->acceptor = std::thread([raw] { raw->AcceptLoop(); });
  return std::unique_ptr<AttachServer>(new AttachServer(std::move(impl)));
}

AttachServer::AttachServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AttachServer::~AttachServer() { Close(); }

void AttachServer::Close() {
  absl::MutexLock close_lock(&impl_->close_mu);
  if (impl_->closed) return;
  impl_->closed = true;
  {
    absl::MutexLock lock(&impl_->state->mu);
    impl_->state->closing = true;
  }
  impl_->state->Wake();
  impl_->acceptor.join();
  impl_->listener.reset();
  ::unlink(impl_->file.c_str());
  for (auto& c : impl_->connections) c.viewer->FinishStream();
  for (auto& c : impl_->connections) c.thread.join();
  absl::MutexLock lock(&impl_->state->mu);
  for (const auto& v : impl_->state->viewers) {
    impl_->state->retired_dropped += v->dropped();
  }
  impl_->state->viewers.clear();
  impl_->connections.clear();
}

std::string AttachServer::endpoint() const { return impl_->endpoint; }
const std::string& AttachServer::token() const { return impl_->state->options.token; }
const std::string& AttachServer::file() const { return impl_->file; }

const std::string& AttachServer::tls_fingerprint() const {
  static const std::string* const kNone = new std::string();
  return impl_->state->tls != nullptr ? impl_->state->tls->fingerprint() : *kNone;
}

std::vector<ViewerStats> AttachServer::viewers() const {
  std::vector<ViewerStats> out;
  for (const auto& v : impl_->state->Viewers()) out.push_back(v->stats());
  return out;
}

uint64_t AttachServer::dropped() const { return impl_->state->TotalDropped(); }

}  // namespace overseer
