// Mixed-training planning scenarios (`mixed_training:`): defaults, `vary` expansion, and each bad
// input with its position.
#include <gtest/gtest.h>

#include "scenario_test_support.hpp"

namespace hetsim::test {
namespace {

// Parsed from tests/scenario/data, where catalog/chips.yaml is found; models given explicitly.
std::string mixed(const std::string& plans) {
  return "scenario:\n"
         "  name: m\n"
         "mixed_training:\n"
         "  models: ../../../scenarios/catalog/models.yaml\n"
         "  plans:\n" + plans;
}

TEST(MixedTrainingScenario, PlansAndVaryExpansion) {
  const auto r = parse_text(mixed("    - name: a\n"
                                  "      model: llama2-7b\n"
                                  "      chips: {A100-80G-SXM: 8}\n"
                                  "      vary: {global_batch: [64, 128]}\n"));
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_TRUE(r.spec.has_mixed_training);
  const auto& plans = r.spec.mixed_training.plans;
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[0].name, "a@global_batch=64");
  EXPECT_EQ(plans[1].global_batch, 128u);
  EXPECT_EQ(plans[0].cross_vendor_gbps, 100.0);
  EXPECT_TRUE(plans[0].per_group_dp);
  EXPECT_EQ(plans[0].chips, (std::vector<std::pair<std::string, uint32_t>>{{"A100-80G-SXM", 8}}));
}

TEST(MixedTrainingScenario, BadInputsPointAtTheirValue) {
  const std::string head = "    - name: a\n      model: llama2-7b\n";
  EXPECT_TRUE(has_error(parse_text(mixed("    - name: a\n      model: llama2-7\n      chips: {A100-80G-SXM: 8}\n")), 7, 14,
                        "unknown model 'llama2-7' (did you mean 'llama2-7b'?)"));
  EXPECT_TRUE(has_error(parse_text(mixed(head + "      chips: {A100-80G-SXN: 8}\n")), 8, 15, "undefined chip 'A100-80G-SXN'"));
  EXPECT_TRUE(has_error(parse_text(mixed(head + "      chips: {A100-80G-SXM: 0}\n")), 8, 29, "cards of A100-80G-SXM"));
  EXPECT_TRUE(has_error(parse_text(mixed(head + "      chips: {A100-80G-SXM: 8}\n      vary: {seq_len: [1]}\n")), 9, 13,
                        "'vary' takes cross_vendor_gbps"));
  EXPECT_TRUE(has_error(parse_text(mixed(head + "      chips: {A100-80G-SXM: 8}\n      cross_vendor_gbps: 0\n")), 9, 26,
                        "must be > 0"));
  EXPECT_TRUE(has_error(parse_text(mixed(head + "      chips: {A100-80G-SXM: 8}\n" + head + "      chips: {A100-80G-SXM: 4}\n")), 9, 7,
                        "plan 'a' is defined twice"));
  EXPECT_TRUE(has_error(parse_text(mixed("")), 5, 3, "plans"));
  // A plan is a platform: its cards in all take the platform's limit (was 1e7 per chip type, 6e7
  // in all, which planned for minutes a plan).
  EXPECT_TRUE(
      has_error(parse_text(mixed(head + "      chips: {A100-80G-SXM: 4000001}\n")), 8, 29, "cards of A100-80G-SXM"));
  EXPECT_TRUE(
      has_error(parse_text(mixed(head + "      chips: {A100-80G-SXM: 3000000, H800-SXM: 3000000}\n")), 8, 14,
                "6000000 cards in all are more than 4000000, the most a platform may have (kMaxPlatformCards)"));
}

}  // namespace
}  // namespace hetsim::test
