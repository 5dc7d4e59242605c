// Loading the default scenario: parse + validate (YAML -> spec) and build (spec -> model,
// including generating the 30-day workload). Reports jobs generated per second for the build.
#include <benchmark/benchmark.h>

#include "hetsim/scenario/build.hpp"
#include "hetsim/scenario/parse.hpp"

using namespace hetsim;

static const std::string kScenario = std::string(HETSIM_SOURCE_DIR) + "/scenarios/shanghai-modu.yaml";

static void BM_ParseScenario(benchmark::State& state) {
  for (auto _ : state) {
    ParseResult r = parse_scenario_file(kScenario);
    if (!r.ok()) state.SkipWithError("scenario does not parse");
    benchmark::DoNotOptimize(r.spec.providers.data());
  }
}
BENCHMARK(BM_ParseScenario)->Unit(benchmark::kMillisecond);

static void BM_BuildScenario(benchmark::State& state) {
  const ParseResult r = parse_scenario_file(kScenario);
  if (!r.ok()) {
    state.SkipWithError("scenario does not parse");
    return;
  }
  int64_t jobs = 0;
  for (auto _ : state) {
    SimulationModel m = build_scenario(r.spec, 1);
    jobs += static_cast<int64_t>(m.jobs.size());
  }
  state.SetItemsProcessed(jobs);
}
BENCHMARK(BM_BuildScenario)->Unit(benchmark::kMillisecond);
