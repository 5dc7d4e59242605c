#include <string>

#include "hetsim/scenario/scenario_spec.hpp"

namespace hetsim {

std::string Diagnostic::format() const {
  // Line 0 means "the file as a whole" (e.g. it cannot be read): no position to print.
  if (pos.line <= 0) return pos.file + ": error: " + message;
  return pos.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col) + ": error: " + message;
}

}  // namespace hetsim
