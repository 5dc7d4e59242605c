#include "hetsim/policy/sharing/sharing_policies.hpp"

#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include "hetsim/core/rng.hpp"

namespace hetsim {

namespace {

// One FNV-1a step over a whole word (not its bytes), for the candidate tables below: only their
// lookups depend on it, never an order.
uint64_t fnv_mix(uint64_t h, uint64_t v) { return (h ^ v) * 1099511628211ULL; }

// Normalisers of best-fit and dot-product: the reference simulator's largest node spec
// (MaxSpecCpu = 128 cores, MaxSpecGpu = 8 GPUs), fixed so scores do not depend on the cluster.
constexpr double kMaxSpecCpuMilli = 128000.0;
constexpr double kMaxSpecGpuMilli = 8000.0;

using Placement = std::optional<std::pair<NodeId, GpuChoice>>;

// Keeps the best (lowest key) candidate seen so far, one per node. Candidates must arrive in node
// id order; with LowestId a strict '<' keeps the first of equal keys, with Random each of the k
// equal best replaces the incumbent with probability 1/k (reservoir sampling: uniform over them),
// with NodePermutation the one of lowest rank wins.
template <class Key>
class BestOf {
 public:
  BestOf(const SharingOptions& o, Rng& rng) : tb_(o.tie_break), rank_(o.node_rank), rng_(rng) {}
  void offer(const Key& k, NodeId n, const GpuChoice& c) {
    if (!best_ || k < key_) {
      best_ = std::make_pair(n, c), key_ = k, ties_ = 1;
      if (tb_ == TieBreak::NodePermutation) best_rank_ = rank_of(n);
    } else if (tb_ == TieBreak::Random && !(key_ < k)) {
      if (rng_.below(++ties_) == 0) best_ = std::make_pair(n, c);
    } else if (tb_ == TieBreak::NodePermutation && !(key_ < k)) {
      if (const uint32_t r = rank_of(n); r < best_rank_) best_ = std::make_pair(n, c), best_rank_ = r;
    }
  }
  const Placement& result() const { return best_; }

 private:
  uint32_t rank_of(NodeId n) const {
    if (n >= rank_.size())
      throw std::invalid_argument("node-permutation ties: node " + std::to_string(n) + " has no rank (" +
                                  std::to_string(rank_.size()) + " ranks given)");
    return rank_[n];
  }
  TieBreak tb_;
  std::span<const uint32_t> rank_;
  Rng& rng_;
  Placement best_;
  Key key_{};
  uint64_t ties_ = 0;
  uint32_t best_rank_ = 0;
};

// Argmin over feasible nodes of a score; GPUs as best_fit_choice.
template <class Key, class ScoreFn>
Placement argmin_node(std::span<const SharingNode> nodes, const SharingTask& t, const SharingOptions& o, Rng& rng,
                      ScoreFn score) {
  BestOf<Key> best(o, rng);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!fits(nodes[i], t)) continue;
    best.offer(score(nodes[i]), static_cast<NodeId>(i), best_fit_choice(nodes[i], t));
  }
  return best.result();
}

// FGD: the node and GPU whose choice increases F_n(M) least (Algorithm 1 of the paper). Only the
// chosen node's F_n(M) changes, so the cluster's fragmentation grows by exactly that delta.
class Fgd final : public SharingPlacement {
 public:
  Fgd(std::vector<TaskType> m, SharingOptions o) : workload_(std::move(m)), index_(workload_), opt_(o) {
    if (o.cuda) {
      gpu_ = std::make_unique<kernels::CudaFragmentationScorer>();
      index_.set_cuda(gpu_.get());
    }
  }
  std::string name() const override { return "fgd"; }

