#include "hetsim/workload/openb_trace.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <unordered_map>

namespace hetsim {
namespace {

constexpr std::string_view kNodeHeader = "sn,cpu_milli,memory_mib,gpu,model";
constexpr std::string_view kPodHeader =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,"
    "deletion_time,scheduled_time";
constexpr std::string_view kPodHeaderShort = "name,cpu_milli,memory_mib,num_gpu,gpu_milli";

// Real rows are under 130 bytes; a much longer line is junk, and refusing it early keeps the
// messages short and the field splitting bounded.
constexpr size_t kMaxLineBytes = 4096;
constexpr int64_t kMaxNodeGpus = 32;
constexpr int64_t kMaxPodGpus = 8;
constexpr int64_t kWholeGpuMilli = 1000;

constexpr std::array<std::string_view, 7> kModels = {"G2", "T4", "G3", "P100", "V100M32", "V100M16", "A10"};
constexpr std::array<std::string_view, 4> kQos = {"LS", "BE", "Burstable", "Guaranteed"};
constexpr std::array<std::string_view, 4> kPhases = {"Running", "Pending", "Succeeded", "Failed"};

template <size_t N>
bool one_of(const std::array<std::string_view, N>& set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

template <size_t N>
std::string listing(const std::array<std::string_view, N>& set) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) out += ", ";
    out += set[i];
  }
  return out;
}

// Quoted field text for messages, shortened so a junk field cannot flood the report.
std::string shown(std::string_view v) {
  constexpr size_t kMax = 40;
  std::string out = "'";
  out.append(v.substr(0, kMax));
  if (v.size() > kMax) out += "...";
  return out + "'";
}

// A parse step: an empty string means success, anything else is the row's error message.
using Problem = std::string;

Problem parse_count(std::string_view text, std::string_view column, int64_t& out) {
  if (text.empty()) return std::string(column) + ": empty";
  // from_chars accepts a leading '-', which no count may have.
  if (text.front() == '-') return std::string(column) + ": negative value " + shown(text);
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if (ec == std::errc::result_out_of_range) {
    return std::string(column) + ": " + shown(text) + " is out of range";
  }
  if (ec != std::errc() || ptr != end) {
    return std::string(column) + ": " + shown(text) + " is not a non-negative integer";
  }
  return {};
}

Problem parse_bounded(std::string_view text, std::string_view column, int64_t lo, int64_t hi, int64_t& out) {
  if (Problem p = parse_count(text, column, out); !p.empty()) return p;
  if (out < lo || out > hi) {
    return std::string(column) + ": " + std::to_string(out) + " is out of range " + std::to_string(lo) + ".." +
           std::to_string(hi);
  }
  return {};
}

Problem parse_time(std::string_view text, std::string_view column, std::optional<int64_t>& out) {
  if (text.empty()) return {};  // Pending pods have no scheduled_time
  int64_t v = 0;
  if (Problem p = parse_count(text, column, v); !p.empty()) return p;
  out = v;
  return {};
}

// One line of the file, without its terminator (and without a trailing CR: CRLF files work).
struct Line {
  std::string_view text;
  int number = 0;
};

std::vector<Line> split_lines(std::string_view buf) {
  std::vector<Line> lines;
  int number = 0;
  size_t pos = 0;
  while (pos < buf.size()) {
    size_t nl = buf.find('\n', pos);
    if (nl == std::string_view::npos) nl = buf.size();
    std::string_view text = buf.substr(pos, nl - pos);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    lines.push_back({text, ++number});
    pos = nl + 1;
  }
  return lines;
}

// The trace is plain ASCII; a control or high byte means a binary or corrupted file.
Problem check_line(std::string_view text) {
  if (text.size() > kMaxLineBytes) {
    return "line too long (" + std::to_string(text.size()) + " bytes, limit " + std::to_string(kMaxLineBytes) + ")";
  }
  if (text.empty()) return "empty line";
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(c));
      return "non-printable byte " + std::string(hex) + " at column " + std::to_string(i + 1);
    }
  }
  return {};
}

// Splits on ',' into `out`; the trace has no quoting.
void split_fields(std::string_view text, std::vector<std::string_view>& out) {
  out.clear();
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) {
      out.push_back(text.substr(pos));
      return;
    }
    out.push_back(text.substr(pos, comma - pos));
    pos = comma + 1;
  }
}

