#include "commands.hpp"

#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <tuple>

#include <fmt/format.h>

#include "device.hpp"
#include "hetsim/app/app_util.hpp"
#include "hetsim/app/run_metrics.hpp"
#include "hetsim/metrics/atomic_file.hpp"
#include "hetsim/metrics/job_columns.hpp"
#include "hetsim/metrics/report.hpp"
#include "hetsim/metrics/trace_export.hpp"
#include "hetsim/policy/registry.hpp"
#include "hetsim/policy/sharing/sharing_policies.hpp"
#include "hetsim/run/simulation.hpp"
#include "hetsim/scenario/build.hpp"
#include "hetsim/scenario/parse.hpp"
#include "mixed_command.hpp"
#include "progress_bar.hpp"
#include "replay_command.hpp"

namespace hetsim {

namespace {

constexpr int kExitBadInput = 2;

void print_errors(const std::vector<Diagnostic>& errors) {
  for (const Diagnostic& d : errors) fmt::print(stderr, "{}\n", d.format());
  if (errors.size() > 1) fmt::print(stderr, "{} errors\n", errors.size());
}

}  // namespace

// The policy's name and parameters are checked with the rest of the scenario, in one round (they
// were checked only once the scenario had no other error).
static void add_policy_diagnostics(ParseResult& r, const std::string& file) {
  if (r.spec.has_sharing_replay || r.spec.has_mixed_training || !r.spec.policy.read_ok) return;
  std::vector<Diagnostic> bad = policy_diagnostics(r.spec.policy, file);
  if (bad.empty()) return;
  r.errors.insert(r.errors.end(), std::make_move_iterator(bad.begin()), std::make_move_iterator(bad.end()));
  std::stable_sort(r.errors.begin(), r.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.col) < std::tie(b.pos.file, b.pos.line, b.pos.col);
  });
}

