// Guaranteed shares (a tenant's `guarantee`): others borrow reserved cards while the owner does not
// need them; the driver reserves free cards for the owner's waiting jobs and takes borrowed ones
// back by preempting borrowers; the policies pass over jobs that only reserved cards would fit.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "../support/blind_policy.hpp"
#include "../support/mini_model.hpp"
#include "../support/policy_lists.hpp"
#include "../support/run_helpers.hpp"
#include "../support/tenant_load.hpp"
#include "hetsim/metrics/report.hpp"
#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/run/guarantee_book.hpp"

using namespace hetsim;

namespace {

// One site, provider "prov": 2 nodes of 8 "fast" cards. Tenant t0 is guaranteed 8 of them, t1
// has no guarantee. Job 0 (t1) takes all 16 cards at t = 0 for 1000 s; job 1 (t0, 8 cards,
// 100 s) arrives at t = 100.
SimulationModel borrow_model() {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.tenants[0].provider_guarantee = {8};
  m.tenants.push_back(Tenant{"t1", 1, 0});
  m.jobs = {test::timed_job(0, 0, 16, 1000), test::timed_job(1, 100, 8, 100)};
  m.jobs[0].tenant = 1;
  test::finalize(m);
  return m;
}

const JobRecord& rec(const test::Ran& r, JobId id) { return r.metrics->records()[id]; }

}  // namespace

TEST(Guarantees, OthersBorrowReservedCardsAndTheOwnerTakesThemBack) {
  for (const std::string& policy : test::every_policy()) {
    const auto r = test::run_policy(borrow_model(), policy);
    EXPECT_DOUBLE_EQ(rec(r, 0).start.seconds(), 0) << policy;  // borrows t0's 8 idle cards
    EXPECT_EQ(rec(r, 0).reclaims, 1u) << policy;               // stopped when t0 needed them
    EXPECT_EQ(rec(r, 0).preemptions, 1u) << policy;
    EXPECT_EQ(rec(r, 0).outcome, JobOutcome::Completed) << policy;
    EXPECT_EQ(rec(r, 1).outcome, JobOutcome::Completed) << policy;
    EXPECT_EQ(rec(r, 1).reclaims, 0u) << policy;
    // The round-based policies start it at their next round; the others at once.
    EXPECT_LT(rec(r, 1).start.seconds(), 1000) << policy;
    if (std::string(policy) != "gavel" && std::string(policy) != "themis" && std::string(policy) != "sia") {
      EXPECT_DOUBLE_EQ(rec(r, 1).start.seconds(), 100) << policy;
    }
  }
  // Without the guarantee job 1 waits for job 0.
  SimulationModel none = borrow_model();
  none.tenants[0].provider_guarantee.clear();
  const auto r = test::run_policy(none, "fifo");
  EXPECT_GE(rec(r, 1).start.seconds(), 1000);
  EXPECT_EQ(rec(r, 0).reclaims, 0u);
}

TEST(Guarantees, FreeCardsAreReservedForTheOwnersWaitingJob) {
  // 16 cards; job 0 (t1, 8 cards) runs from 0 to 1000. At t = 100 job 1 (t1, 8) and job 2 (t0, 8)
  // arrive: first come first served would give job 1 the last 8 free cards, but they are t0's.
  SimulationModel m = borrow_model();
  m.jobs = {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 100, 8, 100), test::timed_job(2, 100, 8, 100)};
  m.jobs[0].tenant = 1;
  m.jobs[1].tenant = 1;
  test::finalize(m);
  for (const std::string& policy : test::immediate_policies()) {
    const auto r = test::run_policy(m, policy);
    EXPECT_DOUBLE_EQ(rec(r, 2).start.seconds(), 100) << policy;
    EXPECT_EQ(rec(r, 0).reclaims, 0u) << policy;  // job 0 holds t1's unreserved half: never reclaimed
  }
  // Job 1 waits for job 2 to end (the preemptive policies may stop job 0, t1's own, for it instead).
  for (const std::string& policy : test::immediate_policies(test::Preempts::No)) {
    EXPECT_GE(rec(test::run_policy(m, policy), 1).start.seconds(), 200) << policy;
  }
  SimulationModel none = m;
  none.tenants[0].provider_guarantee.clear();
  const auto r = test::run_policy(none, "fifo");
  EXPECT_DOUBLE_EQ(rec(r, 1).start.seconds(), 100);
  EXPECT_GE(rec(r, 2).start.seconds(), 200);
}

