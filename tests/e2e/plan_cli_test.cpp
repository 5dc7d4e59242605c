// End-to-end: `hetsim plan` (docs/mixed-training.md): the plan.json schema, and bad requests.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"

using namespace hetsim::e2e;

namespace {

TEST(PlanCli, WritesTheDocumentedPlanJson) {
  const fs::path d = fresh_dir("plan");
  const Out o =
      run("plan --model llama2-7b --chips A100-80G-SXM:16,Ascend-910B3:16 --global-batch 256 --out " + d.string());
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("mixing efficiency"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("pooling gain"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("HFU"), std::string::npos) << o.text;
  const auto j = nlohmann::json::parse(slurp(d / "plan.json"));
  for (const char* k : {"stack", "mixing_efficiency", "pooling_gain", "efficiency", "throughput_tokens_per_s", "mfu",
                        "hfu", "scale_free_tokens_per_s", "pooled_tokens_per_s", "homogeneous_tokens_per_s",
                        "all_cards_as_tokens_per_s", "plan", "memory_per_stage_gb"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_GT(j["efficiency"].get<double>(), 0.5);
  // eta = mixing efficiency x pooling gain; the defaults are today's stack.
  EXPECT_NEAR(j["efficiency"].get<double>(), j["mixing_efficiency"].get<double>() * j["pooling_gain"].get<double>(),
              1e-12);
  EXPECT_EQ(j["stack"]["attention"], "flash");
  EXPECT_EQ(j["stack"]["zero_stage"], 1);
  EXPECT_EQ(j["stack"]["recompute"], "auto");
  EXPECT_TRUE(j["stack"]["sequence_parallel"].get<bool>());
  EXPECT_GE(j["hfu"].get<double>(), j["mfu"].get<double>());
  EXPECT_TRUE(j["all_cards_as_tokens_per_s"].contains("Ascend-910B3"));
  EXPECT_TRUE(j["homogeneous_tokens_per_s"].contains("A100-80G-SXM"));
  EXPECT_TRUE(j["homogeneous_tokens_per_s"].contains("Ascend-910B3"));
  const auto& plan = j["plan"];
  EXPECT_EQ(plan["dp"].get<int>() * plan["microbatch_size"].get<int>() * plan["microbatches"].get<int>(), 256);
  int layers = 0;
  for (const auto& s : plan["stages"]) {
    for (const char* k : {"chip", "count", "layers", "tp", "dp"}) EXPECT_TRUE(s.contains(k)) << k;
    layers += s["layers"].get<int>();
  }
  EXPECT_EQ(layers, 32);
  EXPECT_EQ(j["memory_per_stage_gb"].size(), plan["stages"].size());
  // Same request, same bytes.
  const fs::path d2 = fresh_dir("plan2");
  ASSERT_EQ(
      run("plan --model llama2-7b --chips A100-80G-SXM:16,Ascend-910B3:16 --global-batch 256 --out " + d2.string())
          .code,
      0);
  EXPECT_EQ(slurp(d / "plan.json"), slurp(d2 / "plan.json"));
  EXPECT_TRUE(j["per_group_dp"].get<bool>());
}

// One A100 and one A800 train llama2-7b only together: the pooled baseline is 0, so eta and the
// pooling gain are undefined (null, "undefined" on stdout), never a 0 read as "worthless".
TEST(PlanCli, RatiosOverAZeroBaselineAreUndefinedNotZero) {
  const fs::path d = fresh_dir("plan-undefined");
  const Out o = run("plan --model llama2-7b --chips A100-80G-SXM:1,A800-80G-SXM:1 --out " + d.string());
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("pooling gain undefined (no group trains alone)"), std::string::npos) << o.text;
  const auto j = nlohmann::json::parse(slurp(d / "plan.json"));
  EXPECT_TRUE(j["pooling_gain"].is_null());
  EXPECT_TRUE(j["efficiency"].is_null());
  EXPECT_TRUE(j["mixing_efficiency"].is_number());
  EXPECT_GT(j["throughput_tokens_per_s"].get<double>(), 0.0);
}

// 504 H800 and 8 Ascend cards: a stage on the 8 slow cards would hold back the pipeline, so the
// plan leaves them idle and says so.
TEST(PlanCli, AnIdleGroupIsReported) {
  const fs::path d = fresh_dir("plan-idle");
  const Out o = run("plan --model llama2-70b --chips H800-SXM:504,Ascend-910B3:8 --out " + d.string());
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("idle: 8 x Ascend-910B3 (the plan is faster without this group)"), std::string::npos) << o.text;
  const auto j = nlohmann::json::parse(slurp(d / "plan.json"));
  EXPECT_EQ(j["cards_used"]["Ascend-910B3"].get<int>(), 0);
  EXPECT_GT(j["cards_used"]["H800-SXM"].get<int>(), 0);
  for (const auto& st : j["plan"]["stages"]) EXPECT_EQ(st["chip"], "H800-SXM");
  EXPECT_GE(j["throughput_tokens_per_s"].get<double>(), j["homogeneous_tokens_per_s"]["H800-SXM"].get<double>());
}

TEST(PlanCli, UniformDpKeepsOneDegreeAndIsNeverFaster) {
  // A few fast cards with many slow ones: per-group degrees run the H100 group at half the
  // BI-V100 degree.
  const std::string req = "plan --model llama2-70b --chips H100-SXM:32,Iluvatar-BI-V100:256 --out ";
  const fs::path per = fresh_dir("plan-per"), uni = fresh_dir("plan-uni");
  const Out shown = run(req + per.string() + " --progress on");
  ASSERT_EQ(shown.code, 0) << shown.text;
  // Two groups, two pipeline orders, counted on stderr (six groups are 720 orders, minutes).
  EXPECT_NE(shown.text.find("hetsim plan: pipeline orders 2 / 2 (100 %), done in "), std::string::npos) << shown.text;
  const Out o = run(req + uni.string() + " --uniform-dp");
  ASSERT_EQ(o.code, 0) << o.text;
  const auto a = nlohmann::json::parse(slurp(per / "plan.json"));
  const auto b = nlohmann::json::parse(slurp(uni / "plan.json"));
  EXPECT_FALSE(b["per_group_dp"].get<bool>());
  std::set<int> dps;
  for (const auto& s : b["plan"]["stages"]) dps.insert(s["dp"].get<int>());
  EXPECT_EQ(dps.size(), 1u);
  dps.clear();
  for (const auto& s : a["plan"]["stages"]) dps.insert(s["dp"].get<int>());
  EXPECT_EQ(dps.size(), 2u);
  EXPECT_GE(a["throughput_tokens_per_s"].get<double>(), b["throughput_tokens_per_s"].get<double>());
}

TEST(PlanCli, BadRequestsExitTwoWithAReason) {
  struct Case {
    std::string args, message;
  };
  const std::vector<Case> cases{
      {"plan --model llama2-7 --chips A100-80G-SXM:8", "unknown model 'llama2-7' (did you mean 'llama2-7b'?)"},
      {"plan --model llama2-7b --chips A100:8", "unknown chip 'A100'"},
      {"plan --model llama2-7b --chips A100-80G-SXM", "expected TYPE:COUNT"},
      {"plan --model llama2-7b --chips A100-80G-SXM:0", "expected TYPE:COUNT"},
      // Too large is not malformed (was "expected TYPE:COUNT with COUNT >= 1").
      {"plan --model llama2-7b --chips A100-80G-SXM:1000000000000",
       "1000000000000 cards of A100-80G-SXM are more than 4000000, the most a platform may have"},
      {"plan --model llama2-7b --chips A100-80G-SXM:5000000", "more than 4000000"},
      {"plan --model llama2-7b --chips A100-80G-SXM:8,A100-80G-SXM:8", "listed twice"},
      {"plan --model llama2-7b --chips A100-80G-SXM:3000000,H20:3000000", "6000000 cards in all are more than 4000000"},
      {"plan --model gpt3-175b --chips RTX4090:2",
       "no plan fits: gpt3-175b needs more memory than these chips offer in every pipeline layout"},
      // Too many cards for the batch is not a memory problem (was blamed on memory).
      {"plan --model llama2-7b --chips A100-80G-SXM:645120",
       "no plan fits: no pipeline layout uses these cards: the fewest pipeline stages any layout needs is 78 "
       "(data-parallel degree 1024, which divides the global batch of 1024), more than the 32 stages llama2-7b can "
       "be cut into"},
      {"plan --model llama2-7b --chips A100-80G-SXM:8 --cross-vendor-gbps 0", "must be finite and > 0"},
      {"plan --model llama2-7b --chips A100-80G-SXM:8 --cross-vendor-gbps inf", "must be finite and > 0"},
      {"plan --model llama2-7b --chips A100-80G-SXM:8 --zero 0x1", "--zero: expected 0, 1 or 3"},
      {"plan --model llama2-7b --chips A100-80G-SXM:8 --zero -1", "--zero: expected 0, 1 or 3"},
      {"plan --model llama2-7b --chips A100-80G-SXM:8 --recompute 'auto|full'", "'auto' already means every mode"},
      {"plan --model llama2-7b --chips A100-80G-SXM:8 --recompute some",
       "--recompute: expected auto, or none, selective or full"},
      {"plan --model llama2-7b --chips A100-80G-SXM:8 --zero 2",
       "--zero: expected 0, 1 or 3 (ZeRO stage 2 is not modelled)"},
      {"plan --model llama2-7b --chips A100-80G-SXM:8 --attention fast", "--attention"},
  };
  for (const auto& c : cases) {
    const Out o = run(c.args);
    EXPECT_EQ(o.code, 2) << c.args << "\n" << o.text;
    EXPECT_NE(o.text.find(c.message), std::string::npos) << c.args << "\n" << o.text;
  }
}

}  // namespace

namespace {

TEST(MixedScenario, RunsEveryPlanAndWritesTheTableAndPlans) {
  const fs::path d = fresh_dir("mixed");
  const Out o = run("run tests/e2e/data/mixed-sample.yaml --out " + d.string());
  ASSERT_EQ(o.code, 0) << o.text;
  const std::string csv = slurp(d / "mixed_plans.csv");
  EXPECT_EQ(csv.rfind("plan,model,chips,global_batch,cross_vendor_gbps,inter_node_gbps,feasible,mixing_efficiency,"
                      "pooling_gain,efficiency,tokens_per_s,mfu,hfu,scale_free_tokens_per_s,",
                      0),
            0u);
  EXPECT_NE(csv.find("\nsmall,llama2-7b,A100-80G-SXM:16+Ascend-910B3:16,128,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nlink@cross_vendor_gbps=0.5,"), std::string::npos) << csv;
  EXPECT_TRUE(fs::exists(d / "plans" / "small.json"));
  EXPECT_TRUE(fs::exists(d / "plans" / "link@cross_vendor_gbps=200.json"));
  // The scenario's plan equals `hetsim plan` on the same request, byte for byte.
  const fs::path p = fresh_dir("mixed-plan");
  ASSERT_EQ(
      run("plan --model llama2-7b --chips A100-80G-SXM:16,Ascend-910B3:16 --global-batch 128 --out " + p.string()).code,
      0);
  EXPECT_EQ(slurp(d / "plans" / "small.json"), slurp(p / "plan.json"));
  // So does a plan with its own stack, against the same flags.
  const fs::path q = fresh_dir("mixed-plan-old");
  ASSERT_EQ(run("plan --model llama2-7b --chips A100-80G-SXM:16,Ascend-910B3:16 --global-batch 128 --attention "
                "materialized --recompute full --zero 0 --sequence-parallel off --out " +
                q.string())
                .code,
            0);
  EXPECT_EQ(slurp(d / "plans" / "old-stack.json"), slurp(q / "plan.json"));
  EXPECT_NE(slurp(q / "plan.json").find("\"recompute\": \"full\""), std::string::npos);
  EXPECT_NE(csv.find("\nold-stack,"), std::string::npos) << csv;
  const Out v = run("validate tests/e2e/data/mixed-sample.yaml");
  EXPECT_EQ(v.code, 0) << v.text;
  EXPECT_NE(v.text.find("ok (mixed training: 4 plans"), std::string::npos) << v.text;
  EXPECT_EQ(run("run tests/e2e/data/mixed-sample.yaml --seed 3").code, 2);
}

}  // namespace

namespace {

// --device picks where candidate plans are evaluated, never what the plans are: auto (the GPU
// when there is one, else the CPU) and cuda (where a device exists) give the CPU's bytes.
TEST(PlanCli, DeviceBackendsGiveTheSameBytes) {
  const std::string req = "plan --model llama2-7b --chips A100-80G-SXM:16,Ascend-910B3:16 --global-batch 256 --out ";
  const fs::path cpu = fresh_dir("plan-dev-cpu"), autod = fresh_dir("plan-dev-auto");
  ASSERT_EQ(run(req + cpu.string() + " --device cpu").code, 0);
  ASSERT_EQ(run(req + autod.string() + " --device auto").code, 0);
  EXPECT_EQ(slurp(cpu / "plan.json"), slurp(autod / "plan.json"));
  const fs::path mcpu = fresh_dir("mixed-dev-cpu"), mauto = fresh_dir("mixed-dev-auto");
  ASSERT_EQ(run("run tests/e2e/data/mixed-sample.yaml --quiet --device cpu --out " + mcpu.string()).code, 0);
  ASSERT_EQ(run("run tests/e2e/data/mixed-sample.yaml --quiet --device auto --out " + mauto.string()).code, 0);
  EXPECT_EQ(slurp(mcpu / "mixed_plans.csv"), slurp(mauto / "mixed_plans.csv"));

  const fs::path cuda = fresh_dir("plan-dev-cuda");
  const Out o = run(req + cuda.string() + " --device cuda");
  if (o.code == 0) {
    EXPECT_EQ(slurp(cpu / "plan.json"), slurp(cuda / "plan.json"));
  } else {
    EXPECT_EQ(o.code, 2);
    EXPECT_NE(o.text.find("--device cuda: no usable CUDA device"), std::string::npos) << o.text;
    const Out m = run("run tests/e2e/data/mixed-sample.yaml --quiet --device cuda");
    EXPECT_EQ(m.code, 2) << m.text;
  }
}

}  // namespace
