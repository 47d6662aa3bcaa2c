// mailbox-flood: a producer that casts work to a consumer faster than the
// consumer can handle it, with no backpressure (the seed's "path 2": turn
// the call into a cast). The consumer's MsgQ and mailbox bytes grow without
// bound; nothing is held by a supervisor. What Overseer should show: one
// process on top by MsgQ and by Memory, its memory being its mailbox.
//
//   Flood.Supervisor (one_for_one)
//   ├─ Flood.Consumer   handles one Work per --handle-time
//   └─ Flood.Producer   casts --rate Work messages per second
//
// Example:
//   MailboxFloodWorkload w({.rate = 2000, .payload_bytes = 1024});
//   absl::StatusOr<Pid> root = w.Start(rt);
#ifndef OVERSEER_SAMPLES_WORKLOADS_MAILBOX_FLOOD_H_
#define OVERSEER_SAMPLES_WORKLOADS_MAILBOX_FLOOD_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "samples/common/figures.h"
#include "samples/common/workload.h"

namespace overseer::workloads {

inline constexpr char kFloodSupervisor[] = "Flood.Supervisor";
inline constexpr char kFloodProducer[] = "Flood.Producer";
inline constexpr char kFloodConsumer[] = "Flood.Consumer";

struct MailboxFloodConfig {
  int64_t rate = 2000;                                 // Work messages cast per second
  int64_t payload_bytes = 1024;                        // bytes of each message's payload
  absl::Duration handle_time = absl::Milliseconds(2);  // per message
  int64_t total = 0;  // stop producing after this many (0: never)
  double time_scale = 1;
};

// One unit of work, cast by the producer.
struct Work {
  int64_t seq = 0;
  std::string payload;
};
std::string OverseerDescribe(const Work& w);

struct FloodStats {
  std::atomic<int64_t> produced{0};
  std::atomic<int64_t> consumed{0};
};

class MailboxFloodWorkload final : public Workload {
 public:
  explicit MailboxFloodWorkload(MailboxFloodConfig config = {}) : config_(config) {}
  std::string_view name() const override { return "mailbox-flood"; }
  std::string_view description() const override {
    return "a producer casts faster than its consumer handles: MsgQ and mailbox "
           "bytes grow on the consumer";
  }
  void DefineFlags(FlagSet& flags) override;
  absl::StatusOr<Pid> Start(Runtime& runtime) override;
  std::string Tick(bool take_peaks) override;
  std::string Summary() override;

  MailboxFloodConfig& config() { return config_; }
  const FloodStats& stats() const { return stats_; }

 private:
  MailboxFloodConfig config_;
  FloodStats stats_;
  RunningMax peak_msgq_;
  RunningMax peak_mailbox_bytes_;
  absl::Time start_;
};

}  // namespace overseer::workloads

#endif  // OVERSEER_SAMPLES_WORKLOADS_MAILBOX_FLOOD_H_
