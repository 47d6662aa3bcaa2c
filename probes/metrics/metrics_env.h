// Opening the metrics endpoint from the environment, as OVERSEER_ATTACH
// opens the attach endpoint, so that any program on the runtime can be
// scraped without a flag of its own:
//
//   OVERSEER_METRICS=PORT | :PORT      /metrics on 127.0.0.1:PORT
//   OVERSEER_METRICS=HOST:PORT         on that address (0.0.0.0: every interface)
//   OVERSEER_METRICS_TOP=N             processes per ranking (default 20)
//   OVERSEER_METRICS= | 0 | off        none (as when unset)
//
// Example (in main, before the recorder starts):
//   Recorder rec(rt, {.program = "my-server"});
//   RETURN_IF_ERROR(MaybeAddMetricsFromEnv(rec));
#ifndef OVERSEER_PROBES_METRICS_METRICS_ENV_H_
#define OVERSEER_PROBES_METRICS_METRICS_ENV_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "probes/metrics/metrics_sink.h"
#include "probes/sampler/recorder.h"

namespace overseer {

inline constexpr char kMetricsEnv[] = "OVERSEER_METRICS";
inline constexpr char kMetricsTopEnv[] = "OVERSEER_METRICS_TOP";

// Reads the two variables' values (null: unset). Returns nullopt when no
// endpoint is asked for. Errors: InvalidArgument naming the variable.
absl::StatusOr<std::optional<MetricsSinkOptions>> MetricsOptionsFromEnv(const char* metrics,
                                                                        const char* top);

// Adds a MetricsSink to `recorder` (which must not have started) when
// OVERSEER_METRICS asks for one, and says where on stderr. OK and nothing
// added when it does not. Errors: those of MetricsOptionsFromEnv and
// MetricsSink::Open.
absl::Status MaybeAddMetricsFromEnv(Recorder& recorder);

}  // namespace overseer

#endif  // OVERSEER_PROBES_METRICS_METRICS_ENV_H_
