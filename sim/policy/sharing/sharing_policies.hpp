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

// How equal best scores are resolved. LowestId: the lowest node id, then the lowest GPU mask
// (deterministic without randomness). Random: uniformly among the nodes with the best score, drawn
// from the Rng passed to place() (the Kubernetes scheduler's selectHost, which the paper's
// simulator inherits); within a node the first best GPU still wins, as in the reference.
enum class TieBreak : uint8_t { LowestId, Random };
// How a policy's rule becomes a comparable score. Exact: the rule's own quantity, unrounded (for
// fgd the fragmentation change itself, as the paper's Algorithm 1 states). ReferenceInteger: the
// integer score 0..100 of the paper's simulator's plugin for that policy (docs/fgd.md gives each
// formula), which merges nearby values into ties. random-fit has no score and ignores it.
enum class ScoreResolution : uint8_t { Exact, ReferenceInteger };

struct SharingOptions {
  TieBreak tie_break = TieBreak::LowestId;
  ScoreResolution scores = ScoreResolution::Exact;
  // FGD scores its candidate batches on the GPU (kernels/fragmentation_scoring.hpp); the same
  // scores bit for bit, hence the same placements. Creating the policy throws std::runtime_error
  // without a device.
  bool cuda = false;
};

const std::vector<std::string>& sharing_placement_names();
// One line on what the placement optimises (for `hetsim list policies`); "" for an unknown name.
std::string sharing_placement_description(const std::string& name);
// Unknown name -> std::invalid_argument listing the valid names. Only fgd uses the workload.
std::unique_ptr<SharingPlacement> make_sharing_placement(const std::string& name,
                                                         std::vector<TaskType> target_workload,
                                                         SharingOptions options = {});

}  // namespace hetsim
