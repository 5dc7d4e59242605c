// `tenants`: generated (count + prefix, Zipf weights) or listed.
#include <algorithm>
#include <cmath>
#include <string>

#include "hetsim/core/did_you_mean.hpp"
#include "hetsim/scenario/sections.hpp"

namespace hetsim {

namespace {

constexpr int64_t kMaxTenants = 1'000'000;

std::string numbered(const std::string& prefix, int64_t i, int64_t count) {
  const std::size_t width = std::max<std::size_t>(3, std::to_string(count).size());
  std::string digits = std::to_string(i);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return prefix + "-" + digits;
}

// A share of rent in [0, 1] into `field` when written.
void read_share(const MapReader& r, const char* key, double& field) {
  if (auto s = r.quantity(key, UnitKind::Plain, false)) {
    if (r.check(key, *s >= 0 && *s <= 1, std::string("'") + key + "' must be in [0, 1], got " + num(*s))) field = *s;
  }
}

// A tenant's district top-up (share of rent), its subsidy budget and its rent budget.
void read_voucher_fields(const MapReader& r, TenantSpec& t) {
  read_share(r, "voucher_share", t.voucher_share);
  if (auto b = r.quantity("voucher_budget", UnitKind::Plain, false)) {
    if (r.check("voucher_budget", *b >= 0 && std::isfinite(*b),
                "'voucher_budget' must be a finite amount >= 0, got " + num(*b))) {
      t.voucher_budget = *b;
    }
  }
  if (auto b = r.quantity("budget", UnitKind::Plain, false)) {
    if (r.check("budget", *b >= 0 && std::isfinite(*b), "'budget' must be a finite amount >= 0, got " + num(*b))) {
      t.budget = *b;
    }
  }
}

// A map of provider names (and, with `allow_all`, `all`) to card counts under `key`, with each
// entry's position: the shape of `quota` and `guarantee`.
std::vector<TenantSpec::Guarantee> read_provider_cards(ParseState& st, const MapReader& r, const std::string& key,
                                                       bool allow_all) {
  std::vector<TenantSpec::Guarantee> out;
  const YamlValue* v = r.get(key);
  if (v == nullptr) return out;
  if (!v->is_map() || v->entries.empty()) {
    type_error(
        st.ctx, *v, "'" + key + "'",
        allow_all ? "a map of 'all' or provider names to card counts" : "a map of provider names to card counts");
    return out;
  }
  std::vector<std::string> names;
  if (allow_all) names.push_back("all");
  for (const ProviderSpec& p : st.spec.providers) names.push_back(p.name);
  for (const YamlEntry& e : v->entries) {
    if (!allow_all && e.key == "all") {
      st.ctx.error_at(e.line, e.col, "a " + key + " reserves cards of one provider: name a provider, not 'all'");
      continue;
    }
    if (std::find(names.begin(), names.end(), e.key) == names.end()) {
      const std::string hint = did_you_mean(e.key, names);
      st.ctx.error_at(e.line, e.col,
                      key + " names no provider '" + e.key + "'" + (allow_all ? " (use 'all' or a provider)" : "") +
                          (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      continue;
    }
    if (auto cards = read_whole(st.ctx, e.value, UnitKind::Count, 0, 1'000'000'000, key + " '" + e.key + "'")) {
      SourcePos pos = st.ctx.pos(e.value);
      pos.line = e.line;
      pos.col = e.col;
      out.push_back({e.key, *cards, pos});
    }
  }
  return out;
}

// `quota: {all: 2048, china-telecom: 512}`: cards held at once, over all providers or per provider.
void read_quota(ParseState& st, const MapReader& r, TenantSpec& t) {
  for (const TenantSpec::Guarantee& e : read_provider_cards(st, r, "quota", true))
    t.quota.emplace_back(e.provider, e.cards);
}

// `guarantee: {china-telecom: 512}`: cards of a provider reserved for the tenant. The sums per
// provider are checked against its cards once the whole scenario is read (validate.cpp).
void read_guarantee(ParseState& st, const MapReader& r, TenantSpec& t) {
  t.guarantee = read_provider_cards(st, r, "guarantee", false);
  // A guarantee beyond the tenant's own quota could never be used.
  for (const TenantSpec::Guarantee& gu : t.guarantee) {
    for (const auto& [name, cap] : t.quota) {
      if ((name == gu.provider || name == "all") && gu.cards > cap) {
        st.ctx.error_at(gu.pos.line, gu.pos.col,
                        "guarantee '" + gu.provider + "' of " + std::to_string(gu.cards) +
                            " cards exceeds the tenant's quota '" + name + "' of " + std::to_string(cap));
      }
    }
  }
}

}  // namespace

void read_vouchers(ParseState& st, const YamlValue& v) {
  MapReader r(st.ctx, v, "vouchers", {"city_share", "domestic_share", "domestic_vendors", "max_share", "currency"});
  if (!r.ok()) return;
  VoucherSpec& out = st.spec.vouchers;
  read_share(r, "city_share", out.city_share);
  read_share(r, "domestic_share", out.domestic_share);
  read_share(r, "max_share", out.max_share);
  if (auto c = r.name("currency", false)) out.currency = *c;
  std::vector<std::string> vendors;
  for (const ChipSpec& c : st.spec.chips) {
    if (std::find(vendors.begin(), vendors.end(), c.vendor) == vendors.end()) vendors.push_back(c.vendor);
  }
  const std::size_t errors_before = st.ctx.error_count();
  if (const auto* list = r.list("domestic_vendors", false)) {
    for (const YamlValue& item : *list) {
      auto name = read_string(st.ctx, item, "a vendor");
      if (!name) continue;
      if (std::find(vendors.begin(), vendors.end(), *name) == vendors.end()) {
        const std::string hint = did_you_mean(*name, vendors);
        st.ctx.error(item, "no chip of the catalog is made by '" + *name + "'" +
                               (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
        continue;
      }
      out.domestic_vendors.push_back(*name);
    }
  }
  if (out.domestic_share > 0 && out.domestic_vendors.empty() && st.ctx.error_count() == errors_before) {
    st.ctx.error(*r.get("domestic_share"),
                 "'domestic_share' needs 'domestic_vendors': a non-empty list of the vendors whose chips it covers");
  }
}

void read_tenants(ParseState& st, const YamlValue& v) {
  MapReader r(st.ctx, v, "tenants", {"generate", "list"});
  if (!r.ok()) return;
  const YamlValue* gen = r.get("generate");
  const YamlValue* list = r.get("list");
  if ((gen == nullptr) == (list == nullptr)) {
    st.ctx.error(
        v, gen ? "'tenants' takes either 'generate' or 'list', not both" : "'tenants' needs 'generate' or 'list'");
    return;
  }
  if (gen != nullptr) {
    MapReader g(st.ctx, *gen, "tenants.generate",
                {"count", "prefix", "mix_chips", "voucher_share", "voucher_budget", "budget", "quota", "guarantee"});
    auto count = g.whole("count", UnitKind::Count, 1, kMaxTenants, true);
    auto prefix = g.name("prefix", true);
    const bool mix = g.boolean("mix_chips", false).value_or(false);
    if (mix && !st.first_mix) st.first_mix = st.ctx.pos(*g.get("mix_chips"));
    TenantSpec common;
    common.mix_chips = mix;
    read_voucher_fields(g, common);
    read_quota(st, g, common);
    read_guarantee(st, g, common);
    if (!count || !prefix) return;
    st.tenants_generated = true;
    for (int64_t i = 1; i <= *count; ++i) {
      TenantSpec t = common;
      t.name = numbered(*prefix, i, *count);
      st.tenants.add(t.name);
      st.spec.tenants.push_back(std::move(t));
    }
    return;
  }
  if (!list->is_list()) {
    type_error(st.ctx, *list, "'list'", "a list");
    return;
  }
  if (list->items.empty()) st.ctx.error(*list, "'tenants.list' must name at least one tenant");
  for (const YamlValue& item : list->items) {
    MapReader t(
        st.ctx, item, "tenant",
        {"name", "weight", "priority", "mix_chips", "voucher_share", "voucher_budget", "budget", "quota", "guarantee"});
    if (!t.ok()) continue;
    TenantSpec spec;
    if (auto n = t.name("name", true)) {
      spec.name = *n;
      if (!st.tenants.add(*n)) st.ctx.error(*t.get("name"), "duplicate tenant '" + *n + "'");
    }
    if (auto w = t.quantity("weight", UnitKind::Plain, false)) {
      if (t.check("weight", *w > 0, "tenant 'weight' must be > 0, got " + num(*w))) spec.weight = *w;
    }
    if (auto p = t.whole("priority", UnitKind::Plain, 0, 1'000'000'000, false)) spec.priority = static_cast<int>(*p);
    if (auto b = t.boolean("mix_chips", false); b && *b) {
      spec.mix_chips = true;
      if (!st.first_mix) st.first_mix = st.ctx.pos(*t.get("mix_chips"));
    }
    read_voucher_fields(t, spec);
    read_quota(st, t, spec);
    read_guarantee(st, t, spec);
    st.spec.tenants.push_back(std::move(spec));
  }
}

void apply_tenant_zipf(ParseState& st) {
  if (!st.tenants_generated) return;
  const double s = st.spec.workload.tenant_zipf_s;
  for (std::size_t i = 0; i < st.spec.tenants.size(); ++i) {
    st.spec.tenants[i].weight = 1.0 / std::pow(static_cast<double>(i + 1), s);
  }
}

}  // namespace hetsim
