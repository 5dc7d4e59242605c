#include "hetsim/scenario/reader.hpp"

#include <cstdio>

#include "hetsim/core/did_you_mean.hpp"

namespace hetsim {

void Ctx::error(const YamlValue& at, const std::string& msg) { error_at(at.line, at.col, msg, at.origin); }

void Ctx::error_at(int line, int col, const std::string& msg, const std::string& origin) {
  std::string m = msg;
  if (!origin.empty()) m += " [from " + origin + "]";
  errors_.push_back(Diagnostic{SourcePos{file_, line, col}, std::move(m)});
}

void type_error(Ctx& ctx, const YamlValue& v, const std::string& what, const std::string& expected) {
  ctx.error(v, "wrong type for " + what + ": expected " + expected + ", got " + describe(v));
}

bool is_plain_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::optional<std::string> read_string(Ctx& ctx, const YamlValue& v, const std::string& what) {
  if (!v.is_scalar()) {
    type_error(ctx, v, what, "a string");
    return std::nullopt;
  }
  return v.scalar;
}

std::optional<double> read_quantity(Ctx& ctx, const YamlValue& v, UnitKind kind, const std::string& what) {
  if (!v.is_scalar()) {
    type_error(ctx, v, what, std::string("a ") + unit_kind_name(kind));
    return std::nullopt;
  }
  double out = 0;
  const std::string err = parse_quantity(v.scalar, kind, out);
  if (!err.empty()) {
    ctx.error(v, "invalid " + what + ": " + err);
    return std::nullopt;
  }
  return out;
}

std::optional<int64_t> read_whole(Ctx& ctx, const YamlValue& v, UnitKind kind, int64_t lo, int64_t hi,
                                  const std::string& what) {
  if (!v.is_scalar()) {
    type_error(ctx, v, what, kind == UnitKind::Cpu ? "a cpu amount" : "an integer");
    return std::nullopt;
  }
  int64_t out = 0;
  const std::string err = parse_whole(v.scalar, kind, out);
  if (!err.empty()) {
    ctx.error(v, "invalid " + what + ": " + err);
    return std::nullopt;
  }
  if (out < lo || out > hi) {
    // Zero or too few reads best as a lower bound; too many shows the whole range.
    std::string range = "between " + std::to_string(lo) + " and " + std::to_string(hi);
    if (out < lo || hi == INT64_MAX) range = lo == 1 ? "> 0" : ">= " + std::to_string(lo);
    ctx.error(v, what + " must be " + range + ", got " + v.scalar);
    return std::nullopt;
  }
  return out;
}

MapReader::MapReader(Ctx& ctx, const YamlValue& v, std::string what, std::span<const std::string_view> known)
    : ctx_(ctx), v_(v), what_(std::move(what)) {
  if (!v.is_map()) {
    type_error(ctx, v, what_, "a map");
    return;
  }
  ok_ = true;
  std::vector<std::string> names(known.begin(), known.end());
  for (const YamlEntry& e : v.entries) {
    bool found = false;
    for (const std::string& k : names) found = found || k == e.key;
    if (found) continue;
    std::string msg = "unknown key '" + e.key + "' in " + what_;
    const std::string note = did_you_mean_note(e.key, names);
    if (!note.empty()) {
      msg += note;
    } else {
      msg += " (known keys:";
      for (std::size_t i = 0; i < names.size(); ++i) msg += (i ? ", " : " ") + names[i];
      msg += ")";
    }
    ctx.error_at(e.line, e.col, msg, e.value.origin);
  }
}

const YamlValue* MapReader::get(std::string_view key) const { return ok_ ? v_.find(key) : nullptr; }

const YamlValue* MapReader::need(std::string_view key) const {
  const YamlValue* v = get(key);
  if (v == nullptr && ok_) ctx_.error(v_, "missing required key '" + std::string(key) + "' in " + what_);
  return v;
}

std::optional<std::string> MapReader::string(std::string_view key, bool required) const {
  const YamlValue* v = required ? need(key) : get(key);
  if (v == nullptr) return std::nullopt;
  return read_string(ctx_, *v, "'" + std::string(key) + "'");
}

std::optional<std::string> MapReader::name(std::string_view key, bool required) const {
  auto s = string(key, required);
  if (s && !is_plain_name(*s)) {
    ctx_.error(*get(key), "invalid " + std::string(key) + " '" + *s + "': use letters, digits, '.', '_' and '-' only");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> MapReader::boolean(std::string_view key, bool required) const {
  const YamlValue* v = required ? need(key) : get(key);
  if (v == nullptr) return std::nullopt;
  // Only the YAML 1.2 spellings: "yes"/"on" are too easy to write by accident.
  if (v->is_scalar() && v->scalar == "true") return true;
  if (v->is_scalar() && v->scalar == "false") return false;
  type_error(ctx_, *v, "'" + std::string(key) + "'", "true or false");
  return std::nullopt;
}

std::optional<double> MapReader::quantity(std::string_view key, UnitKind kind, bool required) const {
  const YamlValue* v = required ? need(key) : get(key);
  if (v == nullptr) return std::nullopt;
  return read_quantity(ctx_, *v, kind, "'" + std::string(key) + "'");
}

std::optional<int64_t> MapReader::whole(std::string_view key, UnitKind kind, int64_t lo, int64_t hi,
                                        bool required) const {
  const YamlValue* v = required ? need(key) : get(key);
  if (v == nullptr) return std::nullopt;
  return read_whole(ctx_, *v, kind, lo, hi, "'" + std::string(key) + "'");
}

const std::vector<YamlValue>* MapReader::list(std::string_view key, bool required) const {
  const YamlValue* v = required ? need(key) : get(key);
  if (v == nullptr) return nullptr;
  if (!v->is_list()) {
    type_error(ctx_, *v, "'" + std::string(key) + "'", "a list");
    return nullptr;
  }
  return &v->items;
}

bool MapReader::check(std::string_view key, bool cond, const std::string& msg) const {
  if (!cond) {
    const YamlValue* v = get(key);
    ctx_.error(v ? *v : v_, msg);
  }
  return cond;
}

bool NameSet::add(const std::string& name) {
  if (!set_.insert(name).second) return false;
  names_.push_back(name);
  return true;
}

bool NameSet::check(Ctx& ctx, const YamlValue& at, const std::string& name) const {
  if (contains(name)) return true;
  ctx.error(at, "undefined " + kind_ + " '" + name + "'" + did_you_mean_note(name, names_));
  return false;
}

}  // namespace hetsim
