#include "hetsim/perf/throughput.hpp"

#include <algorithm>
#include <cmath>

namespace hetsim {

namespace {
constexpr double kGradientBytesPerParam = 2.0;  // BF16 gradients
constexpr double kWeightBytesPerParam = 2.0;    // BF16 weights streamed per pass

double ring_allreduce_s(double bytes, uint32_t ranks, double gbps, double latency_us) {
  if (ranks <= 1 || bytes <= 0) return 0;
  const double k = ranks;
  return 2.0 * (k - 1.0) / k * bytes * 8.0 / (gbps * 1e9) + 2.0 * (k - 1.0) * latency_us * 1e-6;
}
double compute_s(const ModelWork& work, const ChipSpec& chip, uint32_t gang) {
  const double cards = std::max<uint32_t>(1, gang);
  const double flops =
      (work.flops_per_param_token * work.params + work.attention_flops_per_token) * work.tokens_per_step;
  return flops / (cards * chip.bf16_tflops * 1e12 * chip.achievable_mfu);
}

double memory_s(const ModelWork& work, const ChipSpec& chip) {
  const double passes = work.trains ? 3.0 : 1.0;
  return passes * kWeightBytesPerParam * work.params / (chip.mem_bw_tbs * 1e12);
}
}  // namespace

double step_time_floor_s(const ModelWork& work, const ChipSpec& chip, uint32_t cards) {
  return std::max(compute_s(work, chip, cards), memory_s(work, chip));
}

StepTime step_time(const ModelWork& work, const ChipSpec& chip, const AllocationShape& shape,
                   const PerfParams& params) {
  StepTime t;
  t.compute_s = compute_s(work, chip, shape.cards);
  t.memory_s = memory_s(work, chip);
  if (work.trains && shape.cards > 1) {
    const double grad_bytes = kGradientBytesPerParam * work.params;
    // Intra-node reduce-scatter/all-gather over the chip's link (one way of it, ChipSpec::
    // intra_node_ring_gbs), then a ring across nodes.
    const double intra_gbps = chip.intra_node_ring_gbs() * 8.0;
    t.intra_node_comm_s = ring_allreduce_s(grad_bytes, shape.max_cards_per_node, intra_gbps, 1.0);
    if (shape.nodes > 1) {
      double gbps = shape.inter_node_gbps;
      double lat = shape.inter_node_latency_us;
      if (shape.sites > 1) {
        gbps = std::min(gbps, shape.inter_site_gbps);
        lat = std::max(lat, shape.inter_site_latency_us);
      }
      t.inter_node_comm_s = ring_allreduce_s(grad_bytes, shape.nodes, gbps, lat);
    }
  }
  t.total_s =
      std::max(t.compute_s, t.memory_s) + (1.0 - params.comm_overlap) * (t.intra_node_comm_s + t.inter_node_comm_s);
  return t;
}

bool fits_memory(const JobRequest& job, const ChipSpec& chip, const PerfParams& params) {
  return fits_memory(job, chip, params, job.cards);
}

bool fits_memory(const JobRequest& job, const ChipSpec& chip, const PerfParams& params, uint32_t gang) {
  return job.mem_per_card_gb(gang) <= usable_memory_gb(chip, params);
}

SimTime runtime_for_seconds(double seconds) {
  const double us = std::ceil(seconds * 1e6);
  return SimTime::from_us(std::max<int64_t>(1, static_cast<int64_t>(std::min(us, kLongestDurationUs))));
}

SimTime runtime_for_steps(uint64_t steps, double step_s) {
  return runtime_for_seconds(static_cast<double>(steps) * step_s);
}

SimTime job_runtime(const Job& job, const ChipSpec& chip, const AllocationShape& shape, const PerfParams& params) {
  return runtime_for_steps(job.steps, step_time(job.model, chip, shape, params).total_s);
}

}  // namespace hetsim
