// Sia (sim/policy/rounds/sia.hpp): its integer program by hand and against brute force, and the
// policy resizing elastic jobs and choosing chip types, against its heterogeneity-blind twin.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "../support/mini_model.hpp"
#include "../support/run_helpers.hpp"
#include "hetsim/policy/rounds/sia.hpp"
#include "hetsim/policy/rounds/sia_program.hpp"

using namespace hetsim;

TEST(SiaProgram, GangSizesArePowersOfTwoThenWholeServers) {
  EXPECT_EQ(sia_gang_sizes(8, 64), (std::vector<uint32_t>{1, 2, 4, 8, 16, 24, 32, 40, 48, 56, 64}));
  EXPECT_EQ(sia_gang_sizes(4, 200), (std::vector<uint32_t>{1, 2, 4, 8, 12, 16, 20, 24, 28, 32, 64, 128}));
  EXPECT_EQ(sia_gang_sizes(8, 3), (std::vector<uint32_t>{1, 2}));
}

TEST(SiaProgram, GoodputsAreNormalisedToTheSlowestConfiguration) {
  SiaJobInput rigid;
  rigid.configs = {{0, 4, 3.0}, {1, 4, 1.0}};
  EXPECT_EQ(sia_normalized_goodputs(rigid), (std::vector<double>{12.0, 4.0}));  // slowest = its 4 cards
  SiaJobInput elastic;
  elastic.configs = {{0, 1, 2.0}, {0, 2, 3.6}, {1, 1, 1.0}};
  EXPECT_EQ(sia_normalized_goodputs(elastic), (std::vector<double>{2.0, 3.6, 1.0}));
}

TEST(SiaProgram, GivesTheFastTypeToTheJobThatGainsMost) {
  // Job 0 runs 3x faster on type 0, job 1 1.2x; one card of each type.
  std::vector<SiaJobInput> jobs(2);
  jobs[0].configs = {{0, 1, 3.0}, {1, 1, 1.0}};
  jobs[1].configs = {{0, 1, 1.2}, {1, 1, 1.0}};
  const std::vector<double> capacity{1, 1};
  const SiaSolution s = solve_sia_program(jobs, capacity, {});
  ASSERT_TRUE(s.solved);
  EXPECT_EQ(s.choice, (std::vector<int>{0, 1}));
  // With no card of type 0 left, both cannot run: one waits.
  const std::vector<double> one_slow{0, 1};
  const SiaSolution t = solve_sia_program(jobs, one_slow, {});
  EXPECT_EQ((t.choice[0] >= 0) + (t.choice[1] >= 0), 1);
}

TEST(SiaProgram, TheReallocationFactorKeepsARunningJobWhereItIs) {
  // A running job on type 1 would be 1.5x faster on type 0: moving wins without a penalty ...
  std::vector<SiaJobInput> jobs(1);
  jobs[0].configs = {{0, 1, 1.5}, {1, 1, 1.0}};
  jobs[0].current = 1;
  const std::vector<double> capacity{1, 1};
  EXPECT_EQ(solve_sia_program(jobs, capacity, {}).choice[0], 0);
  // ... but not when a restart throws away half its progress rate.
  jobs[0].realloc_factor = 0.5;
  EXPECT_EQ(solve_sia_program(jobs, capacity, {}).choice[0], 1);
}

TEST(SiaProgram, LambdaAndPDecideBetweenGrowingOneJobAndRunningBoth) {
  // Two elastic jobs, 4 cards: job 0 scales perfectly, job 1 barely (2 cards = 1.1x one card).
  std::vector<SiaJobInput> jobs(2);
  jobs[0].configs = {{0, 1, 1.0}, {0, 2, 2.0}, {0, 4, 4.0}};
  jobs[1].configs = {{0, 1, 1.0}, {0, 2, 1.1}, {0, 4, 1.15}};
  const std::vector<double> capacity{4};
  // p = -0.5, lambda = 1.1 (Sia's defaults): gains lambda - G^p are job 0 {0.1, 0.393, 0.6} and
  // job 1 {0.1, 0.147, 0.167}: job 0 on all 4 cards (0.6) beats 2 + 2 (0.540); job 1 waits.
  EXPECT_EQ(solve_sia_program(jobs, capacity, {}).choice, (std::vector<int>{2, -1}));
  // A larger penalty for no allocation runs both: 2 + 2 (1.293 + 1.047) beats 4 alone (1.5).
  SiaProgramOptions strict;
  strict.lambda = 2;
  EXPECT_EQ(solve_sia_program(jobs, capacity, strict).choice, (std::vector<int>{1, 1}));
  // p = 1 (total normalised goodput plus lambda per job): 2 + 2 (3.1 + 2.2) beats 4 alone (5.1).
  SiaProgramOptions total;
  total.p = 1;
  EXPECT_EQ(solve_sia_program(jobs, capacity, total).choice, (std::vector<int>{1, 1}));
}

