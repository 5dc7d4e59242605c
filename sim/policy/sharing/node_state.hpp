#pragma once
// GPU-sharing node and task model of the FGD paper (Weng et al., USENIX ATC 2023), self-contained
// so the fragmentation measure and the sharing policies can be tested on hand-made nodes.
//
// A node has CPU, memory and up to 32 GPUs of one model; each GPU has a free share in milli-GPU
// (0..1000). A task asks for CPU, memory and `num_gpu` GPUs of which it takes `gpu_milli` each:
//   num_gpu == 0 (or gpu_milli == 0)      CPU-only
//   num_gpu == 1 && gpu_milli < 1000      fractional: a share of one GPU
//   gpu_milli == 1000                     whole GPUs: num_gpu fully free GPUs
// (num_gpu > 1 with gpu_milli < 1000 does not occur in the openb trace; it is accepted and packed
// onto the GPUs with the smallest sufficient free share, as the reference simulator's Sub does.)
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "hetsim/model/cluster.hpp"
#include "hetsim/model/ids.hpp"

namespace hetsim {

struct SharingNode {
  int64_t cpu_free_milli = 0;
  int64_t mem_free_mib = 0;
  uint16_t model = 0;  // chip id; a task's allowed_models is a mask over it
  uint8_t gpus = 0;
  std::array<uint16_t, kMaxCardsPerNode> gpu_free_milli{};  // entries >= gpus stay 0

  int64_t gpu_free_total() const;
  bool operator==(const SharingNode&) const = default;
};

struct SharingTask {
  int64_t cpu_milli = 0;
  int64_t mem_mib = 0;
  uint32_t num_gpu = 0;
  uint32_t gpu_milli = 0;  // per GPU
  uint64_t allowed_models = ~0ULL;

  bool cpu_only() const { return num_gpu == 0 || gpu_milli == 0; }
  bool fractional() const { return num_gpu == 1 && gpu_milli > 0 && gpu_milli < kMilliPerCard; }
  int64_t gpu_milli_total() const { return cpu_only() ? 0 : int64_t{num_gpu} * gpu_milli; }
  bool operator==(const SharingTask&) const = default;
};

// Which GPUs of a node a task takes and how much of each.
struct GpuChoice {
  uint32_t gpu_mask = 0;
  uint16_t milli_per_gpu = 0;
  bool operator==(const GpuChoice&) const = default;
};

SharingNode sharing_node(const Cluster& c, NodeId n);

// The node's own resources admit the task: CPU, memory, GPU model (GPU tasks only, as the
// reference simulator's filter skips CPU-only pods) and at least num_gpu GPUs each with
// free >= gpu_milli.
bool fits(const SharingNode& n, const SharingTask& t);

// Every GPU choice the task could take on the node (empty when !fits). A fractional task may go
// to any GPU with enough free share: one choice per such GPU, ascending index. A whole-GPU task
// takes the lowest-index fully free GPUs (free GPUs are interchangeable, so this is the only
// choice that matters); CPU-only tasks take mask 0.
std::vector<GpuChoice> candidate_choices(const SharingNode& n, const SharingTask& t);

// The choice of the reference simulator's "best" GPU selection: a fractional task goes to the GPU
// with the smallest sufficient free share (lowest index on ties); whole-GPU tasks as above.
// Precondition: fits(n, t).
GpuChoice best_fit_choice(const SharingNode& n, const SharingTask& t);

SharingNode after(const SharingNode& n, const SharingTask& t, const GpuChoice& c);

}  // namespace hetsim
