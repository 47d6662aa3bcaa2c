#include "samples/workloads/registry.h"

#include <string>
#include <vector>

#include "core/runtime.h"
#include "gtest/gtest.h"
#include "tests/samples/samples_test_util.h"

namespace overseer {
namespace {

TEST(RegistryTest, ListsTheFiveWorkloadsUnderTheirOwnNames) {
  std::vector<std::string> names;
  for (const WorkloadEntry& e : Workloads()) {
    names.push_back(e.name);
    std::unique_ptr<Workload> w = e.make();
    EXPECT_EQ(w->name(), e.name);
    EXPECT_FALSE(w->description().empty());
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"buffered-task", "mailbox-flood", "binary-hoarder",
                                      "held-spec", "healthy-pool"}));
}

TEST(RegistryTest, UnknownNamesAndBadFlagsAreErrorsThatSayWhy) {
  absl::StatusOr<std::unique_ptr<Workload>> none = MakeWorkload("leaky");
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find("buffered-task"), std::string::npos);
  absl::StatusOr<std::unique_ptr<Workload>> bad =
      MakeWorkload("buffered-task", {"--mode", "lambda"});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("--mode"), std::string::npos);
}

// Each workload, made by name with light flags, starts, reports and stops.
TEST(RegistryTest, EveryWorkloadStartsReportsAndStops) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> runs = {
      {"buffered-task", {"--backlog", "2000", "--time-scale", "10", "--no-log"}},
      {"mailbox-flood", {"--rate", "1000", "--payload", "64"}},
      {"binary-hoarder", {"--blob-size", "4096", "--rate", "100"}},
      {"held-spec", {"--workers", "2", "--table-size", "16k"}},
      {"healthy-pool", {"--workers", "2", "--clients", "2"}},
  };
  for (const auto& [name, args] : runs) {
    absl::StatusOr<std::unique_ptr<Workload>> w = MakeWorkload(name, args);
    ASSERT_TRUE(w.ok()) << name << ": " << w.status();
    Runtime rt(testing::TestRuntime());
    absl::StatusOr<Pid> root = (*w)->Start(rt);
    ASSERT_TRUE(root.ok()) << name << ": " << root.status();
    EXPECT_FALSE((*w)->Start(rt).ok()) << name << " started twice";
    EXPECT_FALSE((*w)->Tick(true).empty());
    EXPECT_FALSE((*w)->Summary().empty());
    EXPECT_TRUE((*w)->Stop().ok()) << name;
    EXPECT_FALSE(rt.Alive(*root)) << name;
  }
}

}  // namespace
}  // namespace overseer
