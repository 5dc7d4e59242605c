// CPU (OpenMP) placement scoring: hand-made cases, random tables against a
// naive loop written here, and input validation.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hetsim/kernels/placement_scoring.hpp"
#include "placement_test_data.hpp"

namespace hk = hetsim::kernels;
using hk::BestNode;
using hk::PlacementScore;
using hk::testing::Draw;
using hk::testing::JobData;
using hk::testing::NodeData;

namespace {

constexpr uint64_t kAnyChip = ~uint64_t{0};

// Independent single-threaded reference: formulas restated, not shared.
std::vector<BestNode> naive(const NodeData& nd, const JobData& jd, PlacementScore kind) {
  std::vector<BestNode> out(jd.size());
  for (std::size_t j = 0; j < jd.size(); ++j) {
    const int64_t c = jd.cards[j];
    for (std::size_t i = 0; i < nd.free_cards.size(); ++i) {
      const int64_t f = nd.free_cards[i];
      const int64_t t = nd.total_cards[i];
      const bool ok = ((jd.allowed_chips[j] >> nd.chip[i]) & 1U) == 1U && f >= c &&
                      nd.cpu_free_milli[i] >= jd.cpu_milli[j] && nd.mem_free_mib[i] >= jd.mem_mib[j];
      if (!ok) continue;
      int64_t s = 0;
      switch (kind) {
        case PlacementScore::FirstFit:
          s = 0;
          break;
        case PlacementScore::BestFit:
          s = c - f;
          break;
        case PlacementScore::Packing:
          s = ((t - f) + c) * 1000000 / t;
          break;
        case PlacementScore::Spread:
          s = (f - c) * 1000000 / t;
          break;
        case PlacementScore::LeafPack:
          s = -((int64_t{nd.leaf_free_cards[nd.leaf[i]]} - c) * 64 + (f - c));
          break;
      }
      if (out[j].node < 0 || s > out[j].score) out[j] = BestNode{static_cast<int32_t>(i), s};
    }
  }
  return out;
}

std::vector<BestNode> run_cpu(const NodeData& nd, const JobData& jd, PlacementScore kind) {
  std::vector<BestNode> out(jd.size(), BestNode{123, 456});  // garbage: every entry must be written
  hk::score_best_nodes_cpu(nd.view(), jd.view(), kind, out);
  return out;
}

BestNode one(const NodeData& nd, uint8_t cards, PlacementScore kind, uint64_t allowed = kAnyChip, int64_t cpu = 0,
             int64_t mem = 0) {
  JobData jd;
  jd.add(cards, allowed, cpu, mem);
  return run_cpu(nd, jd, kind).at(0);
}

// Node 0: 8 cards, 2 free. Node 1: 8 cards, 6 free. Node 2: 4 cards, 2 free. Node 3: 32 cards, 32 free.
NodeData four_nodes() {
  NodeData nd;
  nd.add(2, 8, 0, 64000, 1 << 20);
  nd.add(6, 8, 0, 64000, 1 << 20);
  nd.add(2, 4, 0, 64000, 1 << 20);
  nd.add(32, 32, 0, 64000, 1 << 20);
  return nd;
}

}  // namespace

TEST(PlacementScore, FormulasAreExact) {
  EXPECT_EQ(hk::placement_score(PlacementScore::FirstFit, 5, 8, 2, 0), 0);
  EXPECT_EQ(hk::placement_score(PlacementScore::BestFit, 5, 8, 2, 0), -3);
  EXPECT_EQ(hk::placement_score(PlacementScore::Packing, 5, 8, 2, 0), 625000);  // (8-5+2)/8
  EXPECT_EQ(hk::placement_score(PlacementScore::Spread, 5, 8, 2, 0), 375000);   // (5-2)/8
  EXPECT_EQ(hk::placement_score(PlacementScore::Packing, 3, 3, 1, 0), 333333);  // integer division truncates
  EXPECT_EQ(hk::placement_score(PlacementScore::Spread, 3, 3, 1, 0), 666666);
  static_assert(hk::placement_score(PlacementScore::Packing, 32, 32, 32, 0) == 1000000);
  // Leaf-pack: leaf leftover x 64 + node leftover, negated; the leaf term dominates.
  EXPECT_EQ(hk::placement_score(PlacementScore::LeafPack, 5, 8, 2, 20), -(18 * 64 + 3));
  static_assert(hk::placement_score(PlacementScore::LeafPack, 31, 32, 1, 31) >
                hk::placement_score(PlacementScore::LeafPack, 1, 32, 1, 32));
  static_assert(hk::placement_better(0, 1, hk::kNoScore, -1));
  static_assert(!hk::placement_better(0, 3, 0, 2));
  static_assert(hk::placement_better(0, 2, 0, 3));
  static_assert(!hk::placement_better(5, -1, 0, 0));
}

