// TenantLedger alone (sim/run/tenant_ledger.hpp): the cards each tenant holds, the room its quotas
// leave and the rent its budget has left, worked by hand.
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "hetsim/run/tenant_ledger.hpp"

using namespace hetsim;

namespace {

// Provider 0: pool 0, nodes 0-1 (8 cards, 3.6 per card-hour = 0.001 per card-second); provider 1:
// pool 1, node 2 (8 cards, 7.2 per card-hour).
Cluster two_providers() {
  Cluster c(1);
  c.add_site("s");
  c.add_provider("p0");
  c.add_provider("p1");
  c.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 2);
  c.add_pool(0, 1, 0, 1, 8, 128000, 1 << 20, 2);
  c.set_pool_price(0, 3.6);
  c.set_pool_price(1, 7.2);
  return c;
}

NodeGrant cards_on(NodeId n, uint32_t k) { return NodeGrant{n, (1u << k) - 1u}; }

}  // namespace

TEST(TenantLedger, InactiveWithoutLimitsAndUnlimitedThen) {
  const Cluster c = two_providers();
  const std::vector<Tenant> tenants{Tenant{"a", 1, 0}};
  TenantLedger ledger(c, tenants, 4, false);
  EXPECT_FALSE(ledger.active());
  ledger.hold(0, 0, {cards_on(0, 8)}, +1, 0);  // ignored
  EXPECT_EQ(ledger.quota_room(0, TenantLedger::kAnyProvider, 10), TenantLedger::kUnlimited);
  EXPECT_EQ(ledger.budget_left(0, 10), std::numeric_limits<double>::infinity());
  EXPECT_EQ(ledger.recount({}), "");
  // A guarantee alone makes it count cards per pool.
  EXPECT_TRUE(TenantLedger(c, tenants, 4, true).active());
}

TEST(TenantLedger, QuotaRoomInAllAndPerProvider) {
  const Cluster c = two_providers();
  std::vector<Tenant> tenants{Tenant{"a", 1, 0}, Tenant{"b", 1, 0}};
  tenants[0].quota_cards = 12;
  tenants[0].provider_quota = {-1, 4};  // no limit at p0, 4 cards at p1
  TenantLedger ledger(c, tenants, 4, true);
  ASSERT_TRUE(ledger.active());
  const Allocation a{cards_on(0, 8)}, b{cards_on(2, 3)};
  ledger.hold(0, 0, a, +1, 0);
  ledger.hold(1, 0, b, +1, 0);
  EXPECT_EQ(ledger.held(0), 11);
  EXPECT_EQ(ledger.provider_held(0, 0), 8);
  EXPECT_EQ(ledger.provider_held(0, 1), 3);
  EXPECT_EQ(ledger.pool_held(0, 1), 3);
  EXPECT_EQ(ledger.quota_room(0, TenantLedger::kAnyProvider, 0), 12 - 11);
  EXPECT_EQ(ledger.quota_room(0, 0, 0), TenantLedger::kUnlimited);
  EXPECT_EQ(ledger.quota_room(0, 1, 0), 4 - 3);
  EXPECT_EQ(ledger.quota_room(1, TenantLedger::kAnyProvider, 0), TenantLedger::kUnlimited);  // b: no quota
  ledger.hold(0, 0, a, -1, 50);
  EXPECT_EQ(ledger.held(0), 3);
  EXPECT_EQ(ledger.quota_room(0, TenantLedger::kAnyProvider, 50), 9);
  EXPECT_EQ(ledger.recount({{0, &b}}), "");
  EXPECT_NE(ledger.recount({}).find("holds 0 cards, counted 3"), std::string::npos);
}

TEST(TenantLedger, BudgetIsRentChargedSoFarAndASpentBudgetLeavesNoRoom) {
  const Cluster c = two_providers();
  std::vector<Tenant> tenants{Tenant{"a", 1, 0}};
  tenants[0].budget = 1.0;
  TenantLedger ledger(c, tenants, 4, false);
  // 2 cards at 0.001 per card-second from t = 100: 0.002 per second.
  ledger.hold(0, 0, {cards_on(0, 2)}, +1, 100);
  EXPECT_DOUBLE_EQ(ledger.budget_left(0, 100), 1.0);
  EXPECT_NEAR(ledger.budget_left(0, 300), 1.0 - 0.4, 1e-12);
  // Stopped at t = 300, then 1 card at 0.002 per second (provider 1) from t = 400.
  ledger.hold(0, 0, {cards_on(0, 2)}, -1, 300);
  EXPECT_NEAR(ledger.budget_left(0, 350), 0.6, 1e-12);  // nothing runs: the charge stands
  ledger.hold(1, 0, {cards_on(2, 1)}, +1, 400);
  EXPECT_NEAR(ledger.budget_left(0, 500), 0.6 - 0.2, 1e-12);
  EXPECT_GT(ledger.quota_room(0, TenantLedger::kAnyProvider, 600), 0);  // 0.4 - 0.2 = 0.2 left
  EXPECT_EQ(ledger.quota_room(0, TenantLedger::kAnyProvider, 700), 0);  // 0.4 + 0.6 charged: spent
  EXPECT_EQ(ledger.quota_room(0, 0, 700), 0);
}
