// NodeMetrics: what a node's /metrics says, kept up to date from the samples
// a recorder or a viewer sees, and read by scrapes.
//
// Series (the OpenMetrics names; see docs/user-guide.md, "Fleets"):
//   overseer_info{program,source}                      the run
//   overseer_processes, overseer_memory_bytes{category}, overseer_mailbox_messages,
//   overseer_scheduler_utilization_ratio{scheduler}    the node now
//   overseer_memory_peak_bytes{category}, overseer_processes_peak,
//   overseer_mailbox_peak_messages                     highest since the previous scrape
//   overseer_messages_sent_total, overseer_samples_total,
//   overseer_dropped_samples_total, overseer_process_spawns_total,
//   overseer_process_exits_total, overseer_process_restarts_total,
//   overseer_call_timeouts_total                       counters
//   overseer_process_memory_bytes{pid,name}, ..._memory_peak_bytes,
//   overseer_process_mailbox_messages, ..._mailbox_peak_messages,
//   overseer_process_mailbox_bytes, ..._mailbox_peak_bytes
//       per process, for the top N by peak memory and the top N by peak
//       MsgQ since the previous scrape only, so that the number of series
//       stays bounded whatever the number of processes
//   overseer_suspects{kind}                            findings, when a
//                                                      provider is set
//
// A series the run's source cannot give (CaptureInfo::absent: a BEAM node
// has no mailbox bytes, held specs, message counts or call timeouts) is left
// out, never served as 0; a node with its own memory breakdown
// (SystemSample::memory_categories) gives overseer_memory_bytes those
// categories instead of the runtime's four.
//
// "Since the previous scrape": every peak takes the highest reading of every
// sample in between, and each sample's own peaks (the runtime keeps a
// gauge's peak between two samples), so a spike no sample and no scrape
// lands on still shows at the next scrape. A scrape then starts the next
// window from the last sample's values. Two servers scraping one node share
// that window: each sees the peaks since either scraped.
//
// Thread safety: Observe (the recorder's or viewer's thread) and Scrape (the
// HTTP thread) may run concurrently; every method is thread-safe.
//
// Example:
//   NodeMetrics m({.top = 20});
//   m.Begin(info);
//   m.Observe(snapshot, events);           // every sample
//   std::string body = RenderOpenMetrics(m.Scrape());
#ifndef OVERSEER_PROBES_METRICS_NODE_METRICS_H_
#define OVERSEER_PROBES_METRICS_NODE_METRICS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "probes/metrics/exposition.h"
#include "probes/model/model.h"
#include "probes/model/recording.h"

namespace overseer {

struct NodeMetricsOptions {
  // Processes listed per ranking (by peak memory, by peak MsgQ); a process
  // in both is listed once.
  size_t top = 20;
};

// A count of findings of one kind, for overseer_suspects.
struct SuspectCount {
  std::string kind;
  size_t count = 0;
};

class NodeMetrics {
 public:
  explicit NodeMetrics(NodeMetricsOptions options = {});

  // The run's description (overseer_info). Optional.
  void Begin(const CaptureInfo& info);
  // One sample and the events since the one before.
  void Observe(const Snapshot& sample, absl::Span<const Event> events);
  // Where overseer_suspects comes from: called at each scrape, outside the
  // lock. Unset: the family is left out.
  void SetSuspectSource(std::function<std::vector<SuspectCount>()> source);

  // The families as they stand, and the start of the next peak window.
  std::vector<MetricFamily> Scrape();

  uint64_t samples() const;

 private:
  // One process over the current window.
  struct Track {
    uint64_t pid = 0;
    std::string name;
    bool alive = false;  // in the last sample
    Gauge memory, msgq, mailbox_bytes;  // value: the last sample's; peak: the window's
  };
  struct SystemWindow {
    SystemSample last;
    // The node's own categories (a BEAM node's erlang:memory()), by name,
    // with their highest value in the window.
    std::vector<MemoryCategory> node_category_peaks;
    uint64_t process_memory_peak = 0, mailbox_bytes_peak = 0,
             held_spec_bytes_peak = 0, binary_bytes_peak = 0,
             processes_peak = 0, msgq_peak = 0;
  };

  void AddNodeFamilies(std::vector<MetricFamily>& out) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AddProcessFamilies(std::vector<MetricFamily>& out) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StartNextWindow() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const NodeMetricsOptions options_;
  mutable absl::Mutex mu_;
  std::string program_ ABSL_GUARDED_BY(mu_);
  std::string source_ ABSL_GUARDED_BY(mu_);
  uint32_t absent_ ABSL_GUARDED_BY(mu_) = 0;  // CaptureInfo::absent
  bool Has(Figure f) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return (absent_ & static_cast<uint32_t>(f)) == 0;
  }
  uint64_t samples_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t spawns_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t exits_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t restarts_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t call_timeouts_ ABSL_GUARDED_BY(mu_) = 0;
  SystemWindow system_ ABSL_GUARDED_BY(mu_);
  // Sorted by pid: a sample (sorted by pid too) is merged in one pass.
  std::vector<Track> tracks_ ABSL_GUARDED_BY(mu_);
  std::vector<Track> spare_ ABSL_GUARDED_BY(mu_);  // the next merge's buffer
  std::function<std::vector<SuspectCount>()> suspects_ ABSL_GUARDED_BY(mu_);
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_METRICS_NODE_METRICS_H_
