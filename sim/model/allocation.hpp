#pragma once
// Allocation: the cards (and host CPU/memory) a running job holds, node by node.
#include <cstdint>
#include <vector>

#include "hetsim/model/ids.hpp"

namespace hetsim {

struct NodeGrant {
  NodeId node = kNoNode;
  uint32_t card_mask = 0;              // bit i: the node's i-th card
  uint16_t milli_per_card = kMilliPerCard;  // share of each granted card (1000 = whole card)
  int64_t cpu_milli = 0;
  int64_t mem_mib = 0;
};

using Allocation = std::vector<NodeGrant>;

inline uint32_t allocation_cards(const Allocation& a) {
  uint32_t n = 0;
  for (const auto& g : a) n += static_cast<uint32_t>(__builtin_popcount(g.card_mask));
  return n;
}

}  // namespace hetsim
