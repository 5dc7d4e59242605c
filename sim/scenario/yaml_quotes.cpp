#include "hetsim/scenario/yaml_quotes.hpp"

#include <cctype>
#include <string_view>
#include <vector>

namespace hetsim {

namespace {

std::vector<std::string_view> split_lines(const std::string& text) {
  std::vector<std::string_view> lines;
  std::size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  while (i <= text.size()) {
    std::size_t nl = text.find('\n', i);
    if (nl == std::string::npos) nl = text.size();
    std::string_view l(text.data() + i, nl - i);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back(l);
    if (nl == text.size()) break;
    i = nl + 1;
  }
  return lines;
}

std::size_t indent_of(std::string_view l) {
  std::size_t i = 0;
  while (i < l.size() && l[i] == ' ') ++i;
  return i;
}

bool blank_or_comment(std::string_view l) {
  const std::size_t i = l.find_first_not_of(" \t");
  return i == std::string_view::npos || l[i] == '#';
}

// `key:` or `- key:` followed by a space or the end of the line: what an entry of a block map
// looks like, and what a quoted string is unlikely to hold on a line of its own.
std::string_view key_like(std::string_view l) {
  std::size_t i = indent_of(l);
  if (l.substr(i, 2) == "- ") i = indent_of(l.substr(i + 2)) + i + 2;
  const std::size_t start = i;
  while (i < l.size() &&
         (std::isalnum(static_cast<unsigned char>(l[i])) != 0 || l[i] == '_' || l[i] == '-' || l[i] == '.'))
    ++i;
  if (i == start || i >= l.size() || l[i] != ':') return {};
  if (i + 1 < l.size() && l[i + 1] != ' ' && l[i + 1] != '\t') return {};
  return l.substr(start, i + 1 - start);
}

// Whether a quote at l[i] opens a quoted scalar: it must start a token (after the indentation, a
// ": ", "- ", "? ", a flow indicator, or an anchor/tag and a space). Elsewhere it is a character of
// a plain scalar, as in `name: it's`.
bool opens_scalar(std::string_view l, std::size_t i) {
  std::size_t j = i;
  while (j > 0 && (l[j - 1] == ' ' || l[j - 1] == '\t')) --j;
  if (j == 0) return true;
  const char p = l[j - 1];
  if (p == '[' || p == '{' || p == ',') return true;
  if (j == i) return false;  // no space before the quote: inside a token
  if (p == ':' || p == '-' || p == '?') return j == 1 || l[j - 2] == ' ' || l[j - 2] == '\t' || p == ':';
  // `&anchor "x"` or `!tag "x"`: the token before the space starts with & or !.
  std::size_t k = j;
  while (k > 0 && l[k - 1] != ' ' && l[k - 1] != '\t') --k;
  return l[k] == '&' || l[k] == '!';
}

// A block scalar header (`key: |`, `- >-`, `key: |2 # c`): the lines after it that are indented
// deeper than this one are its content, quotes included.
bool starts_block_scalar(std::string_view l, std::size_t from) {
  std::size_t i = l.find_first_not_of(" \t", from);
  if (i == std::string_view::npos || (l[i] != '|' && l[i] != '>')) return false;
  ++i;
  while (i < l.size() && (l[i] == '-' || l[i] == '+' || std::isdigit(static_cast<unsigned char>(l[i])) != 0)) ++i;
  const std::size_t rest = l.find_first_not_of(" \t", i);
  return rest == std::string_view::npos || (l[rest] == '#' && rest > i);
}

}  // namespace

std::optional<RunawayQuote> find_runaway_quote(const std::string& text, int until_line) {
  const std::vector<std::string_view> lines = split_lines(text);
  std::optional<RunawayQuote> open;                   // the quoted string being read, if any
  std::size_t block_parent = std::string_view::npos;  // indentation of a block scalar's header
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const std::string_view l = lines[n];
    const int line = static_cast<int>(n) + 1;
    if (!open && until_line > 0 && line > until_line) return std::nullopt;
    if (!open && block_parent != std::string_view::npos) {
      if (blank_or_comment(l) || indent_of(l) > block_parent) continue;
      block_parent = std::string_view::npos;
    }
    std::size_t i = 0;
    if (open) {
      if (open->swallowed_line == 0 && !key_like(l).empty()) open->swallowed_line = line;
    } else {
      i = indent_of(l);
    }
    while (i < l.size()) {
      const char c = l[i];
      if (open) {
        if (c == '\\' && open->quote == '"') {
          i += 2;
          continue;
        }
        if (c == open->quote) {
          if (c == '\'' && i + 1 < l.size() && l[i + 1] == '\'') {
            i += 2;
            continue;
          }
          if (line > open->line && open->swallowed_line > 0) {
            open->end_line = line;
            return open;
          }
          open.reset();
        }
        ++i;
        continue;
      }
      if (c == '#' && (i == 0 || l[i - 1] == ' ' || l[i - 1] == '\t')) break;
      if ((c == '"' || c == '\'') && opens_scalar(l, i)) {
        open = RunawayQuote{line, static_cast<int>(i) + 1, 0, 0, c};
      } else if ((c == '|' || c == '>') && i > 0 && (l[i - 1] == ' ' || l[i - 1] == '\t') &&
                 starts_block_scalar(l, i)) {
        block_parent = indent_of(l);
        break;
      }
      ++i;
    }
  }
  return open;  // never closed: runs to the end of the text
}

std::string describe_runaway_quote(const std::string& text, const RunawayQuote& q) {
  const std::vector<std::string_view> lines = split_lines(text);
  const std::string mark(1, q.quote);
  std::string s = "the " + mark + "..." + mark + " string opened here ";
  s += q.end_line > 0 ? "runs on to line " + std::to_string(q.end_line) : std::string("is never closed");
  if (q.swallowed_line > 0 && static_cast<std::size_t>(q.swallowed_line) <= lines.size())
    s += " and swallows '" + std::string(key_like(lines[static_cast<std::size_t>(q.swallowed_line) - 1])) +
         "' on line " + std::to_string(q.swallowed_line);
  return s + ": is its closing " + mark + " missing?";
}

}  // namespace hetsim
