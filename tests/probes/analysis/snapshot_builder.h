// Hand-built snapshots whose truths a test knows: a few lines make a node
// with a supervisor, a pool of small workers and one fat process.
//
// Example:
//   Snapshot s = SnapshotBuilder(2'000'000'000)
//                    .Add(Proc(1).Name("root").Memory(2'000))
//                    .Pool(/*first_pid=*/10, /*count=*/100, /*parent=*/1)
//                    .Build();
#ifndef OVERSEER_TESTS_PROBES_ANALYSIS_SNAPSHOT_BUILDER_H_
#define OVERSEER_TESTS_PROBES_ANALYSIS_SNAPSHOT_BUILDER_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>

#include "probes/model/model.h"

namespace overseer::testing {

// One process, built fluently; Memory/MsgQ/... set value and peak alike.
class Proc {
 public:
  explicit Proc(uint64_t pid) { p_.pid = pid; }
  Proc& Parent(uint64_t parent) {
    p_.parent = parent;
    return *this;
  }
  Proc& Name(std::string name) {
    p_.name = std::move(name);
    return *this;
  }
  Proc& Call(std::string call) {
    p_.initial_call = std::move(call);
    return *this;
  }
  Proc& Current(std::string f) {
    p_.current_function = std::move(f);
    return *this;
  }
  Proc& Kind(ProcessKind kind) {
    p_.kind = kind;
    return *this;
  }
  Proc& Memory(uint64_t bytes) {
    p_.memory = {bytes, bytes};
    return *this;
  }
  Proc& MemoryPeak(uint64_t peak) {
    p_.memory.peak = peak;
    return *this;
  }
  Proc& Msgq(uint64_t n) {
    p_.mailbox_len = {n, n};
    return *this;
  }
  Proc& MailboxBytes(uint64_t b) {
    p_.mailbox_bytes = {b, b};
    return *this;
  }
  Proc& Held(uint64_t b) {
    p_.held_spec_bytes = {b, b};
    return *this;
  }
  Proc& Binary(uint64_t b) {
    p_.binary_bytes = {b, b};
    return *this;
  }
  Proc& Reductions(uint64_t r) {
    p_.reductions = r;
    return *this;
  }
  Proc& Status(ProcessStatus status) {
    p_.status = status;
    return *this;
  }
  // A gauge's highest value since the previous sample (after its setter).
  Proc& MsgqPeak(uint64_t peak) {
    p_.mailbox_len.peak = peak;
    return *this;
  }
  Proc& MailboxBytesPeak(uint64_t peak) {
    p_.mailbox_bytes.peak = peak;
    return *this;
  }
  Proc& HeldPeak(uint64_t peak) {
    p_.held_spec_bytes.peak = peak;
    return *this;
  }
  // Cumulative message counters.
  Proc& MessagesIn(uint64_t n) {
    p_.messages_in = n;
    return *this;
  }
  Proc& MessagesOut(uint64_t n) {
    p_.messages_out = n;
    return *this;
  }
  Proc& BytesIn(uint64_t b) {
    p_.bytes_in = b;
    return *this;
  }
  Proc& BytesOut(uint64_t b) {
    p_.bytes_out = b;
    return *this;
  }
  Proc& SendNs(uint64_t ns) {
    p_.send_ns = ns;
    return *this;
  }
  // The largest message sent since the previous sample, and its receiver.
  Proc& LargestSend(uint64_t bytes, uint64_t to) {
    p_.largest_send_bytes = bytes;
    p_.largest_send_to = to;
    return *this;
  }
  ProcessSample Build() const { return p_; }
  operator ProcessSample() const { return p_; }  // NOLINT: fluent use

 private:
  ProcessSample p_;
};

class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(int64_t time_ns) { s_.time_ns = time_ns; }

  SnapshotBuilder& Add(const ProcessSample& p) {
    s_.processes.push_back(p);
    return *this;
  }

  // `count` workers of 2 KB, MsgQ 0..2, children of `parent`, named
  // "Pool.Worker:init/1", pids first_pid, first_pid+1, ...
  SnapshotBuilder& Pool(uint64_t first_pid, uint64_t count, uint64_t parent,
                        uint64_t memory = 2'000) {
    for (uint64_t i = 0; i < count; ++i) {
      Add(Proc(first_pid + i)
              .Parent(parent)
              .Call("Pool.Worker:init/1")
              .Current("Pool.Worker:handle_cast/2")
              .Memory(memory + (i % 7) * 10)
              .Msgq(i % 3)
              .Reductions(1'000 + i));
    }
    return *this;
  }

  SnapshotBuilder& Zone(uint64_t pid, std::string zone, uint64_t calls,
                        uint64_t total_ns) {
    s_.zones.push_back(ZoneStat{pid, std::move(zone), calls, total_ns});
    return *this;
  }

  // A closer look at one process (mailbox types, held specs).
  SnapshotBuilder& Detail(ProcessDetail detail) {
    s_.details.push_back(std::move(detail));
    return *this;
  }

  // Node-wide figures summed from the processes at Build time (process
  // accounts, mailboxes, held specs, binaries, MsgQ), unless System() set
  // them.
  SnapshotBuilder& SumSystem() {
    sum_system_ = true;
    return *this;
  }

  SnapshotBuilder& System(SystemSample system) {
    s_.system = std::move(system);
    return *this;
  }

  // Sorts processes by pid and zones by (pid, zone), as the model promises.
  Snapshot Build() const {
    Snapshot s = s_;
    std::sort(
        s.processes.begin(), s.processes.end(),
        [](const ProcessSample& a, const ProcessSample& b) { return a.pid < b.pid; });
    std::sort(s.zones.begin(), s.zones.end(), [](const ZoneStat& a, const ZoneStat& b) {
      return std::tie(a.pid, a.zone) < std::tie(b.pid, b.zone);
    });
    std::sort(s.details.begin(), s.details.end(),
              [](const ProcessDetail& a, const ProcessDetail& b) { return a.pid < b.pid; });
    if (sum_system_) {
      SystemSample& sys = s.system;
      for (const ProcessSample& p : s.processes) {
        ++sys.process_count;
        sys.mailbox_bytes += p.mailbox_bytes.value;
        sys.held_spec_bytes += p.held_spec_bytes.value;
        const uint64_t own = p.mailbox_bytes.value + p.held_spec_bytes.value;
        sys.process_memory += p.memory.value > own ? p.memory.value - own : 0;
        sys.binary_bytes += p.binary_bytes.value;
        sys.total_mailbox_len += p.mailbox_len.value;
        sys.messages_sent += p.messages_out;
      }
    }
    return s;
  }

 private:
  Snapshot s_;
  bool sum_system_ = false;
};

}  // namespace overseer::testing

#endif  // OVERSEER_TESTS_PROBES_ANALYSIS_SNAPSHOT_BUILDER_H_
