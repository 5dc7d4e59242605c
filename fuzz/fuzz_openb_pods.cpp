// Fuzzes the openb pod list reader on text in memory (the file reader shares every rule).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "hetsim/workload/openb_trace.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<hetsim::TraceError> errors;
  (void)hetsim::parse_openb_pods(text, "fuzz.csv", errors);
  for (const auto& e : errors) (void)e.format();
  return 0;
}
