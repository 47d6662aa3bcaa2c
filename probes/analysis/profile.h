// The Profile view as values: an eprof-like table of timed zones (calls,
// share of the time, total and per-call microseconds), summed over every
// process or for one, from the cumulative ZoneStats of a snapshot, or over
// an interval as the difference between two snapshots.
//
// Example:
//   Profile p = BuildProfile(snapshot.zones);                  // overall
//   Profile one = BuildProfile(snapshot.zones, fetcher_pid);   // one process
//   Profile last_10s = ProfileBetween(earlier.zones, later.zones);
//   for (const ProfileRow& r : p.rows) std::cout << r.zone << r.percent;
//
// All functions are pure; thread-safe.
#ifndef OVERSEER_PROBES_ANALYSIS_PROFILE_H_
#define OVERSEER_PROBES_ANALYSIS_PROFILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probes/model/model.h"

namespace overseer {

struct ProfileRow {
  std::string zone;  // e.g. "send/copy", "handle_call"
  uint64_t calls = 0;
  uint64_t total_ns = 0;
  double percent = 0.0;  // share of the profile's total time, 0..100
  double total_us = 0.0;
  double us_per_call = 0.0;  // 0 when calls == 0
};

struct Profile {
  std::vector<ProfileRow> rows;  // most time first; ties by zone name
  uint64_t total_calls = 0;
  uint64_t total_ns = 0;
  size_t process_count = 0;  // processes that contributed a zone
};

// The profile of cumulative `zones`: summed per zone over every process, or
// over `pid` only when given.
Profile BuildProfile(const std::vector<ZoneStat>& zones,
                     std::optional<uint64_t> pid = std::nullopt);

// The profile of what happened between two readings of the cumulative
// zones: per (pid, zone), `later` minus `earlier`. A zone whose counters went
// down (its process was replaced) counts its later value; one missing from
// `later` (its process exited) contributes nothing.
Profile ProfileBetween(const std::vector<ZoneStat>& earlier,
                       const std::vector<ZoneStat>& later,
                       std::optional<uint64_t> pid = std::nullopt);

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_PROFILE_H_
