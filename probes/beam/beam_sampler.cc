#include "probes/beam/beam_sampler.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace overseer {

struct BeamSampler::Pending {
  enum class What : uint8_t { kInfo, kDictionary, kMemory, kRunQueue, kWallTime };
  struct Asked {
    What what;
    size_t index;
  };
  int64_t time_ns = 0;
  absl::Time deadline;
  std::vector<BeamPid> pids;
  std::vector<ProcessSample> samples;          // by index of pids
  std::vector<bool> alive;                     // answered, not undefined
  absl::flat_hash_map<uint64_t, Asked> asked;  // by tag
  SystemSample system;
  Term wall_time;
};

namespace {

constexpr uint32_t kAbsent =
    static_cast<uint32_t>(Figure::kMailboxBytes) |
    static_cast<uint32_t>(Figure::kHeldSpecBytes) |
    static_cast<uint32_t>(Figure::kBinaryBytes) |
    static_cast<uint32_t>(Figure::kMessageCounts) |
    static_cast<uint32_t>(Figure::kByteCounts) |
    static_cast<uint32_t>(Figure::kSendTime) |
    static_cast<uint32_t>(Figure::kLargestSend) | static_cast<uint32_t>(Figure::kPeaks) |
    static_cast<uint32_t>(Figure::kMessagesSent) |
    static_cast<uint32_t>(Figure::kProcessOverhead) |
    static_cast<uint32_t>(Figure::kDetails) | static_cast<uint32_t>(Figure::kZones) |
    static_cast<uint32_t>(Figure::kCallTimeouts);

int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string ModuleName(const std::string& atom) {
  absl::string_view m = atom;
  absl::ConsumePrefix(&m, "Elixir.");
  return std::string(m);
}

ProcessStatus StatusOf(const Term* t) {
  if (t == nullptr) return ProcessStatus::kWaiting;
  if (t->IsAtom("running") || t->IsAtom("garbage_collecting"))
    return ProcessStatus::kRunning;
  if (t->IsAtom("runnable")) return ProcessStatus::kRunnable;
  if (t->IsAtom("exiting")) return ProcessStatus::kExiting;
  if (t->IsAtom("suspended")) return ProcessStatus::kSuspended;
  return ProcessStatus::kWaiting;
}

Gauge Reading(const Term* t) {
  const uint64_t v = t == nullptr ? 0 : t->Unsigned();
  return {v, v};
}

}  // namespace

std::string FormatMfa(const Term& mfa) {
  if (!mfa.IsTuple(3) || mfa.items[0].type != Term::Type::kAtom ||
      mfa.items[1].type != Term::Type::kAtom) {
    return {};
  }
  const Term& a = mfa.items[2];
  const uint64_t arity = a.type == Term::Type::kList ? a.items.size() : a.Unsigned();
  return absl::StrCat(ModuleName(mfa.items[0].text), ":", mfa.items[1].text, "/", arity);
}

ProcessKind KindOfInitialCall(const std::string& initial_call) {
  if (absl::StartsWith(initial_call, "supervisor:")) return ProcessKind::kSupervisor;
  if (absl::StartsWith(initial_call, "DynamicSupervisor:")) {
    return ProcessKind::kDynamicSupervisor;
  }
  if (absl::StartsWith(initial_call, "Task.Supervisor:"))
    return ProcessKind::kTaskSupervisor;
  if (absl::StartsWith(initial_call, "Task.Supervised:")) return ProcessKind::kTask;
  return ProcessKind::kWorker;
}

BeamSampler::BeamSampler(BeamConnection& connection, BeamSamplerOptions options)
    : connection_(connection), options_(options) {
  options_.pipeline = std::max(1, options_.pipeline);
}

