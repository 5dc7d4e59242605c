// Batched placement scoring: for each job of a batch, the best node of a node
// table under one of five integer scoring rules (four node-local ones and one
// topology rule, leaf-pack, that also reads the free cards of the node's leaf
// switch). Plain arrays only; this header
// depends on no other hetsim folder (see kernels/README.md).
//
// The scalar rules (placement_feasible, placement_score, placement_better) are
// HETSIM_HD constexpr functions shared by the OpenMP reference, the CUDA
// kernel and the simulator's own single-job placement, so all three agree bit
// for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>

#if defined(__CUDACC__)
#define HETSIM_HD __host__ __device__
#else
#define HETSIM_HD
#endif

namespace hetsim::kernels {

enum class PlacementScore : uint8_t { FirstFit = 0, BestFit = 1, Packing = 2, Spread = 3, LeafPack = 4 };
inline constexpr int kPlacementScoreCount = 5;

inline constexpr int kMaxCardsPerNode = 32;  // total_cards and job cards are in 1..32
inline constexpr int kMaxChipTypes = 64;     // chip ids are in 0..63 (one bit of allowed_chips each)
inline constexpr int64_t kScoreScale = 1'000'000;
inline constexpr int64_t kNoScore = std::numeric_limits<int64_t>::min();
// Leaf-pack ranks by the leaf's leftover first: one leaf card outweighs any node leftover (<= 31).
inline constexpr int64_t kLeafWeight = 64;

// Struct of arrays; n nodes, all spans the same length.
struct NodeTable {
  std::span<const uint8_t> free_cards;   // whole free cards on the node, <= total_cards
  std::span<const uint8_t> total_cards;  // cards on the node (1..32)
  std::span<const uint16_t> chip;        // chip type id (0..63)
  std::span<const int64_t> cpu_free_milli;
  std::span<const int64_t> mem_free_mib;
  // Topology, read only by LeafPack (may be empty otherwise): the node's leaf switch, and per
  // leaf the whole free cards of all its nodes (so leaf_free_cards[leaf[i]] >= free_cards[i]).
  std::span<const uint32_t> leaf;
  std::span<const uint32_t> leaf_free_cards;

  [[nodiscard]] std::size_t size() const noexcept { return free_cards.size(); }
};

// m jobs; each wants `cards` whole cards on ONE node.
struct JobBatch {
  std::span<const uint8_t> cards;           // 1..32
  std::span<const uint64_t> allowed_chips;  // bit c set => chip c allowed
  std::span<const int64_t> cpu_milli;       // total for the job
  std::span<const int64_t> mem_mib;

  [[nodiscard]] std::size_t size() const noexcept { return cards.size(); }
};

// node == -1: no feasible node (score is then kNoScore).
struct BestNode {
  int32_t node = -1;
  int64_t score = kNoScore;