namespace {
// The program's objective for a choice (maximised form), or -inf when it breaks a capacity.
double objective_of(const std::vector<SiaJobInput>& jobs, const std::vector<double>& capacity,
                    const std::vector<int>& choice, const SiaProgramOptions& o) {
  std::vector<double> used(capacity.size(), 0);
  double sum = 0;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    if (choice[j] < 0) continue;
    const SiaConfig& c = jobs[j].configs[static_cast<std::size_t>(choice[j])];
    used[c.type] += c.cards;
    const double g = sia_normalized_goodputs(jobs[j])[static_cast<std::size_t>(choice[j])] *
                     (choice[j] == jobs[j].current ? 1.0 : jobs[j].realloc_factor);
    const double a = std::min(std::pow(g, o.p), o.clip);
    sum += o.p < 0 ? o.lambda - a : a + o.lambda;
  }
  for (std::size_t k = 0; k < capacity.size(); ++k) {
    if (used[k] > capacity[k]) return -std::numeric_limits<double>::infinity();
  }
  return sum;
}
}  // namespace

TEST(SiaProgram, MatchesBruteForceOnRandomPrograms) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.5, 4.0);
  for (int trial = 0; trial < 60; ++trial) {
    const std::size_t J = 2 + rng() % 4, K = 1 + rng() % 3;
    std::vector<SiaJobInput> jobs(J);
    for (SiaJobInput& job : jobs) {
      const std::size_t n = 1 + rng() % 4;
      for (std::size_t c = 0; c < n; ++c) {
        job.configs.push_back({static_cast<uint32_t>(rng() % K), static_cast<uint32_t>(1u << (rng() % 3)), u(rng)});
      }
      if (rng() % 2) {
        job.current = static_cast<int>(rng() % n);
        job.realloc_factor = 0.3 + 0.7 * static_cast<double>(rng() % 100) / 100.0;
      }
    }
    std::vector<double> capacity(K);
    for (double& c : capacity) c = static_cast<double>(rng() % 6);
    SiaProgramOptions o;
    o.p = trial % 3 == 0 ? 1.0 : -0.5;
    o.mip_gap = 0;
    o.mip_nodes = 0;  // exact: no limit on the search
    const SiaSolution s = solve_sia_program(jobs, capacity, o);
    ASSERT_TRUE(s.solved);
    // Every combination of choices (-1 .. configs-1 per job).
    double best = -std::numeric_limits<double>::infinity();
    std::vector<int> choice(J, -1);
    while (true) {
      best = std::max(best, objective_of(jobs, capacity, choice, o));
      std::size_t j = 0;
      while (j < J && ++choice[j] == static_cast<int>(jobs[j].configs.size())) choice[j++] = -1;
      if (j == J) break;
    }
    EXPECT_NEAR(objective_of(jobs, capacity, s.choice, o), best, 1e-7) << "trial " << trial;
  }
}

namespace {
// An 8-card fast node and an 8-card slow node.
SimulationModel cluster_model(std::vector<Job> jobs) {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 4);
  m.cluster.add_pool(0, 0, 1, 1, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.jobs = std::move(jobs);
  test::finalize(m);
  m.checkpoint.restart_overhead_s = 0;
  return m;
}

Job elastic(JobId id, double arrival_s, uint32_t lo, uint32_t hi, uint64_t seconds_on_4) {
  Job j = test::timed_job(id, arrival_s, 4, seconds_on_4);
  j.min_cards = lo;
  j.max_cards = hi;
  return j;
}

const JobRecord& rec(const test::Ran& r, JobId id) { return r.metrics->records()[id]; }
}  // namespace

TEST(Sia, AnElasticJobAloneTakesItsLargestGangOnTheFastType) {
  const SimulationModel m = cluster_model({elastic(0, 0, 1, 8, 1000)});
  const test::Ran r = test::run_policy(m, "sia");
  EXPECT_EQ(rec(r, 0).outcome, JobOutcome::Completed);
  EXPECT_EQ(rec(r, 0).cards, 8u);
  EXPECT_EQ(rec(r, 0).chip_mask, 1u);               // fast
  EXPECT_NEAR(rec(r, 0).end.seconds(), 500, 1e-3);  // twice the cards of its request: half the time
}

