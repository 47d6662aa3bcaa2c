// BeamConnection: this program as a hidden node of a running Erlang or
// Elixir node (through erl_interface), calling functions that already exist
// on it (erlang:processes/0, erlang:process_info/2, ...) through its rpc
// server. Nothing is loaded onto the node and nothing on it is changed; the
// connection shows only in nodes(hidden) while it is open.
//
// Calls are pipelined: Send() returns at once with a tag, and Receive()
// hands back replies as they come, each with its tag, in any order (the
// node runs each call in a process of its own). A reply that nobody waits
// for any more (a call that timed out) is simply dropped by whoever reads it.
//
// The cookie is used for the handshake only and never appears in a message.
//
// Example:
//   absl::StatusOr<std::unique_ptr<BeamConnection>> c =
//       BeamConnection::Connect({.node = "shop@web1", .cookie = cookie});
//   absl::StatusOr<Term> pids =
//       (*c)->Call("erlang", "processes", {}, absl::Seconds(5));
//
// Thread contract: one thread uses a connection.
#ifndef OVERSEER_PROBES_BEAM_BEAM_CONNECTION_H_
#define OVERSEER_PROBES_BEAM_BEAM_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "probes/beam/term.h"

namespace overseer {

struct BeamConnectOptions {
  std::string node;    // "name@host", or "name" for a node on this host
  std::string cookie;  // the node's distribution cookie
  absl::Duration timeout = absl::Seconds(5);  // for the connection itself
};

// The node name as it will be used: "name" gets "@" and this host's short
// name. Thread-safe.
std::string FullNodeName(absl::string_view node);

// Reads a cookie file (e.g. ~/.erlang.cookie): its first line, without
// surrounding white space. Errors name the file, never its content:
// NotFound, PermissionDenied, InvalidArgument when it is empty.
absl::StatusOr<std::string> ReadCookieFile(const std::string& path);

// The default cookie file: $HOME/.erlang.cookie.
std::string DefaultCookieFile();

class BeamConnection {
 public:
  // Connects to the node. Errors name the node and say why:
  // Unavailable (epmd not reachable on its host: no node runs there),
  // NotFound (epmd there knows no node of that name; lists those it knows),
  // PermissionDenied (the node refused the handshake: a wrong cookie),
  // DeadlineExceeded, InvalidArgument (a malformed name or empty cookie).
  static absl::StatusOr<std::unique_ptr<BeamConnection>> Connect(
      const BeamConnectOptions& options);

  ~BeamConnection();  // closes the connection
  BeamConnection(const BeamConnection&) = delete;
  BeamConnection& operator=(const BeamConnection&) = delete;

  // The node's full name, e.g. "shop@web1".
  const std::string& node() const { return node_; }
  // This program's node name as the node sees it.
  const std::string& self_name() const { return self_name_; }

  // Asks the node to run module:function(args...); returns the tag the reply
  // will carry. Errors: Unavailable when the connection is gone.
  absl::StatusOr<uint64_t> Send(absl::string_view module, absl::string_view function,
                                absl::Span<const RpcArg> args);

  struct Reply {
    uint64_t tag = 0;
    Term value;  // what the function returned, or {badrpc, Reason}
  };
  // The next reply, waiting until `deadline`. Answers the node's ticks while
  // it waits. Errors: DeadlineExceeded when none came; Unavailable when the
  // connection is gone (the node stopped, or dropped us); DataLoss for a
  // reply that does not decode.
  absl::StatusOr<Reply> Receive(absl::Time deadline);

  // Send, then wait up to `timeout` for that reply (other replies that come
  // meanwhile are dropped). A {badrpc, Reason} reply is an Internal error
  // naming the call. Errors: as Send and Receive.
  absl::StatusOr<Term> Call(absl::string_view module, absl::string_view function,
                            absl::Span<const RpcArg> args, absl::Duration timeout);

  // Keeps the connection alive until `deadline` (answers ticks, drops stray
  // replies). Errors: Unavailable when the connection is gone.
  absl::Status Idle(absl::Time deadline);

 private:
  struct State;
  explicit BeamConnection(std::unique_ptr<State> state);
  absl::Status Lost(absl::string_view what) const;

  std::unique_ptr<State> state_;
  std::string node_;
  std::string self_name_;
  uint64_t next_tag_ = 1;
  bool lost_ = false;
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_BEAM_BEAM_CONNECTION_H_
