#include "probes/capture/sample_codec.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace overseer {
namespace {

using ZoneKey = std::pair<uint64_t, std::string_view>;

uint64_t Key(const ProcessSample& p) { return p.pid; }
uint64_t Key(const ProcessDetail& d) { return d.pid; }
ZoneKey Key(const ZoneStat& z) { return {z.pid, z.zone}; }

template <typename T>
bool StrictlySorted(const std::vector<T>& v) {
  for (size_t i = 1; i < v.size(); ++i) {
    if (!(Key(v[i - 1]) < Key(v[i]))) return false;
  }
  return true;
}

template <typename K>
bool StrictlySortedKeys(const std::vector<K>& v) {
  for (size_t i = 1; i < v.size(); ++i) {
    if (!(v[i - 1] < v[i])) return false;
  }
  return true;
}

// Walks two key-sorted lists once, noting new or changed entries of `cur`
// and entries of `prev` that `cur` no longer has.
template <typename T>
void DiffSorted(const std::vector<T>& prev, const std::vector<T>& cur,
                std::vector<size_t>* changed, std::vector<size_t>* removed) {
  size_t i = 0;
  size_t j = 0;
  while (i < prev.size() || j < cur.size()) {
    if (j == cur.size() || (i < prev.size() && Key(prev[i]) < Key(cur[j]))) {
      removed->push_back(i++);
    } else if (i == prev.size() || Key(cur[j]) < Key(prev[i])) {
      changed->push_back(j++);
    } else {
      if (!(prev[i] == cur[j])) changed->push_back(j);
      ++i;
      ++j;
    }
  }
}

// Applies one list of a delta in place: drops the removed keys, replaces the
// entries the delta lists again, and merges in the new ones. A delta is small
// next to the list, so only the entries after the first removal move, and
// new pids (usually the highest) are appended.
template <typename T, typename K>
void ApplyListDelta(std::vector<T>& state, std::vector<T>& upserts,
                    const std::vector<K>& removed) {
  if (!removed.empty()) {
    size_t out = 0;
    size_t r = 0;
    for (size_t i = 0; i < state.size(); ++i) {
      const auto k = Key(state[i]);
      while (r < removed.size() && removed[r] < k) ++r;
      if (r < removed.size() && removed[r] == k) continue;
      if (out != i) state[out] = std::move(state[i]);
      ++out;
    }
    state.erase(state.begin() + static_cast<long>(out), state.end());
  }
  const size_t old_size = state.size();
  for (T& u : upserts) {
    const auto k = Key(u);
    auto it = std::lower_bound(
        state.begin(), state.begin() + static_cast<long>(old_size), k,
        [](const T& e, const decltype(k)& key) { return Key(e) < key; });
    if (it != state.begin() + static_cast<long>(old_size) && !(k < Key(*it))) {
      *it = std::move(u);
    } else {
      state.push_back(std::move(u));  // sorted among themselves
    }
  }
  const auto middle = state.begin() + static_cast<long>(old_size);
  if (middle != state.begin() && middle != state.end() &&
      Key(*middle) < Key(*(middle - 1))) {
    std::inplace_merge(state.begin(), middle, state.end(),
                       [](const T& a, const T& b) { return Key(a) < Key(b); });
  }
}

template <typename T, typename R>
absl::Status DecodeList(const google::protobuf::RepeatedPtrField<R>& in,
                        const StringTableView& strings, const char* what,
                        std::vector<T>* out) {
  out->resize(static_cast<size_t>(in.size()));
  for (int i = 0; i < in.size(); ++i) {
    absl::Status s = DecodeRecord(in[i], strings, &(*out)[static_cast<size_t>(i)]);
    if (!s.ok()) return s;
  }
  if (!StrictlySorted(*out)) {
    return absl::InvalidArgumentError(absl::StrCat(what, " not sorted"));
  }
  return absl::OkStatus();
}

void AnnounceNewStrings(StringInterner& strings, pb::Sample* out) {
  for (std::string& s : strings.TakeNew()) out->add_new_strings(std::move(s));
}

absl::Status ApplyDelta(const pb::Sample& record,
                        const StringTableView& strings, Snapshot* state) {
  std::vector<ProcessSample> processes;
  std::vector<ProcessDetail> details;
  std::vector<ZoneStat> zones;
  for (absl::Status s :
       {DecodeList(record.processes(), strings, "processes", &processes),
        DecodeList(record.details(), strings, "details", &details),
        DecodeList(record.zones(), strings, "zones", &zones)}) {
    if (!s.ok()) return s;
  }
  std::vector<uint64_t> removed_pids(record.removed_pids().begin(),
                                     record.removed_pids().end());
  std::vector<uint64_t> removed_details(record.removed_detail_pids().begin(),
                                        record.removed_detail_pids().end());
  std::vector<ZoneKey> removed_zones;
  for (const pb::ZoneKey& z : record.removed_zones()) {
    const std::string* name = strings.Find(z.zone());
    if (name == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("removed zone names undefined string id ", z.zone()));
    }
    removed_zones.emplace_back(z.pid(), *name);
  }
  if (!StrictlySortedKeys(removed_pids) ||
      !StrictlySortedKeys(removed_details) ||
      !StrictlySortedKeys(removed_zones)) {
    return absl::InvalidArgumentError("removed keys not sorted");
  }
  ApplyListDelta(state->processes, processes, removed_pids);
  ApplyListDelta(state->details, details, removed_details);
  ApplyListDelta(state->zones, zones, removed_zones);
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckSnapshotOrder(const Snapshot& s) {
  if (!StrictlySorted(s.processes)) {
    return absl::InvalidArgumentError(
        "snapshot processes must be sorted by pid, without duplicates");
  }
  if (!StrictlySorted(s.details)) {
    return absl::InvalidArgumentError(
        "snapshot details must be sorted by pid, without duplicates");
  }
  if (!StrictlySorted(s.zones)) {
    return absl::InvalidArgumentError(
        "snapshot zones must be sorted by (pid, zone), without duplicates");
  }
  return absl::OkStatus();
}

size_t SnapshotDiff::records() const {
  return processes.size() + removed_processes.size() + details.size() +
         removed_details.size() + zones.size() + removed_zones.size();
}

SnapshotDiff DiffSnapshots(const Snapshot& prev, const Snapshot& cur) {
  SnapshotDiff d;
  DiffSorted(prev.processes, cur.processes, &d.processes,
             &d.removed_processes);
  DiffSorted(prev.details, cur.details, &d.details, &d.removed_details);
  DiffSorted(prev.zones, cur.zones, &d.zones, &d.removed_zones);
  return d;
}

void UpdateToNext(const Snapshot& cur, const SnapshotDiff& diff,
                  Snapshot* prev) {
  const bool same_keys = diff.removed_processes.empty() &&
                         diff.removed_details.empty() &&
                         diff.removed_zones.empty() &&
                         prev->processes.size() == cur.processes.size() &&
                         prev->details.size() == cur.details.size() &&
                         prev->zones.size() == cur.zones.size();
  if (!same_keys) {
    *prev = cur;
    return;
  }
  prev->time_ns = cur.time_ns;
  prev->system = cur.system;
  for (size_t i : diff.processes) prev->processes[i] = cur.processes[i];
  for (size_t i : diff.details) prev->details[i] = cur.details[i];
  for (size_t i : diff.zones) prev->zones[i] = cur.zones[i];
}

size_t RecordCount(const Snapshot& s) {
  return s.processes.size() + s.details.size() + s.zones.size();
}

void EncodeKeyframe(const Snapshot& s, StringInterner& strings,
                    pb::Sample* out) {
  out->Clear();
  out->set_time_ns(s.time_ns);
  EncodeRecord(s.system, out->mutable_system());
  for (const ProcessSample& p : s.processes) {
    EncodeRecord(p, strings, out->add_processes());
  }
  for (const ProcessDetail& d : s.details) {
    EncodeRecord(d, strings, out->add_details());
  }
  for (const ZoneStat& z : s.zones) EncodeRecord(z, strings, out->add_zones());
  AnnounceNewStrings(strings, out);
}

void EncodeDelta(const Snapshot& prev, const Snapshot& cur,
                 const SnapshotDiff& diff, StringInterner& strings,
                 pb::Sample* out) {
  out->Clear();
  out->set_time_ns(cur.time_ns);
  EncodeRecord(cur.system, out->mutable_system());
  for (size_t i : diff.processes) {
    EncodeRecord(cur.processes[i], strings, out->add_processes());
  }
  for (size_t i : diff.removed_processes) {
    out->add_removed_pids(prev.processes[i].pid);
  }
  for (size_t i : diff.details) {
    EncodeRecord(cur.details[i], strings, out->add_details());
  }
  for (size_t i : diff.removed_details) {
    out->add_removed_detail_pids(prev.details[i].pid);
  }
  for (size_t i : diff.zones) {
    EncodeRecord(cur.zones[i], strings, out->add_zones());
  }
  for (size_t i : diff.removed_zones) {
    pb::ZoneKey* key = out->add_removed_zones();
    key->set_pid(prev.zones[i].pid);
    key->set_zone(strings.Intern(prev.zones[i].zone));
  }
  AnnounceNewStrings(strings, out);
}

absl::StatusOr<SampleHead> ScanSampleHead(absl::string_view raw) {
  using WireFormatLite = google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(raw.data()), static_cast<int>(raw.size()));
  SampleHead head;
  std::string bytes;
  const auto malformed = [](const char* what) {
    return absl::InvalidArgumentError(
        absl::StrCat("sample record malformed: ", what));
  };
  while (const uint32_t tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const auto wire = WireFormatLite::GetTagWireType(tag);
    if (field == 1 && wire == WireFormatLite::WIRETYPE_VARINT) {
      uint64_t v = 0;
      if (!in.ReadVarint64(&v)) return malformed("time");
      head.time_ns = static_cast<int64_t>(v);
    } else if (field == 2 && wire == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      pb::System system;
      if (!WireFormatLite::ReadBytes(&in, &bytes) ||
          !system.ParseFromString(bytes)) {
        return malformed("system");
      }
      head.system = DecodeRecord(system);
    } else if (field == 3 && wire == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!WireFormatLite::ReadBytes(&in, &bytes)) return malformed("strings");
      head.new_strings.push_back(bytes);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return malformed("field");
    }
  }
  if (static_cast<size_t>(in.CurrentPosition()) != raw.size()) {
    return malformed("bad tag");
  }
  return head;
}

absl::Status ApplySample(const pb::Sample& record, bool keyframe,
                         const StringTableView& strings, Snapshot* state) {
  state->time_ns = record.time_ns();
  state->system = DecodeRecord(record.system());
  if (!keyframe) return ApplyDelta(record, strings, state);
  if (!record.removed_pids().empty() ||
      !record.removed_detail_pids().empty() ||
      !record.removed_zones().empty()) {
    return absl::InvalidArgumentError("keyframe lists removed entries");
  }
  for (absl::Status s : {DecodeList(record.processes(), strings, "processes",
                                    &state->processes),
                         DecodeList(record.details(), strings, "details",
                                    &state->details),
                         DecodeList(record.zones(), strings, "zones",
                                    &state->zones)}) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace overseer
