#include "hetsim/policy/view/view_policy.hpp"

namespace hetsim {

void ViewPolicy::schedule(SchedulingContext& ctx) {
  order_.assign(queue_.begin(), queue_.end());
  SchedulingView view(ctx, order_, placement_, preemptive());
  decide(view);
  for (JobId id : view.started()) queue_.erase(id);
  // The driver tells a policy of its own preemptions through nothing but its own call.
  for (JobId id : view.preempted()) queue_.insert(id);
}

}  // namespace hetsim
