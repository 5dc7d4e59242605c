// Mixed-training planner: candidate plans evaluated per second (kernels/plan_search CPU
// reference via best_plan), on the two published configurations of docs/mixed-training.md.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>

#include <string>
#include <vector>

#include "hetsim/perf/mixed_planner.hpp"
#include "hetsim/scenario/parse.hpp"

namespace {

hetsim::PlanRequest request(const std::string& model, const std::vector<std::pair<std::string, uint32_t>>& chips) {
  std::vector<hetsim::Diagnostic> errors;
  // The source tree can move (a GPU machine runs binaries built elsewhere): HETSIM_SOURCE_DIR in
  // the environment overrides the build's.
  const char* moved = std::getenv("HETSIM_SOURCE_DIR");
  const std::string dir = std::string(moved != nullptr ? moved : HETSIM_SOURCE_DIR) + "/scenarios/catalog/";
  const auto catalog = hetsim::parse_chip_catalog_file(dir + "chips.yaml", errors);
  const auto models = hetsim::parse_model_catalog_file(dir + "models.yaml", errors);
  hetsim::PlanRequest r;
  for (const auto& m : models)
    if (m.name == model) r.model = m;
  for (const auto& [name, n] : chips)
    for (const auto& c : catalog)
      if (c.name == name) r.groups.push_back({c, n});
  return r;
}

// Candidate plans evaluated per second; with `cuda`, the candidates are evaluated on the GPU
// (kernels/plan_search_cuda.cu) while their generation and the plan assembly stay on the host.
void run(benchmark::State& state, hetsim::PlanRequest r, bool cuda) {
  std::unique_ptr<hetsim::kernels::CudaPlanEvaluator> gpu;
  if (cuda) {
    if (!hetsim::kernels::cuda_available()) {
      state.SkipWithError("no CUDA device (or hetsim built without CUDA)");
      return;
    }
    gpu = std::make_unique<hetsim::kernels::CudaPlanEvaluator>();
    r.cuda = gpu.get();
  }
  uint64_t candidates = 0;
  for (auto _ : state) {
    hetsim::PlannerStats stats;
    benchmark::DoNotOptimize(hetsim::best_plan(r, &stats));
    candidates += stats.candidates;
  }
  state.SetItemsProcessed(static_cast<int64_t>(candidates));  // items/s = candidate plans per second
  state.counters["candidates"] = static_cast<double>(candidates) / static_cast<double>(state.iterations());
}

// The two published configurations of docs/mixed-training.md and a four-type request.
hetsim::PlanRequest hethub_like() { return request("llama-140b", {{"MI250X", 128}, {"Ascend-910B3", 640}}); }
hetsim::PlanRequest baai_like() {
  return request("aquila2-70b", {{"Iluvatar-BI-V100", 960}, {"Iluvatar-BI-V150", 64}});
}
hetsim::PlanRequest four_types() {
  return request("llama2-70b", {{"A100-80G-SXM", 64}, {"H800-SXM", 64}, {"Ascend-910B3", 64}, {"MI300X", 32}});
}

void BM_Plan_HethubLike(benchmark::State& state) { run(state, hethub_like(), false); }
void BM_Plan_BaaiLike(benchmark::State& state) { run(state, baai_like(), false); }
void BM_Plan_FourTypes(benchmark::State& state) { run(state, four_types(), false); }
void BM_Plan_HethubLike_Cuda(benchmark::State& state) { run(state, hethub_like(), true); }
void BM_Plan_BaaiLike_Cuda(benchmark::State& state) { run(state, baai_like(), true); }
void BM_Plan_FourTypes_Cuda(benchmark::State& state) { run(state, four_types(), true); }

}  // namespace

BENCHMARK(BM_Plan_HethubLike)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Plan_BaaiLike)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Plan_FourTypes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Plan_HethubLike_Cuda)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Plan_BaaiLike_Cuda)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Plan_FourTypes_Cuda)->Unit(benchmark::kMillisecond)->UseRealTime();
