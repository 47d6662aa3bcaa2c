// Opening the attach endpoint from the environment, so that any program
// using the runtime can be attached to without a flag of its own (and so
// that overseer-capture --launch can ask for it).
//
//   OVERSEER_ATTACH=1 | unix        a Unix socket in the attach directory
//   OVERSEER_ATTACH=tcp             TCP on 127.0.0.1, any free port
//   OVERSEER_ATTACH=tcp:PORT        TCP on 127.0.0.1:PORT
//   OVERSEER_ATTACH=tcp:HOST:PORT   TCP on that address (PORT 0: any free
//                                   one; still with a token; beyond
//                                   loopback only with TLS)
//   OVERSEER_ATTACH= | 0 | off      no endpoint (as when unset)
//   OVERSEER_ATTACH_CONTROL=1       viewers may change the interval and
//                                   inspect processes
//   OVERSEER_ATTACH_TOKEN=...       the token to require, instead of a
//                                   random one (TCP) or none (Unix)
//   OVERSEER_ATTACH_TLS_CERT=FILE   TLS for TCP: the PEM certificate and
//   OVERSEER_ATTACH_TLS_KEY=FILE    its PEM key (both, or neither)
//
// Example (in main, before the recorder starts):
//   Recorder rec(rt, {.program = "overseer-demo buffered-task"});
//   absl::StatusOr<std::unique_ptr<AttachServer>> attach =
//       MaybeOpenAttachFromEnv(rt, rec);
//   if (!attach.ok()) { Complain(attach.status()); return 2; }
//   // *attach is null when OVERSEER_ATTACH is unset
#ifndef OVERSEER_PROBES_ATTACH_ENV_H_
#define OVERSEER_PROBES_ATTACH_ENV_H_

#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "probes/attach/server.h"

namespace overseer {

inline constexpr char kAttachEnv[] = "OVERSEER_ATTACH";
inline constexpr char kAttachControlEnv[] = "OVERSEER_ATTACH_CONTROL";
inline constexpr char kAttachTokenEnv[] = "OVERSEER_ATTACH_TOKEN";
inline constexpr char kAttachTlsCertEnv[] = "OVERSEER_ATTACH_TLS_CERT";
inline constexpr char kAttachTlsKeyEnv[] = "OVERSEER_ATTACH_TLS_KEY";

// The variables' values; null: unset.
struct AttachEnv {
  const char* attach = nullptr;
  const char* control = nullptr;
  const char* token = nullptr;
  const char* tls_cert = nullptr;
  const char* tls_key = nullptr;

  // This process's values. Call it from main before other threads change
  // the environment.
  static AttachEnv FromProcess();
};

// Reads the variables' values over `base`. Returns nullopt when no
// endpoint is asked for. Errors: InvalidArgument naming the variable and
// what it accepts (a TLS file for a Unix socket, one TLS file without the
// other). Thread-safe (pure).
absl::StatusOr<std::optional<AttachOptions>> AttachOptionsFromEnv(
    const AttachEnv& env, AttachOptions base = {});

// Opens an endpoint when OVERSEER_ATTACH asks for one, announcing it on
// stderr; returns null when it does not. Same preconditions and errors as
// AttachServer::Open, plus those of AttachOptionsFromEnv. Call it from main
// before other threads change the environment.
absl::StatusOr<std::unique_ptr<AttachServer>> MaybeOpenAttachFromEnv(
    Runtime& runtime, Recorder& recorder, AttachOptions base = {});

}  // namespace overseer

#endif  // OVERSEER_PROBES_ATTACH_ENV_H_
