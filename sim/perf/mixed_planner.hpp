#pragma once
// The mixed-training planner (docs/mixed-training.md): for one model and a set of chip groups
// (cards of one chip type each), the best pipeline-parallel plan over all of them and its
// efficiency against the same planner run on each group alone.
//
// A plan orders the groups along the pipeline; group k holds S_k consecutive stages of t_k cards
// each (tensor parallelism inside one node); the whole pipeline is replicated d times (data
// parallelism), so group k uses d S_k t_k of its cards. Layers are split over the stages by
// dynamic programming (kernels/plan_search.hpp) under each stage's memory cap. The global batch
// is d x b x m samples: microbatch b, m microbatches per replica, 1F1B schedule.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hetsim/kernels/plan_search.hpp"
#include "hetsim/model/chip_catalog.hpp"
#include "hetsim/perf/transformer.hpp"

namespace hetsim {

struct ChipGroup {
  ChipSpec chip;
  uint32_t cards = 0;
};

struct PlanRequest {
  TransformerSpec model;
  std::vector<ChipGroup> groups;  // 1..6 groups
  uint32_t global_batch = 0;      // samples per step; 0: the model's default
  double inter_node_gbps = 200;   // per-card RDMA between nodes of one vendor, Gb/s
  double inter_node_latency_us = 5;
  double cross_vendor_gbps = 100;  // per-card path between chips of different vendors, Gb/s
  double cross_vendor_latency_us = 20;
  double memory_usable_fraction = 0.9;  // of each card's memory
  double framework_overhead_gb = 2.0;   // per card: CUDA/ROCm context, buffers, fragmentation
  // The training stack (transformer.hpp, docs/performance-model.md "Training stacks"): what
  // current systems run by default.
  TrainingStack stack;
  // Recomputation modes the search may pick, a bit per Recompute value (all three by default;
  // under FlashAttention selective keeps what none keeps and costs more, so it never wins).
  uint8_t recompute_modes = 0b111;
  // ZeRO stage over each stage's data-parallel replicas (Megatron mixed precision: BF16 weights,
  // FP32 gradients, FP32 master weights and Adam moments: 18 bytes per parameter):
  //   0  nothing sharded: 18 B/param; gradients all-reduced once per step
  //   1  optimizer states sharded (Megatron's distributed optimizer): 6 + 12/d B/param; the same
  //      traffic as an all-reduce (reduce-scatter of gradients, all-gather of weights)
  //   3  everything sharded: 18/d B/param plus two layers of gathered BF16 weights; weights
  //      all-gathered for every microbatch's forward and backward and gradients reduce-scattered
  //      every microbatch (DeepSpeed ZeRO-3 with gradient accumulation): 1.5x an all-reduce per
  //      microbatch
  uint32_t zero_stage = 1;
  bool per_group_dp = true;  // 2-3 groups: each group's DP degree d x 1, 2 or 4
  // Where candidate plans are evaluated; results are identical bit for bit either way
  // (kernels/plan_search.hpp). Not owned. Batches smaller than cuda_min_batch stay on the CPU,
  // where a GPU launch would cost more than it saves.
  kernels::CudaPlanEvaluator* cuda = nullptr;
  std::size_t cuda_min_batch = 1;
  // Called after each pipeline order of the groups is searched (K! of them; 720 for 6 groups,
  // a minute or more for millions of cards) with the orders done and the total: a progress line.
  // Only the mixed search reports; evaluate_mixing's single-group searches do not.
  std::function<void(uint64_t done, uint64_t total)> on_order_done;
};

struct StagePlan {
  uint32_t group = 0;  // index into PlanRequest::groups
  std::string chip;
  uint32_t layers = 0;
  uint32_t tp = 1;
  uint32_t dp = 1;             // replicas of this stage (the group's DP degree)
  uint32_t microbatch = 1;     // samples per replica per microbatch (the plan's b x dp / this dp)
  double microbatch_s = 0;     // forward + backward of one microbatch, with the send to the next stage
  double memory_gb = 0;        // per card
  double memory_limit_gb = 0;  // usable per card
};

struct MixedPlan {
  bool feasible = false;
  std::vector<StagePlan> stages;                      // in pipeline order
  uint32_t dp = 0, microbatch = 0, microbatches = 0;  // base DP degree; its per-replica microbatch
  Recompute recompute = Recompute::None;
  std::vector<uint32_t> cards_used;  // per group
  // mfu: model FLOPs (transformer.hpp: no recomputation) / (step x peak of every card given);
  // hfu: FLOPs executed / the same; mfu_used: model FLOPs over the peak of the cards used only.
  double step_s = 0, tokens_per_s = 0, mfu = 0, hfu = 0, mfu_used = 0;
  // When infeasible, why, in words: no layout of these cards at all (too many pipeline stages for
  // the model at every data-parallel degree the global batch allows), or layouts that all overflow
  // some card's memory.
  std::string why_infeasible;
};

struct PlannerStats {
  uint64_t candidates = 0;  // plans evaluated
  double search_s = 0;      // wall time of the evaluation
};

// The fastest plan over all groups together (every group holds at least one stage). Throws
// std::invalid_argument for a request that cannot be planned at all (no groups, more than 6,
// zero cards, a model without layers); an infeasible request gives feasible == false.
MixedPlan best_plan(const PlanRequest& request, PlannerStats* stats = nullptr);

// Three ratios (docs/mixed-training.md, "Efficiency: three numbers"). Over the groups the mixed
// plan uses (all of them unless it leaves some idle), with N = sum_k n_k their cards and T_k the
// throughput of the same request on those groups with every group's chip replaced by group k's
// (same card counts, same search, one vendor: the mix's layout with no mixing in it):
//   scale_free       = sum_k (n_k / N) T_k           what these N cards would do, were they
//                                                     homogeneous in the mix's proportions
//   mixing_efficiency = mixed / scale_free           the cost (or gain) of mixing chip types only:
//                                                     1 for any split of identical chips
//   pooling_gain     = scale_free / pooled           what pooling the groups into one job buys
//                                                     over running each alone (scale, memory)
//   efficiency (eta) = mixed / pooled = mixing_efficiency x pooling_gain
// A group whose relabelled request has no plan (its chip cannot hold the model even on all N
// cards) counts 0 in scale_free. Ratios whose denominator is 0 are reported as 0.
struct MixingReport {
  // The fastest plan over all the groups or, with 2 or 3 groups, over any non-empty subset of them
  // (the others idle: cards_used 0), so adding cards never makes it slower; the same for each
  // relabelled request.
  MixedPlan mixed;
  std::vector<MixedPlan> homogeneous;  // per group, the same planner on that group alone
  std::vector<MixedPlan> relabelled;   // per group k, the used groups' cards as chip k (T_k above);
                                       // infeasible (not planned) for a group the mix leaves idle
  double pooled_tokens_per_s = 0;      // sum of the homogeneous throughputs
  double scale_free_tokens_per_s = 0;  // sum_k n_k / N x relabelled_k
  double efficiency = 0;               // mixed / pooled; 0 when nothing is feasible
  double mixing_efficiency = 0;        // mixed / scale_free
  double pooling_gain = 0;             // scale_free / pooled
  PlannerStats stats;

  // The ratios where defined: nullopt when their baseline is 0 (no group trains alone; no chip
  // holds the model on the cards mixed), which every output shows as undefined, never as 0.
  std::optional<double> defined_mixing_efficiency() const {
    return defined(mixing_efficiency, scale_free_tokens_per_s);
  }
  std::optional<double> defined_pooling_gain() const { return defined(pooling_gain, pooled_tokens_per_s); }
  std::optional<double> defined_efficiency() const { return defined(efficiency, pooled_tokens_per_s); }

 private:
  static std::optional<double> defined(double ratio, double baseline) {
    return baseline > 0 ? std::optional<double>(ratio) : std::nullopt;
  }
};

MixingReport evaluate_mixing(const PlanRequest& request);

// The request with every group's chip replaced by group k's: same card counts, one vendor.
PlanRequest relabelled_request(const PlanRequest& request, std::size_t k);

}  // namespace hetsim
