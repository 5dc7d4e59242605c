// The hetsim binary's `hetsim` module, embedded: what `import hetsim` finds when the binary runs a
// policy named py:MODULE:CLASS. It holds the policy API (hetsim.Policy, the view, the decisions);
// run() and the rest are the Python module's (build/python), for scripts.
#include <pybind11/embed.h>

#include "embedded_python.hpp"
#include "policy_api.hpp"

PYBIND11_EMBEDDED_MODULE(hetsim, m) {
  m.doc() = "hetsim's policy API, embedded in the hetsim binary (docs/writing-a-policy.md)";
  hetsim::bind_policy_api(m);
}

namespace hetsim {
void install_embedded_python_policies() { install_python_policy_source(true); }
}  // namespace hetsim
