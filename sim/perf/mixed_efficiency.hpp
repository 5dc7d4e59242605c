#pragma once
// MixedEfficiency: how well one training job runs on a gang that spans chip types, for the city
// simulator (docs/mixed-training.md, "In the simulator").
//
// The simulator's own throughput model (throughput.hpp) gives S_k, the speed of the whole gang
// were all its cards of chip k (the gang's shape, chip k). A mixed gang of n_k cards of each type
// (N in all) runs at
//     mixing_efficiency x sum_k (n_k / N) S_k
// over the chips whose all-cards plan the planner finds (evaluate_mixing's scale-free baseline:
// a chip that cannot hold the model on all N cards counts 0 there, so here too), where
// mixing_efficiency is the planner's for that mix, or a fixed figure from the scenario
// (break-even studies). A mix whose best plan leaves a chip group idle has no plan here (the gang
// would hold cards it cannot use), so every mix with a plan uses all its groups and the planner's
// baseline is over all of them. Both sides use the same baseline, so the planner's pooling gain (scale,
// memory) is the simulator's own: nothing is counted twice. The job's transformer shape for the
// planner is the catalog's dense model nearest to the job's parameter count (in log scale); its
// global batch is the job's tokens per step over that model's sequence length.
//
// Planner results are cached per (model, global batch, mix), so a month-long run pays for each
// distinct mix once. Not thread-safe: one instance per simulation.
#include <cstdint>
#include <map>
#include <span>
#include <tuple>
#include <vector>

#include "hetsim/kernels/plan_search.hpp"
#include "hetsim/model/chip_catalog.hpp"
#include "hetsim/model/job.hpp"
#include "hetsim/perf/transformer.hpp"

namespace hetsim {

struct ChipCount {
  ChipId chip = 0;
  uint32_t cards = 0;
  bool operator==(const ChipCount&) const = default;
  auto operator<=>(const ChipCount&) const = default;
};

struct MixingParams {
  std::vector<TransformerSpec> models;  // the planner's model catalog (dense models are used)
  double fixed_efficiency = 0;          // > 0: every mix runs at this eta, the planner is not asked
  double cross_vendor_gbps = 100;       // per card, between chips of different vendors
  double inter_node_gbps = 200;         // per card, between nodes of one vendor
  double memory_usable_fraction = 0.9;
  bool per_group_dp = true;  // per-group DP degrees in the planner (mixed_planner.hpp)
};

struct MixedEfficiencyStats {
  uint64_t queries = 0;
  uint64_t planner_calls = 0;  // cache misses
  double planner_s = 0;        // wall time spent planning (not part of any output file)
};

struct MixedSpeed {
  double eta = 0;              // the mixing efficiency; 0: the planner finds no plan for the mix
  uint64_t baseline_mask = 0;  // chips of the mix with a plan on all its cards (bit = chip id)
};

class MixedEfficiency {
 public:
  MixedEfficiency(const MixingParams& params, const ChipCatalog& chips);

  // The mixing efficiency of `job` on the mix (chip ids ascending, >= 2 entries, cards > 0); 0
  // when the planner finds no plan that fits the chips' memory, when its best plan leaves a chip
  // group idle (a gang would hold cards it cannot use), or when no chip could run the job on all
  // the cards (nothing to compare with). Throws std::invalid_argument for a malformed mix or a catalog without dense
  // models.
  MixedSpeed efficiency(const JobRequest& job, std::span<const ChipCount> mix);

  // Index into params.models of the model the planner uses for `job`.
  std::size_t model_for(const JobRequest& job) const;
  uint32_t global_batch_for(const JobRequest& job, std::size_t model) const;

  const MixedEfficiencyStats& stats() const { return stats_; }
  // Evaluate the planner's candidates on the GPU (PlanRequest::cuda); same results either way.
  void set_cuda(kernels::CudaPlanEvaluator* evaluator, std::size_t min_batch) {
    cuda_ = evaluator;
    cuda_min_batch_ = min_batch;
  }

 private:
  using Key = std::tuple<std::size_t, uint32_t, std::vector<ChipCount>>;  // fixed per run: params_
  const MixingParams& params_;
  const ChipCatalog& chips_;
  std::vector<std::size_t> dense_;  // indices of dense models, by ascending parameter count
  std::map<Key, MixedSpeed> cache_;
  MixedEfficiencyStats stats_;
  kernels::CudaPlanEvaluator* cuda_ = nullptr;
  std::size_t cuda_min_batch_ = 1;
};

}  // namespace hetsim
