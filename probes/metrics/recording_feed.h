// RecordingFeed: shows a NodeMetrics the samples of a Recording that grows
// (a viewer's stream, overseer-capture --metrics): each sample once, in
// order, with the events since the sample before it.
//
// Example:
//   RecordingFeed feed(client->recording(), metrics);
//   while (running) { feed.Pump(); ... }
//
// Thread contract: one thread calls Pump(); the recording may grow on
// another.
#ifndef OVERSEER_PROBES_METRICS_RECORDING_FEED_H_
#define OVERSEER_PROBES_METRICS_RECORDING_FEED_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>

#include "probes/metrics/node_metrics.h"
#include "probes/model/recording.h"

namespace overseer {

class RecordingFeed {
 public:
  // `metrics` must outlive the feed.
  RecordingFeed(std::shared_ptr<const Recording> recording, NodeMetrics& metrics)
      : recording_(std::move(recording)), metrics_(metrics) {}

  // Shows the metrics every sample the recording gained since the last
  // call (the run's description before the first); returns how many. A
  // sample that cannot be decoded is skipped (the recording's status says
  // why).
  size_t Pump();

 private:
  std::shared_ptr<const Recording> recording_;
  NodeMetrics& metrics_;
  size_t next_ = 0;
  int64_t last_time_ns_ = std::numeric_limits<int64_t>::min();
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_METRICS_RECORDING_FEED_H_
