#pragma once
// Tenant: a company renting cards on the platform.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace hetsim {

struct Tenant {
  std::string name;
  double weight = 1.0;  // relative share of the platform's job arrivals
  int priority = 0;
  bool mix_chips = false;    // the tenant's jobs may span chip types (mixed training)
  double voucher_share = 0;  // district top-up on the city voucher, share of rent
  double voucher_budget = std::numeric_limits<double>::infinity();  // most subsidy it can receive
  // Quotas: the most cards the tenant may hold at once, over all providers (-1: no limit) and per
  // provider id (empty, or -1 for a provider: no limit). Enforced by the driver; docs/policies.md.
  int64_t quota_cards = -1;
  std::vector<int64_t> provider_quota{};
  // Rent budget: once the tenant has been charged this much rent (before vouchers; its finished
  // runs and its running ones up to now), none of its jobs may start; running ones finish.
  double budget = std::numeric_limits<double>::infinity();
  // Guaranteed shares: cards of each provider id reserved for the tenant (empty: none). Others
  // may borrow them while it does not need them; the driver takes them back when it does
  // (sim/run/guarantee_book.hpp, docs/policies.md "Guaranteed shares").
  std::vector<int64_t> provider_guarantee{};
  bool has_guarantee() const { return !provider_guarantee.empty(); }
  bool has_quota() const { return quota_cards >= 0 || !provider_quota.empty(); }
  bool has_budget() const { return budget < std::numeric_limits<double>::infinity(); }
};

// Compute vouchers: the share of a tenant's rent the platform pays. On a card of a domestic
// chip the share is min(max_share, city_share + tenant top-up + domestic_share), elsewhere
// min(max_share, city_share + tenant top-up); a tenant's subsidy stops at its budget.
struct VoucherRules {
  double city_share = 0;
  double domestic_share = 0;
  double max_share = 1;
  std::string currency = "CNY";

  bool any() const { return city_share > 0 || domestic_share > 0; }
};

}  // namespace hetsim
