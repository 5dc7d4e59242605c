// Gavel's allocation programs (sim/policy/rounds/allocation.hpp) and the GLPK wrapper, on problems
// solved by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "hetsim/core/rng.hpp"
#include "hetsim/policy/rounds/allocation.hpp"
#include "hetsim/policy/rounds/linear_program.hpp"

using namespace hetsim;

namespace {

AllocationProblem problem(std::vector<std::vector<double>> t, std::vector<uint32_t> scale,
                          std::vector<double> workers) {
  AllocationProblem p;
  p.jobs = t.size();
  p.types = workers.size();
  for (const auto& row : t) p.tput.insert(p.tput.end(), row.begin(), row.end());
  p.scale = std::move(scale);
  p.workers = std::move(workers);
  return p;
}

double rate(const AllocationProblem& p, const Allocation2D& a, std::size_t j) {
  double r = 0;
  for (std::size_t k = 0; k < p.types; ++k) r += p.t(j, k) * a.x[j * p.types + k];
  return r;
}

void expect_base_constraints(const AllocationProblem& p, const Allocation2D& a) {
  for (std::size_t j = 0; j < p.jobs; ++j) {
    double row = 0;
    for (std::size_t k = 0; k < p.types; ++k) {
      EXPECT_GE(a.x[j * p.types + k], 0);
      if (p.t(j, k) == 0) {
        EXPECT_EQ(a.x[j * p.types + k], 0) << "a type the job cannot use";
      }
      row += a.x[j * p.types + k];
    }
    EXPECT_LE(row, 1 + 1e-9);
  }
  for (std::size_t k = 0; k < p.types; ++k) {
    double used = 0;
    for (std::size_t j = 0; j < p.jobs; ++j) used += p.scale[j] * a.x[j * p.types + k];
    EXPECT_LE(used, p.workers[k] + 1e-9);
  }
}

}  // namespace

TEST(LinearProgram, SolvesATextbookProgramFreshAndFromTheKeptRelaxation) {
  // max x + y  s.t.  x + 2y <= 4,  3x + y <= 6,  x, y >= 0  ->  (1.6, 1.2), 2.8
  LinearProgram lp;
  const int x = lp.add_var(0, LinearProgram::kInf, 1), y = lp.add_var(0, LinearProgram::kInf, 1);
  const std::pair<int, double> r1[] = {{x, 1}, {y, 2}}, r2[] = {{x, 3}, {y, 1}};
  lp.add_row(r1, -LinearProgram::kInf, 4);
  lp.add_row(r2, -LinearProgram::kInf, 6);
  std::vector<double> sol;
  double obj = 0;
  ASSERT_EQ(lp.maximize(sol, obj), LinearProgram::Status::Optimal);
  EXPECT_NEAR(sol[0], 1.6, 1e-9);
  EXPECT_NEAR(sol[1], 1.2, 1e-9);
  EXPECT_NEAR(obj, 2.8, 1e-9);
  // With no integer column, branch and bound from the kept relaxation (linear_program_kept_test.cpp)
  // answers the relaxation itself.
  ASSERT_EQ(lp.maximize_relaxation_kept(sol, obj), LinearProgram::Status::Optimal);
  ASSERT_EQ(lp.maximize_from_kept(sol, obj), LinearProgram::Status::Optimal);
  EXPECT_NEAR(sol[0], 1.6, 1e-9);
  EXPECT_NEAR(sol[1], 1.2, 1e-9);
  EXPECT_NEAR(obj, 2.8, 1e-9);
}

TEST(LinearProgram, ReportsInfeasibleAndUnboundedAndRejectsBadInput) {
  LinearProgram infeasible;
  const int x = infeasible.add_var(0, 1, 1);
  const std::pair<int, double> r[] = {{x, 1}};
  infeasible.add_row(r, 2, LinearProgram::kInf);
  std::vector<double> sol;
  double obj = 0;
  EXPECT_EQ(infeasible.maximize(sol, obj), LinearProgram::Status::Infeasible);
  LinearProgram unbounded;
  unbounded.add_var(0, LinearProgram::kInf, 1);
  EXPECT_EQ(unbounded.maximize(sol, obj), LinearProgram::Status::Unbounded);
  LinearProgram bad;
  EXPECT_THROW(bad.add_var(1, 0, 0), std::invalid_argument);
  EXPECT_THROW(bad.add_var(0, 1, NAN), std::invalid_argument);
  const std::pair<int, double> no_column[] = {{3, 1}};
  EXPECT_THROW(bad.add_row(no_column, 0, 1), std::invalid_argument);
}