TEST(Sia, ASecondArrivalShrinksTheFirstAndBothFinish) {
  // Both elastic 1..8 on fast only: alone job 0 holds 8 cards; once job 1 arrives the program
  // splits the node (p = -0.5 favours the job with less goodput).
  std::vector<Job> jobs{elastic(0, 0, 1, 8, 4000), elastic(1, 100, 1, 8, 4000)};
  for (Job& j : jobs) j.allowed_chips = 1;
  const SimulationModel m = cluster_model(jobs);
  const test::Ran r = test::run_policy(m, "sia");
  EXPECT_EQ(rec(r, 0).outcome, JobOutcome::Completed);
  EXPECT_EQ(rec(r, 1).outcome, JobOutcome::Completed);
  EXPECT_GE(rec(r, 0).resizes, 1u);
  EXPECT_GE(rec(r, 0).preemptions, 1u);
  // Job 1 waits for the next round only (60 s after the round at 0 s: the round at 120 s).
  EXPECT_LE(test::start_s(r, 1), 120);
  // With p = 1 (total goodput) perfectly scaling jobs do not gain from sharing: job 1 also starts.
  const test::Ran total = test::run_policy(m, "sia", {{"p", "1"}});
  EXPECT_EQ(rec(total, 1).outcome, JobOutcome::Completed);
}

TEST(Sia, RigidJobsKeepTheirSizeAndTheAwareProgramPicksTheFastType) {
  // Two rigid 4-card jobs; the fast node fits both. Aware: both on fast.
  const SimulationModel m = cluster_model({test::timed_job(0, 0, 4, 1000), test::timed_job(1, 0, 4, 1000)});
  const test::Ran r = test::run_policy(m, "sia");
  for (JobId id : {0u, 1u}) {
    EXPECT_EQ(rec(r, id).cards, 4u);
    EXPECT_EQ(rec(r, id).chip_mask, 1u) << id;
    EXPECT_EQ(rec(r, id).resizes, 0u);
  }
  // Agnostic: both types believed alike; over several seeds of job mixes the aware policy is never
  // slower and on this pair strictly faster in total (some rounds pick the slow node blindly).
  double aware = 0, blind = 0;
  for (int n = 2; n <= 6; ++n) {
    std::vector<Job> jobs;
    for (int i = 0; i < n; ++i) jobs.push_back(test::timed_job(static_cast<JobId>(i), 10.0 * i, 4, 2000));
    const SimulationModel mm = cluster_model(jobs);
    const test::Ran a = test::run_policy(mm, "sia");
    const test::Ran b = test::run_policy(mm, "sia", {{"aware", "false"}});
    for (int i = 0; i < n; ++i) {
      aware += rec(a, static_cast<JobId>(i)).end.seconds();
      blind += rec(b, static_cast<JobId>(i)).end.seconds();
    }
  }
  EXPECT_LT(aware, blind);
}

TEST(Sia, IsDeterministicAndRejectsPZero) {
  std::vector<Job> jobs;
  for (int i = 0; i < 12; ++i) jobs.push_back(elastic(static_cast<JobId>(i), 37.0 * i, 1, 8, 500 + 100 * i));
  const SimulationModel m = cluster_model(jobs);
  const test::Ran a = test::run_policy(m, "sia");
  const test::Ran b = test::run_policy(m, "sia");
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(rec(a, static_cast<JobId>(i)).end, rec(b, static_cast<JobId>(i)).end);
    EXPECT_EQ(rec(a, static_cast<JobId>(i)).outcome, JobOutcome::Completed);
  }
  EXPECT_THROW(builtin_policy_registry().create("sia", {{"p", "0"}}), std::invalid_argument);
}

TEST(Sia, AWaitingJobIsNotDiscountedForARestartItDoesNotMake) {
  // Job 0 fills the fast node until 1,000 s; job 1 (one card, fast only) waits for it. At 1,000 s
  // it is 990 s old: with the re-allocation factor applied to waiting jobs (r = 990 / 1,390 with a
  // 400 s penalty) its gain lambda - (G r)^p would be negative and it would wait until about
  // 4.8 x 400 s old. Only running jobs are discounted: it starts in the round after job 0 ends.
  std::vector<Job> jobs{test::timed_job(0, 0, 8, 1000), test::timed_job(1, 10, 1, 100)};
  for (Job& j : jobs) j.allowed_chips = 1;
  const SimulationModel m = cluster_model(jobs);
  const test::Ran r = test::run_policy(m, "sia", {{"restart_penalty", "400"}});
  EXPECT_EQ(rec(r, 1).outcome, JobOutcome::Completed);
  EXPECT_LE(test::start_s(r, 1), 1060);
}

