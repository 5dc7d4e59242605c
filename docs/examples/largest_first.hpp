#pragma once
// largest-first: the waiting job that needs the most cards starts first, on the first nodes that
// fit it; a job that does not fit now waits without blocking the smaller ones behind it.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "hetsim/policy/placement/context_input.hpp"
#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/policy.hpp"

namespace hetsim {

class LargestFirstPolicy final : public Policy {
 public:
  std::string name() const override { return "largest-first"; }
  void on_submit(const SchedulingContext&, JobId id) override { waiting_.insert(id); }
  void on_end(const SchedulingContext&, JobId id) override { waiting_.erase(id); }
  void schedule(SchedulingContext& ctx) override {
    std::vector<JobId> order(waiting_.begin(), waiting_.end());  // by id: arrival order
    std::stable_sort(order.begin(), order.end(), [&](JobId a, JobId b) { return ctx.job(a).cards > ctx.job(b).cards; });
    Allocation cards;
    for (JobId id : order) {
      const JobRequest& job = ctx.job(id);
      if (tenant_held(ctx, job)) continue;  // its tenant's quota, budget or others' guarantees
      if (!find_placement(job, placement_input(ctx, job), PlacementScore::FirstFit, {}, cards)) continue;
      ctx.start(id, cards);
      waiting_.erase(id);
    }
  }

 private:
  std::set<JobId> waiting_;
};

}  // namespace hetsim
