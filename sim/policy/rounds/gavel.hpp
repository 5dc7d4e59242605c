#pragma once
// Gavel: heterogeneity-aware round-based scheduling (Narayanan et al., "Heterogeneity-Aware
// Cluster Scheduling Policies for Deep Learning Workloads", OSDI'20; docs/policies.md "Gavel").
//
// An objective (allocation.hpp) turns the throughput matrix of the active jobs (steps/s of each
// job on each chip type, SchedulingContext::steps_per_s) into X, the share of time each job should
// spend on each type. The round-based mechanism then realises X: every `round` seconds each job j
// gets priority X[j][k] / (its share of the time type k has given out so far) on each type k, and
// the types, fastest first, are filled with the jobs of highest priority (ties: deficit, X, id),
// each job on one type at most and only while the type has cards for its whole gang. Runs that
// keep their type keep their cards; others are preempted, and the chosen jobs start on their type.
// Cards freed within a round stay idle until the next round, which starts after `round` seconds
// or as soon as nothing runs.
//
// X is recomputed when jobs arrived or ended, at most every `reset_interval` seconds (Gavel's
// minimum time between allocation resets); a reset also restarts every job's time-so-far at half a
// round. Jobs that arrived after the last recompute have no share (priority 0) but may take cards
// nobody with a share wants, except under fifo.
//
// aware = false gives the heterogeneity-agnostic policy Gavel compares against: max-min fairness
// with every type equally fast (equal time shares), makespan and finish-time fairness believing
// every type as fast as the job's best one, fifo choosing a type at random; the types are then
// visited in a random order each round.
#include <cstdint>
#include <set>
#include <vector>

#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/policy.hpp"
#include "hetsim/policy/rounds/active_jobs.hpp"
#include "hetsim/policy/rounds/allocation.hpp"
#include "hetsim/policy/rounds/round_clock.hpp"

namespace hetsim {

class GavelPolicy : public Policy {
 public:
  enum class Objective : uint8_t { MaxMin, Makespan, Fifo, FinishTime };
  struct Options {
    Objective objective = Objective::MaxMin;
    bool aware = true;
    // Agnostic fifo's type for a new job: a random one with room (what Gavel's FIFOPolicy means
    // to do), or, with last_type, the type whose name sorts last among those with room (what its
    // code does: a leftover loop variable over its sorted worker types; V100 first on Gavel's
    // cluster). docs/validation.md compares the two.
    bool agnostic_fifo_last_type = false;
    SimTime round = SimTime::from_s(360);
    SimTime reset_interval = SimTime::from_s(1920);
    uint32_t max_jobs = 1000;  // jobs in the program, by arrival; later ones have no share
    // Finish-time fairness' program: per job (Warm, the reference's allocation) or grouped by kind
    // of job (themis' program=grouped: same rho and optimum, another allocation; allocation.hpp).
    FinishTimeSearch finish_time_search = FinishTimeSearch::Warm;
    PlacementScore placement = PlacementScore::BestFit;
    GangPlacement gangs = GangPlacement::Pool;
    std::string label;  // the registry name (gavel, themis)
  };
  explicit GavelPolicy(Options o) : o_(std::move(o)) {}
  std::string name() const override;
  bool preemptive() const override { return true; }
  // The makespan and finish-time objectives weigh each job's true remaining steps.
  bool oracle() const override { return o_.objective == Objective::Makespan || o_.objective == Objective::FinishTime; }
  void on_submit(const SchedulingContext& ctx, JobId id) override;
  void on_end(const SchedulingContext& ctx, JobId id) override;
  void on_requeue(const SchedulingContext& ctx, JobId id) override;
  void schedule(SchedulingContext& ctx) override;

  // Counters for tests and reports.
  struct Stats {
    uint64_t rounds = 0, recomputes = 0, lp_solves = 0, unsolved = 0, placement_misses = 0;
    uint64_t warm_fallbacks = 0;  // finish-time searches the reference answered instead (warm or grouped)
  };
  const Stats& stats() const { return stats_; }
  std::vector<NamedCounter> counters() const override;
  // The allocation row of a job (one value per chip type in types()), empty without a share.
  std::vector<double> allocation_of(JobId id) const;
  const std::vector<ChipId>& types() const { return types_; }

 private:
  struct JobState {
    std::vector<double> x;            // share per type index (empty: none)
    std::vector<double> time_so_far;  // seconds per type index since the last reset
    double deficit = 0;
    int running_type = -1;       // type index while running
    SimTime accounted;           // running: time counted up to here
    double cum_isolated_s = 0;   // finish-time fairness: isolated time of the work done
    double last_remaining = -1;  // steps remaining at the last recompute
    double last_isolated_rate = 0;
    bool known = false;
  };
  void init_types(const SchedulingContext& ctx);
  JobState& state(JobId id);
  void add_active(JobId id);
  void account(const SchedulingContext& ctx, JobId id);
  void recompute(const SchedulingContext& ctx);
  // recompute()'s parts (sim/policy/rounds/gavel.cpp).
  void reset_time_so_far(SimTime now);
  AllocationProblem build_problem(const SchedulingContext& ctx, std::vector<JobId>& ids,
                                  std::vector<double>& real) const;
  Allocation2D finish_time_allocation(const SchedulingContext& ctx, const AllocationProblem& p,
                                      const std::vector<JobId>& ids, const std::vector<double>& remaining);
  Allocation2D fifo_allocation(const SchedulingContext& ctx, const AllocationProblem& p, const std::vector<JobId>& ids,
                               const std::vector<double>& real);
  void run_round(SchedulingContext& ctx);
  double rate(const SchedulingContext& ctx, JobId id, std::size_t k) const;

  Options o_;
  Stats stats_;
  bool types_ready_ = false;
  std::vector<ChipId> types_;        // chip types with cards, fastest first
  std::vector<double> workers_;      // cards per type
  std::vector<double> worker_time_;  // per type: sum of the active jobs' time_so_far
  std::vector<JobState> jobs_;
  ActiveJobs active_;  // pending or running, by id (= arrival order)
  std::set<JobId> running_;
  bool need_recompute_ = false;
  bool ever_reset_ = false;
  SimTime last_reset_;
  RoundClock clock_;
  Allocation scratch_;
  // run_round's buffers: each job's type this round (-1 between rounds), and the stamp of the last
  // type on which a job with a share or a deficit had the plain key (0, 0, 0).
  std::vector<int> assigned_;
  std::vector<uint64_t> plain_mark_;
  uint64_t plain_stamp_ = 0;
};

}  // namespace hetsim
