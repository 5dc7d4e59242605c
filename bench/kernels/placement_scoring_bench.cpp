// Placement-scoring throughput: job-node pairs per second (items) and logical
// bytes read (each job scans the whole node table) for the OpenMP reference
// and the CUDA path (end to end: H2D copies + kernel + D2H, buffers reused).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <exception>
#include <random>
#include <vector>

#include "hetsim/kernels/placement_scoring.hpp"

namespace hk = hetsim::kernels;

namespace {

constexpr int64_t kNodeBytes = sizeof(uint8_t) * 2 + sizeof(uint16_t) + sizeof(int64_t) * 2;
constexpr int64_t kJobBytes = sizeof(uint8_t) + sizeof(uint64_t) + sizeof(int64_t) * 2;

struct Inputs {
  std::vector<uint8_t> free_cards, total_cards, cards;
  std::vector<uint16_t> chip;
  std::vector<int64_t> cpu_free, mem_free, cpu, mem;
  std::vector<uint64_t> allowed;
  std::vector<uint32_t> leaf, leaf_free;  // leaves of 32 nodes, as in the Shanghai scenario
  std::vector<hk::BestNode> out;

  Inputs(int64_t m, int64_t n) {
    std::mt19937_64 rng(12345);
    for (int64_t i = 0; i < n; ++i) {
      const auto total = static_cast<uint8_t>(uint64_t{1} << (rng() % 6));  // 1..32
      total_cards.push_back(total);
      free_cards.push_back(static_cast<uint8_t>(rng() % (uint64_t{total} + 1)));
      chip.push_back(static_cast<uint16_t>(rng() % 6));
      cpu_free.push_back(static_cast<int64_t>(rng() % 128000));
      mem_free.push_back(static_cast<int64_t>(rng() % (1 << 20)));
      if (i % 32 == 0) leaf_free.push_back(0);
      leaf.push_back(static_cast<uint32_t>(leaf_free.size() - 1));
      leaf_free.back() += free_cards.back();
    }
    for (int64_t j = 0; j < m; ++j) {
      cards.push_back(static_cast<uint8_t>(uint64_t{1} << (rng() % 4)));  // 1..8
      allowed.push_back(rng() % 4 == 0 ? ~uint64_t{0} : (uint64_t{1} << (rng() % 6)) | 1U);
      cpu.push_back(static_cast<int64_t>(rng() % 32000));
      mem.push_back(static_cast<int64_t>(rng() % (1 << 18)));
    }
    out.resize(static_cast<std::size_t>(m));
  }
  [[nodiscard]] hk::NodeTable nodes() const {
    return {free_cards, total_cards, chip, cpu_free, mem_free, leaf, leaf_free};
  }
  [[nodiscard]] hk::JobBatch jobs() const { return {cards, allowed, cpu, mem}; }
};

void report(benchmark::State& state, int64_t m, int64_t n, hk::PlacementScore kind) {
  // Leaf-pack also reads the node's leaf id and that leaf's free cards.
  const int64_t node_bytes = kNodeBytes + (kind == hk::PlacementScore::LeafPack ? 2 * sizeof(uint32_t) : 0);
  state.SetItemsProcessed(state.iterations() * m * n);
  state.SetBytesProcessed(state.iterations() * (m * n * node_bytes + m * kJobBytes));
  state.counters["jobs"] = static_cast<double>(m);
  state.counters["nodes"] = static_cast<double>(n);
}

void BM_PlacementCpu(benchmark::State& state) {
  const int64_t m = state.range(0);
  const int64_t n = state.range(1);
  const auto kind = static_cast<hk::PlacementScore>(state.range(2));
  Inputs in(m, n);
  for (auto _ : state) {
    hk::score_best_nodes_cpu(in.nodes(), in.jobs(), kind, in.out);
    benchmark::DoNotOptimize(in.out.data());
    benchmark::ClobberMemory();
  }
  report(state, m, n, kind);
}

void BM_PlacementCuda(benchmark::State& state) {
  if (!hk::cuda_available()) {
    state.SkipWithError("no CUDA device (or hetsim built without CUDA)");
    return;
  }
  const int64_t m = state.range(0);
  const int64_t n = state.range(1);
  const auto kind = static_cast<hk::PlacementScore>(state.range(2));
  Inputs in(m, n);
  try {
    hk::CudaPlacementScorer scorer;
    scorer.score(in.nodes(), in.jobs(), kind, in.out);  // warm-up: allocation, module load
    for (auto _ : state) {
      scorer.score(in.nodes(), in.jobs(), kind, in.out);
      benchmark::DoNotOptimize(in.out.data());
      benchmark::ClobberMemory();
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  report(state, m, n, kind);
}

void sizes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"jobs", "nodes", "score"});
  for (int64_t kind : {1, 2, 4}) {  // BestFit, Packing, LeafPack (FirstFit/Spread cost as BestFit/Packing)
    b->Args({64, 1024, kind});
    b->Args({256, 6500, kind});
    b->Args({1024, 6500, kind});
    b->Args(
        {4096, 55000, kind});  // the whole city (55,056 cards in 6,882 nodes is the default; nodes here are 1-32 cards)
  }
  b->Unit(benchmark::kMicrosecond);
  b->UseRealTime();
}

}  // namespace

BENCHMARK(BM_PlacementCpu)->Apply(sizes);
BENCHMARK(BM_PlacementCuda)->Apply(sizes);
