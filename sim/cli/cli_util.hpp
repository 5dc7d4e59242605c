#pragma once
// Small helpers shared by the subcommands: comma lists on the command line and output folders.
#include <string>
#include <vector>

namespace hetsim {

// "a,b,c" -> {"a", "b", "c"}; an empty text gives one empty item (callers reject it with context).
std::vector<std::string> split_commas(const std::string& text);

// Creates `dir` if needed and proves a file can be created in it. Empty string on success,
// otherwise why not ("cannot create directory: ...", "not a directory", "cannot write there: ...").
std::string check_output_dir(const std::string& dir);

}  // namespace hetsim