TEST(PlacementScoringCpu, FirstFitTakesLowestFeasibleId) {
  const NodeData nd = four_nodes();
  EXPECT_EQ(one(nd, 1, PlacementScore::FirstFit), (BestNode{0, 0}));
  EXPECT_EQ(one(nd, 3, PlacementScore::FirstFit), (BestNode{1, 0}));
  EXPECT_EQ(one(nd, 7, PlacementScore::FirstFit), (BestNode{3, 0}));
}

TEST(PlacementScoringCpu, BestFitMinimisesLeftoverCards) {
  const NodeData nd = four_nodes();
  EXPECT_EQ(one(nd, 2, PlacementScore::BestFit), (BestNode{0, 0}));  // nodes 0 and 2 tie at 0 -> lower id
  EXPECT_EQ(one(nd, 5, PlacementScore::BestFit), (BestNode{1, -1}));
  EXPECT_EQ(one(nd, 20, PlacementScore::BestFit), (BestNode{3, -12}));
}

TEST(PlacementScoringCpu, PackingMaximisesAllocatedFraction) {
  const NodeData nd = four_nodes();
  // 1 card: node0 (6+1)/8=875000, node1 3/8=375000, node2 (2+1)/4=750000, node3 1/32=31250.
  EXPECT_EQ(one(nd, 1, PlacementScore::Packing), (BestNode{0, 875000}));
  // 2 cards: node0 8/8, node2 4/4 -> tie at 1'000'000 -> node 0.
  EXPECT_EQ(one(nd, 2, PlacementScore::Packing), (BestNode{0, 1000000}));
  // Node 0 excluded by chip: node 2 wins.
  NodeData nd2 = four_nodes();
  nd2.chip[0] = 5;
  EXPECT_EQ(one(nd2, 2, PlacementScore::Packing, uint64_t{1}), (BestNode{2, 1000000}));
}

TEST(PlacementScoringCpu, SpreadMaximisesFreeFraction) {
  const NodeData nd = four_nodes();
  EXPECT_EQ(one(nd, 1, PlacementScore::Spread), (BestNode{3, 968750}));  // 31/32
  NodeData nd2 = four_nodes();
  nd2.mem_free_mib[3] = 0;
  // 1 card: node0 1/8=125000, node1 5/8=625000, node2 1/4=250000.
  EXPECT_EQ(one(nd2, 1, PlacementScore::Spread, kAnyChip, 0, 1), (BestNode{1, 625000}));
}

TEST(PlacementScoringCpu, LeafPackPrefersTheFullestLeafThatFits) {
  // Leaf 0: nodes 0 (2 free of 8) and 1 (6 free): 8 free. Leaf 1: nodes 2 (4 free) and 3 (0 free): 4 free.
  NodeData nd;
  nd.add_in_leaf(2, 8, 0, 64000, 1 << 20, true);
  nd.add_in_leaf(6, 8, 0, 64000, 1 << 20, false);
  nd.add_in_leaf(4, 8, 0, 64000, 1 << 20, true);
  nd.add_in_leaf(0, 8, 0, 64000, 1 << 20, false);
  ASSERT_EQ(nd.leaf_free_cards, (std::vector<uint32_t>{8, 4}));
  // 2 cards: node 0 is the exact fit, but node 2's leaf is fuller: -((4-2)*64 + 2).
  EXPECT_EQ(one(nd, 2, PlacementScore::LeafPack), (BestNode{2, -130}));
  EXPECT_EQ(one(nd, 2, PlacementScore::BestFit), (BestNode{0, 0}));
  // 5 cards fit only node 1.
  EXPECT_EQ(one(nd, 5, PlacementScore::LeafPack), (BestNode{1, -(3 * 64 + 1)}));
  // Within one leaf, best fit: 1 card goes to node 2 (leaf 1), not to the emptier leaf 0.
  EXPECT_EQ(one(nd, 1, PlacementScore::LeafPack), (BestNode{2, -(3 * 64 + 3)}));
}

TEST(PlacementScoringCpu, TieBreakIsLowestNodeIdEverywhere) {
  NodeData nd;
  for (int i = 0; i < 1000; ++i) nd.add(4, 8, static_cast<uint16_t>(i % 2), 1000, 1000);
  for (PlacementScore kind : hk::testing::kAllScores) {
    EXPECT_EQ(one(nd, 2, kind).node, 0);
    EXPECT_EQ(one(nd, 2, kind, uint64_t{1} << 1).node, 1);  // only odd ids carry chip 1
  }
}

