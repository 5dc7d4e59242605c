#pragma once
// The integer program Sia solves every round (Jayaram Subramanya et al., "Sia: Heterogeneity-aware,
// goodput-optimized ML-cluster scheduling", SOSP'23, section 4; docs/policies.md "Sia").
//
// Each job lists its configurations (chip type, gang size) with its goodput on each. Goodputs are
// normalised per job: the configuration with the lowest goodput gets its own card count (1 for an
// elastic job whose smallest gang is one card, the gang size for a rigid job), the others scale
// with it, so jobs of different speeds weigh alike. A running job's configurations other than its
// current one are multiplied by its re-allocation factor r <= 1 (the restart it would pay). With
// A = clip(G^p) the program picks at most one configuration per job (x binary):
//   p < 0:  minimise  sum_j w_j sum_c (A_jc - lambda) x_jc     (lambda: penalty for no allocation)
//   p > 0:  maximise  sum_j w_j sum_c (A_jc + lambda) x_jc
// subject to sum_c x_jc <= 1 for every job and, for every chip type k, the cards of the chosen
// configurations on k <= capacity_k. p < 0 (Sia's default -0.5) favours the jobs with the least
// goodput, as a fairness knob; lambda > 1 makes any allocation better than none.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace hetsim {

struct SiaConfig {
  uint32_t type = 0;  // index into the capacity vector
  uint32_t cards = 0;
  double goodput = 0;  // steps per second (> 0)
};

struct SiaJobInput {
  std::vector<SiaConfig> configs;
  int current = -1;           // index of the configuration it runs on, -1: not running
  double realloc_factor = 1;  // in (0, 1]: applied to every configuration but `current`
  double weight = 1;
};

struct SiaProgramOptions {
  double p = -0.5;
  double lambda = 1.1;       // penalty for leaving a job without an allocation (> 0)
  double clip = 3000;        // A is clipped to this (Sia's goodput clip)
  double mip_gap = 1e-4;     // relative optimality gap of branch and bound (Sia: 1e-4)
  uint64_t mip_nodes = 200;  // branch-and-bound subproblems at most (0: no limit); then the best found
};

struct SiaSolution {
  std::vector<int> choice;  // per job: configuration index, -1: none
  bool solved = false;      // false: the solver failed; choice keeps running jobs where they are
  double objective = 0;
  double bound = 0;           // the LP relaxation's optimum: objective <= bound
  uint64_t nodes = 0;         // branch-and-bound subproblems explored
  bool node_limited = false;  // stopped at mip_nodes with the best solution found so far
};

// The normalised goodputs G of one job (before the re-allocation factor).
std::vector<double> sia_normalized_goodputs(const SiaJobInput& job);

SiaSolution solve_sia_program(std::span<const SiaJobInput> jobs, std::span<const double> capacity,
                              const SiaProgramOptions& o);

// The pieces both solvers of the program share (this file's and sia_warm_program.hpp's).
// Throws std::invalid_argument for p = 0 or lambda <= 0.
void check_sia_options(const SiaProgramOptions& o);
// The objective coefficient of one configuration: its normalised goodput, discounted by the
// re-allocation factor unless it is the job's current one, to the power p, clipped, against lambda.
double sia_column_gain(const SiaJobInput& job, std::size_t config, double normalized, const SiaProgramOptions& o);
// The program's columns: cols[j][c] the column of job j's configuration c (-1: not in the program:
// no goodput, an unknown type, or more cards than the type has), gains[col] its coefficient.
struct SiaColumns {
  std::vector<std::vector<int>> cols;
  std::vector<double> gains;
};
// An integral solution from a relaxed one x: the jobs x holds whole, then every other job in order
// of its best gain on its best configuration that still fits, then upgrades where cards are left.
// Fills start (one value per column) and returns its objective.
double sia_round_relaxation(std::span<const SiaJobInput> jobs, std::span<const double> capacity,
                            const SiaColumns& columns, std::span<const double> x, std::vector<double>& start);
// Per job the configuration x sets to 1 (> 0.5), -1: none.
std::vector<int> sia_choices(const SiaColumns& columns, std::span<const double> x);

}  // namespace hetsim
