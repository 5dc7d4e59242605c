#pragma once
// PolicyRegistry: name -> (description, typed parameters, factory). Built-ins are added by an
// explicit register_builtin_policies() call, because static self-registration in a static
// library is dropped by the linker when nothing references the object file.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hetsim/policy/params.hpp"
#include "hetsim/policy/policy.hpp"

namespace hetsim {

struct PolicyEntry {
  std::string name;
  std::string description;
  std::vector<ParamDef> params;
  std::function<std::unique_ptr<Policy>(const ParamValues&)> make;
  // Starts and preemptions happen at round boundaries (gavel, themis, sia), not as soon as cards
  // allow: tests that time a start exactly take only the policies without rounds.
  bool decides_in_rounds = false;
  // Parameter sets that switch the policy to other code of its own (another program or solver,
  // docs/policies.md), such as themis' program=grouped: the scheduling-pass benchmark and the tests
  // that must hold under every policy run each of them as well.
  std::vector<std::map<std::string, std::string>> code_variants = {};
};

class PolicyRegistry {
 public:
  void add(PolicyEntry e);  // throws on a duplicate name
  const PolicyEntry* find(const std::string& name) const;
  // Every problem of a request, each on its parameter (param "" for the policy's name): an
  // unknown name (with a did-you-mean and the valid names) or param_problems. Empty: create()
  // will succeed. Lets `validate` place each problem at its line with the scenario's errors.
  std::vector<ParamProblem> check(const std::string& name, const std::map<std::string, std::string>& params) const;
  // Throws std::invalid_argument: unknown name (listing the valid ones) or bad parameters.
  std::unique_ptr<Policy> create(const std::string& name, const std::map<std::string, std::string>& params) const;
  std::vector<const PolicyEntry*> entries() const;  // by name
  std::vector<std::string> names() const;

 private:
  std::map<std::string, PolicyEntry> entries_;
};

// Policies written in Python, named `py:MODULE:CLASS` (docs/writing-a-policy.md), live outside the
// registry: a program that can run them (the hetsim binary and the Python module, when built with
// Python: python/policy_api.cpp) installs their source once; the registry's check() and create()
// then hand such names to it. Without one, such a name is an error that says why.
struct PythonPolicySource {
  std::function<std::vector<ParamProblem>(const std::string& name, const std::map<std::string, std::string>& params)>
      check;
  // Throws std::invalid_argument for what check() reports.
  std::function<std::unique_ptr<Policy>(const std::string& name, const std::map<std::string, std::string>& params)>
      make;
};
void install_python_policies(PythonPolicySource source);
bool is_python_policy_name(const std::string& name);
// The parts of a Python policy's name, py:MODULE:CLASS (MODULE a module name or a .py file, neither
// part empty nor holding a ':'): the one grammar of --policy, scenario files and the loader. False
// when the name is not of that form.
bool split_python_policy_name(const std::string& name, std::string& module, std::string& cls);
bool python_policies_installed();

void register_builtin_policies(PolicyRegistry& r);
PolicyRegistry builtin_policy_registry();

}  // namespace hetsim
