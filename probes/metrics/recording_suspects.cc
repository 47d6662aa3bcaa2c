#include "probes/metrics/recording_suspects.h"

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "probes/analysis/suspects.h"

namespace overseer {
namespace {

// The counts and when they were made, shared by the copies of the source.
struct SuspectCache {
  absl::Mutex mu;
  absl::Time made ABSL_GUARDED_BY(mu) = absl::InfinitePast();
  std::vector<SuspectCount> counts ABSL_GUARDED_BY(mu);
};

std::vector<SuspectCount> Count(const Recording& recording, absl::Duration window) {
  std::vector<SuspectCount> counts(kSuspectKindCount);
  for (size_t k = 0; k < kSuspectKindCount; ++k) {
    counts[k].kind = ToString(static_cast<SuspectKind>(k));
  }
  const size_t n = recording.sample_count();
  if (n < 2) return counts;
  TimeWindow w;
  w.to_ns = recording.sample_time_ns(n - 1);
  w.from_ns = w.to_ns - absl::ToInt64Nanoseconds(window);
  absl::StatusOr<SuspectReport> report = FindSuspects(recording, w);
  if (!report.ok()) return counts;
  for (const Suspect& s : report->suspects) ++counts[static_cast<size_t>(s.kind)].count;
  return counts;
}

}  // namespace

std::function<std::vector<SuspectCount>()> RecordingSuspectSource(
    std::shared_ptr<const Recording> recording, absl::Duration window,
    absl::Duration refresh) {
  auto cache = std::make_shared<SuspectCache>();
  return [recording = std::move(recording), window, refresh, cache] {
    // One analysis at a time; a scrape that arrives during one waits for it.
    absl::MutexLock lock(&cache->mu);
    const absl::Time now = absl::Now();
    if (now - cache->made >= refresh) {
      cache->counts = Count(*recording, window);
      cache->made = now;
    }
    return cache->counts;
  };
}

}  // namespace overseer
