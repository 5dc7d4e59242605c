#include "hetsim/policy/ordering/queue_policy.hpp"

#include <cmath>

#include "hetsim/policy/placement/context_input.hpp"

namespace hetsim {

std::string StrictQueuePolicy::name() const {
  return std::string(order_ == Order::Fifo ? "fifo" : "sjf") + "[" + placement_name(placement_) +
         (mix_.enabled ? ",mix" : "") + (gangs_ == GangPlacement::Topology ? ",topology" : "") + data_.name_suffix() +
         "]";
}

QueueKey StrictQueuePolicy::key(const JobRequest& j) const {
  if (order_ == Order::Fifo) return queue_key(j, j.arrival.us());
  // Estimate in microseconds; ties fall back to the id, which follows arrival order.
  return queue_key(j, static_cast<int64_t>(std::llround(std::min(j.runtime_estimate_s, SimTime::kMaxSeconds) * 1e6)));
}

void StrictQueuePolicy::on_submit(const SchedulingContext& ctx, JobId id) { queue_.insert(key(ctx.job(id))); }

void StrictQueuePolicy::schedule(SchedulingContext& ctx) {
  for (auto it = queue_.begin(); it != queue_.end();) {
    const JobId head = it->id;
    // Over its tenant's quota: held, the next job is the head.
    if (tenant_held(ctx, ctx.job(head))) {
      ++it;
      continue;
    }
    // Nothing was released since the head last failed: it still cannot fit.
    if (blocked_version_ == ctx.state_version() && blocked_head_ == head) return;
    if (!find_placement_for_data(ctx, ctx.job(head), data_, placement_, {}, scratch_, gangs_) &&
        !place_mixed(ctx, head, mix_, {}, scratch_)) {
      blocked_version_ = ctx.state_version();
      blocked_head_ = head;
      return;
    }
    it = queue_.erase(it);
    ctx.start(head, scratch_);
  }
}

}  // namespace hetsim
