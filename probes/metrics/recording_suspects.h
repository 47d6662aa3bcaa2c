// The overseer_suspects series of a recording that grows: the run analysis
// (probes/analysis/suspects.h) over its last `window`, at most once per
// `refresh` (scrapes in between get the last counts).
//
// Example:
//   metrics.SetSuspectSource(RecordingSuspectSource(client->recording()));
#ifndef OVERSEER_PROBES_METRICS_RECORDING_SUSPECTS_H_
#define OVERSEER_PROBES_METRICS_RECORDING_SUSPECTS_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "probes/metrics/node_metrics.h"
#include "probes/model/recording.h"

namespace overseer {

// A source for NodeMetrics::SetSuspectSource: one count per kind of finding
// (zeros included, so that a kind that cleared reads 0, not absent). A
// recording that cannot be analysed yet gives zeros. Thread-safe.
std::function<std::vector<SuspectCount>()> RecordingSuspectSource(
    std::shared_ptr<const Recording> recording,
    absl::Duration window = absl::Minutes(10),
    absl::Duration refresh = absl::Seconds(15));

}  // namespace overseer

#endif  // OVERSEER_PROBES_METRICS_RECORDING_SUSPECTS_H_
