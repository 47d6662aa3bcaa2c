// Keyframe and delta records built by hand: what a reader accepts, what it
// refuses, and where it says the damage is.
#include "probes/capture/sample_codec.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "probes/capture/capture_reader.h"
#include "probes/capture/chunk_codec.h"
#include "probes/capture/format.h"

namespace overseer {
namespace {

// A view keeps the table's blocks alive: the table itself may go.
StringTableView Strings(const std::vector<std::string>& extra) {
  StringTable table;
  for (const std::string& s : extra) table.Add(s);
  return table.View();
}

pb::Sample Keyframe(std::vector<uint64_t> pids) {
  pb::Sample record;
  record.set_time_ns(5);
  for (uint64_t pid : pids) record.add_processes()->set_pid(pid);
  return record;
}

TEST(SampleCodecTest, AKeyframeReplacesTheStateAndADeltaUpdatesIt) {
  const StringTableView strings = Strings({"worker"});
  Snapshot state;
  state.zones.push_back({1, "stale", 0, 0});
  ASSERT_TRUE(ApplySample(Keyframe({1, 3, 5}), true, strings, &state).ok());
  EXPECT_EQ(state.processes.size(), 3u);
  EXPECT_TRUE(state.zones.empty());

  pb::Sample delta;
  delta.set_time_ns(6);
  delta.add_processes()->set_pid(2);  // new, in the middle
  pb::Process* changed = delta.add_processes();
  changed->set_pid(5);
  changed->set_name(1);
  delta.add_removed_pids(3);
  ASSERT_TRUE(ApplySample(delta, false, strings, &state).ok());
  ASSERT_EQ(state.processes.size(), 3u);
  EXPECT_EQ(state.processes[0].pid, 1u);
  EXPECT_EQ(state.processes[1].pid, 2u);
  EXPECT_EQ(state.processes[2].pid, 5u);
  EXPECT_EQ(state.processes[2].name, "worker");
  EXPECT_EQ(state.time_ns, 6);
}

TEST(SampleCodecTest, UnsortedOrDuplicateEntriesAreRefused) {
  const StringTableView strings = Strings({});
  Snapshot state;
  EXPECT_FALSE(ApplySample(Keyframe({2, 1}), true, strings, &state).ok());
  EXPECT_FALSE(ApplySample(Keyframe({1, 1}), true, strings, &state).ok());
  ASSERT_TRUE(ApplySample(Keyframe({1, 2}), true, strings, &state).ok());
  pb::Sample delta;
  delta.add_removed_pids(2);
  delta.add_removed_pids(1);
  EXPECT_FALSE(ApplySample(delta, false, strings, &state).ok());
}

TEST(SampleCodecTest, AnUndefinedStringIdIsRefused) {
  const StringTableView strings = Strings({"one"});
  pb::Sample record = Keyframe({1});
  record.mutable_processes(0)->set_current_function(2);  // ids 0, 1 exist
  Snapshot state;
  const absl::Status s = ApplySample(record, true, strings, &state);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("string id 2"), absl::string_view::npos) << s;
}

TEST(SampleCodecTest, AKeyframeThatRemovesEntriesIsRefused) {
  pb::Sample record = Keyframe({1});
  record.add_removed_pids(4);
  Snapshot state;
  EXPECT_FALSE(ApplySample(record, true, Strings({}), &state).ok());
}

TEST(SampleCodecTest, TheHeadScanReadsTimeSystemAndNewStringsOnly) {
  pb::Sample record = Keyframe({1, 2, 3});
  record.set_time_ns(-77);
  record.mutable_system()->set_process_count(3);
  record.add_new_strings("a");
  record.add_new_strings(std::string("\xff\x00", 2));
  absl::StatusOr<SampleHead> head = ScanSampleHead(record.SerializeAsString());
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->time_ns, -77);
  EXPECT_EQ(head->system.process_count, 3u);
  EXPECT_EQ(head->new_strings,
            (std::vector<std::string>{"a", std::string("\xff\x00", 2)}));
  EXPECT_FALSE(ScanSampleHead("\x0a\x05xy").ok());  // length past the end
}

// A sample whose chunk is intact but whose body is wrong (as a faulty writer
// could make): the stream stays OK, only that sample reports the damage.
TEST(SampleCodecTest, ABadSampleBodyIsDataLossForThatSampleOnly) {
  const auto header = EncodeFileHeader();
  std::vector<uint8_t> stream(header.begin(), header.end());
  ChunkEncoder encoder(3);
  const auto add = [&](ChunkType type, const google::protobuf::MessageLite& m) {
    const std::string raw = m.SerializeAsString();
    ASSERT_TRUE(encoder.Encode(type,
                               {reinterpret_cast<const uint8_t*>(raw.data()),
                                raw.size()},
                               &stream)
                    .ok());
  };
  add(ChunkType::kCaptureInfo, pb::CaptureInfo());
  add(ChunkType::kKeyframe, Keyframe({1}));
  const uint64_t bad_offset = stream.size();
  pb::Sample bad = Keyframe({1});
  bad.set_time_ns(6);
  bad.mutable_processes(0)->set_name(42);
  add(ChunkType::kKeyframe, bad);

  StreamRecording r;
  ASSERT_TRUE(r.Feed(stream).ok()) << r.status();
  ASSERT_EQ(r.sample_count(), 2u);
  EXPECT_TRUE(r.SnapshotAt(0).ok());
  const absl::Status s = r.SnapshotAt(1).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find(absl::StrCat("byte offset ", bad_offset)),
            absl::string_view::npos) << s;
}

}  // namespace
}  // namespace overseer
