// gang_placement=topology: fewest nodes, then one leaf switch, then best fit; one site unless
// the job may span sites; and EASY backfill reserves where the planner will put the head.
#include <gtest/gtest.h>

#include <map>
#include <random>
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

TEST(TopologyGang, AcrossLeavesEquallyFreeNodesOfTheFreestLeafComeFirst) {
  // Leaves of 2 nodes: {0, 1}, {2, 3}, {4, 5}; nodes 1 and 3 busy. 24 cards need 3 nodes, which
  // no leaf has; nodes 4, 5 (one leaf) and 0 span 2 leaves, where id order (0, 2, 4) spans 3.
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 6, 8, 128000, 1 << 20, 2);
  occupy(m.cluster, 1, 8);
  occupy(m.cluster, 3, 8);
  test::finish_topology(m);
  EXPECT_EQ(nodes_of(m, 24, GangPlacement::Topology), (std::vector<NodeId>{0, 4, 5}));
}

TEST(TopologyGang, AmongEqualPlansTheTightestLeafWins) {
  // Both leaves can hold 12 cards on 2 nodes; leaf 1 leaves fewer free cards behind.
  const SimulationModel m = two_leaves({8, 8, 8, 0, 8, 4, 0, 0});
  EXPECT_EQ(nodes_of(m, 12, GangPlacement::Topology), (std::vector<NodeId>{4, 5}));
}

TEST(TopologyGang, PrefersThePoolNeedingFewerNodesAndSpansSitesOnlyWhenAllowed) {
  SimulationModel m = test::mini_model(2);
  m.cluster.add_pool(0, 0, 0, 4, 8, 128000, 1 << 20, 4);      // site 0: nodes 0-3
  m.cluster.add_pool(1, 0, 0, 2, 8, 128000, 1 << 20, 4);      // site 1: nodes 4-5
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
    auto policy =
        builtin_policy_registry().create("easy-backfill", {{"placement", "best-fit"}, {"gang_placement", gangs}});
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

namespace {

// The planner's definition written plainly (every node sorted, no buckets): the reference the
// counting-sort implementation must match.
GangPlan reference_plan(const Cluster& c, PoolId p, uint32_t need) {
  struct F {
    NodeId node;
    uint32_t cards;
    int64_t leaf_free;
  };
  const Pool& pool = c.pool(p);
  std::vector<F> all;
  std::map<uint32_t, int64_t> leaf_free;
  for (NodeId n = pool.first_node; n < pool.end_node; ++n) {
    if (c.node_free_cards(n) > 0)
      all.push_back({n, c.node_free_cards(n), 0}), leaf_free[c.node_leaf(n)] += c.node_free_cards(n);
  }
  for (F& f : all) f.leaf_free = leaf_free[c.node_leaf(f.node)];
  const auto take = [&](std::vector<F> v, GangPlan& plan) {
    uint32_t left = need;
    for (const F& f : v) {
      if (left == 0) break;
      plan.takes.emplace_back(f.node, std::min(f.cards, left));
      left -= std::min(f.cards, left);
    }
  };
  GangPlan best;
  bool found = false;
  for (const auto& [leaf, free] : leaf_free) {
    if (free < need) continue;
    std::vector<F> v;
    for (const F& f : all)
      if (c.node_leaf(f.node) == leaf) v.push_back(f);
    std::sort(v.begin(), v.end(),
              [](const F& a, const F& b) { return a.cards > b.cards || (a.cards == b.cards && a.node < b.node); });
    GangPlan plan;
    plan.pool = p;
    take(v, plan);
    plan.leaves = 1;
    plan.leftover = free - need;
    plan.leaf = leaf;
    if (!found || plan.better_than(best)) best = plan, found = true;
  }
  std::sort(all.begin(), all.end(), [](const F& a, const F& b) {
    return std::tie(b.cards, b.leaf_free, a.node) < std::tie(a.cards, a.leaf_free, b.node);
  });
  GangPlan plan;
  plan.pool = p;
  take(all, plan);
  std::set<uint32_t> leaves;
  for (const auto& [n, k] : plan.takes) leaves.insert(c.node_leaf(n));
  plan.leaves = static_cast<uint32_t>(leaves.size());
  int64_t pool_free = 0;
  for (const F& f : all) pool_free += f.cards;
  plan.leftover = pool_free - need;
  plan.leaf = pool.first_leaf;
  if (!found || plan.better_than(best)) best = plan;
  return best;
}

}  // namespace

TEST(TopologyGang, PlanEqualsThePlainReferenceOnRandomPools) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    const uint32_t per_leaf = 1 + static_cast<uint32_t>(rng() % 6);
    const uint32_t nodes = 2 + static_cast<uint32_t>(rng() % 40);
    const uint32_t cpn = (rng() % 2) ? 8 : 4;
    SimulationModel m = test::mini_model();
    m.cluster.add_pool(0, 0, 0, nodes, static_cast<uint8_t>(cpn), 128000, 1 << 20, per_leaf);
    for (NodeId n = 0; n < nodes; ++n) occupy(m.cluster, n, static_cast<uint32_t>(rng() % (cpn + 1)));
    test::finish_topology(m);
    const int64_t free = m.cluster.pool_free_cards(0);
    if (free <= static_cast<int64_t>(cpn)) continue;
    const uint32_t need = cpn + 1 + static_cast<uint32_t>(rng() % static_cast<uint64_t>(free - cpn));
    GangPlan got;
    ASSERT_TRUE(plan_gang_in_pool(
        m.cluster, 0, need, [&](NodeId n) { return m.cluster.node_free_cards(n); }, got));
    const GangPlan want = reference_plan(m.cluster, 0, need);
    auto sorted = [](std::vector<std::pair<NodeId, uint32_t>> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    ASSERT_EQ(sorted(got.takes), sorted(want.takes)) << "round " << round << " need " << need;
    EXPECT_EQ(got.leaves, want.leaves) << round;
    EXPECT_EQ(got.leftover, want.leftover) << round;
  }
}
