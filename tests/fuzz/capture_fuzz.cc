#include "tests/fuzz/capture_fuzz.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "probes/capture/byte_sink.h"
#include "probes/capture/capture_reader.h"
#include "probes/capture/capture_writer.h"
#include "probes/capture/crc32c.h"
#include "probes/capture/format.h"
#include "tests/probes/capture/synthetic_run.h"

namespace overseer {
namespace {

// Samples decoded per input: enough to reach deltas after a keyframe, few
// enough to keep each run fast.
constexpr size_t kMaxSnapshots = 12;

[[noreturn]] void Broken(const char* promise) {
  std::fprintf(stderr, "capture decoder broke a promise: %s\n", promise);
  std::abort();
}

void Touch(const Recording& r) {
  const size_t n = r.sample_count();
  for (size_t i = 0; i < n && i < kMaxSnapshots; ++i) {
    absl::StatusOr<Snapshot> s = r.SnapshotAt(n - 1 - i);
    if (s.ok() && s->time_ns != r.sample_time_ns(n - 1 - i)) {
      Broken("a snapshot's time is its index entry's time");
    }
    r.system_at(i);
  }
  if (r.SnapshotAt(n).ok()) Broken("SnapshotAt past the end fails");
  if (n > 0) r.IndexAt(r.sample_time_ns(n / 2));
  r.EventsBetween(INT64_MIN, INT64_MAX);
  r.info();
}

// Opening the same bytes as a whole capture (through its index when it has
// one) agrees with feeding them, except that the indexed load checks sample
// bodies only when they are decoded: where a scan found such damage, the
// indexed load may report none yet.
void CompareWholeOpen(const std::vector<uint8_t>& stream,
                      const StreamRecording& fed) {
  absl::StatusOr<std::unique_ptr<Recording>> opened = OpenCaptureBytes(stream);
  if (!opened.ok()) {
    if (stream.empty() || opened.status() == fed.status()) return;
    Broken("opening fails only as feeding does");
  }
  const Recording& r = **opened;
  Touch(r);
  if (r.status() != fed.status() &&
      !(r.status().ok() && fed.status().code() == absl::StatusCode::kDataLoss)) {
    Broken("opening reports what feeding reports");
  }
  if (!r.status().ok() || !fed.status().ok()) return;
  if (r.sample_count() != fed.sample_count() || !(r.info() == fed.info()) ||
      r.EventsBetween(INT64_MIN, INT64_MAX) !=
          fed.EventsBetween(INT64_MIN, INT64_MAX)) {
    Broken("an indexed open lists what a scan lists");
  }
  for (size_t i = 0; i < r.sample_count(); ++i) {
    if (r.sample_time_ns(i) != fed.sample_time_ns(i) ||
        !(r.system_at(i) == fed.system_at(i))) {
      Broken("an indexed open times samples as a scan does");
    }
  }
  for (size_t i = 0; i < r.sample_count() && i < kMaxSnapshots; ++i) {
    absl::StatusOr<Snapshot> a = r.SnapshotAt(i);
    absl::StatusOr<Snapshot> b = fed.SnapshotAt(i);
    if (a.ok() != b.ok() || (a.ok() && !(*a == *b))) {
      Broken("an indexed open decodes samples as a scan does");
    }
  }
}

}  // namespace

void RepairChecksums(std::vector<uint8_t>& stream) {
  if (stream.size() < kFileHeaderSize || !MatchesMagicPrefix(stream)) return;
  const uint32_t version = stream[8] | stream[9] << 8 | stream[10] << 16 |
                           static_cast<uint32_t>(stream[11]) << 24;
  const auto header = EncodeFileHeader(version);
  std::copy(header.begin() + 12, header.end(), stream.begin() + 12);
  size_t at = kFileHeaderSize;
  while (stream.size() - at >= kChunkHeaderSize) {
    ChunkHeader h = DecodeChunkHeader(absl::MakeConstSpan(stream).subspan(at));
    if (stream.size() - at - kChunkHeaderSize < h.stored_size) break;
    h.crc = ChunkCrc(h, absl::MakeConstSpan(stream).subspan(
                            at + kChunkHeaderSize, h.stored_size));
    const auto bytes = EncodeChunkHeader(h);
    std::copy(bytes.begin(), bytes.end(), stream.begin() + static_cast<long>(at));
    at += kChunkHeaderSize + h.stored_size;
  }
}

int FuzzCaptureStream(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t control = data[0];
  std::vector<uint8_t> stream(data + 1, data + size);
  if ((control & 1) != 0) RepairChecksums(stream);

  StreamRecording whole;
  const absl::Status whole_status = whole.Feed(stream);
  whole.EndOfStream().IgnoreError();

  const int k = (control >> 1) & 7;
  if (k > 0) {
    const size_t piece = size_t{1} << (k - 1);
    StreamRecording pieces;
    absl::Status first;
    for (size_t at = 0; at < stream.size(); at += piece) {
      const absl::Status s = pieces.Feed(absl::MakeConstSpan(stream).subspan(
          at, std::min(piece, stream.size() - at)));
      if (first.ok()) first = s;
      if (s != first) Broken("Feed keeps returning the first error");
    }
    pieces.EndOfStream().IgnoreError();
    if (first != whole_status) Broken("pieces fail as the whole does");
    if (pieces.status() != whole.status()) Broken("same final status");
    if (pieces.sample_count() != whole.sample_count()) {
      Broken("same samples whole or in pieces");
    }
    if (pieces.EventsBetween(INT64_MIN, INT64_MAX) !=
        whole.EventsBetween(INT64_MIN, INT64_MAX)) {
      Broken("same events whole or in pieces");
    }
  }
  if (whole.status().ok() && !whole.complete()) {
    Broken("an OK ended stream has its end index");
  }
  Touch(whole);
  CompareWholeOpen(stream, whole);
  return 0;
}

std::vector<std::vector<uint8_t>> CaptureFuzzSeeds() {
  using testing::SyntheticOptions;
  using testing::SyntheticRun;
  struct Recipe {
    SyntheticOptions run;
    int samples;
    int keyframe_interval;
    bool events;
    bool finish;
  };
  const Recipe recipes[] = {
      // Few changes per sample, so that most samples are deltas (a busy
      // sample becomes a keyframe), with exits, spawns and events.
      {{.processes = 16, .change_fraction = 0.1, .churn_fraction = 0.07}, 6, 4,
       true, true},
      {{.processes = 12, .change_fraction = 0.2, .churn_fraction = 0.1}, 5, 2,
       false, true},
      {{.processes = 10, .change_fraction = 0.1, .churn_fraction = 0.0}, 4, 10,
       true, false},
      {{.processes = 1, .change_fraction = 0.0, .churn_fraction = 0.0}, 2, 1,
       false, true},
  };
  std::vector<std::vector<uint8_t>> seeds;
  uint8_t control = 0x01;
  for (const Recipe& recipe : recipes) {
    auto bytes = std::make_shared<std::vector<uint8_t>>();
    CaptureWriter writer(std::make_unique<MemorySink>(bytes),
                         {.keyframe_interval = recipe.keyframe_interval,
                          .zstd_level = 1});
    SyntheticRun run(recipe.run);
    if (!writer.Begin(run.info()).ok()) continue;
    for (int i = 0; i < recipe.samples; ++i) {
      writer.WriteSample(run.Next()).IgnoreError();
      if (recipe.events) writer.WriteEvents(run.TakeEvents()).IgnoreError();
    }
    if (recipe.finish) writer.Finish().IgnoreError();
    std::vector<uint8_t> seed = {control};
    seed.insert(seed.end(), bytes->begin(), bytes->end());
    seeds.push_back(std::move(seed));
    control = static_cast<uint8_t>(control + 2);  // vary the piece size
  }
  // Every record type at once, with a raw (uncompressed) payload or two.
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  CaptureWriter writer(std::make_unique<MemorySink>(bytes), {.zstd_level = 0});
  writer.Begin(testing::EveryFieldInfo()).IgnoreError();
  writer.WriteSample(testing::EveryFieldSnapshot()).IgnoreError();
  writer.WriteEvents(testing::EveryKindOfEvent()).IgnoreError();
  writer.Finish().IgnoreError();
  std::vector<uint8_t> seed = {0x07};
  seed.insert(seed.end(), bytes->begin(), bytes->end());
  seeds.push_back(std::move(seed));
  return seeds;
}

}  // namespace overseer
