// The attach protocol's bytes: the two hellos that open a connection, the
// attach frames that carry control requests, replies and notices, and the
// splitter that cuts a received byte stream into whole pieces. Sockets, the
// server and the client are built on these pure functions, and the fuzz
// target drives them directly. docs/capture-format.md ("Attach protocol") is
// the normative description.
//
// A connection: the viewer sends its hello (the capture magic, the format
// version it speaks, a token); the program answers with its hello (accepted
// or refused, with a status code). After an accepted hello the program sends
// the capture stream, byte for byte what a capture file holds, with attach
// frames (chunk types 0x80 and up) between its chunks; the viewer sends only
// attach frames.
//
// Example (viewer side, once the program's hello was accepted):
//   FrameSplitter split(FrameSplitter::Side::kFromProgram);
//   split.Append(received);
//   Piece piece;
//   while (*split.Next(&piece)) {
//     if (piece.kind == Piece::Kind::kAttachFrame) HandleFrame(piece);
//     else recording->Feed(piece.bytes);
//   }
#ifndef OVERSEER_PROBES_ATTACH_PROTOCOL_H_
#define OVERSEER_PROBES_ATTACH_PROTOCOL_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "probes/attach/attach.pb.h"
#include "probes/capture/format.h"
#include "probes/model/model.h"

namespace overseer {

// Each hello: the 8-byte capture magic, the version (u32 LE), the payload
// length (u32 LE), then that many bytes of a ClientHello or ServerHello.
inline constexpr size_t kHelloHeaderSize = 16;
inline constexpr uint32_t kMaxHelloPayload = 64u << 10;
inline constexpr size_t kMaxTokenSize = 256;

// Attach frames reuse the chunk header of format.h with these types; they
// are never compressed and never longer than kMaxAttachFrame.
inline constexpr uint8_t kFirstAttachFrameType = 0x80;
enum class FrameType : uint8_t {
  kControlRequest = 0x80,  // viewer -> program
  kControlReply = 0x81,    // program -> viewer
  kNotice = 0x82,          // program -> viewer
  kError = 0x83,           // either way; the sender then closes
  kFinish = 0x84,          // viewer -> program: end my stream cleanly
};
inline constexpr uint32_t kMaxAttachFrame = 1u << 20;

// What a hello header says, before its payload is read.
struct HelloHeader {
  uint32_t version = 0;
  uint32_t payload_size = 0;
};

// Serialises a hello: header plus `payload` (a serialised ClientHello or
// ServerHello). Thread-safe (pure).
std::vector<uint8_t> EncodeHello(const google::protobuf::MessageLite& payload,
                                 uint32_t version = kCaptureFormatVersion);

// Reads the first kHelloHeaderSize bytes of a hello. Errors: InvalidArgument
// when the magic is wrong (the peer does not speak this protocol), or when
// the version is 0 or the payload is over kMaxHelloPayload. The version is
// returned as sent; CheckHelloVersion judges it. Requires 16 bytes.
absl::StatusOr<HelloHeader> ParseHelloHeader(absl::Span<const uint8_t> bytes);

// OK when a peer speaking `peer_version` and this side can talk: the same
// version. Unimplemented naming both versions when the peer's is newer
// (`peer` names who is newer: "viewer" or "program"), FailedPrecondition
// when it is older. Thread-safe (pure).
absl::Status CheckHelloVersion(uint32_t peer_version, absl::string_view peer);

// True when `given` equals `expected`, in time independent of where they
// differ. Thread-safe (pure).
bool TokenMatches(absl::string_view given, absl::string_view expected);

// Serialises one attach frame carrying `record`. Thread-safe (pure).
std::vector<uint8_t> EncodeFrame(FrameType type,
                                 const google::protobuf::MessageLite& record);

// Parses the payload of a whole attach frame (as the splitter gives it) into
// `record`. Errors: InvalidArgument when it is malformed.
absl::Status DecodeFrame(absl::Span<const uint8_t> frame,
                         google::protobuf::MessageLite* record);

// One whole piece of a received stream. `bytes` points into the splitter's
// buffer and is valid until the next Append or Next.
struct Piece {
  enum class Kind { kFileHeader, kCaptureChunk, kAttachFrame };
  Kind kind = Kind::kCaptureChunk;
  uint64_t offset = 0;              // of the piece in the received stream
  ChunkHeader header;               // chunks and frames only
  absl::Span<const uint8_t> bytes;  // the whole piece, header included
};

// Cuts the bytes one side receives after the hellos into whole pieces,
// checking each chunk's header and checksum. From the program: the capture
// file header, then capture chunks and attach frames. From a viewer: attach
// frames only. The first problem stops it (sticky).
// Thread contract: owner only.
class FrameSplitter {
 public:
  enum class Side { kFromProgram, kFromViewer };
  explicit FrameSplitter(Side side) : side_(side) {}

  void Append(absl::Span<const uint8_t> bytes);

  // True and `piece` filled when a whole piece is in; false when more bytes
  // are needed. Errors: those of ParseFileHeader (InvalidArgument not a
  // capture, Unimplemented newer version), DataLoss at an offset for a bad
  // header or checksum, InvalidArgument for a capture chunk from a viewer or
  // an attach frame over kMaxAttachFrame or compressed.
  absl::StatusOr<bool> Next(Piece* piece);

  // Bytes received and not yet handed out: what a cut-off ends inside.
  size_t buffered() const { return buffer_.size() - pos_; }
  uint64_t offset() const { return consumed_; }

 private:
  absl::Status CheckChunk(const ChunkHeader& h) const;

  Side side_;
  std::vector<uint8_t> buffer_;
  size_t pos_ = 0;
  uint64_t consumed_ = 0;
  bool header_done_ = false;
  absl::Status status_;
};

// Conversions between the model's ProcessDetail and its attach record.
void ToRecord(const ProcessDetail& detail, attach::pb::Detail* out);
ProcessDetail FromRecord(const attach::pb::Detail& record);

// A status as sent in a hello, reply or error frame, and back. An unknown
// code from a newer peer becomes Unknown.
absl::Status StatusFromWire(uint32_t code, absl::string_view message);

}  // namespace overseer

#endif  // OVERSEER_PROBES_ATTACH_PROTOCOL_H_
