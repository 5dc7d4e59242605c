#pragma once
// A file's bytes, for tests that compare what a run or a writer left on disk.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace hetsim::test {

// The whole file, byte for byte; empty if it cannot be read.
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace hetsim::test
