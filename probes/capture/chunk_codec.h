// Turns record bytes into a framed chunk (header + zstd payload) and back.
// The writer and the attach endpoint encode with ChunkEncoder; the decoder
// gets the record bytes back with DecodeChunkPayload.
//
// Example:
//   ChunkEncoder enc(/*zstd_level=*/3);
//   std::vector<uint8_t> chunk;
//   absl::Status s = enc.Encode(ChunkType::kEvents, record_bytes, &chunk);
#ifndef OVERSEER_PROBES_CAPTURE_CHUNK_CODEC_H_
#define OVERSEER_PROBES_CAPTURE_CHUNK_CODEC_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "probes/capture/format.h"

namespace overseer {

// Owns a zstd compression context so that successive chunks reuse it.
// Thread contract: one thread at a time (owner only).
class ChunkEncoder {
 public:
  // zstd_level: 1 (fast) .. 19 (small); 0 stores payloads uncompressed.
  explicit ChunkEncoder(int zstd_level);
  ~ChunkEncoder();
  ChunkEncoder(const ChunkEncoder&) = delete;
  ChunkEncoder& operator=(const ChunkEncoder&) = delete;

  // Appends one whole chunk (header and stored payload) carrying `raw` to
  // `out`. The payload is compressed unless that would not make it smaller.
  // Errors: InvalidArgument when `raw` is over kMaxChunkPayload, Internal on
  // a compressor failure.
  absl::Status Encode(ChunkType type, absl::Span<const uint8_t> raw,
                      std::vector<uint8_t>* out);

 private:
  struct Context;
  int level_;
  std::unique_ptr<Context> context_;
  std::vector<uint8_t> scratch_;
};

// Returns the record bytes of a chunk whose header `h` was validated and
// whose checksum matched. Errors: DataLoss at `offset` when the zstd frame
// is corrupt or does not decompress to exactly h.raw_size bytes.
// Thread-safe.
absl::StatusOr<std::string> DecodeChunkPayload(const ChunkHeader& h,
                                               absl::Span<const uint8_t> stored,
                                               uint64_t offset);

}  // namespace overseer

#endif  // OVERSEER_PROBES_CAPTURE_CHUNK_CODEC_H_