TEST(GavelAllocation, ProportionalAndIsolatedShares) {
  // Types of 2 and 6 cards; job 0 (1 card) runs 1 and 3 steps/s, job 1 (4 cards) 2 and 2.
  const AllocationProblem p = problem({{1, 3}, {2, 2}}, {1, 4}, {2, 6});
  const auto prop = proportional_throughput(p);
  EXPECT_DOUBLE_EQ(prop[0], 1 * 0.25 + 3 * 0.75);
  EXPECT_DOUBLE_EQ(prop[1], 2.0);
  // Isolated: n_k / (m s_j) = (1, 3) for job 0, scaled to sum 1 -> (0.25, 0.75); job 1: (0.25, 0.75).
  const auto iso = isolated_throughput(p);
  EXPECT_DOUBLE_EQ(iso[0], 2.5);
  EXPECT_DOUBLE_EQ(iso[1], 2.0);
}

TEST(GavelAllocation, MaxMinFairnessGivesEachJobTheTypeItGainsMostOn) {
  // One card of each type (slow, fast). Job A runs 1 and 3 steps/s, job B 1 and 1.2. Normalised by
  // the proportional rates 2 and 1.1, the best min is 1: A and B each spend half their time on
  // each type (worked out in the test's comment: f = 0.5 balances (3 - 2f)/2 = (1 + 0.2f)/1.1).
  const AllocationProblem p = problem({{1, 3}, {1, 1.2}}, {1, 1}, {1, 1});
  const Allocation2D a = max_min_fairness(p, {1, 1});
  ASSERT_TRUE(a.solved);
  expect_base_constraints(p, a);
  EXPECT_NEAR(a.objective, 1.0, 1e-9);
  EXPECT_NEAR(rate(p, a, 0) / 2.0, 1.0, 1e-9);
  EXPECT_NEAR(rate(p, a, 1) / 1.1, 1.0, 1e-9);
  // Gavel's priority weight w divides a job's normalised rate, so a weight of 2 buys B twice the
  // normalised rate of A: (3 - 2f) / 2 = (1 + 0.2f) / 2.2 at f = 23/24.
  const Allocation2D w = max_min_fairness(p, {1, 2});
  const double f = 23.0 / 24.0;
  EXPECT_NEAR(w.objective, (3 - 2 * f) / 2, 1e-9);
  EXPECT_NEAR(rate(p, w, 1), 1 + 0.2 * f, 1e-9);
  EXPECT_GT(rate(p, w, 1), rate(p, a, 1));
  // A job that can run nowhere gets nothing and does not pull the minimum to 0.
  const AllocationProblem q = problem({{1, 3}, {0, 0}}, {1, 1}, {1, 1});
  const Allocation2D b = max_min_fairness(q, {1, 1});
  EXPECT_GT(b.objective, 0);
  EXPECT_EQ(b.x[2] + b.x[3], 0);
}

TEST(GavelAllocation, MakespanBisectsToWithinFivePercent) {
  // One card at 1 step/s; 1000 steps take 1000 s, two such jobs 2000 s.
  const AllocationProblem one = problem({{1}}, {1}, {1});
  const Allocation2D a = min_makespan(one, {1000});
  ASSERT_TRUE(a.solved);
  EXPECT_GE(a.objective, 1000);
  EXPECT_LE(a.objective, 1050);
  const AllocationProblem two = problem({{1}, {1}}, {1, 1}, {1});
  const Allocation2D b = min_makespan(two, {1000, 1000});
  ASSERT_TRUE(b.solved);
  expect_base_constraints(two, b);
  EXPECT_GE(b.objective, 2000);
  EXPECT_LE(b.objective, 2100);
  // Beyond the first range (1e6 s): the range moves up.
  const Allocation2D c = min_makespan(one, {5e6});
  ASSERT_TRUE(c.solved);
  EXPECT_GE(c.objective, 5e6);
  EXPECT_LE(c.objective, 5.25e6);
  // Heterogeneous: the job fast on type 1 goes there, the other fills type 0.
  const AllocationProblem het = problem({{1, 4}, {1, 1}}, {1, 1}, {1, 1});
  const Allocation2D d = min_makespan(het, {4000, 1000});
  ASSERT_TRUE(d.solved);
  EXPECT_LE(d.objective, 1050);
}

