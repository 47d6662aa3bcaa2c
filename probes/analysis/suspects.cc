#include "probes/analysis/suspects.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "probes/analysis/format.h"

namespace overseer {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// 100 KB scores 0, 1 MB 25, 10 MB 50, 100 MB 75, 1 GB 100.
double BytesSeverity(double bytes) {
  if (bytes <= 1e5) return 0;
  return std::min(100.0, 25.0 * std::log10(bytes / 1e5));
}

uint64_t Sat(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

std::string Who(const ProcessTrack& t) { return absl::StrCat(t.name, " ", FormatPid(t.pid)); }

// The name alone (as Suspect::name is), or the pid when the scan never saw
// the process.
std::string NameOf(const RunScan& scan, uint64_t pid) {
  const ProcessTrack* t = scan.Find(pid);
  return t ? t->name : FormatPid(pid);
}

std::string WhoPid(const RunScan& scan, uint64_t pid) {
  const ProcessTrack* t = scan.Find(pid);
  return t ? Who(*t) : FormatPid(pid);
}

Evidence BytesAt(std::string what, double bytes, std::optional<int64_t> at) {
  return {std::move(what), bytes, "bytes", at,
          FormatBytes(static_cast<uint64_t>(std::max(bytes, 0.0)))};
}
Evidence Rate(std::string what, double bytes_per_s) {
  return {std::move(what), bytes_per_s, "bytes/s", std::nullopt, FormatRate(bytes_per_s)};
}
Evidence Count(std::string what, double n, std::string unit,
               std::optional<int64_t> at = std::nullopt) {
  return {std::move(what), n, std::move(unit), at,
          FormatCount(static_cast<uint64_t>(std::max(n, 0.0)))};
}
Evidence PerSecond(std::string what, double n) {
  return {std::move(what), n, "messages/s", std::nullopt, absl::StrFormat("%.1f/s", n)};
}
Evidence Ratio(std::string what, double r) {
  return {std::move(what), r, "ratio", std::nullopt, absl::StrFormat("%.2fx", r)};
}
Evidence Span(std::string what, double ns, std::optional<int64_t> at = std::nullopt) {
  return {std::move(what), ns, "ns", at, FormatDuration(static_cast<int64_t>(ns))};
}
Evidence Percent(std::string what, double p) {
  return {std::move(what), p, "percent", std::nullopt, absl::StrFormat("%.0f%%", p)};
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  auto mid = v.begin() + static_cast<long>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

double Pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    syy += y[i] * y[i];
    sxy += x[i] * y[i];
  }
  const double vx = n * sxx - sx * sx;
  const double vy = n * syy - sy * sy;
  if (vx <= 0 || vy <= 0) return 0;
  return (n * sxy - sx * sy) / std::sqrt(vx * vy);
}

double CoefficientOfVariation(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  if (mean <= 0) return 0;
  double var = 0;
  for (double x : v) var += (x - mean) * (x - mean);
  var /= static_cast<double>(v.size());
  return std::sqrt(var) / mean;
}

// Troughs that keep rising: at least `min_rise` from the first present
// segment to the last, most neighbouring pairs not falling (2% slack), and
// the last value close to the highest (it did not come back down).
struct Rise {
  uint64_t from = 0;
  uint64_t to = 0;
  size_t rising_pairs = 0;
  size_t pairs = 0;
};
std::optional<Rise> RisingTroughs(const Trend& trend, double min_rise,
                                  const SuspectRules& rules) {
  std::vector<uint64_t> troughs = trend.PresentTroughs();
  if (troughs.size() < rules.growth_min_segments) return std::nullopt;
  Rise r{.from = troughs.front(), .to = troughs.back()};
  if (r.to <= r.from || static_cast<double>(r.to - r.from) < min_rise) return std::nullopt;
  for (size_t i = 1; i < troughs.size(); ++i) {
    ++r.pairs;
    if (static_cast<double>(troughs[i]) >= 0.98 * static_cast<double>(troughs[i - 1])) {
      ++r.rising_pairs;
    }
  }
  if (static_cast<double>(r.rising_pairs) <
      rules.growth_min_rising * static_cast<double>(r.pairs)) {
    return std::nullopt;
  }
  if (static_cast<double>(trend.last) <
      rules.growth_keep_ratio * static_cast<double>(trend.max)) {
    return std::nullopt;
  }
  return r;
}

bool LivedThroughWindow(const RunScan& scan, const ProcessTrack& t,
                        const SuspectRules& rules) {
  const double span = static_cast<double>(std::max<int64_t>(scan.span_ns(), 1));
  return t.samples >= 4 &&
         static_cast<double>(t.last_ns - t.first_ns) >= rules.growth_min_presence * span;
}

std::optional<Suspect> StateInMessages(const RunScan& scan, const ProcessTrack& t,
                                       const SuspectRules& rules) {
  std::vector<const LargeSend*> big;
  std::vector<const LargeSend*> matches;
  for (const LargeSend& s : t.large_sends) {
    if (s.bytes < rules.copy_min_bytes) continue;
    big.push_back(&s);
    const double ratio =
        static_cast<double>(s.bytes) / static_cast<double>(std::max<uint64_t>(s.sender_state, 1));
    if (s.sender_state >= rules.copy_min_bytes && ratio >= rules.copy_min_ratio &&
        ratio <= rules.copy_max_ratio) {
      matches.push_back(&s);
    }
  }
  if (matches.size() < rules.copy_min_samples ||
      static_cast<double>(matches.size()) <
          rules.copy_min_share * static_cast<double>(big.size())) {
    return std::nullopt;
  }
  std::vector<double> sizes, states, ratios;
  for (const LargeSend* s : matches) {
    sizes.push_back(static_cast<double>(s->bytes));
    states.push_back(static_cast<double>(s->sender_state));
    ratios.push_back(sizes.back() / states.back());
  }
  std::optional<double> correlation;
  if (matches.size() >= 5 && CoefficientOfVariation(states) >= 0.2) {
    correlation = Pearson(sizes, states);
    if (*correlation < rules.copy_min_correlation) return std::nullopt;
  }

  absl::flat_hash_map<uint64_t, double> to_bytes;
  double copied = 0;
  double messages = 0;
  const LargeSend* largest = matches.front();
  for (const LargeSend* s : matches) {
    to_bytes[s->to] += static_cast<double>(s->bytes);
    copied += static_cast<double>(std::max(s->interval_bytes, s->bytes));
    const double n = std::round(static_cast<double>(s->interval_bytes) /
                                static_cast<double>(s->bytes));
    messages += std::clamp(n, 1.0, static_cast<double>(std::max<uint64_t>(s->messages, 1)));
    if (s->bytes > largest->bytes) largest = s;
  }
  uint64_t receiver = 0;
  double receiver_bytes = -1;
  for (const auto& [pid, bytes] : to_bytes) {
    if (bytes > receiver_bytes || (bytes == receiver_bytes && pid < receiver)) {
      receiver = pid;
      receiver_bytes = bytes;
    }
  }

  const double median_size = Median(sizes);
  const double median_state = Median(states);
  const double median_ratio = Median(ratios);
  Suspect s;
  s.kind = SuspectKind::kStateInMessages;
  s.pid = t.pid;
  s.name = t.name;
  s.other_pid = receiver;
  s.other_name = NameOf(scan, receiver);
  s.at_ns = largest->time_ns;
  s.evidence = {
      BytesAt("largest message per interval, median", median_size, std::nullopt),
      BytesAt("sender's state when it sent them, median", median_state, std::nullopt),
      Ratio("message / state, median", median_ratio),
      Count("intervals with such a message", static_cast<double>(matches.size()), "samples"),
      Count("intervals with any message over the floor", static_cast<double>(big.size()),
            "samples"),
      BytesAt("largest such message", static_cast<double>(largest->bytes), largest->time_ns),
      Count("such messages, estimated", messages, "messages"),
      BytesAt("bytes sent in those intervals", copied, std::nullopt),
  };
  if (correlation) {
    s.evidence.push_back({"correlation of size and state (Pearson r)", *correlation, "ratio",
                          std::nullopt, absl::StrFormat("%.2f", *correlation)});
  }
  std::string effects;
  if (const ProcessTrack* r = scan.Find(receiver)) {
    s.evidence.push_back(
        BytesAt("receiver's mailbox bytes, peak", static_cast<double>(r->mailbox_bytes.value),
                r->mailbox_bytes.time_ns));
    PeakAt child;
    size_t children = 0;
    for (const ProcessTrack& c : scan.processes) {
      if (c.parent != receiver) continue;
      ++children;
      if (c.memory.value > child.value) child = c.memory;
    }
    absl::StrAppend(&effects, " ", r->name, "'s mailbox peaked at ",
                    FormatBytes(r->mailbox_bytes.value), " (at ",
                    FormatDuration(r->mailbox_bytes.time_ns), ")");
    if (children > 0 && static_cast<double>(child.value) >= 0.5 * median_size) {
      s.evidence.push_back(BytesAt("receiver's children, largest peak",
                                   static_cast<double>(child.value), child.time_ns));
      absl::StrAppend(&effects, " and the ", FormatCount(children),
                      " processes it started peaked at ", FormatBytes(child.value),
                      " each, holding the copies");
    }
    absl::StrAppend(&effects, ".");
  }
  s.explanation = absl::StrCat(
      Who(t), " copies its own state into the messages it sends to ", WhoPid(scan, receiver),
      ": in ", FormatCount(matches.size()), " of ", FormatCount(big.size()),
      " intervals with a large message, its largest one (median ",
      FormatBytes(static_cast<uint64_t>(median_size)), ") was ",
      absl::StrFormat("%.2f", median_ratio), "x its state (",
      FormatBytes(static_cast<uint64_t>(median_state)),
      "), as a closure that captured that state would be.", effects,
      " Send only what the receiver needs (a function and its arguments).");
  s.score = BytesSeverity(median_size * static_cast<double>(std::min<size_t>(matches.size(), 16)));
  return s;
}

std::string Projection(double last, double slope_per_s, double* seconds) {
  const double target = last < kGiB ? kGiB : 2 * last;
  *seconds = (target - last) / slope_per_s;
  return absl::StrCat("at this rate it reaches ",
                      FormatBytes(static_cast<uint64_t>(target)), " in ",
                      FormatDuration(static_cast<int64_t>(std::min(*seconds, 1e7) * 1e9)));
}

std::optional<Suspect> Growth(const RunScan& scan, const ProcessTrack& t, bool binaries,
                              const SuspectRules& rules) {
  if (!LivedThroughWindow(scan, t, rules)) return std::nullopt;
  const Trend& trend = binaries ? t.binary_trend : t.state_trend;
  std::optional<Rise> rise =
      RisingTroughs(trend, static_cast<double>(rules.growth_min_bytes), rules);
  if (!rise) return std::nullopt;
  const double slope = trend.SlopePerS();
  if (slope <= 0) return std::nullopt;
  double seconds = 0;
  const std::string projection = Projection(static_cast<double>(trend.last), slope, &seconds);
  const PeakAt& peak = binaries ? t.binary_bytes : t.state;
  Suspect s;
  s.kind = binaries ? SuspectKind::kBinaryGrowth : SuspectKind::kMemoryGrowth;
  s.pid = t.pid;
  s.name = t.name;
  s.at_ns = peak.time_ns;
  const double span_s = static_cast<double>(t.last_ns - t.first_ns) / 1e9;
  s.evidence = {
      BytesAt("at its first sample", static_cast<double>(trend.first), t.first_ns),
      BytesAt("at its last sample", static_cast<double>(trend.last), t.last_ns),
      BytesAt("peak", static_cast<double>(peak.value), peak.time_ns),
      Rate("slope (least squares)", slope),
      BytesAt("lowest value, first eighth of the window", static_cast<double>(rise->from),
              std::nullopt),
      BytesAt("lowest value, last eighth of the window", static_cast<double>(rise->to),
              std::nullopt),
      Count("segments whose lowest value did not fall", static_cast<double>(rise->rising_pairs),
            "count"),
      Span("time to the projected size", seconds * 1e9),
  };
  const std::string what = binaries ? "the shared binaries it references" : "its state";
  s.explanation = absl::StrCat(
      Who(t), ": ", what, " grew from ", FormatBytes(trend.first), " to ",
      FormatBytes(trend.last), " over ", FormatDuration(static_cast<int64_t>(span_s * 1e9)),
      " (", FormatRate(slope), ") and its lowest value rose in ",
      FormatCount(rise->rising_pairs), " of ", FormatCount(rise->pairs),
      " steps: memory that does not come back; ", projection, ". ",
      binaries ? "Drop the references it no longer needs (or copy out the part it reads)."
               : "Look for what its state keeps without a bound (a buffer, a cache, a "
                 "history).");
  s.score = BytesSeverity(static_cast<double>(rise->to - rise->from));
  return s;
}

std::optional<Suspect> MailboxBacklog(const RunScan& scan, const ProcessTrack& t,
                                      const SuspectRules& rules) {
  if (!LivedThroughWindow(scan, t, rules)) return std::nullopt;
  if (t.msgq_trend.last < rules.backlog_min_messages) return std::nullopt;
  std::optional<Rise> rise =
      RisingTroughs(t.msgq_trend, static_cast<double>(rules.backlog_min_messages), rules);
  if (!rise) return std::nullopt;
  const double span_s = static_cast<double>(t.last.time_ns - t.first.time_ns) / 1e9;
  if (span_s <= 0) return std::nullopt;
  const double taken = static_cast<double>(Sat(t.last.messages_in, t.first.messages_in));
  const double grew =
      static_cast<double>(t.last.mailbox_len) - static_cast<double>(t.first.mailbox_len);
  const double drain = taken / span_s;
  const double arrival = (taken + grew) / span_s;
  if (arrival <= drain) return std::nullopt;
  const double in_ten_minutes = static_cast<double>(t.msgq_trend.last) + (arrival - drain) * 600;
  Suspect s;
  s.kind = SuspectKind::kMailboxBacklog;
  s.pid = t.pid;
  s.name = t.name;
  s.at_ns = t.msgq.time_ns;
  s.evidence = {
      Count("MsgQ at its first sample", static_cast<double>(t.first.mailbox_len), "messages",
            t.first_ns),
      Count("MsgQ at its last sample", static_cast<double>(t.last.mailbox_len), "messages",
            t.last_ns),
      Count("MsgQ, peak", static_cast<double>(t.msgq.value), "messages", t.msgq.time_ns),
      BytesAt("mailbox bytes, peak", static_cast<double>(t.mailbox_bytes.value),
              t.mailbox_bytes.time_ns),
      PerSecond("arrival rate", arrival),
      PerSecond("drain rate", drain),
      Count("MsgQ in 10 minutes at this rate", in_ten_minutes, "messages"),
  };
  s.explanation = absl::StrCat(
      Who(t), "'s mailbox fills faster than it drains: ", absl::StrFormat("%.0f", arrival),
      " messages/s arrive and ", absl::StrFormat("%.0f", drain),
      "/s are taken, so MsgQ went from ", FormatCount(t.first.mailbox_len), " to ",
      FormatCount(t.last.mailbox_len), " (", FormatBytes(t.mailbox_bytes.value),
      " at the peak) and its lowest value kept rising; in 10 minutes it would hold ",
      FormatCount(static_cast<uint64_t>(in_ten_minutes)),
      " messages. Slow the senders down (a call instead of a cast) or handle faster.");
  s.score = std::max(BytesSeverity(static_cast<double>(t.mailbox_bytes.value)),
                     std::min(100.0, 25.0 * std::log10(static_cast<double>(t.msgq.value) / 10)));
  return s;
}

std::optional<Suspect> StuckMessages(const ProcessTrack& t, const SuspectRules& rules) {
  std::vector<const MailboxTypeTrack*> stuck;
  uint64_t count = 0;
  uint64_t bytes = 0;
  uint64_t taken = 0;
  uint64_t oldest = 0;
  int64_t since = 0;
  int64_t last_ns = 0;
  for (const MailboxTypeTrack& m : t.mailbox_types) {
    const int64_t elapsed = m.last_ns - m.first_ns;
    if (m.fell || m.samples < 3 || m.last_age_ns == 0 || elapsed < rules.stuck_min_span_ns) {
      continue;
    }
    const double aged = static_cast<double>(Sat(m.last_age_ns, m.first_age_ns));
    if (aged < rules.stuck_min_age_ratio * static_cast<double>(elapsed)) continue;
    const uint64_t took = Sat(m.in_at_last, m.in_at_first);
    if (took < rules.stuck_min_taken) continue;
    stuck.push_back(&m);
    count += m.last_count;
    bytes += m.last_bytes;
    taken = std::max(taken, took);
    if (m.last_age_ns > oldest) {
      oldest = m.last_age_ns;
      since = m.first_ns;
    }
    last_ns = std::max(last_ns, m.last_ns);
  }
  if (stuck.empty()) return std::nullopt;
  std::string types;
  for (const MailboxTypeTrack* m : stuck) {
    absl::StrAppend(&types, types.empty() ? "" : ", ", m->type, " (",
                    FormatCount(m->last_count), ")");
  }
  Suspect s;
  s.kind = SuspectKind::kStuckMessages;
  s.pid = t.pid;
  s.name = t.name;
  s.at_ns = last_ns;
  s.evidence = {
      Count("messages that stay", static_cast<double>(count), "messages", last_ns),
      BytesAt("their bytes", static_cast<double>(bytes), last_ns),
      Span("age of the oldest", static_cast<double>(oldest), last_ns),
      Count("other messages taken meanwhile", static_cast<double>(taken), "messages"),
  };
  s.explanation = absl::StrCat(
      FormatCount(count), " messages stay in ", Who(t), "'s mailbox: ", types,
      ". The oldest has waited ", FormatDuration(static_cast<int64_t>(oldest)),
      ", ageing as fast as time passes since ", FormatDuration(since), ", while the process took ",
      FormatCount(taken),
      " others: a selective receive that never matches them, or messages no handler "
      "takes. Match them (or drop them) in the receive.");
  s.score = std::max(30.0, BytesSeverity(static_cast<double>(bytes)));
  return s;
}

std::optional<Suspect> HeldSpecs(const ProcessTrack& t, const SuspectRules& rules) {
  if (t.held_spec_bytes.value < rules.held_min_bytes || t.held_samples == 0) {
    return std::nullopt;
  }
  const double presence = static_cast<double>(t.held_samples) / static_cast<double>(t.samples);
  const double mean = t.held_sum / static_cast<double>(t.held_samples);
  if (presence < rules.held_min_presence || mean < static_cast<double>(rules.held_min_bytes)) {
    return std::nullopt;
  }
  Suspect s;
  s.kind = SuspectKind::kHeldSpecs;
  s.pid = t.pid;
  s.name = t.name;
  s.at_ns = t.held_spec_bytes.time_ns;
  s.evidence = {
      BytesAt("held child-spec bytes, peak", static_cast<double>(t.held_spec_bytes.value),
              t.held_spec_bytes.time_ns),
      BytesAt("held child-spec bytes, mean while held", mean, std::nullopt),
      Percent("samples in which it held specs", 100 * presence),
  };
  std::string largest;
  if (t.largest_spec.bytes > 0) {
    const HeldSpec& h = t.largest_spec;
    s.evidence.push_back(BytesAt(absl::StrCat("largest spec: ", h.child_id),
                                 static_cast<double>(h.bytes), t.largest_spec_ns));
    if (h.child_pid != 0) s.other_pid = h.child_pid;
    s.other_name = h.child_id;
    largest = absl::StrCat(" The largest is ", h.child_id, "'s (", FormatBytes(h.bytes), ", ",
                           h.restart.empty() ? "" : h.restart + ", ", "started by a ",
                           h.start_kind.empty() ? "start" : h.start_kind,
                           h.captured.empty() ? "" : " that captured " + h.captured, ").");
  }
  s.explanation = absl::StrCat(
      Who(t), " pins ", FormatBytes(static_cast<uint64_t>(mean)),
      " in the child specs it holds (peak ", FormatBytes(t.held_spec_bytes.value), ", in ",
      absl::StrFormat("%.0f%%", 100 * presence),
      " of its samples): a supervisor keeps a child's spec to restart it, so whatever the "
      "start captured stays as long as the child.",
      largest, " Start children from a function and small arguments.");
  s.score = BytesSeverity(mean);
  return s;
}

uint64_t ZoneNs(const std::vector<ZoneStat>& zones, std::string_view name) {
  for (const ZoneStat& z : zones) {
    if (z.zone == name) return z.total_ns;
  }
  return 0;
}
uint64_t AllZonesNs(const std::vector<ZoneStat>& zones) {
  uint64_t sum = 0;
  for (const ZoneStat& z : zones) sum += z.total_ns;
  return sum;
}

std::optional<Suspect> SendCost(const ProcessTrack& t, const SuspectRules& rules) {
  const int64_t lived = t.last.time_ns - t.first.time_ns;
  if (t.samples < 2 || lived <= 0) return std::nullopt;
  const double send_ns = static_cast<double>(Sat(t.last.send_ns, t.first.send_ns));
  const double bytes = static_cast<double>(Sat(t.last.bytes_out, t.first.bytes_out));
  const double share = send_ns / static_cast<double>(lived);
  const double rate = bytes / (static_cast<double>(lived) / 1e9);
  const bool time_heavy =
      share >= rules.send_min_share && send_ns >= static_cast<double>(rules.send_min_ns);
  const bool bytes_heavy = rate >= rules.send_min_bytes_per_s &&
                           bytes >= static_cast<double>(rules.send_min_bytes);
  if (!time_heavy && !bytes_heavy) return std::nullopt;
  const double messages = static_cast<double>(Sat(t.last.messages_out, t.first.messages_out));
  // The share of its profiled time, when profiling was on.
  const double profiled = static_cast<double>(Sat(AllZonesNs(t.last_zones), AllZonesNs(t.first_zones)));
  const double zone_send =
      static_cast<double>(Sat(ZoneNs(t.last_zones, "send/copy"), ZoneNs(t.first_zones, "send/copy")));
  Suspect s;
  s.kind = SuspectKind::kSendCost;
  s.pid = t.pid;
  s.name = t.name;
  s.at_ns = t.last_ns;
  s.evidence = {
      Span("time spent sending", send_ns),
      Percent("share of its time", 100 * share),
      BytesAt("bytes sent", bytes, std::nullopt),
      Rate("bytes sent per second", rate),
      Count("messages sent", messages, "messages"),
      BytesAt("mean message", messages > 0 ? bytes / messages : 0, std::nullopt),
  };
  std::string profile;
  if (profiled > 0 && zone_send > 0) {
    s.evidence.push_back(Percent("send/copy share of its profile", 100 * zone_send / profiled));
    profile = absl::StrCat(" (", absl::StrFormat("%.0f%%", 100 * zone_send / profiled),
                           " of its profiled time is send/copy)");
  }
  s.explanation = absl::StrCat(
      Who(t), " spends ", absl::StrFormat("%.0f%%", 100 * share), " of its time copying messages",
      profile, ": ", FormatBytes(static_cast<uint64_t>(bytes)), " in ",
      FormatCount(static_cast<uint64_t>(messages)), " messages (",
      FormatRate(rate), ", ",
      FormatBytes(static_cast<uint64_t>(messages > 0 ? bytes / messages : 0)),
      " each on average). Send less: a reference, a shared binary, or only the fields needed.");
  s.score = std::max(100 * share, BytesSeverity(rate));
  return s;
}

std::vector<Suspect> CallTimeouts(const RunScan& scan, const SuspectRules& rules) {
  struct Group {
    size_t count = 0;
    int64_t first_ns = 0;
    int64_t last_ns = 0;
    absl::flat_hash_map<uint64_t, size_t> callers;
    std::string request;
  };
  absl::flat_hash_map<uint64_t, Group> by_callee;
  for (const Event& e : scan.events) {
    if (e.kind != EventKind::kCallTimeout) continue;
    Group& g = by_callee[e.other_pid];
    if (g.count++ == 0) {
      g.first_ns = e.time_ns;
      g.request = e.text;
    }
    g.last_ns = e.time_ns;
    ++g.callers[e.pid];
  }
  std::vector<Suspect> out;
  for (const auto& [callee, g] : by_callee) {
    if (g.count < rules.timeout_min_count) continue;
    uint64_t caller = 0;
    size_t most = 0;
    for (const auto& [pid, n] : g.callers) {
      if (n > most || (n == most && pid < caller)) {
        caller = pid;
        most = n;
      }
    }
    Suspect s;
    s.kind = SuspectKind::kCallTimeouts;
    s.pid = callee;
    s.name = callee != 0 ? WhoPid(scan, callee) : "an unknown process";
    if (const ProcessTrack* t = scan.Find(callee)) s.name = t->name;
    s.other_pid = caller;
    s.other_name = NameOf(scan, caller);
    s.at_ns = g.first_ns;
    s.evidence = {
        Count("calls that timed out", static_cast<double>(g.count), "count"),
        Span("first", static_cast<double>(g.first_ns), g.first_ns),
        Span("last", static_cast<double>(g.last_ns), g.last_ns),
        Count("callers", static_cast<double>(g.callers.size()), "count"),
    };
    std::string state;
    if (const ProcessTrack* t = scan.Find(callee); t && t->at_timeouts.samples > 0) {
      const TimeoutContext& c = t->at_timeouts;
      s.evidence.push_back(Count("callee's MsgQ then, highest", static_cast<double>(c.max_msgq),
                                 "messages", c.max_msgq_ns));
      state = absl::StrCat("; meanwhile its MsgQ reached ", FormatCount(c.max_msgq),
                           c.current_function.empty() ? "" : " and it was mostly in ",
                           c.current_function);
    }
    s.explanation = absl::StrCat(
        FormatCount(g.count), " calls to ",
        callee != 0 ? WhoPid(scan, callee) : "an unknown process", " timed out between ",
        FormatDuration(g.first_ns), " and ", FormatDuration(g.last_ns), " (from ",
        FormatCount(g.callers.size()), g.callers.size() == 1 ? " caller" : " callers",
        ", most from ", WhoPid(scan, caller), g.request.empty() ? "" : ", e.g. " + g.request, ")",
        state, ". The callee is too busy to answer in time: see what keeps it busy.");
    s.score = std::min(60.0, 20 + 10 * std::log10(static_cast<double>(g.count)));
    out.push_back(std::move(s));
  }
  return out;
}

// Links each finding to those it accounts for, and lifts a root cause above
// what it explains.
void LinkAndRank(std::vector<Suspect>& all) {
  for (size_t i = 0; i < all.size(); ++i) {
    Suspect& root = all[i];
    for (size_t j = 0; j < all.size(); ++j) {
      if (i == j) continue;
      const Suspect& other = all[j];
      // The copies explain the sender's send cost and whatever the
      // receiver suffers (its mailbox, its specs, its growth).
      bool explains =
          root.kind == SuspectKind::kStateInMessages &&
          ((other.pid == root.pid && other.kind == SuspectKind::kSendCost) ||
           (root.other_pid != 0 && other.pid == root.other_pid &&
            other.kind != SuspectKind::kStateInMessages));
      // A busy callee explains the calls that timed out on it.
      if (other.kind == SuspectKind::kCallTimeouts && other.pid == root.pid &&
          root.kind != SuspectKind::kCallTimeouts) {
        explains = true;
      }
      if (explains) root.explains.push_back(j);
    }
  }
  // Lift roots above what they explain (a few passes reach a fixed point on
  // these shallow chains).
  for (int pass = 0; pass < 3; ++pass) {
    for (Suspect& root : all) {
      for (size_t j : root.explains) {
        if (all[j].score + 1 > root.score) root.score = all[j].score + 1;
      }
    }
  }
  std::vector<size_t> order(all.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (all[a].score != all[b].score) return all[a].score > all[b].score;
    if (all[a].kind != all[b].kind) return all[a].kind < all[b].kind;
    return all[a].pid < all[b].pid;
  });
  std::vector<size_t> rank(all.size());
  for (size_t r = 0; r < order.size(); ++r) rank[order[r]] = r;
  std::vector<Suspect> sorted;
  sorted.reserve(all.size());
  for (size_t i : order) {
    Suspect s = std::move(all[i]);
    for (size_t& j : s.explains) j = rank[j];
    std::sort(s.explains.begin(), s.explains.end());
    sorted.push_back(std::move(s));
  }
  all = std::move(sorted);
}

}  // namespace

