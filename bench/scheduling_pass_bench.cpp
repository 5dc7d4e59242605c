// One scheduling pass with a long queue, for every built-in policy (docs/performance.md "Busy
// regime"): a 2,048-card cluster of two chip types holds a queue of N waiting jobs (N = 100, 1k,
// 10k, 100k) from the start, and jobs arrive as fast as the cluster serves them, so the queue stays
// near N for the two simulated hours the benchmark runs. Each iteration is one whole run, less a
// run of its first simulated second (the submission of the N jobs: setup_ms); the counters report
// the time per scheduling pass after that (ns_per_pass), so a policy whose pass grows with the
// queue shows it in numbers.
//
//   build/bench/bench_scheduling_pass [--benchmark_filter=easy-backfill]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <utility>

#include "hetsim/core/rng.hpp"
#include "hetsim/metrics/collector.hpp"
#include "hetsim/policy/registry.hpp"
#include "hetsim/run/simulation.hpp"

using namespace hetsim;

namespace {

ChipSpec chip(const std::string& name, double tflops, double mem_gb) {
  ChipSpec c;
  c.name = name;
  c.vendor = name;
  c.bf16_tflops = tflops;
  c.mem_gb = mem_gb;
  c.mem_bw_tbs = 2.0;
  c.intra_node_gbs = 400;
  c.intra_node_link = "link";
  c.cards_per_server = 8;
  c.achievable_mfu = 0.5;
  c.price_cny_per_card_hour = 1;
  c.confidence = "high";
  c.source = "bench";
  return c;
}

// A queue of `waiting` jobs at t = 0 and a Poisson stream at the cluster's service rate.
SimulationModel busy_model(std::size_t waiting) {
  SimulationModel m;
  m.scenario_name = "bench";
  m.chips.add_or_replace(chip("fast", 400, 80));
  m.chips.add_or_replace(chip("slow", 150, 64));
  m.cluster = Cluster(m.chips.size());
  m.cluster.add_site("site");
  m.cluster.add_provider("prov");
  m.cluster.add_pool(0, 0, 0, 128, 8, 192000, 1 << 21, 32);
  m.cluster.add_pool(0, 0, 1, 128, 8, 192000, 1 << 21, 32);
  m.topology = Topology::build(m.cluster, {}, std::vector<SiteFabric>(1));
  m.horizon = SimTime::from_s(2 * 3600);
  m.reference_chip = 0;
  m.tenants.push_back(Tenant{"t", 1, 0});
  Rng rng(7);
  const uint32_t sizes[] = {1, 1, 1, 1, 2, 4, 8, 8, 16, 32};
  const double mean_cards = 7.4, mean_runtime_s = 600;
  const double rate = 2048.0 / (mean_cards * mean_runtime_s);  // jobs per second the cluster serves
  double t = 0;
  for (std::size_t i = 0;; ++i) {
    if (i >= waiting) t += rng.exponential(rate);
    if (t >= m.horizon.seconds()) break;
    Job j;
    j.id = static_cast<JobId>(i);
    j.arrival = SimTime::from_seconds(t);
    j.cards = sizes[rng.below(10)];
    j.model.params = 1e9;
    j.model.tokens_per_step = 1e5 * j.cards;
    j.model.flops_per_param_token = 2;
    j.model.bytes_per_param = 2;
    j.model.trains = false;  // 1 step per second on the fast chip, whatever the gang
    j.steps = static_cast<uint64_t>(1 + rng.exponential(1.0 / mean_runtime_s));
    j.runtime_estimate_s = static_cast<double>(j.steps) * (0.5 + rng.uniform01());
    j.cpu_milli_per_card = 1000;
    j.mem_mib_per_card = 1024;
    m.jobs.push_back(j);
  }
  compute_reference_step_times(m);
  return m;
}

// One run of `m` under `policy`: wall seconds of the simulation loop and its scheduling passes.
using Params = std::map<std::string, std::string>;

std::pair<double, uint64_t> run_once(const SimulationModel& m, const std::string& policy, const Params& params) {
  auto p = builtin_policy_registry().create(policy, params);
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, *p, metrics);
  const auto t0 = std::chrono::steady_clock::now();
  const RunResult r = sim.run();
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), r.scheduling_passes};
}

void BM_SchedulingPass(benchmark::State& state, const std::string& policy, const Params& params) {
  const SimulationModel m = busy_model(static_cast<std::size_t>(state.range(0)));
  // The same queue over one simulated second: the submission of the N waiting jobs and the first
  // passes, subtracted so that ns_per_pass is the cost of a pass with the queue in place.
  SimulationModel start = m;
  start.horizon = SimTime::from_s(1);
  double wall = 0, setup = 0;
  uint64_t passes = 0, setup_passes = 0;
  for (auto _ : state) {
    const auto [w, n] = run_once(m, policy, params);
    const auto [ws, ns] = run_once(start, policy, params);
    wall += w, passes += n, setup += ws, setup_passes += ns;
  }
  const double steady = std::max(0.0, wall - setup);
  const uint64_t steady_passes = passes > setup_passes ? passes - setup_passes : 0;
  state.counters["waiting"] = static_cast<double>(state.range(0));
  state.counters["setup_ms"] = setup * 1e3 / static_cast<double>(state.iterations());
  state.counters["ns_per_pass"] = steady_passes > 0 ? steady * 1e9 / static_cast<double>(steady_passes) : 0.0;
  state.counters["passes"] = static_cast<double>(steady_passes) / static_cast<double>(state.iterations());
}

}  // namespace

// Every policy of the registry, so a new one is benchmarked without editing this file (registered
// before benchmark_main's main() runs the benchmarks). The round-based policies solve programs of
// at most max_jobs (1,000) jobs, whatever the queue.
static const bool kRegistered = [] {
  const auto add = [](const std::string& label, const std::string& name, const Params& params) {
    benchmark::RegisterBenchmark(("BM_SchedulingPass/" + label).c_str(), BM_SchedulingPass, name, params)
        ->Arg(100)
        ->Arg(1000)
        ->Arg(10000)
        ->Arg(100000)
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  };
  const PolicyRegistry reg = builtin_policy_registry();  // entries() points into it: keep it alive
  for (const PolicyEntry* e : reg.entries()) {
    add(e->name, e->name, {});
    // Parameters that run other code of the policy's, at another cost by design (docs/policies.md).
    for (const auto& params : e->code_variants) {
      std::string label = e->name;
      for (const auto& [key, value] : params) label += (label == e->name ? ":" : ",") + key + "=" + value;
      add(label, e->name, params);
    }
  }
  return true;
}();
