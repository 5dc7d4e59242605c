#pragma once
// The random multi-tenant load of the tenant-rule tests (quotas, guarantees): one site, provider
// "prov" with 4 nodes of 8 "fast" cards and "prov2" with 4 nodes of 8 "slow" cards, tenants t0, t1
// and t2 (no rules: the caller adds them), and 300 jobs of 1-8 cards, 60-1,560 s, arriving every
// 0-29 s, each of a random tenant, well above capacity; 10 days, samples every 600 s.
#include <random>

#include "mini_model.hpp"

namespace hetsim::test {

inline SimulationModel random_tenant_load(uint64_t seed) {
  SimulationModel m = mini_model();
  m.cluster.add_provider("prov2");
  m.cluster.add_pool(0, 0, 0, 4, 8, 128000, 1 << 20, 2);
  m.cluster.add_pool(0, 1, 1, 4, 8, 128000, 1 << 20, 2);
  finish_topology(m);
  m.tenants.push_back(Tenant{"t1", 1, 0});
  m.tenants.push_back(Tenant{"t2", 1, 0});
  std::mt19937_64 gen(seed);
  double t = 0;
  for (JobId i = 0; i < 300; ++i) {
    t += static_cast<double>(gen() % 30);
    m.jobs.push_back(timed_job(i, t, 1 + static_cast<uint32_t>(gen() % 8), 60 + gen() % 1500));
    m.jobs.back().tenant = static_cast<TenantId>(gen() % 3);
  }
  finalize(m);
  m.sample_interval = SimTime::from_s(600);
  m.horizon = SimTime::from_s(10 * 86400);
  return m;
}

}  // namespace hetsim::test
