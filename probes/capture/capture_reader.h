// Reading captures: StreamRecording decodes the capture byte stream as it is
// fed (a live attach socket, or any stream read in pieces) and serves it as a
// Recording; OpenCaptureFile reads a whole file, loads it through its end
// index when the writer finished it, and feeds it chunk by chunk otherwise.
//
// A StreamRecording keeps the compressed sample chunks in memory plus an
// index of them; SnapshotAt(i) decodes the keyframe at or before i and the
// deltas up to i, and keeps the last results so scrubbing forward decodes
// one delta per step. Events and the string table are decoded as they come.
//
// Damage never loses what came before it: the first damaged byte stops the
// decoding, status() reports DataLoss with its offset, and every sample and
// event before it stays readable.
//
// Example (file):
//   absl::StatusOr<std::unique_ptr<Recording>> r = OpenCaptureFile("run.ovc");
//   if (!r.ok()) return r.status();          // missing, not a capture, newer
//   if (!(*r)->status().ok()) Warn((*r)->status());  // e.g. a cut-off tail
// Example (live):
//   auto live = std::make_shared<StreamRecording>();
//   while (n = read(socket, buf)) if (!live->Feed({buf, n}).ok()) break;
#ifndef OVERSEER_PROBES_CAPTURE_CAPTURE_READER_H_
#define OVERSEER_PROBES_CAPTURE_CAPTURE_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "probes/capture/capture.pb.h"
#include "probes/capture/chunk_reader.h"
#include "probes/capture/string_table.h"
#include "probes/model/recording.h"

namespace overseer {

// Opens a capture file (read whole into memory). Thread-safe. Fails only
// when nothing is usable: NotFound (no such file), InvalidArgument (empty,
// or not a capture), Unimplemented (a newer format version; the message
// names both versions), or the error of reading the file. A damaged or
// cut-off file gives a Recording whose status() is DataLoss naming the byte
// offset.
absl::StatusOr<std::unique_ptr<Recording>> OpenCaptureFile(
    const std::string& path);

// The same for a whole capture already in memory (`bytes` is the stream from
// its first byte). A finished capture is loaded through its end index,
// without decompressing every sample; any other is scanned. Same errors as
// OpenCaptureFile, without the file ones. Thread-safe.
absl::StatusOr<std::unique_ptr<Recording>> OpenCaptureBytes(
    std::vector<uint8_t> bytes);

class StreamRecording final : public Recording {
 public:
  StreamRecording();
  ~StreamRecording() override;

  // Decodes `bytes`, the next piece of the stream; samples and events become
  // visible as soon as their chunk is complete. Returns OK, or the stream's
  // first error (InvalidArgument: not a capture; Unimplemented: newer
  // version; DataLoss at an offset), which is also status() from then on:
  // later pieces are ignored and everything decoded before stays.
  // FailedPrecondition after EndOfStream. Thread-safe.
  absl::Status Feed(absl::Span<const uint8_t> bytes);

  // Declares the stream over. A stream cut inside a chunk, or without the
  // end index a finished writer leaves, becomes DataLoss at the offset where
  // it stops. Returns status(). Thread-safe.
  absl::Status EndOfStream();

  // True once the end index and end chunk arrived (the writer finished).
  bool complete() const;

  // Bytes of the stream fed so far.
  uint64_t bytes_fed() const;

  CaptureInfo info() const override;
  size_t sample_count() const override;
  int64_t sample_time_ns(size_t index) const override;
  SystemSample system_at(size_t index) const override;
  absl::StatusOr<Snapshot> SnapshotAt(size_t index) const override;
  absl::Status ForEachSample(
      size_t first, size_t last,
      absl::FunctionRef<bool(size_t, const Snapshot&)> visit) const override;
  std::vector<Event> EventsBetween(int64_t from_ns,
                                   int64_t to_ns) const override;
  absl::Status status() const override;

 private:
  // A sample chunk as it came off the stream, still compressed. `stored`
  // points into `owner`: a copy of the chunk, or a whole file loaded at once.
  struct StoredChunk {
    uint64_t offset = 0;
    ChunkHeader header;
    std::shared_ptr<const std::vector<uint8_t>> owner;
    absl::Span<const uint8_t> stored;
  };
  struct SampleEntry {
    int64_t time_ns = 0;
    SystemSample system;
    bool keyframe = false;
    size_t keyframe_index = 0;  // the sample to start decoding from
    std::shared_ptr<const StoredChunk> chunk;
  };
  struct CachedSnapshot {
    size_t index = 0;
    std::shared_ptr<Snapshot> snapshot;  // shared only under mu_
  };

  // Decodes one sample chunk onto `state`; DataLoss at its offset.
  static absl::Status ApplyChunk(const StoredChunk& chunk, bool keyframe,
                                 const StringTableView& strings,
                                 Snapshot* state);
  absl::Status HandleChunk(const Chunk& chunk) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status HandleSample(const Chunk& chunk, bool keyframe)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status HandleEvents(const Chunk& chunk) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status HandleIndex(const Chunk& chunk) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Lists a sample whose chunk.stored lives in `owner`.
  void AddSample(const Chunk& chunk, bool keyframe, int64_t time_ns,
                 SystemSample system,
                 std::shared_ptr<const std::vector<uint8_t>> owner)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Loads a whole finished capture through its end index, without
  // decompressing the samples. False when the file has no usable index (the
  // caller then scans it); the recording is then in an unspecified state.
  bool LoadIndexed(std::shared_ptr<const std::vector<uint8_t>> file);
  bool LoadChunksIndexed(absl::Span<const uint8_t> bytes,
                         const capture::pb::Index& index, uint64_t index_offset,
                         const std::shared_ptr<const std::vector<uint8_t>>& file)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  friend absl::StatusOr<std::unique_ptr<Recording>> OpenCaptureBytes(
      std::vector<uint8_t> bytes);

  mutable absl::Mutex mu_;
  ChunkReader reader_ ABSL_GUARDED_BY(mu_);
  uint64_t bytes_fed_ ABSL_GUARDED_BY(mu_) = 0;
  bool have_info_ ABSL_GUARDED_BY(mu_) = false;
  bool complete_ ABSL_GUARDED_BY(mu_) = false;  // the end chunk arrived
  std::optional<uint64_t> index_offset_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  CaptureInfo info_ ABSL_GUARDED_BY(mu_);
  std::vector<SampleEntry> samples_ ABSL_GUARDED_BY(mu_);
  StringTable strings_ ABSL_GUARDED_BY(mu_);
  std::vector<Event> events_ ABSL_GUARDED_BY(mu_);  // sorted by time
  uint64_t event_count_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  // The last decoded snapshots, newest first.
  mutable std::vector<CachedSnapshot> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_CAPTURE_CAPTURE_READER_H_
