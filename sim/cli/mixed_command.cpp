#include "mixed_command.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include <fmt/format.h>

#include "device.hpp"
#include "hetsim/app/app_util.hpp"
#include "hetsim/metrics/atomic_file.hpp"
#include "plan_output.hpp"

namespace hetsim {

namespace {

constexpr int kExitBadInput = 2;

PlanRequest request_of(const ScenarioSpec& spec, const MixedPlanSpec& p) {
  PlanRequest r;
  const auto& models = spec.mixed_training.models;
  r.model = *std::find_if(models.begin(), models.end(), [&](const TransformerSpec& m) { return m.name == p.model; });
  for (const auto& [name, cards] : p.chips) {
    const auto c =
        std::find_if(spec.chips.begin(), spec.chips.end(), [&](const ChipSpec& k) { return k.name == name; });
    r.groups.push_back(ChipGroup{*c, cards});
  }
  r.global_batch = p.global_batch;
  r.cross_vendor_gbps = p.cross_vendor_gbps;
  r.inter_node_gbps = p.inter_node_gbps;
  r.per_group_dp = p.per_group_dp;
  r.stack = p.stack;
  r.recompute_modes = p.recompute_modes;
  r.zero_stage = p.zero_stage;
  return r;
}

std::string chips_text(const MixedPlanSpec& p) {
  std::string s;
  for (const auto& [name, cards] : p.chips) s += (s.empty() ? "" : "+") + name + ":" + std::to_string(cards);
  return s;
}

// A file name from a plan name: anything outside [A-Za-z0-9._=@-] becomes '_'.
std::string file_name(const std::string& name) {
  std::string f = name;
  for (char& c : f)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-' && c != '=' && c != '@')
      c = '_';
  return f;
}

}  // namespace

int validate_mixed_training(const ScenarioSpec& spec, const std::string& file) {
  fmt::print("{}: ok (mixed training: {} plans, {} models, {} chips in the catalog)\n", file,
             spec.mixed_training.plans.size(), spec.mixed_training.models.size(), spec.chips.size());
  return 0;
}

int run_mixed_training(const ScenarioSpec& spec, const RunOptions& opt, Device device) {
  if (!opt.policy.empty() || !opt.seed_text.empty() || !opt.seeds_text.empty()) {
    fmt::print(stderr, "hetsim: a mixed-training scenario has no policy or seed (the planner is deterministic)\n");
    return kExitBadInput;
  }
  if (!opt.out.empty()) {
    std::string why = check_output_dir(opt.out + "/plans");
    if (why.empty()) why = lock_output_dir(opt.out);
    if (!why.empty()) {
      fmt::print(stderr, "hetsim: --out {}: {}\n", opt.out, why);
      return kExitBadInput;
    }
  }
  std::unique_ptr<kernels::CudaPlanEvaluator> gpu;
  if (cuda_plan_search(device)) gpu = std::make_unique<kernels::CudaPlanEvaluator>();
  std::string csv =
      "plan,model,chips,global_batch,cross_vendor_gbps,inter_node_gbps,feasible,mixing_efficiency,pooling_gain,"
      "efficiency,tokens_per_s,mfu,hfu,scale_free_tokens_per_s,pooled_tokens_per_s,dp,stages,microbatch_size,"
      "microbatches,recompute,candidates\n";
  if (!opt.quiet)
    fmt::print("{}: {} plans\n  {:<40} {:>8} {:>8} {:>8} {:>14} {:>7}  {}\n", spec.name,
               spec.mixed_training.plans.size(), "plan", "mixing", "pooling", "eta", "tokens/s", "MFU %", "chips");
  for (const MixedPlanSpec& p : spec.mixed_training.plans) {
    PlanRequest req = request_of(spec, p);
    req.cuda = gpu.get();
    req.cuda_min_batch = plan_min_batch(device);
    MixingReport r;
    try {
      r = evaluate_mixing(req);
    } catch (const std::invalid_argument& e) {
      fmt::print(stderr, "{}:{}:{}: error: plan '{}': {}\n", p.pos.file, p.pos.line, p.pos.col, p.name, e.what());
      return kExitBadInput;
    }
    const MixedPlan& m = r.mixed;
    const uint32_t gb = req.global_batch > 0 ? req.global_batch : req.model.default_global_batch;
    // An undefined ratio is an empty field (null in plan.json).
    const auto ratio = [](std::optional<double> x) { return x ? fmt::format("{:.6f}", *x) : std::string(); };
    const std::string mixing = ratio(r.defined_mixing_efficiency());
    const std::string pooling = ratio(r.defined_pooling_gain());
    const std::string eta = ratio(r.defined_efficiency());
    csv +=
        fmt::format("{},{},{},{},{},{},{},{},{},{},{:.3f},{:.6f},{:.6f},{:.3f},{:.3f},{},{},{},{},{},{}\n", p.name,
                    p.model, chips_text(p), gb, p.cross_vendor_gbps, p.inter_node_gbps, m.feasible ? 1 : 0, mixing,
                    pooling, eta, m.feasible ? m.tokens_per_s : 0.0, m.feasible ? m.mfu : 0.0, m.feasible ? m.hfu : 0.0,
                    r.scale_free_tokens_per_s, r.pooled_tokens_per_s, m.dp, m.stages.size(), m.microbatch,
                    m.microbatches, m.feasible ? recompute_name(m.recompute) : "", r.stats.candidates);
    if (!opt.quiet)
      fmt::print("  {:<40} {:>8} {:>8} {:>8} {:>14} {:>7}  {}\n", p.name,
                 m.feasible ? (mixing.empty() ? "-" : mixing.substr(0, 6)) : "no plan",
                 m.feasible && !pooling.empty() ? pooling.substr(0, 6) : "-",
                 m.feasible && !eta.empty() ? eta.substr(0, 6) : "-",
                 m.feasible ? fmt::format("{:.0f}", m.tokens_per_s) : "-",
                 m.feasible ? fmt::format("{:.1f}", 100 * m.mfu) : "-", chips_text(p));
    if (!opt.out.empty())
      write_file_atomically(opt.out + "/plans/" + file_name(p.name) + ".json", report_json(req, r).dump(2) + "\n");
  }
  if (!opt.out.empty()) {
    write_file_atomically(opt.out + "/mixed_plans.csv", csv);
    if (!opt.quiet) fmt::print("  outputs in {}/ (mixed_plans.csv, plans/*.json)\n", opt.out);
  }
  return 0;
}

}  // namespace hetsim
