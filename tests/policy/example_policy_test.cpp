// docs/writing-a-policy.md's example (docs/examples/largest_first.hpp) builds, is registered with
// the line the page shows, decides as the page says on a FakeContext, and runs through the driver
// with every invariant checked. The page must hold the file and the line verbatim.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../../docs/examples/largest_first.hpp"
#include "../support/fake_context.hpp"
#include "../support/files.hpp"
#include "../support/mini_model.hpp"
#include "../support/tenant_load.hpp"
#include "hetsim/policy/registry.hpp"
#include "hetsim/run/simulation.hpp"

using namespace hetsim;

namespace {

using test::slurp;

// The registration line of the page (the one line a new policy adds to sim/policy/builtin.cpp).
void register_example(PolicyRegistry& r) {
  // clang-format off
  r.add(PolicyEntry{"largest-first", "the waiting job with the most cards first; no head blocking", {}, [](const ParamValues&) { return std::make_unique<LargestFirstPolicy>(); }});
  // clang-format on
}
const char* const kRegistrationLine =
    R"(r.add(PolicyEntry{"largest-first", "the waiting job with the most cards first; no head blocking", {}, [](const ParamValues&) { return std::make_unique<LargestFirstPolicy>(); }});)";

}  // namespace

TEST(ExamplePolicy, ThePageHoldsTheExampleAndItsRegistrationVerbatim) {
  const std::string page = slurp(std::string(HETSIM_SOURCE_DIR) + "/docs/writing-a-policy.md");
  const std::string example = slurp(std::string(HETSIM_SOURCE_DIR) + "/docs/examples/largest_first.hpp");
  ASSERT_FALSE(example.empty());
  EXPECT_NE(page.find("```cpp\n" + example + "```"), std::string::npos) << "docs/writing-a-policy.md lacks the example";
  EXPECT_NE(page.find(kRegistrationLine), std::string::npos) << "docs/writing-a-policy.md lacks the registration";
}

TEST(ExamplePolicy, TheLargestJobThatFitsStartsAndNoneBlocks) {
  // One 8-card node, job 0 holding 4 cards; waiting: 1 (2 cards), 2 (6 cards), 3 (4 cards).
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 4, 100), test::timed_job(1, 1, 2, 10), test::timed_job(2, 1, 6, 10),
            test::timed_job(3, 1, 4, 10)};
  test::finalize(m);
  PolicyRegistry r;
  register_example(r);
  const std::unique_ptr<Policy> p = r.create("largest-first", {});
  test::FakeContext ctx(m);
  ctx.running(0, single_node_allocation(ctx.cluster(), m.jobs[0], 0), SimTime::from_s(100));
  ctx.set_now(SimTime::from_s(1));
  for (JobId id : {1u, 2u, 3u}) ctx.submit(*p, id);
  p->schedule(ctx);
  // Job 2 (6 cards) does not fit in the 4 free; job 3 (4) is next largest and takes them; job 1
  // finds none left.
  EXPECT_EQ(ctx.started_ids(), std::vector<JobId>{3});
  ctx.set_now(SimTime::from_s(100));
  ctx.end(*p, 0);
  p->schedule(ctx);
  EXPECT_EQ(ctx.started_ids(), (std::vector<JobId>{3, 1}));  // 6 cards are not free yet: job 1 fits
}

TEST(ExamplePolicy, ThroughTheDriverEveryJobEndsOnceWithEveryInvariantChecked) {
  SimulationModel m = test::mini_model(2);
  m.cluster.add_pool(0, 0, 0, 6, 8, 128000, 1 << 20, 4);
  m.cluster.add_pool(1, 0, 1, 8, 4, 128000, 1 << 20, 4);
  test::finish_topology(m);
  std::mt19937_64 gen(3);
  double t = 0;
  for (JobId i = 0; i < 300; ++i) {
    t += static_cast<double>(gen() % 30);
    const uint32_t sizes[] = {1, 1, 2, 4, 8, 16};
    m.jobs.push_back(test::timed_job(i, t, sizes[gen() % 6], 1 + gen() % 600));
  }
  test::finalize(m);
  PolicyRegistry r;
  register_example(r);
  const std::unique_ptr<Policy> p = r.create("largest-first", {});
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, *p, metrics);
  sim.set_check_invariants(true);
  sim.run();
  for (const JobRecord& rec : metrics.records()) EXPECT_EQ(rec.outcome, JobOutcome::Completed);
}

TEST(ExamplePolicy, TheFrameworkKeepsTheTenantRulesTheExampleNeverMentions) {
  // The example never calls tenant_held or placement_input: under quotas and a guarantee the
  // framework holds its starts (a start over a limit would be a PolicyViolation from the driver).
  PolicyRegistry r;
  register_example(r);
  const auto t0_wait_s = [&](bool rules) {
    SimulationModel m = test::random_tenant_load(5);
    if (rules) {
      m.tenants[0].quota_cards = 8;
      m.tenants[1].provider_guarantee = {16, 0};
    }
    const std::unique_ptr<Policy> p = r.create("largest-first", {});
    MetricsCollector metrics(m.cluster, m.chips, m.jobs);
    Simulation sim(m, *p, metrics);
    sim.set_check_invariants(true);
    sim.run();
    double wait = 0;
    for (JobId id = 0; id < m.jobs.size(); ++id) {
      const JobRecord& rec = metrics.records()[id];
      EXPECT_EQ(rec.outcome, JobOutcome::Completed) << "job " << id;
      if (m.jobs[id].tenant == 0) wait += (rec.start - m.jobs[id].arrival).seconds();
    }
    return wait;
  };
  // The rules bind: t0's jobs wait longer under its quota of 8 cards (2.7x on this load).
  const double with = t0_wait_s(true), without = t0_wait_s(false);
  EXPECT_GT(with, 1.2 * without);
}
