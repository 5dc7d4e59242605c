// Elastic jobs in scenarios: `min_cards` / `max_cards` on explicit jobs and a class's `elastic`
// section (docs/scenario-format.md). Line numbers refer to tests/scenario/data/valid.yaml
// (line 44: the class's last key; line 49: the explicit job's `cards: 16`).
#include "hetsim/scenario/build.hpp"
#include "scenario_test_support.hpp"

namespace hetsim {
namespace {

using test::has_error;
using test::parse_text;
using test::valid_with;

const std::string kClassEnd = "      memory_per_card: 64GiB";

ParseResult with_job_keys(const std::string& keys) {
  return parse_text(valid_with({{49, "      cards: 16\n" + keys}}));
}
ParseResult with_elastic(const std::string& lines) { return parse_text(valid_with({{44, kClassEnd + "\n" + lines}})); }

TEST(ScenarioElastic, ExplicitRangeIsParsedAndBuilt) {
  const ParseResult r = with_job_keys("      min_cards: 8\n      max_cards: 32");
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  EXPECT_EQ(r.spec.workload.jobs[0].min_cards, 8u);
  EXPECT_EQ(r.spec.workload.jobs[0].max_cards, 32u);
  const SimulationModel m = build_scenario(r.spec, 1);
  std::size_t explicit_jobs = 0;
  for (const Job& j : m.jobs) {
    if (j.job_class != JobClass::Finetune) {
      EXPECT_FALSE(j.elastic());  // the generated class has no `elastic`
      continue;
    }
    ++explicit_jobs;
    EXPECT_EQ(j.cards, 16u);
    EXPECT_EQ(j.min_cards, 8u);
    EXPECT_EQ(j.max_cards, 32u);
  }
  EXPECT_EQ(explicit_jobs, 1u);
}

TEST(ScenarioElastic, ExplicitDefaultsAreRigid) {
  for (const std::string& keys : {std::string("      min_cards: 16"), std::string("      max_cards: 16"),
                                  std::string("      min_cards: 16\n      max_cards: 16")}) {
    const ParseResult r = with_job_keys(keys);
    ASSERT_TRUE(r.ok()) << test::all_errors(r);
    for (const Job& j : build_scenario(r.spec, 1).jobs) {
      EXPECT_EQ(j.min_cards, 0u);
      EXPECT_EQ(j.max_cards, 0u);
    }
  }
  const ParseResult one_sided = with_job_keys("      max_cards: 64");
  ASSERT_TRUE(one_sided.ok()) << test::all_errors(one_sided);
  for (const Job& j : build_scenario(one_sided.spec, 1).jobs) {
    if (j.job_class != JobClass::Finetune) continue;
    EXPECT_EQ(j.min_gang(), 16u);
    EXPECT_EQ(j.max_gang(), 64u);
  }
}

TEST(ScenarioElastic, ExplicitRangeErrorsArePositioned) {
  EXPECT_TRUE(has_error(with_job_keys("      min_cards: 32"), 50, 18, "'min_cards' (32) must be <= 'cards' (16)"));
  EXPECT_TRUE(has_error(with_job_keys("      max_cards: 8"), 50, 18, "'max_cards' (8) must be >= 'cards' (16)"));
  EXPECT_TRUE(has_error(with_job_keys("      min_cards: 0"), 50, 18, "'min_cards' must be > 0, got 0"));
  EXPECT_TRUE(has_error(with_job_keys("      max_cards: 0"), 50, 18, "'max_cards' must be > 0, got 0"));
  EXPECT_TRUE(
      has_error(with_job_keys("      min_cards: 2.5"), 50, 18, "invalid 'min_cards': '2.5' is not a whole number"));
  EXPECT_TRUE(has_error(with_job_keys("      max_cards: many"), 50, 18, "invalid 'max_cards'"));
  EXPECT_TRUE(has_error(with_job_keys("      max_card: 32"), 50, 7,
                        "unknown key 'max_card' in workload.jobs[0] (did you mean 'max_cards'?)"));
  const ParseResult r = with_job_keys("      min_cards: 32\n      max_cards: 8");
  EXPECT_EQ(r.errors.size(), 2u) << test::all_errors(r);
}

TEST(ScenarioElastic, ClassSectionIsParsed) {
  const ParseResult r = with_elastic("      elastic: { share: 0.25, min_cards: 2, max_cards: 64 }");
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const ElasticClassSpec& e = r.spec.workload.classes[0].elastic;
  EXPECT_DOUBLE_EQ(e.share, 0.25);
  EXPECT_EQ(e.min_cards, 2u);
  EXPECT_EQ(e.max_cards, 64u);
  const ParseResult defaults = with_elastic("      elastic: { share: 1 }");
  ASSERT_TRUE(defaults.ok()) << test::all_errors(defaults);
  EXPECT_DOUBLE_EQ(defaults.spec.workload.classes[0].elastic.share, 1);
  EXPECT_EQ(defaults.spec.workload.classes[0].elastic.min_cards, 1u);
  EXPECT_EQ(defaults.spec.workload.classes[0].elastic.max_cards, 0u);  // 4 x cards
  // Without the section: share 0, no elastic jobs.
  const ParseResult none = parse_text(valid_with({}));
  EXPECT_DOUBLE_EQ(none.spec.workload.classes[0].elastic.share, 0);
}

TEST(ScenarioElastic, ShareOneBuildsElasticClassJobs) {
  const ParseResult r = with_elastic("      elastic: { share: 1 }");
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  std::size_t generated = 0;
  for (const Job& j : build_scenario(r.spec, 1).jobs) {
    if (j.job_class != JobClass::Eval) continue;
    ++generated;
    EXPECT_EQ(j.min_gang(), 1u);
    EXPECT_EQ(j.max_gang(), 4 * j.cards);
  }
  EXPECT_GT(generated, 100u);
}

TEST(ScenarioElastic, ClassSectionErrorsArePositioned) {
  EXPECT_TRUE(has_error(with_elastic("      elastic:\n        share: 1.5"), 46, 16,
                        "'share' of 'elastic' must be in [0, 1], got 1.5"));
  EXPECT_TRUE(has_error(with_elastic("      elastic:\n        share: -0.1"), 46, 16, "'share'"));
  EXPECT_TRUE(has_error(with_elastic("      elastic:\n        share: 0.5\n        min_cards: 8\n        max_cards: 4"),
                        48, 20, "'max_cards' (4) must be >= 'min_cards' (8)"));
  EXPECT_TRUE(has_error(with_elastic("      elastic:\n        share: 0.5\n        min_cards: 0"), 47, 20,
                        "'min_cards' must be > 0, got 0"));
  EXPECT_TRUE(has_error(with_elastic("      elastic:\n        share: 0.5\n        max_cards: 3.5"), 47, 20,
                        "invalid 'max_cards': '3.5' is not a whole number"));
  EXPECT_TRUE(has_error(with_elastic("      elastic:\n        min_cards: 2"), 46, 9,
                        "missing required key 'share' in workload.classes[0].elastic"));
  EXPECT_TRUE(has_error(with_elastic("      elastic:\n        shar: 0.5"), 46, 9,
                        "unknown key 'shar' in workload.classes[0].elastic (did you mean 'share'?)"));
  EXPECT_TRUE(has_error(with_elastic("      elastic: 0.5"), 45, 16,
                        "wrong type for workload.classes[0].elastic: expected a map"));
  EXPECT_TRUE(has_error(with_elastic("      elastc: { share: 1 }"), 45, 7,
                        "unknown key 'elastc' in workload.classes[0] (did you mean 'elastic'?)"));
}

TEST(ScenarioElastic, OverridesReachTheNewKeys) {
  const ParseResult r = parse_scenario_file(test::data_dir() + "/valid.yaml",
                                            {{"workload.classes.0.elastic", "{share: 0.5, max_cards: 64}"},
                                             {"workload.classes.0.elastic.min_cards", "2"},
                                             {"workload.jobs.0.max_cards", "64"}});
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  EXPECT_DOUBLE_EQ(r.spec.workload.classes[0].elastic.share, 0.5);
  EXPECT_EQ(r.spec.workload.classes[0].elastic.min_cards, 2u);
  EXPECT_EQ(r.spec.workload.classes[0].elastic.max_cards, 64u);
  EXPECT_EQ(r.spec.workload.jobs[0].max_cards, 64u);
  const std::string f = test::data_dir() + "/valid.yaml";
  EXPECT_TRUE(has_error(parse_scenario_file(f, {{"workload.jobs.0.min_cards", "32"}}), 46, 7,
                        "'min_cards' (32) must be <= 'cards' (16) [from --set workload.jobs.0.min_cards=32]", f));
}

}  // namespace
}  // namespace hetsim
