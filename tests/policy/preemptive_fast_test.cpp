// The preemptive policies' busy-regime paths (docs/performance.md "Busy regime"): waiting jobs kept
// in priority order between passes (tiresias' promotions from a heap of due times) and placements
// shared by the jobs of a class within a pass. Each must decide exactly as the reference
// (set_reference: every waiting job's key at every pass, a search for every job) on busy random
// workloads with preemptions, a starvation guard that fires, chips a job may not use, host CPU
// that binds and tenant quotas.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "../support/mini_model.hpp"
#include "hetsim/metrics/collector.hpp"
#include "hetsim/policy/ordering/preemptive_priority.hpp"
#include "hetsim/run/simulation.hpp"

using namespace hetsim;

namespace {

SimulationModel busy_model(uint64_t seed, bool quotas) {
  SimulationModel m = test::mini_model(1);
  m.cluster.add_provider("prov2");
  m.cluster.add_pool(0, 0, 0, 10, 8, 24000, 1 << 20, 4);
  m.cluster.add_pool(0, 1, 1, 8, 4, 12000, 1 << 20, 4);
  test::finish_topology(m);
  if (quotas) {
    m.tenants.push_back(Tenant{"t1", 1, 0});
    m.tenants[0].quota_cards = 48;
  }
  std::mt19937_64 gen(seed);
  double t = 0;
  for (int i = 0; i < 900; ++i) {
    t += static_cast<double>(gen() % 9);
    const uint32_t sizes[] = {1, 1, 1, 2, 4, 4, 8, 8, 16, 24};
    Job j = test::timed_job(static_cast<JobId>(i), t, sizes[gen() % 10], 1 + gen() % 2500);
    const uint64_t chips[] = {~0ULL, ~0ULL, 1, 2};
    j.allowed_chips = chips[gen() % 4];
    const int64_t cpu[] = {500, 1000, 4000};
    j.cpu_milli_per_card = cpu[gen() % 3];
    if (quotas) j.tenant = static_cast<TenantId>(gen() % 2);
    m.jobs.push_back(j);
  }
  test::finalize(m);
  return m;
}

struct Outcome {
  std::vector<JobRecord> records;
  uint64_t searches = 0;
};

Outcome run(const SimulationModel& m, PreemptivePriorityPolicy::Options o, bool reference) {
  PreemptivePriorityPolicy policy(o);
  policy.set_reference(reference);
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, policy, metrics);
  sim.set_check_invariants(true);
  sim.run();
  return {metrics.records(), policy.placement_searches()};
}

void expect_same_decisions(const SimulationModel& m, PreemptivePriorityPolicy::Options o, const std::string& label) {
  const Outcome fast = run(m, o, false);
  const Outcome ref = run(m, o, true);
  uint32_t preempted = 0, waited = 0;
  for (JobId id = 0; id < m.jobs.size(); ++id) {
    const JobRecord& a = fast.records[id];
    const JobRecord& b = ref.records[id];
    ASSERT_EQ(a.outcome, b.outcome) << label << " job " << id;
    ASSERT_EQ(a.start, b.start) << label << " job " << id;
    ASSERT_EQ(a.segment_start, b.segment_start) << label << " job " << id;
    ASSERT_EQ(a.end, b.end) << label << " job " << id;
    ASSERT_EQ(a.first_node, b.first_node) << label << " job " << id;
    ASSERT_EQ(a.preemptions, b.preemptions) << label << " job " << id;
    preempted += a.preemptions > 0 ? 1 : 0;
    waited += a.start > m.jobs[id].arrival ? 1 : 0;
  }
  // Busy, with preemptions, and decided by the memo: fewer searches than one per examined job.
  EXPECT_GT(waited, m.jobs.size() / 3) << label;
  EXPECT_GT(preempted, 10u) << label;
  EXPECT_LT(fast.searches * 3, ref.searches * 2) << label << ": " << fast.searches << " vs " << ref.searches;
}

}  // namespace

TEST(PreemptiveFast, DecidesExactlyAsTheReferenceUnderEveryRule) {
  using Rule = PreemptivePriorityPolicy::Rule;
  for (uint64_t seed : {1, 2}) {
    const SimulationModel m = busy_model(seed, false);
    for (Rule rule : {Rule::Srtf, Rule::Las, Rule::Tiresias}) {
      PreemptivePriorityPolicy::Options o;
      o.rule = rule;
      o.max_scan = 60;            // a window shorter than the queue
      o.threshold_card_s = 2000;  // tiresias: jobs cross queues and starve, so promotions happen
      o.queues = 3;
      o.starve_factor = 1.5;
      expect_same_decisions(m, o, "rule " + std::to_string(static_cast<int>(rule)) + " seed " + std::to_string(seed));
    }
  }
}

TEST(PreemptiveFast, DecidesExactlyAsTheReferenceWithQuotasAndTheTimeOnlyService) {
  PreemptivePriorityPolicy::Options o;
  o.rule = PreemptivePriorityPolicy::Rule::Las;
  o.card_time = false;
  expect_same_decisions(busy_model(3, true), o, "las time, quotas");
  o.rule = PreemptivePriorityPolicy::Rule::Tiresias;
  o.threshold_card_s = 1000;
  o.starve_factor = 0.5;
  expect_same_decisions(busy_model(4, true), o, "tiresias, quotas");
  // Without a lease every run is a victim at once, even one preempted and started again in the
  // same pass (the victims are then not prefiltered).
  o.min_run = SimTime::zero();
  expect_same_decisions(busy_model(5, false), o, "tiresias, no lease");
}
