#pragma once
// Tenant: a company renting cards on the platform.
#include <string>

namespace hetsim {

struct Tenant {
  std::string name;
  double weight = 1.0;  // relative share of the platform's job arrivals
  int priority = 0;
  bool mix_chips = false;  // the tenant's jobs may span chip types (mixed training)
};

}  // namespace hetsim
