// CUDA implementation of the FGD fragmentation scoring (fragmentation_scoring.hpp): one thread
// per candidate, each evaluating the shared HETSIM_HD rule fragmentation_after over M in M's
// order. Nothing is reduced across threads, so each score equals the CPU reference's bit for bit.
#include "hetsim/kernels/fragmentation_scoring.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "cuda_support.cuh"

namespace hetsim::kernels {
namespace {

using cuda_support::DeviceBuffer;
using cuda_support::upload;

constexpr int kThreads = 128;
constexpr int64_t kMaxGrid = int64_t{1} << 20;

__global__ void __launch_bounds__(kThreads)
    fragmentation_kernel(FragTypeTable types, FragNodeTable nodes, int64_t task_cpu, int64_t task_mem,
                         const FragCandidate* __restrict__ cands, int64_t n, const FragChange* __restrict__ changes,
                         double* __restrict__ out) {
  for (int64_t j = int64_t{blockIdx.x} * kThreads + threadIdx.x; j < n; j += int64_t{gridDim.x} * kThreads) {
    const FragCandidate c = cands[j];
    out[j] = fragmentation_after(types, nodes, c.node, task_cpu, task_mem, changes + c.first_change, c.change_count);
  }
}

}  // namespace

struct CudaFragmentationScorer::Impl {
  cuda_support::Stream stream;
  DeviceBuffer t_cpu, t_mem, t_models, t_gpus, t_threshold, t_pop, t_thresholds;
  DeviceBuffer n_cpu, n_mem, n_model, n_total, n_count, n_below;
  DeviceBuffer cands, changes, out;

  void run(const FragTypeTable& t, const FragNodeTable& nd, int64_t cpu, int64_t mem, std::span<const FragCandidate> cs,
           std::span<const FragChange> ch, std::span<double> host_out) {
    if (cs.empty()) return;
    // Device views with the host tables' shapes; fragmentation_after reads them through spans.
    const FragTypeTable dt{upload(t_cpu, t.cpu_milli, stream),         upload(t_mem, t.mem_mib, stream),
                           upload(t_models, t.allowed_models, stream), upload(t_gpus, t.num_gpu, stream),
                           upload(t_threshold, t.threshold, stream),   upload(t_pop, t.popularity, stream),
                           upload(t_thresholds, t.thresholds, stream)};
    const FragNodeTable dn{upload(n_cpu, nd.cpu_free_milli, stream),   upload(n_mem, nd.mem_free_mib, stream),
                           upload(n_model, nd.model, stream),          upload(n_total, nd.gpu_free_total, stream),
                           upload(n_count, nd.count_at_least, stream), upload(n_below, nd.free_below, stream)};
    const std::span<const FragCandidate> dc = upload(cands, cs, stream);
    const std::span<const FragChange> dch = upload(changes, ch, stream);
    auto* dout = static_cast<double*>(out.reserve(host_out.size_bytes()));
    const auto n = static_cast<int64_t>(cs.size());
    const auto blocks = static_cast<unsigned>(std::min<int64_t>((n + kThreads - 1) / kThreads, kMaxGrid));
    fragmentation_kernel<<<blocks, kThreads, 0, stream>>>(dt, dn, cpu, mem, dc.data(), n, dch.data(), dout);
    HETSIM_CUDA_CHECK(cudaGetLastError());
    HETSIM_CUDA_CHECK(cudaMemcpyAsync(host_out.data(), dout, host_out.size_bytes(), cudaMemcpyDeviceToHost, stream));
    HETSIM_CUDA_CHECK(cudaStreamSynchronize(stream));
  }
};

CudaFragmentationScorer::CudaFragmentationScorer() {
  cuda_support::require_device();
  impl_ = std::make_unique<Impl>();
}
CudaFragmentationScorer::~CudaFragmentationScorer() = default;
CudaFragmentationScorer::CudaFragmentationScorer(CudaFragmentationScorer&&) noexcept = default;
CudaFragmentationScorer& CudaFragmentationScorer::operator=(CudaFragmentationScorer&&) noexcept = default;

void CudaFragmentationScorer::score(const FragTypeTable& types, const FragNodeTable& nodes, int64_t task_cpu_milli,
                                    int64_t task_mem_mib, std::span<const FragCandidate> candidates,
                                    std::span<const FragChange> changes, std::span<double> out) {
  validate_fragmentation_inputs(types, nodes, candidates, changes, out);
  if (!impl_) throw std::runtime_error("hetsim::kernels: CudaFragmentationScorer used after move");
  impl_->run(types, nodes, task_cpu_milli, task_mem_mib, candidates, changes, out);
}

}  // namespace hetsim::kernels
