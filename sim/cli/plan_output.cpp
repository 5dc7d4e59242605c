#include "plan_output.hpp"

#include <fmt/format.h>

namespace hetsim {

nlohmann::ordered_json plan_json(const MixedPlan& p) {
  nlohmann::ordered_json j;
  j["feasible"] = p.feasible;
  if (!p.feasible) {
    j["why_infeasible"] = p.why_infeasible;
    return j;
  }
  j["tokens_per_s"] = p.tokens_per_s;
  j["mfu"] = p.mfu;
  j["hfu"] = p.hfu;
  j["mfu_cards_used"] = p.mfu_used;
  j["step_s"] = p.step_s;
  j["dp"] = p.dp;
  j["microbatch_size"] = p.microbatch;
  j["microbatches"] = p.microbatches;
  j["recompute"] = recompute_name(p.recompute);
  j["stages"] = nlohmann::ordered_json::array();
  for (const StagePlan& s : p.stages)
    j["stages"].push_back({{"chip", s.chip},
                           {"count", s.tp * s.dp},
                           {"layers", s.layers},
                           {"tp", s.tp},
                           {"dp", s.dp},
                           {"microbatch_size", s.microbatch},
                           {"microbatch_s", s.microbatch_s},
                           {"memory_gb", s.memory_gb},
                           {"memory_limit_gb", s.memory_limit_gb}});
  return j;
}

void print_plan(const MixedPlan& p) {
  fmt::print("  dp {} x pipeline of {} stages; microbatch {} x {} per replica{}\n", p.dp, p.stages.size(), p.microbatch,
             p.microbatches,
             p.recompute == Recompute::None ? "" : fmt::format("; {} recomputation", recompute_name(p.recompute)));
  fmt::print("  {:>5} {:<20} {:>6} {:>3} {:>3} {:>3} {:>12} {:>16}\n", "stage", "chip", "layers", "tp", "dp", "mb",
             "ms/microbat", "memory GB/limit");
  for (std::size_t i = 0; i < p.stages.size(); ++i) {
    const StagePlan& s = p.stages[i];
    fmt::print("  {:>5} {:<20} {:>6} {:>3} {:>3} {:>3} {:>12.2f} {:>8.1f} / {:<6.1f}\n", i, s.chip, s.layers, s.tp,
               s.dp, s.microbatch, s.microbatch_s * 1e3, s.memory_gb, s.memory_limit_gb);
  }
}

nlohmann::ordered_json stack_json(const PlanRequest& req) {
  nlohmann::ordered_json j;
  j["attention"] = req.stack.attention == AttentionKernel::Flash ? "flash" : "materialized";
  j["sequence_parallel"] = req.stack.sequence_parallel;
  j["zero_stage"] = req.zero_stage;
  j["recompute"] = recompute_modes_text(req.recompute_modes);
  return j;
}

nlohmann::ordered_json report_json(const PlanRequest& req, const MixingReport& r) {
  nlohmann::ordered_json j;
  j["model"] = req.model.name;
  j["chips"] = nlohmann::ordered_json::object();
  for (const auto& g : req.groups) j["chips"][g.chip.name] = g.cards;
  j["global_batch"] = req.global_batch > 0 ? req.global_batch : req.model.default_global_batch;
  j["cross_vendor_gbps"] = req.cross_vendor_gbps;
  j["inter_node_gbps"] = req.inter_node_gbps;
  j["per_group_dp"] = req.per_group_dp;
  j["stack"] = stack_json(req);
  // An undefined ratio is null, never a 0 that would read as "worthless".
  const auto ratio = [](std::optional<double> x) { return x ? nlohmann::ordered_json(*x) : nlohmann::ordered_json(); };
  j["mixing_efficiency"] = ratio(r.defined_mixing_efficiency());
  j["pooling_gain"] = ratio(r.defined_pooling_gain());
  j["efficiency"] = ratio(r.defined_efficiency());
  j["throughput_tokens_per_s"] = r.mixed.feasible ? r.mixed.tokens_per_s : 0.0;
  j["mfu"] = r.mixed.feasible ? r.mixed.mfu : 0.0;
  j["hfu"] = r.mixed.feasible ? r.mixed.hfu : 0.0;
  j["scale_free_tokens_per_s"] = r.scale_free_tokens_per_s;
  j["pooled_tokens_per_s"] = r.pooled_tokens_per_s;
  j["homogeneous_tokens_per_s"] = nlohmann::ordered_json::object();
  for (std::size_t g = 0; g < req.groups.size(); ++g)
    j["homogeneous_tokens_per_s"][req.groups[g].chip.name] =
        r.homogeneous[g].feasible ? r.homogeneous[g].tokens_per_s : 0.0;
  // T_k of the scale-free baseline: all the cards as chip k, in the mix's groups.
  j["all_cards_as_tokens_per_s"] = nlohmann::ordered_json::object();
  for (std::size_t g = 0; g < req.groups.size() && g < r.relabelled.size(); ++g)
    j["all_cards_as_tokens_per_s"][req.groups[g].chip.name] =
        g < r.mixed.cards_used.size() && r.mixed.cards_used[g] == 0
            ? nlohmann::ordered_json(nullptr)  // an idle group is not part of the baseline
            : nlohmann::ordered_json(r.relabelled[g].feasible ? r.relabelled[g].tokens_per_s : 0.0);
  j["plan"] = plan_json(r.mixed);
  // Cards the mixed plan uses per chip: a group left idle (2-3 groups, when the plan is faster
  // without it) shows 0.
  j["cards_used"] = nlohmann::ordered_json::object();
  for (std::size_t g = 0; g < req.groups.size(); ++g)
    j["cards_used"][req.groups[g].chip.name] = g < r.mixed.cards_used.size() ? r.mixed.cards_used[g] : 0U;
  j["memory_per_stage_gb"] = nlohmann::ordered_json::array();
  for (const auto& s : r.mixed.stages) j["memory_per_stage_gb"].push_back(s.memory_gb);
  j["homogeneous_plans"] = nlohmann::ordered_json::object();
  for (std::size_t g = 0; g < req.groups.size(); ++g)
    j["homogeneous_plans"][req.groups[g].chip.name] = plan_json(r.homogeneous[g]);
  j["candidates_evaluated"] = r.stats.candidates;
  return j;
}

}  // namespace hetsim
