// Fragmentation scoring for FGD (Weng et al., USENIX ATC 2023; definitions in docs/fgd.md): the
// node fragmentation F_n(M) a node would have after each of a batch of candidate placements.
// Plain arrays only; this header depends on no other hetsim folder (see kernels/README.md).
//
// The node side is a cache of per-threshold sums (GPUs that can hold a per-GPU request d, and the
// free share of those that cannot), so one candidate costs O(|M|) instead of O(|M| x GPUs). The
// scalar rule fragmentation_after() is HETSIM_HD and shared by every implementation and by the
// simulator's own single-candidate path, so all of them agree bit for bit: one fixed summation
// order (M's order), no atomics, no reductions across threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "hetsim/kernels/placement_scoring.hpp"  // HETSIM_HD

namespace hetsim::kernels {

inline constexpr int64_t kMilliPerGpu = 1000;

// The target workload M, one entry per task type, in M's order (the summation order).
struct FragTypeTable {
  std::span<const int64_t> cpu_milli;
  std::span<const int64_t> mem_mib;
  std::span<const uint64_t> allowed_models;  // bit m set => GPU model m allowed (models 0..63)
  std::span<const uint32_t> num_gpu;
  std::span<const int32_t> threshold;   // index into `thresholds`; -1 for a CPU-only type
  std::span<const double> popularity;   // p_m
  std::span<const int64_t> thresholds;  // distinct per-GPU requests of the GPU types, ascending

  [[nodiscard]] HETSIM_HD std::size_t size() const noexcept { return cpu_milli.size(); }
};

// n nodes (struct of arrays); count_at_least and free_below are n x d, row-major, d = thresholds.
struct FragNodeTable {
  std::span<const int64_t> cpu_free_milli;
  std::span<const int64_t> mem_free_mib;
  std::span<const uint16_t> model;          // 0..63
  std::span<const int64_t> gpu_free_total;  // sum of the node's free GPU share, milli
  std::span<const int64_t> count_at_least;  // [n*d+i]: GPUs with free >= thresholds[i]
  std::span<const int64_t> free_below;      // [n*d+i]: free share of GPUs with free < thresholds[i]

  [[nodiscard]] HETSIM_HD std::size_t size() const noexcept { return cpu_free_milli.size(); }
};

// `mult` GPUs of a node going from `from` to `to` free milli-GPU.
struct FragChange {
  int64_t from = 0, to = 0, mult = 0;
};

// One candidate placement of the task on `node`: the GPU changes it makes are
// changes[first_change .. first_change + change_count). The task's CPU and memory come off the node.
struct FragCandidate {
  uint32_t node = 0;
  uint32_t first_change = 0;
  uint32_t change_count = 0;
};

// F_n(M) of node `n` after taking (task_cpu, task_mem) and the given GPU changes. With no changes
// and a zero task it is the node's own F_n(M). For each type m with per-GPU request d:
//   CPU-only m, or m cannot run (model, CPU, memory, fewer than num_gpu GPUs with free >= d):
//       all free GPU share;    otherwise: the free share of GPUs with free < d.
HETSIM_HD inline double fragmentation_after(const FragTypeTable& types, const FragNodeTable& nodes, std::size_t n,
                                            int64_t task_cpu_milli, int64_t task_mem_mib, const FragChange* changes,
                                            std::size_t change_count) noexcept {
  const std::size_t d = types.thresholds.size();
  int64_t total = nodes.gpu_free_total[n];
  for (std::size_t c = 0; c < change_count; ++c) total += changes[c].mult * (changes[c].to - changes[c].from);
  const int64_t cpu = nodes.cpu_free_milli[n] - task_cpu_milli;
  const int64_t mem = nodes.mem_free_mib[n] - task_mem_mib;
  const uint32_t model = nodes.model[n];
  const int64_t* count = nodes.count_at_least.data() + n * d;
  const int64_t* below = nodes.free_below.data() + n * d;
  double f = 0;
  for (std::size_t k = 0; k < types.size(); ++k) {
    const int32_t ti = types.threshold[k];
    if (ti < 0) {
      f += types.popularity[k] * static_cast<double>(total);
      continue;
    }
    const auto i = static_cast<std::size_t>(ti);
    const int64_t th = types.thresholds[i];
    int64_t cnt = count[i], bel = below[i];
    for (std::size_t c = 0; c < change_count; ++c) {  // move changed GPUs between "holds m" and "too small"
      const FragChange& ch = changes[c];
      cnt += ch.mult * (int64_t{ch.to >= th} - int64_t{ch.from >= th});
      bel += ch.mult * ((ch.to < th ? ch.to : 0) - (ch.from < th ? ch.from : 0));
    }
    const bool runnable = model < 64 && ((types.allowed_models[k] >> model) & 1U) != 0 && cpu >= types.cpu_milli[k] &&
                          mem >= types.mem_mib[k] && cnt >= int64_t{types.num_gpu[k]} && th <= kMilliPerGpu;
    f += types.popularity[k] * static_cast<double>(runnable ? bel : total);
  }
  return f;
}

// Throws std::invalid_argument unless: the FragTypeTable spans have one length and every
// threshold index is -1 or < thresholds.size(); the FragNodeTable spans have one length n and
// count_at_least / free_below have n x d entries; every candidate's node < n and its change slice
// lies inside `changes`; out.size() == candidates.size().
void validate_fragmentation_inputs(const FragTypeTable& types, const FragNodeTable& nodes,
                                   std::span<const FragCandidate> candidates, std::span<const FragChange> changes,
                                   std::span<const double> out);

// CPU reference: out[j] = fragmentation_after(node of candidate j, the task, its changes), in
// candidate order, sequentially (callers run it inside their own parallel loops).
void fragmentation_after_cpu(const FragTypeTable& types, const FragNodeTable& nodes, int64_t task_cpu_milli,
                             int64_t task_mem_mib, std::span<const FragCandidate> candidates,
                             std::span<const FragChange> changes, std::span<double> out);

// CUDA version of fragmentation_after_cpu: one thread per candidate, each calling the same
// fragmentation_after (same integers, same summation order; --fmad=false keeps nvcc from fusing
// the popularity products into FMAs), so out[] equals the CPU's bit for bit. Every call uploads
// the type and node tables (they are small: |M| and n x (4 + 2d) values) and the batch, runs one
// launch and downloads the scores; buffers and stream are kept between calls (grown, never
// shrunk). Not thread-safe: one scorer per thread. Throws std::runtime_error without a device or
// CUDA build, std::invalid_argument (before touching the device) for invalid inputs.
class CudaFragmentationScorer {
 public:
  CudaFragmentationScorer();
  ~CudaFragmentationScorer();
  CudaFragmentationScorer(CudaFragmentationScorer&&) noexcept;
  CudaFragmentationScorer& operator=(CudaFragmentationScorer&&) noexcept;
  CudaFragmentationScorer(const CudaFragmentationScorer&) = delete;
  CudaFragmentationScorer& operator=(const CudaFragmentationScorer&) = delete;

  void score(const FragTypeTable& types, const FragNodeTable& nodes, int64_t task_cpu_milli, int64_t task_mem_mib,
             std::span<const FragCandidate> candidates, std::span<const FragChange> changes, std::span<double> out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hetsim::kernels
