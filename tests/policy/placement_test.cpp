#include <gtest/gtest.h>

#include <random>

#include "../support/mini_model.hpp"
#include "hetsim/kernels/placement_scoring.hpp"
#include "hetsim/policy/placement/placement.hpp"

using namespace hetsim;

namespace {
NodeGrant take(const Cluster& c, NodeId n, uint32_t cards) {
  NodeGrant g;
  g.node = n;
  uint32_t mask = c.node_free_mask(n), out = 0;
  for (uint32_t i = 0; i < cards; ++i) {
    out |= mask & (~mask + 1);
    mask &= mask - 1;
  }
  g.card_mask = out;
  return g;
}

// pool 0: nodes 0..2 (8 cards, "fast"); pool 1: node 3 (4 cards, "fast").
// Free cards: n0 8, n1 4, n2 0, n3 3.
SimulationModel placement_fixture() {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 3, 8, 128000, 1 << 20, 4);
  m.cluster.add_pool(0, 0, 0, 1, 4, 128000, 1 << 20, 4);
  m.cluster.allocate({take(m.cluster, 1, 4)});
  m.cluster.allocate({take(m.cluster, 2, 8)});
  m.cluster.allocate({take(m.cluster, 3, 1)});
  test::finish_topology(m);
  return m;
}

NodeId place_on(const SimulationModel& m, PlacementScore kind, uint32_t cards) {
  Job j = test::timed_job(0, 0, cards, 10);
  Allocation a;
  PlacementInput in{&m.cluster, &m.chips, &m.perf};
  EXPECT_TRUE(find_placement(j, in, kind, {}, a));
  EXPECT_EQ(a.size(), 1u);
  return a.front().node;
}
}  // namespace

TEST(Placement, EachRuleChoosesWhatItsDefinitionSays) {
  const SimulationModel m = placement_fixture();
  // 2 cards: leftovers n0 6, n1 2, n3 1; allocated share after n0 .25, n1 .75, n3 .75.
  EXPECT_EQ(place_on(m, PlacementScore::FirstFit, 2), 0u);  // lowest id
  EXPECT_EQ(place_on(m, PlacementScore::BestFit, 2), 3u);   // least leftover cards
  EXPECT_EQ(place_on(m, PlacementScore::Packing, 2), 1u);   // highest share after, tie -> lower id
  EXPECT_EQ(place_on(m, PlacementScore::Spread, 2), 0u);    // most free share left
  // 4 cards: n3 cannot hold it.
  EXPECT_EQ(place_on(m, PlacementScore::BestFit, 4), 1u);
}

TEST(Placement, RespectsChipMemoryCpuAndCaps) {
  SimulationModel m = placement_fixture();
  PlacementInput in{&m.cluster, &m.chips, &m.perf};
  Allocation a;
  Job j = test::timed_job(0, 0, 2, 10);
  j.allowed_chips = 1ULL << 1;  // only "slow", which has no pool
  EXPECT_FALSE(find_placement(j, in, PlacementScore::FirstFit, {}, a));
  j.allowed_chips = ~0ULL;
  j.model.params = 1e12;  // 2 TB of weights: fits no card
  EXPECT_FALSE(find_placement(j, in, PlacementScore::FirstFit, {}, a));
  j = test::timed_job(0, 0, 2, 10);
  j.cpu_milli_per_card = 100000;  // 200 cores: more than any node
  EXPECT_FALSE(find_placement(j, in, PlacementScore::FirstFit, {}, a));
  j = test::timed_job(0, 0, 2, 10);
  const NodeCap caps[] = {{0, 1}, {1, 0}};  // n0 may give 1 card, n1 none
  ASSERT_TRUE(find_placement(j, in, PlacementScore::FirstFit, caps, a));
  EXPECT_EQ(a.front().node, 3u);
}

TEST(Placement, GangsTakeWholeNodesInOnePoolAndSpanSitesOnlyWhenAllowed) {
  SimulationModel m = test::mini_model(2);
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 4);  // site0: 16 cards
  m.cluster.add_pool(1, 0, 0, 2, 8, 128000, 1 << 20, 4);  // site1: 16 cards
  test::finish_topology(m);
  PlacementInput in{&m.cluster, &m.chips, &m.perf};
  Allocation a;
  Job j = test::timed_job(0, 0, 16, 10);
  ASSERT_TRUE(find_placement(j, in, PlacementScore::FirstFit, {}, a));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(m.cluster.node_site(a[0].node), m.cluster.node_site(a[1].node));
  EXPECT_EQ(allocation_cards(a), 16u);
  j = test::timed_job(0, 0, 24, 10);
  EXPECT_FALSE(find_placement(j, in, PlacementScore::FirstFit, {}, a));
  j.allow_cross_site = true;
  ASSERT_TRUE(find_placement(j, in, PlacementScore::FirstFit, {}, a));
  EXPECT_EQ(allocation_cards(a), 24u);
  EXPECT_EQ(a.size(), 3u);
}

