#pragma once
// Failures (scenario section `failures:`, docs/scenario-format.md): nodes of a chip type fail and
// are repaired after exponentially distributed times (mean `mtbf`, `mttr`), whole sites go down at
// given times for given durations, and so do inter-site links (a gang spanning two sites that the
// outage leaves without a path is killed). A running job on a failed node is killed and restarts from its
// last checkpoint (sim/perf/checkpoint.hpp); after `retry_limit` kills it ends as failed.
#include <cstdint>
#include <vector>

#include "hetsim/core/sim_time.hpp"
#include "hetsim/model/ids.hpp"

namespace hetsim {

struct NodeFailureRate {
  double mtbf_s = 0;  // mean time between failures of one node; 0: never fails
  double mttr_s = 0;  // mean time to repair
};

struct SiteOutage {
  SiteId site = 0;
  SimTime at;
  SimTime duration;
};

// An inter-site link down for a while: index into the topology's links (Topology::links()).
struct LinkOutage {
  uint32_t link = 0;
  SimTime at;
  SimTime duration;
};

struct FailureModel {
  std::vector<NodeFailureRate> by_chip;  // indexed by chip id; empty: no node fails
  std::vector<SiteOutage> site_outages;  // in scenario order
  std::vector<LinkOutage> link_outages;  // in scenario order
  uint32_t retry_limit = 3;              // kills by failures before a job ends as failed

  bool any() const {
    for (const NodeFailureRate& r : by_chip) {
      if (r.mtbf_s > 0) return true;
    }
    return !site_outages.empty() || !link_outages.empty();
  }
};

}  // namespace hetsim
