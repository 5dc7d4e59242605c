#pragma once
// GPU-sharing placement policies of the FGD paper's evaluation (Weng et al., USENIX ATC 2023):
// fgd and its baselines best-fit, dot-product, gpu-packing, gpu-clustering, random-fit.
// Definitions and sources in docs/fgd.md. Each picks, for one task, a node and the GPUs on it;
// the caller applies the choice (after()) and reports the node's new state through on_placed().
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "hetsim/core/rng.hpp"
#include "hetsim/policy/sharing/fragmentation.hpp"
#include "hetsim/policy/sharing/node_state.hpp"

namespace hetsim {

class SharingPlacement {
 public:
  virtual ~SharingPlacement() = default;
  virtual std::string name() const = 0;
  // Best (node, choice) for the task over all nodes, or nullopt if it fits nowhere. `nodes` is
  // the current state of every node (index = NodeId). Deterministic given the Rng state (only
  // random-fit draws); ties go to the lowest node id, then the lowest gpu_mask.
  virtual std::optional<std::pair<NodeId, GpuChoice>> place(std::span<const SharingNode> nodes,
                                                            const SharingTask& t, Rng& rng) = 0;
  // Called after the choice of the latest place() was applied to `node`, with its new state.
  virtual void on_placed(NodeId /*node*/, const SharingNode& /*new_state*/) {}
};

const std::vector<std::string>& sharing_placement_names();
// Unknown name -> std::invalid_argument listing the valid names. Only fgd uses the workload.
std::unique_ptr<SharingPlacement> make_sharing_placement(const std::string& name,
                                                         std::vector<TaskType> target_workload);

}  // namespace hetsim
