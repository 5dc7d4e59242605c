#include "hetsim/policy/sharing/fragmentation.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace hetsim {

namespace {

bool model_allowed(uint16_t model, uint64_t mask) { return model < 64 && ((mask >> model) & 1U) != 0; }

// The value F_n(m) takes, given the node's host resources, its free GPU total and, for m's
// per-GPU request, the free share of the GPUs that cannot hold it. The cached path
// (kernels::fragmentation_after) applies the same rule; a test checks that both agree to the bit.
int64_t type_value(bool cpu_only_type, bool runnable, int64_t total, int64_t below) {
  if (cpu_only_type || !runnable) return total;  // every free share is unusable by m here
  return below;
}

using ShapeKey = std::tuple<int64_t, uint32_t, uint32_t, uint64_t>;  // cpu, milli, gpus, models

}  // namespace

std::vector<TaskType> target_workload(std::span<const SharingTask> tasks, const TargetWorkloadOptions& opt) {
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
    if (n.gpu_free_milli[g] >= type.gpu_milli)
      ++count;
    else
      below += n.gpu_free_milli[g];
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
    type_cpu_.push_back(m.shape.cpu_milli);
    type_mem_.push_back(m.shape.mem_mib);
    type_models_.push_back(m.shape.allowed_models);
    type_gpus_.push_back(m.shape.num_gpu);
    type_popularity_.push_back(m.popularity);
    int32_t th = -1;
    if (!m.shape.cpu_only()) {
      const auto it = std::lower_bound(thresholds_.begin(), thresholds_.end(), int64_t{m.shape.gpu_milli});
      th = static_cast<int32_t>(it - thresholds_.begin());
    }
    type_threshold_.push_back(th);
  }
}

kernels::FragTypeTable FragmentationIndex::type_table() const {
  return kernels::FragTypeTable{type_cpu_,       type_mem_,        type_models_, type_gpus_,
                                type_threshold_, type_popularity_, thresholds_};
}

kernels::FragNodeTable FragmentationIndex::node_table() const {
  return kernels::FragNodeTable{cpu_free_, mem_free_, model_, total_, count_, below_};
}

void FragmentationIndex::refresh(NodeId n, const SharingNode& st) {
  if (n >= state_.size()) {
    const std::size_t size = std::size_t{n} + 1;
    state_.resize(size);
    valid_.resize(size, 0);
    frag_.resize(size, 0);
    cpu_free_.resize(size, 0);
    mem_free_.resize(size, 0);
    model_.resize(size, 0);
    total_.resize(size, 0);
    count_.resize(size * d_, 0);
    below_.resize(size * d_, 0);
    state_id_.resize(size, 0);
  }
  state_id_[n] = ids_.try_emplace(st, static_cast<uint32_t>(ids_.size())).first->second;
  state_[n] = st;
  valid_[n] = 1;
  cpu_free_[n] = st.cpu_free_milli;
  mem_free_[n] = st.mem_free_mib;
  model_[n] = st.model;
  total_[n] = st.gpu_free_total();
  for (std::size_t i = 0; i < d_; ++i) {
    int64_t c = 0, b = 0;
    for (int g = 0; g < st.gpus; ++g) {
      if (st.gpu_free_milli[g] >= thresholds_[i])
        ++c;
      else
        b += st.gpu_free_milli[g];
    }
    count_[n * d_ + i] = c;
    below_[n * d_ + i] = b;
  }
  frag_[n] = kernels::fragmentation_after(type_table(), node_table(), n, 0, 0, nullptr, 0);
}

std::size_t FragmentationIndex::StateHash::operator()(const SharingNode& s) const {
  uint64_t h = 0xCBF29CE484222325ULL;  // FNV-1a's basis and prime, one 64-bit word at a time
  const auto mix = [&h](uint64_t v) { h = (h ^ v) * 1099511628211ULL; };
  mix(static_cast<uint64_t>(s.cpu_free_milli));
  mix(static_cast<uint64_t>(s.mem_free_mib));
  mix(uint64_t{s.model} << 8 | s.gpus);
  for (int g = 0; g < s.gpus; ++g) mix(s.gpu_free_milli[static_cast<std::size_t>(g)]);
  return static_cast<std::size_t>(h);
}

double FragmentationIndex::node(NodeId n, const SharingNode& st) {
  if (n >= state_.size() || !valid_[n] || !(state_[n] == st)) refresh(n, st);
  return frag_[n];
}

void FragmentationIndex::add_candidate(Batch& b, NodeId n, const SharingNode& st, const GpuChoice& c) {
  const auto first = static_cast<uint32_t>(b.changes.size());
  for (int g = 0; g < st.gpus; ++g) {
    if (((c.gpu_mask >> g) & 1U) == 0) continue;
    const int64_t from = st.gpu_free_milli[g], to = from - c.milli_per_gpu;
    // Whole GPUs all go from 1000 to 0: one change with a multiplicity.
    if (b.changes.size() > first && b.changes.back().from == from && b.changes.back().to == to)
      ++b.changes.back().mult;
    else
      b.changes.push_back(kernels::FragChange{from, to, 1});
  }
  b.candidates.push_back(kernels::FragCandidate{n, first, static_cast<uint32_t>(b.changes.size() - first)});
}

void FragmentationIndex::after_batch(const SharingTask& t, const Batch& b, std::vector<double>& out) const {
  out.resize(b.candidates.size());
  if (cuda_ != nullptr)
    cuda_->score(type_table(), node_table(), t.cpu_milli, t.mem_mib, b.candidates, b.changes, out);
  else
    kernels::fragmentation_after_cpu(type_table(), node_table(), t.cpu_milli, t.mem_mib, b.candidates, b.changes, out);
}

double FragmentationIndex::after(NodeId n, const SharingNode& st, const SharingTask& t, const GpuChoice& c) const {
  Batch b;
  add_candidate(b, n, st, c);
  return kernels::fragmentation_after(type_table(), node_table(), n, t.cpu_milli, t.mem_mib, b.changes.data(),
                                      b.changes.size());
}

}  // namespace hetsim
