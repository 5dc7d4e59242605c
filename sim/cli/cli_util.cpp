#include "cli_util.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

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

}  // namespace hetsim
