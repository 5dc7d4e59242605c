#pragma once
// Writes a whole file or nothing: the content goes to a temporary file in the same directory,
// is flushed, then renamed over the target (rename is atomic on POSIX within one filesystem).
// A run killed midway therefore leaves the previous file intact. Throws std::runtime_error.
#include <cstdio>
#include <string>
#include <string_view>

namespace hetsim {

void write_file_atomically(const std::string& path, const std::string& content);

// The same, for content produced in pieces: nothing is visible at `path` until commit(); a writer
// destroyed without commit() removes its temporary file.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::string path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  void write(std::string_view chunk);
  void commit();

 private:
  std::string path_, tmp_;
  std::FILE* f_ = nullptr;
};

}  // namespace hetsim
