#include "probes/capture/capture_reader.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "probes/capture/capture.pb.h"
#include "probes/capture/chunk_codec.h"
#include "probes/capture/format.h"
#include "probes/capture/record_convert.h"
#include "probes/capture/sample_codec.h"

namespace overseer {
namespace {

// How many decoded snapshots SnapshotAt keeps: the one just shown and the
// one before, so stepping forward or flicking back costs one delta.
constexpr size_t kCacheSize = 2;

}  // namespace

StreamRecording::StreamRecording() = default;
StreamRecording::~StreamRecording() = default;

absl::Status StreamRecording::Feed(absl::Span<const uint8_t> bytes) {
  absl::MutexLock lock(&mu_);
  if (!status_.ok()) return status_;
  if (ended_) return absl::FailedPreconditionError("stream already ended");
  bytes_fed_ += bytes.size();
  reader_.Append(bytes);
  Chunk chunk;
  for (;;) {
    absl::StatusOr<bool> got = reader_.Next(&chunk);
    if (!got.ok()) {
      status_ = got.status();
      break;
    }
    if (!*got) break;
    status_ = HandleChunk(chunk);
    if (!status_.ok()) break;
  }
  return status_;
}

absl::Status StreamRecording::HandleChunk(const Chunk& chunk) {
  const auto type = static_cast<ChunkType>(chunk.header.type);
  if (complete_) return DataLossAt(chunk.offset, "data after the end chunk");
  if (index_offset_.has_value()) {
    if (type != ChunkType::kEnd) {
      return DataLossAt(chunk.offset, "data after the end index");
    }
    const auto end = EncodeEndChunk(*index_offset_);
    if (chunk.header.flags != 0 ||
        !std::equal(chunk.stored.begin(), chunk.stored.end(),
                    end.begin() + kChunkHeaderSize, end.end())) {
      return DataLossAt(chunk.offset, "end chunk does not point at the index");
    }
    complete_ = true;
    return absl::OkStatus();
  }
  if (!have_info_ && type != ChunkType::kCaptureInfo) {
    return DataLossAt(chunk.offset,
                      absl::StrCat("stream starts with a ",
                                   ChunkTypeName(chunk.header.type),
                                   " chunk instead of capture info"));
  }
  switch (type) {
    case ChunkType::kCaptureInfo: {
      if (have_info_) return DataLossAt(chunk.offset, "second capture info");
      absl::StatusOr<std::string> raw =
          DecodeChunkPayload(chunk.header, chunk.stored, chunk.offset);
      if (!raw.ok()) return raw.status();
      pb::CaptureInfo record;
      if (!record.ParseFromString(*raw)) {
        return DataLossAt(chunk.offset, "capture info record malformed");
      }
      info_ = DecodeRecord(record);
      have_info_ = true;
      return absl::OkStatus();
    }
    case ChunkType::kKeyframe: return HandleSample(chunk, true);
    case ChunkType::kDelta: return HandleSample(chunk, false);
    case ChunkType::kEvents: return HandleEvents(chunk);
    case ChunkType::kIndex: return HandleIndex(chunk);
    case ChunkType::kEnd:
      return DataLossAt(chunk.offset, "end chunk without an index before it");
  }
  return absl::OkStatus();  // a chunk type of a later revision: skipped
}

absl::Status StreamRecording::HandleSample(const Chunk& chunk, bool keyframe) {
  if (!keyframe && samples_.empty()) {
    return DataLossAt(chunk.offset, "delta before the first keyframe");
  }
  absl::StatusOr<std::string> raw =
      DecodeChunkPayload(chunk.header, chunk.stored, chunk.offset);
  if (!raw.ok()) return raw.status();
  absl::StatusOr<SampleHead> head = ScanSampleHead(*raw);
  if (!head.ok()) return DataLossAt(chunk.offset, head.status().message());
  if (!samples_.empty() && head->time_ns < samples_.back().time_ns) {
    return DataLossAt(chunk.offset, "sample time goes backwards");
  }
  for (std::string& s : head->new_strings) strings_.Add(std::move(s));
  // The reader's buffer moves on: keep a private copy of the payload.
  auto copy = std::make_shared<const std::vector<uint8_t>>(chunk.stored.begin(),
                                                           chunk.stored.end());
  Chunk kept = chunk;
  kept.stored = absl::MakeConstSpan(*copy);
  AddSample(kept, keyframe, head->time_ns, std::move(head->system),
            std::move(copy));
  return absl::OkStatus();
}

void StreamRecording::AddSample(
    const Chunk& chunk, bool keyframe, int64_t time_ns, SystemSample system,
    std::shared_ptr<const std::vector<uint8_t>> owner) {
  auto stored = std::make_shared<StoredChunk>();
  stored->offset = chunk.offset;
  stored->header = chunk.header;
  stored->stored = chunk.stored;
  stored->owner = std::move(owner);
  SampleEntry entry;
  entry.time_ns = time_ns;
  entry.system = std::move(system);
  entry.keyframe = keyframe;
  entry.keyframe_index =
      keyframe ? samples_.size() : samples_.back().keyframe_index;
  entry.chunk = std::move(stored);
  samples_.push_back(std::move(entry));
}

absl::Status StreamRecording::HandleEvents(const Chunk& chunk) {
  absl::StatusOr<std::string> raw =
      DecodeChunkPayload(chunk.header, chunk.stored, chunk.offset);
  if (!raw.ok()) return raw.status();
  pb::EventBatch batch;
  if (!batch.ParseFromString(*raw)) {
    return DataLossAt(chunk.offset, "event batch malformed");
  }
  std::vector<Event> decoded(static_cast<size_t>(batch.events_size()));
  for (int i = 0; i < batch.events_size(); ++i) {
    absl::Status s = DecodeRecord(batch.events(i), &decoded[static_cast<size_t>(i)]);
    if (!s.ok()) return DataLossAt(chunk.offset, s.message());
  }
  for (Event& e : decoded) {
    // Usually in order already, so this appends.
    auto at = std::upper_bound(
        events_.begin(), events_.end(), e.time_ns,
        [](int64_t t, const Event& x) { return t < x.time_ns; });
    events_.insert(at, std::move(e));
  }
  event_count_ += decoded.size();
  return absl::OkStatus();
}

absl::Status StreamRecording::HandleIndex(const Chunk& chunk) {
  absl::StatusOr<std::string> raw =
      DecodeChunkPayload(chunk.header, chunk.stored, chunk.offset);
  if (!raw.ok()) return raw.status();
  pb::Index index;
  if (!index.ParseFromString(*raw)) {
    return DataLossAt(chunk.offset, "end index malformed");
  }
  // The scan already built the same index; a disagreement means chunks were
  // lost or altered in a way the checksums could not see.
  bool agrees = index.sample_count() == samples_.size() &&
                index.samples_size() == static_cast<int>(samples_.size()) &&
                index.event_count() == event_count_ &&
                index.string_count() == strings_.size() &&
                static_cast<size_t>(index.strings_size()) + 1 == strings_.size();
  for (size_t i = 0; agrees && i < samples_.size(); ++i) {
    const pb::IndexEntry& e = index.samples(static_cast<int>(i));
    agrees = e.time_ns() == samples_[i].time_ns &&
             e.offset() == samples_[i].chunk->offset &&
             e.keyframe() == samples_[i].keyframe &&
             DecodeRecord(e.system()) == samples_[i].system;
  }
  const StringTableView strings = strings_.View();
  for (int i = 0; agrees && i < index.strings_size(); ++i) {
    agrees = *strings.Find(static_cast<uint32_t>(i + 1)) == index.strings(i);
  }
  if (!agrees) {
    return DataLossAt(chunk.offset, absl::StrCat(
        "end index lists ", index.sample_count(), " samples and ",
        index.event_count(), " events; the stream holds ", samples_.size(),
        " and ", event_count_, ", or they differ"));
  }
  index_offset_ = chunk.offset;
  return absl::OkStatus();
}

absl::Status StreamRecording::EndOfStream() {
  absl::MutexLock lock(&mu_);
  if (ended_ || !status_.ok()) {
    ended_ = true;
    return status_;
  }
  ended_ = true;
  status_ = reader_.Finish();
  if (status_.ok() && !complete_) {
    status_ = DataLossAt(reader_.offset(),
                         "capture ends without its end index (the writer "
                         "did not finish)");
  }
  return status_;
}

bool StreamRecording::complete() const {
  absl::MutexLock lock(&mu_);
  return complete_;
}

uint64_t StreamRecording::bytes_fed() const {
  absl::MutexLock lock(&mu_);
  return bytes_fed_;
}

CaptureInfo StreamRecording::info() const {
  absl::MutexLock lock(&mu_);
  return info_;
}

size_t StreamRecording::sample_count() const {
  absl::MutexLock lock(&mu_);
  return samples_.size();
}

int64_t StreamRecording::sample_time_ns(size_t index) const {
  absl::MutexLock lock(&mu_);
  return index < samples_.size() ? samples_[index].time_ns : 0;
}

SystemSample StreamRecording::system_at(size_t index) const {
  absl::MutexLock lock(&mu_);
  return index < samples_.size() ? samples_[index].system : SystemSample{};
}

absl::Status StreamRecording::ApplyChunk(const StoredChunk& chunk,
                                         bool keyframe,
                                         const StringTableView& strings,
                                         Snapshot* state) {
  absl::StatusOr<std::string> raw =
      DecodeChunkPayload(chunk.header, chunk.stored, chunk.offset);
  if (!raw.ok()) return raw.status();
  pb::Sample record;
  if (!record.ParseFromString(*raw)) {
    return DataLossAt(chunk.offset, "sample record malformed");
  }
  absl::Status s = ApplySample(record, keyframe, strings, state);
  if (!s.ok()) return DataLossAt(chunk.offset, s.message());
  return absl::OkStatus();
}

absl::StatusOr<Snapshot> StreamRecording::SnapshotAt(size_t index) const {
  // Under the lock: pick a starting point and take what decoding needs.
  // Decoding itself runs unlocked, so Feed and other readers go on.
  std::shared_ptr<Snapshot> base;
  bool own_base = false;
  int64_t listed_time = 0;
  std::vector<std::pair<bool, std::shared_ptr<const StoredChunk>>> steps;
  StringTableView strings;
  {
    absl::MutexLock lock(&mu_);
    if (index >= samples_.size()) {
      return absl::OutOfRangeError(
          absl::StrCat("sample ", index, " of ", samples_.size()));
    }
    size_t start = samples_[index].keyframe_index;
    auto base_at = cache_.end();
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      if (it->index == index) return *it->snapshot;
      if (it->index >= start && it->index < index) {
        start = it->index + 1;
        base_at = it;
      }
    }
    if (base_at != cache_.end()) {
      base = base_at->snapshot;
      // Stepping forward: when no other reader holds the cached snapshot,
      // take it over and update it in place instead of copying it.
      if (base.use_count() == 2) {
        cache_.erase(base_at);
        own_base = true;
      }
    }
    for (size_t i = start; i <= index; ++i) {
      steps.emplace_back(samples_[i].keyframe, samples_[i].chunk);
    }
    strings = strings_.View();
    listed_time = samples_[index].time_ns;
  }
  Snapshot state =
      own_base ? std::move(*base) : (base ? *base : Snapshot{});
  for (const auto& [keyframe, chunk] : steps) {
    absl::Status s = ApplyChunk(*chunk, keyframe, strings, &state);
    if (!s.ok()) return s;
  }
  // Sample times come from the end index when a file is loaded through it.
  if (state.time_ns != listed_time) {
    return DataLossAt(steps.back().second->offset,
                      "sample time disagrees with the end index");
  }
  auto result = std::make_shared<Snapshot>(std::move(state));
  {
    absl::MutexLock lock(&mu_);
    cache_.insert(cache_.begin(), CachedSnapshot{index, result});
    if (cache_.size() > kCacheSize) cache_.resize(kCacheSize);
  }
  return *result;
}

