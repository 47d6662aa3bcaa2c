#include "probes/analysis/chrome_trace.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <limits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "probes/analysis/process_table.h"
#include "probes/analysis/text_escape.h"

namespace overseer {
namespace {

constexpr size_t kFlushBytes = 1 << 16;

// Microseconds with the nanoseconds kept as three decimals: "1500.250".
std::string Micros(int64_t ns) {
  bool negative = ns < 0;
  uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  return absl::StrFormat("%s%d.%03d", negative ? "-" : "", magnitude / 1000,
                         magnitude % 1000);
}

// Writes the trace event by event into a buffer flushed in blocks, and
// remembers only what the next sample needs: the last values per process.
class TraceWriter {
 public:
  TraceWriter(std::ostream& out, const ChromeTraceOptions& options)
      : out_(out), options_(options) {}

  void Begin() {
    buffer_ = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[";
    if (options_.node_counters) Name(options_.node_pid, "node");
  }

  void Sample(const Snapshot& snapshot) {
    ++generation_;
    std::string ts = Micros(snapshot.time_ns);
    if (options_.node_counters) NodeCounters(snapshot, ts);
    if (options_.process_counters) {
      for (const ProcessSample& p : snapshot.processes) ProcessCounters(p, ts);
      CloseVanished(ts);
    }
  }

  void Events(const std::vector<Event>& events) {
    for (const Event& e : events) Instant(e);
  }

  absl::Status End() {
    buffer_ += "\n]}\n";
    Flush();
    out_.flush();
    if (!out_) return absl::InternalError("writing the trace failed");
    return absl::OkStatus();
  }

 private:
  struct Last {
    uint64_t memory = 0;
    uint64_t msgq = 0;
    uint64_t generation = 0;
  };

  void Emit(const std::string& event) {
    buffer_ += first_ ? "\n" : ",\n";
    first_ = false;
    buffer_ += event;
    if (buffer_.size() >= kFlushBytes) Flush();
  }

  void Flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

  void Name(uint64_t pid, const std::string& name) {
    if (!named_.try_emplace(pid, true).second) return;
    std::string event =
        absl::StrCat("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":", pid,
                     ",\"tid\":0,\"args\":{\"name\":");
    AppendJsonString(name, event);
    event += "}}";
    Emit(event);
  }

  void Counter(uint64_t pid, const std::string& ts, absl::string_view name,
               absl::string_view args) {
    Emit(absl::StrCat("{\"name\":\"", name, "\",\"ph\":\"C\",\"ts\":", ts,
                      ",\"pid\":", pid, ",\"tid\":0,\"args\":{", args, "}}"));
  }

  void NodeCounters(const Snapshot& s, const std::string& ts) {
    const SystemSample& m = s.system;
    uint64_t pid = options_.node_pid;
    Counter(pid, ts, "Memory",
            absl::StrCat("\"process_accounts\":", m.process_memory, ",\"mailboxes\":",
                         m.mailbox_bytes, ",\"held_specs\":", m.held_spec_bytes,
                         ",\"binaries\":", m.binary_bytes));
    Counter(pid, ts, "MsgQ", absl::StrCat("\"total\":", m.total_mailbox_len));
    Counter(pid, ts, "Processes", absl::StrCat("\"count\":", m.process_count));
  }

  void ProcessCounters(const ProcessSample& p, const std::string& ts) {
    auto it = last_.find(p.pid);
    if (it == last_.end()) {
      uint64_t high = std::max(p.memory.value, p.memory.peak);
      if (high < options_.min_process_memory) return;
      Name(p.pid, absl::StrCat(DisplayName(p), " ", FormatPid(p.pid)));
      it = last_.try_emplace(p.pid, Last{~0ull, ~0ull, 0}).first;
    }
    Last& last = it->second;
    last.generation = generation_;
    if (last.memory != p.memory.value) {
      Counter(p.pid, ts, "Memory", absl::StrCat("\"bytes\":", p.memory.value));
      last.memory = p.memory.value;
    }
    if (last.msgq != p.mailbox_len.value) {
      Counter(p.pid, ts, "MsgQ", absl::StrCat("\"messages\":", p.mailbox_len.value));
      last.msgq = p.mailbox_len.value;
    }
  }

  // A process gone from the sample drops to zero, so its track does not
  // claim memory it no longer holds.
  void CloseVanished(const std::string& ts) {
    std::vector<uint64_t> gone;
    for (const auto& [pid, last] : last_) {
      if (last.generation != generation_) gone.push_back(pid);
    }
    std::sort(gone.begin(), gone.end());
    for (uint64_t pid : gone) {
      Counter(pid, ts, "Memory", "\"bytes\":0");
      Counter(pid, ts, "MsgQ", "\"messages\":0");
      last_.erase(pid);
    }
  }

  void Instant(const Event& e) {
    bool global = e.pid == 0;
    uint64_t pid = global ? options_.node_pid : e.pid;
    if (!global) Name(pid, FormatPid(pid));
    std::string event = absl::StrCat(
        "{\"name\":\"", ToString(e.kind), "\",\"ph\":\"i\",\"ts\":", Micros(e.time_ns),
        ",\"pid\":", pid, ",\"tid\":0,\"s\":\"", global ? "g" : "p",
        "\",\"args\":{\"pid\":\"", FormatPid(e.pid), "\",\"other_pid\":\"",
        FormatPid(e.other_pid), "\",\"text\":");
    AppendJsonString(e.text, event);
    event += "}}";
    Emit(event);
  }

  std::ostream& out_;
  const ChromeTraceOptions& options_;
  std::string buffer_;
  bool first_ = true;
  uint64_t generation_ = 0;
  absl::flat_hash_map<uint64_t, Last> last_;
  absl::flat_hash_map<uint64_t, bool> named_;
};

}  // namespace

absl::Status WriteChromeTrace(const Recording& recording, std::ostream& out,
                              const ChromeTraceOptions& options) {
  TraceWriter writer(out, options);
  writer.Begin();
  absl::Status status;
  int64_t events_from = std::numeric_limits<int64_t>::min();
  size_t count = recording.sample_count();
  for (size_t i = 0; i < count; ++i) {
    absl::StatusOr<Snapshot> snapshot = recording.SnapshotAt(i);
    if (!snapshot.ok()) {
      // One damaged sample costs that sample only; the rest still exports.
      if (status.ok()) status = snapshot.status();
      continue;
    }
    writer.Events(recording.EventsBetween(events_from, snapshot->time_ns));
    events_from = snapshot->time_ns;
    writer.Sample(*snapshot);
  }
  writer.Events(
      recording.EventsBetween(events_from, std::numeric_limits<int64_t>::max()));
  absl::Status written = writer.End();
  return written.ok() ? status : written;
}

absl::Status WriteChromeTraceFile(const Recording& recording, const std::string& path,
                                  const ChromeTraceOptions& options) {
  // Written aside and renamed, so a failed export never leaves a half file
  // under the name asked for.
  std::string partial = path + ".partial";
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot create ", path));
  }
  absl::Status status = WriteChromeTrace(recording, out, options);
  out.close();
  // A damaged sample of the recording still leaves a complete trace of the
  // rest; only a failed write discards the file.
  bool written = static_cast<bool>(out) &&
                 (status.ok() || status.code() == absl::StatusCode::kDataLoss);
  if (!written) {
    std::remove(partial.c_str());
    return status.ok() ? absl::InternalError(absl::StrCat("writing ", path, " failed"))
                       : status;
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    absl::Status renamed =
        absl::ErrnoToStatus(errno, absl::StrCat("cannot write ", path));
    std::remove(partial.c_str());
    return renamed;
  }
  return status;
}

}  // namespace overseer
