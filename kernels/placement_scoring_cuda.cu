// CUDA implementation of batched placement scoring.
//
// One thread block per job (grid-stride over jobs); the block's threads stride
// over the nodes, each keeping its best (score, node id) under
// placement_better; then a warp-shuffle reduction and a shared-memory
// reduction across warps. placement_better is a strict total order on
// (score, id) pairs with distinct ids, so the result does not depend on the
// reduction order and equals the sequential scan of the CPU reference.
#include "hetsim/kernels/placement_scoring.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "cuda_support.cuh"

namespace hetsim::kernels {
namespace {

using cuda_support::DeviceBuffer;
using cuda_support::require_device;
using cuda_support::upload;

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr unsigned kFullMask = 0xffffffffU;
constexpr int64_t kMaxGrid = int64_t{1} << 20;

struct DeviceNodes {
  const uint8_t* __restrict__ free_cards;
  const uint8_t* __restrict__ total_cards;
  const uint16_t* __restrict__ chip;
  const int64_t* __restrict__ cpu_free;
  const int64_t* __restrict__ mem_free;
  const uint32_t* __restrict__ leaf;       // LeafPack only
  const uint32_t* __restrict__ leaf_free;  // LeafPack only
  int32_t n;
};

struct DeviceJobs {
  const uint8_t* __restrict__ cards;
  const uint64_t* __restrict__ allowed;
  const int64_t* __restrict__ cpu;
  const int64_t* __restrict__ mem;
  int64_t m;
};

__device__ __forceinline__ void take_if_better(long long other_score, int other_node, long long& score, int& node) {
  if (placement_better(other_score, other_node, score, node)) {
    score = other_score;
    node = other_node;
  }
}

template <PlacementScore Kind>
__global__ void __launch_bounds__(kThreads) best_node_kernel(DeviceNodes nodes, DeviceJobs jobs, BestNode* out) {
  __shared__ long long warp_score[kWarps];
  __shared__ int warp_node[kWarps];
  const int lane = static_cast<int>(threadIdx.x) & 31;
  const int warp = static_cast<int>(threadIdx.x) >> 5;

  for (int64_t j = blockIdx.x; j < jobs.m; j += gridDim.x) {
    const int64_t cards = jobs.cards[j];
    const uint64_t allowed = jobs.allowed[j];
    const int64_t cpu = jobs.cpu[j];
    const int64_t mem = jobs.mem[j];

    long long best_score = kNoScore;
    int best_node = -1;
    for (int32_t i = static_cast<int32_t>(threadIdx.x); i < nodes.n; i += kThreads) {
      const int64_t free_cards = nodes.free_cards[i];
      if (!placement_feasible(allowed, cards, cpu, mem, nodes.chip[i], free_cards, nodes.cpu_free[i],
                              nodes.mem_free[i])) {
        continue;
      }
      int64_t leaf_free = 0;
      if constexpr (Kind == PlacementScore::LeafPack) leaf_free = nodes.leaf_free[nodes.leaf[i]];
      const int64_t s = placement_score(Kind, free_cards, nodes.total_cards[i], cards, leaf_free);
      // Each thread visits its nodes in increasing id order: strict '>' keeps the lowest id on ties.
      take_if_better(s, i, best_score, best_node);
    }

    for (int offset = 16; offset > 0; offset >>= 1) {
      const long long other_score = __shfl_down_sync(kFullMask, best_score, offset);
      const int other_node = __shfl_down_sync(kFullMask, best_node, offset);
      take_if_better(other_score, other_node, best_score, best_node);
    }
    if (lane == 0) {
      warp_score[warp] = best_score;
      warp_node[warp] = best_node;
    }
    __syncthreads();
    if (warp == 0) {
      best_score = lane < kWarps ? warp_score[lane] : kNoScore;
      best_node = lane < kWarps ? warp_node[lane] : -1;
      for (int offset = kWarps / 2; offset > 0; offset >>= 1) {
        const long long other_score = __shfl_down_sync(kFullMask, best_score, offset);
        const int other_node = __shfl_down_sync(kFullMask, best_node, offset);
        take_if_better(other_score, other_node, best_score, best_node);
      }
      if (lane == 0) {
        out[j].node = best_node;
        out[j].score = best_score;
      }
    }
    __syncthreads();  // warp_score/warp_node are reused by the next job of this block
  }
}

// Stream + device buffers + launch; CudaPlacementScorer::Impl is this.
struct ScorerState {
  cuda_support::Stream stream;
  DeviceBuffer free_cards, total_cards, chip, cpu_free, mem_free, leaf, leaf_free;
  DeviceBuffer cards, allowed, cpu, mem;
  DeviceBuffer out;

