// The small sections: `scenario` (name, horizon, seed), `policy`, `perf` and `metrics`.
#include <algorithm>
#include <cmath>

#include "hetsim/scenario/parse.hpp"
#include "hetsim/scenario/sections.hpp"

namespace hetsim {

void read_scenario_header(ParseState& st, const YamlValue& v) {
  MapReader r(st.ctx, v, "scenario",
              {"name", "description", "horizon", "seed", "stop_when_jobs_end", "stop_when_waiting_exceeds"});
  if (auto s = r.name("name", true)) st.spec.name = *s;
  if (auto s = r.string("description", false)) st.spec.description = *s;
  if (auto t = r.quantity("horizon", UnitKind::Duration, true)) {
    // SimTime holds +-9e12 s; a longer horizon could not be simulated anyway.
    if (r.check("horizon", *t > 0 && *t <= SimTime::kMaxSeconds,
                "'horizon' must be > 0 and at most 9e12 s, got " + num(*t) + " s")) {
      st.spec.horizon_s = *t;
    }
  }
  if (auto n = r.whole("seed", UnitKind::Plain, 0, INT64_MAX, false)) st.spec.seed = static_cast<uint64_t>(*n);
  if (auto n = r.whole("stop_when_waiting_exceeds", UnitKind::Plain, 1, 1'000'000'000, false))
    st.spec.stop_waiting = static_cast<uint64_t>(*n);
  if (const YamlValue* w = r.get("stop_when_jobs_end")) {
    st.spec.stop_pos = st.ctx.pos(*w);
    if (!w->is_list() || w->items.size() != 2) {
      type_error(st.ctx, *w, "'stop_when_jobs_end'", "a list [first, last) of two job ids");
      return;
    }
    const auto first = read_whole(st.ctx, w->items[0], UnitKind::Plain, 0, 1'000'000'000, "the window's first job id");
    const auto last = read_whole(st.ctx, w->items[1], UnitKind::Plain, 1, 1'000'000'000, "the window's end job id");
    if (first && last) {
      if (*first >= *last)
        st.ctx.error(*w, "'stop_when_jobs_end' needs first < last, got [" + std::to_string(*first) + ", " +
                             std::to_string(*last) + ")");
      else
        st.spec.stop_first = static_cast<uint64_t>(*first), st.spec.stop_last = static_cast<uint64_t>(*last);
    }
  }
}

void read_policy(ParseState& st, const YamlValue& v) {
  st.spec.policy.pos = st.ctx.pos(v);
  MapReader r(st.ctx, v, "policy", {"name", "params"});
  if (auto s = r.string("name", true)) {
    if (r.check("name", !s->empty(), "policy 'name' must not be empty")) st.spec.policy.name = *s;
  }
  const YamlValue* params = r.get("params");
  if (params == nullptr) return;
  if (!params->is_map()) {
    type_error(st.ctx, *params, "'params'", "a map of names to values");
    return;
  }
  // Kept as written: the policy registry knows each parameter's type and range.
  for (const YamlEntry& e : params->entries) {
    if (!e.value.is_scalar()) {
      type_error(st.ctx, e.value, "policy parameter '" + e.key + "'", "a string or number");
      continue;
    }
    st.spec.policy.params[e.key] = e.value.scalar;
    st.spec.policy.param_pos[e.key] = st.ctx.pos(e.value);
  }
}

// perf.mixing (docs/scenario-format.md): the costing of gangs that span chip types.
static void read_mixing(ParseState& st, const YamlValue& v, const std::string& base_dir) {
  MixingSpec& mix = st.spec.perf.mixing;
  MapReader r(st.ctx, v, "perf.mixing",
              {"models", "efficiency", "cross_vendor_gbps", "inter_node_gbps", "per_group_dp"});
  if (!r.ok()) return;
  if (auto s = r.string("models", false)) {
    st.mixing_models_at = r.get("models");
    mix.models_path = resolve_scenario_path(base_dir, *s);
  }
  if (const YamlValue* e = r.get("efficiency")) {
    if (!(e->is_scalar() && e->scalar == "planner")) {
      if (auto x = r.quantity("efficiency", UnitKind::Plain, false)) {
        if (r.check("efficiency", *x > 0 && *x <= 2,
                    "'efficiency' must be 'planner' or a number in (0, 2], got " + num(*x)))
          mix.fixed_efficiency = *x;
      }
    }
  }
  read_link_gbps(r, mix.cross_vendor_gbps, mix.inter_node_gbps);
  if (auto b = r.boolean("per_group_dp", false)) mix.per_group_dp = *b;
}

void read_perf(ParseState& st, const YamlValue& v, const std::string& base_dir) {
  MapReader r(st.ctx, v, "perf", {"comm_overlap", "memory_usable_fraction", "mixing"});
  if (auto x = r.quantity("comm_overlap", UnitKind::Plain, false)) {
    if (r.check("comm_overlap", *x < 1, "'comm_overlap' must be in [0, 1), got " + num(*x))) {
      st.spec.perf.comm_overlap = *x;
    }
  }
  if (auto x = r.quantity("memory_usable_fraction", UnitKind::Plain, false)) {
    if (r.check("memory_usable_fraction", *x > 0 && *x <= 1,
                "'memory_usable_fraction' must be in (0, 1], got " + num(*x))) {
      st.spec.perf.memory_usable_fraction = *x;
    }
  }
  if (const YamlValue* m = r.get("mixing")) read_mixing(st, *m, base_dir);
}

void resolve_mixing_models(ParseState& st, const std::string& base_dir) {
  MixingSpec& mix = st.spec.perf.mixing;
  if (!st.first_mix || mix.fixed_efficiency > 0) return;  // nothing to plan
  const SourcePos at = st.mixing_models_at != nullptr ? st.ctx.pos(*st.mixing_models_at) : *st.first_mix;
  if (mix.models_path.empty()) {
    mix.models_path = find_catalog_file(base_dir, "models.yaml");
    if (mix.models_path.empty()) {
      st.ctx.add(Diagnostic{at,
                            "jobs may mix chip types but there is no model catalog for the planner: "
                            "catalog/models.yaml is not in '" +
                                (base_dir.empty() ? std::string(".") : base_dir) +
                                "' or any parent directory (name one with perf.mixing.models, or set "
                                "perf.mixing.efficiency to a number)"});
      return;
    }
  }
  if (read_model_catalog(st.ctx, mix.models_path, at, mix.models) &&
      std::none_of(mix.models.begin(), mix.models.end(), [](const TransformerSpec& m) { return m.experts <= 1; }))
    st.ctx.add(
        Diagnostic{at, "model catalog '" + mix.models_path + "' has no dense model for the mixed-training planner"});
}

void read_metrics(ParseState& st, const YamlValue& v) {
  MapReader r(st.ctx, v, "metrics", {"timeseries_interval"});
  if (const YamlValue* at = r.get("timeseries_interval")) {
    st.spec.timeseries_interval_pos = SourcePos{st.spec.file, at->line, at->col};
  }
  if (auto t = r.quantity("timeseries_interval", UnitKind::Duration, false)) {
    if (r.check("timeseries_interval", *t > 0, "'timeseries_interval' must be > 0")) {
      st.spec.metrics.timeseries_interval_s = *t;
    }
  }
}

void read_preemption(ParseState& st, const YamlValue& v) {
  MapReader r(st.ctx, v, "preemption",
              {"checkpoint_interval", "checkpoint_bytes_per_param", "storage_bandwidth", "restart_overhead"});
  if (!r.ok()) return;
  CheckpointModel& out = st.spec.checkpoint;
  if (auto t = r.quantity("checkpoint_interval", UnitKind::Duration, false)) {
    if (r.check("checkpoint_interval", *t == 0 || (*t >= 1 && *t <= SimTime::kMaxSeconds),
                "'checkpoint_interval' must be 0 (checkpoint only when preempted) or at least 1 s, got " + num(*t) +
                    " s")) {
      out.interval_s = *t;
    }
  }
  if (auto b = r.quantity("checkpoint_bytes_per_param", UnitKind::Plain, false)) {
    if (r.check("checkpoint_bytes_per_param", *b >= 0 && *b <= 64,
                "'checkpoint_bytes_per_param' must be in [0, 64], got " + num(*b))) {
      out.bytes_per_param = *b;
    }
  }
  if (auto g = r.quantity("storage_bandwidth", UnitKind::Bandwidth, false)) {
    if (r.check("storage_bandwidth", *g > 0 && std::isfinite(*g),
                "'storage_bandwidth' must be > 0, got " + num(*g) + " Gb/s")) {
      out.storage_gbps = *g;
    }
  }
  if (auto t = r.quantity("restart_overhead", UnitKind::Duration, false)) {
    if (r.check("restart_overhead", *t >= 0 && *t <= 86400,
                "'restart_overhead' must be in [0, 1 d], got " + num(*t) + " s")) {
      out.restart_overhead_s = *t;
    }
  }
}

void read_data_staging(ParseState& st, const YamlValue& v) {
  MapReader r(st.ctx, v, "data_staging", {"enabled", "link_share"});
  if (!r.ok()) return;
  DataStaging& out = st.spec.data_staging;
  if (auto b = r.boolean("enabled", true)) out.enabled = *b;
  if (out.enabled && st.cluster_ok) {
    // Copies must be able to reach every site (an outage may cut a path for a while, not forever).
    const std::size_t n = st.spec.sites.size();
    std::vector<std::size_t> group(n);
    for (std::size_t i = 0; i < n; ++i) group[i] = i;
    const auto index = [&](const std::string& name) {
      for (std::size_t i = 0; i < n; ++i) {
        if (st.spec.sites[i].name == name) return i;
      }
      return n;
    };
    const auto root = [&](std::size_t i) {
      while (group[i] != i) i = group[i];
      return i;
    };
    for (const LinkSpec& l : st.spec.links) {
      const std::size_t a = index(l.a), c = index(l.b);
      if (a < n && c < n) group[root(a)] = root(c);
    }
    for (std::size_t i = 1; i < n; ++i) {
      if (root(i) != root(0)) {
        r.check("enabled", false,
                "data staging needs a path between every two sites, but site '" + st.spec.sites[i].name +
                    "' has no `links` path to '" + st.spec.sites[0].name + "'");
        break;
      }
    }
  }
  if (auto x = r.quantity("link_share", UnitKind::Plain, false)) {
    if (r.check("link_share", *x > 0 && *x <= 1, "'link_share' must be in (0, 1], got " + num(*x))) out.link_share = *x;
  }
}

void read_failures(ParseState& st, const YamlValue& v) {
  MapReader r(st.ctx, v, "failures", {"retry_limit", "nodes", "sites", "links"});
  if (!r.ok()) return;
  FailuresSpec& out = st.spec.failures;
  if (auto n = r.whole("retry_limit", UnitKind::Plain, 1, 1000000, false)) out.retry_limit = static_cast<uint32_t>(*n);
  if (const auto* list = r.list("nodes", false)) {
    for (const YamlValue& item : *list) {
      MapReader e(st.ctx, item, "failures.nodes entry", {"chip", "mtbf", "mttr"});
      if (!e.ok()) continue;
      FailuresSpec::Nodes n;
      if (auto c = e.string("chip", true)) {
        if (*c == "all" || st.chips.check(st.ctx, *e.get("chip"), *c)) n.chip = *c;
      }
      if (auto t = e.quantity("mtbf", UnitKind::Duration, true)) {
        if (e.check("mtbf", *t >= 60 && *t <= SimTime::kMaxSeconds,
                    "'mtbf' must be at least 1 min, got " + num(*t) + " s"))
          n.mtbf_s = *t;
      }
      if (auto t = e.quantity("mttr", UnitKind::Duration, true)) {
        if (e.check("mttr", *t >= 1 && *t <= SimTime::kMaxSeconds,
                    "'mttr' must be at least 1 s, got " + num(*t) + " s"))
          n.mttr_s = *t;
      }
      if (!n.chip.empty() && n.mtbf_s > 0 && n.mttr_s > 0) out.nodes.push_back(n);
    }
  }
  if (const auto* list = r.list("sites", false)) {
    for (const YamlValue& item : *list) {
      MapReader e(st.ctx, item, "failures.sites entry", {"site", "at", "duration"});
      if (!e.ok()) continue;
      FailuresSpec::Outage o;
      bool ok = true;
      if (auto s2 = e.string("site", true)) {
        ok = st.sites.check(st.ctx, *e.get("site"), *s2);
        o.site = *s2;
      } else {
        ok = false;
      }
      if (auto t = e.quantity("at", UnitKind::Duration, true)) {
        ok = e.check("at", *t >= 0 && *t <= SimTime::kMaxSeconds, "'at' must be a time >= 0, got " + num(*t) + " s") &&
             ok;
        o.at_s = *t;
      } else {
        ok = false;
      }
      if (auto t = e.quantity("duration", UnitKind::Duration, true)) {
        ok = e.check("duration", *t >= 1 && *t <= SimTime::kMaxSeconds,
                     "'duration' must be at least 1 s, got " + num(*t) + " s") &&
             ok;
        o.duration_s = *t;
      } else {
        ok = false;
      }
      if (ok) out.sites.push_back(o);
    }
  }
  if (const auto* list = r.list("links", false)) {
    for (const YamlValue& item : *list) {
      MapReader e(st.ctx, item, "failures.links entry", {"between", "at", "duration"});
      if (!e.ok()) continue;
      FailuresSpec::LinkOutage o;
      bool ok = true;
      if (const auto* ends = e.list("between", true)) {
        std::vector<std::string> names;
        for (const YamlValue& end : *ends) {
          auto n = read_string(st.ctx, end, "failures.links.between");
          if (n && st.sites.check(st.ctx, end, *n))
            names.push_back(*n);
          else
            ok = false;
        }
        if (ok && names.size() != 2) {
          st.ctx.error(*e.get("between"),
                       "'between' names the two sites of a link, got " + std::to_string(names.size()));
          ok = false;
        }
        if (ok) {
          const auto& links = st.spec.links;
          const bool linked = std::any_of(links.begin(), links.end(), [&](const LinkSpec& l) {
            return (l.a == names[0] && l.b == names[1]) || (l.a == names[1] && l.b == names[0]);
          });
          if (!linked) {
            st.ctx.error(*e.get("between"), "no link between '" + names[0] + "' and '" + names[1] + "' in `links:`");
            ok = false;
          }
          o.a = names[0];
          o.b = names.size() > 1 ? names[1] : "";
        }
      } else {
        ok = false;
      }
      if (auto t = e.quantity("at", UnitKind::Duration, true)) {
        ok = e.check("at", *t >= 0 && *t <= SimTime::kMaxSeconds, "'at' must be a time >= 0, got " + num(*t) + " s") &&
             ok;
        o.at_s = *t;
      } else {
        ok = false;
      }
      if (auto t = e.quantity("duration", UnitKind::Duration, true)) {
        ok = e.check("duration", *t >= 1 && *t <= SimTime::kMaxSeconds,
                     "'duration' must be at least 1 s, got " + num(*t) + " s") &&
             ok;
        o.duration_s = *t;
      } else {
        ok = false;
      }
      if (ok) out.links.push_back(o);
    }
  }
}

}  // namespace hetsim
