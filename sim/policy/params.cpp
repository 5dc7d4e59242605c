#include "hetsim/policy/params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "hetsim/core/did_you_mean.hpp"

namespace hetsim {

namespace {
bool parse_int(const std::string& s, int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}
bool parse_real(const std::string& s, double& out) {
  if (s.empty()) return false;
  try {
    std::size_t used = 0;
    out = std::stod(s, &used);
    return used == s.size() && std::isfinite(out);
  } catch (const std::exception&) {
    return false;
  }
}
bool parse_bool(const std::string& s, bool& out) {
  if (s == "true") {
    out = true;
    return true;
  }
  if (s == "false") {
    out = false;
    return true;
  }
  return false;
}
std::string fmt_num(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}
}  // namespace

std::string param_type_name(ParamType t) {
  switch (t) {
    case ParamType::Int:
      return "int";
    case ParamType::Real:
      return "real";
    case ParamType::Choice:
      return "choice";
    case ParamType::Bool:
      return "bool";
  }
  return "?";
}

std::vector<ParamProblem> param_problems(const std::vector<ParamDef>& defs,
                                         const std::map<std::string, std::string>& given, ParamValues* out) {
  std::vector<ParamProblem> problems;
  std::vector<std::string> names;
  for (const auto& d : defs) names.push_back(d.name);
  for (const auto& [k, v] : given) {
    const std::string& key = k;  // clang 14 cannot capture a structured binding
    auto it = std::find_if(defs.begin(), defs.end(), [&](const ParamDef& d) { return d.name == key; });
    if (it == defs.end()) {
      std::string valid;
      for (const auto& d : defs) valid += (valid.empty() ? "" : ", ") + d.name;
      problems.push_back({k, "unknown parameter '" + k + "'" + did_you_mean_note(k, names) +
                                 " (valid: " + (valid.empty() ? "none" : valid) + ")"});
    }
  }
  for (const ParamDef& d : defs) {
    auto it = given.find(d.name);
    const std::string value = it == given.end() ? d.default_value : it->second;
    const std::string where = "parameter '" + d.name + "' = '" + value + "'";
    std::string problem;
    switch (d.type) {
      case ParamType::Int: {
        int64_t x = 0;
        if (!parse_int(value, x))
          problem = where + ": expected an integer";
        else if (static_cast<double>(x) < d.min || static_cast<double>(x) > d.max)
          problem = where + ": must be in [" + fmt_num(d.min) + ", " + fmt_num(d.max) + "]";
        break;
      }
      case ParamType::Real: {
        double x = 0;
        if (!parse_real(value, x))
          problem = where + ": expected a number";
        else if (x < d.min || x > d.max)
          problem = where + ": must be in [" + fmt_num(d.min) + ", " + fmt_num(d.max) + "]";
        break;
      }
      case ParamType::Choice: {
        if (std::find(d.choices.begin(), d.choices.end(), value) == d.choices.end()) {
          std::string valid;
          for (const auto& c : d.choices) valid += (valid.empty() ? "" : ", ") + c;
          problem = where + ": expected one of " + valid + did_you_mean_note(value, d.choices);
        }
        break;
      }
      case ParamType::Bool: {
        bool b = false;
        if (!parse_bool(value, b)) problem = where + ": expected true or false";
        break;
      }
    }
    if (!problem.empty()) problems.push_back({d.name, std::move(problem)});
    if (out != nullptr) out->raw[d.name] = value;
  }
  return problems;
}

ParamValues resolve_params(const std::string& policy, const std::vector<ParamDef>& defs,
                           const std::map<std::string, std::string>& given) {
  ParamValues out;
  const std::vector<ParamProblem> problems = param_problems(defs, given, &out);
  if (!problems.empty()) {
    std::string msg = "policy '" + policy + "': ";
    for (std::size_t i = 0; i < problems.size(); ++i) msg += (i ? "; " : "") + problems[i].message;
    throw std::invalid_argument(msg);
  }
  return out;
}

int64_t ParamValues::get_int(const std::string& name) const {
  int64_t x = 0;
  parse_int(raw.at(name), x);
  return x;
}
double ParamValues::get_real(const std::string& name) const {
  double x = 0;
  parse_real(raw.at(name), x);
  return x;
}
const std::string& ParamValues::get_choice(const std::string& name) const { return raw.at(name); }
bool ParamValues::get_bool(const std::string& name) const { return raw.at(name) == "true"; }

}  // namespace hetsim
