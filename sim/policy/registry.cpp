#include "hetsim/policy/registry.hpp"

#include <stdexcept>

#include "hetsim/core/did_you_mean.hpp"

namespace hetsim {

void PolicyRegistry::add(PolicyEntry e) {
  const std::string name = e.name;
  if (!entries_.emplace(name, std::move(e)).second) {
    throw std::logic_error("PolicyRegistry: duplicate policy '" + name + "'");
  }
}

const PolicyEntry* PolicyRegistry::find(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

namespace {
PythonPolicySource& python_policies() {
  static PythonPolicySource source;
  return source;
}

const char* const kNoPython =
    "policies written in Python (py:MODULE:CLASS) need a hetsim built with Python (pybind11-dev and "
    "python3-dev installed, HETSIM_PYTHON not OFF; not in sanitizer or fuzz builds); this one was built without";

std::string unknown_policy(const std::string& name, const std::vector<std::string>& names) {
  std::string valid;
  for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n;
  return "unknown policy '" + name + "'" + did_you_mean_note(name, names) + " (valid: " + valid + ")";
}
}  // namespace

void install_python_policies(PythonPolicySource source) { python_policies() = std::move(source); }

bool is_python_policy_name(const std::string& name) { return name.rfind("py:", 0) == 0; }

bool split_python_policy_name(const std::string& name, std::string& module, std::string& cls) {
  if (!is_python_policy_name(name)) return false;
  const auto colon = name.find(':', 3);
  if (colon == std::string::npos) return false;
  module = name.substr(3, colon - 3);
  cls = name.substr(colon + 1);
  return !module.empty() && !cls.empty() && cls.find(':') == std::string::npos;
}

bool python_policies_installed() { return static_cast<bool>(python_policies().make); }

std::vector<ParamProblem> PolicyRegistry::check(const std::string& name,
                                                const std::map<std::string, std::string>& params) const {
  if (is_python_policy_name(name)) {
    if (!python_policies().check) return {ParamProblem{"", kNoPython}};
    return python_policies().check(name, params);
  }
  const PolicyEntry* e = find(name);
  if (e == nullptr) return {ParamProblem{"", unknown_policy(name, names())}};
  std::vector<ParamProblem> problems = param_problems(e->params, params);
  for (ParamProblem& p : problems) p.message = "policy '" + name + "': " + p.message;
  if (!problems.empty()) return problems;
  // Rules across parameters live in the policy's factory (say sia's p = 0, or a solver its
  // agnostic twin cannot use): building it is how check() keeps its promise that create() succeeds.
  try {
    (void)e->make(resolve_params(name, e->params, params));
  } catch (const std::invalid_argument& err) {
    problems.push_back(ParamProblem{"", err.what()});
  }
  return problems;
}

std::unique_ptr<Policy> PolicyRegistry::create(const std::string& name,
                                               const std::map<std::string, std::string>& params) const {
  if (is_python_policy_name(name)) {
    if (!python_policies().make) throw std::invalid_argument(kNoPython);
    return python_policies().make(name, params);
  }
  const PolicyEntry* e = find(name);
  if (e == nullptr) throw std::invalid_argument(unknown_policy(name, names()));
  return e->make(resolve_params(name, e->params, params));
}

std::vector<const PolicyEntry*> PolicyRegistry::entries() const {
  std::vector<const PolicyEntry*> out;
  for (const auto& [_, e] : entries_) out.push_back(&e);
  return out;
}

std::vector<std::string> PolicyRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [n, _] : entries_) out.push_back(n);
  return out;
}

PolicyRegistry builtin_policy_registry() {
  PolicyRegistry r;
  register_builtin_policies(r);
  return r;
}

}  // namespace hetsim
