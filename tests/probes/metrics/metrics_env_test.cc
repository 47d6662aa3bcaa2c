#include "probes/metrics/metrics_env.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace overseer {
namespace {

using ::testing::HasSubstr;

TEST(MetricsEnvTest, UnsetEmptyOrOffOpensNothing) {
  for (const char* v : {static_cast<const char*>(nullptr), "", "0", "off"}) {
    absl::StatusOr<std::optional<MetricsSinkOptions>> o = MetricsOptionsFromEnv(v, nullptr);
    ASSERT_TRUE(o.ok());
    EXPECT_FALSE(o->has_value());
  }
}

TEST(MetricsEnvTest, APortAloneIsLoopback) {
  absl::StatusOr<std::optional<MetricsSinkOptions>> o = MetricsOptionsFromEnv("9464", "5");
  ASSERT_TRUE(o.ok() && o->has_value());
  EXPECT_EQ((*o)->server.address.ToString(), "127.0.0.1:9464");
  EXPECT_EQ((*o)->metrics.top, 5u);
  EXPECT_EQ((*MetricsOptionsFromEnv("0.0.0.0:9100", nullptr))->server.address.host,
            "0.0.0.0");
  EXPECT_EQ((*MetricsOptionsFromEnv(":9100", ""))->metrics.top, 20u);
}

TEST(MetricsEnvTest, BadValuesNameTheVariable) {
  EXPECT_THAT(MetricsOptionsFromEnv("nope", nullptr).status().message(),
              HasSubstr("OVERSEER_METRICS"));
  EXPECT_THAT(MetricsOptionsFromEnv("9464", "0").status().message(),
              HasSubstr("OVERSEER_METRICS_TOP"));
  EXPECT_THAT(MetricsOptionsFromEnv("9464", "many").status().message(),
              HasSubstr("OVERSEER_METRICS_TOP"));
}

}  // namespace
}  // namespace overseer
