#pragma once
// The FGD paper's experiment (Weng et al., USENIX ATC 2023, section 6; docs/validation.md): tasks
// drawn from a trace with replacement until their GPU request reaches `inflation_pct` % of the
// cluster's GPUs, submitted one at a time to a GPU-sharing placement, never departing. At each
// integer percentage of arrived GPU demand the run records the share of cluster GPUs allocated and
// the share fragmented (F(cluster) against the target workload M, docs/fgd.md).
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "hetsim/core/rng.hpp"
#include "hetsim/policy/sharing/fragmentation.hpp"
#include "hetsim/policy/sharing/sharing_policies.hpp"
#include "hetsim/replay/sharing_trace.hpp"

namespace hetsim {

// How the tasks of a run arrive. Draws: drawn from the pod list with replacement until their GPU
// request reaches inflation_pct % of the cluster (the paper's text). Reference: as the paper's
// simulator builds them (its --shuffle-pod and -tune options): the pod list in file order,
// shuffled; then, below the target, clones of pods drawn with replacement from the unshuffled list
// appended until one would take the request past it (its rule compares the clone's per-GPU share,
// so a multi-GPU clone may overshoot; CPU-only clones are always appended), or, above the target,
// random pods removed until the request is at most the target.
enum class FgdArrivals : uint8_t { Draws, Reference };
// How the curve is read. Crossing: the state when the arrived request first reaches each integer
// percentage. Reference: as the paper's analysis scripts read it, the mean over every arrival
// whose arrived percentage rounds (half to even) to k, of the allocated and fragmented shares; a k
// no arrival rounds to takes the mean over those within k-1..k+1.
enum class FgdReading : uint8_t { Crossing, Reference };

struct FgdExperimentConfig {
  int inflation_pct = 130;  // stop once the arrived GPU request reaches this share of the cluster
  // Tie-break rule and score resolution (defaults: lowest id, exact). With NodePermutation and no
  // node_rank, the run draws the permutation from its seed's stream "fgd.node-order".
  SharingOptions placement;
  FgdArrivals arrivals = FgdArrivals::Draws;
  FgdReading reading = FgdReading::Crossing;
};

// A permutation of 0..n-1 (rank per node id) drawn from `rng`: Fisher-Yates from the top.
std::vector<uint32_t> random_node_ranks(std::size_t n, Rng& rng);

struct FgdCurvePoint {
  int arrived_pct = 0;
  double allocated_pct = 0;   // GPU share allocated, % of cluster GPUs
  double fragmented_pct = 0;  // F(cluster) / cluster GPUs, %
  bool operator==(const FgdCurvePoint&) const = default;
};

// One arrival as the reference analysis reads it: the arrived share of the cluster's GPUs in
// percent, rounded half to even; the allocated share in percent, rounded to 2 decimals; the
// fragmented share in percent.
struct FgdEvent {
  double arrived_bucket = 0, allocated_pct = 0, fragmented_pct = 0;
};
// FgdReading::Reference over a run's arrivals: for k = 0..inflation_pct the mean over the events
// of bucket k, else over those of buckets k-1..k+1, else (past the last arrival) the previous
// point's values; `initial_fragmented_pct` for a k before any event.
std::vector<FgdCurvePoint> reference_curve(std::span<const FgdEvent> events, int inflation_pct,
                                           double initial_fragmented_pct);

// The task sequence of FgdArrivals::Reference (indices into trace.tasks), from `rng`: shuffle,
// then tune up or down to inflation_pct % of the cluster's GPUs. Throws std::runtime_error past
// kMaxFgdArrivalDraws clones (fgd_arrivals_problem refuses such traces first).
std::vector<uint32_t> reference_arrivals(const SharingTrace& trace, int inflation_pct, Rng& rng);

// A run draws tasks until their GPU request reaches inflation_pct % of the cluster's GPUs; the
// number of draws this takes depends on the trace alone (capacity x inflation / mean GPU request
// per task), so a pod list of CPU-only tasks would never stop and one of 1-milli-GPU tasks would
// draw millions. A run refuses a trace expected to need more than half this many draws (the other
// half is room for chance), and stops with an error should a run reach it anyway.
inline constexpr uint64_t kMaxFgdArrivalDraws = 10'000'000;

// Why the arrivals of one run cannot reach inflation_pct % of the trace's GPUs within the cap
// above, in words ("" when they can): no GPU request in the pod list, or too small a mean request.
// `validate` and `run` both ask it, so validate refuses what run would not finish.
std::string fgd_arrivals_problem(const SharingTrace& trace, int inflation_pct);

struct FgdRunResult {
  std::string policy;
  uint64_t seed = 0;
  std::vector<FgdCurvePoint> curve;  // arrived_pct 0, 1, ..., inflation_pct, each once
  uint64_t tasks_arrived = 0, tasks_placed = 0;
  uint64_t gpu_tasks_arrived = 0, gpu_tasks_placed = 0;
  int64_t gpu_milli_arrived = 0, gpu_milli_allocated = 0;
  bool operator==(const FgdRunResult&) const = default;
};

// One experiment. Draws come from the seed's stream "fgd.draws", the policy's random choices
// (random-fit, random tie-breaks) from "fgd.policy", so every policy of one seed sees the same
// task sequence. A step that crosses
// several integer percentages (a large task on a small cluster) records the state after it for
// each of them. Throws std::invalid_argument for an unknown policy, an empty trace or a cluster
// without GPUs, inflation_pct outside 1..1000, or arrivals fgd_arrivals_problem refuses.
FgdRunResult run_fgd_experiment(const SharingTrace& trace, std::span<const TaskType> target_workload,
                                const std::string& policy, uint64_t seed, const FgdExperimentConfig& cfg = {});

// Every (policy, seed) pair, run in parallel with OpenMP (dynamic schedule, one run per thread at a
// time). The result is ordered policy-major in the order given, then seeds in the order given, and
// is identical for any thread count. `on_run_done`, when given, is called after each run (one
// call at a time, from the worker threads) with the number of runs finished: a progress line.
std::vector<FgdRunResult> run_fgd_grid(const SharingTrace& trace, std::span<const TaskType> target_workload,
                                       std::span<const std::string> policies, std::span<const uint64_t> seeds,
                                       const FgdExperimentConfig& cfg = {},
                                       const std::function<void(std::size_t runs_done)>& on_run_done = {});

// DIR/fgd_curve.csv: policy,seed,arrived_pct,allocated_pct,fragmented_pct,unallocated_pct
// (percentages with 4 decimals; unallocated = 100 - allocated), one row per curve point.
std::string fgd_curve_csv(std::span<const FgdRunResult> runs);
// DIR/fgd_runs.csv: one row per run with its task and GPU counts.
std::string fgd_runs_csv(std::span<const FgdRunResult> runs);

// Per policy (in first-appearance order): mean and sample standard deviation over seeds of a
// curve's value at `arrived_pct` (runs lacking that point are skipped).
struct FgdPolicySummary {
  std::string policy;
  int runs = 0;
  double unallocated_mean = 0, unallocated_sd = 0;
  double fragmented_mean = 0, fragmented_sd = 0;
};
std::vector<FgdPolicySummary> summarise_at(std::span<const FgdRunResult> runs, int arrived_pct);
std::string fgd_summary_csv(std::span<const FgdPolicySummary> rows, int arrived_pct);

}  // namespace hetsim
