#pragma once
// TransferNetwork: data-staging transfers sharing the inter-site links (docs/scenario-format.md,
// "data_staging"). Every direction of a link is a channel with a capacity in bits per second; a
// transfer crosses the channels of its route and gets its max-min fair share, computed by
// progressive filling (the bottleneck channel's flows are fixed at its equal share, their rate is
// taken off the other channels of their routes, repeat), as flow-level network simulators do
// (SimGrid's default network model is of this kind). Rates change only when a transfer is added,
// removed or rerouted; between changes each transfer drains at a constant rate, so its finish
// time is exact to the microsecond. Deterministic: fixed iteration order, no randomness, ties to
// the lower channel index.
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "hetsim/core/sim_time.hpp"

namespace hetsim {

class TransferNetwork {
 public:
  TransferNetwork() = default;
  // `channel_bps`: capacity of each channel (2 per link: 2i from the link's `a` to its `b`, 2i+1
  // back); each must be > 0.
  explicit TransferNetwork(std::vector<double> channel_bps);

  // A new transfer of `bits` (> 0) over `route` (channel indices, distinct), starting now. An empty
  // route stalls it (no path) until reroute() gives it one. Returns its id (ids are reused after
  // remove / take_finished).
  uint32_t add(std::vector<uint32_t> route, double bits, SimTime now);
  // Stops a transfer (its job was preempted or killed): its bits are forgotten.
  void remove(uint32_t id, SimTime now);
  // The route changed (a link went down or came back); an empty one stalls the transfer.
  void reroute(uint32_t id, std::vector<uint32_t> route, SimTime now);
  // Transfers whose last bit has crossed by `now`, removed and returned in id order.
  std::vector<uint32_t> take_finished(SimTime now);
  // When the next transfer finishes at the current rates; kNever when none is moving.
  SimTime next_finish() const;

  // Seconds a transfer of `bits` over `route` would take if it started now and the rates of the
  // others stayed as they are: bits / the smallest of (capacity / (transfers on it + 1)) over its
  // channels. An estimate for policies; +inf for an empty route.
  double estimate_s(const std::vector<uint32_t>& route, double bits) const;

  double rate_bps(uint32_t id) const;
  double remaining_bits(uint32_t id) const;
  std::size_t active() const { return active_count_; }
  // Transfers crossing channel `c` now.
  uint32_t load(uint32_t c) const { return load_.at(c); }

 private:
  // Transfers with the same route get the same max-min rate, so rates are computed per route (at
  // most sites^2 of them, whatever the number of transfers) and each route class drains its
  // transfers in step: `served` counts the bits each of its transfers has moved since the class
  // was created, and a transfer is done when `served` reaches its `target`. Every operation is
  // then O(log transfers + channels x routes).
  struct RouteClass {
    std::vector<uint32_t> route;
    double served = 0;                              // bits per transfer moved so far
    double rate = 0;                                // bits/s of each of its transfers
    std::set<std::pair<double, uint32_t>> targets;  // (target, id) of its live transfers
  };
  struct Flow {
    uint32_t cls = 0;
    double target = 0;  // the class's `served` at which this transfer is done
    bool live = false;
  };
  uint32_t class_of(const std::vector<uint32_t>& route);
  void join(uint32_t id, uint32_t cls, double bits);  // into a class with `bits` to move
  void leave(uint32_t id);                            // out of its class (bits forgotten)
  void drain_to(SimTime now);                         // every class's `served` moved since the last change
  void allocate();                                    // max-min fair rates per class by progressive filling

  std::vector<double> capacity_;
  std::vector<uint32_t> load_;  // live transfers per channel
  std::vector<RouteClass> classes_;
  std::map<std::vector<uint32_t>, uint32_t> class_index_;
  std::vector<Flow> flows_;
  std::set<uint32_t> free_ids_;
  std::size_t active_count_ = 0;
  SimTime last_;
};

}  // namespace hetsim