TEST(Guarantees, TheDriverRejectsAStartOnReservedCards) {
  SimulationModel m = borrow_model();
  m.jobs = {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 100, 8, 100), test::timed_job(2, 100, 8, 100)};
  m.jobs[0].tenant = 1;
  m.jobs[1].tenant = 1;
  test::finalize(m);
  test::TenantBlindPolicy blind;
  const std::string v = test::violation_message(m, blind);
  EXPECT_NE(v.find("job 1"), std::string::npos) << v;
  EXPECT_NE(v.find("reserved for another tenant's guaranteed share"), std::string::npos) << v;
}

TEST(Guarantees, OnlyBorrowersAreStopped) {
  // t0 and t2 are guaranteed 8 cards each of the 16. At t = 0 job 0 (t1, none) and job 1 (t2)
  // take 8 each; at t = 100 t0's job 2 needs 8: job 1 is within t2's guarantee and is not stopped,
  // though it is the most recent run; job 0 is.
  SimulationModel m = borrow_model();
  m.tenants.push_back(Tenant{"t2", 1, 0});
  m.tenants.back().provider_guarantee = {8};
  m.jobs = {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 50, 8, 1000), test::timed_job(2, 100, 8, 100)};
  m.jobs[0].tenant = 1;
  m.jobs[1].tenant = 2;
  test::finalize(m);
  for (const std::string& policy : test::every_policy()) {
    const auto r = test::run_policy(m, policy);
    EXPECT_EQ(rec(r, 0).reclaims, 1u) << policy;
    EXPECT_EQ(rec(r, 1).reclaims, 0u) << policy;
    EXPECT_EQ(rec(r, 2).outcome, JobOutcome::Completed) << policy;
  }
}

TEST(Guarantees, NoRunIsStoppedForAClaimItCannotServe) {
  // Provider "prov": a pool of 8 "fast" cards and one of 8 "slow" cards. t0 is guaranteed 8 and its
  // job may only use "fast" cards, which t2 holds within its own guarantee of 8. The borrower t1
  // holds the "slow" cards: stopping it would not help t0, so it runs on.
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 2);
  m.cluster.add_pool(0, 0, 1, 1, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.tenants[0].provider_guarantee = {8};
  m.tenants.push_back(Tenant{"t1", 1, 0});
  m.tenants.push_back(Tenant{"t2", 1, 0});
  m.tenants.back().provider_guarantee = {8};
  m.jobs = {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 0, 8, 1000), test::timed_job(2, 100, 8, 100)};
  m.jobs[0].tenant = 2;
  m.jobs[0].allowed_chips = 1ULL << 0;
  m.jobs[1].tenant = 1;
  m.jobs[1].allowed_chips = 1ULL << 1;
  m.jobs[2].allowed_chips = 1ULL << 0;
  test::finalize(m);
  for (const char* policy : {"fifo", "easy-backfill", "las"}) {
    const auto r = test::run_policy(m, policy);
    EXPECT_EQ(rec(r, 1).reclaims, 0u) << policy;
    EXPECT_GE(rec(r, 2).start.seconds(), 1000) << policy;
  }
}