absl::Status StreamRecording::ForEachSample(
    size_t first, size_t last,
    absl::FunctionRef<bool(size_t, const Snapshot&)> visit) const {
  struct Step {
    bool keyframe;
    int64_t time_ns;
    std::shared_ptr<const StoredChunk> chunk;
  };
  std::vector<Step> steps;
  size_t start = 0;
  StringTableView strings;
  {
    absl::MutexLock lock(&mu_);
    if (samples_.empty() || first >= samples_.size()) return absl::OkStatus();
    last = std::min(last, samples_.size() - 1);
    start = samples_[first].keyframe_index;
    steps.reserve(last - start + 1);
    for (size_t i = start; i <= last; ++i) {
      steps.push_back({samples_[i].keyframe, samples_[i].time_ns, samples_[i].chunk});
    }
    strings = strings_.View();
  }
  // One state, each chunk applied onto it in turn: no copies.
  Snapshot state;
  for (size_t k = 0; k < steps.size(); ++k) {
    const Step& step = steps[k];
    if (absl::Status s = ApplyChunk(*step.chunk, step.keyframe, strings, &state); !s.ok()) {
      return s;
    }
    if (state.time_ns != step.time_ns) {
      return DataLossAt(step.chunk->offset, "sample time disagrees with the end index");
    }
    const size_t index = start + k;
    if (index >= first && !visit(index, state)) break;
  }
  return absl::OkStatus();
}

std::vector<Event> StreamRecording::EventsBetween(int64_t from_ns,
                                                  int64_t to_ns) const {
  if (from_ns >= to_ns) return {};
  absl::MutexLock lock(&mu_);
  auto first = std::lower_bound(
      events_.begin(), events_.end(), from_ns,
      [](const Event& e, int64_t t) { return e.time_ns < t; });
  auto last = std::lower_bound(
      first, events_.end(), to_ns,
      [](const Event& e, int64_t t) { return e.time_ns < t; });
  return std::vector<Event>(first, last);
}

absl::Status StreamRecording::status() const {
  absl::MutexLock lock(&mu_);
  return status_;
}

}  // namespace overseer