absl::StatusOr<CaptureInfo> BeamSampler::Describe(absl::Duration interval) {
  const absl::Duration t = options_.timeout;
  const RpcArg release[] = {RpcArg::Atom("otp_release")};
  const RpcArg version[] = {RpcArg::Atom("version")};
  const RpcArg schedulers[] = {RpcArg::Atom("schedulers_online")};
  const RpcArg wordsize[] = {RpcArg::Atom("wordsize")};
  const RpcArg wall[] = {RpcArg::Atom("scheduler_wall_time")};
  absl::StatusOr<Term> rel = connection_.Call("erlang", "system_info", release, t);
  if (!rel.ok()) return rel.status();
  absl::StatusOr<Term> ver = connection_.Call("erlang", "system_info", version, t);
  if (!ver.ok()) return ver.status();
  absl::StatusOr<Term> sched = connection_.Call("erlang", "system_info", schedulers, t);
  if (!sched.ok()) return sched.status();
  absl::StatusOr<Term> words = connection_.Call("erlang", "system_info", wordsize, t);
  if (!words.ok()) return words.status();
  absl::StatusOr<Term> wall_time = connection_.Call("erlang", "statistics", wall, t);
  if (!wall_time.ok()) return wall_time.status();

  const std::string release_text = rel->AsString();
  if (!absl::SimpleAtoi(release_text, &otp_release_)) otp_release_ = 0;
  word_size_ = words->Unsigned(8);
  items_ = {"registered_name", "initial_call", "current_function",  "status",
            "reductions",      "memory",       "message_queue_len", "total_heap_size",
            "links",           "monitors"};
  if (otp_release_ >= 25) items_.push_back("parent");  // since OTP 25

  CaptureInfo info;
  info.program = absl::StrCat("BEAM node ", connection_.node());
  info.source = "beam";
  info.node = connection_.node();
  info.runtime =
      absl::StrCat("Erlang/OTP ", release_text, " [erts-", ver->AsString(), "]");
  info.start_unix_ns = absl::ToUnixNanos(absl::Now());
  info.interval_ns = absl::ToInt64Nanoseconds(interval);
  info.schedulers = static_cast<uint32_t>(sched->Unsigned());
  info.absent = kAbsent;
  // Scheduler use is there only if someone on the node turned it on; this
  // program does not (it would change the node).
  if (wall_time->type != Term::Type::kList) {
    info.absent |= static_cast<uint32_t>(Figure::kSchedulerUse);
  }
  start_ns_ = MonotonicNs();
  described_ = true;
  return info;
}

absl::StatusOr<BeamReading> BeamSampler::Take() {
  if (!described_) return absl::FailedPreconditionError("Describe() first");
  Pending p;
  p.deadline = absl::Now() + options_.timeout;
  p.time_ns = MonotonicNs() - start_ns_;
  absl::Status s = ReadSystem(p);
  if (s.ok()) s = ReadProcesses(p);
  if (!s.ok()) {
    if (absl::IsDeadlineExceeded(s)) {
      ++skipped_;
      return absl::DeadlineExceededError(
          absl::StrCat(connection_.node(), " answered nothing for ",
                       absl::FormatDuration(options_.timeout), "; sample skipped"));
    }
    return s;
  }
  BeamReading out;
  Finish(p, &out);
  return out;
}

absl::Status BeamSampler::ReadSystem(Pending& p) {
  // processes() goes alone: the calls that follow run in processes the
  // node starts for them, and those should not be in the list.
  absl::StatusOr<Term> all =
      connection_.Call("erlang", "processes", {}, p.deadline - absl::Now());
  if (!all.ok()) {
    return absl::IsDeadlineExceeded(all.status())
               ? absl::DeadlineExceededError(all.status().message())
               : all.status();
  }
  for (Term& t : all->items) {
    if (t.type == Term::Type::kPid && t.pid.node == connection_.node()) {
      p.pids.push_back(std::move(t.pid));
    }
  }
  p.samples.resize(p.pids.size());
  p.alive.assign(p.pids.size(), false);
  using What = Pending::What;
  const RpcArg run_queue[] = {RpcArg::Atom("run_queue")};
  const RpcArg wall[] = {RpcArg::Atom("scheduler_wall_time")};
  const std::pair<What, absl::StatusOr<uint64_t>> sent[] = {
      {What::kMemory, connection_.Send("erlang", "memory", {})},
      {What::kRunQueue, connection_.Send("erlang", "statistics", run_queue)},
      {What::kWallTime, connection_.Send("erlang", "statistics", wall)}};
  for (const auto& [what, tag] : sent) {
    if (!tag.ok()) return tag.status();
    p.asked[*tag] = {what, 0};
  }
  return absl::OkStatus();
}

