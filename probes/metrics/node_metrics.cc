#include "probes/metrics/node_metrics.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "probes/analysis/process_table.h"

namespace overseer {
namespace {

void Raise(uint64_t& peak, uint64_t value) { peak = std::max(peak, value); }

MetricFamily Family(std::string name, MetricType type, std::string unit,
                    std::string help) {
  return {.name = std::move(name), .type = type, .unit = std::move(unit),
          .help = std::move(help), .points = {}};
}

MetricFamily Single(std::string name, MetricType type, std::string unit, std::string help,
                    double value) {
  MetricFamily f = Family(std::move(name), type, std::move(unit), std::move(help));
  f.points.push_back({.labels = {}, .value = value});
  return f;
}

// The memory categories of SystemSample, as overseer_memory_bytes labels.
struct Category {
  const char* label;
  uint64_t value;
  uint64_t peak;
  bool given;  // the source gives this figure
};

}  // namespace

NodeMetrics::NodeMetrics(NodeMetricsOptions options) : options_(options) {}

void NodeMetrics::Begin(const CaptureInfo& info) {
  absl::MutexLock lock(&mu_);
  program_ = info.program;
  source_ = info.source;
  absent_ = info.absent;
}

void NodeMetrics::SetSuspectSource(std::function<std::vector<SuspectCount>()> source) {
  absl::MutexLock lock(&mu_);
  suspects_ = std::move(source);
}

uint64_t NodeMetrics::samples() const {
  absl::MutexLock lock(&mu_);
  return samples_;
}

void NodeMetrics::Observe(const Snapshot& sample, absl::Span<const Event> events) {
  absl::MutexLock lock(&mu_);
  ++samples_;
  for (const Event& e : events) {
    switch (e.kind) {
      case EventKind::kSpawn:
        ++spawns_;
        break;
      case EventKind::kExit:
        ++exits_;
        break;
      case EventKind::kRestart:
        ++restarts_;
        break;
      case EventKind::kCallTimeout:
        ++call_timeouts_;
        break;
      default:
        break;
    }
  }
  const SystemSample& s = sample.system;
  system_.last = s;
  Raise(system_.process_memory_peak, s.process_memory);
  Raise(system_.mailbox_bytes_peak, s.mailbox_bytes);
  Raise(system_.held_spec_bytes_peak, s.held_spec_bytes);
  Raise(system_.binary_bytes_peak, s.binary_bytes);
  Raise(system_.processes_peak, s.process_count);
  Raise(system_.msgq_peak, s.total_mailbox_len);
  for (const MemoryCategory& c : s.memory_categories) {
    auto it = std::find_if(system_.node_category_peaks.begin(),
                           system_.node_category_peaks.end(),
                           [&](const MemoryCategory& p) { return p.name == c.name; });
    if (it == system_.node_category_peaks.end()) {
      system_.node_category_peaks.push_back(c);
    } else {
      Raise(it->bytes, c.bytes);
    }
  }

  // Merge the sample into the window: a process keeps its peaks; one that
  // ended keeps them until the next scrape.
  spare_.clear();
  spare_.reserve(std::max(tracks_.size(), sample.processes.size()));
  auto old = tracks_.begin();
  for (const ProcessSample& p : sample.processes) {
    for (; old != tracks_.end() && old->pid < p.pid; ++old) {
      old->alive = false;
      spare_.push_back(std::move(*old));
    }
    Track* t;
    if (old != tracks_.end() && old->pid == p.pid) {
      spare_.push_back(std::move(*old++));
      t = &spare_.back();
      if (!p.name.empty() && p.name != t->name) t->name = p.name;  // registered since
    } else {
      spare_.push_back(Track{.pid = p.pid, .name = DisplayName(p)});
      t = &spare_.back();
    }
    t->alive = true;
    t->memory.value = p.memory.value;
    t->msgq.value = p.mailbox_len.value;
    t->mailbox_bytes.value = p.mailbox_bytes.value;
    Raise(t->memory.peak, std::max(p.memory.value, p.memory.peak));
    Raise(t->msgq.peak, std::max(p.mailbox_len.value, p.mailbox_len.peak));
    Raise(t->mailbox_bytes.peak, std::max(p.mailbox_bytes.value, p.mailbox_bytes.peak));
  }
  for (; old != tracks_.end(); ++old) {
    old->alive = false;
    spare_.push_back(std::move(*old));
  }
  tracks_.swap(spare_);
}

std::vector<MetricFamily> NodeMetrics::Scrape() {
  std::function<std::vector<SuspectCount>()> suspects;
  {
    absl::MutexLock lock(&mu_);
    suspects = suspects_;
  }
  // The source may take a while (an analysis): not under the lock.
  std::vector<SuspectCount> counts;
  if (suspects) counts = suspects();

  std::vector<MetricFamily> out;
  absl::MutexLock lock(&mu_);
  AddNodeFamilies(out);
  AddProcessFamilies(out);
  if (suspects) {
    MetricFamily f = Family("overseer_suspects", MetricType::kGauge, "",
                            "Findings of the run analysis by kind (overseer-report "
                            "--suspects), over its window.");
    for (const SuspectCount& c : counts) {
      f.points.push_back({.labels = {{"kind", c.kind}},
                          .value = static_cast<double>(c.count)});
    }
    out.push_back(std::move(f));
  }
  StartNextWindow();
  return out;
}

void NodeMetrics::AddNodeFamilies(std::vector<MetricFamily>& out) const {
  MetricFamily info = Family("overseer", MetricType::kInfo, "",
                             "The program observed and how it is observed.");
  info.points.push_back({.labels = {{"program", program_}, {"source", source_}},
                         .value = 1});
  out.push_back(std::move(info));

  const SystemSample& s = system_.last;
  MetricFamily memory =
      Family("overseer_memory_bytes", MetricType::kGauge, "bytes",
             "Memory by category at the last sample: processes (their own accounts), "
             "mailboxes, held child specs, shared binaries; or the node's own "
             "categories (erlang:memory() on a BEAM node).");
  MetricFamily memory_peak = Family(
      "overseer_memory_peak_bytes", MetricType::kGauge, "bytes",
      "Highest memory by category at any sample since the previous scrape.");
  auto add = [&](const std::string& category, uint64_t value, uint64_t peak) {
    memory.points.push_back({.labels = {{"category", category}},
                             .value = static_cast<double>(value)});
    memory_peak.points.push_back({.labels = {{"category", category}},
                                  .value = static_cast<double>(peak)});
  };
  if (!s.memory_categories.empty()) {
    for (const MemoryCategory& c : s.memory_categories) {
      uint64_t peak = c.bytes;
      for (const MemoryCategory& p : system_.node_category_peaks) {
        if (p.name == c.name) peak = std::max(peak, p.bytes);
      }
      add(c.name, c.bytes, peak);
    }
  } else {
    const Category categories[] = {
        {"processes", s.process_memory, system_.process_memory_peak, true},
        {"mailboxes", s.mailbox_bytes, system_.mailbox_bytes_peak,
         Has(Figure::kMailboxBytes)},
        {"held_specs", s.held_spec_bytes, system_.held_spec_bytes_peak,
         Has(Figure::kHeldSpecBytes)},
        {"binaries", s.binary_bytes, system_.binary_bytes_peak, true},
    };
    for (const Category& c : categories) {
      if (c.given) add(c.label, c.value, c.peak);
    }
  }
  out.push_back(std::move(memory));
  out.push_back(std::move(memory_peak));

  out.push_back(Single("overseer_processes", MetricType::kGauge, "",
                       "Processes alive at the last sample.",
                       static_cast<double>(s.process_count)));
  out.push_back(Single("overseer_processes_peak", MetricType::kGauge, "",
                       "Most processes alive at any sample since the previous scrape.",
                       static_cast<double>(system_.processes_peak)));
  out.push_back(Single("overseer_mailbox_messages", MetricType::kGauge, "messages",
                       "Messages waiting in all mailboxes at the last sample.",
                       static_cast<double>(s.total_mailbox_len)));
  out.push_back(Single("overseer_mailbox_peak_messages", MetricType::kGauge, "messages",
                       "Most messages waiting in all mailboxes at any sample since "
                       "the previous scrape.",
                       static_cast<double>(system_.msgq_peak)));

  MetricFamily schedulers =
      Family("overseer_scheduler_utilization_ratio", MetricType::kGauge, "ratio",
             "Share of the last sample interval each scheduler spent running "
             "processes (0 to 1).");
  for (size_t i = 0; i < s.scheduler_utilization.size(); ++i) {
    schedulers.points.push_back({.labels = {{"scheduler", absl::StrCat(i)}},
                                 .value = s.scheduler_utilization[i]});
  }
  out.push_back(std::move(schedulers));

  if (Has(Figure::kMessagesSent)) {
    out.push_back(Single("overseer_messages_sent", MetricType::kCounter, "",
                         "Messages sent by all processes since the start of the run.",
                         static_cast<double>(s.messages_sent)));
  }
  out.push_back(Single("overseer_samples", MetricType::kCounter, "",
                       "Samples this exporter has read.", static_cast<double>(samples_)));
  out.push_back(Single("overseer_dropped_samples", MetricType::kCounter, "",
                       "Samples that slow consumers of the node's recorder lost.",
                       static_cast<double>(s.dropped_samples)));
  out.push_back(Single("overseer_process_spawns", MetricType::kCounter, "",
                       "Processes spawned while this exporter watched.",
                       static_cast<double>(spawns_)));
  out.push_back(Single("overseer_process_exits", MetricType::kCounter, "",
                       "Processes that exited while this exporter watched.",
                       static_cast<double>(exits_)));
  out.push_back(Single("overseer_process_restarts", MetricType::kCounter, "",
                       "Children restarted by their supervisors while this exporter "
                       "watched.",
                       static_cast<double>(restarts_)));
  if (Has(Figure::kCallTimeouts)) {
    out.push_back(Single("overseer_call_timeouts", MetricType::kCounter, "",
                         "Calls that timed out while this exporter watched.",
                         static_cast<double>(call_timeouts_)));
  }
}

void NodeMetrics::AddProcessFamilies(std::vector<MetricFamily>& out) const {
  // The top N by peak memory and by peak MsgQ of the window, in that order.
  std::vector<std::pair<uint64_t, const Track*>> all;
  all.reserve(tracks_.size());
  for (const Track& t : tracks_) all.emplace_back(t.pid, &t);
  std::vector<std::pair<uint64_t, const Track*>> chosen;
  auto take_top = [&](auto key) {
    const size_t n = std::min(options_.top, all.size());
    auto by = [&](const auto& a, const auto& b) {
      const uint64_t ka = key(*a.second), kb = key(*b.second);
      return ka != kb ? ka > kb : a.first < b.first;
    };
    std::partial_sort(all.begin(), all.begin() + static_cast<ptrdiff_t>(n), all.end(), by);
    for (size_t i = 0; i < n; ++i) {
      if (key(*all[i].second) == 0) break;  // nothing to rank
      const bool listed = std::any_of(chosen.begin(), chosen.end(),
                                      [&](const auto& c) { return c.first == all[i].first; });
      if (!listed) chosen.push_back(all[i]);
    }
  };
  take_top([](const Track& t) { return t.memory.peak; });
  take_top([](const Track& t) { return t.msgq.peak; });

  struct Series {
    MetricFamily family;
    bool current;  // the last sample's value (alive processes only)
    Gauge Track::*gauge;
  };
  Series series[] = {
      {Family("overseer_process_memory_bytes", MetricType::kGauge, "bytes",
              "Memory of one of the top processes at the last sample (state, "
              "mailbox and held child specs)."),
       true, &Track::memory},
      {Family("overseer_process_memory_peak_bytes", MetricType::kGauge, "bytes",
              "Highest memory of one of the top processes since the previous scrape."),
       false, &Track::memory},
      {Family("overseer_process_mailbox_messages", MetricType::kGauge, "messages",
              "Messages waiting in one of the top processes' mailbox at the last "
              "sample (MsgQ)."),
       true, &Track::msgq},
      {Family("overseer_process_mailbox_peak_messages", MetricType::kGauge, "messages",
              "Most messages waiting in one of the top processes' mailbox since the "
              "previous scrape."),
       false, &Track::msgq},
      {Family("overseer_process_mailbox_bytes", MetricType::kGauge, "bytes",
              "Bytes of the messages waiting in one of the top processes' mailbox at "
              "the last sample."),
       true, &Track::mailbox_bytes},
      {Family("overseer_process_mailbox_peak_bytes", MetricType::kGauge, "bytes",
              "Most bytes waiting in one of the top processes' mailbox since the "
              "previous scrape."),
       false, &Track::mailbox_bytes},
  };
  for (Series& s : series) {
    if (s.gauge == &Track::mailbox_bytes && !Has(Figure::kMailboxBytes)) continue;
    for (const auto& [pid, t] : chosen) {
      if (s.current && !t->alive) continue;  // ended within the window
      const Gauge& g = t->*s.gauge;
      s.family.points.push_back({.labels = {{"pid", FormatPid(pid)}, {"name", t->name}},
                                 .value = static_cast<double>(s.current ? g.value : g.peak)});
    }
    out.push_back(std::move(s.family));
  }
}

void NodeMetrics::StartNextWindow() {
  const SystemSample& s = system_.last;
  system_.process_memory_peak = s.process_memory;
  system_.mailbox_bytes_peak = s.mailbox_bytes;
  system_.held_spec_bytes_peak = s.held_spec_bytes;
  system_.binary_bytes_peak = s.binary_bytes;
  system_.processes_peak = s.process_count;
  system_.msgq_peak = s.total_mailbox_len;
  system_.node_category_peaks = s.memory_categories;
  std::erase_if(tracks_, [](const Track& t) { return !t.alive; });
  for (Track& t : tracks_) {
    t.memory.peak = t.memory.value;
    t.msgq.peak = t.msgq.value;
    t.mailbox_bytes.peak = t.mailbox_bytes.value;
  }
}

}  // namespace overseer