TEST(Guarantees, PreemptivePoliciesDoNotStopAJobWithinItsGuaranteeForAnotherTenant) {
  // LAS would stop t0's long job (most attained service) for t1's fresh one; it is within t0's
  // guarantee of all 8 cards, so it runs to the end.
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.tenants[0].provider_guarantee = {8};
  m.tenants.push_back(Tenant{"t1", 1, 0});
  m.jobs = {test::timed_job(0, 0, 8, 5000), test::timed_job(1, 1000, 8, 100)};
  m.jobs[1].tenant = 1;
  test::finalize(m);
  for (const std::string& policy : test::immediate_policies(test::Preempts::Yes)) {
    const auto r = test::run_policy(m, policy);
    EXPECT_EQ(rec(r, 0).preemptions, 0u) << policy;
    EXPECT_GE(rec(r, 1).start.seconds(), 5000) << policy;
  }
  // Without the guarantee LAS does stop it.
  m.tenants[0].provider_guarantee.clear();
  EXPECT_GE(rec(test::run_policy(m, "las"), 0).preemptions, 1u);
}

TEST(Guarantees, RandomRunsEndEveryJobOnceUnderEveryPolicy) {
  // Two providers, three tenants (two guaranteed), a random load well above capacity. Invariant
  // checks are on: every sample recounts the tenants' cards and checks that no tenant claims more
  // than its unused guarantee; the driver rejects any start on cards reserved for another tenant.
  SimulationModel m = test::random_tenant_load(5);
  m.tenants[0].provider_guarantee = {16, 8};
  m.tenants[1].provider_guarantee = {0, 16};
  for (const std::string& policy : test::every_policy()) {
    const auto r = test::run_policy(m, policy);
    uint64_t ended = 0, reclaims = 0;
    for (const JobRecord& x : r.metrics->records()) {
      ended += has_ended(x) ? 1 : 0;
      reclaims += x.reclaims;
    }
    EXPECT_EQ(ended, m.jobs.size()) << policy;
    EXPECT_GT(reclaims, 0u) << policy;  // the load makes borrowers give cards back
  }
}

TEST(Guarantees, AGuaranteeShortensItsTenantsWaitsUnderLoad) {
  // One provider of 32 cards, t0 guaranteed 16 and sending a fifth of the jobs: its mean first
  // wait under fifo is shorter with the guarantee than without, and others still use its idle cards.
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 4, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.tenants.push_back(Tenant{"t1", 1, 0});
  std::mt19937_64 gen(11);
  double t = 0;
  for (JobId i = 0; i < 400; ++i) {
    t += static_cast<double>(gen() % 60);
    m.jobs.push_back(test::timed_job(i, t, 1 + static_cast<uint32_t>(gen() % 8), 60 + gen() % 1200));
    m.jobs.back().tenant = gen() % 5 == 0 ? 0 : 1;
  }
  test::finalize(m);
  m.horizon = SimTime::from_s(20 * 86400);
  const auto mean_wait = [&](const test::Ran& r, TenantId tenant) {
    double sum = 0;
    int n = 0;
    for (JobId i = 0; i < m.jobs.size(); ++i) {
      if (m.jobs[i].tenant != tenant) continue;
      sum += (rec(r, i).start - m.jobs[i].arrival).seconds();
      ++n;
    }
    return sum / n;
  };
  const auto without = test::run_policy(m, "fifo");
  SimulationModel g = m;
  g.tenants[0].provider_guarantee = {16};
  const auto with = test::run_policy(g, "fifo");
  EXPECT_LT(mean_wait(with, 0), 0.5 * mean_wait(without, 0));
  uint64_t t1_on_reserved = 0;  // t1 jobs that borrowed: started while t0 held less than 16 cards
  for (JobId i = 0; i < g.jobs.size(); ++i)
    t1_on_reserved += g.jobs[i].tenant == 1 && rec(with, i).reclaims > 0 ? 1 : 0;
  EXPECT_GT(t1_on_reserved, 0u);
}

