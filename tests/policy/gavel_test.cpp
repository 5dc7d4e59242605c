// gavel and themis (sim/policy/rounds/gavel.hpp) on measured-throughput jobs whose rounds can be
// followed by hand, and against their heterogeneity-agnostic twins.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "../support/mini_model.hpp"
#include "../support/run_helpers.hpp"
#include "hetsim/policy/registry.hpp"

using namespace hetsim;

namespace {

constexpr int32_t kA = 0;  // 3 steps/s on "fast", 1 on "slow": gains most from the fast chip
constexpr int32_t kB = 1;  // 1.2 and 1: nearly indifferent

// `fast` and `slow` cards, one card per node; jobs are measured types with free restarts.
SimulationModel model(uint32_t fast, uint32_t slow, std::vector<Job> jobs) {
  SimulationModel m = test::mini_model();
  if (fast > 0) m.cluster.add_pool(0, 0, 0, fast, 1, 64000, 1 << 20, 4);
  if (slow > 0) m.cluster.add_pool(0, 0, 1, slow, 1, 64000, 1 << 20, 4);
  test::finish_topology(m);
  m.measured.types = {{"A", 1}, {"B", 1}};
  m.measured.chip_count = m.chips.size();
  m.measured.steps_per_s = {3, 1, 1.2, 1};
  m.jobs = std::move(jobs);
  test::finalize(m);
  m.checkpoint.restart_overhead_s = 0;
  return m;
}

Job measured(JobId id, double arrival_s, int32_t type, uint64_t steps) {
  Job j = test::job(id, arrival_s, 1, steps);
  j.model.params = 0;
  j.cpu_milli_per_card = 0;
  j.mem_mib_per_card = 0;
  j.measured_type = type;
  return j;
}

double end_s(const test::Ran& r, JobId id) { return r.metrics->records()[id].end.seconds(); }
bool completed(const test::Ran& r, JobId id) { return r.metrics->records()[id].outcome == JobOutcome::Completed; }

double mean_jct(const SimulationModel& m, const test::Ran& r) {
  double sum = 0;
  for (const Job& j : m.jobs) {
    EXPECT_TRUE(completed(r, j.id)) << r.policy_name << " job " << j.id;
    sum += end_s(r, j.id) - j.arrival.seconds();
  }
  return sum / static_cast<double>(m.jobs.size());
}

}  // namespace

TEST(Gavel, AJobAloneStartsAtOnceOnItsFastestType) {
  const SimulationModel m = model(1, 1, {measured(0, 100, kA, 3000)});
  for (const char* policy : {"gavel", "themis"}) {
    const auto r = test::run_policy(m, policy);
    EXPECT_DOUBLE_EQ(test::start_s(r, 0), 100) << policy;        // an idle cluster starts a round at once
    EXPECT_NEAR(end_s(r, 0), 100 + 3000 / 3.0, 1e-5) << policy;  // the fast chip, never moved
    EXPECT_EQ(r.metrics->records()[0].preemptions, 0u) << policy;
  }
}

TEST(Gavel, ArrivalsWaitForTheNextRoundAndFifoForItsAllocation) {
  // Job 0 runs from t = 0; job 1 arrives at 100 s while the slow card is free.
  const SimulationModel m = model(1, 1, {measured(0, 0, kB, 120000), measured(1, 100, kB, 50000)});
  // max-min: the next round (360 s) gives job 1, which has no share yet, the card nobody else wants.
  EXPECT_DOUBLE_EQ(test::start_s(test::run_policy(m, "gavel"), 1), 360);
  // fifo runs only its allocation, recomputed no sooner than 1920 s after the last: the round at 2160 s.
  EXPECT_DOUBLE_EQ(test::start_s(test::run_policy(m, "gavel", {{"objective", "fifo"}}), 1), 2160);
  EXPECT_DOUBLE_EQ(test::start_s(test::run_policy(m, "gavel", {{"objective", "fifo"}, {"reset_interval", "0"}}), 1),
                   360);
  // Shorter rounds, sooner start.
  EXPECT_DOUBLE_EQ(test::start_s(test::run_policy(m, "gavel", {{"round", "60"}}), 1), 120);
}

TEST(Gavel, TwoJobsTimeShareOneCardWithoutIdleTime) {
  // One fast card, two jobs of 10,000 s each: rounds alternate them; free restarts, so the card is
  // never idle and the last one ends at 20,000 s.
  const SimulationModel m = model(1, 0, {measured(0, 0, kB, 12000), measured(1, 0, kB, 12000)});
  const auto r = test::run_policy(m, "gavel");
  EXPECT_NEAR(std::max(end_s(r, 0), end_s(r, 1)), 20000, 1e-3);
  EXPECT_GT(r.metrics->records()[0].preemptions, 5u);
  EXPECT_GT(r.metrics->records()[1].preemptions, 5u);
  // Each got about half the card until the first ended.
  EXPECT_NEAR(std::min(end_s(r, 0), end_s(r, 1)), 20000, 1000);
}

