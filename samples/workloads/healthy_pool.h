// healthy-pool: a supervised worker pool under steady load, with nothing
// wrong: the baseline that the profiler must not flag. Clients call the
// workers (round robin, one call in flight each) and wait a little between
// calls; every mailbox stays within the number of clients, every process
// in kilobytes, every held spec small.
//
//   Pool.Supervisor (one_for_one)
//   ├─ Pool.WorkerSupervisor (one_for_one)
//   │  └─ Pool.Worker.0 .. Pool.Worker.N-1   handle a Job in --work-time
//   └─ Pool.ClientSupervisor (one_for_one)
//      └─ Pool.Client.0 .. Pool.Client.C-1   call, think, call again
//
// Example:
//   HealthyPoolWorkload w({.workers = 8, .clients = 16});
#ifndef OVERSEER_SAMPLES_WORKLOADS_HEALTHY_POOL_H_
#define OVERSEER_SAMPLES_WORKLOADS_HEALTHY_POOL_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "samples/common/figures.h"
#include "samples/common/workload.h"

namespace overseer::workloads {

inline constexpr char kPoolSupervisor[] = "Pool.Supervisor";

struct HealthyPoolConfig {
  int workers = 8;
  int clients = 16;
  absl::Duration work_time = absl::Milliseconds(5);
  absl::Duration think_time = absl::Milliseconds(10);
  int64_t payload_bytes = 512;
  double time_scale = 1;
};

struct PoolStats {
  std::atomic<int64_t> jobs_done{0};
  std::atomic<int64_t> call_failures{0};
};

class HealthyPoolWorkload final : public Workload {
 public:
  explicit HealthyPoolWorkload(HealthyPoolConfig config = {}) : config_(config) {}
  std::string_view name() const override { return "healthy-pool"; }
  std::string_view description() const override {
    return "a supervised worker pool under steady load, nothing wrong: the baseline";
  }
  void DefineFlags(FlagSet& flags) override;
  absl::StatusOr<Pid> Start(Runtime& runtime) override;
  std::string Tick(bool take_peaks) override;
  std::string Summary() override;

  HealthyPoolConfig& config() { return config_; }
  const PoolStats& stats() const { return stats_; }
  static std::string WorkerName(int i);
  static std::string ClientName(int i);

 private:
  HealthyPoolConfig config_;
  PoolStats stats_;
  RunningMax peak_memory_;
  RunningMax peak_msgq_;
  absl::Time start_;
  int64_t last_jobs_ = 0;
  absl::Time last_tick_;
};

}  // namespace overseer::workloads

#endif  // OVERSEER_SAMPLES_WORKLOADS_HEALTHY_POOL_H_
