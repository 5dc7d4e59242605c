#include "report_command.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

namespace hetsim {

namespace {

namespace fs = std::filesystem;

constexpr const char* kPython = "/usr/bin/python3";

// python/report.py of the tree this binary was built from: next to the build folder first (the
// tree may have moved since), then where CMake saw the sources.
std::string find_report_script() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (!ec) candidates.push_back(exe.parent_path().parent_path() / "python" / "report.py");
  candidates.push_back(fs::path(HETSIM_SOURCE_DIR) / "python" / "report.py");
  for (const fs::path& p : candidates) {
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return "";
}

}  // namespace

int cmd_report(const std::string& dir, const std::string& out) {
  const std::string script = find_report_script();
  if (script.empty()) {
    fmt::print(stderr, "hetsim report: cannot find python/report.py (looked next to this binary and in {})\n",
               HETSIM_SOURCE_DIR);
    return 2;
  }
  std::vector<std::string> args{kPython, script, dir};
  if (!out.empty()) args.insert(args.end(), {"--out", out});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  execv(kPython, argv.data());
  fmt::print(stderr, "hetsim report: cannot run {}: {} (install python3-matplotlib and python3-pandas)\n", kPython,
             std::strerror(errno));
  return 2;
}

}  // namespace hetsim
