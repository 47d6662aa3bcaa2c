// A damaged capture keeps everything before the damage: cuts at every chunk
// boundary and at random points, flipped bytes, foreign and newer files.
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "probes/capture/capture_reader.h"
#include "probes/capture/format.h"
#include "tests/probes/capture/capture_test_util.h"

namespace overseer::testing {
namespace {

const WrittenRun& SmallRun() {
  static const WrittenRun* run = new WrittenRun(
      WriteRun({.processes = 40, .change_fraction = 0.2,
                .churn_fraction = 0.05, .seed = 11},
               12, {.keyframe_interval = 4}));
  return *run;
}

// How many samples lie wholly before `cut`: their chunks' ends are known
// from the boundaries of the full stream.
size_t SamplesBefore(const WrittenRun& run, uint64_t cut) {
  const std::vector<uint64_t> bounds = ChunkBoundaries(run.bytes);
  size_t samples = 0;
  // Chunk k spans bounds[k]..bounds[k+1]; bounds[0] is the info chunk.
  for (size_t k = 0; k + 1 < bounds.size(); ++k) {
    if (bounds[k + 1] > cut) break;
    const uint8_t type = run.bytes[bounds[k]];
    if (type == static_cast<uint8_t>(ChunkType::kKeyframe) ||
        type == static_cast<uint8_t>(ChunkType::kDelta)) {
      ++samples;
    }
  }
  return samples;
}

void ExpectIntactPrefix(const WrittenRun& run, const StreamRecording& r,
                        size_t samples) {
  ASSERT_EQ(r.sample_count(), samples);
  for (size_t i = 0; i < samples; ++i) {
    absl::StatusOr<Snapshot> s = r.SnapshotAt(i);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(*s, run.samples[i]) << "sample " << i;
  }
}

void ExpectDataLossAt(const absl::Status& s, uint64_t offset) {
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_NE(s.message().find(absl::StrCat("byte offset ", offset)),
            absl::string_view::npos) << s;
}

std::string WriteFile(const std::string& name,
                      const std::vector<uint8_t>& bytes) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  return path;
}

TEST(CaptureDamageTest, CutAtEveryChunkBoundaryKeepsEverySampleBeforeIt) {
  const WrittenRun& run = SmallRun();
  const std::vector<uint64_t> bounds = ChunkBoundaries(run.bytes);
  ASSERT_GT(bounds.size(), 20u);
  for (size_t k = 0; k + 1 < bounds.size(); ++k) {  // every cut but "whole"
    SCOPED_TRACE(absl::StrCat("cut at ", bounds[k]));
    const std::vector<uint8_t> cut(run.bytes.begin(),
                                   run.bytes.begin() + static_cast<long>(bounds[k]));
    std::unique_ptr<StreamRecording> r = Decode(cut);
    ExpectDataLossAt(r->status(), bounds[k]);
    ExpectIntactPrefix(run, *r, SamplesBefore(run, bounds[k]));
  }
}

TEST(CaptureDamageTest, CutAtRandomPointsKeepsEveryWholeChunk) {
  const WrittenRun& run = SmallRun();
  const std::vector<uint64_t> bounds = ChunkBoundaries(run.bytes);
  uint64_t seed = 5;
  for (int trial = 0; trial < 60; ++trial) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    const uint64_t at = 1 + (seed >> 33) % (run.bytes.size() - 1);
    SCOPED_TRACE(absl::StrCat("cut at ", at));
    std::unique_ptr<StreamRecording> r = Decode(std::vector<uint8_t>(
        run.bytes.begin(), run.bytes.begin() + static_cast<long>(at)));
    // The loss is reported where the cut-off chunk (or header) starts.
    uint64_t start = 0;
    for (uint64_t b : bounds) {
      if (b <= at) start = b;
    }
    ExpectDataLossAt(r->status(), at < kFileHeaderSize ? at : start);
    ExpectIntactPrefix(run, *r, SamplesBefore(run, at));
  }
}

TEST(CaptureDamageTest, AFlippedByteIsCaughtByTheChecksumOfItsChunk) {
  const WrittenRun& run = SmallRun();
  const std::vector<uint64_t> bounds = ChunkBoundaries(run.bytes);
  for (size_t k = 0; k + 1 < bounds.size(); ++k) {
    for (uint64_t at : {bounds[k] + 1, bounds[k] + 13,
                        (bounds[k] + bounds[k + 1]) / 2, bounds[k + 1] - 1}) {
      SCOPED_TRACE(absl::StrCat("flip at ", at, " in chunk at ", bounds[k]));
      std::vector<uint8_t> bytes = run.bytes;
      bytes[at] ^= 0x10;
      std::unique_ptr<StreamRecording> r = Decode(bytes);
      ExpectDataLossAt(r->status(), bounds[k]);
      ExpectIntactPrefix(run, *r, SamplesBefore(run, bounds[k]));
    }
  }
}

