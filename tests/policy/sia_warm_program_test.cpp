// Sia's relaxation kept warm between rounds (sim/policy/rounds/sia_warm_program.hpp): after jobs
// come and go and coefficients move, its relaxation is the fresh program's (same optimum), its
// answers are feasible and below that optimum, and an unchanged program needs no pivot.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "hetsim/policy/rounds/sia_program.hpp"
#include "hetsim/policy/rounds/sia_warm_program.hpp"

using namespace hetsim;

namespace {
struct Program {
  std::vector<JobId> keys;
  std::vector<SiaJobInput> jobs;
  std::vector<double> capacity;
};

SiaJobInput random_job(std::mt19937_64& rng, std::size_t types) {
  std::uniform_real_distribution<double> rate(0.5, 4.0);
  SiaJobInput job;
  const std::size_t n = 1 + rng() % 5;
  for (std::size_t c = 0; c < n; ++c) {
    job.configs.push_back({static_cast<uint32_t>(rng() % types), static_cast<uint32_t>(1u << (rng() % 4)), rate(rng)});
  }
  return job;
}

// The cards per type, the configurations used and the objective of an answer, checked.
void expect_feasible(const Program& p, const SiaSolution& s, const SiaProgramOptions& o) {
  ASSERT_EQ(s.choice.size(), p.jobs.size());
  std::vector<double> used(p.capacity.size(), 0.0);
  double objective = 0;
  for (std::size_t j = 0; j < p.jobs.size(); ++j) {
    const int c = s.choice[j];
    if (c < 0) continue;
    ASSERT_LT(static_cast<std::size_t>(c), p.jobs[j].configs.size());
    const SiaConfig& cfg = p.jobs[j].configs[static_cast<std::size_t>(c)];
    used[cfg.type] += cfg.cards;
    objective += sia_column_gain(p.jobs[j], static_cast<std::size_t>(c),
                                 sia_normalized_goodputs(p.jobs[j])[static_cast<std::size_t>(c)], o);
  }
  for (std::size_t k = 0; k < used.size(); ++k) EXPECT_LE(used[k], p.capacity[k] + 1e-9) << "type " << k;
  EXPECT_NEAR(s.objective, objective, 1e-9 * std::max(1.0, std::abs(objective)));
  EXPECT_LE(s.objective, s.bound + 1e-7 * std::max(1.0, std::abs(s.bound)));
}
}  // namespace

TEST(SiaWarmProgram, TheKeptRelaxationHasTheFreshOptimumAsJobsComeAndGo) {
  // 300 rounds of a program of 20 to 60 jobs on 4 types: each round some jobs leave (split and
  // whole ones alike, so the kept basis loses basic variables), some arrive or come back, running
  // jobs move and their restart discounts drift, a few keys change their configurations,
  // capacities change. The warm relaxation's optimum must be the fresh program's (GLPK from
  // scratch) every round, and the kept program must hold exactly this round's jobs.
  std::mt19937_64 rng(11);
  const std::size_t K = 4;
  Program p;
  p.capacity.assign(K, 0);
  JobId next_key = 0;
  SiaWarmProgram warm;
  SiaProgramOptions o;
  int fractional_rounds = 0;
  std::vector<std::pair<JobId, SiaJobInput>> gone;  // jobs that left, some of which come back
  for (int round = 0; round < 300; ++round) {
    Program q;
    for (std::size_t j = 0; j < p.jobs.size(); ++j) {
      if (rng() % 8 == 0) {  // leaves
        gone.emplace_back(p.keys[j], p.jobs[j]);
        continue;
      }
      SiaJobInput job = p.jobs[j];
      if (rng() % 4 == 0 && !job.configs.empty()) {
        job.current = rng() % 3 == 0 ? -1 : static_cast<int>(rng() % job.configs.size());
        job.realloc_factor = job.current < 0 ? 1.0 : 0.2 + 0.8 * static_cast<double>(rng() % 1000) / 1000.0;
      }
      // Now and then the same key lists other configurations (another count, or the same count on
      // other types): it must enter anew, not keep columns built for the old ones.
      if (rng() % 40 == 0) job = random_job(rng, K);
      q.keys.push_back(p.keys[j]);
      q.jobs.push_back(std::move(job));
    }
    const std::size_t target = 20 + rng() % 41;
    while (q.jobs.size() < target) {
      if (!gone.empty() && rng() % 4 == 0) {  // a key that left comes back
        const std::size_t g = rng() % gone.size();
        q.keys.push_back(gone[g].first);
        q.jobs.push_back(gone[g].second);
        gone.erase(gone.begin() + static_cast<std::ptrdiff_t>(g));
        continue;
      }
      q.keys.push_back(next_key++);
      q.jobs.push_back(rng() % 50 == 0 ? SiaJobInput{} : random_job(rng, K));  // some list nothing
    }
    q.capacity.resize(K);
    for (double& c : q.capacity) c = static_cast<double>(rng() % 40);
    o.p = round % 5 == 0 ? 1.0 : -0.5;
    const SiaSolution fresh = solve_sia_program(q.jobs, q.capacity, o);
    const SiaSolution kept = warm.solve(q.keys, q.jobs, q.capacity, o);
    ASSERT_TRUE(fresh.solved);
    ASSERT_TRUE(kept.solved) << "round " << round;
    EXPECT_NEAR(kept.bound, fresh.bound, 1e-6 * std::max(1.0, std::abs(fresh.bound))) << "round " << round;
    expect_feasible(q, kept, o);
    if (kept.objective < kept.bound - 1e-9) ++fractional_rounds;
    EXPECT_EQ(warm.rows(), static_cast<int>(K + q.jobs.size()));
    std::size_t configs = 0;
    for (const SiaJobInput& job : q.jobs) configs += job.configs.size();
    EXPECT_EQ(warm.columns(), static_cast<int>(configs));
    p = std::move(q);
  }
  // The case the rounding is for did occur, and the kept basis was usable (nearly) throughout
  // (Clp mends a basis the deletions left short; a cold start is a fresh solve).
  EXPECT_GT(fractional_rounds, 10);
  EXPECT_EQ(warm.stats().failures, 0u);
  EXPECT_LT(warm.stats().cold_starts, 15u);
}

