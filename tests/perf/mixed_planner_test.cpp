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

TransformerSpec llama70b() {
  TransformerSpec m = llama7b();
  m.name = "llama2-70b";
  m.layers = 80, m.hidden = 8192, m.heads = 64, m.kv_heads = 8, m.ffn_hidden = 28672, m.default_global_batch = 1024;
  return m;
}

// The case: 128 identical A100-80G split into two groups under different names, same
// vendor. eta counted pooling as mixing (1.07); the mixing efficiency must be 1.
TEST(MixingEfficiency, AnySplitOfIdenticalChipsIsOne) {
  for (auto [model, split] : {std::pair{llama70b(), std::pair{96u, 32u}}, std::pair{llama70b(), std::pair{64u, 64u}},
                              std::pair{llama7b(), std::pair{24u, 8u}}, std::pair{llama7b(), std::pair{8u, 56u}}}) {
    PlanRequest r;
    r.model = model;
    r.groups = {ChipGroup{chip("a100-x", "NVIDIA", 312, 80), split.first},
                ChipGroup{chip("a100-y", "NVIDIA", 312, 80), split.second}};
    const MixingReport rep = evaluate_mixing(r);
    ASSERT_TRUE(rep.mixed.feasible);
    EXPECT_NEAR(rep.mixing_efficiency, 1.0, 1e-9) << model.name << " " << split.first << "+" << split.second;
    // What eta saw on top is pooling, and the identity holds.
    EXPECT_NEAR(rep.efficiency, rep.mixing_efficiency * rep.pooling_gain, 1e-12);
  }
}

// Three groups of identical chips too, and one group that cannot hold the model alone: eta is
// unbounded there (the small group counts 0 in the pooled baseline), the mixing efficiency is not.
TEST(MixingEfficiency, ATinyGroupNoLongerCountsZero) {
  PlanRequest r;
  r.model = llama70b();
  r.groups = {ChipGroup{chip("x", "NVIDIA", 312, 80), 120}, ChipGroup{chip("y", "NVIDIA", 312, 80), 4},
              ChipGroup{chip("z", "NVIDIA", 312, 80), 4}};
  const MixingReport rep = evaluate_mixing(r);
  ASSERT_TRUE(rep.mixed.feasible);
  EXPECT_FALSE(rep.homogeneous[1].feasible);  // 4 cards cannot hold 70B
  EXPECT_NEAR(rep.mixing_efficiency, 1.0, 1e-9);
  EXPECT_GT(rep.pooling_gain, 1.0);  // the 8 small-group cards only count once pooled
}

// Chips of different vendors pay the cross-vendor link: while the plan mixes them, the mixing
// efficiency is below 1 and rises with the link's speed, reaching 1 when the link is the
// inter-node one. Over a link too slow to be worth it the plan leaves a group idle: no mixing, so
// a mixing efficiency of 1, and the loss is the pooling gain's (half the cards idle). eta, the
// mixed plan over a fixed baseline, rises with the link throughout.
TEST(MixingEfficiency, MonotoneInTheCrossVendorLinkAndOneWhenItCostsNothing) {
  PlanRequest r;
  r.model = llama7b();
  r.groups = {ChipGroup{chip("a", "vendor-a", 312, 80), 16}, ChipGroup{chip("b", "vendor-b", 312, 80), 16}};
  double previous_mixing = 0, previous_eta = 0;
  bool saw_idle = false, saw_mixing = false;
  for (double gbps : {0.1, 1.0, 10.0, 100.0, 200.0, 400.0}) {
    r.cross_vendor_gbps = gbps;
    const MixingReport rep = evaluate_mixing(r);
    ASSERT_TRUE(rep.mixed.feasible);
    EXPECT_GE(rep.efficiency, previous_eta) << gbps;
    previous_eta = rep.efficiency;
    if (rep.mixed.cards_used[0] == 0 || rep.mixed.cards_used[1] == 0) {
      saw_idle = true;
      EXPECT_DOUBLE_EQ(rep.mixing_efficiency, 1.0) << gbps;
      EXPECT_NEAR(rep.pooling_gain, 0.5, 1e-12) << gbps;  // one of two equal groups used
      continue;
    }
    saw_mixing = true;
    // Up to the inter-node figure (200 Gb/s) mixing costs; a faster cross-vendor path may gain.
    if (gbps < r.inter_node_gbps) {
      EXPECT_LT(rep.mixing_efficiency, 1.0) << gbps;
    }
    EXPECT_GE(rep.mixing_efficiency, previous_mixing) << gbps;
    previous_mixing = rep.mixing_efficiency;
  }
  EXPECT_TRUE(saw_idle);  // at 0.1 Gb/s per card one group alone is faster
  EXPECT_TRUE(saw_mixing);
  r.cross_vendor_gbps = r.inter_node_gbps;
  r.cross_vendor_latency_us = r.inter_node_latency_us;
  EXPECT_NEAR(evaluate_mixing(r).mixing_efficiency, 1.0, 1e-9);
}

