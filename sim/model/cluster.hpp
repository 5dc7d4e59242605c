#pragma once
// Cluster: sites -> providers -> nodes -> cards, stored as struct-of-arrays.
//
// Nodes are created in pools: one pool is a provider's block of identical nodes (one chip type,
// one node size) at one site, laid out under leaf switches. Node ids within a pool are contiguous.
// Free-capacity indexes: for every pool, the set of nodes with exactly k whole free cards
// (k = 0..cards_per_node), plus free-card counters per pool and per (chip type, site). Placement
// therefore finds "the lowest node with >= k free cards" in O(cards_per_node * log n) without
// scanning the cluster.
//
// Only the simulation driver mutates a Cluster (allocate/release), after validating a policy's
// decision with check(); policies receive `const Cluster&`.
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "hetsim/model/allocation.hpp"
#include "hetsim/model/ids.hpp"
#include "hetsim/model/node_bucket.hpp"

namespace hetsim {

struct Site {
  std::string name;
};

struct Provider {
  std::string name;
};

struct Pool {
  SiteId site = 0;
  ProviderId provider = 0;
  ChipId chip = 0;
  uint8_t cards_per_node = 8;
  int64_t cpu_milli_per_node = 0;
  int64_t mem_mib_per_node = 0;
  uint32_t nodes_per_leaf = 1;
  NodeId first_node = 0;
  NodeId end_node = 0;      // one past the last
  uint32_t first_leaf = 0;  // global leaf id of the pool's first leaf
  uint32_t leaf_count = 0;
  double price_per_card_hour = 0;  // rent a tenant pays per card-hour here (currency of the scenario)
  int64_t cards() const { return static_cast<int64_t>(end_node - first_node) * cards_per_node; }
};

class Cluster {
 public:
  explicit Cluster(std::size_t chip_types = kMaxChipTypes) : chip_types_(chip_types) {}

  SiteId add_site(std::string name);
  ProviderId add_provider(std::string name);
  PoolId add_pool(SiteId site, ProviderId provider, ChipId chip, uint32_t nodes, uint8_t cards_per_node,
                  int64_t cpu_milli_per_node, int64_t mem_mib_per_node, uint32_t nodes_per_leaf);

  void set_pool_price(PoolId p, double per_card_hour) { pools_.at(p).price_per_card_hour = per_card_hour; }

  // ---- sizes
  std::size_t site_count() const { return sites_.size(); }
  std::size_t provider_count() const { return providers_.size(); }
  std::size_t pool_count() const { return pools_.size(); }
  std::size_t node_count() const { return node_pool_.size(); }
  std::size_t card_count() const { return card_free_milli_.size(); }
  std::size_t leaf_count() const { return leaf_site_.size(); }
  std::size_t chip_type_slots() const { return chip_types_; }

  const Site& site(SiteId s) const { return sites_.at(s); }
  const Provider& provider(ProviderId p) const { return providers_.at(p); }
  const Pool& pool(PoolId p) const { return pools_.at(p); }
  const std::vector<Pool>& pools() const { return pools_; }

  // ---- per node (O(1))
  PoolId node_pool(NodeId n) const { return node_pool_[n]; }
  SiteId node_site(NodeId n) const { return pools_[node_pool_[n]].site; }
  ProviderId node_provider(NodeId n) const { return pools_[node_pool_[n]].provider; }
  ChipId node_chip(NodeId n) const { return pools_[node_pool_[n]].chip; }
  uint32_t node_leaf(NodeId n) const { return node_leaf_[n]; }
  uint8_t node_cards(NodeId n) const { return pools_[node_pool_[n]].cards_per_node; }
  uint8_t node_free_cards(NodeId n) const { return node_free_cards_[n]; }
  int64_t node_cpu_free(NodeId n) const { return node_cpu_free_[n]; }
  int64_t node_mem_free(NodeId n) const { return node_mem_free_[n]; }
  CardId node_first_card(NodeId n) const { return node_first_card_[n]; }
  uint16_t card_free_milli(CardId c) const { return card_free_milli_[c]; }
  // Mask of the node's whole free cards.
  uint32_t node_free_mask(NodeId n) const;
  SiteId leaf_site(uint32_t leaf) const { return leaf_site_[leaf]; }
  // Whole free cards of all nodes under the leaf switch.
  uint32_t leaf_free_cards(uint32_t leaf) const { return leaf_free_cards_[leaf]; }
  // The leaf's nodes: [first, end), contiguous ids of one pool.
  std::pair<NodeId, NodeId> leaf_nodes(uint32_t leaf) const;

