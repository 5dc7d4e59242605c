#include "hetsim/core/named_counter.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>
#include <vector>

namespace hetsim {

std::string named_counters_problem(std::span<const NamedCounter> counters) {
  std::vector<std::string_view> names;
  names.reserve(counters.size());
  for (const NamedCounter& c : counters) {
    if (c.name.empty()) return "a counter without a name";
    if (!std::isfinite(c.value)) return "'" + c.name + "' is not finite";
    if (c.integer && !(std::abs(c.value) <= 9007199254740992.0 && c.value == std::round(c.value)))
      return "'" + c.name + "' is a count but not a whole number within 2^53";
    names.push_back(c.name);
  }
  std::sort(names.begin(), names.end());
  const auto twice = std::adjacent_find(names.begin(), names.end());
  if (twice != names.end()) return "the name '" + std::string(*twice) + "' twice";
  return {};
}

}  // namespace hetsim