TEST(Gavel, HeterogeneityAwareBeatsItsAgnosticTwin) {
  // 24 jobs alternating A and B, one every 1000 s, on 2 fast and 2 slow cards: the aware policies
  // put A on the fast chips; the agnostic ones see four equal cards.
  std::vector<Job> jobs;
  for (JobId i = 0; i < 24; ++i) jobs.push_back(measured(i, 1000.0 * i, i % 2 == 0 ? kA : kB, 6000 + 500 * (i % 5)));
  const SimulationModel m = model(2, 2, jobs);
  const double aware = mean_jct(m, test::run_policy(m, "gavel"));
  const double agnostic = mean_jct(m, test::run_policy(m, "gavel", {{"aware", "false"}}));
  EXPECT_LT(aware, 0.95 * agnostic);
  const double fifo_aware = mean_jct(m, test::run_policy(m, "gavel", {{"objective", "fifo"}}));
  const double fifo_agnostic = mean_jct(m, test::run_policy(m, "gavel", {{"objective", "fifo"}, {"aware", "false"}}));
  EXPECT_LT(fifo_aware, 0.95 * fifo_agnostic);
  // Finish-time fairness measures each job against its share of this same heterogeneous cluster,
  // so its aware form is not expected to lower the mean JCT (docs/policies.md); every job completes.
  mean_jct(m, test::run_policy(m, "themis"));
  mean_jct(m, test::run_policy(m, "themis", {{"aware", "false"}}));
  mean_jct(m, test::run_policy(m, "gavel", {{"objective", "makespan"}}));
}

TEST(Gavel, SameModelSameSchedule) {
  std::vector<Job> jobs;
  for (JobId i = 0; i < 12; ++i) jobs.push_back(measured(i, 150.0 * i, i % 3 == 0 ? kA : kB, 3000 + 700 * (i % 4)));
  const SimulationModel m = model(2, 1, jobs);
  for (const std::map<std::string, std::string>& params :
       {std::map<std::string, std::string>{}, {{"aware", "false"}}, {{"objective", "fifo"}, {"aware", "false"}}}) {
    const auto a = test::run_policy(m, "gavel", params);
    const auto b = test::run_policy(m, "gavel", params);
    for (JobId i = 0; i < 12; ++i) EXPECT_EQ(a.metrics->records()[i].end, b.metrics->records()[i].end);
  }
}

TEST(Gavel, NamesAndParameters) {
  const SimulationModel m = model(1, 1, {measured(0, 0, kA, 30)});
  EXPECT_EQ(test::run_policy(m, "gavel").policy_name, "gavel[max-min,first-fit]");
  EXPECT_EQ(test::run_policy(m, "gavel", {{"objective", "makespan"}, {"aware", "false"}}).policy_name,
            "gavel[makespan,agnostic,first-fit]");
  EXPECT_EQ(test::run_policy(m, "themis", {{"placement", "best-fit"}}).policy_name, "themis[finish-time,best-fit]");
  const PolicyRegistry reg = builtin_policy_registry();
  EXPECT_THROW(reg.create("gavel", {{"objective", "las"}}), std::invalid_argument);
  EXPECT_THROW(reg.create("gavel", {{"round", "0"}}), std::invalid_argument);
  EXPECT_THROW(reg.create("themis", {{"objective", "fifo"}}), std::invalid_argument);
  EXPECT_THROW(reg.create("gavel", {{"aware", "maybe"}}), std::invalid_argument);
}

// Agnostic fifo's type for a new job, agnostic_fifo=last-type: the type whose name sorts last
// among those with room ("slow" after "fast"), as Gavel's code does (V100 first on its cluster),
// every time; the default draws a type at random. One job alone, so the type decides its end.
TEST(Gavel, AgnosticFifoLastTypeTakesTheTypeWhoseNameSortsLast) {
  const SimulationModel m = model(1, 1, {measured(0, 0, kA, 3000)});
  const std::map<std::string, std::string> last{
      {"objective", "fifo"}, {"aware", "false"}, {"agnostic_fifo", "last-type"}};
  const auto r = test::run_policy(m, "gavel", last);
  EXPECT_NEAR(end_s(r, 0), 3000 / 1.0, 1e-5);  // on "slow": 1 step/s
  EXPECT_NE(r.policy_name.find(",last-type"), std::string::npos) << r.policy_name;
  // Aware fifo, and the option ignored where it does not apply: the fast type.
  EXPECT_NEAR(end_s(test::run_policy(m, "gavel", {{"objective", "fifo"}, {"agnostic_fifo", "last-type"}}), 0), 1000,
              1e-5);
}

// Jobs beyond max_jobs have no share (the plain key: priority, deficit and share all 0). A round
// gives the cards first to the jobs with a share, then to the plain ones in arrival order: run_round
// walks the plain jobs apart from the sorted ones, and must keep the full sort's order.
TEST(Gavel, JobsWithoutAShareTakeLeftOverCardsAfterTheSharedOnesInArrivalOrder) {
  std::vector<Job> jobs;
  for (JobId id = 0; id < 5; ++id) jobs.push_back(measured(id, 0, kA, 30000));
  const SimulationModel m = model(3, 0, jobs);
  for (const char* policy : {"gavel", "themis"}) {
    const auto r = test::run_policy(m, policy, {{"max_jobs", "1"}});
    EXPECT_DOUBLE_EQ(test::start_s(r, 0), 0) << policy;  // the one job with a share
    EXPECT_DOUBLE_EQ(test::start_s(r, 1), 0) << policy;  // then the plain ones, by arrival
    EXPECT_DOUBLE_EQ(test::start_s(r, 2), 0) << policy;
    EXPECT_GT(test::start_s(r, 3), 0) << policy;
    EXPECT_GT(test::start_s(r, 4), 0) << policy;
  }
}
