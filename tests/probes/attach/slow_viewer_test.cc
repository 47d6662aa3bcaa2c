// A viewer that reads too slowly, or not at all, costs the program nothing
// but its own samples: the recorder goes on, the drops are counted and
// reported, the viewer's buffer stays bounded, and a viewer that catches up
// gets a stream that still decodes. Only structural facts are asserted; the
// throughput comparison is printed (and measured properly in the benchmark).
#include <sys/socket.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "probes/attach/client.h"
#include "probes/attach/protocol.h"
#include "probes/attach/server.h"
#include "tests/probes/attach/attach_test_util.h"

namespace overseer {
namespace {

using testing::Eventually;
using testing::FreshDirectory;
using testing::GoodHello;
using testing::RawConnect;
using testing::TestProgram;

constexpr size_t kBuffer = 64 << 10;
constexpr int kProcesses = 200;

// Uncompressed samples, so the socket and the queue fill fast.
AttachOptions SmallBuffers(int keyframe_interval) {
  AttachOptions o;
  o.viewer_buffer_bytes = kBuffer;
  o.writer.keyframe_interval = keyframe_interval;
  o.writer.zstd_level = 0;
  o.close_linger = absl::Milliseconds(100);
  return o;
}

// Casts `n` messages round the keepers and waits until they are handled;
// returns the rate in messages per second.
double Workload(TestProgram& program, int n) {
  const absl::Time start = absl::Now();
  for (int i = 0; i < n; ++i) {
    program.rt.Cast(program.pids[static_cast<size_t>(i) % program.pids.size()],
                    testing::Payload{"m"});
  }
  for (const Pid& pid : program.pids) {
    EXPECT_TRUE(Eventually([&] { return program.rt.Info(pid)->mailbox_len.value == 0; }));
  }
  return n / absl::ToDoubleSeconds(absl::Now() - start);
}

// A copy: the list is a temporary.
std::optional<ViewerStats> Find(const std::vector<ViewerStats>& all, uint64_t id) {
  for (const ViewerStats& v : all) {
    if (v.id == id) return v;
  }
  return std::nullopt;
}

// Casts to every other process until destroyed.
class Churn {
 public:
  explicit Churn(TestProgram& program)
      : thread_([this, &program] {
          for (size_t i = 0; busy_.load(); ++i) {
            program.rt.Cast(program.pids[(i * 2) % program.pids.size()],
                            testing::Payload{"c"});
            if (i % 50 == 0) absl::SleepFor(absl::Milliseconds(1));
          }
        }) {}
  ~Churn() {
    busy_.store(false);
    thread_.join();
  }

 private:
  std::atomic<bool> busy_{true};
  std::thread thread_;
};

class LastSample final : public SampleSink {
 public:
  explicit LastSample(std::shared_ptr<SystemSample> out) : out_(std::move(out)) {}
  absl::Status Begin(const CaptureInfo&) override { return absl::OkStatus(); }
  absl::Status Write(const Snapshot& s, absl::Span<const Event>) override {
    *out_ = s.system;
    return absl::OkStatus();
  }
  absl::Status End() override { return absl::OkStatus(); }

