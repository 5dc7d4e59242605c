#pragma once
// ViewPolicy: a policy written against the SchedulingView (scheduling_view.hpp) instead of the
// context. The framework keeps the queue (arrival order; a job requeued after a failure, a reclaim
// or the policy's own preemption comes back at its arrival place), holds the jobs their tenant's
// limits stop, and places declarative starts; the policy only decides, once per pass, in decide().
// The base of the Python policies (python/policy_api.cpp) and of C++ policies that want plain
// arrays: docs/writing-a-policy.md.
#include <string>
#include <vector>

#include "hetsim/policy/policy.hpp"
#include "hetsim/policy/view/scheduling_view.hpp"

namespace hetsim {

class ViewPolicy : public Policy {
 public:
  explicit ViewPolicy(ViewPlacement placement = {}) : placement_(placement) {}
  void on_submit(const SchedulingContext& ctx, JobId id) final { enqueue(ctx, id); }
  void on_end(const SchedulingContext&, JobId id) final { queue_.erase(id); }
  void on_requeue(const SchedulingContext& ctx, JobId id) final { enqueue(ctx, id); }
  void schedule(SchedulingContext& ctx) final;

 protected:
  virtual void decide(SchedulingView& view) = 0;
  const ViewPlacement& placement() const { return placement_; }

 private:
  void enqueue(const SchedulingContext& ctx, JobId id);
  ViewPlacement placement_;
  WaitingColumns queue_;  // waiting jobs, by id: arrival order
};

}  // namespace hetsim
