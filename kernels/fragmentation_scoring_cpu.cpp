#include <stdexcept>
#include <string>

#include "hetsim/kernels/fragmentation_scoring.hpp"

namespace hetsim::kernels {

void validate_fragmentation_inputs(const FragTypeTable& types, const FragNodeTable& nodes,
                                   std::span<const FragCandidate> candidates, std::span<const FragChange> changes,
                                   std::span<const double> out) {
  const std::size_t m = types.size();
  if (types.mem_mib.size() != m || types.allowed_models.size() != m || types.num_gpu.size() != m ||
      types.threshold.size() != m || types.popularity.size() != m)
    throw std::invalid_argument("fragmentation: FragTypeTable spans differ in length");
  const std::size_t d = types.thresholds.size();
  for (std::size_t k = 0; k < m; ++k)
    if (types.threshold[k] < -1 || (types.threshold[k] >= 0 && static_cast<std::size_t>(types.threshold[k]) >= d))
      throw std::invalid_argument("fragmentation: type " + std::to_string(k) + " has threshold index " +
                                  std::to_string(types.threshold[k]) + " outside [-1, " + std::to_string(d) + ")");
  const std::size_t n = nodes.size();
  if (nodes.mem_free_mib.size() != n || nodes.model.size() != n || nodes.gpu_free_total.size() != n)
    throw std::invalid_argument("fragmentation: FragNodeTable spans differ in length");
  if (nodes.count_at_least.size() != n * d || nodes.free_below.size() != n * d)
    throw std::invalid_argument("fragmentation: count_at_least and free_below must hold nodes x thresholds (" +
                                std::to_string(n * d) + ") entries");
  for (std::size_t j = 0; j < candidates.size(); ++j) {
    const FragCandidate& c = candidates[j];
    if (c.node >= n)
      throw std::invalid_argument("fragmentation: candidate " + std::to_string(j) + " names node " +
                                  std::to_string(c.node) + " of " + std::to_string(n));
    if (std::size_t{c.first_change} + c.change_count > changes.size())
      throw std::invalid_argument("fragmentation: candidate " + std::to_string(j) + " has changes outside the list");
  }
  if (out.size() != candidates.size())
    throw std::invalid_argument("fragmentation: out has " + std::to_string(out.size()) + " entries for " +
                                std::to_string(candidates.size()) + " candidates");
}

void fragmentation_after_cpu(const FragTypeTable& types, const FragNodeTable& nodes, int64_t task_cpu_milli,
                             int64_t task_mem_mib, std::span<const FragCandidate> candidates,
                             std::span<const FragChange> changes, std::span<double> out) {
  validate_fragmentation_inputs(types, nodes, candidates, changes, out);
  for (std::size_t j = 0; j < candidates.size(); ++j) {
    const FragCandidate& c = candidates[j];
    out[j] = fragmentation_after(types, nodes, c.node, task_cpu_milli, task_mem_mib, changes.data() + c.first_change,
                                 c.change_count);
  }
}

}  // namespace hetsim::kernels
