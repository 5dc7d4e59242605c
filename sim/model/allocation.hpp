#pragma once
// Allocation: the cards (and host CPU/memory) a running job holds, node by node.
#include <cstdint>
#include <vector>

#include "hetsim/model/ids.hpp"

namespace hetsim {

// Whole cards in a node's card mask. A portable bit count: without -mpopcnt, __builtin_popcount
// is a library call, and masks are counted at every placement, release and reservation walk.
// An int, as __builtin_popcount's, so signed arithmetic on it stays signed.
constexpr int card_count(uint32_t mask) {
  mask = mask - ((mask >> 1) & 0x55555555u);
  mask = (mask & 0x33333333u) + ((mask >> 2) & 0x33333333u);
  return static_cast<int>((((mask + (mask >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24);
}
static_assert(card_count(0) == 0 && card_count(1) == 1 && card_count(0xFFFFFFFFu) == 32 &&
              card_count(0x80000101u) == 3);

struct NodeGrant {
  NodeId node = kNoNode;
  uint32_t card_mask = 0;                   // bit i: the node's i-th card
  uint16_t milli_per_card = kMilliPerCard;  // share of each granted card (1000 = whole card)
  int64_t cpu_milli = 0;
  int64_t mem_mib = 0;
};

using Allocation = std::vector<NodeGrant>;

inline uint32_t allocation_cards(const Allocation& a) {
  uint32_t n = 0;
  for (const auto& g : a) n += static_cast<uint32_t>(card_count(g.card_mask));
  return n;
}

}  // namespace hetsim
