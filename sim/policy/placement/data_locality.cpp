#include "hetsim/policy/placement/data_locality.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "hetsim/policy/placement/context_input.hpp"

namespace hetsim {

bool parse_data_locality(const std::string& name, DataLocality& out) {
  for (const DataLocality m : {DataLocality::Ignore, DataLocality::Home, DataLocality::Weigh}) {
    if (name == data_locality_name(m)) {
      out = m;
      return true;
    }
  }
  return false;
}

const char* data_locality_name(DataLocality mode) {
  switch (mode) {
    case DataLocality::Ignore:
      return "ignore";
    case DataLocality::Home:
      return "home";
    case DataLocality::Weigh:
      return "weigh";
  }
  return "?";
}

std::string DataOptions::name_suffix() const {
  if (!active()) return "";
  std::string s = std::string(",data=") + data_locality_name(mode);
  if (stage_factor != 1.0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ",stage_factor=%g", stage_factor);
    s += buf;
  }
  return s;
}

bool site_can_ever_hold(const Cluster& c, const JobRequest& job, uint64_t usable_chips, SiteId site) {
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    const Pool& pool = c.pool(p);
    if (pool.site != site || !((usable_chips >> pool.chip) & 1ULL)) continue;
    const uint64_t total = static_cast<uint64_t>(pool.end_node - pool.first_node) * pool.cards_per_node;
    if (total >= job.cards) return true;
  }
  return false;
}

double estimated_home_wait_s(const SchedulingContext& ctx, const JobRequest& job, uint64_t usable_chips, SiteId site,
                             double horizon_s, uint64_t queued_ahead_cards) {
  const Cluster& c = ctx.cluster();
  int64_t have = 0;
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    const Pool& pool = c.pool(p);
    if (pool.site == site && ((usable_chips >> pool.chip) & 1ULL)) have += c.pool_free_cards(p);
  }
  const SimTime now = ctx.now();
  const auto need = static_cast<int64_t>(job.cards + queued_ahead_cards);
  if (have >= need) return 0;
  // Running jobs in order of estimated end: stop at the first instant enough cards are back, or
  // past the horizon (the walk then costs only the jobs ending before it).
  for (const auto& [end, id] : ctx.running_by_estimated_end()) {
    const double wait = (end - now).seconds();
    if (wait > horizon_s) break;
    for (const NodeGrant& g : ctx.allocation_of(id)) {
      if (c.node_site(g.node) == site && ((usable_chips >> c.node_chip(g.node)) & 1ULL)) {
        have += card_count(g.card_mask);
      }
    }
    if (have >= need) return std::max(0.0, wait);
  }
  return INFINITY;
}

bool find_placement_for_data(const SchedulingContext& ctx, const JobRequest& job, const DataOptions& data,
                             PlacementScore kind, std::span<const NodeCap> caps, Allocation& out, GangPlacement gangs,
                             uint64_t queued_ahead_cards) {
  PlacementInput in = placement_input(ctx, job);
  // A job without data has no home.
  if (data.mode == DataLocality::Ignore || !(job.data_gb > 0)) return find_placement(job, in, kind, caps, out, gangs);
  const Cluster& c = ctx.cluster();
  const uint64_t usable = usable_chip_mask(job, ctx.chips(), ctx.perf());
  const SiteId home = job.data_site;
  if (!site_can_ever_hold(c, job, usable, home)) return find_placement(job, in, kind, caps, out, gangs);
  in.only_site = home;
  if (find_placement(job, in, kind, caps, out, gangs)) return true;
  if (data.mode == DataLocality::Home) return false;
  // Weigh: the other sites by estimated copy time (ties to the lower site id); the first where the
  // job fits now is the candidate, taken if the copy beats the wait at home.
  std::vector<std::pair<double, SiteId>> sites;
  for (SiteId s = 0; s < c.site_count(); ++s) {
    if (s == home) continue;
    const double copy_s = ctx.staging_estimate_s(job.id, s);
    if (std::isfinite(copy_s)) sites.emplace_back(copy_s, s);
  }
  std::sort(sites.begin(), sites.end());
  for (const auto& [copy_s, s] : sites) {
    in.only_site = s;
    if (!find_placement(job, in, kind, caps, out, gangs)) continue;
    const double horizon = copy_s * data.stage_factor;
    if (estimated_home_wait_s(ctx, job, usable, home, horizon, queued_ahead_cards) >= horizon) return true;
    break;  // home frees up sooner than the shortest copy: wait there
  }
  out.clear();
  return false;
}

}  // namespace hetsim
