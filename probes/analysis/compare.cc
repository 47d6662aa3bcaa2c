#include "probes/analysis/compare.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace overseer {
namespace {

uint64_t Sat(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

double PerSecond(double n, int64_t span_ns) {
  return span_ns > 0 ? n / (static_cast<double>(span_ns) / 1e9) : 0.0;
}

// What a process is called across runs: pids differ, names and initial
// calls do not.
// A trailing note on how it was started ("Task.Supervised:invoke (closure)")
// is left out, so the same function matches across a fix that changes it.
std::string KeyOf(const ProcessTrack& t) {
  if (t.registered || t.initial_call.empty()) return t.name;
  std::string key = t.initial_call;
  if (size_t paren = key.find(" ("); paren != std::string::npos && key.back() == ')') {
    key.resize(paren);
  }
  return key;
}

RunFigures FiguresOf(const RunScan& s, const std::string& program) {
  RunFigures f;
  f.program = program;
  f.duration_ns = s.span_ns();
  f.samples = s.sample_count;
  f.processes_seen = s.processes.size();
  f.peak_total_memory = s.peak_total_memory;
  double reductions = 0;
  double messages = 0;
  std::vector<ZoneStat> first;
  std::vector<ZoneStat> last;
  for (const ProcessTrack& t : s.processes) {
    // A process born in the window did all its work in it.
    const bool born = t.first_ns > s.first_ns;
    reductions += static_cast<double>(
        born ? t.last.reductions : Sat(t.last.reductions, t.first.reductions));
    messages += static_cast<double>(
        born ? t.last.messages_out : Sat(t.last.messages_out, t.first.messages_out));
    if (!born) first.insert(first.end(), t.first_zones.begin(), t.first_zones.end());
    last.insert(last.end(), t.last_zones.begin(), t.last_zones.end());
  }
  f.reductions_per_s = PerSecond(reductions, f.duration_ns);
  f.messages_per_s = PerSecond(messages, f.duration_ns);
  uint64_t spawns = 0;
  for (const Event& e : s.events) {
    if (e.kind == EventKind::kSpawn) ++spawns;
    if (e.kind == EventKind::kCallTimeout) ++f.call_timeouts;
  }
  // Without spawn events, the processes that appeared after the first sample.
  if (spawns == 0) {
    for (const ProcessTrack& t : s.processes) spawns += t.first_ns > s.first_ns ? 1 : 0;
  }
  f.spawns_per_s = PerSecond(static_cast<double>(spawns), f.duration_ns);
  f.max_processes = s.max_processes;
  auto by_key = [](const ZoneStat& x, const ZoneStat& y) {
    return std::tie(x.pid, x.zone) < std::tie(y.pid, y.zone);
  };
  std::sort(first.begin(), first.end(), by_key);
  std::sort(last.begin(), last.end(), by_key);
  f.profile = ProfileBetween(first, last);
  return f;
}

void Add(const RunScan& s, const ProcessTrack& t, MatchedFigures& m,
         const absl::flat_hash_map<uint64_t, uint64_t>& timeouts) {
  const bool born = t.first_ns > s.first_ns;
  ++m.processes;
  m.peak_memory = std::max(m.peak_memory, t.memory.value);
  m.peak_msgq = std::max(m.peak_msgq, t.msgq.value);
  m.messages_per_s += PerSecond(static_cast<double>(born ? t.last.messages_in
                                                         : Sat(t.last.messages_in,
                                                               t.first.messages_in)),
                                s.span_ns());
  m.reductions_per_s += PerSecond(
      static_cast<double>(born ? t.last.reductions : Sat(t.last.reductions, t.first.reductions)),
      s.span_ns());
  if (auto it = timeouts.find(t.pid); it != timeouts.end()) m.call_timeouts += it->second;
}

absl::flat_hash_map<uint64_t, uint64_t> TimeoutsByCallee(const RunScan& s) {
  absl::flat_hash_map<uint64_t, uint64_t> out;
  for (const Event& e : s.events) {
    if (e.kind == EventKind::kCallTimeout) ++out[e.other_pid];
  }
  return out;
}

}  // namespace

std::optional<double> RatioOf(double a, double b) {
  if (a == 0) {
    if (b == 0) return 1.0;
    return std::nullopt;
  }
  return b / a;
}

Comparison CompareScans(const RunScan& a, const RunScan& b) {
  Comparison c;
  c.a = FiguresOf(a, "");
  c.b = FiguresOf(b, "");
  absl::flat_hash_map<std::string, size_t> where;
  auto row = [&](const std::string& key) -> ComparedProcess& {
    auto [it, inserted] = where.try_emplace(key, c.processes.size());
    if (inserted) c.processes.push_back({.key = key});
    return c.processes[it->second];
  };
  const auto ta = TimeoutsByCallee(a);
  const auto tb = TimeoutsByCallee(b);
  for (const ProcessTrack& t : a.processes) Add(a, t, row(KeyOf(t)).a, ta);
  for (const ProcessTrack& t : b.processes) Add(b, t, row(KeyOf(t)).b, tb);
  std::sort(c.processes.begin(), c.processes.end(),
            [](const ComparedProcess& x, const ComparedProcess& y) {
              const uint64_t px = std::max(x.a.peak_memory, x.b.peak_memory);
              const uint64_t py = std::max(y.a.peak_memory, y.b.peak_memory);
              if (px != py) return px > py;
              return x.key < y.key;
            });
  return c;
}

absl::StatusOr<Comparison> CompareRecordings(const Recording& a, const Recording& b) {
  absl::StatusOr<RunScan> sa = ScanRun(a);
  if (!sa.ok()) return sa.status();
  absl::StatusOr<RunScan> sb = ScanRun(b);
  if (!sb.ok()) return sb.status();
  Comparison c = CompareScans(*sa, *sb);
  c.a.program = a.info().program;
  c.b.program = b.info().program;
  c.a.absent = a.info().absent;
  c.b.absent = b.info().absent;
  return c;
}

}  // namespace overseer
