#include "hetsim/policy/sharing/fragmentation.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace hetsim {

namespace {

bool model_allowed(uint16_t model, uint64_t mask) { return model < 64 && ((mask >> model) & 1U) != 0; }

// The value F_n(m) takes, given the node's host resources, its free GPU total and, for m's
// per-GPU request, the count of GPUs that can hold it and the free share of those that cannot.
// One function so the direct and the cached paths agree to the bit.
int64_t type_value(bool cpu_only_type, bool runnable, int64_t total, int64_t below) {
  if (cpu_only_type || !runnable) return total;  // every free share is unusable by m here
  return below;
}

using ShapeKey = std::tuple<int64_t, uint32_t, uint32_t, uint64_t>;  // cpu, milli, gpus, models

}  // namespace

std::vector<TaskType> target_workload(std::span<const SharingTask> tasks,
                                      const TargetWorkloadOptions& opt) {
  std::map<ShapeKey, uint64_t> counts;
  uint64_t total = 0;
  for (const auto& t : tasks) {
    if (!opt.include_cpu_only && t.cpu_only()) continue;
    ++counts[ShapeKey{t.cpu_milli, t.gpu_milli, t.num_gpu, t.allowed_models}];
    ++total;
  }
  std::vector<std::pair<ShapeKey, uint64_t>> sorted(counts.begin(), counts.end());
  // Most popular first; equal counts: the larger shape first (the reference sorts Reverse(Less)).
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return a.first > b.first;
  });
  const double expected = static_cast<double>(opt.popularity_threshold_pct) * static_cast<double>(total) / 100.0;
  uint64_t kept = 0;
  std::size_t i = 0;
  while (i < sorted.size() && (i == 0 || static_cast<double>(kept) < expected)) kept += sorted[i++].second;
  std::vector<TaskType> out;
  for (std::size_t j = 0; j < i; ++j) {
    const auto& [key, c] = sorted[j];
    TaskType m;
    m.shape.cpu_milli = std::get<0>(key);
    m.shape.gpu_milli = std::get<1>(key);
    m.shape.num_gpu = std::get<2>(key);
    m.shape.allowed_models = std::get<3>(key);
    m.count = c;
    m.popularity = static_cast<double>(c) / static_cast<double>(kept);
    out.push_back(m);
  }
  return out;
}

double node_fragmentation(const SharingNode& n, const SharingTask& type) {
  const int64_t total = n.gpu_free_total();
  if (type.cpu_only()) return static_cast<double>(total);
  int64_t count = 0, below = 0;
  for (int g = 0; g < n.gpus; ++g) {
    if (n.gpu_free_milli[g] >= type.gpu_milli) ++count;
    else below += n.gpu_free_milli[g];
  }
  const bool runnable = model_allowed(n.model, type.allowed_models) && n.cpu_free_milli >= type.cpu_milli &&
                        n.mem_free_mib >= type.mem_mib && count >= int64_t{type.num_gpu} &&
                        type.gpu_milli <= kMilliPerCard;
  return static_cast<double>(type_value(false, runnable, total, below));
}

double node_fragmentation(const SharingNode& n, std::span<const TaskType> M) {
  double f = 0;
  for (const auto& m : M) f += m.popularity * node_fragmentation(n, m.shape);
  return f;
}

double cluster_fragmentation(std::span<const SharingNode> nodes, std::span<const TaskType> M) {
  double f = 0;
  for (const auto& n : nodes) f += node_fragmentation(n, M);
  return f;
}

int64_t cluster_gpu_milli(std::span<const SharingNode> nodes) {
  int64_t g = 0;
  for (const auto& n : nodes) g += n.gpus;
  return g * kMilliPerCard;
}

// ---- FragmentationIndex

