// The decoder serves a live byte stream the same way as a file: any split of
// the bytes into pieces gives the same recording, samples appear as soon as
// their chunk is complete, and reading while feeding is safe.
#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "probes/capture/byte_sink.h"
#include "probes/capture/capture_reader.h"
#include "probes/capture/capture_writer.h"
#include "tests/probes/capture/capture_test_util.h"

namespace overseer::testing {
namespace {

void ExpectSameRecording(const StreamRecording& a, const StreamRecording& b) {
  EXPECT_EQ(a.status(), b.status());
  EXPECT_EQ(a.info(), b.info());
  ASSERT_EQ(a.sample_count(), b.sample_count());
  for (size_t i = 0; i < a.sample_count(); ++i) {
    EXPECT_EQ(*a.SnapshotAt(i), *b.SnapshotAt(i)) << "sample " << i;
  }
  EXPECT_EQ(a.EventsBetween(INT64_MIN, INT64_MAX),
            b.EventsBetween(INT64_MIN, INT64_MAX));
}

TEST(StreamRecordingTest, FeedingRandomPiecesGivesTheSameResultAsOnePiece) {
  const WrittenRun run = WriteRun(
      {.processes = 60, .change_fraction = 0.2, .churn_fraction = 0.05}, 15,
      {.keyframe_interval = 5});
  std::unique_ptr<StreamRecording> whole = Decode(run.bytes);
  ASSERT_TRUE(whole->status().ok()) << whole->status();
  uint64_t seed = 99;
  for (int trial = 0; trial < 20; ++trial) {
    SCOPED_TRACE(absl::StrCat("trial ", trial));
    StreamRecording pieces;
    size_t at = 0;
    while (at < run.bytes.size()) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      // Mostly tiny pieces (a byte at a time splits every header), some big.
      const size_t max = trial % 2 == 0 ? 8 : 4096;
      const size_t n = std::min<size_t>(1 + (seed >> 33) % max,
                                        run.bytes.size() - at);
      ASSERT_TRUE(pieces.Feed(absl::MakeConstSpan(run.bytes).subspan(at, n)).ok());
      at += n;
    }
    EXPECT_TRUE(pieces.EndOfStream().ok());
    ExpectSameRecording(pieces, *whole);
  }
}

TEST(StreamRecordingTest, ADamagedStreamFedInPiecesStopsWhereOnePieceDoes) {
  WrittenRun run = WriteRun({.processes = 30}, 8, {.keyframe_interval = 3});
  run.bytes[run.bytes.size() / 2] ^= 0x01;
  std::unique_ptr<StreamRecording> whole = Decode(run.bytes);
  StreamRecording pieces;
  absl::Status first;
  for (size_t at = 0; at < run.bytes.size(); at += 7) {
    absl::Status s = pieces.Feed(absl::MakeConstSpan(run.bytes).subspan(
        at, std::min<size_t>(7, run.bytes.size() - at)));
    if (first.ok()) first = s;
    EXPECT_EQ(s, first);  // the first error, again and again
  }
  pieces.EndOfStream().IgnoreError();
  EXPECT_EQ(first.code(), absl::StatusCode::kDataLoss);
  ExpectSameRecording(pieces, *whole);
}

TEST(StreamRecordingTest, ALiveSampleIsVisibleAsSoonAsItsChunkIsWritten) {
  auto live = std::make_shared<StreamRecording>();
  CaptureWriter writer(std::make_unique<FunctionSink>(
      [live](absl::Span<const uint8_t> bytes) { return live->Feed(bytes); }));
  SyntheticRun run({.processes = 20});
  ASSERT_TRUE(writer.Begin(run.info()).ok());
  EXPECT_EQ(live->info(), run.info());
  for (size_t i = 0; i < 6; ++i) {
    const Snapshot s = run.Next();
    ASSERT_TRUE(writer.WriteSample(s).ok());
    ASSERT_EQ(live->sample_count(), i + 1);
    EXPECT_EQ(*live->SnapshotAt(i), s);
    EXPECT_TRUE(live->status().ok());
    EXPECT_FALSE(live->complete());
  }
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_TRUE(live->complete());
  EXPECT_TRUE(live->EndOfStream().ok());
}

TEST(StreamRecordingTest, ReadersMayDecodeWhileTheStreamIsFed) {
  const WrittenRun run = WriteRun({.processes = 80, .churn_fraction = 0.05},
                                  30, {.keyframe_interval = 6});
  StreamRecording live;
  std::atomic<bool> done{false};
  std::atomic<int> mismatches{0};
  std::thread reader([&] {
    while (!done.load()) {
      const size_t n = live.sample_count();
      if (n == 0) continue;
      absl::StatusOr<Snapshot> s = live.SnapshotAt(n - 1);
      if (!s.ok() || !(*s == run.samples[n - 1])) mismatches.fetch_add(1);
      live.EventsBetween(0, INT64_MAX);
    }
  });
  for (size_t at = 0; at < run.bytes.size(); at += 512) {
    ASSERT_TRUE(live.Feed(absl::MakeConstSpan(run.bytes).subspan(
                              at, std::min<size_t>(512, run.bytes.size() - at)))
                    .ok());
  }
  done.store(true);
  reader.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(live.sample_count(), 30u);
}

TEST(StreamRecordingTest, BytesThatAreNotACaptureAreRefusedAtOnce) {
  StreamRecording r;
  const std::string http = "GET / HTTP/1.1\r\n";
  EXPECT_EQ(r.Feed({reinterpret_cast<const uint8_t*>(http.data()), 3}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.sample_count(), 0u);
}

}  // namespace
}  // namespace overseer::testing