absl::Status BeamSampler::ReadProcesses(Pending& p) {
  size_t next = 0;
  const RpcArg items = RpcArg::Atoms(items_);
  while (next < p.pids.size() || !p.asked.empty()) {
    while (next < p.pids.size() &&
           p.asked.size() < static_cast<size_t>(options_.pipeline)) {
      const RpcArg args[] = {RpcArg::Pid(p.pids[next]), items};
      absl::StatusOr<uint64_t> tag = connection_.Send("erlang", "process_info", args);
      if (!tag.ok()) return tag.status();
      p.asked[*tag] = {Pending::What::kInfo, next++};
    }
    absl::StatusOr<BeamConnection::Reply> r = connection_.Receive(p.deadline);
    if (!r.ok()) return r.status();
    auto it = p.asked.find(r->tag);
    if (it == p.asked.end()) continue;  // from a sample given up earlier
    // A big node takes long but answers all along: only a stall is a timeout.
    p.deadline = absl::Now() + options_.timeout;
    const Pending::Asked asked = it->second;
    p.asked.erase(it);
    switch (asked.what) {
      case Pending::What::kInfo:
      case Pending::What::kDictionary:
        if (absl::Status s =
                Apply(p, asked.index, asked.what == Pending::What::kDictionary,
                      std::move(r->value));
            !s.ok()) {
          return s;
        }
        break;
      case Pending::What::kMemory:
        for (const Term& c : r->value.items) {
          if (!c.IsTuple(2) || c.items[0].type != Term::Type::kAtom) continue;
          const uint64_t bytes = c.items[1].Unsigned();
          p.system.memory_categories.push_back({c.items[0].text, bytes});
          if (c.items[0].text == "processes") p.system.process_memory = bytes;
          if (c.items[0].text == "binary") p.system.binary_bytes = bytes;
        }
        break;
      case Pending::What::kRunQueue:
        if (r->value.type == Term::Type::kInteger)
          p.system.run_queue = r->value.Unsigned();
        break;
      case Pending::What::kWallTime:
        p.wall_time = std::move(r->value);
        break;
    }
  }
  return absl::OkStatus();
}

absl::Status BeamSampler::Apply(Pending& p, size_t index, bool dictionary, Term value) {
  const BeamPid& pid = p.pids[index];
  ProcessSample& s = p.samples[index];
  const uint64_t key = BeamPidKey(pid.number, pid.serial);
  if (dictionary) {
    // {dictionary, [...]}: what proc_lib put there.
    Lineage l;
    l.initial_call = s.initial_call;
    if (value.IsTuple(2)) {
      const Term& dict = value.items[1];
      if (const Term* mfa = dict.Find("$initial_call")) {
        if (std::string c = FormatMfa(*mfa); !c.empty()) l.initial_call = std::move(c);
      }
      const Term* ancestors = dict.Find("$ancestors");
      if (ancestors != nullptr && !ancestors->items.empty()) {
        const Term& first = ancestors->items.front();
        if (first.type == Term::Type::kPid && first.pid.node == connection_.node()) {
          l.parent = BeamPidKey(first.pid.number, first.pid.serial);
        } else if (first.type == Term::Type::kAtom) {
          l.parent_name = ModuleName(first.text);
        }
      }
    }
    ApplyLineage(l, s);
    lineage_[key] = std::move(l);
    return absl::OkStatus();
  }
  if (value.type != Term::Type::kList) return absl::OkStatus();  // gone: undefined
  p.alive[index] = true;
  const auto local = [&](const Term& t) {
    return t.type == Term::Type::kPid && t.pid.node == connection_.node();
  };
  s.pid = key;
  if (const Term* n = value.Find("registered_name"); n && n->type == Term::Type::kAtom) {
    s.name = ModuleName(n->text);
  }
  if (const Term* f = value.Find("current_function")) s.current_function = FormatMfa(*f);
  s.status = StatusOf(value.Find("status"));
  s.reductions = value.Find("reductions") ? value.Find("reductions")->Unsigned() : 0;
  s.memory = Reading(value.Find("memory"));
  s.mailbox_len = Reading(value.Find("message_queue_len"));
  if (const Term* h = value.Find("total_heap_size"))
    s.heap_bytes = h->Unsigned() * word_size_;
  if (const Term* parent = value.Find("parent"); parent && local(*parent)) {
    s.parent = BeamPidKey(parent->pid.number, parent->pid.serial);
  }
  if (const Term* links = value.Find("links")) {
    for (const Term& l : links->items) {
      if (local(l)) s.links.push_back(BeamPidKey(l.pid.number, l.pid.serial));
    }
    std::sort(s.links.begin(), s.links.end());
  }
  if (const Term* monitors = value.Find("monitors")) {
    for (const Term& m : monitors->items) {
      if (m.IsTuple(2) && m.items[0].IsAtom("process") && local(m.items[1])) {
        s.monitors.push_back(BeamPidKey(m.items[1].pid.number, m.items[1].pid.serial));
      }
    }
    std::sort(s.monitors.begin(), s.monitors.end());
  }
  const Term* initial = value.Find("initial_call");
  s.initial_call = initial ? FormatMfa(*initial) : std::string();
  // proc_lib starts every OTP process (init_p/5 for a module, init_p/3 for
  // a fun) and keeps the call it was asked for in '$initial_call'.
  if (s.initial_call == "proc_lib:init_p/5" || s.initial_call == "proc_lib:init_p/3") {
    if (auto known = lineage_.find(key); known != lineage_.end()) {
      ApplyLineage(known->second, s);
    } else {
      const RpcArg args[] = {RpcArg::Pid(pid), RpcArg::Atom("dictionary")};
      absl::StatusOr<uint64_t> tag = connection_.Send("erlang", "process_info", args);
      if (!tag.ok()) return tag.status();
      p.asked[*tag] = {Pending::What::kDictionary, index};
    }
  }
  s.kind = KindOfInitialCall(s.initial_call);
  return absl::OkStatus();
}

