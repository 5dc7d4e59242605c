#include "hetsim/policy/registry.hpp"

#include <stdexcept>

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

std::unique_ptr<Policy> PolicyRegistry::create(const std::string& name,
                                               const std::map<std::string, std::string>& params) const {
  const PolicyEntry* e = find(name);
  if (e == nullptr) {
    std::string valid;
    for (const auto& [n, _] : entries_) valid += (valid.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown policy '" + name + "' (valid: " + valid + ")");
  }
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
