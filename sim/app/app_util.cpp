#include "hetsim/app/app_util.hpp"

#include "hetsim/policy/registry.hpp"
#include "hetsim/scenario/scenario_spec.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <string_view>
#include <unordered_set>

namespace hetsim {

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (true) {
    const auto comma = text.find(',', pos);
    out.push_back(text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) return out;
    pos = comma + 1;
  }
}

namespace {
bool parse_u64(std::string_view s, uint64_t& v) {
  if (s.empty() || s.front() == '-' || s.front() == '+') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

bool parse_seed_list(const std::string& text, std::vector<uint64_t>& out, std::string& error) {
  // Seen seeds in a hash set: a list of many ranges was quadratic (found by fuzz/fuzz_sweep_keys:
  // a 10 s timeout), and the total is capped as one range is, so a list cannot fill memory either.
  constexpr std::size_t kMaxSeeds = 100000;
  std::unordered_set<uint64_t> seen(out.begin(), out.end());
  for (const std::string& item : split_commas(text)) {
    const auto dash = item.find('-');
    uint64_t a = 0, b = 0;
    const bool ok = dash == std::string::npos ? parse_u64(item, a) && (b = a, true)
                                              : parse_u64(std::string_view(item).substr(0, dash), a) &&
                                                    parse_u64(std::string_view(item).substr(dash + 1), b);
    if (!ok || b < a || b - a >= 100000 || b > kMaxSeed) {
      error = "--seeds: expected N, A-B (A <= B, at most 100000 seeds, each at most " + std::to_string(kMaxSeed) +
              ") or a comma list of those, got '" + item + "'";
      return false;
    }
    if (out.size() + (b - a) >= kMaxSeeds) {
      error = "--seeds: more than " + std::to_string(kMaxSeeds) + " seeds in all, at '" + item + "'";
      return false;
    }
    for (uint64_t s = a;; ++s) {
      if (!seen.insert(s).second) {
        error = "--seeds: seed " + std::to_string(s) + " is listed twice";
        return false;
      }
      out.push_back(s);
      if (s == b) break;
    }
  }
  return true;
}

bool parse_set_args(const std::vector<std::string>& sets, std::vector<std::pair<std::string, std::string>>& out,
                    std::string& error) {
  for (const std::string& s : sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      error = "--set expects KEY=VALUE, got '" + s + "'";
      return false;
    }
    out.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  return true;
}

bool parse_policy_arg(const std::string& arg, std::string& name, std::map<std::string, std::string>& params,
                      std::string& error) {
  // py:MODULE:CLASS[:k=v,...]: the name is the first three fields (a module may be a file path).
  auto colon = arg.find(':');
  if (arg.substr(0, colon) == "py") {
    const auto module_end = colon == std::string::npos ? colon : arg.find(':', colon + 1);
    colon = module_end == std::string::npos ? module_end : arg.find(':', module_end + 1);
    std::string module, cls;
    if (!split_python_policy_name(arg.substr(0, colon), module, cls)) {
      error =
          "--policy: a Python policy is py:MODULE:CLASS[:key=value,...] (MODULE a module name or a .py file), "
          "got '" +
          arg + "'";
      return false;
    }
  }
  name = arg.substr(0, colon);
  if (name.empty()) {
    error = "--policy: empty policy name";
    return false;
  }
  if (colon == std::string::npos) return true;
  for (const std::string& kv : split_commas(arg.substr(colon + 1))) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      error = "--policy: expected key=value, got '" + kv + "'";
      return false;
    }
    // A repeated key is a typo or a merge gone wrong, as a duplicate YAML key is: not "last wins".
    if (!params.emplace(kv.substr(0, eq), kv.substr(eq + 1)).second) {
      error = "--policy: '" + kv.substr(0, eq) + "' is given twice in '" + arg + "'";
      return false;
    }
  }
  return true;
}

RunInfo run_info(const std::string& scenario, uint64_t seed, const std::string& policy, const std::string& device,
                 const SimulationModel& model, const Simulation& sim, const RunResult& res) {
  RunInfo info;
  info.scenario = scenario;
  info.seed = seed;
  info.policy = policy;
  info.policy_oracle = sim.policy_is_oracle();
  info.device = device;
  info.horizon_s = model.horizon.seconds();
  info.events = res.events;
  info.wall_s = res.wall_s;
  info.planner_calls = sim.mixing_stats().planner_calls;
  info.planner_s = sim.mixing_stats().planner_s;
  info.policy_stats = sim.policy_counters();
  return info;
}

std::string check_output_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create directory: " + ec.message();
  if (!std::filesystem::is_directory(dir, ec)) return "not a directory";
  const std::string probe = dir + "/.hetsim-write-probe." + std::to_string(::getpid());
  std::FILE* f = std::fopen(probe.c_str(), "wb");
  if (f == nullptr) return std::string("cannot write there: ") + std::strerror(errno);
  std::fclose(f);
  std::remove(probe.c_str());
  return {};
}

std::string lock_output_dir(const std::string& dir) {
  static std::set<std::string> held;  // canonical paths this process locked
  std::error_code ec;
  const std::string key = std::filesystem::weakly_canonical(dir, ec).string();
  if (held.count(key) != 0) return {};
  const std::string path = dir + "/.hetsim.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return "cannot open " + path + ": " + std::strerror(errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    if (e != EWOULDBLOCK) return "cannot lock " + path + ": " + std::strerror(e);
    std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    return "another hetsim process" + (pid.empty() ? std::string() : " (pid " + pid + ")") +
           " is writing there; wait for it or choose another --out";
  }
  // The holder's pid, for the message above; the descriptor stays open (and locked) until exit.
  const std::string me = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
    // The lock holds without the pid; the message then names no process.
  }
  held.insert(key);
  return {};
}

std::vector<Diagnostic> policy_diagnostics(const PolicySpec& policy, const std::string& file) {
  std::vector<Diagnostic> out;
  for (ParamProblem& p : builtin_policy_registry().check(policy.name, policy.params)) {
    SourcePos at = policy.pos;
    if (const auto it = policy.param_pos.find(p.param); it != policy.param_pos.end()) at = it->second;
    if (at.line <= 0) at = SourcePos{file, 0, 0};
    out.push_back(Diagnostic{at, std::move(p.message)});
  }
  return out;
}

}  // namespace hetsim
