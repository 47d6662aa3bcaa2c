#include "probes/capture/chunk_reader.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "probes/capture/crc32c.h"

namespace overseer {
namespace {

// `whole` is one chunk, header and stored payload.
absl::Status CheckChunkCrc(absl::Span<const uint8_t> whole, uint64_t offset) {
  const ChunkHeader h = DecodeChunkHeader(whole);
  const uint32_t crc = Crc32cExtend(Crc32c(whole.subspan(0, 12)),
                                    whole.subspan(kChunkHeaderSize));
  if (crc == h.crc) return absl::OkStatus();
  return DataLossAt(offset, absl::StrFormat("%s chunk checksum mismatch "
                                            "(stored 0x%08x, computed 0x%08x)",
                                            ChunkTypeName(h.type), h.crc, crc));
}

}  // namespace

void ChunkReader::Append(absl::Span<const uint8_t> bytes) {
  // Drop what was handed out once it is most of the buffer, so memory stays
  // about one chunk and the copying stays linear overall.
  if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<long>(pos_));
    pos_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

absl::Status ChunkReader::CheckHeader() {
  const auto pending = absl::MakeConstSpan(buffer_).subspan(pos_);
  if (!MatchesMagicPrefix(pending)) {
    return absl::InvalidArgumentError(
        "not an Overseer capture: the first bytes are not the capture magic");
  }
  if (pending.size() < kFileHeaderSize) return absl::OkStatus();
  absl::StatusOr<uint32_t> version = ParseFileHeader(pending);
  if (!version.ok()) return version.status();
  version_ = *version;
  pos_ += kFileHeaderSize;
  consumed_ += kFileHeaderSize;
  return absl::OkStatus();
}

absl::StatusOr<bool> ChunkReader::Next(Chunk* chunk) {
  if (!status_.ok()) return status_;
  if (version_ == 0) {
    status_ = CheckHeader();
    if (!status_.ok()) return status_;
    if (version_ == 0) return false;
  }
  const auto pending = absl::MakeConstSpan(buffer_).subspan(pos_);
  if (pending.size() < kChunkHeaderSize) return false;
  const ChunkHeader h = DecodeChunkHeader(pending);
  status_ = ValidateChunkHeader(h, consumed_);
  if (!status_.ok()) return status_;
  const size_t total = kChunkHeaderSize + h.stored_size;
  if (pending.size() < total) return false;
  status_ = CheckChunkCrc(pending.subspan(0, total), consumed_);
  if (!status_.ok()) return status_;
  chunk->offset = consumed_;
  chunk->header = h;
  chunk->stored = pending.subspan(kChunkHeaderSize, h.stored_size);
  pos_ += total;
  consumed_ += total;
  return true;
}

absl::StatusOr<Chunk> ReadChunkAt(absl::Span<const uint8_t> bytes,
                                  uint64_t offset) {
  if (offset > bytes.size() || bytes.size() - offset < kChunkHeaderSize) {
    return DataLossAt(offset, "chunk header cut short");
  }
  const auto rest = bytes.subspan(offset);
  Chunk chunk;
  chunk.offset = offset;
  chunk.header = DecodeChunkHeader(rest);
  absl::Status s = ValidateChunkHeader(chunk.header, offset);
  if (!s.ok()) return s;
  const size_t total = kChunkHeaderSize + chunk.header.stored_size;
  if (rest.size() < total) return DataLossAt(offset, "chunk cut short");
  s = CheckChunkCrc(rest.subspan(0, total), offset);
  if (!s.ok()) return s;
  chunk.stored = rest.subspan(kChunkHeaderSize, chunk.header.stored_size);
  return chunk;
}

absl::Status ChunkReader::Finish() const {
  if (!status_.ok()) return status_;
  const size_t pending = buffer_.size() - pos_;
  if (version_ == 0) {
    return DataLossAt(consumed_ + pending, "file header cut short");
  }
  if (pending == 0) return absl::OkStatus();
  return DataLossAt(consumed_, absl::StrCat("last chunk cut short (",
                                            pending, " bytes of it present)"));
}

}  // namespace overseer
