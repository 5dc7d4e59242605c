// CUDA implementation of the mixed-training plan search (plan_search.hpp).
//
// One warp per candidate. The two layer-split programmes go stage by stage (row j needs row
// j - 1); within a row the lanes share the cells l = lane, lane + 32, ..., each computed by the
// shared plan_split_cell exactly as the CPU computes it, so every cell, and therefore the split
// and the step time, is bit-identical to the reference. The rows live in shared memory (two of
// layers + 1 doubles per warp); the back-pointers of every cell live in a global scratch area, one
// slice per candidate, because lane 0 walks them back to recover the split. No atomics, no
// reductions across lanes: nothing depends on scheduling order.
#include "hetsim/kernels/plan_search.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda_support.cuh"

namespace hetsim::kernels {
namespace {

using cuda_support::DeviceBuffer;
using cuda_support::upload;

constexpr int kWarpsPerBlock = 4;
constexpr uint32_t kRow = kMaxPlanLayers + 1;  // cells per row, at most
constexpr int64_t kMaxGrid = int64_t{1} << 20;
// Back-pointer scratch per launch; candidates are processed in chunks that fit it.
constexpr std::size_t kScratchBytes = std::size_t{256} << 20;

// One programme for the warp's candidate; returns its last row's value at `layers`.
__device__ double warp_solve(const PlanStage* stages, uint32_t count, uint32_t layers, bool sum_mode, double limit,
                             double* row_a, double* row_b, uint16_t* from, unsigned lane) {
  const uint32_t width = layers + 1;
  double* prev = row_a;
  double* cur = row_b;
  for (uint32_t j = 0; j < count; ++j) {
    const PlanStage s = stages[j];
    for (uint32_t l = lane; l < width; l += 32) {
      uint32_t arg = 0;
      double b = kPlanInf;
      if (l > j) b = plan_split_cell(s, j, l, j == 0 ? nullptr : prev, sum_mode, limit, arg);
      cur[l] = b;
      from[j * width + l] = static_cast<uint16_t>(arg);
    }
    __syncwarp();  // row j complete (and visible) before any lane reads it
    double* t = prev;
    prev = cur;
    cur = t;
  }
  const double result = prev[layers];
  __syncwarp();  // every lane has read before the rows are reused
  return result;
}

__global__ void __launch_bounds__(kWarpsPerBlock * 32)
    plan_kernel(const PlanStage* __restrict__ stages, const PlanCandidate* __restrict__ cands, int64_t n,
                uint32_t layers, const uint64_t* __restrict__ slice, uint16_t* __restrict__ from_all,
                uint32_t* __restrict__ split_all, PlanResult* __restrict__ out) {
  __shared__ double rows[kWarpsPerBlock][2][kRow];
  const unsigned lane = threadIdx.x & 31U;
  const unsigned warp = threadIdx.x >> 5;
  const uint32_t width = layers + 1;
  for (int64_t c = int64_t{blockIdx.x} * kWarpsPerBlock + warp; c < n; c += int64_t{gridDim.x} * kWarpsPerBlock) {
    const PlanCandidate k = cands[c];
    const PlanStage* st = stages + k.first_stage;
    uint16_t* from = from_all + slice[c] * width;
    PlanResult r;
    if (k.stage_count <= layers) {
      const double bottleneck =
          warp_solve(st, k.stage_count, layers, false, kPlanInf, rows[warp][0], rows[warp][1], from, lane);
      if (bottleneck != kPlanInf &&
          warp_solve(st, k.stage_count, layers, true, bottleneck, rows[warp][0], rows[warp][1], from, lane) !=
              kPlanInf &&
          lane == 0) {
        uint32_t* split = split_all + slice[c];
        uint32_t l = layers;
        for (uint32_t j = k.stage_count; j-- > 0;) {
          split[j] = from[j * width + l];
          l -= split[j];
        }
        r = plan_step_time_of(st, split, k.stage_count, k.microbatches);
      }
    }
    if (lane == 0) out[c] = r;
    __syncwarp();
  }
}

}  // namespace

struct CudaPlanEvaluator::Impl {
  cuda_support::Stream stream;
  DeviceBuffer stages, cands, slices, from, splits, results;
  std::vector<uint64_t> slice;       // per candidate of the chunk: its first stage in the scratch
  std::vector<uint32_t> split_host;  // the chunk's splits, by slice
  std::vector<PlanResult> result_host;