TEST(Guarantees, TheSummaryReportsReclaimsAndGuaranteedTenants) {
  const SimulationModel m = borrow_model();
  const auto r = test::run_policy(m, "fifo");
  RunInfo info;
  info.scenario = "mini";
  info.policy = r.policy_name;
  const ReportInputs in{&info, &m.cluster, &m.chips, &m.jobs, &m.tenants, r.metrics.get(), &m.vouchers};
  const auto s = summary_json(in);
  EXPECT_EQ(s["guarantees"]["tenants"], 1);
  EXPECT_EQ(s["guarantees"]["reclaims"], 1);
  EXPECT_EQ(s["guarantees"]["jobs_reclaimed"], 1);
  EXPECT_EQ(s["guarantees"]["by_tenant"]["t0"]["cards"], 8);
  EXPECT_EQ(s["guarantees"]["by_tenant"]["t0"]["jobs_started"], 1);
  EXPECT_DOUBLE_EQ(s["guarantees"]["by_tenant"]["t0"]["mean_wait_s"].get<double>(), 0);
  EXPECT_FALSE(s["guarantees"]["by_tenant"].contains("t1"));
}

TEST(Guarantees, AGuaranteedTenantWhoseBudgetIsSpentClaimsNothing) {
  // 16 cards at 0.001 per card-second. t0 (guarantee 12) runs job 0 on 4 cards from t = 0; t1
  // borrows 12 with job 1; t0's job 2 (8 cards) arrives at 200 s. With budget to spare it claims
  // its unused guarantee and t1's run is reclaimed; with a budget of 0.4, spent by job 0 at 100 s
  // (the rent up to now: the part must read the clock), job 2 could never start: no claim, no stop.
  const auto reclaims_of_job_1 = [](double budget) {
    SimulationModel m = test::mini_model();
    m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 2);
    m.cluster.set_pool_price(0, 3.6);
    test::finish_topology(m);
    m.tenants[0].provider_guarantee = {12};
    m.tenants[0].budget = budget;
    m.tenants.push_back(Tenant{"t1", 1, 0});
    m.jobs = {test::timed_job(0, 0, 4, 5000), test::timed_job(1, 1, 12, 5000), test::timed_job(2, 200, 8, 100)};
    m.jobs[1].tenant = 1;
    test::finalize(m);
    const auto r = test::run_policy(m, "fifo");
    return rec(r, 1).reclaims;
  };
  EXPECT_EQ(reclaims_of_job_1(1e9), 1u);
  EXPECT_EQ(reclaims_of_job_1(0.4), 0u);
}

// ---- GuaranteeBook on its own

namespace {
struct BookFixture {
  Cluster cluster{2};
  std::vector<Tenant> tenants;
  std::vector<int64_t> held;  // per tenant (one provider)
  std::vector<uint32_t> cards;
  std::vector<int64_t> borrowers;                                     // per pool
  std::map<PoolId, std::vector<std::pair<NodeId, int64_t>>> by_node;  // per pool

  BookFixture() {
    cluster.add_site("s");
    cluster.add_provider("p");
    cluster.add_pool(0, 0, 0, 2, 8, 1000, 1000, 2);  // pool 0: nodes 0-1
    cluster.add_pool(0, 0, 1, 2, 8, 1000, 1000, 2);  // pool 1: nodes 2-3
    tenants = {Tenant{"a", 1, 0}, Tenant{"b", 1, 0}};
    tenants[0].provider_guarantee = {20};
    held.assign(2, 0);
    borrowers.assign(2, 0);
  }
  GuaranteeBook::Inputs inputs() {
    GuaranteeBook::Inputs in;
    in.cluster = &cluster;
    in.held = [this](TenantId t, ProviderId) { return held[t]; };
    in.cards = [this](JobId id) { return cards[id]; };
    in.may_use = [](JobId, PoolId) { return true; };
    in.reclaimable = [this](std::vector<int64_t>& v) { v = borrowers; };
    in.node_reclaimable = [this](PoolId q, std::vector<std::pair<NodeId, int64_t>>& v) { v = by_node[q]; };
    return in;
  }
  void fill_all() {
    Allocation all;
    for (NodeId n = 0; n < cluster.node_count(); ++n) all.push_back(NodeGrant{n, 0xFF, kMilliPerCard, 0, 0});
    cluster.allocate(all);
  }
};
GuaranteeBook::Candidate candidate(JobId job, TenantId t, NodeId node, int64_t cards) {
  return GuaranteeBook::Candidate{job, t, cards, cards, {{node, cards}}};
}
}  // namespace

