// Fuzzes the sweep file reader and the resume keys of its runs (sim/app/sweep_spec.hpp): bytes as
// a sweep file's text. The reader must never crash; for a sweep it accepts, every run key (point x
// policy x seed, the first few of each) must be deterministic (a second parse gives the same keys),
// distinct from every other run's key (two runs sharing a key would share a result file), and
// change when any one field of the run changes. A violation aborts.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "hetsim/app/sweep_spec.hpp"

namespace {

constexpr std::size_t kPoints = 48, kPolicies = 4, kSeeds = 4;

const std::vector<hetsim::InputFile> kInputs = {{"scenarios/examples/small-city.yaml", 0x0123456789abcdefULL, 812},
                                                {"sim/chips.yaml", 42, 4096}};

std::vector<std::string> keys_of(const hetsim::SweepSpec& s, const std::string& inputs) {
  std::vector<std::string> policies;
  for (std::size_t q = 0; q < s.policies.size() && q < kPolicies; ++q) policies.push_back(s.policies[q].label);
  if (policies.empty()) policies.push_back("fifo");  // the scenario's own policy
  std::vector<uint64_t> seeds(s.seeds.begin(),
                              s.seeds.begin() + static_cast<std::ptrdiff_t>(std::min(kSeeds, s.seeds.size())));
  if (seeds.empty()) seeds.push_back(1);  // the scenario's own seed
  std::vector<std::string> keys;
  for (std::size_t p = 0; p < s.points.size() && p < kPoints; ++p)
    for (const std::string& pol : policies)
      for (uint64_t seed : seeds)
        keys.push_back(
            hetsim::sweep_run_key("0011223344556677", s.scenario, "89abcdef01234567", inputs, s.points[p], pol, seed));
  return keys;
}

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const hetsim::SweepParseResult a = hetsim::parse_sweep_text(text, "sweeps/fuzz.yaml");
  for (const auto& e : a.errors) (void)e.format();
  if (!a.ok()) return 0;
  const std::string inputs = hetsim::sweep_inputs_text(kInputs);
  const std::vector<std::string> keys = keys_of(a.spec, inputs);

  // Deterministic: the same text parses to the same keys.
  const hetsim::SweepParseResult b = hetsim::parse_sweep_text(text, "sweeps/fuzz.yaml");
  check(b.ok() && keys_of(b.spec, inputs) == keys);

  // Distinct runs, distinct keys: the reader refuses repeated points, and the key must not let
  // two different (values, policy, seed) tuples meet (a newline or '=' inside a field).
  check(std::set<std::string>(keys.begin(), keys.end()).size() == keys.size());

  // One field changed, a different key.
  if (a.spec.points.empty()) return 0;
  const hetsim::SweepPoint& p = a.spec.points.front();
  const std::string pol = a.spec.policies.empty() ? "fifo" : a.spec.policies.front().label;
  const uint64_t seed = a.spec.seeds.empty() ? 1 : a.spec.seeds.front();
  const std::string key =
      hetsim::sweep_run_key("0011223344556677", a.spec.scenario, "89abcdef01234567", inputs, p, pol, seed);
  check(key == hetsim::sweep_run_key("0011223344556677", a.spec.scenario, "89abcdef01234567", inputs, p, pol, seed));
  const auto key_with = [&](const hetsim::SweepPoint& q, const std::string& l, uint64_t s) {
    return hetsim::sweep_run_key("0011223344556677", a.spec.scenario, "89abcdef01234567", inputs, q, l, s);
  };
  check(key_with(p, pol, seed + 1) != key);
  check(key_with(p, pol + "x", seed) != key);
  check(hetsim::sweep_run_key("0011223344556677", a.spec.scenario, "89abcdef01234568", inputs, p, pol, seed) != key);
  check(hetsim::sweep_run_key("0011223344556677", a.spec.scenario, "89abcdef01234567", "", p, pol, seed) != key);
  for (std::size_t i = 0; i < p.values.size() && i < 8; ++i) {
    hetsim::SweepPoint q = p;
    q.values[i].text += "0";
    check(key_with(q, pol, seed) != key);
    q = p;
    q.values.erase(q.values.begin() + static_cast<std::ptrdiff_t>(i));
    check(key_with(q, pol, seed) != key);
  }
  return 0;
}
