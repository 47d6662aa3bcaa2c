// A small run with the seed's leak in it, whose figures tests know exactly:
//   <0.1.0>  app_sup, a supervisor, parent of all below
//   <0.2.0>  fetcher: MsgQ 60 t at t seconds; 50 KB; most time in send/copy
//   <0.3.0>  task_sup: a task supervisor whose mailbox holds t start
//            requests of 1 MB each (memory 2 KB + t MB)
//   <0.1000.0> .. <0.1002.0>  three tasks of 5 MB each, children of task_sup
//   <0.10.0> .. <0.109.0>  a pool of 100 workers of 2 KB, MsgQ 0..2
// Samples every second from 0 to `seconds`; call timeouts of worker 10
// calling the fetcher at 10 s and 20 s; task 1002 exits at 25 s.
#ifndef OVERSEER_TESTS_PROBES_TOOLS_LEAK_SCENARIO_H_
#define OVERSEER_TESTS_PROBES_TOOLS_LEAK_SCENARIO_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "probes/model/recording.h"
#include "tests/probes/analysis/snapshot_builder.h"

namespace overseer::testing {

inline constexpr int64_t kLeakSecond = 1'000'000'000;
inline constexpr uint64_t kMegabyte = 1'000'000;

inline Snapshot LeakSample(uint64_t t) {
  SnapshotBuilder b(static_cast<int64_t>(t) * kLeakSecond);
  b.Add(Proc(1)
            .Name("app_sup")
            .Kind(ProcessKind::kSupervisor)
            .Memory(3'000)
            .Reductions(10 * t));
  b.Add(Proc(2)
            .Parent(1)
            .Name("fetcher")
            .Call("Indexer.BufferedTask:init/1")
            .Current("Indexer.BufferedTask:handle_call/3")
            .Memory(50'000)
            .Msgq(60 * t)
            .Reductions(1'000 * t));
  b.Add(Proc(3)
            .Parent(1)
            .Name("Indexer.TaskSupervisor")
            .Kind(ProcessKind::kTaskSupervisor)
            .Current("Task.Supervisor:handle_call/3")
            .Memory(2'000 + t * kMegabyte)
            .Msgq(t)
            .MailboxBytes(t * kMegabyte)
            .Reductions(100 * t));
  for (uint64_t k = 0; k < 3; ++k) {
    if (k == 2 && t >= 25) continue;
    b.Add(Proc(1'000 + k)
              .Parent(3)
              .Kind(ProcessKind::kTask)
              .Call("Task:run/1")
              .Current("Indexer.Fetcher:run/2")
              .Memory(5 * kMegabyte)
              .Reductions(500 * t));
  }
  b.Pool(10, 100, 1);
  b.Zone(2, "send/copy", 10 * t, 9'000'000 * t);
  b.Zone(2, "handle_call", 100 * t, 500'000 * t);
  b.Zone(3, "spawn", 5 * t, 500'000 * t);
  Snapshot s = b.Build();
  SystemSample& sys = s.system;
  for (const ProcessSample& p : s.processes) {
    ++sys.process_count;
    sys.mailbox_bytes += p.mailbox_bytes.value;
    sys.held_spec_bytes += p.held_spec_bytes.value;
    sys.process_memory +=
        p.memory.value - p.mailbox_bytes.value - p.held_spec_bytes.value;
    sys.total_mailbox_len += p.mailbox_len.value;
  }
  sys.messages_sent = 1'000 * t;
  return s;
}

inline std::vector<Event> LeakEvents() {
  return {
      Event{.time_ns = 10 * kLeakSecond,
            .kind = EventKind::kCallTimeout,
            .pid = 10,
            .other_pid = 2,
            .text = "{:buffer, entries}"},
      Event{.time_ns = 20 * kLeakSecond,
            .kind = EventKind::kCallTimeout,
            .pid = 10,
            .other_pid = 2,
            .text = "{:buffer, entries}"},
      Event{.time_ns = 25 * kLeakSecond - 1,
            .kind = EventKind::kExit,
            .pid = 1'002,
            .other_pid = 3,
            .text = "normal"},
  };
}

inline CaptureInfo LeakInfo() {
  CaptureInfo info;
  info.program = "overseer-demo buffered-task --mode closure";
  info.source = "file";
  info.interval_ns = kLeakSecond;
  info.schedulers = 2;
  return info;
}

inline std::unique_ptr<MemoryRecording> LeakRecording(uint64_t seconds) {
  auto r = std::make_unique<MemoryRecording>(LeakInfo());
  for (uint64_t t = 0; t <= seconds; ++t) r->Append(LeakSample(t));
  for (Event& e : LeakEvents()) r->AddEvent(std::move(e));
  return r;
}

}  // namespace overseer::testing

#endif  // OVERSEER_TESTS_PROBES_TOOLS_LEAK_SCENARIO_H_
