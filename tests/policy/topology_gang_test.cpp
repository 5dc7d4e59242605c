// gang_placement=topology: fewest nodes, then one leaf switch, then best fit; one site unless
// the job may span sites; and EASY backfill reserves where the planner will put the head.
#include <gtest/gtest.h>

#include <set>

#include "../support/mini_model.hpp"
#include "../support/run_helpers.hpp"
#include "hetsim/policy/ordering/easy_backfill.hpp"
#include "hetsim/policy/placement/placement.hpp"

using namespace hetsim;

namespace {

// Occupies `busy` cards of node n.
void occupy(Cluster& c, NodeId n, uint32_t busy) {
  if (busy == 0) return;
  NodeGrant g;
  g.node = n;
  uint32_t mask = c.node_free_mask(n);
  for (uint32_t i = 0; i < busy; ++i) {
    g.card_mask |= mask & (~mask + 1);
    mask &= mask - 1;
  }
  c.allocate({g});
}

// One pool of 8 nodes x 8 cards in two leaves of 4 (nodes 0-3, 4-7), with the given free cards.
SimulationModel two_leaves(const std::vector<uint32_t>& free) {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 8, 8, 128000, 1 << 20, 4);
  for (NodeId n = 0; n < 8; ++n) occupy(m.cluster, n, 8 - free[n]);
  test::finish_topology(m);
  return m;
}

std::vector<NodeId> nodes_of(const SimulationModel& m, uint32_t cards, GangPlacement g) {
  Job j = test::timed_job(0, 0, cards, 10);
  Allocation a;
  const PlacementInput in{&m.cluster, &m.chips, &m.perf};
  EXPECT_TRUE(find_placement(j, in, PlacementScore::BestFit, {}, a, g));
  EXPECT_EQ(allocation_cards(a), cards);
  std::vector<NodeId> out;
  for (const NodeGrant& grant : a) out.push_back(grant.node);
  return out;
}

}  // namespace

TEST(TopologyGang, KeepsAGangUnderOneLeafWhenThatTakesNoMoreNodes) {
  // Fully free: node 0 (leaf 0), nodes 4 and 5 (leaf 1). Pool order takes 0 and 4 (two leaves).
  const SimulationModel m = two_leaves({8, 0, 0, 0, 8, 8, 0, 0});
  EXPECT_EQ(nodes_of(m, 16, GangPlacement::Pool), (std::vector<NodeId>{0, 4}));
  EXPECT_EQ(nodes_of(m, 16, GangPlacement::Topology), (std::vector<NodeId>{4, 5}));
}

TEST(TopologyGang, FewerNodesComeBeforeOneLeaf) {
  // Leaf 0 holds 16 cards on 4 nodes; across leaves, 3 nodes do (8 + 4 + 4).
  const SimulationModel m = two_leaves({4, 4, 4, 4, 8, 0, 0, 0});
  EXPECT_EQ(nodes_of(m, 16, GangPlacement::Topology), (std::vector<NodeId>{0, 1, 4}));
}

TEST(TopologyGang, AmongEqualPlansTheTightestLeafWins) {
  // Both leaves can hold 12 cards on 2 nodes; leaf 1 leaves fewer free cards behind.
  const SimulationModel m = two_leaves({8, 8, 8, 0, 8, 4, 0, 0});
  EXPECT_EQ(nodes_of(m, 12, GangPlacement::Topology), (std::vector<NodeId>{4, 5}));
}

TEST(TopologyGang, PrefersThePoolNeedingFewerNodesAndSpansSitesOnlyWhenAllowed) {
  SimulationModel m = test::mini_model(2);
  m.cluster.add_pool(0, 0, 0, 4, 8, 128000, 1 << 20, 4);  // site 0: nodes 0-3
  m.cluster.add_pool(1, 0, 0, 2, 8, 128000, 1 << 20, 4);  // site 1: nodes 4-5
  for (NodeId n : {0u, 1u, 2u, 3u}) occupy(m.cluster, n, 4);  // site 0: 4 free on each node
  test::finish_topology(m);
  EXPECT_EQ(nodes_of(m, 16, GangPlacement::Topology), (std::vector<NodeId>{4, 5}));  // 2 nodes, not 4
  Job j = test::timed_job(0, 0, 28, 10);
  Allocation a;
  const PlacementInput in{&m.cluster, &m.chips, &m.perf};
  EXPECT_FALSE(find_placement(j, in, PlacementScore::BestFit, {}, a, GangPlacement::Topology));
  j.allow_cross_site = true;
  ASSERT_TRUE(find_placement(j, in, PlacementScore::BestFit, {}, a, GangPlacement::Topology));
  std::set<SiteId> sites;
  for (const NodeGrant& g : a) sites.insert(m.cluster.node_site(g.node));
  EXPECT_EQ(sites.size(), 2u);
}

TEST(TopologyGang, CapsAreRespected) {
  const SimulationModel m = two_leaves({8, 0, 0, 0, 8, 8, 0, 0});
  const std::vector<NodeCap> caps{{4, 0}};  // node 4 is reserved
  Job j = test::timed_job(0, 0, 16, 10);
  Allocation a;
  const PlacementInput in{&m.cluster, &m.chips, &m.perf};
  ASSERT_TRUE(find_placement(j, in, PlacementScore::BestFit, caps, a, GangPlacement::Topology));
  for (const NodeGrant& g : a) EXPECT_NE(g.node, 4u);
}

TEST(TopologyGang, EasyBackfillReservesWhereTheHeadIsThenPlaced) {
  // 4 nodes x 8 cards, leaves {0, 1} and {2, 3}. Jobs 0-3 fill one node each (0 until 50, 1 until
  // 300, 2 and 3 until 100). The 16-card head (t=1) can start at 100. At that shadow time nodes
  // 0, 2, 3 are free: topology reserves leaf {2, 3}, so the long job 5 (t=60) may backfill onto
  // node 0; pool order reserves nodes 0 and 2, so job 5 must wait for the head.
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 4, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 8, 50),  test::timed_job(1, 0, 8, 300), test::timed_job(2, 0, 8, 100),
            test::timed_job(3, 0, 8, 100), test::timed_job(4, 1, 16, 10), test::timed_job(5, 60, 8, 1000)};
  test::finalize(m);
  for (const char* gangs : {"topology", "pool"}) {
    auto policy = builtin_policy_registry().create("easy-backfill",
                                                   {{"placement", "best-fit"}, {"gang_placement", gangs}});
    MetricsCollector metrics(m.cluster, m.chips, m.jobs);
    metrics.enable_trace();
    Simulation sim(m, *policy, metrics);
    sim.set_check_invariants(true);
    sim.run();
    const auto start = [&](JobId id) { return metrics.records()[id].start.seconds(); };
    EXPECT_NEAR(start(4), 100, 1e-3) << gangs;  // the head is never delayed
    std::set<NodeId> head;
    for (const NodeGrant& g : metrics.traced_allocation(4)) head.insert(g.node);
    if (std::string(gangs) == "topology") {
      EXPECT_NEAR(start(5), 60, 1e-3);
      EXPECT_EQ(head, (std::set<NodeId>{2, 3}));
    } else {
      EXPECT_NEAR(start(5), 100, 1e-3);
      EXPECT_EQ(head, (std::set<NodeId>{0, 2}));
    }
  }
}
