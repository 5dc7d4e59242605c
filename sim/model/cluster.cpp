#include "hetsim/model/cluster.hpp"

#include <algorithm>
#include <stdexcept>

namespace hetsim {

SiteId Cluster::add_site(std::string name) {
  if (!pools_.empty()) throw std::logic_error("Cluster: add sites before pools");
  sites_.push_back(Site{std::move(name)});
  return static_cast<SiteId>(sites_.size() - 1);
}

ProviderId Cluster::add_provider(std::string name) {
  providers_.push_back(Provider{std::move(name)});
  return static_cast<ProviderId>(providers_.size() - 1);
}

PoolId Cluster::add_pool(SiteId site, ProviderId provider, ChipId chip, uint32_t nodes, uint8_t cards_per_node,
                         int64_t cpu_milli_per_node, int64_t mem_mib_per_node, uint32_t nodes_per_leaf) {
  if (site >= sites_.size()) throw std::out_of_range("Cluster::add_pool: unknown site");
  if (provider >= providers_.size()) throw std::out_of_range("Cluster::add_pool: unknown provider");
  if (chip >= chip_types_) throw std::out_of_range("Cluster::add_pool: chip id out of range");
  if (nodes == 0 || cards_per_node == 0 || cards_per_node > kMaxCardsPerNode || nodes_per_leaf == 0 ||
      cpu_milli_per_node <= 0 || mem_mib_per_node <= 0) {
    throw std::invalid_argument("Cluster::add_pool: sizes must be positive and cards_per_node <= 32");
  }
  if (chip_site_total_.empty()) {
    chip_site_free_.assign(chip_types_ * sites_.size(), 0);
    chip_site_total_.assign(chip_types_ * sites_.size(), 0);
  }
  Pool p;
  p.site = site;
  p.provider = provider;
  p.chip = chip;
  p.cards_per_node = cards_per_node;
  p.cpu_milli_per_node = cpu_milli_per_node;
  p.mem_mib_per_node = mem_mib_per_node;
  p.nodes_per_leaf = nodes_per_leaf;
  p.first_node = static_cast<NodeId>(node_pool_.size());
  p.end_node = p.first_node + nodes;
  p.first_leaf = static_cast<uint32_t>(leaf_site_.size());
  p.leaf_count = (nodes + nodes_per_leaf - 1) / nodes_per_leaf;
  const auto pid = static_cast<PoolId>(pools_.size());
  pools_.push_back(p);
  for (uint32_t l = 0; l < p.leaf_count; ++l) {
    leaf_site_.push_back(site);
    const uint32_t leaf_nodes = std::min(nodes_per_leaf, nodes - l * nodes_per_leaf);
    leaf_free_cards_.push_back(leaf_nodes * cards_per_node);
  }

  free_index_.emplace_back(static_cast<std::size_t>(cards_per_node) + 1, NodeBucket(p.first_node, nodes));
  pool_free_cards_.push_back(static_cast<int64_t>(nodes) * cards_per_node);
  bucket_mask_.push_back(nodes > 0 ? uint64_t{1} << cards_per_node : 0);
  for (uint32_t i = 0; i < nodes; ++i) {
    const NodeId n = p.first_node + i;
    node_pool_.push_back(pid);
    node_leaf_.push_back(p.first_leaf + i / nodes_per_leaf);
    node_first_card_.push_back(static_cast<CardId>(card_free_milli_.size()));
    node_free_cards_.push_back(cards_per_node);
    node_total_cards_.push_back(cards_per_node);
    node_chip_.push_back(chip);
    node_cpu_free_.push_back(cpu_milli_per_node);
    node_mem_free_.push_back(mem_mib_per_node);
    for (uint8_t c = 0; c < cards_per_node; ++c) card_free_milli_.push_back(kMilliPerCard);
    free_index_[pid][cards_per_node].insert(n);
  }
  const int64_t cards = static_cast<int64_t>(nodes) * cards_per_node;
  chip_site_free_[chip * sites_.size() + site] += cards;
  chip_site_total_[chip * sites_.size() + site] += cards;
  free_total_ += cards;
  return pid;
}

int64_t Cluster::total_cards_of_chip(ChipId c) const {
  int64_t t = 0;
  for (std::size_t s = 0; s < sites_.size(); ++s) t += chip_site_total_[c * sites_.size() + s];
  return t;
}

std::pair<NodeId, NodeId> Cluster::leaf_nodes(uint32_t leaf) const {
  // Pools own consecutive leaves; the leaf's pool is the last one starting at or before it.
  const auto it =
      std::upper_bound(pools_.begin(), pools_.end(), leaf, [](uint32_t l, const Pool& p) { return l < p.first_leaf; });
  const Pool& p = *std::prev(it);
  const NodeId first = p.first_node + (leaf - p.first_leaf) * p.nodes_per_leaf;
  return {first, std::min<NodeId>(p.end_node, first + p.nodes_per_leaf)};
}

uint32_t Cluster::node_free_mask(NodeId n) const {
  uint32_t mask = 0;
  const CardId first = node_first_card_[n];
  for (uint32_t i = 0; i < node_cards(n); ++i) {
    if (card_free_milli_[first + i] == kMilliPerCard) mask |= 1U << i;
  }
  return mask;
}

std::string Cluster::check(const Allocation& a) const {
  if (a.empty()) return "empty allocation";
  bool ascending = true;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const NodeGrant& g = a[i];
    if (g.node >= node_count()) return "node " + std::to_string(g.node) + " does not exist";
    // While the grants ascend by node (as placements make them) none can repeat an earlier one;
    // only from the first that does not are the earlier ones searched (a gang of 128 nodes made
    // this quadratic).
    ascending = ascending && (i == 0 || a[i - 1].node < g.node);
    if (!ascending) {
      for (std::size_t j = 0; j < i; ++j) {
        if (a[j].node == g.node) return "node " + std::to_string(g.node) + " granted twice";
      }
    }
    const uint32_t cards = node_cards(g.node);
    // A grant without cards is a CPU-only task's: it must then hold some CPU or memory.
    if (g.card_mask == 0 && g.cpu_milli == 0 && g.mem_mib == 0) {
      return "grant on node " + std::to_string(g.node) + " holds nothing";
    }
    if (cards < 32 && (g.card_mask >> cards) != 0) {
      return "card index beyond node " + std::to_string(g.node) + "'s " + std::to_string(cards) + " cards";
    }
    if (g.milli_per_card == 0 || g.milli_per_card > kMilliPerCard) return "milli_per_card out of (0, 1000]";
    if (g.cpu_milli < 0 || g.mem_mib < 0) return "negative cpu or memory request";
    const CardId first = node_first_card_[g.node];
    for (uint32_t c = 0; c < cards; ++c) {
      if (((g.card_mask >> c) & 1U) && card_free_milli_[first + c] < g.milli_per_card) {
        return "card " + std::to_string(c) + " of node " + std::to_string(g.node) + " has only " +
               std::to_string(card_free_milli_[first + c]) + " milli free, " + std::to_string(g.milli_per_card) +
               " requested";
      }
    }
    if (g.cpu_milli > node_cpu_free_[g.node]) return "not enough CPU on node " + std::to_string(g.node);
    if (g.mem_mib > node_mem_free_[g.node]) return "not enough memory on node " + std::to_string(g.node);
  }
  return {};
}

