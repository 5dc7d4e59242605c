#pragma once
// Gavel's synthetic job stream over a measured throughput table (GavelStreamSpec).
#include "hetsim/core/rng.hpp"
#include "hetsim/workload/generator.hpp"
#include "hetsim/workload/workload_spec.hpp"

namespace hetsim {

// Jobs in arrival order, ids 0..n-1. Each job has the drawn type's measured_type and gang size,
// may run on every chip where its type has a rate > 0 and a pool holds its gang, and estimates its
// runtime exactly (its duration on the reference chip). Throws std::invalid_argument when the
// table, the reference chip or the restriction leaves no type to draw for a needed scale factor.
GeneratedWorkload generate_gavel_stream(const WorkloadSpec& spec, const GeneratorContext& ctx, double horizon_s,
                                        const RngStreams& streams);

}  // namespace hetsim
