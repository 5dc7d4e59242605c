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
  double min = 0;  // Int/Real: inclusive bounds
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

// One problem with the parameters given: which parameter, and what is wrong, in words.
struct ParamProblem {
  std::string param;
  std::string message;
};

// Every problem of `given` against `defs`, each on its parameter: unknown names (with a
// did-you-mean and the valid names), bad types, out-of-range values, unknown choices. Fills
// `out`, when given, with the values and the defaults.
std::vector<ParamProblem> param_problems(const std::vector<ParamDef>& defs,
                                         const std::map<std::string, std::string>& given, ParamValues* out = nullptr);

// Validates `given` against `defs`; returns the values with defaults filled in, or throws
// std::invalid_argument listing every problem param_problems finds.
ParamValues resolve_params(const std::string& policy, const std::vector<ParamDef>& defs,
                           const std::map<std::string, std::string>& given);

std::string param_type_name(ParamType t);

}  // namespace hetsim
