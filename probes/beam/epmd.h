// Asks epmd (the Erlang port mapper, on port 4369 of a host unless
// ERL_EPMD_PORT says otherwise) which nodes it knows: how the BEAM source
// tells "no Erlang there" from "no node of that name" from "refused us".
// Internal to probes/beam.
#ifndef OVERSEER_PROBES_BEAM_EPMD_H_
#define OVERSEER_PROBES_BEAM_EPMD_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace overseer::beam_internal {

// The names (the part before "@") of the nodes registered with epmd on
// `host`. Errors: Unavailable when epmd cannot be reached there (the message
// names the host and port), DeadlineExceeded. Thread-safe.
absl::StatusOr<std::vector<std::string>> EpmdNames(const std::string& host,
                                                   absl::Duration timeout);

}  // namespace overseer::beam_internal

#endif  // OVERSEER_PROBES_BEAM_EPMD_H_
