// `workload.trace`: jobs from a CSV file, one row per job, columns named as an explicit job's keys
// (docs/scenario-format.md, "Job traces"). Each row becomes the map an explicit job is read from,
// with every cell at its own line and column of the CSV file, so a bad cell is reported at
// trace.csv:LINE:COL by the same checks as a hand-written job.
#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "hetsim/scenario/sections.hpp"

namespace hetsim {

namespace {

namespace fs = std::filesystem;

struct Cell {
  std::string text;
  int col = 0;  // 1-based, of the cell's first character
};

// One CSV line split at commas; a cell may be double-quoted ("a,b", "" for a quote). False with
// `why` and the column at an unterminated quote or text after a closing one.
bool split_csv(std::string_view line, std::vector<Cell>& out, std::string& why, int& bad_col) {
  out.clear();
  std::size_t i = 0;
  while (true) {
    Cell c;
    c.col = static_cast<int>(i) + 1;
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) {
          why = "unterminated quoted cell";
          bad_col = c.col;
          return false;
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            c.text.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        c.text.push_back(line[i++]);
      }
      if (i < line.size() && line[i] != ',') {
        why = "text after a closing quote";
        bad_col = static_cast<int>(i) + 1;
        return false;
      }
    } else {
      while (i < line.size() && line[i] != ',') c.text.push_back(line[i++]);
      // Spaces around a cell are not part of it.
      const auto b = c.text.find_first_not_of(" \t");
      const auto e = c.text.find_last_not_of(" \t");
      c.text = b == std::string::npos ? "" : c.text.substr(b, e - b + 1);
    }
    out.push_back(std::move(c));
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

YamlValue scalar_at(const std::string& text, int line, int col) {
  YamlValue v;
  v.kind = YamlValue::Kind::Scalar;
  v.scalar = text;
  v.line = line;
  v.col = col;
  return v;
}

// "A100-80G-SXM|H800-SXM" -> a list of names (the YAML form of allowed_chips).
YamlValue name_list_at(const std::string& text, int line, int col) {
  YamlValue v;
  v.kind = YamlValue::Kind::List;
  v.line = line;
  v.col = col;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t bar = std::min(text.find('|', start), text.size());
    v.items.push_back(scalar_at(text.substr(start, bar - start), line, col + static_cast<int>(start)));
    start = bar + 1;
  }
  return v;
}

}  // namespace

void read_trace(ParseState& st, const YamlValue& v, const std::string& base_dir) {
  MapReader r(st.ctx, v, "workload.trace", {"file", "defaults"});
  if (!r.ok()) return;
  const auto file = r.string("file", true);
  const YamlValue* defaults = r.get("defaults");
  if (defaults != nullptr && !defaults->is_map()) {
    type_error(st.ctx, *defaults, "'workload.trace.defaults'", "a map of job keys to values");
    return;
  }
  if (defaults != nullptr) {
    for (const YamlEntry& e : defaults->entries) {
      const auto& cols = explicit_job_keys();
      if (std::find(cols.begin(), cols.end(), e.key) == cols.end())
        st.ctx.error_at(e.line, e.col, "unknown key '" + e.key + "' in workload.trace.defaults (the keys of a job)");
    }
  }
  if (!file) return;
  const std::string path = resolve_scenario_path(base_dir, *file);
  std::string text, reason;
  if (const std::string why = not_regular_file_reason(path); !why.empty()) {
    r.check("file", false, "cannot read job trace '" + path + "': " + why + unreadable_path_note(*file));
    return;
  }
  if (!read_text_file(path, text, reason)) {
    r.check("file", false, "cannot read job trace '" + path + "': " + reason);
    return;
  }

  // Errors of the rows are reported against the CSV file itself.
  Ctx csv(path, st.ctx.errors());
  ParseState rows(csv, st.spec);
  rows.chips = st.chips;
  rows.sites = st.sites;
  rows.providers = st.providers;
  rows.tenants = st.tenants;

  std::vector<Cell> header, cells;
  std::string why;
  int bad_col = 0, line_no = 0;
  std::size_t pos = 0, jobs = 0;
  std::vector<std::string> names;  // the header's columns, in order
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;  // blank lines and comments
    if (!split_csv(line, cells, why, bad_col)) {
      csv.error_at(line_no, bad_col, why);
      if (names.empty()) return;
      continue;
    }
    if (names.empty()) {  // the header
      std::set<std::string> seen;
      bool ok = true;
      for (const Cell& c : cells) {
        const auto& cols = explicit_job_keys();
        if (std::find(cols.begin(), cols.end(), c.text) == cols.end()) {
          csv.error_at(line_no, c.col,
                       "unknown column '" + c.text +
                           "' (a trace's columns are the keys of a job: docs/scenario-format.md \"Job traces\")");
          ok = false;
        } else if (!seen.insert(c.text).second) {
          csv.error_at(line_no, c.col, "column '" + c.text + "' is given twice");
          ok = false;
        }
        names.push_back(c.text);
      }
      if (!ok) return;
      continue;
    }
    if (cells.size() != names.size()) {
      csv.error_at(line_no, 1,
                   "row has " + std::to_string(cells.size()) + " cells, the header " + std::to_string(names.size()));
      continue;
    }
    if (static_cast<double>(++jobs) > kMaxGeneratedJobs) {
      csv.error_at(line_no, 1, "more than " + num(kMaxGeneratedJobs) + " jobs in a trace are not supported");
      return;
    }
    YamlValue job;
    job.kind = YamlValue::Kind::Map;
    job.line = line_no;
    job.col = 1;
    for (std::size_t k = 0; k < cells.size(); ++k) {
      if (cells[k].text.empty()) continue;  // an empty cell: the default, if any
      YamlEntry e;
      e.key = names[k];
      e.line = line_no;
      e.col = cells[k].col;
      e.value = names[k] == "allowed_chips" ? name_list_at(cells[k].text, line_no, cells[k].col)
                                            : scalar_at(cells[k].text, line_no, cells[k].col);
      job.entries.push_back(std::move(e));
    }
    if (defaults != nullptr) {
      const auto& keys = explicit_job_keys();
      for (const YamlEntry& d : defaults->entries) {
        // An unknown key was reported once, at the defaults; not again at every row.
        if (job.find(d.key) != nullptr || std::find(keys.begin(), keys.end(), d.key) == keys.end()) continue;
        YamlEntry e = d;  // reported at the row, saying where the value came from
        e.line = line_no;
        e.col = 1;
        e.value.line = line_no;
        e.value.col = 1;
        e.value.origin = "workload.trace.defaults." + d.key;
        job.entries.push_back(std::move(e));
      }
    }
    const std::size_t before = csv.error_count();
    st.spec.workload.jobs.push_back(read_job(rows, job, "trace row at line " + std::to_string(line_no)));
    st.spec.job_pos.push_back(csv.pos(job));
    st.job_ok.push_back(csv.error_count() == before);
  }
  if (names.empty()) r.check("file", false, "job trace '" + path + "' has no header line");
}

}  // namespace hetsim
