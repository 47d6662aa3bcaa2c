// Capture format speed: writer throughput (process-samples per second, bytes
// per process-sample) for an idle-heavy and a busy run of 10k processes, and
// for a capture of 300 such samples the time to open it and to seek to a
// random instant. Results and the command line: docs/performance.md.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "probes/capture/byte_sink.h"
#include "probes/capture/capture_reader.h"
#include "probes/capture/capture_writer.h"
#include "tests/probes/capture/synthetic_run.h"

namespace overseer {
namespace {

constexpr size_t kProcesses = 10'000;
constexpr int kCaptureSamples = 300;

testing::SyntheticOptions Workload(bool busy) {
  return {.processes = kProcesses,
          .change_fraction = busy ? 1.0 : 0.01,
          .churn_fraction = busy ? 0.01 : 0.001};
}

// Counts bytes and drops them: measures the encoder, not the disk.
class CountingSink final : public ByteSink {
 public:
  absl::Status Write(absl::Span<const uint8_t> bytes) override {
    benchmark::DoNotOptimize(bytes.data());
    return absl::OkStatus();
  }
};

void BM_WriteSample(benchmark::State& state) {
  const bool busy = state.range(0) != 0;
  testing::SyntheticRun run(Workload(busy));
  CaptureWriter writer(std::make_unique<CountingSink>());
  if (!writer.Begin(run.info()).ok()) state.SkipWithError("Begin failed");
  const uint64_t start_bytes = writer.bytes_written();
  size_t process_samples = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const Snapshot snapshot = run.Next();
    state.ResumeTiming();
    if (!writer.WriteSample(snapshot).ok()) state.SkipWithError("write failed");
    process_samples += snapshot.processes.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(process_samples));
  state.counters["bytes_per_process_sample"] =
      static_cast<double>(writer.bytes_written() - start_bytes) /
      static_cast<double>(process_samples);
  state.counters["keyframes"] = static_cast<double>(writer.keyframes_written());
  state.SetLabel(busy ? "busy: every process changes"
                      : "idle: 1% of processes change");
}
BENCHMARK(BM_WriteSample)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

std::string created_files[4];  // removed by main at exit

// A capture file of kCaptureSamples samples, written once per workload;
// `finished` false leaves it as a killed writer would (no end index).
const std::string& CaptureFile(bool busy, bool finished = true) {
  std::string& path = created_files[(busy ? 1 : 0) + (finished ? 0 : 2)];
  if (!path.empty()) return path;
  path = "/tmp/overseer_capture_bench_" + std::to_string(::getpid()) +
         (busy ? "_busy" : "_idle") + (finished ? ".ovc" : "_unfinished.ovc");
  testing::SyntheticRun run(Workload(busy));
  absl::StatusOr<std::unique_ptr<ByteSink>> sink = OpenFileSink(path);
  if (!sink.ok()) std::abort();
  CaptureWriter writer(*std::move(sink));
  if (!writer.Begin(run.info()).ok()) std::abort();
  for (int i = 0; i < kCaptureSamples; ++i) {
    if (!writer.WriteSample(run.Next()).ok()) std::abort();
  }
  if (finished && !writer.Finish().ok()) std::abort();
  return path;
}

// range(0): busy; range(1): finished (opened through its end index) or not
// (scanned, every sample decompressed).
void BM_OpenCapture(benchmark::State& state) {
  const bool finished = state.range(1) != 0;
  const std::string& path = CaptureFile(state.range(0) != 0, finished);
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<Recording>> r = OpenCaptureFile(path);
    if (!r.ok() || (*r)->sample_count() != kCaptureSamples ||
        (*r)->status().ok() != finished) {
      state.SkipWithError("open failed");
    }
    benchmark::DoNotOptimize(r);
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  std::fseek(f, 0, SEEK_END);
  state.counters["file_MB"] = static_cast<double>(std::ftell(f)) / 1e6;
  std::fclose(f);
  state.SetLabel(std::string(state.range(0) != 0 ? "busy" : "idle") +
                 (finished ? ", indexed" : ", unfinished: scanned"));
}
BENCHMARK(BM_OpenCapture)
    ->Args({0, 1})
    ->Args({1, 1})
    ->Args({0, 0})
    ->Args({1, 0})
    ->Unit(benchmark::kMillisecond);

void BM_SeekRandomInstant(benchmark::State& state) {
  absl::StatusOr<std::unique_ptr<Recording>> r =
      OpenCaptureFile(CaptureFile(state.range(0) != 0));
  if (!r.ok()) {
    state.SkipWithError("open failed");
    return;
  }
  uint64_t seed = 42;
  for (auto _ : state) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    const size_t index = (seed >> 33) % kCaptureSamples;
    absl::StatusOr<Snapshot> s = (*r)->SnapshotAt(index);
    if (!s.ok()) state.SkipWithError("seek failed");
    benchmark::DoNotOptimize(s);
  }
  state.SetLabel(state.range(0) != 0 ? "busy" : "idle");
}
BENCHMARK(BM_SeekRandomInstant)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_StepForward(benchmark::State& state) {
  absl::StatusOr<std::unique_ptr<Recording>> r = OpenCaptureFile(CaptureFile(false));
  if (!r.ok()) {
    state.SkipWithError("open failed");
    return;
  }
  size_t index = 0;
  for (auto _ : state) {
    absl::StatusOr<Snapshot> s = (*r)->SnapshotAt(index);
    index = (index + 1) % kCaptureSamples;
    benchmark::DoNotOptimize(s);
  }
  state.SetLabel("idle, scrubbing forward one sample at a time");
}
BENCHMARK(BM_StepForward)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace overseer

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  for (const std::string& path : overseer::created_files) {
    if (!path.empty()) std::remove(path.c_str());
  }
  benchmark::Shutdown();
  return 0;
}
