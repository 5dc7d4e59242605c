#include <gtest/gtest.h>

#include <random>

#include "../support/mini_model.hpp"
#include "../support/policy_lists.hpp"
#include "../support/run_helpers.hpp"
#include "hetsim/policy/placement/placement.hpp"

using namespace hetsim;

namespace {
// A policy that breaks the rules in a chosen way, to check the driver's validation.
class RoguePolicy : public Policy {
 public:
  enum class Sin { WrongGangSize, DoubleBooking, StartTwice, ForbiddenChip };
  explicit RoguePolicy(Sin s) : sin_(s) {}
  std::string name() const override { return "rogue"; }
  void on_submit(const SchedulingContext&, JobId id) override { queue_.push_back(id); }
  void on_end(const SchedulingContext&, JobId) override {}
  void schedule(SchedulingContext& ctx) override {
    for (JobId id : queue_) {
      NodeGrant g;
      g.node = 0;
      g.card_mask = sin_ == Sin::WrongGangSize ? 0b1 : 0b11;
      g.cpu_milli = 1000 * 2;
      g.mem_mib = 1024 * 2;
      if (sin_ == Sin::ForbiddenChip) g.node = 1;
      ctx.start(id, {g});
      if (sin_ == Sin::StartTwice) ctx.start(id, {g});
    }
    queue_.clear();
  }

 private:
  Sin sin_;
  std::vector<JobId> queue_;
};

SimulationModel two_job_model() {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 4);  // node 0: fast
  m.cluster.add_pool(0, 0, 1, 1, 8, 128000, 1 << 20, 4);  // node 1: slow
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 2, 10), test::timed_job(1, 0, 2, 10)};
  m.jobs[1].allowed_chips = 1;  // fast only
  test::finalize(m);
  return m;
}

std::string violation_of(RoguePolicy::Sin sin) {
  const SimulationModel m = two_job_model();
  RoguePolicy p(sin);
  return test::violation_message(m, p);
}
}  // namespace

TEST(Simulation, ValidatesEveryDecisionAndNamesPolicyAndJob) {
  std::string v = violation_of(RoguePolicy::Sin::WrongGangSize);
  EXPECT_NE(v.find("policy 'rogue'"), std::string::npos) << v;
  EXPECT_NE(v.find("job 0"), std::string::npos) << v;
  EXPECT_NE(v.find("all-or-nothing"), std::string::npos) << v;
  v = violation_of(RoguePolicy::Sin::DoubleBooking);  // both jobs on the same two cards
  EXPECT_NE(v.find("job 1"), std::string::npos) << v;
  EXPECT_NE(v.find("milli free"), std::string::npos) << v;
  v = violation_of(RoguePolicy::Sin::StartTwice);
  EXPECT_NE(v.find("not pending"), std::string::npos) << v;
  v = violation_of(RoguePolicy::Sin::ForbiddenChip);
  EXPECT_NE(v.find("not allowed"), std::string::npos) << v;
}

namespace {
SimulationModel random_model(uint64_t seed, int n_jobs) {
  SimulationModel m = test::mini_model(2);
  m.cluster.add_pool(0, 0, 0, 6, 8, 128000, 1 << 20, 4);
  m.cluster.add_pool(1, 0, 1, 8, 4, 128000, 1 << 20, 4);
  test::finish_topology(m);
  std::mt19937_64 gen(seed);
  double t = 0;
  for (int i = 0; i < n_jobs; ++i) {
    t += static_cast<double>(gen() % 30);
    const uint32_t sizes[] = {1, 1, 1, 2, 4, 8, 16};
    Job j = test::timed_job(static_cast<JobId>(i), t, sizes[gen() % 7], 1 + gen() % 600);
    if (gen() % 3 == 0) j.allowed_chips = 1;
    m.jobs.push_back(j);
  }
  test::finalize(m);
  return m;
}
}  // namespace

TEST(Simulation, EveryJobEndsExactlyOnceAndCardsAreConserved) {
  for (const std::string& policy : test::every_policy()) {
    const SimulationModel m = random_model(5, 400);
    const auto r = test::run_policy(m, policy);
    int64_t running_cards = 0;
    std::size_t completed = 0;
    for (JobId id = 0; id < m.jobs.size(); ++id) {
      const JobRecord& rec = r.metrics->records()[id];
      ASSERT_NE(rec.outcome, JobOutcome::NotArrived) << policy;
      if (rec.outcome == JobOutcome::Completed) {
        ++completed;
        EXPECT_GE(rec.start, m.jobs[id].arrival);
        EXPECT_GT(rec.end, rec.start);
      }
      if (rec.outcome == JobOutcome::Running) running_cards += m.jobs[id].cards;
    }
    EXPECT_EQ(completed, m.jobs.size()) << policy;  // the horizon is far away
    EXPECT_EQ(running_cards, 0);
    for (const TimeseriesRow& row : r.metrics->timeseries()) {
      EXPECT_LE(row.busy_cards, static_cast<int64_t>(m.cluster.card_count()));
      EXPECT_GE(row.busy_cards, 0);
    }
  }
}