  Placement place(std::span<const SharingNode> nodes, const SharingTask& t, Rng& rng) override {
    // Candidates in (node id, GPU index) order, so the first minimum is the documented tie-break.
    batch_.clear();
    choices_.clear();
    before_.clear();
    nodes_.clear();
    slot_.clear();
    distinct_.clear();
    batch_of_.clear();
    value_.clear();
    // An open-addressing table of the distinct candidates, at most a quarter full; emptied by
    // clearing the entries the last task used.
    std::size_t cap = 64;
    while (cap < 4 * nodes.size() * kMaxCardsPerNode) cap *= 2;
    if (table_.size() < cap) table_.assign(cap, kEmpty);
    for (std::size_t h : used_) table_[h] = kEmpty;
    used_.clear();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const SharingNode& st = nodes[i];
      if (!fits(st, t)) continue;
      const auto n = static_cast<NodeId>(i);
      const double before = index_.node(n, st);
      auto add = [&](const GpuChoice& c) {
        // Nodes in the same state given the same GPUs score the same (the kernel reads only the
        // node's state): each distinct (state, choice) is scored once, in first-seen order.
        slot_.push_back(distinct(Candidate{index_.state_id(n), c}, n, st, t));
        nodes_.push_back(n);
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
    // The scores of the distinct candidates: from earlier tasks of the same shape, or from the batch.
    for (std::size_t d = 0; d < distinct_.size(); ++d) {
      if (batch_of_[d] == kEmpty) continue;
      value_[d] = after_[batch_of_[d]];
      add_known(Known{t, distinct_[d]}, value_[d]);
    }
    // Each node's best candidate (the first of equal keys, as the reference keeps its first best
    // GPU), then the best node under the tie-break rule.
    BestOf<double> best(opt_, rng);
    std::size_t j = 0;
    while (j < nodes_.size()) {
      const NodeId n = nodes_[j];
      std::size_t node_best = j;
      double node_key = key(value_[slot_[j]] - before_[j]);
      for (++j; j < nodes_.size() && nodes_[j] == n; ++j) {
        const double k = key(value_[slot_[j]] - before_[j]);
        if (k < node_key) node_key = k, node_best = j;
      }
      best.offer(node_key, n, choices_[node_best]);
    }
    return best.result();
  }

  void on_placed(NodeId node, const SharingNode& s) override { index_.node(node, s); }

 private:
  // Lower is better. Reference: minus the reference's integer score, so equal scores tie.
  double key(double delta) const {
    if (opt_.scores == ScoreResolution::Exact) return delta;
    // fgd_score.go: int64(sigmoid((before - after) / 1000) * MaxNodeScore), higher is better.
    return -static_cast<double>(static_cast<int64_t>(100.0 / (1.0 + std::exp(delta / 1000.0))));
  }

  std::vector<TaskType> workload_;
  FragmentationIndex index_;
  std::unique_ptr<kernels::CudaFragmentationScorer> gpu_;  // with SharingOptions::cuda
  SharingOptions opt_;
  // Scratch reused across tasks: per candidate its node, GPUs, F_n(M) before and the batch entry
  // (slot) scoring its (state, choice); the batch holds each distinct one once.
  // A node state (FragmentationIndex::state_id: equal ids, equal states) and the GPUs chosen.
  struct Candidate {
    uint32_t state = 0;
    GpuChoice choice;
    bool operator==(const Candidate&) const = default;
  };
  struct CandidateHash {
    std::size_t operator()(const Candidate& c) const {
      uint64_t h = kFnv1a64Basis;
      h = fnv_mix(h, c.state);
      h = fnv_mix(h, uint64_t{c.choice.gpu_mask} << 16 | c.choice.milli_per_gpu);
      return static_cast<std::size_t>(h);
    }
  };
  // The distinct candidate of `k` (node `n` in state `st`, task `t`); a new one is scored from an
  // earlier task of the same shape (known_) or goes into the batch.
  std::size_t distinct(const Candidate& k, NodeId n, const SharingNode& st, const SharingTask& t) {
    const std::size_t mask = table_.size() - 1;
    for (std::size_t h = CandidateHash{}(k)&mask;; h = (h + 1) & mask) {
      if (table_[h] == kEmpty) {
        table_[h] = static_cast<uint32_t>(distinct_.size());
        used_.push_back(h);
        distinct_.push_back(k);
        if (const double* v = find_known(Known{t, k})) {
          value_.push_back(*v);
          batch_of_.push_back(kEmpty);
        } else {
          value_.push_back(0);
          batch_of_.push_back(static_cast<uint32_t>(batch_.candidates.size()));
          FragmentationIndex::add_candidate(batch_, n, st, k.choice);
        }
        return table_[h];
      }
      if (distinct_[table_[h]] == k) return table_[h];
    }
  }
  // F_n(M) after placing a task of this shape with this choice on a node in this state: a pure
  // function of the three (M is the policy's), kept across tasks since most nodes do not change.
  struct Known {
    SharingTask task;
    Candidate candidate;
    bool operator==(const Known&) const = default;
  };
  struct KnownHash {
    std::size_t operator()(const Known& k) const {
      uint64_t h = CandidateHash{}(k.candidate);
      const auto mix = [&h](uint64_t v) { h = fnv_mix(h, v); };
      mix(static_cast<uint64_t>(k.task.cpu_milli));
      mix(static_cast<uint64_t>(k.task.mem_mib));
      mix(uint64_t{k.task.num_gpu} << 32 | k.task.gpu_milli);
      mix(k.task.allowed_models);
      return static_cast<std::size_t>(h);
    }
  };
  // An open-addressing table of known scores, emptied whole when half full (deterministic: a
  // score computed again is the same).
  struct KnownSlot {
    uint64_t hash = 0;
    bool used = false;
    Known key;
    double value = 0;
  };
  static constexpr std::size_t kKnownSlots = std::size_t{1} << 16;
  const double* find_known(const Known& k) const {
    if (known_.empty()) return nullptr;
    const uint64_t h = KnownHash{}(k);
    for (std::size_t i = h & (kKnownSlots - 1);; i = (i + 1) & (kKnownSlots - 1)) {
      const KnownSlot& slot = known_[i];
      if (!slot.used) return nullptr;
      if (slot.hash == h && slot.key == k) return &slot.value;
    }
  }
  void add_known(const Known& k, double v) {
    if (known_.empty() || known_count_ >= kKnownSlots / 2) {
      known_.assign(kKnownSlots, KnownSlot{});
      known_count_ = 0;
    }
    const uint64_t h = KnownHash{}(k);
    for (std::size_t i = h & (kKnownSlots - 1);; i = (i + 1) & (kKnownSlots - 1)) {
      KnownSlot& slot = known_[i];
      if (slot.used && !(slot.hash == h && slot.key == k)) continue;
      if (!slot.used) ++known_count_;
      slot = KnownSlot{h, true, k, v};
      return;
    }
  }
  std::vector<KnownSlot> known_;
  std::size_t known_count_ = 0;
  std::vector<uint32_t> batch_of_;  // per distinct candidate: its batch entry, or kEmpty (known)
  std::vector<double> value_;       // per distinct candidate: F_n(M) after
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  FragmentationIndex::Batch batch_;
  std::vector<NodeId> nodes_;
  std::vector<std::size_t> slot_;
  std::vector<Candidate> distinct_;  // batch entry i scores distinct_[i]
  std::vector<uint32_t> table_;
  std::vector<std::size_t> used_;  // entries of table_ the current task filled
  std::vector<GpuChoice> choices_;
  std::vector<double> before_, after_;
};

// Best-fit: least weighted remaining resources after placement,
// 0.5 (cpu_free - cpu) / MaxSpecCpu + 0.5 (gpu_free_total - gpu_request_total) / MaxSpecGpu.
class BestFit final : public SharingPlacement {
 public:
  explicit BestFit(SharingOptions o) : opt_(o) {}
  std::string name() const override { return "best-fit"; }
  Placement place(std::span<const SharingNode> nodes, const SharingTask& t, Rng& rng) override {
    return argmin_node<double>(nodes, t, opt_, rng, [&](const SharingNode& n) {
      const double left = 0.5 * static_cast<double>(n.cpu_free_milli - t.cpu_milli) / kMaxSpecCpuMilli +
                          0.5 * static_cast<double>(n.gpu_free_total() - t.gpu_milli_total()) / kMaxSpecGpuMilli;
      if (opt_.scores == ScoreResolution::Exact) return left;
      return -static_cast<double>(static_cast<int64_t>((1.0 - left) * 100.0));  // best_fit_score.go
    });
  }

