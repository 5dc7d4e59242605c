#include "hetsim/workload/explicit_jobs.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "hetsim/workload/job_building.hpp"

namespace hetsim {
namespace {

bool finite_nonneg(double x) { return std::isfinite(x) && x >= 0; }

template <typename Id>
Id lookup(const std::vector<std::string>& names, const std::string& name, const std::string& what, const char* kind) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) {
    throw std::invalid_argument(what + ": unknown " + kind + " '" + name + "'");
  }
  return static_cast<Id>(it - names.begin());
}

TimedJob convert_one(const ExplicitJobSpec& e, const GeneratorContext& ctx, const std::string& what) {
  if (e.cards == 0) throw std::invalid_argument(what + ": cards must be >= 1");
  // Elastic range: 0 stands for `cards`.
  const uint32_t min_cards = e.min_cards > 0 ? e.min_cards : e.cards;
  const uint32_t max_cards = e.max_cards > 0 ? e.max_cards : e.cards;
  if (min_cards > e.cards || max_cards < e.cards) {
    throw std::invalid_argument(what + ": needs min_cards <= cards <= max_cards, got " + std::to_string(min_cards) +
                                " <= " + std::to_string(e.cards) + " <= " + std::to_string(max_cards));
  }
  if (!std::isfinite(e.params) || !(e.params > 0)) {
    throw std::invalid_argument(what + ": params must be > 0");
  }
  if (!std::isfinite(e.tokens_per_step) || !(e.tokens_per_step > 0)) {
    throw std::invalid_argument(what + ": tokens_per_step must be > 0");
  }
  if (!std::isfinite(e.bytes_per_param) || !(e.bytes_per_param > 0)) {
    throw std::invalid_argument(what + ": bytes_per_param must be > 0");
  }
  if (!finite_nonneg(e.arrival_s) || !finite_nonneg(e.activation_gb_per_card) || !finite_nonneg(e.cpu_milli_per_card) ||
      !finite_nonneg(e.mem_mib_per_card) || !finite_nonneg(e.reference_runtime_s) ||
      !finite_nonneg(e.runtime_estimate_s) || !finite_nonneg(e.data_gb)) {
    throw std::invalid_argument(what + ": times, sizes and host resources must be finite and >= 0");
  }
  const bool by_steps = e.steps > 0;
  const bool by_runtime = e.reference_runtime_s > 0;
  if (by_steps == by_runtime) {
    throw std::invalid_argument(what + ": give exactly one of steps and runtime_on_reference");
  }

  TimedJob out;
  Job& j = out.job;
  j.tenant = lookup<TenantId>(ctx.tenant_names, e.tenant, what, "tenant");
  j.job_class = e.job_class;
  j.arrival = SimTime::from_seconds(e.arrival_s);
  j.cards = e.cards;
  j.cpu_milli_per_card = std::llround(e.cpu_milli_per_card);
  j.mem_mib_per_card = std::llround(e.mem_mib_per_card);
  j.model.params = e.params;
  j.model.tokens_per_step = e.tokens_per_step;
  j.model.trains = e.trains;
  j.model.flops_per_param_token = e.trains ? 6.0 : 2.0;
  j.model.attention_flops_per_token =
      dense_attention_flops_per_token(e.params, e.seq_len, j.model.flops_per_param_token);
  j.model.bytes_per_param = e.bytes_per_param;
  j.model.activation_gb_per_card = e.activation_gb_per_card;
  j.data_site = e.data_site.empty() ? SiteId{0} : lookup<SiteId>(ctx.site_names, e.data_site, what, "site");
  j.data_gb = e.data_gb;
  j.priority = e.priority;
  j.allow_cross_site = e.allow_cross_site;
  j.may_mix_chips =
      e.trains && (e.mix_chips || (j.tenant < ctx.tenant_mix_chips.size() && ctx.tenant_mix_chips[j.tenant] != 0));

  const uint64_t candidates = chip_mask(e.allowed_chips, *ctx.catalog, what);
  j.allowed_chips = placeable_chips(j, candidates, ctx);
  if (j.allowed_chips == 0) {
    throw std::invalid_argument(what + ": impossible job: " + describe_misfit(j, candidates, ctx));
  }

  const double step_s = reference_step_time(ctx, j, what);
  j.steps = by_steps ? e.steps : steps_for_runtime(e.reference_runtime_s, step_s);
  out.reference_runtime_s = static_cast<double>(j.steps) * step_s;
  j.runtime_estimate_s = e.runtime_estimate_s > 0 ? e.runtime_estimate_s : out.reference_runtime_s;
  // Feasibility and steps are those of the requested gang; the batch is global, so the steps hold
  // for every gang size of the range too.
  set_gang_range(j, min_cards, max_cards);
  return out;
}

}  // namespace

std::vector<TimedJob> convert_explicit_jobs(const WorkloadSpec& spec, const GeneratorContext& ctx) {
  std::vector<TimedJob> out;
  out.reserve(spec.jobs.size());
  for (std::size_t i = 0; i < spec.jobs.size(); ++i) {
    const auto& e = spec.jobs[i];
    out.push_back(convert_one(e, ctx, "workload job #" + std::to_string(i + 1) + " (tenant '" + e.tenant + "')"));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const TimedJob& a, const TimedJob& b) { return a.job.arrival < b.job.arrival; });
  return out;
}

}  // namespace hetsim
