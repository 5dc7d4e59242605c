#pragma once
// The allocation problems of Gavel (Narayanan et al., OSDI'20; docs/policies.md "Gavel"): given a
// throughput matrix T (jobs x chip types, steps/s), each job's scale factor s (cards) and the cards
// n_k of each type, find X, the share of time each job should spend on each type, subject to
//   X >= 0,   sum_k X[j][k] <= 1 (per job),   sum_j s_j X[j][k] <= n_k (per type).
// Effective throughput of job j under X: sum_k T[j][k] X[j][k]. Pure functions: no policy state.
#include <cstdint>
#include <vector>

namespace hetsim {

struct AllocationProblem {
  std::size_t jobs = 0, types = 0;
  std::vector<double> tput;     // [j * types + k], steps/s; 0: job j cannot run on type k
  std::vector<uint32_t> scale;  // per job, cards
  std::vector<double> workers;  // per type, cards
  double& t(std::size_t j, std::size_t k) { return tput[j * types + k]; }
  double t(std::size_t j, std::size_t k) const { return tput[j * types + k]; }
};

struct Allocation2D {
  std::vector<double> x;  // [j * types + k], clipped to [0, 1]
  bool solved = false;    // false: no solution (x all zero)
  int lp_solves = 0;
  bool warm_fell_back = false;  // finish-time fairness: the warm or grouped search could not answer, the reference ran
  double objective = 0;         // the policy's own figure: min normalised rate, makespan s, or max rho
};

// Gavel's proportional share: X[j][k] = n_k / sum(n), whatever the job. Its throughput normalises
// max-min fairness.
std::vector<double> proportional_throughput(const AllocationProblem& p);

// Gavel's isolated share (its isolated.py): X[j][k] = n_k / (m * s_j), the row scaled down to sum
// to at most 1, m the number of jobs: a 1/m share of the cluster. Finish-time fairness' yardstick.
std::vector<double> isolated_throughput(const AllocationProblem& p);

// Max-min fairness (Gavel's LAS): maximise min_j  s_j / w_j * sum_k T X / proportional_j.
// `weights` per job (> 0), 1 for all by default. Jobs with proportional throughput 0 get nothing.
Allocation2D max_min_fairness(const AllocationProblem& p, const std::vector<double>& weights);

// Makespan (Gavel's min_total_duration): the smallest M such that every job can finish its
// `steps_remaining` within M, sum_k T X >= remaining / M; bisection on M as Gavel's (from
// [100 s, 1e6 s] while max > 1.05 min, moving the range up tenfold while infeasible). Of the
// allocations meeting the bound found, one of highest total rate (each job's as a share of its
// best type's): Gavel's feasibility program has no objective, so its solver's pick is arbitrary.
Allocation2D min_makespan(const AllocationProblem& p, const std::vector<double>& steps_remaining);

// Finish-time fairness (Themis' rho, as Gavel's finish_time_fairness policy states it): minimise
// max_j rho_j, rho_j = (since_arrival_j + remaining_j / sum_k T X) / isolated_finish_j, where
// isolated_finish_j is the job's finish time on its isolated share. Bisection on rho (relative
// precision 1e-3); each step is a feasibility LP, and of the allocations reaching the best rho it
// returns one of highest total rate (each job's as a share of its best type's), where Gavel's
// convex solver returns an interior optimum.
//
// Search: Reference solves a fresh program at every step. Warm (the default) decides the steps
// from one program kept warm in GLPK (linear_program.hpp WarmSimplex) and solves a fresh program
// only at the rho they settle on, so it returns the reference's allocation (tests/policy/
// allocation_test.cpp); if that fresh program disagrees with the warm verdict (a rho within the
// solver's tolerance of the boundary), it falls back to the reference search. Grouped runs the
// same bisection on a program with one group of columns per kind of job (finish_time_grouped.hpp):
// the same verdicts and optimal value, a few dozen times faster on the city, but another optimal
// allocation where the optimum is not unique, so not the reference's allocation bit for bit.
enum class FinishTimeSearch : uint8_t { Warm, Reference, Grouped };
Allocation2D finish_time_fairness(const AllocationProblem& p, const std::vector<double>& steps_remaining,
                                  const std::vector<double>& since_arrival_s,
                                  const std::vector<double>& isolated_finish_s,
                                  FinishTimeSearch search = FinishTimeSearch::Warm);

}  // namespace hetsim
