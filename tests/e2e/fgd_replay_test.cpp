// End-to-end: the FGD trace replay through the real binary (docs/validation.md): outputs, their
// schema, determinism across runs and thread counts, and bad input.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.hpp"

namespace fs = std::filesystem;

using namespace hetsim::e2e;

namespace {
const std::string kSample = "tests/e2e/data/fgd-sample.yaml";

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST(FgdReplayCli, OneRunWritesTheDocumentedCurve) {
  const fs::path d = fresh_dir("fgd-one");
  const Out o = run("run " + kSample + " --policy fgd --seed 3 --out " + d.string());
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("unallocated GPU %"), std::string::npos) << o.text;
  const auto rows = lines(slurp(d / "fgd_curve.csv"));
  ASSERT_EQ(rows.size(), 1u + 131u);
  EXPECT_EQ(rows[0], "policy,seed,arrived_pct,allocated_pct,fragmented_pct,unallocated_pct");
  EXPECT_EQ(rows[1].rfind("fgd,3,0,0.0000,", 0), 0u) << rows[1];
  EXPECT_EQ(rows[131].rfind("fgd,3,130,", 0), 0u) << rows[131];
  for (std::size_t i = 1; i < rows.size(); ++i) {
    double alloc = 0, frag = 0, unalloc = 0;
    int pct = -1;
    ASSERT_EQ(std::sscanf(rows[i].c_str(), "fgd,3,%d,%lf,%lf,%lf", &pct, &alloc, &frag, &unalloc), 4) << rows[i];
    EXPECT_EQ(pct, static_cast<int>(i) - 1);
    EXPECT_NEAR(alloc + unalloc, 100.0, 1e-3) << rows[i];
    EXPECT_LE(frag, unalloc + 1e-3) << rows[i];  // fragments are part of the unallocated share
  }
  EXPECT_EQ(lines(slurp(d / "fgd_runs.csv")).size(), 2u);
  EXPECT_EQ(lines(slurp(d / "fgd_summary.csv")).size(), 2u);
}

TEST(FgdReplayCli, GridIsDeterministicAcrossRunsAndThreadCounts) {
  const fs::path a = fresh_dir("fgd-a"), b = fresh_dir("fgd-b");
  const Out o1 = run("run " + kSample + " --policy all --seeds 1-3 --quiet --out " + a.string(), "OMP_NUM_THREADS=1");
  ASSERT_EQ(o1.code, 0) << o1.text;
  EXPECT_TRUE(o1.text.empty()) << o1.text;
  const Out o2 = run("run " + kSample + " --policy all --seeds 1-3 --quiet --out " + b.string(), "OMP_NUM_THREADS=2");
  ASSERT_EQ(o2.code, 0) << o2.text;
  for (const char* f : {"fgd_curve.csv", "fgd_runs.csv", "fgd_summary.csv"}) EXPECT_EQ(slurp(a / f), slurp(b / f)) << f;
  const auto rows = lines(slurp(a / "fgd_curve.csv"));
  EXPECT_EQ(rows.size(), 1u + 6u * 3u * 131u);
  std::set<std::string> policies;
  for (std::size_t i = 1; i < rows.size(); ++i) policies.insert(rows[i].substr(0, rows[i].find(',')));
  EXPECT_EQ(policies,
            (std::set<std::string>{"fgd", "best-fit", "dot-product", "gpu-packing", "gpu-clustering", "random-fit"}));
}

TEST(FgdReplayCli, ScenarioDefaultsRunTheFilesGrid) {
  const fs::path d = fresh_dir("fgd-defaults");
  const Out o = run("run " + kSample + " --quiet --out " + d.string());
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_EQ(lines(slurp(d / "fgd_curve.csv")).size(), 1u + 2u * 2u * 131u);  // policies [fgd, best-fit], seeds [1, 2]
  const Out v = run("validate " + kSample);
  EXPECT_EQ(v.code, 0) << v.text;
  EXPECT_NE(v.text.find("ok (trace replay: 10 nodes, 35 GPUs of 7 models"), std::string::npos) << v.text;
}