  // ---- whole-cluster arrays (struct-of-arrays), for batched kernels; valid until the next change
  std::span<const uint8_t> free_cards_array() const { return node_free_cards_; }
  std::span<const uint8_t> total_cards_array() const { return node_total_cards_; }
  std::span<const uint16_t> chip_array() const { return node_chip_; }
  std::span<const int64_t> cpu_free_array() const { return node_cpu_free_; }
  std::span<const int64_t> mem_free_array() const { return node_mem_free_; }
  std::span<const uint32_t> leaf_array() const { return node_leaf_; }
  std::span<const uint32_t> leaf_free_array() const { return leaf_free_cards_; }

  // ---- indexes
  // Nodes of `pool` with exactly `free` whole free cards, ascending id.
  const NodeBucket& nodes_with_free(PoolId pool, uint32_t free) const { return free_index_[pool][free]; }
  // Bit k set: some node of `pool` has exactly k whole free cards (nodes_with_free(pool, k) is
  // not empty). Lets a search skip empty buckets in O(1).
  uint64_t free_bucket_mask(PoolId pool) const { return bucket_mask_[pool]; }
  int64_t pool_free_cards(PoolId p) const { return pool_free_cards_[p]; }
  int64_t free_cards(ChipId c, SiteId s) const { return chip_site_free_[c * sites_.size() + s]; }
  int64_t total_cards(ChipId c, SiteId s) const { return chip_site_total_[c * sites_.size() + s]; }
  int64_t total_cards_of_chip(ChipId c) const;
  int64_t free_cards_total() const { return free_total_; }

  // ---- mutation, for the simulation driver only
  // Empty string if `a` can be granted as a whole, otherwise the first reason it cannot.
  std::string check(const Allocation& a) const;
  void allocate(const Allocation& a);  // precondition: check(a).empty()
  void release(const Allocation& a);   // precondition: a was allocated and not yet released

 private:
  void index_move(NodeId n, uint8_t from_free, uint8_t to_free);

  std::size_t chip_types_;
  std::vector<Site> sites_;
  std::vector<Provider> providers_;
  std::vector<Pool> pools_;
  // nodes (SoA)
  std::vector<PoolId> node_pool_;
  std::vector<uint32_t> node_leaf_;
  std::vector<CardId> node_first_card_;
  std::vector<uint8_t> node_free_cards_;
  std::vector<uint8_t> node_total_cards_;
  std::vector<uint16_t> node_chip_;
  std::vector<int64_t> node_cpu_free_;
  std::vector<int64_t> node_mem_free_;
  // leaves
  std::vector<SiteId> leaf_site_;
  std::vector<uint32_t> leaf_free_cards_;
  // cards
  std::vector<uint16_t> card_free_milli_;
  // indexes
  std::vector<std::vector<NodeBucket>> free_index_;
  std::vector<int64_t> pool_free_cards_;
  std::vector<uint64_t> bucket_mask_;
  std::vector<int64_t> chip_site_free_;
  std::vector<int64_t> chip_site_total_;
  int64_t free_total_ = 0;
};

// Whole cards of allocation `a` per provider id and per pool id (the quota and guarantee checks).
inline std::vector<int64_t> allocation_cards_by_provider(const Cluster& c, const Allocation& a) {
  std::vector<int64_t> take(c.provider_count(), 0);
  for (const NodeGrant& g : a) take[c.node_provider(g.node)] += card_count(g.card_mask);
  return take;
}
inline std::vector<int64_t> allocation_cards_by_pool(const Cluster& c, const Allocation& a) {
  std::vector<int64_t> take(c.pool_count(), 0);
  for (const NodeGrant& g : a) take[c.node_pool(g.node)] += card_count(g.card_mask);
  return take;
}

// Rent per second of allocation `a`: each grant's cards at its pool's card-hour price, shared cards
// at their granted share. The billing (sim/metrics) and the driver's tenant budgets use it.
inline double allocation_rent_per_s(const Cluster& c, const Allocation& a) {
  double rent = 0;
  for (const NodeGrant& g : a) {
    rent += static_cast<double>(card_count(g.card_mask)) * g.milli_per_card / kMilliPerCard *
            c.pool(c.node_pool(g.node)).price_per_card_hour / 3600.0;
  }
  return rent;
}

}  // namespace hetsim
