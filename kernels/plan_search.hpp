// Mixed-training plan search (docs/mixed-training.md): for each candidate plan (an ordered list of
// pipeline stages with their per-layer costs and memory caps, and a microbatch count), split the
// model's layers over the stages and compute the 1F1B step time. Plain arrays only; this header
// depends on no other hetsim folder (kernels/README.md).
//
// The split minimises the bottleneck stage time, then (among splits with that bottleneck) the sum
// of stage times, by two dynamic programmes over (stage, layers); remaining ties go to the split
// giving the last stage the fewest layers, then the stage before it, and so on. Every stage gets at least one layer and
// at most its memory cap. Deterministic: candidates are independent and each result depends only on its own inputs,
// whatever the thread count.
//
// The scalar rules (plan_stage_time, plan_split_cell, plan_step_time_of) are HETSIM_HD and shared
// by the OpenMP reference and the CUDA kernel, which therefore compute every cell of the
// programmes with the same operations in the same order: results are equal bit for bit (the CUDA
// build compiles with --fmad=false so no multiply-add is fused where the host would round twice).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>

#include "hetsim/kernels/placement_scoring.hpp"  // HETSIM_HD, cuda_available()

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
  bool feasible = false;    // a split exists within the memory caps
  double step_s = 0;        // (m - 1) max_j u_j + sum_j u_j + max_j sync_j + max_j opt_j
  double bottleneck_s = 0;  // max_j u_j
};

inline constexpr double kPlanInf = std::numeric_limits<double>::infinity();

// std::max's rule ((a < b) ? b : a), usable in device code.
HETSIM_HD inline double plan_max(double a, double b) { return a < b ? b : a; }

// u for l layers on stage s.
HETSIM_HD inline double plan_stage_time(const PlanStage& s, uint32_t l) {
  return static_cast<double>(l) * s.per_layer_s + s.fixed_s + s.comm_s;
}

// One cell of the layer-split programme: the best cost of stages 0..j holding l layers in all,
// with stage j = s; prev_row is row j-1 of the same programme (nullptr for j = 0). sum_mode
// false: cost = largest stage time; true: cost = sum of stage times, each at most `limit`.
// `arg` receives the layers of stage j in the best choice (0 when none fits); on ties the
// fewest. Returns kPlanInf when nothing fits.
HETSIM_HD inline double plan_split_cell(const PlanStage& s, uint32_t j, uint32_t l, const double* prev_row,
                                        bool sum_mode, double limit, uint32_t& arg) {
  double b = kPlanInf;
  arg = 0;
  for (uint32_t mine = 1; mine <= s.max_layers && mine + j <= l; ++mine) {
    const double prev = prev_row == nullptr ? (mine == l ? 0.0 : kPlanInf) : prev_row[l - mine];
    if (prev == kPlanInf) continue;
    const double t = plan_stage_time(s, mine);
    if (sum_mode && t > limit) continue;
    const double c = sum_mode ? prev + t : plan_max(prev, t);
    if (c < b) b = c, arg = mine;  // strict: on ties this stage keeps the fewest layers
  }
  return b;
}

// The 1F1B step time of `count` stages with the given split and m microbatches.
HETSIM_HD inline PlanResult plan_step_time_of(const PlanStage* stages, const uint32_t* split, uint32_t count,
                                              uint32_t microbatches) {
  double sum = 0, bottleneck = 0, sync = 0, opt = 0;
  for (uint32_t j = 0; j < count; ++j) {
    const double u = plan_stage_time(stages[j], split[j]);
    sum += u;
    bottleneck = plan_max(bottleneck, u);
    sync = plan_max(sync, split[j] * stages[j].sync_per_layer_s + stages[j].sync_fixed_s);
    opt = plan_max(opt, split[j] * stages[j].opt_per_layer_s);
  }
  PlanResult r;
  r.feasible = true;
  r.bottleneck_s = bottleneck;
  r.step_s = (microbatches - 1) * bottleneck + sum + sync + opt;
  return r;
}

// The split of `layers` over `stages` (layers_out[j] for stage j); false when none fits the caps.
bool partition_layers(std::span<const PlanStage> stages, uint32_t layers, std::span<uint32_t> layers_out);

// Step time of a given split.
PlanResult plan_step_time(std::span<const PlanStage> stages, std::span<const uint32_t> split, uint32_t microbatches);

// Throws std::invalid_argument unless every candidate's stages lie inside `stages`, stage_count is
// in 1..kMaxPlanStages, microbatches >= 1, layers in 1..kMaxPlanLayers, out.size() ==
// candidates.size() and split_out.size() == stages.size().
void validate_plan_inputs(std::span<const PlanStage> stages, std::span<const PlanCandidate> candidates, uint32_t layers,
                          std::span<const PlanResult> out, std::span<const uint32_t> split_out);

// CPU reference, OpenMP parallel over candidates: out[c] and the split of each candidate's stages
// in split_out[first_stage ..].
void evaluate_plans_cpu(std::span<const PlanStage> stages, std::span<const PlanCandidate> candidates, uint32_t layers,
                        std::span<PlanResult> out, std::span<uint32_t> split_out);

// CUDA version, same contract and the same results bit for bit (out and the splits of feasible
// candidates; an infeasible candidate's split_out entries are left as they were, as on the CPU).
// One warp per candidate: its lanes compute the cells of one stage's row in parallel, each cell
// by the shared plan_split_cell; lane 0 traces the split back and computes the step time.
// Candidates whose stage ranges overlap get the split of the last of them in candidate order.
// Throws std::runtime_error without a device or on a CUDA error. Not thread-safe; keeps its
// device buffers (grown, never shrunk) and stream between calls.
class CudaPlanEvaluator {
 public:
  CudaPlanEvaluator();  // throws std::runtime_error without a CUDA device or CUDA build
  ~CudaPlanEvaluator();
  CudaPlanEvaluator(CudaPlanEvaluator&&) noexcept;
  CudaPlanEvaluator& operator=(CudaPlanEvaluator&&) noexcept;
  CudaPlanEvaluator(const CudaPlanEvaluator&) = delete;
  CudaPlanEvaluator& operator=(const CudaPlanEvaluator&) = delete;

  void evaluate(std::span<const PlanStage> stages, std::span<const PlanCandidate> candidates, uint32_t layers,
                std::span<PlanResult> out, std::span<uint32_t> split_out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot convenience: a CudaPlanEvaluator for one call.
void evaluate_plans_cuda(std::span<const PlanStage> stages, std::span<const PlanCandidate> candidates, uint32_t layers,
                         std::span<PlanResult> out, std::span<uint32_t> split_out);

}  // namespace hetsim::kernels