// Reads the whole file; false when it cannot be opened or read.
// The real files are under 1 MB; a file this large is not a trace, and reading it whole could
// exhaust memory.
constexpr std::uintmax_t kMaxTraceBytes = 128u << 20;
// Rows: the largest of the 26 openb files has about 10,000. Each row costs a few hundred bytes
// once parsed (a 169 MB list of short rows took 2.95 GB), so the count is capped before the
// split, about 100x the real files.
constexpr std::size_t kMaxTraceRows = 1'000'000;
// Row errors kept per file: a file of millions of bad rows would hold one message each. The CLI
// shows 20; the rest are counted in one last error.
constexpr std::size_t kMaxRowErrors = 1000;

// "" on success, else why the file could not be read.
std::string slurp(const std::string& path, std::string& buf) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec) && std::filesystem::file_size(path, ec) > kMaxTraceBytes)
    return "file larger than 128 MiB: not an openb trace";
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot open the file";
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return "cannot read the file";
  buf = std::move(ss).str();
  return {};
}

// Shared frame of both readers: opens the file, checks the header against the accepted layouts
// (returning which one matched), then hands each row's fields to `parse_row`, which returns a
// Problem. Rows with a problem are reported and skipped.
class TableReader {
 public:
  TableReader(const std::string& path, std::vector<TraceError>& errors) : path_(path), errors_(errors) {}

  // Reads the file named at construction.
  int open(const std::vector<std::string_view>& headers) {
    if (std::string why = slurp(path_, buf_); !why.empty()) {
      report(0, why);
      return -1;
    }
    return open_text(headers);
  }
  // Uses `text` as the file's content (the name given at construction labels the errors).
  int open(std::string_view text, const std::vector<std::string_view>& headers) {
    buf_.assign(text);
    return open_text(headers);
  }

 private:
  // Index into `headers` of the matching layout, or -1 after reporting the problem.
  int open_text(const std::vector<std::string_view>& headers) {
    std::string_view view = buf_;
    if (view.substr(0, 3) == "\xEF\xBB\xBF") view.remove_prefix(3);  // tolerate a UTF-8 BOM
    if (const auto newlines = static_cast<std::size_t>(std::count(view.begin(), view.end(), '\n'));
        newlines > kMaxTraceRows + 1) {
      report(static_cast<int>(kMaxTraceRows) + 2,
             "more than " + std::to_string(kMaxTraceRows) + " rows (" + std::to_string(newlines) +
                 " lines; the largest openb file has about 10,000): not an openb trace");
      return -1;
    }
    lines_ = split_lines(view);
    if (lines_.empty()) {
      report(1, "empty file: no rows");
      return -1;
    }
    for (size_t i = 0; i < headers.size(); ++i) {
      if (lines_[0].text == headers[i]) {
        if (lines_.size() == 1) {
          report(1, "no rows after the header");
          return -1;
        }
        first_line_.reserve(lines_.size());
        return static_cast<int>(i);
      }
    }
    std::string expected;
    for (size_t i = 0; i < headers.size(); ++i) {
      if (i > 0) expected += "' or '";
      expected += headers[i];
    }
    report(1, "unexpected header; expected '" + expected + "'");
    return -1;
  }

 public:
  // Calls parse_row(fields, line_number) -> Problem for every data row with `want` fields.
  template <typename ParseRow>
  void rows(size_t want, ParseRow&& parse_row) {
    std::vector<std::string_view> fields;
    fields.reserve(want);
    for (size_t i = 1; i < lines_.size(); ++i) {
      const Line& line = lines_[i];
      Problem p = check_line(line.text);
      if (p.empty()) {
        split_fields(line.text, fields);
        if (fields.size() != want) {
          p = "expected " + std::to_string(want) + " fields, found " + std::to_string(fields.size());
        } else {
          p = parse_row(fields, line.number);
        }
      }
      if (p.empty()) continue;
      if (++row_errors_ <= kMaxRowErrors) report(line.number, std::move(p));
    }
    if (row_errors_ > kMaxRowErrors)
      report(0, std::to_string(row_errors_ - kMaxRowErrors) + " more rows with errors (only the first " +
                    std::to_string(kMaxRowErrors) + " are listed)");
  }

