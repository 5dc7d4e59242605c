#include "hetsim/scenario/overrides.hpp"

#include <charconv>

namespace hetsim {

namespace {

std::vector<std::string> split_path(const std::string& key) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

bool parse_index(const std::string& s, std::size_t& out) {
  if (s.empty()) return false;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), out);
  return res.ec == std::errc() && res.ptr == s.data() + s.size();
}

// The child of `parent` named `seg`, created when `parent` is a map without it (or empty).
// nullptr after reporting (at `at`, else at the parent) when the path cannot go on.
YamlValue* step(YamlValue& parent, const std::string& seg, const std::string& walked, const std::string& origin,
                Ctx& ctx, const YamlValue* at) {
  const int line = at != nullptr ? at->line : parent.line;
  const int col = at != nullptr ? at->col : parent.col;
  if (parent.kind == YamlValue::Kind::Null) {
    parent.kind = YamlValue::Kind::Map;  // "policy:" left empty in the file
  }
  if (parent.is_map()) {
    if (YamlValue* child = parent.find(seg)) return child;
    parent.entries.push_back(YamlEntry{seg, parent.line, parent.col, {}});
    YamlValue& fresh = parent.entries.back().value;
    stamp(fresh, parent.line, parent.col, origin);
    return &fresh;
  }
  if (parent.is_list()) {
    std::size_t i = 0;
    if (!parse_index(seg, i) || i >= parent.items.size()) {
      ctx.error_at(line, col,
                   "cannot apply " + origin + ": '" + walked + "' is a list of " + std::to_string(parent.items.size()) +
                       " items; '" + seg + "' is not an index into it");
      return nullptr;
    }
    return &parent.items[i];
  }
  ctx.error_at(line, col, "cannot apply " + origin + ": '" + walked + "' is a single value, it has no '" + seg + "'");
  return nullptr;
}

void apply_one(YamlValue& root, const std::string& key, const std::string& value, Ctx& ctx) {
  const std::string origin = "--set " + key + "=" + value;
  std::string error;
  auto parsed = load_yaml_value(value, error);
  if (!parsed) {
    ctx.error_at(0, 0, "cannot apply " + origin + ": value is not valid YAML: " + error);
    return;
  }
  apply_override_value(root, key, *parsed, origin, ctx, nullptr);
}

}  // namespace

void apply_override_value(YamlValue& root, const std::string& key, const YamlValue& value, const std::string& origin,
                          Ctx& ctx, const YamlValue* report_at) {
  const std::vector<std::string> path = split_path(key);
  for (const std::string& seg : path) {
    if (seg.empty()) {
      if (report_at != nullptr)
        ctx.error(*report_at, "empty key in path '" + key + "'");
      else
        ctx.error_at(0, 0, "cannot apply " + origin + ": empty key in path '" + key + "'");
      return;
    }
  }
  YamlValue* cur = &root;
  std::string walked;
  for (const std::string& seg : path) {
    const bool fresh_key = cur->is_map() && cur->find(seg) == nullptr;
    YamlValue* next = step(*cur, seg, walked.empty() ? "top level" : walked, origin, ctx, report_at);
    if (next == nullptr) return;
    walked += (walked.empty() ? "" : ".") + seg;
    if (&seg == &path.back()) {
      // New keys sit at their parent's position, replaced values keep theirs.
      const int line = fresh_key ? cur->line : next->line;
      const int col = fresh_key ? cur->col : next->col;
      *next = value;
      stamp(*next, line, col, origin);
      return;
    }
    cur = next;
  }
}

void apply_overrides(YamlValue& root, const Overrides& overrides, Ctx& ctx) {
  if (!root.is_map()) return;  // already reported; there is nothing to walk
  for (const auto& [key, value] : overrides) apply_one(root, key, value, ctx);
}

}  // namespace hetsim
