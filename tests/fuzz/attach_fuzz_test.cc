// Runs the attach fuzz entry point inside the normal suite: over the seed
// corpus and over deterministic mutations of it; then sends mutated hellos
// and frames to a live endpoint, which must refuse or ignore them and keep
// serving.
#include "tests/fuzz/attach_fuzz.h"

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "probes/attach/client.h"
#include "probes/attach/protocol.h"
#include "probes/attach/socket_util.h"
#include "tests/probes/attach/attach_test_util.h"

namespace overseer {
namespace {

constexpr int kMutations = 20000;
constexpr int kLiveInputs = 150;

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : state_(seed) {}

  uint64_t Next() {  // splitmix64
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return n == 0 ? 0 : Next() % n; }

  // One to four edits past the control byte: bit flips, interesting bytes,
  // cuts, duplicated and deleted ranges.
  void Mutate(std::vector<uint8_t>& in) {
    for (int edits = 1 + static_cast<int>(Below(4)); edits > 0; --edits) {
      if (in.size() < 2) in.push_back(static_cast<uint8_t>(Next()));
      const size_t at = 1 + Below(in.size() - 1);
      switch (Below(5)) {
        case 0:
          in[at] ^= static_cast<uint8_t>(1u << Below(8));
          break;
        case 1: {
          static constexpr uint8_t kValues[] = {0, 1, 2, 0x7F, 0x80, 0x81, 0x84, 0xFF};
          in[at] = kValues[Below(sizeof(kValues))];
          break;
        }
        case 2:
          in.resize(at);
          break;
        case 3: {
          const size_t n = Below(std::min<size_t>(64, in.size() - at)) + 1;
          std::vector<uint8_t> copy(in.begin() + static_cast<long>(at),
                                    in.begin() + static_cast<long>(at + n));
          in.insert(in.begin() + static_cast<long>(1 + Below(in.size() - 1)),
                    copy.begin(), copy.end());
          break;
        }
        default: {
          const size_t n = Below(std::min<size_t>(32, in.size() - at)) + 1;
          in.erase(in.begin() + static_cast<long>(at),
                   in.begin() + static_cast<long>(at + n));
          break;
        }
      }
    }
  }

 private:
  uint64_t state_;
};

TEST(AttachFuzzTest, SeedCorpusParsesCleanly) {
  const std::vector<std::vector<uint8_t>> seeds = AttachFuzzSeeds();
  ASSERT_GE(seeds.size(), 6u);
  size_t frames = 0, samples = 0;
  for (const auto& seed : seeds) {
    EXPECT_EQ(FuzzAttachInput(seed.data(), seed.size()), 0);
    // The seeds are well formed: their bodies split without error.
    const auto body = absl::MakeConstSpan(seed).subspan(1);
    absl::StatusOr<HelloHeader> hello = ParseHelloHeader(body);
    ASSERT_TRUE(hello.ok()) << hello.status();
    FrameSplitter split((seed[0] & 1) != 0 ? FrameSplitter::Side::kFromProgram
                                           : FrameSplitter::Side::kFromViewer);
    split.Append(body.subspan(kHelloHeaderSize + hello->payload_size));
    Piece piece;
    for (absl::StatusOr<bool> got; (got = split.Next(&piece)).ok() && *got;) {
      frames += piece.kind == Piece::Kind::kAttachFrame;
      samples += piece.kind == Piece::Kind::kCaptureChunk &&
                 (piece.header.type == static_cast<uint8_t>(ChunkType::kKeyframe) ||
                  piece.header.type == static_cast<uint8_t>(ChunkType::kDelta));
    }
    EXPECT_EQ(split.buffered(), 0u);
  }
  EXPECT_GE(frames, 10u);
  EXPECT_GE(samples, 10u);
}

TEST(AttachFuzzTest, ThousandsOfMutatedHellosAndFramesNeverBreakTheProtocolCode) {
  const std::vector<std::vector<uint8_t>> seeds = AttachFuzzSeeds();
  Mutator mutator(20261125);
  for (int i = 0; i < kMutations; ++i) {
    std::vector<uint8_t> input = seeds[mutator.Below(seeds.size())];
    mutator.Mutate(input);
    // Half the inputs get their checksums repaired, to reach the records.
    input[0] = static_cast<uint8_t>((input[0] & ~0x10u) | ((i & 1) << 4));
    ASSERT_EQ(FuzzAttachInput(input.data(), input.size()), 0) << "input " << i;
  }
}

TEST(AttachFuzzTest, EmptyAndTinyInputsAreHarmless) {
  const uint8_t none = 0;
  EXPECT_EQ(FuzzAttachInput(&none, 0), 0);
  for (int control = 0; control < 32; ++control) {
    const uint8_t input[] = {static_cast<uint8_t>(control), 0x89, 'O', 'V'};
    EXPECT_EQ(FuzzAttachInput(input, sizeof(input)), 0);
  }
}

TEST(AttachFuzzTest, ALiveEndpointSurvivesMutatedViewersAndKeepsServing) {
  AttachOptions options;
  options.token = kFuzzToken;
  // Read-only: a mutated request could set a long interval, and the
  // recorder only takes a new interval after its current wait.
  options.handshake_timeout = absl::Milliseconds(200);
  testing::TestProgram program(testing::FreshDirectory("fuzz"), options, 2);
  ASSERT_TRUE(program.Start().ok());
  std::vector<std::vector<uint8_t>> seeds;
  for (auto& seed : AttachFuzzSeeds()) {
    if ((seed[0] & 1) == 0) seeds.push_back(std::move(seed));  // viewer bytes
  }
  Mutator mutator(7);
  for (int i = 0; i < kLiveInputs; ++i) {
    std::vector<uint8_t> input = seeds[mutator.Below(seeds.size())];
    mutator.Mutate(input);
    absl::StatusOr<attach_internal::UniqueFd> fd =
        attach_internal::ConnectUnix(program.server->endpoint());
    ASSERT_TRUE(fd.ok()) << fd.status();
    (void)attach_internal::SendAll(fd->get(), absl::MakeConstSpan(input).subspan(1),
                                   absl::Now() + absl::Seconds(5));
    ::shutdown(fd->get(), SHUT_WR);
    // Read whatever comes back until the program closes or goes quiet.
    uint8_t sink[4096];
    while (
        attach_internal::WaitFd(fd->get(), false, absl::Now() + absl::Seconds(2)).ok() &&
        ::recv(fd->get(), sink, sizeof(sink), 0) > 0) {
    }
  }
  absl::StatusOr<std::unique_ptr<AttachClient>> client =
      AttachClient::Connect(program.server->endpoint(), kFuzzToken);
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE(
      testing::Eventually([&] { return (*client)->recording()->sample_count() > 0; }));
  EXPECT_TRUE(program.recorder->status().ok());
}

}  // namespace
}  // namespace overseer
