// The wide runs of synthetic_run.h, for benchmarks of a million processes.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/gui/synthetic_run.h"

namespace overseer::testing {
namespace {

constexpr size_t kPoolSize = 1'000;

uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t x = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull);
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  return x ^ (x >> 29);
}

}  // namespace

Snapshot MakeWideSnapshot(size_t processes, int64_t time_ns, uint64_t seed) {
  Snapshot s;
  s.time_ns = time_ns;
  s.processes.resize(processes);
  uint64_t tick = static_cast<uint64_t>(time_ns / 1'000'000'000);
  size_t pools = (processes + kPoolSize - 1) / kPoolSize;
  for (size_t i = 0; i < processes; ++i) {
    ProcessSample& p = s.processes[i];
    p.pid = i + 1;
    uint64_t r = Mix(p.pid, seed);
    if (i == 0) {
      p.kind = ProcessKind::kSupervisor;
      p.name = "Bench.Root";
    } else if (i <= pools) {
      p.parent = 1;
      p.kind = ProcessKind::kDynamicSupervisor;
      p.name = absl::StrCat("Bench.Pool", i);
    } else {
      p.parent = 2 + (i % pools);
      p.initial_call = (r & 1) ? "Bench.Worker:init/1" : "Bench.Cache:init/1";
    }
    p.current_function = (r & 2) ? "gen_server:loop/7" : "Bench.Worker.handle_call/3";
    uint64_t memory = 2'000 + r % 60'000 + ((r >> 20) % 1000 == 0 ? tick * 50'000 : 0);
    p.memory = {memory, memory + (r >> 8) % 1'000};
    p.mailbox_len.value = (r >> 16) % 500 == 0 ? (r >> 24) % 5'000 : (r >> 16) % 3;
    p.mailbox_bytes.value = p.mailbox_len.value * 64;
    p.reductions = (tick + 1) * ((r >> 32) % 10'000);
  }
  s.system.process_count = processes;
  for (const ProcessSample& p : s.processes) {
    s.system.process_memory += p.memory.value - p.mailbox_bytes.value;
    s.system.mailbox_bytes += p.mailbox_bytes.value;
    s.system.total_mailbox_len += p.mailbox_len.value;
  }
  s.system.messages_sent = tick * processes;
  s.system.scheduler_utilization = {0.5, 0.5};
  return s;
}

WideRecording::WideRecording(size_t processes, int64_t interval_ns)
    : processes_(processes), interval_ns_(interval_ns) {}

void WideRecording::Append() { count_.fetch_add(1); }

CaptureInfo WideRecording::info() const {
  CaptureInfo info;
  info.program = absl::StrCat("wide synthetic run of ", processes_, " processes");
  info.source = "in-process";
  info.interval_ns = interval_ns_;
  info.schedulers = 2;
  return info;
}

size_t WideRecording::sample_count() const { return count_.load(); }

int64_t WideRecording::sample_time_ns(size_t index) const {
  return static_cast<int64_t>(index) * interval_ns_;
}

SystemSample WideRecording::system_at(size_t index) const {
  SystemSample s;
  s.process_count = processes_;
  s.process_memory = processes_ * 32'000 + index * 1'000'000;
  s.total_mailbox_len = processes_ / 100;
  s.messages_sent = index * processes_;
  s.scheduler_utilization = {0.5, 0.5};
  return s;
}

absl::StatusOr<Snapshot> WideRecording::SnapshotAt(size_t index) const {
  if (index >= sample_count()) return absl::OutOfRangeError("no such sample");
  return MakeWideSnapshot(processes_, sample_time_ns(index), 7);
}

std::vector<Event> WideRecording::EventsBetween(int64_t, int64_t) const { return {}; }

}  // namespace overseer::testing
