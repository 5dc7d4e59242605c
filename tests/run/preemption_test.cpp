// The driver's preemption: a scripted policy stops and restarts one job; end times, lost work,
// attained service, billing and the driver's refusals are checked against hand arithmetic.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>

#include "../support/mini_model.hpp"
#include "../support/run_helpers.hpp"
#include "hetsim/metrics/billing.hpp"
#include "hetsim/policy/placement/placement.hpp"

using namespace hetsim;

namespace {

// Calls `at[t]` in the scheduling pass at time t (seconds), waking itself for each.
class Scripted : public Policy {
 public:
  explicit Scripted(std::map<int64_t, std::function<void(SchedulingContext&)>> at, bool preemptive = true)
      : at_(std::move(at)), preemptive_(preemptive) {}
  std::string name() const override { return "scripted"; }
  bool preemptive() const override { return preemptive_; }
  void on_submit(const SchedulingContext&, JobId) override {}
  void on_end(const SchedulingContext&, JobId) override {}
  void schedule(SchedulingContext& ctx) override {
    if (!woken_) {
      for (const auto& [t, f] : at_) {
        if (SimTime::from_s(t) > ctx.now()) ctx.wake_at(SimTime::from_s(t));  // a time now is this pass
      }
      woken_ = true;
    }
    auto it = at_.find(ctx.now().us() / 1000000);
    if (it != at_.end() && ctx.now().us() % 1000000 == 0) {
      auto f = std::move(it->second);
      at_.erase(it);
      f(ctx);
    }
  }

 private:
  std::map<int64_t, std::function<void(SchedulingContext&)>> at_;
  bool preemptive_;
  bool woken_ = false;
};

// One pool of two 8-card fast nodes; job 0 runs 1000 s on one card (1 step per second);
// checkpoints of 1e9 params x 10 B take 1 s at 80 Gb/s; a restart costs 5 s plus reads.
SimulationModel one_job_model(double interval_s) {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 2);
  m.cluster.set_pool_price(0, 3.6);  // 0.001 per card-second
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 1, 1000)};
  test::finalize(m);
  m.checkpoint.interval_s = interval_s;
  m.checkpoint.bytes_per_param = 10;
  m.checkpoint.storage_gbps = 80;
  m.checkpoint.restart_overhead_s = 5;
  return m;
}

void start_on_node0(SchedulingContext& ctx) { ctx.start(0, single_node_allocation(ctx.cluster(), ctx.job(0), 0)); }

struct Outcome {
  JobRecord record;
  double executed_at_end = 0;
  Billing bill;
};

Outcome run_preempted_at_100_restarted_at_200(double interval_s) {
  const SimulationModel m = one_job_model(interval_s);
  Outcome out;
  double executed_before = -1, remaining_mid = -1;
  Scripted p({{0, start_on_node0},
              {50, [&](SchedulingContext& ctx) { remaining_mid = ctx.remaining_fraction(0); }},
              {100, [](SchedulingContext& ctx) { ctx.preempt(0); }},
              {200,
               [&](SchedulingContext& ctx) {
                 executed_before = ctx.executed_s(0);
                 start_on_node0(ctx);
               }},
              {1100, [&](SchedulingContext& ctx) { out.executed_at_end = ctx.executed_s(0); }}});
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, p, metrics);
  sim.set_check_invariants(true);
  const RunResult r = sim.run();
  EXPECT_DOUBLE_EQ(executed_before, 100);
  EXPECT_NEAR(remaining_mid, interval_s > 0 ? 1 - 49.0 / 1000 : 0.95, 1e-12);  // 50 s in: one 1-s write if periodic
  out.record = metrics.records()[0];
  out.bill = bill_jobs(m.jobs, metrics.records(), m.tenants, m.vouchers, r.end_time);
  return out;
}

}  // namespace

