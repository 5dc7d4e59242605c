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
  virtual std::optional<std::pair<NodeId, GpuChoice>> place(std::span<const SharingNode> nodes, const SharingTask& t,
                                                            Rng& rng) = 0;
  // Called after the choice of the latest place() was applied to `node`, with its new state.
  virtual void on_placed(NodeId /*node*/, const SharingNode& /*new_state*/) {}
};

// How equal best scores are resolved; within a node the first best GPU wins in every mode, as in
// the reference. LowestId: the lowest node id (deterministic without randomness). Random:
// uniformly among the nodes with the best score, drawn per decision from the Rng passed to
// place() (upstream Kubernetes' selectHost). NodePermutation: the node of lowest rank in
// SharingOptions::node_rank, one permutation for a whole run, as the paper's simulator decides:
// it renames every node with a prefix from a random permutation at start-up and its pinned
// Kubernetes fork keeps the smallest name among equal top scores (docs/fgd.md).
enum class TieBreak : uint8_t { LowestId, Random, NodePermutation };
// How a policy's rule becomes a comparable score. Exact: the rule's own quantity, unrounded (for
// fgd the fragmentation change itself, as the paper's Algorithm 1 states). ReferenceInteger: the
// integer score 0..100 of the paper's simulator's plugin for that policy (docs/fgd.md gives each
// formula), which merges nearby values into ties. random-fit has no score and ignores it.
enum class ScoreResolution : uint8_t { Exact, ReferenceInteger };

struct SharingOptions {
  TieBreak tie_break = TieBreak::LowestId;
  ScoreResolution scores = ScoreResolution::Exact;
  // NodePermutation: node id -> rank, lower wins; a permutation of 0..nodes-1, one entry per node
  // (place() throws std::invalid_argument for a node without one). The FGD experiment draws it
  // from the run's seed (fgd_experiment.hpp).
  std::vector<uint32_t> node_rank;
  // FGD scores its candidate batches on the GPU (kernels/fragmentation_scoring.hpp); the same
  // scores bit for bit, hence the same placements. Creating the policy throws std::runtime_error
  // without a device.
  bool cuda = false;
};

const std::vector<std::string>& sharing_placement_names();
// One line on what the placement optimises (for `hetsim list policies`); "" for an unknown name.
std::string sharing_placement_description(const std::string& name);
// Unknown name -> std::invalid_argument listing the valid names. Only fgd uses the workload.
std::unique_ptr<SharingPlacement> make_sharing_placement(const std::string& name, std::vector<TaskType> target_workload,
                                                         SharingOptions options = {});

}  // namespace hetsim
