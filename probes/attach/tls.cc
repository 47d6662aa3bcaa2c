#include "probes/attach/tls.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"

namespace overseer::attach_internal {
namespace {

constexpr size_t kMaxPemFile = size_t{1} << 20;
constexpr uint8_t kTlsAlertRecord = 0x15;

struct OpenSslFree {
  void operator()(BIO* p) const { BIO_free_all(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(SSL* p) const { SSL_free(p); }
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
  void operator()(X509* p) const { X509_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, OpenSslFree>;

// OpenSSL's reason for the first failure queued on this thread; empties the
// queue, so that the next call starts clean.
std::string OpenSslReason() {
  unsigned long first = 0;
  while (const unsigned long e = ERR_get_error()) {
    if (first == 0) first = e;
  }
  if (first == 0) return "no reason given";
  if (const char* reason = ERR_reason_error_string(first)) return reason;
  char text[256];
  ERR_error_string_n(first, text, sizeof(text));
  return text;
}

absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view what) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat("no ", what, " file"));
  const std::string doing = absl::StrCat("reading the ", what, " file ", path);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError(errno, doing);
  std::string text;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
    if (n == 0) return text;
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, doing);
    }
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > kMaxPemFile) {
      return absl::InvalidArgumentError(
          absl::StrCat("the ", what, " file ", path, " is over 1 MiB: not a PEM file"));
    }
  }
}

Owned<BIO> MemoryBio(const std::string& text) {
  return Owned<BIO>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Every PEM certificate in `path`, in order; at least one.
absl::StatusOr<std::vector<Owned<X509>>> ReadCertificates(const std::string& path,
                                                          absl::string_view what) {
  absl::StatusOr<std::string> text = ReadPemFile(path, what);
  if (!text.ok()) return text.status();
  Owned<BIO> bio = MemoryBio(*text);
  if (bio == nullptr) return absl::InternalError("OpenSSL: " + OpenSslReason());
  ERR_clear_error();
  std::vector<Owned<X509>> certs;
  while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs.emplace_back(c);
  }
  // The loop ends at the end of the text ("no start line") or at damage.
  const unsigned long last = ERR_peek_last_error();
  const bool at_end =
      ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
  if (certs.empty() || !at_end) {
    const std::string reason = OpenSslReason();
    return absl::InvalidArgumentError(
        certs.empty()
            ? absl::StrCat("the ", what, " file ", path,
                           " holds no PEM certificate (OpenSSL: ", reason, ")")
            : absl::StrCat("certificate ", certs.size() + 1, " in the ", what, " file ",
                           path, " is damaged (OpenSSL: ", reason, ")"));
  }
  ERR_clear_error();
  return certs;
}

// A passphrase callback that has none: an encrypted key fails to load
// instead of prompting on the program's terminal.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return -1; }

absl::StatusOr<Owned<EVP_PKEY>> ReadPrivateKey(const std::string& path) {
  absl::StatusOr<std::string> text = ReadPemFile(path, "key");
  if (!text.ok()) return text.status();
  Owned<BIO> bio = MemoryBio(*text);
  if (bio == nullptr) return absl::InternalError("OpenSSL: " + OpenSslReason());
  ERR_clear_error();
  Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("the key file ", path, " holds no usable PEM private key (OpenSSL: ",
                     OpenSslReason(), "); an encrypted key is not supported"));
  }
  return key;
}

std::string Fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (X509_digest(cert, EVP_sha256(), md, &size) != 1) return "";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    if (i > 0) out += ':';
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

