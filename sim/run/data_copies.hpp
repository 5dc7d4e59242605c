#pragma once
// DataCopies: the copies of jobs' data on the inter-site links (scenario `data_staging:`,
// docs/scenario-format.md): which job and sites each copy in flight serves, the copies of each
// job, and the sites that already hold a job's data (a job restarted there does not copy again).
// The copies share the links through a TransferNetwork (max-min fair per link direction, exact
// finish times). It decides nothing about runs: the driver holds a run's cards until its copies
// have arrived, and schedules their arrivals (the last bit's latency after it leaves).
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <utility>
#include <vector>

#include "hetsim/core/sim_time.hpp"
#include "hetsim/model/ids.hpp"
#include "hetsim/model/topology.hpp"
#include "hetsim/run/transfer_network.hpp"

namespace hetsim {

class DataCopies {
 public:
  struct Copy {
    JobId job = kNoJob;
    SiteId from = 0, to = 0;
  };

  DataCopies() = default;
  // One channel per direction of each of `links`, with `link_share` of its bandwidth.
  DataCopies(const std::vector<SiteLink>& links, double link_share);

  // Starts copying job `id`'s data (`bits`, held at `from`) to each of `sites` that is neither
  // `from` nor holds it already, over `topo`'s routes (a cut path stalls the copy until reroute);
  // returns how many copies started.
  uint16_t start(JobId id, SiteId from, std::span<const SiteId> sites, double bits, const Topology& topo, SimTime now);
  // Stops job `id`'s copies still in flight.
  void cancel(JobId id, SimTime now);
  // The copies whose last bit left by `now`, in the network's order; their destinations now hold
  // the data.
  std::vector<Copy> take_finished(SimTime now);
  // After a link change: every copy in flight follows its route in `topo`.
  void reroute(const Topology& topo, SimTime now);

  bool in_flight() const { return net_.active() > 0; }
  SimTime next_finish() const { return net_.next_finish(); }
  bool holds(JobId id, SiteId site) const { return staged_.count({id, site}) > 0; }
  // Seconds until job `id`'s last copy arrives at current rates (latency included; +inf if one
  // is stalled, 0 with none in flight).
  double in_flight_s(JobId id, const Topology& topo) const;
  // Seconds a copy of `bits` from `from` to `to` would take if it started now (bottleneck share
  // plus latency); 0 when `to` holds job `id`'s data, +inf when no path joins the sites.
  double estimate_s(JobId id, SiteId from, SiteId to, double bits, const Topology& topo) const;

 private:
  TransferNetwork net_;
  std::vector<Copy> copy_;                             // by transfer id; job kNoJob: none
  std::map<JobId, std::vector<uint32_t>> job_copies_;  // transfer ids in flight per job
  std::set<std::pair<JobId, SiteId>> staged_;
};

}  // namespace hetsim
