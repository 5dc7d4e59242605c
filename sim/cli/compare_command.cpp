#include "compare_command.hpp"

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hetsim/app/app_util.hpp"
#include "hetsim/app/run_metrics.hpp"
#include "hetsim/metrics/atomic_file.hpp"
#include "hetsim/metrics/report.hpp"
#include "hetsim/metrics/stats.hpp"
#include "hetsim/policy/registry.hpp"
#include "hetsim/run/simulation.hpp"
#include "hetsim/scenario/build.hpp"
#include "hetsim/scenario/parse.hpp"
#include "progress_bar.hpp"

namespace hetsim {

namespace {

constexpr int kExitBadInput = 2;

struct PolicyChoice {
  std::string label;  // as given on the command line
  std::string name;
  std::map<std::string, std::string> params;
  std::string resolved;  // the policy's own name, e.g. easy-backfill[best-fit]
};

std::string safe_name(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '_';
  return out;
}

std::string ci_text(const MeanCi& c, bool share) {
  if (share) {
    if (!std::isfinite(c.half_width)) return fmt::format("{:.2f} %", 100 * c.mean);
    return fmt::format("{:.2f} ± {:.2f} %", 100 * c.mean, 100 * c.half_width);
  }
  if (!std::isfinite(c.half_width)) return fmt::format("{:.1f}", c.mean);
  return fmt::format("{:.1f} ± {:.1f}", c.mean, c.half_width);
}

// The policies of --policies and --policy, each created once to check it and to learn its own
// name. Prints every bad one (not the first only); false if there was any.
bool read_policy_choices(const CompareOptions& opt, std::vector<PolicyChoice>& choices) {
  std::vector<std::string> specs;
  if (!opt.policies.empty()) specs = split_commas(opt.policies);
  for (const std::string& s : opt.policy_specs) specs.push_back(s);
  if (specs.empty()) {
    fmt::print(stderr,
               "hetsim compare: name the policies with --policies a,b,c or --policy NAME[:k=v,...] (repeatable)\n");
    return false;
  }
  bool bad_policy = false;
  std::string error;
  for (const std::string& s : specs) {
    PolicyChoice c;
    c.label = s;
    if (!parse_policy_arg(s, c.name, c.params, error)) {
      fmt::print(stderr, "hetsim compare: {}\n", error);
      bad_policy = true;
      continue;
    }
    bool twice = false;
    for (const PolicyChoice& other : choices) twice = twice || other.label == s;
    if (twice) {
      fmt::print(stderr, "hetsim compare: policy '{}' is listed twice\n", s);
      bad_policy = true;
      continue;
    }
    try {
      c.resolved = builtin_policy_registry().create(c.name, c.params)->name();
    } catch (const std::invalid_argument& e) {
      fmt::print(stderr, "hetsim compare: {}\n", e.what());
      bad_policy = true;
      continue;
    }
    choices.push_back(std::move(c));
  }
  return !bad_policy;
}

// One model per seed, shared read-only by that seed's runs. False (errors printed) if any failed.
bool build_models(const ScenarioSpec& spec, const std::string& scenario, const std::vector<uint64_t>& seeds,
                  std::vector<std::optional<SimulationModel>>& models) {
  models.assign(seeds.size(), std::nullopt);
  std::vector<std::string> build_errors(seeds.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    try {
      models[i] = build_scenario(spec, seeds[i]);
    } catch (const std::exception& e) {
      build_errors[i] = e.what();
    }
  }
  for (const std::string& e : build_errors) {
    if (!e.empty()) {
      fmt::print(stderr, "{}: error: {}\n", scenario, e);
      return false;
    }
  }
  return true;
}

// Every policy x seed run, in parallel; values[policy x seeds + seed] holds run_metrics() in
// order. False (the first error printed) if a run failed.
bool run_grid(const CompareOptions& opt, const ScenarioSpec& spec, const std::vector<PolicyChoice>& choices,
              const std::vector<uint64_t>& seeds, const std::vector<std::optional<SimulationModel>>& models,
              std::vector<std::vector<double>>& values) {
  const std::size_t n_runs = choices.size() * seeds.size();
  values.assign(n_runs, {});
  std::vector<std::string> run_errors(n_runs);
  // Policies x seeds of the city are minutes of silence otherwise.
  CountProgress progress(stderr, parse_progress_mode(opt.progress), "hetsim compare: runs", n_runs);
  std::size_t runs_done = 0;
#pragma omp parallel for schedule(dynamic, 1)
  for (std::size_t r = 0; r < n_runs; ++r) {
    const PolicyChoice& c = choices[r / seeds.size()];
    const std::size_t si = r % seeds.size();
    try {
      auto policy = builtin_policy_registry().create(c.name, c.params);
      const std::string keep = opt.keep_runs && !opt.out.empty()
                                   ? opt.out + "/runs/" + safe_name(c.label) + "-s" + std::to_string(seeds[si])
                                   : "";
      const nlohmann::ordered_json s = simulate_summary(spec.name, seeds[si], *models[si], *policy, keep);
      for (const RunMetric& m : run_metrics()) values[r].push_back(m.get(s));
    } catch (const std::exception& e) {
      // A policy's bug (a refused decision, a Python policy's exception) is not hetsim's.
      const char* kind = dynamic_cast<const PolicyViolation*>(&e) != nullptr ? "policy error" : "internal error";
      run_errors[r] =
          std::string(kind) + ": policy " + c.label + ", seed " + std::to_string(seeds[si]) + ": " + e.what();
    }
#pragma omp critical(hetsim_compare_progress)
    progress.at(++runs_done);
  }
  progress.finish();
  for (const std::string& e : run_errors) {
    if (!e.empty()) {
      fmt::print(stderr, "hetsim compare: {}\n", e);
      return false;
    }
  }
  return true;
}

// compare.csv: one row per run.
std::string runs_csv(const std::vector<PolicyChoice>& choices, const std::vector<uint64_t>& seeds,
                     const std::vector<std::vector<double>>& values) {
  std::string csv = "policy,policy_name,seed";
  for (const RunMetric& m : run_metrics()) csv += std::string(",") + m.name;
  csv += "\n";
  for (std::size_t r = 0; r < values.size(); ++r) {
    const PolicyChoice& c = choices[r / seeds.size()];
    csv += fmt::format("\"{}\",\"{}\",{}", c.label, c.resolved, seeds[r % seeds.size()]);
    for (double v : values[r]) csv += "," + metric_text(v);
    csv += "\n";
  }
  return csv;
}

// Per policy and metric, the mean and its 95 % confidence interval over the seeds.
std::vector<std::vector<MeanCi>> metric_cis(std::size_t policies, std::size_t seeds,
                                            const std::vector<std::vector<double>>& values) {
  std::vector<std::vector<MeanCi>> cis(policies);
  for (std::size_t p = 0; p < policies; ++p) {
    for (std::size_t k = 0; k < run_metrics().size(); ++k) {
      std::vector<double> xs;
      for (std::size_t si = 0; si < seeds; ++si) xs.push_back(values[p * seeds + si][k]);
      cis[p].push_back(mean_ci95(xs));
    }
  }
  return cis;
}

// compare_summary.csv: per policy and metric, n, mean, sd and the interval.
std::string summary_csv(const std::vector<PolicyChoice>& choices, const std::vector<std::vector<MeanCi>>& cis) {
  std::string summary = "policy,metric,n,mean,sd,ci95_low,ci95_high\n";
  for (std::size_t p = 0; p < choices.size(); ++p) {
    for (std::size_t k = 0; k < run_metrics().size(); ++k) {
      const MeanCi& c = cis[p][k];
      summary +=
          fmt::format("\"{}\",{},{},{},{},{},{}\n", choices[p].label, run_metrics()[k].name, c.n, metric_text(c.mean),
                      metric_text(c.sd), metric_text(c.mean - c.half_width), metric_text(c.mean + c.half_width));
    }
  }
  return summary;
}

// compare.md: every metric, mean ± 95 % CI half-width over the seeds.
std::string compare_md(const std::string& scenario, const std::string& seeds_text, std::size_t seeds,
                       const std::vector<PolicyChoice>& choices, const std::vector<std::vector<MeanCi>>& cis) {
  std::string md = fmt::format(
      "Scenario `{}`, seeds {}: mean ± half-width of the 95 % confidence interval (Student t, n = {}).\n\n| policy |",
      scenario, seeds_text, seeds);
  std::string rule = "|---|";
  for (const RunMetric& m : run_metrics()) md += std::string(" ") + m.name + " |", rule += "---:|";
  md += "\n" + rule + "\n";
  for (std::size_t p = 0; p < choices.size(); ++p) {
    md += "| " + choices[p].label + " |";
    for (std::size_t k = 0; k < run_metrics().size(); ++k) {
      md += " " + ci_text(cis[p][k], run_metrics()[k].is_share) + " |";
    }
    md += "\n";
  }
  return md;
}

// The console table: the headline metrics of each policy, each column as wide as its widest cell.
void print_table(const std::vector<PolicyChoice>& choices, const std::vector<std::vector<MeanCi>>& cis) {
  std::vector<std::size_t> metric_of;  // the metrics shown (RunMetric::on_console), in table order
  for (std::size_t k = 0; k < run_metrics().size(); ++k) {
    if (run_metrics()[k].on_console) metric_of.push_back(k);
  }
  std::vector<std::vector<std::string>> cells(choices.size());
  std::vector<std::size_t> width;
  std::size_t label_width = 6;  // "policy"
  for (std::size_t k : metric_of) width.push_back(std::string(run_metrics()[k].name).size());
  for (std::size_t p = 0; p < choices.size(); ++p) {
    label_width = std::max(label_width, choices[p].label.size());
    for (std::size_t c = 0; c < metric_of.size(); ++c) {
      cells[p].push_back(ci_text(cis[p][metric_of[c]], run_metrics()[metric_of[c]].is_share));
      width[c] = std::max(width[c], cells[p][c].size());
    }
  }
  fmt::print("  {:<{}}", "policy", label_width);
  for (std::size_t c = 0; c < metric_of.size(); ++c) fmt::print("  {:>{}}", run_metrics()[metric_of[c]].name, width[c]);
  fmt::print("\n");
  for (std::size_t p = 0; p < choices.size(); ++p) {
    fmt::print("  {:<{}}", choices[p].label, label_width);
    for (std::size_t c = 0; c < metric_of.size(); ++c) fmt::print("  {:>{}}", cells[p][c], width[c]);
    fmt::print("\n");
  }
}

}  // namespace

int cmd_compare(const CompareOptions& opt) {
  std::vector<std::pair<std::string, std::string>> overrides;
  std::string error;
  if (!parse_set_args(opt.sets, overrides, error)) {
    fmt::print(stderr, "hetsim: {}\n", error);
    return kExitBadInput;
  }
  ParseResult parsed = parse_scenario_file(opt.scenario, overrides);
  if (!parsed.ok()) {
    for (const Diagnostic& d : parsed.errors) fmt::print(stderr, "{}\n", d.format());
    return kExitBadInput;
  }
  const ScenarioSpec& spec = parsed.spec;
  if (spec.has_sharing_replay || spec.has_mixed_training) {
    fmt::print(stderr, "hetsim compare: {} is a {} scenario; `hetsim run` runs its policies and seeds itself\n",
               opt.scenario, spec.has_sharing_replay ? "trace-replay" : "mixed-training");
    return kExitBadInput;
  }
  std::vector<PolicyChoice> choices;
  if (!read_policy_choices(opt, choices)) return kExitBadInput;
  std::vector<uint64_t> seeds;
  if (opt.seeds_text.empty()) {
    seeds.push_back(spec.seed);
  } else if (!parse_seed_list(opt.seeds_text, seeds, error)) {
    fmt::print(stderr, "hetsim compare: {}\n", error);
    return kExitBadInput;
  }
  // Fail before simulating, not after, when the results could not be saved.
  std::string why = opt.out.empty() ? "" : check_output_dir(opt.out);
  if (why.empty() && !opt.out.empty()) why = lock_output_dir(opt.out);
  if (!why.empty()) {
    fmt::print(stderr, "hetsim: --out {}: {}\n", opt.out, why);
    return kExitBadInput;
  }

  const auto wall0 = std::chrono::steady_clock::now();
  std::vector<std::optional<SimulationModel>> models;
  if (!build_models(spec, opt.scenario, seeds, models)) return kExitBadInput;
  std::vector<std::vector<double>> values;
  if (!run_grid(opt, spec, choices, seeds, models, values)) return 1;

  const auto cis = metric_cis(choices.size(), seeds.size(), values);
  if (!opt.out.empty()) {
    write_file_atomically(opt.out + "/compare.csv", runs_csv(choices, seeds, values));
    write_file_atomically(opt.out + "/compare_summary.csv", summary_csv(choices, cis));
    write_file_atomically(opt.out + "/compare.md",
                          compare_md(spec.name, opt.seeds_text.empty() ? std::to_string(spec.seed) : opt.seeds_text,
                                     seeds.size(), choices, cis));
  }
  if (!opt.quiet) {
    fmt::print("hetsim compare: {} | {} policies x {} seeds | {:.1f} s wall\n", spec.name, choices.size(), seeds.size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count());
    print_table(choices, cis);
    if (!opt.out.empty()) fmt::print("  outputs in {}/ (compare.csv, compare_summary.csv, compare.md)\n", opt.out);
  }
  return 0;
}

}  // namespace hetsim
