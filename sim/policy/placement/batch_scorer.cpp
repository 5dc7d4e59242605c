#include "hetsim/policy/placement/batch_scorer.hpp"

#include <stdexcept>

namespace hetsim {

namespace {
class CpuBatchScorer final : public BatchScorer {
 public:
  const char* name() const override { return "cpu"; }
  void score(const kernels::NodeTable& nodes, const kernels::JobBatch& jobs, kernels::PlacementScore kind,
             std::span<kernels::BestNode> out) override {
    kernels::score_best_nodes_cpu(nodes, jobs, kind, out);
  }
};

class CudaBatchScorer final : public BatchScorer {
 public:
  const char* name() const override { return "cuda"; }
  void score(const kernels::NodeTable& nodes, const kernels::JobBatch& jobs, kernels::PlacementScore kind,
             std::span<kernels::BestNode> out) override {
    scorer_.score(nodes, jobs, kind, out);
  }

 private:
  kernels::CudaPlacementScorer scorer_;
};
}  // namespace

std::unique_ptr<BatchScorer> make_cpu_batch_scorer() { return std::make_unique<CpuBatchScorer>(); }

std::unique_ptr<BatchScorer> make_cuda_batch_scorer() {
  if (!kernels::cuda_available()) {
    throw std::runtime_error("no usable CUDA device (built without CUDA, or no GPU present)");
  }
  return std::make_unique<CudaBatchScorer>();
}

}  // namespace hetsim
