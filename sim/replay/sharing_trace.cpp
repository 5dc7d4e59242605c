#include "hetsim/replay/sharing_trace.hpp"

#include <algorithm>

namespace hetsim {

namespace {

constexpr std::size_t kMaxModels = 64;  // SharingTask::allowed_models is a 64-bit mask

}  // namespace

SharingTrace build_sharing_trace(const std::vector<OpenbNode>& nodes, const std::string& nodes_file,
                                 const std::vector<OpenbPod>& pods, const std::string& pods_file,
                                 std::vector<TraceError>& errors) {
  SharingTrace t;
  if (nodes.empty()) errors.push_back(TraceError{nodes_file, 0, "the node list has no nodes"});
  if (pods.empty()) errors.push_back(TraceError{pods_file, 0, "the pod list has no pods"});
  for (const OpenbNode& n : nodes) {
    SharingNode s;
    s.cpu_free_milli = n.cpu_milli;
    s.mem_free_mib = n.memory_mib;
    s.gpus = static_cast<uint8_t>(n.gpus);
    for (uint32_t g = 0; g < n.gpus; ++g) s.gpu_free_milli[g] = static_cast<uint16_t>(kMilliPerCard);
    if (n.gpus > 0) {
      auto it = std::find(t.models.begin(), t.models.end(), n.model);
      if (it == t.models.end()) {
        if (t.models.size() == kMaxModels) {
          errors.push_back(
              TraceError{nodes_file, n.line, "more than 64 GPU models; model '" + n.model + "' is one too many"});
          continue;
        }
        t.models.push_back(n.model);
        it = t.models.end() - 1;
      }
      s.model = static_cast<uint16_t>(it - t.models.begin());
    }
    t.gpu_count += n.gpus;
    t.node_names.push_back(n.name);
    t.nodes.push_back(s);
  }
  if (!nodes.empty() && t.gpu_count == 0)
    errors.push_back(TraceError{nodes_file, 0, "the cluster has no GPUs, so no share of GPUs can be measured"});

  for (const OpenbPod& p : pods) {
    SharingTask task;
    task.cpu_milli = p.cpu_milli;
    task.mem_mib = p.memory_mib;
    task.num_gpu = p.num_gpu;
    task.gpu_milli = p.gpu_milli;
    if (!p.gpu_spec.empty()) {
      task.allowed_models = 0;
      bool ok = true;
      for (const std::string& name : p.gpu_spec) {
        const auto it = std::find(t.models.begin(), t.models.end(), name);
        if (it == t.models.end()) {
          std::string have;
          for (const auto& m : t.models) have += (have.empty() ? "" : ", ") + m;
          errors.push_back(TraceError{pods_file, p.line,
                                      "pod '" + p.name + "': gpu_spec names model '" + name +
                                          "', which no node of the cluster has (models: " + have + ")"});
          ok = false;
          break;
        }
        task.allowed_models |= uint64_t{1} << (it - t.models.begin());
      }
      if (!ok) continue;
    }
    t.tasks.push_back(task);
  }
  return t;
}

SharingTrace load_sharing_trace(const std::string& nodes_file, const std::string& pods_file,
                                std::vector<TraceError>& errors) {
  const std::size_t before = errors.size();
  const auto nodes = read_openb_nodes(nodes_file, errors);
  const auto pods = read_openb_pods(pods_file, errors);
  if (errors.size() != before) return {};
  return build_sharing_trace(nodes, nodes_file, pods, pods_file, errors);
}

}  // namespace hetsim
