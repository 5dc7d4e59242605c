#include "hetsim/metrics/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <array>
#include <csignal>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hetsim {

namespace {

// Temporaries being written, for the signal handler: fixed slots it can read without allocating
// or locking (0 free, 1 being filled, 2 ready). A write beyond the slots goes unregistered.
constexpr std::size_t kTempSlots = 64;
std::array<std::atomic<int>, kTempSlots> g_slot_state{};
char g_slot_path[kTempSlots][PATH_MAX];

int register_temp(const std::string& tmp) {
  if (tmp.size() >= PATH_MAX) return -1;
  for (std::size_t i = 0; i < kTempSlots; ++i) {
    int free_slot = 0;
    if (!g_slot_state[i].compare_exchange_strong(free_slot, 1)) continue;
    std::memcpy(g_slot_path[i], tmp.c_str(), tmp.size() + 1);
    g_slot_state[i].store(2);
    return static_cast<int>(i);
  }
  return -1;
}

void unregister_temp(int slot) {
  if (slot >= 0) g_slot_state[static_cast<std::size_t>(slot)].store(0);
}

extern "C" void cleanup_and_exit(int sig) {
  for (std::size_t i = 0; i < kTempSlots; ++i) {
    if (g_slot_state[i].load() == 2) ::unlink(g_slot_path[i]);  // async-signal-safe
  }
  ::_exit(128 + sig);
}

// PATH.tmp.PID.N: unique per process and per write, so threads (or two ranks of an MPI job on a
// shared folder) writing the same file never share a temporary.
std::string temp_name(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// Names of an already open descriptor: written through, never replaced (a regular file behind one
// is what a shell redirection opened).
bool names_a_descriptor(const std::string& path) {
  return path == "-" || path == "/dev/stdout" || path == "/dev/stderr" || starts_with(path, "/dev/fd/") ||
         starts_with(path, "/proc/self/fd/");
}

const char* kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file, character device or FIFO";
}

std::FILE* open_stream(const OutputTarget& t) {
  if (t.path == "-") return stdout;
  // Append, never truncate or create: the node exists and belongs to someone else.
  const int fd = ::open(t.path.c_str(), O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot write " + t.path + ": " + std::strerror(errno));
  std::FILE* f = ::fdopen(fd, "ab");
  if (f == nullptr) {
    const int e = errno;
    ::close(fd);
    throw std::runtime_error("cannot write " + t.path + ": " + std::strerror(e));
  }
  return f;
}

// Flushes and closes (stdout stays open); the error number or 0.
int finish_stream(std::FILE* f) {
  if (std::fflush(f) != 0) return errno;
  if (f != stdout && std::fclose(f) != 0) return errno;
  return 0;
}

void rename_into_place(const std::string& tmp, const std::string& path) {
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + std::strerror(e));
  }
}

}  // namespace

OutputTarget resolve_output_path(const std::string& path) {
  if (path.empty()) throw OutputPathError("an empty path");
  if (path == "-") return {true, path};
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int e = errno;
    struct stat link {};
    if (e == ENOENT && ::lstat(path.c_str(), &link) == 0)
      throw OutputPathError(path + " is a symbolic link to nothing (not followed, not replaced)");
    if (e == ENOENT) return {false, path};  // a new file (a missing folder fails at the write)
    throw OutputPathError(path + ": " + std::strerror(e));
  }
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return {true, path};
  if (!S_ISREG(st.st_mode)) throw OutputPathError(path + " is " + kind_of(st.st_mode) + ": refused as an output");
  if (names_a_descriptor(path)) return {true, path};
  struct stat link {};
  if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) == nullptr)
      throw OutputPathError(path + ": cannot resolve the link: " + std::strerror(errno));
    return {false, resolved};
  }
  return {false, path};
}

std::string output_path_problem(const std::string& path) {
  try {
    (void)resolve_output_path(path);
    return "";
  } catch (const OutputPathError& e) {
    return e.what();
  }
}

void write_file_atomically(const std::string& path, const std::string& content) {
  // One writer for both: the rule, the temporary, its registration and the rename live there.
  AtomicFileWriter w(path);
  w.write(content);
  w.commit();
}

void install_signal_cleanup() {
  struct sigaction sa {};
  sa.sa_handler = cleanup_and_exit;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
}

std::size_t remove_stale_temporaries(const std::string& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    // NAME.tmp.PID.N
    const auto at = name.rfind(".tmp.");
    if (at == std::string::npos) continue;
    const std::string rest = name.substr(at + 5);
    const auto dot = rest.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == rest.size()) continue;
    const std::string pid_text = rest.substr(0, dot), n_text = rest.substr(dot + 1);
    if (pid_text.find_first_not_of("0123456789") != std::string::npos ||
        n_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9) {
      continue;
    }
    const auto pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
    if (std::filesystem::remove(e.path(), ec)) ++removed;
  }
  return removed;
}

AtomicFileWriter::AtomicFileWriter(std::string path) : target_(resolve_output_path(path)) {
  if (target_.stream) {
    f_ = open_stream(target_);
    return;
  }
  tmp_ = temp_name(target_.path);
  slot_ = register_temp(tmp_);
  f_ = std::fopen(tmp_.c_str(), "wb");
  if (f_ == nullptr) {
    unregister_temp(slot_);
    throw std::runtime_error("cannot write " + tmp_ + ": " + std::strerror(errno));
  }
}

AtomicFileWriter::~AtomicFileWriter() {
  if (f_ == nullptr) return;
  if (target_.stream) {
    (void)finish_stream(f_);
    return;
  }
  std::fclose(f_);
  std::remove(tmp_.c_str());
  unregister_temp(slot_);
}

void AtomicFileWriter::write(std::string_view chunk) {
  if (f_ == nullptr) throw std::logic_error("AtomicFileWriter: write after commit");
  if (std::fwrite(chunk.data(), 1, chunk.size(), f_) != chunk.size()) {
    throw std::runtime_error("cannot write " + (target_.stream ? target_.path : tmp_) + ": " + std::strerror(errno));
  }
}

void AtomicFileWriter::commit() {
  if (f_ == nullptr) throw std::logic_error("AtomicFileWriter: committed twice");
  if (target_.stream) {
    const int err = finish_stream(f_);
    f_ = nullptr;
    if (err != 0) throw std::runtime_error("cannot write " + target_.path + ": " + std::strerror(err));
    return;
  }
  const bool ok = std::fflush(f_) == 0 && ::fsync(::fileno(f_)) == 0;
  int err = errno;
  const bool closed = std::fclose(f_) == 0;
  if (ok && !closed) err = errno;
  f_ = nullptr;
  if (!ok || !closed) {
    std::remove(tmp_.c_str());
    unregister_temp(slot_);
    throw std::runtime_error("cannot write " + tmp_ + ": " + std::strerror(err));
  }
  try {
    rename_into_place(tmp_, target_.path);
  } catch (...) {
    unregister_temp(slot_);
    throw;
  }
  unregister_temp(slot_);
}

}  // namespace hetsim
