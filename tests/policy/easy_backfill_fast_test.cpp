// EASY backfilling's busy-regime paths (docs/performance.md "Busy regime"): the waiting jobs in one
// array, placement searches shared by the jobs of a class within a pass (PlacementMemo), estimates
// kept per job and shape, and the gang head's reservation walked by pool counts. Each must decide
// exactly as the reference (set_reference: a search for every job, every node released in the
// walk) on busy random workloads, under every placement rule and gang placement, with host CPU
// binding, chips a job may not use, jobs spanning sites, wrong estimates and tenant quotas.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "../support/mini_model.hpp"
#include "hetsim/metrics/collector.hpp"
#include "hetsim/policy/ordering/easy_backfill.hpp"
#include "hetsim/policy/ordering/free_summary.hpp"
#include "hetsim/policy/ordering/waiting_queue.hpp"
#include "hetsim/run/simulation.hpp"

using namespace hetsim;

namespace {

// Two sites, three pools (8-card nodes of the fast chip at both sites, 4-card nodes of the slow
// one), host CPU tight enough to bind some placements, arrivals faster than the cluster drains.
SimulationModel busy_model(uint64_t seed, bool quotas) {
  SimulationModel m = test::mini_model(2);
  m.cluster.add_provider("prov2");
  m.cluster.add_pool(0, 0, 0, 12, 8, 24000, 1 << 20, 4);
  m.cluster.add_pool(0, 1, 1, 10, 4, 12000, 1 << 20, 5);
  m.cluster.add_pool(1, 1, 0, 6, 8, 64000, 1 << 20, 3);
  test::finish_topology(m);
  if (quotas) {
    m.tenants.push_back(Tenant{"t1", 1, 0});
    m.tenants.push_back(Tenant{"t2", 1, 0});
    m.tenants[0].quota_cards = 40;
    m.tenants[1].provider_quota = {-1, 12};
  }
  std::mt19937_64 gen(seed);
  double t = 0;
  for (int i = 0; i < 1200; ++i) {
    t += static_cast<double>(gen() % 7);
    const uint32_t sizes[] = {1, 1, 1, 2, 3, 4, 4, 8, 8, 12, 16, 24, 40};
    Job j = test::timed_job(static_cast<JobId>(i), t, sizes[gen() % 13], 1 + gen() % 1500);
    const uint64_t chips[] = {~0ULL, ~0ULL, 1, 2};
    j.allowed_chips = chips[gen() % 4];
    const int64_t cpu[] = {500, 1000, 1000, 4000};
    j.cpu_milli_per_card = cpu[gen() % 4];
    j.allow_cross_site = gen() % 5 == 0;
    if (quotas) j.tenant = static_cast<TenantId>(gen() % 3);
    m.jobs.push_back(j);
  }
  test::finalize(m);
  // Submitters' estimates off by up to 3x either way, so backfilled jobs overrun the shadow time.
  for (Job& j : m.jobs) j.runtime_estimate_s *= 0.33 + static_cast<double>(gen() % 1000) / 370.0;
  return m;
}

struct Outcome {
  std::vector<JobRecord> records;
  uint64_t searches = 0;
};

Outcome run(const SimulationModel& m, PlacementScore placement, GangPlacement gangs, bool reference) {
  EasyBackfillPolicy policy(placement, 500, MixOptions{}, SimTime::zero(), gangs);
  policy.set_reference(reference);
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, policy, metrics);
  sim.set_check_invariants(true);
  sim.run();
  return {metrics.records(), policy.placement_searches()};
}

void expect_same_decisions(const SimulationModel& m, PlacementScore placement, GangPlacement gangs,
                           const std::string& label) {
  const Outcome fast = run(m, placement, gangs, false);
  const Outcome ref = run(m, placement, gangs, true);
  uint32_t waited = 0;
  for (JobId id = 0; id < m.jobs.size(); ++id) {
    const JobRecord& a = fast.records[id];
    const JobRecord& b = ref.records[id];
    ASSERT_EQ(a.outcome, b.outcome) << label << " job " << id;
    ASSERT_EQ(a.start, b.start) << label << " job " << id;
    ASSERT_EQ(a.end, b.end) << label << " job " << id;
    ASSERT_EQ(a.first_node, b.first_node) << label << " job " << id;
    ASSERT_EQ(a.nodes, b.nodes) << label << " job " << id;
    ASSERT_EQ(a.chip_mask, b.chip_mask) << label << " job " << id;
    waited += a.start > m.jobs[id].arrival ? 1 : 0;
  }
  // The workload must be busy for the comparison to mean anything, and the memo must be what
  // decided: well under the reference's one (or two) per examined job.
  EXPECT_GT(waited, m.jobs.size() / 2) << label;
  EXPECT_LT(fast.searches * 3, ref.searches * 2) << label << ": " << fast.searches << " vs " << ref.searches;
}

}  // namespace

TEST(EasyBackfillFast, DecidesExactlyAsTheReferenceUnderEveryPlacementRule) {
  for (uint64_t seed : {1, 2, 3}) {
    const SimulationModel m = busy_model(seed, false);
    for (int rule = 0; rule < kernels::kPlacementScoreCount; ++rule) {
      const auto placement = static_cast<PlacementScore>(rule);
      for (GangPlacement gangs : {GangPlacement::Pool, GangPlacement::Topology}) {
        expect_same_decisions(m, placement, gangs,
                              std::string(placement_name(placement)) + "/" + gang_placement_name(gangs) + " seed " +
                                  std::to_string(seed));
      }
    }
  }
}