// The settings both sides share.
void Configure(SSL_CTX* ctx) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                               SSL_OP_IGNORE_UNEXPECTED_EOF);
  // Writes report each record sent, as send(2) does, and a retry may come
  // from another address (the queue's front, or a caller's copy).
  SSL_CTX_set_mode(ctx,
                   SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

// The socket under a session: send(2) with MSG_NOSIGNAL (OpenSSL's own
// socket BIO writes with write(2), whose SIGPIPE would kill the program)
// and MSG_DONTWAIT, so the descriptor's own mode does not matter. It notes
// the first byte the peer sent, which tells a plain peer from a TLS one.
struct SocketState {
  int fd = -1;
  int first_byte = -1;  // -1: nothing received yet
};

int SocketOf(BIO* b) { return static_cast<SocketState*>(BIO_get_data(b))->fd; }

int BioWrite(BIO* b, const char* data, int size) {
  BIO_clear_retry_flags(b);
  for (;;) {
    const ssize_t n =
        ::send(SocketOf(b), data, static_cast<size_t>(size), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return static_cast<int>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_write(b);
    return -1;
  }
}

int BioRead(BIO* b, char* data, int size) {
  BIO_clear_retry_flags(b);
  for (;;) {
    const ssize_t n = ::recv(SocketOf(b), data, static_cast<size_t>(size), MSG_DONTWAIT);
    auto* state = static_cast<SocketState*>(BIO_get_data(b));
    if (n > 0 && state->first_byte < 0) state->first_byte = static_cast<uint8_t>(data[0]);
    if (n >= 0) return static_cast<int>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_read(b);
    return -1;
  }
}

long BioCtrl(BIO* /*b*/, int command, long /*num*/, void* /*ptr*/) {
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

int BioCreate(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

BIO_METHOD* SocketMethod() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
                                 "overseer attach socket");
    if (m != nullptr) {
      BIO_meth_set_write(m, BioWrite);
      BIO_meth_set_read(m, BioRead);
      BIO_meth_set_ctrl(m, BioCtrl);
      BIO_meth_set_create(m, BioCreate);
    }
    return m;
  }();
  return method;
}

// Puts the socket of `state` (which must outlive the session) under
// `ssl`. False when OpenSSL is out of memory.
bool AttachSocket(SSL* ssl, SocketState* state) {
  BIO_METHOD* method = SocketMethod();
  BIO* bio = method != nullptr ? BIO_new(method) : nullptr;
  if (bio == nullptr) return false;
  BIO_set_data(bio, state);
  SSL_set_bio(ssl, bio, bio);  // the session owns it
  return true;
}

// Asks the session to check that the certificate is for `name`.
void ExpectName(SSL* ssl, const std::string& name) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  in6_addr any{};
  if (::inet_pton(AF_INET, name.c_str(), &any) == 1 ||
      ::inet_pton(AF_INET6, name.c_str(), &any) == 1) {
    X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
    return;
  }
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
  SSL_set_tlsext_host_name(ssl, name.c_str());
}

int ClampSize(size_t n) { return static_cast<int>(std::min<size_t>(n, INT_MAX)); }

class TlsTransport final : public Transport {
 public:
  // A session over `fd`, as the server or as the client, before its
  // handshake.
  static absl::StatusOr<std::unique_ptr<TlsTransport>> Make(SSL_CTX* ctx, UniqueFd fd,
                                                            bool server) {
    auto t = std::make_unique<TlsTransport>(std::move(fd));
    absl::MutexLock lock(&t->mu_);
    t->ssl_.reset(SSL_new(ctx));
    if (t->ssl_ == nullptr || !AttachSocket(t->ssl_.get(), &t->socket_)) {
      return absl::ResourceExhaustedError("OpenSSL cannot make a session: " +
                                          OpenSslReason());
    }
    if (server) {
      SSL_set_accept_state(t->ssl_.get());
    } else {
      SSL_set_connect_state(t->ssl_.get());
    }
    return t;
  }

  explicit TlsTransport(UniqueFd fd) : fd_(std::move(fd)) { socket_.fd = fd_.get(); }

  int fd() const override { return fd_.get(); }

  absl::StatusOr<IoResult> Read(absl::Span<uint8_t> out) override {
    absl::MutexLock lock(&mu_);
    ERR_clear_error();
    errno = 0;
    const int n = SSL_read(ssl_.get(), out.data(), ClampSize(out.size()));
    const int saved = errno;
    if (n > 0) return IoResult{static_cast<size_t>(n), false, 0};
    return Failed(SSL_get_error(ssl_.get(), n), saved, "receiving");
  }

