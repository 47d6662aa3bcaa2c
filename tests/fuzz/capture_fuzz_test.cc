// Runs the capture fuzz entry point inside the normal suite: over the seed
// corpus, over deterministic mutations of it, and over inputs the fuzzer
// once found troublesome (regressions).
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "tests/fuzz/capture_fuzz.h"

namespace overseer {
namespace {

constexpr int kMutations = 3000;

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

  // One to four edits of the kinds a fuzzer makes: flips, overwrites with
  // interesting values, cuts, duplicated and deleted ranges.
  void Mutate(std::vector<uint8_t>& in) {
    for (int edits = 1 + static_cast<int>(Below(4)); edits > 0; --edits) {
      if (in.size() < 2) in.push_back(static_cast<uint8_t>(Next()));
      const size_t at = 1 + Below(in.size() - 1);
      switch (Below(6)) {
        case 0: in[at] ^= static_cast<uint8_t>(1u << Below(8)); break;
        case 1: {
          static constexpr uint8_t kValues[] = {0, 1, 0x7F, 0x80, 0xFF, 5, 2};
          in[at] = kValues[Below(sizeof(kValues))];
          break;
        }
        case 2: in.resize(at); break;
        case 3: {
          const size_t n = Below(std::min<size_t>(64, in.size() - at)) + 1;
          std::vector<uint8_t> copy(in.begin() + static_cast<long>(at),
                                    in.begin() + static_cast<long>(at + n));
          in.insert(in.begin() + static_cast<long>(1 + Below(in.size() - 1)),
                    copy.begin(), copy.end());
          break;
        }
        case 4: {
          const size_t n = Below(std::min<size_t>(32, in.size() - at)) + 1;
          in.erase(in.begin() + static_cast<long>(at),
                   in.begin() + static_cast<long>(at + n));
          break;
        }
        default: in[0] = static_cast<uint8_t>(Next()); break;
      }
    }
  }

 private:
  uint64_t state_;
};

TEST(CaptureFuzzTest, SeedCorpusDecodesCleanly) {
  const std::vector<std::vector<uint8_t>> seeds = CaptureFuzzSeeds();
  ASSERT_GE(seeds.size(), 4u);
  for (const auto& seed : seeds) {
    EXPECT_EQ(FuzzCaptureStream(seed.data(), seed.size()), 0);
  }
}

TEST(CaptureFuzzTest, ThousandsOfMutatedCapturesNeverBreakTheDecoder) {
  const std::vector<std::vector<uint8_t>> seeds = CaptureFuzzSeeds();
  Mutator mutator(20261124);
  for (int i = 0; i < kMutations; ++i) {
    std::vector<uint8_t> input = seeds[mutator.Below(seeds.size())];
    mutator.Mutate(input);
    // Half the inputs keep their checksums right, to reach the decoders.
    input[0] = static_cast<uint8_t>((input[0] & ~1u) | (i & 1));
    ASSERT_EQ(FuzzCaptureStream(input.data(), input.size()), 0) << "input " << i;
  }
}

TEST(CaptureFuzzTest, EmptyAndTinyInputsAreHarmless) {
  const uint8_t none = 0;
  EXPECT_EQ(FuzzCaptureStream(&none, 0), 0);
  for (int control = 0; control < 16; ++control) {
    const uint8_t input[] = {static_cast<uint8_t>(control), 0x89, 'O', 'V'};
    EXPECT_EQ(FuzzCaptureStream(input, sizeof(input)), 0);
  }
}

}  // namespace
}  // namespace overseer
