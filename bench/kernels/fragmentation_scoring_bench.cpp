// FGD fragmentation scoring: candidates scored per second for the CPU reference (sequential, as
// FGD calls it once per task) and the CUDA path (end to end: uploads of the type and node tables
// and the batch, the kernel, the download; buffers reused). Sizes: one openb task (1,213 nodes,
// ~3,000 candidates, |M| = 30) and a large cluster (6,212 nodes, ~25,000 candidates, |M| = 200).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <random>
#include <vector>

#include "hetsim/kernels/fragmentation_scoring.hpp"

namespace hk = hetsim::kernels;

namespace {

struct FragInputs {
  std::vector<int64_t> t_cpu, t_mem, thresholds, n_cpu, n_mem, n_total, n_count, n_below;
  std::vector<uint64_t> t_models;
  std::vector<uint32_t> t_gpus;
  std::vector<int32_t> t_threshold;
  std::vector<double> t_pop, out;
  std::vector<uint16_t> n_model;
  std::vector<hk::FragCandidate> cands;
  std::vector<hk::FragChange> changes;

  FragInputs(std::size_t types, std::size_t nodes) {
    std::mt19937_64 rng(77);
    const std::vector<int64_t> shares{100, 250, 500, 1000};
    thresholds = shares;
    for (std::size_t k = 0; k < types; ++k) {
      t_cpu.push_back(1000 * static_cast<int64_t>(1 + rng() % 16));
      t_mem.push_back(0);
      t_models.push_back(~0ULL);
      t_gpus.push_back(k % 5 == 4 ? 0 : 1);
      t_threshold.push_back(k % 5 == 4 ? -1 : static_cast<int32_t>(rng() % shares.size()));
      t_pop.push_back(1.0 / static_cast<double>(types));
    }
    for (std::size_t i = 0; i < nodes; ++i) {
      std::vector<int64_t> g(8);
      for (int64_t& f : g) f = 100 * static_cast<int64_t>(rng() % 11);
      n_cpu.push_back(96000);
      n_mem.push_back(1 << 20);
      n_model.push_back(static_cast<uint16_t>(rng() % 6));
      int64_t total = 0;
      for (int64_t f : g) total += f;
      n_total.push_back(total);
      for (int64_t th : thresholds) {
        int64_t c = 0, b = 0;
        for (int64_t f : g) (f >= th ? c += 1 : b += f);
        n_count.push_back(c);
        n_below.push_back(b);
      }
      for (std::size_t gi = 0; gi < g.size(); ++gi) {  // a 0.3-GPU task on every GPU that holds it
        if (g[gi] < 300) continue;
        cands.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(changes.size()), 1});
        changes.push_back({g[gi], g[gi] - 300, 1});
      }
    }
    out.resize(cands.size());
  }
  hk::FragTypeTable types() const { return {t_cpu, t_mem, t_models, t_gpus, t_threshold, t_pop, thresholds}; }
  hk::FragNodeTable nodes() const { return {n_cpu, n_mem, n_model, n_total, n_count, n_below}; }
};

void BM_FragmentationCpu(benchmark::State& state) {
  FragInputs in(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)));
  for (auto _ : state) {
    hk::fragmentation_after_cpu(in.types(), in.nodes(), 2000, 0, in.cands, in.changes, in.out);
    benchmark::DoNotOptimize(in.out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(in.cands.size()));
  state.counters["candidates"] = static_cast<double>(in.cands.size());
}

void BM_FragmentationCuda(benchmark::State& state) {
  if (!hk::cuda_available()) {
    state.SkipWithError("no CUDA device (or hetsim built without CUDA)");
    return;
  }
  FragInputs in(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)));
  try {
    hk::CudaFragmentationScorer gpu;
    gpu.score(in.types(), in.nodes(), 2000, 0, in.cands, in.changes, in.out);  // warm-up
    for (auto _ : state) {
      gpu.score(in.types(), in.nodes(), 2000, 0, in.cands, in.changes, in.out);
      benchmark::DoNotOptimize(in.out.data());
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(in.cands.size()));
  state.counters["candidates"] = static_cast<double>(in.cands.size());
}

void frag_sizes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"types", "nodes"});
  b->Args({30, 1213});
  b->Args({200, 6212});
  b->Unit(benchmark::kMicrosecond);
  b->UseRealTime();
}

}  // namespace

BENCHMARK(BM_FragmentationCpu)->Apply(frag_sizes);
BENCHMARK(BM_FragmentationCuda)->Apply(frag_sizes);
