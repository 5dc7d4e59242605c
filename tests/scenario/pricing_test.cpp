// Prices (catalog price x provider factor, or a pool's own) and vouchers in scenario files.
#include <string>

#include "hetsim/scenario/build.hpp"
#include "scenario_test_support.hpp"

namespace hetsim {
namespace {

using test::has_error;
using test::parse_text;
using test::valid_with;

TEST(ScenarioPricing, PoolPricesTenantVouchersAndDomesticChips) {
  const ParseResult r = parse_text(valid_with({
      {14, "  - name: telco\n    price_factor: 1.5"},
      {27, "        nodes_per_leaf: 8\n        price_per_card_hour: 2.25"},
      {29,
       "  generate: { count: 12, prefix: co, voucher_share: 0.2, voucher_budget: 1000 }\n"
       "vouchers: { city_share: 0.3, domestic_share: 0.1, domestic_vendors: [Huawei], currency: RMB }"},
  }));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 1);
  const ChipId a100 = *m.chips.find("A100-80G-SXM");
  EXPECT_DOUBLE_EQ(m.cluster.pool(0).price_per_card_hour, m.chips.at(a100).price_cny_per_card_hour * 1.5);
  EXPECT_DOUBLE_EQ(m.cluster.pool(1).price_per_card_hour, 2.25);
  EXPECT_FALSE(m.chips.at(a100).domestic);
  EXPECT_TRUE(m.chips.at(*m.chips.find("Ascend-910B3")).domestic);
  EXPECT_DOUBLE_EQ(m.tenants.at(5).voucher_share, 0.2);
  EXPECT_DOUBLE_EQ(m.tenants.at(5).voucher_budget, 1000);
  EXPECT_DOUBLE_EQ(m.vouchers.city_share, 0.3);
  EXPECT_DOUBLE_EQ(m.vouchers.domestic_share, 0.1);
  EXPECT_EQ(m.vouchers.currency, "RMB");
}

TEST(ScenarioPricing, WithoutPricingKeysRentIsTheCatalogPriceAndNobodyIsSubsidised) {
  const ParseResult r = parse_text(valid_with({}));
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const SimulationModel m = build_scenario(r.spec, 1);
  EXPECT_DOUBLE_EQ(m.cluster.pool(1).price_per_card_hour,
                   m.chips.at(*m.chips.find("Ascend-910B3")).price_cny_per_card_hour);
  EXPECT_FALSE(m.vouchers.any());
}

TEST(ScenarioPricing, BadPricesAndVouchersArePositioned) {
  EXPECT_TRUE(
      has_error(parse_text(valid_with({{20, "        memory_per_node: 1TiB\n        price_per_card_hour: -1"}})), 21,
                30, "invalid 'price_per_card_hour': negative value"));
  EXPECT_TRUE(
      has_error(parse_text(valid_with({{14, "  - name: telco\n    price_factor: lots"}})), 15, 19, "price_factor"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, "  generate: { count: 12, prefix: co, voucher_share: 1.5 }"}})), 29,
                        53, "'voucher_share' must be in [0, 1]"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, "  generate: { count: 12, prefix: co, voucher_budget: -3 }"}})), 29,
                        54, "invalid 'voucher_budget': negative value"));
  const std::string vouchers = "  generate: { count: 12, prefix: co }\nvouchers:\n";
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, vouchers + "  city_share: 2"}})), 31, 15,
                        "'city_share' must be in [0, 1]"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, vouchers + "  domestic_share: 0.2"}})), 31, 19,
                        "'domestic_share' needs 'domestic_vendors'"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, vouchers + "  domestic_vendors: [Huawai]"}})), 31, 22,
                        "no chip of the catalog is made by 'Huawai' (did you mean 'Huawei'?)"));
  EXPECT_TRUE(has_error(parse_text(valid_with({{29, vouchers + "  city_shar: 0.3"}})), 31, 3,
                        "unknown key 'city_shar' in vouchers (did you mean 'city_share'?)"));
}

}  // namespace
}  // namespace hetsim
