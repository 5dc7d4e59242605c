// The invariant checks (sim/run/invariants.hpp) catch each kind of inconsistency, and runs with
// checking on stay clean.
#include <gtest/gtest.h>

#include "../support/mini_model.hpp"
#include "../support/policy_lists.hpp"
#include "../support/run_helpers.hpp"
#include "hetsim/run/invariants.hpp"

using namespace hetsim;

namespace {

Cluster two_nodes() {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 2, 4, 64000, 1 << 16, 4);  // nodes 0, 1: 4 fast cards each
  return m.cluster;
}

NodeGrant grant(NodeId n, uint32_t mask, uint16_t milli = 1000) { return NodeGrant{n, mask, milli, 2000, 1024}; }

TEST(Invariants, ConsistentAllocationsPass) {
  const Cluster initial = two_nodes();
  Cluster now = initial;
  const Allocation a{grant(0, 0b0011)}, b{grant(1, 0b0001, 500)}, c{grant(1, 0b0001, 500)};
  for (const Allocation* x : {&a, &b, &c}) now.allocate(*x);
  const std::vector<const Allocation*> live{&a, &b, &c};
  EXPECT_EQ(check_allocations(now, initial, live), "");
  EXPECT_EQ(check_totals(now), "");
  Job j;
  j.id = 7;
  j.cards = 2;
  EXPECT_EQ(check_started(now, j, a), "");
}

TEST(Invariants, DoubleBookedCardIsReported) {
  const Cluster initial = two_nodes();
  Cluster now = initial;
  const Allocation a{grant(0, 0b0001)};
  now.allocate(a);
  const std::vector<const Allocation*> live{&a, &a};  // two jobs claim the same card
  EXPECT_NE(check_allocations(now, initial, live).find("over-allocated"), std::string::npos);
}

TEST(Invariants, CardsTakenWithoutARunningJobAreReported) {
  const Cluster initial = two_nodes();
  Cluster now = initial;
  now.allocate({grant(1, 0b0100)});
  const std::vector<const Allocation*> none;
  const std::string why = check_allocations(now, initial, none);
  EXPECT_NE(why.find("card 2 of node 1 shows 0 milli free, the running jobs leave 1000"), std::string::npos) << why;
}

TEST(Invariants, HostResourcesMustMatchTheGrants) {
  const Cluster initial = two_nodes();
  Cluster now = initial;
  Allocation a{grant(0, 0b0001)};
  now.allocate(a);
  a[0].cpu_milli = 1000;  // the job claims less CPU than the node lost
  const std::vector<const Allocation*> live{&a};
  EXPECT_NE(check_allocations(now, initial, live).find("milli-CPU free"), std::string::npos);
}

TEST(Invariants, GangMustBeWhole) {
  Cluster now = two_nodes();
  const Allocation a{grant(0, 0b0001)};
  now.allocate(a);
  Job j;
  j.id = 3;
  j.cards = 2;
  EXPECT_EQ(check_started(now, j, a), "job 3 holds 1 cards, its gang is 2 (all-or-nothing)");
}

TEST(Invariants, JobCountsAndClock) {
  EXPECT_EQ(check_job_counts({1, 2, 3, 4}, 10, 2, 3), "");
  EXPECT_NE(check_job_counts({1, 2, 3, 4}, 11, 2, 3), "");
  EXPECT_NE(check_job_counts({1, 2, 3, 4}, 10, 1, 3).find("pending count is 1"), std::string::npos);
  EXPECT_NE(check_job_counts({1, 2, 3, 4}, 10, 2, 4).find("running set holds 4"), std::string::npos);
  EXPECT_EQ(check_clock(SimTime::from_s(5), SimTime::from_s(5)), "");
  EXPECT_NE(check_clock(SimTime::from_s(5), SimTime::from_s(4)), "");
}

TEST(Invariants, EveryPolicyRunsCleanWithCheckingOn) {
  // run_policy turns checking on; a violation would throw InvariantViolation out of run().
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 3, 8, 128000, 1 << 20, 4);
  m.cluster.add_pool(0, 0, 1, 3, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  for (JobId i = 0; i < 60; ++i) m.jobs.push_back(test::timed_job(i, i * 7.0, 1 + (i * 5) % 16, 50 + (i * 37) % 400));
  test::finalize(m);
  for (const std::string& policy : test::every_policy()) {
    const auto r = test::run_policy(m, policy);
    EXPECT_GT(r.result.events, 0u) << policy;
  }
}

}  // namespace
