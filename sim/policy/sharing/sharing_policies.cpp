#include "hetsim/policy/sharing/sharing_policies.hpp"

#include <limits>
#include <stdexcept>

namespace hetsim {

namespace {

// Normalisers of best-fit and dot-product: the reference simulator's largest node spec
// (MaxSpecCpu = 128 cores, MaxSpecGpu = 8 GPUs), fixed so scores do not depend on the cluster.
constexpr double kMaxSpecCpuMilli = 128000.0;
constexpr double kMaxSpecGpuMilli = 8000.0;

using Placement = std::optional<std::pair<NodeId, GpuChoice>>;

// Argmin over nodes of a score computed on feasible nodes; strict '<' keeps the lowest node id
// on ties because nodes are visited in id order.
template <class Key, class ScoreFn>
Placement argmin_node(std::span<const SharingNode> nodes, const SharingTask& t, ScoreFn score) {
  Placement best;
  Key best_key{};
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!fits(nodes[i], t)) continue;
    const Key k = score(nodes[i]);
    if (!best || k < best_key) {
      best = std::make_pair(static_cast<NodeId>(i), best_fit_choice(nodes[i], t));
      best_key = k;
    }
  }
  return best;
}

// FGD: the node and GPU whose choice increases F_n(M) least (Algorithm 1 of the paper). Only the
// chosen node's F_n(M) changes, so the cluster's fragmentation grows by exactly that delta.
class Fgd final : public SharingPlacement {
 public:
  explicit Fgd(std::vector<TaskType> m) : workload_(std::move(m)), index_(workload_) {}
  std::string name() const override { return "fgd"; }

  Placement place(std::span<const SharingNode> nodes, const SharingTask& t, Rng&) override {
    // Candidates in (node id, GPU index) order, so the first minimum is the documented tie-break.
    batch_.clear();
    choices_.clear();
    before_.clear();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const SharingNode& st = nodes[i];
      if (!fits(st, t)) continue;
      const auto n = static_cast<NodeId>(i);
      const double before = index_.node(n, st);
      auto add = [&](const GpuChoice& c) {
        FragmentationIndex::add_candidate(batch_, n, st, c);
        choices_.push_back(c);
        before_.push_back(before);
      };
      if (!t.fractional()) {
        add(best_fit_choice(st, t));
        continue;
      }
      // GPUs with equal free share give the same new state up to order, hence the same F_n(M):
      // evaluate the lowest index of each free value only (it also wins the mask tie-break).
      std::array<uint16_t, kMaxCardsPerNode> seen{};
      std::size_t seen_n = 0;
      for (int g = 0; g < st.gpus; ++g) {
        const uint16_t f = st.gpu_free_milli[g];
        if (f < t.gpu_milli) continue;
        bool dup = false;
        for (std::size_t s = 0; s < seen_n && !dup; ++s) dup = seen[s] == f;
        if (dup) continue;
        seen[seen_n++] = f;
        add(GpuChoice{1U << g, static_cast<uint16_t>(t.gpu_milli)});
      }
    }
    index_.after_batch(t, batch_, after_);
    Placement best;
    double best_delta = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < after_.size(); ++j) {
      const double delta = after_[j] - before_[j];
      if (!best || delta < best_delta) best = std::make_pair(batch_.candidates[j].node, choices_[j]), best_delta = delta;
    }
    return best;
  }

  void on_placed(NodeId node, const SharingNode& s) override { index_.node(node, s); }

 private:
  std::vector<TaskType> workload_;
  FragmentationIndex index_;
  // Scratch reused across tasks.
  FragmentationIndex::Batch batch_;
  std::vector<GpuChoice> choices_;
  std::vector<double> before_, after_;
};

// Best-fit: least weighted remaining resources after placement,
// 0.5 (cpu_free - cpu) / MaxSpecCpu + 0.5 (gpu_free_total - gpu_request_total) / MaxSpecGpu.
class BestFit final : public SharingPlacement {
 public:
  std::string name() const override { return "best-fit"; }
  Placement place(std::span<const SharingNode> nodes, const SharingTask& t, Rng&) override {
    return argmin_node<double>(nodes, t, [&](const SharingNode& n) {
      return 0.5 * static_cast<double>(n.cpu_free_milli - t.cpu_milli) / kMaxSpecCpuMilli +
             0.5 * static_cast<double>(n.gpu_free_total() - t.gpu_milli_total()) / kMaxSpecGpuMilli;
    });
  }
};

// Dot-product (Tetris' alignment, as the reference runs it with dimExtMethod "merge" and
// normMethod "max"): the node whose free (CPU, total GPU) vector has the smallest dot product
// with the task's request vector, both divided by (MaxSpecCpu, MaxSpecGpu); /2 as the reference.
class DotProduct final : public SharingPlacement {
 public:
  std::string name() const override { return "dot-product"; }
  Placement place(std::span<const SharingNode> nodes, const SharingTask& t, Rng&) override {
    return argmin_node<double>(nodes, t, [&](const SharingNode& n) {
      const double cpu = (static_cast<double>(n.cpu_free_milli) / kMaxSpecCpuMilli) *
                         (static_cast<double>(t.cpu_milli) / kMaxSpecCpuMilli);
      const double gpu = (static_cast<double>(n.gpu_free_total()) / kMaxSpecGpuMilli) *
                         (static_cast<double>(t.gpu_milli_total()) / kMaxSpecGpuMilli);
      return (cpu + gpu) / 2.0;
    });
  }
};