TEST(Sia, TheWarmRelaxationRunsEveryJobDeterministicallyAndNeedsTheAwareProgram) {
  // solver=warm-relaxation (sia_warm_program.hpp): the same jobs all complete, twice the same.
  std::vector<Job> jobs;
  for (int i = 0; i < 12; ++i) jobs.push_back(elastic(static_cast<JobId>(i), 37.0 * i, 1, 8, 500 + 100 * i));
  const SimulationModel m = cluster_model(jobs);
  const test::Ran a = test::run_policy(m, "sia", {{"solver", "warm-relaxation"}});
  const test::Ran b = test::run_policy(m, "sia", {{"solver", "warm-relaxation"}});
  EXPECT_NE(a.policy_name.find("warm-relaxation"), std::string::npos) << a.policy_name;
  EXPECT_EQ(test::run_policy(m, "sia").policy_name.find("warm-relaxation"), std::string::npos);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(rec(a, static_cast<JobId>(i)).outcome, JobOutcome::Completed);
    EXPECT_EQ(rec(a, static_cast<JobId>(i)).end, rec(b, static_cast<JobId>(i)).end);
    EXPECT_EQ(rec(a, static_cast<JobId>(i)).cards, rec(b, static_cast<JobId>(i)).cards);
  }
  // Where the program has one answer it is the reference's: two rigid jobs both on the fast node.
  const SimulationModel rigid = cluster_model({test::timed_job(0, 0, 4, 1000), test::timed_job(1, 0, 4, 1000)});
  const test::Ran w = test::run_policy(rigid, "sia", {{"solver", "warm-relaxation"}});
  const test::Ran mip = test::run_policy(rigid, "sia");
  for (JobId id : {0u, 1u}) {
    EXPECT_EQ(rec(w, id).chip_mask, 1u) << id;
    EXPECT_EQ(rec(w, id).chip_mask, rec(mip, id).chip_mask) << id;
    EXPECT_EQ(rec(w, id).end, rec(mip, id).end) << id;
  }
  // The agnostic program breaks its ties by a fresh random type order each round; a kept basis
  // would break them by pivoting order instead, so the combination is refused.
  EXPECT_THROW(builtin_policy_registry().create("sia", {{"solver", "warm-relaxation"}, {"aware", "false"}}),
               std::invalid_argument);
  EXPECT_THROW(builtin_policy_registry().create("sia", {{"solver", "bogus"}}), std::invalid_argument);
  SiaPolicy::Options blind;
  blind.aware = false;
  blind.solver = SiaPolicy::Solver::WarmRelaxation;
  EXPECT_THROW(SiaPolicy{blind}, std::invalid_argument);  // built in C++ too
  // check() reports the rules the factory enforces, so the command line answers them as bad input
  // (exit 2, the scenario's line) instead of failing at create().
  const PolicyRegistry reg = builtin_policy_registry();
  const auto agnostic = reg.check("sia", {{"solver", "warm-relaxation"}, {"aware", "false"}});
  ASSERT_EQ(agnostic.size(), 1u);
  EXPECT_NE(agnostic[0].message.find("needs aware=true"), std::string::npos) << agnostic[0].message;
  EXPECT_EQ(reg.check("sia", {{"p", "0"}}).size(), 1u);
  EXPECT_TRUE(reg.check("sia", {{"solver", "warm-relaxation"}}).empty());
}

TEST(Sia, BothSolversReportTheirAnswersBelowTheRelaxationsBound) {
  // Stats::objective and ::bound sum the rounds' answers and relaxation optima (each round's is
  // checked in sia_warm_program_test.cpp); every chosen configuration fits (no placement miss
  // where each type is one pool). The warm relaxation counts its pivots and needs no cold start.
  std::vector<Job> jobs;
  for (int i = 0; i < 30; ++i) jobs.push_back(elastic(static_cast<JobId>(i), 23.0 * i, 1, 8, 400 + 50 * (i % 7)));
  const SimulationModel m = cluster_model(jobs);
  for (const SiaPolicy::Solver solver : {SiaPolicy::Solver::Mip, SiaPolicy::Solver::WarmRelaxation}) {
    SiaPolicy::Options o;
    o.solver = solver;
    SiaPolicy p(o);
    MetricsCollector metrics(m.cluster, m.chips, m.jobs);
    Simulation sim(m, p, metrics);
    sim.run();
    EXPECT_GT(p.stats().solves, 10u);
    EXPECT_EQ(p.stats().unsolved, 0u);
    EXPECT_EQ(p.stats().placement_misses, 0u);  // one pool per type: an answer that fits always places
    EXPECT_GT(p.stats().objective, 0);
    EXPECT_LE(p.stats().objective, p.stats().bound + 1e-9 * p.stats().bound);
    EXPECT_EQ(p.warm_program() != nullptr, solver == SiaPolicy::Solver::WarmRelaxation);
    if (p.warm_program() != nullptr) {
      EXPECT_EQ(p.warm_program()->stats().solves, p.stats().solves);
      EXPECT_GT(p.warm_program()->stats().iterations, 0u);
      EXPECT_EQ(p.warm_program()->stats().cold_starts, 0u);
    }
  }
}