TEST(GuaranteeBook, ClaimsFollowJobOrderUntilTheUnusedGuaranteeIsSpent) {
  BookFixture f;
  f.held[0] = 4;  // 16 of 20 unused
  f.cards = {8, 8, 8, 1};
  GuaranteeBook book(f.tenants, 1, 2);
  for (JobId id = 0; id < 4; ++id) book.add_pending(0, id);
  book.refresh(f.inputs());
  // Jobs 0 and 1 claim 8 each (16 = the unused guarantee); job 2 would exceed it, job 3 too.
  ASSERT_EQ(book.claims().size(), 2u);
  EXPECT_EQ(book.claims()[0].job, 0u);
  EXPECT_EQ(book.claims()[1].job, 1u);
  // Each in the pool with the most free unreserved cards, on a node that holds it: pool 0 node 0,
  // then pool 1 (16 - 0 > 16 - 8) node 2.
  EXPECT_EQ(book.claims()[0].pool, 0u);
  EXPECT_EQ(book.claims()[0].node, 0u);
  EXPECT_EQ(book.claims()[1].pool, 1u);
  EXPECT_EQ(book.claims()[1].node, 2u);
  EXPECT_EQ(book.reserved_for_others(1, 0), 8);
  EXPECT_EQ(book.reserved_for_others(0, 0), 0);  // its own claims do not bind it
  EXPECT_FALSE(book.stale());
  book.remove_pending(0, 0);
  EXPECT_TRUE(book.stale());
  book.refresh(f.inputs());
  EXPECT_EQ(book.claims().size(), 2u);  // jobs 1 and 2 now
  EXPECT_EQ(book.claims()[1].job, 2u);
}

TEST(GuaranteeBook, ClaimsAreServedByPriorityThenArrival) {
  BookFixture f;
  f.cards = {8, 8};
  f.tenants[0].provider_guarantee = {8};
  GuaranteeBook book(f.tenants, 1, 2);
  book.add_pending(0, 0);
  book.add_pending(0, 1);
  GuaranteeBook::Inputs in = f.inputs();
  book.refresh(in);
  ASSERT_EQ(book.claims().size(), 1u);  // 8 of guarantee: the first job only
  EXPECT_EQ(book.claims()[0].job, 0u);
  in.priority = [](JobId id) { return id == 1 ? 5 : 0; };
  book.invalidate();
  book.refresh(in);
  ASSERT_EQ(book.claims().size(), 1u);
  EXPECT_EQ(book.claims()[0].job, 1u);
}

TEST(GuaranteeBook, TenantsAreServedInJobOrderAndSpreadFreeCardsAreNotClaimed) {
  BookFixture f;
  f.tenants[1].provider_guarantee = {8};
  f.tenants[0].provider_guarantee = {8};
  f.cards = {8, 8, 8, 8};
  // Pool 0 keeps 4 free cards on each node: 8 free, but no node holds an 8-card job.
  f.cluster.allocate(Allocation{NodeGrant{0, 0x0F, kMilliPerCard, 0, 0}, NodeGrant{1, 0x0F, kMilliPerCard, 0, 0}});
  f.cluster.allocate(Allocation{NodeGrant{3, 0xFF, kMilliPerCard, 0, 0}});  // pool 1: node 2 free only
  GuaranteeBook book(f.tenants, 1, 2);
  book.add_pending(0, 3);
  book.add_pending(1, 1);
  book.refresh(f.inputs());
  // b's job 1 came first: it takes node 2, the only node with 8 free cards; a's job 3 finds none.
  ASSERT_EQ(book.claims().size(), 1u);
  EXPECT_EQ(book.claims()[0].job, 1u);
  EXPECT_EQ(book.claims()[0].node, 2u);
}

