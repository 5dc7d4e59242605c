#include "hetsim/scenario/yaml_tree.hpp"

#include <cstdio>
#include <exception>
#include <map>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "hetsim/scenario/yaml_quotes.hpp"

namespace hetsim {

namespace {

// Aliases make yaml-cpp share (and possibly cycle) nodes; copying them out must stay bounded.
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxNodes = 2'000'000;
// Bytes of scalars once aliases are expanded: a 1 MB file aliasing a 1 MiB string a thousand times
// stays under kMaxNodes but would copy out 1 GB. Twice the largest scenario file read (64 MiB).
constexpr std::size_t kMaxExpandedBytes = std::size_t{128} << 20;

struct Converter {
  const std::string& file;
  std::vector<Diagnostic>& errors;
  std::size_t nodes = 0;
  std::size_t bytes = 0;
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
        bytes += n.Scalar().size();
        if (bytes > kMaxExpandedBytes) {
          error(out.line, out.col,
                "YAML document too large: its values expand to more than 128 MiB (aliases of a long value?)");
          aborted = true;
          return;
        }
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
            error(kl, kc, "duplicate key '" + key + "' (first given on line " + std::to_string(prev->second) + ")");
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
      errors.push_back(
          Diagnostic{SourcePos{file, line, col}, std::string("not a YAML text file: invalid byte ") + buf});
      return false;
    }
    // Classic Mac line endings: yaml-cpp reads the whole file as one line and says "empty".
    if (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n') && i + 1 < text.size()) {
      errors.push_back(Diagnostic{SourcePos{file, line, col},
                                  "a line ends with a lone carriage return (CR-only line endings): save the file "
                                  "with LF or CRLF line endings"});
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

// Byte offset of a yaml-cpp mark (0-based line and column, counted in bytes after any byte order
// mark), or npos when it lies outside the text.
std::size_t offset_of(const std::string& text, const YAML::Mark& m) {
  if (m.line < 0 || m.column < 0) return std::string::npos;
  std::size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  for (int line = 0; line < m.line; ++line) {
    i = text.find('\n', i);
    if (i == std::string::npos) return i;
    ++i;
  }
  i += static_cast<std::size_t>(m.column);
  return i < text.size() ? i : std::string::npos;
}

SourcePos pos_of(const std::string& file, const YAML::Mark& m) {
  return SourcePos{file, m.line >= 0 ? m.line + 1 : 1, m.column >= 0 ? m.column + 1 : 1};
}

// Only where each document starts matters to the document count; the tree is built by YAML::Load.
struct DocumentStarts final : YAML::EventHandler {
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// yaml-cpp 0.7's LoadAll never returns when a document ends at a token no document can start with
// (a ',' in block context, as in "'a',", "&a,", ",\n["): each call makes an empty document and
// leaves the token where it was. Asking for at most two documents is bounded whatever the text,
// and a second document is an error for hetsim anyway. Found by fuzz/fuzz_scenario, input after
// input, until the cause was understood; fuzz/regressions/scenario/ keeps them all.
bool check_single_document(const std::string& text, const std::string& file, std::vector<Diagnostic>& errors) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts docs;
  while (docs.starts.size() < 2 && parser.HandleNextDocument(docs)) {
  }
  if (docs.starts.size() < 2) return true;
  const YAML::Mark m = docs.starts[1];
  const std::size_t at = offset_of(text, m);
  std::string what = "YAML syntax error: unexpected content after the end of the document's value";
  if (at != std::string::npos && text.compare(at, 3, "---") == 0)
    what = "expected one YAML document; a second one starts here";
  else if (at != std::string::npos && text[at] == ',')
    what = "YAML syntax error: ',' outside a [list] or {map} (after a complete value only a comment may follow)";
  else if (at != std::string::npos && (text[at] == ']' || text[at] == '}'))
    what = std::string("YAML syntax error: '") + text[at] + "' closes no [list] or {map}";
  errors.push_back(Diagnostic{pos_of(file, m), what});
  return false;
}

// yaml-cpp's messages name what it expected; a ',' in block context is the usual cause, so say so.
std::string syntax_message(const std::string& text, const YAML::Exception& e) {
  std::string msg = "YAML syntax error: " + e.msg;
  const std::size_t at = offset_of(text, e.mark);
  if (at != std::string::npos && text[at] == ',') msg += " (a ',' separates items only inside a [list] or {map})";
  // yaml-cpp names tabs nowhere ("illegal map value"): point at the first line, up to the error's,
  // that indents with one.
  int line = 1;
  for (std::size_t i = 0; i < text.size() && (e.mark.line < 0 || line <= e.mark.line + 1);) {
    std::size_t j = i;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) {
      if (text[j] == '\t')
        return msg + " (line " + std::to_string(line) + " indents with a tab; YAML indents with spaces only)";
      ++j;
    }
    const std::size_t nl = text.find('\n', i);
    if (nl == std::string::npos) break;
    i = nl + 1;
    ++line;
  }
  return msg;
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
    case YamlValue::Kind::Null:
      return "nothing";
    case YamlValue::Kind::Scalar:
      return "'" + v.scalar + "'";
    case YamlValue::Kind::List:
      return "a list";
    case YamlValue::Kind::Map:
      return "a map";
  }
  return "?";
}

std::optional<YamlValue> load_yaml(const std::string& text, const std::string& file, const std::string& what,
                                   std::vector<Diagnostic>& errors) {
  if (!check_text(text, file, errors)) return std::nullopt;
  YAML::Node doc;
  try {
    if (!check_single_document(text, file, errors)) return std::nullopt;
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    // A quote left open moves yaml-cpp's complaint to wherever the next quote closes it: point at
    // the opening instead, and keep where the parser stopped.
    if (const auto q = find_runaway_quote(text, e.mark.line >= 0 ? e.mark.line + 1 : 0)) {
      const SourcePos stop = pos_of(file, e.mark);
      errors.push_back(
          Diagnostic{SourcePos{file, q->line, q->col}, "YAML syntax error: " + describe_runaway_quote(text, *q) +
                                                           " (the parser stopped at " + std::to_string(stop.line) +
                                                           ":" + std::to_string(stop.col) + ": " + e.msg + ")"});
      return std::nullopt;
    }
    errors.push_back(Diagnostic{pos_of(file, e.mark), syntax_message(text, e)});
    return std::nullopt;
  } catch (const std::exception& e) {
    errors.push_back(Diagnostic{SourcePos{file, 1, 1}, std::string("cannot parse YAML: ") + e.what()});
    return std::nullopt;
  }
  // yaml-cpp 0.7 accepts a quoted string that runs to the end of the text; YAML does not.
  if (const auto q = find_runaway_quote(text); q && q->end_line == 0) {
    errors.push_back(
        Diagnostic{SourcePos{file, q->line, q->col}, "YAML syntax error: " + describe_runaway_quote(text, *q)});
    return std::nullopt;
  }
  if (doc.IsNull()) {
    errors.push_back(Diagnostic{SourcePos{file, 1, 1}, what + " is empty"});
    return std::nullopt;
  }
  Converter conv{file, errors};
  YamlValue root;
  try {
    conv.convert(doc, root, 0, 1, 1);
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
