#pragma once
// Simulation: runs one SimulationModel under one Policy. It owns the mutable cluster state,
// turns the engine's events (arrival, completion, sampling) into calls on the policy and the
// metrics collector, and implements SchedulingContext, validating every decision.
//
// Loop: all events of one timestamp are handled, then the policy's schedule() runs once if
// anything arrived or ended. Arrivals are fed lazily (one pending arrival event at a time), so
// the event queue stays small whatever the workload size.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "hetsim/core/engine.hpp"
#include "hetsim/core/rng.hpp"
#include "hetsim/metrics/collector.hpp"
#include "hetsim/perf/allocation_shape.hpp"
#include "hetsim/policy/policy.hpp"
#include "hetsim/run/data_copies.hpp"
#include "hetsim/run/event_stamps.hpp"
#include "hetsim/run/failure_state.hpp"
#include "hetsim/run/guaranteed_shares.hpp"
#include "hetsim/run/invariants.hpp"
#include "hetsim/run/run_book.hpp"
#include "hetsim/run/simulation_model.hpp"
#include "hetsim/run/tenant_ledger.hpp"

namespace hetsim {

struct RunResult {
  SimTime end_time;
  uint64_t events = 0;
  uint64_t scheduling_passes = 0;
  double wall_s = 0;
};

class Simulation final : public SchedulingContext {
 public:
  // The model must outlive the simulation. The cluster is copied: a model can be run many times.
  Simulation(const SimulationModel& model, Policy& policy, MetricsCollector& metrics);
  // Its parts hold pointers to one another: not copied, not moved.
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;
  RunResult run();

  // SchedulingContext
  SimTime now() const override { return engine_.now(); }
  const Cluster& cluster() const override { return cluster_; }
  const ChipCatalog& chips() const override { return model_.chips; }
  const Topology& topology() const override { return *topology_; }
  const PerfParams& perf() const override { return model_.perf; }
  const JobRequest& job(JobId id) const override { return model_.jobs.at(id); }
  uint64_t true_steps(JobId id) const override;
  bool is_pending(JobId id) const override { return state_.at(id) == State::Pending; }
  const std::set<std::pair<SimTime, JobId>>& running_by_estimated_end() const override { return running_; }
  SimTime estimated_end(JobId id) const override { return est_end_.at(id); }
  const Allocation& allocation_of(JobId id) const override { return alloc_.at(id); }
  double estimated_runtime_s(JobId id, const Allocation& a) const override;
  double estimated_runtime_s(JobId id, const AllocationShape& shape) const override;
  double estimated_runtime_floor_s(JobId id, ChipId chip) const override;
  double steps_per_s(JobId id, ChipId chip) const override;
  double steps_per_s(JobId id, ChipId chip, uint32_t cards) const override;
  double restart_cost_s(JobId id) const override;
  uint64_t state_version() const override { return version_; }
  void start(JobId id, Allocation a) override;
  void preempt(JobId id) override;
  double executed_s(JobId id) const override;
  double remaining_fraction(JobId id) const override;
  SimTime run_started(JobId id) const override;
  bool keeps_work_if_preempted(JobId id) const override;
  void wake_at(SimTime t) override;
  double staging_estimate_s(JobId id, SiteId site) const override;
  int64_t quota_room(TenantId t, ProviderId p) const override;
  bool has_quotas() const override { return tenants_.active(); }
  std::size_t tenant_count() const override { return model_.tenants.size(); }
  double budget_left(TenantId t) const override;
  int64_t reserved_for_others(TenantId t, PoolId p) const override;
  bool has_reservations() const override;
  bool guaranteed(JobId id) const override;
  BatchScorer* batch_scorer() const override { return batch_scorer_; }
  double mixed_efficiency(JobId id, std::span<const ChipCount> mix) const override;
  // Planner calls and cache use of this run's mixed gangs (wall time is not deterministic).
  const MixedEfficiencyStats& mixing_stats() const { return mixing_.stats(); }
  // Optional (--device): not owned, must outlive run().
  void set_batch_scorer(BatchScorer* s) { batch_scorer_ = s; }
  // Optional (--progress): told the simulated time and the events processed at every metrics
  // sample and once at the end; it sees nothing else and changes nothing. Not owned.
  struct ProgressSink {
    virtual ~ProgressSink() = default;
    virtual void at(SimTime now, SimTime horizon, uint64_t events) = 0;
    virtual void finish(SimTime end, uint64_t events) = 0;
  };
  void set_progress(ProgressSink* p) { progress_ = p; }
  // Optional (--device): the mixed planner's candidates on the GPU; not owned, must outlive run().
  void set_plan_evaluator(kernels::CudaPlanEvaluator* e, std::size_t min_batch) { mixing_.set_cuda(e, min_batch); }

