#include "probes/sampler/sampler.h"

#include <algorithm>
#include <memory>

#include "core/binary.h"
#include "core/clock.h"

namespace overseer {
namespace {

Gauge ToGauge(const GaugeReading& g) {
  auto clamp = [](int64_t v) { return v < 0 ? uint64_t{0} : static_cast<uint64_t>(v); };
  return Gauge{clamp(g.value), clamp(std::max(g.peak, g.value))};
}

EventKind ToKind(RuntimeEvent::Kind kind) {
  switch (kind) {
    case RuntimeEvent::Kind::kSpawn: return EventKind::kSpawn;
    case RuntimeEvent::Kind::kExit: return EventKind::kExit;
    case RuntimeEvent::Kind::kRestart: return EventKind::kRestart;
    case RuntimeEvent::Kind::kCallTimeout: return EventKind::kCallTimeout;
    case RuntimeEvent::Kind::kIntensityExceeded: return EventKind::kIntensityExceeded;
    case RuntimeEvent::Kind::kLog: return EventKind::kLog;
  }
  return EventKind::kLog;
}

}  // namespace

ProcessSample ToSample(const ProcessInfo& info) {
  ProcessSample s;
  s.pid = info.pid;
  s.parent = info.parent;
  s.name = info.name;
  s.initial_call = info.initial_call;
  s.current_function = info.current_function;
  s.kind = info.kind;
  s.status = info.status;
  s.memory = ToGauge(info.memory);
  s.mailbox_len = ToGauge(info.mailbox_len);
  s.mailbox_bytes = ToGauge(info.mailbox_bytes);
  s.held_spec_bytes = ToGauge(info.held_spec_bytes);
  s.binary_bytes = ToGauge(info.binary_bytes);
  s.reductions = info.reductions;
  s.messages_in = info.messages_in;
  s.messages_out = info.messages_out;
  s.bytes_in = info.bytes_in;
  s.bytes_out = info.bytes_out;
  s.send_ns = info.send_ns;
  s.largest_send_bytes = info.largest_send_bytes;
  s.largest_send_to = info.largest_send_to;
  s.links = info.links;
  s.monitors = info.monitors;
  std::sort(s.links.begin(), s.links.end());
  std::sort(s.monitors.begin(), s.monitors.end());
  return s;
}

ProcessDetail ToDetail(const ProcessInspection& in) {
  ProcessDetail d;
  d.pid = in.pid;
  d.state_bytes = in.state_bytes < 0 ? 0 : static_cast<uint64_t>(in.state_bytes);
  for (const auto& t : in.by_type) {
    d.mailbox_types.push_back({t.type, static_cast<uint64_t>(t.count),
                               static_cast<uint64_t>(t.bytes),
                               static_cast<uint64_t>(std::max<int64_t>(t.oldest_age_ns, 0))});
  }
  for (const auto& m : in.first_messages) {
    d.first_messages.push_back({m.type, static_cast<uint64_t>(m.bytes), m.text});
  }
  for (const auto& h : in.held_specs) {
    d.held_specs.push_back({h.child_id, h.child_pid, static_cast<uint64_t>(h.bytes),
                            h.start_kind, h.restart, h.captured});
  }
  return d;
}

Sampler::Sampler(Runtime& runtime, SamplerOptions options)
    : runtime_(runtime), options_(options), start_ns_(MonotonicNowNs()) {
  last_ns_ = start_ns_;
  last_busy_ = runtime_.counters().scheduler_busy_ns;
  if (options_.profile) runtime_.SetProfiling(true);
  runtime_.SetObserver(this);
}

Sampler::~Sampler() { runtime_.SetObserver(nullptr); }

CaptureInfo Sampler::Info(std::string program, std::string source) const {
  CaptureInfo info;
  info.program = std::move(program);
  info.source = std::move(source);
  info.start_unix_ns = absl::ToUnixNanos(absl::Now()) - (MonotonicNowNs() - start_ns_);
  info.interval_ns = absl::ToInt64Nanoseconds(options_.interval);
  info.schedulers = static_cast<uint32_t>(runtime_.schedulers());
  info.process_overhead_bytes = static_cast<uint64_t>(Runtime::ProcessOverheadBytes());
  return info;
}

void Sampler::OnEvent(const RuntimeEvent& e) {
  Event out;
  out.time_ns = e.time_ns - start_ns_;
  out.kind = ToKind(e.kind);
  out.pid = e.pid;
  out.other_pid = e.other_pid;
  out.text = e.text;
  absl::MutexLock lock(&mu_);
  events_.push_back(std::move(out));
}

std::vector<Event> Sampler::TakeEvents() {
  std::vector<Event> out;
  {
    absl::MutexLock lock(&mu_);
    out.swap(events_);
  }
  std::stable_sort(out.begin(), out.end(), [](const Event& a, const Event& b) {
    return a.time_ns < b.time_ns;
  });
  return out;
}

void Sampler::SetDropped(uint64_t total) {
  absl::MutexLock lock(&mu_);
  dropped_ = total;
}

Snapshot Sampler::Sample() {
  Snapshot s;
  int64_t now = MonotonicNowNs();
  s.time_ns = now - start_ns_;
  ReadProcesses(s);
  ReadDetails(s);
  ReadSystem(s);
  last_ns_ = now;
  return s;
}

void Sampler::ReadProcesses(Snapshot& out) {
  out.processes.reserve(runtime_.process_count() + 16);
  runtime_.ForEachProcess(
      [&](const ProcessInfo& info) {
        out.processes.push_back(ToSample(info));
        for (const ProcessInfo::Zone& z : info.zones) {
          out.zones.push_back({info.pid, z.name, z.calls,
                               static_cast<uint64_t>(std::max<int64_t>(z.total_ns, 0))});
        }
      },
      /*take_peaks=*/true);
  std::sort(out.processes.begin(), out.processes.end(),
            [](const ProcessSample& a, const ProcessSample& b) { return a.pid < b.pid; });
  std::sort(out.zones.begin(), out.zones.end(), [](const ZoneStat& a, const ZoneStat& b) {
    return a.pid != b.pid ? a.pid < b.pid : a.zone < b.zone;
  });
  // Two slots can carry the same name ("other"): merge them.
  std::vector<ZoneStat> merged;
  for (ZoneStat& z : out.zones) {
    if (!merged.empty() && merged.back().pid == z.pid && merged.back().zone == z.zone) {
      merged.back().calls += z.calls;
      merged.back().total_ns += z.total_ns;
    } else {
      merged.push_back(std::move(z));
    }
  }
  out.zones.swap(merged);
}

void Sampler::ReadDetails(Snapshot& out) {
  // Who to describe: the largest mailboxes (by peak) and every supervisor
  // that holds child specs.
  std::vector<const ProcessSample*> pick;
  for (const ProcessSample& p : out.processes) {
    if (p.held_spec_bytes.value > 0) pick.push_back(&p);
  }
  std::vector<const ProcessSample*> by_mailbox;
  for (const ProcessSample& p : out.processes) {
    if (p.mailbox_bytes.peak > 0 && p.held_spec_bytes.value == 0) by_mailbox.push_back(&p);
  }
  size_t k = std::min<size_t>(by_mailbox.size(), static_cast<size_t>(options_.inspect_mailboxes));
  std::partial_sort(by_mailbox.begin(), by_mailbox.begin() + static_cast<long>(k),
                    by_mailbox.end(), [](const ProcessSample* a, const ProcessSample* b) {
                      return a->mailbox_bytes.peak > b->mailbox_bytes.peak;
                    });
  pick.insert(pick.end(), by_mailbox.begin(), by_mailbox.begin() + static_cast<long>(k));
  if (pick.empty()) return;

  struct Pending {
    absl::Mutex mu;
    absl::CondVar cv;
    std::vector<ProcessInspection> got;
    size_t expected = 0;
  };
  auto pending = std::make_shared<Pending>();
  for (const ProcessSample* p : pick) {
    Pid pid = runtime_.Find(p->pid);
    if (!pid.valid()) continue;
    {
      absl::MutexLock lock(&pending->mu);
      ++pending->expected;
    }
    runtime_.InspectAsync(pid, options_.preview_messages, [pending](ProcessInspection in) {
      absl::MutexLock lock(&pending->mu);
      pending->got.push_back(std::move(in));
      pending->cv.Signal();
    });
  }
  absl::Time deadline = absl::Now() + options_.inspect_wait;
  absl::MutexLock lock(&pending->mu);
  while (pending->got.size() < pending->expected) {
    if (pending->cv.WaitWithDeadline(&pending->mu, deadline)) break;
  }
  for (const ProcessInspection& in : pending->got) out.details.push_back(ToDetail(in));
  std::sort(out.details.begin(), out.details.end(),
            [](const ProcessDetail& a, const ProcessDetail& b) { return a.pid < b.pid; });
  out.details.erase(std::unique(out.details.begin(), out.details.end(),
                                [](const ProcessDetail& a, const ProcessDetail& b) {
                                  return a.pid == b.pid;
                                }),
                    out.details.end());
}

void Sampler::ReadSystem(Snapshot& out) {
  SystemSample& sys = out.system;
  sys.process_count = out.processes.size();
  for (const ProcessSample& p : out.processes) {
    uint64_t own = p.memory.value;
    uint64_t mailbox = std::min(p.mailbox_bytes.value, own);
    uint64_t held = std::min(p.held_spec_bytes.value, own - mailbox);
    sys.process_memory += own - mailbox - held;
    sys.mailbox_bytes += mailbox;
    sys.held_spec_bytes += held;
    sys.total_mailbox_len += p.mailbox_len.value;
  }
  RuntimeCounters c = runtime_.counters();
  sys.binary_bytes = c.live_binary_bytes < 0 ? 0 : static_cast<uint64_t>(c.live_binary_bytes);
  sys.messages_sent = c.messages_sent;
  int64_t span = MonotonicNowNs() - last_ns_;
  for (size_t i = 0; i < c.scheduler_busy_ns.size(); ++i) {
    int64_t before = i < last_busy_.size() ? last_busy_[i] : 0;
    double u = span > 0 ? static_cast<double>(c.scheduler_busy_ns[i] - before) /
                              static_cast<double>(span)
                        : 0.0;
    sys.scheduler_utilization.push_back(std::clamp(u, 0.0, 1.0));
  }
  last_busy_ = c.scheduler_busy_ns;
  absl::MutexLock lock(&mu_);
  sys.dropped_samples = dropped_;
}

}  // namespace overseer
