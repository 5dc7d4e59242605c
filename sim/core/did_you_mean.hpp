#pragma once
// "did you mean ...?" suggestions for unknown keys and undefined names.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hetsim {

// Edit distance (insert, delete, substitute; each costs 1), case-sensitive.
std::size_t levenshtein(std::string_view a, std::string_view b);

// The candidate closest to `word` when its distance is <= max(2, len(word) / 3); "" otherwise.
// Case differences count as half an edit so "Nodes" finds "nodes" before "modes"; ties go to
// the earlier candidate, so suggestions are deterministic.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean_note(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace hetsim