  absl::StatusOr<IoResult> Write(absl::Span<const uint8_t> bytes) override {
    absl::MutexLock lock(&mu_);
    ERR_clear_error();
    errno = 0;
    const int n = SSL_write(ssl_.get(), bytes.data(), ClampSize(bytes.size()));
    const int saved = errno;
    if (n > 0) return IoResult{static_cast<size_t>(n), false, 0};
    absl::StatusOr<IoResult> r = Failed(SSL_get_error(ssl_.get(), n), saved, "sending");
    if (r.ok() && r->closed) {
      return absl::UnavailableError("the peer closed the connection");
    }
    return r;
  }

  bool HasBufferedInput() const override {
    absl::MutexLock lock(&mu_);
    // Decrypted bytes only: a partial record in OpenSSL's buffer needs the
    // socket, and reporting it would spin a reader.
    return SSL_pending(ssl_.get()) > 0;
  }

  void Shutdown() override {
    absl::MutexLock lock(&mu_);
    if (shut_) return;
    shut_ = true;
    if (!broken_ && SSL_is_init_finished(ssl_.get()) == 1) {
      (void)SSL_shutdown(ssl_.get());  // close_notify, if the socket takes it now
    }
    ERR_clear_error();
    ::shutdown(fd_.get(), SHUT_RDWR);
  }

  std::string Describe() const override {
    absl::MutexLock lock(&mu_);
    return absl::StrCat(SSL_get_version(ssl_.get()), " ",
                        SSL_get_cipher_name(ssl_.get()));
  }

  // One step of the handshake: 0 when it is done, else POLLIN or POLLOUT to
  // wait for. Errors: PermissionDenied (the peer's certificate failed
  // verification), Unavailable with OpenSSL's reason or the errno.
  absl::StatusOr<short> HandshakeStep() {
    absl::MutexLock lock(&mu_);
    ERR_clear_error();
    errno = 0;
    const int rc = SSL_do_handshake(ssl_.get());
    const int saved = errno;
    if (rc == 1) return short{0};
    const int error = SSL_get_error(ssl_.get(), rc);
    if (error == SSL_ERROR_WANT_READ) return short{POLLIN};
    if (error == SSL_ERROR_WANT_WRITE) return short{POLLOUT};
    broken_ = true;
    if ((SSL_get_verify_mode(ssl_.get()) & SSL_VERIFY_PEER) != 0) {
      if (const long v = SSL_get_verify_result(ssl_.get()); v != X509_V_OK) {
        ERR_clear_error();
        return absl::PermissionDeniedError(X509_verify_cert_error_string(v));
      }
    }
    if (error == SSL_ERROR_SYSCALL || error == SSL_ERROR_ZERO_RETURN) {
      ERR_clear_error();
      if (saved != 0) return ErrnoError(saved, "during the TLS handshake");
      return absl::UnavailableError(
          "the peer closed the connection during the TLS handshake");
    }
    return absl::UnavailableError(
        absl::StrCat("the TLS handshake failed: ", OpenSslReason()));
  }

  // Client: the certificate must be for `name`, a host name or an address.
  void ExpectPeerName(const std::string& name) {
    absl::MutexLock lock(&mu_);
    ExpectName(ssl_.get(), name);
  }

  // True when the peer's first byte cannot begin a TLS record: it answered
  // in plain text.
  bool PeerSpokePlain() const {
    absl::MutexLock lock(&mu_);
    return socket_.first_byte >= 0 && socket_.first_byte != kTlsHandshakeRecord &&
           socket_.first_byte != kTlsAlertRecord;
  }

  // The fingerprint of the certificate the peer showed; empty if none.
  std::string PeerFingerprint() const {
    absl::MutexLock lock(&mu_);
    Owned<X509> peer(SSL_get1_peer_certificate(ssl_.get()));
    return peer != nullptr ? Fingerprint(peer.get()) : std::string();
  }

