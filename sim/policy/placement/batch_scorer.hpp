#pragma once
// BatchScorer: scores many single-node placement requests against one snapshot of the cluster
// in one call (kernels/placement_scoring.hpp), on the CPU (OpenMP reference) or a CUDA device.
// Used by policies that examine many queued jobs per pass (EASY's backfill scan). Decisions made
// with it equal those of the sequential index search: see EasyBackfillPolicy.
#include <memory>
#include <span>
#include <string>

#include "hetsim/kernels/placement_scoring.hpp"
#include "hetsim/model/cluster.hpp"

namespace hetsim {

class BatchScorer {
 public:
  virtual ~BatchScorer() = default;
  virtual const char* name() const = 0;
  virtual void score(const kernels::NodeTable& nodes, const kernels::JobBatch& jobs, kernels::PlacementScore kind,
                     std::span<kernels::BestNode> out) = 0;
};

std::unique_ptr<BatchScorer> make_cpu_batch_scorer();
// Throws std::runtime_error when hetsim was built without CUDA or no device is present.
std::unique_ptr<BatchScorer> make_cuda_batch_scorer();

inline kernels::NodeTable node_table(const Cluster& c) {
  return kernels::NodeTable{c.free_cards_array(), c.total_cards_array(), c.chip_array(),     c.cpu_free_array(),
                            c.mem_free_array(),   c.leaf_array(),        c.leaf_free_array()};
}

}  // namespace hetsim
