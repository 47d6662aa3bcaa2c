#include "probes/model/model.h"

#include "gtest/gtest.h"

namespace overseer {
namespace {

TEST(FormatBytesTest, UsesPowersOfThousandLikeObserver) {
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(FormatBytes(999), "999 B");
  EXPECT_EQ(FormatBytes(1000), "1.0 KB");
  EXPECT_EQ(FormatBytes(12'400), "12.4 KB");
  EXPECT_EQ(FormatBytes(31'000'000), "31.0 MB");
  EXPECT_EQ(FormatBytes(999'999), "1.0 MB");
}

TEST(FormatPidTest, PrintsErlangStyle) { EXPECT_EQ(FormatPid(42), "<0.42.0>"); }

}  // namespace
}  // namespace overseer