FragmentationIndex::FragmentationIndex(std::span<const TaskType> M) {
  for (const auto& m : M)
    if (!m.shape.cpu_only()) thresholds_.push_back(m.shape.gpu_milli);
  std::sort(thresholds_.begin(), thresholds_.end());
  thresholds_.erase(std::unique(thresholds_.begin(), thresholds_.end()), thresholds_.end());
  d_ = thresholds_.size();
  for (const auto& m : M) {
    Type t;
    t.cpu_milli = m.shape.cpu_milli;
    t.mem_mib = m.shape.mem_mib;
    t.allowed_models = m.shape.allowed_models;
    t.num_gpu = m.shape.num_gpu;
    t.popularity = m.popularity;
    if (!m.shape.cpu_only()) {
      const auto it = std::lower_bound(thresholds_.begin(), thresholds_.end(), int64_t{m.shape.gpu_milli});
      t.threshold = static_cast<int32_t>(it - thresholds_.begin());
    }
    types_.push_back(t);
  }
}

void FragmentationIndex::refresh(NodeId n, const SharingNode& st) {
  if (n >= state_.size()) {
    const std::size_t size = std::size_t{n} + 1;
    state_.resize(size);
    valid_.resize(size, 0);
    frag_.resize(size, 0);
    total_.resize(size, 0);
    count_.resize(size * d_, 0);
    below_.resize(size * d_, 0);
  }
  state_[n] = st;
  valid_[n] = 1;
  total_[n] = st.gpu_free_total();
  for (std::size_t i = 0; i < d_; ++i) {
    int64_t c = 0, b = 0;
    for (int g = 0; g < st.gpus; ++g) {
      if (st.gpu_free_milli[g] >= thresholds_[i]) ++c;
      else b += st.gpu_free_milli[g];
    }
    count_[n * d_ + i] = c;
    below_[n * d_ + i] = b;
  }
  frag_[n] = evaluate(st, n, {});
}

double FragmentationIndex::node(NodeId n, const SharingNode& st) {
  if (n >= state_.size() || !valid_[n] || !(state_[n] == st)) refresh(n, st);
  return frag_[n];
}

double FragmentationIndex::evaluate(const SharingNode& st, NodeId n, std::span<const Change> changes) const {
  int64_t total = total_[n];
  for (const auto& c : changes) total += c.mult * (c.to - c.from);
  const int64_t* count = count_.data() + std::size_t{n} * d_;
  const int64_t* below = below_.data() + std::size_t{n} * d_;
  double f = 0;
  for (const auto& t : types_) {
    if (t.threshold < 0) {
      f += t.popularity * static_cast<double>(type_value(true, false, total, 0));
      continue;
    }
    const auto i = static_cast<std::size_t>(t.threshold);
    const int64_t d = thresholds_[i];
    int64_t cnt = count[i], bel = below[i];
    for (const auto& c : changes) {  // move the changed GPUs between "holds m" and "too small"
      cnt += c.mult * (int64_t{c.to >= d} - int64_t{c.from >= d});
      bel += c.mult * ((c.to < d ? c.to : 0) - (c.from < d ? c.from : 0));
    }
    const bool runnable = model_allowed(st.model, t.allowed_models) && st.cpu_free_milli >= t.cpu_milli &&
                          st.mem_free_mib >= t.mem_mib && cnt >= int64_t{t.num_gpu} && d <= kMilliPerCard;
    f += t.popularity * static_cast<double>(type_value(false, runnable, total, bel));
  }
  return f;
}

double FragmentationIndex::after(NodeId n, const SharingNode& st, const SharingTask& t,
                                 const GpuChoice& c) const {
  SharingNode host = st;  // only the host resources and the model are read from it
  host.cpu_free_milli -= t.cpu_milli;
  host.mem_free_mib -= t.mem_mib;
  std::array<Change, kMaxCardsPerNode> ch{};
  std::size_t k = 0;
  for (int g = 0; g < st.gpus; ++g) {
    if (((c.gpu_mask >> g) & 1U) == 0) continue;
    const int64_t from = st.gpu_free_milli[g], to = from - c.milli_per_gpu;
    if (k > 0 && ch[k - 1].from == from && ch[k - 1].to == to) ++ch[k - 1].mult;  // whole GPUs
    else ch[k++] = Change{from, to, 1};
  }
  return evaluate(host, n, std::span<const Change>(ch.data(), k));
}

}  // namespace hetsim
