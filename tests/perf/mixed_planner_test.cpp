// The mixed-training planner's properties (docs/mixed-training.md, "Properties").
#include <gtest/gtest.h>

#include "hetsim/perf/mixed_planner.hpp"

namespace hetsim {
namespace {

TransformerSpec llama7b() {
  TransformerSpec m;
  m.name = "llama2-7b";
  m.layers = 32, m.hidden = 4096, m.heads = 32, m.kv_heads = 32, m.ffn_hidden = 11008, m.vocab = 32000;
  m.seq_len = 4096, m.default_global_batch = 256;
  return m;
}

ChipSpec chip(const std::string& name, const std::string& vendor, double tflops, double mem_gb) {
  ChipSpec c;
  c.name = name, c.vendor = vendor, c.bf16_tflops = tflops, c.mem_gb = mem_gb, c.mem_bw_tbs = 2.0;
  c.intra_node_gbs = 600, c.cards_per_server = 8, c.achievable_mfu = 0.45;
  return c;
}

TEST(TransformerSpec, ParameterCountsMatchThePublishedSizes) {
  EXPECT_NEAR(llama7b().total_params() / 6.74e9, 1.0, 0.01);
  TransformerSpec m70 = llama7b();
  m70.layers = 80, m70.hidden = 8192, m70.heads = 64, m70.kv_heads = 8, m70.ffn_hidden = 28672;
  EXPECT_NEAR(m70.total_params() / 6.90e10, 1.0, 0.01);
  TransformerSpec gpt3 = llama7b();
  gpt3.layers = 96, gpt3.hidden = 12288, gpt3.heads = 96, gpt3.kv_heads = 96, gpt3.ffn_hidden = 49152;
  gpt3.gated_mlp = false, gpt3.vocab = 50257;
  EXPECT_NEAR(gpt3.total_params() / 1.75e11, 1.0, 0.01);
  TransformerSpec mixtral = llama7b();
  mixtral.kv_heads = 8, mixtral.ffn_hidden = 14336, mixtral.experts = 8, mixtral.experts_per_token = 2;
  EXPECT_NEAR(mixtral.total_params() / 4.67e10, 1.0, 0.01);  // 46.7 B total
  EXPECT_NEAR((mixtral.layers * mixtral.layer_active_params() + mixtral.embedding_params()) / 1.29e10, 1.0, 0.01);
}

TEST(MixedPlanner, OneChipTypeIsItsOwnBaseline) {
  PlanRequest r;
  r.model = llama7b();
  r.groups = {ChipGroup{chip("a", "va", 312, 80), 32}};
  const MixingReport rep = evaluate_mixing(r);
  ASSERT_TRUE(rep.mixed.feasible);
  EXPECT_DOUBLE_EQ(rep.efficiency, 1.0);
  EXPECT_GT(rep.mixed.mfu, 0.2);
  EXPECT_LT(rep.mixed.mfu, 0.45);  // never above the chip's achievable MFU
}

TEST(MixedPlanner, TwoIdenticalGroupsOverASlowLinkLoseMoreAsItSlows) {
  PlanRequest r;
  r.model = llama7b();
  r.groups = {ChipGroup{chip("a", "vendor-a", 312, 80), 16}, ChipGroup{chip("b", "vendor-b", 312, 80), 16}};
  double previous = 2.0;
  for (double gbps : {400.0, 100.0, 10.0, 1.0, 0.1}) {
    r.cross_vendor_gbps = gbps;
    const MixingReport rep = evaluate_mixing(r);
    ASSERT_TRUE(rep.mixed.feasible);
    EXPECT_LT(rep.efficiency, 1.0) << gbps;
    EXPECT_LE(rep.efficiency, previous) << gbps;
    previous = rep.efficiency;
  }
  EXPECT_LT(previous, 0.9);  // at 0.1 Gb/s the pipeline crossing dominates
}

TEST(MixedPlanner, ChosenPlansRespectMemoryAndUseOnlyTheirCards) {
  PlanRequest r;
  r.model = llama7b();
  r.model.layers = 40, r.model.hidden = 5120, r.model.heads = 40, r.model.kv_heads = 40, r.model.ffn_hidden = 13824;
  r.groups = {ChipGroup{chip("big", "v1", 300, 64), 24}, ChipGroup{chip("small", "v2", 150, 24), 40}};
  const MixingReport rep = evaluate_mixing(r);
  for (const MixedPlan* p : {&rep.mixed, &rep.homogeneous[0], &rep.homogeneous[1]}) {
    if (!p->feasible) continue;
    uint32_t layers = 0;
    for (const StagePlan& s : p->stages) {
      EXPECT_LE(s.memory_gb, s.memory_limit_gb + 1e-9) << s.chip;
      EXPECT_GE(s.layers, 1u);
      layers += s.layers;
    }
    EXPECT_EQ(layers, r.model.layers);
  }
  ASSERT_TRUE(rep.mixed.feasible);
  EXPECT_LE(rep.mixed.cards_used[0], 24u);
  EXPECT_LE(rep.mixed.cards_used[1], 40u);
  EXPECT_EQ(rep.mixed.dp * rep.mixed.microbatch * rep.mixed.microbatches, r.model.default_global_batch);
}

// Per-group DP degrees (docs/mixed-training.md, "A plan"): a superset of the uniform family, so
// never slower; each stage's replicas x TP x stages stay within its group's cards; every replica
// of every stage sees the same global batch.
TEST(MixedPlanner, PerGroupDataParallelismIsASupersetAndKeepsTheBatch) {
  bool some_group_differs = false;
  for (uint32_t small : {8u, 16u, 32u}) {
    for (uint32_t big : {64u, 128u, 256u}) {
      PlanRequest r;
      r.model = llama7b();
      r.model.default_global_batch = 512;
      r.groups = {ChipGroup{chip("fast", "vf", 600, 80), small}, ChipGroup{chip("slow", "vs", 150, 64), big}};
      r.per_group_dp = false;
      const MixedPlan uniform = best_plan(r);
      r.per_group_dp = true;
      const MixedPlan per_group = best_plan(r);
      ASSERT_TRUE(uniform.feasible && per_group.feasible) << small << "+" << big;
      EXPECT_LE(per_group.step_s, uniform.step_s) << small << "+" << big;
      for (const StagePlan& s : uniform.stages) EXPECT_EQ(s.dp, uniform.dp);
      std::vector<uint32_t> stages_of(2, 0), dp_of(2, 0), tp_of(2, 0);
      for (const StagePlan& s : per_group.stages) {
        ++stages_of[s.group];
        dp_of[s.group] = s.dp;
        tp_of[s.group] = s.tp;
        EXPECT_EQ(s.dp * s.microbatch * per_group.microbatches, r.model.default_global_batch);
        EXPECT_EQ(s.dp % per_group.dp, 0u);
        EXPECT_LE(s.memory_gb, s.memory_limit_gb + 1e-9);
      }
      for (uint32_t g = 0; g < 2; ++g) {
        EXPECT_EQ(per_group.cards_used[g], stages_of[g] * dp_of[g] * tp_of[g]);
        EXPECT_LE(per_group.cards_used[g], r.groups[g].cards);
      }
      some_group_differs = some_group_differs || dp_of[0] != dp_of[1];
    }
  }
  EXPECT_TRUE(some_group_differs);  // the wider family is used where groups differ in size
}

TEST(MixedPlanner, TooLittleMemoryForAnyPlanIsInfeasible) {
  PlanRequest r;
  r.model = llama7b();
  r.groups = {ChipGroup{chip("tiny", "v", 100, 4), 2}};
  EXPECT_FALSE(best_plan(r).feasible);
  const MixingReport rep = evaluate_mixing(r);
  EXPECT_EQ(rep.efficiency, 0.0);
}

TEST(MixedPlanner, BadRequestsThrow) {
  PlanRequest r;
  r.model = llama7b();
  EXPECT_THROW(best_plan(r), std::invalid_argument);  // no groups
  r.groups = {ChipGroup{chip("a", "v", 100, 80), 0}};
  EXPECT_THROW(best_plan(r), std::invalid_argument);  // zero cards
  r.groups = std::vector<ChipGroup>(7, ChipGroup{chip("a", "v", 100, 80), 8});
  EXPECT_THROW(best_plan(r), std::invalid_argument);  // too many groups
}

TEST(MixedPlanner, DeterministicAndCountsItsCandidates) {
  PlanRequest r;
  r.model = llama7b();
  r.groups = {ChipGroup{chip("a", "va", 312, 80), 16}, ChipGroup{chip("b", "vb", 150, 64), 16}};
  PlannerStats s1, s2;
  const MixedPlan p1 = best_plan(r, &s1), p2 = best_plan(r, &s2);
  EXPECT_EQ(p1.step_s, p2.step_s);
  ASSERT_EQ(p1.stages.size(), p2.stages.size());
  for (std::size_t i = 0; i < p1.stages.size(); ++i) EXPECT_EQ(p1.stages[i].layers, p2.stages[i].layers);
  EXPECT_EQ(s1.candidates, s2.candidates);
  EXPECT_GT(s1.candidates, 100u);
}

}  // namespace
}  // namespace hetsim
