#include "probes/metrics/recording_feed.h"

#include <vector>

namespace overseer {

size_t RecordingFeed::Pump() {
  const size_t n = recording_->sample_count();
  size_t shown = 0;
  for (; next_ < n; ++next_) {
    if (next_ == 0) metrics_.Begin(recording_->info());
    absl::StatusOr<Snapshot> sample = recording_->SnapshotAt(next_);
    if (!sample.ok()) continue;
    const std::vector<Event> events =
        recording_->EventsBetween(last_time_ns_, sample->time_ns);
    last_time_ns_ = sample->time_ns;
    metrics_.Observe(*sample, events);
    ++shown;
  }
  return shown;
}

}  // namespace overseer
