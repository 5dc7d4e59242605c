// A policy's own counters (Policy::counters) reach summary.json's "policy_stats": in the policy's
// order, counts as integers, reals rounded to 1e-9, just before `engine`; absent for a policy that
// reports none (so every other summary keeps its bytes); bad counters are the policy's fault.
#include <gtest/gtest.h>

#include <limits>
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
  const SimulationModel m = test::one_job_model();
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
  const SimulationModel m = test::one_job_model();
  Silent policy;
  EXPECT_FALSE(summary_after(m, policy).contains("policy_stats"));
}

TEST(PolicyStats, BadCountersEndTheRunAsThePolicysFault) {
  // Checked by Simulation::policy_counters(), which the run calls before it writes any output.
  const SimulationModel m = test::one_job_model();
  const std::vector<std::pair<NamedCounter, std::string>> cases = {
      {{"schedule_calls", 1, true}, "the name 'schedule_calls' twice"},
      {{"", 1, true}, "a counter without a name"},
      {{"gap", std::numeric_limits<double>::quiet_NaN(), false}, "'gap' is not finite"},
      {{"gap", std::numeric_limits<double>::infinity(), false}, "'gap' is not finite"},
      {{"half", 0.5, true}, "'half' is a count but not a whole number within 2^53"},
      {{"huge", 1e17, true}, "'huge' is a count but not a whole number within 2^53"},
  };
  for (const auto& [counter, message] : cases) {
    Counting policy({counter});
    try {
      summary_after(m, policy);
      ADD_FAILURE() << "accepted: " << message;
    } catch (const PolicyViolation& e) {
      EXPECT_NE(std::string(e.what()).find("policy 'counting': counters(): " + message), std::string::npos) << e.what();
    }
  }
}

TEST(PolicyStats, TheReportChecksWhatItIsHandedAndKeepsHugeRealsNumbers) {
  const SimulationModel m = test::one_job_model();
  Silent policy;
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, policy, metrics);
  sim.run();
  RunInfo info;
  const ReportInputs in{&info, &m.cluster, &m.chips, &m.jobs, &m.tenants, &metrics, &m.vouchers};
  // Past 1e15 the 1e-9 rounding changes nothing and, near 1e300, would overflow to null.
  info.policy_stats = {{"big", 1e300, false}, {"small", -2.5e-10, false}};
  const nlohmann::ordered_json s = summary_json(in);
  EXPECT_EQ(s["policy_stats"]["big"].get<double>(), 1e300);
  EXPECT_EQ(s["policy_stats"]["small"].get<double>(), 0.0);
  info.policy_stats = {{"x", 1, true}, {"x", 2, true}};  // a caller that filled RunInfo itself
  EXPECT_THROW(summary_json(in), std::logic_error);
  info.policy_stats = {{"x", std::numeric_limits<double>::infinity(), false}};
  EXPECT_THROW(summary_json(in), std::logic_error);
}
