#pragma once
// Policies written in Python (docs/writing-a-policy.md, "A policy in Python"): the `hetsim.Policy`
// base class, the view a pass hands to `schedule(view)` (NumPy columns of sim/policy/view), the
// decisions, and the glue that lets `py:MODULE:CLASS[:key=value,...]` name such a policy wherever a
// policy is named. Compiled into the Python module and, embedded, into the hetsim binary.
#include <pybind11/pybind11.h>

#include <memory>
#include <string>

#include "hetsim/policy/policy.hpp"

namespace hetsim {

// Adds hetsim.Policy, hetsim.View, hetsim.StartResult, hetsim.Start / Preempt / WakeAt,
// hetsim.PolicyViolation and hetsim.PolicyError to `m`.
void bind_policy_api(pybind11::module_& m);

// Makes py:MODULE:CLASS names resolvable by PolicyRegistry::check and create. `embedded`: this
// process is the hetsim binary, whose interpreter starts on the first such name (and never before,
// so runs of built-in policies do not pay for it).
void install_python_policy_source(bool embedded);

// A policy object made in Python (hetsim.run(policy=MyPolicy())); TypeError unless it is a
// hetsim.Policy. Call with the GIL held.
std::unique_ptr<Policy> wrap_python_policy(const pybind11::object& obj);

// A Python policy raised (or returned what is not a decision): the message holds the policy, the
// simulated time and the traceback. A PolicyViolation: the policy's bug, not the simulator's.
class PythonPolicyError : public PolicyViolation {
 public:
  using PolicyViolation::PolicyViolation;
};

}  // namespace hetsim
