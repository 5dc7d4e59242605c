#pragma once
// Mixed placement: a gang that spans chip types (mixed training, docs/mixed-training.md), for a
// job with may_mix_chips that no single pool can take now.
//
// Within one site (the planner costs links between chip groups, not between sites), chip types
// the job may use (allowed, memory per card) are taken in order of most usable free cards, ties
// to the lower chip id, each giving all it can, until the gang is full; at most `max_types`
// types, at least two (one type alone is the homogeneous placement's business, even where it
// spans pools). The planner's efficiency for that mix must be > 0. Among the sites that give a
// mix, fewest chip types win, then the highest efficiency, then the lowest site id. Each chip
// group takes the most-free nodes first, lowest ids first, as gang placement does.
// Deterministic: no randomness, no unordered iteration.
#include <cstdint>
#include <functional>
#include <span>

#include "hetsim/perf/mixed_efficiency.hpp"
#include "hetsim/policy/placement/placement.hpp"

namespace hetsim {

struct MixOptions {
  bool enabled = false;    // policy parameter mix_chips: fallback
  uint32_t max_types = 2;  // policy parameter mix_max_types
};

using MixEfficiencyFn = std::function<double(std::span<const ChipCount>)>;

bool find_mixed_placement(const JobRequest& job, const PlacementInput& in, uint32_t max_types,
                          std::span<const NodeCap> caps, const MixEfficiencyFn& efficiency, Allocation& out);

class SchedulingContext;

// The ordering policies' fallback (`mix_chips: fallback`): find_mixed_placement for job `id`
// within `caps`, with the simulator's efficiency for each mix. False when `mix` is off, the job
// may not mix, or no site gives a mix.
bool place_mixed(const SchedulingContext& ctx, JobId id, const MixOptions& mix, std::span<const NodeCap> caps,
                 Allocation& out);

// The chip groups of an allocation, ascending chip id.
std::vector<ChipCount> chip_mix(const Allocation& a, const Cluster& c);
// The same into `out` (cleared first), for callers that reuse a buffer.
void chip_mix(const Allocation& a, const Cluster& c, std::vector<ChipCount>& out);

}  // namespace hetsim
