#include "probes/capture/format.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "probes/capture/crc32c.h"

namespace overseer {
namespace {

void PutU32(uint8_t* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint32_t GetU32(const uint8_t* in) {
  return uint32_t{in[0]} | uint32_t{in[1]} << 8 | uint32_t{in[2]} << 16 |
         uint32_t{in[3]} << 24;
}

}  // namespace

std::array<uint8_t, kFileHeaderSize> EncodeFileHeader(uint32_t version) {
  std::array<uint8_t, kFileHeaderSize> out{};
  std::copy(kCaptureMagic.begin(), kCaptureMagic.end(), out.begin());
  PutU32(out.data() + 8, version);
  PutU32(out.data() + 12, Crc32c(absl::MakeConstSpan(out.data(), 12)));
  return out;
}

bool MatchesMagicPrefix(absl::Span<const uint8_t> bytes) {
  const size_t n = std::min(bytes.size(), kCaptureMagic.size());
  return std::equal(bytes.begin(), bytes.begin() + n, kCaptureMagic.begin());
}

absl::StatusOr<uint32_t> ParseFileHeader(absl::Span<const uint8_t> bytes) {
  if (bytes.size() < kFileHeaderSize) {
    return DataLossAt(bytes.size(), "file header cut short");
  }
  if (!MatchesMagicPrefix(bytes)) {
    return absl::InvalidArgumentError(
        "not an Overseer capture: the first bytes are not the capture magic");
  }
  const uint32_t version = GetU32(bytes.data() + 8);
  // The version is judged before the checksum: bytes 0..11 are frozen for
  // every version, but a newer version may protect the rest differently.
  if (version > kCaptureFormatVersion) {
    return absl::UnimplementedError(absl::StrCat(
        "capture format version ", version,
        " is newer than this reader, which reads versions up to ",
        kCaptureFormatVersion));
  }
  const uint32_t want = Crc32c(bytes.subspan(0, 12));
  if (GetU32(bytes.data() + 12) != want) {
    return DataLossAt(8, "file header checksum mismatch");
  }
  if (version == 0) return DataLossAt(8, "format version 0 does not exist");
  return version;
}

std::array<uint8_t, kChunkHeaderSize> EncodeChunkHeader(const ChunkHeader& h) {
  std::array<uint8_t, kChunkHeaderSize> out{};
  out[0] = h.type;
  out[1] = h.flags;
  out[2] = static_cast<uint8_t>(h.reserved);
  out[3] = static_cast<uint8_t>(h.reserved >> 8);
  PutU32(out.data() + 4, h.stored_size);
  PutU32(out.data() + 8, h.raw_size);
  PutU32(out.data() + 12, h.crc);
  return out;
}

ChunkHeader DecodeChunkHeader(absl::Span<const uint8_t> bytes) {
  ChunkHeader h;
  h.type = bytes[0];
  h.flags = bytes[1];
  h.reserved = static_cast<uint16_t>(bytes[2] | bytes[3] << 8);
  h.stored_size = GetU32(bytes.data() + 4);
  h.raw_size = GetU32(bytes.data() + 8);
  h.crc = GetU32(bytes.data() + 12);
  return h;
}

uint32_t ChunkCrc(const ChunkHeader& h, absl::Span<const uint8_t> payload) {
  const auto bytes = EncodeChunkHeader(h);
  return Crc32cExtend(Crc32c(absl::MakeConstSpan(bytes.data(), 12)), payload);
}

absl::Status ValidateChunkHeader(const ChunkHeader& h, uint64_t offset) {
  if (h.type == 0) return DataLossAt(offset, "chunk type 0 does not exist");
  if (h.reserved != 0) return DataLossAt(offset, "reserved bytes not zero");
  if ((h.flags & ~kChunkFlagsKnown) != 0) {
    return DataLossAt(offset, absl::StrFormat("unknown chunk flags 0x%02x",
                                              h.flags));
  }
  if (h.stored_size > kMaxChunkPayload || h.raw_size > kMaxChunkPayload) {
    return DataLossAt(offset, absl::StrCat("chunk declares ", h.stored_size,
                                           " stored / ", h.raw_size,
                                           " raw bytes, over the limit"));
  }
  if ((h.flags & kChunkFlagZstd) == 0 && h.stored_size != h.raw_size) {
    return DataLossAt(offset, "uncompressed chunk with two different sizes");
  }
  return absl::OkStatus();
}

std::array<uint8_t, kEndChunkSize> EncodeEndChunk(uint64_t index_offset) {
  std::array<uint8_t, 8> payload{};
  for (int i = 0; i < 8; ++i) {
    payload[i] = static_cast<uint8_t>(index_offset >> (8 * i));
  }
  ChunkHeader h;
  h.type = static_cast<uint8_t>(ChunkType::kEnd);
  h.stored_size = h.raw_size = 8;
  h.crc = ChunkCrc(h, payload);
  const auto header = EncodeChunkHeader(h);
  std::array<uint8_t, kEndChunkSize> out{};
  std::copy(header.begin(), header.end(), out.begin());
  std::copy(payload.begin(), payload.end(), out.begin() + kChunkHeaderSize);
  return out;
}

absl::StatusOr<uint64_t> DecodeEndChunk(absl::Span<const uint8_t> bytes,
                                        uint64_t offset) {
  const ChunkHeader h = DecodeChunkHeader(bytes);
  if (h.type != static_cast<uint8_t>(ChunkType::kEnd) || h.flags != 0 ||
      h.reserved != 0 || h.stored_size != 8 || h.raw_size != 8) {
    return DataLossAt(offset, "not a well-formed end chunk");
  }
  const auto payload = bytes.subspan(kChunkHeaderSize, 8);
  if (ChunkCrc(h, payload) != h.crc) {
    return DataLossAt(offset, "end chunk checksum mismatch");
  }
  uint64_t index_offset = 0;
  for (int i = 7; i >= 0; --i) index_offset = index_offset << 8 | payload[i];
  return index_offset;
}

absl::Status DataLossAt(uint64_t offset, absl::string_view what) {
  return absl::DataLossError(
      absl::StrCat("capture damaged at byte offset ", offset, ": ", what));
}

std::string ChunkTypeName(uint8_t type) {
  switch (static_cast<ChunkType>(type)) {
    case ChunkType::kCaptureInfo: return "capture info";
    case ChunkType::kKeyframe: return "keyframe";
    case ChunkType::kDelta: return "delta";
    case ChunkType::kEvents: return "events";
    case ChunkType::kIndex: return "index";
    case ChunkType::kEnd: return "end";
  }
  return absl::StrCat("unknown (", type, ")");
}

}  // namespace overseer
