// An incremental chunk framer: fed bytes as they arrive (a file read in
// pieces, a socket), it checks the file header, then hands out each chunk as
// soon as its last byte is in, after checking its header and checksum. The
// first problem stops it; everything handed out before stays valid.
//
// Example:
//   ChunkReader reader;
//   reader.Append(bytes);
//   Chunk chunk;
//   for (;;) {
//     absl::StatusOr<bool> got = reader.Next(&chunk);
//     if (!got.ok()) return got.status();  // DataLoss with the offset, ...
//     if (!*got) break;                     // needs more bytes
//     Use(chunk.header, chunk.stored);
//   }
#ifndef OVERSEER_PROBES_CAPTURE_CHUNK_READER_H_
#define OVERSEER_PROBES_CAPTURE_CHUNK_READER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "probes/capture/format.h"

namespace overseer {

// One framed chunk. `stored` points into the reader's buffer and is valid
// until the next call to Append or Next.
struct Chunk {
  uint64_t offset = 0;  // stream offset of the chunk header
  ChunkHeader header;
  absl::Span<const uint8_t> stored;
};

// Frames the chunk that starts at `offset` of a whole stream held in memory
// (`bytes` starts at stream offset 0): checks its header and checksum.
// Errors: DataLoss at `offset` (damaged, or cut short by the end of `bytes`).
// Thread-safe (pure); the chunk points into `bytes`.
absl::StatusOr<Chunk> ReadChunkAt(absl::Span<const uint8_t> bytes,
                                  uint64_t offset);

// Thread contract: owner only (callers serialise).
class ChunkReader {
 public:
  // Adds bytes at the end of what was fed so far.
  void Append(absl::Span<const uint8_t> bytes);

  // Returns true and fills `chunk` when a whole, valid chunk is available;
  // false when more bytes are needed. Errors (sticky): InvalidArgument (not
  // a capture), Unimplemented (newer version), DataLoss at an offset.
  absl::StatusOr<bool> Next(Chunk* chunk);

  // Declares the input over. Returns DataLoss at the start of the cut
  // piece when it ends inside the file header or inside a chunk.
  absl::Status Finish() const;

  // Stream offset of the first byte not yet handed out in a chunk.
  uint64_t offset() const { return consumed_; }

  // The stream's format version; 0 until the file header is in.
  uint32_t version() const { return version_; }

 private:
  absl::Status CheckHeader();

  std::vector<uint8_t> buffer_;  // bytes from offset() on, from pos_
  size_t pos_ = 0;
  uint64_t consumed_ = 0;
  uint32_t version_ = 0;
  absl::Status status_;
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_CAPTURE_CHUNK_READER_H_
