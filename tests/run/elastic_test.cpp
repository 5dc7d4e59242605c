// Elastic jobs in the driver (Job::min_cards..max_cards): a policy may start one on any gang size
// in its range, its step time follows the gang it got, and sizes outside the range, or too small
// to hold the model, are rejected.
#include <gtest/gtest.h>

#include "../support/mini_model.hpp"
#include "../support/run_helpers.hpp"

using namespace hetsim;

namespace {
// Starts every job on the `cards` lowest cards of node 0.
class SizedStarter : public Policy {
 public:
  explicit SizedStarter(uint32_t cards) : cards_(cards) {}
  std::string name() const override { return "sized"; }
  void on_submit(const SchedulingContext&, JobId id) override { queue_.push_back(id); }
  void on_end(const SchedulingContext&, JobId) override {}
  void schedule(SchedulingContext& ctx) override {
    for (JobId id : queue_) {
      NodeGrant g;
      g.node = 0;
      g.card_mask = (1U << cards_) - 1;
      g.cpu_milli = 1000 * cards_;
      g.mem_mib = 1024 * cards_;
      ctx.start(id, {g});
    }
    queue_.clear();
  }

 private:
  uint32_t cards_;
  std::vector<JobId> queue_;
};

// One 8-card fast node; job 0 asks for 4 cards, 10 steps of 1 s on 4 cards, elastic 1..4 or rigid.
SimulationModel model(uint32_t min_cards, uint32_t max_cards, double params = 1e9) {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  Job j = test::timed_job(0, 0, 4, 10);
  j.model.params = params;
  j.min_cards = min_cards;
  j.max_cards = max_cards;
  m.jobs = {j};
  test::finalize(m);
  return m;
}

test::Ran run_sized(const SimulationModel& m, uint32_t cards) {
  SizedStarter p(cards);
  test::Ran r;
  r.metrics = std::make_unique<MetricsCollector>(m.cluster, m.chips, m.jobs);
  Simulation sim(m, p, *r.metrics);
  sim.set_check_invariants(true);
  r.result = sim.run();
  return r;
}
}  // namespace

TEST(ElasticJob, RunsOnAnyGangSizeInItsRangeAtThatGangsSpeed) {
  const SimulationModel m = model(1, 4);
  ASSERT_TRUE(m.jobs[0].elastic());
  // The same global batch on half the cards: each step takes twice as long.
  const test::Ran half = run_sized(m, 2);
  EXPECT_DOUBLE_EQ(half.metrics->records()[0].end.seconds(), 20);
  EXPECT_EQ(half.metrics->records()[0].cards, 2u);
  const test::Ran one = run_sized(m, 1);
  EXPECT_DOUBLE_EQ(one.metrics->records()[0].end.seconds(), 40);
  const test::Ran full = run_sized(m, 4);
  EXPECT_DOUBLE_EQ(full.metrics->records()[0].end.seconds(), 10);
}

TEST(ElasticJob, SizesOutsideTheRangeOrTooSmallForTheModelAreViolations) {
  {
    SizedStarter p(8);
    const std::string v = test::violation_message(model(1, 4), p);
    EXPECT_NE(v.find("elastic job takes 1 to 4 cards, given 8"), std::string::npos) << v;
  }
  {
    SizedStarter p(2);
    const std::string v = test::violation_message(model(0, 0), p);  // rigid
    EXPECT_NE(v.find("all-or-nothing"), std::string::npos) << v;
  }
  {
    // 60e9 params x 2 B = 120 GB: fits 4 cards of 80 GB (30 GB each) but not 1 (120 GB).
    const SimulationModel big = model(1, 4, 60e9);
    SizedStarter ok(4);
    EXPECT_EQ(test::violation_message(big, ok), "");
    SizedStarter p(1);
    const std::string v = test::violation_message(big, p);
    EXPECT_NE(v.find("GB per card"), std::string::npos) << v;
  }
}

TEST(ElasticJob, ContextRatesFollowTheGangSizeAndTheRange) {
  const SimulationModel m = model(2, 8);
  struct Probe : Policy {
    double r2 = -1, r4 = -1, r8 = -1, r1 = -1;
    std::string name() const override { return "probe"; }
    void on_submit(const SchedulingContext& ctx, JobId id) override {
      r1 = ctx.steps_per_s(id, 0, 1);
      r2 = ctx.steps_per_s(id, 0, 2);
      r4 = ctx.steps_per_s(id, 0, 4);
      r8 = ctx.steps_per_s(id, 0, 8);
    }
    void on_end(const SchedulingContext&, JobId) override {}
    void schedule(SchedulingContext&) override {}
  } probe;
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, probe, metrics);
  sim.run();
  EXPECT_EQ(probe.r1, 0);  // below min_cards
  EXPECT_DOUBLE_EQ(probe.r2, 0.5);
  EXPECT_DOUBLE_EQ(probe.r4, 1.0);
  EXPECT_DOUBLE_EQ(probe.r8, 2.0);
}
