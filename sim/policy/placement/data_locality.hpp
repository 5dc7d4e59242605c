#pragma once
// Data locality in placement: where a job goes when its data lives at one site (Job::data_site)
// and running elsewhere first copies it there (scenario `data_staging:`, the driver's transfers).
//   ignore  every site alike (find_placement as is): the copy is whatever it costs
//   home    only the data site's pools, unless they can never hold the job (no usable chip type,
//           too few cards): then every site
//   weigh   the data site if the job fits there now; otherwise the other site with the shortest
//           estimated copy (SchedulingContext::staging_estimate_s) where it fits now, but only if
//           stage_factor x that copy is shorter than the estimated wait at home: when the jobs
//           running at home (by their estimated ends) will have freed enough usable cards for the
//           job and for the jobs queued ahead of it with the same data site (`queued_ahead_cards`,
//           which the policy counts). The wait ignores fragmentation, so it is optimistic and weigh
//           leans to waiting at home; stage_factor > 1 leans further.
// A gang that may span sites does so only under ignore, or when no single site can ever hold it.
// A job without data (data_gb == 0) goes anywhere under every rule. The rules apply with or without
// `data_staging`; without it copies cost nothing, so weigh becomes "the data site first".
#include <span>
#include <string>
#include <vector>

#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/scheduling_context.hpp"

namespace hetsim {

enum class DataLocality : uint8_t { Ignore, Home, Weigh };
bool parse_data_locality(const std::string& name, DataLocality& out);
const char* data_locality_name(DataLocality mode);

struct DataOptions {
  DataLocality mode = DataLocality::Ignore;
  double stage_factor = 1.0;
  bool active() const { return mode != DataLocality::Ignore; }
  // ",data=weigh" (with ",stage_factor=F" when not 1) for a policy's name; "" under ignore.
  std::string name_suffix() const;
};

// find_placement under the locality rule `data` (with `caps`, as find_placement).
bool find_placement_for_data(const SchedulingContext& ctx, const JobRequest& job, const DataOptions& data,
                             PlacementScore kind, std::span<const NodeCap> caps, Allocation& out, GangPlacement gangs,
                             uint64_t queued_ahead_cards = 0);

// Cards of waiting jobs with data at each site, for the queued_ahead_cards of the jobs behind them:
// a policy adds each job it examines and fails to place, in queue order.
class QueuedAhead {
 public:
  void clear() { cards_.clear(); }
  void add(const JobRequest& j) {
    if (!(j.data_gb > 0)) return;
    if (j.data_site >= cards_.size()) cards_.resize(j.data_site + 1, 0);
    cards_[j.data_site] += j.cards;
  }
  uint64_t at(SiteId s) const { return s < cards_.size() ? cards_[s] : 0; }

 private:
  std::vector<uint64_t> cards_;
};

// Whether the pools of `site` could ever hold the job (a usable chip type with enough cards).
bool site_can_ever_hold(const Cluster& c, const JobRequest& job, uint64_t usable_chips, SiteId site);

// Estimated seconds until running jobs at `site` free enough cards of the job's usable chips for
// it and `queued_ahead_cards` more (with those free now), looking no further than `horizon_s`;
// +inf if not by then.
double estimated_home_wait_s(const SchedulingContext& ctx, const JobRequest& job, uint64_t usable_chips, SiteId site,
                             double horizon_s, uint64_t queued_ahead_cards = 0);

}  // namespace hetsim
