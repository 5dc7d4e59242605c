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
  std::vector<ChipGroup> groups;       // 1..6 groups
  uint32_t global_batch = 0;           // samples per step; 0: the model's default
  double inter_node_gbps = 200;        // per-card RDMA between nodes of one vendor, Gb/s
  double inter_node_latency_us = 5;
  double cross_vendor_gbps = 100;      // per-card path between chips of different vendors, Gb/s
  double cross_vendor_latency_us = 20;
  double memory_usable_fraction = 0.9; // of each card's memory
  double framework_overhead_gb = 2.0;  // per card: CUDA/ROCm context, buffers, fragmentation
  bool zero1 = true;                   // optimizer states sharded over the data-parallel replicas
  bool per_group_dp = true;            // 2-3 groups: each group's DP degree d x 1, 2 or 4
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
  uint32_t group = 0;          // index into PlanRequest::groups
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
  std::vector<StagePlan> stages;          // in pipeline order
  uint32_t dp = 0, microbatch = 0, microbatches = 0;  // base DP degree; its per-replica microbatch
  bool recompute = false;
  std::vector<uint32_t> cards_used;       // per group
  double step_s = 0, tokens_per_s = 0, mfu = 0;  // mfu: model FLOPs / (step x peak of the cards used)
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

struct MixingReport {
  MixedPlan mixed;
  std::vector<MixedPlan> homogeneous;  // per group, the same planner on that group alone
  double pooled_tokens_per_s = 0;      // sum of the homogeneous throughputs
  double efficiency = 0;               // mixed / pooled; 0 when nothing is feasible
  PlannerStats stats;
};

MixingReport evaluate_mixing(const PlanRequest& request);

}  // namespace hetsim
