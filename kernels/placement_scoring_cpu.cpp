// OpenMP reference implementation of batched placement scoring.
#include "hetsim/kernels/placement_scoring.hpp"

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace hetsim::kernels {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::invalid_argument("hetsim::kernels placement scoring: " + what);
}

void check_len(std::size_t got, std::size_t want, const char* span_name, const char* ref_name) {
  if (got != want) {
    fail(std::string(span_name) + " has " + std::to_string(got) + " entries but " + ref_name + " has " +
         std::to_string(want));
  }
}

template <PlacementScore Kind>
void score_all(const NodeTable& nodes, const JobBatch& jobs, std::span<BestNode> out) {
  const auto m = static_cast<int64_t>(jobs.size());
  const uint8_t* cards = jobs.cards.data();
  const uint64_t* allowed = jobs.allowed_chips.data();
  const int64_t* cpu = jobs.cpu_milli.data();
  const int64_t* mem = jobs.mem_mib.data();
  BestNode* dst = out.data();
#pragma omp parallel for schedule(static)
  for (int64_t j = 0; j < m; ++j) {
    dst[j] = best_node_for_job<Kind>(nodes, cards[j], allowed[j], cpu[j], mem[j]);
  }
}

}  // namespace

void validate_placement_inputs(const NodeTable& nodes, const JobBatch& jobs, PlacementScore kind,
                               std::span<const BestNode> out) {
  const std::size_t n = nodes.free_cards.size();
  check_len(nodes.total_cards.size(), n, "NodeTable.total_cards", "NodeTable.free_cards");
  check_len(nodes.chip.size(), n, "NodeTable.chip", "NodeTable.free_cards");
  check_len(nodes.cpu_free_milli.size(), n, "NodeTable.cpu_free_milli", "NodeTable.free_cards");
  check_len(nodes.mem_free_mib.size(), n, "NodeTable.mem_free_mib", "NodeTable.free_cards");
  if (n > static_cast<std::size_t>(std::numeric_limits<int32_t>::max())) {
    fail("NodeTable has " + std::to_string(n) + " nodes; at most INT32_MAX are supported");
  }
  const std::size_t m = jobs.cards.size();
  check_len(jobs.allowed_chips.size(), m, "JobBatch.allowed_chips", "JobBatch.cards");
  check_len(jobs.cpu_milli.size(), m, "JobBatch.cpu_milli", "JobBatch.cards");
  check_len(jobs.mem_mib.size(), m, "JobBatch.mem_mib", "JobBatch.cards");
  check_len(out.size(), m, "output span", "JobBatch.cards");

  const auto k = static_cast<unsigned>(kind);
  if (k >= static_cast<unsigned>(kPlacementScoreCount)) {
    fail("unknown PlacementScore value " + std::to_string(k));
  }
  if (kind == PlacementScore::LeafPack) {
    check_len(nodes.leaf.size(), n, "NodeTable.leaf", "NodeTable.free_cards");
    const std::size_t leaves = nodes.leaf_free_cards.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (nodes.leaf[i] >= leaves) {
        fail("node " + std::to_string(i) + ": leaf " + std::to_string(nodes.leaf[i]) +
             " is outside NodeTable.leaf_free_cards (" + std::to_string(leaves) + " entries)");
      }
      if (nodes.leaf_free_cards[nodes.leaf[i]] < nodes.free_cards[i]) {
        fail("node " + std::to_string(i) + ": its leaf " + std::to_string(nodes.leaf[i]) + " has " +
             std::to_string(nodes.leaf_free_cards[nodes.leaf[i]]) + " free cards, fewer than the node's " +
             std::to_string(unsigned{nodes.free_cards[i]}));
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned total = nodes.total_cards[i];
    if (total < 1 || total > static_cast<unsigned>(kMaxCardsPerNode)) {
      fail("node " + std::to_string(i) + ": total_cards " + std::to_string(total) + " is outside 1..32");
    }
    if (nodes.free_cards[i] > total) {
      fail("node " + std::to_string(i) + ": free_cards " + std::to_string(unsigned{nodes.free_cards[i]}) +
           " exceeds total_cards " + std::to_string(total));
    }
    if (nodes.chip[i] >= kMaxChipTypes) {
      fail("node " + std::to_string(i) + ": chip id " + std::to_string(unsigned{nodes.chip[i]}) + " is outside 0..63");
    }
  }
  for (std::size_t j = 0; j < m; ++j) {
    const unsigned c = jobs.cards[j];
    if (c < 1 || c > static_cast<unsigned>(kMaxCardsPerNode)) {
      fail("job " + std::to_string(j) + ": cards " + std::to_string(c) + " is outside 1..32");
    }
  }
}

void score_best_nodes_cpu(const NodeTable& nodes, const JobBatch& jobs, PlacementScore kind, std::span<BestNode> out) {
  validate_placement_inputs(nodes, jobs, kind, out);
  switch (kind) {
    case PlacementScore::FirstFit:
      score_all<PlacementScore::FirstFit>(nodes, jobs, out);
      return;
    case PlacementScore::BestFit:
      score_all<PlacementScore::BestFit>(nodes, jobs, out);
      return;
    case PlacementScore::Packing:
      score_all<PlacementScore::Packing>(nodes, jobs, out);
      return;
    case PlacementScore::Spread:
      score_all<PlacementScore::Spread>(nodes, jobs, out);
      return;
    case PlacementScore::LeafPack:
      score_all<PlacementScore::LeafPack>(nodes, jobs, out);
      return;
  }
}

}  // namespace hetsim::kernels
