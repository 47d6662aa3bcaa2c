#include "samples/common/flags.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace overseer {
namespace {

TEST(FlagsTest, DurationsAreWrittenWithTheirUnit) {
  EXPECT_EQ(*ParseDurationFlag("30s"), absl::Seconds(30));
  EXPECT_EQ(*ParseDurationFlag("2m"), absl::Minutes(2));
  EXPECT_EQ(*ParseDurationFlag("20ms"), absl::Milliseconds(20));
  EXPECT_EQ(*ParseDurationFlag("1.5s"), absl::Milliseconds(1500));
  EXPECT_FALSE(ParseDurationFlag("30").ok());
  EXPECT_FALSE(ParseDurationFlag("-1s").ok());
  EXPECT_FALSE(ParseDurationFlag("inf").ok());
  EXPECT_FALSE(ParseDurationFlag("").ok());
}

TEST(FlagsTest, CountsTakeThousandsAndMillions) {
  EXPECT_EQ(*ParseCountFlag("5000"), 5000);
  EXPECT_EQ(*ParseCountFlag("100k"), 100'000);
  EXPECT_EQ(*ParseCountFlag("1M"), 1'000'000);
  EXPECT_EQ(*ParseCountFlag("2.5k"), 2500);
  EXPECT_FALSE(ParseCountFlag("-3").ok());
  EXPECT_FALSE(ParseCountFlag("k").ok());
  EXPECT_FALSE(ParseCountFlag("12x").ok());
  EXPECT_FALSE(ParseCountFlag("1e300").ok());
}

struct Config {
  std::string mode = "closure";
  absl::Duration latency = absl::Milliseconds(20);
  int64_t backlog = 10;
  int workers = 2;
  double scale = 1;
  bool log = true;
};

void Define(FlagSet& flags, Config& c) {
  flags.AddChoice("mode", &c.mode, {"closure", "mfa"}, "how");
  flags.AddDuration("rpc-latency", &c.latency, "latency");
  flags.AddCount("backlog", &c.backlog, "backlog");
  flags.AddInt("workers", &c.workers, "workers");
  flags.AddDouble("time-scale", &c.scale, "scale");
  flags.AddBool("log", &c.log, "log");
}

TEST(FlagsTest, ParsesBothSpellingsIntoTheConfig) {
  Config c;
  FlagSet flags;
  Define(flags, c);
  std::vector<std::string> args = {
      "--mode",    "mfa", "--rpc-latency=5ms", "--backlog", "1M",
      "--workers", "3",   "--time-scale=2.5",  "--no-log"};
  ASSERT_TRUE(flags.Parse(args).ok());
  EXPECT_EQ(c.mode, "mfa");
  EXPECT_EQ(c.latency, absl::Milliseconds(5));
  EXPECT_EQ(c.backlog, 1'000'000);
  EXPECT_EQ(c.workers, 3);
  EXPECT_EQ(c.scale, 2.5);
  EXPECT_FALSE(c.log);
  EXPECT_TRUE(flags.WasSet("backlog"));
}

TEST(FlagsTest, BadFlagsAreNamedAndLeaveDefaultsWhereTheyStopped) {
  Config c;
  FlagSet flags;
  Define(flags, c);
  absl::Status unknown = flags.Parse(std::vector<std::string>{"--speed", "3"});
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("--speed"), std::string::npos);
  absl::Status choice = flags.Parse(std::vector<std::string>{"--mode", "lambda"});
  EXPECT_NE(choice.message().find("closure|mfa"), std::string::npos);
  EXPECT_EQ(c.mode, "closure");
  EXPECT_FALSE(flags.Parse(std::vector<std::string>{"--backlog"}).ok());
  EXPECT_FALSE(flags.Parse(std::vector<std::string>{"positional"}).ok());
  EXPECT_FALSE(flags.Parse(std::vector<std::string>{"--log=maybe"}).ok());
}

TEST(FlagsTest, UsageShowsEveryFlagWithItsDefault) {
  Config c;
  FlagSet flags;
  Define(flags, c);
  std::string usage = flags.Usage();
  EXPECT_NE(usage.find("--rpc-latency"), std::string::npos);
  EXPECT_NE(usage.find("[20ms]"), std::string::npos);
  EXPECT_NE(usage.find("(closure|mfa)"), std::string::npos);
}

}  // namespace
}  // namespace overseer