TEST(GuaranteeBook, ClaimsWithoutFreeCardsGoWhereBorrowersCanServeThem) {
  BookFixture f;
  f.cards = {8};
  f.fill_all();
  f.borrowers = {0, 8};  // borrowers hold 8 cards of pool 1 only, all on node 3
  f.by_node[1] = {{3, 8}};
  GuaranteeBook book(f.tenants, 1, 2);
  book.add_pending(0, 0);
  book.refresh(f.inputs());
  ASSERT_EQ(book.claims().size(), 1u);
  EXPECT_EQ(book.claims()[0].pool, 1u);
  EXPECT_EQ(book.claims()[0].node, 3u);
  EXPECT_EQ(book.reserved(1), 8);
  // Borrowers' cards spread so that no node can hold the job: no claim.
  f.by_node[1] = {{2, 4}, {3, 4}};
  book.invalidate();
  book.refresh(f.inputs());
  EXPECT_FALSE(book.any_claims());
  // No borrowers at all: no claim, so nothing would be stopped.
  f.borrowers = {0, 0};
  f.by_node.clear();
  book.invalidate();
  book.refresh(f.inputs());
  EXPECT_FALSE(book.any_claims());
}

TEST(GuaranteeBook, PlanReclaimStopsBorrowersOnlyWhereTheClaimNeedsThemAndOnlyForServedClaims) {
  BookFixture f;
  f.cards = {4, 8};
  f.fill_all();
  f.borrowers = {16, 0};
  f.by_node[0] = {{0, 8}, {1, 8}};
  GuaranteeBook book(f.tenants, 1, 2);
  book.add_pending(0, 0);
  book.add_pending(0, 1);
  book.refresh(f.inputs());
  ASSERT_EQ(book.claims().size(), 2u);  // job 0 (4 cards) on node 0, job 1 (8 cards) on node 1
  EXPECT_EQ(book.claims()[0].node, 0u);
  EXPECT_EQ(book.claims()[1].node, 1u);
  const auto none_free = [](NodeId) { return int64_t{0}; };
  // Candidates in stopping order, all of tenant b: 2 cards on node 0, 8 on node 1, 2 on node 0.
  const std::vector<GuaranteeBook::Candidate> cands = {candidate(10, 1, 0, 2), candidate(11, 1, 1, 8),
                                                       candidate(12, 1, 0, 2)};
  std::vector<int64_t> borrowed = {-20, 20};
  // Claim 0 needs node 0: jobs 10 and 12 (not 11, on node 1); claim 1 needs node 1: job 11.
  EXPECT_EQ(book.plan_reclaim(0, 0, none_free, cands, borrowed), (std::vector<std::size_t>{0, 2, 1}));
  EXPECT_EQ(borrowed[1], 8);
  // Without job 11 the second claim cannot be served: only the first one's stops are made.
  const std::vector<GuaranteeBook::Candidate> fewer = {cands[0], cands[2]};
  std::vector<int64_t> b2 = {-20, 20};
  EXPECT_EQ(book.plan_reclaim(0, 0, none_free, fewer, b2), (std::vector<std::size_t>{0, 1}));
  // Not even the first: nothing is stopped.
  const std::vector<GuaranteeBook::Candidate> one = {cands[0], cands[1]};
  std::vector<int64_t> b3 = {-20, 20};
  JobId unserved = kNoJob;
  EXPECT_TRUE(book.plan_reclaim(0, 0, none_free, one, b3, &unserved).empty());
  EXPECT_EQ(unserved, 0u);  // job 0's claim: the driver skips it and plans the pool again
  book.skip(0);
  book.refresh(f.inputs());
  ASSERT_EQ(book.claims().size(), 1u);
  EXPECT_EQ(book.claims()[0].job, 1u);
  book.clear_skips();
  EXPECT_TRUE(book.stale());
  // A tenant that stops borrowing is not stopped further: b borrows 2, so after job 10 it is at
  // its guarantee and job 12 stays; the claim is not served and nothing is stopped.
  std::vector<int64_t> b4 = {-20, 2};
  EXPECT_TRUE(book.plan_reclaim(0, 0, none_free, cands, b4).empty());
  // Enough free cards on the nodes already: nothing stopped.
  std::vector<int64_t> b5 = {-20, 20};
  EXPECT_TRUE(book.plan_reclaim(
                      0, 16, [](NodeId) { return int64_t{8}; }, cands, b5)
                  .empty());
}

