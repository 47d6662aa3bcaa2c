// CaptureStreamFile: writes a live capture stream, as received from an
// attach endpoint, straight into a capture file.
//
// Why the bytes are written through rather than decoded and encoded again:
// the stream already is a capture, byte for byte (the program's writer made
// it for this viewer, keyframe first), so writing it through costs no
// decoding, no second encoding and no memory for a recording: a long run on
// a server keeps nothing in RAM, and the file is exactly what the program
// produced. The pieces arrive whole (the file header, then one whole chunk
// at a time: the attach client cuts them) and each goes to the file in one
// write(2), so a file cut by SIGKILL ends at a chunk boundary and opens with
// every sample up to there. The end index comes from the program's own
// writer: overseer-capture asks it to finish this viewer's stream
// (AttachClient::FinishStream) before closing the file, so the index always
// matches the bytes, whatever the format's index holds.
//
// Example:
//   auto file = CaptureStreamFile::Create("run.ovc");
//   options.on_capture_bytes = [&](auto piece) { (void)(*file)->Append(piece); };
//   ... attach, record, client->FinishStream(...) ...
//   RETURN_IF_ERROR((*file)->Finish());
//
// Thread contract: Append and Finish from one thread at a time; the counters
// from any thread.
#ifndef OVERSEER_PROBES_TOOLS_STREAM_FILE_H_
#define OVERSEER_PROBES_TOOLS_STREAM_FILE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "probes/capture/byte_sink.h"

namespace overseer {

class CaptureStreamFile {
 public:
  // Creates (or truncates) `path`. Errors: those of OpenFileSink.
  static absl::StatusOr<std::unique_ptr<CaptureStreamFile>> Create(
      const std::string& path);

  // Writes one piece: first the 16-byte file header, then whole chunks.
  // Errors (nothing written, and every later call fails the same way):
  // InvalidArgument for a piece that is not the next whole piece, those of
  // ParseFileHeader for a bad header, the file's write error.
  absl::Status Append(absl::Span<const uint8_t> piece);

  // Syncs and closes the file. Errors: FailedPrecondition when nothing was
  // ever received (no header), the first error of Append, the file's error.
  // Idempotent.
  absl::Status Finish();

  uint64_t samples() const { return samples_.load(); }
  uint64_t bytes_written() const { return bytes_written_.load(); }
  // True once the stream's end index went into the file.
  bool complete() const { return complete_.load(); }

 private:
  explicit CaptureStreamFile(std::unique_ptr<ByteSink> sink);
  absl::Status Write(absl::Span<const uint8_t> bytes);

  std::unique_ptr<ByteSink> sink_;
  absl::Status error_;
  bool header_ = false;
  bool finished_ = false;
  std::atomic<uint64_t> samples_{0};
  std::atomic<uint64_t> bytes_written_{0};
  std::atomic<bool> complete_{false};
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_TOOLS_STREAM_FILE_H_
