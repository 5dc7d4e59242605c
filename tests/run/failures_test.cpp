// Node failures and site outages: kills, restarts from the last checkpoint, the retry limit, held
// cards, and the accounting the issue asks for (every job ends once; no card allocated twice).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "../support/mini_model.hpp"
#include "../support/policy_lists.hpp"
#include "../support/run_helpers.hpp"
#include "hetsim/metrics/report.hpp"
#include "hetsim/policy/placement/placement.hpp"

using namespace hetsim;

namespace {

// One site, one pool of two fast 8-card nodes. Job 0 runs 1000 s on one card from t = 0;
// checkpoints take 1 s, a restart 5 s. The site is down from 100 s to 150 s.
SimulationModel outage_model(double interval_s, uint32_t retry_limit = 3) {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 1, 1000), test::timed_job(1, 120, 1, 10)};
  test::finalize(m);
  m.checkpoint.interval_s = interval_s;
  m.checkpoint.bytes_per_param = 10;
  m.checkpoint.storage_gbps = 80;
  m.checkpoint.restart_overhead_s = 5;
  m.failures.site_outages.push_back({0, SimTime::from_s(100), SimTime::from_s(50)});
  m.failures.retry_limit = retry_limit;
  return m;
}

const JobRecord& rec(const test::Ran& r, JobId id) { return r.metrics->records()[id]; }

}  // namespace

TEST(Failures, AKilledJobRestartsFromScratchWithoutCheckpoints) {
  const auto r = test::run_policy(outage_model(0), "fifo");
  // Killed at 100 s with nothing kept (a failure leaves no time to write a checkpoint): 100
  // card-seconds lost; back at 150 s with only the relaunch to pay (nothing to read).
  EXPECT_EQ(rec(r, 0).outcome, JobOutcome::Completed);
  EXPECT_EQ(rec(r, 0).failures, 1u);
  EXPECT_DOUBLE_EQ(rec(r, 0).lost_card_s, 100);
  EXPECT_DOUBLE_EQ(rec(r, 0).start.seconds(), 0);
  EXPECT_DOUBLE_EQ(rec(r, 0).end.seconds(), 150 + 5 + 1000);
  // Job 1 arrived during the outage: no card was free until 150 s.
  EXPECT_DOUBLE_EQ(rec(r, 1).start.seconds(), 150);
  EXPECT_EQ(r.metrics->node_failures(), 2u);
  EXPECT_EQ(r.metrics->down_card_us(), int64_t{2} * 8 * 50 * 1000000);
}

TEST(Failures, PeriodicCheckpointsBoundTheLoss) {
  const auto r = test::run_policy(outage_model(40), "easy-backfill");
  // 82 s of checkpointed cycles kept 80 s of training; 18 s lost. Restart: 5 s + one read,
  // then 920 s of training with 22 writes.
  EXPECT_DOUBLE_EQ(rec(r, 0).lost_card_s, 18);
  EXPECT_DOUBLE_EQ(rec(r, 0).end.seconds(), 150 + 6 + 920 + 22);
}

TEST(Failures, AJobKilledRetryLimitTimesEndsFailed) {
  const auto r = test::run_policy(outage_model(0, 1), "fifo");
  EXPECT_EQ(rec(r, 0).outcome, JobOutcome::Failed);
  EXPECT_DOUBLE_EQ(rec(r, 0).end.seconds(), 100);
  EXPECT_EQ(rec(r, 1).outcome, JobOutcome::Completed);
  // Preemptive policies hear of it too (on_end): nothing is left running.
  const auto las = test::run_policy(outage_model(0, 1), "las");
  EXPECT_EQ(rec(las, 0).outcome, JobOutcome::Failed);
  EXPECT_EQ(rec(las, 1).outcome, JobOutcome::Completed);
}

