#include "samples/workloads/binary_hoarder.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/gen_server.h"
#include "core/supervisor.h"

namespace overseer::workloads {
namespace {

struct SendTick {};

struct SourceConfig {
  HoarderStats* stats = nullptr;
  int64_t blob_bytes = 0;
  absl::Duration interval;  // scaled
  int64_t total = 0;
};

struct SourceState {};

// Makes one blob per interval and sends it; keeps nothing itself.
class Source : public GenServer<SourceState> {
 public:
  explicit Source(SourceConfig config) : config_(config) {}
  std::string InitialCall() const override { return "Hoarder.Source:init/1"; }

 protected:
  absl::Status Init(SourceState&) override {
    Send(self(), SendTick{});
    return absl::OkStatus();
  }
  Co HandleInfo(SourceState&, Message& message) override {
    if (!message.Is<SendTick>()) return {};
    if (config_.total > 0 && config_.stats->sent.load() >= config_.total) return {};
    Pid cache = runtime().Whereis(kHoarderCache);
    if (cache.valid()) {
      std::string bytes(static_cast<size_t>(config_.blob_bytes), '\0');
      int64_t seq = config_.stats->sent.fetch_add(1);
      std::snprintf(bytes.data(), bytes.size(), "BLOB %lld", static_cast<long long>(seq));
      Send(cache, Blob{seq, Binary::Copy(bytes)});
    }
    SendAfter(self(), SendTick{}, config_.interval);
    return {};
  }

 private:
  const SourceConfig config_;
};

struct CacheState {
  std::string last_header;   // what the cache needed
  std::vector<Binary> seen;  // what it keeps by mistake
};

class Cache : public GenServer<CacheState> {
 public:
  explicit Cache(HoarderStats* stats) : stats_(stats) {}
  std::string InitialCall() const override { return "Hoarder.Cache:init/1"; }

 protected:
  Co HandleInfo(CacheState& state, Message& message) override {
    const Blob* blob = message.As<Blob>();
    if (blob == nullptr) return {};
    std::string_view view = blob->data.view();
    state.last_header.assign(view.substr(0, std::min<size_t>(16, view.size())));
    state.seen.push_back(blob->data);  // the bug: "for debugging", never trimmed
    stats_->received.fetch_add(1, std::memory_order_relaxed);
    stats_->held_bytes.fetch_add(static_cast<int64_t>(blob->data.size()),
                                 std::memory_order_relaxed);
    return {};
  }
  void Terminate(CacheState& state, const ExitReason&) override {
    int64_t held = 0;
    for (const Binary& b : state.seen) held += static_cast<int64_t>(b.size());
    stats_->held_bytes.fetch_sub(held, std::memory_order_relaxed);
  }

 private:
  HoarderStats* stats_;
};

}  // namespace

std::string OverseerDescribe(const Blob& b) {
  return absl::StrCat("Blob #", b.seq, " (shared binary, ", b.data.size(), " bytes)");
}

void BinaryHoarderWorkload::DefineFlags(FlagSet& flags) {
  flags.AddCount("blob-size", &config_.blob_bytes, "bytes of each shared binary");
  flags.AddCount("rate", &config_.rate, "blobs sent per second");
  flags.AddCount("total", &config_.total, "stop after this many blobs (0: never)");
  AddTimeScaleFlag(flags, &config_.time_scale);
}

absl::StatusOr<Pid> BinaryHoarderWorkload::Start(Runtime& rt) {
  if (runtime() != nullptr) return absl::FailedPreconditionError("started already");
  if (absl::Status s = CheckTimeScale(config_.time_scale); !s.ok()) return s;
  if (config_.blob_bytes < 16 || config_.blob_bytes > (256 << 20)) {
    return absl::InvalidArgumentError("--blob-size must be within 16..256M");
  }
  if (config_.rate < 1) return absl::InvalidArgumentError("--rate must be at least 1");
  ChildSpec cache = ChildSpec::Worker<Cache>(kHoarderCache, &stats_);
  cache.name = kHoarderCache;
  ChildSpec source = ChildSpec::Worker<Source>(
      kHoarderSource,
      SourceConfig{&stats_, config_.blob_bytes,
                   Scaled(absl::Seconds(1) / static_cast<double>(config_.rate),
                          config_.time_scale),
                   config_.total});
  source.name = kHoarderSource;
  absl::StatusOr<Pid> root =
      rt.Spawn<Supervisor>({.name = kHoarderSupervisor}, SupervisorFlags{},
                           std::vector<ChildSpec>{cache, source});
  if (!root.ok()) return root.status();
  SetStarted(rt, *root);
  start_ = absl::Now();
  return root;
}

std::string BinaryHoarderWorkload::Tick(bool take_peaks) {
  if (runtime() == nullptr) return "not started";
  NodeReading now = NodeReading::Take(*runtime(), take_peaks);
  const ProcessInfo* c = now.Named(kHoarderCache);
  if (c != nullptr) {
    peak_binary_.Observe(c->binary_bytes.peak);
    peak_memory_.Observe(c->memory.peak);
  }
  return absl::StrFormat(
      "%4.0fs  Cache binary bytes %s, memory %s | blobs sent %d, kept %s",
      absl::ToDoubleSeconds(absl::Now() - start_),
      HumanBytes(c ? c->binary_bytes.value : 0), HumanBytes(c ? c->memory.value : 0),
      stats_.sent.load(), HumanBytes(stats_.held_bytes.load()));
}

std::string BinaryHoarderWorkload::Summary() {
  return absl::StrFormat(
      "binary-hoarder: %d blobs of %s in %.1f s\n"
      "  peak Cache binary bytes  %s\n"
      "  peak Cache memory        %s\n",
      stats_.sent.load(), HumanBytes(config_.blob_bytes),
      absl::ToDoubleSeconds(absl::Now() - start_), HumanBytes(peak_binary_.value()),
      HumanBytes(peak_memory_.value()));
}

}  // namespace overseer::workloads
