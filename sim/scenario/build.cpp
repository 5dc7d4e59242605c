#include "hetsim/scenario/build.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "hetsim/core/rng.hpp"
#include "hetsim/perf/allocation_shape.hpp"
#include "hetsim/workload/generator.hpp"

namespace hetsim {

namespace {
template <class Map>
auto lookup(const Map& m, const std::string& name, const char* what) {
  auto it = m.find(name);
  if (it == m.end()) throw std::invalid_argument(std::string("undefined ") + what + " '" + name + "'");
  return it->second;
}

// Chips, with each marked domestic when its vendor is one of the vouchers' domestic vendors.
void add_chips(const ScenarioSpec& spec, SimulationModel& m) {
  for (ChipSpec c : spec.chips) {
    const auto& dv = spec.vouchers.domestic_vendors;
    c.domestic = std::find(dv.begin(), dv.end(), c.vendor) != dv.end();
    m.chips.add_or_replace(std::move(c));
  }
}

// Sites, providers and their pools, links and the topology. Returns the site ids by name; the
// sites' fabrics in id order go to `fabrics`.
std::map<std::string, SiteId> build_platform(const ScenarioSpec& spec, SimulationModel& m,
                                             std::vector<SiteFabric>& fabrics) {
  m.cluster = Cluster(m.chips.size());
  std::map<std::string, SiteId> site_ids;
  for (const SiteSpec& s : spec.sites) {
    site_ids[s.name] = m.cluster.add_site(s.name);
    fabrics.push_back(s.fabric);
  }
  for (const ProviderSpec& p : spec.providers) {
    const ProviderId pid = m.cluster.add_provider(p.name);
    for (const PoolSpec& pool : p.pools) {
      const ChipId chip = *m.chips.find(pool.chip);
      const uint32_t cpn =
          pool.cards_per_node > 0 ? pool.cards_per_node : static_cast<uint32_t>(m.chips.at(chip).cards_per_server);
      const PoolId pool_id =
          m.cluster.add_pool(lookup(site_ids, pool.site, "site"), pid, chip, pool.nodes, static_cast<uint8_t>(cpn),
                             pool.cpu_milli_per_node, pool.mem_mib_per_node, pool.nodes_per_leaf);
      m.cluster.set_pool_price(
          pool_id, pool.price >= 0 ? pool.price : m.chips.at(chip).price_cny_per_card_hour * p.price_factor);
    }
  }
  std::vector<SiteLink> links;
  for (const LinkSpec& l : spec.links) {
    links.push_back({lookup(site_ids, l.a, "site"), lookup(site_ids, l.b, "site"), l.latency_us, l.bandwidth_gbps});
  }
  m.topology = Topology::build(m.cluster, links, fabrics);
  return site_ids;
}

// Tenants with their quotas and guaranteed shares by provider id.
void add_tenants(const ScenarioSpec& spec, SimulationModel& m) {
  for (const TenantSpec& t : spec.tenants) {
    m.tenants.push_back(Tenant{t.name, t.weight, t.priority, t.mix_chips, t.voucher_share, t.voucher_budget});
    m.tenants.back().budget = t.budget;
    for (const auto& [provider, cards] : t.quota) {
      Tenant& out = m.tenants.back();
      if (provider == "all") {
        out.quota_cards = cards;
        continue;
      }
      for (ProviderId p = 0; p < m.cluster.provider_count(); ++p) {
        if (m.cluster.provider(p).name != provider) continue;
        if (out.provider_quota.empty()) out.provider_quota.assign(m.cluster.provider_count(), -1);
        out.provider_quota[p] = cards;
      }
    }
    for (const TenantSpec::Guarantee& g : t.guarantee) {
      if (g.cards == 0) continue;
      Tenant& out = m.tenants.back();
      for (ProviderId p = 0; p < m.cluster.provider_count(); ++p) {
        if (m.cluster.provider(p).name != g.provider) continue;
        if (out.provider_guarantee.empty()) out.provider_guarantee.assign(m.cluster.provider_count(), 0);
        out.provider_guarantee[p] = g.cards;
      }
    }
  }
}

// Node failure rates by chip id (a named chip's entry wins over `all`, whatever the order), site
// outages and link outages by the built topology's link ids.
void set_failures(const ScenarioSpec& spec, const std::map<std::string, SiteId>& site_ids, SimulationModel& m) {
  if (!spec.failures.nodes.empty()) m.failures.by_chip.assign(m.chips.size(), NodeFailureRate{});
  for (const bool named : {false, true}) {
    for (const FailuresSpec::Nodes& n : spec.failures.nodes) {
      if ((n.chip != "all") != named) continue;
      for (ChipId c = 0; c < m.chips.size(); ++c) {
        if (!named || m.chips.at(c).name == n.chip) m.failures.by_chip[c] = NodeFailureRate{n.mtbf_s, n.mttr_s};
      }
    }
  }
  for (const FailuresSpec::Outage& o : spec.failures.sites) {
    m.failures.site_outages.push_back(SiteOutage{lookup(site_ids, o.site, "site"), SimTime::from_seconds(o.at_s),
                                                 SimTime::from_seconds(o.duration_s)});
  }
  for (const FailuresSpec::LinkOutage& o : spec.failures.links) {
    const SiteId a = lookup(site_ids, o.a, "site"), b = lookup(site_ids, o.b, "site");
    const auto& built = m.topology.links();
    const auto it = std::find_if(built.begin(), built.end(),
                                 [&](const SiteLink& l) { return (l.a == a && l.b == b) || (l.a == b && l.b == a); });
    if (it == built.end()) throw std::invalid_argument("no link between '" + o.a + "' and '" + o.b + "'");
    m.failures.link_outages.push_back({static_cast<uint32_t>(it - built.begin()), SimTime::from_seconds(o.at_s),
                                       SimTime::from_seconds(o.duration_s)});
  }
  m.failures.retry_limit = spec.failures.retry_limit;
}

// Prices, perf, checkpoints, staging, mixing, horizon and sampling: copied from the spec.
void set_settings(const ScenarioSpec& spec, SimulationModel& m) {
  m.vouchers.city_share = spec.vouchers.city_share;
  m.vouchers.domestic_share = spec.vouchers.domestic_share;
  m.vouchers.max_share = spec.vouchers.max_share;
  m.vouchers.currency = spec.vouchers.currency;
  m.perf.comm_overlap = spec.perf.comm_overlap;
  m.perf.memory_usable_fraction = spec.perf.memory_usable_fraction;
  m.checkpoint = spec.checkpoint;
  m.data_staging = spec.data_staging;
  m.mixing.models = spec.perf.mixing.models;
  m.mixing.fixed_efficiency = spec.perf.mixing.fixed_efficiency;
  m.mixing.cross_vendor_gbps = spec.perf.mixing.cross_vendor_gbps;
  m.mixing.inter_node_gbps = spec.perf.mixing.inter_node_gbps;
  m.mixing.per_group_dp = spec.perf.mixing.per_group_dp;
  m.mixing.memory_usable_fraction = spec.perf.memory_usable_fraction;
  m.horizon = SimTime::from_seconds(spec.horizon_s);
  m.sample_interval = SimTime::from_seconds(spec.metrics.timeseries_interval_s);
}

// Measured steps per second by (job type, chip id) from `throughputs:`.
void set_measured(const ScenarioSpec& spec, SimulationModel& m) {
  MeasuredThroughputs& t = m.measured;
  t.types = spec.throughputs.types;
  t.chip_count = m.chips.size();
  t.steps_per_s.assign(t.types.size() * t.chip_count, 0.0);
  for (std::size_t e = 0; e < spec.throughputs.chips.size(); ++e) {
    const ChipId chip = *m.chips.find(spec.throughputs.chips[e].second);
    for (std::size_t ty = 0; ty < t.types.size(); ++ty)
      t.steps_per_s[ty * t.chip_count + chip] = spec.throughputs.rates[e][ty];
  }
}

// What the workload generator sees of the platform; the reference step time is the perf model's on
// a packed gang of the reference chip in the first site's fabric.
GeneratorContext generator_context(const SimulationModel& m, const std::vector<SiteFabric>& fabrics) {
  GeneratorContext ctx;
  ctx.catalog = &m.chips;
  for (const Tenant& t : m.tenants) {
    ctx.tenant_weights.push_back(t.weight);
    ctx.tenant_names.push_back(t.name);
    ctx.tenant_mix_chips.push_back(t.mix_chips ? 1 : 0);
  }
  for (SiteId s = 0; s < m.cluster.site_count(); ++s) {
    ctx.site_names.push_back(m.cluster.site(s).name);
    int64_t cards = 0;
    for (ChipId c = 0; c < m.chips.size(); ++c) cards += m.cluster.total_cards(c, s);
    ctx.site_data_weights.push_back(static_cast<double>(cards));
  }
  ctx.memory_usable_fraction = m.perf.memory_usable_fraction;
  // Largest gang one pool of each chip can hold: generated jobs never span pools.
  ctx.max_gang_by_chip.assign(m.chips.size(), 0);
  for (const Pool& p : m.cluster.pools()) {
    const auto cards = static_cast<uint32_t>((p.end_node - p.first_node) * p.cards_per_node);
    ctx.max_gang_by_chip[p.chip] = std::max(ctx.max_gang_by_chip[p.chip], cards);
  }
  const ChipSpec ref_chip = m.chips.at(m.reference_chip);
  const SiteFabric fabric = fabrics.empty() ? SiteFabric{} : fabrics.front();
  const PerfParams perf = m.perf;
  const ChipId ref_id = m.reference_chip;
  ctx.reference_step_time_s = [ref_chip, fabric, perf, ref_id](const Job& j) {
    const AllocationShape shape = packed_shape(ref_id, j.cards, static_cast<uint32_t>(ref_chip.cards_per_server),
                                               fabric.node_nic_gbps, fabric.hop_latency_us);
    return step_time(j.model, ref_chip, shape, perf).total_s;
  };
  ctx.measured = &m.measured;
  ctx.reference_chip = m.reference_chip;
  return ctx;
}

// scenario.stop_when_jobs_end: the window of job ids whose ends stop the run.
void set_stop_window(const ScenarioSpec& spec, SimulationModel& m) {
  m.stop_waiting = spec.stop_waiting;
  if (spec.stop_last == 0) return;
  if (spec.stop_first >= m.jobs.size())
    throw std::invalid_argument("scenario.stop_when_jobs_end" +
                                (spec.stop_pos.line > 0
                                     ? " (" + spec.stop_pos.file + ":" + std::to_string(spec.stop_pos.line) + ":" +
                                           std::to_string(spec.stop_pos.col) + ")"
                                     : std::string()) +
                                ": the window starts at job " + std::to_string(spec.stop_first) +
                                " but this seed's workload has " + std::to_string(m.jobs.size()) + " jobs");
  m.stop_first = static_cast<JobId>(spec.stop_first);
  m.stop_last = static_cast<JobId>(std::min<uint64_t>(spec.stop_last, m.jobs.size()));
}
}  // namespace

SimulationModel build_scenario(const ScenarioSpec& spec, uint64_t seed) {
  SimulationModel m;
  m.scenario_name = spec.name;
  m.seed = seed;
  add_chips(spec, m);
  std::vector<SiteFabric> fabrics;
  const std::map<std::string, SiteId> site_ids = build_platform(spec, m, fabrics);
  add_tenants(spec, m);
  set_settings(spec, m);
  set_failures(spec, site_ids, m);
  if (spec.has_throughputs) set_measured(spec, m);
  const bool has_work = !spec.workload.classes.empty() || !spec.workload.jobs.empty() || spec.workload.gavel.enabled;
  if (has_work) {
    auto ref = m.chips.find(spec.workload.reference_chip);
    if (!ref) throw std::invalid_argument("undefined reference chip '" + spec.workload.reference_chip + "'");
    m.reference_chip = *ref;
    m.jobs = generate_workload(spec.workload, generator_context(m, fabrics), spec.horizon_s, RngStreams(seed));
    // A job without its own priority takes its tenant's.
    for (Job& j : m.jobs) {
      if (j.priority < 0) j.priority = j.tenant < m.tenants.size() ? m.tenants[j.tenant].priority : 0;
    }
  }
  set_stop_window(spec, m);
  compute_reference_step_times(m);
  return m;
}

}  // namespace hetsim
