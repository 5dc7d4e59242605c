#pragma once
// Sia: heterogeneity-aware, goodput-optimised scheduling of elastic jobs (Jayaram Subramanya et
// al., SOSP'23; docs/policies.md "Sia").
//
// Every `round` seconds the policy lists each active job's configurations: for each chip type it
// may use, the gang sizes of Sia's configuration set (1, 2, 4, ... cards up to a server, then whole
// servers: 1 to 8 servers, then doubling) within the job's [min_cards, max_cards] and the largest
// gang the type can hold; a rigid job has one per type, its own size. The goodput of each is the
// job's steps per second there (SchedulingContext::steps_per_s; the global batch is fixed, so
// goodput is throughput). The integer program of sia_program.hpp picks one configuration per job
// or none; running jobs whose choice changed (type or size) are stopped, those keeping it keep
// their cards, and the chosen jobs start, larger gangs first. A running job's other configurations
// are discounted by Pollux's re-allocation factor (age - restarts x penalty) / (age + penalty),
// 1 while the job is younger than the penalty (waiting jobs are not discounted); the penalty is the job's restart cost
// (SchedulingContext::restart_cost_s) unless `restart_penalty` sets one.
//
// Cards freed within a round stay idle until the next round, which starts after `round` seconds or
// at once when nothing runs. aware = false is Sia without heterogeneity (the baseline the paper
// compares against): every type is believed as fast as the mean of the job's types at that gang
// size, so the program sizes jobs but picks types blindly (types enter it in a fresh random order each round).
#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/policy.hpp"
#include "hetsim/policy/rounds/round_clock.hpp"
#include "hetsim/policy/rounds/sia_program.hpp"
#include "hetsim/policy/rounds/sia_warm_program.hpp"

namespace hetsim {

class SiaPolicy : public Policy {
 public:
  // Mip: Sia's program afresh each round, branch and bound (sia_program.hpp). WarmRelaxation: its
  // relaxation kept warm across rounds and rounded (sia_warm_program.hpp; other decisions).
  enum class Solver : uint8_t { Mip, WarmRelaxation };
  struct Options {
    SimTime round = SimTime::from_s(60);
    SiaProgramOptions program;
    double restart_penalty_s = 0;  // 0: the job's restart cost from the checkpoint model
    bool aware = true;
    uint32_t max_jobs = 1000;  // jobs in the program, by arrival; later ones wait
    PlacementScore placement = PlacementScore::BestFit;
    GangPlacement gangs = GangPlacement::Pool;
    Solver solver = Solver::Mip;
  };
  explicit SiaPolicy(Options o);
  std::string name() const override;
  bool preemptive() const override { return true; }
  void on_submit(const SchedulingContext& ctx, JobId id) override;
  void on_end(const SchedulingContext& ctx, JobId id) override;
  void on_requeue(const SchedulingContext& ctx, JobId id) override;
  void schedule(SchedulingContext& ctx) override;

  struct Stats {
    uint64_t rounds = 0, solves = 0, unsolved = 0, placement_misses = 0, resizes = 0;
    double objective = 0, bound = 0;  // summed over the solved rounds: how far answers are from the relaxation
    uint64_t searches = 0;            // rounds that ran branch and bound (Solver::Mip)
    uint64_t nodes = 0;               // its subproblems, all rounds
    uint64_t node_limited = 0;        // searches stopped at mip_nodes
  };
  const Stats& stats() const { return stats_; }
  // Stats (and under Solver::WarmRelaxation the warm solver's) for summary.json's "policy_stats".
  std::vector<NamedCounter> counters() const override;
  // The warm solver's counters; nullptr under Solver::Mip.
  const SiaWarmProgram* warm_program() const { return warm_.get(); }

 private:
  struct JobState {
    std::vector<SiaConfig> configs;   // computed once, at the first round that sees the job
    std::vector<SiaConfig> believed;  // the same with the goodputs the program is told
    int current = -1;                 // configuration index while running
    uint32_t restarts = 0;
    uint32_t last_cards = 0;  // gang size of its last run
    bool known = false;
  };
  void init_types(const SchedulingContext& ctx);
  JobState& state(JobId id);
  void describe(const SchedulingContext& ctx, JobId id, JobState& s) const;
  void run_round(SchedulingContext& ctx);
  // Places job `id` on configuration `config` into scratch_; false when it does not fit now.
  bool place(const SchedulingContext& ctx, JobId id, int config);

  Options o_;
  Stats stats_;
  bool types_ready_ = false;
  std::vector<ChipId> types_;       // chip types with cards
  std::vector<uint32_t> max_gang_;  // per type: the largest gang one placement can give
  std::vector<uint32_t> per_node_;  // per type: cards per node of that largest pool
  std::vector<JobState> jobs_;
  std::set<JobId> active_;  // pending or running, by id (= arrival order)
  std::set<JobId> running_;
  RoundClock clock_;
  Allocation scratch_;
  std::unique_ptr<SiaWarmProgram> warm_;
  std::vector<SiaJobInput> input_;               // run_round's program input, reused
  std::vector<std::vector<std::size_t>> order_;  // run_round's config order per job, reused
};

// Sia's gang sizes up to `max_cards` on servers of `per_server` cards: powers of two up to a
// server, whole servers 1..8, then doubling; ascending.
std::vector<uint32_t> sia_gang_sizes(uint32_t per_server, uint32_t max_cards);

}  // namespace hetsim
