#include "hetsim/workload/class_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "hetsim/workload/job_building.hpp"

namespace hetsim {
namespace {

bool finite_nonneg(double x) { return std::isfinite(x) && x >= 0; }

void validate_class(const JobClassSpec& c, const std::string& label) {
  if (!finite_nonneg(c.share)) throw std::invalid_argument(label + ": share must be >= 0");
  validate_discrete(c.cards, label + " cards");
  for (double v : c.cards.values) {
    if (v < 1 || v != std::floor(v) || v > std::numeric_limits<uint32_t>::max()) {
      throw std::invalid_argument(label + " cards: gang sizes must be whole numbers >= 1");
    }
  }
  validate_discrete(c.model_params, label + " model_params");
  for (double v : c.model_params.values) {
    if (!(v > 0)) throw std::invalid_argument(label + " model_params: values must be > 0");
  }
  validate_lognormal(c.runtime_s, label + " runtime");
  // A data median of 0 means the class reads no data.
  if (c.data_gb.median != 0) validate_lognormal(c.data_gb, label + " data");
  if (!std::isfinite(c.tokens_per_step) || !(c.tokens_per_step > 0)) {
    throw std::invalid_argument(label + ": tokens_per_step must be > 0");
  }
  if (!std::isfinite(c.bytes_per_param) || !(c.bytes_per_param > 0)) {
    throw std::invalid_argument(label + ": bytes_per_param must be > 0");
  }
  if (!finite_nonneg(c.activation_gb_per_card) || !finite_nonneg(c.cpu_milli_per_card) ||
      !finite_nonneg(c.mem_mib_per_card) || !finite_nonneg(c.estimate_error_sigma)) {
    throw std::invalid_argument(label + ": activation, host resources and estimate_error must be finite and >= 0");
  }
  const ElasticClassSpec& e = c.elastic;
  if (!(e.share >= 0 && e.share <= 1)) throw std::invalid_argument(label + " elastic: share must be in [0, 1]");
  if (e.min_cards < 1) throw std::invalid_argument(label + " elastic: min_cards must be >= 1");
  if (e.max_cards != 0 && e.max_cards < e.min_cards) {
    throw std::invalid_argument(label + " elastic: max_cards must be >= min_cards");
  }
}

}  // namespace

ClassSampler::ClassSampler(const JobClassSpec& spec, std::size_t index, const GeneratorContext& ctx,
                           const RngStreams& streams)
    : spec_(spec),
      ctx_(ctx),
      label_("workload class #" + std::to_string(index + 1) + " (" + job_class_name(spec.job_class) + ")"),
      cards_rng_(streams.stream("workload.cards." + std::to_string(index))),
      model_rng_(streams.stream("workload.model." + std::to_string(index))),
      runtime_rng_(streams.stream("workload.runtime." + std::to_string(index))),
      estimate_rng_(streams.stream("workload.estimate." + std::to_string(index))),
      data_rng_(streams.stream("workload.data." + std::to_string(index))),
      elastic_rng_(streams.stream("workload.elastic." + std::to_string(index))) {
  validate_class(spec, label_);
  cards_ = DiscreteSampler(spec.cards.weights, label_ + " cards");
  model_ = DiscreteSampler(spec.model_params.weights, label_ + " model_params");
  candidates_ = chip_mask(spec.allowed_chips, *ctx.catalog, label_);

  // Reject a class that can never produce a placeable job, with the reason for its largest-need
  // combination, instead of failing on a random draw later.
  Job probe;
  probe.model.bytes_per_param = spec.bytes_per_param;
  probe.model.activation_gb_per_card = spec.activation_gb_per_card;
  for (std::size_t g = 0; g < spec.cards.values.size(); ++g) {
    if (spec.cards.weights[g] <= 0) continue;
    for (std::size_t m = 0; m < spec.model_params.values.size(); ++m) {
      if (spec.model_params.weights[m] <= 0) continue;
      probe.cards = static_cast<uint32_t>(spec.cards.values[g]);
      probe.model.params = spec.model_params.values[m];
      if (placeable_chips(probe, candidates_, ctx) != 0) return;
    }
  }
  throw std::invalid_argument(label_ +
                              ": impossible workload: no gang size x model size fits an "
                              "allowed chip (e.g. " +
                              describe_misfit(probe, candidates_, ctx) + ")");
}

void ClassSampler::draw_gang_and_model(Job& job) {
  for (int g = 0; g < kMaxGangRedraws; ++g) {
    job.cards = static_cast<uint32_t>(spec_.cards.values[cards_.draw(cards_rng_)]);
    for (int m = 0; m < kMaxModelRedraws; ++m) {
      job.model.params = spec_.model_params.values[model_.draw(model_rng_)];
      job.allowed_chips = placeable_chips(job, candidates_, ctx_);
      if (job.allowed_chips != 0) return;
    }
  }
  throw std::invalid_argument(label_ + ": no placeable gang x model drawn in " +
                              std::to_string(kMaxGangRedraws * kMaxModelRedraws) +
                              " attempts; the combinations that fit the platform are too rare "
                              "(last: " +
                              describe_misfit(job, candidates_, ctx_) + ")");
}

double ClassSampler::draw(Job& job) {
  job.job_class = spec_.job_class;
  job.cpu_milli_per_card = std::llround(spec_.cpu_milli_per_card);
  job.mem_mib_per_card = std::llround(spec_.mem_mib_per_card);
  job.model.tokens_per_step = spec_.tokens_per_step;
  job.model.trains = spec_.trains;
  job.model.flops_per_param_token = spec_.trains ? 6.0 : 2.0;
  job.model.bytes_per_param = spec_.bytes_per_param;
  job.model.activation_gb_per_card = spec_.activation_gb_per_card;
  // Mixed training is for training jobs; the tenant's switch was applied by the caller.
  job.may_mix_chips = (job.may_mix_chips || spec_.mix_chips) && spec_.trains;
  draw_gang_and_model(job);
  job.model.attention_flops_per_token =
      dense_attention_flops_per_token(job.model.params, spec_.seq_len, job.model.flops_per_param_token);

  const double runtime_s = draw_truncated_lognormal(runtime_rng_, spec_.runtime_s);
  const double step_s = reference_step_time(ctx_, job, label_);
  job.steps = steps_for_runtime(runtime_s, step_s);
  // The job's true reference runtime is whole steps; estimates and statistics use it.
  const double reference_runtime_s = static_cast<double>(job.steps) * step_s;
  job.runtime_estimate_s = reference_runtime_s * std::exp(spec_.estimate_error_sigma * estimate_rng_.normal());
  job.data_gb = spec_.data_gb.median == 0 ? 0.0 : draw_truncated_lognormal(data_rng_, spec_.data_gb);
  // Elastic coin last, and only when the class has elastic jobs: a class without them draws
  // exactly what it always did. Feasibility and steps above are those of the drawn gang.
  job.min_cards = 0;
  job.max_cards = 0;
  const ElasticClassSpec& e = spec_.elastic;
  if (e.share > 0 && elastic_rng_.uniform01() < e.share) {
    const uint64_t hi = std::max<uint64_t>(e.max_cards > 0 ? e.max_cards : 4ULL * job.cards, job.cards);
    set_gang_range(job, std::min(e.min_cards, job.cards),
                   static_cast<uint32_t>(std::min<uint64_t>(hi, std::numeric_limits<uint32_t>::max())));
  }
  return reference_runtime_s;
}

}  // namespace hetsim