 private:
  SharingOptions opt_;
};

// Dot-product (Tetris' alignment, as the reference runs it with dimExtMethod "merge" and
// normMethod "max"): the node whose free (CPU, total GPU) vector has the smallest dot product
// with the task's request vector, both divided by (MaxSpecCpu, MaxSpecGpu); /2 as the reference.
class DotProduct final : public SharingPlacement {
 public:
  explicit DotProduct(SharingOptions o) : opt_(o) {}
  std::string name() const override { return "dot-product"; }
  Placement place(std::span<const SharingNode> nodes, const SharingTask& t, Rng& rng) override {
    return argmin_node<double>(nodes, t, opt_, rng, [&](const SharingNode& n) {
      const double cpu = (static_cast<double>(n.cpu_free_milli) / kMaxSpecCpuMilli) *
                         (static_cast<double>(t.cpu_milli) / kMaxSpecCpuMilli);
      const double gpu = (static_cast<double>(n.gpu_free_total()) / kMaxSpecGpuMilli) *
                         (static_cast<double>(t.gpu_milli_total()) / kMaxSpecGpuMilli);
      const double dot = (cpu + gpu) / 2.0;
      if (opt_.scores == ScoreResolution::Exact) return dot;
      return -static_cast<double>(static_cast<int64_t>(100.0 * (1.0 - dot)));  // dot_product_score.go
    });
  }

