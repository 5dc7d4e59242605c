// Ordering and preemptive policies tested alone, one scheduling pass on a FakeContext
// (tests/support/fake_context.hpp), without the simulation driver: what each policy decides from a
// given queue and running set. The driver's side (when passes happen, start times, checkpoints and
// restarts) is in queue_policies_test.cpp, preemptive_policies_test.cpp and tests/run.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "../support/fake_context.hpp"
#include "../support/mini_model.hpp"
#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/registry.hpp"

using namespace hetsim;

namespace {

// `n` 8-card nodes in one pool; the jobs' estimates are their runtimes (test::finalize).
SimulationModel nodes(uint32_t n, std::vector<Job> jobs) {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, n, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.jobs = std::move(jobs);
  test::finalize(m);
  return m;
}

SimulationModel one_node(std::vector<Job> jobs) { return nodes(1, std::move(jobs)); }

std::unique_ptr<Policy> make(const std::string& name) { return builtin_policy_registry().create(name, {}); }

// Job 0 runs on node 0 from t=0 until its estimate ends; the others arrive at t=2.
struct Pass {
  explicit Pass(const SimulationModel& m, const std::string& policy) : ctx(m), p(make(policy)) {
    ctx.running(0, single_node_allocation(ctx.cluster(), m.jobs[0], 0),
                SimTime::from_seconds(m.jobs[0].runtime_estimate_s));
    ctx.set_now(SimTime::from_s(2));
    for (JobId id = 1; id < m.jobs.size(); ++id) ctx.submit(*p, id);
    p->schedule(ctx);
  }
  test::FakeContext ctx;
  std::unique_ptr<Policy> p;
};

}  // namespace

// j0 holds 6 cards until 100; j1 wants all 8; j2 (2 cards, 50 s) would fit now.
TEST(PolicyAlone, FifoHeadBlocksLaterJobs) {
  const SimulationModel m =
      one_node({test::timed_job(0, 0, 6, 100), test::timed_job(1, 1, 8, 10), test::timed_job(2, 2, 2, 50)});
  const Pass pass(m, "fifo");
  EXPECT_TRUE(pass.ctx.started.empty());
}

TEST(PolicyAlone, EasyBackfillStartsAShortJobButNotOneThatWouldDelayTheHead) {
  // j3 (2 cards, 200 s) would still hold the head's cards at its reservation (t = 100).
  const SimulationModel m = one_node({test::timed_job(0, 0, 6, 100), test::timed_job(1, 1, 8, 10),
                                      test::timed_job(2, 2, 2, 50), test::timed_job(3, 3, 2, 200)});
  const Pass pass(m, "easy-backfill");
  EXPECT_EQ(pass.ctx.started_ids(), std::vector<JobId>{2});
}

TEST(PolicyAlone, EasyBackfillAllowsALongJobOnCardsTheHeadDoesNotNeed) {
  // The head needs only 6 of the 8 cards at t = 100, so the 2-card long job fits beside it.
  const SimulationModel m =
      one_node({test::timed_job(0, 0, 4, 100), test::timed_job(1, 1, 6, 10), test::timed_job(2, 2, 2, 500)});
  const Pass pass(m, "easy-backfill");
  EXPECT_EQ(pass.ctx.started_ids(), std::vector<JobId>{2});
}

TEST(PolicyAlone, SjfStartsTheShortestEstimateFirstFifoTheOldest) {
  // j0 holds the node until 100; j1 (300 s) and j2 (20 s) both want it whole.
  const SimulationModel m =
      one_node({test::timed_job(0, 0, 8, 100), test::timed_job(1, 1, 8, 300), test::timed_job(2, 2, 8, 20)});
  for (const auto& [policy, first] : {std::pair<std::string, JobId>{"sjf", 2}, {"fifo", 1}}) {
    Pass pass(m, policy);
    EXPECT_TRUE(pass.ctx.started.empty()) << policy;  // nothing fits while j0 runs
    pass.ctx.set_now(SimTime::from_s(100));
    pass.ctx.end(*pass.p, 0);
    pass.p->schedule(pass.ctx);
    EXPECT_EQ(pass.ctx.started_ids(), std::vector<JobId>{first}) << policy;
  }
}

