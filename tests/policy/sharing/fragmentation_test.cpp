// F_n(m), F_n(M), the target workload and the FGD cache, on hand-made nodes (docs/fgd.md).
#include <gtest/gtest.h>

#include <initializer_list>

#include "hetsim/core/rng.hpp"
#include "hetsim/policy/sharing/fragmentation.hpp"

namespace hetsim {
namespace {

SharingNode make_node(std::initializer_list<uint16_t> free, int64_t cpu = 64000, int64_t mem = 262144,
                      uint16_t model = 0) {
  SharingNode n;
  n.cpu_free_milli = cpu;
  n.mem_free_mib = mem;
  n.model = model;
  for (uint16_t f : free) n.gpu_free_milli[n.gpus++] = f;
  return n;
}

SharingTask frac(uint32_t milli, int64_t cpu = 4000, int64_t mem = 0) { return {cpu, mem, 1, milli}; }
SharingTask whole(uint32_t k, int64_t cpu = 4000, int64_t mem = 0) { return {cpu, mem, k, 1000}; }
SharingTask cpu_only(int64_t cpu = 4000) { return {cpu, 0, 0, 0}; }

TEST(Fragmentation, CpuOnlyTypeSeesEveryFreeShareAsFragment) {
  const auto n = make_node({1000, 300, 600});
  EXPECT_EQ(node_fragmentation(n, cpu_only()), 1900.0);
  EXPECT_EQ(node_fragmentation(make_node({}), cpu_only()), 0.0);  // a CPU node has nothing to strand
}

TEST(Fragmentation, TypeThatCannotRunCountsAllFreeGpu) {
  const auto n = make_node({1000, 300, 600}, /*cpu=*/8000, /*mem=*/1024, /*model=*/2);
  EXPECT_EQ(node_fragmentation(n, frac(500, /*cpu=*/8000)), 300.0);         // runs: only GPU1 too small
  EXPECT_EQ(node_fragmentation(n, frac(500, /*cpu=*/8001)), 1900.0);        // by CPU
  EXPECT_EQ(node_fragmentation(n, frac(500, 1000, /*mem=*/1025)), 1900.0);  // by memory
  SharingTask typed = frac(500);
  typed.allowed_models = 1ULL << 1;                 // model 1 only; the node is model 2
  EXPECT_EQ(node_fragmentation(n, typed), 1900.0);  // by GPU type
  typed.allowed_models = (1ULL << 1) | (1ULL << 2);
  EXPECT_EQ(node_fragmentation(n, typed), 300.0);
  EXPECT_EQ(node_fragmentation(n, whole(2)), 1900.0);  // by GPU count: one free GPU
}

TEST(Fragmentation, FractionalTypeStrandsGpusTooSmallForIt) {
  const auto n = make_node({1000, 300, 600, 0, 450});
  EXPECT_EQ(node_fragmentation(n, frac(500)), 300.0 + 450.0);
  EXPECT_EQ(node_fragmentation(n, frac(250)), 0.0);
  EXPECT_EQ(node_fragmentation(n, frac(600)), 750.0);  // free == request is usable
}

TEST(Fragmentation, WholeGpuTypeStrandsPartialGpus) {
  const auto n = make_node({1000, 300, 600, 1000});
  EXPECT_EQ(node_fragmentation(n, whole(1)), 900.0);
  EXPECT_EQ(node_fragmentation(n, whole(2)), 900.0);
  EXPECT_EQ(node_fragmentation(n, whole(3)), 2900.0);  // cannot run: all of it
}

TEST(Fragmentation, WorkloadWeightsTypesByPopularity) {
  const auto n = make_node({1000, 300, 600});
  const std::vector<TaskType> M{{frac(500), 0.5}, {whole(1), 0.3}, {cpu_only(), 0.2}};
  EXPECT_DOUBLE_EQ(node_fragmentation(n, M), 0.5 * 300 + 0.3 * 900 + 0.2 * 1900);
  const std::vector<SharingNode> nodes{n, make_node({1000, 1000})};
  EXPECT_DOUBLE_EQ(cluster_fragmentation(nodes, M), node_fragmentation(nodes[0], M) + node_fragmentation(nodes[1], M));
  EXPECT_EQ(cluster_gpu_milli(nodes), 5000);
}

TEST(TargetWorkload, GroupsByGpuRequestCpuAndTypeAndKeepsThePopularOnes) {
  std::vector<SharingTask> tasks;
  for (int i = 0; i < 5; ++i) tasks.push_back(frac(500, 4000, /*mem=*/i * 100));  // memory not a key
  for (int i = 0; i < 3; ++i) tasks.push_back(whole(1, 8000));
  tasks.push_back(whole(1, 2000));  // other CPU: another type
  SharingTask typed = whole(1, 8000);
  typed.allowed_models = 0b10;  // other GPU-type constraint: another type
  tasks.push_back(typed);

  const auto all = target_workload(tasks);  // 95 %: 9.5 of 10 tasks -> every type
  ASSERT_EQ(all.size(), 4U);
  EXPECT_EQ(all[0].shape, frac(500, 4000, 0));
  EXPECT_DOUBLE_EQ(all[0].popularity, 0.5);
  EXPECT_EQ(all[1].shape, whole(1, 8000));
  EXPECT_DOUBLE_EQ(all[1].popularity, 0.3);
  EXPECT_EQ(all[2].shape.allowed_models, 0b10U);  // equal counts: the larger shape (CPU 8000) first
  EXPECT_EQ(all[3].shape.cpu_milli, 2000);
  EXPECT_EQ(all[3].count, 1U);

  const auto top = target_workload(tasks, {true, 80});  // 8 of 10: the two popular types, renormalised
  ASSERT_EQ(top.size(), 2U);
  EXPECT_DOUBLE_EQ(top[0].popularity, 5.0 / 8.0);
  EXPECT_DOUBLE_EQ(top[1].popularity, 3.0 / 8.0);

  tasks.push_back(cpu_only());
  EXPECT_EQ(target_workload(tasks).size(), 5U);
  EXPECT_EQ(target_workload(tasks, {false, 95}).size(), 4U);
}

TEST(FragmentationIndex, CachedAndDeltaValuesEqualDirectOnesToTheBit) {
  Rng rng(7);
  std::vector<TaskType> M;
  const uint32_t millis[] = {100, 250, 300, 500, 700, 1000};
  for (int i = 0; i < 12; ++i) {
    SharingTask s{static_cast<int64_t>(rng.below(16)) * 1000, static_cast<int64_t>(rng.below(4)) * 1024, 1,
                  millis[rng.below(6)], rng.below(3) == 0 ? 0b01ULL : ~0ULL};
    if (s.gpu_milli == 1000) s.num_gpu = 1U << rng.below(3);
    if (i == 11) s = cpu_only();
    M.push_back({s, 1.0 / 12});
  }
  FragmentationIndex index(M);
  for (int trial = 0; trial < 300; ++trial) {
    SharingNode n;
    n.cpu_free_milli = static_cast<int64_t>(rng.below(33)) * 1000;
    n.mem_free_mib = static_cast<int64_t>(rng.below(8)) * 1024;
    n.model = static_cast<uint16_t>(rng.below(2));
    n.gpus = static_cast<uint8_t>(rng.below(9));
    for (int g = 0; g < n.gpus; ++g) n.gpu_free_milli[g] = static_cast<uint16_t>(rng.below(11) * 100);
    const auto id = static_cast<NodeId>(rng.below(5));
    ASSERT_EQ(index.node(id, n), node_fragmentation(n, M));
    for (const auto& m : M) {
      FragmentationIndex::Batch batch;
      std::vector<double> direct;
      for (const auto& c : candidate_choices(n, m.shape)) {
        ASSERT_EQ(index.after(id, n, m.shape, c), node_fragmentation(after(n, m.shape, c), M));
        FragmentationIndex::add_candidate(batch, id, n, c);
        direct.push_back(node_fragmentation(after(n, m.shape, c), M));
      }
      std::vector<double> batched;
      index.after_batch(m.shape, batch, batched);  // the kernels/ path
      ASSERT_EQ(batched, direct);
    }
  }
}

TEST(NodeState, CandidateChoicesAndAfter) {
  const auto n = make_node({1000, 300, 600, 1000}, 8000, 1024, 3);
  const auto f = candidate_choices(n, frac(500));
  ASSERT_EQ(f.size(), 3U);  // GPUs 0, 2, 3
  EXPECT_EQ(f[0], (GpuChoice{0b0001, 500}));
  EXPECT_EQ(f[1], (GpuChoice{0b0100, 500}));
  EXPECT_EQ(f[2], (GpuChoice{0b1000, 500}));
  EXPECT_EQ(candidate_choices(n, whole(2)), (std::vector<GpuChoice>{{0b1001, 1000}}));
  EXPECT_TRUE(candidate_choices(n, whole(3)).empty());
  EXPECT_TRUE(candidate_choices(n, frac(500, 9000)).empty());
  EXPECT_EQ(candidate_choices(n, cpu_only()), (std::vector<GpuChoice>{{0, 0}}));
  EXPECT_EQ(best_fit_choice(n, frac(500)), (GpuChoice{0b0100, 500}));
  const auto a = after(n, frac(500, 2000, 512), GpuChoice{0b0100, 500});
  EXPECT_EQ(a.gpu_free_milli[2], 100);
  EXPECT_EQ(a.cpu_free_milli, 6000);
  EXPECT_EQ(a.mem_free_mib, 512);
}

}  // namespace
}  // namespace hetsim
