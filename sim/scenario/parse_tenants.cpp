// `tenants`: generated (count + prefix, Zipf weights) or listed.
#include <algorithm>
#include <cmath>
#include <string>

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

}  // namespace

void read_tenants(ParseState& st, const YamlValue& v) {
  MapReader r(st.ctx, v, "tenants", {"generate", "list"});
  if (!r.ok()) return;
  const YamlValue* gen = r.get("generate");
  const YamlValue* list = r.get("list");
  if ((gen == nullptr) == (list == nullptr)) {
    st.ctx.error(v, gen ? "'tenants' takes either 'generate' or 'list', not both"
                        : "'tenants' needs 'generate' or 'list'");
    return;
  }
  if (gen != nullptr) {
    MapReader g(st.ctx, *gen, "tenants.generate", {"count", "prefix", "mix_chips"});
    auto count = g.whole("count", UnitKind::Count, 1, kMaxTenants, true);
    auto prefix = g.name("prefix", true);
    const bool mix = g.boolean("mix_chips", false).value_or(false);
    if (mix && !st.first_mix) st.first_mix = st.ctx.pos(*g.get("mix_chips"));
    if (!count || !prefix) return;
    st.tenants_generated = true;
    for (int64_t i = 1; i <= *count; ++i) {
      const std::string name = numbered(*prefix, i, *count);
      st.tenants.add(name);
      st.spec.tenants.push_back(TenantSpec{name, 1.0, 0, mix});
    }
    return;
  }
  if (!list->is_list()) {
    type_error(st.ctx, *list, "'list'", "a list");
    return;
  }
  if (list->items.empty()) st.ctx.error(*list, "'tenants.list' must name at least one tenant");
  for (const YamlValue& item : list->items) {
    MapReader t(st.ctx, item, "tenant", {"name", "weight", "priority", "mix_chips"});
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
