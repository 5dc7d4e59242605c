// The `preemption:` section: values into the model's checkpoint costs, defaults, positioned errors.
#include <string>

#include "hetsim/scenario/build.hpp"
#include "scenario_test_support.hpp"

namespace hetsim {
namespace {

using test::has_error;
using test::parse_text;
using test::valid_with;

const std::string kTenants = "  generate: { count: 12, prefix: co }\npreemption:\n";

TEST(ScenarioPreemption, ValuesReachTheCheckpointModel) {
  const ParseResult r = parse_text(valid_with({{29, kTenants + "  checkpoint_interval: 30min\n"
                                                               "  checkpoint_bytes_per_param: 12\n"
                                                               "  storage_bandwidth: 5GB/s\n"
                                                               "  restart_overhead: 45s"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 1);
  EXPECT_DOUBLE_EQ(m.checkpoint.interval_s, 1800);
  EXPECT_DOUBLE_EQ(m.checkpoint.bytes_per_param, 12);
  EXPECT_DOUBLE_EQ(m.checkpoint.storage_gbps, 40);
  EXPECT_DOUBLE_EQ(m.checkpoint.restart_overhead_s, 45);
}

TEST(ScenarioPreemption, DefaultsWhenAbsent) {
  const ParseResult r = parse_text(valid_with({}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 1);
  EXPECT_DOUBLE_EQ(m.checkpoint.interval_s, 0);
  EXPECT_DOUBLE_EQ(m.checkpoint.bytes_per_param, 14);
  EXPECT_DOUBLE_EQ(m.checkpoint.storage_gbps, 80);
  EXPECT_DOUBLE_EQ(m.checkpoint.restart_overhead_s, 30);
}

TEST(ScenarioPreemption, BadValuesArePositioned) {
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kTenants + "  checkpoint_interval: 0.5s"}})), 31, 24,
                        "'checkpoint_interval' must be 0 (checkpoint only when preempted) or at least 1 s"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kTenants + "  storage_bandwidth: 0Gbps"}})), 31, 22,
                        "'storage_bandwidth' must be > 0"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kTenants + "  checkpoint_bytes_per_param: 100"}})), 31, 31,
                        "'checkpoint_bytes_per_param' must be in [0, 64]"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kTenants + "  restart_overhead: 2d"}})), 31, 21,
                        "'restart_overhead' must be in [0, 1 d]"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kTenants + "  checkpoint_intervall: 1h"}})), 31, 3,
                        "unknown key 'checkpoint_intervall' in preemption (did you mean 'checkpoint_interval'?)"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kTenants + "  storage_bandwidth: fast"}})), 31, 22,
                        "storage_bandwidth"));
}

}  // namespace
}  // namespace hetsim
