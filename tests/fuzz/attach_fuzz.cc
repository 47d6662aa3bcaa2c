#include "tests/fuzz/attach_fuzz.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "probes/attach/attach.pb.h"
#include "probes/attach/protocol.h"
#include "probes/capture/byte_sink.h"
#include "probes/capture/capture_reader.h"
#include "probes/capture/capture_writer.h"
#include "probes/capture/crc32c.h"
#include "probes/capture/format.h"

namespace overseer {
namespace {

using Side = FrameSplitter::Side;

[[noreturn]] void Broken(const char* promise) {
  std::fprintf(stderr, "attach protocol broke a promise: %s\n", promise);
  std::abort();
}

struct Split {
  std::vector<std::pair<Piece::Kind, std::vector<uint8_t>>> pieces;
  absl::Status error;
};

// Splits `bytes` fed in parts of `part` bytes (0: at once), checking that
// the pieces tile the bytes in order and that an error stays.
Split SplitAll(Side side, absl::Span<const uint8_t> bytes, size_t part) {
  FrameSplitter splitter(side);
  Split out;
  uint64_t next = 0;
  size_t at = 0;
  do {
    const size_t n = part == 0 ? bytes.size() : std::min(part, bytes.size() - at);
    splitter.Append(bytes.subspan(at, n));
    at += n;
    Piece p;
    for (;;) {
      absl::StatusOr<bool> got = splitter.Next(&p);
      if (!got.ok()) {
        out.error = got.status();
        if (splitter.Next(&p).ok()) Broken("a splitter error is sticky");
        return out;
      }
      if (!*got) break;
      if (p.offset != next) Broken("pieces follow each other");
      if (p.offset + p.bytes.size() > bytes.size() ||
          !std::equal(p.bytes.begin(), p.bytes.end(), bytes.begin() + p.offset)) {
        Broken("a piece is the bytes at its offset");
      }
      if (p.kind == Piece::Kind::kAttachFrame &&
          p.bytes.size() > kChunkHeaderSize + kMaxAttachFrame) {
        Broken("an attach frame is never over the limit");
      }
      next += p.bytes.size();
      out.pieces.emplace_back(p.kind,
                              std::vector<uint8_t>(p.bytes.begin(), p.bytes.end()));
    }
  } while (at < bytes.size());
  if (next + splitter.buffered() != bytes.size()) {
    Broken("what is not handed out stays buffered");
  }
  return out;
}

// Rewrites the checksums of the file header (viewer side) and of every
// whole chunk after it, in place.
void RepairChecksums(std::vector<uint8_t>& bytes, size_t from, bool file_header) {
  size_t at = from;
  if (file_header && bytes.size() >= at + kFileHeaderSize) {
    const uint32_t crc = Crc32c(absl::MakeConstSpan(bytes.data() + at, 12));
    for (int i = 0; i < 4; ++i) bytes[at + 12 + i] = static_cast<uint8_t>(crc >> (8 * i));
    at += kFileHeaderSize;
  }
  while (bytes.size() >= at + kChunkHeaderSize) {
    ChunkHeader h = DecodeChunkHeader(absl::MakeConstSpan(bytes).subspan(at));
    if (bytes.size() - at - kChunkHeaderSize < h.stored_size) return;
    h.crc = ChunkCrc(
        h, absl::MakeConstSpan(bytes).subspan(at + kChunkHeaderSize, h.stored_size));
    const auto header = EncodeChunkHeader(h);
    std::copy(header.begin(), header.end(), bytes.begin() + static_cast<long>(at));
    at += kChunkHeaderSize + h.stored_size;
  }
}

// The hello at the start of `bytes`, judged as its receiver does; returns
// how many bytes it takes (all of them when it is cut short or refused).
size_t Hello(absl::Span<const uint8_t> bytes, bool viewer_side) {
  if (bytes.size() < kHelloHeaderSize) {
    if (ParseHelloHeader(bytes).ok()) Broken("a short hello never parses");
    return bytes.size();
  }
  absl::StatusOr<HelloHeader> h = ParseHelloHeader(bytes);
  if (!h.ok()) return bytes.size();
  if (h->payload_size > kMaxHelloPayload) Broken("hello payloads are bounded");
  (void)CheckHelloVersion(h->version, viewer_side ? "program" : "viewer");
  const size_t n = std::min<size_t>(h->payload_size, bytes.size() - kHelloHeaderSize);
  const uint8_t* payload = bytes.data() + kHelloHeaderSize;
  if (viewer_side) {
    attach::pb::ServerHello hello;
    if (hello.ParseFromArray(payload, static_cast<int>(n))) {
      (void)StatusFromWire(hello.code(), hello.message());
    }
  } else {
    attach::pb::ClientHello hello;
    if (hello.ParseFromArray(payload, static_cast<int>(n))) {
      (void)TokenMatches(hello.token(), kFuzzToken);
    }
  }
  return kHelloHeaderSize + n;
}

void UseFrame(const std::vector<uint8_t>& frame) {
  switch (static_cast<FrameType>(frame[0])) {
    case FrameType::kControlRequest: {
      attach::pb::ControlRequest r;
      if (DecodeFrame(frame, &r).ok()) (void)r.request_case();
      break;
    }
    case FrameType::kControlReply: {
      attach::pb::ControlReply r;
      if (DecodeFrame(frame, &r).ok()) {
        (void)StatusFromWire(r.code(), r.message());
        attach::pb::Detail again;
        ToRecord(FromRecord(r.detail()), &again);
      }
      break;
    }
    case FrameType::kNotice: {
      attach::pb::Notice r;
      (void)DecodeFrame(frame, &r);
      break;
    }
    case FrameType::kError: {
      attach::pb::Error r;
      if (DecodeFrame(frame, &r).ok()) (void)StatusFromWire(r.code(), r.message());
      break;
    }
    default:
      break;
  }
}

}  // namespace

int FuzzAttachInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t control = data[0];
  const bool viewer_side = (control & 1) != 0;
  const int k = (control >> 1) & 7;
  const size_t part = k == 0 ? 0 : size_t{1} << (k - 1);
  std::vector<uint8_t> bytes(data + 1, data + size);
  const size_t hello = Hello(bytes, viewer_side);
  if ((control & 0x10) != 0) RepairChecksums(bytes, hello, viewer_side);
  const auto rest = absl::MakeConstSpan(bytes).subspan(hello);
  const Side side = viewer_side ? Side::kFromProgram : Side::kFromViewer;

