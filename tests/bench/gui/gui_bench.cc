// GUI benchmarks (offscreen). Run:
//   QT_QPA_PLATFORM=offscreen gui_bench --benchmark_filter=...
// Sort and filter go through ProcessTableModel as the view does (background
// job plus the reset on the GUI thread); the live benchmarks run a whole
// MainWindow over a session that gains a sample every second and report the
// longest time the GUI thread did not get back to its event loop.
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QThreadPool>
#include <QTimer>

#include <time.h>

#include <atomic>
#include <cstdlib>
#include <chrono>
#include <memory>
#include <thread>

#ifdef OVERSEER_HAVE_CAPTURE
#include "probes/capture/byte_sink.h"
#include "probes/capture/capture_writer.h"
#endif
#include "gui/models/instant.h"
#include "gui/models/process_table_model.h"
#include "gui/session/session.h"
#include "gui/widgets/main_window.h"
#include "gui/widgets/processes_view.h"
#include "tests/gui/synthetic_run.h"

namespace overseer {
namespace {

std::shared_ptr<const Instant> WideInstant(size_t processes) {
  testing::WideRecording recording(processes, 1'000'000'000);
  recording.Append();
  recording.Append();
  absl::StatusOr<Instant> now = ComputeInstant(recording, 1, {});
  return std::make_shared<const Instant>(*std::move(now));
}

void BM_SortProcesses(benchmark::State& state) {
  auto instant = WideInstant(static_cast<size_t>(state.range(0)));
  ProcessTableModel model;
  model.SetTable(instant->table);
  model.WaitForIdle();
  const int columns[] = {ProcessTableModel::kMemory, ProcessTableModel::kMsgq,
                         ProcessTableModel::kReductions, ProcessTableModel::kName};
  int i = 0;
  for (auto _ : state) {
    model.sort(columns[i++ % 4], Qt::DescendingOrder);
    model.WaitForIdle();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SortProcesses)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FilterProcesses(benchmark::State& state) {
  auto instant = WideInstant(static_cast<size_t>(state.range(0)));
  ProcessTableModel model;
  model.SetTable(instant->table);
  model.WaitForIdle();
  const char* filters[] = {"cache", "<0.4", "handle_call", ""};
  int i = 0;
  for (auto _ : state) {
    model.SetFilter(QString::fromLatin1(filters[i++ % 4]));
    model.WaitForIdle();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FilterProcesses)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ComputeInstant(benchmark::State& state) {
  testing::WideRecording recording(static_cast<size_t>(state.range(0)), 1'000'000'000);
  for (int i = 0; i < 7; ++i) recording.Append();
  for (auto _ : state) {
    absl::StatusOr<Instant> now = ComputeInstant(recording, 6, {});
    benchmark::DoNotOptimize(now);
  }
}
BENCHMARK(BM_ComputeInstant)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Waits for MainWindow::FileOpenFinished without QtTest.
struct QSignalSpyLike {
  explicit QSignalSpyLike(MainWindow* window) {
    QObject::connect(window, &MainWindow::FileOpenFinished, [this](bool) { done = true; });
  }
  bool done = false;
};

// A live session over a WideRecording that a producer grows once a second.
class WideSession final : public Session {
 public:
  explicit WideSession(size_t processes) : recording_(processes, 1'000'000'000) {}
  const Recording& recording() const override { return recording_; }
  Source source() const override { return Source::kInProcess; }
  QString label() const override { return QStringLiteral("wide"); }
  bool is_live() const override { return true; }
  void AddSample() {
    recording_.Append();
    QMetaObject::invokeMethod(
        this, [this] { emit SamplesAdded(recording_.sample_count()); },
        Qt::QueuedConnection);
  }

 private:
  testing::WideRecording recording_;
};

void BM_LiveStall(benchmark::State& state) {
  const auto kRun = std::chrono::seconds(state.range(1));
  for (auto _ : state) {
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    window.tabs()->setCurrentIndex(MainWindow::kProcesses);
    auto owned = std::make_unique<WideSession>(static_cast<size_t>(state.range(0)));
    WideSession* session = owned.get();
    session->AddSample();
    window.SetSession(std::move(owned));
    window.processes_view()->SelectPid(4);  // the selection follows each update

    // The longest gap between two ticks of a 1 ms timer is the longest stall.
    QElapsedTimer clock;
    clock.start();
    int64_t last = 0, worst = 0;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    QObject::connect(&tick, &QTimer::timeout, [&] {
      int64_t now = clock.nsecsElapsed();
      worst = std::max(worst, now - last);
      last = now;
    });
    QTimer producer;
    QObject::connect(&producer, &QTimer::timeout, [&] { session->AddSample(); });
    size_t shown = 0;
    QObject::connect(&window, &MainWindow::InstantShown, [&](size_t) { ++shown; });
    last = clock.nsecsElapsed();
    double cpu_before = ThreadCpuSeconds();
    tick.start(1);
    producer.start(1000);
    QEventLoop loop;
    QTimer::singleShot(kRun, &loop, &QEventLoop::quit);
    loop.exec();
    tick.stop();
    producer.stop();
    window.WaitForIdle();
    // CPU the GUI thread used: a stall much longer than this share is time
    // the thread waited (for a core, or for the kernel), not work it did.
    state.counters["gui_cpu_s"] = ThreadCpuSeconds() - cpu_before;
    state.counters["max_stall_ms"] = static_cast<double>(worst) / 1e6;
    state.counters["samples_shown"] = static_cast<double>(shown);
  }
}
BENCHMARK(BM_LiveStall)->Args({100'000, 10})->Args({1'000'000, 12})
    ->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

#ifdef OVERSEER_HAVE_CAPTURE
// An hour of a 10k-process node sampled every second, 1% of the processes
// busy in each sample, written once to a temporary file.
const std::string& HourCapture() {
  static const std::string path = [] {
    std::string file = QDir::temp().filePath(QStringLiteral("overseer-gui-bench-hour.ovc"))
                           .toStdString();
    absl::StatusOr<std::unique_ptr<ByteSink>> sink = OpenFileSink(file);
    if (!sink.ok()) return std::string();
    CaptureWriter writer(*std::move(sink));
    CaptureInfo info;
    info.program = "gui_bench hour";
    info.schedulers = 2;
    absl::Status status = writer.Begin(info);
    Snapshot s = testing::MakeWideSnapshot(10'000, 0, 7);
    for (int t = 0; status.ok() && t < 3600; ++t) {
      s.time_ns = int64_t{t} * 1'000'000'000;
      for (size_t i = static_cast<size_t>(t) % 100; i < s.processes.size(); i += 100) {
        s.processes[i].reductions += 1'000;
        s.processes[i].memory.value += 64;
        s.processes[i].memory.peak = s.processes[i].memory.value;
      }
      s.system.messages_sent += 10'000;
      status = writer.WriteSample(s);
    }
    if (status.ok()) status = writer.Finish();
    return status.ok() ? file : std::string();
  }();
  return path;
}

// From File > Open to the first view on show, and to every view filled in
// (load charts over the hour, the log, the System figures).
void BM_OpenHourCapture(benchmark::State& state) {
  const std::string& path = HourCapture();
  if (path.empty()) {
    state.SkipWithError("cannot write the capture");
    return;
  }
  for (auto _ : state) {
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QElapsedTimer clock;
    double first_ms = 0;
    QObject::connect(&window, &MainWindow::InstantShown, [&](size_t) {
      if (first_ms == 0) first_ms = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    });
    QSignalSpyLike opened(&window);
    clock.start();
    window.OpenFile(QString::fromStdString(path));
    while (!opened.done) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 10);
    while (first_ms == 0) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 10);
    window.WaitForIdle();
    state.counters["first_view_ms"] = first_ms;
    state.counters["loaded_ms"] = static_cast<double>(clock.nsecsElapsed()) / 1e6;
  }
}
BENCHMARK(BM_OpenHourCapture)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();
#endif

}  // namespace
}  // namespace overseer

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  // GUI_BENCH_POOL=N limits the background pool to N threads.
  if (const char* n = std::getenv("GUI_BENCH_POOL")) {
    QThreadPool::globalInstance()->setMaxThreadCount(std::atoi(n));
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
