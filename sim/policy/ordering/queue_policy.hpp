#pragma once
// Strict queue policies: jobs start in queue order and the first job that does not fit blocks
// everything behind it (no overtaking), the textbook behaviour that backfilling improves on.
//   fifo: order by arrival (then id)
//   sjf:  order by the submitter's runtime estimate on the reference chip (then arrival, id);
//         non-preemptive
#include <cstdint>
#include <set>
#include <utility>

#include "hetsim/policy/ordering/queue_key.hpp"
#include "hetsim/policy/placement/data_locality.hpp"
#include "hetsim/policy/placement/mixed_placement.hpp"
#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/policy.hpp"

namespace hetsim {

class StrictQueuePolicy : public Policy {
 public:
  enum class Order { Fifo, Sjf };
  StrictQueuePolicy(Order order, PlacementScore placement, MixOptions mix = {},
                    GangPlacement gangs = GangPlacement::Pool, DataOptions data = {})
      : order_(order), placement_(placement), mix_(mix), gangs_(gangs), data_(data) {}
  std::string name() const override;
  void on_submit(const SchedulingContext& ctx, JobId id) override;
  void on_end(const SchedulingContext&, JobId) override {}
  void schedule(SchedulingContext& ctx) override;

 private:
  QueueKey key(const JobRequest& j) const;
  Order order_;
  PlacementScore placement_;
  MixOptions mix_;
  GangPlacement gangs_;
  DataOptions data_;
  std::set<QueueKey> queue_;
  uint64_t blocked_version_ = ~0ULL;  // state version at which the head last failed to fit
  JobId blocked_head_ = 0;
  Allocation scratch_;
};

}  // namespace hetsim
