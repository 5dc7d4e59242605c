#include "hetsim/core/did_you_mean.hpp"

#include <algorithm>
#include <cctype>

namespace hetsim {

namespace {

// Levenshtein in half-units: substituting a letter by its other case costs 1, any other edit 2.
std::size_t weighted_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = 2 * j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = 2 * i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = 2;
      if (a[i - 1] == b[j - 1]) {
        sub = 0;
      } else if (std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                 std::tolower(static_cast<unsigned char>(b[j - 1]))) {
        sub = 1;
      }
      cur[j] = std::min({prev[j] + 2, cur[j - 1] + 2, prev[j - 1] + sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::size_t levenshtein(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::size_t limit = 2 * std::max<std::size_t>(2, word.size() / 3);  // half-units
  std::size_t best = limit + 1;
  const std::string* pick = nullptr;
  for (const std::string& c : candidates) {
    if (c == word) continue;
    const std::size_t d = weighted_distance(word, c);
    if (d < best) {
      best = d;
      pick = &c;
    }
  }
  return pick ? *pick : std::string();
}

std::string did_you_mean_note(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string s = did_you_mean(word, candidates);
  return s.empty() ? std::string() : " (did you mean '" + s + "'?)";
}

}  // namespace hetsim
