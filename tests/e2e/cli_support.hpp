#pragma once
// Helpers of the end-to-end tests: run the real `hetsim` binary from the source root as a user
// would, and read what it wrote.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "../support/files.hpp"

namespace hetsim::e2e {

namespace fs = std::filesystem;

inline const std::string kBin = std::string(HETSIM_BINARY_DIR) + "/hetsim";
inline const std::string kSrc = HETSIM_SOURCE_DIR;

struct Out {
  int code = -1;
  std::string text;  // stdout and stderr together
};

// A shell command line run from the source root, stdout and stderr together.
inline Out run_command(const std::string& command_line) {
  Out o;
  const std::string cmd = "cd '" + kSrc + "' && " + command_line + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return o;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) o.text.append(buf, n);
  const int status = pclose(p);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

// `env` is prepended to the command line, e.g. "OMP_NUM_THREADS=1".
inline Out run(const std::string& args, const std::string& env = "") {
  return run_command(env + " '" + kBin + "' " + args);
}

inline int line_count(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

using test::slurp;

// A path under the temporary directory that does not exist yet (removed if it did).
inline fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("hetsim-e2e-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

// Starts `hetsim args` (words split at spaces) from the source root and returns its pid; the caller
// waits for it (or kills it) with waitpid.
inline pid_t spawn(const std::string& args) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  if (chdir(kSrc.c_str()) != 0) _exit(127);
  std::vector<std::string> words{kBin};
  std::size_t pos = 0;
  while (pos < args.size()) {
    const auto sp = args.find(' ', pos);
    words.push_back(args.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
    if (sp == std::string::npos) break;
    pos = sp + 1;
  }
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  execv(kBin.c_str(), argv.data());
  _exit(127);
}

}  // namespace hetsim::e2e
