#pragma once
// A policy that ignores every tenant rule (quotas, budgets, reserved cards): it starts each
// pending job on the first node with enough free cards. Tests use it to see the driver reject
// the starts those rules forbid.
#include <string>
#include <vector>

#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/policy.hpp"

namespace hetsim::test {

class TenantBlindPolicy : public Policy {
 public:
  std::string name() const override { return "tenant-blind"; }
  void on_submit(const SchedulingContext&, JobId id) override { queue_.push_back(id); }
  void on_end(const SchedulingContext&, JobId) override {}
  void schedule(SchedulingContext& ctx) override {
    for (JobId id : queue_) {
      if (!ctx.is_pending(id)) continue;
      for (NodeId n = 0; n < ctx.cluster().node_count(); ++n) {
        if (ctx.cluster().node_free_cards(n) >= ctx.job(id).cards) {
          ctx.start(id, single_node_allocation(ctx.cluster(), ctx.job(id), n));
          break;
        }
      }
    }
  }

 private:
  std::vector<JobId> queue_;
};

}  // namespace hetsim::test