  const Split whole = SplitAll(side, rest, 0);
  if (part != 0) {
    const Split parts = SplitAll(side, rest, part);
    if (parts.pieces != whole.pieces || parts.error != whole.error) {
      Broken("the same pieces whether fed whole or in parts");
    }
  }
  StreamRecording live;
  for (const auto& [kind, piece] : whole.pieces) {
    if (kind == Piece::Kind::kAttachFrame) {
      UseFrame(piece);  // every record type, whichever side it reached
    } else if (!viewer_side) {
      Broken("a viewer's bytes never pass as capture");
    } else if (live.status().ok()) {
      (void)live.Feed(piece);
    }
  }
  if (viewer_side) {
    (void)live.EndOfStream();
    const size_t n = live.sample_count();
    if (n > 0) (void)live.SnapshotAt(n - 1);
    if (live.SnapshotAt(n).ok()) Broken("SnapshotAt past the end fails");
  }
  return 0;
}

namespace {

void Append(std::vector<uint8_t>& to, const std::vector<uint8_t>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

// What a viewer sends: its hello, two control requests, a finish.
std::vector<uint8_t> ViewerBytes(uint32_t version) {
  attach::pb::ClientHello client;
  client.set_token(kFuzzToken);
  client.set_viewer("fuzz");
  std::vector<uint8_t> out = EncodeHello(client, version);
  attach::pb::ControlRequest set;
  set.set_id(1);
  set.mutable_set_interval()->set_interval_ns(20'000'000);
  Append(out, EncodeFrame(FrameType::kControlRequest, set));
  attach::pb::ControlRequest inspect;
  inspect.set_id(2);
  inspect.mutable_inspect()->set_pid(3);
  inspect.mutable_inspect()->set_preview(5);
  Append(out, EncodeFrame(FrameType::kControlRequest, inspect));
  Append(out, EncodeFrame(FrameType::kFinish, attach::pb::Finish()));
  return out;
}

// A small finished capture: samples with details, events, deltas.
std::vector<uint8_t> Capture() {
  auto capture = std::make_shared<std::vector<uint8_t>>();
  CaptureWriter writer(std::make_unique<MemorySink>(capture),
                       {.keyframe_interval = 3, .zstd_level = 1});
  (void)writer.Begin(CaptureInfo{.program = "fuzz", .source = "attach"});
  Snapshot s;
  s.processes.push_back(ProcessSample{.pid = 1, .name = "one", .initial_call = "A:init"});
  s.processes.push_back(ProcessSample{.pid = 2, .name = "two"});
  s.details.push_back(
      ProcessDetail{.pid = 2, .state_bytes = 10, .mailbox_types = {{"Msg", 1, 64}}});
  for (int i = 0; i < 5; ++i) {
    s.time_ns = i * 1000;
    s.processes[0].reductions = static_cast<uint64_t>(i * 7);
    (void)writer.WriteEvents({Event{s.time_ns, EventKind::kSpawn, 1, 0, "spawn"}});
    (void)writer.WriteSample(s);
  }
  (void)writer.Finish();
  return *capture;
}

// The frames a program puts between chunks: a notice and a reply.
std::vector<uint8_t> ProgramFrames() {
  attach::pb::Notice notice;
  notice.set_samples_sent(3);
  notice.set_samples_dropped(2);
  std::vector<uint8_t> out = EncodeFrame(FrameType::kNotice, notice);
  attach::pb::ControlReply reply;
  reply.set_id(2);
  ToRecord(ProcessDetail{.pid = 3,
                         .state_bytes = 99,
                         .first_messages = {{"Msg", 64, "Msg{...}"}},
                         .held_specs = {{"c", 4, 1000, "closure", "temporary", "S"}}},
           reply.mutable_detail());
  Append(out, EncodeFrame(FrameType::kControlReply, reply));
  return out;
}

// What a viewer receives: the program's hello, the capture with frames at
// the chunk boundary nearest its middle, and an error frame at the end.
std::vector<uint8_t> ProgramBytes(const attach::pb::ServerHello& hello, bool frames) {
  std::vector<uint8_t> out = EncodeHello(hello);
  const std::vector<uint8_t> capture = Capture();
  if (!frames) {
    Append(out, capture);
    return out;
  }
  FrameSplitter split(Side::kFromProgram);
  split.Append(capture);
  Piece p;
  bool placed = false;
  while (*split.Next(&p)) {
    out.insert(out.end(), p.bytes.begin(), p.bytes.end());
    if (!placed && p.offset + p.bytes.size() >= capture.size() / 2) {
      Append(out, ProgramFrames());
      placed = true;
    }
  }
  attach::pb::Error error;
  error.set_code(13);
  error.set_message("bye");
  Append(out, EncodeFrame(FrameType::kError, error));
  return out;
}

}  // namespace

std::vector<std::vector<uint8_t>> AttachFuzzSeeds() {
  std::vector<std::vector<uint8_t>> seeds;
  auto add = [&](uint8_t control, std::vector<uint8_t> body) {
    body.insert(body.begin(), control);
    seeds.push_back(std::move(body));
  };
  add(0x00, ViewerBytes(kCaptureFormatVersion));
  add(0x10 | (3 << 1), ViewerBytes(kCaptureFormatVersion));
  add(0x00, ViewerBytes(kCaptureFormatVersion + 1));
  attach::pb::ServerHello server;
  server.set_pid(42);
  server.set_program("fuzz");
  server.set_control_allowed(true);
  server.set_interval_ns(10'000'000);
  add(0x01, ProgramBytes(server, false));
  add(0x01 | 0x10, ProgramBytes(server, true));
  add(0x01 | (4 << 1), ProgramBytes(server, true));
  server.set_code(7);
  server.set_message("wrong token");
  add(0x01, EncodeHello(server));
  return seeds;
}

}  // namespace overseer