  const Cluster& live_cluster() const { return cluster_; }
  // Whether the policy read true job lengths (Policy::oracle): summary.json's "policy_oracle".
  bool policy_is_oracle() const { return policy_.oracle(); }
  // The policy's own counters (Policy::counters): summary.json's "policy_stats". Checked here,
  // before any output is written: a name given twice, an empty name or a value that is not finite
  // is a PolicyViolation.
  std::vector<NamedCounter> policy_counters() const;

  // Invariant checking (sim/run/invariants.hpp): after every decision and completion, and a full
  // recount at every metrics sample and at the end; a failure throws InvariantViolation. On by
  // default in builds without NDEBUG.
  void set_check_invariants(bool on) { check_invariants_ = on; }
  bool check_invariants() const { return check_invariants_; }

 private:
  enum class State : uint8_t { NotArrived, Pending, Running, Done };
  enum EventKind : uint32_t {
    kArrival = 1,
    kCompletion = 2,
    kSample = 3,
    kWake = 4,
    kNodeFail = 5,
    kNodeRepair = 6,
    kOutageStart = 7,
    kOutageEnd = 8,  // scenario `failures:`
    kLinkDown = 9,
    kLinkUp = 10,
    kTransfer = 11,
    kStaged = 12,  // scenario `data_staging:`
    kEventKinds
  };
  // One handler per event kind, registered in the constructor; each returns whether the policy
  // should schedule after the batch (something arrived, ended, failed or was freed).
  using Handler = bool (Simulation::*)(const Event&);
  std::array<Handler, kEventKinds> handlers_{};
  bool on_arrival(const Event& ev);
  bool on_completion(const Event& ev);
  bool on_wake(const Event& ev);
  bool on_node_event(const Event& ev);  // kNodeFail, kNodeRepair
  bool on_outage(const Event& ev);      // kOutageStart, kOutageEnd
  bool on_link(const Event& ev);        // kLinkDown, kLinkUp
  bool on_transfer(const Event& ev);
  bool on_staged(const Event& ev);
  bool on_sample(const Event& ev);
  // Frees running job `id`'s cards and takes it off the running set (a completion or end_run);
  // alloc_[id] is left to the caller.
  void release_run(JobId id);
  [[noreturn]] void violation(JobId id, const std::string& what) const;
  // The checks and the arithmetic of start(): sim/run/simulation.cpp says what each does.
  AllocationShape check_start(JobId id, const Allocation& a, std::vector<ChipCount>& mix) const;
  void check_tenant_rules(JobId id, const Allocation& a, uint32_t cards) const;
  SimTime plan_run(JobId id, double step_s, SimTime now, double& est);
  void submit_arrivals();
  void set_state(JobId id, State s);
  void check_local(JobId started);  // after a start (started != kNoJob) or a completion
  void check_full();
  static void require(const std::string& why);
  // Seconds per step of job `id` on an allocation of chip groups `mix` and shape `shape`: the
  // throughput model for one chip type; for a gang that spans chip types, the mixing efficiency x
  // the share-weighted speeds of the whole gang as each chip (perf/mixed_efficiency.hpp), with the
  // efficiency in `*eta` (0 for one chip type, and when no plan fits, where the step time is
  // infinite).
  double step_time_on(JobId id, std::span<const ChipCount> mix, const AllocationShape& shape, double* eta) const;
  // The submitter's estimate scaled by `step_s` against the reference step time.
  double scaled_estimate_s(JobId id, double step_s) const;
  // The job's current (or last) run segment, for the checkpoint arithmetic.
  Segment segment_of(JobId id) const;
  void require_preemptive(JobId id, const char* what) const;
  // Ends the current run of running job `id` now, keeping `kept_train_s` of its training: its
  // cards are released and its pending completion becomes stale. Returns the allocation it held.
  Allocation end_run(JobId id, double kept_train_s);
  // Failures: nodes go down (one node, or a site at once; their running jobs are killed, their cards held) or come
  // back; a node down for several reasons (its own failure, a site outage) comes back when all have ended.
  void nodes_down(std::span<const NodeId> nodes);
  void nodes_up(std::span<const NodeId> nodes);
  void kill(JobId id);  // by a failure: back to pending, or failed after the retry limit
  // An inter-site link goes down (+1) or comes back (-1): the topology is rebuilt without the
  // links that are down, and running gangs spanning sites left without a path are killed.
  void link_change(uint32_t link, int delta);
  void schedule_failures();
  // Tenant quotas: adds (sign +1) or removes (-1) allocation `a` of job `id` to its tenant's held cards.
  void hold_for_tenant(JobId id, const Allocation& a, int sign);
  // Stops running job `id` as a preemption does (it keeps its work to its last checkpoint, or
  // writes one as it stops) and makes it pending again; `why` tells the metrics which.
  void stop_run(JobId id, MetricsCollector::Stop why);
  // Data staging: starts the copies job `id` needs for allocation `a` (one per site of the gang
  // other than its data site that does not hold its data yet) and returns how many; 0 when it can
  // train at once.
  uint16_t begin_staging(JobId id, const Allocation& a);
  void cancel_staging(JobId id);       // its copies stop (preempted or killed while staging)
  void transfers_finished();           // a kTransfer event: copies whose last bit arrived
  void copy_arrived(const Event& ev);  // a kStaged event: one copy done, latency included
  void schedule_next_transfer();       // one pending kTransfer event, at the network's next finish
  void reroute_transfers();            // after a link change
  // Seconds until the last copy of staging job `id` arrives at current rates (+inf if stalled).
  double staging_in_flight_s(JobId id) const;
  // The node's next failure (kind kNodeFail, after an exponential time of mean mtbf) or repair
  // (kNodeRepair, mttr), when it falls inside the horizon.
  void schedule_node_event(NodeId n, uint32_t kind);

