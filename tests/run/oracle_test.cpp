// Policies see what submitters declare, not how long jobs really are: SchedulingContext::job
// returns a JobRequest (no true length, checked at compile time), and true_steps answers only
// policies that declare themselves oracles; summary.json flags their runs.
#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <utility>

#include "../support/mini_model.hpp"
#include "../support/run_helpers.hpp"
#include "hetsim/metrics/report.hpp"
#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/registry.hpp"

using namespace hetsim;

namespace {

template <class T>
concept HasTrueLength = requires(const T& t) {
  t.steps;
};

using SeenJob = std::remove_cvref_t<decltype(std::declval<const SchedulingContext&>().job(JobId{0}))>;
static_assert(!HasTrueLength<SeenJob>, "a policy must not read a job's true length through ctx.job()");
static_assert(HasTrueLength<Job>);

// Starts job 0 on node 0 after reading its true length.
class LengthReader : public Policy {
 public:
  explicit LengthReader(bool oracle) : oracle_(oracle) {}
  std::string name() const override { return "length-reader"; }
  bool oracle() const override { return oracle_; }
  void on_submit(const SchedulingContext&, JobId) override {}
  void on_end(const SchedulingContext&, JobId) override {}
  void schedule(SchedulingContext& ctx) override {
    if (!ctx.is_pending(0)) return;
    read = ctx.true_steps(0);
    ctx.start(0, single_node_allocation(ctx.cluster(), ctx.job(0), 0));
  }
  uint64_t read = 0;

 private:
  bool oracle_;
};

}  // namespace

TEST(Oracle, TheJobAPolicySeesHasNoTrueLength) {
  const SimulationModel m = test::one_job_model();
  LengthReader honest(false);
  EXPECT_NE(test::violation_message(m, honest).find("only for policies that declare themselves oracles"),
            std::string::npos);
  EXPECT_EQ(honest.read, 0u);
}

TEST(Oracle, AnOracleReadsTheTrueLengthAndItsSummarySaysSo) {
  const SimulationModel m = test::one_job_model();
  LengthReader oracle(true);
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, oracle, metrics);
  const RunResult res = sim.run();
  EXPECT_EQ(oracle.read, 1234u);
  EXPECT_EQ(metrics.records()[0].outcome, JobOutcome::Completed);
  ASSERT_TRUE(sim.policy_is_oracle());

  RunInfo info;
  info.policy = oracle.name();
  info.policy_oracle = sim.policy_is_oracle();
  info.events = res.events;
  const ReportInputs in{&info, &m.cluster, &m.chips, &m.jobs, &m.tenants, &metrics, &m.vouchers};
  const nlohmann::ordered_json flagged = summary_json(in);
  EXPECT_EQ(flagged.value("policy_oracle", false), true);
  info.policy_oracle = false;
  EXPECT_FALSE(summary_json(in).contains("policy_oracle"));  // other summaries keep their bytes
}

TEST(Oracle, GavelIsAnOracleExactlyForTheObjectivesThatWeighRemainingSteps) {
  const PolicyRegistry reg = builtin_policy_registry();
  EXPECT_TRUE(reg.create("themis", {})->oracle());
  EXPECT_TRUE(reg.create("gavel", {{"objective", "finish-time"}})->oracle());
  EXPECT_TRUE(reg.create("gavel", {{"objective", "makespan"}})->oracle());
  EXPECT_FALSE(reg.create("gavel", {{"objective", "max-min"}})->oracle());
  EXPECT_FALSE(reg.create("gavel", {{"objective", "fifo"}})->oracle());
  // Every other built-in policy decides from estimates.
  for (const PolicyEntry* e : reg.entries()) {
    if (e->name == "gavel" || e->name == "themis") continue;
    EXPECT_FALSE(reg.create(e->name, {})->oracle()) << e->name;
  }
}
