#include "samples/workloads/held_spec.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/account.h"
#include "core/gen_server.h"
#include "core/supervisor.h"

namespace overseer::workloads {
namespace {

struct Crash {};

struct WorkerState {
  double rate = 0;
};

// Uses one rate; crashes after `crash_after` (if set) to be restarted.
class PricingWorker : public GenServer<WorkerState> {
 public:
  PricingWorker(double rate, HeldSpecStats* stats, absl::Duration crash_after)
      : GenServer(WorkerState{rate}), stats_(stats), crash_after_(crash_after) {}
  std::string InitialCall() const override { return "HeldSpec.Worker:init/1"; }

 protected:
  absl::Status Init(WorkerState&) override {
    stats_->starts.fetch_add(1, std::memory_order_relaxed);
    if (crash_after_ > absl::ZeroDuration()) SendAfter(self(), Crash{}, crash_after_);
    return absl::OkStatus();
  }
  Co HandleInfo(WorkerState&, Message& message) override {
    if (message.Is<Crash>()) {
      stats_->crashes.fetch_add(1, std::memory_order_relaxed);
      Stop(ExitReason("{:badarith, rate_for/2}"));
    }
    return {};
  }

 private:
  HeldSpecStats* stats_;
  absl::Duration crash_after_;
};

}  // namespace

RateTable MakeRateTable(int64_t bytes, int min_rows, uint64_t seed) {
  RateTable table;
  int64_t rows =
      std::max<int64_t>(min_rows, bytes / static_cast<int64_t>(sizeof(RateTable::Row)));
  table.rows.resize(static_cast<size_t>(rows));
  for (int64_t i = 0; i < rows; ++i) {
    RateTable::Row& r = table.rows[static_cast<size_t>(i)];
    std::snprintf(r.region, sizeof(r.region), "region-%lld", static_cast<long long>(i));
    r.rate = 1.0 +
             static_cast<double>((seed * 2654435761u + static_cast<uint64_t>(i)) % 1000) /
                 1000;
    r.updated_at = 1'536'710'400 + i;
  }
  table.source = "pricing/regions.csv (every region, every tier)";
  return table;
}

int64_t TableCopyBytes(const RateTable& table) {
  Account scratch;
  AccountScope scope(&scratch, AccountScope::kDeferred);
  RateTable copy(table);
  return scope.tally();
}

std::string HeldSpecWorkload::WorkerName(int i) {
  return absl::StrCat("HeldSpec.Worker.", i);
}

void HeldSpecWorkload::DefineFlags(FlagSet& flags) {
  flags.AddInt("workers", &config_.workers, "permanent workers under the supervisor");
  flags.AddCount("table-size", &config_.table_bytes,
                 "bytes of the table each worker's start closure captures");
  flags.AddDuration("crash-every", &config_.crash_every,
                    "each worker crashes (and is restarted) this often; 0: never");
  AddTimeScaleFlag(flags, &config_.time_scale);
}

absl::StatusOr<Pid> HeldSpecWorkload::Start(Runtime& rt) {
  if (runtime() != nullptr) return absl::FailedPreconditionError("started already");
  if (absl::Status s = CheckTimeScale(config_.time_scale); !s.ok()) return s;
  if (config_.workers < 1 || config_.workers > 10'000) {
    return absl::InvalidArgumentError("--workers must be within 1..10000");
  }
  if (config_.table_bytes > (1 << 30)) {
    return absl::InvalidArgumentError("--table-size must be at most 1G");
  }
  std::vector<ChildSpec> children;
  captured_.clear();
  absl::Duration every = Scaled(config_.crash_every, config_.time_scale);
  for (int i = 0; i < config_.workers; ++i) {
    RateTable table =
        MakeRateTable(config_.table_bytes, config_.workers, static_cast<uint64_t>(i));
    captured_.push_back(TableCopyBytes(table));
    // Staggered, so that the restarts stay within the supervisor's intensity.
    absl::Duration crash_after = every * (1.0 + static_cast<double>(i) / config_.workers);
    HeldSpecStats* stats = &stats_;
    ChildSpec spec = ChildSpec::FromClosure(
        WorkerName(i), [table, i, stats, crash_after](Runtime& r, const SpawnOptions& o) {
          // The worker needs one rate; the closure holds the whole table.
          double rate = table.rows[static_cast<size_t>(i) % table.rows.size()].rate;
          return r.Spawn<PricingWorker>(o, rate, stats, crash_after);
        });
    spec.name = WorkerName(i);
    children.push_back(std::move(spec));
  }
  absl::StatusOr<Pid> root =
      rt.Spawn<Supervisor>({.name = kHeldSpecSupervisor},
                           SupervisorFlags{.strategy = Strategy::kOneForOne,
                                           .max_restarts = 2 * config_.workers + 3,
                                           .period = absl::Seconds(5)},
                           std::move(children));
  if (!root.ok()) return root.status();
  SetStarted(rt, *root);
  start_ = absl::Now();
  return root;
}

std::string HeldSpecWorkload::Tick(bool take_peaks) {
  if (runtime() == nullptr) return "not started";
  NodeReading now = NodeReading::Take(*runtime(), take_peaks);
  const ProcessInfo* sup = now.Named(kHeldSpecSupervisor);
  int64_t largest_worker = 0;
  for (const ProcessInfo& p : now.processes()) {
    if (sup != nullptr && p.parent == sup->pid) {
      largest_worker = std::max(largest_worker, p.memory.value);
    }
  }
  if (sup != nullptr) peak_held_.Observe(sup->held_spec_bytes.peak);
  return absl::StrFormat(
      "%4.0fs  Supervisor held specs %s, memory %s | largest worker %s | starts %d, "
      "crashes %d",
      absl::ToDoubleSeconds(absl::Now() - start_),
      HumanBytes(sup ? sup->held_spec_bytes.value : 0),
      HumanBytes(sup ? sup->memory.value : 0), HumanBytes(largest_worker),
      stats_.starts.load(), stats_.crashes.load());
}

std::string HeldSpecWorkload::Summary() {
  int64_t captured = 0;
  for (int64_t b : captured_) captured += b;
  return absl::StrFormat(
      "held-spec: %d workers, %d starts (%d after crashes) in %.1f s\n"
      "  captured tables          %s\n"
      "  peak held child specs    %s\n",
      config_.workers, stats_.starts.load(), stats_.crashes.load(),
      absl::ToDoubleSeconds(absl::Now() - start_), HumanBytes(captured),
      HumanBytes(peak_held_.value()));
}

}  // namespace overseer::workloads
