// hetsim: the command-line front end. Exit codes: 0 success, 2 bad input (scenario, options,
// policy names or parameters), 1 internal error (e.g. a policy violating the engine's checks).
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "compare_command.hpp"
#include "hetsim/metrics/atomic_file.hpp"
#include "hetsim/policy/policy.hpp"
#include "plan_command.hpp"
#include "report_command.hpp"
#include "sweep_command.hpp"

#ifdef HETSIM_HAVE_PYTHON
#include "embedded_python.hpp"
#endif

int main(int argc, char** argv) {
  hetsim::install_signal_cleanup();  // SIGINT/SIGTERM/SIGHUP: remove temporaries, exit 128 + signal
#ifdef HETSIM_HAVE_PYTHON
  hetsim::install_embedded_python_policies();  // --policy py:MODULE:CLASS
#endif
  CLI::App app{"hetsim: discrete-event simulator of heterogeneous, city-scale GPU platforms"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "hetsim 0.1.0");

  hetsim::RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "run one scenario under one policy and seed");
  run_cmd->add_option("scenario", run.scenario, "scenario YAML file")->required();
  run_cmd->add_option("--policy", run.policy,
                      "replace the scenario's policy: NAME or NAME:key=value,key=value (see `hetsim list policies`); "
                      "trace-replay scenarios: a comma list of sharing policies or `all`");
  run_cmd->add_option("--seed", run.seed_text, "root seed, an integer in [0, 1e15] (overrides scenario.seed)");
  run_cmd->add_option("--seeds", run.seeds_text,
                      "trace-replay scenarios: seeds to run, e.g. 1-10 or 1,4,9 (overrides sharing_replay.seeds)");
  run_cmd
      ->add_option("--set", run.sets,
                   "override a scenario value: KEY=VALUE with a dotted KEY, e.g. workload.jobs_per_day=5000")
      ->take_all();
  run_cmd->add_option("--out", run.out,
                      "directory for summary.json, jobs.csv, timeseries.csv (created; files replaced atomically)");
  run_cmd->add_option(
      "--trace-out", run.trace_out,
      "write the schedule as Chrome/Perfetto trace-event JSON (cards as tracks, jobs as slices; small scenarios)");
  run_cmd
      ->add_option("--device", run.device,
                   "backend of the hot paths with CUDA kernels (placement batches, plan search): cpu, cuda or auto; "
                   "same results")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
  run_cmd->add_option("--progress", run.progress, "progress line on stderr: auto (a terminal, runs over 2 s), on, off")
      ->check(CLI::IsMember({"auto", "on", "off"}));
  run_cmd->add_flag("--quiet", run.quiet, "do not print the summary table");
  run_cmd->add_flag("--check-invariants", run.check_invariants,
                    "check the simulator's state after every decision (on by default in debug builds)");

  hetsim::CompareOptions cmp;
  auto* compare_cmd =
      app.add_subcommand("compare", "run several policies on several seeds of one scenario and compare them");
  compare_cmd->add_option("scenario", cmp.scenario, "scenario YAML file")->required();
  compare_cmd->add_option("--policies", cmp.policies, "comma list of policy names (see `hetsim list policies`)");
  compare_cmd
      ->add_option("--policy", cmp.policy_specs, "a policy with parameters, NAME:key=value,key=value (repeatable)")
      ->take_all();
  compare_cmd->add_option("--seeds", cmp.seeds_text, "seeds, e.g. 1-5 or 1,4,9 (default: the scenario's seed)");
  compare_cmd->add_option("--set", cmp.sets, "override a scenario value: KEY=VALUE")->take_all();
  compare_cmd->add_option("--out", cmp.out, "directory for compare.csv, compare_summary.csv and compare.md");
  compare_cmd->add_flag("--keep-runs", cmp.keep_runs, "also write each run's outputs under OUT/runs/POLICY-sSEED/");
  compare_cmd->add_flag("--quiet", cmp.quiet, "do not print the table");
  compare_cmd->add_option("--progress", cmp.progress, "progress line on stderr: auto (a terminal, over 2 s), on, off")
      ->check(CLI::IsMember({"auto", "on", "off"}));

  hetsim::SweepOptions sweep;
  auto* sweep_cmd = app.add_subcommand(
      "sweep",
      "run a grid or list of scenario overrides x policies x seeds (OpenMP; under mpirun, over the ranks); resumable");
  sweep_cmd->add_option("sweep", sweep.sweep_file, "sweep YAML file (docs/workflow.md)")->required();
  sweep_cmd
      ->add_option("--out", sweep.out, "directory for results.csv, results_summary.csv and runs/ (rerun to resume)")
      ->required();
  sweep_cmd
      ->add_option(
          "--threads", sweep.threads,
          "simulations at once per process (default: OMP_NUM_THREADS, else the cores shared by the ranks on a machine)")
      ->check(CLI::Range(1, 4096));
  sweep_cmd->add_flag("--quiet", sweep.quiet, "print nothing but errors");
  sweep_cmd
      ->add_option("--progress", sweep.progress,
                   "progress line on stderr while the points are checked: auto (a terminal, over 2 s), on, off")
      ->check(CLI::IsMember({"auto", "on", "off"}));

  std::string report_dir, report_out;
  auto* report_cmd = app.add_subcommand(
      "report", "figures (PNG, SVG) and an HTML page from the outputs of run, compare or sweep (python/report.py)");
  report_cmd->add_option("dir", report_dir, "output folder of hetsim run, compare or sweep")->required();
  report_cmd->add_option("--out", report_out, "report folder (default DIR/report)");

  std::vector<std::string> validate_files;
  auto* validate_cmd = app.add_subcommand("validate", "check scenario files and report every error");
  validate_cmd->add_option("scenarios", validate_files, "scenario YAML files")->required();

  std::string list_what;
  std::string list_catalog = "scenarios/catalog/chips.yaml";
  auto* list_cmd =
      app.add_subcommand("list", "list built-in policies, catalog chips or the output columns and metrics");
  list_cmd->add_option("what", list_what, "policies | chips | outputs")
      ->required()
      ->check(CLI::IsMember({"policies", "chips", "outputs"}));
  list_cmd->add_option("--catalog", list_catalog, "chip catalog to list (for `list chips`)");

  hetsim::PlanOptions plan;
  auto* plan_cmd =
      app.add_subcommand("plan", "plan one model's training over several chip types and report its efficiency");
  plan_cmd->add_option("--model", plan.model, "model name from the model catalog")->required();
  plan_cmd->add_option("--chips", plan.chips, "TYPE:COUNT[,TYPE:COUNT...], cards of each chip type")->required();
  plan_cmd->add_option("--global-batch", plan.global_batch, "samples per step (default: the model's)");
  plan_cmd->add_option("--cross-vendor-gbps", plan.cross_vendor_gbps,
                       "per-card bandwidth between vendors, Gb/s (default 100)");
  plan_cmd->add_option("--inter-node-gbps", plan.inter_node_gbps,
                       "per-card RDMA bandwidth between nodes, Gb/s (default 200)");
  plan_cmd->add_option("--device", plan.device, "plan-search backend: cpu, cuda or auto (same results)")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
  plan_cmd->add_option("--attention", plan.attention, "attention kernel: flash (default) or materialized");
  plan_cmd->add_option("--recompute", plan.recompute,
                       "activation recomputation: auto (the planner picks; default), none, selective, full");
  plan_cmd->add_option("--zero", plan.zero, "ZeRO stage over the data-parallel replicas: 0, 1 (default) or 3");
  plan_cmd->add_option("--sequence-parallel", plan.sequence_parallel, "sequence parallelism: on (default) or off");
  plan_cmd->add_flag("--uniform-dp", plan.uniform_dp,
                     "one data-parallel degree for all chip groups (default: per group)");
  plan_cmd->add_option("--out", plan.out, "directory for plan.json");
  plan_cmd->add_option("--progress", plan.progress, "progress line on stderr: auto (a terminal, over 2 s), on, off")
      ->check(CLI::IsMember({"auto", "on", "off"}));
  plan_cmd->add_option("--catalog", plan.catalog, "chip catalog");
  plan_cmd->add_option("--models", plan.models, "model catalog");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  // An empty value (`--out ''`, `--seeds ''`, an empty scenario path) is never what was meant;
  // read as "not given" it silently dropped outputs or seeds. Flags take no value.
  for (const CLI::App* sub : app.get_subcommands()) {
    for (const CLI::Option* o : sub->get_options()) {
      if (o->get_expected_max() == 0 || o->count() == 0) continue;
      for (const std::string& v : o->results()) {
        if (!v.empty()) continue;
        fmt::print(stderr, "hetsim {}: {}: an empty value is not allowed\n", sub->get_name(), o->get_name());
        return 2;
      }
    }
  }
  try {
    if (*run_cmd) return hetsim::cmd_run(run);
    if (*plan_cmd) return hetsim::cmd_plan(plan);
    if (*compare_cmd) return hetsim::cmd_compare(cmp);
    if (*sweep_cmd) return hetsim::cmd_sweep(sweep);
    if (*report_cmd) return hetsim::cmd_report(report_dir, report_out);
    if (*validate_cmd) return hetsim::cmd_validate(validate_files);
    if (*list_cmd) {
      if (list_what == "outputs") return hetsim::cmd_list_outputs();
      return list_what == "policies" ? hetsim::cmd_list_policies() : hetsim::cmd_list_chips(list_catalog);
    }
  } catch (const hetsim::OutputPathError& e) {
    fmt::print(stderr, "hetsim: {}\n", e.what());  // an output path the rule refuses is bad input
    return 2;
  } catch (const hetsim::PolicyViolation& e) {
    // A policy's bug (a refused decision, or a Python policy's exception), not hetsim's.
    fmt::print(stderr, "hetsim: policy error: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "hetsim: internal error: {}\n", e.what());
    return 1;
  }
  return 0;
}