TEST(EasyBackfillFast, DecidesExactlyAsTheReferenceWithTenantQuotas) {
  // The placement class then includes the tenant (its quota room is part of the question).
  for (uint64_t seed : {4, 5}) {
    expect_same_decisions(busy_model(seed, true), PlacementScore::BestFit, GangPlacement::Pool,
                          "quotas seed " + std::to_string(seed));
  }
}

TEST(WaitingQueue, KeepsKeyOrderThroughOutOfOrderInsertsErasesAndCompaction) {
  WaitingQueue<int> q;
  const auto key = [](int64_t prio, JobId id) { return QueueKey{-prio, 0, id}; };
  for (JobId id = 0; id < 200; ++id) q.insert(key(0, id), static_cast<int>(id));
  q.insert(key(5, 1000), 1000);  // a higher priority goes first
  q.erase(key(0, 7));
  EXPECT_EQ(q.find(key(0, 7)), q.npos);
  q.insert(key(0, 7), 7);  // back into its dead slot
  q.insert(key(0, 9), 9);  // a live key: its record is replaced, nothing added
  EXPECT_EQ(q.size(), 201u);
  for (JobId id = 0; id < 200; id += 2) q.erase(key(0, id));
  EXPECT_EQ(q.size(), 101u);
  q.compact();             // dead slots now outnumber the minimum: squeezed out
  q.insert(key(0, 4), 4);  // into the middle
  std::vector<int> seen;
  for (std::size_t p = q.first(); p != q.npos; p = q.next(p)) seen.push_back(q.at(p).rec);
  ASSERT_EQ(seen.size(), 102u);
  EXPECT_EQ(seen[0], 1000);
  EXPECT_EQ(seen[1], 1);
  EXPECT_EQ(seen[2], 3);
  EXPECT_EQ(seen[3], 4);
  for (std::size_t i = 2; i < seen.size(); ++i) EXPECT_LT(seen[i - 1], seen[i]);
  EXPECT_EQ(q.find(key(0, 2)), q.npos);
  EXPECT_NE(q.find(key(0, 3)), q.npos);
  // Erasing the first live entry moves first() past it; erasing all empties the queue.
  q.erase(key(5, 1000));
  EXPECT_EQ(q.at(q.first()).rec, 1);
  for (int v : seen) q.erase(key(v == 1000 ? 5 : 0, static_cast<JobId>(v)));
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.first(), q.npos);
  q.insert(key(0, 500), 500);  // after everything died
  EXPECT_EQ(q.at(q.first()).rec, 500);
}

TEST(FreeSummary, ThroughCapsItIsTheMostEachNodeAndPoolCouldGive) {
  // Random fills of a three-pool cluster and random caps, against a count node by node.
  std::mt19937_64 gen(9);
  for (int round = 0; round < 300; ++round) {
    Cluster c(2);
    c.add_site("s");
    c.add_provider("p");
    c.add_pool(0, 0, 0, 9, 8, 1 << 20, 1 << 20, 3);
    c.add_pool(0, 0, 1, 7, 4, 1 << 20, 1 << 20, 7);
    c.add_pool(0, 0, 0, 5, 8, 1 << 20, 1 << 20, 5);
    for (NodeId n = 0; n < c.node_count(); ++n) {
      const uint32_t take = static_cast<uint32_t>(gen() % (c.node_cards(n) + 1));
      if (take > 0) c.allocate({NodeGrant{n, (1u << take) - 1, kMilliPerCard, 0, 0}});
    }
    std::vector<NodeCap> caps;
    for (NodeId n = 0; n < c.node_count(); ++n) {
      if (gen() % 3 == 0) caps.push_back({n, static_cast<uint32_t>(gen() % 9)});
    }
    FreeSummary fast;
    fast.refresh(c, caps);
    std::array<uint32_t, 2> node_max{};
    std::array<int64_t, 2> pool_max{};
    for (PoolId p = 0; p < c.pool_count(); ++p) {
      int64_t sum = 0;
      for (NodeId n = c.pool(p).first_node; n < c.pool(p).end_node; ++n) {
        uint32_t f = c.node_free_cards(n);
        for (const NodeCap& cap : caps) f = cap.node == n ? std::min(f, cap.max_cards) : f;
        sum += f;
        node_max[c.pool(p).chip] = std::max(node_max[c.pool(p).chip], f);
      }
      pool_max[c.pool(p).chip] = std::max(pool_max[c.pool(p).chip], sum);
    }
    for (ChipId chip = 0; chip < 2; ++chip) {
      ASSERT_EQ(fast.max_node_free[chip], node_max[chip]) << "round " << round << " chip " << chip;
      ASSERT_EQ(fast.max_pool_free[chip], pool_max[chip]) << "round " << round << " chip " << chip;
    }
    FreeSummary plain, none;
    plain.refresh(c);
    none.refresh(c, {});
    EXPECT_EQ(plain.max_node_free, none.max_node_free);
    EXPECT_EQ(plain.max_pool_free, none.max_pool_free);
  }
}