 private:
  SharingOptions opt_;
};

// GPU packing, three tiers (best first):
//   1. the task fits on partially used GPUs only: prefer the least free share on them;
//   2. it needs fully free GPUs of a partially used node: prefer using fewer of them;
//   3. the node is entirely free: prefer the node with fewer GPUs.
// CPU-only tasks score all nodes equally (lowest id).
class GpuPacking final : public SharingPlacement {
 public:
  explicit GpuPacking(SharingOptions o) : opt_(o) {}
  std::string name() const override { return "gpu-packing"; }
  Placement place(std::span<const SharingNode> nodes, const SharingTask& t, Rng& rng) override {
    using Key = std::pair<int, int64_t>;
    const bool ref = opt_.scores == ScoreResolution::ReferenceInteger;
    return argmin_node<Key>(nodes, t, opt_, rng, [&](const SharingNode& n) -> Key {
      if (t.cpu_only()) return {0, 0};
      int fully_free = 0;
      for (int g = 0; g < n.gpus; ++g) fully_free += n.gpu_free_milli[g] == kMilliPerCard ? 1 : 0;
      // gpu_packing_score.go's integer bands, higher better: [0, 33], [33, 50], [50, 100].
      if (fully_free == n.gpus)
        return ref ? Key{0, -std::max<int64_t>(100 / 3 - fully_free, fully_free)} : Key{3, fully_free};
      const GpuChoice c = best_fit_choice(n, t);
      int64_t fully_used = 0, free_on_used = 0, ratio_on_used = 0;
      for (int g = 0; g < n.gpus; ++g) {
        if (((c.gpu_mask >> g) & 1U) == 0) continue;
        fully_used += n.gpu_free_milli[g] == kMilliPerCard ? 1 : 0;
        free_on_used += n.gpu_free_milli[g];
        ratio_on_used += n.gpu_free_milli[g] * 100 / kMilliPerCard;
      }
      if (fully_used > 0) return ref ? Key{0, -std::max<int64_t>(50 - fully_used, 100 / 3)} : Key{2, fully_used};
      return ref ? Key{0, -std::max<int64_t>(100 - ratio_on_used / 10, 50)} : Key{1, free_on_used};
    });
  }

