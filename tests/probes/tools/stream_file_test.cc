#include "probes/tools/stream_file.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "probes/attach/protocol.h"
#include "probes/capture/capture_reader.h"
#include "probes/capture/capture_writer.h"

namespace overseer {
namespace {

std::string TempPath(const char* name) {
  return std::string(::testing::TempDir()) + "/" + name;
}

// A capture of `samples` samples, cut into whole pieces as a viewer gets it.
std::vector<std::vector<uint8_t>> Pieces(int samples, bool finish) {
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  CaptureWriter writer(std::make_unique<MemorySink>(bytes));
  EXPECT_TRUE(writer.Begin(CaptureInfo{.program = "p"}).ok());
  Snapshot s;
  s.processes.push_back(ProcessSample{.pid = 5, .name = "five"});
  for (int i = 0; i < samples; ++i) {
    s.time_ns = i * 100;
    s.processes[0].reductions = static_cast<uint64_t>(i);
    EXPECT_TRUE(writer.WriteSample(s).ok());
  }
  if (finish) {
    EXPECT_TRUE(writer.Finish().ok());
  }
  FrameSplitter split(FrameSplitter::Side::kFromProgram);
  split.Append(*bytes);
  std::vector<std::vector<uint8_t>> out;
  Piece piece;
  while (*split.Next(&piece)) out.emplace_back(piece.bytes.begin(), piece.bytes.end());
  return out;
}

TEST(CaptureStreamFileTest, AFinishedStreamBecomesTheSameCompleteCapture) {
  const std::string path = TempPath("stream_file_whole.ovc");
  auto file = CaptureStreamFile::Create(path);
  ASSERT_TRUE(file.ok());
  for (const auto& piece : Pieces(6, true)) ASSERT_TRUE((*file)->Append(piece).ok());
  EXPECT_EQ((*file)->samples(), 6u);
  EXPECT_TRUE((*file)->complete());
  ASSERT_TRUE((*file)->Finish().ok());
  auto read = OpenCaptureFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE((*read)->status().ok()) << (*read)->status();
  EXPECT_EQ((*read)->sample_count(), 6u);
  EXPECT_EQ((*read)->SnapshotAt(5)->processes[0].reductions, 5u);
  std::remove(path.c_str());
}

TEST(CaptureStreamFileTest, AStreamThatStopsEarlyStillOpensWithEverySample) {
  const std::string path = TempPath("stream_file_cut.ovc");
  auto file = CaptureStreamFile::Create(path);
  ASSERT_TRUE(file.ok());
  for (const auto& piece : Pieces(4, false)) ASSERT_TRUE((*file)->Append(piece).ok());
  EXPECT_FALSE((*file)->complete());
  ASSERT_TRUE((*file)->Finish().ok());
  auto read = OpenCaptureFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ((*read)->sample_count(), 4u);
  std::remove(path.c_str());
}

TEST(CaptureStreamFileTest, OnlyAHeaderThenWholeChunksAreAccepted) {
  const std::string path = TempPath("stream_file_bad.ovc");
  const auto pieces = Pieces(1, false);
  auto file = CaptureStreamFile::Create(path);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->Append(pieces[1]).code(), absl::StatusCode::kInvalidArgument);
  auto second = CaptureStreamFile::Create(path);
  ASSERT_TRUE((*second)->Append(pieces[0]).ok());
  std::vector<uint8_t> half(pieces[1].begin(), pieces[1].begin() + 20);
  EXPECT_EQ((*second)->Append(half).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE((*second)->Append(pieces[1]).ok());  // sticky
  std::remove(path.c_str());
}

TEST(CaptureStreamFileTest, NothingReceivedIsAnEmptyCaptureError) {
  const std::string path = TempPath("stream_file_empty.ovc");
  auto file = CaptureStreamFile::Create(path);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->Finish().code(), absl::StatusCode::kFailedPrecondition);
  std::remove(path.c_str());
}

TEST(CaptureStreamFileTest, AnUnwritablePathIsAnError) {
  EXPECT_FALSE(CaptureStreamFile::Create("/nonexistent-dir/x.ovc").ok());
}

}  // namespace
}  // namespace overseer