// Between two chip types the scale-free baseline sits between the two homogeneous clusters, and
// the three numbers multiply.
TEST(MixingEfficiency, BaselineIsTheShareWeightedHomogeneousThroughput) {
  PlanRequest r;
  r.model = llama7b();
  r.groups = {ChipGroup{chip("fast", "va", 989, 80), 16}, ChipGroup{chip("slow", "vb", 312, 64), 48}};
  const MixingReport rep = evaluate_mixing(r);
  ASSERT_TRUE(rep.mixed.feasible);
  ASSERT_EQ(rep.relabelled.size(), 2u);
  const double expect = 16.0 / 64 * rep.relabelled[0].tokens_per_s + 48.0 / 64 * rep.relabelled[1].tokens_per_s;
  EXPECT_DOUBLE_EQ(rep.scale_free_tokens_per_s, expect);
  EXPECT_GT(rep.relabelled[0].tokens_per_s, rep.relabelled[1].tokens_per_s);
  EXPECT_NEAR(rep.efficiency, rep.mixing_efficiency * rep.pooling_gain, 1e-12);
  EXPECT_GT(rep.mixing_efficiency, 0.5);
  EXPECT_LT(rep.mixing_efficiency, 1.2);
}

// Korthikanti et al. 2022, Table 2, worked by hand for llama2-7b's shape (s 4096, h 4096, a 32) at
// b = 1, t = 2: sbh = 2^36 bytes-units. Without sequence parallelism 10 + 24/2 = 22 sbh; with it
// 34/2 = 17 sbh; the materialized score matrix adds 5 a s / (h t) = 5 x 32 x 4096 / 8192 = 80 sbh;
// full recomputation keeps 2 sbh (1 sbh with sequence parallelism).
TEST(TrainingStack, ActivationMemoryFollowsKorthikanti) {
  const TransformerSpec m = llama7b();
  const double sbh = 4096.0 * 4096.0;
  TrainingStack flash_sp, flash_nosp, mat_nosp;
  flash_nosp.sequence_parallel = false;
  mat_nosp.attention = AttentionKernel::Materialized;
  mat_nosp.sequence_parallel = false;
  EXPECT_DOUBLE_EQ(m.layer_activation_bytes(1, 2, Recompute::None, flash_sp), 17 * sbh);
  EXPECT_DOUBLE_EQ(m.layer_activation_bytes(1, 2, Recompute::None, flash_nosp), 22 * sbh);
  EXPECT_DOUBLE_EQ(m.layer_activation_bytes(1, 2, Recompute::None, mat_nosp), 102 * sbh);
  EXPECT_DOUBLE_EQ(m.layer_activation_bytes(1, 2, Recompute::Selective, mat_nosp), 22 * sbh);
  EXPECT_DOUBLE_EQ(m.layer_activation_bytes(1, 2, Recompute::Full, mat_nosp), 2 * sbh);
  EXPECT_DOUBLE_EQ(m.layer_activation_bytes(1, 2, Recompute::Full, flash_sp), 1 * sbh);
  EXPECT_DOUBLE_EQ(m.layer_working_bytes(1, 2, flash_sp), 17 * sbh);
}

// FLOPs per layer for T tokens: model 6 P T + 12 T s h; executed adds FlashAttention's
// recomputed scores (2 T s h), selective recomputation's attention forward (4 T s h), or full
// recomputation's forward (2 P T + 4 T s h).
TEST(TrainingStack, ExecutedFlopsCountWhatRecomputationAndFlashAttentionAdd) {
  const TransformerSpec m = llama7b();
  const double T = 4096, P = m.layer_active_params(), tsh = T * 4096.0 * 4096.0;
  TrainingStack flash, mat;
  mat.attention = AttentionKernel::Materialized;
  EXPECT_DOUBLE_EQ(m.layer_model_flops(T), 6 * P * T + 12 * tsh);
  EXPECT_DOUBLE_EQ(m.layer_executed_flops(T, Recompute::None, mat), 6 * P * T + 12 * tsh);
  EXPECT_DOUBLE_EQ(m.layer_executed_flops(T, Recompute::None, flash), 6 * P * T + 14 * tsh);
  EXPECT_DOUBLE_EQ(m.layer_executed_flops(T, Recompute::Selective, mat), 6 * P * T + 16 * tsh);
  EXPECT_DOUBLE_EQ(m.layer_executed_flops(T, Recompute::Full, mat), 8 * P * T + 16 * tsh);
}

