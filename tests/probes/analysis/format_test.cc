#include "probes/analysis/format.h"

#include "gtest/gtest.h"

namespace overseer {
namespace {

TEST(FormatDurationTest, PicksTheUnitsAPersonWouldWrite) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(250'000), "0.25ms");
  EXPECT_EQ(FormatDuration(250'000'000), "250ms");
  EXPECT_EQ(FormatDuration(1'500'000'000), "1.5s");
  EXPECT_EQ(FormatDuration(2'000'000'000), "2s");
  EXPECT_EQ(FormatDuration(42'000'000'000), "42s");
  EXPECT_EQ(FormatDuration(90'000'000'000), "1m30s");
  EXPECT_EQ(FormatDuration(120'000'000'000), "2m");
  EXPECT_EQ(FormatDuration(7'500'000'000'000), "2h05m");
  EXPECT_EQ(FormatDuration(-1'500'000'000), "-1.5s");
}

TEST(FormatDurationTest, SurvivesTheMostNegativeValue) {
  EXPECT_FALSE(FormatDuration(INT64_MIN).empty());
}

TEST(FormatCountTest, GroupsThousands) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1'830), "1,830");
  EXPECT_EQ(FormatCount(2'400'000), "2,400,000");
}

TEST(FormatRateTest, KeepsTheSignAndUsesByteUnits) {
  EXPECT_EQ(FormatRate(1'200'000.0), "1.2 MB/s");
  EXPECT_EQ(FormatRate(-512.0), "-512 B/s");
  EXPECT_EQ(FormatRate(0.0), "0 B/s");
  EXPECT_EQ(FormatRate(-0.2), "0 B/s");
}

TEST(FormatRatioTest, ShowsOneDecimalOnlyForSmallRatios) {
  EXPECT_EQ(FormatRatio(3.46), "3.5x");
  EXPECT_EQ(FormatRatio(2'400.4), "2,400x");
}

TEST(FormatMicrosTest, ScalesPrecisionWithSize) {
  EXPECT_EQ(FormatMicros(0.25), "0.25");
  EXPECT_EQ(FormatMicros(12.04), "12.0");
  EXPECT_EQ(FormatMicros(1'234'567.2), "1,234,567");
}

}  // namespace
}  // namespace overseer