TEST(GavelAllocation, FinishTimeFairnessFavoursTheJobThatWaited) {
  // Two identical jobs on one card (1 step/s, 1000 steps left, isolated finish 2000 s): rho = 1.
  const AllocationProblem p = problem({{1}, {1}}, {1, 1}, {1});
  const Allocation2D a = finish_time_fairness(p, {1000, 1000}, {0, 0}, {2000, 2000});
  ASSERT_TRUE(a.solved);
  EXPECT_NEAR(a.objective, 1.0, 2e-3);
  // Job 0 has already spent 1000 s: 1/(2 rho - 1) + 1/(2 rho) = 1 gives rho = (3 + sqrt 5) / 4.
  const Allocation2D b = finish_time_fairness(p, {1000, 1000}, {1000, 0}, {2000, 2000});
  ASSERT_TRUE(b.solved);
  expect_base_constraints(p, b);
  EXPECT_NEAR(b.objective, (3 + std::sqrt(5.0)) / 4, 2e-3);
  EXPECT_GT(b.x[0], b.x[1]);
  EXPECT_THROW(finish_time_fairness(p, {1000}, {0, 0}, {1, 1}), std::invalid_argument);
}

namespace {
// The max-min program written out job by job, without grouping alike jobs: the reference.
double plain_max_min(const AllocationProblem& p) {
  const std::vector<double> prop = proportional_throughput(p);
  LinearProgram lp;
  std::vector<int> col(p.jobs * p.types, -1);
  for (std::size_t i = 0; i < col.size(); ++i) {
    if (p.tput[i] > 0) col[i] = lp.add_var(0, 1, 0);
  }
  const int t = lp.add_var(0, LinearProgram::kInf, 1);
  std::vector<std::pair<int, double>> row;
  for (std::size_t j = 0; j < p.jobs; ++j) {
    row.clear();
    for (std::size_t k = 0; k < p.types; ++k) {
      if (col[j * p.types + k] >= 0) row.emplace_back(col[j * p.types + k], 1.0);
    }
    if (!row.empty()) lp.add_row(row, -LinearProgram::kInf, 1);
    if (!(prop[j] > 0)) continue;
    row.assign(1, {t, 1.0});
    for (std::size_t k = 0; k < p.types; ++k) {
      if (col[j * p.types + k] >= 0)
        row.emplace_back(col[j * p.types + k], -static_cast<double>(p.scale[j]) * p.t(j, k) / prop[j]);
    }
    lp.add_row(row, -LinearProgram::kInf, 0);
  }
  for (std::size_t k = 0; k < p.types; ++k) {
    row.clear();
    for (std::size_t j = 0; j < p.jobs; ++j) {
      if (col[j * p.types + k] >= 0) row.emplace_back(col[j * p.types + k], p.scale[j]);
    }
    if (!row.empty()) lp.add_row(row, -LinearProgram::kInf, p.workers[k]);
  }
  std::vector<double> sol;
  double obj = 0;
  EXPECT_EQ(lp.maximize(sol, obj), LinearProgram::Status::Optimal);
  return obj;
}
}  // namespace

