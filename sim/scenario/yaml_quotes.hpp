#pragma once
// Finds the quoted string a careless edit left open. A missing closing quote makes YAML read on
// to the next quote character, which may be dozens of lines later, so yaml-cpp reports its error
// far from the cause (an unclosed quote on line 4 reported at 34:98), or, at the end of the file,
// reports nothing at all. This scanner follows the quotes of a block-style YAML text closely
// enough to name the string that swallowed lines which look like `key:` entries.
#include <optional>
#include <string>

namespace hetsim {

struct RunawayQuote {
  int line = 0, col = 0;   // the opening quote, 1-based
  int end_line = 0;        // where the string closes (0: never, it runs to the end)
  int swallowed_line = 0;  // the first line inside it that looks like a `key:` entry
  char quote = '"';
};

// The first quoted string that spans lines and swallows a `key:`-like line, or one never closed,
// starting at or before `until_line` (1-based; 0 for the whole text). Block scalars (| and >) and
// comments are skipped; quotes inside plain scalars (it's) are not openings.
std::optional<RunawayQuote> find_runaway_quote(const std::string& text, int until_line = 0);

// "the \"...\" string opened here runs to line 38 and swallows `sites:` on line 25: is its closing
// quote missing?" (the words after a position).
std::string describe_runaway_quote(const std::string& text, const RunawayQuote& q);

}  // namespace hetsim
