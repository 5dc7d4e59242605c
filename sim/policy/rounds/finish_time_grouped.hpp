#pragma once
// Finish-time fairness on a grouped program: the same bisection on rho and the same optimum as the
// per-job program (allocation.hpp), on a program a few dozen times smaller, so themis keeps up with
// the busy city (docs/policies.md "The grouped program", docs/performance.md "Busy regime").
//
// Why it is exact. With need r at a given rho, job j's allowed rows are
//   P_j = { x >= 0 : sum_k x_k <= 1, sum_k T_jk x_k >= r_j }.
// Capacities and the objective (each job's rate as a share of its best type's) see only the sums
// of x over jobs alike in rates and gang, so what matters of a group is the Minkowski sum of its
// members' P_j. Members whose needs leave the same types fast enough (T_k >= r: the same "cone")
// have polytopes of one combinatorial type, whose vertices are linear in the right-hand side
// (1, r_j); their Minkowski sum is then the polytope with the summed right-hand side (m, sum r).
// So the program with one group of columns per (rates, gang, cone) has the per-job program's
// feasible set of group sums: the same verdicts and the same optimal value.
//
// What differs. The group's optimal sums are split among its members by the same convex
// combination of each member's vertices (disaggregate in finish_time_grouped.cpp), which is one
// optimal allocation; the per-job program's vertex is another where the optimum is not unique.
// The rho found is the same up to the solvers' tolerance at the feasibility boundary. Decisions
// that follow from the allocation can therefore differ from the per-job program's: themis offers
// this program as the parameter program=grouped, never as its default.
#include <vector>

#include "hetsim/policy/rounds/allocation.hpp"

namespace hetsim {

// As finish_time_fairness (allocation.hpp), on the grouped program. lp_solves counts its solves.
Allocation2D finish_time_fairness_grouped(const AllocationProblem& p, const std::vector<double>& steps_remaining,
                                          const std::vector<double>& since_arrival_s,
                                          const std::vector<double>& isolated_finish_s);

// One step of it, exposed for the tests: whether every job can reach need[j] (need <= 0: no
// constraint) at once; with `out` the allocation of highest total rate (each job's rate as a share
// of its best type's) split among the members. Counts its solve in out->lp_solves when given.
bool grouped_feasible(const AllocationProblem& p, const std::vector<double>& need, Allocation2D* out);

}  // namespace hetsim
