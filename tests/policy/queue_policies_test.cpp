// Ordering policies through the simulation driver: when passes happen and the start times that
// follow. What a policy decides in one pass, alone, is in policy_alone_test.cpp.
#include <gtest/gtest.h>

#include "../support/mini_model.hpp"
#include "../support/run_helpers.hpp"

using namespace hetsim;
using test::start_s;

namespace {
// One 8-card node. j0 holds 6 cards for 100 s; j1 wants all 8 (blocked until 100);
// j2 (2 cards, 50 s) fits in the 2 free cards and ends before 100; j3 (2 cards, 200 s) would
// still hold cards at 100.
SimulationModel backfill_fixture() {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 6, 100), test::timed_job(1, 1, 8, 10), test::timed_job(2, 2, 2, 50),
            test::timed_job(3, 3, 2, 200)};
  test::finalize(m);
  return m;
}
}  // namespace

TEST(QueuePolicies, EasyBackfillStartsShortJobWithoutDelayingTheHead) {
  const SimulationModel m = backfill_fixture();
  const auto r = test::run_policy(m, "easy-backfill");
  EXPECT_DOUBLE_EQ(start_s(r, 2), 2);              // backfilled at once
  EXPECT_NEAR(start_s(r, 1), 100, 1e-3);           // head starts at its reservation, not later
  EXPECT_GE(start_s(r, 3), start_s(r, 1) - 1e-3);  // the long job may not take reserved cards
}

TEST(QueuePolicies, ArrivalIntoAnEmptyQueueStartsAtOnceIfItFits) {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 8, 3600), test::timed_job(1, 10, 1, 60), test::timed_job(2, 20, 8, 60)};
  test::finalize(m);
  for (const char* policy : {"fifo", "sjf", "easy-backfill"}) {
    const auto r = test::run_policy(m, policy);
    EXPECT_DOUBLE_EQ(start_s(r, 1), 10) << policy;
    EXPECT_NEAR(start_s(r, 2), 70, 1e-3) << policy;  // needs the node job 1 holds until 70 s
  }
}

TEST(QueuePolicies, PlacementParameterChangesTheChosenNode) {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 6, 1000), test::timed_job(1, 1, 2, 10)};
  test::finalize(m);
  // j0 lands on node 0 (first-fit). A 2-card job: best-fit packs it beside j0, spread moves away.
  const auto packed = test::run_policy(m, "fifo", {{"placement", "best-fit"}});
  const auto spread = test::run_policy(m, "fifo", {{"placement", "spread"}});
  EXPECT_EQ(packed.metrics->records()[1].first_node, 0u);
  EXPECT_EQ(spread.metrics->records()[1].first_node, 1u);
}

TEST(PolicyRegistry, UnknownNamesAndBadParametersAreClearErrors) {
  const PolicyRegistry reg = builtin_policy_registry();
  try {
    reg.create("fifoo", {});
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("unknown policy 'fifoo'"), std::string::npos);
    std::string names;  // every registered name, sorted, as the message lists them
    for (const std::string& n : reg.names()) names += (names.empty() ? "" : ", ") + n;
    EXPECT_NE(msg.find(names), std::string::npos) << msg;
  }
  EXPECT_THROW(reg.create("fifo", {{"placement", "worst-fit"}}), std::invalid_argument);
  EXPECT_THROW(reg.create("fifo", {{"max_scan", "5"}}), std::invalid_argument);
  EXPECT_THROW(reg.create("easy-backfill", {{"max_scan", "0"}}), std::invalid_argument);
  EXPECT_THROW(reg.create("easy-backfill", {{"max_scan", "1.5"}}), std::invalid_argument);
  EXPECT_NO_THROW(reg.create("easy-backfill", {{"max_scan", "10"}, {"placement", "packing"}}));
  // check(): every problem on its own parameter, with a suggestion for a near miss.
  EXPECT_TRUE(reg.check("easy-backfill", {{"max_scan", "10"}}).empty());
  const auto name = reg.check("easy-backfil", {});
  ASSERT_EQ(name.size(), 1u);
  EXPECT_EQ(name[0].param, "");
  EXPECT_NE(name[0].message.find("unknown policy 'easy-backfil' (did you mean 'easy-backfill'?)"), std::string::npos)
      << name[0].message;
  const auto params = reg.check("easy-backfill", {{"max_scna", "5"}, {"placement", "best-fitt"}, {"max_scan", "0"}});
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0].param, "max_scna");
  EXPECT_NE(params[0].message.find("unknown parameter 'max_scna' (did you mean 'max_scan'?)"), std::string::npos)
      << params[0].message;
  EXPECT_EQ(params[1].param, "placement");
  EXPECT_NE(params[1].message.find("(did you mean 'best-fit'?)"), std::string::npos) << params[1].message;
  EXPECT_EQ(params[2].param, "max_scan");
  for (const auto* e : reg.entries()) {
    EXPECT_FALSE(e->description.empty());
    for (const auto& d : e->params) EXPECT_FALSE(d.description.empty()) << e->name << "." << d.name;
  }
}

TEST(PolicyRegistry, CodeVariantsAreValidRequestsForOtherCode) {
  // A code variant the scheduling-pass benchmark and the every-policy tests run is a valid request
  // that builds another policy than the defaults (its name says so), not a misspelt or idle one.
  const PolicyRegistry reg = builtin_policy_registry();
  std::size_t variants = 0;
  for (const auto* e : reg.entries()) {
    for (const auto& variant : e->code_variants) {
      EXPECT_TRUE(reg.check(e->name, variant).empty()) << e->name;
      EXPECT_NE(reg.create(e->name, variant)->name(), reg.create(e->name, {})->name()) << e->name;
      ++variants;
    }
  }
  EXPECT_GE(variants, 2u);  // themis' grouped program and sia's warm relaxation at least
}
