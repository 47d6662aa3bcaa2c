#include "probes/attach/protocol.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "probes/capture/capture_writer.h"

namespace overseer {
namespace {

attach::pb::ClientHello Hello(const std::string& token) {
  attach::pb::ClientHello h;
  h.set_token(token);
  h.set_viewer("test");
  return h;
}

TEST(ProtocolTest, AHelloStartsWithTheCaptureMagicAndItsVersion) {
  const std::vector<uint8_t> bytes = EncodeHello(Hello("abc"));
  ASSERT_GE(bytes.size(), kHelloHeaderSize);
  EXPECT_TRUE(MatchesMagicPrefix(bytes));
  absl::StatusOr<HelloHeader> h = ParseHelloHeader(bytes);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->version, kCaptureFormatVersion);
  EXPECT_EQ(h->payload_size, bytes.size() - kHelloHeaderSize);
  attach::pb::ClientHello back;
  ASSERT_TRUE(back.ParseFromArray(bytes.data() + kHelloHeaderSize,
                                  static_cast<int>(h->payload_size)));
  EXPECT_EQ(back.token(), "abc");
}

TEST(ProtocolTest, AHelloWithTheWrongMagicIsNotAnAttachHello) {
  std::vector<uint8_t> bytes = EncodeHello(Hello(""));
  bytes[1] = 'X';
  absl::StatusOr<HelloHeader> h = ParseHelloHeader(bytes);
  EXPECT_EQ(h.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(h.status().message().find("magic"), std::string::npos);
}

TEST(ProtocolTest, ANewerPeerIsRefusedNamingBothVersions) {
  const std::vector<uint8_t> bytes = EncodeHello(Hello(""), kCaptureFormatVersion + 1);
  absl::StatusOr<HelloHeader> h = ParseHelloHeader(bytes);
  ASSERT_TRUE(h.ok());
  absl::Status s = CheckHelloVersion(h->version, "viewer");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(s.message().find(std::to_string(kCaptureFormatVersion + 1)),
            std::string::npos);
  EXPECT_NE(s.message().find("up to " + std::to_string(kCaptureFormatVersion)),
            std::string::npos);
  EXPECT_TRUE(CheckHelloVersion(kCaptureFormatVersion, "viewer").ok());
}

TEST(ProtocolTest, VersionZeroAndHugePayloadsAreRejectedBeforeReadingOn) {
  std::vector<uint8_t> zero = EncodeHello(Hello(""), 0);
  EXPECT_EQ(ParseHelloHeader(zero).status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<uint8_t> huge = EncodeHello(Hello(""));
  huge[15] = 0x7F;  // payload length ~2 GB
  EXPECT_EQ(ParseHelloHeader(huge).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseHelloHeader(absl::MakeConstSpan(huge.data(), 7)).ok());
}

TEST(ProtocolTest, TokensMatchOnlyWhenEqual) {
  EXPECT_TRUE(TokenMatches("", ""));
  EXPECT_TRUE(TokenMatches("s3cret", "s3cret"));
  EXPECT_FALSE(TokenMatches("s3cret", "s3creT"));
  EXPECT_FALSE(TokenMatches("s3cre", "s3cret"));
  EXPECT_FALSE(TokenMatches("", "s3cret"));
  EXPECT_FALSE(TokenMatches(std::string("a\0b", 3), "a"));
}

TEST(ProtocolTest, AFrameComesBackWholeFromTheSplitter) {
  attach::pb::ControlRequest request;
  request.set_id(7);
  request.mutable_inspect()->set_pid(42);
  const std::vector<uint8_t> frame = EncodeFrame(FrameType::kControlRequest, request);
  FrameSplitter split(FrameSplitter::Side::kFromViewer);
  split.Append(frame);
  Piece piece;
  ASSERT_TRUE(*split.Next(&piece));
  EXPECT_EQ(piece.kind, Piece::Kind::kAttachFrame);
  EXPECT_EQ(piece.header.type, static_cast<uint8_t>(FrameType::kControlRequest));
  attach::pb::ControlRequest back;
  ASSERT_TRUE(DecodeFrame(piece.bytes, &back).ok());
  EXPECT_EQ(back.id(), 7u);
  EXPECT_EQ(back.inspect().pid(), 42u);
  EXPECT_FALSE(*split.Next(&piece));
}

// A program's stream: a real capture with frames between its chunks.
std::vector<uint8_t> ProgramStream(size_t* capture_bytes) {
  auto out = std::make_shared<std::vector<uint8_t>>();
  CaptureWriter writer(std::make_unique<MemorySink>(out));
  EXPECT_TRUE(writer.Begin(CaptureInfo{.program = "p"}).ok());
  Snapshot s;
  s.processes.push_back(ProcessSample{.pid = 1, .name = "one"});
  EXPECT_TRUE(writer.WriteSample(s).ok());
  attach::pb::Notice notice;
  notice.set_samples_dropped(3);
  const std::vector<uint8_t> frame = EncodeFrame(FrameType::kNotice, notice);
  out->insert(out->end(), frame.begin(), frame.end());
  s.time_ns = 10;
  EXPECT_TRUE(writer.WriteSample(s).ok());
  *capture_bytes = out->size() - frame.size();
  return *out;
}

TEST(ProtocolTest, TheSplitterSeparatesFramesFromTheCaptureFedByteByByte) {
  size_t capture_bytes = 0;
  const std::vector<uint8_t> stream = ProgramStream(&capture_bytes);
  FrameSplitter split(FrameSplitter::Side::kFromProgram);
  std::vector<Piece::Kind> kinds;
  size_t capture_total = 0;
  for (uint8_t b : stream) {
    split.Append(absl::MakeConstSpan(&b, 1));
    Piece piece;
    while (true) {
      absl::StatusOr<bool> got = split.Next(&piece);
      ASSERT_TRUE(got.ok()) << got.status();
      if (!*got) break;
      kinds.push_back(piece.kind);
      if (piece.kind != Piece::Kind::kAttachFrame) capture_total += piece.bytes.size();
    }
  }
  ASSERT_EQ(kinds.size(), 5u);  // header, info, keyframe, notice, sample
  EXPECT_EQ(kinds[0], Piece::Kind::kFileHeader);
  EXPECT_EQ(kinds[3], Piece::Kind::kAttachFrame);
  EXPECT_EQ(capture_total, capture_bytes);
  EXPECT_EQ(split.buffered(), 0u);
}

TEST(ProtocolTest, ADamagedChunkStopsTheSplitterWithItsOffset) {
  size_t capture_bytes = 0;
  std::vector<uint8_t> stream = ProgramStream(&capture_bytes);
  stream[kFileHeaderSize + kChunkHeaderSize] ^= 0x40;  // the info payload
  FrameSplitter split(FrameSplitter::Side::kFromProgram);
  split.Append(stream);
  Piece piece;
  ASSERT_TRUE(*split.Next(&piece));  // the file header is fine
  absl::StatusOr<bool> got = split.Next(&piece);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(got.status().message().find("offset 16"), std::string::npos);
  EXPECT_FALSE(split.Next(&piece).ok());  // sticky
}

TEST(ProtocolTest, AViewerMayNotSendCaptureChunksOrHugeFrames) {
  size_t capture_bytes = 0;
  std::vector<uint8_t> stream = ProgramStream(&capture_bytes);
  FrameSplitter from_viewer(FrameSplitter::Side::kFromViewer);
  from_viewer.Append(absl::MakeConstSpan(stream).subspan(kFileHeaderSize));
  Piece piece;
  EXPECT_EQ(from_viewer.Next(&piece).status().code(), absl::StatusCode::kInvalidArgument);

  ChunkHeader h;
  h.type = static_cast<uint8_t>(FrameType::kControlRequest);
  h.stored_size = h.raw_size = kMaxAttachFrame + 1;
  const auto header = EncodeChunkHeader(h);
  FrameSplitter huge(FrameSplitter::Side::kFromViewer);
  huge.Append(header);
  EXPECT_EQ(huge.Next(&piece).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ProtocolTest, AProgramStreamOfANewerFormatIsRefusedNamingBothVersions) {
  const auto header = EncodeFileHeader(kCaptureFormatVersion + 1);
  FrameSplitter split(FrameSplitter::Side::kFromProgram);
  split.Append(header);
  Piece piece;
  absl::StatusOr<bool> got = split.Next(&piece);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(got.status().message().find(std::to_string(kCaptureFormatVersion + 1)),
            std::string::npos);
}

TEST(ProtocolTest, AProcessDetailSurvivesItsRecord) {
  ProcessDetail d;
  d.pid = 9;
  d.state_bytes = 1234;
  d.mailbox_types = {{"StartTask", 2, 4'000'000}};
  d.first_messages = {{"StartTask", 2'000'000, "StartTask{closure, 2.0 MB}"}};
  d.held_specs = {{"task-1", 10, 2'000'000, "closure", "temporary", "State"}};
  attach::pb::Detail record;
  ToRecord(d, &record);
  EXPECT_EQ(FromRecord(record), d);
}

TEST(ProtocolTest, WireStatusCodesComeBackAndUnknownOnesBecomeUnknown) {
  EXPECT_TRUE(StatusFromWire(0, "").ok());
  EXPECT_EQ(StatusFromWire(7, "no").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(StatusFromWire(99, "?").code(), absl::StatusCode::kUnknown);
}

}  // namespace
}  // namespace overseer
