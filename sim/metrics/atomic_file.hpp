#pragma once
// Writes a whole file or nothing: the content goes to a temporary file in the same directory,
// is flushed, then renamed over the target (rename is atomic on POSIX within one filesystem).
// A run killed midway therefore leaves the previous file intact. Throws std::runtime_error.
//
// Rename replaces the path itself, so it is used only where the path is (or will be) a file the
// run owns. The rule, by what the path is now (docs/hardening.md, "Output paths"):
//   absent, or a regular file        replaced atomically (temporary + rename)
//   a symbolic link to a regular file  its target replaced atomically; the link stays
//   a character device or a FIFO     streamed (opened for appending, no temporary): /dev/null,
//                                    a terminal, a named pipe
//   "-", /dev/stdout, /dev/stderr,   streamed to that descriptor, appended (a shell's redirection
//   /dev/fd/N, /proc/self/fd/N       to a file is not truncated or replaced under it)
//   anything else                    refused with OutputPathError: a directory, a block device, a
//                                    socket, a link to nothing or to one of those
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hetsim {

// A path the rule above refuses (the CLI exits 2, as for other bad input).
class OutputPathError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How a path will be written: replaced (at `path`, the link's target for a link) or streamed.
struct OutputTarget {
  bool stream = false;
  std::string path;  // where the bytes go ("-" for stdout)
};

// Applies the rule; throws OutputPathError (message: why) for a refused path.
OutputTarget resolve_output_path(const std::string& path);
// The same as a check: why the path is refused, or "" (for CLI checks before a run).
std::string output_path_problem(const std::string& path);

void write_file_atomically(const std::string& path, const std::string& content);

// SIGINT, SIGTERM and SIGHUP remove the temporaries of the writes in flight, then end the process
// with 128 + the signal (130, 143, 129): an interrupted month left ~190 MB per file otherwise.
// main() installs it once; writers register their temporaries whether or not it is installed.
void install_signal_cleanup();

// Removes DIR's temporaries (NAME.tmp.PID.N) whose process is no longer alive on this machine:
// left by a run killed with SIGKILL or a crash. Returns how many it removed.
std::size_t remove_stale_temporaries(const std::string& dir);

// The same, for content produced in pieces: nothing is visible at `path` until commit(); a writer
// destroyed without commit() removes its temporary file. A streamed target gets its pieces as
// they come (a stream cannot be taken back).
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::string path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  void write(std::string_view chunk);
  void commit();

 private:
  OutputTarget target_;
  std::string tmp_;
  int slot_ = -1;  // the signal handler's registration of tmp_
  std::FILE* f_ = nullptr;
};

}  // namespace hetsim
