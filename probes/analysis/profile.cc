#include "probes/analysis/profile.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace overseer {
namespace {

struct Sums {
  uint64_t calls = 0;
  uint64_t total_ns = 0;
};

using PidZone = std::pair<uint64_t, std::string>;

Profile Finish(const absl::flat_hash_map<std::string, Sums>& by_zone,
               size_t process_count) {
  Profile profile;
  profile.process_count = process_count;
  for (const auto& [zone, sums] : by_zone) {
    profile.total_calls += sums.calls;
    profile.total_ns += sums.total_ns;
  }
  profile.rows.reserve(by_zone.size());
  for (const auto& [zone, sums] : by_zone) {
    ProfileRow row;
    row.zone = zone;
    row.calls = sums.calls;
    row.total_ns = sums.total_ns;
    row.total_us = static_cast<double>(sums.total_ns) / 1000.0;
    row.us_per_call =
        sums.calls == 0 ? 0.0 : row.total_us / static_cast<double>(sums.calls);
    row.percent = profile.total_ns == 0 ? 0.0
                                        : 100.0 * static_cast<double>(sums.total_ns) /
                                              static_cast<double>(profile.total_ns);
    profile.rows.push_back(std::move(row));
  }
  std::sort(profile.rows.begin(), profile.rows.end(),
            [](const ProfileRow& a, const ProfileRow& b) {
              if (a.total_ns != b.total_ns) return a.total_ns > b.total_ns;
              return a.zone < b.zone;
            });
  return profile;
}

}  // namespace

Profile BuildProfile(const std::vector<ZoneStat>& zones, std::optional<uint64_t> pid) {
  return ProfileBetween({}, zones, pid);
}

Profile ProfileBetween(const std::vector<ZoneStat>& earlier,
                       const std::vector<ZoneStat>& later, std::optional<uint64_t> pid) {
  absl::flat_hash_map<PidZone, Sums> before;
  for (const ZoneStat& z : earlier) {
    if (pid && z.pid != *pid) continue;
    Sums& s = before[PidZone(z.pid, z.zone)];
    s.calls += z.calls;
    s.total_ns += z.total_ns;
  }
  absl::flat_hash_map<std::string, Sums> by_zone;
  absl::flat_hash_set<uint64_t> processes;
  for (const ZoneStat& z : later) {
    if (pid && z.pid != *pid) continue;
    Sums delta{z.calls, z.total_ns};
    auto it = before.find(PidZone(z.pid, z.zone));
    if (it != before.end() && it->second.calls <= z.calls &&
        it->second.total_ns <= z.total_ns) {
      delta.calls -= it->second.calls;
      delta.total_ns -= it->second.total_ns;
    }
    if (delta.calls == 0 && delta.total_ns == 0) continue;
    Sums& s = by_zone[z.zone];
    s.calls += delta.calls;
    s.total_ns += delta.total_ns;
    processes.insert(z.pid);
  }
  return Finish(by_zone, processes.size());
}

}  // namespace overseer
