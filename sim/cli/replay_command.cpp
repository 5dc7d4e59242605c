#include "replay_command.hpp"

#include "device.hpp"
#include "hetsim/app/app_util.hpp"
#include "progress_bar.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include <fmt/format.h>
#include <omp.h>

#include "hetsim/metrics/atomic_file.hpp"
#include "hetsim/policy/sharing/sharing_policies.hpp"
#include "hetsim/replay/fgd_experiment.hpp"

namespace hetsim {

namespace {

constexpr int kExitBadInput = 2;

bool parse_policy_list(const std::string& text, std::vector<std::string>& out, std::string& error) {
  const auto& valid = sharing_placement_names();
  if (text == "all") {
    out = valid;
    return true;
  }
  for (const std::string& name : split_commas(text)) {
    if (std::find(valid.begin(), valid.end(), name) == valid.end()) {
      std::string all;
      for (const auto& n : valid) all += (all.empty() ? "" : ", ") + n;
      error = "--policy: '" + name + "' is not a sharing policy (valid: " + all + ", or all)";
      return false;
    }
    if (std::find(out.begin(), out.end(), name) != out.end()) {
      error = "--policy: '" + name + "' is listed twice";
      return false;
    }
    out.push_back(name);
  }
  return true;
}

bool load_trace(const ScenarioSpec& spec, SharingTrace& trace) {
  std::vector<TraceError> errors;
  trace = load_sharing_trace(spec.sharing_replay.nodes_file, spec.sharing_replay.pods_file, errors);
  constexpr std::size_t kShown = 20;
  for (std::size_t i = 0; i < errors.size() && i < kShown; ++i) fmt::print(stderr, "{}\n", errors[i].format());
  if (errors.size() > kShown) fmt::print(stderr, "... and {} more errors\n", errors.size() - kShown);
  return errors.empty();
}

std::vector<TaskType> target_of(const ScenarioSpec& spec, const SharingTrace& trace) {
  TargetWorkloadOptions o;
  o.include_cpu_only = spec.sharing_replay.include_cpu_only;
  o.popularity_threshold_pct = spec.sharing_replay.popularity_threshold_pct;
  return target_workload(trace.tasks, o);
}

// The arrivals' problem is the pod list's: the error points at `sharing_replay.pods`.
std::string arrivals_diagnostic(const ScenarioSpec& spec, const std::string& why) {
  return Diagnostic{spec.sharing_replay.pods_pos, "sharing_replay.pods: " + why}.format();
}

}  // namespace

int validate_sharing_replay(const ScenarioSpec& spec, const std::string& file) {
  SharingTrace trace;
  if (!load_trace(spec, trace)) return kExitBadInput;
  if (const std::string why = fgd_arrivals_problem(trace, spec.sharing_replay.inflation_pct); !why.empty()) {
    fmt::print(stderr, "{}\n", arrivals_diagnostic(spec, why));
    return kExitBadInput;
  }
  const auto M = target_of(spec, trace);
  fmt::print(
      "{}: ok (trace replay: {} nodes, {} GPUs of {} models, {} tasks, {} task types in M, {} policies x {} seeds)\n",
      file, trace.nodes.size(), trace.gpu_count, trace.models.size(), trace.tasks.size(), M.size(),
      spec.sharing_replay.policies.size(), spec.sharing_replay.seeds.size());
  return 0;
}

bool validate_sharing_trace_rows(const ScenarioSpec& spec) {
  if (spec.sharing_replay.nodes_file.empty() || spec.sharing_replay.pods_file.empty()) return true;
  SharingTrace trace;
  return load_trace(spec, trace);
}

int run_sharing_replay(const ScenarioSpec& spec, const RunOptions& opt, Device device) {
  const SharingReplaySpec& rs = spec.sharing_replay;
  std::vector<std::string> policies = rs.policies;
  std::vector<uint64_t> seeds = rs.seeds;
  std::string error;
  if (!opt.policy.empty()) {
    policies.clear();
    if (!parse_policy_list(opt.policy, policies, error)) {
      fmt::print(stderr, "hetsim: {}\n", error);
      return kExitBadInput;
    }
  }
  if (!opt.seed_text.empty() && !opt.seeds_text.empty()) {
    fmt::print(stderr, "hetsim: give --seed or --seeds, not both\n");
    return kExitBadInput;
  }
  if (!opt.seed_text.empty() || !opt.seeds_text.empty()) {
    seeds.clear();
    const std::string& text = opt.seed_text.empty() ? opt.seeds_text : opt.seed_text;
    if (!parse_seed_list(text, seeds, error) || (!opt.seed_text.empty() && seeds.size() != 1)) {
      fmt::print(stderr, "hetsim: {}\n", !error.empty() ? error : "--seed takes one seed; use --seeds for several");
      return kExitBadInput;
    }
  }
  if (!opt.out.empty()) {
    std::string why = check_output_dir(opt.out);
    if (why.empty()) why = lock_output_dir(opt.out);
    if (!why.empty()) {
      fmt::print(stderr, "hetsim: --out {}: {}\n", opt.out, why);
      return kExitBadInput;
    }
  }

  SharingTrace trace;
  if (!load_trace(spec, trace)) return kExitBadInput;
  if (const std::string why = fgd_arrivals_problem(trace, rs.inflation_pct); !why.empty()) {
    fmt::print(stderr, "{}\n", arrivals_diagnostic(spec, why));
    return kExitBadInput;
  }
  const auto M = target_of(spec, trace);
  FgdExperimentConfig cfg;
  cfg.inflation_pct = rs.inflation_pct;
  cfg.placement = rs.placement;
  cfg.placement.cuda = device == Device::Cuda;
  cfg.arrivals = rs.arrivals == FgdArrivalMode::Reference ? FgdArrivals::Reference : FgdArrivals::Draws;
  cfg.reading = rs.reading == FgdReadingMode::Reference ? FgdReading::Reference : FgdReading::Crossing;

  const auto t0 = std::chrono::steady_clock::now();
  CountProgress progress(stderr, parse_progress_mode(opt.progress), "hetsim: replay runs",
                         policies.size() * seeds.size());
  const auto runs = run_fgd_grid(trace, M, policies, seeds, cfg, [&](std::size_t done) { progress.at(done); });
  progress.finish();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const int at = std::min(100, rs.inflation_pct);
  const auto summary = summarise_at(runs, at);
  if (!opt.out.empty()) {
    write_file_atomically(opt.out + "/fgd_curve.csv", fgd_curve_csv(runs));
    write_file_atomically(opt.out + "/fgd_runs.csv", fgd_runs_csv(runs));
    write_file_atomically(opt.out + "/fgd_summary.csv", fgd_summary_csv(summary, at));
  }
  if (opt.quiet) return 0;
  fmt::print(
      "{}: {} nodes, {} GPUs, {} trace tasks, {} task types in M; {} policies x {} seeds in {:.2f} s ({} threads)\n",
      spec.name, trace.nodes.size(), trace.gpu_count, trace.tasks.size(), M.size(), policies.size(), seeds.size(), wall,
      omp_get_max_threads());
  fmt::print("ties: {}; scores: {}; arrivals: {}; reading: {}\n",
             rs.placement.tie_break == TieBreak::Random            ? "random"
             : rs.placement.tie_break == TieBreak::NodePermutation ? "node-permutation"
                                                                   : "lowest-id",
             rs.placement.scores == ScoreResolution::ReferenceInteger ? "reference-integer" : "exact",
             rs.arrivals == FgdArrivalMode::Reference ? "reference" : "draws",
             rs.reading == FgdReadingMode::Reference ? "reference" : "crossing");
  fmt::print("at {}% arrived GPU demand (mean, sd over seeds):\n", at);
  fmt::print("  {:<16} {:>5} {:>22} {:>22}\n", "policy", "runs", "unallocated GPU %", "fragmented GPU %");
  for (const auto& s : summary)
    fmt::print("  {:<16} {:>5} {:>14.2f} +- {:<5.2f} {:>14.2f} +- {:<5.2f}\n", s.policy, s.runs, s.unallocated_mean,
               s.unallocated_sd, s.fragmented_mean, s.fragmented_sd);
  if (!opt.out.empty()) fmt::print("  outputs in {}/ (fgd_curve.csv, fgd_runs.csv, fgd_summary.csv)\n", opt.out);
  return 0;
}

}  // namespace hetsim
