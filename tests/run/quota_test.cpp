// Tenant quotas (a tenant's `quota` in the scenario): the driver counts the cards each tenant holds
// and rejects starts beyond its quotas; the policies hold jobs over quota without letting them
// block the queue, and place within per-provider quotas.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "../support/blind_policy.hpp"
#include "../support/mini_model.hpp"
#include "../support/policy_lists.hpp"
#include "../support/run_helpers.hpp"
#include "../support/tenant_load.hpp"
#include "hetsim/metrics/report.hpp"
#include "hetsim/policy/placement/placement.hpp"

using namespace hetsim;

namespace {

// One site; provider 0 ("prov") has nodes 0-1, provider 1 ("prov2") node 2; 8 cards each. Tenant
// t0 may hold 8 cards; t1 has no quota. Jobs 0 and 1 (t0) and 2 (t1): 8 cards, 100 s, at t = 0.
SimulationModel quota_model() {
  SimulationModel m = test::mini_model();
  m.cluster.add_provider("prov2");
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 2);
  m.cluster.add_pool(0, 1, 0, 1, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.tenants[0].quota_cards = 8;
  m.tenants.push_back(Tenant{"t1", 1, 0});
  m.jobs = {test::timed_job(0, 0, 8, 100), test::timed_job(1, 0, 8, 100), test::timed_job(2, 0, 8, 100)};
  m.jobs[2].tenant = 1;
  test::finalize(m);
  return m;
}

const JobRecord& rec(const test::Ran& r, JobId id) { return r.metrics->records()[id]; }

}  // namespace

TEST(Quotas, AJobOverItsTenantsQuotaWaitsWithoutBlockingOthers) {
  for (const std::string& policy : test::immediate_policies()) {
    const auto r = test::run_policy(quota_model(), policy);
    EXPECT_DOUBLE_EQ(rec(r, 0).start.seconds(), 0) << policy;
    EXPECT_DOUBLE_EQ(rec(r, 2).start.seconds(), 0) << policy;  // behind a held job, not blocked by it
    EXPECT_GE(rec(r, 1).start.seconds(), 60) << policy;        // cards were free, the quota was not
    EXPECT_EQ(rec(r, 1).outcome, JobOutcome::Completed) << policy;
  }
  // Without the quota job 1 starts at once.
  SimulationModel free = quota_model();
  free.tenants[0].quota_cards = -1;
  EXPECT_DOUBLE_EQ(rec(test::run_policy(free, "fifo"), 1).start.seconds(), 0);
  // The round-based policies place within it too.
  for (const std::string& policy : test::round_policies()) {
    const auto r = test::run_policy(quota_model(), policy);
    EXPECT_FALSE(rec(r, 0).start.seconds() < 100 && rec(r, 1).start.seconds() < 100 &&
                 rec(r, 0).end.seconds() > rec(r, 1).start.seconds() &&
                 rec(r, 1).end.seconds() > rec(r, 0).start.seconds())
        << policy;  // never both at once
    EXPECT_EQ(rec(r, 1).outcome, JobOutcome::Completed) << policy;
  }
}

TEST(Quotas, APerProviderQuotaSendsJobsToOtherProviders) {
  // t0 may use nothing of provider 0: its job goes to provider 1's node (node 2), though first-fit
  // would take node 0.
  SimulationModel m = quota_model();
  m.tenants[0].quota_cards = -1;
  m.tenants[0].provider_quota = {0, -1};
  m.jobs.resize(1);
  test::finalize(m);
  for (const char* policy : {"fifo", "easy-backfill", "las"}) {
    const auto r = test::run_policy(m, policy);
    EXPECT_EQ(rec(r, 0).first_node, 2u) << policy;
  }
}

