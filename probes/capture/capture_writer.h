// CaptureWriter turns a run (its CaptureInfo, then samples and events as they
// come) into the capture byte stream: a file header, then one chunk per
// record, each handed to the sink as soon as it is encoded. Samples are
// keyframes every `keyframe_interval` samples and deltas in between, so
// mostly idle processes cost little; Finish() writes the end index.
//
// If the program dies at any point, the bytes already written form a capture
// that opens, holding everything up to the last whole chunk.
//
// Example:
//   absl::StatusOr<std::unique_ptr<ByteSink>> sink = OpenFileSink(path);
//   if (!sink.ok()) return sink.status();
//   CaptureWriter writer(*std::move(sink), {.keyframe_interval = 60});
//   absl::Status s = writer.Begin(info);
//   for (...) s.Update(writer.WriteSample(snapshot));
//   s.Update(writer.Finish());
//
// Thread contract: one writer thread calls Begin, WriteSample, WriteEvents
// and Finish; the counters may be read from any thread.
#ifndef OVERSEER_PROBES_CAPTURE_CAPTURE_WRITER_H_
#define OVERSEER_PROBES_CAPTURE_CAPTURE_WRITER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "probes/capture/byte_sink.h"
#include "probes/capture/capture.pb.h"
#include "probes/capture/chunk_codec.h"
#include "probes/capture/string_table.h"
#include "probes/model/model.h"

namespace overseer {

struct CaptureWriterOptions {
  // A keyframe at least every this many samples (1: every sample is one),
  // and whenever a delta would list half as many entries as a keyframe.
  // Seeking decodes one keyframe plus at most interval - 1 deltas.
  int keyframe_interval = 30;
  // zstd level for chunk payloads: 1 fast .. 19 small; 0 stores them raw.
  int zstd_level = 3;
};

class CaptureWriter {
 public:
  explicit CaptureWriter(std::unique_ptr<ByteSink> sink,
                         CaptureWriterOptions options = {});
  // Does not finish: an unfinished capture reads like one whose writer was
  // killed (everything written is there, the end index is not).
  ~CaptureWriter();
  CaptureWriter(const CaptureWriter&) = delete;
  CaptureWriter& operator=(const CaptureWriter&) = delete;

  // Writes the file header and the run's description. Call once, first.
  // Errors: FailedPrecondition when called twice, the sink's error.
  absl::Status Begin(const CaptureInfo& info);

  // Writes one sample, as a keyframe or a delta from the previous one.
  // Errors: InvalidArgument (nothing written, the writer stays usable) when
  // processes/details/zones are not sorted as model.h says or the time goes
  // backwards; FailedPrecondition outside Begin..Finish; the sink's error,
  // after which every call returns it.
  absl::Status WriteSample(const Snapshot& snapshot);

  // Writes a batch of events (nothing for an empty batch). Same errors.
  absl::Status WriteEvents(absl::Span<const Event> events);

  // Writes the end index (and the end chunk that locates it) in one Write,
  // then closes the sink. Later calls fail.
  absl::Status Finish();

  uint64_t samples_written() const { return samples_written_.load(); }
  uint64_t keyframes_written() const { return keyframes_written_.load(); }
  uint64_t events_written() const { return events_written_.load(); }
  uint64_t bytes_written() const { return bytes_written_.load(); }

 private:
  enum class State { kNew, kOpen, kClosed, kFailed };

  absl::Status CheckOpen() const;
  // Appends a chunk carrying `record` to chunk_.
  absl::Status AppendChunk(ChunkType type,
                           const google::protobuf::MessageLite& record);
  absl::Status Emit(ChunkType type, const google::protobuf::MessageLite& record);
  absl::Status WriteBytes(absl::Span<const uint8_t> bytes);

  std::unique_ptr<ByteSink> sink_;
  CaptureWriterOptions options_;
  ChunkEncoder encoder_;
  StringInterner strings_;
  State state_ = State::kNew;
  absl::Status error_;

  Snapshot previous_;
  int since_keyframe_ = 0;
  capture::pb::Sample sample_;        // reused, so its allocations are too
  struct IndexRow {
    int64_t time_ns;
    uint64_t offset;
    bool keyframe;
    SystemSample system;
  };
  std::vector<IndexRow> index_;  // compact until Finish encodes it
  std::string raw_;
  std::vector<uint8_t> chunk_;

  std::atomic<uint64_t> samples_written_{0};
  std::atomic<uint64_t> keyframes_written_{0};
  std::atomic<uint64_t> events_written_{0};
  std::atomic<uint64_t> bytes_written_{0};
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_CAPTURE_CAPTURE_WRITER_H_
