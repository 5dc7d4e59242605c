// Index-driven placement on a Shanghai-sized cluster (55,056 cards in 6,882 nodes, 23 pools),
// half of it busy: placements per second for each rule, single-node and gang jobs.
#include <benchmark/benchmark.h>

#include "hetsim/core/rng.hpp"
#include "hetsim/policy/placement/placement.hpp"

using namespace hetsim;

namespace {
struct Fixture {
  ChipCatalog chips;
  Cluster cluster{1};
  PerfParams perf;
  Fixture() {
    for (int c = 0; c < 13; ++c) {
      ChipSpec s;
      s.name = "chip" + std::to_string(c);
      s.bf16_tflops = 300;
      s.mem_gb = 80;
      s.mem_bw_tbs = 2;
      chips.add_or_replace(s);
    }
    cluster = Cluster(chips.size());
    for (int s = 0; s < 4; ++s) cluster.add_site("s" + std::to_string(s));
    cluster.add_provider("p");
    const uint32_t sizes[] = {1250, 128, 128, 512, 256, 256, 128, 128, 128, 128, 256, 512,
                              384,  256, 512, 256, 512, 256, 128, 512, 256, 128, 128};
    int k = 0;
    for (uint32_t n : sizes) {
      cluster.add_pool(static_cast<SiteId>(k % 4), 0, static_cast<ChipId>(k % 13), n, 8, 192000, 1 << 21, 32);
      ++k;
    }
    Rng rng(3);
    for (NodeId n = 0; n < cluster.node_count(); ++n) {
      const auto used = static_cast<uint32_t>(rng.below(9));
      if (used == 0) continue;
      NodeGrant g;
      g.node = n;
      g.card_mask = (1U << used) - 1;
      cluster.allocate({g});
    }
  }
};
}  // namespace

static void BM_FindPlacement(benchmark::State& state) {
  static const Fixture f;
  const auto kind = static_cast<PlacementScore>(state.range(0));
  const auto cards = static_cast<uint32_t>(state.range(1));
  Job j;
  j.cards = cards;
  j.model.params = 1e9;
  j.model.bytes_per_param = 2;
  const PlacementInput in{&f.cluster, &f.chips, &f.perf};
  Allocation a;
  int64_t found = 0;
  for (auto _ : state) {
    found += find_placement(j, in, kind, {}, a);
    benchmark::DoNotOptimize(a.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["found_share"] = static_cast<double>(found) / static_cast<double>(state.iterations());
  state.SetLabel(std::string(placement_name(kind)) + " cards=" + std::to_string(cards));
}
BENCHMARK(BM_FindPlacement)->ArgsProduct({{0, 1, 2, 3, 4}, {1, 8, 64}});
