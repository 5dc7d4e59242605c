// openb rows -> the GPU-sharing model: model numbering, gpu_spec masks, and every problem reported
// with its file and row.
#include <gtest/gtest.h>

#include "hetsim/replay/sharing_trace.hpp"

namespace hetsim {
namespace {

const std::string kData = std::string(HETSIM_SOURCE_DIR) + "/tests/workload/data/openb/";

TEST(SharingTrace, SampleBecomesNodesAndTasksInFileOrder) {
  std::vector<TraceError> errors;
  const SharingTrace t = load_sharing_trace(kData + "nodes.csv", kData + "pods.csv", errors);
  ASSERT_TRUE(errors.empty()) << errors.front().format();
  EXPECT_EQ(t.models, (std::vector<std::string>{"V100M32", "G2", "T4", "P100", "A10", "G3", "V100M16"}));
  ASSERT_EQ(t.nodes.size(), 10u);
  EXPECT_EQ(t.gpu_count, 35);
  EXPECT_EQ(t.node_names[2], "node-a02");
  EXPECT_EQ(t.nodes[2].model, 2);  // T4
  EXPECT_EQ(t.nodes[2].gpus, 4);
  EXPECT_EQ(t.nodes[2].gpu_free_milli[3], 1000);
  EXPECT_EQ(t.nodes[2].gpu_free_milli[4], 0);
  EXPECT_EQ(t.nodes[7].gpus, 0);  // CPU-only node
  EXPECT_EQ(t.nodes[7].cpu_free_milli, 32000);
  ASSERT_EQ(t.tasks.size(), 40u);
  EXPECT_EQ(t.tasks[1].gpu_milli, 250u);
  EXPECT_EQ(t.tasks[0].allowed_models, ~0ULL);                       // no gpu_spec: any model
  EXPECT_EQ(t.tasks[6].allowed_models, (1ULL << 6) | (1ULL << 0));   // V100M16|V100M32
  EXPECT_EQ(t.tasks[15].allowed_models, (1ULL << 6) | (1ULL << 0));  // repeats collapse
}

TEST(SharingTrace, GpuSpecNamingAnAbsentModelIsAnErrorAtItsRow) {
  std::vector<OpenbNode> nodes{{"n0", 32000, 65536, 2, "T4", 2}};
  std::vector<OpenbPod> pods(2);
  pods[0].name = "p0", pods[0].num_gpu = 1, pods[0].gpu_milli = 500, pods[0].gpu_spec = {"T4"}, pods[0].line = 2;
  pods[1].name = "p1", pods[1].num_gpu = 1, pods[1].gpu_milli = 500, pods[1].gpu_spec = {"K80"}, pods[1].line = 3;
  std::vector<TraceError> errors;
  const SharingTrace t = build_sharing_trace(nodes, "n.csv", pods, "p.csv", errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].format(),
            "p.csv:3: error: pod 'p1': gpu_spec names model 'K80', which no node of the cluster has (models: T4)");
  EXPECT_EQ(t.tasks.size(), 1u);
}

TEST(SharingTrace, EmptyListsAndGpulessClustersAreErrors) {
  std::vector<TraceError> errors;
  (void)build_sharing_trace({}, "n.csv", {}, "p.csv", errors);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].format(), "n.csv:0: error: the node list has no nodes");
  EXPECT_EQ(errors[1].format(), "p.csv:0: error: the pod list has no pods");
  errors.clear();
  std::vector<OpenbPod> pods(1);
  (void)build_sharing_trace({{"c0", 32000, 65536, 0, "", 2}}, "n.csv", pods, "p.csv", errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("no GPUs"), std::string::npos);
}

TEST(SharingTrace, MalformedFilesReportRowsAndYieldNothing) {
  std::vector<TraceError> errors;
  const SharingTrace t = load_sharing_trace(kData + "bad_nodes.csv", kData + "pods.csv", errors);
  ASSERT_FALSE(errors.empty());
  EXPECT_GT(errors[0].line, 1);
  EXPECT_TRUE(t.nodes.empty());
}

}  // namespace
}  // namespace hetsim
