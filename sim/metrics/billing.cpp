#include "hetsim/metrics/billing.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hetsim {

Billing bill_jobs(const std::vector<Job>& jobs, const std::vector<JobRecord>& records,
                  const std::vector<Tenant>& tenants, const VoucherRules& vouchers, SimTime end) {
  Billing b;
  b.job_rent.assign(jobs.size(), 0.0);
  b.job_subsidy.assign(jobs.size(), 0.0);
  b.tenant_rent.assign(tenants.size(), 0.0);
  b.tenant_subsidy.assign(tenants.size(), 0.0);
  b.tenant_at_budget.assign(tenants.size(), false);
  auto billed_at = [&](std::size_t i) { return has_ended(records[i]) ? records[i].end : end; };
  std::vector<std::size_t> order;
  order.reserve(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (has_started(records[i])) order.push_back(i);
  }
  // Only budgets make the order matter; without any, the sort (1 M+ jobs) is skipped.
  const bool budgets =
      std::any_of(tenants.begin(), tenants.end(), [](const Tenant& t) { return std::isfinite(t.voucher_budget); });
  if (budgets) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t c) { return billed_at(a) < billed_at(c); });
  }
  for (std::size_t i : order) {
    const JobRecord& r = records[i];
    // The current (last) run at its rate, plus what the runs before a preemption cost.
    const double seconds = std::max(0.0, (billed_at(i) - r.segment_start).seconds());
    const double rent = r.prior_rent + r.rent_per_s * seconds;
    const double domestic = r.prior_domestic_rent + r.domestic_rent_per_s * seconds;
    const std::size_t t = jobs[i].tenant;
    const double top_up = t < tenants.size() ? tenants[t].voucher_share : 0.0;
    const double share = std::min(vouchers.max_share, vouchers.city_share + top_up);
    const double share_domestic = std::min(vouchers.max_share, vouchers.city_share + top_up + vouchers.domestic_share);
    double subsidy = (rent - domestic) * share + domestic * share_domestic;
    if (t < tenants.size()) {
      const double left = tenants[t].voucher_budget - b.tenant_subsidy[t];
      if (subsidy > 0 && subsidy >= left) {
        subsidy = std::max(0.0, left);
        b.tenant_at_budget[t] = true;
      }
      b.tenant_rent[t] += rent;
      b.tenant_subsidy[t] += subsidy;
    }
    b.job_rent[i] = rent;
    b.job_subsidy[i] = subsidy;
    b.rent += rent;
    b.subsidy += subsidy;
  }
  return b;
}

}  // namespace hetsim
