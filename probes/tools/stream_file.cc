#include "probes/tools/stream_file.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "probes/capture/format.h"

namespace overseer {

absl::StatusOr<std::unique_ptr<CaptureStreamFile>> CaptureStreamFile::Create(
    const std::string& path) {
  absl::StatusOr<std::unique_ptr<ByteSink>> sink = OpenFileSink(path);
  if (!sink.ok()) return sink.status();
  return std::unique_ptr<CaptureStreamFile>(new CaptureStreamFile(*std::move(sink)));
}

CaptureStreamFile::CaptureStreamFile(std::unique_ptr<ByteSink> sink)
    : sink_(std::move(sink)) {}

absl::Status CaptureStreamFile::Write(absl::Span<const uint8_t> bytes) {
  absl::Status s = sink_->Write(bytes);
  if (!s.ok()) return error_ = s;
  bytes_written_.fetch_add(bytes.size());
  return absl::OkStatus();
}

absl::Status CaptureStreamFile::Append(absl::Span<const uint8_t> piece) {
  if (!error_.ok()) return error_;
  if (finished_) return absl::FailedPreconditionError("the file is closed");
  if (!header_) {
    if (piece.size() != kFileHeaderSize) {
      return error_ = absl::InvalidArgumentError(
                 "the stream must start with its 16-byte file header");
    }
    absl::StatusOr<uint32_t> version = ParseFileHeader(piece);
    if (!version.ok()) return error_ = version.status();
    header_ = true;
    return Write(piece);
  }
  // Only whole chunks go in, so the file always ends at a chunk boundary.
  if (piece.size() < kChunkHeaderSize ||
      piece.size() != kChunkHeaderSize + size_t{DecodeChunkHeader(piece).stored_size}) {
    return error_ = absl::InvalidArgumentError(absl::StrCat(
               "the piece at offset ", bytes_written_.load(), " is not one whole chunk"));
  }
  switch (static_cast<ChunkType>(DecodeChunkHeader(piece).type)) {
    case ChunkType::kKeyframe:
    case ChunkType::kDelta:
      samples_.fetch_add(1);
      break;
    case ChunkType::kIndex:
      complete_.store(true);
      break;
    default:
      break;
  }
  return Write(piece);
}

absl::Status CaptureStreamFile::Finish() {
  if (finished_) return error_;
  finished_ = true;
  const absl::Status closed = sink_->Close();
  if (!error_.ok()) return error_;
  if (!closed.ok()) return error_ = closed;
  if (!header_) {
    return error_ = absl::FailedPreconditionError(
               "nothing was received: the capture is empty");
  }
  return absl::OkStatus();
}

}  // namespace overseer
