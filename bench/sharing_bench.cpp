// GPU-sharing placement throughput: 10,000 random tasks placed one by one on a random
// 1,213-node cluster (the size of the openb cluster), no departures. Reports tasks/s.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "hetsim/core/rng.hpp"
#include "hetsim/policy/sharing/sharing_policies.hpp"

namespace {

using namespace hetsim;

std::vector<SharingNode> random_cluster(Rng& rng) {
  const uint8_t sizes[] = {0, 1, 2, 4, 8, 8};
  std::vector<SharingNode> nodes(1213);
  for (auto& n : nodes) {
    n.gpus = sizes[rng.below(6)];
    n.model = static_cast<uint16_t>(rng.below(4));
    n.cpu_free_milli = static_cast<int64_t>(32 + 32 * rng.below(3)) * 1000;
    n.mem_free_mib = static_cast<int64_t>(256 + 256 * rng.below(3)) * 1024;
    for (int g = 0; g < n.gpus; ++g) n.gpu_free_milli[g] = 1000;
  }
  return nodes;
}

std::vector<SharingTask> random_tasks(Rng& rng) {
  const uint32_t shares[] = {50, 100, 200, 250, 300, 400, 500, 600, 700, 800};
  std::vector<SharingTask> tasks(10000);
  for (auto& t : tasks) {
    t.cpu_milli = static_cast<int64_t>(1 + rng.below(16)) * 1000;
    t.mem_mib = static_cast<int64_t>(1 + rng.below(32)) * 1024;
    const uint64_t kind = rng.below(100);
    if (kind < 60)
      t.num_gpu = 1, t.gpu_milli = shares[rng.below(10)];
    else if (kind < 85)
      t.num_gpu = 1, t.gpu_milli = 1000;
    else if (kind < 95)
      t.num_gpu = 1U << (1 + rng.below(3)), t.gpu_milli = 1000;
    if (rng.below(10) == 0) t.allowed_models = 1ULL << rng.below(4);
  }
  return tasks;
}

void BM_SharingPlacement(benchmark::State& state, const std::string& policy) {
  Rng gen(42);
  const auto cluster = random_cluster(gen);
  const auto tasks = random_tasks(gen);
  const auto M = target_workload(tasks);
  int64_t placed = 0;
  for (auto _ : state) {
    auto nodes = cluster;
    auto p = make_sharing_placement(policy, M);
    Rng rng(7);
    for (const auto& t : tasks) {
      const auto c = p->place(nodes, t, rng);
      if (!c) continue;
      nodes[c->first] = after(nodes[c->first], t, c->second);
      p->on_placed(c->first, nodes[c->first]);
      ++placed;
    }
    benchmark::DoNotOptimize(nodes.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(tasks.size()));
  state.counters["types"] = static_cast<double>(M.size());
  state.counters["placed"] = static_cast<double>(placed) / static_cast<double>(state.iterations());
}

BENCHMARK_CAPTURE(BM_SharingPlacement, fgd, std::string("fgd"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SharingPlacement, best_fit, std::string("best-fit"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SharingPlacement, dot_product, std::string("dot-product"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SharingPlacement, gpu_packing, std::string("gpu-packing"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SharingPlacement, gpu_clustering, std::string("gpu-clustering"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SharingPlacement, random_fit, std::string("random-fit"))->Unit(benchmark::kMillisecond);

}  // namespace