  size_t row_count() const { return lines_.empty() ? 0 : lines_.size() - 1; }

  // Duplicate detection on names, which point into the file buffer (alive as long as *this).
  Problem claim_name(std::string_view name, int line) {
    if (name.empty()) return "name: empty";
    const auto [it, inserted] = first_line_.try_emplace(name, line);
    if (!inserted) {
      return "duplicate name " + shown(name) + " (first on line " + std::to_string(it->second) + ")";
    }
    return {};
  }

 private:
  void report(int line, std::string message) { errors_.push_back(TraceError{path_, line, std::move(message)}); }

  const std::string& path_;
  std::vector<TraceError>& errors_;
  std::size_t row_errors_ = 0;
  std::string buf_;
  std::vector<Line> lines_;
  std::unordered_map<std::string_view, int> first_line_;  // lookup only, never iterated
};

Problem parse_node(const std::vector<std::string_view>& f, OpenbNode& n) {
  int64_t gpus = 0;
  if (Problem p = parse_count(f[1], "cpu_milli", n.cpu_milli); !p.empty()) return p;
  if (Problem p = parse_count(f[2], "memory_mib", n.memory_mib); !p.empty()) return p;
  if (Problem p = parse_bounded(f[3], "gpu", 0, kMaxNodeGpus, gpus); !p.empty()) return p;
  n.gpus = static_cast<uint32_t>(gpus);
  const std::string_view model = f[4];
  if (gpus == 0) {
    // CPU-only nodes (all-node list) carry an empty model; a model there would be ambiguous.
    if (!model.empty()) return "model: " + shown(model) + " on a node with 0 GPUs";
  } else {
    if (model.empty()) return "model: empty on a node with " + std::to_string(gpus) + " GPUs";
    if (!one_of(kModels, model)) {
      return "model: unknown " + shown(model) + " (expected one of " + listing(kModels) + ")";
    }
  }
  n.name = std::string(f[0]);
  n.model = std::string(model);
  return {};
}

Problem parse_gpu_spec(std::string_view text, OpenbPod& pod) {
  if (text.empty()) return {};
  if (pod.num_gpu == 0) return "gpu_spec: " + shown(text) + " on a pod with no GPUs";
  size_t pos = 0;
  while (true) {
    const size_t bar = text.find('|', pos);
    const std::string_view m = text.substr(pos, bar == std::string_view::npos ? std::string_view::npos : bar - pos);
    if (m.empty()) return "gpu_spec: empty entry in " + shown(text);
    if (!one_of(kModels, m)) {
      return "gpu_spec: unknown model " + shown(m) + " (expected one of " + listing(kModels) + ")";
    }
    pod.gpu_spec.emplace_back(m);
    if (bar == std::string_view::npos) return {};
    pos = bar + 1;
  }
}

// The request columns shared by both layouts.
Problem parse_request(const std::vector<std::string_view>& f, OpenbPod& pod) {
  int64_t num_gpu = 0;
  int64_t gpu_milli = 0;
  if (Problem p = parse_count(f[1], "cpu_milli", pod.cpu_milli); !p.empty()) return p;
  if (Problem p = parse_count(f[2], "memory_mib", pod.memory_mib); !p.empty()) return p;
  if (Problem p = parse_bounded(f[3], "num_gpu", 0, kMaxPodGpus, num_gpu); !p.empty()) return p;
  if (Problem p = parse_bounded(f[4], "gpu_milli", 0, kWholeGpuMilli, gpu_milli); !p.empty()) {
    return p;
  }
  // The trace shares GPUs only for single-GPU pods; every multi-GPU pod of the 26 files asks for
  // whole GPUs (gpu_milli 1000), and CPU-only pods always have 0.
  const auto problem = [&](const char* rule) {
    return "gpu_milli: " + std::to_string(gpu_milli) + " with num_gpu " + std::to_string(num_gpu) + rule;
  };
  if (num_gpu == 0 && gpu_milli != 0) return problem(" (must be 0)");
  if (num_gpu == 1 && gpu_milli == 0) return problem(" (must be 1..1000)");
  if (num_gpu > 1 && gpu_milli != kWholeGpuMilli) {
    return problem(" (multi-GPU pods take whole GPUs: must be 1000)");
  }
  pod.num_gpu = static_cast<uint32_t>(num_gpu);
  pod.gpu_milli = static_cast<uint32_t>(gpu_milli);
  return {};
}

