// Stubs for builds without CUDA (HETSIM_CUDA=OFF or nvcc not found).
#include <stdexcept>

#include "hetsim/kernels/fragmentation_scoring.hpp"

namespace hetsim::kernels {

struct CudaFragmentationScorer::Impl {};

CudaFragmentationScorer::CudaFragmentationScorer() {
  throw std::runtime_error("hetsim was built without CUDA (HETSIM_CUDA=OFF or nvcc not found)");
}
CudaFragmentationScorer::~CudaFragmentationScorer() = default;
CudaFragmentationScorer::CudaFragmentationScorer(CudaFragmentationScorer&&) noexcept = default;
CudaFragmentationScorer& CudaFragmentationScorer::operator=(CudaFragmentationScorer&&) noexcept = default;

void CudaFragmentationScorer::score(const FragTypeTable& types, const FragNodeTable& nodes, int64_t, int64_t,
                                    std::span<const FragCandidate> candidates, std::span<const FragChange> changes,
                                    std::span<double> out) {
  validate_fragmentation_inputs(types, nodes, candidates, changes, out);
  throw std::runtime_error("hetsim was built without CUDA (HETSIM_CUDA=OFF or nvcc not found)");
}

}  // namespace hetsim::kernels