TEST(PlacementScoringCpu, InfeasibleGivesMinusOne) {
  NodeData nd;
  nd.add(4, 8, 3, 8000, 4096);
  const BestNode none{};
  for (PlacementScore kind : hk::testing::kAllScores) {
    EXPECT_EQ(one(nd, 4, kind, uint64_t{1} << 3, 8000, 4096).node, 0) << "baseline feasible (all bounds inclusive)";
    EXPECT_EQ(one(nd, 4, kind, ~(uint64_t{1} << 3), 8000, 4096), none) << "chip mask";
    EXPECT_EQ(one(nd, 5, kind, kAnyChip, 8000, 4096), none) << "cards";
    EXPECT_EQ(one(nd, 4, kind, kAnyChip, 8001, 4096), none) << "cpu";
    EXPECT_EQ(one(nd, 4, kind, kAnyChip, 8000, 4097), none) << "mem";
    EXPECT_EQ(one(nd, 1, kind, 0), none) << "empty mask";
  }
  EXPECT_EQ(none.node, -1);
  EXPECT_EQ(none.score, std::numeric_limits<int64_t>::min());
}

TEST(PlacementScoringCpu, EmptyInputs) {
  NodeData empty_nodes;
  JobData jd;
  jd.add(1, kAnyChip, 0, 0);
  jd.add(2, kAnyChip, 0, 0);
  for (PlacementScore kind : hk::testing::kAllScores) {
    EXPECT_EQ(run_cpu(empty_nodes, jd, kind), (std::vector<BestNode>(2)));
    EXPECT_TRUE(run_cpu(four_nodes(), JobData{}, kind).empty());
  }
}

TEST(PlacementScoringCpu, HighChipIdsUseTheWholeMask) {
  NodeData nd;
  nd.add(1, 1, 63, 0, 0);
  nd.add(1, 1, 0, 0, 0);
  EXPECT_EQ(one(nd, 1, PlacementScore::FirstFit, uint64_t{1} << 63).node, 0);
  EXPECT_EQ(one(nd, 1, PlacementScore::FirstFit, ~(uint64_t{1} << 63)).node, 1);
}

TEST(PlacementScoringCpu, RandomTablesMatchNaiveLoop) {
  std::size_t checked = 0;
  std::size_t feasible = 0;
  for (uint64_t seed : hk::testing::kSeeds) {
    Draw d(seed);
    for (std::size_t n : hk::testing::kNodeCounts) {
      const NodeData nd = hk::testing::random_nodes(d, n);
      for (std::size_t m : hk::testing::kJobCounts) {
        const JobData jd = hk::testing::random_jobs(d, m);
        for (PlacementScore kind : hk::testing::kAllScores) {
          const std::vector<BestNode> want = naive(nd, jd, kind);
          const std::vector<BestNode> got = run_cpu(nd, jd, kind);
          ASSERT_EQ(got, want) << "seed " << seed << " n " << n << " m " << m << " score " << static_cast<int>(kind);
          for (const BestNode& b : got) feasible += b.node >= 0 ? 1U : 0U;
          checked += m;
        }
      }
    }
  }
  // The generator must exercise both outcomes.
  EXPECT_GT(feasible, checked / 4);
  EXPECT_LT(feasible, checked);
}

TEST(PlacementScoringCpu, RepeatedRunsAreIdentical) {
  Draw d(7);
  const NodeData nd = hk::testing::random_nodes(d, 5000);
  const JobData jd = hk::testing::random_jobs(d, 300);
  for (PlacementScore kind : hk::testing::kAllScores) {
    const std::vector<BestNode> first = run_cpu(nd, jd, kind);
    for (int r = 0; r < 3; ++r) EXPECT_EQ(run_cpu(nd, jd, kind), first);
  }
}

TEST(PlacementScoringCpu, SingleJobHelperMatchesBatch) {
  Draw d(11);
  const NodeData nd = hk::testing::random_nodes(d, 777);
  const JobData jd = hk::testing::random_jobs(d, 50);
  for (PlacementScore kind : hk::testing::kAllScores) {
    const std::vector<BestNode> batch = run_cpu(nd, jd, kind);
    for (std::size_t j = 0; j < jd.size(); ++j) {
      EXPECT_EQ(
          hk::best_node_for_job(nd.view(), kind, jd.cards[j], jd.allowed_chips[j], jd.cpu_milli[j], jd.mem_mib[j]),
          batch[j]);
    }
  }
}