 private:
  absl::StatusOr<IoResult> Failed(int error, int saved_errno, const char* what)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    switch (error) {
      case SSL_ERROR_WANT_READ:
        return IoResult{0, false, POLLIN};
      case SSL_ERROR_WANT_WRITE:
        return IoResult{0, false, POLLOUT};
      case SSL_ERROR_ZERO_RETURN:
        return IoResult{0, true, 0};
      case SSL_ERROR_SYSCALL:
        broken_ = true;
        ERR_clear_error();
        if (saved_errno == 0) return IoResult{0, true, 0};
        return ErrnoError(saved_errno, what);
      default:
        broken_ = true;
        return absl::DataLossError(
            absl::StrCat("TLS failed while ", what, ": ", OpenSslReason()));
    }
  }

  UniqueFd fd_;  // closes after the session is freed
  mutable absl::Mutex mu_;
  SocketState socket_ ABSL_GUARDED_BY(mu_);  // its BIO's, used inside SSL calls
  Owned<SSL> ssl_ ABSL_GUARDED_BY(mu_);
  bool broken_ ABSL_GUARDED_BY(mu_) = false;  // no close_notify after a fatal error
  bool shut_ ABSL_GUARDED_BY(mu_) = false;
};

// Drives the handshake to its end. A peer whose first byte cannot begin a
// TLS record answered in plain text (a plain attach endpoint refuses a TLS
// hello in its own protocol): that is said rather than OpenSSL's reason.
absl::Status RunHandshake(TlsTransport& t, absl::Time deadline, int cancel_fd) {
  for (;;) {
    absl::StatusOr<short> wait = t.HandshakeStep();
    if (!wait.ok() && t.PeerSpokePlain()) {
      return absl::FailedPreconditionError(
          "the peer answered the TLS handshake in plain text: it is not a TLS endpoint");
    }
    if (!wait.ok()) return wait.status();
    if (*wait == 0) return absl::OkStatus();
    if (absl::Status s = WaitTransport(t, *wait, deadline, cancel_fd); !s.ok()) {
      return s.code() == absl::StatusCode::kDeadlineExceeded
                 ? absl::DeadlineExceededError("the TLS handshake did not finish in time")
                 : s;
    }
  }
}

}  // namespace

struct TlsServer::Impl {
  Owned<SSL_CTX> ctx;
  std::string fingerprint;
};

TlsServer::TlsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsServer::~TlsServer() = default;

absl::StatusOr<std::unique_ptr<TlsServer>> TlsServer::Load(
    const std::string& certificate_file, const std::string& key_file) {
  absl::StatusOr<std::vector<Owned<X509>>> certs =
      ReadCertificates(certificate_file, "certificate");
  if (!certs.ok()) return certs.status();
  absl::StatusOr<Owned<EVP_PKEY>> key = ReadPrivateKey(key_file);
  if (!key.ok()) return key.status();
  auto impl = std::make_unique<Impl>();
  impl->ctx.reset(SSL_CTX_new(TLS_server_method()));
  if (impl->ctx == nullptr) return absl::InternalError("OpenSSL: " + OpenSslReason());
  SSL_CTX* ctx = impl->ctx.get();
  Configure(ctx);
  // Viewers prove themselves with the token, inside the session; no
  // session tickets, so nothing follows the handshake unasked.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_num_tickets(ctx, 0);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  ERR_clear_error();
  if (SSL_CTX_use_certificate(ctx, (*certs)[0].get()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the certificate in ", certificate_file,
                     " is refused (OpenSSL: ", OpenSslReason(), ")"));
  }
  for (size_t i = 1; i < certs->size(); ++i) {
    if (SSL_CTX_add1_chain_cert(ctx, (*certs)[i].get()) != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("certificate ", i + 1, " in ", certificate_file,
                       " is refused (OpenSSL: ", OpenSslReason(), ")"));
    }
  }
  if (SSL_CTX_use_PrivateKey(ctx, key->get()) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the key in ", key_file, " does not belong to the certificate in ",
                     certificate_file, " (OpenSSL: ", OpenSslReason(), ")"));
  }
  impl->fingerprint = Fingerprint((*certs)[0].get());
  return std::unique_ptr<TlsServer>(new TlsServer(std::move(impl)));
}

const std::string& TlsServer::fingerprint() const { return impl_->fingerprint; }

absl::StatusOr<std::unique_ptr<Transport>> TlsServer::Accept(UniqueFd fd,
                                                             absl::Time deadline,
                                                             int cancel_fd) const {
  absl::StatusOr<std::unique_ptr<TlsTransport>> t =
      TlsTransport::Make(impl_->ctx.get(), std::move(fd), /*server=*/true);
  if (!t.ok()) return t.status();
  if (absl::Status s = RunHandshake(**t, deadline, cancel_fd); !s.ok()) return s;
  return std::unique_ptr<Transport>(*std::move(t));
}

