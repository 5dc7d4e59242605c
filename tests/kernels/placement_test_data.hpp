// Owning storage for placement-scoring inputs plus a deterministic random
// generator (std::mt19937_64 with plain modulo draws, so the tables are the
// same on every platform/standard library). Shared by the CPU and GPU tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "hetsim/kernels/placement_scoring.hpp"

namespace hetsim::kernels::testing {

// Nodes sit under leaf switches in id order; leaf_free_cards sums each leaf's free cards.
struct NodeData {
  std::vector<uint8_t> free_cards, total_cards;
  std::vector<uint16_t> chip;
  std::vector<int64_t> cpu_free_milli, mem_free_mib;
  std::vector<uint32_t> leaf, leaf_free_cards;

  // Leaves of four nodes.
  void add(uint8_t free, uint8_t total, uint16_t c, int64_t cpu, int64_t mem) {
    add_in_leaf(free, total, c, cpu, mem, free_cards.size() % 4 == 0);
  }
  void add_in_leaf(uint8_t free, uint8_t total, uint16_t c, int64_t cpu, int64_t mem, bool new_leaf) {
    free_cards.push_back(free);
    total_cards.push_back(total);
    chip.push_back(c);
    cpu_free_milli.push_back(cpu);
    mem_free_mib.push_back(mem);
    if (new_leaf || leaf_free_cards.empty()) leaf_free_cards.push_back(0);
    leaf.push_back(static_cast<uint32_t>(leaf_free_cards.size() - 1));
    leaf_free_cards.back() += free;
  }
  [[nodiscard]] NodeTable view() const {
    return {free_cards, total_cards, chip, cpu_free_milli, mem_free_mib, leaf, leaf_free_cards};
  }
};

struct JobData {
  std::vector<uint8_t> cards;
  std::vector<uint64_t> allowed_chips;
  std::vector<int64_t> cpu_milli, mem_mib;

  void add(uint8_t c, uint64_t allowed, int64_t cpu, int64_t mem) {
    cards.push_back(c);
    allowed_chips.push_back(allowed);
    cpu_milli.push_back(cpu);
    mem_mib.push_back(mem);
  }
  [[nodiscard]] std::size_t size() const { return cards.size(); }
  [[nodiscard]] JobBatch view() const { return {cards, allowed_chips, cpu_milli, mem_mib}; }
};

class Draw {
 public:
  explicit Draw(uint64_t seed) : rng_(seed) {}
  uint64_t below(uint64_t bound) { return rng_() % bound; }  // bound > 0
  uint64_t bits() { return rng_(); }

 private:
  std::mt19937_64 rng_;
};

// Few chip types and card counts so that ties and partial feasibility are common.
inline NodeData random_nodes(Draw& d, std::size_t n) {
  static constexpr uint8_t kTotals[] = {1, 2, 4, 8, 8, 8, 16, 32};
  NodeData nodes;
  for (std::size_t i = 0; i < n; ++i) {
    const uint8_t total = kTotals[d.below(std::size(kTotals))];
    const auto free = static_cast<uint8_t>(d.below(uint64_t{total} + 1));
    const auto chip = static_cast<uint16_t>(d.below(8) == 0 ? d.below(64) : d.below(4));
    const auto cpu = static_cast<int64_t>(d.below(9)) * 8000;         // 0..64 cores, coarse => ties
    const auto mem = static_cast<int64_t>(d.below(9)) * 65536;        // 0..512 GiB
    nodes.add_in_leaf(free, total, chip, cpu, mem, d.below(6) == 0);  // leaves of ~6 nodes
  }
  return nodes;
}

inline JobData random_jobs(Draw& d, std::size_t m) {
  static constexpr uint8_t kCards[] = {1, 1, 2, 4, 8, 8, 16, 32};
  JobData jobs;
  for (std::size_t j = 0; j < m; ++j) {
    const uint8_t cards = d.below(10) == 0 ? static_cast<uint8_t>(1 + d.below(32)) : kCards[d.below(std::size(kCards))];
    uint64_t allowed = 0;
    switch (d.below(4)) {
      case 0:
        allowed = ~uint64_t{0};
        break;
      case 1:
        allowed = uint64_t{1} << d.below(4);
        break;
      case 2:
        allowed = d.bits();
        break;
      default:
        allowed = (uint64_t{1} << d.below(4)) | (uint64_t{1} << d.below(64));
        break;
    }
    const auto cpu = static_cast<int64_t>(d.below(9)) * 4000;
    const auto mem = static_cast<int64_t>(d.below(9)) * 32768;
    jobs.add(cards, allowed, cpu, mem);
  }
  return jobs;
}

inline constexpr PlacementScore kAllScores[] = {PlacementScore::FirstFit, PlacementScore::BestFit,
                                                PlacementScore::Packing, PlacementScore::Spread,
                                                PlacementScore::LeafPack};
inline constexpr std::size_t kNodeCounts[] = {1, 2, 3, 31, 32, 33, 255, 256, 257, 1000, 4999, 5000};
inline constexpr std::size_t kJobCounts[] = {1, 2, 17, 64, 300};
inline constexpr uint64_t kSeeds[] = {1, 42, 0x9e3779b97f4a7c15ULL};

}  // namespace hetsim::kernels::testing
