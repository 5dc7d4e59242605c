// Whole-scenario checks that need every section: jobs and classes that no chip and pool of the
// platform could ever run. Such a job would otherwise wait in the queue until the horizon.
#include <algorithm>
#include <map>

#include "hetsim/scenario/sections.hpp"

namespace hetsim {

namespace {

struct ChipCapacity {
  const ChipSpec* chip = nullptr;
  int64_t largest_pool = 0;  // cards of the chip's largest pool
  int64_t total = 0;         // cards of all the chip's pools, every site and provider
};

struct Demand {
  uint32_t cards = 1;
  double params = 0;
  double bytes_per_param = 16;
  double activation_gb = 0;
  bool cross_site = false;
  const std::vector<std::string>* allowed = nullptr;  // empty: every chip
};

// Cards of a pool as written: its nodes x its cards per node, by default its chip's per server.
int64_t pool_spec_cards(const PoolSpec& pool, const ChipSpec& chip) {
  return static_cast<int64_t>(pool.nodes) * (pool.cards_per_node > 0 ? pool.cards_per_node : chip.cards_per_server);
}

std::map<std::string, ChipCapacity> capacities(const ScenarioSpec& spec) {
  std::map<std::string, ChipCapacity> caps;
  for (const ChipSpec& c : spec.chips) caps[c.name].chip = &c;
  for (const ProviderSpec& p : spec.providers) {
    for (const PoolSpec& pool : p.pools) {
      auto it = caps.find(pool.chip);
      if (it == caps.end()) continue;
      const int64_t cards = pool_spec_cards(pool, *it->second.chip);
      it->second.largest_pool = std::max(it->second.largest_pool, cards);
      it->second.total += cards;
    }
  }
  return caps;
}

// "" when some allowed chip has the memory and a pool (or, across sites, pools) big enough.
std::string why_impossible(const ScenarioSpec& spec, const std::map<std::string, ChipCapacity>& caps, const Demand& d) {
  const double frac = spec.perf.memory_usable_fraction;
  const double need = d.bytes_per_param * d.params / d.cards / 1e9 + d.activation_gb;
  std::vector<const ChipCapacity*> candidates;
  if (d.allowed != nullptr && !d.allowed->empty()) {
    for (const std::string& n : *d.allowed) {
      auto it = caps.find(n);
      if (it != caps.end()) candidates.push_back(&it->second);
    }
  } else {
    for (const ChipSpec& c : spec.chips) candidates.push_back(&caps.at(c.name));
  }
  if (candidates.empty()) return "";  // nothing to check against; reference errors were reported
  // Only chips the platform actually has can run anything; name the others if nothing is left.
  std::vector<const ChipCapacity*> present;
  std::string absent;
  for (const ChipCapacity* c : candidates) {
    if (c->total > 0)
      present.push_back(c);
    else if (d.allowed != nullptr && !d.allowed->empty())
      absent += (absent.empty() ? "" : ", ") + c->chip->name;
  }
  if (present.empty()) {
    return "none of its allowed chips (" + absent + ") has a pool in this scenario";
  }
  candidates = present;

  const ChipCapacity* roomiest = nullptr;
  const ChipCapacity* biggest = nullptr;
  for (const ChipCapacity* c : candidates) {
    if (!roomiest || c->chip->mem_gb > roomiest->chip->mem_gb) roomiest = c;
    if (need > c->chip->mem_gb * frac) continue;
    const int64_t cap = d.cross_site ? c->total : c->largest_pool;
    if (cap >= d.cards) return "";
    if (!biggest || cap > (d.cross_site ? biggest->total : biggest->largest_pool)) biggest = c;
  }
  if (biggest == nullptr) {
    return "needs " + num(need) + " GB per card (" + num(d.bytes_per_param) + " B/param x " + num(d.params) +
           " params / " + std::to_string(d.cards) + " cards + " + num(d.activation_gb) +
           " GB activations) but the most usable memory of an allowed chip is " + num(roomiest->chip->mem_gb * frac) +
           " GB (" + roomiest->chip->name + ": " + num(roomiest->chip->mem_gb) + " GB x " + num(frac) + ")";
  }
  const int64_t cap = d.cross_site ? biggest->total : biggest->largest_pool;
  const std::string where = d.cross_site ? "all pools of an allowed chip with enough memory hold at most "
                                         : "the largest pool of an allowed chip with enough memory holds ";
  return "gang of " + std::to_string(d.cards) + " cards is too large: " + where + std::to_string(cap) + " cards (" +
         biggest->chip->name + ")";
}

}  // namespace

namespace {
// Rejects runs too large to hold in memory or to finish: never a hang or an out-of-memory crash.
void check_run_size(ParseState& st) {
  const ScenarioSpec& spec = st.spec;
  if (!(spec.horizon_s > 0)) return;
  const double jobs = spec.workload.jobs_per_day * spec.horizon_s / 86400.0;
  if (jobs > kMaxGeneratedJobs) {
    const SourcePos& p = spec.jobs_per_day_pos.line > 0 ? spec.jobs_per_day_pos : spec.workload_pos;
    st.ctx.error_at(p.line, p.col,
                    "'jobs_per_day' x horizon would generate about " + num(jobs) + " jobs, more than the limit of " +
                        num(kMaxGeneratedJobs) + "; lower workload.jobs_per_day or scenario.horizon");
  }
  const double samples = spec.horizon_s / spec.metrics.timeseries_interval_s;
  if (spec.metrics.timeseries_interval_s > 0 && samples > kMaxTimeseriesSamples) {
    const SourcePos& p = spec.timeseries_interval_pos;
    st.ctx.error_at(p.line, p.col,
                    "'timeseries_interval' of " + num(spec.metrics.timeseries_interval_s) + " s gives " + num(samples) +
                        " samples over the horizon, more than the limit of " + num(kMaxTimeseriesSamples) +
                        "; use a longer interval");
  }
}
}  // namespace

namespace {
// The guarantees on each provider must fit its cards, or the driver could not honour them all at
// once. Reported at the guarantee that overflows the provider first (tenants in order).
void check_guarantees(ParseState& st) {
  const ScenarioSpec& spec = st.spec;
  std::map<std::string, int64_t> cards;
  for (const ProviderSpec& p : spec.providers) {
    for (const PoolSpec& pool : p.pools) {
      const auto chip =
          std::find_if(spec.chips.begin(), spec.chips.end(), [&](const ChipSpec& c) { return c.name == pool.chip; });
      if (chip != spec.chips.end()) cards[p.name] += pool_spec_cards(pool, *chip);
    }
  }
  std::map<std::string, int64_t> reserved;
  std::map<std::string, bool> reported;
  for (const TenantSpec& t : spec.tenants) {
    for (const TenantSpec::Guarantee& g : t.guarantee) {
      reserved[g.provider] += g.cards;
      if (reserved[g.provider] <= cards[g.provider] || reported[g.provider]) continue;
      reported[g.provider] = true;
      st.ctx.error_at(g.pos.line, g.pos.col,
                      "guarantees at provider '" + g.provider + "' reach " + std::to_string(reserved[g.provider]) +
                          " cards (tenant " + t.name + "), more than its " + std::to_string(cards[g.provider]) +
                          " cards");
    }
  }
}
}  // namespace

namespace {
// The platform must fit in memory: reported once, at the pool that crosses a limit.
void check_platform_size(ParseState& st) {
  int64_t cards = 0, nodes = 0;
  for (const ProviderSpec& p : st.spec.providers) {
    for (const PoolSpec& pool : p.pools) {
      const auto chip = std::find_if(st.spec.chips.begin(), st.spec.chips.end(),
                                     [&](const ChipSpec& c) { return c.name == pool.chip; });
      if (chip == st.spec.chips.end()) continue;
      cards += pool_spec_cards(pool, *chip);
      nodes += pool.nodes;
      if (cards <= kMaxPlatformCards && nodes <= kMaxPlatformNodes) continue;
      const bool by_cards = cards > kMaxPlatformCards;
      st.ctx.error_at(pool.pos.line, pool.pos.col,
                      "the platform reaches " + std::to_string(by_cards ? cards : nodes) +
                          (by_cards ? " cards" : " nodes") + " at this pool, more than the limit of " +
                          std::to_string(by_cards ? kMaxPlatformCards : kMaxPlatformNodes) +
                          (by_cards ? " cards (kMaxPlatformCards" : " nodes (kMaxPlatformNodes") +
                          "; the Shanghai city has 55,056 cards in 6,882 nodes)");
      return;
    }
  }
}
}  // namespace

void validate_scenario(ParseState& st) {
  check_run_size(st);
  if (!st.cluster_ok) return;
  check_platform_size(st);
  check_guarantees(st);
  const ScenarioSpec& spec = st.spec;
  const auto caps = capacities(spec);

  for (std::size_t i = 0; i < spec.workload.jobs.size(); ++i) {
    if (i >= st.job_ok.size() || !st.job_ok[i]) continue;
    const ExplicitJobSpec& j = spec.workload.jobs[i];
    const Demand d{j.cards,         j.params, j.bytes_per_param, j.activation_gb_per_card, j.allow_cross_site,
                   &j.allowed_chips};
    const std::string why = why_impossible(spec, caps, d);
    if (!why.empty()) {
      const SourcePos& p = spec.job_pos[i];
      // A trace row's job is reported at its row of the trace file (parse_trace.cpp).
      const bool from_trace = p.file != st.ctx.file();
      st.ctx.add(
          Diagnostic{p, "impossible job " +
                            (from_trace ? std::string("of the trace") : "workload.jobs[" + std::to_string(i) + "]") +
                            " (tenant " + j.tenant + "): " + why});
    }
  }

  for (std::size_t i = 0; i < spec.workload.classes.size(); ++i) {
    if (i >= st.class_ok.size() || !st.class_ok[i]) continue;
    const JobClassSpec& c = spec.workload.classes[i];
    // The generator redraws a (gang size, model) pair that fits no chip (docs/workload-calibration.md),
    // so a class is impossible only where a value can never be used: a gang size that fits with
    // none of the class's models, or a model that fits with none of its gang sizes.
    const SourcePos& p = spec.class_pos[i];
    const std::string name =
        "impossible class workload.classes[" + std::to_string(i) + "] (" + job_class_name(c.job_class) + "): ";
    auto why_pair = [&](double cards, double params) {
      const Demand d{static_cast<uint32_t>(cards), params, c.bytes_per_param,
                     c.activation_gb_per_card,     false,  &c.allowed_chips};
      return why_impossible(spec, caps, d);
    };
    // Empty when `value` fits together with at least one of `others`, else the last reason.
    auto never_fits = [&](double value, const std::vector<double>& others, bool value_is_cards) {
      std::string why;
      for (double other : others) {
        why = value_is_cards ? why_pair(value, other) : why_pair(other, value);
        if (why.empty()) return why;
      }
      return why;
    };
    for (double cards : c.cards.values) {
      const std::string why = never_fits(cards, c.model_params.values, true);
      if (!why.empty()) {
        st.ctx.error_at(p.line, p.col,
                        name + "a gang of " + num(cards) + " cards fits with none of its models: " + why);
      }
    }
    for (double params : c.model_params.values) {
      const std::string why = never_fits(params, c.cards.values, false);
      if (!why.empty()) {
        st.ctx.error_at(p.line, p.col,
                        name + "a model of " + num(params) + " parameters fits with none of its gang sizes: " + why);
      }
    }
  }
}

}  // namespace hetsim
