// The `preemption:` and `failures:` sections: values into the model, defaults, positioned errors.
#include <algorithm>
#include <string>

#include "hetsim/scenario/build.hpp"
#include "scenario_test_support.hpp"

namespace hetsim {
namespace {

using test::has_error;
using test::parse_text;
using test::valid_with;

const std::string kTenants = "  generate: { count: 12, prefix: co }\npreemption:\n";

TEST(ScenarioPreemption, ValuesReachTheCheckpointModel) {
  const ParseResult r = parse_text(valid_with({{29, kTenants + "  checkpoint_interval: 30min\n"
                                                               "  checkpoint_bytes_per_param: 12\n"
                                                               "  storage_bandwidth: 5GB/s\n"
                                                               "  restart_overhead: 45s"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 1);
  EXPECT_DOUBLE_EQ(m.checkpoint.interval_s, 1800);
  EXPECT_DOUBLE_EQ(m.checkpoint.bytes_per_param, 12);
  EXPECT_DOUBLE_EQ(m.checkpoint.storage_gbps, 40);
  EXPECT_DOUBLE_EQ(m.checkpoint.restart_overhead_s, 45);
}

TEST(ScenarioPreemption, DefaultsWhenAbsent) {
  const ParseResult r = parse_text(valid_with({}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 1);
  EXPECT_DOUBLE_EQ(m.checkpoint.interval_s, 0);
  EXPECT_DOUBLE_EQ(m.checkpoint.bytes_per_param, 14);
  EXPECT_DOUBLE_EQ(m.checkpoint.storage_gbps, 80);
  EXPECT_DOUBLE_EQ(m.checkpoint.restart_overhead_s, 30);
}

TEST(ScenarioPreemption, BadValuesArePositioned) {
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kTenants + "  checkpoint_interval: 0.5s"}})), 31, 24,
                        "'checkpoint_interval' must be 0 (checkpoint only when preempted) or at least 1 s"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kTenants + "  storage_bandwidth: 0Gbps"}})), 31, 22,
                        "'storage_bandwidth' must be > 0"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kTenants + "  checkpoint_bytes_per_param: 100"}})), 31, 31,
                        "'checkpoint_bytes_per_param' must be in [0, 64]"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kTenants + "  restart_overhead: 2d"}})), 31, 21,
                        "'restart_overhead' must be in [0, 1 d]"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kTenants + "  checkpoint_intervall: 1h"}})), 31, 3,
                        "unknown key 'checkpoint_intervall' in preemption (did you mean 'checkpoint_interval'?)"));
  EXPECT_TRUE(
      has_error(parse_text(valid_with({{29, kTenants + "  storage_bandwidth: fast"}})), 31, 22, "storage_bandwidth"));
}

}  // namespace
}  // namespace hetsim