TEST(Quotas, TheDriverRejectsAStartBeyondAQuota) {
  test::TenantBlindPolicy blind;
  const std::string v = test::violation_message(quota_model(), blind);
  EXPECT_NE(v.find("tenant t0 would exceed its quota"), std::string::npos) << v;
  SimulationModel provider = quota_model();
  provider.tenants[0].quota_cards = -1;
  provider.tenants[0].provider_quota = {0, -1};
  test::TenantBlindPolicy blind2;
  const std::string w = test::violation_message(provider, blind2);
  EXPECT_NE(w.find("would exceed its quota at provider prov"), std::string::npos) << w;
}

TEST(Quotas, RandomRunsStayWithinQuotasUnderEveryPolicy) {
  // Invariant checks on (run_policy): every sample recounts each tenant's cards against the
  // driver's count and its quota; the driver rejects any start beyond one.
  SimulationModel m = test::random_tenant_load(3);
  m.tenants[0].quota_cards = 16;
  m.tenants[1].provider_quota = {8, 24};
  for (const std::string& policy : test::every_policy()) {
    const auto r = test::run_policy(m, policy);
    uint64_t ended = 0;
    for (const JobRecord& x : r.metrics->records()) ended += has_ended(x) ? 1 : 0;
    EXPECT_EQ(ended, m.jobs.size()) << policy;
  }
}

namespace {
// Tenant budgets: quota_model without the quota, rent 1 per card-second; t0 may be charged 400.
// Job 0 (t0) runs 8 cards x 100 s = 800 by t = 100; job 1 (t0) arrives at 150, job 2 (t1) too.
SimulationModel budget_model() {
  SimulationModel m = quota_model();
  m.tenants[0].quota_cards = -1;
  m.tenants[0].budget = 400;
  for (PoolId p = 0; p < m.cluster.pool_count(); ++p) m.cluster.set_pool_price(p, 3600);
  m.jobs[1].arrival = SimTime::from_s(150);
  m.jobs[2].arrival = SimTime::from_s(150);
  test::finalize(m);
  return m;
}
}  // namespace

TEST(Budgets, ASpentBudgetStopsTheTenantsStartsUnderEveryPolicy) {
  const SimulationModel m = budget_model();
  for (const std::string& policy : test::every_policy()) {
    const auto r = test::run_policy(m, policy);
    EXPECT_EQ(rec(r, 0).outcome, JobOutcome::Completed) << policy;  // started with budget left
    EXPECT_EQ(rec(r, 1).outcome, JobOutcome::Pending) << policy;    // 800 charged, budget 400
    EXPECT_EQ(rec(r, 2).outcome, JobOutcome::Completed) << policy;  // another tenant
  }
  // Without the budget job 1 runs.
  SimulationModel free = budget_model();
  free.tenants[0].budget = std::numeric_limits<double>::infinity();
  EXPECT_EQ(rec(test::run_policy(free, "fifo"), 1).outcome, JobOutcome::Completed);
  // A budget above what job 0 costs lets job 1 start too (the check is at the start).
  SimulationModel roomy = budget_model();
  roomy.tenants[0].budget = 801;
  EXPECT_EQ(rec(test::run_policy(roomy, "fifo"), 1).outcome, JobOutcome::Completed);
}

TEST(Budgets, TheDriverRejectsAStartOnceTheBudgetIsSpent) {
  test::TenantBlindPolicy blind;
  const std::string v = test::violation_message(budget_model(), blind);
  EXPECT_NE(v.find("tenant t0 has spent its budget"), std::string::npos) << v;
  EXPECT_NE(v.find("job 1"), std::string::npos) << v;
}

TEST(Budgets, TheSummaryCountsTenantsAtTheirBudget) {
  const SimulationModel m = budget_model();
  const auto r = test::run_policy(m, "fifo");
  RunInfo info;
  info.scenario = "mini";
  info.policy = r.policy_name;
  const ReportInputs in{&info, &m.cluster, &m.chips, &m.jobs, &m.tenants, r.metrics.get(), &m.vouchers};
  const auto s = summary_json(in);
  EXPECT_EQ(s["cost"]["tenants_at_budget"], 1);
  EXPECT_DOUBLE_EQ(s["cost"]["by_tenant"]["t0"]["rent"].get<double>(), 800);
}