absl::Status CheckTlsVerification(const TlsVerification& verify) {
  if (verify.ca_file.empty() && verify.fingerprint.empty()) {
    return absl::InvalidArgumentError(
        "TLS needs a way to verify the program: a CA (or certificate) file or its "
        "SHA-256 fingerprint; refusing to connect unverified");
  }
  if (verify.fingerprint.empty()) return absl::OkStatus();
  return ParseFingerprint(verify.fingerprint).status();
}

absl::StatusOr<std::unique_ptr<Transport>> TlsConnect(UniqueFd fd,
                                                      const std::string& host,
                                                      const TlsVerification& verify,
                                                      absl::Time deadline) {
  if (absl::Status s = CheckTlsVerification(verify); !s.ok()) return s;
  std::string pin;
  if (!verify.fingerprint.empty()) {
    absl::StatusOr<std::string> parsed = ParseFingerprint(verify.fingerprint);
    if (!parsed.ok()) return parsed.status();
    pin = *std::move(parsed);
  }
  Owned<SSL_CTX> ctx(SSL_CTX_new(TLS_client_method()));
  if (ctx == nullptr) return absl::InternalError("OpenSSL: " + OpenSslReason());
  Configure(ctx.get());
  if (!verify.ca_file.empty()) {
    absl::StatusOr<std::vector<Owned<X509>>> trusted =
        ReadCertificates(verify.ca_file, "CA");
    if (!trusted.ok()) return trusted.status();
    X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
    for (const Owned<X509>& c : *trusted) X509_STORE_add_cert(store, c.get());
    // The program's own certificate may stand in the file for its CA.
    X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  } else {
    // The pin, checked below before anything is sent, is the verification.
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  ERR_clear_error();
  absl::StatusOr<std::unique_ptr<TlsTransport>> made =
      TlsTransport::Make(ctx.get(), std::move(fd), /*server=*/false);
  if (!made.ok()) return made.status();
  std::unique_ptr<TlsTransport> t = *std::move(made);
  const std::string& name = verify.server_name.empty() ? host : verify.server_name;
  if (!verify.ca_file.empty()) t->ExpectPeerName(name);
  absl::Status s = RunHandshake(*t, deadline, -1);
  if (s.code() == absl::StatusCode::kPermissionDenied) {
    return absl::PermissionDeniedError(
        absl::StrCat("the program's certificate is not trusted: ", s.message(),
                     " (checked against ", verify.ca_file, " for '", name, "')"));
  }
  if (!s.ok()) return s;
  if (!pin.empty()) {
    const std::string seen = t->PeerFingerprint();
    if (seen.empty()) {
      return absl::PermissionDeniedError("the program showed no certificate");
    }
    if (seen != pin) {
      return absl::PermissionDeniedError(
          absl::StrCat("the program's certificate has SHA-256 fingerprint ", seen,
                       ", not the pinned ", pin));
    }
  }
  return t;
}

absl::StatusOr<std::string> ParseFingerprint(absl::string_view text) {
  absl::string_view digits = absl::StripAsciiWhitespace(text);
  if (digits.size() > 7 && absl::EqualsIgnoreCase(digits.substr(0, 7), "sha256:")) {
    digits.remove_prefix(7);
  }
  const std::string bare = absl::StrReplaceAll(digits, {{":", ""}});
  if (bare.size() != 64 || !std::all_of(bare.begin(), bare.end(), [](char c) {
        return absl::ascii_isxdigit(static_cast<unsigned char>(c));
      })) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text,
                     "' is not a SHA-256 fingerprint: it wants 64 hex digits (32 "
                     "bytes), with or without colons between the bytes"));
  }
  std::string out;
  for (size_t i = 0; i < bare.size(); i += 2) {
    if (i > 0) out += ':';
    out += absl::AsciiStrToUpper(bare.substr(i, 2));
  }
  return out;
}

}  // namespace overseer::attach_internal
