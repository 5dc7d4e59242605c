// The CUDA fragmentation scoring must equal the CPU reference bit for bit on random workloads and
// clusters of many sizes. Every test skips when no CUDA device is present.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "cuda_test.hpp"
#include "hetsim/kernels/fragmentation_scoring.hpp"

namespace hk = hetsim::kernels;

namespace {

class FragmentationGpu : public hk::testing::CudaTest {};

// A random target workload (|M| types, a fifth CPU-only; popularities that do not sum exactly, so
// the order of the sum matters) and a random cluster of n nodes with up to 8 GPUs each; the node
// tables are derived from explicit per-GPU free shares exactly as FragmentationIndex builds them.
struct Case {
  std::vector<int64_t> t_cpu, t_mem, thresholds;
  std::vector<uint64_t> t_models;
  std::vector<uint32_t> t_gpus;
  std::vector<int32_t> t_threshold;
  std::vector<double> t_pop;
  std::vector<int64_t> n_cpu, n_mem, n_total, n_count, n_below;
  std::vector<uint16_t> n_model;
  std::vector<std::vector<int64_t>> gpu_free;
  std::vector<hk::FragCandidate> cands;
  std::vector<hk::FragChange> changes;
  int64_t task_cpu = 0;

  hk::FragTypeTable types() const { return {t_cpu, t_mem, t_models, t_gpus, t_threshold, t_pop, thresholds}; }
  hk::FragNodeTable nodes() const { return {n_cpu, n_mem, n_model, n_total, n_count, n_below}; }
};

Case random_case(std::mt19937_64& rng, std::size_t types, std::size_t n) {
  Case c;
  std::uniform_int_distribution<int> gpus(1, 8), model(0, 5), pct(0, 10);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::vector<int64_t> shares{100, 250, 300, 500, 700, 1000};
  for (std::size_t k = 0; k < types; ++k) {
    const bool cpu_only = k % 5 == 4;
    c.t_cpu.push_back(1000 * (1 + static_cast<int64_t>(rng() % 16)));
    c.t_mem.push_back(0);
    c.t_models.push_back(rng() % 3 == 0 ? ~0ULL : (1ULL << model(rng)) | (1ULL << model(rng)));
    c.t_gpus.push_back(cpu_only ? 0 : static_cast<uint32_t>(1 + rng() % 2));
    c.t_threshold.push_back(cpu_only ? -1 : static_cast<int32_t>(shares[rng() % shares.size()]));  // share for now
    c.t_pop.push_back(u(rng) / static_cast<double>(types) * 1.7);
  }
  for (int64_t s : c.t_threshold)
    if (s >= 0) c.thresholds.push_back(s);
  std::sort(c.thresholds.begin(), c.thresholds.end());
  c.thresholds.erase(std::unique(c.thresholds.begin(), c.thresholds.end()), c.thresholds.end());
  for (int32_t& th : c.t_threshold)
    if (th >= 0)
      th = static_cast<int32_t>(std::lower_bound(c.thresholds.begin(), c.thresholds.end(), th) - c.thresholds.begin());
  const std::size_t d = c.thresholds.size();
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<int64_t> g(static_cast<std::size_t>(gpus(rng)));
    for (int64_t& f : g) f = 100 * pct(rng);
    c.gpu_free.push_back(g);
    c.n_cpu.push_back(1000 * static_cast<int64_t>(rng() % 96));
    c.n_mem.push_back(static_cast<int64_t>(rng() % (1 << 20)));
    c.n_model.push_back(static_cast<uint16_t>(model(rng)));
    int64_t total = 0;
    for (int64_t f : g) total += f;
    c.n_total.push_back(total);
    for (std::size_t t = 0; t < d; ++t) {
      int64_t cnt = 0, bel = 0;
      for (int64_t f : g) (f >= c.thresholds[t] ? cnt += 1 : bel += f);
      c.n_count.push_back(cnt);
      c.n_below.push_back(bel);
    }
  }
  // Candidates: a task of 1 whole GPU or a fraction, on every node that has room, every GPU.
  const int64_t want = rng() % 2 == 0 ? 1000 : 100 * (1 + static_cast<int64_t>(rng() % 9));
  c.task_cpu = 1000 * static_cast<int64_t>(rng() % 8);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t gi = 0; gi < c.gpu_free[i].size(); ++gi) {
      const int64_t f = c.gpu_free[i][gi];
      if (f < want) continue;
      c.cands.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(c.changes.size()), 1});
      c.changes.push_back({f, f - want, 1});
    }
    // Multi-GPU candidates as FGD builds them: whole GPUs with a multiplicity, and two changes.
    const auto whole = std::count(c.gpu_free[i].begin(), c.gpu_free[i].end(), int64_t{1000});
    if (whole >= 2) {
      c.cands.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(c.changes.size()), 1});
      c.changes.push_back({1000, 0, whole});
      c.cands.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(c.changes.size()), 2});
      c.changes.push_back({1000, 0, 1});
      c.changes.push_back({c.gpu_free[i][0], c.gpu_free[i][0] / 2, 1});
    }
  }
  return c;
}

void expect_same(const Case& c, hk::CudaFragmentationScorer& gpu, const char* what) {
  std::vector<double> want(c.cands.size()), got(c.cands.size(), -1.0);
  hk::fragmentation_after_cpu(c.types(), c.nodes(), c.task_cpu, 0, c.cands, c.changes, want);
  gpu.score(c.types(), c.nodes(), c.task_cpu, 0, c.cands, c.changes, got);
  for (std::size_t j = 0; j < want.size(); ++j)
    ASSERT_EQ(std::memcmp(&got[j], &want[j], sizeof(double)), 0)
        << what << " candidate " << j << ": " << got[j] << " vs " << want[j];
}

}  // namespace

TEST_F(FragmentationGpu, RandomWorkloadsAndClustersMatchCpuBitForBit) {
  hk::CudaFragmentationScorer gpu;  // buffers reused and grown across all sizes
  std::size_t compared = 0;
  for (uint64_t seed : {1ULL, 2ULL, 3ULL}) {
    std::mt19937_64 rng(seed);
    for (std::size_t types : {1UL, 5UL, 37UL, 200UL}) {
      for (std::size_t n : {1UL, 3UL, 100UL, 1213UL, 6212UL}) {
        const Case c = random_case(rng, types, n);
        expect_same(c, gpu, "random");
        compared += c.cands.size();
      }
    }
  }
  EXPECT_GT(compared, 100000u);
}

TEST_F(FragmentationGpu, EmptyBatchAndInvalidInputs) {
  hk::CudaFragmentationScorer gpu;
  std::mt19937_64 rng(5);
  Case c = random_case(rng, 5, 10);
  std::vector<double> none;
  gpu.score(c.types(), c.nodes(), 0, 0, {}, c.changes, none);
  c.cands.push_back({999, 0, 0});  // node out of range
  std::vector<double> out(c.cands.size());
  EXPECT_THROW(gpu.score(c.types(), c.nodes(), 0, 0, c.cands, c.changes, out), std::invalid_argument);
}