TEST(GuaranteeBook, NoBorrowerIsStoppedForAJobThatFitsElsewhereNow) {
  BookFixture f;
  f.cluster.add_provider("q");
  f.cluster.add_pool(0, 1, 0, 1, 8, 1000, 1000, 2);  // pool 2 at provider q: node 4, 8 free cards
  f.tenants[0].provider_guarantee = {20, 0};
  f.cards = {8};
  Allocation p_full;
  for (NodeId n = 0; n < 4; ++n) p_full.push_back(NodeGrant{n, 0xFF, kMilliPerCard, 0, 0});
  f.cluster.allocate(p_full);
  f.borrowers = {16, 16, 0};
  f.by_node[0] = {{0, 8}, {1, 8}};
  GuaranteeBook book(f.tenants, 2, 3);
  book.add_pending(0, 0);
  book.refresh(f.inputs());
  EXPECT_FALSE(book.any_claims());  // it can start at provider q now
  // Provider q full too: now it claims at p, where borrowers can serve it.
  f.cluster.allocate(Allocation{NodeGrant{4, 0xFF, kMilliPerCard, 0, 0}});
  book.invalidate();
  book.refresh(f.inputs());
  ASSERT_EQ(book.claims().size(), 1u);
  EXPECT_EQ(f.cluster.pool(book.claims()[0].pool).provider, 0u);
}

// ---- Cases found in review, each of which went wrong before its fix

TEST(Guarantees, RoundBasedPoliciesKeepARunWithinItsGuarantee) {
  // t0 is guaranteed the whole 8-card node and runs one job on it; t1's job waits. Gavel used to
  // stop t0's job every round for t1's, which then could not take the reserved cards back.
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.tenants[0].provider_guarantee = {8};
  m.tenants.push_back(Tenant{"t1", 1, 0});
  m.jobs = {test::timed_job(0, 0, 8, 7200), test::timed_job(1, 0, 8, 1800)};
  m.jobs[1].tenant = 1;
  test::finalize(m);
  for (const std::string& policy : test::round_policies()) {
    const auto r = test::run_policy(m, policy);
    EXPECT_EQ(rec(r, 0).preemptions, 0u) << policy;
    EXPECT_NEAR(rec(r, 0).end.seconds(), 7200, 1) << policy;
  }
}

TEST(Guarantees, AJobNoSinglePoolCanTakeOutsideReservedCardsIsHeld) {
  // Provider q: 2 nodes, provider p: 3 nodes (8 cards each). t0 is guaranteed 8 cards of p, t1 16.
  // At 900 s two short t1 jobs end, leaving 8 free cards in each provider; t0's waiting job 6
  // claims those of p. The 16-card head (t1) fits 8 + 8 only across pools: it must not block fifo.
  SimulationModel m = test::mini_model();
  m.cluster.add_provider("p");
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 2);
  m.cluster.add_pool(0, 1, 0, 3, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.tenants[0].provider_guarantee = {0, 8};
  m.tenants.push_back(Tenant{"t1", 1, 0});
  m.tenants.back().provider_guarantee = {0, 16};
  m.jobs = {test::timed_job(0, 0, 8, 36000), test::timed_job(1, 0, 8, 900),  test::timed_job(2, 0, 8, 36000),
            test::timed_job(3, 0, 8, 900),   test::timed_job(4, 0, 8, 1000), test::timed_job(5, 10, 16, 36000),
            test::timed_job(6, 20, 8, 600)};
  for (JobId i : {0u, 1u, 2u, 3u, 5u}) m.jobs[i].tenant = 1;
  test::finalize(m);
  const auto r = test::run_policy(m, "fifo");
  EXPECT_LE(rec(r, 6).start.seconds(), 1000);
}

