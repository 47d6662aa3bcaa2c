#include "probes/beam/beam_connection.h"

#include <arpa/inet.h>
#include <ei.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "probes/beam/epmd.h"

namespace overseer {

struct BeamConnection::State {
  ei_cnode node{};
  int fd = -1;
  ei_x_buff in{};
  ~State() {
    if (fd >= 0) ei_close_connection(fd);
    if (in.buff != nullptr) ei_x_free(&in);
  }
};

namespace {

// ei's timeouts are milliseconds, and 0 means "wait for ever".
unsigned TimeoutMs(absl::Duration d) {
  const int64_t ms = absl::ToInt64Milliseconds(d);
  return static_cast<unsigned>(std::clamp<int64_t>(ms, 1, 24 * 3600 * 1000));
}

std::string ThisHostShortName() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return "localhost";
  std::string h = host;
  return h.substr(0, h.find('.'));
}

absl::Status InitEi() {
  static std::once_flag once;
  static int rc = 0;
  std::call_once(once, [] {
    rc = ei_init();
    // ei writes to sockets with write(): a node that goes away must be an
    // error value, not the end of this program.
    struct sigaction old {};
    if (::sigaction(SIGPIPE, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) {
      ::signal(SIGPIPE, SIG_IGN);
    }
  });
  if (rc != 0) return absl::InternalError("erl_interface failed to initialise");
  return absl::OkStatus();
}

void EncodeArg(ei_x_buff* x, const RpcArg& a) {
  switch (a.type) {
    case RpcArg::Type::kAtom:
      ei_x_encode_atom_len(x, a.atom.data(), static_cast<int>(a.atom.size()));
      break;
    case RpcArg::Type::kPid: {
      erlang_pid p{};
      const size_t n = std::min(a.pid.node.size(), sizeof p.node - 1);
      a.pid.node.copy(p.node, n);
      p.node[n] = '\0';
      p.num = a.pid.number;
      p.serial = a.pid.serial;
      p.creation = a.pid.creation;
      ei_x_encode_pid(x, &p);
      break;
    }
    case RpcArg::Type::kAtomList:
      if (!a.atoms.empty()) ei_x_encode_list_header(x, static_cast<long>(a.atoms.size()));
      for (const std::string& s : a.atoms) {
        ei_x_encode_atom_len(x, s.data(), static_cast<int>(s.size()));
      }
      ei_x_encode_empty_list(x);
      break;
    case RpcArg::Type::kInteger:
      ei_x_encode_longlong(x, a.integer);
      break;
  }
}

// Why ei_connect failed, in words that name the node.
absl::Status Diagnose(const std::string& node, const std::string& alive,
                      const std::string& host, int error, absl::Duration timeout) {
  const std::string prefix = absl::StrCat("cannot connect to ", node, ": ");
  absl::StatusOr<std::vector<std::string>> names =
      beam_internal::EpmdNames(host, timeout);
  if (!names.ok()) {
    return absl::Status(names.status().code(),
                        absl::StrCat(prefix, names.status().message()));
  }
  if (std::find(names->begin(), names->end(), alive) == names->end()) {
    return absl::NotFoundError(absl::StrCat(
        prefix, "no node named '", alive, "' is running on ", host, " (epmd knows ",
        names->empty() ? "none" : absl::StrJoin(*names, ", "), ")"));
  }
  if (error == ETIMEDOUT) {
    return absl::DeadlineExceededError(
        absl::StrCat(prefix, "no handshake within ", absl::FormatDuration(timeout)));
  }
  return absl::PermissionDeniedError(
      absl::StrCat(prefix,
                   "the node refused the handshake; is the cookie right? (the node "
                   "logs the refused attempt)"));
}

// Sets up this program's node name in the target's style: a node started
// with -name (a host with dots) only talks to nodes with long names, one
// started with -sname only to short ones.
int InitNode(ei_cnode* ec, const std::string& alive, const std::string& target_host,
             const std::string& cookie, unsigned creation) {
  if (target_host.find('.') == std::string::npos) {
    return ei_connect_init(ec, alive.c_str(), cookie.c_str(), creation);
  }
  char host[256] = {};
  std::string self_host = "127.0.0.1";
  if (::gethostname(host, sizeof host - 1) == 0 && std::strchr(host, '.') != nullptr) {
    self_host = host;
  }
  const std::string self_node = absl::StrCat(alive, "@", self_host);
  // The address is only used to publish a listening node, which this is not.
  in_addr loopback{};
  ::inet_pton(AF_INET, "127.0.0.1", &loopback);
  return ei_connect_xinit(ec, self_host.c_str(), alive.c_str(), self_node.c_str(),
                          &loopback, cookie.c_str(), creation);
}

}  // namespace

std::string FullNodeName(absl::string_view node) {
  if (node.find('@') != absl::string_view::npos) return std::string(node);
  return absl::StrCat(node, "@", ThisHostShortName());
}

std::string DefaultCookieFile() {
  const char* home = std::getenv("HOME");
  return absl::StrCat(home != nullptr ? home : "", "/.erlang.cookie");
}

absl::StatusOr<std::string> ReadCookieFile(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0) {
    return absl::NotFoundError(absl::StrCat("no cookie file ", path));
  }
  std::ifstream in(path);
  if (!in) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot read the cookie file ", path));
  }
  std::string line;
  std::getline(in, line);
  std::string cookie(absl::StripAsciiWhitespace(line));
  if (cookie.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the cookie file ", path, " is empty"));
  }
  return cookie;
}

