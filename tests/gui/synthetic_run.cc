#include "tests/gui/synthetic_run.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace overseer::testing {
namespace {

constexpr uint64_t kApplication = 1;
constexpr uint64_t kIndexerSup = 2;
constexpr uint64_t kItSup = 3;
constexpr uint64_t kTaskSup = 4;
constexpr uint64_t kFetcher = 5;
constexpr uint64_t kCatchup = 6;
constexpr uint64_t kCoinSup = 7;
constexpr uint64_t kCoinTaskSup = 8;
constexpr uint64_t kCoinFetcher = 9;
constexpr uint64_t kPool = 10;
constexpr uint64_t kFirstWorker = kSpikePid;
constexpr uint64_t kFirstTask = 1000;
constexpr size_t kConcurrency = 4;
constexpr size_t kTaskLifeSamples = 3;

// Small deterministic noise, so that figures are not all alike.
uint64_t Noise(uint64_t a, uint64_t b) {
  uint64_t x = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull);
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ull;
  return x ^ (x >> 32);
}

// What the closure captured at second t: the fetcher's whole backlog.
uint64_t Backlog(size_t t) { return 200'000 + t * 150'000; }

ProcessSample Proc(uint64_t pid, uint64_t parent, std::string name,
                   std::string initial_call, ProcessKind kind) {
  ProcessSample p;
  p.pid = pid;
  p.parent = parent;
  p.name = std::move(name);
  p.initial_call = std::move(initial_call);
  p.kind = kind;
  p.current_function = kind == ProcessKind::kWorker ? "gen_server:loop/7"
                                                    : "supervisor:loop/3";
  return p;
}

void SetMemory(ProcessSample& p, uint64_t memory, uint64_t peak_extra = 0) {
  p.memory = {memory, memory + peak_extra};
}

std::vector<uint64_t> TasksAt(size_t t) {
  std::vector<uint64_t> tasks;
  size_t generation = t / kTaskLifeSamples;
  for (size_t k = 0; k < kConcurrency; ++k) {
    tasks.push_back(kFirstTask + generation * kConcurrency + k);
  }
  return tasks;
}

void AddFixedProcesses(Snapshot& s, size_t t, size_t pool_workers) {
  auto& ps = s.processes;
  ps.push_back(Proc(kApplication, 0, "Indexer.Application", "application_master:init/4",
                    ProcessKind::kSupervisor));
  ps.push_back(Proc(kIndexerSup, kApplication, "Indexer.Supervisor",
                    "supervisor:init/1", ProcessKind::kSupervisor));
  ps.push_back(Proc(kItSup, kIndexerSup, kSubtreeRootName, "supervisor:init/1",
                    ProcessKind::kSupervisor));
  ps.push_back(Proc(kTaskSup, kItSup, kTaskSupervisorName,
                    "Task.Supervisor:init/1", ProcessKind::kTaskSupervisor));
  ps.push_back(Proc(kFetcher, kItSup, kFetcherName, "Indexer.BufferedTask:init/1",
                    ProcessKind::kWorker));
  ps.push_back(Proc(kCatchup, kIndexerSup, "Indexer.BlockFetcher.Catchup",
                    "Indexer.BlockFetcher:init/1", ProcessKind::kWorker));
  ps.push_back(Proc(kCoinSup, kIndexerSup, "Indexer.CoinBalance.Supervisor",
                    "supervisor:init/1", ProcessKind::kSupervisor));
  ps.push_back(Proc(kCoinTaskSup, kCoinSup, "Indexer.CoinBalance.TaskSupervisor",
                    "Task.Supervisor:init/1", ProcessKind::kTaskSupervisor));
  ps.push_back(Proc(kCoinFetcher, kCoinSup, "Indexer.CoinBalance.Fetcher",
                    "Indexer.BufferedTask:init/1", ProcessKind::kWorker));
  ps.push_back(Proc(kPool, kIndexerSup, "Indexer.Pool", "DynamicSupervisor:init/1",
                    ProcessKind::kDynamicSupervisor));
  for (size_t w = 0; w < pool_workers; ++w) {
    uint64_t pid = kFirstWorker + w;
    ProcessSample p = Proc(pid, kPool, "", "Indexer.Pool.Worker:init/1",
                           ProcessKind::kWorker);
    SetMemory(p, 2'600 + Noise(pid, t / 10) % 2'400);
    p.mailbox_len.value = Noise(pid, t) % 3;
    p.mailbox_bytes.value = p.mailbox_len.value * 96;
    p.reductions = (t + 1) * (400 + Noise(pid, 7) % 300);
    ps.push_back(std::move(p));
  }
}

