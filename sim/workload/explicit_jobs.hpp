#pragma once
// Conversion of hand-written jobs (WorkloadSpec::jobs) into Jobs. Internal to sim/workload.
#include <vector>

#include "hetsim/model/job.hpp"
#include "hetsim/workload/generator.hpp"
#include "hetsim/workload/workload_spec.hpp"

namespace hetsim {

struct TimedJob {
  Job job;
  double reference_runtime_s = 0;
};

// In arrival order, ties in spec order; ids are left 0 (the caller numbers the merged list).
// Throws std::invalid_argument on an unknown tenant, site or chip, inconsistent work (neither or
// both of steps and reference_runtime_s) and on an impossible job. Expects a validated context.
std::vector<TimedJob> convert_explicit_jobs(const WorkloadSpec& spec, const GeneratorContext& ctx);

}  // namespace hetsim