TEST(PolicyAlone, TheFakeRefusesWhatTheDriverWouldRefuse) {
  const SimulationModel m = one_node({test::timed_job(0, 0, 6, 100), test::timed_job(1, 1, 8, 10)});
  const std::unique_ptr<Policy> fifo = make("fifo");
  test::FakeContext ctx(m);
  ctx.running(0, single_node_allocation(ctx.cluster(), m.jobs[0], 0), SimTime::from_s(100));
  const Allocation whole_node = single_node_allocation(m.cluster, m.jobs[1], 0);  // on the empty cluster
  EXPECT_THROW(ctx.start(1, whole_node), PolicyViolation);                        // job 1 has not arrived
  ctx.submit(*fifo, 1);
  EXPECT_THROW(ctx.start(1, whole_node), PolicyViolation);  // 6 of its cards are job 0's
  EXPECT_THROW(ctx.wake_at(SimTime::from_s(-1)), PolicyViolation);
  EXPECT_TRUE(ctx.started.empty());
}

namespace {

// One node per 8-card job of `jobs`' first `runs`: the policy starts them at t=0, then at t=60 (on
// its preemption grid, past its 60-s lease) they have run 60 s, job `id`'s remaining share being
// `left[id]`; the other jobs arrive then and the policy decides.
struct PreemptionPass {
  PreemptionPass(const SimulationModel& m, const std::string& policy, JobId runs, const std::vector<double>& left)
      : ctx(m), p(make(policy)) {
    for (JobId id = 0; id < runs; ++id) ctx.submit(*p, id);
    p->schedule(ctx);
    EXPECT_EQ(ctx.started.size(), runs);
    ctx.started.clear();
    ctx.set_now(SimTime::from_s(60));
    for (JobId id = 0; id < runs; ++id) ctx.set_progress(id, 60, left[id]);
    for (JobId id = runs; id < m.jobs.size(); ++id) ctx.submit(*p, id);
    p->schedule(ctx);
  }
  test::FakeContext ctx;
  std::unique_ptr<Policy> p;
};

}  // namespace

TEST(PolicyAlone, SrtfPreemptsARunOnlyForANewcomerWithLessWorkLeft) {
  // Job 0 (1,000 s) has 940 s left; a 100-s newcomer takes its node, a 950-s one waits (it would
  // not, were the run's progress ignored: 1,000 s left).
  const SimulationModel shorter = nodes(1, {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 0, 8, 100)});
  const PreemptionPass a(shorter, "srtf", 1, {0.94});
  EXPECT_EQ(a.ctx.preempted, std::vector<JobId>{0});
  EXPECT_EQ(a.ctx.started_ids(), std::vector<JobId>{1});
  const SimulationModel longer = nodes(1, {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 0, 8, 950)});
  const PreemptionPass b(longer, "srtf", 1, {0.94});
  EXPECT_TRUE(b.ctx.preempted.empty());
  EXPECT_TRUE(b.ctx.started.empty());
}

TEST(PolicyAlone, SrtfPreemptsOnlyTheRunTheNewcomerNeedsTheMostWorkLeftFirst) {
  // Two nodes busy; the 100-s newcomer needs one: the run with more work left (job 0, though at
  // equal work the later id would go) is stopped, and only it.
  const SimulationModel m =
      nodes(2, {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 0, 8, 1000), test::timed_job(2, 0, 8, 100)});
  const PreemptionPass pass(m, "srtf", 2, {0.9, 0.5});
  EXPECT_EQ(pass.ctx.preempted, std::vector<JobId>{0});
  EXPECT_EQ(pass.ctx.started_ids(), std::vector<JobId>{2});
}

TEST(PolicyAlone, LasPreemptsTheRunWithTheMostAttainedServiceOutsideItsLease) {
  // Job 0 has run 600 s; job 1 has attained more (900 s over earlier runs) but restarted at 590 s,
  // inside its 60-s lease. At 600 s a newcomer with none needs a node: LAS stops job 1 only once
  // its lease is over; now it stops job 0.
  const SimulationModel m =
      nodes(2, {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 0, 8, 1000), test::timed_job(2, 0, 8, 100)});
  for (const bool leased : {false, true}) {
    test::FakeContext ctx(m);
    const std::unique_ptr<Policy> las = make("las");
    ctx.submit(*las, 0);
    las->schedule(ctx);
    ctx.set_now(SimTime::from_s(leased ? 590 : 0));
    ctx.submit(*las, 1);
    las->schedule(ctx);
    ASSERT_EQ(ctx.started_ids(), (std::vector<JobId>{0, 1}));
    ctx.started.clear();
    ctx.set_now(SimTime::from_s(600));
    ctx.set_progress(0, 600, 0.4);
    ctx.set_progress(1, 900, 0.1);
    ctx.submit(*las, 2);
    las->schedule(ctx);
    EXPECT_EQ(ctx.preempted, std::vector<JobId>{leased ? 0u : 1u}) << (leased ? "leased" : "not leased");
    EXPECT_EQ(ctx.started_ids(), std::vector<JobId>{2});
  }
}
