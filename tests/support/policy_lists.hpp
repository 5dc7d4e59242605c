#pragma once
// The policies a test runs, read from the registry: a test that must hold under every policy (or
// every policy of a kind) covers a new one without being edited.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "hetsim/policy/registry.hpp"

namespace hetsim::test {

// Every registered policy, by name.
inline std::vector<std::string> every_policy() { return builtin_policy_registry().names(); }

// The parameter sets the registry lists as switching a policy to other code of its own
// (PolicyEntry::code_variants): a test that must hold under every policy runs these as well.
inline std::vector<std::pair<std::string, std::map<std::string, std::string>>> code_variants() {
  const PolicyRegistry reg = builtin_policy_registry();
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> out;
  for (const PolicyEntry* e : reg.entries()) {
    for (const auto& params : e->code_variants) out.emplace_back(e->name, params);
  }
  return out;
}

// The policies that decide in rounds (starts and preemptions at round boundaries).
inline std::vector<std::string> round_policies() {
  const PolicyRegistry reg = builtin_policy_registry();  // entries() points into it: keep it alive
  std::vector<std::string> out;
  for (const PolicyEntry* e : reg.entries()) {
    if (e->decides_in_rounds) out.push_back(e->name);
  }
  return out;
}

enum class Preempts { Any, Yes, No };

// The policies that start jobs as soon as cards allow (no rounds), which tests timing starts
// exactly need; optionally only those that preempt, or never preempt, under their defaults.
inline std::vector<std::string> immediate_policies(Preempts preempts = Preempts::Any) {
  const PolicyRegistry reg = builtin_policy_registry();
  std::vector<std::string> out;
  for (const PolicyEntry* e : reg.entries()) {
    if (e->decides_in_rounds) continue;
    const bool p = reg.create(e->name, {})->preemptive();
    if (preempts == Preempts::Any || p == (preempts == Preempts::Yes)) out.push_back(e->name);
  }
  return out;
}

}  // namespace hetsim::test
