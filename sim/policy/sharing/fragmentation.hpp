#pragma once
// The fragmentation measure of the FGD paper (Weng et al., USENIX ATC 2023), docs/fgd.md.
//
// For a node n and one task type m (all in milli-GPU):
//   F_n(m) = all of n's free GPU share   if m requests no GPU, or cannot run on n at all
//                                        (CPU, memory, GPU model, fewer than m.num_gpu GPUs with
//                                        free >= m.gpu_milli)
//          = sum of free_g over n's GPUs g with free_g < m.gpu_milli   otherwise
//   F_n(M) = sum_m p_m F_n(m) over the target workload M.
// The cluster's fragmentation is the sum over nodes.
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "hetsim/kernels/fragmentation_scoring.hpp"
#include "hetsim/policy/sharing/node_state.hpp"

namespace hetsim {

struct TaskType {
  SharingTask shape;
  double popularity = 0;  // p_m; the p_m of one target workload sum to 1
  uint64_t count = 0;     // tasks of this type in the sample it was built from (0 if hand-made)
};

struct TargetWorkloadOptions {
  // The reference simulator's defaults for the paper's experiments (TypicalPodsConfig:
  // isInvolvedCpuPods true, podPopularityThreshold 95, podIncreaseStep 1).
  bool include_cpu_only = true;
  int popularity_threshold_pct = 95;
};

// M built as the reference simulator builds its "typical pods": tasks grouped by (CPU, per-GPU
// milli, GPU count, GPU-model constraint) -- memory is not part of a type, so the types' mem_mib
// is 0 --, sorted by count (descending; equal counts: larger shape first), the most popular
// kept until they cover popularity_threshold_pct % of the tasks, then renormalised.
std::vector<TaskType> target_workload(std::span<const SharingTask> tasks, const TargetWorkloadOptions& opt = {});

double node_fragmentation(const SharingNode& n, const SharingTask& type);
double node_fragmentation(const SharingNode& n, std::span<const TaskType> M);
double cluster_fragmentation(std::span<const SharingNode> nodes, std::span<const TaskType> M);
// 1000 x the cluster's GPUs: divide a cluster fragmentation by it for the share of cluster GPUs.
int64_t cluster_gpu_milli(std::span<const SharingNode> nodes);

// Per-node cache of F_n(M) for FGD. F_n(M) depends only on the node's own state, so each node's
// value, with the per-threshold counts it is built from, is kept together with a copy of the state
// it was computed for; any difference in the state recomputes it, so the cache can never be stale.
// Candidates' F_n(M) are evaluated from the cached counts in O(|M|) instead of O(|M| x GPUs) by the
// kernels/ fragmentation scoring (kernels/fragmentation_scoring.hpp), whose scalar rule uses the same
// integers and summation order as node_fragmentation(): results are bit-identical.
class FragmentationIndex {
 public:
  explicit FragmentationIndex(std::span<const TaskType> M);

  // F_n(M) of `state`, refreshing node n's cache first if `state` is not what it holds.
  double node(NodeId n, const SharingNode& state);
  // F_n(M) of after(state, t, c). Precondition: node(n, state) was called for this same state.
  double after(NodeId n, const SharingNode& state, const SharingTask& t, const GpuChoice& c) const;

  // A batch of candidates of one task, built with add_candidate() and scored in one kernel call.
  // Precondition for each: node(n, state) was called for the node's current state.
  struct Batch {
    std::vector<kernels::FragCandidate> candidates;
    std::vector<kernels::FragChange> changes;
    void clear() { candidates.clear(), changes.clear(); }
  };
  static void add_candidate(Batch& b, NodeId n, const SharingNode& state, const GpuChoice& c);
  // out[j] = F_n(M) after candidate j of `b` (resized to the batch).
  void after_batch(const SharingTask& t, const Batch& b, std::vector<double>& out) const;
  // Score batches with this GPU scorer (not owned; nullptr: the CPU reference). Same results.
  void set_cuda(kernels::CudaFragmentationScorer* scorer) { cuda_ = scorer; }
  // A number naming node n's state: equal states (of any nodes) have equal numbers, different
  // states different ones, for the index's lifetime. Precondition: node(n, state) was called. FGD
  // keys its per-task and cross-task score caches on it instead of hashing whole states.
  uint32_t state_id(NodeId n) const { return state_id_[n]; }

 private:
  void refresh(NodeId n, const SharingNode& state);
  kernels::FragTypeTable type_table() const;
  kernels::FragNodeTable node_table() const;

  kernels::CudaFragmentationScorer* cuda_ = nullptr;
  // M as a struct of arrays, in M's order (the summation order).
  std::vector<int64_t> thresholds_;  // distinct per-GPU requests of M's GPU types, ascending
  std::vector<int64_t> type_cpu_, type_mem_;
  std::vector<uint64_t> type_models_;
  std::vector<uint32_t> type_gpus_;
  std::vector<int32_t> type_threshold_;  // index into thresholds_; -1: CPU-only type
  std::vector<double> type_popularity_;
  std::size_t d_ = 0;  // thresholds_.size()
  // Per node: the state the cache was built for, and the kernel's node table.
  std::vector<SharingNode> state_;
  std::vector<uint8_t> valid_;
  std::vector<double> frag_;
  std::vector<int64_t> cpu_free_, mem_free_;
  std::vector<uint16_t> model_;
  std::vector<int64_t> total_;  // free GPU milli of the node
  std::vector<int64_t> count_;  // [n * d_ + i]: GPUs with free >= thresholds_[i]
  std::vector<int64_t> below_;  // [n * d_ + i]: sum of free over GPUs with free < thresholds_[i]
  std::vector<uint32_t> state_id_;
  struct StateHash {
    std::size_t operator()(const SharingNode& s) const;
  };
  std::unordered_map<SharingNode, uint32_t, StateHash> ids_;  // lookup only, never iterated
};

}  // namespace hetsim