TEST(Preemption, SuspendedJobResumesWithItsWorkAndPaysTheRestart) {
  const Outcome o = run_preempted_at_100_restarted_at_200(0);
  // 100 s trained and kept; the restart costs 5 s + the write at the preemption + the read (1 s each).
  EXPECT_EQ(o.record.outcome, JobOutcome::Completed);
  EXPECT_EQ(o.record.start.seconds(), 0);
  EXPECT_EQ(o.record.segment_start.seconds(), 200);
  EXPECT_DOUBLE_EQ(o.record.end.seconds(), 200 + 7 + 900);  // not at 1000, when the first run would have ended
  EXPECT_EQ(o.record.preemptions, 1u);
  EXPECT_DOUBLE_EQ(o.record.lost_card_s, 0);
  EXPECT_DOUBLE_EQ(o.executed_at_end, 100 + 900);  // at t=1100, 900 s into the second run
  // Rent for the card-seconds held: 100 + 907.
  EXPECT_NEAR(o.bill.job_rent[0], 0.001 * 1007, 1e-9);
}

TEST(Preemption, PeriodicCheckpointsLoseTheWorkSinceTheLastOne) {
  const Outcome o = run_preempted_at_100_restarted_at_200(40);
  // First run: two 40 s intervals + 1 s writes by t=82, 18 s then lost. Second run: 5 s + one read,
  // 920 s of training with 22 writes.
  EXPECT_DOUBLE_EQ(o.record.lost_card_s, 18);
  EXPECT_DOUBLE_EQ(o.record.end.seconds(), 200 + 6 + 920 + 22);
  EXPECT_EQ(o.record.preemptions, 1u);
}

TEST(Preemption, PeriodicCheckpointsCostEveryJobEvenWithoutPreemption) {
  SimulationModel m = one_job_model(40);
  const auto r = test::run_policy(m, "fifo");
  EXPECT_DOUBLE_EQ(r.metrics->records()[0].end.seconds(), 1000 + 24);
  m.checkpoint.interval_s = 0;
  EXPECT_DOUBLE_EQ(test::run_policy(m, "fifo").metrics->records()[0].end.seconds(), 1000);
}

TEST(Preemption, TheDriverRefusesWhatPoliciesMayNotDo) {
  const SimulationModel m = one_job_model(0);
  Scripted not_running({{0, [](SchedulingContext& ctx) { ctx.preempt(0); }}});
  EXPECT_NE(test::violation_message(m, not_running).find("preempt(): job is not running"), std::string::npos);
  Scripted undeclared({{0, start_on_node0}, {10, [](SchedulingContext& ctx) { ctx.preempt(0); }}}, false);
  EXPECT_NE(test::violation_message(m, undeclared).find("only for policies that declare themselves preemptive"),
            std::string::npos);
  Scripted twice({{0, start_on_node0},
                  {10, [](SchedulingContext& ctx) { ctx.preempt(0); }},
                  {20, [](SchedulingContext& ctx) { ctx.preempt(0); }}});
  EXPECT_NE(test::violation_message(m, twice).find("not running"), std::string::npos);
}

TEST(Preemption, APreemptedJobStillWaitingAtTheEndIsBilledForItsRun) {
  SimulationModel m = one_job_model(0);
  m.horizon = SimTime::from_s(500);
  Scripted p({{0, start_on_node0}, {100, [](SchedulingContext& ctx) { ctx.preempt(0); }}});
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, p, metrics);
  sim.set_check_invariants(true);
  const RunResult r = sim.run();
  const JobRecord& rec = metrics.records()[0];
  EXPECT_EQ(rec.outcome, JobOutcome::Pending);
  EXPECT_TRUE(has_started(rec));
  EXPECT_NEAR(bill_jobs(m.jobs, metrics.records(), m.tenants, m.vouchers, r.end_time).job_rent[0], 0.1, 1e-12);
  EXPECT_EQ(metrics.busy_total(), int64_t{100} * 1000000);  // one card for 100 s
}