// The index-driven search and the batched kernel's CPU reference implement one definition:
// on random cluster states they must choose the same node for every single-node job.
TEST(Placement, IndexSearchEqualsKernelReferenceOnRandomStates) {
  std::mt19937_64 gen(11);
  for (int trial = 0; trial < 40; ++trial) {
    SimulationModel m = test::mini_model(2);
    const int pools = 1 + static_cast<int>(gen() % 5);
    for (int p = 0; p < pools; ++p) {
      const uint8_t cpn = static_cast<uint8_t>((gen() % 2) ? 8 : 4);
      m.cluster.add_pool(static_cast<SiteId>(gen() % 2), 0, static_cast<ChipId>(gen() % 2),
                         1 + static_cast<uint32_t>(gen() % 30), cpn, 64000, 1 << 20,
                         1 + static_cast<uint32_t>(gen() % 6));  // leaves of 1-6 nodes, some partial
    }
    test::finish_topology(m);
    for (NodeId n = 0; n < m.cluster.node_count(); ++n) {
      const uint32_t used = static_cast<uint32_t>(gen() % (m.cluster.node_cards(n) + 1));
      if (used > 0) {
        NodeGrant g = take(m.cluster, n, used);
        g.cpu_milli = static_cast<int64_t>(gen() % 64000);
        m.cluster.allocate({g});
      }
    }
    const std::size_t N = m.cluster.node_count();
    std::vector<uint8_t> free(N), total(N);
    std::vector<uint16_t> chip(N);
    std::vector<int64_t> cpu(N), mem(N);
    for (NodeId n = 0; n < N; ++n) {
      free[n] = m.cluster.node_free_cards(n);
      total[n] = m.cluster.node_cards(n);
      chip[n] = m.cluster.node_chip(n);
      cpu[n] = m.cluster.node_cpu_free(n);
      mem[n] = m.cluster.node_mem_free(n);
    }
    const kernels::NodeTable table{free, total, chip, cpu, mem, m.cluster.leaf_array(), m.cluster.leaf_free_array()};
    for (int kind = 0; kind < kernels::kPlacementScoreCount; ++kind) {
      std::vector<Job> jobs;
      std::vector<uint8_t> cards;
      std::vector<uint64_t> allowed;
      std::vector<int64_t> jcpu, jmem;
      for (int k = 0; k < 50; ++k) {
        Job j = test::timed_job(0, 0, 1 + static_cast<uint32_t>(gen() % 4), 10);
        j.allowed_chips = 1 + gen() % 3;
        j.cpu_milli_per_card = static_cast<int64_t>(gen() % 20000);
        jobs.push_back(j);
        cards.push_back(static_cast<uint8_t>(j.cards));
        allowed.push_back(usable_chip_mask(j, m.chips, m.perf));
        jcpu.push_back(j.cpu_milli_per_card * j.cards);
        jmem.push_back(j.mem_mib_per_card * j.cards);
      }
      std::vector<kernels::BestNode> best(jobs.size());
      kernels::score_best_nodes_cpu(table, kernels::JobBatch{cards, allowed, jcpu, jmem},
                                    static_cast<PlacementScore>(kind), best);
      PlacementInput in{&m.cluster, &m.chips, &m.perf};
      for (std::size_t k = 0; k < jobs.size(); ++k) {
        Allocation a;
        const bool ok = find_placement(jobs[k], in, static_cast<PlacementScore>(kind), {}, a);
        ASSERT_EQ(ok, best[k].node >= 0) << "trial " << trial << " kind " << kind << " job " << k;
        if (ok) {
          ASSERT_EQ(a.size(), 1u);
          ASSERT_EQ(static_cast<int32_t>(a.front().node), best[k].node)
              << "trial " << trial << " kind " << kind << " job " << k;
        }
      }
    }
  }
}
