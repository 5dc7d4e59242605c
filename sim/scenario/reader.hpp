#pragma once
// Helpers the section converters share: an error sink that knows the file, a checked view of one
// YAML map (unknown, missing keys), typed readers (strings, names, booleans, quantities with
// units) and the set of names defined so far, for reference checks. Every reader reports its own
// error at the value's position and returns nullopt, so the caller just skips the field and
// parsing goes on to collect every error in one pass.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hetsim/scenario/scenario_spec.hpp"
#include "hetsim/scenario/units.hpp"
#include "hetsim/scenario/yaml_tree.hpp"

namespace hetsim {

class Ctx {
 public:
  Ctx(std::string file, std::vector<Diagnostic>& errors) : file_(std::move(file)), errors_(errors) {}
  // Error at `at`; values placed by --set say so, since the file itself is not at fault.
  void error(const YamlValue& at, const std::string& msg);
  void error_at(int line, int col, const std::string& msg, const std::string& origin = "");
  // A diagnostic about another file (the chip catalog), kept as it is.
  void add(Diagnostic d) { errors_.push_back(std::move(d)); }
  SourcePos pos(const YamlValue& v) const { return SourcePos{file_, v.line, v.col}; }
  const std::string& file() const { return file_; }
  std::size_t error_count() const { return errors_.size(); }
  // The sink itself, for a Ctx about another file (a job trace) that reports into it.
  std::vector<Diagnostic>& errors() const { return errors_; }

 private:
  std::string file_;
  std::vector<Diagnostic>& errors_;
};

// One YAML map with a fixed set of keys. Construction reports a non-map value and unknown keys.
class MapReader {
 public:
  MapReader(Ctx& ctx, const YamlValue& v, std::string what, std::initializer_list<std::string_view> known)
      : MapReader(ctx, v, std::move(what), std::span<const std::string_view>(known.begin(), known.size())) {}
  MapReader(Ctx& ctx, const YamlValue& v, std::string what, std::span<const std::string_view> known);
  bool ok() const { return ok_; }
  const YamlValue& node() const { return v_; }
  Ctx& ctx() const { return ctx_; }
  const std::string& what() const { return what_; }
  // The value of `key`, or nullptr when absent.
  const YamlValue* get(std::string_view key) const;
  // As get(), and reports a missing key at the map's position.
  const YamlValue* need(std::string_view key) const;
  bool has(std::string_view key) const { return get(key) != nullptr; }

  // Typed fields: nullopt when absent (reported if `required`) or invalid (reported).
  std::optional<std::string> string(std::string_view key, bool required) const;
  std::optional<std::string> name(std::string_view key, bool required) const;
  std::optional<bool> boolean(std::string_view key, bool required) const;
  std::optional<double> quantity(std::string_view key, UnitKind kind, bool required) const;
  std::optional<int64_t> whole(std::string_view key, UnitKind kind, int64_t lo, int64_t hi, bool required) const;
  const std::vector<YamlValue>* list(std::string_view key, bool required) const;

  // Reports `msg` at the value of `key` unless `cond`; returns cond.
  bool check(std::string_view key, bool cond, const std::string& msg) const;

 private:
  Ctx& ctx_;
  const YamlValue& v_;
  std::string what_;
  bool ok_ = false;
};

// Free-standing readers for values that are not map fields (list items); `what` names the value.
std::optional<std::string> read_string(Ctx& ctx, const YamlValue& v, const std::string& what);
std::optional<double> read_quantity(Ctx& ctx, const YamlValue& v, UnitKind kind, const std::string& what);
std::optional<int64_t> read_whole(Ctx& ctx, const YamlValue& v, UnitKind kind, int64_t lo, int64_t hi,
                                  const std::string& what);
// Reports "wrong type for <what>: expected <expected>, got ...".
void type_error(Ctx& ctx, const YamlValue& v, const std::string& what, const std::string& expected);
// Names of sites, tenants, scenarios...: [A-Za-z0-9._-]+.
bool is_plain_name(std::string_view s);

// Defined names of one kind, in definition order, for reference checks with suggestions.
class NameSet {
 public:
  explicit NameSet(std::string kind) : kind_(std::move(kind)) {}
  // false if already present.
  bool add(const std::string& name);
  bool contains(const std::string& name) const { return set_.count(name) > 0; }
  const std::vector<std::string>& names() const { return names_; }
  // Reports "undefined <kind> 'x' (did you mean 'y'?)" at `at` unless defined; returns defined.
  bool check(Ctx& ctx, const YamlValue& at, const std::string& name) const;

 private:
  std::string kind_;
  std::vector<std::string> names_;
  std::set<std::string> set_;
};

// "%g" formatting for messages.
std::string num(double v);

}  // namespace hetsim