TEST(TrainingStack, RecomputationModesParseAndPrint) {
  EXPECT_EQ(parse_recompute_modes("auto"), uint8_t{0b111});
  EXPECT_EQ(parse_recompute_modes("none"), uint8_t{0b001});
  EXPECT_EQ(parse_recompute_modes("selective|full"), uint8_t{0b110});
  EXPECT_FALSE(parse_recompute_modes("some").has_value());
  EXPECT_FALSE(parse_recompute_modes("none|").has_value());
  EXPECT_FALSE(parse_recompute_modes("").has_value());
  EXPECT_EQ(recompute_modes_text(0b110), "selective|full");
  EXPECT_EQ(recompute_modes_text(0b111), "auto");
}

// The stack's choices reach the plan: FlashAttention never needs selective recomputation and
// fits what materialized attention cannot; ZeRO stages order the memory; a fixed mode is kept.
TEST(MixedPlanner, StackChoicesChangeThePlanAsTheyShould) {
  PlanRequest r;
  r.model = llama70b();
  r.groups = {ChipGroup{chip("a", "va", 312, 80), 64}};
  const MixedPlan flash = best_plan(r);
  ASSERT_TRUE(flash.feasible);
  EXPECT_NE(flash.recompute, Recompute::Selective);
  PlanRequest mat = r;
  mat.stack.attention = AttentionKernel::Materialized;
  mat.stack.sequence_parallel = false;
  const MixedPlan m = best_plan(mat);
  ASSERT_TRUE(m.feasible);
  EXPECT_GE(flash.tokens_per_s, m.tokens_per_s);  // the score matrix only costs memory
  for (Recompute mode : {Recompute::None, Recompute::Selective, Recompute::Full}) {
    PlanRequest fixed = mat;
    fixed.recompute_modes = static_cast<uint8_t>(1U << static_cast<int>(mode));
    const MixedPlan p = best_plan(fixed);
    ASSERT_TRUE(p.feasible) << recompute_name(mode);
    EXPECT_EQ(p.recompute, mode);
  }
  // ZeRO-1 shards the optimizer states and their update at the same traffic as stage 0, so it is
  // never slower; on this many replicas ZeRO-3's per-microbatch gathers cost more than they save.
  std::vector<double> by_stage;
  for (uint32_t z : {0u, 1u, 3u}) {
    PlanRequest zr = r;
    zr.zero_stage = z;
    const MixedPlan p = best_plan(zr);
    ASSERT_TRUE(p.feasible) << z;
    by_stage.push_back(p.tokens_per_s);
  }
  EXPECT_GE(by_stage[1], by_stage[0]);
  EXPECT_LT(by_stage[2], by_stage[1]);
  PlanRequest bad = r;
  bad.zero_stage = 2;
  EXPECT_THROW(best_plan(bad), std::invalid_argument);
  bad = r;
  bad.recompute_modes = 0;
  EXPECT_THROW(best_plan(bad), std::invalid_argument);
}

// A few slow cards must not hold back many fast ones: with 2-3 groups the plan may leave a group
// idle, so adding a group never lowers the throughput below any group's own (the reviewer's case:
// 127 A100 + 1 identical card planned at a third of the 127 alone), and the identity still holds.
TEST(MixedPlanner, AddingAGroupNeverSlowsThePlanAndIdleGroupsAreReported) {
  PlanRequest r;
  r.model = llama70b();
  r.groups = {ChipGroup{chip("fast", "va", 989, 80), 248}, ChipGroup{chip("slow", "vb", 100, 32), 8}};
  const MixingReport rep = evaluate_mixing(r);
  ASSERT_TRUE(rep.mixed.feasible);
  ASSERT_TRUE(rep.homogeneous[0].feasible);
  EXPECT_GE(rep.mixed.tokens_per_s, rep.homogeneous[0].tokens_per_s);
  EXPECT_EQ(rep.mixed.cards_used[1], 0u) << "the 8 slow cards should sit idle here";
  for (const StagePlan& st : rep.mixed.stages) EXPECT_EQ(st.group, 0u);
  EXPECT_LT(rep.mixed.mfu, rep.mixed.mfu_used);  // the idle cards count against MFU
  EXPECT_NEAR(rep.mixed.mfu, rep.homogeneous[0].mfu * (248.0 * 989) / (248.0 * 989 + 8.0 * 100), 1e-12);

  PlanRequest same;
  same.model = llama7b();
  same.groups = {ChipGroup{chip("a100", "NVIDIA", 312, 80), 127}, ChipGroup{chip("a100-clone", "NVIDIA", 312, 80), 1}};
  const MixingReport clone = evaluate_mixing(same);
  ASSERT_TRUE(clone.mixed.feasible);
  EXPECT_GE(clone.mixed.tokens_per_s, clone.homogeneous[0].tokens_per_s);
  EXPECT_NEAR(clone.mixing_efficiency, 1.0, 1e-9);
}

