#include "probes/analysis/profile.h"

#include "gtest/gtest.h"

namespace overseer {
namespace {

std::vector<ZoneStat> Zones() {
  return {
      {1, "handle_call", 100, 2'000'000},
      {1, "send/copy", 10, 6'000'000},
      {2, "handle_call", 50, 1'000'000},
      {2, "spawn", 4, 1'000'000},
  };
}

TEST(ProfileTest, SumsZonesOverAllProcessesMostTimeFirst) {
  Profile p = BuildProfile(Zones());
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(p.total_ns, 10'000'000u);
  EXPECT_EQ(p.total_calls, 164u);
  EXPECT_EQ(p.process_count, 2u);

  EXPECT_EQ(p.rows[0].zone, "send/copy");
  EXPECT_DOUBLE_EQ(p.rows[0].percent, 60.0);
  EXPECT_DOUBLE_EQ(p.rows[0].total_us, 6'000.0);
  EXPECT_DOUBLE_EQ(p.rows[0].us_per_call, 600.0);

  EXPECT_EQ(p.rows[1].zone, "handle_call");
  EXPECT_EQ(p.rows[1].calls, 150u);
  EXPECT_DOUBLE_EQ(p.rows[1].percent, 30.0);
  EXPECT_DOUBLE_EQ(p.rows[1].us_per_call, 20.0);

  EXPECT_EQ(p.rows[2].zone, "spawn");
  EXPECT_DOUBLE_EQ(p.rows[2].percent, 10.0);
}

TEST(ProfileTest, OneProcessSeesOnlyItsZones) {
  Profile p = BuildProfile(Zones(), 2);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.process_count, 1u);
  EXPECT_EQ(p.total_ns, 2'000'000u);
  EXPECT_EQ(p.rows[0].zone, "handle_call");  // tie on time: by name
  EXPECT_DOUBLE_EQ(p.rows[0].percent, 50.0);
  EXPECT_TRUE(BuildProfile(Zones(), 77).rows.empty());
}

TEST(ProfileTest, AnIntervalIsTheDifferenceOfTwoReadings) {
  std::vector<ZoneStat> later = Zones();
  later[1].calls += 5;  // pid 1 send/copy: +5 calls, +4 ms
  later[1].total_ns += 4'000'000;
  later[2].calls += 10;  // pid 2 handle_call: +10 calls, +1 ms
  later[2].total_ns += 1'000'000;
  later.push_back({3, "spawn", 1, 500'000});  // a new process
  Profile p = ProfileBetween(Zones(), later);
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(p.total_ns, 5'500'000u);
  EXPECT_EQ(p.rows[0].zone, "send/copy");
  EXPECT_EQ(p.rows[0].calls, 5u);
  EXPECT_DOUBLE_EQ(p.rows[0].us_per_call, 800.0);
  EXPECT_EQ(p.rows[1].zone, "handle_call");
  EXPECT_EQ(p.rows[1].calls, 10u);
  EXPECT_EQ(p.rows[2].zone, "spawn");
  EXPECT_EQ(p.rows[2].total_ns, 500'000u);
  EXPECT_EQ(p.process_count, 3u);
}

TEST(ProfileTest, ACounterThatWentDownCountsItsLaterValue) {
  std::vector<ZoneStat> later = {{1, "handle_call", 3, 300}};
  Profile p = ProfileBetween(Zones(), later);
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].calls, 3u);
  EXPECT_EQ(p.rows[0].total_ns, 300u);
}

TEST(ProfileTest, NoTimeMeansNoShares) {
  Profile p = BuildProfile({{1, "idle", 5, 0}});
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].percent, 0.0);
  EXPECT_EQ(p.rows[0].us_per_call, 0.0);
  EXPECT_TRUE(BuildProfile({}).rows.empty());
}

}  // namespace
}  // namespace overseer
