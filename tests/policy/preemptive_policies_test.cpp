// srtf, las and tiresias on hand-made workloads whose preemptions can be worked out by hand.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "../support/mini_model.hpp"
#include "../support/run_helpers.hpp"
#include "hetsim/policy/ordering/preemptive_priority.hpp"

using namespace hetsim;

namespace {

// `nodes` fast 8-card nodes in one pool; checkpoints take 1 s, a restart 5 s + write + read = 7 s.
SimulationModel model(uint32_t nodes, std::vector<Job> jobs) {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, nodes, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.jobs = std::move(jobs);
  test::finalize(m);
  m.checkpoint.bytes_per_param = 10;
  m.checkpoint.storage_gbps = 80;
  m.checkpoint.restart_overhead_s = 5;
  return m;
}

double end_s(const test::Ran& r, JobId id) { return r.metrics->records()[id].end.seconds(); }
uint32_t preemptions(const test::Ran& r, JobId id) { return r.metrics->records()[id].preemptions; }

}  // namespace

TEST(PreemptivePolicies, LasLetsANewcomerOvertakeALongRunAfterItsLease) {
  // Job 0 holds the only node for 1000 s; job 1 (100 s) arrives at 10 s.
  const SimulationModel m = model(1, {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 10, 8, 100)});
  const auto las = test::run_policy(m, "las");
  // The lease (min_run 60 s) holds job 0 until the wake-up at 60 s; then job 1 runs 60..160 s and
  // job 0 resumes: 7 s of restart, 940 s of work left.
  EXPECT_EQ(preemptions(las, 0), 1u);
  EXPECT_DOUBLE_EQ(test::start_s(las, 1), 60);
  EXPECT_DOUBLE_EQ(end_s(las, 1), 160);
  EXPECT_DOUBLE_EQ(end_s(las, 0), 160 + 7 + 940);
  const auto fifo = test::run_policy(m, "fifo");
  EXPECT_DOUBLE_EQ(end_s(fifo, 1), 1100);
  // Without a lease, and with preemption decided every second, the newcomer preempts at once.
  const auto eager = test::run_policy(m, "las", {{"min_run", "0"}, {"quantum", "1"}});
  EXPECT_DOUBLE_EQ(test::start_s(eager, 1), 10);
}

TEST(PreemptivePolicies, SrtfPreemptsOnlyForLessRemainingWork) {
  const SimulationModel shorter = model(1, {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 10, 8, 100)});
  const auto a = test::run_policy(shorter, "srtf");
  EXPECT_EQ(preemptions(a, 0), 1u);
  EXPECT_DOUBLE_EQ(end_s(a, 1), 160);
  // A longer newcomer (2000 s) waits: 940 s remain of job 0 at the wake-up.
  const SimulationModel longer = model(1, {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 10, 8, 2000)});
  const auto b = test::run_policy(longer, "srtf");
  EXPECT_EQ(preemptions(b, 0), 0u);
  EXPECT_DOUBLE_EQ(test::start_s(b, 1), 1000);
}

TEST(PreemptivePolicies, TiresiasQueuesByAttainedCardSeconds) {
  PreemptivePriorityPolicy::Options o;
  o.rule = PreemptivePriorityPolicy::Rule::Tiresias;
  o.queues = 3;
  const PreemptivePriorityPolicy p(o);  // thresholds 11,520 and 115,200 card-seconds
  EXPECT_EQ(p.tiresias_queue(0), 0u);
  EXPECT_EQ(p.tiresias_queue(11519.9), 0u);
  EXPECT_EQ(p.tiresias_queue(11520), 1u);
  EXPECT_EQ(p.tiresias_queue(115200), 2u);
  EXPECT_EQ(p.tiresias_queue(1e15), 2u);
}

TEST(PreemptivePolicies, TiresiasPreemptsOnlyAcrossQueues) {
  // Job 0 (8 cards) reaches 11,520 card-seconds, the second queue, at 1,440 s; until then job 1
  // waits in the same first queue (FIFO, no preemption), then takes the node.
  const SimulationModel m = model(1, {test::timed_job(0, 0, 8, 3000), test::timed_job(1, 10, 8, 100)});
  const auto r = test::run_policy(m, "tiresias", {{"starve_factor", "0"}});
  EXPECT_DOUBLE_EQ(test::start_s(r, 1), 1440);
  EXPECT_EQ(preemptions(r, 0), 1u);
  EXPECT_DOUBLE_EQ(end_s(r, 0), 1540 + 7 + 1560);
}

TEST(PreemptivePolicies, TiresiasStarvationGuardPromotesALongWaiter) {
  // Job 1 preempts job 0 at 1,440 s and reaches the second queue itself at 2,880 s, where job 0,
  // having waited as long as it ran (1,440 s), is promoted and preempts it back; from then on the
  // two take turns. Without the guard job 0 waits in the second queue until job 1 is done.
  const SimulationModel m = model(1, {test::timed_job(0, 0, 8, 5000), test::timed_job(1, 1, 8, 3000)});
  const auto off = test::run_policy(m, "tiresias", {{"starve_factor", "0"}});
  EXPECT_EQ(preemptions(off, 0), 1u);
  EXPECT_EQ(preemptions(off, 1), 0u);
  EXPECT_DOUBLE_EQ(end_s(off, 1), 1440 + 3000);
  EXPECT_DOUBLE_EQ(end_s(off, 0), 4440 + 7 + 3560);
  const auto guarded = test::run_policy(m, "tiresias", {{"starve_factor", "1"}});
  EXPECT_GE(preemptions(guarded, 1), 1u);
  EXPECT_GT(end_s(guarded, 1), end_s(off, 1));  // job 1 now shares the node with the promoted job 0
}

TEST(PreemptivePolicies, PreemptsOnlyWhatTheWaitingJobNeeds) {
  // Two nodes busy with equal jobs; a 100-s job needs one node: only the lower-priority run (the
  // later id at equal remaining work and arrival) is preempted, and resumes on the node it frees.
  const SimulationModel m =
      model(2, {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 0, 8, 1000), test::timed_job(2, 10, 8, 100)});
  const auto r = test::run_policy(m, "srtf");
  EXPECT_EQ(preemptions(r, 0), 0u);
  EXPECT_EQ(preemptions(r, 1), 1u);
  EXPECT_DOUBLE_EQ(end_s(r, 2), 160);
}

TEST(PreemptivePolicies, NamesAndParameters) {
  const SimulationModel m = model(1, {test::timed_job(0, 0, 8, 10)});
  EXPECT_EQ(test::run_policy(m, "las", {{"placement", "best-fit"}}).policy_name, "las[best-fit]");
  EXPECT_EQ(test::run_policy(m, "tiresias").policy_name, "tiresias[first-fit]");
  EXPECT_THROW(builtin_policy_registry().create("las", {{"service", "gpu"}}), std::invalid_argument);
  EXPECT_THROW(builtin_policy_registry().create("tiresias", {{"queues", "0"}}), std::invalid_argument);
}
