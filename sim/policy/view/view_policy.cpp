#include "hetsim/policy/view/view_policy.hpp"

#include "hetsim/policy/placement/placement.hpp"

namespace hetsim {

void ViewPolicy::enqueue(const SchedulingContext& ctx, JobId id) {
  const JobRequest& j = ctx.job(id);
  queue_.insert(j, usable_chip_mask(j, ctx.chips(), ctx.perf()));
}

void ViewPolicy::schedule(SchedulingContext& ctx) {
  std::vector<JobId> started, preempted;
  {
    SchedulingView view(ctx, queue_, placement_, preemptive());
    decide(view);
    started = view.started();
    preempted = view.preempted();
  }
  for (JobId id : started) queue_.erase(id);
  // The driver tells a policy of its own preemptions through nothing but its own call.
  for (JobId id : preempted) enqueue(ctx, id);
}

}  // namespace hetsim
