// The capture protocol in one header: the file magic, THE format version, the
// chunk types, and the byte layout of the file header and of a chunk header.
// A capture file and a live attach stream are the same byte stream: a 16-byte
// file header, then chunks. The writer, the reader and the attach endpoint
// all frame bytes with these functions; docs/capture-format.md is the spec.
//
// Example (framing one chunk by hand):
//   ChunkHeader h{ChunkType::kEvents, 0, payload_size, payload_size, 0};
//   h.crc = ChunkCrc(h, payload);
//   auto header_bytes = EncodeChunkHeader(h);
//   // write header_bytes, then payload
#ifndef OVERSEER_PROBES_CAPTURE_FORMAT_H_
#define OVERSEER_PROBES_CAPTURE_FORMAT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace overseer {

// The first 8 bytes of every capture. The high first byte and the CR LF / EOF
// bytes catch text-mode transfers, as PNG's signature does.
inline constexpr std::array<uint8_t, 8> kCaptureMagic = {
    0x89, 'O', 'V', 'C', '\r', '\n', 0x1A, '\n'};

// The version this code writes and the newest it reads. Bump it for any
// change an older reader would misread; additions an older reader can skip
// (new chunk types, new protobuf fields) keep it.
inline constexpr uint32_t kCaptureFormatVersion = 1;

inline constexpr size_t kFileHeaderSize = 16;
inline constexpr size_t kChunkHeaderSize = 16;

// Largest payload (stored or decompressed) a chunk may declare; a reader
// refuses more, so a corrupt length cannot make it allocate without bound.
inline constexpr uint32_t kMaxChunkPayload = 256u << 20;

enum class ChunkType : uint8_t {
  kCaptureInfo = 1,  // the run's description; first chunk of a stream
  kKeyframe = 2,     // a whole sample
  kDelta = 3,        // what changed since the previous sample
  kEvents = 4,       // a batch of events
  kIndex = 5,        // the end-of-capture index, written by a clean close
  kEnd = 6,          // right after the index: where the index starts
};

// The end chunk is a fixed 24 bytes (header + the index chunk's offset as a
// u64, uncompressed) so that a reader can find the index from the end.
inline constexpr size_t kEndChunkSize = kChunkHeaderSize + 8;

// Chunk flag bits; the others are reserved and must be zero.
inline constexpr uint8_t kChunkFlagZstd = 0x01;  // payload is one zstd frame
inline constexpr uint8_t kChunkFlagsKnown = kChunkFlagZstd;

// The 16 bytes before each payload (little-endian):
//   0 type, 1 flags, 2..3 reserved (0), 4..7 stored_size,
//   8..11 raw_size, 12..15 crc (CRC-32C of bytes 0..11 then the payload).
struct ChunkHeader {
  uint8_t type = 0;          // a ChunkType value, or one this reader skips
  uint8_t flags = 0;
  uint16_t reserved = 0;     // must be zero
  uint32_t stored_size = 0;  // payload bytes that follow the header
  uint32_t raw_size = 0;     // payload bytes after decompression
  uint32_t crc = 0;
  friend bool operator==(const ChunkHeader&, const ChunkHeader&) = default;
};

// The file header: magic, version (u32 LE), CRC-32C of the first 12 bytes.
// Thread-safe (pure).
std::array<uint8_t, kFileHeaderSize> EncodeFileHeader(
    uint32_t version = kCaptureFormatVersion);

// Checks the first kFileHeaderSize bytes of a stream and returns its format
// version. Errors: InvalidArgument when the magic is wrong (not a capture),
// Unimplemented naming both versions when the stream is newer than this
// reader, DataLoss (offset 8) when the header checksum does not match.
// Requires bytes.size() >= kFileHeaderSize. Thread-safe (pure).
absl::StatusOr<uint32_t> ParseFileHeader(absl::Span<const uint8_t> bytes);

// True when `bytes` (shorter than the magic, or not) agree with the magic on
// their common length: the start of what may still become a capture.
bool MatchesMagicPrefix(absl::Span<const uint8_t> bytes);

// Serialises a chunk header. Thread-safe (pure).
std::array<uint8_t, kChunkHeaderSize> EncodeChunkHeader(const ChunkHeader& h);

// Reads a chunk header without judging it. Requires 16 bytes.
ChunkHeader DecodeChunkHeader(absl::Span<const uint8_t> bytes);

// The checksum a chunk with header `h` (its crc field ignored) and stored
// `payload` must carry. Thread-safe (pure).
uint32_t ChunkCrc(const ChunkHeader& h, absl::Span<const uint8_t> payload);

// Checks a decoded header's sizes and flags, before its payload is read.
// Returns DataLoss at `offset` (the header's position in the stream).
absl::Status ValidateChunkHeader(const ChunkHeader& h, uint64_t offset);

// The end chunk pointing at the index chunk at `index_offset`.
std::array<uint8_t, kEndChunkSize> EncodeEndChunk(uint64_t index_offset);

// The index offset an end chunk carries, after checking its header and
// checksum. Errors: DataLoss at `offset` (where the end chunk starts).
// Requires bytes.size() >= kEndChunkSize.
absl::StatusOr<uint64_t> DecodeEndChunk(absl::Span<const uint8_t> bytes,
                                        uint64_t offset);

// A DataLoss status whose message names the byte offset where the damage is:
// "capture damaged at byte offset <offset>: <what>".
absl::Status DataLossAt(uint64_t offset, absl::string_view what);

// "keyframe", "delta", ... or "unknown (7)".
std::string ChunkTypeName(uint8_t type);

}  // namespace overseer

#endif  // OVERSEER_PROBES_CAPTURE_FORMAT_H_
