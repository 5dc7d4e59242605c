// --set overrides: applied to the YAML tree before conversion; errors point into the file.
#include "scenario_test_support.hpp"

namespace hetsim {
namespace {

using test::has_error;

ParseResult parse_valid(const ScenarioOverrides& ov) {
  return parse_scenario_file(test::data_dir() + "/valid.yaml", ov);
}

TEST(ScenarioOverrides, ReplaceAndAddValues) {
  const ParseResult r = parse_valid({{"workload.jobs_per_day", "5000"},
                                     {"policy.name", "sjf"},
                                     {"policy.params.placement", "first-fit"},
                                     {"policy.params.window", "16"},
                                     {"scenario.seed", "3"},
                                     {"providers.0.pools.1.nodes", "9"},
                                     {"workload.jobs.0.allowed_chips", "[A100-80G-SXM, Ascend-910B3]"},
                                     {"metrics", "{timeseries_interval: 5min}"}});
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  EXPECT_DOUBLE_EQ(r.spec.workload.jobs_per_day, 5000);
  EXPECT_EQ(r.spec.policy.name, "sjf");
  EXPECT_EQ(r.spec.policy.params.at("placement"), "first-fit");
  EXPECT_EQ(r.spec.policy.params.at("max_scan"), "500");
  EXPECT_EQ(r.spec.policy.params.at("window"), "16");
  EXPECT_EQ(r.spec.policy.param_pos.at("placement").line, 56);  // the replaced value's position
  EXPECT_EQ(r.spec.seed, 3u);
  EXPECT_EQ(r.spec.providers[0].pools[1].nodes, 9u);
  EXPECT_EQ(r.spec.workload.jobs[0].allowed_chips.size(), 2u);
  EXPECT_DOUBLE_EQ(r.spec.metrics.timeseries_interval_s, 300);
}

TEST(ScenarioOverrides, CreatesMissingSections) {
  const ParseResult r = parse_scenario_string(test::valid_with({{54, ""}, {55, ""}, {56, ""}}), "t.yaml",
                                              test::data_dir(), {{"policy.name", "sjf"}});
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  EXPECT_EQ(r.spec.policy.name, "sjf");
}

TEST(ScenarioOverrides, UnknownPathErrorsLikeAnUnknownKey) {
  const ParseResult r = parse_valid({{"workload.jobs_per_dya", "5"}});
  const std::string f = test::data_dir() + "/valid.yaml";
  EXPECT_TRUE(has_error(r, 31, 3,
                        "unknown key 'jobs_per_dya' in workload (did you mean 'jobs_per_day'?) [from --set "
                        "workload.jobs_per_dya=5]",
                        f));
  EXPECT_EQ(r.errors.size(), 1u) << test::all_errors(r);
  const ParseResult top = parse_valid({{"polcy.name", "sjf"}});
  EXPECT_TRUE(has_error(top, 1, 1, "unknown key 'polcy' in scenario file (did you mean 'policy'?)", f));
}

TEST(ScenarioOverrides, BadValueKeepsTheReplacedPosition) {
  const std::string f = test::data_dir() + "/valid.yaml";
  const ParseResult r = parse_valid({{"scenario.horizon", "3 days"}});
  EXPECT_TRUE(has_error(r, 3, 12, "invalid 'horizon': unknown duration unit 'days' in '3 days'", f));
  EXPECT_TRUE(has_error(r, 3, 12, "[from --set scenario.horizon=3 days]", f));
  EXPECT_TRUE(has_error(parse_valid({{"providers.0.pools.0.chip", "B200"}}), 17, 15, "undefined chip 'B200'", f));
}

TEST(ScenarioOverrides, PathsThatCannotBeWalked) {
  const std::string f = test::data_dir() + "/valid.yaml";
  EXPECT_TRUE(has_error(parse_valid({{"scenario.name.x", "1"}}), 2, 9,
                        "cannot apply --set scenario.name.x=1: 'scenario.name' is a single value, it has no 'x'", f));
  EXPECT_TRUE(has_error(parse_valid({{"sites.5.name", "x"}}), 6, 3,
                        "'sites' is a list of 2 items; '5' is not an index into it", f));
  const ParseResult empty = parse_valid({{"workload..jobs_per_day", "1"}});
  ASSERT_EQ(empty.errors.size(), 1u);
  EXPECT_EQ(empty.errors[0].format(),
            f + ": error: cannot apply --set workload..jobs_per_day=1: empty key in path 'workload..jobs_per_day'");
  const ParseResult yaml = parse_valid({{"policy.name", "[unclosed"}});
  ASSERT_EQ(yaml.errors.size(), 1u);
  EXPECT_NE(yaml.errors[0].message.find("value is not valid YAML"), std::string::npos);
}

}  // namespace
}  // namespace hetsim