TEST(Failures, RandomNodeFailuresKeepEveryJobAndCardAccountedFor) {
  // Many short-lived failures on two pools, every policy (and the parameters that run other code of
  // theirs), invariant checks on (run_policy): a card held twice, by two jobs or by a job and a down
  // node, throws.
  SimulationModel m = test::mini_model(2);
  m.cluster.add_pool(0, 0, 0, 6, 8, 128000, 1 << 20, 2);
  m.cluster.add_pool(1, 0, 1, 6, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  std::mt19937_64 gen(9);
  double t = 0;
  for (JobId i = 0; i < 400; ++i) {
    t += static_cast<double>(gen() % 40);
    m.jobs.push_back(test::timed_job(i, t, 1 + static_cast<uint32_t>(gen() % 16), 60 + gen() % 2000));
    m.jobs.back().allow_cross_site = i % 5 == 0;  // gangs that may span the link that fails
    if (i % 3 == 0) {  // elastic: sia resizes them; the other policies run them at their request
      m.jobs.back().min_cards = 1;
      m.jobs.back().max_cards = 2 * m.jobs.back().cards;
    }
  }
  test::finalize(m);
  m.failures.by_chip = {NodeFailureRate{4 * 3600.0, 900}, NodeFailureRate{6 * 3600.0, 1800}};
  m.failures.site_outages.push_back({1, SimTime::from_s(3000), SimTime::from_s(2000)});
  m.failures.link_outages.push_back({0, SimTime::from_s(8000), SimTime::from_s(4000)});
  m.failures.retry_limit = 2;
  m.checkpoint.interval_s = 300;
  m.horizon = SimTime::from_s(4 * 86400);
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> runs = test::code_variants();
  for (const std::string& policy : test::every_policy())
    runs.emplace_back(policy, std::map<std::string, std::string>{});
  for (const auto& [policy, params] : runs) {
    const std::string label =
        params.empty() ? policy : policy + ":" + params.begin()->first + "=" + params.begin()->second;
    const auto r = test::run_policy(m, policy, params);
    uint64_t ended = 0, failed = 0, kills = 0;
    for (const JobRecord& x : r.metrics->records()) {
      ASSERT_NE(x.outcome, JobOutcome::NotArrived) << label;
      ended += has_ended(x) ? 1 : 0;
      failed += x.outcome == JobOutcome::Failed ? 1 : 0;
      kills += x.failures;
      if (x.outcome == JobOutcome::Failed) {
        EXPECT_EQ(x.failures, 2u) << label;
      }
      if (x.outcome == JobOutcome::Completed) {
        EXPECT_LT(x.failures, 2u) << label;
      }
    }
    EXPECT_EQ(ended, m.jobs.size()) << label;  // the horizon is far: all completed or failed
    EXPECT_GT(r.metrics->node_failures(), 20u) << label;
    EXPECT_GT(kills, 0u) << label;
    // The same run twice: the same failures, the same schedule.
    const auto again = test::run_policy(m, policy, params);
    for (JobId id = 0; id < m.jobs.size(); ++id) {
      ASSERT_EQ(r.metrics->records()[id].end, again.metrics->records()[id].end) << label << " job " << id;
    }
    (void)failed;
  }
}

TEST(Failures, NodeFailureTimesDependOnTheSeed) {
  SimulationModel m = outage_model(0);
  m.failures.site_outages.clear();
  m.failures.by_chip = {NodeFailureRate{300, 60}, NodeFailureRate{}};
  const auto a = test::run_policy(m, "fifo");
  m.seed = 2;
  const auto b = test::run_policy(m, "fifo");
  EXPECT_GT(a.metrics->node_failures(), 0u);
  EXPECT_NE(a.metrics->records()[0].end, b.metrics->records()[0].end);
}

namespace {
// Three sites in a star (0 in the middle); one 8-card fast node at sites 1 and 2 each. Job 0 needs
// both (16 cards, may span sites): its gang's path 1-0-2 uses the link 0-1, down from 100 s to 400 s.
SimulationModel link_model(bool outage) {
  SimulationModel m = test::mini_model(3);
  m.cluster.add_pool(1, 0, 0, 1, 8, 128000, 1 << 20, 2);
  m.cluster.add_pool(2, 0, 0, 1, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 16, 1000)};
  m.jobs[0].allow_cross_site = true;
  test::finalize(m);
  m.checkpoint.restart_overhead_s = 5;
  if (outage) m.failures.link_outages.push_back({0, SimTime::from_s(100), SimTime::from_s(300)});
  return m;
}
}  // namespace

TEST(Failures, ALinkOutageKillsTheGangsItCutsAndNoneSpansItMeanwhile) {
  const auto calm = test::run_policy(link_model(false), "fifo");
  EXPECT_EQ(rec(calm, 0).failures, 0u);
  EXPECT_DOUBLE_EQ(rec(calm, 0).end.seconds(), 1000);
  for (const char* policy : {"fifo", "easy-backfill", "las", "gavel"}) {
    const auto r = test::run_policy(link_model(true), policy);
    // Killed at 100 s; while the link is down no gang may join sites 1 and 2 (the driver would
    // throw a PolicyViolation); back at 400 s, from scratch (no checkpoints) after a 5 s relaunch.
    EXPECT_EQ(rec(r, 0).failures, 1u) << policy;
    EXPECT_DOUBLE_EQ(rec(r, 0).lost_card_s, 1600) << policy;
    EXPECT_GE(rec(r, 0).end.seconds(), 400 + 5 + 1000) << policy;
    EXPECT_LE(rec(r, 0).end.seconds(), 400 + 5 + 1000 + 360) << policy;  // gavel waits for its round
  }
}

// Regression: an outage of one link must leave every other link up. Before FailureState the
// driver built the set of links that are up with a short-circuited `all_up && (up[i] = ...)`, so
// every link listed after a down one counted as down too: here link 1 (0-2), and the gang below
// was killed for an outage of link 0 (0-1) it does not use.
TEST(Failures, ALinkOutageLeavesTheOtherLinksUp) {
  SimulationModel m = test::mini_model(3);
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 2);
  m.cluster.add_pool(2, 0, 0, 1, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 16, 1000)};
  m.jobs[0].allow_cross_site = true;
  test::finalize(m);
  m.failures.link_outages.push_back({0, SimTime::from_s(100), SimTime::from_s(300)});
  for (const char* policy : {"fifo", "las"}) {
    const auto r = test::run_policy(m, policy);
    EXPECT_EQ(rec(r, 0).failures, 0u) << policy;
    EXPECT_DOUBLE_EQ(rec(r, 0).end.seconds(), 1000) << policy;
  }
}

TEST(Failures, CrossSiteGangsStayWithinSitesJoinedByAPath) {
  const SimulationModel m = link_model(false);
  const Job& j = m.jobs[0];
  Allocation out;
  const PlacementInput whole{&m.cluster, &m.chips, &m.perf, &m.topology};
  EXPECT_TRUE(find_placement(j, whole, PlacementScore::FirstFit, {}, out));
  EXPECT_EQ(out.size(), 2u);
  const Topology cut = m.topology.with_links(m.cluster, {false, true});
  EXPECT_FALSE(cut.sites_connected(1, 2));
  EXPECT_TRUE(cut.sites_connected(0, 2));
  const PlacementInput split{&m.cluster, &m.chips, &m.perf, &cut};
  EXPECT_FALSE(find_placement(j, split, PlacementScore::FirstFit, {}, out));
  EXPECT_EQ(cut.links().size(), 2u);  // the scenario's link indices stay valid
}