// --device cuda scores FGD's candidates on the GPU: the same bytes as the CPU; without a device,
// a clear error. auto stays on the CPU for the replay.
TEST(FgdReplayCli, DeviceCudaGivesTheCpuBytesOrAClearError) {
  const fs::path cpu = fresh_dir("fgd-dev-cpu"), autod = fresh_dir("fgd-dev-auto"), cuda = fresh_dir("fgd-dev-cuda");
  ASSERT_EQ(run("run " + kSample + " --policy fgd --seeds 1-2 --quiet --out " + cpu.string()).code, 0);
  ASSERT_EQ(run("run " + kSample + " --policy fgd --seeds 1-2 --quiet --device auto --out " + autod.string()).code, 0);
  EXPECT_EQ(slurp(cpu / "fgd_curve.csv"), slurp(autod / "fgd_curve.csv"));
  const Out o = run("run " + kSample + " --policy fgd --seeds 1-2 --quiet --device cuda --out " + cuda.string());
  if (o.code == 0) {
    for (const char* f : {"fgd_curve.csv", "fgd_runs.csv"}) EXPECT_EQ(slurp(cpu / f), slurp(cuda / f)) << f;
  } else {
    EXPECT_EQ(o.code, 2);
    EXPECT_NE(o.text.find("--device cuda: no usable CUDA device"), std::string::npos) << o.text;
  }
}

TEST(FgdReplayCli, BadInputIsRefusedWithExitTwo) {
  struct Case {
    std::string args, message;
  };
  const std::vector<Case> cases{
      {"run " + kSample + " --policy fgdd", "'fgdd' is not a sharing policy"},
      {"run " + kSample + " --seeds 5-2", "--seeds: expected"},
      // Many ranges: at most 100,000 seeds in all (each range was capped, the list was not, and
      // its duplicate check was quadratic: a fuzz_sweep_keys timeout).
      {"run " + kSample + " --seeds 0-99998,100000-100001",
       "--seeds: more than 100000 seeds in all, at '100000-100001'"},
      {"run " + kSample + " --seeds 0-50000,50000", "--seeds: seed 50000 is listed twice"},
      {"run " + kSample + " --seed 1 --seeds 1-2", "not both"},
      {"run " + kSample + " --set sharing_replay.pods=missing.csv", "cannot read pod list"},
      {"run " + kSample + " --set sharing_replay.nodes=../../workload/data/openb/bad_nodes.csv", "bad_nodes.csv:"},
      {"run " + kSample + " --set sharing_replay.inflation_pct=0", "inflation_pct"},
      // Arrivals that can never reach the inflation point: run used to loop forever, validate said ok.
      {"run " + kSample + " --set sharing_replay.pods=../../workload/data/openb/cpu_only_pods.csv",
       "fgd-sample.yaml:9:9: error: sharing_replay.pods: no pod of the 3 in the pod list asks for a GPU"},
      {"validate tests/e2e/data/fgd-cpu-only.yaml",
       "fgd-cpu-only.yaml:9:9: error: sharing_replay.pods: no pod of the 3 in the pod list asks for a GPU"},
      {"run scenarios/examples/small-city.yaml --seeds 1-2", "--seeds is for trace-replay scenarios"},
  };
  for (const auto& c : cases) {
    const Out o = run(c.args);
    EXPECT_EQ(o.code, 2) << c.args << "\n" << o.text;
    EXPECT_NE(o.text.find(c.message), std::string::npos) << c.args << "\n" << o.text;
  }
}

// The real trace, when ../shared is next to the checkout: one run of the paper's default setting.
TEST(FgdReplayCli, RealOpenbTraceRunsWhenPresent) {
  if (!fs::exists(kSrc + "/../shared/data/openb/openb_pod_list_default.csv")) GTEST_SKIP() << "no ../shared/data/openb";
  const fs::path d = fresh_dir("fgd-openb");
  const Out o = run("run scenarios/repro/fgd-openb-default.yaml --policy fgd --seed 1 --out " + d.string());
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("1213 nodes, 6212 GPUs"), std::string::npos) << o.text;
  EXPECT_EQ(lines(slurp(d / "fgd_curve.csv")).size(), 1u + 131u);
}
