// Whole captures: OpenCaptureFile reads a file into memory; OpenCaptureBytes
// loads a finished capture through its end index (no sample is decompressed
// until it is asked for) and scans any other one chunk by chunk.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "probes/capture/capture_reader.h"
#include "probes/capture/chunk_codec.h"
#include "probes/capture/format.h"
#include "probes/capture/record_convert.h"

namespace overseer {
namespace {

absl::Status FileError(int error, const std::string& what,
                       const std::string& path) {
  return absl::Status(absl::ErrnoToStatusCode(error),
                      absl::StrCat(what, " ", path, ": ", std::strerror(error)));
}

// Closes the descriptor on every return path.
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

absl::StatusOr<std::vector<uint8_t>> ReadWholeFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(
          absl::StrCat("capture file ", path, " does not exist"));
    }
    return FileError(errno, "cannot open", path);
  }
  FdCloser closer{fd};
  std::vector<uint8_t> bytes;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    bytes.reserve(static_cast<size_t>(st.st_size));  // a growing file grows
  }
  uint8_t piece[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, piece, sizeof(piece));
    if (n < 0) {
      if (errno == EINTR) continue;
      return FileError(errno, "cannot read", path);
    }
    if (n == 0) return bytes;
    bytes.insert(bytes.end(), piece, piece + n);
  }
}

}  // namespace

bool StreamRecording::LoadIndexed(
    std::shared_ptr<const std::vector<uint8_t>> file) {
  const absl::Span<const uint8_t> bytes = *file;
  if (bytes.size() < kFileHeaderSize + kEndChunkSize + kChunkHeaderSize ||
      !ParseFileHeader(bytes).ok()) {
    return false;
  }
  const uint64_t end_offset = bytes.size() - kEndChunkSize;
  absl::StatusOr<uint64_t> index_offset =
      DecodeEndChunk(bytes.subspan(end_offset), end_offset);
  if (!index_offset.ok() || *index_offset < kFileHeaderSize) return false;
  absl::StatusOr<Chunk> chunk = ReadChunkAt(bytes, *index_offset);
  if (!chunk.ok() || chunk->header.type != static_cast<uint8_t>(ChunkType::kIndex) ||
      *index_offset + kChunkHeaderSize + chunk->header.stored_size != end_offset) {
    return false;
  }
  absl::StatusOr<std::string> raw =
      DecodeChunkPayload(chunk->header, chunk->stored, chunk->offset);
  pb::Index index;
  if (!raw.ok() || !index.ParseFromString(*raw) ||
      index.sample_count() != static_cast<uint64_t>(index.samples_size()) ||
      index.string_count() != static_cast<uint64_t>(index.strings_size()) + 1) {
    return false;
  }
  absl::MutexLock lock(&mu_);
  if (!LoadChunksIndexed(bytes, index, *index_offset, file)) return false;
  for (const std::string& s : index.strings()) strings_.Add(s);
  index_offset_ = *index_offset;
  complete_ = true;
  ended_ = true;
  bytes_fed_ = bytes.size();
  return true;
}

// Frames every chunk before the index, checking each checksum, and lists the
// samples from the index entries, which must match the chunks one to one.
bool StreamRecording::LoadChunksIndexed(
    absl::Span<const uint8_t> bytes, const pb::Index& index,
    uint64_t index_offset,
    const std::shared_ptr<const std::vector<uint8_t>>& file) {
  int next = 0;
  for (uint64_t at = kFileHeaderSize; at < index_offset;) {
    absl::StatusOr<Chunk> chunk = ReadChunkAt(bytes.subspan(0, index_offset), at);
    if (!chunk.ok()) return false;
    at += kChunkHeaderSize + chunk->header.stored_size;
    const auto type = static_cast<ChunkType>(chunk->header.type);
    if (type == ChunkType::kKeyframe || type == ChunkType::kDelta) {
      const bool keyframe = type == ChunkType::kKeyframe;
      if (!have_info_ || next == index.samples_size()) return false;
      const pb::IndexEntry& e = index.samples(next++);
      if (e.offset() != chunk->offset || e.keyframe() != keyframe ||
          (!keyframe && samples_.empty()) ||
          (!samples_.empty() && e.time_ns() < samples_.back().time_ns)) {
        return false;
      }
      AddSample(*chunk, keyframe, e.time_ns(), DecodeRecord(e.system()), file);
    } else if (type == ChunkType::kIndex || type == ChunkType::kEnd) {
      return false;
    } else if (type == ChunkType::kCaptureInfo || have_info_) {
      // Info and events as a scan would take them; unknown types skipped.
      if (!HandleChunk(*chunk).ok()) return false;
    } else {
      return false;  // the first chunk must be the capture info
    }
  }
  return next == index.samples_size() && index.event_count() == event_count_;
}

absl::StatusOr<std::unique_ptr<Recording>> OpenCaptureBytes(
    std::vector<uint8_t> bytes) {
  if (bytes.empty()) {
    return absl::InvalidArgumentError("empty: not an Overseer capture");
  }
  auto file = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  auto indexed = std::make_unique<StreamRecording>();
  if (indexed->LoadIndexed(file)) return std::unique_ptr<Recording>(std::move(indexed));

  auto scanned = std::make_unique<StreamRecording>();
  const absl::Status s = scanned->Feed(*file);
  if (s.code() == absl::StatusCode::kInvalidArgument ||
      s.code() == absl::StatusCode::kUnimplemented) {
    return s;
  }
  scanned->EndOfStream().IgnoreError();  // status() reports it
  return std::unique_ptr<Recording>(std::move(scanned));
}

absl::StatusOr<std::unique_ptr<Recording>> OpenCaptureFile(
    const std::string& path) {
  absl::StatusOr<std::vector<uint8_t>> bytes = ReadWholeFile(path);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<std::unique_ptr<Recording>> r =
      OpenCaptureBytes(*std::move(bytes));
  if (!r.ok()) {
    return absl::Status(r.status().code(),
                        absl::StrCat(path, ": ", r.status().message()));
  }
  return r;
}

}  // namespace overseer