namespace {

template <typename Mutate>
void expect_invalid(Mutate mutate, const std::string& needle) {
  NodeData nd = four_nodes();
  JobData jd;
  jd.add(1, kAnyChip, 0, 0);
  jd.add(2, kAnyChip, 0, 0);
  std::vector<BestNode> out(2);
  PlacementScore kind = PlacementScore::BestFit;
  mutate(nd, jd, out, kind);
  try {
    hk::score_best_nodes_cpu(nd.view(), jd.view(), kind, out);
    ADD_FAILURE() << "expected std::invalid_argument mentioning '" << needle << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
  // The CUDA entry point validates first too, whatever the build.
  EXPECT_THROW(hk::score_best_nodes_cuda(nd.view(), jd.view(), kind, out), std::invalid_argument);
}

}  // namespace

TEST(PlacementScoringCpu, InvalidInputsThrow) {
  using V = std::vector<BestNode>;
  expect_invalid([](NodeData& n, JobData&, V&, PlacementScore&) { n.total_cards.pop_back(); }, "total_cards");
  expect_invalid([](NodeData& n, JobData&, V&, PlacementScore&) { n.chip.push_back(0); }, "chip");
  expect_invalid([](NodeData& n, JobData&, V&, PlacementScore&) { n.cpu_free_milli.pop_back(); }, "cpu_free_milli");
  expect_invalid([](NodeData& n, JobData&, V&, PlacementScore&) { n.mem_free_mib.clear(); }, "mem_free_mib");
  expect_invalid([](NodeData&, JobData& j, V&, PlacementScore&) { j.allowed_chips.pop_back(); }, "allowed_chips");
  expect_invalid([](NodeData&, JobData& j, V&, PlacementScore&) { j.cpu_milli.push_back(1); }, "cpu_milli");
  expect_invalid([](NodeData&, JobData& j, V&, PlacementScore&) { j.mem_mib.pop_back(); }, "mem_mib");
  expect_invalid([](NodeData&, JobData&, V& o, PlacementScore&) { o.pop_back(); }, "output span");
  expect_invalid([](NodeData&, JobData&, V& o, PlacementScore&) { o.resize(3); }, "output span");
  expect_invalid([](NodeData&, JobData&, V&, PlacementScore& k) { k = static_cast<PlacementScore>(5); },
                 "PlacementScore");
  // Leaf-pack reads the topology spans, the other rules do not.
  expect_invalid(
      [](NodeData& n, JobData&, V&, PlacementScore& k) {
        k = PlacementScore::LeafPack;
        n.leaf.pop_back();
      },
      "NodeTable.leaf has 3");
  expect_invalid(
      [](NodeData& n, JobData&, V&, PlacementScore& k) {
        k = PlacementScore::LeafPack;
        n.leaf[2] = 1;
      },
      "leaf 1 is outside");
  expect_invalid(
      [](NodeData& n, JobData&, V&, PlacementScore& k) {
        k = PlacementScore::LeafPack;
        n.leaf_free_cards[0] = 5;
      },
      "fewer than the node's");
  expect_invalid([](NodeData& n, JobData&, V&, PlacementScore&) { n.total_cards[1] = 0; }, "total_cards 0");
  expect_invalid(
      [](NodeData& n, JobData&, V&, PlacementScore&) {
        n.total_cards[3] = 33;
        n.free_cards[3] = 1;
      },
      "total_cards 33");
  expect_invalid([](NodeData& n, JobData&, V&, PlacementScore&) { n.free_cards[0] = 9; }, "exceeds");
  expect_invalid([](NodeData& n, JobData&, V&, PlacementScore&) { n.chip[2] = 64; }, "chip id 64");
  expect_invalid([](NodeData&, JobData& j, V&, PlacementScore&) { j.cards[1] = 0; }, "cards 0");
  expect_invalid([](NodeData&, JobData& j, V&, PlacementScore&) { j.cards[0] = 33; }, "cards 33");
}

TEST(PlacementScoringCpu, NodeLocalRulesIgnoreMissingTopology) {
  NodeData nd = four_nodes();
  nd.leaf.clear();
  nd.leaf_free_cards.clear();
  EXPECT_EQ(one(nd, 2, PlacementScore::BestFit), (BestNode{0, 0}));
}

TEST(PlacementScoringCuda, StubOrDeviceContract) {
  // Without a device, the CUDA entry points report it with std::runtime_error.
  if (hk::cuda_available()) GTEST_SKIP() << "device present; covered by test_kernels_gpu";
  const NodeData nd = four_nodes();
  JobData jd;
  jd.add(1, kAnyChip, 0, 0);
  std::vector<BestNode> out(1);
  EXPECT_THROW(hk::score_best_nodes_cuda(nd.view(), jd.view(), PlacementScore::FirstFit, out), std::runtime_error);
  EXPECT_THROW(hk::CudaPlacementScorer{}, std::runtime_error);
}
