#pragma once
// Pieces shared by generated and explicit jobs: chip sets, memory/gang feasibility, and the
// conversion of a runtime on the reference chip into steps. Internal to sim/workload.
#include <cstdint>
#include <string>
#include <vector>

#include "hetsim/model/chip_catalog.hpp"
#include "hetsim/model/job.hpp"
#include "hetsim/workload/generator.hpp"

namespace hetsim {

// Checks what every job needs from the context: a catalog of at most kMaxChipTypes chips, one
// max_gang_by_chip entry per chip, a step-time function, a memory fraction in (0, 1].
void validate_context(const GeneratorContext& ctx);

// Mask of the named chips (empty list: every catalog chip). Unknown names throw, naming `what`.
uint64_t chip_mask(const std::vector<std::string>& names, const ChipCatalog& catalog, const std::string& what);

// The chips of `candidates` that can hold `job`: usable memory (mem_gb * memory_usable_fraction)
// >= job.mem_per_card_gb() and a pool whose largest gang is >= job.cards.
uint64_t placeable_chips(const Job& job, uint64_t candidates, const GeneratorContext& ctx);

// ctx.reference_step_time_s(job), checked to be finite and > 0.
double reference_step_time(const GeneratorContext& ctx, const Job& job, const std::string& what);

// Whole steps closest to runtime_s, at least one.
uint64_t steps_for_runtime(double runtime_s, double step_s);

// Gives `job` the elastic gang range [lo, hi] (lo <= job.cards <= hi), or leaves it rigid
// (min_cards = max_cards = 0) when lo == hi == job.cards, so rigid jobs look as they always did.
void set_gang_range(Job& job, uint32_t lo, uint32_t hi);

// Why `job` fits nowhere, for error messages.
std::string describe_misfit(const Job& job, uint64_t candidates, const GeneratorContext& ctx);

}  // namespace hetsim
