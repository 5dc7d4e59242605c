#include "hetsim/metrics/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <unistd.h>

namespace hetsim {

namespace {

// PATH.tmp.PID.N: unique per process and per write, so threads (or two ranks of an MPI job on a
// shared folder) writing the same file never share a temporary.
std::string temp_name(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = temp_name(path);
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size() &&
                  std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  int err = errno;
  const bool closed = std::fclose(f) == 0;
  if (ok && !closed) err = errno;
  if (!ok || !closed) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(err));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + std::strerror(e));
  }
}

AtomicFileWriter::AtomicFileWriter(std::string path)
    : path_(std::move(path)), tmp_(temp_name(path_)) {
  f_ = std::fopen(tmp_.c_str(), "wb");
  if (f_ == nullptr) throw std::runtime_error("cannot write " + tmp_ + ": " + std::strerror(errno));
}

AtomicFileWriter::~AtomicFileWriter() {
  if (f_ != nullptr) {
    std::fclose(f_);
    std::remove(tmp_.c_str());
  }
}

void AtomicFileWriter::write(std::string_view chunk) {
  if (f_ == nullptr) throw std::logic_error("AtomicFileWriter: write after commit");
  if (std::fwrite(chunk.data(), 1, chunk.size(), f_) != chunk.size()) {
    throw std::runtime_error("cannot write " + tmp_ + ": " + std::strerror(errno));
  }
}

void AtomicFileWriter::commit() {
  if (f_ == nullptr) throw std::logic_error("AtomicFileWriter: committed twice");
  const bool ok = std::fflush(f_) == 0 && ::fsync(::fileno(f_)) == 0;
  int err = errno;
  const bool closed = std::fclose(f_) == 0;
  if (ok && !closed) err = errno;
  f_ = nullptr;
  if (!ok || !closed) {
    std::remove(tmp_.c_str());
    throw std::runtime_error("cannot write " + tmp_ + ": " + std::strerror(err));
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp_.c_str());
    throw std::runtime_error("cannot rename " + tmp_ + " to " + path_ + ": " + std::strerror(e));
  }
}

}  // namespace hetsim
