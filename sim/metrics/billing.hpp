#pragma once
// Billing: what each job's cards cost its tenant and how much of it compute vouchers paid
// (VoucherRules in model/tenant.hpp). Computed after the run from the job records; it does not
// influence scheduling. Jobs are billed when they end, jobs still running at the end of the run
// up to that time; a tenant's voucher budget is spent in billing order (time, then job id), so
// the result is deterministic.
#include <vector>

#include "hetsim/core/sim_time.hpp"
#include "hetsim/metrics/collector.hpp"
#include "hetsim/model/job.hpp"
#include "hetsim/model/tenant.hpp"

namespace hetsim {

struct Billing {
  std::vector<double> job_rent;  // by job id; 0 for jobs that never started
  std::vector<double> job_subsidy;
  std::vector<double> tenant_rent;  // by tenant id
  std::vector<double> tenant_subsidy;
  std::vector<bool> tenant_at_budget;  // its voucher budget ran out
  double rent = 0;
  double subsidy = 0;
};

Billing bill_jobs(const std::vector<Job>& jobs, const std::vector<JobRecord>& records,
                  const std::vector<Tenant>& tenants, const VoucherRules& vouchers, SimTime end);

}  // namespace hetsim