  template <PlacementScore Kind>
  void launch(const DeviceNodes& dn, const DeviceJobs& dj, BestNode* dout) const {
    const auto grid = static_cast<unsigned>(std::min(dj.m, kMaxGrid));
    best_node_kernel<Kind><<<grid, kThreads, 0, stream>>>(dn, dj, dout);
    HETSIM_CUDA_CHECK(cudaGetLastError());
  }

  // Inputs already validated.
  void run(const NodeTable& nodes, const JobBatch& jobs, PlacementScore kind, std::span<BestNode> host_out) {
    if (jobs.size() == 0) return;
    DeviceNodes dn{upload(free_cards, nodes.free_cards, stream).data(),
                   upload(total_cards, nodes.total_cards, stream).data(),
                   upload(chip, nodes.chip, stream).data(),
                   upload(cpu_free, nodes.cpu_free_milli, stream).data(),
                   upload(mem_free, nodes.mem_free_mib, stream).data(),
                   nullptr,
                   nullptr,
                   static_cast<int32_t>(nodes.size())};
    if (kind == PlacementScore::LeafPack) {
      dn.leaf = upload(leaf, nodes.leaf, stream).data();
      dn.leaf_free = upload(leaf_free, nodes.leaf_free_cards, stream).data();
    }
    DeviceJobs dj{upload(cards, jobs.cards, stream).data(), upload(allowed, jobs.allowed_chips, stream).data(),
                  upload(cpu, jobs.cpu_milli, stream).data(), upload(mem, jobs.mem_mib, stream).data(),
                  static_cast<int64_t>(jobs.size())};
    auto* dout = static_cast<BestNode*>(out.reserve(host_out.size_bytes()));
    switch (kind) {
      case PlacementScore::FirstFit:
        launch<PlacementScore::FirstFit>(dn, dj, dout);
        break;
      case PlacementScore::BestFit:
        launch<PlacementScore::BestFit>(dn, dj, dout);
        break;
      case PlacementScore::Packing:
        launch<PlacementScore::Packing>(dn, dj, dout);
        break;
      case PlacementScore::Spread:
        launch<PlacementScore::Spread>(dn, dj, dout);
        break;
      case PlacementScore::LeafPack:
        launch<PlacementScore::LeafPack>(dn, dj, dout);
        break;
    }
    HETSIM_CUDA_CHECK(cudaMemcpyAsync(host_out.data(), dout, host_out.size_bytes(), cudaMemcpyDeviceToHost, stream));
    HETSIM_CUDA_CHECK(cudaStreamSynchronize(stream));
  }
};

}  // namespace

struct CudaPlacementScorer::Impl : ScorerState {};

bool cuda_available() noexcept {
  static const bool available = [] {
    int count = 0;
    const cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
      (void)cudaGetLastError();  // reset the runtime's last-error state
      return false;
    }
    return count > 0;
  }();
  return available;
}

CudaPlacementScorer::CudaPlacementScorer() {
  require_device();
  impl_ = std::make_unique<Impl>();
}
CudaPlacementScorer::~CudaPlacementScorer() = default;
CudaPlacementScorer::CudaPlacementScorer(CudaPlacementScorer&&) noexcept = default;
CudaPlacementScorer& CudaPlacementScorer::operator=(CudaPlacementScorer&&) noexcept = default;

void CudaPlacementScorer::score(const NodeTable& nodes, const JobBatch& jobs, PlacementScore kind,
                                std::span<BestNode> out) {
  validate_placement_inputs(nodes, jobs, kind, out);
  if (!impl_) throw std::runtime_error("hetsim::kernels: CudaPlacementScorer used after move");
  impl_->run(nodes, jobs, kind, out);
}

void score_best_nodes_cuda(const NodeTable& nodes, const JobBatch& jobs, PlacementScore kind, std::span<BestNode> out) {
  validate_placement_inputs(nodes, jobs, kind, out);
  require_device();
  ScorerState state;
  state.run(nodes, jobs, kind, out);
}

}  // namespace hetsim::kernels