BeamConnection::BeamConnection(std::unique_ptr<State> state) : state_(std::move(state)) {}

BeamConnection::~BeamConnection() = default;

absl::StatusOr<std::unique_ptr<BeamConnection>> BeamConnection::Connect(
    const BeamConnectOptions& options) {
  if (absl::Status s = InitEi(); !s.ok()) return s;
  std::string node = FullNodeName(options.node);
  const size_t at = node.find('@');
  const std::string alive = node.substr(0, at);
  const std::string host = node.substr(at + 1);
  if (alive.empty() || host.empty() || node.size() >= MAXNODELEN) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", options.node, "' is not a node name (want name@host)"));
  }
  if (options.cookie.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no cookie to connect to ", node));
  }
  static std::atomic<unsigned> counter{0};
  const unsigned n = counter.fetch_add(1);
  const std::string self_alive = absl::StrCat("overseer_", ::getpid(), "_", n);
  auto state = std::make_unique<State>();
  const unsigned creation =
      static_cast<unsigned>((absl::ToUnixSeconds(absl::Now()) + n) % 0x7fff) + 1;
  if (InitNode(&state->node, self_alive, host, options.cookie, creation) < 0) {
    return absl::InternalError(absl::StrCat("cannot set up a node to reach ", node));
  }
  state->fd = ei_connect_tmo(&state->node, node.data(), TimeoutMs(options.timeout));
  if (state->fd < 0) return Diagnose(node, alive, host, erl_errno, options.timeout);
  ei_x_new(&state->in);
  std::unique_ptr<BeamConnection> c(new BeamConnection(std::move(state)));
  c->node_ = std::move(node);
  c->self_name_ = ei_thisnodename(&c->state_->node);
  return c;
}

absl::Status BeamConnection::Lost(absl::string_view what) const {
  return absl::UnavailableError(absl::StrCat("lost the connection to ", node_, " (", what,
                                             "): the node stopped or dropped us"));
}

