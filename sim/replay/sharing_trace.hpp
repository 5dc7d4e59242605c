#pragma once
// An openb node list and pod list turned into the GPU-sharing model of sim/policy/sharing: the
// cluster (one SharingNode per row of the node list, in file order) and the task list (one
// SharingTask per row of the pod list). GPU models are numbered in order of first appearance in
// the node list; a pod's gpu_spec becomes a mask over those numbers.
#include <string>
#include <vector>

#include "hetsim/policy/sharing/node_state.hpp"
#include "hetsim/workload/openb_trace.hpp"

namespace hetsim {

struct SharingTrace {
  std::vector<std::string> models;  // GPU model names; index = SharingNode::model
  std::vector<std::string> node_names;
  std::vector<SharingNode> nodes;  // all resources free
  std::vector<SharingTask> tasks;  // in file order
  int64_t gpu_count = 0;           // GPUs of the cluster
};

// Converts rows already read by read_openb_nodes / read_openb_pods. Every problem becomes one
// TraceError naming the file and row: more than 64 GPU models, a pod whose gpu_spec names a model
// no node has, an empty node or pod list, a cluster without GPUs.
SharingTrace build_sharing_trace(const std::vector<OpenbNode>& nodes, const std::string& nodes_file,
                                 const std::vector<OpenbPod>& pods, const std::string& pods_file,
                                 std::vector<TraceError>& errors);

// Reads both files and converts them; all problems of both files are appended to `errors`.
SharingTrace load_sharing_trace(const std::string& nodes_file, const std::string& pods_file,
                                std::vector<TraceError>& errors);

}  // namespace hetsim
