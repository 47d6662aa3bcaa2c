// What the whole-run analysis costs on the capture it must stay fast on: an
// hour of a 10k-process node sampled every second (3,600 samples), written
// and read back through the capture format, with 1% of the processes
// changing per sample and one leaking state, one copying its state into
// messages and one backing up its mailbox. Measured: ScanRun alone, and
// ScanRun + FindSuspects (what overseer-report --suspects and the GUI's
// Suspects tab do), and CompareScans of two such runs.
// Results: docs/performance.md, "Suspects".
//
// Run: build/bench/tests/bench/analysis/suspects_bench --benchmark_min_time=1
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "probes/analysis/compare.h"
#include "probes/analysis/run_scan.h"
#include "probes/analysis/suspects.h"
#include "probes/capture/byte_sink.h"
#include "probes/capture/capture_reader.h"
#include "probes/capture/capture_writer.h"

namespace overseer {
namespace {

constexpr uint64_t kProcesses = 10'000;
constexpr int kSamples = 3'600;
constexpr int64_t kSecond = 1'000'000'000;

std::vector<uint8_t> MakeHourCapture() {
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  CaptureWriter writer(std::make_unique<MemorySink>(bytes), {});
  CaptureInfo info{.program = "suspects_bench", .source = "in-process"};
  if (!writer.Begin(info).ok()) return {};
  Snapshot s;
  s.processes.resize(kProcesses);
  for (uint64_t i = 0; i < kProcesses; ++i) {
    ProcessSample& p = s.processes[i];
    p.pid = i + 1;
    p.parent = i == 0 ? 0 : 1;
    p.kind = i == 0 ? ProcessKind::kSupervisor : ProcessKind::kWorker;
    p.initial_call = "Pool.Worker:init/1";
    p.current_function = "gen_server:loop/7";
    p.memory = {2'000 + i % 97, 2'000 + i % 97};
  }
  s.processes[1].name = "Leaky";
  s.processes[2].name = "Copier";
  s.processes[3].name = "Receiver";
  s.processes[4].name = "Flooded";
  for (int t = 0; t < kSamples; ++t) {
    s.time_ns = t * kSecond;
    const uint64_t u = static_cast<uint64_t>(t);
    // 1% of the pool does some work each second.
    for (uint64_t k = 0; k < kProcesses / 100; ++k) {
      ProcessSample& p = s.processes[5 + (u * 101 + k * 97) % (kProcesses - 5)];
      p.reductions += 10;
      p.messages_in += 1;
      p.memory.value = 2'000 + (p.memory.value + 17) % 500;
      p.memory.peak = p.memory.value;
    }
    ProcessSample& leak = s.processes[1];
    leak.memory = {1'000'000 + u * 20'000, 1'000'000 + u * 20'000};
    ProcessSample& copier = s.processes[2];
    copier.memory = {5'000'000 + u * 1'000, 5'000'000 + u * 1'000};
    copier.largest_send_bytes = 4'900'000 + u * 900;
    copier.largest_send_to = 4;
    copier.messages_out += 3;
    copier.bytes_out += 3 * copier.largest_send_bytes;
    ProcessSample& flooded = s.processes[4];
    flooded.mailbox_len = {u * 10, u * 10};
    flooded.mailbox_bytes = {u * 10'000, u * 10'000};
    flooded.memory = {2'000 + u * 10'000, 2'000 + u * 10'000};
    flooded.messages_in += 5;
    if (!writer.WriteSample(s).ok()) return {};
  }
  if (!writer.Finish().ok()) return {};
  return *bytes;
}

const Recording& HourRecording() {
  static const Recording* const recording = [] {
    absl::StatusOr<std::unique_ptr<Recording>> r = OpenCaptureBytes(MakeHourCapture());
    return r.ok() ? r->release() : nullptr;
  }();
  return *recording;
}

// The peer: decoding every sample and touching each process, the floor
// any whole-run pass pays.
void BM_DecodeEverySampleHour10k(benchmark::State& state) {
  const Recording& r = HourRecording();
  for (auto _ : state) {
    uint64_t sum = 0;
    absl::Status s = r.ForEachSample(0, r.sample_count() - 1, [&](size_t, const Snapshot& snap) {
      for (const ProcessSample& p : snap.processes) sum += p.memory.value;
      return true;
    });
    benchmark::DoNotOptimize(sum);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_DecodeEverySampleHour10k)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_ScanRunHour10k(benchmark::State& state) {
  const Recording& r = HourRecording();
  for (auto _ : state) {
    absl::StatusOr<RunScan> scan = ScanRun(r);
    benchmark::DoNotOptimize(scan);
  }
  state.counters["samples"] = static_cast<double>(r.sample_count());
  state.counters["process_samples/s"] = benchmark::Counter(
      static_cast<double>(kProcesses) * kSamples, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ScanRunHour10k)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_SuspectsHour10k(benchmark::State& state) {
  const Recording& r = HourRecording();
  size_t found = 0;
  for (auto _ : state) {
    absl::StatusOr<SuspectReport> report = FindSuspects(r);
    found = report.ok() ? report->suspects.size() : 0;
    benchmark::DoNotOptimize(report);
  }
  state.counters["suspects"] = static_cast<double>(found);
}
BENCHMARK(BM_SuspectsHour10k)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_FindSuspectsOnScan(benchmark::State& state) {
  absl::StatusOr<RunScan> scan = ScanRun(HourRecording());
  for (auto _ : state) {
    SuspectReport report = FindSuspects(*scan);
    benchmark::DoNotOptimize(report);
  }
}
BENCHMARK(BM_FindSuspectsOnScan)->Unit(benchmark::kMillisecond);

void BM_CompareScansHour10k(benchmark::State& state) {
  absl::StatusOr<RunScan> scan = ScanRun(HourRecording());
  for (auto _ : state) {
    Comparison c = CompareScans(*scan, *scan);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_CompareScansHour10k)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace overseer

BENCHMARK_MAIN();
