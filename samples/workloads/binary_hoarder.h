// binary-hoarder: a long-lived process that keeps references to large
// shared binaries it no longer needs. A source sends it a Blob (a shared,
// reference-counted Binary) now and then; the cache reads the blob's header
// and then, by mistake, keeps the handle in a history it never trims. The
// cache's binary bytes grow while its own memory (a vector of handles)
// stays small: the leak shows in the Binary column, not in Memory.
//
//   Hoarder.Supervisor (one_for_one)
//   ├─ Hoarder.Cache    keeps every Blob it is sent
//   └─ Hoarder.Source   sends --rate blobs of --blob-size per second
//
// Example:
//   BinaryHoarderWorkload w({.blob_bytes = 256 << 10});
#ifndef OVERSEER_SAMPLES_WORKLOADS_BINARY_HOARDER_H_
#define OVERSEER_SAMPLES_WORKLOADS_BINARY_HOARDER_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "core/binary.h"
#include "samples/common/figures.h"
#include "samples/common/workload.h"

namespace overseer::workloads {

inline constexpr char kHoarderSupervisor[] = "Hoarder.Supervisor";
inline constexpr char kHoarderCache[] = "Hoarder.Cache";
inline constexpr char kHoarderSource[] = "Hoarder.Source";

struct BinaryHoarderConfig {
  int64_t blob_bytes = 256 << 10;  // size of each shared binary
  int64_t rate = 20;               // blobs per second
  int64_t total = 0;               // stop after this many (0: never)
  double time_scale = 1;
};

// A shared binary sent to the cache.
struct Blob {
  int64_t seq = 0;
  Binary data;
};
std::string OverseerDescribe(const Blob& b);

struct HoarderStats {
  std::atomic<int64_t> sent{0};
  std::atomic<int64_t> received{0};
  // What the cache holds by its own count: the sum of its blobs' sizes.
  std::atomic<int64_t> held_bytes{0};
};

class BinaryHoarderWorkload final : public Workload {
 public:
  explicit BinaryHoarderWorkload(BinaryHoarderConfig config = {}) : config_(config) {}
  std::string_view name() const override { return "binary-hoarder"; }
  std::string_view description() const override {
    return "a long-lived process keeps shared binaries it no longer needs: its "
           "binary bytes grow, its memory stays small";
  }
  void DefineFlags(FlagSet& flags) override;
  absl::StatusOr<Pid> Start(Runtime& runtime) override;
  std::string Tick(bool take_peaks) override;
  std::string Summary() override;

  BinaryHoarderConfig& config() { return config_; }
  const HoarderStats& stats() const { return stats_; }

 private:
  BinaryHoarderConfig config_;
  HoarderStats stats_;
  RunningMax peak_binary_;
  RunningMax peak_memory_;
  absl::Time start_;
};

}  // namespace overseer::workloads

#endif  // OVERSEER_SAMPLES_WORKLOADS_BINARY_HOARDER_H_