  friend bool operator==(const BestNode&, const BestNode&) = default;
};

// ---------------------------------------------------------------------------
// Scalar rules, shared by every implementation.
// ---------------------------------------------------------------------------

// Requires chip < 64 (validate_placement_inputs checks it).
HETSIM_HD constexpr bool placement_feasible(uint64_t allowed_chips, int64_t job_cards, int64_t job_cpu_milli,
                                            int64_t job_mem_mib, uint32_t node_chip, int64_t node_free_cards,
                                            int64_t node_cpu_free_milli, int64_t node_mem_free_mib) noexcept {
  return ((allowed_chips >> node_chip) & 1U) != 0 && node_free_cards >= job_cards &&
         node_cpu_free_milli >= job_cpu_milli && node_mem_free_mib >= job_mem_mib;
}

// Higher is better. Only meaningful for a feasible (node, job) pair with
// total_cards >= 1. Values: FirstFit 0; BestFit -32..0; Packing/Spread 0..1'000'000;
// LeafPack -((leaf leftover) * 64 + node leftover): the fullest leaf that fits, best fit in it,
// so single-node jobs fill busy leaves and whole leaves stay free for multi-node gangs.
// `leaf_free_cards` (the node's leaf, before placing) is read only by LeafPack.
HETSIM_HD constexpr int64_t placement_score(PlacementScore kind, int64_t free_cards, int64_t total_cards,
                                            int64_t job_cards, int64_t leaf_free_cards) noexcept {
  switch (kind) {
    case PlacementScore::LeafPack:
      return -((leaf_free_cards - job_cards) * kLeafWeight + (free_cards - job_cards));
    case PlacementScore::FirstFit:
      return 0;
    case PlacementScore::BestFit:
      return -(free_cards - job_cards);
    case PlacementScore::Packing:
      return (total_cards - free_cards + job_cards) * kScoreScale / total_cards;
    case PlacementScore::Spread:
      return (free_cards - job_cards) * kScoreScale / total_cards;
  }
  return 0;
}

// True when candidate (score_a, node_a) is strictly better than the incumbent
// (score_b, node_b): higher score, ties to the lower node id; node -1 is worse
// than everything. A strict total order on distinct node ids, so any reduction
// order (sequential scan, warp shuffle, tree) yields the same winner.
HETSIM_HD constexpr bool placement_better(int64_t score_a, int32_t node_a, int64_t score_b, int32_t node_b) noexcept {
  if (node_a < 0) return false;
  if (node_b < 0) return true;
  return score_a > score_b || (score_a == score_b && node_a < node_b);
}

// ---------------------------------------------------------------------------
// Single-job host helpers (sequential scan over nodes in id order). Used by the
// OpenMP reference for each job and available to the simulator's own
// index-based placement. Inputs are NOT validated here.
// ---------------------------------------------------------------------------

template <PlacementScore Kind>
[[nodiscard]] inline BestNode best_node_for_job(const NodeTable& nodes, uint8_t cards, uint64_t allowed_chips,
                                                int64_t cpu_milli, int64_t mem_mib) noexcept {
  BestNode best;
  const std::size_t n = nodes.size();
  const uint8_t* free_cards = nodes.free_cards.data();
  const uint8_t* total_cards = nodes.total_cards.data();
  const uint16_t* chip = nodes.chip.data();
  const int64_t* cpu_free = nodes.cpu_free_milli.data();
  const int64_t* mem_free = nodes.mem_free_mib.data();
  const uint32_t* leaf = nodes.leaf.data();
  const uint32_t* leaf_free = nodes.leaf_free_cards.data();
  for (std::size_t i = 0; i < n; ++i) {
    if (!placement_feasible(allowed_chips, cards, cpu_milli, mem_mib, chip[i], free_cards[i], cpu_free[i],
                            mem_free[i])) {
      continue;
    }
    const int64_t lf = Kind == PlacementScore::LeafPack ? int64_t{leaf_free[leaf[i]]} : 0;
    const int64_t s = placement_score(Kind, free_cards[i], total_cards[i], cards, lf);
    const auto id = static_cast<int32_t>(i);
    if (placement_better(s, id, best.score, best.node)) {
      best.node = id;
      best.score = s;
    }
  }
  return best;
}

[[nodiscard]] inline BestNode best_node_for_job(const NodeTable& nodes, PlacementScore kind, uint8_t cards,
                                                uint64_t allowed_chips, int64_t cpu_milli, int64_t mem_mib) noexcept {
  switch (kind) {
    case PlacementScore::FirstFit:
      return best_node_for_job<PlacementScore::FirstFit>(nodes, cards, allowed_chips, cpu_milli, mem_mib);
    case PlacementScore::BestFit:
      return best_node_for_job<PlacementScore::BestFit>(nodes, cards, allowed_chips, cpu_milli, mem_mib);
    case PlacementScore::Packing:
      return best_node_for_job<PlacementScore::Packing>(nodes, cards, allowed_chips, cpu_milli, mem_mib);
    case PlacementScore::Spread:
      return best_node_for_job<PlacementScore::Spread>(nodes, cards, allowed_chips, cpu_milli, mem_mib);
    case PlacementScore::LeafPack:
      return best_node_for_job<PlacementScore::LeafPack>(nodes, cards, allowed_chips, cpu_milli, mem_mib);
  }
  return {};
}

// ---------------------------------------------------------------------------
// Batched API.
// ---------------------------------------------------------------------------

// Throws std::invalid_argument unless: all NodeTable spans have one length n
// (n <= INT32_MAX); all JobBatch spans have one length m; out.size() == m;
// kind is one of the five enumerators; every node has 1 <= total_cards <= 32,
// free_cards <= total_cards, chip < 64; every job has 1 <= cards <= 32; for
// LeafPack, NodeTable.leaf has n entries, each < leaf_free_cards.size(), and
// leaf_free_cards[leaf[i]] >= free_cards[i].
// Every batched entry point calls it first.
void validate_placement_inputs(const NodeTable& nodes, const JobBatch& jobs, PlacementScore kind,
                               std::span<const BestNode> out);

// OpenMP reference: parallel over jobs (schedule(static)), nodes scanned in id
// order per job. out[j] = best node for job j (max score, ties -> lowest id).
void score_best_nodes_cpu(const NodeTable& nodes, const JobBatch& jobs, PlacementScore kind, std::span<BestNode> out);

// True only when built with CUDA and cudaGetDeviceCount() > 0. Never throws.
[[nodiscard]] bool cuda_available() noexcept;

// Same result as score_best_nodes_cpu, bit for bit, computed on the GPU.
// Validates first (std::invalid_argument), then throws std::runtime_error when
// built without CUDA, when no device is present, or on any CUDA error.
// Allocates device buffers per call; use CudaPlacementScorer to reuse them.
void score_best_nodes_cuda(const NodeTable& nodes, const JobBatch& jobs, PlacementScore kind, std::span<BestNode> out);

// Reusable CUDA context: device buffers (grown geometrically, never shrunk)
// and a stream kept across calls. Not thread-safe; one per thread.
class CudaPlacementScorer {
 public:
  CudaPlacementScorer();  // throws std::runtime_error when !cuda_available()
  ~CudaPlacementScorer();
  CudaPlacementScorer(CudaPlacementScorer&&) noexcept;
  CudaPlacementScorer& operator=(CudaPlacementScorer&&) noexcept;
  CudaPlacementScorer(const CudaPlacementScorer&) = delete;
  CudaPlacementScorer& operator=(const CudaPlacementScorer&) = delete;

  // Same contract as score_best_nodes_cuda.
  void score(const NodeTable& nodes, const JobBatch& jobs, PlacementScore kind, std::span<BestNode> out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hetsim::kernels
