#include "probes/analysis/run_scan.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "probes/analysis/process_table.h"
#include "probes/analysis/summary.h"

namespace overseer {
namespace {

uint64_t Sat(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

void Raise(PeakAt& peak, uint64_t value, int64_t time_ns) {
  if (value > peak.value) peak = {value, time_ns};
}

uint64_t StateOf(const ProcessSample& p) {
  return Sat(Sat(p.memory.value, p.mailbox_bytes.value), p.held_spec_bytes.value);
}

CounterReading CountersOf(const ProcessSample& p, int64_t time_ns) {
  return {.time_ns = time_ns,
          .reductions = p.reductions,
          .messages_in = p.messages_in,
          .messages_out = p.messages_out,
          .bytes_in = p.bytes_in,
          .bytes_out = p.bytes_out,
          .send_ns = p.send_ns,
          .mailbox_len = p.mailbox_len.value};
}

// Copies `from` onto `to` without reallocating when the zone names are the
// same as last time (the usual case: a process's zones rarely change).
void AssignZones(const ZoneStat* from, size_t count, std::vector<ZoneStat>& to) {
  bool same = to.size() == count;
  for (size_t i = 0; same && i < count; ++i) same = to[i].zone == from[i].zone;
  if (!same) {
    to.assign(from, from + count);
    return;
  }
  for (size_t i = 0; i < count; ++i) {
    to[i].calls = from[i].calls;
    to[i].total_ns = from[i].total_ns;
  }
}

// Keeps at most `cap` sends spread over the window: when full, every other
// kept send is dropped, and later ones are then kept at that stride (so the
// kept ones stay evenly spaced over the process's sends, not crowded at the
// end of the window).
struct SendsSeen {
  uint64_t seen = 0;    // sends offered so far
  uint64_t stride = 1;  // keep every stride-th one
};
class SendKeeper {
 public:
  explicit SendKeeper(size_t cap) : cap_(std::max<size_t>(cap, 2)) {}
  void Offer(std::vector<LargeSend>& kept, SendsSeen& seen, const LargeSend& s) const {
    const uint64_t index = seen.seen++;
    if (index % seen.stride != 0) return;
    if (kept.size() >= cap_) {
      // Halve: keep every other one, and from now on every other one.
      size_t out = 0;
      for (size_t i = 0; i < kept.size(); i += 2) kept[out++] = kept[i];
      kept.resize(out);
      seen.stride *= 2;
      if (index % seen.stride != 0) return;
    }
    kept.push_back(s);
  }

 private:
  size_t cap_;
};

void NoteMailboxTypes(const ProcessDetail& d, const ProcessSample& p, int64_t time_ns,
                      ProcessTrack& t) {
  for (MailboxTypeTrack& m : t.mailbox_types) {
    bool listed = std::any_of(d.mailbox_types.begin(), d.mailbox_types.end(),
                              [&](const MessageTypeSummary& s) { return s.type == m.type; });
    if (!listed) m.fell = true;
  }
  for (const MessageTypeSummary& s : d.mailbox_types) {
    auto it = std::find_if(t.mailbox_types.begin(), t.mailbox_types.end(),
                           [&](const MailboxTypeTrack& m) { return m.type == s.type; });
    if (it == t.mailbox_types.end()) {
      MailboxTypeTrack m;
      m.type = s.type;
      m.first_count = s.count;
      m.first_ns = time_ns;
      m.first_age_ns = s.oldest_age_ns;
      m.in_at_first = p.messages_in;
      m.msgq_at_first = p.mailbox_len.value;
      t.mailbox_types.push_back(std::move(m));
      it = t.mailbox_types.end() - 1;
    } else if (s.count < it->last_count) {
      it->fell = true;
    }
    ++it->samples;
    it->last_count = s.count;
    it->last_bytes = s.bytes;
    it->last_ns = time_ns;
    it->last_age_ns = s.oldest_age_ns;
    it->in_at_last = p.messages_in;
    it->msgq_at_last = p.mailbox_len.value;
  }
}

}  // namespace

void Trend::Add(double t_s, uint64_t value, size_t segment) {
  if (n == 0) first = value;
  last = value;
  max = std::max(max, value);
  const double v = static_cast<double>(value);
  n += 1;
  sum_t += t_s;
  sum_v += v;
  sum_tt += t_s * t_s;
  sum_tv += t_s * v;
  segment = std::min(segment, kScanSegments - 1);
  trough[segment] = std::min(trough[segment], value);
}

double Trend::SlopePerS() const {
  if (n < 2) return 0.0;
  const double denom = n * sum_tt - sum_t * sum_t;
  if (denom <= 1e-12 * n * n) return 0.0;
  return (n * sum_tv - sum_t * sum_v) / denom;
}

std::vector<uint64_t> Trend::PresentTroughs() const {
  std::vector<uint64_t> out;
  for (uint64_t t : trough) {
    if (t != kNoTrough) out.push_back(t);
  }
  return out;
}

const ProcessTrack* RunScan::Find(uint64_t pid) const {
  auto it = std::lower_bound(processes.begin(), processes.end(), pid,
                             [](const ProcessTrack& t, uint64_t p) { return t.pid < p; });
  return it != processes.end() && it->pid == pid ? &*it : nullptr;
}

absl::StatusOr<RunScan> ScanRun(const Recording& recording, TimeWindow window,
                                const ScanOptions& options) {
  RunScan scan;
  scan.window = window;
  scan.interval_ns = recording.info().interval_ns;
  const size_t count = recording.sample_count();
  if (count == 0 || window.from_ns > window.to_ns) return scan;
  size_t first = recording.IndexAt(window.from_ns);
  if (recording.sample_time_ns(first) < window.from_ns) ++first;
  if (first >= count || recording.sample_time_ns(first) > window.to_ns) return scan;
  const size_t last = recording.IndexAt(window.to_ns);
  scan.first_index = first;
  scan.last_index = last;
  scan.first_ns = recording.sample_time_ns(first);
  scan.last_ns = recording.sample_time_ns(last);

  const int64_t events_to = window.to_ns == std::numeric_limits<int64_t>::max()
                                ? window.to_ns
                                : window.to_ns + 1;
  scan.events = recording.EventsBetween(window.from_ns, events_to);

  // The callees of timed-out calls, by the sample that closes the interval
  // each timeout happened in.
  absl::flat_hash_map<size_t, std::vector<uint64_t>> callees_at;
  for (const Event& e : scan.events) {
    if (e.kind != EventKind::kCallTimeout || e.other_pid == 0) continue;
    size_t i = recording.IndexAt(e.time_ns);
    if (recording.sample_time_ns(i) < e.time_ns && i < last) ++i;
    i = std::clamp(i, first, last);
    std::vector<uint64_t>& v = callees_at[i];
    if (std::find(v.begin(), v.end(), e.other_pid) == v.end()) v.push_back(e.other_pid);
  }
  // Per callee: how often each current function was seen at those samples.
  absl::flat_hash_map<uint64_t, std::vector<std::pair<std::string, uint32_t>>> functions;

  absl::flat_hash_map<uint64_t, size_t> where;  // pid -> index into scan.processes
  std::vector<std::pair<uint64_t, size_t>> order, next_order;
  std::vector<SendsSeen> sends_seen;
  const SendKeeper keeper(options.max_large_sends);
  const double span_ns = static_cast<double>(std::max<int64_t>(scan.span_ns(), 1));

  bool cancelled = false;
  auto visit = [&](size_t i, const Snapshot& s) -> bool {
    if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
      cancelled = true;
      return false;
    }
    const int64_t now = s.time_ns;
    scan.last_ns = now;
    ++scan.sample_count;
    scan.peak_total_memory =
        std::max(scan.peak_total_memory, MemoryByCategoryOf(s.system).total);
    scan.max_processes = std::max<uint64_t>(scan.max_processes, s.processes.size());
    const double t_s = static_cast<double>(now - scan.first_ns) / 1e9;
    const size_t segment = static_cast<size_t>(
        static_cast<double>(now - scan.first_ns) / span_ns * kScanSegments);

    size_t z = 0;  // walks s.zones (sorted by pid) beside s.processes
    // The previous sample's (pid, track) pairs, walked beside this sample's
    // processes (both in pid order): a process seen before is found without
    // hashing, which is most of them in most samples.
    size_t cursor = 0;
    next_order.clear();
    for (const ProcessSample& p : s.processes) {
      while (cursor < order.size() && order[cursor].first < p.pid) ++cursor;
      bool inserted = false;
      size_t track = 0;
      if (cursor < order.size() && order[cursor].first == p.pid) {
        track = order[cursor].second;
      } else {
        auto [it, added] = where.try_emplace(p.pid, scan.processes.size());
        inserted = added;
        track = it->second;
        if (inserted) {
          scan.processes.emplace_back();
          sends_seen.emplace_back();
        }
      }
      next_order.emplace_back(p.pid, track);
      ProcessTrack& t = scan.processes[track];
      const uint64_t state = StateOf(p);
      if (inserted) {
        t.pid = p.pid;
        t.first_ns = now;
        t.first = CountersOf(p, now);
        t.initial_call = p.initial_call;
      }
      if (p.largest_send_bytes > 0) scan.has_send_sizes = true;
      if (p.largest_send_bytes >= options.large_send_floor) {
        // The state before the interval the message was sent in, and after
        // it: a copy of the state is about the larger of the two. A process
        // new in this sample sent it since its start.
        const uint64_t before = inserted ? state : t.state_trend.last;
        const CounterReading& since = inserted ? CounterReading{} : t.last;
        keeper.Offer(t.large_sends, sends_seen[track],
                     {.time_ns = now,
                      .bytes = p.largest_send_bytes,
                      .to = p.largest_send_to,
                      .sender_state = std::max(before, state),
                      .messages = Sat(p.messages_out, since.messages_out),
                      .interval_bytes = Sat(p.bytes_out, since.bytes_out)});
      }
      if (t.initial_call.empty()) t.initial_call = p.initial_call;
      // A registered name wins and follows renames; otherwise the name is
      // made once (DisplayName allocates, and this runs for every sample).
      if (!p.name.empty()) {
        if (!t.registered || t.name != p.name) {
          t.name = p.name;
          t.registered = true;
        }
      } else if (!t.registered && !p.initial_call.empty()) {
        if (t.name != p.initial_call) t.name = p.initial_call;
      } else if (t.name.empty()) {
        t.name = DisplayName(p);
      }
      t.parent = p.parent;
      t.kind = p.kind;
      if (t.current_function != p.current_function) t.current_function = p.current_function;
      ++t.samples;
      t.last_ns = now;
      t.last = CountersOf(p, now);
      t.last_memory = p.memory.value;

      Raise(t.memory, std::max(p.memory.value, p.memory.peak), now);
      Raise(t.msgq, std::max(p.mailbox_len.value, p.mailbox_len.peak), now);
      Raise(t.mailbox_bytes, std::max(p.mailbox_bytes.value, p.mailbox_bytes.peak), now);
      Raise(t.held_spec_bytes, std::max(p.held_spec_bytes.value, p.held_spec_bytes.peak),
            now);
      Raise(t.binary_bytes, std::max(p.binary_bytes.value, p.binary_bytes.peak), now);
      Raise(t.state, state, now);
      t.state_trend.Add(t_s, state, segment);
      t.msgq_trend.Add(t_s, p.mailbox_len.value, segment);
      t.binary_trend.Add(t_s, p.binary_bytes.value, segment);
      if (p.held_spec_bytes.value > 0) {
        ++t.held_samples;
        t.held_sum += static_cast<double>(p.held_spec_bytes.value);
      }

      while (z < s.zones.size() && s.zones[z].pid < p.pid) ++z;
      size_t z_end = z;
      while (z_end < s.zones.size() && s.zones[z_end].pid == p.pid) ++z_end;
      if (z_end > z) {
        if (inserted) t.first_zones.assign(s.zones.begin() + z, s.zones.begin() + z_end);
        AssignZones(s.zones.data() + z, z_end - z, t.last_zones);
      }
      z = z_end;
    }
    order.swap(next_order);

    for (const ProcessDetail& d : s.details) {
      auto it = where.find(d.pid);
      if (it == where.end()) continue;
      ProcessTrack& t = scan.processes[it->second];
      auto p = std::lower_bound(
          s.processes.begin(), s.processes.end(), d.pid,
          [](const ProcessSample& a, uint64_t pid) { return a.pid < pid; });
      if (p == s.processes.end() || p->pid != d.pid) continue;
      ++t.detail_samples;
      NoteMailboxTypes(d, *p, now, t);
      for (const HeldSpec& h : d.held_specs) {
        if (h.bytes > t.largest_spec.bytes) {
          t.largest_spec = h;
          t.largest_spec_ns = now;
        }
      }
    }

    if (auto c = callees_at.find(i); c != callees_at.end()) {
      for (uint64_t callee : c->second) {
        auto it = where.find(callee);
        if (it == where.end()) continue;
        ProcessTrack& t = scan.processes[it->second];
        if (t.last_ns != now) continue;  // not in this sample
        TimeoutContext& ctx = t.at_timeouts;
        ++ctx.samples;
        const uint64_t q = t.msgq_trend.last;
        if (q > ctx.max_msgq || ctx.samples == 1) {
          ctx.max_msgq = std::max(ctx.max_msgq, q);
          ctx.max_msgq_ns = now;
        }
        auto& seen = functions[callee];
        auto f = std::find_if(seen.begin(), seen.end(),
                              [&](const auto& e) { return e.first == t.current_function; });
        if (f == seen.end()) {
          seen.emplace_back(t.current_function, 0);
          f = seen.end() - 1;
        }
        if (++f->second > ctx.current_function_samples) {
          ctx.current_function_samples = f->second;
          ctx.current_function = f->first;
        }
      }
    }

    return true;
  };
  scan.status = recording.ForEachSample(first, last, visit);
  if (cancelled) return absl::CancelledError("the scan of the run was cancelled");
  // A window that reaches the end of a recording cut short by damage ends
  // there for that reason.
  if (scan.status.ok() && last + 1 == count) {
    if (absl::Status damage = recording.status(); !damage.ok()) scan.status = damage;
  }
  for (ProcessTrack& t : scan.processes) t.alive_at_end = t.last_ns == scan.last_ns;

  std::sort(scan.processes.begin(), scan.processes.end(),
            [](const ProcessTrack& a, const ProcessTrack& b) { return a.pid < b.pid; });
  return scan;
}

}  // namespace overseer
