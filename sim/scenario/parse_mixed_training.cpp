// The `mixed_training:` section of a planning scenario (docs/scenario-format.md, "Mixed-training
// scenarios"): the model catalog and a list of planner requests, some expanded over a `vary` list.
#include <cmath>

#include "hetsim/core/did_you_mean.hpp"
#include "hetsim/scenario/parse.hpp"
#include "hetsim/scenario/sections.hpp"

namespace hetsim {

namespace {

constexpr std::size_t kMaxPlans = 10000;

// One request as written; `vary` handled by the caller.
std::optional<MixedPlanSpec> read_plan(ParseState& st, const YamlValue& v, const MixedPlanSpec& defaults,
                                       const std::vector<std::string>& model_names) {
  Ctx& ctx = st.ctx;
  MapReader r(ctx, v, "plan",
              {"name", "model", "chips", "global_batch", "cross_vendor_gbps", "inter_node_gbps", "per_group_dp",
               "attention", "recompute", "zero", "sequence_parallel", "vary"});
  if (!r.ok()) return std::nullopt;
  const std::size_t before = ctx.error_count();
  MixedPlanSpec p = defaults;
  p.pos = ctx.pos(v);
  if (auto s = r.name("name", true)) p.name = *s;
  if (auto s = r.string("model", true)) {
    const YamlValue& at = *r.get("model");
    if (std::find(model_names.begin(), model_names.end(), *s) == model_names.end()) {
      ctx.error(at, "unknown model '" + *s + "'" + did_you_mean_note(*s, model_names));
    } else {
      p.model = *s;
    }
  }
  if (const YamlValue* chips = r.need("chips")) {
    if (!chips->is_map() || chips->entries.empty()) {
      type_error(ctx, *chips, "'chips'", "a map of chip names to card counts");
    } else {
      for (const YamlEntry& e : chips->entries) {
        if (!st.chips.contains(e.key)) {
          ctx.error_at(e.line, e.col, "undefined chip '" + e.key + "'" + did_you_mean_note(e.key, st.chips.names()),
                       e.value.origin);
          continue;
        }
        if (auto n = read_whole(ctx, e.value, UnitKind::Count, 1, kMaxPlatformCards, "cards of " + e.key))
          p.chips.emplace_back(e.key, static_cast<uint32_t>(*n));
      }
      if (chips->entries.size() > 6) ctx.error(*chips, "at most 6 chip types per plan");
      // The planner's work grows with the cards (one data-parallel degree per divisor of the
      // batch up to the smallest group): a plan is a platform, and takes a platform's limit.
      uint64_t all_cards = 0;
      for (const auto& [chip, cards] : p.chips) all_cards += cards;
      if (all_cards > static_cast<uint64_t>(kMaxPlatformCards))
        ctx.error(*chips, std::to_string(all_cards) + " cards in all are more than " +
                              std::to_string(kMaxPlatformCards) + ", the most a platform may have (kMaxPlatformCards)");
    }
  }
  if (auto n = r.whole("global_batch", UnitKind::Plain, 1, 1 << 24, false)) p.global_batch = static_cast<uint32_t>(*n);
  read_link_gbps(r, p.cross_vendor_gbps, p.inter_node_gbps);
  if (auto b = r.boolean("per_group_dp", false)) p.per_group_dp = *b;
  read_stack(ctx, r, p);
  if (ctx.error_count() != before) return std::nullopt;
  return p;
}

}  // namespace

void read_stack(Ctx& ctx, const MapReader& r, MixedPlanSpec& p) {
  if (auto s = r.string("attention", false)) {
    if (auto a = parse_attention(*s)) {
      p.stack.attention = *a;
    } else {
      ctx.error(*r.get("attention"), "'attention' must be flash or materialized, got '" + *s + "'" +
                                         did_you_mean_note(*s, {"flash", "materialized"}));
    }
  }
  if (auto s = r.string("recompute", false)) {
    if (auto m = parse_recompute_modes(*s)) {
      p.recompute_modes = *m;
    } else {
      ctx.error(*r.get("recompute"),
                "'recompute' must be auto, none, selective or full (or several joined by '|'), "
                "got '" +
                    *s + "'" + did_you_mean_note(*s, {"auto", "none", "selective", "full"}));
    }
  }
  if (auto z = r.whole("zero", UnitKind::Plain, 0, 3, false)) {
    if (r.check("zero", *z != 2, "'zero' must be 0, 1 or 3 (ZeRO stage 2 is not modelled), got 2"))
      p.zero_stage = static_cast<uint32_t>(*z);
  }
  if (auto b = r.boolean("sequence_parallel", false)) p.stack.sequence_parallel = *b;
}

void read_link_gbps(const MapReader& r, double& cross_vendor_gbps, double& inter_node_gbps) {
  if (auto x = r.quantity("cross_vendor_gbps", UnitKind::Plain, false))
    if (r.check("cross_vendor_gbps", *x > 0 && std::isfinite(*x), "'cross_vendor_gbps' must be finite and > 0"))
      cross_vendor_gbps = *x;
  if (auto x = r.quantity("inter_node_gbps", UnitKind::Plain, false))
    if (r.check("inter_node_gbps", *x > 0 && std::isfinite(*x), "'inter_node_gbps' must be finite and > 0"))
      inter_node_gbps = *x;
}

bool read_model_catalog(Ctx& ctx, const std::string& path, const SourcePos& at, std::vector<TransformerSpec>& out) {
  std::vector<Diagnostic> errors;
  out = parse_model_catalog_file(path, errors);
  for (Diagnostic& d : errors) {
    if (d.pos.line == 0) d.pos = at, d.message = "model catalog '" + path + "': " + d.message;
    ctx.add(std::move(d));
  }
  return errors.empty();
}

void read_mixed_training(ParseState& st, const YamlValue& v, const std::string& base_dir) {
  Ctx& ctx = st.ctx;
  MixedTrainingSpec& spec = st.spec.mixed_training;
  MapReader r(ctx, v, "mixed_training",
              {"models", "cross_vendor_gbps", "inter_node_gbps", "attention", "recompute", "zero", "sequence_parallel",
               "plans"});
  if (!r.ok()) return;
  // The model catalog: `models:` relative to the scenario, else catalog/models.yaml found upwards.
  const YamlValue* at = &v;
  if (auto s = r.string("models", false)) {
    at = r.get("models");
    spec.models_path = resolve_scenario_path(base_dir, *s);
  } else {
    spec.models_path = find_catalog_file(base_dir, "models.yaml");
    if (spec.models_path.empty()) {
      ctx.error(v, "no model catalog: catalog/models.yaml is not in '" + base_dir +
                       "' or any parent directory (name one with 'models:')");
      return;
    }
  }
  if (!read_model_catalog(ctx, spec.models_path, ctx.pos(*at), spec.models)) return;
  std::vector<std::string> model_names;
  for (const auto& m : spec.models) model_names.push_back(m.name);

  MixedPlanSpec defaults;
  read_link_gbps(r, defaults.cross_vendor_gbps, defaults.inter_node_gbps);
  read_stack(ctx, r, defaults);  // the section's stack; a plan may override each key

  const auto* plans = r.list("plans", true);
  if (plans == nullptr) return;
  if (!r.check("plans", !plans->empty(), "'plans' must list at least one plan")) return;
  NameSet names{"plan"};
  for (const YamlValue& item : *plans) {
    auto p = read_plan(st, item, defaults, model_names);
    if (!p) continue;
    std::vector<MixedPlanSpec> expanded{*p};
    if (const YamlValue* vary = item.is_map() ? item.find("vary") : nullptr) {
      if (!vary->is_map() || vary->entries.size() != 1 || !vary->entries[0].value.is_list() ||
          vary->entries[0].value.items.empty()) {
        type_error(ctx, *vary, "'vary'",
                   "a map of one key (cross_vendor_gbps, inter_node_gbps or global_batch) to a list");
        continue;
      }
      const YamlEntry& e = vary->entries[0];
      if (e.key != "cross_vendor_gbps" && e.key != "inter_node_gbps" && e.key != "global_batch") {
        ctx.error(*vary, "'vary' takes cross_vendor_gbps, inter_node_gbps or global_batch, not '" + e.key + "'");
        continue;
      }
      expanded.clear();
      for (const YamlValue& x : e.value.items) {
        auto q = read_quantity(ctx, x, UnitKind::Plain, "a value of " + e.key);
        if (!q) continue;
        if (!(*q > 0) ||
            (e.key == "global_batch" && (*q != static_cast<double>(static_cast<uint32_t>(*q)) || *q > (1 << 24)))) {
          ctx.error(x, "'" + e.key + "' values must be " +
                           (e.key == "global_batch" ? "whole numbers in 1..16777216" : "> 0"));
          continue;
        }
        MixedPlanSpec c = *p;
        if (e.key == "cross_vendor_gbps") c.cross_vendor_gbps = *q;
        if (e.key == "inter_node_gbps") c.inter_node_gbps = *q;
        if (e.key == "global_batch") c.global_batch = static_cast<uint32_t>(*q);
        c.name = p->name + "@" + e.key + "=" + x.scalar;
        c.pos = ctx.pos(x);
        expanded.push_back(std::move(c));
      }
    }
    for (auto& c : expanded) {
      if (!names.add(c.name)) {
        ctx.error(item, "plan '" + c.name + "' is defined twice");
        continue;
      }
      spec.plans.push_back(std::move(c));
    }
  }
  if (spec.plans.size() > kMaxPlans) ctx.error(v, "more than 10000 plans");
}

}  // namespace hetsim
