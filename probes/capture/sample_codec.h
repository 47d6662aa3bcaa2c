// Keyframes and deltas. A keyframe record holds a whole Snapshot; a delta
// holds what changed since the previous sample (added or changed processes,
// details and zones in full, the keys of removed ones, and the system
// sample). Applying the deltas after their keyframe, in order, gives back
// each Snapshot exactly.
//
// Example (writer):
//   SnapshotDiff diff = DiffSnapshots(prev, cur);
//   if (diff.records() < RecordCount(cur)) EncodeDelta(prev, cur, diff, ...);
// Example (reader):
//   Snapshot state;
//   ApplySample(keyframe_record, true, strings, &state);
//   ApplySample(delta_record, false, strings, &state);
#ifndef OVERSEER_PROBES_CAPTURE_SAMPLE_CODEC_H_
#define OVERSEER_PROBES_CAPTURE_SAMPLE_CODEC_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "probes/capture/capture.pb.h"
#include "probes/capture/record_convert.h"
#include "probes/capture/string_table.h"
#include "probes/model/model.h"

namespace overseer {

// Returns InvalidArgument unless processes and details are strictly sorted by
// pid and zones strictly by (pid, zone): the order deltas rely on.
absl::Status CheckSnapshotOrder(const Snapshot& s);

// What changed between two snapshots: indices of added or changed entries of
// the newer one and of removed entries of the older one.
struct SnapshotDiff {
  std::vector<size_t> processes, removed_processes;
  std::vector<size_t> details, removed_details;
  std::vector<size_t> zones, removed_zones;
  size_t records() const;
};

// Compares two snapshots that pass CheckSnapshotOrder.
SnapshotDiff DiffSnapshots(const Snapshot& prev, const Snapshot& cur);

// Makes `prev` equal to `cur`, given their diff: copies only the changed
// entries when no key was added or removed, else the whole snapshot.
void UpdateToNext(const Snapshot& cur, const SnapshotDiff& diff,
                  Snapshot* prev);

// Processes + details + zones: the records a keyframe of `s` holds.
size_t RecordCount(const Snapshot& s);

// Fill `out` (cleared first) with a keyframe of `s`, or a delta from `prev`
// to `cur` given their diff. New strings are interned and announced in the
// record. Owner thread only.
void EncodeKeyframe(const Snapshot& s, StringInterner& strings,
                    pb::Sample* out);
void EncodeDelta(const Snapshot& prev, const Snapshot& cur,
                 const SnapshotDiff& diff, StringInterner& strings,
                 pb::Sample* out);

// The part of a sample record a reader needs at once (to list the sample,
// chart it and grow the string table), read without parsing the processes.
struct SampleHead {
  int64_t time_ns = 0;
  SystemSample system;
  std::vector<std::string> new_strings;
};

// Errors: InvalidArgument when `raw` is not a well-formed Sample record.
absl::StatusOr<SampleHead> ScanSampleHead(absl::string_view raw);

// Replaces `state` with a keyframe's contents, or updates it with a delta.
// Errors: InvalidArgument when the record is malformed (unsorted lists, an
// undefined string id, ...); `state` is then unspecified. Thread-safe.
absl::Status ApplySample(const pb::Sample& record, bool keyframe,
                         const StringTableView& strings, Snapshot* state);

}  // namespace overseer

#endif  // OVERSEER_PROBES_CAPTURE_SAMPLE_CODEC_H_
