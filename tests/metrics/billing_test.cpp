// Billing: rent from the records' per-second rates, voucher shares (city, tenant top-up,
// domestic extra, cap) and budgets spent in billing order.
#include <gtest/gtest.h>

#include "hetsim/metrics/billing.hpp"

namespace hetsim {
namespace {

Job job(JobId id, TenantId tenant) {
  Job j;
  j.id = id;
  j.tenant = tenant;
  return j;
}

JobRecord ran(double start_s, double end_s, double rent_per_s, double domestic_per_s, bool completed = true) {
  JobRecord r;
  r.outcome = completed ? JobOutcome::Completed : JobOutcome::Running;
  r.start = SimTime::from_seconds(start_s);
  r.segment_start = r.start;
  r.end = SimTime::from_seconds(end_s);
  r.rent_per_s = rent_per_s;
  r.domestic_rent_per_s = domestic_per_s;
  return r;
}

TEST(Billing, SharesAddUpToTheCapAndBudgetsAreSpentInBillingOrder) {
  std::vector<Tenant> tenants(2);
  tenants[0].name = "a";
  tenants[0].voucher_share = 0.4;
  tenants[0].voucher_budget = 100;
  tenants[1].name = "b";
  VoucherRules v;
  v.city_share = 0.3;
  v.domestic_share = 0.2;
  v.max_share = 0.8;
  const std::vector<Job> jobs{job(0, 0), job(1, 0), job(2, 1), job(3, 1)};
  std::vector<JobRecord> recs{ran(0, 100, 1.0, 0.5), ran(0, 50, 1.0, 0.5), ran(150, 0, 2.0, 0.0, false), JobRecord{}};
  recs[3].outcome = JobOutcome::Pending;
  const Billing b = bill_jobs(jobs, recs, tenants, v, SimTime::from_seconds(200));
  // Job 1 ends first: 25 foreign at 0.7 + 25 domestic at min(0.8, 0.9) = 37.5.
  EXPECT_DOUBLE_EQ(b.job_rent[1], 50);
  EXPECT_DOUBLE_EQ(b.job_subsidy[1], 37.5);
  // Job 0 would get 35 + 40 = 75, but only 62.5 of the budget is left.
  EXPECT_DOUBLE_EQ(b.job_rent[0], 100);
  EXPECT_DOUBLE_EQ(b.job_subsidy[0], 62.5);
  EXPECT_TRUE(b.tenant_at_budget[0]);
  // Job 2 still runs at the end (t = 200): 50 s at 2/s, city share only.
  EXPECT_DOUBLE_EQ(b.job_rent[2], 100);
  EXPECT_DOUBLE_EQ(b.job_subsidy[2], 30);
  EXPECT_FALSE(b.tenant_at_budget[1]);
  EXPECT_EQ(b.job_rent[3], 0);  // never started
  EXPECT_DOUBLE_EQ(b.tenant_rent[0], 150);
  EXPECT_DOUBLE_EQ(b.tenant_subsidy[0], 100);
  EXPECT_DOUBLE_EQ(b.rent, 250);
  EXPECT_DOUBLE_EQ(b.subsidy, 130);
}

TEST(Billing, NoVouchersNoSubsidyAndAFullShareCoversEverything) {
  std::vector<Tenant> tenants(1);
  const std::vector<Job> jobs{job(0, 0)};
  const std::vector<JobRecord> recs{ran(10, 20, 3.0, 1.0)};
  const Billing none = bill_jobs(jobs, recs, tenants, VoucherRules{}, SimTime::from_seconds(20));
  EXPECT_DOUBLE_EQ(none.rent, 30);
  EXPECT_EQ(none.subsidy, 0);
  tenants[0].voucher_share = 0.9;
  VoucherRules v;
  v.city_share = 0.3;
  const Billing full = bill_jobs(jobs, recs, tenants, v, SimTime::from_seconds(20));
  EXPECT_DOUBLE_EQ(full.subsidy, 30);  // 0.3 + 0.9 capped at max_share 1
}

TEST(Billing, TheCollectorPricesAGangPoolByPoolAndSharedCardsByTheirShare) {
  ChipCatalog chips;
  ChipSpec foreign;
  foreign.name = "F";
  ChipSpec home;
  home.name = "D";
  home.domestic = true;
  chips.add_or_replace(foreign);
  chips.add_or_replace(home);
  Cluster c(chips.size());
  c.add_site("s");
  c.add_provider("p");
  c.set_pool_price(c.add_pool(0, 0, 0, 2, 8, 64000, 1024, 2), 7.2);  // nodes 0-1, chip F
  c.set_pool_price(c.add_pool(0, 0, 1, 2, 8, 64000, 1024, 2), 3.6);  // nodes 2-3, chip D
  std::vector<Job> jobs{job(0, 0)};
  MetricsCollector m(c, chips, jobs);
  m.on_submit(0, SimTime::from_seconds(0));
  // 2 whole cards of F, 4 cards of D at half a card each.
  const Allocation a{NodeGrant{0, 0b11, kMilliPerCard, 0, 0}, NodeGrant{2, 0b1111, kMilliPerCard / 2, 0, 0}};
  m.on_start(0, a, SimTime::from_seconds(0));
  const JobRecord& r = m.records()[0];
  EXPECT_DOUBLE_EQ(r.rent_per_s, (2 * 7.2 + 2 * 3.6) / 3600);
  EXPECT_DOUBLE_EQ(r.domestic_rent_per_s, 2 * 3.6 / 3600);
}

}  // namespace
}  // namespace hetsim
