// kernels/fragmentation_scoring: the scalar rule on hand-computed nodes, the batched CPU path, and
// the input checks.
#include <gtest/gtest.h>

#include <vector>

#include "hetsim/kernels/fragmentation_scoring.hpp"

namespace hk = hetsim::kernels;

namespace {

// M = {CPU-only (p 0.5), one GPU with >= 600 milli and 4 cores (p 0.5)}; thresholds {600}.
struct Fixture {
  std::vector<int64_t> cpu{0, 4000}, mem{0, 0};
  std::vector<uint64_t> models{~0ULL, 1ULL << 1};  // the GPU type runs on model 1 only
  std::vector<uint32_t> gpus{0, 1};
  std::vector<int32_t> threshold{-1, 0};
  std::vector<double> pop{0.5, 0.5};
  std::vector<int64_t> thresholds{600};
  // Node 0: model 1, 8 cores, GPUs free {1000, 500, 0}; node 1: same GPUs, model 2.
  std::vector<int64_t> cpu_free{8000, 8000}, mem_free{1024, 1024};
  std::vector<uint16_t> model{1, 2};
  std::vector<int64_t> total{1500, 1500};
  std::vector<int64_t> count{1, 1};      // GPUs with free >= 600
  std::vector<int64_t> below{500, 500};  // free share of the others
  hk::FragTypeTable types() const { return {cpu, mem, models, gpus, threshold, pop, thresholds}; }
  hk::FragNodeTable nodes() const { return {cpu_free, mem_free, model, total, count, below}; }
};

TEST(FragmentationKernel, NodeValueFollowsTheDefinition) {
  const Fixture f;
  // Node 0: CPU-only type sees all 1500; the GPU type runs (GPU 0 holds 600) and strands 500.
  EXPECT_DOUBLE_EQ(hk::fragmentation_after(f.types(), f.nodes(), 0, 0, 0, nullptr, 0), 0.5 * 1500 + 0.5 * 500);
  // Node 1: wrong model for the GPU type, so everything is fragment for it.
  EXPECT_DOUBLE_EQ(hk::fragmentation_after(f.types(), f.nodes(), 1, 0, 0, nullptr, 0), 1500.0);
}

TEST(FragmentationKernel, CandidatesMoveGpusBetweenUsableAndStranded) {
  const Fixture f;
  // 600 milli taken from GPU 0: 1000 -> 400; nothing holds 600 any more, so all 900 is fragment.
  const hk::FragChange take{1000, 400, 1};
  EXPECT_DOUBLE_EQ(hk::fragmentation_after(f.types(), f.nodes(), 0, 0, 0, &take, 1), 900.0);
  // 400 milli taken from GPU 0 (1000 -> 600) keeps it usable: 0.5 * 1100 + 0.5 * 500.
  const hk::FragChange small{1000, 600, 1};
  EXPECT_DOUBLE_EQ(hk::fragmentation_after(f.types(), f.nodes(), 0, 0, 0, &small, 1), 800.0);
  // The same change plus 5 cores: 3 left < 4 needed, so the GPU type cannot run.
  EXPECT_DOUBLE_EQ(hk::fragmentation_after(f.types(), f.nodes(), 0, 5000, 0, &small, 1), 1100.0);
}

TEST(FragmentationKernel, BatchEqualsTheScalarRuleInCandidateOrder) {
  const Fixture f;
  const std::vector<hk::FragChange> changes{{1000, 400, 1}, {500, 100, 1}, {1000, 0, 1}};
  const std::vector<hk::FragCandidate> cands{{0, 0, 1}, {0, 1, 1}, {1, 2, 1}, {0, 0, 0}, {1, 0, 2}};
  std::vector<double> out(cands.size());
  hk::fragmentation_after_cpu(f.types(), f.nodes(), 1000, 0, cands, changes, out);
  for (std::size_t j = 0; j < cands.size(); ++j)
    EXPECT_EQ(out[j], hk::fragmentation_after(f.types(), f.nodes(), cands[j].node, 1000, 0,
                                              changes.data() + cands[j].first_change, cands[j].change_count))
        << j;
}

TEST(FragmentationKernel, BadInputsAreRefusedWithAReason) {
  const Fixture f;
  const std::vector<hk::FragChange> changes{{1000, 400, 1}};
  std::vector<double> out(1);
  auto expect_throw = [&](const std::vector<hk::FragCandidate>& c, std::vector<double>& o, const char* what) {
    try {
      hk::fragmentation_after_cpu(f.types(), f.nodes(), 0, 0, c, changes, o);
      ADD_FAILURE() << "no throw for " << what;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  expect_throw({{2, 0, 1}}, out, "names node 2");
  expect_throw({{0, 0, 2}}, out, "changes outside");
  std::vector<double> none;
  expect_throw({{0, 0, 1}}, none, "out has 0 entries");
  Fixture g;
  g.threshold[1] = 3;
  std::vector<hk::FragCandidate> c{{0, 0, 1}};
  EXPECT_THROW(hk::fragmentation_after_cpu(g.types(), g.nodes(), 0, 0, c, changes, out), std::invalid_argument);
  g = Fixture{};
  g.count.pop_back();
  EXPECT_THROW(hk::fragmentation_after_cpu(g.types(), g.nodes(), 0, 0, c, changes, out), std::invalid_argument);
}

}  // namespace

TEST(FragmentationKernel, CudaStubOrDeviceContract) {
  if (hk::cuda_available()) GTEST_SKIP() << "device present; covered by test_kernels_gpu";
  EXPECT_THROW(hk::CudaFragmentationScorer{}, std::runtime_error);
}