// A whole damaged file opened at once (the indexed load refuses it and the
// scan takes over) reports what a stream fed the same bytes reports.
TEST(CaptureDamageTest, OpeningDamagedBytesAgreesWithFeedingThem) {
  const WrittenRun& run = SmallRun();
  const std::vector<uint64_t> bounds = ChunkBoundaries(run.bytes);
  for (size_t k = 0; k + 1 < bounds.size(); ++k) {
    for (bool cut : {false, true}) {
      SCOPED_TRACE(absl::StrCat(cut ? "cut" : "flip", " in chunk at ", bounds[k]));
      std::vector<uint8_t> bytes = run.bytes;
      if (cut) {
        bytes.resize(bounds[k] + 5);
      } else {
        bytes[(bounds[k] + bounds[k + 1]) / 2] ^= 0x04;
      }
      absl::StatusOr<std::unique_ptr<Recording>> opened = OpenCaptureBytes(bytes);
      ASSERT_TRUE(opened.ok()) << opened.status();
      ExpectDataLossAt((*opened)->status(), bounds[k]);
      EXPECT_EQ((*opened)->status(), Decode(bytes)->status());
      EXPECT_EQ((*opened)->sample_count(), SamplesBefore(run, bounds[k]));
    }
  }
}

TEST(CaptureDamageTest, AnUnfinishedCaptureOpensWithAllItsSamples) {
  const WrittenRun run =
      WriteRun({.processes = 30, .seed = 2}, 5, {}, /*finish=*/false);
  const std::string path = WriteFile("unfinished.ovc", run.bytes);
  absl::StatusOr<std::unique_ptr<Recording>> r = OpenCaptureFile(path);
  ASSERT_TRUE(r.ok()) << r.status();
  ExpectDataLossAt((*r)->status(), run.bytes.size());
  EXPECT_NE((*r)->status().message().find("end index"), absl::string_view::npos);
  ASSERT_EQ((*r)->sample_count(), 5u);
  EXPECT_EQ(*(*r)->SnapshotAt(4), run.samples[4]);
  std::remove(path.c_str());
}

TEST(CaptureDamageTest, ACutFileOpensAndReportsDataLossWithTheOffset) {
  const WrittenRun& run = SmallRun();
  const uint64_t cut = run.bytes.size() * 2 / 3;
  const std::string path = WriteFile(
      "cut.ovc", std::vector<uint8_t>(run.bytes.begin(),
                                      run.bytes.begin() + static_cast<long>(cut)));
  absl::StatusOr<std::unique_ptr<Recording>> r = OpenCaptureFile(path);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)->status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ((*r)->sample_count(), SamplesBefore(run, cut));
  std::remove(path.c_str());
}

TEST(CaptureDamageTest, ANewerFormatVersionIsRefusedNamingBothVersions) {
  std::vector<uint8_t> bytes = SmallRun().bytes;
  const auto header = EncodeFileHeader(kCaptureFormatVersion + 1);
  std::copy(header.begin(), header.end(), bytes.begin());
  const std::string path = WriteFile("newer.ovc", bytes);
  absl::StatusOr<std::unique_ptr<Recording>> r = OpenCaptureFile(path);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kUnimplemented);
  const std::string message(r.status().message());
  EXPECT_NE(message.find(absl::StrCat("version ", kCaptureFormatVersion + 1)),
            std::string::npos) << message;
  EXPECT_NE(message.find(absl::StrCat("up to ", kCaptureFormatVersion)),
            std::string::npos) << message;
  std::remove(path.c_str());
}

TEST(CaptureDamageTest, AFileThatIsNotACaptureIsRefusedClearly) {
  const std::string text = "pid,memory\n<0.1.0>,1024\n";
  const std::string path =
      WriteFile("table.csv", std::vector<uint8_t>(text.begin(), text.end()));
  absl::StatusOr<std::unique_ptr<Recording>> r = OpenCaptureFile(path);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("not an Overseer capture"),
            absl::string_view::npos) << r.status();
  EXPECT_NE(r.status().message().find("table.csv"), absl::string_view::npos);
  std::remove(path.c_str());
}

TEST(CaptureDamageTest, AnEmptyFileIsNotACaptureAndAMissingOneIsNotFound) {
  const std::string path = WriteFile("empty.ovc", {});
  EXPECT_EQ(OpenCaptureFile(path).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::remove(path.c_str());
  EXPECT_EQ(OpenCaptureFile(path).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace overseer::testing
