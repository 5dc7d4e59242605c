// Plan-search throughput: candidate plans per second for the OpenMP reference and the CUDA path
// (end to end: uploads, the kernel, downloads and the host-side scatter of the splits; buffers
// reused). The batches have the planner's shape: 96 layers (a 70B-class model), 2-16 stages per
// candidate with memory caps of 6-96 layers, consecutive stage ranges.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <exception>
#include <random>
#include <vector>

#include "hetsim/kernels/plan_search.hpp"

namespace hk = hetsim::kernels;

namespace {

constexpr uint32_t kLayers = 96;

struct PlanInputs {
  std::vector<hk::PlanStage> stages;
  std::vector<hk::PlanCandidate> cands;
  std::vector<hk::PlanResult> out;
  std::vector<uint32_t> split;

  explicit PlanInputs(int64_t n) {
    std::mt19937_64 rng(4242);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::uniform_int_distribution<uint32_t> stage_n(2, 16), cap(6, 96), mb(1, 64);
    for (int64_t c = 0; c < n; ++c) {
      const uint32_t s = stage_n(rng);
      const auto first = static_cast<uint32_t>(stages.size());
      for (uint32_t j = 0; j < s; ++j) {
        hk::PlanStage st;
        st.per_layer_s = 1e-3 * (0.5 + u(rng));
        st.fixed_s = 1e-4 * u(rng);
        st.comm_s = 1e-4 * u(rng);
        st.sync_per_layer_s = 1e-4 * u(rng);
        st.opt_per_layer_s = 1e-5 * u(rng);
        st.max_layers = cap(rng);
        stages.push_back(st);
      }
      cands.push_back({first, s, mb(rng)});
    }
    out.resize(cands.size());
    split.resize(stages.size());
  }
};

void BM_PlanSearchCpu(benchmark::State& state) {
  PlanInputs in(state.range(0));
  for (auto _ : state) {
    hk::evaluate_plans_cpu(in.stages, in.cands, kLayers, in.out, in.split);
    benchmark::DoNotOptimize(in.out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_PlanSearchCuda(benchmark::State& state) {
  if (!hk::cuda_available()) {
    state.SkipWithError("no CUDA device (or hetsim built without CUDA)");
    return;
  }
  PlanInputs in(state.range(0));
  try {
    hk::CudaPlanEvaluator gpu;
    gpu.evaluate(in.stages, in.cands, kLayers, in.out, in.split);  // warm-up: allocation, module load
    for (auto _ : state) {
      gpu.evaluate(in.stages, in.cands, kLayers, in.out, in.split);
      benchmark::DoNotOptimize(in.out.data());
      benchmark::ClobberMemory();
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void plan_sizes(benchmark::internal::Benchmark* b) {
  b->ArgName("candidates");
  for (int64_t n : {64, 1024, 16384, 131072}) b->Arg(n);
  b->Unit(benchmark::kMillisecond);
  b->UseRealTime();
}

}  // namespace

BENCHMARK(BM_PlanSearchCpu)->Apply(plan_sizes);
BENCHMARK(BM_PlanSearchCuda)->Apply(plan_sizes);