TEST(Guarantees, ReclaimingFreesANodeTheOwnersJobCanUse) {
  // Two 8-card nodes full of t1's 4-card jobs; t0 (guaranteed 8) needs one whole node. The two
  // latest runs sit on different nodes: stopping both used to free 4 + 4 cards the job could not
  // use, and those cards then stayed reserved for 10 h. Now the two runs on one node are stopped.
  SimulationModel m = borrow_model();
  m.jobs = {test::timed_job(0, 0, 4, 36000), test::timed_job(1, 1, 4, 100),     test::timed_job(2, 2, 4, 36000),
            test::timed_job(3, 3, 4, 36000), test::timed_job(4, 200, 4, 36000), test::timed_job(5, 300, 8, 600)};
  for (JobId i = 0; i < 5; ++i) m.jobs[i].tenant = 1;
  test::finalize(m);
  for (const char* policy : {"fifo", "easy-backfill"}) {
    const auto r = test::run_policy(m, policy);
    EXPECT_DOUBLE_EQ(rec(r, 5).start.seconds(), 300) << policy;
    uint64_t reclaims = 0;
    for (const JobRecord& x : r.metrics->records()) reclaims += x.reclaims;
    EXPECT_EQ(reclaims, 2u) << policy;
  }
}

TEST(Guarantees, AClaimGoesToANodeItsBorrowersCanActuallyClear) {
  // 2 nodes of 8. t2 (guaranteed 7) holds node 0 with two 4-card runs: it borrows 1 card, so only
  // one of them may be stopped. t1 (no guarantee) holds 7 cards of node 1. t0's 8-card job must
  // claim node 1, where stopping t1's run frees the node; node 0 cannot be cleared. (It claimed
  // node 0 and waited 10 h.)
  SimulationModel m = borrow_model();
  m.tenants.push_back(Tenant{"t2", 1, 0});
  m.tenants.back().provider_guarantee = {7};
  m.jobs = {test::timed_job(0, 0, 4, 36000), test::timed_job(1, 1, 4, 36000), test::timed_job(2, 2, 7, 36000),
            test::timed_job(3, 100, 8, 3600)};
  m.jobs[0].tenant = 2;
  m.jobs[1].tenant = 2;
  m.jobs[2].tenant = 1;
  test::finalize(m);
  for (const char* policy : {"fifo", "easy-backfill", "las"}) {
    const auto r = test::run_policy(m, policy);
    EXPECT_DOUBLE_EQ(rec(r, 3).start.seconds(), 100) << policy;
    EXPECT_EQ(rec(r, 2).reclaims, 1u) << policy;
    EXPECT_EQ(rec(r, 0).reclaims + rec(r, 1).reclaims, 0u) << policy;
  }
}

TEST(Guarantees, AGangClaimAndANodeClaimInOnePoolAreBothServed) {
  // 4 nodes of 8, t0 guaranteed 24. t1 fills nodes 1-3 (node 0 frees at 30 s); at 100 s t0 asks
  // for 16 cards and then 8: the gang's claim takes the pool's free count, and the node claim must
  // still get its node by stopping t1's runs elsewhere in the pool. (The 8-card job waited 10 h.)
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 4, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.tenants[0].provider_guarantee = {24};
  m.tenants.push_back(Tenant{"t1", 1, 0});
  m.jobs = {test::timed_job(0, 0, 8, 30),    test::timed_job(1, 0, 8, 10),     test::timed_job(2, 0, 8, 36000),
            test::timed_job(3, 0, 8, 36000), test::timed_job(4, 20, 8, 36000), test::timed_job(5, 100, 16, 36000),
            test::timed_job(6, 100, 8, 3600)};
  for (JobId i = 0; i < 5; ++i) m.jobs[i].tenant = 1;
  test::finalize(m);
  for (const char* policy : {"fifo", "easy-backfill", "las"}) {
    const auto r = test::run_policy(m, policy);
    EXPECT_DOUBLE_EQ(rec(r, 5).start.seconds(), 100) << policy;
    EXPECT_DOUBLE_EQ(rec(r, 6).start.seconds(), 100) << policy;
  }
}