std::size_t completed_by(const test::Ran& r) {
  std::size_t n = 0;
  for (const JobRecord& rec : r.metrics->records()) n += rec.outcome == JobOutcome::Completed;
  return n;
}

// The kinds the tests pick policies by are honest: with cards free, a policy without rounds starts
// a job the instant it arrives, one with rounds (a round begun by an earlier job) at a later round
// boundary; and the preemptive ones stop a long job for a short newcomer when every card is taken.
TEST(Simulation, PolicyKindsInTheRegistryAreHonest) {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 1, 100000), test::timed_job(1, 30.5, 1, 100)};
  test::finalize(m);
  for (const std::string& policy : test::immediate_policies()) {
    EXPECT_DOUBLE_EQ(test::run_policy(m, policy).metrics->records()[1].start.seconds(), 30.5) << policy;
  }
  ASSERT_FALSE(test::round_policies().empty());
  for (const std::string& policy : test::round_policies()) {
    EXPECT_GT(test::run_policy(m, policy).metrics->records()[1].start.seconds(), 30.5) << policy;
  }
  SimulationModel full = m;  // a long job on all 8 cards, then a short one
  full.jobs = {test::timed_job(0, 0, 8, 100000), test::timed_job(1, 1000, 8, 10)};
  test::finalize(full);
  for (const std::string& policy : test::immediate_policies(test::Preempts::Yes)) {
    EXPECT_GE(test::run_policy(full, policy).metrics->records()[0].preemptions, 1u) << policy;
  }
  for (const std::string& policy : test::immediate_policies(test::Preempts::No)) {
    EXPECT_EQ(test::run_policy(full, policy).metrics->records()[0].preemptions, 0u) << policy;
  }
}

TEST(Simulation, HorizonLeavesJobsRunningOrPending) {
  SimulationModel m = random_model(6, 300);
  m.horizon = SimTime::from_s(600);
  const auto r = test::run_policy(m, "fifo");
  std::size_t running = 0, pending = 0, not_arrived = 0;
  for (const JobRecord& rec : r.metrics->records()) {
    running += rec.outcome == JobOutcome::Running;
    pending += rec.outcome == JobOutcome::Pending;
    not_arrived += rec.outcome == JobOutcome::NotArrived;
  }
  EXPECT_GT(running, 0u);
  EXPECT_GT(pending, 0u);  // arrived, still queued at the horizon
  EXPECT_GT(not_arrived, 0u);
  EXPECT_EQ(running + pending + not_arrived + completed_by(r), m.jobs.size());
  EXPECT_EQ(r.result.end_time, SimTime::from_s(600));
  EXPECT_EQ(r.metrics->end_time(), SimTime::from_s(600));
}

TEST(Simulation, SameModelSameOutputsByteForByte) {
  const SimulationModel m = random_model(9, 500);
  std::string csv[2], json[2];
  for (int k = 0; k < 2; ++k) {
    const auto r = test::run_policy(m, "easy-backfill", {{"placement", "best-fit"}});
    RunInfo info;
    info.scenario = "mini";
    info.policy = r.policy_name;
    const ReportInputs in{&info, &m.cluster, &m.chips, &m.jobs, &m.tenants, r.metrics.get(), &m.vouchers};
    csv[k] = jobs_csv(in) + timeseries_csv(in);
    auto s = summary_json(in);
    s.erase("engine");
    json[k] = s.dump(2);
  }
  EXPECT_EQ(csv[0], csv[1]);
  EXPECT_EQ(json[0], json[1]);
}

TEST(Simulation, BackfillReducesTotalWaitOnThisWorkload) {
  const SimulationModel m = random_model(12, 600);
  const auto fifo = test::run_policy(m, "fifo");
  const auto easy = test::run_policy(m, "easy-backfill");
  double wait_fifo = 0, wait_easy = 0;
  for (JobId id = 0; id < m.jobs.size(); ++id) {
    wait_fifo += (fifo.metrics->records()[id].start - m.jobs[id].arrival).seconds();
    wait_easy += (easy.metrics->records()[id].start - m.jobs[id].arrival).seconds();
  }
  EXPECT_LT(wait_easy, wait_fifo);
}

