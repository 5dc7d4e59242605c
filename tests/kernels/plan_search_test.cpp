// kernels/plan_search: the layer split against brute force on small cases, the step time, inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "hetsim/kernels/plan_search.hpp"

namespace hk = hetsim::kernels;

namespace {

double stage_u(const hk::PlanStage& s, uint32_t l) { return l * s.per_layer_s + s.fixed_s + s.comm_s; }

// Every composition of `layers` into stages.size() positive parts within the caps; the best
// (bottleneck, then sum). Returns {inf, inf} when none fits.
std::pair<double, double> brute_force(const std::vector<hk::PlanStage>& st, uint32_t layers) {
  std::pair<double, double> best{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  std::vector<uint32_t> split(st.size());
  std::function<void(std::size_t, uint32_t)> rec = [&](std::size_t j, uint32_t left) {
    if (j + 1 == st.size()) {
      if (left < 1 || left > st[j].max_layers) return;
      split[j] = left;
      double mx = 0, sum = 0;
      for (std::size_t k = 0; k < st.size(); ++k)
        mx = std::max(mx, stage_u(st[k], split[k])), sum += stage_u(st[k], split[k]);
      if (mx < best.first || (mx == best.first && sum < best.second)) best = {mx, sum};
      return;
    }
    for (uint32_t l = 1; l <= st[j].max_layers && l + (st.size() - j - 1) <= left; ++l) {
      split[j] = l;
      rec(j + 1, left - l);
    }
  };
  rec(0, layers);
  return best;
}

TEST(PlanSearch, LayerSplitMatchesBruteForceOnSmallCases) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> speed(0.5, 3.0), extra(0.0, 2.0);
  std::uniform_int_distribution<uint32_t> stages_n(1, 4), layers_n(1, 12), cap(0, 8);
  int feasible = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<hk::PlanStage> st(stages_n(rng));
    for (auto& s : st)
      s.per_layer_s = speed(rng), s.fixed_s = extra(rng), s.comm_s = extra(rng) / 4, s.max_layers = cap(rng);
    if (trial % 3 == 0)  // exact ties: identical stages
      for (auto& s : st) s = st[0];
    const uint32_t L = layers_n(rng);
    std::vector<uint32_t> split(st.size());
    const bool ok = hk::partition_layers(st, L, split);
    const auto bf = brute_force(st, L);
    ASSERT_EQ(ok, bf.first != std::numeric_limits<double>::infinity()) << trial;
    if (!ok) continue;
    ++feasible;
    uint32_t sum_l = 0;
    double mx = 0, sum = 0;
    for (std::size_t j = 0; j < st.size(); ++j) {
      EXPECT_GE(split[j], 1u);
      EXPECT_LE(split[j], st[j].max_layers);
      sum_l += split[j];
      mx = std::max(mx, stage_u(st[j], split[j]));
      sum += stage_u(st[j], split[j]);
    }
    EXPECT_EQ(sum_l, L);
    EXPECT_DOUBLE_EQ(mx, bf.first) << trial;
    EXPECT_NEAR(sum, bf.second, 1e-9) << trial;
  }
  EXPECT_GT(feasible, 500);
}

TEST(PlanSearch, StepTimeIsTheOneFOneBFormula) {
  const std::vector<hk::PlanStage> st{{1.0, 0.5, 0.25, 0.1, 0.2, 0.01, 10}, {2.0, 0.0, 0.0, 0.3, 0.0, 0.02, 10}};
  const std::vector<uint32_t> split{4, 2};
  const hk::PlanResult r = hk::plan_step_time(st, split, 8);
  // u0 = 4 + 0.5 + 0.25 = 4.75, u1 = 4; (8-1) * 4.75 + 8.75 + max(0.6, 0.6) + max(0.04, 0.04)
  EXPECT_DOUBLE_EQ(r.bottleneck_s, 4.75);
  EXPECT_DOUBLE_EQ(r.step_s, 7 * 4.75 + 8.75 + 0.6 + 0.04);
}

TEST(PlanSearch, BatchEqualsSingleCandidatesAndChecksInputs) {
  std::vector<hk::PlanStage> st{{1, 0, 0, 0, 0, 0, 5}, {2, 0, 0, 0, 0, 0, 5}, {1, 1, 0, 0, 0, 0, 3}};
  const std::vector<hk::PlanCandidate> c{{0, 2, 4}, {0, 3, 2}, {2, 1, 1}};
  std::vector<hk::PlanResult> out(c.size());
  std::vector<uint32_t> split(st.size());
  hk::evaluate_plans_cpu(st, c, 6, out, split);
  EXPECT_TRUE(out[0].feasible);
  EXPECT_TRUE(out[1].feasible);
  EXPECT_FALSE(out[2].feasible);  // 6 layers, one stage capped at 3
  std::vector<uint32_t> one(2);
  ASSERT_TRUE(hk::partition_layers(std::span(st).subspan(0, 2), 6, one));
  EXPECT_EQ(out[0].step_s, hk::plan_step_time(std::span(st).subspan(0, 2), one, 4).step_s);
  std::vector<hk::PlanResult> wrong(1);
  EXPECT_THROW(hk::evaluate_plans_cpu(st, c, 6, wrong, split), std::invalid_argument);
  const std::vector<hk::PlanCandidate> outside{{2, 2, 1}};
  std::vector<hk::PlanResult> o1(1);
  EXPECT_THROW(hk::evaluate_plans_cpu(st, outside, 6, o1, split), std::invalid_argument);
  const std::vector<hk::PlanCandidate> zero_m{{0, 1, 0}};
  EXPECT_THROW(hk::evaluate_plans_cpu(st, zero_m, 6, o1, split), std::invalid_argument);
  EXPECT_THROW(hk::evaluate_plans_cpu(st, c, 0, out, split), std::invalid_argument);
}

}  // namespace

TEST(PlanSearch, CudaStubOrDeviceContract) {
  // Without a device, the CUDA entry points validate first, then report the missing device.
  if (hk::cuda_available()) GTEST_SKIP() << "device present; covered by test_kernels_gpu";
  const std::vector<hk::PlanStage> st{{1, 0, 0, 0, 0, 0, 5}};
  const std::vector<hk::PlanCandidate> c{{0, 1, 1}};
  std::vector<hk::PlanResult> out(1), wrong(2);
  std::vector<uint32_t> split(1);
  EXPECT_THROW(hk::evaluate_plans_cuda(st, c, 4, wrong, split), std::invalid_argument);
  EXPECT_THROW(hk::evaluate_plans_cuda(st, c, 4, out, split), std::runtime_error);
  EXPECT_THROW(hk::CudaPlanEvaluator{}, std::runtime_error);
}
