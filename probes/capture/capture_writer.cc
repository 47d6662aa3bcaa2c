#include "probes/capture/capture_writer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "probes/capture/format.h"
#include "probes/capture/record_convert.h"
#include "probes/capture/sample_codec.h"

namespace overseer {

CaptureWriter::CaptureWriter(std::unique_ptr<ByteSink> sink,
                             CaptureWriterOptions options)
    : sink_(std::move(sink)),
      options_(options),
      encoder_(std::clamp(options.zstd_level, 0, 19)) {
  options_.keyframe_interval = std::max(1, options_.keyframe_interval);
}

CaptureWriter::~CaptureWriter() = default;

absl::Status CaptureWriter::CheckOpen() const {
  switch (state_) {
    case State::kOpen: return absl::OkStatus();
    case State::kNew: return absl::FailedPreconditionError("Begin not called");
    case State::kClosed:
      return absl::FailedPreconditionError("capture already finished");
    case State::kFailed: return error_;
  }
  return absl::InternalError("bad writer state");
}

absl::Status CaptureWriter::WriteBytes(absl::Span<const uint8_t> bytes) {
  absl::Status s = sink_ == nullptr
                       ? absl::FailedPreconditionError("writer has no sink")
                       : sink_->Write(bytes);
  if (!s.ok()) {
    state_ = State::kFailed;
    error_ = s;
    return s;
  }
  bytes_written_.fetch_add(bytes.size());
  return absl::OkStatus();
}

absl::Status CaptureWriter::AppendChunk(
    ChunkType type, const google::protobuf::MessageLite& record) {
  raw_.clear();
  if (!record.AppendToString(&raw_)) {
    return absl::InternalError("record does not serialise");
  }
  return encoder_.Encode(
      type, absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(raw_.data()),
                                raw_.size()),
      &chunk_);
}

absl::Status CaptureWriter::Emit(ChunkType type,
                                 const google::protobuf::MessageLite& record) {
  chunk_.clear();
  if (absl::Status s = AppendChunk(type, record); !s.ok()) return s;
  // One Write per chunk: the OS gets each chunk whole, as soon as it exists.
  return WriteBytes(chunk_);
}

absl::Status CaptureWriter::Begin(const CaptureInfo& info) {
  if (state_ != State::kNew) {
    return absl::FailedPreconditionError("Begin called twice");
  }
  const auto header = EncodeFileHeader();
  state_ = State::kOpen;
  if (absl::Status s = WriteBytes(header); !s.ok()) return s;
  pb::CaptureInfo record;
  EncodeRecord(info, &record);
  return Emit(ChunkType::kCaptureInfo, record);
}

absl::Status CaptureWriter::WriteSample(const Snapshot& snapshot) {
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  if (absl::Status s = CheckSnapshotOrder(snapshot); !s.ok()) return s;
  const bool first = samples_written_.load() == 0;
  if (!first && snapshot.time_ns < previous_.time_ns) {
    return absl::InvalidArgumentError(
        absl::StrCat("sample time ", snapshot.time_ns,
                     " is before the previous sample's ", previous_.time_ns));
  }
  bool keyframe = first || since_keyframe_ + 1 >= options_.keyframe_interval;
  SnapshotDiff diff;
  if (!keyframe) {
    diff = DiffSnapshots(previous_, snapshot);
    // A delta listing half of what a keyframe would saves little space and
    // makes every seek past it decode as much again: write the keyframe.
    keyframe = diff.records() * 2 >= RecordCount(snapshot);
    if (!keyframe) EncodeDelta(previous_, snapshot, diff, strings_, &sample_);
  }
  if (keyframe) EncodeKeyframe(snapshot, strings_, &sample_);

  const uint64_t offset = bytes_written_.load();
  absl::Status s =
      Emit(keyframe ? ChunkType::kKeyframe : ChunkType::kDelta, sample_);
  if (!s.ok()) return s;
  index_.push_back({snapshot.time_ns, offset, keyframe, snapshot.system});
  since_keyframe_ = keyframe ? 0 : since_keyframe_ + 1;
  if (keyframe) {
    previous_ = snapshot;
  } else {
    UpdateToNext(snapshot, diff, &previous_);
  }
  samples_written_.fetch_add(1);
  if (keyframe) keyframes_written_.fetch_add(1);
  return absl::OkStatus();
}

absl::Status CaptureWriter::WriteEvents(absl::Span<const Event> events) {
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  if (events.empty()) return absl::OkStatus();
  pb::EventBatch batch;
  for (const Event& e : events) EncodeRecord(e, batch.add_events());
  if (absl::Status s = Emit(ChunkType::kEvents, batch); !s.ok()) return s;
  events_written_.fetch_add(events.size());
  return absl::OkStatus();
}

absl::Status CaptureWriter::Finish() {
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  pb::Index index;
  index.set_sample_count(samples_written_.load());
  for (const IndexRow& row : index_) {
    pb::IndexEntry* entry = index.add_samples();
    entry->set_time_ns(row.time_ns);
    entry->set_offset(row.offset);
    entry->set_keyframe(row.keyframe);
    EncodeRecord(row.system, entry->mutable_system());
  }
  index.set_event_count(events_written_.load());
  index.set_string_count(strings_.size());
  for (std::string& str : strings_.AllStrings()) {
    index.add_strings(std::move(str));
  }
  const uint64_t index_offset = bytes_written_.load();
  chunk_.clear();
  if (absl::Status s = AppendChunk(ChunkType::kIndex, index); !s.ok()) {
    return s;
  }
  const auto end = EncodeEndChunk(index_offset);
  chunk_.insert(chunk_.end(), end.begin(), end.end());
  if (absl::Status s = WriteBytes(chunk_); !s.ok()) return s;
  state_ = State::kClosed;
  return sink_->Close();
}

}  // namespace overseer
