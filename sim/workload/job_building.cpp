#include "hetsim/workload/job_building.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace hetsim {

void validate_context(const GeneratorContext& ctx) {
  if (ctx.catalog == nullptr) throw std::invalid_argument("workload: no chip catalog");
  const std::size_t n = ctx.catalog->size();
  if (n == 0) throw std::invalid_argument("workload: the chip catalog is empty");
  if (n > static_cast<std::size_t>(kMaxChipTypes)) {
    throw std::invalid_argument("workload: more than " + std::to_string(kMaxChipTypes) +
                                " chip types do not fit a job's allowed-chip mask");
  }
  if (ctx.max_gang_by_chip.size() != n) {
    throw std::invalid_argument("workload: max_gang_by_chip has " + std::to_string(ctx.max_gang_by_chip.size()) +
                                " entries for " + std::to_string(n) + " catalog chips");
  }
  if (!(ctx.memory_usable_fraction > 0 && ctx.memory_usable_fraction <= 1)) {
    throw std::invalid_argument("workload: memory_usable_fraction must be in (0, 1]");
  }
  if (!ctx.reference_step_time_s) {
    throw std::invalid_argument("workload: no reference step-time function");
  }
}

uint64_t chip_mask(const std::vector<std::string>& names, const ChipCatalog& catalog, const std::string& what) {
  if (names.empty()) {
    const std::size_t n = catalog.size();
    return n >= 64 ? ~0ULL : (1ULL << n) - 1;
  }
  uint64_t mask = 0;
  for (const auto& name : names) {
    const auto id = catalog.find(name);
    if (!id) throw std::invalid_argument(what + ": unknown chip '" + name + "' in allowed_chips");
    mask |= 1ULL << *id;
  }
  return mask;
}

uint64_t placeable_chips(const Job& job, uint64_t candidates, const GeneratorContext& ctx) {
  const double need_gb = job.mem_per_card_gb();
  uint64_t out = 0;
  for (std::size_t c = 0; c < ctx.catalog->size(); ++c) {
    if (!((candidates >> c) & 1ULL)) continue;
    const double usable_gb = ctx.catalog->at(static_cast<ChipId>(c)).mem_gb * ctx.memory_usable_fraction;
    if (need_gb <= usable_gb && ctx.max_gang_by_chip[c] >= job.cards) out |= 1ULL << c;
  }
  // A job that may mix chip types also keeps the chips too scarce to hold its gang alone (that is
  // what mixing is for), as long as one chip can: it must be able to run unmixed too.
  if (out != 0 && job.may_mix_chips) {
    for (std::size_t c = 0; c < ctx.catalog->size(); ++c) {
      const double usable_gb = ctx.catalog->at(static_cast<ChipId>(c)).mem_gb * ctx.memory_usable_fraction;
      if (((candidates >> c) & 1ULL) && need_gb <= usable_gb && ctx.max_gang_by_chip[c] > 0) out |= 1ULL << c;
    }
  }
  return out;
}

double reference_step_time(const GeneratorContext& ctx, const Job& job, const std::string& what) {
  const double s = ctx.reference_step_time_s(job);
  if (!std::isfinite(s) || !(s > 0)) {
    throw std::invalid_argument(what + ": reference step time is not finite and > 0");
  }
  return s;
}

uint64_t steps_for_runtime(double runtime_s, double step_s) {
  const double steps = std::round(runtime_s / step_s);
  // 1e18 steps is far beyond any horizon; the cap only guards the conversion.
  return static_cast<uint64_t>(std::clamp(steps, 1.0, 1e18));
}

void set_gang_range(Job& job, uint32_t lo, uint32_t hi) {
  if (lo > job.cards || hi < job.cards) {
    throw std::invalid_argument("gang range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                "] does not contain the job's " + std::to_string(job.cards) + " cards");
  }
  const bool rigid = lo == job.cards && hi == job.cards;
  job.min_cards = rigid ? 0 : lo;
  job.max_cards = rigid ? 0 : hi;
}

std::string describe_misfit(const Job& job, uint64_t candidates, const GeneratorContext& ctx) {
  double best_usable = 0;
  uint32_t best_gang = 0;
  for (std::size_t c = 0; c < ctx.catalog->size(); ++c) {
    if (!((candidates >> c) & 1ULL)) continue;
    best_usable = std::max(best_usable, ctx.catalog->at(static_cast<ChipId>(c)).mem_gb * ctx.memory_usable_fraction);
    best_gang = std::max(best_gang, ctx.max_gang_by_chip[c]);
  }
  std::ostringstream os;
  os << job.cards << " cards x " << job.mem_per_card_gb() << " GB per card (" << job.model.params
     << " params); the allowed chips offer at most " << best_usable << " GB usable per card and gangs of at most "
     << best_gang << " cards";
  return os.str();
}

}  // namespace hetsim
