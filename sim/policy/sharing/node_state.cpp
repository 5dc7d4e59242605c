#include "hetsim/policy/sharing/node_state.hpp"

#include <algorithm>
#include <array>
#include <numeric>

namespace hetsim {

int64_t SharingNode::gpu_free_total() const {
  int64_t s = 0;
  for (int i = 0; i < gpus; ++i) s += gpu_free_milli[i];
  return s;
}

SharingNode sharing_node(const Cluster& c, NodeId n) {
  SharingNode s;
  s.cpu_free_milli = c.node_cpu_free(n);
  s.mem_free_mib = c.node_mem_free(n);
  s.model = c.node_chip(n);
  s.gpus = c.node_cards(n);
  const CardId first = c.node_first_card(n);
  for (int i = 0; i < s.gpus; ++i) s.gpu_free_milli[i] = c.card_free_milli(first + static_cast<CardId>(i));
  return s;
}

namespace {

bool host_fits(const SharingNode& n, const SharingTask& t) {
  return n.cpu_free_milli >= t.cpu_milli && n.mem_free_mib >= t.mem_mib;
}

bool model_allowed(const SharingNode& n, const SharingTask& t) {
  return n.model < 64 && ((t.allowed_models >> n.model) & 1U) != 0;
}

}  // namespace

bool fits(const SharingNode& n, const SharingTask& t) {
  if (!host_fits(n, t)) return false;
  if (t.cpu_only()) return true;
  if (t.gpu_milli > kMilliPerCard || !model_allowed(n, t)) return false;
  uint32_t enough = 0;
  for (int i = 0; i < n.gpus; ++i) enough += n.gpu_free_milli[i] >= t.gpu_milli ? 1U : 0U;
  return enough >= t.num_gpu;
}

GpuChoice best_fit_choice(const SharingNode& n, const SharingTask& t) {
  if (t.cpu_only()) return GpuChoice{0, 0};
  GpuChoice c{0, static_cast<uint16_t>(t.gpu_milli)};
  if (t.gpu_milli == kMilliPerCard) {
    // Fully free GPUs all look alike: the lowest indexes (reference: AllocateExclusiveGpuId).
    uint32_t taken = 0;
    for (int i = 0; i < n.gpus && taken < t.num_gpu; ++i)
      if (n.gpu_free_milli[i] == kMilliPerCard) c.gpu_mask |= 1U << i, ++taken;
    return c;
  }
  // The GPUs with room, least free first, then by index, by a stable insertion sort in place (no
  // allocation: this runs for every node at every task).
  std::array<int, kMaxCardsPerNode> idx{};
  std::size_t count = 0;
  for (int i = 0; i < n.gpus; ++i) {
    if (n.gpu_free_milli[static_cast<std::size_t>(i)] < t.gpu_milli) continue;
    std::size_t at = count++;
    while (at > 0 &&
           n.gpu_free_milli[static_cast<std::size_t>(idx[at - 1])] > n.gpu_free_milli[static_cast<std::size_t>(i)]) {
      idx[at] = idx[at - 1];
      --at;
    }
    idx[at] = i;
  }
  for (uint32_t k = 0; k < t.num_gpu && k < count; ++k) c.gpu_mask |= 1U << idx[k];
  return c;
}

std::vector<GpuChoice> candidate_choices(const SharingNode& n, const SharingTask& t) {
  std::vector<GpuChoice> out;
  if (!fits(n, t)) return out;
  if (t.fractional()) {
    for (int i = 0; i < n.gpus; ++i)
      if (n.gpu_free_milli[i] >= t.gpu_milli) out.push_back(GpuChoice{1U << i, static_cast<uint16_t>(t.gpu_milli)});
    return out;
  }
  out.push_back(best_fit_choice(n, t));
  return out;
}

SharingNode after(const SharingNode& n, const SharingTask& t, const GpuChoice& c) {
  SharingNode s = n;
  s.cpu_free_milli -= t.cpu_milli;
  s.mem_free_mib -= t.mem_mib;
  for (int i = 0; i < s.gpus; ++i)
    if ((c.gpu_mask >> i) & 1U) s.gpu_free_milli[i] = static_cast<uint16_t>(s.gpu_free_milli[i] - c.milli_per_gpu);
  return s;
}

}  // namespace hetsim
