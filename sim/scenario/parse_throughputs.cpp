// `throughputs:` (docs/scenario-format.md): measured steps/s per job type and chip, from a file in
// the format of Gavel's simulation_throughputs.json.
#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "hetsim/scenario/sections.hpp"

namespace hetsim {

namespace {

// "('ResNet-18 (batch size 32)', 1)" -> name and scale factor; false when not of that form.
bool parse_type_key(const std::string& key, MeasuredThroughputs::Type& out) {
  if (key.size() < 8 || key.compare(0, 2, "('") != 0 || key.back() != ')') return false;
  const std::size_t sep = key.rfind("', ");
  if (sep == std::string::npos || sep < 2) return false;
  const std::string digits = key.substr(sep + 3, key.size() - sep - 4);
  if (digits.empty() || digits.size() > 4 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return false;
  out.name = key.substr(2, sep - 2);
  out.cards = static_cast<uint32_t>(std::stoul(digits));
  return !out.name.empty() && out.cards >= 1 && out.cards <= 1024;
}

}  // namespace

void read_throughputs(ParseState& st, const YamlValue& v, const std::string& base_dir) {
  ThroughputsSpec& spec = st.spec.throughputs;
  st.throughputs_written = true;
  spec.pos = st.ctx.pos(v);
  MapReader r(st.ctx, v, "throughputs", {"file", "chips"});
  if (!r.ok()) return;
  const YamlValue* chips = r.need("chips");
  const auto file = r.string("file", true);
  if (!file || chips == nullptr) return;
  if (!chips->is_map() || chips->entries.empty()) {
    type_error(st.ctx, *chips, "'throughputs.chips'", "a non-empty map of the file's worker types to chips");
    return;
  }
  const std::string path = resolve_scenario_path(base_dir, *file);
  std::string text, reason;
  if (const std::string why = not_regular_file_reason(path); !why.empty()) {
    r.check("file", false, "cannot read throughput file '" + path + "': " + why + unreadable_path_note(*file));
    return;
  }
  if (!read_text_file(path, text, reason)) {
    r.check("file", false, "cannot read throughput file '" + path + "': " + reason);
    return;
  }
  nlohmann::json doc;
  // A key given twice in one object would keep one of the two values silently (duplicate YAML keys
  // are errors too): the parser's callback keeps the keys of each open object.
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  const auto watch_keys = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) open_objects.emplace_back();
    if (event == Event::object_end && !open_objects.empty()) open_objects.pop_back();
    if (event == Event::key && duplicate.empty() && !open_objects.empty() &&
        !open_objects.back().insert(parsed.get<std::string>()).second) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  try {
    doc = nlohmann::json::parse(text, watch_keys);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for a number beyond a double (1e400): both are bad input.
    r.check("file", false, "throughput file '" + path + "' is not valid JSON: " + e.what());
    return;
  }
  if (!duplicate.empty()) {
    r.check("file", false, "throughput file '" + path + "' gives the key '" + duplicate + "' twice in one object");
    return;
  }
  if (!r.check("file", doc.is_object() && !doc.empty(),
               "throughput file '" + path + "' must be a JSON object of worker types")) {
    return;
  }

  // Every type key of the mapped worker types, each with its isolated ("null") rate.
  std::map<std::pair<std::string, uint32_t>, std::size_t> type_index;
  std::vector<std::map<std::pair<std::string, uint32_t>, double>> per_entry;
  std::set<std::string> mapped_chips;
  bool ok = true;
  for (const YamlEntry& e : chips->entries) {
    auto chip = read_string(st.ctx, e.value, "throughputs.chips." + e.key);
    if (!chip) {
      ok = false;
      continue;
    }
    if (!st.chips.check(st.ctx, e.value, *chip)) ok = false;
    if (!mapped_chips.insert(*chip).second) {
      st.ctx.error(e.value, "chip '" + *chip + "' is mapped from two worker types");
      ok = false;
    }
    const auto wt = doc.find(e.key);
    if (wt == doc.end() || !wt->is_object()) {
      std::string known;
      for (auto it = doc.begin(); it != doc.end(); ++it) known += (known.empty() ? "" : ", ") + it.key();
      st.ctx.error_at(e.line, e.col, "worker type '" + e.key + "' is not in '" + path + "' (it has: " + known + ")");
      ok = false;
      per_entry.emplace_back();
      continue;
    }
    std::map<std::pair<std::string, uint32_t>, double> rates;
    for (auto it = wt->begin(); it != wt->end(); ++it) {
      MeasuredThroughputs::Type t;
      const auto isolated = it->is_object() ? it->find("null") : it->end();
      if (!parse_type_key(it.key(), t) || !it->is_object() || isolated == it->end() || !isolated->is_number()) {
        st.ctx.error_at(e.line, e.col,
                        "throughput file '" + path + "', worker type '" + e.key + "': entry '" + it.key() +
                            "' is not \"('Model', scale factor)\": {\"null\": steps per second, ...}");
        ok = false;
        break;
      }
      const double rate = isolated->get<double>();
      if (!std::isfinite(rate) || rate < 0) {
        st.ctx.error_at(e.line, e.col,
                        "throughput file '" + path + "', worker type '" + e.key + "': rate of '" + it.key() +
                            "' must be a finite number >= 0");
        ok = false;
        break;
      }
      rates[{t.name, t.cards}] = rate;
      type_index.emplace(std::make_pair(t.name, t.cards), 0);
    }
    spec.chips.emplace_back(e.key, chip ? *chip : "");
    per_entry.push_back(std::move(rates));
  }
  if (!ok) return;
  std::size_t i = 0;
  for (auto& [key, index] : type_index) {
    index = i++;
    spec.types.push_back({key.first, key.second});
  }
  for (const auto& rates : per_entry) {
    std::vector<double> row(spec.types.size(), 0.0);
    for (const auto& [key, rate] : rates) row[type_index.at(key)] = rate;
    spec.rates.push_back(std::move(row));
  }
  spec.path = path;
  st.spec.has_throughputs = true;
}

}  // namespace hetsim