  const SimulationModel& model_;
  Policy& policy_;
  MetricsCollector& metrics_;
  Engine engine_;
  Cluster cluster_;
  std::vector<State> state_;
  std::vector<Allocation> alloc_;
  std::vector<SimTime> est_end_;
  std::set<std::pair<SimTime, JobId>> running_;
  std::set<SimTime> wakes_;  // pending wake_at times
  // Each job's runs (run_book.hpp), kept under a preemptive policy, with failures, staging or
  // guarantees: anything that can stop a run.
  RunBook runs_;
  bool preemptive_ = false;
  // Failures (inactive unless the scenario has some): nodes and links down, the nodes' streams.
  FailureState failures_;
  std::optional<Topology> degraded_;  // the topology while some link is down
  // Tenant quotas, budgets and the cards guarantees count (inactive without any).
  TenantLedger tenants_;
  // Guaranteed shares (guaranteed_shares.hpp): the claims of guaranteed tenants' waiting jobs and
  // the reclaiming before each pass.
  GuaranteedShares guarantees_;
  // Data staging (scenario `data_staging:`): copies in flight and the sites holding jobs' data.
  DataCopies copies_;
  // Stale events (event_stamps.hpp): the runs' own are in runs_; the network's next finish.
  EventStamps network_stamp_{1};
  const Topology* topology_ = nullptr;  // the model's, or degraded_
  std::size_t next_arrival_ = 0;
  uint64_t pending_count_ = 0;
  uint64_t window_left_ = 0;  // jobs of [model.stop_first, stop_last) not yet ended
  uint64_t version_ = 0;
  std::string policy_name_;
  BatchScorer* batch_scorer_ = nullptr;
  ProgressSink* progress_ = nullptr;
  mutable MixedEfficiency mixing_;  // planner cache: decisions depend on it, wall time does not
#ifdef NDEBUG
  bool check_invariants_ = false;
#else
  bool check_invariants_ = true;
#endif
  SimTime last_checked_ = SimTime::zero();
  std::vector<ChipCount> mix_scratch_;      // start()'s chip mix of the allocation
  uint64_t state_count_[4] = {0, 0, 0, 0};  // by State
};

}  // namespace hetsim