// --device: the batched scorer (here its CPU reference, which the CUDA kernel matches bit for
// bit) must give the very same decisions as the sequential index search.
namespace {
void expect_batched_decides_like_index(const SimulationModel& m, const std::map<std::string, std::string>& params,
                                       const std::string& label) {
  auto p1 = builtin_policy_registry().create("easy-backfill", params);
  auto p2 = builtin_policy_registry().create("easy-backfill", params);
  MetricsCollector m1(m.cluster, m.chips, m.jobs), m2(m.cluster, m.chips, m.jobs);
  Simulation index_run(m, *p1, m1);
  index_run.run();
  auto scorer = make_cpu_batch_scorer();
  Simulation batch_run(m, *p2, m2);
  batch_run.set_batch_scorer(scorer.get());
  batch_run.run();
  for (JobId id = 0; id < m.jobs.size(); ++id) {
    ASSERT_EQ(m1.records()[id].start, m2.records()[id].start) << label << " job " << id;
    ASSERT_EQ(m1.records()[id].first_node, m2.records()[id].first_node) << label << " job " << id;
  }
}

// Small leaves and odd job sizes under a full queue, so that backfilled starts often change
// which leaf is fullest for the jobs behind them.
SimulationModel leafy_model(uint64_t seed) {
  SimulationModel m = test::mini_model(2);
  m.cluster.add_pool(0, 0, 0, 16, 8, 128000, 1 << 20, 2);
  m.cluster.add_pool(1, 0, 0, 12, 8, 128000, 1 << 20, 3);
  m.cluster.add_pool(0, 0, 1, 10, 4, 128000, 1 << 20, 4);
  test::finish_topology(m);
  std::mt19937_64 gen(seed);
  double t = 0;
  for (int i = 0; i < 1500; ++i) {
    t += static_cast<double>(gen() % 6);
    const uint32_t sizes[] = {1, 1, 2, 3, 3, 5, 6, 7, 8, 16, 40};
    Job j = test::timed_job(static_cast<JobId>(i), t, sizes[gen() % 11], 1 + gen() % 900);
    if (gen() % 4 == 0) j.allowed_chips = 1;
    m.jobs.push_back(j);
  }
  test::finalize(m);
  return m;
}
}  // namespace

TEST(Simulation, BatchedScoringPathDecidesExactlyLikeTheIndexSearch) {
  for (const std::string& placement : placement_names()) {
    expect_batched_decides_like_index(random_model(21, 800), {{"placement", placement}}, placement);
  }
}

// Leaf-pack scores depend on the leaf's free cards, so the batch's hints must be repaired against
// every node of a touched leaf, not only the touched nodes.
TEST(Simulation, BatchedLeafPackRepairsWholeLeaves) {
  for (uint64_t seed : {1, 2, 3, 4}) {
    for (const char* gangs : {"pool", "topology"}) {
      expect_batched_decides_like_index(leafy_model(seed), {{"placement", "leaf-pack"}, {"gang_placement", gangs}},
                                        std::string("seed ") + std::to_string(seed) + " " + gangs);
    }
  }
}

namespace {
// Pool of 2 nodes x 8 fast cards. Job 0 holds 12 cards for 1000 s; job 1 (16 cards, the head)
// arrives at 5 s and must wait for it; job 2 (2 cards, 50 s) arrives at 10 s and can backfill.
SimulationModel backfill_window_model() {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 12, 1000), test::timed_job(1, 5, 16, 10), test::timed_job(2, 10, 2, 50)};
  test::finalize(m);
  return m;
}

// Asks to be woken in the past, or (`now`) at the pass's own time.
class TimeTraveller : public Policy {
 public:
  explicit TimeTraveller(bool now = false) : now_(now) {}
  std::string name() const override { return "time-traveller"; }
  void on_submit(const SchedulingContext&, JobId) override {}
  void on_end(const SchedulingContext&, JobId) override {}
  void schedule(SchedulingContext& ctx) override {
    if (now_) {
      ctx.wake_at(ctx.now());
    } else if (ctx.now() > SimTime::zero()) {
      ctx.wake_at(ctx.now() - SimTime::from_s(1));
    }
  }

 private:
  bool now_;
};
}  // namespace

TEST(Simulation, BackfillIntervalDefersTheScanToAWakeUp) {
  const SimulationModel m = backfill_window_model();
  const auto every_pass = test::run_policy(m, "easy-backfill");
  EXPECT_DOUBLE_EQ(test::start_s(every_pass, 2), 10.0);
  // The scan ran at 5 s (job 1 blocked); the next may run at 105 s, when the policy's wake-up
  // comes (nothing else happens between 10 s and 1000 s).
  const auto interval = test::run_policy(m, "easy-backfill", {{"bf_interval", "100"}});
  EXPECT_DOUBLE_EQ(test::start_s(interval, 2), 105.0);
  EXPECT_NE(interval.policy_name.find("bf_interval=100s"), std::string::npos) << interval.policy_name;
  EXPECT_DOUBLE_EQ(test::start_s(interval, 1), test::start_s(every_pass, 1));  // the head is not delayed
}

TEST(Simulation, AWakeUpInThePastIsAPolicyViolation) {
  const SimulationModel m = backfill_window_model();
  TimeTraveller p;
  const std::string v = test::violation_message(m, p);
  EXPECT_NE(v.find("time-traveller"), std::string::npos) << v;
  EXPECT_NE(v.find("before now"), std::string::npos) << v;
}

TEST(Simulation, AWakeUpNowIsAPolicyViolationNotAnEndlessInstant) {
  // Before, the wake-up brought the same instant's pass back, which asked again, forever.
  const SimulationModel m = backfill_window_model();
  TimeTraveller p(/*now=*/true);
  const std::string v = test::violation_message(m, p);
  EXPECT_NE(v.find("which is now"), std::string::npos) << v;
}
