// held-spec: the case where a child spec itself is the leak. A supervisor
// of permanent workers starts each from a closure that captured a large
// lookup table, of which the worker reads a single field. A supervisor
// keeps a permanent child's spec for as long as the child is in its table,
// to restart it: the tables stay pinned in the supervisor's held child-spec
// bytes for its whole life, restarts included, while each worker is small.
//
//   HeldSpec.Supervisor (one_for_one)
//   ├─ HeldSpec.Worker.0   started by [table, i] { ... table.rows[i].rate ... }
//   ├─ ...
//   └─ HeldSpec.Worker.N-1 (each crashes every --crash-every, and is restarted)
//
// Example:
//   HeldSpecWorkload w({.workers = 8, .table_bytes = 1 << 20});
#ifndef OVERSEER_SAMPLES_WORKLOADS_HELD_SPEC_H_
#define OVERSEER_SAMPLES_WORKLOADS_HELD_SPEC_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "samples/common/figures.h"
#include "samples/common/workload.h"

namespace overseer::workloads {

inline constexpr char kHeldSpecSupervisor[] = "HeldSpec.Supervisor";

// A pricing table: one row per region, most of it never read.
struct RateTable {
  struct Row {
    char region[48] = {};
    double rate = 0;
    int64_t updated_at = 0;
  };
  std::vector<Row> rows;
  std::string source;
};

// A table of about `bytes` bytes (at least `min_rows` rows), seeded by `seed`.
RateTable MakeRateTable(int64_t bytes, int min_rows, uint64_t seed);
// The bytes a copy of `table` allocates: what a closure capturing it holds.
int64_t TableCopyBytes(const RateTable& table);

struct HeldSpecConfig {
  int workers = 8;
  int64_t table_bytes = 1 << 20;                   // per worker's closure
  absl::Duration crash_every = absl::Seconds(10);  // 0: never
  double time_scale = 1;
};

struct HeldSpecStats {
  std::atomic<int64_t> starts{0};  // worker starts, restarts included
  std::atomic<int64_t> crashes{0};
};

class HeldSpecWorkload final : public Workload {
 public:
  explicit HeldSpecWorkload(HeldSpecConfig config = {}) : config_(config) {}
  std::string_view name() const override { return "held-spec"; }
  std::string_view description() const override {
    return "a supervisor's permanent workers were started from closures capturing "
           "a large table: it stays pinned in the held child specs";
  }
  void DefineFlags(FlagSet& flags) override;
  absl::StatusOr<Pid> Start(Runtime& runtime) override;
  std::string Tick(bool take_peaks) override;
  std::string Summary() override;

  HeldSpecConfig& config() { return config_; }
  const HeldSpecStats& stats() const { return stats_; }
  // The bytes each worker's closure captured (valid after Start).
  const std::vector<int64_t>& captured_bytes() const { return captured_; }
  static std::string WorkerName(int i);

 private:
  HeldSpecConfig config_;
  HeldSpecStats stats_;
  std::vector<int64_t> captured_;
  RunningMax peak_held_;
  absl::Time start_;
};

}  // namespace overseer::workloads

#endif  // OVERSEER_SAMPLES_WORKLOADS_HELD_SPEC_H_
