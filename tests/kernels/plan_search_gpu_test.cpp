// The CUDA plan search must equal the OpenMP reference bit for bit: every result field and the
// split of every feasible candidate. Every test skips when no CUDA device is present.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "cuda_test.hpp"
#include "hetsim/kernels/plan_search.hpp"

namespace hk = hetsim::kernels;

namespace {

class PlanSearchGpu : public hk::testing::CudaTest {};

struct Batch {
  std::vector<hk::PlanStage> stages;
  std::vector<hk::PlanCandidate> cands;
  uint32_t layers = 1;
};

// Candidates with disjoint, consecutive stage ranges (as the planner builds them). Costs are
// drawn from a few magnitudes so sums round; a third of the candidates repeat one stage, which
// makes many splits tie exactly.
Batch random_batch(std::mt19937_64& rng, std::size_t n, uint32_t layers, uint32_t max_stages, uint32_t max_cap) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::uniform_int_distribution<uint32_t> stage_n(1, max_stages), cap(0, max_cap), mb(1, 64);
  Batch b;
  b.layers = layers;
  for (std::size_t c = 0; c < n; ++c) {
    const uint32_t s = stage_n(rng);
    const auto first = static_cast<uint32_t>(b.stages.size());
    hk::PlanStage proto;
    for (uint32_t j = 0; j < s; ++j) {
      hk::PlanStage st;
      st.per_layer_s = 1e-3 * (0.2 + u(rng)) * (j % 3 == 0 ? 1.7 : 1.0);
      st.fixed_s = 1e-4 * u(rng);
      st.comm_s = j + 1 == s ? 0.0 : 1e-4 * u(rng);
      st.sync_per_layer_s = 1e-4 * u(rng);
      st.sync_fixed_s = 1e-5 * u(rng);
      st.opt_per_layer_s = 1e-5 * u(rng);
      st.max_layers = cap(rng);
      if (j == 0) proto = st;
      hk::PlanStage& added = b.stages.emplace_back(c % 3 == 0 ? proto : st);
      // Every other candidate can hold the model (caps of at least layers / stages); the others'
      // random caps make many of them infeasible, which must be reported the same way.
      if (c % 2 == 0) added.max_layers = std::max(added.max_layers, (layers + s - 1) / s);
    }
    b.cands.push_back({first, s, mb(rng)});
  }
  return b;
}

void expect_same(const Batch& b, hk::CudaPlanEvaluator& gpu, const char* what) {
  std::vector<hk::PlanResult> want(b.cands.size()), got(b.cands.size());
  std::vector<uint32_t> want_split(b.stages.size(), 7777), got_split(b.stages.size(), 7777);
  hk::evaluate_plans_cpu(b.stages, b.cands, b.layers, want, want_split);
  gpu.evaluate(b.stages, b.cands, b.layers, got, got_split);
  std::size_t feasible = 0;
  for (std::size_t c = 0; c < b.cands.size(); ++c) {
    ASSERT_EQ(got[c].feasible, want[c].feasible) << what << " candidate " << c;
    // Bit for bit, not within a tolerance.
    ASSERT_EQ(std::memcmp(&got[c].step_s, &want[c].step_s, sizeof(double)), 0)
        << what << " candidate " << c << ": " << got[c].step_s << " vs " << want[c].step_s;
    ASSERT_EQ(std::memcmp(&got[c].bottleneck_s, &want[c].bottleneck_s, sizeof(double)), 0) << what << " " << c;
    feasible += want[c].feasible ? 1 : 0;
  }
  ASSERT_EQ(got_split, want_split) << what;  // infeasible candidates' entries untouched on both
  EXPECT_GT(feasible, 0u) << what << ": a batch with no feasible candidate tests little";
}

}  // namespace

TEST_F(PlanSearchGpu, RandomBatchesOfManySizesMatchCpuBitForBit) {
  hk::CudaPlanEvaluator gpu;  // buffers reused and grown across all sizes
  for (uint64_t seed : {1ULL, 2ULL, 3ULL}) {
    std::mt19937_64 rng(seed);
    for (std::size_t n : {1UL, 2UL, 31UL, 33UL, 257UL, 4099UL}) {
      for (uint32_t layers : {1U, 7U, 48U, 96U, 126U}) {
        const Batch b = random_batch(rng, n, layers, std::min(layers, 24U), std::max(2U, 3 * layers / 4));
        expect_same(b, gpu, "random");
      }
    }
  }
}

TEST_F(PlanSearchGpu, LargestShapesAndChunkedScratch) {
  hk::CudaPlanEvaluator gpu;
  std::mt19937_64 rng(9);
  // kMaxPlanLayers layers and up to kMaxPlanStages stages: rows of 513 cells, the shared-memory
  // limit; 4,500 such candidates (64.5 stages each on average) need more back-pointer scratch
  // than one launch holds (256 MiB), so the evaluator must split them into chunks.
  const Batch big = random_batch(rng, 4500, hk::kMaxPlanLayers, hk::kMaxPlanStages, 12);
  std::size_t slices = 0;
  for (const auto& c : big.cands) slices += c.stage_count;
  ASSERT_GT(slices * (hk::kMaxPlanLayers + 1) * sizeof(uint16_t), std::size_t{256} << 20);
  expect_same(big, gpu, "largest");
  const Batch one = random_batch(rng, 1, hk::kMaxPlanLayers, hk::kMaxPlanStages, hk::kMaxPlanLayers);
  expect_same(one, gpu, "one candidate, every cap");
}

TEST_F(PlanSearchGpu, EmptyBatchAndFreeFunction) {
  std::vector<hk::PlanStage> st{{1, 0, 0, 0, 0, 0, 5}, {2, 0, 0, 0, 0, 0, 5}};
  std::vector<hk::PlanCandidate> none;
  std::vector<hk::PlanResult> out;
  std::vector<uint32_t> split(st.size());
  hk::evaluate_plans_cuda(st, none, 6, out, split);
  const std::vector<hk::PlanCandidate> c{{0, 2, 4}};
  std::vector<hk::PlanResult> o(1), w(1);
  std::vector<uint32_t> ws(st.size());
  hk::evaluate_plans_cuda(st, c, 6, o, split);
  hk::evaluate_plans_cpu(st, c, 6, w, ws);
  EXPECT_EQ(o[0].step_s, w[0].step_s);
  EXPECT_EQ(split, ws);
  std::vector<hk::PlanResult> wrong(2);
  EXPECT_THROW(hk::evaluate_plans_cuda(st, c, 6, wrong, split), std::invalid_argument);
}
