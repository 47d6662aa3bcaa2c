#include "probes/capture/format.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "probes/capture/chunk_codec.h"
#include "probes/capture/chunk_reader.h"
#include "probes/capture/crc32c.h"

namespace overseer {
namespace {

absl::Span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(Crc32cTest, MatchesTheStandardCheckValues) {
  EXPECT_EQ(Crc32c(Bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(Crc32c({}), 0u);
  std::vector<uint8_t> zeros(32, 0), ones(32, 0xFF), counting(32);
  for (size_t i = 0; i < 32; ++i) counting[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Crc32c(zeros), 0x8A9136AAu);  // RFC 3720, B.4
  EXPECT_EQ(Crc32c(ones), 0x62A8AB43u);
  EXPECT_EQ(Crc32c(counting), 0x46DD794Eu);
}

TEST(Crc32cTest, ExtendingEqualsOneCallOverBothPieces) {
  const std::string text = "the quick brown fox jumps over the lazy dog!";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    const uint32_t split = Crc32cExtend(Crc32c(Bytes(text.substr(0, cut))),
                                        Bytes(text.substr(cut)));
    EXPECT_EQ(split, Crc32c(Bytes(text))) << "cut at " << cut;
  }
}

TEST(FileHeaderTest, RoundTripsTheCurrentVersion) {
  const auto header = EncodeFileHeader();
  EXPECT_EQ(header[0], 0x89);
  EXPECT_EQ(header[8], kCaptureFormatVersion);
  absl::StatusOr<uint32_t> version = ParseFileHeader(header);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, kCaptureFormatVersion);
}

TEST(FileHeaderTest, NewerVersionIsUnimplementedNamingBothVersions) {
  const auto header = EncodeFileHeader(kCaptureFormatVersion + 1);
  absl::StatusOr<uint32_t> version = ParseFileHeader(header);
  EXPECT_EQ(version.status().code(), absl::StatusCode::kUnimplemented);
  const std::string message(version.status().message());
  EXPECT_NE(message.find(absl::StrCat("version ", kCaptureFormatVersion + 1)),
            std::string::npos) << message;
  EXPECT_NE(message.find(absl::StrCat("up to ", kCaptureFormatVersion)),
            std::string::npos) << message;
}

TEST(FileHeaderTest, WrongMagicIsInvalidArgument) {
  auto header = EncodeFileHeader();
  header[1] = 'X';
  EXPECT_EQ(ParseFileHeader(header).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(FileHeaderTest, ChecksumMismatchIsDataLossAtItsOffset) {
  auto header = EncodeFileHeader();
  header[13] ^= 0x40;
  const absl::Status s = ParseFileHeader(header).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("byte offset 8"), absl::string_view::npos) << s;
}

TEST(ChunkHeaderTest, LaysFieldsOutLittleEndian) {
  ChunkHeader h{static_cast<uint8_t>(ChunkType::kDelta), kChunkFlagZstd, 0,
                0x01020304u, 0x0A0B0C0Du, 0xDEADBEEFu};
  const auto bytes = EncodeChunkHeader(h);
  const std::vector<uint8_t> want = {3,    1,    0,    0,    4,    3,
                                     2,    1,    0x0D, 0x0C, 0x0B, 0x0A,
                                     0xEF, 0xBE, 0xAD, 0xDE};
  EXPECT_EQ(std::vector<uint8_t>(bytes.begin(), bytes.end()), want);
  EXPECT_EQ(DecodeChunkHeader(bytes), h);
}

TEST(ChunkHeaderTest, OversizedOrUnknownFlagsAreDataLoss) {
  ChunkHeader big{4, 0, 0, kMaxChunkPayload + 1, kMaxChunkPayload + 1, 0};
  EXPECT_EQ(ValidateChunkHeader(big, 16).code(), absl::StatusCode::kDataLoss);
  ChunkHeader flags{4, 0x80, 0, 1, 1, 0};
  EXPECT_EQ(ValidateChunkHeader(flags, 16).code(), absl::StatusCode::kDataLoss);
  ChunkHeader reserved{4, 0, 7, 1, 1, 0};
  EXPECT_EQ(ValidateChunkHeader(reserved, 16).code(),
            absl::StatusCode::kDataLoss);
}

TEST(EndChunkTest, CarriesTheIndexOffsetAndRefusesDamage) {
  auto end = EncodeEndChunk(0x0102030405060708ull);
  EXPECT_EQ(end[0], static_cast<uint8_t>(ChunkType::kEnd));
  absl::StatusOr<uint64_t> offset = DecodeEndChunk(end, 100);
  ASSERT_TRUE(offset.ok()) << offset.status();
  EXPECT_EQ(*offset, 0x0102030405060708ull);
  end[20] ^= 1;
  const absl::Status s = DecodeEndChunk(end, 100).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("byte offset 100"), absl::string_view::npos);
}

TEST(ChunkReaderTest, ReadChunkAtFramesOneChunkOfAWholeStream) {
  const auto header = EncodeFileHeader();
  std::vector<uint8_t> stream(header.begin(), header.end());
  ChunkEncoder encoder(3);
  ASSERT_TRUE(encoder.Encode(ChunkType::kEvents, Bytes("abc"), &stream).ok());
  absl::StatusOr<Chunk> chunk = ReadChunkAt(stream, kFileHeaderSize);
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  EXPECT_EQ(chunk->stored.size(), 3u);
  EXPECT_EQ(ReadChunkAt(stream, kFileHeaderSize + 1).status().code(),
            absl::StatusCode::kDataLoss);
  stream.pop_back();
  EXPECT_EQ(ReadChunkAt(stream, kFileHeaderSize).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(ChunkCodecTest, CompressedAndStoredChunksDecodeToTheirRecord) {
  const std::string record(5000, 'a');  // compresses well
  const std::string tiny = "xy";        // stored as is
  for (const std::string& raw : {record, tiny}) {
    ChunkEncoder encoder(3);
    const auto header = EncodeFileHeader();
    std::vector<uint8_t> stream(header.begin(), header.end());
    ASSERT_TRUE(encoder.Encode(ChunkType::kEvents, Bytes(raw), &stream).ok());
    ChunkReader reader;
    reader.Append(stream);
    Chunk chunk;
    absl::StatusOr<bool> got = reader.Next(&chunk);
    ASSERT_TRUE(got.ok() && *got) << got.status();
    EXPECT_EQ(chunk.offset, kFileHeaderSize);
    EXPECT_EQ((chunk.header.flags & kChunkFlagZstd) != 0, raw.size() > 100);
    absl::StatusOr<std::string> back =
        DecodeChunkPayload(chunk.header, chunk.stored, chunk.offset);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, raw);
    EXPECT_TRUE(reader.Finish().ok());
  }
}

TEST(ChunkReaderTest, TextIsRefusedAsNotACaptureFromItsFirstBytes) {
  ChunkReader reader;
  reader.Append(Bytes("hel"));
  Chunk chunk;
  EXPECT_EQ(reader.Next(&chunk).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace overseer