int cmd_run(const RunOptions& opt) {
  std::vector<std::pair<std::string, std::string>> overrides;
  if (std::string error; !parse_set_args(opt.sets, overrides, error)) {
    fmt::print(stderr, "hetsim: {}\n", error);
    return kExitBadInput;
  }
  ParseResult parsed = parse_scenario_file(opt.scenario, overrides);
  if (opt.policy.empty()) add_policy_diagnostics(parsed, opt.scenario);
  if (!parsed.ok()) {
    print_errors(parsed.errors);
    // A --policy with its own problems is reported in the same round.
    if (!opt.policy.empty()) {
      PolicySpec cli;
      std::string error;
      if (!parse_policy_arg(opt.policy, cli.name, cli.params, error))
        fmt::print(stderr, "hetsim: {}\n", error);
      else
        for (const Diagnostic& d : policy_diagnostics(cli, opt.scenario)) fmt::print(stderr, "hetsim: {}\n", d.message);
    }
    return kExitBadInput;
  }
  ScenarioSpec& spec = parsed.spec;
  if (!opt.trace_out.empty() && (spec.has_sharing_replay || spec.has_mixed_training)) {
    fmt::print(stderr, "hetsim: --trace-out is for simulations; {} is a {} scenario\n", opt.scenario,
               spec.has_sharing_replay ? "trace-replay" : "mixed-training");
    return kExitBadInput;
  }
  Device device = Device::Cpu;
  try {
    device = resolve_device(opt.device);
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "hetsim: {}\n", e.what());
    return kExitBadInput;
  }
  if (spec.has_sharing_replay) return run_sharing_replay(spec, opt, device);
  if (spec.has_mixed_training) return run_mixed_training(spec, opt, device);
  if (!opt.seeds_text.empty()) {
    fmt::print(stderr, "hetsim: --seeds is for trace-replay scenarios; run one seed with --seed\n");
    return kExitBadInput;
  }
  if (!opt.policy.empty()) {
    std::string error;
    spec.policy.params.clear();
    if (!parse_policy_arg(opt.policy, spec.policy.name, spec.policy.params, error)) {
      fmt::print(stderr, "hetsim: {}\n", error);
      return kExitBadInput;
    }
  }
  uint64_t seed = spec.seed;
  if (!opt.seed_text.empty()) {
    const char* b = opt.seed_text.data();
    const char* e = b + opt.seed_text.size();
    auto [p, ec] = std::from_chars(b, e, seed);
    if (ec != std::errc() || p != e || opt.seed_text.front() == '-' || opt.seed_text.front() == '+' ||
        seed > kMaxSeed) {
      fmt::print(stderr, "hetsim: --seed: expected an integer in [0, {}] (scenario.seed's range), got '{}'\n", kMaxSeed,
                 opt.seed_text);
      return kExitBadInput;
    }
  }

  if (!opt.policy.empty()) spec.policy.pos = {}, spec.policy.param_pos.clear();  // --policy has no place in a file
  if (const std::vector<Diagnostic> bad = policy_diagnostics(spec.policy, opt.scenario); !bad.empty()) {
    for (const Diagnostic& d : bad)
      if (d.pos.line > 0)
        fmt::print(stderr, "{}\n", d.format());
      else
        fmt::print(stderr, "hetsim: {}\n", d.message);
    return kExitBadInput;
  }
  std::unique_ptr<Policy> policy = builtin_policy_registry().create(spec.policy.name, spec.policy.params);

  if (!opt.out.empty()) {
    // Fail before simulating, not after, when the results could not be saved.
    std::string why = check_output_dir(opt.out);
    if (why.empty()) why = lock_output_dir(opt.out);
    // Each file the run will write must be one the rule lets it write (a directory named
    // jobs.csv was found only after the run, with the files before it already replaced).
    for (const char* f : kRunOutputFiles) {
      if (why.empty()) why = output_path_problem(opt.out + "/" + f);
    }
    if (!why.empty()) {
      fmt::print(stderr, "hetsim: --out {}: {}\n", opt.out, why);
      return kExitBadInput;
    }
  }

  // The trace streams to "-", devices and FIFOs (the summary table then goes to stderr when it
  // would share stdout); a file is replaced whole (atomic_file.hpp's rule).
  bool trace_streams = false;
  if (!opt.trace_out.empty()) {
    if (const std::string why = output_path_problem(opt.trace_out); !why.empty()) {
      fmt::print(stderr, "hetsim: --trace-out {}\n", why);
      return kExitBadInput;
    }
    trace_streams = resolve_output_path(opt.trace_out).stream;
    const std::filesystem::path parent = std::filesystem::path(opt.trace_out).parent_path();
    if (!trace_streams) {
      if (const std::string why = check_output_dir(parent.empty() ? "." : parent.string()); !why.empty()) {
        fmt::print(stderr, "hetsim: --trace-out {}: {}\n", opt.trace_out, why);
        return kExitBadInput;
      }
    }
  }
  const bool trace_on_stdout = opt.trace_out == "-" || opt.trace_out == "/dev/stdout" || opt.trace_out == "/dev/fd/1" ||
                               opt.trace_out == "/proc/self/fd/1";
  std::FILE* const table_to = trace_on_stdout ? stderr : stdout;

  SimulationModel model;
  try {
    model = build_scenario(spec, seed);
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "{}: error: {}\n", opt.scenario, e.what());
    return kExitBadInput;
  }

  MetricsCollector metrics(model.cluster, model.chips, model.jobs);
  if (!opt.trace_out.empty()) metrics.enable_trace();
  Simulation sim(model, *policy, metrics);
  if (opt.check_invariants) sim.set_check_invariants(true);
  std::unique_ptr<BatchScorer> scorer;
  if (cuda_batch_scoring(device)) {
    scorer = make_cuda_batch_scorer();
    sim.set_batch_scorer(scorer.get());
  }
  std::unique_ptr<kernels::CudaPlanEvaluator> planner_gpu;
  // Only runs that can form mixed gangs ever call the planner; others skip the CUDA context start.
  const bool may_mix = std::any_of(model.jobs.begin(), model.jobs.end(), [](const Job& j) { return j.may_mix_chips; });
  if (cuda_plan_search(device) && may_mix) {
    planner_gpu = std::make_unique<kernels::CudaPlanEvaluator>();
    sim.set_plan_evaluator(planner_gpu.get(), plan_min_batch(device));
  }
  ProgressBar progress(stderr, parse_progress_mode(opt.progress));  // the option is checked by CLI11
  sim.set_progress(&progress);
  const RunResult res = sim.run();

  const RunInfo info = run_info(spec.name, seed, policy->name(), device_name(device), model, sim, res);
  const ReportInputs in{&info, &model.cluster, &model.chips, &model.jobs, &model.tenants, &metrics, &model.vouchers};
  const auto summary = opt.out.empty() ? summary_json(in) : write_run_outputs(opt.out, in);
  if (!opt.quiet) fmt::print(table_to, "{}", summary_table(summary));
  if (!opt.out.empty() && !opt.quiet) fmt::print(table_to, "  outputs in {}/\n", opt.out);
  if (!opt.trace_out.empty()) {
    // A trace viewer cannot open a city-month: a few million slices is already hundreds of MB.
    constexpr uint64_t kMaxTraceSlices = 2'000'000;
    const uint64_t slices = trace_slice_count(in);
    if (slices > kMaxTraceSlices) {
      fmt::print(stderr,
                 "hetsim: --trace-out {}: the schedule has {} card slices, more than {} a trace viewer can "
                 "open; not written (shorten the horizon or lower the load)\n",
                 opt.trace_out, slices, kMaxTraceSlices);
      return kExitBadInput;
    }
    if (trace_on_stdout) std::fflush(stdout);
    write_file_atomically(opt.trace_out, trace_json(in));
    if (!opt.quiet) fmt::print(table_to, "  trace ({} slices) in {}\n", slices, opt.trace_out);
  }
  return 0;
}

