#pragma once
// Typed policy parameters: each registry entry declares its parameters (name, type, default,
// range or choices, description); user values arrive as strings and are validated here, so a
// typo or out-of-range value is an error naming the parameter, never a silent default.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hetsim {

enum class ParamType { Int, Real, Choice, Bool };

struct ParamDef {
  std::string name;
  ParamType type = ParamType::Int;
  std::string default_value;
  std::string description;
  double min = 0;                    // Int/Real: inclusive bounds
  double max = 0;
  std::vector<std::string> choices;  // Choice
};

class ParamValues {
 public:
  int64_t get_int(const std::string& name) const;
  double get_real(const std::string& name) const;
  const std::string& get_choice(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  std::map<std::string, std::string> raw;  // validated and defaulted
};

// Validates `given` against `defs`; returns the values with defaults filled in, or throws
// std::invalid_argument listing every problem (unknown names with did-you-mean-free list of valid
// names, bad types, out-of-range values, unknown choices).
ParamValues resolve_params(const std::string& policy, const std::vector<ParamDef>& defs,
                           const std::map<std::string, std::string>& given);

std::string param_type_name(ParamType t);

}  // namespace hetsim