absl::StatusOr<uint64_t> BeamConnection::Send(absl::string_view module,
                                              absl::string_view function,
                                              absl::Span<const RpcArg> args) {
  if (lost_) return Lost("closed before");
  const uint64_t tag = next_tag_++;
  // {'$gen_call', {Self, Tag}, {call, M, F, Args, user}}: a gen_server call
  // to rex, answered with {Tag, Result}, so replies can come in any order.
  ei_x_buff x;
  ei_x_new_with_version(&x);
  ei_x_encode_tuple_header(&x, 3);
  ei_x_encode_atom(&x, "$gen_call");
  ei_x_encode_tuple_header(&x, 2);
  ei_x_encode_pid(&x, ei_self(&state_->node));
  ei_x_encode_ulonglong(&x, tag);
  ei_x_encode_tuple_header(&x, 5);
  ei_x_encode_atom(&x, "call");
  ei_x_encode_atom_len(&x, module.data(), static_cast<int>(module.size()));
  ei_x_encode_atom_len(&x, function.data(), static_cast<int>(function.size()));
  if (!args.empty()) ei_x_encode_list_header(&x, static_cast<long>(args.size()));
  for (const RpcArg& a : args) EncodeArg(&x, a);
  ei_x_encode_empty_list(&x);
  ei_x_encode_atom(&x, "user");
  const int rc = ei_reg_send_tmo(&state_->node, state_->fd, const_cast<char*>("rex"),
                                 x.buff, x.index, 5000);
  ei_x_free(&x);
  if (rc < 0) {
    lost_ = true;
    return Lost("sending failed");
  }
  return tag;
}

absl::StatusOr<BeamConnection::Reply> BeamConnection::Receive(absl::Time deadline) {
  if (lost_) return Lost("closed before");
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(absl::StrCat(node_, " did not answer in time"));
    }
    erlang_msg msg{};
    const int rc = ei_xreceive_msg_tmo(state_->fd, &msg, &state_->in, TimeoutMs(left));
    if (rc == ERL_TICK) continue;
    if (rc == ERL_ERROR) {
      if (erl_errno == ETIMEDOUT) continue;  // the loop checks the deadline
      lost_ = true;
      return Lost("connection closed");
    }
    if (msg.msgtype != ERL_SEND && msg.msgtype != ERL_REG_SEND) continue;
    int index = 0;
    int version = 0;
    if (ei_decode_version(state_->in.buff, &index, &version) < 0) {
      return absl::DataLossError(
          absl::StrCat("a message from ", node_, " does not decode"));
    }
    absl::StatusOr<Term> t = DecodeTerm(state_->in.buff, state_->in.index, &index);
    if (!t.ok()) return t.status();
    if (!t->IsTuple(2) || t->items[0].type != Term::Type::kInteger) continue;
    return Reply{static_cast<uint64_t>(t->items[0].integer), std::move(t->items[1])};
  }
}

absl::StatusOr<Term> BeamConnection::Call(absl::string_view module,
                                          absl::string_view function,
                                          absl::Span<const RpcArg> args,
                                          absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<uint64_t> tag = Send(module, function, args);
  if (!tag.ok()) return tag.status();
  for (;;) {
    absl::StatusOr<Reply> r = Receive(deadline);
    if (!r.ok()) {
      if (absl::IsDeadlineExceeded(r.status())) {
        return absl::DeadlineExceededError(absl::StrCat(node_, " did not answer ", module,
                                                        ":", function, " within ",
                                                        absl::FormatDuration(timeout)));
      }
      return r.status();
    }
    if (r->tag != *tag) continue;
    if (r->value.IsTuple(2) && r->value.items[0].IsAtom("badrpc")) {
      return absl::InternalError(
          absl::StrCat(module, ":", function, " failed on ", node_));
    }
    return std::move(r->value);
  }
}

absl::Status BeamConnection::Idle(absl::Time deadline) {
  for (;;) {
    absl::StatusOr<Reply> r = Receive(deadline);
    if (!r.ok()) {
      return absl::IsDeadlineExceeded(r.status()) ? absl::OkStatus() : r.status();
    }
  }
}

}  // namespace overseer
