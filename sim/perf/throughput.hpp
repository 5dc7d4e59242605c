#pragma once
// Throughput model for a job on a homogeneous allocation (one chip type). All formulas are in
// docs/performance-model.md. Pure functions: no state, deterministic, O(1).
//
//   compute   = (flops_per_param_token * params + attention_flops_per_token) * tokens_per_step
//               / (cards * peak * MFU)
//   memory    = passes * 2 B * params / mem_bw          (each card streams the BF16 weights;
//                                                        3 passes when training, 1 otherwise)
//   per-card  = max(compute, memory)                     (roofline)
//   allreduce = hierarchical ring over 2 B/param gradients (training only):
//               2(k-1)/k * G / (intra_node_bw / 2)   (catalog figure is bidirectional)  +  2(n-1)/n * G / min(node_bw,
//               site_bw)
//               + 2(n-1) * latency
//   step      = per-card + (1 - overlap) * allreduce
#include <cstdint>

#include "hetsim/core/sim_time.hpp"
#include "hetsim/model/chip_catalog.hpp"
#include "hetsim/model/job.hpp"
#include "hetsim/perf/allocation_shape.hpp"

namespace hetsim {

struct PerfParams {
  double comm_overlap = 0.0;            // [0, 1): share of gradient sync hidden behind compute
  double memory_usable_fraction = 0.9;  // (0, 1]: share of device memory a job may fill
};

struct StepTime {
  double compute_s = 0;
  double memory_s = 0;
  double intra_node_comm_s = 0;
  double inter_node_comm_s = 0;  // includes the inter-site part when the job spans sites
  double total_s = 0;
};

StepTime step_time(const ModelWork& work, const ChipSpec& chip, const AllocationShape& shape, const PerfParams& params);

// A floor of step_time(work, chip, shape, params).total_s over every shape of `cards` cards of
// `chip`: the larger of the compute and memory times, which every shape pays, communication only
// adding to it (comm_overlap < 1). Exact in floating point: the same two terms, and adding a
// non-negative number never rounds below them.
double step_time_floor_s(const ModelWork& work, const ChipSpec& chip, uint32_t cards);

// The memory a job may fill on one card of the chip, GB.
inline double usable_memory_gb(const ChipSpec& chip, const PerfParams& params) {
  return chip.mem_gb * params.memory_usable_fraction;
}

// True when the job's per-card memory need fits the chip's usable memory, on its requested gang
// or (elastic jobs) on a gang of `gang` cards.
bool fits_memory(const JobRequest& job, const ChipSpec& chip, const PerfParams& params);
bool fits_memory(const JobRequest& job, const ChipSpec& chip, const PerfParams& params, uint32_t gang);

// `seconds` of wall time rounded up to whole microseconds, at least 1 us and at most
// kLongestDurationUs.
SimTime runtime_for_seconds(double seconds);

// Wall time of `steps` steps of `step_s` seconds, rounded up to whole microseconds (>= 1 us).
SimTime runtime_for_steps(uint64_t steps, double step_s);

// Wall time to run all of the job's steps on the shape, rounded up to whole microseconds (>= 1 us).
SimTime job_runtime(const Job& job, const ChipSpec& chip, const AllocationShape& shape, const PerfParams& params);

}  // namespace hetsim
