// Term decoding and the names the BEAM source derives from terms, without a
// node: buffers made with erl_interface's own encoder.
#include "probes/beam/term.h"

#include <ei.h>

#include "gtest/gtest.h"
#include "probes/beam/beam_sampler.h"
#include "probes/model/model.h"

namespace overseer {
namespace {

// Owns an ei_x_buff.
struct Buffer {
  ei_x_buff x{};
  Buffer() { ei_x_new(&x); }
  ~Buffer() { ei_x_free(&x); }
  Term Decode() {
    int index = 0;
    absl::StatusOr<Term> t = DecodeTerm(x.buff, x.index, &index);
    EXPECT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(index, x.index);
    return t.ok() ? *std::move(t) : Term{};
  }
};

TEST(TermTest, DecodesAProplistOfAtomsIntegersAndPids) {
  Buffer b;
  erlang_pid pid{};
  std::snprintf(pid.node, sizeof pid.node, "%s", "n@h");
  pid.num = 42;
  pid.serial = 3;
  ei_x_encode_list_header(&b.x, 3);
  ei_x_encode_tuple_header(&b.x, 2);
  ei_x_encode_atom(&b.x, "memory");
  ei_x_encode_ulonglong(&b.x, 1ull << 40);
  ei_x_encode_tuple_header(&b.x, 2);
  ei_x_encode_atom(&b.x, "parent");
  ei_x_encode_pid(&b.x, &pid);
  ei_x_encode_tuple_header(&b.x, 2);
  ei_x_encode_atom(&b.x, "registered_name");
  ei_x_encode_empty_list(&b.x);
  ei_x_encode_empty_list(&b.x);
  const Term t = b.Decode();
  ASSERT_EQ(t.type, Term::Type::kList);
  ASSERT_NE(t.Find("memory"), nullptr);
  EXPECT_EQ(t.Find("memory")->Unsigned(), 1ull << 40);
  ASSERT_NE(t.Find("parent"), nullptr);
  EXPECT_EQ(t.Find("parent")->pid.node, "n@h");
  EXPECT_EQ(t.Find("parent")->pid.number, 42u);
  EXPECT_EQ(t.Find("parent")->pid.serial, 3u);
  EXPECT_EQ(t.Find("registered_name")->items.size(), 0u);
  EXPECT_EQ(t.Find("absent"), nullptr);
}

TEST(TermTest, AStringIsAListOfCharacters) {
  Buffer b;
  ei_x_encode_string(&b.x, "25");
  EXPECT_EQ(b.Decode().AsString(), "25");
}

TEST(TermTest, AMalformedBufferIsDataLoss) {
  const char bad[] = {'h', 3, 'a'};  // a tuple of 3 with one element cut off
  int index = 0;
  absl::StatusOr<Term> t = DecodeTerm(bad, sizeof bad, &index);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kDataLoss);
}

TEST(TermTest, DeepNestingIsCutOffNotFollowed) {
  Buffer b;
  for (int i = 0; i < 500; ++i) ei_x_encode_tuple_header(&b.x, 1);
  ei_x_encode_atom(&b.x, "x");
  const Term t = b.Decode();
  EXPECT_EQ(t.type, Term::Type::kTuple);
}

TEST(TermTest, FormatsInitialCallsAsErlangAndElixirWriteModules) {
  Buffer b;
  ei_x_encode_tuple_header(&b.x, 3);
  ei_x_encode_atom(&b.x, "Elixir.Indexer.BufferedTask");
  ei_x_encode_atom(&b.x, "init");
  ei_x_encode_long(&b.x, 1);
  EXPECT_EQ(FormatMfa(b.Decode()), "Indexer.BufferedTask:init/1");
  EXPECT_EQ(FormatMfa(Term{}), "");
}

TEST(TermTest, TheKindOfAProcessComesFromItsInitialCall) {
  EXPECT_EQ(KindOfInitialCall("supervisor:kernel/1"), ProcessKind::kSupervisor);
  EXPECT_EQ(KindOfInitialCall("DynamicSupervisor:init/1"),
            ProcessKind::kDynamicSupervisor);
  EXPECT_EQ(KindOfInitialCall("Task.Supervisor:init/1"), ProcessKind::kTaskSupervisor);
  EXPECT_EQ(KindOfInitialCall("gen_server:init_it/6"), ProcessKind::kWorker);
}

TEST(TermTest, BeamPidsPrintAsTheNodePrintsThem) {
  EXPECT_EQ(FormatPid(BeamPidKey(0, 0)), "<0.0.0>");
  EXPECT_NE(BeamPidKey(0, 0), 0u);
  EXPECT_EQ(FormatPid(BeamPidKey(123, 0)), "<0.123.0>");
  EXPECT_EQ(FormatPid(BeamPidKey(7, 2)), "<0.7.2>");
  EXPECT_EQ(FormatPid(42), "<0.42.0>");  // the runtime's pids are unchanged
}

}  // namespace
}  // namespace overseer
