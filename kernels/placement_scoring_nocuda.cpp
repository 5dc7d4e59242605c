// Stubs for builds without CUDA (HETSIM_CUDA=OFF or nvcc not found).
#include "hetsim/kernels/placement_scoring.hpp"

#include <stdexcept>

namespace hetsim::kernels {
namespace {
[[noreturn]] void no_cuda() {
  throw std::runtime_error("hetsim was built without CUDA (HETSIM_CUDA=OFF or nvcc not found)");
}
}  // namespace

struct CudaPlacementScorer::Impl {};

bool cuda_available() noexcept { return false; }

void score_best_nodes_cuda(const NodeTable& nodes, const JobBatch& jobs, PlacementScore kind, std::span<BestNode> out) {
  validate_placement_inputs(nodes, jobs, kind, out);
  no_cuda();
}

CudaPlacementScorer::CudaPlacementScorer() { no_cuda(); }
CudaPlacementScorer::~CudaPlacementScorer() = default;
CudaPlacementScorer::CudaPlacementScorer(CudaPlacementScorer&&) noexcept = default;
CudaPlacementScorer& CudaPlacementScorer::operator=(CudaPlacementScorer&&) noexcept = default;

void CudaPlacementScorer::score(const NodeTable& nodes, const JobBatch& jobs, PlacementScore kind,
                                std::span<BestNode> out) {
  validate_placement_inputs(nodes, jobs, kind, out);
  no_cuda();
}

}  // namespace hetsim::kernels