 private:
  std::shared_ptr<SystemSample> out_;
};

TEST(SlowViewerTest, AViewerThatNeverReadsDropsSamplesAndNeverStallsTheProgram) {
  TestProgram program(FreshDirectory("stuck"), SmallBuffers(1), kProcesses);
  auto last = std::make_shared<SystemSample>();
  std::vector<std::unique_ptr<SampleSink>> sinks;
  sinks.push_back(std::make_unique<LastSample>(last));
  ASSERT_TRUE(program.Start(std::move(sinks)).ok());
  const double alone = Workload(program, 20000);

  absl::StatusOr<testing::RawViewer> stuck =
      RawConnect(program.server->endpoint(), GoodHello());
  ASSERT_TRUE(stuck.ok()) << stuck.status();
  ASSERT_EQ(stuck->hello.code(), 0u);
  const uint64_t id = stuck->hello.viewer_id();
  auto healthy = AttachClient::Connect(program.server->endpoint());
  ASSERT_TRUE(healthy.ok()) << healthy.status();
  ASSERT_TRUE(Eventually([&] {
    const std::optional<ViewerStats> v = Find(program.server->viewers(), id);
    return v.has_value() && v->samples_dropped > 0;
  }));
  const uint64_t samples_before = program.recorder->samples();
  const uint64_t drops_before = Find(program.server->viewers(), id)->samples_dropped;
  const size_t healthy_before = (*healthy)->recording()->sample_count();

  const double with_stuck = Workload(program, 20000);
  std::printf("workload: %.0f msg/s alone, %.0f msg/s with a stuck viewer (%.2fx)\n",
              alone, with_stuck, with_stuck / alone);

  // The recorder kept sampling and the stuck viewer kept dropping.
  ASSERT_TRUE(
      Eventually([&] { return program.recorder->samples() >= samples_before + 5; }));
  ASSERT_TRUE(Eventually([&] {
    return Find(program.server->viewers(), id)->samples_dropped >= drops_before + 5;
  }));
  // Its buffer stayed bounded: the limit plus at most one sample.
  const ViewerStats s = *Find(program.server->viewers(), id);
  EXPECT_LE(s.peak_queued_bytes, kBuffer + s.largest_sample_bytes + 256);
  EXPECT_GT(s.largest_sample_bytes, 0u);
  // The drops reach the program's own samples, and the healthy viewer goes on.
  ASSERT_TRUE(Eventually([&] { return last->dropped_samples >= drops_before; }));
  EXPECT_EQ(program.recorder->status().code(), absl::StatusCode::kOk);
  ASSERT_TRUE(Eventually(
      [&] { return (*healthy)->recording()->sample_count() > healthy_before + 5; }));
  EXPECT_GE(program.server->dropped(), s.samples_dropped);
}

TEST(SlowViewerTest, AViewerThatCatchesUpGetsAStreamThatStillDecodes) {
  // Mostly deltas, so samples after a gap are deltas from the last one the
  // viewer got; half the processes change all the time so deltas carry data.
  TestProgram program(FreshDirectory("late"), SmallBuffers(4), kProcesses);
  ASSERT_TRUE(program.Start().ok());
  auto churn = std::make_unique<Churn>(program);
  absl::StatusOr<testing::RawViewer> slow =
      RawConnect(program.server->endpoint(), GoodHello());
  ASSERT_TRUE(slow.ok()) << slow.status();
  const uint64_t id = slow->hello.viewer_id();
  ASSERT_TRUE(Eventually([&] {
    const std::optional<ViewerStats> v = Find(program.server->viewers(), id);
    return v.has_value() && v->samples_dropped >= 3;
  }));

  // Now read everything, as a viewer does.
  StreamRecording live;
  FrameSplitter split(FrameSplitter::Side::kFromProgram);
  uint64_t notices = 0;
  std::vector<uint8_t> buffer(1 << 16);
  bool stopped = false;
  for (;;) {
    if (!stopped && live.sample_count() > 20) {
      churn.reset();
      ASSERT_TRUE(program.recorder->Stop().ok());  // ends the stream cleanly
      stopped = true;
    }
    const ssize_t n = ::recv(slow->fd.get(), buffer.data(), buffer.size(), 0);
    ASSERT_GE(n, 0);
    if (n == 0) break;
    split.Append(absl::MakeConstSpan(buffer.data(), static_cast<size_t>(n)));
    Piece piece;
    while (true) {
      absl::StatusOr<bool> got = split.Next(&piece);
      ASSERT_TRUE(got.ok()) << got.status();
      if (!*got) break;
      if (piece.kind == Piece::Kind::kAttachFrame) {
        notices += piece.header.type == static_cast<uint8_t>(FrameType::kNotice);
      } else {
        ASSERT_TRUE(live.Feed(piece.bytes).ok()) << live.status();
      }
    }
  }
  ASSERT_TRUE(live.EndOfStream().ok()) << live.status();
  EXPECT_TRUE(live.complete());
  EXPECT_GE(notices, 1u);
  // Every sample decodes, those after the gap included, with every process.
  for (size_t i = 0; i < live.sample_count(); ++i) {
    absl::StatusOr<Snapshot> s = live.SnapshotAt(i);
    ASSERT_TRUE(s.ok()) << i << ": " << s.status();
    EXPECT_EQ(s->processes.size(), static_cast<size_t>(kProcesses)) << i;
  }
  bool told = false;
  for (const Event& e : live.EventsBetween(0, INT64_MAX)) {
    told |= e.kind == EventKind::kDropped;
  }
  EXPECT_TRUE(told);
}

}  // namespace
}  // namespace overseer
