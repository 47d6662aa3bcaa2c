#include "probes/attach/protocol.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"

namespace overseer {
namespace {

void PutU32(uint8_t* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint32_t GetU32(const uint8_t* in) {
  return uint32_t{in[0]} | uint32_t{in[1]} << 8 | uint32_t{in[2]} << 16 |
         uint32_t{in[3]} << 24;
}

bool IsAttachType(uint8_t type) { return type >= kFirstAttachFrameType; }

}  // namespace

std::vector<uint8_t> EncodeHello(const google::protobuf::MessageLite& payload,
                                 uint32_t version) {
  const std::string body = payload.SerializeAsString();
  std::vector<uint8_t> out(kHelloHeaderSize + body.size());
  std::copy(kCaptureMagic.begin(), kCaptureMagic.end(), out.begin());
  PutU32(out.data() + 8, version);
  PutU32(out.data() + 12, static_cast<uint32_t>(body.size()));
  std::copy(body.begin(), body.end(), out.begin() + kHelloHeaderSize);
  return out;
}

absl::StatusOr<HelloHeader> ParseHelloHeader(absl::Span<const uint8_t> bytes) {
  if (bytes.size() < kHelloHeaderSize || !MatchesMagicPrefix(bytes)) {
    return absl::InvalidArgumentError(
        "not an Overseer attach hello: the first bytes are not the capture "
        "magic");
  }
  HelloHeader h;
  h.version = GetU32(bytes.data() + 8);
  h.payload_size = GetU32(bytes.data() + 12);
  if (h.version == 0) {
    return absl::InvalidArgumentError("attach hello names format version 0");
  }
  if (h.payload_size > kMaxHelloPayload) {
    return absl::InvalidArgumentError(
        absl::StrCat("attach hello declares ", h.payload_size,
                     " payload bytes, over the limit of ", kMaxHelloPayload));
  }
  return h;
}

absl::Status CheckHelloVersion(uint32_t peer_version, absl::string_view peer) {
  if (peer_version > kCaptureFormatVersion) {
    return absl::UnimplementedError(absl::StrCat(
        "the ", peer, " speaks capture format version ", peer_version,
        ", newer than this side, which speaks versions up to ", kCaptureFormatVersion));
  }
  if (peer_version < kCaptureFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("the ", peer, " speaks capture format version ", peer_version,
                     ", older than this side's version ", kCaptureFormatVersion));
  }
  return absl::OkStatus();
}

bool TokenMatches(absl::string_view given, absl::string_view expected) {
  // Compare every byte of the longer one, so the time does not tell where
  // the first difference is.
  const size_t n = std::max(given.size(), expected.size());
  unsigned diff = given.size() == expected.size() ? 0u : 1u;
  for (size_t i = 0; i < n; ++i) {
    const unsigned a = i < given.size() ? static_cast<uint8_t>(given[i]) : 0u;
    const unsigned b = i < expected.size() ? static_cast<uint8_t>(expected[i]) : 0u;
    diff |= a ^ b;
  }
  return diff == 0;
}

std::vector<uint8_t> EncodeFrame(FrameType type,
                                 const google::protobuf::MessageLite& record) {
  // The record is serialized straight into the frame, after room for the
  // header: one allocation, and no copy of a temporary string (whose copy
  // into a growing vector GCC's -Warray-bounds misread in Release builds).
  const size_t size = record.ByteSizeLong();
  std::vector<uint8_t> out(kChunkHeaderSize + size);
  record.SerializeWithCachedSizesToArray(out.data() + kChunkHeaderSize);
  ChunkHeader h;
  h.type = static_cast<uint8_t>(type);
  h.stored_size = static_cast<uint32_t>(size);
  h.raw_size = h.stored_size;
  h.crc = ChunkCrc(h, absl::MakeConstSpan(out.data() + kChunkHeaderSize, size));
  const auto header = EncodeChunkHeader(h);
  std::copy(header.begin(), header.end(), out.begin());
  return out;
}

absl::Status DecodeFrame(absl::Span<const uint8_t> frame,
                         google::protobuf::MessageLite* record) {
  if (frame.size() < kChunkHeaderSize ||
      !record->ParseFromArray(frame.data() + kChunkHeaderSize,
                              static_cast<int>(frame.size() - kChunkHeaderSize))) {
    return absl::InvalidArgumentError("attach frame record malformed");
  }
  return absl::OkStatus();
}

void FrameSplitter::Append(absl::Span<const uint8_t> bytes) {
  if (!status_.ok()) return;
  // Drop what was handed out once it is most of the buffer, so the buffer
  // stays about one piece long without moving bytes on every call.
  if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<long>(pos_));
    pos_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

absl::Status FrameSplitter::CheckChunk(const ChunkHeader& h) const {
  if (absl::Status s = ValidateChunkHeader(h, consumed_); !s.ok()) return s;
  if (!IsAttachType(h.type)) {
    if (side_ == Side::kFromViewer) {
      return absl::InvalidArgumentError(absl::StrCat(
          "a viewer sent a capture chunk (type ", h.type, ") at offset ", consumed_));
    }
    return absl::OkStatus();
  }
  if (h.flags != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("attach frame at offset ", consumed_, " is compressed"));
  }
  if (h.stored_size > kMaxAttachFrame) {
    return absl::InvalidArgumentError(
        absl::StrCat("attach frame at offset ", consumed_, " declares ", h.stored_size,
                     " bytes, over the limit of ", kMaxAttachFrame));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> FrameSplitter::Next(Piece* piece) {
  if (!status_.ok()) return status_;
  const auto rest = absl::MakeConstSpan(buffer_).subspan(pos_);
  if (side_ == Side::kFromProgram && !header_done_) {
    if (rest.size() < kFileHeaderSize) return false;
    absl::StatusOr<uint32_t> version = ParseFileHeader(rest);
    if (!version.ok()) return status_ = version.status();
    header_done_ = true;
    *piece = Piece{Piece::Kind::kFileHeader, consumed_, ChunkHeader{},
                   rest.subspan(0, kFileHeaderSize)};
    pos_ += kFileHeaderSize;
    consumed_ += kFileHeaderSize;
    return true;
  }
  if (rest.size() < kChunkHeaderSize) return false;
  const ChunkHeader h = DecodeChunkHeader(rest);
  if (absl::Status s = CheckChunk(h); !s.ok()) return status_ = s;
  const size_t total = kChunkHeaderSize + size_t{h.stored_size};
  if (rest.size() < total) return false;
  if (ChunkCrc(h, rest.subspan(kChunkHeaderSize, h.stored_size)) != h.crc) {
    return status_ = DataLossAt(consumed_, "chunk checksum mismatch");
  }
  *piece =
      Piece{IsAttachType(h.type) ? Piece::Kind::kAttachFrame : Piece::Kind::kCaptureChunk,
            consumed_, h, rest.subspan(0, total)};
  pos_ += total;
  consumed_ += total;
  return true;
}

void ToRecord(const ProcessDetail& detail, attach::pb::Detail* out) {
  out->Clear();
  out->set_pid(detail.pid);
  out->set_state_bytes(detail.state_bytes);
  for (const MessageTypeSummary& t : detail.mailbox_types) {
    attach::pb::MessageType* r = out->add_mailbox_types();
    r->set_type(t.type);
    r->set_count(t.count);
    r->set_bytes(t.bytes);
    r->set_oldest_age_ns(t.oldest_age_ns);
  }
  for (const MessagePreview& m : detail.first_messages) {
    attach::pb::MessagePreview* r = out->add_first_messages();
    r->set_type(m.type);
    r->set_bytes(m.bytes);
    r->set_text(m.text);
  }
  for (const HeldSpec& h : detail.held_specs) {
    attach::pb::HeldSpec* r = out->add_held_specs();
    r->set_child_id(h.child_id);
    r->set_child_pid(h.child_pid);
    r->set_bytes(h.bytes);
    r->set_start_kind(h.start_kind);
    r->set_restart(h.restart);
    r->set_captured(h.captured);
  }
}

ProcessDetail FromRecord(const attach::pb::Detail& record) {
  ProcessDetail d;
  d.pid = record.pid();
  d.state_bytes = record.state_bytes();
  for (const auto& t : record.mailbox_types()) {
    d.mailbox_types.push_back({t.type(), t.count(), t.bytes(), t.oldest_age_ns()});
  }
  for (const auto& m : record.first_messages()) {
    d.first_messages.push_back({m.type(), m.bytes(), m.text()});
  }
  for (const auto& h : record.held_specs()) {
    d.held_specs.push_back({h.child_id(), h.child_pid(), h.bytes(), h.start_kind(),
                            h.restart(), h.captured()});
  }
  return d;
}

absl::Status StatusFromWire(uint32_t code, absl::string_view message) {
  if (code == 0) return absl::OkStatus();
  const auto c = code <= static_cast<uint32_t>(absl::StatusCode::kUnauthenticated)
                     ? static_cast<absl::StatusCode>(code)
                     : absl::StatusCode::kUnknown;
  return absl::Status(c, message);
}

}  // namespace overseer