TEST(GavelAllocation, GroupingAlikeJobsKeepsTheMaxMinOptimum) {
  // Random problems drawn from a few job kinds (many duplicates, as on the city), 3-6 types.
  uint64_t seed = 12345;
  auto next = [&]() {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(seed >> 11) / 9007199254740992.0;
  };
  for (int trial = 0; trial < 30; ++trial) {
    const std::size_t types = 3 + static_cast<std::size_t>(next() * 4),
                      kinds = 1 + static_cast<std::size_t>(next() * 5);
    std::vector<std::vector<double>> kind_rows(kinds);
    std::vector<uint32_t> kind_scale(kinds);
    for (std::size_t i = 0; i < kinds; ++i) {
      for (std::size_t k = 0; k < types; ++k) kind_rows[i].push_back(next() < 0.2 ? 0.0 : 0.5 + 4 * next());
      kind_scale[i] = 1u << static_cast<uint32_t>(next() * 3);
    }
    std::vector<std::vector<double>> rows;
    std::vector<uint32_t> scale;
    const std::size_t jobs = 2 + static_cast<std::size_t>(next() * 40);
    for (std::size_t j = 0; j < jobs; ++j) {
      const std::size_t i = static_cast<std::size_t>(next() * static_cast<double>(kinds));
      rows.push_back(kind_rows[i]);
      scale.push_back(kind_scale[i]);
    }
    std::vector<double> workers;
    for (std::size_t k = 0; k < types; ++k) workers.push_back(1 + std::floor(next() * 16));
    const AllocationProblem p = problem(rows, scale, workers);
    const Allocation2D a = max_min_fairness(p, std::vector<double>(jobs, 1.0));
    ASSERT_TRUE(a.solved) << trial;
    expect_base_constraints(p, a);
    const double reference = plain_max_min(p);
    EXPECT_NEAR(a.objective, reference, 1e-7 * std::max(1.0, reference)) << trial;
    // Every job reaches the optimum, and alike jobs get the same row.
    const std::vector<double> prop = proportional_throughput(p);
    for (std::size_t j = 0; j < jobs; ++j) {
      if (prop[j] > 0) {
        EXPECT_GE(p.scale[j] * rate(p, a, j) / prop[j], a.objective - 1e-7) << trial << " job " << j;
      }
      for (std::size_t i = 0; i < j; ++i) {
        if (rows[i] == rows[j] && scale[i] == scale[j]) {
          for (std::size_t k = 0; k < types; ++k) EXPECT_EQ(a.x[i * types + k], a.x[j * types + k]);
        }
      }
    }
  }
}

// The warm-started search (the default) must return the reference search's allocation bit for bit:
// the same rho from the bisection, the same vertex from the fresh program at that rho.
TEST(GavelAllocation, WarmFinishTimeSearchReturnsTheReferenceAllocation) {
  uint64_t seed = 12345;
  const auto next = [&seed]() { return splitmix64(seed); };
  int compared = 0;
  for (int round = 0; round < 60; ++round) {
    AllocationProblem p;
    p.jobs = 20 + next() % 120;
    p.types = 2 + next() % 4;
    for (std::size_t k = 0; k < p.types; ++k) p.workers.push_back(static_cast<double>(8 + next() % 64));
    std::vector<double> remaining, since, isolated;
    for (std::size_t j = 0; j < p.jobs; ++j) {
      for (std::size_t k = 0; k < p.types; ++k)
        p.tput.push_back(next() % 5 == 0 ? 0.0 : 0.5 + static_cast<double>(next() % 1000) / 100.0);
      p.scale.push_back(1u << (next() % 4));
      remaining.push_back(static_cast<double>(next() % 50000));
      since.push_back(static_cast<double>(next() % 20000));
    }
    isolated = isolated_throughput(p);
    for (std::size_t j = 0; j < p.jobs; ++j) isolated[j] = isolated[j] > 0 ? remaining[j] / isolated[j] + 1.0 : 0.0;
    const Allocation2D warm = finish_time_fairness(p, remaining, since, isolated, FinishTimeSearch::Warm);
    const Allocation2D ref = finish_time_fairness(p, remaining, since, isolated, FinishTimeSearch::Reference);
    ASSERT_EQ(warm.solved, ref.solved) << "round " << round;
    ASSERT_EQ(warm.objective, ref.objective) << "round " << round;
    ASSERT_EQ(warm.x, ref.x) << "round " << round;
    if (ref.solved) {
      EXPECT_FALSE(warm.warm_fell_back) << "round " << round << ": the warm verdicts disagreed with a fresh solve";
    }
    compared += ref.solved ? 1 : 0;
  }
  EXPECT_GT(compared, 40);
}