 private:
  SharingOptions opt_;
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
  explicit GpuClustering(SharingOptions o) : opt_(o) {}
  std::string name() const override { return "gpu-clustering"; }
  Placement place(std::span<const SharingNode> nodes, const SharingTask& t, Rng& rng) override {
    if (classes_.size() < nodes.size()) classes_.resize(nodes.size());
    const uint32_t cls = class_of(t);
    using Key = std::pair<int, int64_t>;
    const bool ref = opt_.scores == ScoreResolution::ReferenceInteger;
    auto p = argmin_node<Key>(nodes, t, opt_, rng, [&](const SharingNode& n) -> Key {
      if (t.cpu_only()) return {0, 0};
      auto& on = classes_[static_cast<std::size_t>(&n - nodes.data())];
      if (all_free(n)) on.clear();  // no GPU task left on it
      const bool empty = on.empty();
      bool same = false;
      if (!empty)
        for (const auto& [c, k] : on) same = same || c == cls;
      const int tier = empty ? 2 : same ? (on.size() == 1 ? 0 : 1) : 3;
      // gpu_clustering_score.go: 25 (8000 - gpu_left) / 8000 (integer) above the tier's floor.
      if (ref) return {0, -(25 * (8000 - n.gpu_free_total()) / 8000 + 25 * (3 - tier))};
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
  SharingOptions opt_;
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

namespace {

// The placements other than FGD need only the options, not the target workload.
template <class P>
std::unique_ptr<SharingPlacement> with_options(std::vector<TaskType>, SharingOptions o) {
  return std::make_unique<P>(o);
}

// Every placement once: its name, what it optimises, and how to make it.
struct Entry {
  const char* name;
  const char* description;
  std::unique_ptr<SharingPlacement> (*make)(std::vector<TaskType> target_workload, SharingOptions options);
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> table{
      {"fgd", "node and GPU where the expected fragmentation F_n(M) grows least (Weng et al., ATC 2023)",
       [](std::vector<TaskType> m, SharingOptions o) -> std::unique_ptr<SharingPlacement> {
         return std::make_unique<Fgd>(std::move(m), o);
       }},
      {"best-fit", "least weighted CPU and GPU left on the node after placement", &with_options<BestFit>},
      {"dot-product", "smallest dot product of the node's free (CPU, GPU) and the task's request (Tetris)",
       &with_options<DotProduct>},
      {"gpu-packing", "partly used GPUs first, then free GPUs of used nodes, then idle nodes",
       &with_options<GpuPacking>},
      {"gpu-clustering", "nodes already hosting tasks with the same GPU request", &with_options<GpuClustering>},
      {"random-fit", "a uniformly random feasible node and GPU",
       [](std::vector<TaskType>, SharingOptions) -> std::unique_ptr<SharingPlacement> {
         return std::make_unique<RandomFit>();
       }},
  };
  return table;
}

const Entry* find_entry(const std::string& name) {
  for (const Entry& e : entries())
    if (name == e.name) return &e;
  return nullptr;
}

}  // namespace

const std::vector<std::string>& sharing_placement_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const Entry& e : entries()) n.emplace_back(e.name);
    return n;
  }();
  return names;
}

std::string sharing_placement_description(const std::string& name) {
  const Entry* e = find_entry(name);
  return e != nullptr ? e->description : "";
}

std::unique_ptr<SharingPlacement> make_sharing_placement(const std::string& name, std::vector<TaskType> target_workload,
                                                         SharingOptions options) {
  if (const Entry* e = find_entry(name)) return e->make(std::move(target_workload), options);
  std::string valid;
  for (const auto& n : sharing_placement_names()) valid += (valid.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown sharing placement '" + name + "' (valid: " + valid + ")");
}

}  // namespace hetsim
