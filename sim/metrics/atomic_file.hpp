#pragma once
// Writes a whole file or nothing: the content goes to a temporary file in the same directory,
// is flushed, then renamed over the target (rename is atomic on POSIX within one filesystem).
// A run killed midway therefore leaves the previous file intact. Throws std::runtime_error.
#include <string>

namespace hetsim {

void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace hetsim
