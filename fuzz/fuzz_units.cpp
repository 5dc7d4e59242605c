// Fuzzes the unit parser: the first byte picks the kind of quantity, the rest is the text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hetsim/scenario/units.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto kind = static_cast<hetsim::UnitKind>(data[0] % 6);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  double q = 0;
  int64_t w = 0;
  (void)hetsim::parse_quantity(text, kind, q);
  (void)hetsim::parse_whole(text, kind, w);
  return 0;
}