namespace hetsim {
namespace {

const std::string kFailures = "  generate: { count: 12, prefix: co }\nfailures:\n";

TEST(ScenarioFailures, RatesByChipAndOutagesBySite) {
  const ParseResult r = parse_text(valid_with({{29, kFailures + "  retry_limit: 5\n"
                                                                "  nodes:\n"
                                                                "    - { chip: Ascend-910B3, mtbf: 100h, mttr: 2h }\n"
                                                                "    - { chip: all, mtbf: 1000h, mttr: 8h }\n"
                                                                "  sites:\n"
                                                                "    - { site: west, at: 1d, duration: 6h }"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 1);
  const ChipId ascend = *m.chips.find("Ascend-910B3");
  const ChipId a100 = *m.chips.find("A100-80G-SXM");
  EXPECT_DOUBLE_EQ(m.failures.by_chip.at(ascend).mtbf_s, 100 * 3600.0);  // named wins over `all`
  EXPECT_DOUBLE_EQ(m.failures.by_chip.at(a100).mttr_s, 8 * 3600.0);
  ASSERT_EQ(m.failures.site_outages.size(), 1u);
  EXPECT_EQ(m.cluster.site(m.failures.site_outages[0].site).name, "west");
  EXPECT_EQ(m.failures.site_outages[0].at, SimTime::from_s(86400));
  EXPECT_EQ(m.failures.retry_limit, 5u);
  EXPECT_TRUE(m.failures.any());
  EXPECT_FALSE(build_scenario(parse_text(valid_with({})).spec, 1).failures.any());
}

TEST(ScenarioFailures, LinkOutagesNameALinkOfTheScenario) {
  const ParseResult r =
      parse_text(valid_with({{29, kFailures + "  links:\n    - { between: [west, east], at: 2h, duration: 30min }"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 1);
  ASSERT_EQ(m.failures.link_outages.size(), 1u);
  EXPECT_EQ(m.failures.link_outages[0].link, 0u);  // the only link, named in either order
  EXPECT_EQ(m.failures.link_outages[0].at, SimTime::from_s(7200));
  EXPECT_EQ(m.failures.link_outages[0].duration, SimTime::from_s(1800));
  EXPECT_TRUE(m.failures.any());
  EXPECT_TRUE(has_error(
      parse_text(valid_with({{29, kFailures + "  links:\n    - { between: [east, east], at: 1h, duration: 1h }"}})), 32,
      18, "no link between 'east' and 'east'"));
  EXPECT_TRUE(
      has_error(parse_text(valid_with({{29, kFailures + "  links:\n    - { between: [east], at: 1h, duration: 1h }"}})),
                32, 18, "'between' names the two sites of a link, got 1"));
  EXPECT_TRUE(has_error(
      parse_text(valid_with({{29, kFailures + "  links:\n    - { between: [east, north], at: 1h, duration: 1h }"}})),
      32, 25, "undefined site 'north'"));
  EXPECT_TRUE(has_error(
      parse_text(valid_with({{29, kFailures + "  links:\n    - { between: [east, west], at: 1h, duration: 0s }"}})), 32,
      50, "'duration' must be at least 1 s"));
}

TEST(ScenarioFailures, BadEntriesArePositioned) {
  EXPECT_TRUE(
      has_error(parse_text(valid_with({{29, kFailures + "  nodes:\n    - { chip: A101, mtbf: 1h, mttr: 1h }"}})), 32,
                15, "A101"));
  EXPECT_TRUE(
      has_error(parse_text(valid_with({{29, kFailures + "  nodes:\n    - { chip: all, mtbf: 10s, mttr: 1h }"}})), 32,
                26, "'mtbf' must be at least 1 min"));
  EXPECT_TRUE(
      has_error(parse_text(valid_with({{29, kFailures + "  sites:\n    - { site: uptown, at: 1d, duration: 1h }"}})),
                32, 15, "uptown"));
  EXPECT_TRUE(
      has_error(parse_text(valid_with({{29, kFailures + "  sites:\n    - { site: west, at: 1d, duration: 0s }"}})), 32,
                39, "'duration' must be at least 1 s"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kFailures + "  retry_limit: 0"}})), 31, 16, "retry_limit"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kFailures + "  node:\n    - { chip: all, mtbf: 1h, mttr: 1h }"}})),
                        31, 3, "unknown key 'node' in failures (did you mean 'nodes'?)"));
}

}  // namespace
}  // namespace hetsim

namespace hetsim {
namespace {

const std::string kStaging = "  generate: { count: 12, prefix: co }\ndata_staging:\n";

TEST(ScenarioDataStaging, ValuesReachTheModelAndItIsOffWhenAbsent) {
  const ParseResult r = parse_text(valid_with({{29, kStaging + "  enabled: true\n  link_share: 0.25"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 1);
  EXPECT_TRUE(m.data_staging.enabled);
  EXPECT_DOUBLE_EQ(m.data_staging.link_share, 0.25);
  const SimulationModel off = build_scenario(parse_text(valid_with({})).spec, 1);
  EXPECT_FALSE(off.data_staging.enabled);
}

TEST(ScenarioDataStaging, BadValuesArePositioned) {
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kStaging + "  link_share: 0.5"}})), 31, 3,
                        "missing required key 'enabled' in data_staging"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kStaging + "  enabled: true\n  link_share: 0"}})), 32, 15,
                        "'link_share' must be in (0, 1], got 0"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kStaging + "  enabled: yes please"}})), 31, 12, "enabled"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, kStaging + "  enabled: true\n  share: 1"}})), 32, 3,
                        "unknown key 'share' in data_staging"));
  // A site no link reaches could never receive a copy.
  EXPECT_TRUE(
      has_error(parse_text(valid_with({{6, "  - name: east\n  - name: north"}, {29, kStaging + "  enabled: true"}})),
                32, 12, "data staging needs a path between every two sites, but site 'north' has no `links` path"));
}

}  // namespace
}  // namespace hetsim