const char* ToString(SuspectKind kind) {
  switch (kind) {
    case SuspectKind::kStateInMessages: return "state_in_messages";
    case SuspectKind::kMemoryGrowth: return "memory_growth";
    case SuspectKind::kBinaryGrowth: return "binary_growth";
    case SuspectKind::kMailboxBacklog: return "mailbox_backlog";
    case SuspectKind::kStuckMessages: return "stuck_messages";
    case SuspectKind::kHeldSpecs: return "held_specs";
    case SuspectKind::kSendCost: return "send_cost";
    case SuspectKind::kCallTimeouts: return "call_timeouts";
  }
  return "unknown";
}

const char* Describe(SuspectKind kind) {
  switch (kind) {
    case SuspectKind::kStateInMessages: return "state copied into messages";
    case SuspectKind::kMemoryGrowth: return "memory that does not come back";
    case SuspectKind::kBinaryGrowth: return "binary references that grow";
    case SuspectKind::kMailboxBacklog: return "mailbox fills faster than it drains";
    case SuspectKind::kStuckMessages: return "messages never taken";
    case SuspectKind::kHeldSpecs: return "held child specs pin memory";
    case SuspectKind::kSendCost: return "sending dominates";
    case SuspectKind::kCallTimeouts: return "call timeouts";
  }
  return "unknown";
}

