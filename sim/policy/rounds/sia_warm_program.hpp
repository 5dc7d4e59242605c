#pragma once
// Sia's program solved by its LP relaxation kept warm between rounds, then rounded: the solver of
// `sia:solver=warm-relaxation` (docs/policies.md "Sia", "The warm relaxation").
//
// The reference solver (solve_sia_program) builds the program afresh every round, solves its
// relaxation with GLPK from the standard basis and runs branch and bound from a rounded start.
// Between two rounds the program hardly changes: a few jobs enter or leave, running jobs' restart
// discounts drift with their age, capacities move by the cards that were freed. This solver keeps
// one problem and its basis across rounds (COIN-OR Clp, whose dual simplex restarts from a kept
// basis after rows and columns are deleted and added): jobs that left lose their row and columns,
// new jobs are appended with their slack basic, every column's coefficient and bound is set to this
// round's, and the simplex restarts from the last optimal basis, tens of pivots instead of one per
// job. It then rounds the relaxation with the reference's own rounding (sia_round_relaxation) and
// stops there: no branch and bound. The relaxation is the same program's, but where it has
// several optima the vertex may differ from a fresh GLPK solve's, and the rounded answer is not
// branch and bound's: decisions differ from `solver=mip`. SiaSolution::bound against ::objective
// says how far each round's answer is below the relaxation's optimum.
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "hetsim/model/ids.hpp"
#include "hetsim/policy/rounds/sia_program.hpp"

class ClpSimplex;

namespace hetsim {

class SiaWarmProgram {
 public:
  SiaWarmProgram();
  ~SiaWarmProgram();
  SiaWarmProgram(const SiaWarmProgram&) = delete;
  SiaWarmProgram& operator=(const SiaWarmProgram&) = delete;

  // keys[j]: job j's id, its identity across rounds. A key whose configurations'
  // types or gang sizes differ from those it entered with (their number, order or values) is
  // taken as a new job; goodputs are read when a key enters and must not change under it. Same
  // answer shape as solve_sia_program; nodes is always 0.
  SiaSolution solve(std::span<const JobId> keys, std::span<const SiaJobInput> jobs, std::span<const double> capacity,
                    const SiaProgramOptions& o);

  struct Stats {
    uint64_t solves = 0;
    uint64_t cold_starts = 0;  // solves that fell back to the slack basis (the kept one failed)
    uint64_t failures = 0;     // solves that failed from the slack basis too
    uint64_t iterations = 0;   // simplex iterations, all solves
  };
  const Stats& stats() const { return stats_; }
  int rows() const;
  int columns() const;

 private:
  struct Entry {
    JobId key = 0;
    uint32_t configs = 0;
    // What its gains were computed for (a waiting job's never change; a running job's drift).
    int current = -2;
    double realloc_factor = 0, weight = 0;
  };
  struct Column {
    double normalized = 0;   // the normalised goodput, computed when the job entered
    double gain = 0;         // its coefficient as last computed
    double obj = 0, hi = 0;  // the coefficient and upper bound the LP holds (0, 0 while unusable)
    uint32_t type = 0;       // its capacity row (types_: none)
    uint32_t cards = 0;      // with type: the configuration the column was built for
  };
  void reset(std::size_t types);
  // Removes the entries not kept (keep is indexed like entries_) and guesses slacks for the
  // basic variables they took.
  void drop(const std::vector<bool>& keep);
  int solve_lp(bool cold);  // 0: optimal

  std::unique_ptr<ClpSimplex> lp_;
  std::size_t types_ = 0;                              // capacity rows 0..types_-1; job rows follow, in entries_ order
  std::vector<Entry> entries_;                         // jobs in row order; their columns are contiguous, in this order
  std::vector<Column> columns_;                        // in LP order
  SiaProgramOptions gains_for_;                        // the options the kept gains were computed with
  std::vector<std::pair<JobId, std::size_t>> by_key_;  // this round's (key, job), by key
  Stats stats_;
};

}  // namespace hetsim
