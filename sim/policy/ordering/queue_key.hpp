#pragma once
// The position of a waiting job in the queue of an ordering policy: jobs of a higher priority
// (Job::priority, by default its tenant's) first, then the policy's own rank (arrival, estimate),
// then the id. With every priority equal this is the policy's plain order.
#include <compare>
#include <cstdint>

#include "hetsim/model/ids.hpp"
#include "hetsim/model/job.hpp"

namespace hetsim {

struct QueueKey {
  int64_t neg_priority = 0;
  int64_t rank = 0;
  JobId id = 0;
  auto operator<=>(const QueueKey&) const = default;
};

inline QueueKey queue_key(const JobRequest& j, int64_t rank) { return {-static_cast<int64_t>(j.priority), rank, j.id}; }

}  // namespace hetsim
