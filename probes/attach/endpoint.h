// Where attach endpoints live and how they are named, parsed and found.
//
// Every program with an endpoint open leaves an entry in one directory per
// user: $XDG_RUNTIME_DIR/overseer, or /tmp/overseer-<uid> when that variable
// is unset; the directory is mode 0700 and owned by the user. A Unix endpoint
// is the socket itself, `<pid>-<program>.sock`, mode 0600. A TCP endpoint is
// a 0600 file `<pid>-<program>.tcp` whose lines are the address
// ("tcp:127.0.0.1:40123"), "token <hex>" and, when the endpoint speaks TLS,
// "tls sha256 <fingerprint>" (its certificate's, "AB:CD:..."), so a viewer
// on this machine knows to use TLS and what certificate to expect.
//
// Example:
//   absl::StatusOr<std::vector<EndpointInfo>> open = ListEndpoints();
//   for (const EndpointInfo& e : *open)
//     std::cout << e.pid << " " << e.program << " " << e.endpoint.ToString();
#ifndef OVERSEER_PROBES_ATTACH_ENDPOINT_H_
#define OVERSEER_PROBES_ATTACH_ENDPOINT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace overseer {

// An address a viewer can connect to.
struct Endpoint {
  enum class Kind { kUnix, kTcp };
  Kind kind = Kind::kUnix;
  std::string path;  // kUnix: the socket
  std::string host;  // kTcp
  uint16_t port = 0;

  // The socket path, or "tcp:HOST:PORT" (IPv6 hosts in brackets).
  std::string ToString() const;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// Parses "tcp:HOST:PORT" (HOST may be "[v6]") or a socket path (anything
// else that is not empty). Errors: InvalidArgument with what is wrong.
// Thread-safe (pure).
absl::StatusOr<Endpoint> ParseEndpoint(absl::string_view text);

// One endpoint found on this machine.
struct EndpointInfo {
  Endpoint endpoint;
  int pid = 0;
  std::string program;
  std::string token;  // TCP: read from its file; Unix: empty
  // TCP with TLS: its certificate's SHA-256 fingerprint, from its file.
  bool tls = false;
  std::string tls_fingerprint;
  std::string file;  // the socket or the .tcp file
};

// $XDG_RUNTIME_DIR/overseer, or /tmp/overseer-<uid>. Thread-safe.
std::string DefaultAttachDirectory();

// Creates `directory` (and a missing parent) as 0700, or checks the one there:
// it must be a real directory owned by this user; group or other access is
// removed. Errors: PermissionDenied when it belongs to someone else or is a
// symlink, the errno of mkdir(2) otherwise.
absl::Status PrepareAttachDirectory(const std::string& directory);

// The file stem for this process: "<pid>-<program>" with the program's
// basename reduced to [A-Za-z0-9._-] and at most 40 characters.
std::string EndpointStem(int pid, absl::string_view program);

// Lists the endpoints open in `directory` (empty: the default), each checked
// alive: a Unix socket must accept a connection, a TCP entry's process must
// exist. Entries of dead processes are removed. A missing directory is an
// empty list. Thread-safe.
absl::StatusOr<std::vector<EndpointInfo>> ListEndpoints(
    const std::string& directory = "");

// The endpoint of process `pid`. Errors: NotFound naming the pid and the
// directory.
absl::StatusOr<EndpointInfo> FindEndpoint(int pid, const std::string& directory = "");

// A socket path, "tcp:HOST:PORT", or a pid (all digits, looked up with
// FindEndpoint; the token of a TCP entry comes with it).
absl::StatusOr<EndpointInfo> ResolveEndpoint(absl::string_view text,
                                             const std::string& directory = "");

// 32 hex digits from the kernel's random source. Errors: the errno of
// getrandom(2).
absl::StatusOr<std::string> RandomToken();

// Writes the .tcp file of a TCP endpoint: mode 0600, replaced atomically.
// A `tls_fingerprint` says the endpoint speaks TLS with that certificate;
// empty: plain.
absl::Status WriteTcpEndpointFile(const std::string& path, const Endpoint& endpoint,
                                  absl::string_view token,
                                  absl::string_view tls_fingerprint = "");

}  // namespace overseer

#endif  // OVERSEER_PROBES_ATTACH_ENDPOINT_H_
