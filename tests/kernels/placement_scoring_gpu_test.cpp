// CUDA placement scoring must equal the OpenMP reference bit for bit.
// Every test skips when no CUDA device is present (or CUDA is not built).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "cuda_test.hpp"
#include "hetsim/kernels/placement_scoring.hpp"
#include "placement_test_data.hpp"

namespace hk = hetsim::kernels;
using hk::BestNode;
using hk::PlacementScore;
using hk::testing::Draw;
using hk::testing::JobData;
using hk::testing::NodeData;

namespace {

class PlacementScoringGpu : public hk::testing::CudaTest {};

std::vector<BestNode> cpu(const NodeData& nd, const JobData& jd, PlacementScore kind) {
  std::vector<BestNode> out(jd.size());
  hk::score_best_nodes_cpu(nd.view(), jd.view(), kind, out);
  return out;
}

}  // namespace

TEST_F(PlacementScoringGpu, RandomTablesMatchCpuBitForBit) {
  hk::CudaPlacementScorer scorer;  // buffers reused and grown across all sizes
  for (uint64_t seed : hk::testing::kSeeds) {
    Draw d(seed);
    for (std::size_t n : hk::testing::kNodeCounts) {
      const NodeData nd = hk::testing::random_nodes(d, n);
      for (std::size_t m : hk::testing::kJobCounts) {
        const JobData jd = hk::testing::random_jobs(d, m);
        for (PlacementScore kind : hk::testing::kAllScores) {
          const std::vector<BestNode> want = cpu(nd, jd, kind);
          std::vector<BestNode> got(m, BestNode{77, 77});
          scorer.score(nd.view(), jd.view(), kind, got);
          ASSERT_EQ(got, want) << "scorer: seed " << seed << " n " << n << " m " << m << " score "
                               << static_cast<int>(kind);
          std::vector<BestNode> once(m, BestNode{77, 77});
          hk::score_best_nodes_cuda(nd.view(), jd.view(), kind, once);
          ASSERT_EQ(once, want) << "free function: seed " << seed << " n " << n << " m " << m;
        }
      }
    }
  }
}

TEST_F(PlacementScoringGpu, LargeBatchAndTies) {
  // Many identical nodes: every job must pick the lowest feasible id.
  NodeData nd;
  for (int i = 0; i < 70000; ++i) nd.add(8, 8, static_cast<uint16_t>(i % 3), 1000, 1000);
  Draw d(5);
  JobData jd = hk::testing::random_jobs(d, 2000);
  for (PlacementScore kind : hk::testing::kAllScores) {
    std::vector<BestNode> got(jd.size());
    hk::score_best_nodes_cuda(nd.view(), jd.view(), kind, got);
    EXPECT_EQ(got, cpu(nd, jd, kind));
  }
}

TEST_F(PlacementScoringGpu, EmptyInputs) {
  NodeData empty_nodes;
  JobData jd;
  jd.add(1, ~uint64_t{0}, 0, 0);
  std::vector<BestNode> got(1, BestNode{3, 3});
  hk::score_best_nodes_cuda(empty_nodes.view(), jd.view(), PlacementScore::Packing, got);
  EXPECT_EQ(got, std::vector<BestNode>(1));
  std::vector<BestNode> none;
  hk::score_best_nodes_cuda(empty_nodes.view(), JobData{}.view(), PlacementScore::Packing, none);
}