void BeamSampler::ApplyLineage(const Lineage& l, ProcessSample& s) {
  s.initial_call = l.initial_call;
  s.kind = KindOfInitialCall(s.initial_call);
  if (s.parent == 0) s.parent = l.parent;  // the `parent` item wins
}

void BeamSampler::Finish(Pending& p, BeamReading* out) {
  Snapshot& snap = out->snapshot;
  snap.time_ns = p.time_ns;
  snap.processes.reserve(p.samples.size());
  for (size_t i = 0; i < p.samples.size(); ++i) {
    if (p.alive[i]) snap.processes.push_back(std::move(p.samples[i]));
  }
  std::sort(snap.processes.begin(), snap.processes.end(),
            [](const ProcessSample& a, const ProcessSample& b) { return a.pid < b.pid; });
  // Before OTP 25 a parent may be known by its registered name only.
  absl::flat_hash_map<std::string, uint64_t> by_name;
  for (const ProcessSample& s : snap.processes) {
    if (!s.name.empty()) by_name[s.name] = s.pid;
  }
  for (ProcessSample& s : snap.processes) {
    if (s.parent != 0) continue;
    auto l = lineage_.find(s.pid);
    if (l == lineage_.end() || l->second.parent_name.empty()) continue;
    if (auto named = by_name.find(l->second.parent_name); named != by_name.end()) {
      s.parent = named->second;
    }
  }
  // A worker started by a task supervisor is one of its tasks.
  absl::flat_hash_map<uint64_t, ProcessKind> kinds;
  for (const ProcessSample& s : snap.processes) kinds[s.pid] = s.kind;
  std::vector<uint64_t> pids;
  pids.reserve(snap.processes.size());
  SystemSample& sys = p.system;
  for (ProcessSample& s : snap.processes) {
    if (s.kind == ProcessKind::kWorker) {
      auto parent = kinds.find(s.parent);
      if (parent != kinds.end() && parent->second == ProcessKind::kTaskSupervisor) {
        s.kind = ProcessKind::kTask;
      }
    }
    sys.total_mailbox_len += s.mailbox_len.value;
    pids.push_back(s.pid);
  }
  sys.process_count = snap.processes.size();
  sys.dropped_samples = skipped_;
  // Scheduler use since the previous sample, when the node measures it.
  std::vector<std::pair<uint64_t, uint64_t>> wall;
  for (const Term& w : p.wall_time.items) {
    if (w.IsTuple(3)) wall.emplace_back(w.items[1].Unsigned(), w.items[2].Unsigned());
  }
  if (!wall.empty() && wall.size() == previous_wall_.size()) {
    for (size_t i = 0; i < wall.size(); ++i) {
      const double active = static_cast<double>(wall[i].first - previous_wall_[i].first);
      const double total = static_cast<double>(wall[i].second - previous_wall_[i].second);
      sys.scheduler_utilization.push_back(total > 0 ? std::clamp(active / total, 0.0, 1.0)
                                                    : 0.0);
    }
  }
  previous_wall_ = std::move(wall);
  snap.system = std::move(sys);

  // Who came and went since the previous sample (none for the first).
  if (!previous_pids_.empty()) {
    std::vector<uint64_t> gone;
    std::set_difference(previous_pids_.begin(), previous_pids_.end(), pids.begin(),
                        pids.end(), std::back_inserter(gone));
    for (const ProcessSample& s : snap.processes) {
      if (!std::binary_search(previous_pids_.begin(), previous_pids_.end(), s.pid)) {
        out->events.push_back({snap.time_ns, EventKind::kSpawn, s.pid, s.parent, {}});
      }
    }
    for (uint64_t g : gone) {
      out->events.push_back({snap.time_ns, EventKind::kExit, g, 0,
                             "ended between samples (reason not seen)"});
      lineage_.erase(g);
    }
  }
  previous_pids_ = std::move(pids);
}

}  // namespace overseer
