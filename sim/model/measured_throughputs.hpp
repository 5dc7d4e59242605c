#pragma once
// MeasuredThroughputs: steps per second of named job types on each chip type, measured rather
// than modelled (scenario `throughputs:`, e.g. Gavel's simulation_throughputs.json). A job with a
// measured type (Job::measured_type >= 0) runs at the table's rate on a chip instead of the
// roofline model's (sim/perf/throughput.hpp); the rate already includes the job's gang size
// (a type is a (model, scale factor) pair, as in Gavel) and its communication.
#include <cstdint>
#include <string>
#include <vector>

#include "hetsim/model/ids.hpp"

namespace hetsim {

struct MeasuredThroughputs {
  struct Type {
    std::string name;    // e.g. "ResNet-18 (batch size 32)"
    uint32_t cards = 1;  // the scale factor the rates were measured at
  };
  std::vector<Type> types;
  std::size_t chip_count = 0;
  std::vector<double> steps_per_s;  // [type * chip_count + chip]; 0: not measured / cannot run

  bool empty() const { return types.empty(); }
  double rate(int32_t type, ChipId chip) const {
    return steps_per_s[static_cast<std::size_t>(type) * chip_count + chip];
  }
};

}  // namespace hetsim
