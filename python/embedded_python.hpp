#pragma once
// Lets the hetsim binary run policies written in Python (--policy py:MODULE:CLASS): its
// interpreter starts on the first such name. Only in builds with Python (HETSIM_HAVE_PYTHON).
namespace hetsim {
void install_embedded_python_policies();
}  // namespace hetsim
