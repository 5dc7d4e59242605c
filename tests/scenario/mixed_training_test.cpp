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
         "  plans:\n" +
         plans;
}

TEST(MixedTrainingScenario, PlansAndVaryExpansion) {
  const auto r =
      parse_text(mixed("    - name: a\n"
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
  EXPECT_TRUE(has_error(parse_text(mixed("    - name: a\n      model: llama2-7\n      chips: {A100-80G-SXM: 8}\n")), 7,
                        14, "unknown model 'llama2-7' (did you mean 'llama2-7b'?)"));
  EXPECT_TRUE(
      has_error(parse_text(mixed(head + "      chips: {A100-80G-SXN: 8}\n")), 8, 15, "undefined chip 'A100-80G-SXN'"));
  EXPECT_TRUE(has_error(parse_text(mixed(head + "      chips: {A100-80G-SXM: 0}\n")), 8, 29, "cards of A100-80G-SXM"));
  EXPECT_TRUE(has_error(parse_text(mixed(head + "      chips: {A100-80G-SXM: 8}\n      vary: {seq_len: [1]}\n")), 9, 13,
                        "'vary' takes cross_vendor_gbps"));
  EXPECT_TRUE(has_error(parse_text(mixed(head + "      chips: {A100-80G-SXM: 8}\n      cross_vendor_gbps: 0\n")), 9, 26,
                        "must be finite and > 0"));
  EXPECT_TRUE(has_error(
      parse_text(mixed(head + "      chips: {A100-80G-SXM: 8}\n" + head + "      chips: {A100-80G-SXM: 4}\n")), 9, 7,
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

// The training stack: the section's keys are every plan's defaults, a plan overrides each.
TEST(MixedTrainingScenario, TheStackComesFromTheSectionAndEachPlan) {
  const std::string text =
      "scenario:\n"
      "  name: m\n"
      "mixed_training:\n"
      "  models: ../../../scenarios/catalog/models.yaml\n"
      "  attention: materialized\n"
      "  recompute: selective|full\n"
      "  zero: 3\n"
      "  plans:\n"
      "    - name: a\n"
      "      model: llama2-7b\n"
      "      chips: {A100-80G-SXM: 8}\n"
      "    - name: b\n"
      "      model: llama2-7b\n"
      "      chips: {A100-80G-SXM: 8}\n"
      "      attention: flash\n"
      "      recompute: none\n"
      "      zero: 0\n"
      "      sequence_parallel: false\n";
  const auto r = parse_text(text);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const auto& plans = r.spec.mixed_training.plans;
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[0].stack.attention, AttentionKernel::Materialized);
  EXPECT_EQ(plans[0].recompute_modes, 0b110);
  EXPECT_EQ(plans[0].zero_stage, 3u);
  EXPECT_TRUE(plans[0].stack.sequence_parallel);
  EXPECT_EQ(plans[1].stack.attention, AttentionKernel::Flash);
  EXPECT_EQ(plans[1].recompute_modes, 0b001);
  EXPECT_EQ(plans[1].zero_stage, 0u);
  EXPECT_FALSE(plans[1].stack.sequence_parallel);
  // Defaults: today's stack.
  const auto d = parse_text(mixed("    - name: a\n      model: llama2-7b\n      chips: {A100-80G-SXM: 8}\n"));
  ASSERT_TRUE(d.ok()) << all_errors(d);
  EXPECT_EQ(d.spec.mixed_training.plans[0].stack.attention, AttentionKernel::Flash);
  EXPECT_EQ(d.spec.mixed_training.plans[0].recompute_modes, 0b111);
  EXPECT_EQ(d.spec.mixed_training.plans[0].zero_stage, 1u);
}

TEST(MixedTrainingScenario, BadStackValuesPointAtTheirValue) {
  const std::string head = "    - name: a\n      model: llama2-7b\n      chips: {A100-80G-SXM: 8}\n";
  EXPECT_TRUE(has_error(parse_text(mixed(head + "      attention: flsh\n")), 9, 18,
                        "'attention' must be flash or materialized, got 'flsh' (did you mean 'flash'?)"));
  EXPECT_TRUE(has_error(parse_text(mixed(head + "      recompute: ful\n")), 9, 18,
                        "'recompute' must be auto, none, selective or full"));
  EXPECT_TRUE(has_error(parse_text(mixed(head + "      zero: 2\n")), 9, 13, "ZeRO stage 2 is not modelled"));
  EXPECT_TRUE(has_error(parse_text(mixed(head + "      zero: 4\n")), 9, 13, "zero"));
  EXPECT_TRUE(has_error(parse_text(mixed(head + "      sequence_parallel: maybe\n")), 9, 26, "sequence_parallel"));
  EXPECT_TRUE(has_error(parse_text(mixed(head + "      inter_node_gbps: .inf\n")), 9, 24, "is not a finite number"));
}

}  // namespace
}  // namespace hetsim::test
