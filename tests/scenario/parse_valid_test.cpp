// A valid scenario and catalog parse into the expected values, defaults included.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "scenario_test_support.hpp"

namespace hetsim {
namespace {

using test::data_dir;
using test::has_error;
using test::parse_text;
using test::valid_with;

TEST(ScenarioValid, ParsesEveryField) {
  const std::string path = data_dir() + "/valid.yaml";
  const ParseResult r = parse_scenario_file(path);
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const ScenarioSpec& s = r.spec;
  EXPECT_EQ(s.file, path);
  EXPECT_EQ(s.name, "tiny");
  EXPECT_DOUBLE_EQ(s.horizon_s, 2 * 86400.0);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.catalog_path, data_dir() + "/catalog/chips.yaml");
  ASSERT_EQ(s.chips.size(), 3u);
  EXPECT_EQ(s.chips[2].name, "Ascend-910B3");
  EXPECT_DOUBLE_EQ(s.chips[2].mem_gb, 64);
  EXPECT_EQ(s.chips[2].confidence, "low");

  ASSERT_EQ(s.sites.size(), 2u);
  EXPECT_EQ(s.sites[0].name, "east");
  EXPECT_DOUBLE_EQ(s.sites[0].fabric.node_nic_gbps, 1600);  // default
  EXPECT_DOUBLE_EQ(s.sites[1].fabric.node_nic_gbps, 800);
  EXPECT_DOUBLE_EQ(s.sites[1].fabric.leaf_uplink_gbps, 12800);
  EXPECT_DOUBLE_EQ(s.sites[1].fabric.hop_latency_us, 1);
  EXPECT_EQ(s.sites[1].pos.line, 7);
  EXPECT_EQ(s.sites[1].pos.col, 5);

  ASSERT_EQ(s.links.size(), 1u);
  EXPECT_EQ(s.links[0].a, "east");
  EXPECT_EQ(s.links[0].b, "west");
  EXPECT_DOUBLE_EQ(s.links[0].latency_us, 500);
  EXPECT_DOUBLE_EQ(s.links[0].bandwidth_gbps, 10);

  ASSERT_EQ(s.providers.size(), 1u);
  ASSERT_EQ(s.providers[0].pools.size(), 2u);
  const PoolSpec& a = s.providers[0].pools[0];
  EXPECT_EQ(a.site, "east");
  EXPECT_EQ(a.chip, "A100-80G-SXM");
  EXPECT_EQ(a.nodes, 4u);
  EXPECT_EQ(a.cards_per_node, 8u);  // the chip's cards_per_server
  EXPECT_EQ(a.cpu_milli_per_node, 128000);
  EXPECT_EQ(a.mem_mib_per_node, 1048576);
  EXPECT_EQ(a.nodes_per_leaf, 32u);
  EXPECT_EQ(a.chip_pos.line, 17);
  EXPECT_EQ(a.chip_pos.col, 15);
  const PoolSpec& b = s.providers[0].pools[1];
  EXPECT_EQ(b.cards_per_node, 16u);
  EXPECT_EQ(b.cpu_milli_per_node, 192000);
  EXPECT_EQ(b.mem_mib_per_node, 2097152);
  EXPECT_EQ(b.nodes_per_leaf, 8u);

  ASSERT_EQ(s.tenants.size(), 12u);
  EXPECT_EQ(s.tenants[0].name, "co-001");
  EXPECT_EQ(s.tenants[11].name, "co-012");
  EXPECT_DOUBLE_EQ(s.tenants[0].weight, 1.0);
  EXPECT_DOUBLE_EQ(s.tenants[3].weight, 0.25);

