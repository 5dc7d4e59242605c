#include "hetsim/run/invariants.hpp"

#include <vector>

namespace hetsim {

namespace {

std::string node_name(NodeId n) { return "node " + std::to_string(n); }

}  // namespace

std::string check_started(const Cluster& now, const Job& j, const Allocation& a) {
  if (!j.gang_size_allowed(allocation_cards(a))) {
    return "job " + std::to_string(j.id) + " holds " + std::to_string(allocation_cards(a)) + " cards, its gang is " +
           (j.elastic() ? std::to_string(j.min_gang()) + ".." + std::to_string(j.max_gang()) + " (elastic)"
                        : std::to_string(j.cards) + " (all-or-nothing)");
  }
  bool chips_differ = false, sites_differ = false;  // over the whole gang, not against its first grant
  for (const NodeGrant& g : a) {
    if (g.node < now.node_count()) {
      chips_differ = chips_differ || now.node_chip(g.node) != now.node_chip(a.front().node);
      sites_differ = sites_differ || now.node_site(g.node) != now.node_site(a.front().node);
    }
  }
  if (chips_differ && sites_differ) return "job " + std::to_string(j.id) + " mixes chip types across sites";
  for (const NodeGrant& g : a) {
    if (g.node >= now.node_count()) return "job " + std::to_string(j.id) + " holds a card of a missing node";
    if (now.node_chip(g.node) != now.node_chip(a.front().node) && !j.may_mix_chips)
      return "job " + std::to_string(j.id) + " spans chip types but may not mix them";
    const CardId first = now.node_first_card(g.node);
    for (uint32_t c = 0; c < now.node_cards(g.node); ++c) {
      if (((g.card_mask >> c) & 1U) == 0) continue;
      if (now.card_free_milli(first + c) > kMilliPerCard - g.milli_per_card)
        return "card " + std::to_string(c) + " of " + node_name(g.node) + " shows more free share than job " +
               std::to_string(j.id) + " leaves it";
    }
    if (now.node_free_cards(g.node) > now.node_cards(g.node))
      return node_name(g.node) + " has more free cards than cards";
    if (now.node_cpu_free(g.node) < 0 || now.node_mem_free(g.node) < 0)
      return node_name(g.node) + " has negative free CPU or memory after job " + std::to_string(j.id);
  }
  return {};
}

std::string check_totals(const Cluster& now) {
  if (now.free_cards_total() < 0 || now.free_cards_total() > static_cast<int64_t>(now.card_count()))
    return "free cards " + std::to_string(now.free_cards_total()) + " outside 0.." + std::to_string(now.card_count());
  for (std::size_t ci = 0; ci < now.chip_type_slots(); ++ci)
    for (std::size_t si = 0; si < now.site_count(); ++si) {
      const auto c = static_cast<ChipId>(ci);
      const auto s = static_cast<SiteId>(si);
      if (now.free_cards(c, s) < 0 || now.free_cards(c, s) > now.total_cards(c, s))
        return "chip " + std::to_string(c) + " at site " + std::to_string(s) + " has " +
               std::to_string(now.free_cards(c, s)) + " free of " + std::to_string(now.total_cards(c, s)) + " cards";
    }
  for (std::size_t pi = 0; pi < now.pool_count(); ++pi) {
    const auto p = static_cast<PoolId>(pi);
    const int64_t total = int64_t{now.pool(p).end_node - now.pool(p).first_node} * now.pool(p).cards_per_node;
    if (now.pool_free_cards(p) < 0 || now.pool_free_cards(p) > total)
      return "pool " + std::to_string(p) + " has " + std::to_string(now.pool_free_cards(p)) + " free of " +
             std::to_string(total) + " cards";
  }
  return {};
}

std::string check_allocations(const Cluster& now, const Cluster& initial, std::span<const Allocation* const> live) {
  if (now.card_count() != initial.card_count() || now.node_count() != initial.node_count())
    return "the cluster changed shape";
  std::vector<uint32_t> granted(now.card_count(), 0);
  std::vector<int64_t> cpu(now.node_count(), 0), mem(now.node_count(), 0);
  for (const Allocation* a : live) {
    for (const NodeGrant& g : *a) {
      if (g.node >= now.node_count()) return "a running job holds a card of a missing node";
      const CardId first = now.node_first_card(g.node);
      for (uint32_t c = 0; c < now.node_cards(g.node); ++c)
        if ((g.card_mask >> c) & 1U) granted[first + c] += g.milli_per_card;
      cpu[g.node] += g.cpu_milli;
      mem[g.node] += g.mem_mib;
    }
  }
  int64_t free_total = 0;
  std::vector<uint32_t> leaf_free(now.leaf_count(), 0);
  for (std::size_t ni = 0; ni < now.node_count(); ++ni) {
    const auto n = static_cast<NodeId>(ni);
    const CardId first = now.node_first_card(n);
    uint32_t whole_free = 0;
    for (uint32_t c = 0; c < now.node_cards(n); ++c) {
      const CardId k = first + c;
      if (granted[k] > kMilliPerCard)
        return "card " + std::to_string(c) + " of " + node_name(n) + " is granted " + std::to_string(granted[k]) +
               " milli (over-allocated)";
      if (uint32_t{initial.card_free_milli(k)} - granted[k] != now.card_free_milli(k))
        return "card " + std::to_string(c) + " of " + node_name(n) + " shows " +
               std::to_string(now.card_free_milli(k)) + " milli free, the running jobs leave " +
               std::to_string(initial.card_free_milli(k) - granted[k]);
      whole_free += now.card_free_milli(k) == kMilliPerCard ? 1U : 0U;
    }
    if (whole_free != now.node_free_cards(n))
      return node_name(n) + " counts " + std::to_string(now.node_free_cards(n)) + " free cards, its cards say " +
             std::to_string(whole_free);
    if (initial.node_cpu_free(n) - cpu[n] != now.node_cpu_free(n) || now.node_cpu_free(n) < 0)
      return node_name(n) + " shows " + std::to_string(now.node_cpu_free(n)) +
             " milli-CPU free, the running jobs leave " + std::to_string(initial.node_cpu_free(n) - cpu[n]);
    if (initial.node_mem_free(n) - mem[n] != now.node_mem_free(n) || now.node_mem_free(n) < 0)
      return node_name(n) + " shows " + std::to_string(now.node_mem_free(n)) + " MiB free, the running jobs leave " +
             std::to_string(initial.node_mem_free(n) - mem[n]);
    free_total += whole_free;
    leaf_free[now.node_leaf(n)] += whole_free;
  }
  for (uint32_t l = 0; l < now.leaf_count(); ++l) {
    if (leaf_free[l] != now.leaf_free_cards(l))
      return "leaf switch " + std::to_string(l) + " counts " + std::to_string(now.leaf_free_cards(l)) +
             " free cards, its nodes " + std::to_string(leaf_free[l]);
  }
  if (free_total != now.free_cards_total())
    return "the cluster counts " + std::to_string(now.free_cards_total()) + " free cards, its nodes " +
           std::to_string(free_total);
  return check_totals(now);
}

std::string check_job_counts(const JobStateCounts& c, uint64_t jobs, uint64_t pending_count,
                             uint64_t running_set_size) {
  if (c.not_arrived + c.pending + c.running + c.done != jobs)
    return "job states count " + std::to_string(c.not_arrived + c.pending + c.running + c.done) + " jobs of " +
           std::to_string(jobs);
  if (c.pending != pending_count)
    return std::to_string(c.pending) + " jobs are pending but the pending count is " + std::to_string(pending_count);
  if (c.running != running_set_size)
    return std::to_string(c.running) + " jobs are running but the running set holds " +
           std::to_string(running_set_size);
  return {};
}

std::string check_clock(SimTime previous, SimTime now) {
  if (now < previous)
    return "the clock went back from " + std::to_string(previous.seconds()) + " s to " + std::to_string(now.seconds()) +
           " s";
  return {};
}

}  // namespace hetsim
