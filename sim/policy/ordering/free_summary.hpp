#pragma once
// FreeSummary: per chip type, the most whole free cards on any one node and in any one pool.
// A necessary condition for a job to fit, checked in O(chip types) before the O(pools) search,
// which keeps long backfill scans cheap when the cluster is full.
#include <array>
#include <cstdint>

#include "hetsim/model/cluster.hpp"
#include "hetsim/model/job.hpp"
#include "hetsim/policy/placement/placement.hpp"

namespace hetsim {

struct FreeSummary {
  std::array<uint32_t, kMaxChipTypes> max_node_free{};
  std::array<int64_t, kMaxChipTypes> max_pool_free{};
  int64_t total_free = 0;

  void refresh(const Cluster& c);
  // The same seen through a reservation's caps (sorted by node): a node gives at most its cap,
  // a pool its free cards minus those the caps withhold. may_fit is then a necessary condition
  // for find_placement with those caps. O(pools + caps log caps).
  void refresh(const Cluster& c, std::span<const NodeCap> caps);
  // False when `job` cannot fit anywhere on any of the chips in `usable`.
  bool may_fit(const JobRequest& job, uint64_t usable) const {
    return may_fit(job.cards, job.allow_cross_site, usable);
  }
  // The same for a job of `cards` cards that may (or may not) span sites.
  bool may_fit(uint32_t cards, bool cross_site, uint64_t usable) const;
};

}  // namespace hetsim