namespace hetsim {
namespace {

TEST(ScenarioQuotas, QuotasByProviderAndInAllReachTheModel) {
  const ParseResult r =
      parse_text(valid_with({{29, "  list: [ { name: big, quota: { all: 64, telco: 16 } }, { name: co-001 } ]"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 1);
  EXPECT_EQ(m.tenants[0].quota_cards, 64);
  ASSERT_EQ(m.tenants[0].provider_quota.size(), m.cluster.provider_count());
  EXPECT_EQ(m.tenants[0].provider_quota[0], 16);
  EXPECT_TRUE(m.tenants[0].has_quota());
  EXPECT_FALSE(m.tenants[1].has_quota());
  const ParseResult g = parse_text(valid_with({{29, "  generate: { count: 3, prefix: co, quota: { all: 8 } }"}}));
  ASSERT_TRUE(g.ok()) << test::all_errors(g);
  const SimulationModel gm = build_scenario(g.spec, 1);
  for (const Tenant& t : gm.tenants) EXPECT_EQ(t.quota_cards, 8);
}

TEST(ScenarioQuotas, BadQuotasArePositioned) {
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, "  list: [ { name: co-001, quota: { telcoo: 8 } } ]"}})), 29, 36,
                        "quota names no provider 'telcoo' (use 'all' or a provider) (did you mean 'telco'?)"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, "  list: [ { name: co-001, quota: { all: -1 } } ]"}})), 29, 41,
                        "invalid quota 'all': negative value '-1' is not allowed"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, "  list: [ { name: co-001, quota: 8 } ]"}})), 29, 34,
                        "wrong type for 'quota'"));
}

}  // namespace
}  // namespace hetsim

