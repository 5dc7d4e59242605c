// Scenario keys for gangs spanning chip types: `mix_chips` on classes, jobs and tenants, and
// `perf.mixing` (docs/scenario-format.md). Line numbers refer to tests/scenario/data/valid.yaml.
#include "hetsim/scenario/build.hpp"
#include "scenario_test_support.hpp"

namespace hetsim {
namespace {

using test::has_error;
using test::parse_text;
using test::valid_with;

const std::string kModels = "    models: ../../../scenarios/catalog/models.yaml";

TEST(ScenarioMixing, JobsClassesAndTenantsMayMixAndBuildCarriesIt) {
  const auto r = parse_text(valid_with(
      {{29, "  generate: { count: 12, prefix: co, mix_chips: true }"},
       {53, "      data: 200GB\n      mix_chips: true"},
       {58, "  comm_overlap: 0.3\n  mixing:\n" + kModels + "\n    cross_vendor_gbps: 25\n    per_group_dp: false"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  EXPECT_TRUE(r.spec.workload.jobs[0].mix_chips);
  EXPECT_TRUE(r.spec.tenants[0].mix_chips);
  EXPECT_FALSE(r.spec.workload.classes[0].mix_chips);
  EXPECT_GE(r.spec.perf.mixing.models.size(), 5u);
  EXPECT_EQ(r.spec.perf.mixing.cross_vendor_gbps, 25);
  EXPECT_EQ(r.spec.perf.mixing.fixed_efficiency, 0);
  const SimulationModel m = build_scenario(r.spec, 1);
  EXPECT_EQ(m.mixing.models.size(), r.spec.perf.mixing.models.size());
  EXPECT_EQ(m.mixing.cross_vendor_gbps, 25);
  EXPECT_FALSE(m.mixing.per_group_dp);  // default true
  bool explicit_mixes = false, eval_mixes = false;
  for (const Job& j : m.jobs) {
    if (j.job_class == JobClass::Finetune) explicit_mixes = j.may_mix_chips;
    if (j.job_class == JobClass::Eval) eval_mixes = eval_mixes || j.may_mix_chips;  // forward only: never
  }
  EXPECT_TRUE(explicit_mixes);
  EXPECT_FALSE(eval_mixes);
  EXPECT_TRUE(m.tenants[0].mix_chips);
}

TEST(ScenarioMixing, AFixedEfficiencyNeedsNoModelCatalog) {
  const auto r = parse_text(valid_with(
      {{53, "      data: 200GB\n      mix_chips: true"}, {58, "  comm_overlap: 0.3\n  mixing: { efficiency: 0.85 }"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  EXPECT_DOUBLE_EQ(r.spec.perf.mixing.fixed_efficiency, 0.85);
  EXPECT_TRUE(r.spec.perf.mixing.models.empty());
  const auto planner =
      parse_text(valid_with({{53, "      data: 200GB\n      mix_chips: true"},
                             {58, "  comm_overlap: 0.3\n  mixing:\n" + kModels + "\n    efficiency: planner"}}));
  EXPECT_TRUE(planner.ok()) << test::all_errors(planner);
}

TEST(ScenarioMixing, BadMixingInputIsReportedWhereItIs) {
  // No catalog/models.yaml above tests/scenario/data: reported at the first mix_chips.
  EXPECT_TRUE(has_error(parse_text(valid_with({{53, "      data: 200GB\n      mix_chips: true"}})), 54, 18,
                        "no model catalog for the planner"));
  // Forward-only work cannot mix: the planner models training.
  EXPECT_TRUE(has_error(parse_text(valid_with({{44, "      memory_per_card: 64GiB\n      mix_chips: true"}})), 45, 18,
                        "'mix_chips' needs a training job"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{58, "  comm_overlap: 0.3\n  mixing: { efficiency: 3 }"}})), 59, 25,
                        "'efficiency' must be 'planner' or a number in (0, 2]"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{58, "  comm_overlap: 0.3\n  mixing: { efficiency: fast }"}})), 59, 25,
                        "efficiency"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{58, "  comm_overlap: 0.3\n  mixing: { cross_vendor_gbps: 0 }"}})), 59,
                        32, "'cross_vendor_gbps' must be finite and > 0"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{58, "  comm_overlap: 0.3\n  mixing: { effciency: 0.9 }"}})), 59, 13,
                        "efficiency"));  // unknown key, with a suggestion
  EXPECT_TRUE(has_error(parse_text(valid_with({{53, "      data: 200GB\n      mix_chips: true"},
                                               {58, "  comm_overlap: 0.3\n  mixing: { models: nowhere.yaml }"}})),
                        60, 21, "nowhere.yaml"));  // line 53 became two lines
  EXPECT_TRUE(
      has_error(parse_text(valid_with({{53, "      data: 200GB\n      mix_chips: maybe"}})), 54, 18, "mix_chips"));
}

}  // namespace
}  // namespace hetsim
