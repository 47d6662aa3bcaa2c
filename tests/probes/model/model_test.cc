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

TEST(FormatPidTest, PrintsABeamNodesPidsWithTheirSerial) {
  EXPECT_EQ(FormatPid(BeamPidKey(0, 0)), "<0.0.0>");
  EXPECT_EQ(FormatPid(BeamPidKey(4711, 0)), "<0.4711.0>");
  EXPECT_EQ(FormatPid(BeamPidKey(5, 1)), "<0.5.1>");
}

TEST(CaptureInfoTest, AnOldCaptureHasEveryFigureAndABeamOneSaysWhatIsAbsent) {
  CaptureInfo old;
  EXPECT_TRUE(old.Has(Figure::kHeldSpecBytes));
  CaptureInfo beam;
  beam.absent = static_cast<uint32_t>(Figure::kHeldSpecBytes);
  EXPECT_FALSE(beam.Has(Figure::kHeldSpecBytes));
  EXPECT_TRUE(beam.Has(Figure::kBinaryBytes));
}

}  // namespace
}  // namespace overseer