  void run(std::span<const PlanStage> st, std::span<const PlanCandidate> cs, uint32_t layers, std::span<PlanResult> out,
           std::span<uint32_t> split_out) {
    if (cs.empty()) return;
    const PlanStage* d_stages = upload(stages, st, stream).data();
    const std::size_t width = layers + 1;
    const std::size_t max_slices = std::max<std::size_t>(kScratchBytes / (width * sizeof(uint16_t)), kMaxPlanStages);
    std::size_t begin = 0;
    while (begin < cs.size()) {
      // The largest chunk whose back-pointer slices fit the scratch area.
      std::size_t end = begin, total = 0;
      slice.clear();
      while (end < cs.size() && total + cs[end].stage_count <= max_slices) {
        slice.push_back(total);
        total += cs[end].stage_count;
        ++end;
      }
      const std::size_t n = end - begin;
      const PlanCandidate* d_cands = upload(cands, cs.subspan(begin, n), stream).data();
      const uint64_t* d_slice = upload(slices, std::span<const uint64_t>(slice), stream).data();
      auto* d_from = static_cast<uint16_t*>(from.reserve(total * width * sizeof(uint16_t)));
      auto* d_split = static_cast<uint32_t*>(splits.reserve(total * sizeof(uint32_t)));
      auto* d_out = static_cast<PlanResult*>(results.reserve(n * sizeof(PlanResult)));
      const auto blocks = static_cast<unsigned>(
          std::min<int64_t>((static_cast<int64_t>(n) + kWarpsPerBlock - 1) / kWarpsPerBlock, kMaxGrid));
      plan_kernel<<<blocks, kWarpsPerBlock * 32, 0, stream>>>(d_stages, d_cands, static_cast<int64_t>(n), layers,
                                                              d_slice, d_from, d_split, d_out);
      HETSIM_CUDA_CHECK(cudaGetLastError());
      result_host.resize(n);
      split_host.resize(total);
      HETSIM_CUDA_CHECK(
          cudaMemcpyAsync(result_host.data(), d_out, n * sizeof(PlanResult), cudaMemcpyDeviceToHost, stream));
      HETSIM_CUDA_CHECK(
          cudaMemcpyAsync(split_host.data(), d_split, total * sizeof(uint32_t), cudaMemcpyDeviceToHost, stream));
      HETSIM_CUDA_CHECK(cudaStreamSynchronize(stream));
      for (std::size_t i = 0; i < n; ++i) {
        out[begin + i] = result_host[i];
        if (!result_host[i].feasible) continue;
        const PlanCandidate& k = cs[begin + i];
        std::copy_n(split_host.begin() + static_cast<std::ptrdiff_t>(slice[i]), k.stage_count,
                    split_out.begin() + k.first_stage);
      }
      begin = end;
    }
  }
};

CudaPlanEvaluator::CudaPlanEvaluator() {
  cuda_support::require_device();
  impl_ = std::make_unique<Impl>();
}
CudaPlanEvaluator::~CudaPlanEvaluator() = default;
CudaPlanEvaluator::CudaPlanEvaluator(CudaPlanEvaluator&&) noexcept = default;
CudaPlanEvaluator& CudaPlanEvaluator::operator=(CudaPlanEvaluator&&) noexcept = default;

void CudaPlanEvaluator::evaluate(std::span<const PlanStage> stages, std::span<const PlanCandidate> candidates,
                                 uint32_t layers, std::span<PlanResult> out, std::span<uint32_t> split_out) {
  validate_plan_inputs(stages, candidates, layers, out, split_out);
  if (!impl_) throw std::runtime_error("hetsim::kernels: CudaPlanEvaluator used after move");
  impl_->run(stages, candidates, layers, out, split_out);
}

void evaluate_plans_cuda(std::span<const PlanStage> stages, std::span<const PlanCandidate> candidates, uint32_t layers,
                         std::span<PlanResult> out, std::span<uint32_t> split_out) {
  validate_plan_inputs(stages, candidates, layers, out, split_out);
  CudaPlanEvaluator evaluator;
  evaluator.evaluate(stages, candidates, layers, out, split_out);
}

}  // namespace hetsim::kernels