void ShapeLeak(Snapshot& s, size_t t) {
  for (ProcessSample& p : s.processes) {
    switch (p.pid) {
      case kTaskSup: {
        uint64_t pending = 1 + t / 10;
        p.mailbox_len = {pending, pending + 1};
        p.mailbox_bytes.value = pending * Backlog(t);
        p.held_spec_bytes.value = kConcurrency * 120;
        SetMemory(p, 48'000 + p.mailbox_bytes.value + p.held_spec_bytes.value,
                  Backlog(t));
        p.current_function = "DynamicSupervisor.handle_call/3 {:start_task, ...}";
        p.reductions = (t + 1) * 1'200;
        p.messages_in = t * 4;
        p.bytes_in = t * 4 * Backlog(t);
        break;
      }
      case kFetcher: {
        uint64_t msgq = t * 30;
        p.mailbox_len = {msgq, msgq + 12};
        p.mailbox_bytes.value = msgq * 180;
        SetMemory(p, 60'000 + Backlog(t) + p.mailbox_bytes.value);
        p.current_function = "Indexer.BufferedTask.spawn_next_batch/1";
        p.status = ProcessStatus::kRunning;
        p.reductions = (t + 1) * 9'000;
        p.messages_out = t * 4;
        p.bytes_out = t * 4 * Backlog(t);
        p.send_ns = t * 4 * Backlog(t) / 2;
        if (t > 0) {
          p.largest_send_bytes = Backlog(t);
          p.largest_send_to = kTaskSup;
        }
        p.links = {kItSup};
        p.monitors = TasksAt(t);
        break;
      }
      case kCatchup:
        SetMemory(p, 140'000 + t * 1'000);
        p.status = ProcessStatus::kSuspended;
        p.current_function = "Indexer.InternalTransaction.Fetcher.async_fetch/2 (call)";
        p.reductions = (t + 1) * 2'500;
        break;
      case kItSup:
      case kCoinSup:
      case kIndexerSup:
      case kApplication:
        p.held_spec_bytes.value = 2 * 420;
        SetMemory(p, 9'000 + p.held_spec_bytes.value);
        p.reductions = 300 + t * 3;
        break;
      case kPool:
        p.held_spec_bytes.value = 40 * 310;
        SetMemory(p, 11'000 + p.held_spec_bytes.value);
        break;
      default:
        if (p.memory.value == 0) SetMemory(p, 7'000 + Noise(p.pid, 3) % 9'000);
        break;
    }
  }
}

void AddTasks(Snapshot& s, size_t t) {
  size_t started = (t / kTaskLifeSamples) * kTaskLifeSamples;
  for (uint64_t pid : TasksAt(t)) {
    ProcessSample p = Proc(pid, kTaskSup, "", "Task.Supervised:invoke_mfa/2",
                           ProcessKind::kTask);
    p.current_function = "Indexer.InternalTransaction.Fetcher.run/3";
    SetMemory(p, 3'000 + Backlog(started));
    p.bytes_in = Backlog(started);
    p.messages_in = 1;
    p.reductions = 800 + (t - started) * 5'000;
    p.status = ProcessStatus::kRunnable;
    p.links = {kTaskSup};
    s.processes.push_back(std::move(p));
  }
}

std::string Mb(uint64_t bytes) { return FormatBytes(bytes); }

void AddDetails(Snapshot& s, size_t t) {
  uint64_t pending = 1 + t / 10;
  ProcessDetail sup;
  sup.pid = kTaskSup;
  sup.state_bytes = 4'200;
  sup.mailbox_types = {{"{:start_task, closure}", pending, pending * Backlog(t)}};
  for (uint64_t i = 0; i < std::min<uint64_t>(pending, 3); ++i) {
    sup.first_messages.push_back(
        {"{:start_task, closure}", Backlog(t),
         absl::StrCat("{:start_task, [owner, :monitor, info, {:erlang, :apply, [#Fun<"
                      "Indexer.BufferedTask.spawn_next_batch/1> captured %Indexer."
                      "BufferedTask{buffer: queue of ", Mb(Backlog(t)), "}, []]}], "
                      ":temporary, 5000}")});
  }
  for (uint64_t pid : TasksAt(t)) {
    sup.held_specs.push_back({"Task.Supervised", pid, 120, "closure", "temporary",
                              "dropped after start (temporary child)"});
  }
  ProcessDetail fetcher;
  fetcher.pid = kFetcher;
  fetcher.state_bytes = Backlog(t);
  uint64_t msgq = t * 30;
  fetcher.mailbox_types = {{"{:buffer, entries}", msgq, msgq * 180}};
  for (uint64_t i = 0; i < std::min<uint64_t>(msgq, 3); ++i) {
    fetcher.first_messages.push_back(
        {"{:buffer, entries}", 180, "{:buffer, [%{block_number: 5_120_442, hash_data: \"0x9f3c...\"}]}"});
  }
  s.details = {sup, fetcher};
  for (uint64_t pid : TasksAt(t)) {
    ProcessDetail task;
    task.pid = pid;
    task.state_bytes = Backlog((t / kTaskLifeSamples) * kTaskLifeSamples);
    s.details.push_back(std::move(task));
  }
}

void AddZones(Snapshot& s, size_t t) {
  uint64_t spawned = t * kConcurrency / kTaskLifeSamples + kConcurrency;
  uint64_t copy_ns = 0;
  for (size_t i = 0; i <= t; ++i) copy_ns += Backlog(i) / 2;
  s.zones = {
      {kTaskSup, "handle_call", spawned, spawned * 40'000},
      {kTaskSup, "spawn", spawned, copy_ns / 3},
      {kFetcher, "handle_call", t * 30 + 1, (t * 30 + 1) * 9'000},
      {kFetcher, "handle_info", spawned * 2, spawned * 2 * 6'000},
      {kFetcher, "send/copy", spawned, copy_ns},
      {kCatchup, "handle_info", t + 1, (t + 1) * 800'000},
  };
  std::sort(s.zones.begin(), s.zones.end(), [](const ZoneStat& a, const ZoneStat& b) {
    return a.pid != b.pid ? a.pid < b.pid : a.zone < b.zone;
  });
}

void FillSystem(Snapshot& s, size_t t) {
  SystemSample& sys = s.system;
  sys.process_count = s.processes.size();
  for (const ProcessSample& p : s.processes) {
    sys.process_memory += p.memory.value - p.mailbox_bytes.value - p.held_spec_bytes.value;
    sys.mailbox_bytes += p.mailbox_bytes.value;
    sys.held_spec_bytes += p.held_spec_bytes.value;
    sys.total_mailbox_len += p.mailbox_len.value;
  }
  sys.binary_bytes = 1'200'000 + t * 20'000;
  sys.messages_sent = t * (900 + t * 20);
  double load = std::min(0.95, 0.35 + static_cast<double>(t) / 90.0);
  sys.scheduler_utilization = {load, load * 0.8, 0.3, 0.25};
}

Snapshot LeakSnapshot(size_t t, const LeakRunOptions& options) {
  Snapshot s;
  s.time_ns = static_cast<int64_t>(t) * options.interval_ns;
  AddFixedProcesses(s, t, options.pool_workers);
  if (options.spike_at > 0 && t == options.spike_at) {
    for (ProcessSample& p : s.processes) {
      if (p.pid == kSpikePid) SetMemory(p, kSpikeBytes);
    }
  }
  if (!options.leak) {
    for (ProcessSample& p : s.processes) {
      if (p.memory.value == 0) SetMemory(p, 7'000 + Noise(p.pid, 3) % 9'000);
      p.reductions = (t + 1) * (300 + Noise(p.pid, 5) % 500);
    }
    FillSystem(s, t);
    return s;
  }
  ShapeLeak(s, t);
  AddTasks(s, t);
  std::sort(s.processes.begin(), s.processes.end(),
            [](const ProcessSample& a, const ProcessSample& b) { return a.pid < b.pid; });
  AddDetails(s, t);
  AddZones(s, t);
  FillSystem(s, t);
  return s;
}

void AddLeakEvents(MemoryRecording& r, const LeakRunOptions& o) {
  r.AddEvent({0, EventKind::kLog, kApplication, 0, "Indexer started, catching up"});
  for (size_t t = 0; t < o.samples; ++t) {
    int64_t at = static_cast<int64_t>(t) * o.interval_ns;
    if (t % kTaskLifeSamples == 0) {
      for (uint64_t pid : TasksAt(t)) {
        r.AddEvent({at + 1'000'000, EventKind::kSpawn, pid, kTaskSup,
                    "Task.Supervised:invoke_mfa/2"});
        if (t > 0) {
          r.AddEvent({at, EventKind::kExit, pid - kConcurrency, kTaskSup, "normal"});
        }
      }
    }
    if (t >= 20 && t % 5 == 0) {
      r.AddEvent({at + 400'000'000, EventKind::kCallTimeout, kCatchup, kFetcher,
                  "GenServer.call(Indexer.InternalTransaction.Fetcher, {:buffer, "
                  "entries}, 10000) timed out"});
    }
  }
  r.AddEvent({30 * o.interval_ns + 5'000'000, EventKind::kExit, kFirstWorker + 7, kPool,
              "{:timeout, {GenServer, :call, ...}}"});
  r.AddEvent({30 * o.interval_ns + 6'000'000, EventKind::kRestart, kFirstWorker + 7,
              kPool, "Indexer.Pool.Worker restarted (permanent)"});
}

}  // namespace

std::shared_ptr<MemoryRecording> MakeLeakRun(const LeakRunOptions& options) {
  CaptureInfo info;
  info.program = options.leak ? "overseer-demo buffered-task --mode closure (synthetic)"
                              : "overseer-demo buffered-task, healthy (synthetic)";
  info.source = "in-process";
  info.start_unix_ns = 1'790'000'000'000'000'000;
  info.interval_ns = options.interval_ns;
  info.schedulers = 4;
  info.process_overhead_bytes = 600;
  auto recording = std::make_shared<MemoryRecording>(info);
  for (size_t t = 0; t < options.samples; ++t) {
    recording->Append(LeakSnapshot(t, options));
  }
  if (options.leak) AddLeakEvents(*recording, options);
  return recording;
}

RunUnderTest OpenRunUnderTest() {
  RunUnderTest run;
  run.recording = MakeLeakRun();
  run.leak_time_ns = 45'000'000'000;
  return run;
}

uint64_t PidOfName(const Snapshot& snapshot, const std::string& name) {
  for (const ProcessSample& p : snapshot.processes) {
    if (p.name == name) return p.pid;
  }
  return 0;
}

}  // namespace overseer::testing