TEST(SiaWarmProgram, AnUnchangedProgramIsAnsweredFromTheKeptBasisWithoutAPivot) {
  std::mt19937_64 rng(3);
  Program p;
  p.capacity = {12, 20, 7};
  for (JobId k = 0; k < 40; ++k) {
    p.keys.push_back(100 + 3 * k);
    p.jobs.push_back(random_job(rng, 3));
  }
  SiaWarmProgram warm;
  const SiaProgramOptions o;
  const SiaSolution first = warm.solve(p.keys, p.jobs, p.capacity, o);
  const uint64_t pivots = warm.stats().iterations;
  EXPECT_GT(pivots, 0u);
  const SiaSolution again = warm.solve(p.keys, p.jobs, p.capacity, o);
  EXPECT_EQ(warm.stats().iterations, pivots);
  EXPECT_EQ(again.choice, first.choice);
  EXPECT_EQ(again.bound, first.bound);
  expect_feasible(p, again, o);
}

TEST(SiaWarmProgram, AgreesWithTheMipWhereTheRelaxationIsIntegral) {
  // The reference's "fast type to the job that gains most" case: the relaxation is integral, so
  // both solvers must give the optimum.
  Program p;
  p.keys = {7, 9};
  p.jobs.resize(2);
  p.jobs[0].configs = {{0, 1, 3.0}, {1, 1, 1.0}};
  p.jobs[1].configs = {{0, 1, 1.2}, {1, 1, 1.0}};
  p.capacity = {1, 1};
  SiaWarmProgram warm;
  const SiaSolution s = warm.solve(p.keys, p.jobs, p.capacity, {});
  ASSERT_TRUE(s.solved);
  EXPECT_EQ(s.choice, (std::vector<int>{0, 1}));
  EXPECT_EQ(s.choice, solve_sia_program(p.jobs, p.capacity, {}).choice);
  EXPECT_DOUBLE_EQ(s.objective, s.bound);
}

TEST(SiaWarmProgram, JobsThatFitNowhereWaitAndBadInputIsRefused) {
  Program p;
  p.keys = {1, 2};
  p.jobs.resize(2);
  p.jobs[0].configs = {{0, 8, 1.0}};  // more cards than type 0 has
  p.jobs[1].configs = {{5, 1, 1.0}};  // a type the program does not have
  p.capacity = {4};
  SiaWarmProgram warm;
  const SiaSolution s = warm.solve(p.keys, p.jobs, p.capacity, {});
  ASSERT_TRUE(s.solved);
  EXPECT_EQ(s.choice, (std::vector<int>{-1, -1}));
  // Once type 0 has the cards, job 0 runs: its column was kept, fixed at 0, and is freed now.
  p.capacity = {8};
  EXPECT_EQ(warm.solve(p.keys, p.jobs, p.capacity, {}).choice, (std::vector<int>{0, -1}));
  EXPECT_EQ(warm.columns(), 2);

  const std::vector<JobId> twice{3, 3};
  EXPECT_THROW(warm.solve(twice, p.jobs, p.capacity, {}), std::invalid_argument);
  const std::vector<JobId> one{3};
  EXPECT_THROW(warm.solve(one, p.jobs, p.capacity, {}), std::invalid_argument);
  SiaProgramOptions bad;
  bad.p = 0;
  EXPECT_THROW(warm.solve(p.keys, p.jobs, p.capacity, bad), std::invalid_argument);
}

TEST(SiaWarmProgram, ANewSetOfChipTypesStartsAfreshAndAnEmptyProgramIsAnswered) {
  std::mt19937_64 rng(5);
  Program p;
  for (JobId k = 0; k < 30; ++k) {
    p.keys.push_back(k);
    p.jobs.push_back(random_job(rng, 3));
  }
  p.capacity = {9, 14, 6};
  SiaWarmProgram warm;
  const SiaProgramOptions o;
  EXPECT_NEAR(warm.solve(p.keys, p.jobs, p.capacity, o).bound, solve_sia_program(p.jobs, p.capacity, o).bound, 1e-6);
  p.capacity = {9, 14, 6, 11};  // a fourth type: the same keys, the program rebuilt
  const SiaSolution four = warm.solve(p.keys, p.jobs, p.capacity, o);
  EXPECT_NEAR(four.bound, solve_sia_program(p.jobs, p.capacity, o).bound, 1e-6);
  EXPECT_EQ(warm.rows(), 4 + 30);
  expect_feasible(p, four, o);
  const SiaSolution none = warm.solve({}, {}, p.capacity, o);
  EXPECT_TRUE(none.solved);
  EXPECT_TRUE(none.choice.empty());
  EXPECT_EQ(warm.rows(), 4);
  EXPECT_EQ(warm.columns(), 0);
}
