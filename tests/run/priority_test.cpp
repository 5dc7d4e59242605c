// Job priorities (Job::priority, by default the tenant's): a strict tier in the ordering and the
// preemptive policies, a weight in gavel's max-min program (docs/policies.md "Priorities").
#include <gtest/gtest.h>

#include <string>

#include "../support/mini_model.hpp"
#include "../support/run_helpers.hpp"

using namespace hetsim;

namespace {

const JobRecord& rec(const test::Ran& r, JobId id) { return r.metrics->records()[id]; }

// One node of 8 cards. Job 0 holds it from 0 to 1000 s; job 1 (priority 0) arrives at 100 s and
// job 2 (priority 1) at 200 s, both 8 cards for 100 s.
SimulationModel queue_model() {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 100, 8, 100), test::timed_job(2, 200, 8, 100)};
  m.jobs[2].priority = 1;
  test::finalize(m);
  return m;
}

}  // namespace

TEST(Priorities, AHigherPriorityJobGoesAheadInTheOrderingPolicies) {
  for (const char* policy : {"fifo", "sjf", "easy-backfill"}) {
    const auto r = test::run_policy(queue_model(), policy);
    EXPECT_DOUBLE_EQ(rec(r, 2).start.seconds(), 1000) << policy;
    EXPECT_DOUBLE_EQ(rec(r, 1).start.seconds(), 1100) << policy;
  }
  SimulationModel equal = queue_model();
  equal.jobs[2].priority = 0;
  for (const char* policy : {"fifo", "easy-backfill"}) {
    const auto r = test::run_policy(equal, policy);
    EXPECT_DOUBLE_EQ(rec(r, 1).start.seconds(), 1000) << policy;  // arrival order again
  }
}

TEST(Priorities, PriorityTiersComeBeforeThePreemptivePoliciesOwnRule) {
  // Job 0 (8 cards, 1000 s) runs from 0; job 1 (8 cards, 100 s) arrives at 100 with no service and
  // little work left: srtf and las stop job 0 for it, unless job 0 has the higher priority.
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 100, 8, 100)};
  test::finalize(m);
  for (const char* policy : {"srtf", "las"}) {
    const auto plain = test::run_policy(m, policy);
    EXPECT_LT(rec(plain, 1).start.seconds(), 1000) << policy;
    EXPECT_GE(rec(plain, 0).preemptions, 1u) << policy;
    SimulationModel ranked = m;
    ranked.jobs[0].priority = 1;
    const auto r = test::run_policy(ranked, policy);
    EXPECT_EQ(rec(r, 0).preemptions, 0u) << policy;
    EXPECT_DOUBLE_EQ(rec(r, 1).start.seconds(), 1000) << policy;
    // And the other way round: a higher-priority arrival stops a lower-priority run whatever the rule.
    SimulationModel urgent = m;
    urgent.jobs[0].runtime_estimate_s = 10;  // srtf: job 0 looks nearly done
    urgent.jobs[1].priority = 2;
    const auto u = test::run_policy(urgent, policy);
    EXPECT_LT(rec(u, 1).start.seconds(), 1000) << policy;
  }
}

TEST(Priorities, GavelGivesAHigherPriorityJobALargerShare) {
  // Two single-card jobs of equal work sharing one card: with priority 1 (weight 2) job 1 gets
  // about two thirds of the rounds and finishes first; with equal priorities job 0 does (lower id).
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 1, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 1, 7200), test::timed_job(1, 0, 1, 7200)};
  m.jobs[1].priority = 1;
  test::finalize(m);
  const auto r = test::run_policy(m, "gavel");
  EXPECT_LT(rec(r, 1).end.seconds(), rec(r, 0).end.seconds());
  SimulationModel equal = m;
  equal.jobs[1].priority = 0;
  const auto e = test::run_policy(equal, "gavel");
  EXPECT_LT(rec(e, 0).end.seconds(), rec(e, 1).end.seconds());
}

TEST(Priorities, EasyBackfillSeesAJobThatLandsBeforeItsScanMark) {
  // 2 nodes of 8. Job 0 (8 cards) runs to 1000 s. Job 1 (priority 1, 16 cards) is the blocked head
  // from 10 s, reserved for 1000 s. Job 2 (priority 0, 8 cards, 2000 s) is scanned and cannot
  // backfill. Job 3 (priority 1, 8 cards, 100 s) arrives at 30 s: it sorts before job 2, behind the
  // last scanned job, while nothing has started or ended; it must still be backfilled at once.
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 10, 16, 500), test::timed_job(2, 20, 8, 2000),
            test::timed_job(3, 30, 8, 100)};
  m.jobs[1].priority = 1;
  m.jobs[3].priority = 1;
  test::finalize(m);
  const auto r = test::run_policy(m, "easy-backfill");
  EXPECT_DOUBLE_EQ(rec(r, 3).start.seconds(), 30);
  EXPECT_DOUBLE_EQ(rec(r, 1).start.seconds(), 1000);
}