  const WorkloadSpec& w = s.workload;
  EXPECT_EQ(w.reference_chip, "A100-80G-SXM");
  EXPECT_EQ(w.reference_cards_per_node, 8u);
  EXPECT_DOUBLE_EQ(w.jobs_per_day, 2000);
  for (double d : w.diurnal) EXPECT_DOUBLE_EQ(d, 1.0);
  ASSERT_EQ(w.classes.size(), 1u);
  const JobClassSpec& c = w.classes[0];
  EXPECT_EQ(c.job_class, JobClass::Eval);
  EXPECT_DOUBLE_EQ(c.share, 0.6);
  EXPECT_EQ(c.cards.values, (std::vector<double>{1, 8}));
  EXPECT_EQ(c.cards.weights, (std::vector<double>{0.9, 0.1}));
  EXPECT_DOUBLE_EQ(c.runtime_s.median, 90);
  EXPECT_DOUBLE_EQ(c.runtime_s.sigma, 1.4);
  EXPECT_DOUBLE_EQ(c.runtime_s.min, 10);
  EXPECT_DOUBLE_EQ(c.runtime_s.max, 172800);
  EXPECT_EQ(c.model_params.values, (std::vector<double>{7e9, 13e9}));
  EXPECT_DOUBLE_EQ(c.tokens_per_step, 256e3);
  EXPECT_EQ(c.seq_len, hetsim::kDefaultSeqLen);
  EXPECT_FALSE(c.trains);
  EXPECT_DOUBLE_EQ(c.bytes_per_param, 2);  // forward-only default
  EXPECT_DOUBLE_EQ(c.activation_gb_per_card, 4);
  EXPECT_DOUBLE_EQ(c.cpu_milli_per_card, 8000);
  EXPECT_DOUBLE_EQ(c.mem_mib_per_card, 65536);
  EXPECT_TRUE(c.allowed_chips.empty());
  EXPECT_DOUBLE_EQ(c.estimate_error_sigma, 0);
  EXPECT_DOUBLE_EQ(c.data_gb.median, 0);  // no `data`: no dataset
  ASSERT_EQ(s.class_pos.size(), 1u);
  EXPECT_EQ(s.class_pos[0].line, 35);

  ASSERT_EQ(w.jobs.size(), 1u);
  const ExplicitJobSpec& j = w.jobs[0];
  EXPECT_EQ(j.tenant, "co-001");
  EXPECT_EQ(j.job_class, JobClass::Finetune);
  EXPECT_DOUBLE_EQ(j.arrival_s, 3600);
  EXPECT_EQ(j.cards, 16u);
  EXPECT_DOUBLE_EQ(j.params, 7e9);
  EXPECT_DOUBLE_EQ(j.tokens_per_step, 1e6);
  EXPECT_EQ(j.seq_len, hetsim::kDefaultSeqLen);
  EXPECT_DOUBLE_EQ(j.reference_runtime_s, 10800);
  EXPECT_EQ(j.steps, 0u);
  EXPECT_TRUE(j.trains);
  EXPECT_DOUBLE_EQ(j.bytes_per_param, 16);
  EXPECT_EQ(j.data_site, "east");  // default: the first site
  EXPECT_DOUBLE_EQ(j.data_gb, 200);
  EXPECT_FALSE(j.allow_cross_site);
  ASSERT_EQ(s.job_pos.size(), 1u);
  EXPECT_EQ(s.job_pos[0].line, 46);
  EXPECT_EQ(s.job_pos[0].col, 7);