SuspectReport FindSuspects(const RunScan& scan, const SuspectRules& rules) {
  SuspectReport report;
  report.first_ns = scan.first_ns;
  report.last_ns = scan.last_ns;
  report.sample_count = scan.sample_count;
  report.process_count = scan.processes.size();
  report.has_send_sizes = scan.has_send_sizes;
  report.status = scan.status;
  std::vector<Suspect>& all = report.suspects;
  auto add = [&](std::optional<Suspect> s) {
    if (s) all.push_back(*std::move(s));
  };
  for (const ProcessTrack& t : scan.processes) {
    add(StateInMessages(scan, t, rules));
    add(Growth(scan, t, /*binaries=*/false, rules));
    add(Growth(scan, t, /*binaries=*/true, rules));
    add(MailboxBacklog(scan, t, rules));
    add(StuckMessages(t, rules));
    add(HeldSpecs(t, rules));
    add(SendCost(t, rules));
  }
  for (Suspect& s : CallTimeouts(scan, rules)) all.push_back(std::move(s));
  LinkAndRank(all);
  return report;
}

absl::StatusOr<SuspectReport> FindSuspects(const Recording& recording, TimeWindow window,
                                           const SuspectRules& rules) {
  absl::StatusOr<RunScan> scan = ScanRun(recording, window);
  if (!scan.ok()) return scan.status();
  return FindSuspects(*scan, rules);
}

}  // namespace overseer
