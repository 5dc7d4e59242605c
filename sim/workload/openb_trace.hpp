#pragma once
// Readers for the Alibaba openb GPU-cluster trace (cluster-trace-gpu-v2023): node lists and pod
// lists. Formats, validation rules and what the real files hold: docs/scenario-format.md,
// section "openb trace". Bad data never throws: every malformed row becomes one TraceError and
// is skipped, so a caller can report all problems of a file at once.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hetsim {

struct OpenbNode {
  std::string name;  // column `sn`
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;
  uint32_t gpus = 0;  // 0 for CPU-only nodes
  std::string model;  // G2, T4, G3, P100, V100M32, V100M16 or A10; empty when gpus == 0
  int line = 0;       // 1-based row of the file, for later messages
};

struct OpenbPod {
  std::string name;
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;
  uint32_t num_gpu = 0;               // 0..8
  uint32_t gpu_milli = 0;             // 0 when num_gpu == 0; 1..1000 when 1; exactly 1000 when > 1
  std::vector<std::string> gpu_spec;  // allowed models, as listed (may repeat); empty: any
  std::string qos, phase;             // empty in the 5-column (multigpu) layout
  std::optional<int64_t> creation_s, deletion_s, scheduled_s;  // seconds; absent when empty
  int line = 0;                                                // 1-based row of the file, for later messages
};

struct TraceError {
  std::string file;
  int line = 0;  // 1-based; 0 when the file itself could not be read
  std::string message;
  std::string format() const;  // "file:line: error: message"
};

// Read all rows of a node list (header `sn,cpu_milli,memory_mib,gpu,model`).
std::vector<OpenbNode> read_openb_nodes(const std::string& path, std::vector<TraceError>& errors);

// Read all rows of a pod list, 11-column or 5-column (multigpu*) layout.
std::vector<OpenbPod> read_openb_pods(const std::string& path, std::vector<TraceError>& errors);

// The same for text already in memory (fuzzing, tests); `name` labels the errors. Files over
// 128 MiB, or of more than 1,000,000 rows, are refused with one error; at most 1,000 row errors
// are listed per file, then one error counting the rest.
std::vector<OpenbNode> parse_openb_nodes(std::string_view text, const std::string& name,
                                         std::vector<TraceError>& errors);
std::vector<OpenbPod> parse_openb_pods(std::string_view text, const std::string& name, std::vector<TraceError>& errors);

}  // namespace hetsim
