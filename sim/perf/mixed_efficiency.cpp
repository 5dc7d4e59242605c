#include "hetsim/perf/mixed_efficiency.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "hetsim/perf/mixed_planner.hpp"

namespace hetsim {

MixedEfficiency::MixedEfficiency(const MixingParams& params, const ChipCatalog& chips)
    : params_(params), chips_(chips) {
  for (std::size_t i = 0; i < params.models.size(); ++i) {
    if (params.models[i].experts <= 1 && params.models[i].layers > 0) dense_.push_back(i);
  }
  std::stable_sort(dense_.begin(), dense_.end(), [&](std::size_t a, std::size_t b) {
    return params.models[a].total_params() < params.models[b].total_params();
  });
}

std::size_t MixedEfficiency::model_for(const JobRequest& job) const {
  if (dense_.empty()) throw std::invalid_argument("mixed training: the model catalog has no dense model");
  const double want = std::log(std::max(job.model.params, 1.0));
  std::size_t best = dense_.front();
  double best_d = INFINITY;
  for (std::size_t i : dense_) {  // ascending size: a tie goes to the smaller model
    const double d = std::abs(std::log(params_.models[i].total_params()) - want);
    if (d < best_d) best_d = d, best = i;
  }
  return best;
}

uint32_t MixedEfficiency::global_batch_for(const JobRequest& job, std::size_t model) const {
  const double seq = std::max<double>(params_.models.at(model).seq_len, 1.0);
  return static_cast<uint32_t>(std::clamp(std::round(job.model.tokens_per_step / seq), 1.0, 16777216.0));
}

MixedSpeed MixedEfficiency::efficiency(const JobRequest& job, std::span<const ChipCount> mix) {
  ++stats_.queries;
  if (mix.size() < 2) throw std::invalid_argument("mixed training: a mix needs at least two chip types");
  for (std::size_t k = 0; k < mix.size(); ++k) {
    if (mix[k].cards == 0 || mix[k].chip >= chips_.size() || (k > 0 && mix[k - 1].chip >= mix[k].chip))
      throw std::invalid_argument("mixed training: a mix lists distinct chips in ascending id with cards > 0");
  }
  if (params_.fixed_efficiency > 0) {
    MixedSpeed all{params_.fixed_efficiency, 0};
    for (const ChipCount& g : mix) all.baseline_mask |= 1ULL << g.chip;
    return all;
  }
  const std::size_t model = model_for(job);
  const uint32_t batch = global_batch_for(job, model);
  Key key{model, batch, std::vector<ChipCount>(mix.begin(), mix.end())};
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;

  const auto t0 = std::chrono::steady_clock::now();
  PlanRequest req;
  req.model = params_.models[model];
  req.global_batch = batch;
  req.cross_vendor_gbps = params_.cross_vendor_gbps;
  req.inter_node_gbps = params_.inter_node_gbps;
  req.memory_usable_fraction = params_.memory_usable_fraction;
  req.per_group_dp = params_.per_group_dp;
  req.cuda = cuda_;
  req.cuda_min_batch = cuda_min_batch_;
  for (const ChipCount& g : mix) req.groups.push_back(ChipGroup{chips_.at(g.chip), g.cards});
  const MixingReport report = evaluate_mixing(req);
  MixedSpeed speed;
  // A mix whose best plan leaves a chip group idle is no mix for a gang: the gang would hold cards
  // it cannot use. It counts as having no plan (the driver refuses it, the policies skip it).
  bool all_used = report.mixed.feasible;
  for (std::size_t k = 0; all_used && k < mix.size(); ++k) all_used = report.mixed.cards_used[k] > 0;
  if (all_used && report.mixing_efficiency > 0) {
    speed.eta = report.mixing_efficiency;
    for (std::size_t k = 0; k < mix.size(); ++k) {
      if (report.relabelled[k].feasible) speed.baseline_mask |= 1ULL << mix[k].chip;
    }
  }
  stats_.planner_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ++stats_.planner_calls;
  cache_.emplace(std::move(key), speed);
  return speed;
}

}  // namespace hetsim