int cmd_validate(const std::vector<std::string>& files) {
  int rc = 0;
  for (const std::string& f : files) {
    ParseResult r = parse_scenario_file(f);
    add_policy_diagnostics(r, f);
    if (!r.ok()) {
      print_errors(r.errors);
      if (r.spec.has_sharing_replay) (void)validate_sharing_trace_rows(r.spec);  // the same round
      rc = kExitBadInput;
      continue;
    }
    if (r.spec.has_sharing_replay) {
      if (validate_sharing_replay(r.spec, f) != 0) rc = kExitBadInput;
      continue;
    }
    if (r.spec.has_mixed_training) {
      (void)validate_mixed_training(r.spec, f);
      continue;
    }
    std::size_t pools = 0;
    int64_t cards = 0;
    for (const auto& p : r.spec.providers) {
      pools += p.pools.size();
      for (const auto& pool : p.pools) {
        int64_t cpn = pool.cards_per_node;
        if (cpn == 0) {
          for (const auto& c : r.spec.chips)
            if (c.name == pool.chip) cpn = c.cards_per_server;
        }
        cards += static_cast<int64_t>(pool.nodes) * cpn;
      }
    }
    fmt::print("{}: ok ({} sites, {} providers, {} pools, {} cards, {} tenants, policy {})\n", f, r.spec.sites.size(),
               r.spec.providers.size(), pools, cards, r.spec.tenants.size(), r.spec.policy.name);
  }
  return rc;
}

int cmd_list_policies() {
  const PolicyRegistry reg = builtin_policy_registry();
  for (const PolicyEntry* e : reg.entries()) {
    fmt::print("{}\n    {}\n", e->name, e->description);
    // The form run, compare, sweep and tune.py take, with every parameter at its default.
    std::string form = e->name;
    for (std::size_t i = 0; i < e->params.size(); ++i)
      form += (i == 0 ? ":" : ",") + e->params[i].name + "=" + e->params[i].default_value;
    fmt::print("    --policy {}\n", form);
    for (const ParamDef& d : e->params) {
      std::string range;
      if (d.type == ParamType::Choice) {
        for (const auto& c : d.choices) range += (range.empty() ? "" : "|") + c;
      } else if (d.type != ParamType::Bool) {
        range = fmt::format("[{}, {}]", d.min, d.max);
      }
      fmt::print("    --set policy.params.{}=<{} {}> (default {}): {}\n", d.name, param_type_name(d.type), range,
                 d.default_value, d.description);
    }
  }
  fmt::print(
      "\npy:MODULE:CLASS\n    a policy written in Python, a hetsim.Policy subclass (docs/writing-a-policy.md){}\n"
      "    --policy py:FILE.py:CLASS[:key=value,...] (the class's constructor arguments)\n",
      python_policies_installed() ? "" : "; not in this build, built without Python");
  fmt::print(
      "\nGPU-sharing placements (trace-replay scenarios: sharing_replay.policies, --policy a,b or all;\n"
      "docs/fgd.md):\n");
  for (const std::string& n : sharing_placement_names())
    fmt::print("{}\n    {}\n", n, sharing_placement_description(n));
  return 0;
}

int cmd_list_outputs() {
  fmt::print("jobs.csv (one row per job; the Python module's run()['jobs'] arrays):\n\n{}\n", job_columns_markdown());
  fmt::print("Headline metrics (compare.csv, results.csv, run()['metrics']):\n\n{}", run_metrics_markdown());
  return 0;
}

int cmd_list_chips(const std::string& catalog) {
  std::vector<Diagnostic> errors;
  const std::vector<ChipSpec> chips = parse_chip_catalog_file(catalog, errors);
  if (!errors.empty()) {
    print_errors(errors);
    return kExitBadInput;
  }
  fmt::print("{:<20} {:<16} {:>8} {:>7} {:>7} {:>8} {:>6} {:>9} {}\n", "chip", "vendor", "TFLOPS", "mem GB", "TB/s",
             "link GB/s", "MFU", "CNY/h", "confidence");
  for (const ChipSpec& c : chips) {
    fmt::print("{:<20} {:<16} {:>8.1f} {:>7.0f} {:>7.3f} {:>8.0f} {:>6.2f} {:>9.2f} {}\n", c.name, c.vendor,
               c.bf16_tflops, c.mem_gb, c.mem_bw_tbs, c.intra_node_gbs, c.achievable_mfu, c.price_cny_per_card_hour,
               c.confidence);
  }
  return 0;
}

}  // namespace hetsim
