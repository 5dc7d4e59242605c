// Mixed-training plan search (docs/mixed-training.md): for each candidate plan (an ordered list of
// pipeline stages with their per-layer costs and memory caps, and a microbatch count), split the
// model's layers over the stages and compute the 1F1B step time. Plain arrays only; this header
// depends on no other hetsim folder (kernels/README.md).
//
// The split minimises the bottleneck stage time, then (among splits with that bottleneck) the sum
// of stage times, by two dynamic programmes over (stage, layers); remaining ties go to the split
// giving the last stage the fewest layers, then the stage before it, and so on. Every stage gets at least one layer and at
// most its memory cap. Deterministic: candidates are independent and each
// result depends only on its own inputs, whatever the thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace hetsim::kernels {

inline constexpr uint32_t kMaxPlanLayers = 512;
inline constexpr uint32_t kMaxPlanStages = 128;

// One pipeline stage of one candidate. For l layers, per microbatch (forward + backward):
//   u = l * per_layer_s + fixed_s + comm_s     (comm_s: activations to and from the next stage)
// and once per step: gradient sync l * sync_per_layer_s + sync_fixed_s, optimizer l * opt_per_layer_s.
struct PlanStage {
  double per_layer_s = 0;
  double fixed_s = 0;
  double comm_s = 0;
  double sync_per_layer_s = 0;
  double sync_fixed_s = 0;
  double opt_per_layer_s = 0;
  uint32_t max_layers = 0;  // memory cap; 0: the stage cannot hold a layer
};

struct PlanCandidate {
  uint32_t first_stage = 0;  // into the stage array
  uint32_t stage_count = 0;
  uint32_t microbatches = 0;  // m >= 1
};

struct PlanResult {
  bool feasible = false;     // a split exists within the memory caps
  double step_s = 0;         // (m - 1) max_j u_j + sum_j u_j + max_j sync_j + max_j opt_j
  double bottleneck_s = 0;   // max_j u_j
};

// The split of `layers` over `stages` (layers_out[j] for stage j); false when none fits the caps.
bool partition_layers(std::span<const PlanStage> stages, uint32_t layers, std::span<uint32_t> layers_out);

// Step time of a given split.
PlanResult plan_step_time(std::span<const PlanStage> stages, std::span<const uint32_t> split, uint32_t microbatches);

// Throws std::invalid_argument unless every candidate's stages lie inside `stages`, stage_count is
// in 1..kMaxPlanStages, microbatches >= 1, layers in 1..kMaxPlanLayers, out.size() ==
// candidates.size() and split_out.size() == stages.size().
void validate_plan_inputs(std::span<const PlanStage> stages, std::span<const PlanCandidate> candidates,
                          uint32_t layers, std::span<const PlanResult> out, std::span<const uint32_t> split_out);

// CPU reference, OpenMP parallel over candidates: out[c] and the split of each candidate's stages
// in split_out[first_stage ..].
void evaluate_plans_cpu(std::span<const PlanStage> stages, std::span<const PlanCandidate> candidates, uint32_t layers,
                        std::span<PlanResult> out, std::span<uint32_t> split_out);

}  // namespace hetsim::kernels