// FlashAttention only removes memory: for the same sequence parallelism and recomputation choices
// it is never slower than materialized attention (its recomputed scores are not charged as time).
TEST(MixedPlanner, FlashAttentionIsNeverSlowerThanMaterializedScores) {
  for (const TransformerSpec& model : {llama7b(), llama70b()}) {
    for (const auto& groups :
         {std::vector<ChipGroup>{ChipGroup{chip("a", "va", 312, 80), 16}},
          std::vector<ChipGroup>{ChipGroup{chip("a", "va", 312, 80), 16}, ChipGroup{chip("b", "vb", 280, 64), 16}},
          std::vector<ChipGroup>{ChipGroup{chip("h", "vh", 989, 80), 64}}}) {
      for (bool sp : {true, false}) {
        for (uint8_t modes : {uint8_t{0b111}, uint8_t{0b001}, uint8_t{0b100}}) {
          PlanRequest r;
          r.model = model;
          r.global_batch = 128;
          r.groups = groups;
          r.stack.sequence_parallel = sp;
          r.recompute_modes = modes;
          const MixedPlan flash = best_plan(r);
          r.stack.attention = AttentionKernel::Materialized;
          const MixedPlan mat = best_plan(r);
          if (!mat.feasible) continue;
          ASSERT_TRUE(flash.feasible) << model.name;
          EXPECT_GE(flash.tokens_per_s, mat.tokens_per_s) << model.name << " sp " << sp << " modes " << int(modes);
          EXPECT_GT(flash.hfu, flash.mfu);  // its recomputed scores are counted as executed FLOPs
        }
      }
    }
  }
}

// MFU counts every card given. 66 cards and a global batch of 1 (data-parallel degree 1): at
// most 32 stages (one layer each) of t in {1, 2, 4, 8} cards, so t = 4 or 8 and 64 cards used.
TEST(MixedPlanner, MfuCountsEveryCardGivenAndHfuTheExecutedFlops) {
  PlanRequest r;
  r.model = llama7b();
  r.global_batch = 1;
  r.groups = {ChipGroup{chip("a", "va", 312, 80), 66}};
  const MixedPlan p = best_plan(r);
  ASSERT_TRUE(p.feasible);
  EXPECT_EQ(p.cards_used[0], 64u);
  EXPECT_NEAR(p.mfu, p.mfu_used * 64.0 / 66.0, 1e-12);
  EXPECT_GT(p.hfu, p.mfu);  // FlashAttention's backward recomputes the scores at least
}

// A stage's replicas inside one server sync over its fabric, not the NIC: a plan of one server
// is as fast with a 1 Gb/s NIC as with 400 Gb/s when it has one pipeline stage.
TEST(MixedPlanner, ReplicasInOneServerSyncOverItsFabric) {
  PlanRequest r;
  r.model = llama7b();
  r.global_batch = 256;
  r.groups = {ChipGroup{chip("a", "va", 312, 80), 8}};
  r.inter_node_gbps = 400;
  const MixedPlan fast = best_plan(r);
  ASSERT_TRUE(fast.feasible);
  ASSERT_EQ(fast.stages.size(), 1u) << "the test needs a one-stage plan";
  ASSERT_GT(fast.stages[0].dp, 1u);
  r.inter_node_gbps = 1;
  const MixedPlan slow = best_plan(r);
  ASSERT_EQ(slow.stages.size(), 1u);
  EXPECT_DOUBLE_EQ(slow.step_s, fast.step_s);
}

// A chip without peer-to-peer access (consumer cards) runs its in-server traffic at half the rate,
// in the planner as in the simulator: on 24 GB cards llama2-7b needs tensor or in-server data
// parallelism, so the same request plans slower.
TEST(MixedPlanner, WithoutPeerToPeerInServerTrafficIsSlower) {
  PlanRequest r;
  r.model = llama7b();
  r.global_batch = 256;
  r.groups = {ChipGroup{chip("a", "va", 165, 24), 8}};
  const MixedPlan p2p = best_plan(r);
  ASSERT_TRUE(p2p.feasible);
  r.groups[0].chip.peer_to_peer = false;
  const MixedPlan staged = best_plan(r);
  ASSERT_TRUE(staged.feasible);
  EXPECT_GT(staged.step_s, p2p.step_s);
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
