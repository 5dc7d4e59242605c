#pragma once
// FakeContext: a SchedulingContext without the simulation driver, so a policy can be tested
// alone, one scheduling pass at a time (Batsim's idea: the policy side of the boundary tested on
// its own). The test sets the clock, which jobs wait and which run (with their allocations and
// estimated ends); the policy's start(), preempt() and wake_at() calls are recorded and applied
// to the fake's own copy of the cluster. Deliberately small:
// - estimates are the submitter's, unscaled (estimated_runtime_s = runtime_estimate_s on every
//   chip): give jobs of a test one chip type, or test the scaling through the driver;
// - steps_per_s is 1 on every chip the job allows (set_rate overrides it);
// - start() checks only what Cluster::check checks (cards free) and that the job waits; the
//   driver's other checks (memory, chips, gangs, tenant rules) are the driver tests' business.
// tests/policy/policy_alone_test.cpp shows the use.
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hetsim/policy/policy.hpp"
#include "hetsim/run/simulation_model.hpp"

namespace hetsim::test {

class FakeContext final : public SchedulingContext {
 public:
  // The model must outlive the fake; its cluster is copied.
  explicit FakeContext(const SimulationModel& m)
      : model_(m),
        cluster_(m.cluster),
        state_(m.jobs.size(), State::NotArrived),
        alloc_(m.jobs.size()),
        est_end_(m.jobs.size()),
        start_(m.jobs.size()) {}

  // ---- what the test sets up
  void set_now(SimTime t) { now_ = t; }
  // Job `id` arrives now: it waits, and the policy is told.
  void submit(Policy& p, JobId id) {
    state_.at(id) = State::Pending;
    p.on_submit(*this, id);
  }
  // Job `id` runs on `a` (granted now) until `estimated_end` by its estimate; the policy is not
  // told (it never saw the job), as for a job started before the pass under test.
  void running(JobId id, const Allocation& a, SimTime estimated_end) {
    grant(id, a);
    est_end_[id] = estimated_end;
    running_.insert({estimated_end, id});
  }
  // Running job `id` ends now: its cards are freed and the policy is told.
  void end(Policy& p, JobId id) {
    release(id);
    state_.at(id) = State::Done;
    p.on_end(*this, id);
  }
  void set_rate(JobId id, ChipId chip, double steps_per_s) { rates_[{id, chip}] = steps_per_s; }
  // What the preemption queries answer for job `id` (by default 0 s executed, all work left).
  void set_progress(JobId id, double executed_s, double remaining_fraction) {
    progress_[id] = {executed_s, remaining_fraction};
  }

  // ---- what the policy did
  std::vector<std::pair<JobId, Allocation>> started;
  std::vector<JobId> preempted;
  std::vector<SimTime> wakes;
  std::vector<JobId> started_ids() const {
    std::vector<JobId> ids;
    for (const auto& [id, a] : started) ids.push_back(id);
    return ids;
  }

  // ---- SchedulingContext
  SimTime now() const override { return now_; }
  const Cluster& cluster() const override { return cluster_; }
  const ChipCatalog& chips() const override { return model_.chips; }
  const Topology& topology() const override { return model_.topology; }
  const PerfParams& perf() const override { return model_.perf; }
  const JobRequest& job(JobId id) const override { return model_.jobs.at(id); }
  std::size_t tenant_count() const override { return model_.tenants.size(); }
  uint64_t true_steps(JobId id) const override { return model_.jobs.at(id).steps; }
  bool is_pending(JobId id) const override { return state_.at(id) == State::Pending; }
  const std::set<std::pair<SimTime, JobId>>& running_by_estimated_end() const override { return running_; }
  SimTime estimated_end(JobId id) const override { return est_end_.at(id); }
  const Allocation& allocation_of(JobId id) const override { return alloc_.at(id); }
  double estimated_runtime_s(JobId id, const Allocation&) const override { return job(id).runtime_estimate_s; }
  double estimated_runtime_s(JobId id, const AllocationShape&) const override { return job(id).runtime_estimate_s; }
  double estimated_runtime_floor_s(JobId id, ChipId) const override { return job(id).runtime_estimate_s; }
  uint64_t state_version() const override { return version_; }
  double steps_per_s(JobId id, ChipId chip) const override {
    if (!job(id).chip_allowed(chip)) return 0;
    const auto it = rates_.find({id, chip});
    return it == rates_.end() ? 1.0 : it->second;
  }
  double steps_per_s(JobId id, ChipId chip, uint32_t cards) const override {
    return job(id).gang_size_allowed(cards) ? steps_per_s(id, chip) : 0;
  }
  void start(JobId id, Allocation a) override {
    if (!is_pending(id)) throw PolicyViolation("start(): job " + std::to_string(id) + " is not waiting");
    const std::string why = cluster_.check(a);
    if (!why.empty()) throw PolicyViolation("start(): job " + std::to_string(id) + ": " + why);
    grant(id, a);
    const SimTime end = now_ + SimTime::from_seconds(job(id).runtime_estimate_s);
    est_end_[id] = end;
    running_.insert({end, id});
    started.emplace_back(id, std::move(a));
  }
  void preempt(JobId id) override {
    if (state_.at(id) != State::Running) throw PolicyViolation("preempt(): job is not running");
    release(id);
    state_[id] = State::Pending;
    preempted.push_back(id);
  }
  double executed_s(JobId id) const override {
    const auto it = progress_.find(id);
    return it == progress_.end() ? 0 : it->second.first;
  }
  double remaining_fraction(JobId id) const override {
    const auto it = progress_.find(id);
    return it == progress_.end() ? 1 : it->second.second;
  }
  SimTime run_started(JobId id) const override { return start_.at(id); }
  bool keeps_work_if_preempted(JobId) const override { return true; }
  void wake_at(SimTime t) override {
    if (t <= now_) throw PolicyViolation("wake_at(): not later than now (a pass now is this one)");
    wakes.push_back(t);
  }

 private:
  enum class State : uint8_t { NotArrived, Pending, Running, Done };
  void grant(JobId id, const Allocation& a) {
    cluster_.allocate(a);
    alloc_.at(id) = a;
    start_.at(id) = now_;
    state_.at(id) = State::Running;
    ++version_;
  }
  void release(JobId id) {
    cluster_.release(alloc_.at(id));
    running_.erase({est_end_.at(id), id});
    alloc_[id].clear();
    ++version_;
  }

  const SimulationModel& model_;
  Cluster cluster_;
  std::vector<State> state_;
  std::vector<Allocation> alloc_;
  std::vector<SimTime> est_end_;
  std::vector<SimTime> start_;
  std::set<std::pair<SimTime, JobId>> running_;
  std::map<std::pair<JobId, ChipId>, double> rates_;
  std::map<JobId, std::pair<double, double>> progress_;  // executed_s, remaining_fraction
  SimTime now_ = SimTime::zero();
  uint64_t version_ = 0;
};

}  // namespace hetsim::test