  EXPECT_EQ(s.policy.name, "easy-backfill");
  EXPECT_EQ(s.policy.params.at("placement"), "best-fit");
  EXPECT_EQ(s.policy.params.at("max_scan"), "500");
  EXPECT_EQ(s.policy.param_pos.at("max_scan").line, 56);
  EXPECT_DOUBLE_EQ(s.perf.comm_overlap, 0.3);
  EXPECT_DOUBLE_EQ(s.perf.memory_usable_fraction, 0.9);
  EXPECT_DOUBLE_EQ(s.metrics.timeseries_interval_s, 600);
}

TEST(ScenarioValid, DefaultsOfOptionalSections) {
  // No links, policy, perf or metrics; no classes and rate 0 (so no reference chip needed).
  const std::string yaml = R"(scenario: { name: min, horizon: 1h }
sites: [ { name: s } ]
providers:
  - name: p
    pools: [ { site: s, chip: H800-SXM, nodes: 1, cpu_per_node: 8, memory_per_node: 64GB } ]
tenants: { list: [ { name: t } ] }
workload: { jobs_per_day: 0 }
)";
  const ParseResult r = parse_text(yaml);
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  EXPECT_EQ(r.spec.seed, 1u);
  EXPECT_EQ(r.spec.policy.name, "fifo");
  EXPECT_TRUE(r.spec.policy.params.empty());
  EXPECT_DOUBLE_EQ(r.spec.metrics.timeseries_interval_s, 3600);
  EXPECT_DOUBLE_EQ(r.spec.perf.comm_overlap, 0);
  EXPECT_DOUBLE_EQ(r.spec.tenants[0].weight, 1);
  EXPECT_EQ(r.spec.tenants[0].priority, 0);
  EXPECT_TRUE(r.spec.workload.reference_chip.empty());
  for (double d : r.spec.workload.diurnal) EXPECT_DOUBLE_EQ(d, 1.0);
}

