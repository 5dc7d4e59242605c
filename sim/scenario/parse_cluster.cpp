// Sites, inter-site links and providers' pools.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <utility>

#include "hetsim/scenario/sections.hpp"

namespace hetsim {

namespace {

constexpr int64_t kMaxNodesPerPool = 10'000'000;

void read_fabric(ParseState& st, const YamlValue& v, SiteFabric& f) {
  MapReader r(st.ctx, v, "fabric", {"node_nic", "leaf_uplink", "hop_latency"});
  if (auto x = r.quantity("node_nic", UnitKind::Bandwidth, false)) {
    if (r.check("node_nic", *x > 0, "'node_nic' must be > 0")) f.node_nic_gbps = *x;
  }
  if (auto x = r.quantity("leaf_uplink", UnitKind::Bandwidth, false)) {
    if (r.check("leaf_uplink", *x > 0, "'leaf_uplink' must be > 0")) f.leaf_uplink_gbps = *x;
  }
  if (auto x = r.quantity("hop_latency", UnitKind::Duration, false)) f.hop_latency_us = *x * 1e6;
}

const ChipSpec* find_chip(const ScenarioSpec& spec, const std::string& name) {
  for (const ChipSpec& c : spec.chips) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

void read_pool(ParseState& st, const YamlValue& v, PoolSpec& p) {
  MapReader r(st.ctx, v, "pool",
              {"site", "chip", "nodes", "cards_per_node", "cpu_per_node", "memory_per_node", "nodes_per_leaf",
               "price_per_card_hour"});
  p.pos = st.ctx.pos(v);
  if (!r.ok()) return;
  if (auto s = r.string("site", true)) {
    p.site = *s;
    p.site_pos = st.ctx.pos(*r.get("site"));
    st.sites.check(st.ctx, *r.get("site"), *s);
  }
  const ChipSpec* chip = nullptr;
  if (auto s = r.string("chip", true)) {
    p.chip = *s;
    p.chip_pos = st.ctx.pos(*r.get("chip"));
    if (st.chips.check(st.ctx, *r.get("chip"), *s)) chip = find_chip(st.spec, *s);
  }
  if (auto n = r.whole("nodes", UnitKind::Count, 1, kMaxNodesPerPool, true)) p.nodes = static_cast<uint32_t>(*n);
  if (auto n = r.whole("cards_per_node", UnitKind::Plain, 1, kMaxCardsPerNode, false)) {
    p.cards_per_node = static_cast<uint32_t>(*n);
  } else if (!r.has("cards_per_node") && chip != nullptr) {
    p.cards_per_node = static_cast<uint32_t>(chip->cards_per_server);
  }
  if (auto n = r.whole("cpu_per_node", UnitKind::Cpu, 1, INT64_MAX, true)) p.cpu_milli_per_node = *n;
  if (auto gb = r.quantity("memory_per_node", UnitKind::Size, true)) {
    const auto mib = static_cast<int64_t>(std::llround(*gb * 1e9 / 1048576.0));
    if (r.check("memory_per_node", mib > 0, "'memory_per_node' must be at least 1 MiB")) p.mem_mib_per_node = mib;
  }
  if (auto n = r.whole("nodes_per_leaf", UnitKind::Plain, 1, kMaxNodesPerPool, false)) {
    p.nodes_per_leaf = static_cast<uint32_t>(*n);
  }
  if (auto price = r.quantity("price_per_card_hour", UnitKind::Plain, false)) {
    if (r.check("price_per_card_hour", *price >= 0 && *price <= 1e6,
                "'price_per_card_hour' must be in [0, 1e6] (currency units per card-hour), got " + num(*price))) {
      p.price = *price;
    }
  }
}

}  // namespace

void read_sites(ParseState& st, const YamlValue& v) {
  if (!v.is_list()) {
    type_error(st.ctx, v, "'sites'", "a list");
    return;
  }
  if (v.items.empty()) st.ctx.error(v, "'sites' must list at least one site");
  if (v.items.size() > 65535) st.ctx.error(v, "too many sites (at most 65535)");
  for (const YamlValue& item : v.items) {
    MapReader r(st.ctx, item, "site", {"name", "fabric"});
    if (!r.ok()) continue;
    SiteSpec s;
    s.pos = st.ctx.pos(item);
    if (auto n = r.name("name", true)) {
      s.name = *n;
      if (!st.sites.add(*n)) st.ctx.error(*r.get("name"), "duplicate site '" + *n + "'");
    }
    if (const YamlValue* f = r.get("fabric")) read_fabric(st, *f, s.fabric);
    st.spec.sites.push_back(std::move(s));
  }
}

void read_links(ParseState& st, const YamlValue& v) {
  if (!v.is_list()) {
    type_error(st.ctx, v, "'links'", "a list");
    return;
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (const YamlValue& item : v.items) {
    MapReader r(st.ctx, item, "link", {"between", "latency", "bandwidth"});
    if (!r.ok()) continue;
    LinkSpec l;
    l.pos = st.ctx.pos(item);
    if (const YamlValue* b = r.need("between")) {
      if (!b->is_list() || b->items.size() != 2) {
        type_error(st.ctx, *b, "'between'", "a list of two sites");
      } else {
        auto a = read_string(st.ctx, b->items[0], "site");
        auto c = read_string(st.ctx, b->items[1], "site");
        // Check both ends so that two typos give two errors.
        const bool a_ok = a && st.sites.check(st.ctx, b->items[0], *a);
        const bool c_ok = c && st.sites.check(st.ctx, b->items[1], *c);
        const bool defined = a_ok && c_ok;
        if (a && c && *a == *c) {
          st.ctx.error(*b, "a link joins two distinct sites, got '" + *a + "' twice");
        } else if (defined) {
          l.a = *a;
          l.b = *c;
          if (!seen.insert(std::minmax(*a, *c)).second) {
            st.ctx.error(*b, "duplicate link between '" + *a + "' and '" + *c + "'");
          }
        }
      }
    }
    if (auto x = r.quantity("latency", UnitKind::Duration, true)) l.latency_us = *x * 1e6;
    if (auto x = r.quantity("bandwidth", UnitKind::Bandwidth, true)) {
      if (r.check("bandwidth", *x > 0, "'bandwidth' must be > 0")) l.bandwidth_gbps = *x;
    }
    st.spec.links.push_back(std::move(l));
  }
}

void read_providers(ParseState& st, const YamlValue& v) {
  if (!v.is_list()) {
    type_error(st.ctx, v, "'providers'", "a list");
    return;
  }
  if (v.items.empty()) st.ctx.error(v, "'providers' must list at least one provider");
  for (const YamlValue& item : v.items) {
    MapReader r(st.ctx, item, "provider", {"name", "pools", "price_factor"});
    if (!r.ok()) continue;
    ProviderSpec p;
    p.pos = st.ctx.pos(item);
    if (auto n = r.name("name", true)) {
      p.name = *n;
      if (!st.providers.add(*n)) st.ctx.error(*r.get("name"), "duplicate provider '" + *n + "'");
    }
    if (auto f = r.quantity("price_factor", UnitKind::Plain, false)) {
      if (r.check("price_factor", *f >= 0 && *f <= 1000, "'price_factor' must be in [0, 1000], got " + num(*f))) {
        p.price_factor = *f;
      }
    }
    if (const auto* pools = r.list("pools", true)) {
      if (pools->empty()) st.ctx.error(*r.get("pools"), "provider '" + p.name + "' has no pools");
      for (const YamlValue& pv : *pools) {
        p.pools.emplace_back();
        read_pool(st, pv, p.pools.back());
      }
    }
    st.spec.providers.push_back(std::move(p));
  }
}

}  // namespace hetsim
