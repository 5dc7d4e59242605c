#include "hetsim/workload/generator.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "hetsim/workload/arrivals.hpp"
#include "hetsim/workload/class_sampler.hpp"
#include "hetsim/workload/explicit_jobs.hpp"
#include "hetsim/workload/gavel_stream.hpp"
#include "hetsim/workload/job_building.hpp"
#include "hetsim/workload/sampling.hpp"

namespace hetsim {
namespace {

void validate_generation_inputs(const WorkloadSpec& spec, const GeneratorContext& ctx) {
  if (spec.classes.empty()) {
    throw std::invalid_argument("workload: jobs_per_day > 0 but no job classes");
  }
  if (ctx.tenant_weights.empty()) {
    throw std::invalid_argument("workload: jobs_per_day > 0 but no tenants to submit them");
  }
  if (!ctx.tenant_names.empty() && ctx.tenant_names.size() != ctx.tenant_weights.size()) {
    throw std::invalid_argument("workload: tenant_names and tenant_weights differ in length");
  }
  if (!ctx.site_data_weights.empty() && !ctx.site_names.empty() &&
      ctx.site_data_weights.size() != ctx.site_names.size()) {
    throw std::invalid_argument("workload: site_data_weights and site_names differ in length");
  }
  if (ctx.site_data_weights.size() > std::numeric_limits<SiteId>::max()) {
    throw std::invalid_argument("workload: too many sites");
  }
}

// The generated stream, in arrival order.
std::vector<TimedJob> generate_stream(const WorkloadSpec& spec, const GeneratorContext& ctx, double horizon_s,
                                      const RngStreams& streams) {
  const std::vector<double> arrivals = generate_arrival_times(spec, horizon_s, streams);
  // Validate whenever a stream is asked for, not only when it happens to have arrivals, so that
  // an inconsistent spec fails for every seed.
  if (spec.jobs_per_day == 0 || horizon_s == 0) return {};
  validate_generation_inputs(spec, ctx);

  std::vector<double> shares;
  std::vector<ClassSampler> classes;
  classes.reserve(spec.classes.size());
  for (std::size_t k = 0; k < spec.classes.size(); ++k) {
    shares.push_back(spec.classes[k].share);
    classes.emplace_back(spec.classes[k], k, ctx, streams);
  }
  const DiscreteSampler class_pick(shares, "workload class shares");
  const DiscreteSampler tenant_pick(ctx.tenant_weights, "workload tenant weights");
  const bool one_site = ctx.site_data_weights.empty();
  const DiscreteSampler site_pick =
      one_site ? DiscreteSampler() : DiscreteSampler(ctx.site_data_weights, "workload site weights");
  Rng class_rng = streams.stream("workload.class");
  Rng tenant_rng = streams.stream("workload.tenant");
  Rng site_rng = streams.stream("workload.site");

  std::vector<TimedJob> out(arrivals.size());
  for (std::size_t i = 0; i < arrivals.size(); ++i) {
    TimedJob& tj = out[i];
    tj.job.arrival = SimTime::from_seconds(arrivals[i]);
    tj.job.tenant = static_cast<TenantId>(tenant_pick.draw(tenant_rng));
    tj.job.priority = -1;  // the tenant's, set by the scenario builder
    tj.job.may_mix_chips = tj.job.tenant < ctx.tenant_mix_chips.size() && ctx.tenant_mix_chips[tj.job.tenant] != 0;
    tj.job.data_site = one_site ? SiteId{0} : static_cast<SiteId>(site_pick.draw(site_rng));
    tj.reference_runtime_s = classes[class_pick.draw(class_rng)].draw(tj.job);
  }
  return out;
}

}  // namespace

GeneratedWorkload generate_workload_with_runtimes(const WorkloadSpec& spec, const GeneratorContext& ctx,
                                                  double horizon_s, const RngStreams& streams) {
  validate_context(ctx);
  if (!spec.reference_chip.empty() && !ctx.catalog->find(spec.reference_chip)) {
    throw std::invalid_argument("workload: unknown reference_chip '" + spec.reference_chip + "'");
  }
  if (spec.gavel.enabled) return generate_gavel_stream(spec, ctx, horizon_s, streams);
  const std::vector<TimedJob> explicit_jobs = convert_explicit_jobs(spec, ctx);
  const std::vector<TimedJob> generated = generate_stream(spec, ctx, horizon_s, streams);

  // Merge the two arrival-ordered lists; on equal arrival the explicit job goes first.
  GeneratedWorkload w;
  const std::size_t n = explicit_jobs.size() + generated.size();
  if (n > std::numeric_limits<JobId>::max()) throw std::invalid_argument("workload: too many jobs");
  w.jobs.reserve(n);
  w.reference_runtime_s.reserve(n);
  std::size_t a = 0, b = 0;
  while (a < explicit_jobs.size() || b < generated.size()) {
    const bool take_explicit =
        b == generated.size() || (a < explicit_jobs.size() && explicit_jobs[a].job.arrival <= generated[b].job.arrival);
    const TimedJob& tj = take_explicit ? explicit_jobs[a++] : generated[b++];
    w.jobs.push_back(tj.job);
    w.jobs.back().id = static_cast<JobId>(w.jobs.size() - 1);
    w.reference_runtime_s.push_back(tj.reference_runtime_s);
  }
  return w;
}

std::vector<Job> generate_workload(const WorkloadSpec& spec, const GeneratorContext& ctx, double horizon_s,
                                   const RngStreams& streams) {
  return generate_workload_with_runtimes(spec, ctx, horizon_s, streams).jobs;
}

std::vector<double> zipf_weights(std::size_t count, double s) {
  if (!std::isfinite(s) || s < 0) throw std::invalid_argument("zipf_weights: s must be >= 0");
  std::vector<double> w(count);
  for (std::size_t r = 0; r < count; ++r) w[r] = std::pow(static_cast<double>(r + 1), -s);
  return w;
}

}  // namespace hetsim