TEST(ScenarioValid, DiurnalIsNormalisedToMeanOne) {
  const ParseResult r = parse_text(
      valid_with({{33, "  diurnal: [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0]"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  // Sum 36, mean 1.5.
  EXPECT_DOUBLE_EQ(r.spec.workload.diurnal[0], 1 / 1.5);
  EXPECT_DOUBLE_EQ(r.spec.workload.diurnal[12], 2);
  EXPECT_DOUBLE_EQ(r.spec.workload.diurnal[23], 0);
  EXPECT_DOUBLE_EQ(r.spec.workload.tenant_zipf_s, 1.0);  // line 33 held tenant_zipf; default
}

TEST(ScenarioValid, TenantZipfAndWidth) {
  const ParseResult r = parse_text(valid_with(
      {{29, "  generate: { count: 1200, prefix: co }"}, {33, "  tenant_zipf: 2"}, {46, "    - tenant: co-0001"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  EXPECT_EQ(r.spec.tenants.front().name, "co-0001");
  EXPECT_EQ(r.spec.tenants.back().name, "co-1200");
  EXPECT_DOUBLE_EQ(r.spec.tenants[1].weight, 0.25);
  EXPECT_DOUBLE_EQ(r.spec.tenants[9].weight, 0.01);
}

TEST(ScenarioValid, TenantList) {
  const ParseResult r =
      parse_text(valid_with({{29, "  list: [ { name: co-001, weight: 3, priority: 2 }, { name: beta } ]"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  ASSERT_EQ(r.spec.tenants.size(), 2u);
  EXPECT_DOUBLE_EQ(r.spec.tenants[0].weight, 3);
  EXPECT_EQ(r.spec.tenants[0].priority, 2);
  EXPECT_EQ(r.spec.tenants[1].name, "beta");
  EXPECT_DOUBLE_EQ(r.spec.tenants[1].weight, 1);
}

TEST(ScenarioValid, ScenarioChipsOverrideAndExtendTheCatalog) {
  const std::string chip = R"(chips:
  - { name: Ascend-910B3, vendor: Huawei, bf16_tflops: 376, mem_gb: 64, mem_bw_tbs: 1.6, intra_node_gbs: 196,
      intra_node_link: HCCS, cards_per_server: 16, tdp_w: 400, price_cny_per_card_hour: 9,
      achievable_mfu: 0.35, confidence: medium, source: override }
  - { name: MLU370-X8, vendor: Cambricon, bf16_tflops: 96, mem_gb: 48, mem_bw_tbs: 0.6, intra_node_gbs: 200,
      intra_node_link: MLU-Link, cards_per_server: 8, tdp_w: 250, price_cny_per_card_hour: 4,
      achievable_mfu: 0.3, confidence: low, source: new }
)";
  const ParseResult r = parse_text(chip + test::read_fixture("valid.yaml"));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  ASSERT_EQ(r.spec.chips.size(), 4u);
  EXPECT_EQ(r.spec.chips[2].name, "Ascend-910B3");  // replaced in place: ids stay stable
  EXPECT_DOUBLE_EQ(r.spec.chips[2].bf16_tflops, 376);
  EXPECT_EQ(r.spec.chips[3].name, "MLU370-X8");
}

TEST(ScenarioValid, ExplicitCatalogPathAndSteps) {
  const ParseResult r = parse_text("catalog: catalog/chips.yaml\n" +
                                   valid_with({{52, "      steps: 5K"}, {53, "      allow_cross_site: true"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  EXPECT_EQ(r.spec.catalog_path, data_dir() + "/catalog/chips.yaml");
  EXPECT_EQ(r.spec.workload.jobs[0].steps, 5000u);
  EXPECT_DOUBLE_EQ(r.spec.workload.jobs[0].reference_runtime_s, 0);
  EXPECT_TRUE(r.spec.workload.jobs[0].allow_cross_site);
}

TEST(ScenarioValid, CrossSiteGangsMayUseEveryPoolOfAChip) {
  // 40 cards: more than either A100 pool (32 each), fewer than both together.
  const std::vector<std::pair<int, std::string>> second_a100{{22, "        chip: A100-80G-SXM"},
                                                             {23, "        nodes: 4"},
                                                             {24, "        cards_per_node: 8"},
                                                             {49, "      cards: 40"}};
  EXPECT_TRUE(has_error(parse_text(valid_with(second_a100)), 46, 7, "gang of 40 cards is too large"));
  auto with = second_a100;
  with.emplace_back(53, "      allow_cross_site: true");
  const ParseResult r = parse_text(valid_with(with));
  EXPECT_TRUE(r.ok()) << test::all_errors(r);
}

TEST(ChipCatalog, ParsesTheFixture) {
  std::vector<Diagnostic> errors;
  const auto chips = parse_chip_catalog_file(data_dir() + "/catalog/chips.yaml", errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(chips.size(), 3u);
  EXPECT_EQ(chips[0].name, "A100-80G-SXM");
  EXPECT_EQ(chips[0].vendor, "NVIDIA");
  EXPECT_DOUBLE_EQ(chips[0].bf16_tflops, 312);
  EXPECT_DOUBLE_EQ(chips[0].mem_bw_tbs, 2.0);
  EXPECT_DOUBLE_EQ(chips[0].intra_node_gbs, 300);
  EXPECT_EQ(chips[0].intra_node_link, "NVLink3");
  EXPECT_EQ(chips[0].cards_per_server, 8);
  EXPECT_DOUBLE_EQ(chips[0].tdp_w, 400);
  EXPECT_DOUBLE_EQ(chips[0].price_cny_per_card_hour, 12);
  EXPECT_DOUBLE_EQ(chips[0].achievable_mfu, 0.45);
  EXPECT_EQ(chips[0].source, "test fixture");
}

TEST(ChipCatalog, ReportsBadEntriesInTheCatalogFile) {
  const auto path = std::filesystem::temp_directory_path() / "hetsim_bad_catalog.yaml";
  {
    std::ofstream out(path);
    out << "chips:\n"
           "  - { name: X, vendor: V, bf16_tflops: 1, mem_gb: 80GB, mem_bw_tbs: 1, intra_node_gbs: 1,\n"
           "      intra_node_link: L, cards_per_server: 8, tdp_w: 1, price_cny_per_card_hour: 1,\n"
           "      achievable_mfu: 1.5, confidence: sure, source: s }\n"
           "  - { name: X, vendor: V, bf16_tflops: 1, mem_gb: 80, mem_bw_tbs: 1, intra_node_gbs: 1,\n"
           "      intra_node_link: L, cards_per_server: 8, tdp_w: 1, price_cny_per_card_hour: 1,\n"
           "      achievable_mfu: 0.5, confidence: low, source: s, vendr: typo }\n";
  }
  std::vector<Diagnostic> errors;
  parse_chip_catalog_file(path.string(), errors);
  std::filesystem::remove(path);
  ParseResult r;
  r.errors = errors;
  const std::string f = path.string();
  EXPECT_TRUE(has_error(r, 2, 51, "unexpected unit 'GB'", f));
  EXPECT_TRUE(has_error(r, 4, 23, "'achievable_mfu' must be in (0, 1]", f));
  EXPECT_TRUE(has_error(r, 4, 40, "invalid confidence 'sure'", f));
  EXPECT_TRUE(has_error(r, 5, 13, "duplicate chip 'X'", f));
  EXPECT_TRUE(has_error(r, 7, 56, "unknown key 'vendr' in chip (did you mean 'vendor'?)", f));
  EXPECT_EQ(errors.size(), 5u) << test::all_errors(r);
}

// peer_to_peer defaults to true and is false exactly for the shipped consumer card; a bad value
// is reported at its position.
TEST(ChipCatalog, PeerToPeerDefaultsTrueAndIsOffForConsumerCards) {
  std::vector<Diagnostic> errors;
  const auto fixture = parse_chip_catalog_file(data_dir() + "/catalog/chips.yaml", errors);
  ASSERT_FALSE(fixture.empty());
  EXPECT_TRUE(fixture[0].peer_to_peer);
  const auto shipped =
      parse_chip_catalog_file(std::string(HETSIM_SOURCE_DIR) + "/scenarios/catalog/chips.yaml", errors);
  ASSERT_TRUE(errors.empty());
  for (const ChipSpec& c : shipped) EXPECT_EQ(c.peer_to_peer, c.name != "RTX4090") << c.name;

  const auto path = std::filesystem::temp_directory_path() / "hetsim_p2p_catalog.yaml";
  {
    std::ofstream out(path);
    out << "chips:\n"
           "  - { name: X, vendor: V, bf16_tflops: 1, mem_gb: 80, mem_bw_tbs: 1, intra_node_gbs: 1,\n"
           "      intra_node_link: L, cards_per_server: 8, tdp_w: 1, price_cny_per_card_hour: 1,\n"
           "      achievable_mfu: 0.5, confidence: low, source: s, peer_to_peer: maybe }\n";
  }
  parse_chip_catalog_file(path.string(), errors);
  std::filesystem::remove(path);
  ParseResult r;
  r.errors = errors;
  EXPECT_TRUE(has_error(r, 4, 70, "wrong type for 'peer_to_peer': expected true or false", path.string()))
      << test::all_errors(r);
}

TEST(ChipCatalog, MissingFile) {
  std::vector<Diagnostic> errors;
  parse_chip_catalog_file("/nonexistent/chips.yaml", errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].format(), "/nonexistent/chips.yaml: error: cannot read chip catalog: No such file or directory");
}

}  // namespace
}  // namespace hetsim

// The shipped model catalog reads cleanly; a broken entry is reported at its value.
TEST(ModelCatalog, ShippedCatalogReadsAndBrokenEntriesAreReported) {
  std::vector<hetsim::Diagnostic> errors;
  const auto models =
      hetsim::parse_model_catalog_file(std::string(HETSIM_SOURCE_DIR) + "/scenarios/catalog/models.yaml", errors);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors[0].format());
  EXPECT_GE(models.size(), 7u);
  bool moe = false;
  for (const auto& m : models) moe = moe || m.experts > 1;
  EXPECT_TRUE(moe);
  const std::string path = ::testing::TempDir() + "models-bad.yaml";
  {
    std::ofstream out(path);
    out << "models:\n  - name: m\n    layers: 4\n    hidden: 64\n    heads: 8\n    kv_heads: 3\n    ffn_hidden: 128\n"
           "    vocab: 100\n    seq_len: 16\n    global_batch: 8\n    source: test\n    confidence: high\n";
  }
  errors.clear();
  EXPECT_TRUE(hetsim::parse_model_catalog_file(path, errors).empty());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pos.line, 6);
  EXPECT_NE(errors[0].message.find("'kv_heads' (3) must divide 'heads' (8)"), std::string::npos) << errors[0].format();
}

// A class's and a job's seq_len are read; 0 is allowed (attention FLOPs left out).
TEST(ScenarioParse, SequenceLengthsAreRead) {
  const hetsim::ParseResult r = hetsim::test::parse_text(hetsim::test::valid_with(
      {{40, "      tokens_per_step: 256K\n      seq_len: 2K"}, {51, "      tokens_per_step: 1M\n      seq_len: 0"}}));
  ASSERT_TRUE(r.ok()) << hetsim::test::all_errors(r);
  EXPECT_EQ(r.spec.workload.classes[0].seq_len, 2000u);
  EXPECT_EQ(r.spec.workload.jobs[0].seq_len, 0u);
}

// The simulator's attention term (a job knows its size, not its shape) against the planner's
// exact one for every dense model of the shipped catalog: within 10 % (4 % for Llama 2, whose 70B
// is the narrowest: h / L = 102 against the rule's 128).
TEST(ModelCatalog, SimulatorAttentionFlopsMatchThePlannersForEveryDenseModel) {
  std::vector<hetsim::Diagnostic> errors;
  const auto models =
      hetsim::parse_model_catalog_file(std::string(HETSIM_SOURCE_DIR) + "/scenarios/catalog/models.yaml", errors);
  ASSERT_TRUE(errors.empty());
  int dense = 0;
  for (const auto& m : models) {
    if (m.experts > 1) continue;
    ++dense;
    // Planner: per layer and token, layer_model_flops less its 6 x active-parameter part.
    const double planner = m.layers * (m.layer_model_flops(1.0) - 6.0 * m.layer_active_params());
    EXPECT_DOUBLE_EQ(planner, 12.0 * m.layers * m.seq_len * m.hidden) << m.name;
    const double simulator = hetsim::dense_attention_flops_per_token(m.total_params(), m.seq_len, 6.0);
    EXPECT_NEAR(simulator / planner, 1.0, 0.10) << m.name;
  }
  EXPECT_GE(dense, 5);
}

namespace hetsim {

// Every file a scenario's numbers depend on is listed with its hash (a resumed sweep keys on
// them): the file, its base chain and the catalogs, whatever the depth.
TEST(ScenarioInputs, ListsTheScenarioItsBaseChainAndCatalogs) {
  const std::string dir = std::string(HETSIM_SOURCE_DIR) + "/scenarios/";
  const ParseResult r = parse_scenario_file(dir + "shanghai-modu-busy.yaml");
  ASSERT_TRUE(r.ok());
  std::vector<std::string> names;
  for (const InputFile& f : r.inputs) {
    names.push_back(std::filesystem::path(f.path).filename().string());
    EXPECT_GT(f.bytes, 0u) << f.path;
    EXPECT_NE(f.fnv1a64, 0u) << f.path;
  }
  for (const char* want : {"shanghai-modu-busy.yaml", "shanghai-modu.yaml", "chips.yaml"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }
  EXPECT_EQ(names.front(), "shanghai-modu-busy.yaml");
  // The base alone reads fewer files: one parse's record does not leak into the next.
  const ParseResult again = parse_scenario_file(dir + "shanghai-modu.yaml");
  EXPECT_LT(again.inputs.size(), r.inputs.size());
}

}  // namespace hetsim
