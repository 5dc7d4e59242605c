// The `throughputs:` section and the `workload.gavel` generator: values into the model, Gavel's
// distributions, positioned errors.
#include <cmath>
#include <map>
#include <string>

#include "hetsim/scenario/build.hpp"
#include "scenario_test_support.hpp"

namespace hetsim {
namespace {

using test::has_error;
using test::parse_text;

// Lines 1-12 are fixed; line 13 onward is `rest` (throughputs and workload).
std::string scenario(const std::string& rest) {
  return "scenario: { name: g, horizon: 400d, seed: 3 }\n"                                                 // 1
         "sites:\n"                                                                                        // 2
         "  - name: s\n"                                                                                   // 3
         "providers:\n"                                                                                    // 4
         "  - name: p\n"                                                                                   // 5
         "    pools:\n"                                                                                    // 6
         "      - { site: s, chip: A100-80G-SXM, nodes: 2, cpu_per_node: 64, memory_per_node: 512GiB }\n"  // 7
         "      - { site: s, chip: H800-SXM, nodes: 2, cpu_per_node: 64, memory_per_node: 512GiB }\n"      // 8
         "      - { site: s, chip: Ascend-910B3, nodes: 1, cpu_per_node: 64, memory_per_node: 512GiB }\n"  // 9
         "tenants:\n"                                                                                      // 10
         "  list: [{ name: lab }]\n"                                                                       // 11
         "metrics: { timeseries_interval: 1d }\n" +                                                        // 12
         rest;
}

const std::string kTable =
    "throughputs:\n"                                                            // 13
    "  file: throughputs/toy.json\n"                                            // 14
    "  chips: { a100: A100-80G-SXM, h800: H800-SXM, ascend: Ascend-910B3 }\n";  // 15

std::string gavel(const std::string& extra = "", const std::string& table = kTable) {
  return scenario(table +
                  "workload:\n"                       // 16
                  "  reference_chip: A100-80G-SXM\n"  // 17
                  "  gavel:\n"                        // 18
                  "    jobs_per_hour: 3\n"            // 19
                  "    jobs: 4000\n" +                // 20
                  extra);                             // 21...
}

TEST(ScenarioThroughputs, TheTableReachesTheModel) {
  const ParseResult r = parse_text(gavel());
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 3);
  // Types sorted by (name, scale factor): Recommendation 1, Transformer 1/4/8, Vision 1/2.
  ASSERT_EQ(m.measured.types.size(), 6u);
  EXPECT_EQ(m.measured.types[0].name, "Recommendation (batch size 4096)");
  EXPECT_EQ(m.measured.types[3].cards, 8u);
  const ChipId a100 = *m.chips.find("A100-80G-SXM"), h800 = *m.chips.find("H800-SXM"),
               ascend = *m.chips.find("Ascend-910B3");
  EXPECT_DOUBLE_EQ(m.measured.rate(1, h800), 11.0);   // Transformer, 1 card
  EXPECT_DOUBLE_EQ(m.measured.rate(0, ascend), 0.0);  // Recommendation cannot use the Ascend
  EXPECT_DOUBLE_EQ(m.measured.rate(5, a100), 22.0);   // Vision, 2 cards
}

TEST(ScenarioThroughputs, GavelStreamFollowsGavelsGenerator) {
  const ParseResult r = parse_text(gavel());
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 3);
  ASSERT_EQ(m.jobs.size(), 4000u);
  EXPECT_EQ(m.jobs[0].arrival, SimTime::from_s(0));  // Gavel's first job arrives at t = 0
  const ChipId ref = *m.chips.find("A100-80G-SXM"), ascend = *m.chips.find("Ascend-910B3");
  double gaps = 0, longer = 0, log_minutes = 0;
  std::map<int32_t, int> per_type;
  for (const Job& j : m.jobs) {
    EXPECT_EQ(j.cards, 1u);  // multi_gpu is off
    ASSERT_GE(j.measured_type, 0);
    ++per_type[j.measured_type];
    const double duration = j.runtime_estimate_s;  // exact: steps / rate on the reference chip
    EXPECT_NEAR(duration, static_cast<double>(j.steps) / m.measured.rate(j.measured_type, ref), 1e-6);
    const double lg = std::log10(duration / 60);
    EXPECT_GE(lg, 1.5 - 1e-3);
    EXPECT_LE(lg, 4 + 1e-3);
    if (lg > 3) ++longer;
    log_minutes += lg;
    EXPECT_EQ(j.chip_allowed(ascend), m.measured.rate(j.measured_type, ascend) > 0);
    if (j.id > 0) gaps += (j.arrival - m.jobs[j.id - 1].arrival).seconds();
  }
  EXPECT_NEAR(gaps / 3999 / 1200, 1.0, 0.06);  // 3 jobs per hour
  EXPECT_NEAR(longer / 4000, 0.2, 0.025);      // 10^U(3, 4) minutes with probability 0.2
  // E[log10 minutes] = 0.8 x 2.25 + 0.2 x 3.5 = 2.5
  EXPECT_NEAR(log_minutes / 4000, 2.5, 0.03);
  // Uniform over the three types of scale factor 1.
  EXPECT_EQ(per_type.size(), 3u);
  for (const auto& [type, n] : per_type) EXPECT_NEAR(n / 4000.0, 1.0 / 3, 0.03) << type;
  // Same seed, same stream; another seed, another.
  const SimulationModel again = build_scenario(r.spec, 3), other = build_scenario(r.spec, 4);
  EXPECT_EQ(again.jobs[100].steps, m.jobs[100].steps);
  EXPECT_NE(other.jobs[100].arrival, m.jobs[100].arrival);
}

