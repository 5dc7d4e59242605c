// Stubs for builds without CUDA (HETSIM_CUDA=OFF or nvcc not found).
#include <stdexcept>

#include "hetsim/kernels/plan_search.hpp"

namespace hetsim::kernels {
namespace {
[[noreturn]] void no_cuda() {
  throw std::runtime_error("hetsim was built without CUDA (HETSIM_CUDA=OFF or nvcc not found)");
}
}  // namespace

struct CudaPlanEvaluator::Impl {};

CudaPlanEvaluator::CudaPlanEvaluator() { no_cuda(); }
CudaPlanEvaluator::~CudaPlanEvaluator() = default;
CudaPlanEvaluator::CudaPlanEvaluator(CudaPlanEvaluator&&) noexcept = default;
CudaPlanEvaluator& CudaPlanEvaluator::operator=(CudaPlanEvaluator&&) noexcept = default;

void CudaPlanEvaluator::evaluate(std::span<const PlanStage> stages, std::span<const PlanCandidate> candidates,
                                 uint32_t layers, std::span<PlanResult> out, std::span<uint32_t> split_out) {
  validate_plan_inputs(stages, candidates, layers, out, split_out);
  no_cuda();
}

void evaluate_plans_cuda(std::span<const PlanStage> stages, std::span<const PlanCandidate> candidates, uint32_t layers,
                         std::span<PlanResult> out, std::span<uint32_t> split_out) {
  validate_plan_inputs(stages, candidates, layers, out, split_out);
  no_cuda();
}

}  // namespace hetsim::kernels
