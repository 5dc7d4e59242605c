#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hetsim/kernels/plan_search.hpp"

namespace hetsim::kernels {

namespace {

// One dynamic programme over (stage, layers so far). Mode Bottleneck: minimise the largest stage
// time. Mode Sum: minimise the sum of stage times with every stage at most `limit`. Additive and
// max costs both have optimal substructure, so each mode is exact; running Sum with the optimal
// bottleneck as its limit gives the lexicographic optimum (bottleneck, then sum), which a single
// programme over the pair would not (a prefix with a larger maximum may finish with a smaller sum).
// Each cell is plan_split_cell, the rule the CUDA kernel shares.
enum class Mode { Bottleneck, Sum };

double solve(std::span<const PlanStage> stages, uint32_t layers, Mode mode, double limit, std::vector<double>& best,
             std::vector<uint32_t>& from) {
  const std::size_t S = stages.size(), W = layers + 1;
  best.assign(S * W, kPlanInf);
  from.assign(S * W, 0);
  for (std::size_t j = 0; j < S; ++j) {
    const double* prev_row = j == 0 ? nullptr : &best[(j - 1) * W];
    for (uint32_t l = static_cast<uint32_t>(j) + 1; l <= layers; ++l) {
      uint32_t arg = 0;
      best[j * W + l] =
          plan_split_cell(stages[j], static_cast<uint32_t>(j), l, prev_row, mode == Mode::Sum, limit, arg);
      from[j * W + l] = arg;
    }
  }
  return best[(S - 1) * W + layers];
}

}  // namespace

bool partition_layers(std::span<const PlanStage> stages, uint32_t layers, std::span<uint32_t> layers_out) {
  const std::size_t S = stages.size(), W = layers + 1;
  if (S == 0 || layers < S) return false;
  // Scratch kept per thread: evaluate_plans_cpu calls this once per candidate, in parallel.
  thread_local std::vector<double> best;
  thread_local std::vector<uint32_t> from;
  const double bottleneck = solve(stages, layers, Mode::Bottleneck, kPlanInf, best, from);
  if (bottleneck == kPlanInf) return false;
  if (solve(stages, layers, Mode::Sum, bottleneck, best, from) == kPlanInf) return false;  // cannot happen
  uint32_t l = layers;
  for (std::size_t j = S; j-- > 0;) {
    layers_out[j] = from[j * W + l];
    l -= layers_out[j];
  }
  return true;
}

PlanResult plan_step_time(std::span<const PlanStage> stages, std::span<const uint32_t> split, uint32_t microbatches) {
  return plan_step_time_of(stages.data(), split.data(), static_cast<uint32_t>(stages.size()), microbatches);
}

void validate_plan_inputs(std::span<const PlanStage> stages, std::span<const PlanCandidate> candidates, uint32_t layers,
                          std::span<const PlanResult> out, std::span<const uint32_t> split_out) {
  if (layers == 0 || layers > kMaxPlanLayers)
    throw std::invalid_argument("plan search: layers must be in 1.." + std::to_string(kMaxPlanLayers));
  if (out.size() != candidates.size())
    throw std::invalid_argument("plan search: out must have one entry per candidate");
  if (split_out.size() != stages.size())
    throw std::invalid_argument("plan search: split_out must have one entry per stage");
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    const PlanCandidate& k = candidates[c];
    if (k.stage_count == 0 || k.stage_count > kMaxPlanStages)
      throw std::invalid_argument("plan search: candidate " + std::to_string(c) + " has " +
                                  std::to_string(k.stage_count) + " stages");
    if (std::size_t{k.first_stage} + k.stage_count > stages.size())
      throw std::invalid_argument("plan search: candidate " + std::to_string(c) + " has stages outside the array");
    if (k.microbatches == 0)
      throw std::invalid_argument("plan search: candidate " + std::to_string(c) + " has 0 microbatches");
  }
}

void evaluate_plans_cpu(std::span<const PlanStage> stages, std::span<const PlanCandidate> candidates, uint32_t layers,
                        std::span<PlanResult> out, std::span<uint32_t> split_out) {
  validate_plan_inputs(stages, candidates, layers, out, split_out);
#pragma omp parallel for schedule(dynamic, 4)
  for (std::ptrdiff_t ci = 0; ci < static_cast<std::ptrdiff_t>(candidates.size()); ++ci) {
    const PlanCandidate& k = candidates[static_cast<std::size_t>(ci)];
    const auto st = stages.subspan(k.first_stage, k.stage_count);
    const auto split = split_out.subspan(k.first_stage, k.stage_count);
    out[static_cast<std::size_t>(ci)] =
        partition_layers(st, layers, split) ? plan_step_time(st, split, k.microbatches) : PlanResult{};
  }
}

}  // namespace hetsim::kernels
