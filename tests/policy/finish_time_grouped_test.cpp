// Finish-time fairness on the grouped program (sim/policy/rounds/finish_time_grouped.hpp): the same
// verdicts, rho and optimal value as the per-job program, and an allocation that meets every job's
// own constraints after the group sums are split among the members.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "hetsim/core/rng.hpp"
#include "hetsim/policy/rounds/allocation.hpp"
#include "hetsim/policy/rounds/finish_time_grouped.hpp"

using namespace hetsim;

namespace {

// Problems like the city's: jobs drawn from a few kinds (rates and gang), so groups form, with
// needs spread across the kinds' rates so that a kind splits into several cones.
struct Drawn {
  AllocationProblem p;
  std::vector<double> remaining, since, isolated;
};

Drawn draw(uint64_t& seed, std::size_t kinds) {
  const auto next = [&seed]() { return splitmix64(seed); };
  Drawn d;
  AllocationProblem& p = d.p;
  p.types = 2 + next() % 5;
  p.jobs = 30 + next() % 200;
  for (std::size_t k = 0; k < p.types; ++k) p.workers.push_back(static_cast<double>(8 + next() % 96));
  std::vector<std::vector<double>> rows(kinds);
  std::vector<uint32_t> gangs(kinds);
  for (std::size_t i = 0; i < kinds; ++i) {
    for (std::size_t k = 0; k < p.types; ++k)
      rows[i].push_back(next() % 6 == 0 ? 0.0 : 0.5 + static_cast<double>(next() % 1000) / 100.0);
    rows[i][next() % p.types] = 1.0 + static_cast<double>(next() % 500) / 100.0;  // runs somewhere
    gangs[i] = 1u << (next() % 4);
  }
  for (std::size_t j = 0; j < p.jobs; ++j) {
    const std::size_t i = next() % kinds;
    p.tput.insert(p.tput.end(), rows[i].begin(), rows[i].end());
    p.scale.push_back(gangs[i]);
    d.remaining.push_back(next() % 7 == 0 ? 0.0 : static_cast<double>(next() % 50000));
    d.since.push_back(static_cast<double>(next() % 20000));
  }
  d.isolated = isolated_throughput(p);
  for (std::size_t j = 0; j < p.jobs; ++j)
    d.isolated[j] = d.isolated[j] > 0 ? d.remaining[j] / d.isolated[j] + 1.0 : 0.0;
  return d;
}

double total_rate(const AllocationProblem& p, const Allocation2D& a) {
  double sum = 0;
  for (std::size_t j = 0; j < p.jobs; ++j) {
    double best = 0;
    for (std::size_t k = 0; k < p.types; ++k) best = std::max(best, p.t(j, k));
    for (std::size_t k = 0; k < p.types; ++k) sum += p.t(j, k) / best * a.x[j * p.types + k];
  }
  return sum;
}

}  // namespace

// The cones matter: summing the two jobs of one kind into one group would say feasible (the slow
// type's spare time makes up the fast job's total), but the job needing 1.9 steps/s must spend at
// least 0.9 of its time on the fast type, which has 0.8 cards.
TEST(GroupedFinishTime, JobsOfOneKindWithNeedsInDifferentConesAreNotPooled) {
  AllocationProblem p;
  p.jobs = 2;
  p.types = 2;
  p.tput = {2, 1, 2, 1};
  p.scale = {1, 1};
  p.workers = {0.8, 1};
  EXPECT_FALSE(grouped_feasible(p, {1.9, 0.5}, nullptr));
  p.workers = {1, 1};
  Allocation2D a;
  ASSERT_TRUE(grouped_feasible(p, {1.9, 0.5}, &a));
  EXPECT_GE(2 * a.x[0] + a.x[1], 1.9 - 1e-9);
  EXPECT_GE(2 * a.x[2] + a.x[3], 0.5 - 1e-9);
}

// On random problems with few kinds: the bisection settles on the per-job program's rho (equal, or
// within the solvers' tolerance at the boundary: 2 steps of 1e-3), the allocation at that rho meets
// every job's need with its row summing to at most 1 and every type within its cards, and its total
// rate is the per-job program's optimum.
TEST(GroupedFinishTime, SameRhoAndOptimumAsThePerJobProgramWithEveryJobsConstraintsMet) {
  uint64_t seed = 2026;
  int compared = 0, same_rho = 0;
  for (int round = 0; round < 80; ++round) {
    Drawn d = draw(seed, 2 + static_cast<std::size_t>(round % 9));
    const AllocationProblem& p = d.p;
    const Allocation2D ref = finish_time_fairness(p, d.remaining, d.since, d.isolated, FinishTimeSearch::Reference);
    const Allocation2D grp = finish_time_fairness(p, d.remaining, d.since, d.isolated, FinishTimeSearch::Grouped);
    ASSERT_EQ(grp.solved, ref.solved) << "round " << round;
    if (!ref.solved) continue;
    ++compared;
    EXPECT_NEAR(grp.objective, ref.objective, 2e-3 * ref.objective) << "round " << round;
    EXPECT_FALSE(grp.warm_fell_back) << "round " << round;
    // Every job's own constraints at the grouped rho.
    const double rho = grp.objective;
    for (std::size_t j = 0; j < p.jobs; ++j) {
      double row = 0, rate = 0;
      for (std::size_t k = 0; k < p.types; ++k) {
        const double x = grp.x[j * p.types + k];
        ASSERT_GE(x, 0);
        if (p.t(j, k) == 0) {
          ASSERT_EQ(x, 0);
        }
        row += x;
        rate += p.t(j, k) * x;
      }
      EXPECT_LE(row, 1 + 1e-7) << "round " << round << " job " << j;
      if (d.remaining[j] > 0 && d.isolated[j] > 0) {
        const double need = d.remaining[j] / (rho * d.isolated[j] - d.since[j]);
        EXPECT_GE(rate, need * (1 - 1e-6) - 1e-9) << "round " << round << " job " << j;
      }
    }
    for (std::size_t k = 0; k < p.types; ++k) {
      double used = 0;
      for (std::size_t j = 0; j < p.jobs; ++j) used += p.scale[j] * grp.x[j * p.types + k];
      EXPECT_LE(used, p.workers[k] * (1 + 1e-7) + 1e-7) << "round " << round << " type " << k;
    }
    if (grp.objective == ref.objective) {
      ++same_rho;
      EXPECT_NEAR(total_rate(p, grp), total_rate(p, ref), 1e-6 * std::max(1.0, total_rate(p, ref)))
          << "round " << round;
    }
  }
  EXPECT_GT(compared, 60);
  EXPECT_GT(same_rho, compared * 9 / 10);
}

// The grouped program is smaller only where jobs are alike; with every job its own kind it is the
// per-job program itself (one member per group), and gives the same rho.
TEST(GroupedFinishTime, WithEveryJobItsOwnKindTheRhoIsThePerJobProgramsToo) {
  uint64_t seed = 77;
  for (int round = 0; round < 20; ++round) {
    Drawn d = draw(seed, 400);
    const Allocation2D ref = finish_time_fairness(d.p, d.remaining, d.since, d.isolated, FinishTimeSearch::Reference);
    const Allocation2D grp = finish_time_fairness(d.p, d.remaining, d.since, d.isolated, FinishTimeSearch::Grouped);
    ASSERT_EQ(grp.solved, ref.solved);
    if (ref.solved) {
      EXPECT_NEAR(grp.objective, ref.objective, 2e-3 * ref.objective) << "round " << round;
    }
  }
}
