// The mixed-gang efficiency model of the city simulator (perf/mixed_efficiency.hpp).
#include <gtest/gtest.h>

#include "../support/mini_model.hpp"
#include "hetsim/perf/mixed_efficiency.hpp"
#include "hetsim/perf/mixed_planner.hpp"

namespace hetsim {
namespace {

TransformerSpec dense(const std::string& name, uint32_t layers, uint32_t hidden, uint32_t ffn) {
  TransformerSpec m;
  m.name = name;
  m.layers = layers, m.hidden = hidden, m.heads = hidden / 128, m.kv_heads = hidden / 128, m.ffn_hidden = ffn;
  m.vocab = 32000, m.seq_len = 2048, m.default_global_batch = 256;
  return m;
}

MixingParams catalog() {
  MixingParams p;
  p.models = {dense("m7b", 32, 4096, 11008), dense("m1b", 24, 2048, 5504), dense("m13b", 40, 5120, 13824)};
  TransformerSpec moe = dense("moe", 32, 4096, 14336);
  moe.experts = 8, moe.experts_per_token = 2;
  p.models.push_back(moe);  // never chosen: the planner's shapes for city jobs are dense
  return p;
}

Job training_job(double params, uint32_t cards) {
  Job j = test::job(0, 0, cards);
  j.model.params = params;
  j.model.tokens_per_step = 2048.0 * 512;
  j.may_mix_chips = true;
  return j;
}

TEST(MixedEfficiency, PicksTheNearestDenseModelInLogScaleAndTheBatchFromTokens) {
  const SimulationModel m = test::mini_model();
  const MixingParams p = catalog();
  MixedEfficiency e(p, m.chips);
  EXPECT_EQ(p.models[e.model_for(training_job(6.7e9, 64))].name, "m7b");
  EXPECT_EQ(p.models[e.model_for(training_job(1e9, 64))].name, "m1b");
  EXPECT_EQ(p.models[e.model_for(training_job(20e9, 64))].name, "m13b");
  EXPECT_EQ(p.models[e.model_for(training_job(1e6, 64))].name, "m1b");  // below the smallest
  EXPECT_EQ(e.global_batch_for(training_job(7e9, 64), e.model_for(training_job(7e9, 64))), 512u);
}

TEST(MixedEfficiency, AFixedEfficiencySkipsThePlanner) {
  const SimulationModel m = test::mini_model();
  MixingParams p = catalog();
  p.fixed_efficiency = 0.8;
  MixedEfficiency e(p, m.chips);
  const ChipCount mix[] = {{0, 16}, {1, 48}};
  const MixedSpeed s = e.efficiency(training_job(7e9, 64), mix);
  EXPECT_DOUBLE_EQ(s.eta, 0.8);
  EXPECT_EQ(s.baseline_mask, 0b11u);
  EXPECT_EQ(e.stats().planner_calls, 0u);
}

TEST(MixedEfficiency, PlansEachDistinctMixOnceAndStaysBelowOne) {
  const SimulationModel m = test::mini_model();
  const MixingParams p = catalog();
  MixedEfficiency e(p, m.chips);
  const ChipCount mix[] = {{0, 16}, {1, 48}};
  const Job j = training_job(1e9, 64);
  const MixedSpeed a = e.efficiency(j, mix);
  const MixedSpeed b = e.efficiency(j, mix);
  EXPECT_EQ(e.stats().planner_calls, 1u);
  EXPECT_EQ(e.stats().queries, 2u);
  EXPECT_EQ(a.eta, b.eta);
  // A 4x faster chip with a 4x slower one: the mix lands within a few percent of the scale-free
  // baseline (above it here: the baseline interpolates linearly between two homogeneous
  // clusters whose throughputs are not linear in chip speed).
  EXPECT_GT(a.eta, 0.9);
  EXPECT_LT(a.eta, 1.1);
  EXPECT_EQ(a.baseline_mask, 0b11u);
  const ChipCount other[] = {{0, 8}, {1, 56}};
  e.efficiency(j, other);
  EXPECT_EQ(e.stats().planner_calls, 2u);
}

// The same chips under one vendor name skip the cross-vendor link: mixing costs less.
TEST(MixedEfficiency, TheCrossVendorLinkIsWhatMixingCostsBetweenEqualChips) {
  SimulationModel m = test::mini_model();
  ChipSpec twin = m.chips.at(0);
  twin.name = "fast-twin";
  twin.vendor = "other";
  const ChipId other = m.chips.add_or_replace(twin);
  MixingParams p = catalog();
  p.cross_vendor_gbps = 1;
  MixedEfficiency e(p, m.chips);
  const ChipCount mix[] = {{0, 32}, {other, 32}};
  const Job j = training_job(7e9, 64);
  const double cross = e.efficiency(j, mix).eta;
  twin.vendor = m.chips.at(0).vendor;
  m.chips.add_or_replace(twin);
  MixedEfficiency same(p, m.chips);
  EXPECT_NEAR(same.efficiency(j, mix).eta, 1.0, 1e-9);  // identical chips: no cost at all
  EXPECT_LT(cross, 1.0);
  EXPECT_GT(cross, 0.5);
}

// A mix whose best plan leaves a chip group idle is no mix for a gang (it would hold cards it
// cannot use): it counts as having no plan. Checked against the planner itself on mixes from
// balanced to lopsided.
TEST(MixedEfficiency, AMixThatLeavesAGroupIdleHasNoPlan) {
  const SimulationModel m = test::mini_model();
  const MixingParams p = catalog();
  MixedEfficiency e(p, m.chips);
  const Job j = training_job(7e9, 256);
  const std::size_t model = e.model_for(j);
  bool saw_idle = false, saw_mix = false;
  for (uint32_t fast : {8u, 32u, 128u, 224u, 248u}) {
    const ChipCount mix[] = {{0, fast}, {1, 256 - fast}};
    PlanRequest r;
    r.model = p.models[model];
    r.global_batch = e.global_batch_for(j, model);
    r.cross_vendor_gbps = p.cross_vendor_gbps;
    r.inter_node_gbps = p.inter_node_gbps;
    r.memory_usable_fraction = p.memory_usable_fraction;
    r.per_group_dp = p.per_group_dp;
    r.groups = {ChipGroup{m.chips.at(0), fast}, ChipGroup{m.chips.at(1), 256 - fast}};
    const MixingReport rep = evaluate_mixing(r);
    ASSERT_TRUE(rep.mixed.feasible) << fast;
    const bool idle = rep.mixed.cards_used[0] == 0 || rep.mixed.cards_used[1] == 0;
    const MixedSpeed speed = e.efficiency(j, mix);
    if (idle) {
      saw_idle = true;
      EXPECT_EQ(speed.eta, 0.0) << fast;
    } else {
      saw_mix = true;
      EXPECT_DOUBLE_EQ(speed.eta, rep.mixing_efficiency) << fast;
      EXPECT_EQ(speed.baseline_mask, 0b11u);  // both groups planned: both in the baseline
    }
  }
  EXPECT_TRUE(saw_idle) << "no lopsided mix left a group idle: the test lost its case";
  EXPECT_TRUE(saw_mix);
}

TEST(MixedEfficiency, NoPlanMeansZeroAndBadMixesThrow) {
  const SimulationModel m = test::mini_model();
  const MixingParams p = catalog();
  MixedEfficiency e(p, m.chips);
  // 13B parameters with Adam states (~16 B each, 208 GB) do not fit 2 x 80 GB + 2 x 32 GB.
  const ChipCount tiny[] = {{0, 2}, {1, 2}};
  EXPECT_EQ(e.efficiency(training_job(13e9, 4), tiny).eta, 0.0);
  const ChipCount one[] = {{0, 16}};
  EXPECT_THROW(e.efficiency(training_job(1e9, 16), one), std::invalid_argument);
  const ChipCount unsorted[] = {{1, 8}, {0, 8}};
  EXPECT_THROW(e.efficiency(training_job(1e9, 16), unsorted), std::invalid_argument);
  const ChipCount empty_group[] = {{0, 0}, {1, 8}};
  EXPECT_THROW(e.efficiency(training_job(1e9, 8), empty_group), std::invalid_argument);
  MixingParams only_moe;
  only_moe.models = {catalog().models.back()};
  MixedEfficiency none(only_moe, m.chips);
  const ChipCount mix[] = {{0, 8}, {1, 8}};
  EXPECT_THROW(none.efficiency(training_job(1e9, 16), mix), std::invalid_argument);
}

}  // namespace
}  // namespace hetsim
