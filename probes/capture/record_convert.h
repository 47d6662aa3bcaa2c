// Field-by-field conversion between the model's value types
// (probes/model/model.h) and their protobuf records (capture.proto). Strings
// that repeat go through the string table: Encode interns them, Decode looks
// them up and fails on an id the stream never defined.
//
// Example:
//   pb::Process record;
//   EncodeRecord(sample, interner, &record);
//   ProcessSample back;
//   absl::Status s = DecodeRecord(record, table_view, &back);  // back == sample
#ifndef OVERSEER_PROBES_CAPTURE_RECORD_CONVERT_H_
#define OVERSEER_PROBES_CAPTURE_RECORD_CONVERT_H_

#include "absl/status/status.h"
#include "probes/capture/capture.pb.h"
#include "probes/capture/string_table.h"
#include "probes/model/model.h"

namespace overseer {

namespace pb = ::overseer::capture::pb;

// Encoders: pure apart from interning new strings. Owner thread only.
void EncodeRecord(const CaptureInfo& in, pb::CaptureInfo* out);
void EncodeRecord(const SystemSample& in, pb::System* out);
void EncodeRecord(const ProcessSample& in, StringInterner& strings,
                  pb::Process* out);
void EncodeRecord(const ProcessDetail& in, StringInterner& strings,
                  pb::Detail* out);
void EncodeRecord(const ZoneStat& in, StringInterner& strings, pb::Zone* out);
void EncodeRecord(const Event& in, pb::Event* out);

// Decoders. Errors: InvalidArgument with what is wrong (an undefined string
// id, an enum value out of range); the caller turns it into DataLoss at the
// chunk's offset. Thread-safe.
CaptureInfo DecodeRecord(const pb::CaptureInfo& in);
SystemSample DecodeRecord(const pb::System& in);
absl::Status DecodeRecord(const pb::Process& in, const StringTableView& strings,
                          ProcessSample* out);
absl::Status DecodeRecord(const pb::Detail& in, const StringTableView& strings,
                          ProcessDetail* out);
absl::Status DecodeRecord(const pb::Zone& in, const StringTableView& strings,
                          ZoneStat* out);
absl::Status DecodeRecord(const pb::Event& in, Event* out);

// The string with id `id`, or InvalidArgument naming the id.
absl::Status LookupString(const StringTableView& strings, uint32_t id,
                          std::string* out);

}  // namespace overseer

#endif  // OVERSEER_PROBES_CAPTURE_RECORD_CONVERT_H_
