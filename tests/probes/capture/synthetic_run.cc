#include "tests/probes/capture/synthetic_run.h"

#include <algorithm>
#include <string>

namespace overseer::testing {
namespace {

const char* const kFunctions[] = {
    "gen_server:loop/7",  "Indexer.Fetcher:handle_info/2",
    "Task.Supervised:invoke_mfa/2", "erlang:send/3", "gen_server:call/3",
    "Indexer.BufferedTask:buffer/3", "supervisor:handle_call/3",
    "timer:sleep/1"};
const char* const kZones[] = {"send/copy", "handle_call", "handle_info",
                              "spawn"};

}  // namespace

SyntheticRun::SyntheticRun(SyntheticOptions options)
    : options_(options), state_(options.seed * 0x9E3779B97F4A7C15ull + 1) {}

uint64_t SyntheticRun::Random() {  // splitmix64: same numbers everywhere
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

CaptureInfo SyntheticRun::info() const {
  CaptureInfo info;
  info.program = "synthetic";
  info.source = "in-process";
  info.start_unix_ns = 1'700'000'000'000'000'000;
  info.interval_ns = options_.interval_ns;
  info.schedulers = 2;
  info.process_overhead_bytes = 512;
  return info;
}

ProcessSample SyntheticRun::MakeProcess(uint64_t pid) {
  ProcessSample p;
  p.pid = pid;
  p.parent = pid > 1 ? 1 + Random() % (pid - 1) : 0;
  if (pid % 50 == 0) p.name = "named_" + std::to_string(pid % 1000);
  p.initial_call = kFunctions[Random() % 8];
  p.current_function = kFunctions[Random() % 8];
  p.kind = static_cast<ProcessKind>(Random() % 5);
  p.memory.value = p.memory.peak = 1000 + Random() % 100'000;
  if (pid % 7 == 0) p.links = {p.parent};
  return p;
}

void SyntheticRun::Touch(ProcessSample& p) {
  p.status = static_cast<ProcessStatus>(Random() % 5);
  p.current_function = kFunctions[Random() % 8];
  p.memory.value = 1000 + Random() % 100'000;
  p.memory.peak = p.memory.value + Random() % 1000;
  p.mailbox_len.value = Random() % 4;
  p.mailbox_len.peak = p.mailbox_len.value + Random() % 3;
  p.mailbox_bytes = {p.mailbox_len.value * 64, p.mailbox_len.peak * 64};
  p.reductions += 1 + Random() % 500;
  p.messages_in += p.mailbox_len.value;
  p.messages_out += Random() % 3;
  p.bytes_in += p.mailbox_bytes.value;
  p.send_ns += Random() % 10'000;
}

// Details and zones follow the process table: supervisors get a detail,
// every fifth process a zone or two.
void SyntheticRun::Rebuild() {
  std::vector<ProcessDetail> details;
  std::vector<ZoneStat> zones;
  for (const ProcessSample& p : snapshot_.processes) {
    if (p.kind == ProcessKind::kSupervisor) {
      ProcessDetail d;
      d.pid = p.pid;
      d.state_bytes = p.memory.value / 2;
      d.mailbox_types.push_back({"StartTask", p.mailbox_len.value, 64});
      d.held_specs.push_back({"task", p.pid + 1, 4096, "closure",
                              "temporary", "Fetcher.State"});
      details.push_back(std::move(d));
    }
    if (p.pid % 5 == 0) {
      // Sorted by name within a pid: "handle_call" < "send/copy".
      if (p.pid % 10 == 0) zones.push_back({p.pid, kZones[1], 1, 100});
      zones.push_back({p.pid, kZones[0], p.reductions, p.send_ns});
    }
  }
  // Keep unchanged entries equal, so deltas stay small when little moves.
  snapshot_.details = std::move(details);
  snapshot_.zones = std::move(zones);
  uint64_t memory = 0, mailbox = 0, len = 0;
  for (const ProcessSample& p : snapshot_.processes) {
    memory += p.memory.value;
    mailbox += p.mailbox_bytes.value;
    len += p.mailbox_len.value;
  }
  SystemSample& s = snapshot_.system;
  s.process_count = snapshot_.processes.size();
  s.process_memory = memory;
  s.mailbox_bytes = mailbox;
  s.total_mailbox_len = len;
  s.messages_sent += len;
  s.scheduler_utilization = {static_cast<double>(Random() % 100) / 100.0,
                             static_cast<double>(Random() % 100) / 100.0};
}

Snapshot SyntheticRun::Next() {
  if (!started_) {
    started_ = true;
    for (size_t i = 0; i < options_.processes; ++i) {
      snapshot_.processes.push_back(MakeProcess(next_pid_++));
    }
  } else {
    time_ns_ += options_.interval_ns;
    const size_t n = snapshot_.processes.size();
    const auto count = [n](double f) {
      return static_cast<size_t>(static_cast<double>(n) * f + 0.5);
    };
    if (options_.change_fraction >= 1.0) {
      for (ProcessSample& p : snapshot_.processes) Touch(p);
    } else {
      for (size_t i = 0, c = count(options_.change_fraction); i < c; ++i) {
        Touch(snapshot_.processes[Random() % n]);
      }
    }
    for (size_t i = 0, c = count(options_.churn_fraction); i < c && n > 1; ++i) {
      auto victim = snapshot_.processes.begin() +
                    static_cast<long>(1 + Random() % (snapshot_.processes.size() - 1));
      events_.push_back({time_ns_, EventKind::kExit, victim->pid, 0, "normal"});
      snapshot_.processes.erase(victim);
      const uint64_t pid = next_pid_++;
      snapshot_.processes.push_back(MakeProcess(pid));
      events_.push_back({time_ns_, EventKind::kSpawn, pid,
                         snapshot_.processes.back().parent, ""});
    }
  }
  snapshot_.time_ns = time_ns_;
  Rebuild();
  return snapshot_;
}

std::vector<Event> SyntheticRun::TakeEvents() {
  std::vector<Event> out;
  out.swap(events_);
  return out;
}

Snapshot EveryFieldSnapshot() {
  Snapshot s;
  s.time_ns = -12345;  // before the start of the run: still a valid time
  s.system = {1, 2, 3, 4, 5, 6, 7, {0.0, 0.5, 1.0}, 9};
  s.system.memory_categories = {{"total", 100}, {"", 0}, {"ets", ~0ull}};
  s.system.run_queue = 0;  // present, and 0
  ProcessSample p;
  p.pid = 7;
  p.parent = ~0ull;
  p.name = std::string("n\xff\x00me", 5);  // not UTF-8, embedded NUL
  p.initial_call = "Indexer.BufferedTask:init/1";
  p.current_function = "";
  p.kind = ProcessKind::kTaskSupervisor;
  p.status = ProcessStatus::kSuspended;
  p.memory = {10, 11};
  p.mailbox_len = {12, 13};
  p.mailbox_bytes = {14, 15};
  p.held_spec_bytes = {16, 17};
  p.binary_bytes = {18, ~0ull};
  p.reductions = 19;
  p.messages_in = 20;
  p.messages_out = 21;
  p.bytes_in = 22;
  p.bytes_out = 23;
  p.send_ns = 24;
  p.links = {1, 2, 3};
  p.monitors = {4};
  p.heap_bytes = 25;
  ProcessSample q;
  q.pid = 8;
  q.name = "plain";
  s.processes = {p, q};
  ProcessDetail d;
  d.pid = 7;
  d.state_bytes = 99;
  d.mailbox_types = {{"StartTask", 3, 5'200'000}, {"", 0, 0}};
  d.first_messages = {{"StartTask", 5'200'000, "StartTask{closure, 5.2 MB}"}};
  d.held_specs = {{"task-1", 8, 1 << 20, "closure", "temporary", "State"},
                  {"", 0, 0, "function", "permanent", ""}};
  s.details = {d};
  s.zones = {{7, "handle_call", 3, 300}, {7, "send/copy", 1, 1}, {8, "", 0, 0}};
  return s;
}

CaptureInfo EveryFieldInfo() {
  CaptureInfo info{"overseer-demo buffered-task --mode closure", "file",
                   -1, 10'000'000, 4, 768};
  info.absent = static_cast<uint32_t>(Figure::kHeldSpecBytes) |
                static_cast<uint32_t>(Figure::kZones);
  info.node = "shop@web1";
  info.runtime = "Erlang/OTP 25 [erts-13.1.5]";
  return info;
}

std::vector<Event> EveryKindOfEvent() {
  std::vector<Event> events;
  for (int k = 0; k <= 6; ++k) {
    events.push_back({100 * k, static_cast<EventKind>(k),
                      static_cast<uint64_t>(k + 1), static_cast<uint64_t>(k),
                      "event " + std::to_string(k)});
  }
  return events;
}

}  // namespace overseer::testing