TEST(ScenarioThroughputs, MultiGpuDrawsGavelsScaleFactors) {
  const ParseResult r = parse_text(gavel("    multi_gpu: true\n"));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 3);
  std::map<uint32_t, double> share;
  for (const Job& j : m.jobs) {
    share[j.cards] += 1.0 / 4000;
    EXPECT_EQ(m.measured.types[static_cast<std::size_t>(j.measured_type)].cards, j.cards);
  }
  EXPECT_NEAR(share[1], 0.70, 0.025);
  EXPECT_NEAR(share[2], 0.10, 0.02);
  EXPECT_NEAR(share[4], 0.15, 0.02);
  EXPECT_NEAR(share[8], 0.05, 0.015);
}

TEST(ScenarioThroughputs, JobTypesRestrictTheDraw) {
  const ParseResult r = parse_text(gavel("    job_types: [\"Vision (batch size 64)\"]\n"));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 3);
  for (const Job& j : m.jobs)
    EXPECT_EQ(m.measured.types[static_cast<std::size_t>(j.measured_type)].name, "Vision (batch size 64)");
}

TEST(ScenarioThroughputs, BadInputIsPositioned) {
  auto table = [](const std::string& file, const std::string& chips = "{ a100: A100-80G-SXM }") {
    return "throughputs:\n  file: " + file + "\n  chips: " + chips + "\n";
  };
  EXPECT_TRUE(has_error(parse_text(gavel("", table("throughputs/none.json"))), 14, 9, "cannot read throughput file"));
  EXPECT_TRUE(has_error(parse_text(gavel("", table("throughputs/truncated.json"))), 14, 9, "is not valid JSON"));
  // A number beyond a double escaped as "internal error ... out_of_range.406" without a position;
  // a key given twice kept one value silently.
  EXPECT_TRUE(has_error(parse_text(gavel("", table("throughputs/overflow.json"))), 14, 9,
                        "is not valid JSON: [json.exception.out_of_range.406] number overflow parsing '1e400'"));
  EXPECT_TRUE(has_error(parse_text(gavel("", table("throughputs/duplicate.json"))), 14, 9,
                        "gives the key '('Vision (batch size 64)', 1)' twice in one object"));
  EXPECT_TRUE(has_error(parse_text(gavel("", table("throughputs/bad_key.json"))), 15, 12,
                        "entry 'Vision, batch 64' is not \"('Model', scale factor)\""));
  EXPECT_TRUE(
      has_error(parse_text(gavel("", table("throughputs/negative.json"))), 15, 12, "must be a finite number >= 0"));
  EXPECT_TRUE(has_error(parse_text(gavel("", table("throughputs/toy.json", "{ v100: A100-80G-SXM }"))), 15, 12,
                        "worker type 'v100' is not in"));
  EXPECT_TRUE(has_error(parse_text(gavel("", table("throughputs/toy.json", "{ a100: A100 }"))), 15, 18,
                        "undefined chip 'A100'"));
  EXPECT_TRUE(has_error(parse_text(gavel("", table("throughputs/toy.json", "{ a100: H800-SXM, h800: H800-SXM }"))), 15,
                        34, "mapped from two worker types"));
  EXPECT_TRUE(has_error(parse_text(gavel("", table("throughputs/toy.json", "[a100]"))), 15, 10, "a non-empty map"));
  // The workload side.
  EXPECT_TRUE(has_error(parse_text(gavel("", "")), 16, 5, "add a `throughputs:` section"));
  // A broken table is reported once, not again by the workload that needs it.
  const ParseResult broken = parse_text(gavel("", table("throughputs/negative.json")));
  EXPECT_EQ(broken.errors.size(), 1u) << test::all_errors(broken);
  EXPECT_TRUE(has_error(parse_text(gavel("    job_types: [Vision]\n")), 21, 17,
                        "job type 'Vision' is not in the throughput file"));
  EXPECT_TRUE(has_error(parse_text(gavel("", table("throughputs/toy.json", "{ h800: H800-SXM }"))), 17, 19,
                        "reference chip 'A100-80G-SXM' has no measured rates"));
  EXPECT_TRUE(
      has_error(parse_text(gavel("    multi_gpu: true\n    job_types: [\"Recommendation (batch size 4096)\"]\n")), 21,
                16, "no job type of scale factor 2"));
  EXPECT_TRUE(has_error(parse_text(gavel("    jobs_per_hour_: 1\n")), 21, 5, "unknown key 'jobs_per_hour_'"));
  EXPECT_TRUE(has_error(parse_text(gavel("    tenant: nobody\n")), 21, 13, "undefined tenant 'nobody'"));
  const std::string both = gavel("  classes: []\n");
  EXPECT_TRUE(parse_text(both).ok()) << "an empty class list is no conflict";
}

}  // namespace
}  // namespace hetsim