// GPU packing, three tiers (best first):
//   1. the task fits on partially used GPUs only: prefer the least free share on them;
//   2. it needs fully free GPUs of a partially used node: prefer using fewer of them;
//   3. the node is entirely free: prefer the node with fewer GPUs.
// CPU-only tasks score all nodes equally (lowest id).
class GpuPacking final : public SharingPlacement {
 public:
  std::string name() const override { return "gpu-packing"; }
  Placement place(std::span<const SharingNode> nodes, const SharingTask& t, Rng&) override {
    using Key = std::pair<int, int64_t>;
    return argmin_node<Key>(nodes, t, [&](const SharingNode& n) -> Key {
      if (t.cpu_only()) return {0, 0};
      int fully_free = 0;
      for (int g = 0; g < n.gpus; ++g) fully_free += n.gpu_free_milli[g] == kMilliPerCard ? 1 : 0;
      if (fully_free == n.gpus) return {3, fully_free};
      const GpuChoice c = best_fit_choice(n, t);
      int64_t fully_used = 0, free_on_used = 0;
      for (int g = 0; g < n.gpus; ++g) {
        if (((c.gpu_mask >> g) & 1U) == 0) continue;
        fully_used += n.gpu_free_milli[g] == kMilliPerCard ? 1 : 0;
        free_on_used += n.gpu_free_milli[g];
      }
      if (fully_used > 0) return {2, fully_used};
      return {1, free_on_used};
    });
  }
};

// GPU clustering: tasks with the same GPU request ("share-gpu" for a fraction of one GPU,
// "k-gpu" for k whole GPUs) are grouped on the same nodes. Tiers (best first): the node hosts
// only tasks of the task's class; it hosts that class among others; it hosts no GPU task; it
// hosts other classes only. Within a tier, the node with the least free GPU share. CPU-only
// tasks score all nodes equally. The classes on each node are remembered from the policy's own
// placements (the node state does not carry them); a node whose GPUs are all free again hosts
// none. Partial departures are not tracked (the paper's experiment has none).
class GpuClustering final : public SharingPlacement {
 public:
  std::string name() const override { return "gpu-clustering"; }
  Placement place(std::span<const SharingNode> nodes, const SharingTask& t, Rng&) override {
    if (classes_.size() < nodes.size()) classes_.resize(nodes.size());
    const uint32_t cls = class_of(t);
    using Key = std::pair<int, int64_t>;
    auto p = argmin_node<Key>(nodes, t, [&](const SharingNode& n) -> Key {
      if (t.cpu_only()) return {0, 0};
      auto& on = classes_[static_cast<std::size_t>(&n - nodes.data())];
      if (all_free(n)) on.clear();  // no GPU task left on it
      const bool empty = on.empty();
      bool same = false;
      if (!empty)
        for (const auto& [c, k] : on) same = same || c == cls;
      const int tier = empty ? 2 : same ? (on.size() == 1 ? 0 : 1) : 3;
      return {tier, n.gpu_free_total()};
    });
    pending_ = p && !t.cpu_only() ? std::optional<std::pair<NodeId, uint32_t>>({p->first, cls}) : std::nullopt;
    return p;
  }
  void on_placed(NodeId node, const SharingNode&) override {
    if (!pending_ || pending_->first != node) return;
    auto& on = classes_[node];
    bool found = false;
    for (auto& [c, k] : on)
      if (c == pending_->second) ++k, found = true;
    if (!found) on.emplace_back(pending_->second, 1);
    pending_.reset();
  }

 private:
  static uint32_t class_of(const SharingTask& t) { return t.gpu_milli < kMilliPerCard ? 0 : t.num_gpu; }
  static bool all_free(const SharingNode& n) {
    for (int g = 0; g < n.gpus; ++g)
      if (n.gpu_free_milli[g] != kMilliPerCard) return false;
    return true;
  }
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> classes_;
  std::optional<std::pair<NodeId, uint32_t>> pending_;
};

// Random-fit: a uniformly random feasible node; on it a uniformly random GPU with enough free
// share for a fractional task, the lowest-index fully free GPUs for a whole-GPU task.
class RandomFit final : public SharingPlacement {
 public:
  std::string name() const override { return "random-fit"; }
  Placement place(std::span<const SharingNode> nodes, const SharingTask& t, Rng& rng) override {
    feasible_.clear();
    for (std::size_t i = 0; i < nodes.size(); ++i)
      if (fits(nodes[i], t)) feasible_.push_back(static_cast<NodeId>(i));
    if (feasible_.empty()) return std::nullopt;
    const NodeId n = feasible_[rng.below(feasible_.size())];
    if (!t.fractional()) return std::make_pair(n, best_fit_choice(nodes[n], t));
    const auto choices = candidate_choices(nodes[n], t);
    return std::make_pair(n, choices[rng.below(choices.size())]);
  }

 private:
  std::vector<NodeId> feasible_;
};

}  // namespace

const std::vector<std::string>& sharing_placement_names() {
  static const std::vector<std::string> names{"fgd", "best-fit", "dot-product", "gpu-packing",
                                              "gpu-clustering", "random-fit"};
  return names;
}

std::unique_ptr<SharingPlacement> make_sharing_placement(const std::string& name,
                                                         std::vector<TaskType> target_workload) {
  if (name == "fgd") return std::make_unique<Fgd>(std::move(target_workload));
  if (name == "best-fit") return std::make_unique<BestFit>();
  if (name == "dot-product") return std::make_unique<DotProduct>();
  if (name == "gpu-packing") return std::make_unique<GpuPacking>();
  if (name == "gpu-clustering") return std::make_unique<GpuClustering>();
  if (name == "random-fit") return std::make_unique<RandomFit>();
  std::string valid;
  for (const auto& n : sharing_placement_names()) valid += (valid.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown sharing placement '" + name + "' (valid: " + valid + ")");
}

}  // namespace hetsim
