#include "hetsim/workload/gavel_stream.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hetsim {

namespace {
// Gavel's _generate_scale_factor: thresholds on one uniform draw.
uint32_t draw_scale_factor(Rng& rng) {
  const double r = rng.uniform01();
  if (r >= 0.95) return 8;
  if (r >= 0.8) return 4;
  if (r >= 0.7) return 2;
  return 1;
}

// Gavel's _generate_duration, in seconds on the reference chip.
double draw_duration_s(Rng& rng) {
  if (rng.uniform01() >= 0.8) return 60.0 * std::pow(10.0, rng.uniform(3.0, 4.0));
  return 60.0 * std::pow(10.0, rng.uniform(1.5, 3.0));
}
}  // namespace

GeneratedWorkload generate_gavel_stream(const WorkloadSpec& spec, const GeneratorContext& ctx, double horizon_s,
                                        const RngStreams& streams) {
  const GavelStreamSpec& g = spec.gavel;
  if (ctx.measured == nullptr || ctx.measured->empty()) {
    throw std::invalid_argument("workload.gavel: needs a measured throughput table (scenario `throughputs:`)");
  }
  if (!(g.jobs_per_hour > 0)) throw std::invalid_argument("workload.gavel: jobs_per_hour must be > 0");
  const MeasuredThroughputs& table = *ctx.measured;
  const ChipId ref = ctx.reference_chip;
  if (ref >= table.chip_count) throw std::invalid_argument("workload.gavel: reference chip outside the table");

  TenantId tenant = 0;
  if (!g.tenant.empty()) {
    const auto it = std::find(ctx.tenant_names.begin(), ctx.tenant_names.end(), g.tenant);
    if (it == ctx.tenant_names.end()) throw std::invalid_argument("workload.gavel: unknown tenant '" + g.tenant + "'");
    tenant = static_cast<TenantId>(it - ctx.tenant_names.begin());
  } else if (ctx.tenant_weights.empty()) {
    throw std::invalid_argument("workload.gavel: no tenant to submit the jobs");
  }

  // Candidate types per scale factor, in table order, with the chips each may use.
  struct Candidate {
    int32_t type;
    uint64_t chips;
  };
  std::vector<Candidate> by_scale[9];
  for (std::size_t t = 0; t < table.types.size(); ++t) {
    const MeasuredThroughputs::Type& ty = table.types[t];
    if (ty.cards > 8 || !(ty.cards == 1 || ty.cards == 2 || ty.cards == 4 || ty.cards == 8)) continue;
    if (!g.job_types.empty() && std::find(g.job_types.begin(), g.job_types.end(), ty.name) == g.job_types.end()) {
      continue;
    }
    if (!(table.rate(static_cast<int32_t>(t), ref) > 0)) continue;  // its steps are defined on the reference chip
    uint64_t chips = 0;
    for (ChipId c = 0; c < table.chip_count && c < kMaxChipTypes; ++c) {
      const bool room = c < ctx.max_gang_by_chip.size() && ctx.max_gang_by_chip[c] >= ty.cards;
      if (room && table.rate(static_cast<int32_t>(t), c) > 0) chips |= 1ULL << c;
    }
    if (chips != 0) by_scale[ty.cards].push_back({static_cast<int32_t>(t), chips});
  }
  const uint32_t needed[] = {1, 2, 4, 8};
  for (uint32_t sf : needed) {
    if (sf > 1 && !g.multi_gpu) break;
    if (by_scale[sf].empty()) {
      throw std::invalid_argument("workload.gavel: no job type of scale factor " + std::to_string(sf) +
                                  " has a rate on the reference chip and a chip whose pools hold it");
    }
  }

  Rng arrivals = streams.stream("gavel.arrivals");
  Rng scale = streams.stream("gavel.scale_factor");
  Rng types = streams.stream("gavel.job_type");
  Rng durations = streams.stream("gavel.duration");
  const double mean_gap_s = 3600.0 / g.jobs_per_hour;

  GeneratedWorkload w;
  double t = 0;  // Gavel's first job arrives at t = 0
  for (uint32_t i = 0; i < g.jobs; ++i) {
    if (i > 0) t += arrivals.exponential(1.0 / mean_gap_s);
    if (t >= horizon_s) break;
    const uint32_t sf = g.multi_gpu ? draw_scale_factor(scale) : 1;
    const std::vector<Candidate>& pool = by_scale[sf];
    const Candidate& pick = pool[types.below(pool.size())];
    const double duration_s = draw_duration_s(durations);
    const double rate = table.rate(pick.type, ref);
    Job j;
    j.id = static_cast<JobId>(w.jobs.size());
    j.tenant = tenant;
    j.priority = -1;  // the tenant's
    j.job_class = JobClass::Finetune;
    j.arrival = SimTime::from_seconds(t);
    j.cards = sf;
    j.model.params = 0;  // measured: the roofline model is not used, and memory is not binding
    j.model.trains = true;
    j.measured_type = pick.type;
    j.steps = std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(duration_s * rate)));
    j.runtime_estimate_s = static_cast<double>(j.steps) / rate;
    j.allowed_chips = pick.chips;
    w.jobs.push_back(j);
    w.reference_runtime_s.push_back(j.runtime_estimate_s);
  }
  return w;
}

}  // namespace hetsim