namespace hetsim {
namespace {

TEST(ScenarioBudgets, RentBudgetsReachTheModelAndBadOnesArePositioned) {
  const ParseResult r = parse_text(valid_with({{29, "  list: [ { name: big, budget: 5000 }, { name: co-001 } ]"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 1);
  EXPECT_DOUBLE_EQ(m.tenants[0].budget, 5000);
  EXPECT_TRUE(m.tenants[0].has_budget());
  EXPECT_FALSE(m.tenants[1].has_budget());
  const ParseResult g = parse_text(valid_with({{29, "  generate: { count: 3, prefix: co, budget: 100 }"}}));
  ASSERT_TRUE(g.ok()) << test::all_errors(g);
  for (const Tenant& t : build_scenario(g.spec, 1).tenants) EXPECT_DOUBLE_EQ(t.budget, 100);
  const ParseResult bad = parse_text(valid_with({{29, "  list: [ { name: co-001, budget: -5 } ]"}}));
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(test::all_errors(bad).find("29:"), std::string::npos) << test::all_errors(bad);
  EXPECT_NE(test::all_errors(bad).find("29:35: error: invalid 'budget': negative value '-5' is not allowed"),
            std::string::npos)
      << test::all_errors(bad);
}

}  // namespace
}  // namespace hetsim

namespace hetsim {
namespace {

TEST(ScenarioGuarantees, GuaranteesReachTheModelPerProvider) {
  // telco has 4 x 8 A100 + 2 x 16 Ascend = 64 cards.
  const ParseResult r = parse_text(valid_with({{29,
                                                "  list: [ { name: big, guarantee: { telco: 48 } }, { name: small, "
                                                "guarantee: { telco: 16 } }, { name: co-001 } ]"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 1);
  ASSERT_EQ(m.tenants[0].provider_guarantee.size(), m.cluster.provider_count());
  EXPECT_EQ(m.tenants[0].provider_guarantee[0], 48);
  EXPECT_EQ(m.tenants[1].provider_guarantee[0], 16);
  EXPECT_TRUE(m.tenants[0].has_guarantee());
  EXPECT_FALSE(m.tenants[2].has_guarantee());
  // In `generate` every tenant gets it: 4 x 16 = 64 fits.
  const ParseResult g =
      parse_text(valid_with({{29, "  generate: { count: 4, prefix: co, guarantee: { telco: 16 } }"}}));
  ASSERT_TRUE(g.ok()) << test::all_errors(g);
  for (const Tenant& t : build_scenario(g.spec, 1).tenants) EXPECT_EQ(t.provider_guarantee.at(0), 16);
  // A guarantee of 0 reserves nothing.
  const ParseResult z = parse_text(valid_with({{29, "  list: [ { name: co-001, guarantee: { telco: 0 } } ]"}}));
  ASSERT_TRUE(z.ok()) << test::all_errors(z);
  EXPECT_FALSE(build_scenario(z.spec, 1).tenants[0].has_guarantee());
}

TEST(ScenarioGuarantees, BadGuaranteesArePositioned) {
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, "  list: [ { name: co-001, guarantee: { telcoo: 8 } } ]"}})), 29,
                        40, "guarantee names no provider 'telcoo' (did you mean 'telco'?)"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, "  list: [ { name: co-001, guarantee: { all: 8 } } ]"}})), 29, 40,
                        "a guarantee reserves cards of one provider: name a provider, not 'all'"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, "  list: [ { name: co-001, guarantee: { telco: -1 } } ]"}})), 29,
                        47, "invalid guarantee 'telco': negative value '-1' is not allowed"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, "  list: [ { name: co-001, guarantee: 8 } ]"}})), 29, 38,
                        "wrong type for 'guarantee'"));
  // More than the provider has, over all tenants: reported where the sum first overflows.
  EXPECT_TRUE(has_error(
      parse_text(valid_with(
          {{29, "  list: [ { name: a, guarantee: { telco: 40 } }, { name: b, guarantee: { telco: 32 } } ]"}})),
      29, 74, "guarantees at provider 'telco' reach 72 cards (tenant b), more than its 64 cards"));
  EXPECT_TRUE(
      has_error(parse_text(valid_with({{29, "  generate: { count: 5, prefix: co, guarantee: { telco: 16 } }"}})), 29,
                50, "guarantees at provider 'telco' reach 80 cards (tenant co-005), more than its 64 cards"));
  // Beyond the tenant's own quota it could never be used.
  EXPECT_TRUE(
      has_error(parse_text(valid_with({{29, "  list: [ { name: a, quota: { all: 8 }, guarantee: { telco: 16 } } ]"}})),
                29, 54, "guarantee 'telco' of 16 cards exceeds the tenant's quota 'all' of 8"));
}

}  // namespace
}  // namespace hetsim

namespace hetsim {
namespace {

TEST(ScenarioPriorities, JobsTakeTheirTenantsPriorityUnlessTheySetTheirOwn) {
  // Tenant co-001 has priority 3: its generated jobs and its explicit job (line 46) take it;
  // another tenant's jobs keep 0.
  const ParseResult r =
      parse_text(valid_with({{29, "  list: [ { name: co-001, priority: 3, weight: 1 }, { name: co-002 } ]"}}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 1);
  std::size_t seen[2] = {0, 0};
  for (const Job& j : m.jobs) {
    EXPECT_EQ(j.priority, j.tenant == 0 ? 3 : 0) << j.id;
    ++seen[j.tenant];
  }
  EXPECT_GT(seen[0], 0u);
  EXPECT_GT(seen[1], 0u);
  // The explicit job's own priority wins, 0 included.
  for (const char* own : {"      priority: 0", "      priority: 7"}) {
    const ParseResult e = parse_text(valid_with({{29, "  list: [ { name: co-001, priority: 3 }, { name: co-002 } ]"},
                                                 {53, std::string("      data: 200GB\n") + own}}));
    ASSERT_TRUE(e.ok()) << test::all_errors(e);
    const SimulationModel em = build_scenario(e.spec, 1);
    const auto explicit_job = std::find_if(em.jobs.begin(), em.jobs.end(), [](const Job& j) {
      return j.cards == 16 && j.arrival == SimTime::from_s(3600);
    });
    ASSERT_NE(explicit_job, em.jobs.end());
    EXPECT_EQ(explicit_job->priority, own[16] - '0');
  }
}

}  // namespace
}  // namespace hetsim