Problem parse_pod_details(const std::vector<std::string_view>& f, OpenbPod& pod) {
  if (Problem p = parse_gpu_spec(f[5], pod); !p.empty()) return p;
  if (!one_of(kQos, f[6])) {
    return "qos: unknown value " + shown(f[6]) + " (expected one of " + listing(kQos) + ")";
  }
  if (!one_of(kPhases, f[7])) {
    return "pod_phase: unknown value " + shown(f[7]) + " (expected one of " + listing(kPhases) + ")";
  }
  if (Problem p = parse_time(f[8], "creation_time", pod.creation_s); !p.empty()) return p;
  if (Problem p = parse_time(f[9], "deletion_time", pod.deletion_s); !p.empty()) return p;
  if (Problem p = parse_time(f[10], "scheduled_time", pod.scheduled_s); !p.empty()) return p;
  if (pod.creation_s && pod.deletion_s && *pod.deletion_s < *pod.creation_s) {
    return "deletion_time " + std::to_string(*pod.deletion_s) + " is before creation_time " +
           std::to_string(*pod.creation_s);
  }
  if (pod.creation_s && pod.scheduled_s && *pod.scheduled_s < *pod.creation_s) {
    return "scheduled_time " + std::to_string(*pod.scheduled_s) + " is before creation_time " +
           std::to_string(*pod.creation_s);
  }
  pod.qos = std::string(f[6]);
  pod.phase = std::string(f[7]);
  return {};
}

}  // namespace

std::string TraceError::format() const { return file + ":" + std::to_string(line) + ": error: " + message; }

namespace {

std::vector<OpenbNode> nodes_from(TableReader& table, int layout) {
  std::vector<OpenbNode> nodes;
  if (layout < 0) return nodes;
  nodes.reserve(table.row_count());
  table.rows(5, [&](const std::vector<std::string_view>& f, int line) -> Problem {
    OpenbNode n;
    if (Problem p = parse_node(f, n); !p.empty()) return p;
    if (Problem p = table.claim_name(f[0], line); !p.empty()) return p;
    n.line = line;
    nodes.push_back(std::move(n));
    return {};
  });
  return nodes;
}

std::vector<OpenbPod> pods_from(TableReader& table, int layout) {
  std::vector<OpenbPod> pods;
  if (layout < 0) return pods;
  const bool full = layout == 0;
  pods.reserve(table.row_count());
  table.rows(full ? 11 : 5, [&](const std::vector<std::string_view>& f, int line) -> Problem {
    OpenbPod pod;
    if (Problem p = parse_request(f, pod); !p.empty()) return p;
    if (full) {
      if (Problem p = parse_pod_details(f, pod); !p.empty()) return p;
    }
    if (Problem p = table.claim_name(f[0], line); !p.empty()) return p;
    pod.name = std::string(f[0]);
    pod.line = line;
    pods.push_back(std::move(pod));
    return {};
  });
  return pods;
}

}  // namespace

std::vector<OpenbNode> read_openb_nodes(const std::string& path, std::vector<TraceError>& errors) {
  TableReader table(path, errors);
  return nodes_from(table, table.open({kNodeHeader}));
}

std::vector<OpenbNode> parse_openb_nodes(std::string_view text, const std::string& name,
                                         std::vector<TraceError>& errors) {
  TableReader table(name, errors);
  return nodes_from(table, table.open(text, {kNodeHeader}));
}

std::vector<OpenbPod> read_openb_pods(const std::string& path, std::vector<TraceError>& errors) {
  TableReader table(path, errors);
  return pods_from(table, table.open({kPodHeader, kPodHeaderShort}));
}

std::vector<OpenbPod> parse_openb_pods(std::string_view text, const std::string& name,
                                       std::vector<TraceError>& errors) {
  TableReader table(name, errors);
  return pods_from(table, table.open(text, {kPodHeader, kPodHeaderShort}));
}

}  // namespace hetsim