void Cluster::index_move(NodeId n, uint8_t from_free, uint8_t to_free) {
  if (from_free == to_free) return;
  const PoolId p = node_pool_[n];
  auto& buckets = free_index_[p];
  buckets[from_free].erase(n);
  buckets[to_free].insert(n);
  if (buckets[from_free].empty()) bucket_mask_[p] &= ~(uint64_t{1} << from_free);
  bucket_mask_[p] |= uint64_t{1} << to_free;
}

void Cluster::allocate(const Allocation& a) {
  for (const NodeGrant& g : a) {
    const CardId first = node_first_card_[g.node];
    const uint8_t before = node_free_cards_[g.node];
    uint8_t whole_taken = 0;
    for (uint32_t c = 0; c < node_cards(g.node); ++c) {
      if (!((g.card_mask >> c) & 1U)) continue;
      if (card_free_milli_[first + c] == kMilliPerCard) ++whole_taken;
      card_free_milli_[first + c] = static_cast<uint16_t>(card_free_milli_[first + c] - g.milli_per_card);
    }
    node_free_cards_[g.node] = static_cast<uint8_t>(before - whole_taken);
    node_cpu_free_[g.node] -= g.cpu_milli;
    node_mem_free_[g.node] -= g.mem_mib;
    index_move(g.node, before, node_free_cards_[g.node]);
    leaf_free_cards_[node_leaf_[g.node]] -= whole_taken;
    const PoolId p = node_pool_[g.node];
    pool_free_cards_[p] -= whole_taken;
    chip_site_free_[pools_[p].chip * sites_.size() + pools_[p].site] -= whole_taken;
    free_total_ -= whole_taken;
  }
}

void Cluster::release(const Allocation& a) {
  for (const NodeGrant& g : a) {
    const CardId first = node_first_card_[g.node];
    const uint8_t before = node_free_cards_[g.node];
    uint8_t whole_freed = 0;
    for (uint32_t c = 0; c < node_cards(g.node); ++c) {
      if (!((g.card_mask >> c) & 1U)) continue;
      const uint32_t after = card_free_milli_[first + c] + g.milli_per_card;
      if (after > kMilliPerCard) throw std::logic_error("Cluster::release: card released twice");
      card_free_milli_[first + c] = static_cast<uint16_t>(after);
      if (after == kMilliPerCard) ++whole_freed;
    }
    node_free_cards_[g.node] = static_cast<uint8_t>(before + whole_freed);
    node_cpu_free_[g.node] += g.cpu_milli;
    node_mem_free_[g.node] += g.mem_mib;
    index_move(g.node, before, node_free_cards_[g.node]);
    leaf_free_cards_[node_leaf_[g.node]] += whole_freed;
    const PoolId p = node_pool_[g.node];
    pool_free_cards_[p] += whole_freed;
    chip_site_free_[pools_[p].chip * sites_.size() + pools_[p].site] += whole_freed;
    free_total_ += whole_freed;
  }
}

}  // namespace hetsim
