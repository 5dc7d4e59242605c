// `workload`: arrival rate, diurnal profile, job classes and explicit jobs.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <set>

#include "hetsim/scenario/sections.hpp"

namespace hetsim {

namespace {

constexpr int64_t kMaxCards = 1'000'000;
// Longest sequence a job may give: 16 M tokens, beyond any published context window.
constexpr int64_t kMaxSeqLen = 16'777'216;

// { values: [...], weights: [...] }: same non-zero length, weights >= 0 and not all zero.
std::optional<DiscreteDist> read_discrete(Ctx& ctx, const YamlValue& v, const std::string& what, UnitKind kind,
                                          bool whole_cards) {
  MapReader r(ctx, v, what, {"values", "weights"});
  const auto* values = r.list("values", true);
  const auto* weights = r.list("weights", true);
  if (values == nullptr || weights == nullptr) return std::nullopt;
  const std::size_t before = ctx.error_count();
  DiscreteDist d;
  for (const YamlValue& x : *values) {
    if (whole_cards) {
      if (auto n = read_whole(ctx, x, UnitKind::Plain, 1, kMaxCards, what + " value")) {
        d.values.push_back(static_cast<double>(*n));
      }
    } else if (auto q = read_quantity(ctx, x, kind, what + " value")) {
      if (*q > 0) {
        d.values.push_back(*q);
      } else {
        ctx.error(x, what + " values must be > 0");
      }
    }
  }
  double total = 0;
  for (const YamlValue& x : *weights) {
    if (auto q = read_quantity(ctx, x, UnitKind::Plain, what + " weight")) {
      d.weights.push_back(*q);
      total += *q;
    }
  }
  if (ctx.error_count() != before) return std::nullopt;
  if (values->empty()) {
    ctx.error(*r.get("values"), what + " needs at least one value");
    return std::nullopt;
  }
  if (values->size() != weights->size()) {
    ctx.error(*r.get("weights"), what + " has " + std::to_string(values->size()) + " values but " +
                                     std::to_string(weights->size()) + " weights");
    return std::nullopt;
  }
  if (!(total > 0)) {
    ctx.error(*r.get("weights"), what + " weights are all zero");
    return std::nullopt;
  }
  return d;
}

// { median, sigma, min?, max? } with median > 0, sigma >= 0 and min <= median <= max.
std::optional<LogNormalDist> read_lognormal(Ctx& ctx, const YamlValue& v, const std::string& what, UnitKind kind) {
  MapReader r(ctx, v, what, {"median", "sigma", "min", "max"});
  if (!r.ok()) return std::nullopt;
  const std::size_t before = ctx.error_count();
  LogNormalDist d;
  if (auto x = r.quantity("median", kind, true)) {
    if (r.check("median", *x > 0, what + " median must be > 0")) d.median = *x;
  }
  if (auto x = r.quantity("sigma", UnitKind::Plain, true)) d.sigma = *x;
  if (auto x = r.quantity("min", kind, false)) d.min = *x;
  if (auto x = r.quantity("max", kind, false)) d.max = *x;
  if (ctx.error_count() != before) return std::nullopt;
  if (!(d.min <= d.median && d.median <= d.max)) {
    ctx.error(v, what + " needs min <= median <= max, got min " + num(d.min) + ", median " + num(d.median) + ", max " +
                     num(d.max));
    return std::nullopt;
  }
  return d;
}

std::optional<std::vector<std::string>> read_allowed_chips(ParseState& st, const MapReader& r) {
  const auto* list = r.list("allowed_chips", false);
  if (list == nullptr) return std::nullopt;
  if (list->empty()) {
    st.ctx.error(*r.get("allowed_chips"), "'allowed_chips' must not be empty (leave it out to allow every chip)");
    return std::nullopt;
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const YamlValue& x : *list) {
    auto s = read_string(st.ctx, x, "chip");
    if (!s || !st.chips.check(st.ctx, x, *s)) continue;
    if (!seen.insert(*s).second) {
      st.ctx.error(x, "chip '" + *s + "' listed twice in 'allowed_chips'");
      continue;
    }
    out.push_back(*s);
  }
  return out;
}

std::optional<JobClass> read_class_name(const MapReader& r) {
  auto s = r.string("class", true);
  if (!s) return std::nullopt;
  JobClass c{};
  if (!parse_job_class(*s, c)) {
    r.ctx().error(*r.get("class"),
                  "unknown job class '" + *s + "' (expected pretrain, finetune, eval, inference or debug)");
    return std::nullopt;
  }
  return c;
}

// Fields that classes and explicit jobs share.
struct Footprint {
  bool trains = true;
  uint32_t seq_len = kDefaultSeqLen;
  double bytes_per_param = 16;
  double activation_gb_per_card = 0;
  double cpu_milli_per_card = 0;
  double mem_mib_per_card = 0;
};

Footprint read_footprint(const MapReader& r) {
  Footprint f;
  if (auto b = r.boolean("trains", false)) f.trains = *b;
  // Tokens per sequence, for attention's FLOPs (docs/performance-model.md); 0 leaves them out.
  if (auto n = r.whole("seq_len", UnitKind::Count, 0, kMaxSeqLen, false)) f.seq_len = static_cast<uint32_t>(*n);
  // Forward-only work keeps BF16 weights only; training adds gradients and Adam states.
  f.bytes_per_param = f.trains ? 16 : 2;
  if (auto x = r.quantity("bytes_per_param", UnitKind::Plain, false)) {
    if (r.check("bytes_per_param", *x > 0, "'bytes_per_param' must be > 0")) f.bytes_per_param = *x;
  }
  if (auto x = r.quantity("activation_per_card", UnitKind::Size, false)) f.activation_gb_per_card = *x;
  if (auto x = r.whole("cpu_per_card", UnitKind::Cpu, 0, INT64_MAX, false)) {
    f.cpu_milli_per_card = static_cast<double>(*x);
  }
  if (auto x = r.quantity("memory_per_card", UnitKind::Size, false)) f.mem_mib_per_card = *x * 1e9 / 1048576.0;
  return f;
}

// `mix_chips`: gangs may span chip types. The planner models training only.
bool read_mix_chips(ParseState& st, const MapReader& r, bool trains) {
  auto b = r.boolean("mix_chips", false);
  if (!b || !*b) return false;
  if (!r.check("mix_chips", trains,
               "'mix_chips' needs a training job ('trains: true'): the mixed-training planner models training"))
    return false;
  if (!st.first_mix) st.first_mix = st.ctx.pos(*r.get("mix_chips"));
  return true;
}

// A class's `elastic: { share, min_cards?, max_cards? }`: share in [0, 1], 1 <= min <= max.
std::optional<ElasticClassSpec> read_elastic(Ctx& ctx, const YamlValue& v, const std::string& what) {
  MapReader r(ctx, v, what, {"share", "min_cards", "max_cards"});
  if (!r.ok()) return std::nullopt;
  const std::size_t before = ctx.error_count();
  ElasticClassSpec e;
  if (auto x = r.quantity("share", UnitKind::Plain, true)) {
    if (r.check("share", *x >= 0 && *x <= 1, "'share' of 'elastic' must be in [0, 1], got " + num(*x))) e.share = *x;
  }
  if (auto n = r.whole("min_cards", UnitKind::Count, 1, kMaxCards, false)) e.min_cards = static_cast<uint32_t>(*n);
  if (auto n = r.whole("max_cards", UnitKind::Count, 1, kMaxCards, false)) {
    if (r.check(
            "max_cards", *n >= e.min_cards,
            "'max_cards' (" + std::to_string(*n) + ") must be >= 'min_cards' (" + std::to_string(e.min_cards) + ")")) {
      e.max_cards = static_cast<uint32_t>(*n);
    }
  }
  if (ctx.error_count() != before) return std::nullopt;
  return e;
}

JobClassSpec read_class(ParseState& st, const YamlValue& v, const std::string& what) {
  MapReader r(st.ctx, v, what,
              {"class", "share", "cards", "runtime", "model_params", "tokens_per_step", "seq_len", "trains",
               "bytes_per_param", "activation_per_card", "cpu_per_card", "memory_per_card", "data", "allowed_chips",
               "estimate_error", "mix_chips", "elastic"});
  JobClassSpec c;
  if (!r.ok()) return c;
  if (auto k = read_class_name(r)) c.job_class = *k;
  if (auto x = r.quantity("share", UnitKind::Plain, true)) {
    if (r.check("share", *x > 0, "'share' must be > 0, got " + num(*x))) c.share = *x;
  }
  if (const YamlValue* x = r.need("cards")) {
    if (auto d = read_discrete(st.ctx, *x, "'cards'", UnitKind::Plain, true)) c.cards = *d;
  }
  if (const YamlValue* x = r.need("runtime")) {
    if (auto d = read_lognormal(st.ctx, *x, "'runtime'", UnitKind::Duration)) c.runtime_s = *d;
  }
  if (const YamlValue* x = r.need("model_params")) {
    if (auto d = read_discrete(st.ctx, *x, "'model_params'", UnitKind::Count, false)) c.model_params = *d;
  }
  if (auto x = r.quantity("tokens_per_step", UnitKind::Count, true)) {
    if (r.check("tokens_per_step", *x > 0, "'tokens_per_step' must be > 0")) c.tokens_per_step = *x;
  }
  const Footprint f = read_footprint(r);
  c.trains = f.trains;
  c.seq_len = f.seq_len;
  c.bytes_per_param = f.bytes_per_param;
  c.activation_gb_per_card = f.activation_gb_per_card;
  c.cpu_milli_per_card = f.cpu_milli_per_card;
  c.mem_mib_per_card = f.mem_mib_per_card;
  // Without `data`, jobs carry no dataset: a point mass at 0 GB.
  c.data_gb = LogNormalDist{0, 0, 0, 0};
  if (const YamlValue* x = r.get("data")) {
    if (auto d = read_lognormal(st.ctx, *x, "'data'", UnitKind::Size)) c.data_gb = *d;
  }
  if (auto a = read_allowed_chips(st, r)) c.allowed_chips = *a;
  if (auto x = r.quantity("estimate_error", UnitKind::Plain, false)) c.estimate_error_sigma = *x;
  c.mix_chips = read_mix_chips(st, r, f.trains);
  if (const YamlValue* x = r.get("elastic")) {
    if (auto e = read_elastic(st.ctx, *x, what + ".elastic")) c.elastic = *e;
  }
  return c;
}

}  // namespace

const std::vector<std::string_view>& explicit_job_keys() {
  static const std::vector<std::string_view> keys{"tenant",
                                                  "class",
                                                  "arrival",
                                                  "cards",
                                                  "min_cards",
                                                  "max_cards",
                                                  "params",
                                                  "tokens_per_step",
                                                  "seq_len",
                                                  "runtime_on_reference",
                                                  "steps",
                                                  "estimate",
                                                  "allowed_chips",
                                                  "data_site",
                                                  "data",
                                                  "priority",
                                                  "allow_cross_site",
                                                  "mix_chips",
                                                  "trains",
                                                  "bytes_per_param",
                                                  "activation_per_card",
                                                  "cpu_per_card",
                                                  "memory_per_card"};
  return keys;
}

ExplicitJobSpec read_job(ParseState& st, const YamlValue& v, const std::string& what) {
  MapReader r(st.ctx, v, what, explicit_job_keys());
  ExplicitJobSpec j;
  if (!r.ok()) return j;
  if (auto s = r.string("tenant", true)) {
    j.tenant = *s;
    st.tenants.check(st.ctx, *r.get("tenant"), *s);
  }
  if (auto k = read_class_name(r)) j.job_class = *k;
  if (auto t = r.quantity("arrival", UnitKind::Duration, true)) {
    const double h = st.spec.horizon_s;
    if (r.check("arrival", h <= 0 || *t < h,
                "'arrival' (" + num(*t) + " s) must be before the horizon (" + num(h) + " s)")) {
      j.arrival_s = *t;
    }
  }
  const auto cards = r.whole("cards", UnitKind::Count, 1, kMaxCards, true);
  if (cards) j.cards = static_cast<uint32_t>(*cards);
  // Elastic range (only elastic-aware policies use it): min_cards <= cards <= max_cards.
  if (auto n = r.whole("min_cards", UnitKind::Count, 1, kMaxCards, false)) {
    if (!cards ||
        r.check("min_cards", *n <= *cards,
                "'min_cards' (" + std::to_string(*n) + ") must be <= 'cards' (" + std::to_string(*cards) + ")")) {
      j.min_cards = static_cast<uint32_t>(*n);
    }
  }
  if (auto n = r.whole("max_cards", UnitKind::Count, 1, kMaxCards, false)) {
    if (!cards ||
        r.check("max_cards", *n >= *cards,
                "'max_cards' (" + std::to_string(*n) + ") must be >= 'cards' (" + std::to_string(*cards) + ")")) {
      j.max_cards = static_cast<uint32_t>(*n);
    }
  }
  if (auto x = r.quantity("params", UnitKind::Count, true)) {
    if (r.check("params", *x > 0, "'params' must be > 0")) j.params = *x;
  }
  if (auto x = r.quantity("tokens_per_step", UnitKind::Count, true)) {
    if (r.check("tokens_per_step", *x > 0, "'tokens_per_step' must be > 0")) j.tokens_per_step = *x;
  }
  const bool has_runtime = r.has("runtime_on_reference");
  const bool has_steps = r.has("steps");
  if (has_runtime == has_steps) {
    st.ctx.error(v, has_runtime ? "job gives both 'runtime_on_reference' and 'steps'; give exactly one"
                                : "job needs 'runtime_on_reference' or 'steps'");
  } else if (has_runtime) {
    if (auto t = r.quantity("runtime_on_reference", UnitKind::Duration, true)) {
      if (r.check("runtime_on_reference", *t > 0, "'runtime_on_reference' must be > 0")) j.reference_runtime_s = *t;
    }
  } else if (auto n = r.whole("steps", UnitKind::Count, 1, INT64_MAX, true)) {
    j.steps = static_cast<uint64_t>(*n);
  }
  if (auto t = r.quantity("estimate", UnitKind::Duration, false)) {
    if (r.check("estimate", *t > 0, "'estimate' must be > 0")) j.runtime_estimate_s = *t;
  }
  const Footprint f = read_footprint(r);
  j.trains = f.trains;
  j.seq_len = f.seq_len;
  j.bytes_per_param = f.bytes_per_param;
  j.activation_gb_per_card = f.activation_gb_per_card;
  j.cpu_milli_per_card = f.cpu_milli_per_card;
  j.mem_mib_per_card = f.mem_mib_per_card;
  if (auto a = read_allowed_chips(st, r)) j.allowed_chips = *a;
  if (auto s = r.string("data_site", false)) {
    if (st.sites.check(st.ctx, *r.get("data_site"), *s)) j.data_site = *s;
  } else if (!st.spec.sites.empty()) {
    j.data_site = st.spec.sites.front().name;
  }
  if (auto x = r.quantity("data", UnitKind::Size, false)) j.data_gb = *x;
  if (auto p = r.whole("priority", UnitKind::Plain, 0, 1'000'000'000, false)) j.priority = static_cast<int>(*p);
  if (auto b = r.boolean("allow_cross_site", false)) j.allow_cross_site = *b;
  j.mix_chips = read_mix_chips(st, r, f.trains);
  return j;
}

namespace {

void read_diurnal(ParseState& st, const YamlValue& v, std::array<double, 24>& out) {
  if (!v.is_list()) {
    type_error(st.ctx, v, "'diurnal'", "a list of 24 numbers");
    return;
  }
  if (v.items.size() != 24) {
    st.ctx.error(v, "'diurnal' needs 24 numbers (one per hour), got " + std::to_string(v.items.size()));
    return;
  }
  std::array<double, 24> d{};
  double sum = 0;
  bool ok = true;
  for (std::size_t h = 0; h < 24; ++h) {
    auto x = read_quantity(st.ctx, v.items[h], UnitKind::Plain, "'diurnal' entry");
    ok = ok && x.has_value();
    d[h] = x.value_or(0);
    sum += d[h];
  }
  if (!ok) return;
  if (!(sum > 0)) {
    st.ctx.error(v, "'diurnal' values are all zero");
    return;
  }
  for (double& x : d) x *= 24.0 / sum;  // mean 1
  out = d;
}

// `gavel:` Gavel's job generator over the measured types of `throughputs:` (GavelStreamSpec).
void read_gavel(ParseState& st, const YamlValue& v) {
  GavelStreamSpec& g = st.spec.workload.gavel;
  MapReader r(st.ctx, v, "workload.gavel", {"jobs_per_hour", "jobs", "multi_gpu", "job_types", "tenant"});
  if (!r.ok()) return;
  if (!st.throughputs_written) {
    st.ctx.error(v, "'workload.gavel' draws job types from measured throughputs: add a `throughputs:` section");
  }
  if (auto x = r.quantity("jobs_per_hour", UnitKind::Plain, true)) {
    if (r.check("jobs_per_hour", *x > 0 && *x <= 1e6, "'jobs_per_hour' must be in (0, 1e6], got " + num(*x))) {
      g.jobs_per_hour = *x;
    }
  }
  if (auto n = r.whole("jobs", UnitKind::Count, 1, static_cast<int64_t>(kMaxGeneratedJobs), true)) {
    g.jobs = static_cast<uint32_t>(*n);
  }
  if (auto b = r.boolean("multi_gpu", false)) g.multi_gpu = *b;
  if (const auto* types = r.list("job_types", false)) {
    if (types->empty())
      st.ctx.error(*r.get("job_types"), "'job_types' must not be empty (leave it out for every type)");
    for (std::size_t i = 0; i < types->size(); ++i) {
      auto s = read_string(st.ctx, (*types)[i], "workload.gavel.job_types[" + std::to_string(i) + "]");
      if (!s) continue;
      const auto& known = st.spec.throughputs.types;
      const bool found = std::any_of(known.begin(), known.end(), [&](const auto& t) { return t.name == *s; });
      if (st.spec.has_throughputs && !found) {
        st.ctx.error((*types)[i], "job type '" + *s + "' is not in the throughput file");
        continue;
      }
      g.job_types.push_back(*s);
    }
  }
  if (auto s = r.string("tenant", false)) {
    if (st.tenants.check(st.ctx, *r.get("tenant"), *s)) g.tenant = *s;
  }
  // Every scale factor the generator may draw needs a type to draw (the chips are checked at build).
  if (st.spec.has_throughputs) {
    for (uint32_t sf : {1u, 2u, 4u, 8u}) {
      if (sf > 1 && !g.multi_gpu) break;
      const auto& known = st.spec.throughputs.types;
      const bool any = std::any_of(known.begin(), known.end(), [&](const auto& t) {
        return t.cards == sf &&
               (g.job_types.empty() || std::find(g.job_types.begin(), g.job_types.end(), t.name) != g.job_types.end());
      });
      if (!any) {
        st.ctx.error(r.get("multi_gpu") ? *r.get("multi_gpu") : v,
                     "no job type of scale factor " + std::to_string(sf) + " in the throughput file" +
                         (g.job_types.empty() ? "" : " among 'job_types'") +
                         (sf > 1 ? " (multi_gpu draws scale factors 1, 2, 4 and 8)" : ""));
        break;
      }
    }
  }
  g.enabled = true;
}

}  // namespace

void read_workload(ParseState& st, const YamlValue& v, const std::string& base_dir) {
  WorkloadSpec& w = st.spec.workload;
  w.diurnal.fill(1.0);
  st.spec.workload_pos = st.ctx.pos(v);
  MapReader r(st.ctx, v, "workload",
              {"reference_chip", "jobs_per_day", "diurnal", "tenant_zipf", "classes", "jobs", "trace", "gavel"});
  if (!r.ok()) return;
  const auto* classes = r.list("classes", false);
  const auto* jobs = r.list("jobs", false);
  const YamlValue* gavel = r.get("gavel");
  const YamlValue* trace = r.get("trace");
  const bool has_work =
      (classes && !classes->empty()) || (jobs && !jobs->empty()) || gavel != nullptr || trace != nullptr;
  if (gavel != nullptr) {
    if (classes && !classes->empty())
      st.ctx.error(*r.get("classes"), "'classes' cannot be combined with 'gavel' (its jobs are the only ones)");
    if (jobs && !jobs->empty())
      st.ctx.error(*r.get("jobs"), "'jobs' cannot be combined with 'gavel' (its jobs are the only ones)");
    if (trace != nullptr) st.ctx.error(*trace, "'trace' cannot be combined with 'gavel' (its jobs are the only ones)");
    read_gavel(st, *gavel);
  }

  if (auto s = r.string("reference_chip", has_work)) {
    if (st.chips.check(st.ctx, *r.get("reference_chip"), *s)) {
      w.reference_chip = *s;
      for (const ChipSpec& c : st.spec.chips) {
        if (c.name == *s) w.reference_cards_per_node = static_cast<uint32_t>(c.cards_per_server);
      }
    }
  }
  if (gavel != nullptr && st.spec.has_throughputs && !w.reference_chip.empty()) {
    const auto& mapped = st.spec.throughputs.chips;
    const bool measured =
        std::any_of(mapped.begin(), mapped.end(), [&](const auto& m) { return m.second == w.reference_chip; });
    r.check("reference_chip", measured,
            "reference chip '" + w.reference_chip +
                "' has no measured rates: 'gavel' states durations on it, so map it in `throughputs.chips`");
  }
  if (const YamlValue* at = r.get("jobs_per_day")) {
    st.spec.jobs_per_day_pos = SourcePos{st.spec.file, at->line, at->col};
  }
  if (auto x = r.quantity("jobs_per_day", UnitKind::Count, gavel == nullptr)) {
    w.jobs_per_day = *x;
    r.check("jobs_per_day", *x == 0 || (classes && !classes->empty()),
            "'jobs_per_day' is " + num(*x) + " but the workload has no classes to generate jobs from");
  }
  if (const YamlValue* d = r.get("diurnal")) read_diurnal(st, *d, w.diurnal);
  if (auto x = r.quantity("tenant_zipf", UnitKind::Plain, false)) w.tenant_zipf_s = *x;

  if (classes != nullptr) {
    for (std::size_t i = 0; i < classes->size(); ++i) {
      const std::size_t before = st.ctx.error_count();
      const YamlValue& item = (*classes)[i];
      w.classes.push_back(read_class(st, item, "workload.classes[" + std::to_string(i) + "]"));
      st.spec.class_pos.push_back(st.ctx.pos(item));
      st.class_ok.push_back(st.ctx.error_count() == before);
    }
  }
  if (jobs != nullptr) {
    for (std::size_t i = 0; i < jobs->size(); ++i) {
      const std::size_t before = st.ctx.error_count();
      const YamlValue& item = (*jobs)[i];
      w.jobs.push_back(read_job(st, item, "workload.jobs[" + std::to_string(i) + "]"));
      st.spec.job_pos.push_back(st.ctx.pos(item));
      st.job_ok.push_back(st.ctx.error_count() == before);
    }
  }
  if (trace != nullptr && gavel == nullptr) read_trace(st, *trace, base_dir);
}

}  // namespace hetsim
