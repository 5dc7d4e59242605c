// A policy's own counters (Policy::counters) reach summary.json's "policy_stats": in the policy's
// order, counts as integers, reals rounded to 1e-9, just before `engine`; absent for a policy that
// reports none (so every other summary keeps its bytes); a name twice is refused.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../support/mini_model.hpp"
#include "../support/run_helpers.hpp"
#include "hetsim/metrics/report.hpp"
#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/policy.hpp"
#include "hetsim/run/simulation.hpp"

using namespace hetsim;

namespace {

// Starts job 0 on node 0 and counts its scheduling calls.
class Counting : public Policy {
 public:
  explicit Counting(std::vector<NamedCounter> extra) : extra_(std::move(extra)) {}
  std::string name() const override { return "counting"; }
  void on_submit(const SchedulingContext&, JobId) override {}
  void on_end(const SchedulingContext&, JobId) override {}
  void schedule(SchedulingContext& ctx) override {
    ++calls_;
    if (ctx.is_pending(0)) ctx.start(0, single_node_allocation(ctx.cluster(), ctx.job(0), 0));
  }
  std::vector<NamedCounter> counters() const override {
    std::vector<NamedCounter> out{{"schedule_calls", static_cast<double>(calls_), true}};
    out.insert(out.end(), extra_.begin(), extra_.end());
    return out;
  }
  uint64_t calls() const { return calls_; }

 private:
  std::vector<NamedCounter> extra_;
  uint64_t calls_ = 0;
};

class Silent : public Counting {
 public:
  Silent() : Counting({}) {}
  std::vector<NamedCounter> counters() const override { return {}; }
};

SimulationModel one_job() {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 1, 1234)};
  test::finalize(m);
  return m;
}

nlohmann::ordered_json summary_after(const SimulationModel& m, Policy& policy) {
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, policy, metrics);
  const RunResult res = sim.run();
  RunInfo info;
  info.policy = policy.name();
  info.events = res.events;
  info.policy_stats = sim.policy_counters();
  const ReportInputs in{&info, &m.cluster, &m.chips, &m.jobs, &m.tenants, &metrics, &m.vouchers};
  return summary_json(in);
}

}  // namespace

TEST(PolicyStats, CountersReachTheSummaryInOrderBeforeTheEngineBlock) {
  const SimulationModel m = one_job();
  Counting policy({{"mean_gap", 0.1234567891234, false}, {"big", 3e9, true}});
  const nlohmann::ordered_json s = summary_after(m, policy);
  ASSERT_TRUE(s.contains("policy_stats"));
  const nlohmann::ordered_json& stats = s["policy_stats"];
  ASSERT_EQ(stats.size(), 3u);
  auto it = stats.begin();
  EXPECT_EQ(it.key(), "schedule_calls");
  EXPECT_TRUE(it.value().is_number_integer());
  EXPECT_EQ(it.value().get<uint64_t>(), policy.calls());
  EXPECT_GT(policy.calls(), 0u);
  ++it;
  EXPECT_EQ(it.key(), "mean_gap");
  EXPECT_TRUE(it.value().is_number_float());
  EXPECT_EQ(it.value().get<double>(), 0.123456789);  // rounded to 1e-9
  ++it;
  EXPECT_EQ(it.key(), "big");
  EXPECT_EQ(it.value().get<int64_t>(), 3000000000);
  // The last deterministic block, then the wall-clock one.
  std::vector<std::string> keys;
  for (auto k = s.begin(); k != s.end(); ++k) keys.push_back(k.key());
  ASSERT_GE(keys.size(), 2u);
  EXPECT_EQ(keys[keys.size() - 2], "policy_stats");
  EXPECT_EQ(keys.back(), "engine");
}

TEST(PolicyStats, APolicyWithoutCountersLeavesTheSummaryAsItWas) {
  const SimulationModel m = one_job();
  Silent policy;
  EXPECT_FALSE(summary_after(m, policy).contains("policy_stats"));
}

TEST(PolicyStats, ACounterNamedTwiceIsRefused) {
  const SimulationModel m = one_job();
  Counting policy({{"schedule_calls", 1, true}});
  EXPECT_THROW(summary_after(m, policy), std::logic_error);
}
