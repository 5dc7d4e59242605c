#include "hetsim/scenario/yaml_tree.hpp"

#include <cstdio>
#include <exception>
#include <map>

#include <yaml-cpp/yaml.h>

namespace hetsim {

namespace {

// Aliases make yaml-cpp share (and possibly cycle) nodes; copying them out must stay bounded.
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxNodes = 2'000'000;

struct Converter {
  const std::string& file;
  std::vector<Diagnostic>& errors;
  std::size_t nodes = 0;
  bool aborted = false;

  void error(int line, int col, std::string msg) {
    errors.push_back(Diagnostic{SourcePos{file, line, col}, std::move(msg)});
  }

  // `line`/`col` is the fallback position (the key) for values yaml-cpp gives no useful mark,
  // such as an empty value, whose mark points at the next token.
  void convert(const YAML::Node& n, YamlValue& out, int depth, int line, int col) {
    const YAML::Mark m = n.Mark();
    const bool has_mark = m.line >= 0 && n.Type() != YAML::NodeType::Null;
    out.line = has_mark ? m.line + 1 : line;
    out.col = has_mark ? m.column + 1 : col;
    if (aborted) return;
    if (++nodes > kMaxNodes) {
      error(out.line, out.col, "YAML document too large (more than 2000000 values; alias bomb?)");
      aborted = true;
      return;
    }
    if (depth > kMaxDepth) {
      error(out.line, out.col, "YAML nesting deeper than 64 levels (recursive alias?)");
      aborted = true;
      return;
    }
    switch (n.Type()) {
      case YAML::NodeType::Scalar:
        out.kind = YamlValue::Kind::Scalar;
        out.scalar = n.Scalar();
        break;
      case YAML::NodeType::Sequence:
        out.kind = YamlValue::Kind::List;
        for (const YAML::Node& item : n) {
          out.items.emplace_back();
          convert(item, out.items.back(), depth + 1, out.line, out.col);
        }
        break;
      case YAML::NodeType::Map: {
        out.kind = YamlValue::Kind::Map;
        std::map<std::string, int> first_line;
        for (auto it = n.begin(); it != n.end(); ++it) {
          const YAML::Mark km = it->first.Mark();
          const int kl = km.line >= 0 ? km.line + 1 : out.line;
          const int kc = km.line >= 0 ? km.column + 1 : out.col;
          if (!it->first.IsScalar()) {
            error(kl, kc, "map keys must be plain strings");
            continue;
          }
          const std::string key = it->first.Scalar();
          auto [prev, fresh] = first_line.emplace(key, kl);
          if (!fresh) {
            error(kl, kc, "duplicate key '" + key + "' (first given on line " +
                              std::to_string(prev->second) + ")");
            continue;
          }
          out.entries.push_back(YamlEntry{key, kl, kc, {}});
          convert(it->second, out.entries.back().value, depth + 1, kl, kc);
        }
        break;
      }
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        out.kind = YamlValue::Kind::Null;
        break;
    }
  }
};

// YAML is UTF-8 text; binary input would otherwise be read as one odd scalar. Reports the first
// NUL, control character or malformed UTF-8 sequence with its position.
bool check_text(const std::string& text, const std::string& file, std::vector<Diagnostic>& errors) {
  int line = 1, col = 1;
  std::size_t i = 0;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) i = 3;  // UTF-8 byte order mark
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = 1;
    bool bad = false;
    if (c < 0x80) {
      bad = (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F;
    } else {
      len = (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
      bad = len == 0 || i + len > text.size();
      for (std::size_t k = 1; !bad && k < len; ++k) {
        bad = (static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80;
      }
    }
    if (bad) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02X", c);
      errors.push_back(Diagnostic{SourcePos{file, line, col},
                                  std::string("not a YAML text file: invalid byte ") + buf});
      return false;
    }
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    i += len;
  }
  return true;
}

// yaml-cpp 0.7 loops forever on some stray commas in block context (outside any flow collection):
// a line starting with ',' (",\n["), a ',' right after a quoted scalar or a flow collection
// ("'a',\n[", "[a],\n{"), or right after an anchor or tag ("&a,", "!t',"); found by
// fuzz/fuzz_scenario. None can be valid YAML (a ',' cannot start a plain scalar, after a complete
// flow node only ':' or a comment may follow, and a node property must be followed by a node), so
// all are reported here, before yaml-cpp sees the text. Flow depth is tracked outside quotes and comments; block scalars are not
// recognised, which can only make the check miss, never invent, an error inside one.
bool check_stray_commas(const std::string& text, const std::string& file, std::vector<Diagnostic>& errors) {
  int depth = 0, line = 1, col = 1;
  bool line_start = true;    // only blanks so far on this line
  bool after_closer = false;  // the last non-blank was the end of a quoted scalar or flow collection
  char quote = 0;
  bool comment = false;
  auto report = [&](const char* what) {
    errors.push_back(Diagnostic{SourcePos{file, line, col}, std::string("YAML syntax error: ") + what});
    return false;
  };
  // A UTF-8 byte order mark is not content: a ',' right after it still starts the line.
  for (std::size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0; i < text.size(); ++i, ++col) {
    const char c = text[i];
    if (c == '\n') {
      // Quoted scalars may span lines; an unterminated one swallows the rest (the check misses,
      // yaml-cpp reports it).
      ++line, col = 0, comment = false;
      if (quote == 0) line_start = true, after_closer = false;
      continue;
    }
    if (comment) continue;
    if (quote != 0) {
      if (quote == '"' && c == '\\') ++i, ++col;
      else if (c == quote) quote = 0, after_closer = depth == 0;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (c == ',' && depth == 0 && line_start) return report("a line cannot start with ',' outside a [list] or {map}");
    if (c == ',' && depth == 0 && after_closer)
      return report("',' after a quoted scalar, a [list], a {map}, an &anchor or a !tag outside any [list] or {map}");
    const bool token_start = i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n';
    line_start = false;
    after_closer = false;
    if (depth == 0 && token_start && (c == '&' || c == '!')) {
      // An anchor or tag: a node must follow it, never a ',' ("&a," hangs yaml-cpp 0.7 too).
      while (i + 1 < text.size() && std::string_view(" \t\r\n,[]{}").find(text[i + 1]) == std::string_view::npos) ++i, ++col;
      after_closer = true;
      continue;
    }
    if (c == '#' && token_start) comment = true;
    else if ((c == '"' || c == '\'') && (token_start || std::string_view("[{,").find(text[i - 1]) != std::string_view::npos))
      quote = c;  // a quote inside a plain scalar ("don't") starts nothing
    else if (c == '[' || c == '{') ++depth;
    else if ((c == ']' || c == '}') && depth > 0) after_closer = --depth == 0;
  }
  return true;
}

}  // namespace

const YamlValue* YamlValue::find(std::string_view key) const {
  for (const YamlEntry& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

YamlValue* YamlValue::find(std::string_view key) {
  for (YamlEntry& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

std::string describe(const YamlValue& v) {
  switch (v.kind) {
    case YamlValue::Kind::Null: return "nothing";
    case YamlValue::Kind::Scalar: return "'" + v.scalar + "'";
    case YamlValue::Kind::List: return "a list";
    case YamlValue::Kind::Map: return "a map";
  }
  return "?";
}

std::optional<YamlValue> load_yaml(const std::string& text, const std::string& file,
                                   const std::string& what, std::vector<Diagnostic>& errors) {
  if (!check_text(text, file, errors) || !check_stray_commas(text, file, errors)) return std::nullopt;
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    const int line = e.mark.line >= 0 ? e.mark.line + 1 : 1;
    const int col = e.mark.column >= 0 ? e.mark.column + 1 : 1;
    errors.push_back(Diagnostic{SourcePos{file, line, col}, "YAML syntax error: " + e.msg});
    return std::nullopt;
  } catch (const std::exception& e) {
    errors.push_back(Diagnostic{SourcePos{file, 1, 1}, std::string("cannot parse YAML: ") + e.what()});
    return std::nullopt;
  }
  if (docs.empty() || (docs.size() == 1 && docs[0].IsNull())) {
    errors.push_back(Diagnostic{SourcePos{file, 1, 1}, what + " is empty"});
    return std::nullopt;
  }
  if (docs.size() > 1) {
    const YAML::Mark m = docs[1].Mark();
    errors.push_back(Diagnostic{SourcePos{file, m.line >= 0 ? m.line + 1 : 1, m.column >= 0 ? m.column + 1 : 1},
                                "expected one YAML document, found " + std::to_string(docs.size())});
    return std::nullopt;
  }
  Converter conv{file, errors};
  YamlValue root;
  try {
    conv.convert(docs[0], root, 0, 1, 1);
  } catch (const std::exception& e) {
    errors.push_back(Diagnostic{SourcePos{file, 1, 1}, std::string("cannot read YAML: ") + e.what()});
    return std::nullopt;
  }
  if (conv.aborted) return std::nullopt;
  return root;
}

}  // namespace hetsim

namespace hetsim {

std::optional<YamlValue> load_yaml_value(const std::string& text, std::string& error) {
  std::vector<Diagnostic> errs;
  YamlValue v;
  if (text.find_first_not_of(" \t") == std::string::npos) return v;  // Null
  auto parsed = load_yaml(text, "--set", "value", errs);
  if (!parsed) {
    error = errs.empty() ? "not valid YAML" : errs.front().message;
    return std::nullopt;
  }
  return parsed;
}

void stamp(YamlValue& v, int line, int col, const std::string& origin) {
  v.line = line;
  v.col = col;
  v.origin = origin;
  for (YamlValue& x : v.items) stamp(x, line, col, origin);
  for (YamlEntry& e : v.entries) {
    e.line = line;
    e.col = col;
    stamp(e.value, line, col, origin);
  }
}

}  // namespace hetsim
