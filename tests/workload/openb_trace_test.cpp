// openb trace readers: exact values from the self-made samples, one test per malformed kind
// (message and line), and all 26 real files of ../shared/data/openb when that folder exists.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "hetsim/workload/openb_trace.hpp"

namespace hetsim {
namespace {

namespace fs = std::filesystem;

const std::string kSamples = HETSIM_SOURCE_DIR "/tests/workload/data/openb/";
const std::string kRealDir = HETSIM_SOURCE_DIR "/../shared/data/openb";

// Writes a scratch file for the cases a checked-in file would not survive (CRLF normalisation,
// binary bytes, huge lines).
std::string scratch(const std::string& name, const std::string& content) {
  const fs::path p = fs::path(::testing::TempDir()) / ("openb_" + name);
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The only error of a read, or a failure listing them all.
TraceError single_error(const std::vector<TraceError>& errors) {
  std::string all;
  for (const TraceError& e : errors) all += e.format() + "\n";
  EXPECT_EQ(errors.size(), 1u) << all;
  return errors.empty() ? TraceError{} : errors.front();
}

TEST(OpenbNodes, SampleParsesToExactValues) {
  std::vector<TraceError> errors;
  const auto nodes = read_openb_nodes(kSamples + "nodes.csv", errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(nodes.size(), 10u);
  EXPECT_EQ(nodes[0].name, "node-a00");
  EXPECT_EQ(nodes[0].cpu_milli, 96000);
  EXPECT_EQ(nodes[0].memory_mib, 393216);
  EXPECT_EQ(nodes[0].gpus, 8u);
  EXPECT_EQ(nodes[0].model, "V100M32");
  EXPECT_EQ(nodes[4].model, "A10");
  EXPECT_EQ(nodes[4].gpus, 1u);
  EXPECT_EQ(nodes[9].name, "node-c02");
  EXPECT_EQ(nodes[9].cpu_milli, 8000);
  EXPECT_EQ(nodes[9].memory_mib, 32768);
  EXPECT_EQ(nodes[9].gpus, 0u);
  EXPECT_EQ(nodes[9].model, "");
  uint32_t gpus = 0;
  int cpu_only = 0;
  for (const OpenbNode& n : nodes) {
    gpus += n.gpus;
    cpu_only += n.gpus == 0 ? 1 : 0;
  }
  EXPECT_EQ(gpus, 35u);
  EXPECT_EQ(cpu_only, 3);
}

TEST(OpenbPods, FullLayoutParsesToExactValues) {
  std::vector<TraceError> errors;
  const auto pods = read_openb_pods(kSamples + "pods.csv", errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(pods.size(), 40u);

  const OpenbPod& frac = pods[1];
  EXPECT_EQ(frac.name, "job-001");
  EXPECT_EQ(frac.cpu_milli, 2000);
  EXPECT_EQ(frac.memory_mib, 4096);
  EXPECT_EQ(frac.num_gpu, 1u);
  EXPECT_EQ(frac.gpu_milli, 250u);
  EXPECT_TRUE(frac.gpu_spec.empty());
  EXPECT_EQ(frac.qos, "BE");
  EXPECT_EQ(frac.phase, "Running");
  EXPECT_EQ(frac.creation_s, 30);
  EXPECT_EQ(frac.deletion_s, 900);
  EXPECT_EQ(frac.scheduled_s, 31);

  const OpenbPod& cpu = pods[2];
  EXPECT_EQ(cpu.num_gpu, 0u);
  EXPECT_EQ(cpu.gpu_milli, 0u);
  EXPECT_EQ(cpu.phase, "Succeeded");

  const OpenbPod& spec = pods[6];
  EXPECT_EQ(spec.qos, "Burstable");
  EXPECT_EQ(spec.gpu_spec, (std::vector<std::string>{"V100M16", "V100M32"}));

  const OpenbPod& pending = pods[7];
  EXPECT_EQ(pending.name, "job-007");
  EXPECT_EQ(pending.num_gpu, 4u);
  EXPECT_EQ(pending.gpu_milli, 1000u);
  EXPECT_EQ(pending.phase, "Pending");
  EXPECT_EQ(pending.creation_s, 300);
  EXPECT_EQ(pending.deletion_s, 9000);
  EXPECT_FALSE(pending.scheduled_s.has_value());

  // Repeated models in gpu_spec are kept as written (the real trace has them too).
  EXPECT_EQ(pods[15].gpu_spec, (std::vector<std::string>{"V100M16", "V100M32", "V100M32"}));
  EXPECT_EQ(pods[20].gpu_spec.size(), 6u);
  EXPECT_EQ(pods[10].memory_mib, 0);
  EXPECT_EQ(pods[10].gpu_milli, 1u);

  int cpu_only = 0, fractional = 0, multi = 0, constrained = 0, unscheduled = 0;
  uint32_t gpus = 0;
  for (const OpenbPod& p : pods) {
    cpu_only += p.num_gpu == 0;
    fractional += p.num_gpu == 1 && p.gpu_milli < 1000;
    multi += p.num_gpu > 1;
    constrained += !p.gpu_spec.empty();
    unscheduled += !p.scheduled_s.has_value();
    gpus += p.num_gpu;
  }
  EXPECT_EQ(cpu_only, 8);
  EXPECT_EQ(fractional, 14);
  EXPECT_EQ(multi, 11);
  EXPECT_EQ(constrained, 17);
  EXPECT_EQ(unscheduled, 6);
  EXPECT_EQ(gpus, 73u);
}

TEST(OpenbPods, ShortLayoutHasNoDetails) {
  std::vector<TraceError> errors;
  const auto pods = read_openb_pods(kSamples + "pods_multigpu.csv", errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(pods.size(), 12u);
  EXPECT_EQ(pods[5].name, "mg-005");
  EXPECT_EQ(pods[5].cpu_milli, 64000);
  EXPECT_EQ(pods[5].memory_mib, 262144);
  EXPECT_EQ(pods[5].num_gpu, 8u);
  EXPECT_EQ(pods[5].gpu_milli, 1000u);
  EXPECT_EQ(pods[6].gpu_milli, 75u);
  for (const OpenbPod& p : pods) {
    EXPECT_TRUE(p.gpu_spec.empty());
    EXPECT_TRUE(p.qos.empty() && p.phase.empty());
    EXPECT_FALSE(p.creation_s || p.deletion_s || p.scheduled_s);
  }
}

TEST(OpenbPods, CrlfLineEndingsAreTolerated) {
  std::string text = read_all(kSamples + "pods.csv");
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  std::vector<TraceError> errors;
  const auto pods = read_openb_pods(scratch("crlf.csv", crlf), errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(pods.size(), 40u);
  EXPECT_FALSE(pods[7].scheduled_s.has_value());  // the empty last field survives the CR strip
  EXPECT_EQ(pods[39].scheduled_s, 2902);
}

TEST(OpenbPods, EveryMalformedRowIsReportedWithItsLine) {
  const std::string path = kSamples + "bad_pods.csv";
  std::vector<TraceError> errors;
  const auto pods = read_openb_pods(path, errors);
  ASSERT_EQ(pods.size(), 3u);
  EXPECT_EQ(pods[0].name, "ok-1");
  EXPECT_EQ(pods[1].name, "ok-2");
  EXPECT_EQ(pods[2].name, "ok-3");

  const std::map<int, std::string> expected = {
      {3, "expected 11 fields, found 10"},
      {4, "cpu_milli: '12x' is not a non-negative integer"},
      {5, "memory_mib: negative value '-5'"},
      {6, "num_gpu: 9 is out of range 0..8"},
      {7, "gpu_milli: 500 with num_gpu 2 (multi-GPU pods take whole GPUs: must be 1000)"},
      {8, "gpu_milli: 0 with num_gpu 1 (must be 1..1000)"},
      {9, "gpu_milli: 100 with num_gpu 0 (must be 0)"},
      {10,
       "gpu_spec: unknown model 'H100' (expected one of G2, T4, G3, P100, V100M32, "
       "V100M16, A10)"},
      {11, "gpu_spec: 'T4' on a pod with no GPUs"},
      {12, "qos: unknown value 'XX' (expected one of LS, BE, Burstable, Guaranteed)"},
      {13,
       "pod_phase: unknown value 'Done' (expected one of Running, Pending, Succeeded, "
       "Failed)"},
      {14, "creation_time: '99999999999999999999' is out of range"},
      {15, "deletion_time 20 is before creation_time 50"},
      {16, "duplicate name 'ok-1' (first on line 2)"},
      {18, "empty line"},
      {19, "gpu_spec: empty entry in 'T4||P100'"},
      {20, "gpu_milli: 1001 is out of range 0..1000"},
      {21, "scheduled_time 40 is before creation_time 50"},
      {22, "name: empty"},
      {23, "cpu_milli: empty"},
      {24, "cpu_milli: '+4000' is not a non-negative integer"},
  };
  ASSERT_EQ(errors.size(), expected.size());
  auto want = expected.begin();
  for (const TraceError& e : errors) {  // in file order
    EXPECT_EQ(e.file, path);
    EXPECT_EQ(e.line, want->first);
    EXPECT_EQ(e.message, want->second) << "line " << e.line;
    ++want;
  }
  EXPECT_EQ(errors[0].format(), path + ":3: error: expected 11 fields, found 10");
}

TEST(OpenbNodes, EveryMalformedRowIsReportedWithItsLine) {
  std::vector<TraceError> errors;
  const auto nodes = read_openb_nodes(kSamples + "bad_nodes.csv", errors);
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[1].name, "n-2");
  const std::vector<std::pair<int, std::string>> expected = {
      {3, "gpu: 33 is out of range 0..32"},
      {4, "model: unknown 'K80' (expected one of G2, T4, G3, P100, V100M32, V100M16, A10)"},
      {5, "model: 'T4' on a node with 0 GPUs"},
      {6, "model: empty on a node with 2 GPUs"},
      {7, "duplicate name 'n-1' (first on line 2)"},
      {8, "expected 5 fields, found 6"},
      {9, "memory_mib: '1e5' is not a non-negative integer"},
  };
  ASSERT_EQ(errors.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(errors[i].line, expected[i].first);
    EXPECT_EQ(errors[i].message, expected[i].second);
  }
}

TEST(OpenbTrace, WrongHeaderIsOneErrorOnLineOne) {
  std::vector<TraceError> errors;
  EXPECT_TRUE(read_openb_nodes(kSamples + "bad_header_nodes.csv", errors).empty());
  TraceError e = single_error(errors);
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.message, "unexpected header; expected 'sn,cpu_milli,memory_mib,gpu,model'");

  errors.clear();
  EXPECT_TRUE(read_openb_pods(kSamples + "bad_header_pods.csv", errors).empty());
  e = single_error(errors);
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.message,
            "unexpected header; expected 'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,"
            "qos,pod_phase,creation_time,deletion_time,scheduled_time' or "
            "'name,cpu_milli,memory_mib,num_gpu,gpu_milli'");

  // A node list given to the pod reader is caught by its header too.
  errors.clear();
  EXPECT_TRUE(read_openb_pods(kSamples + "nodes.csv", errors).empty());
  EXPECT_EQ(single_error(errors).line, 1);
}

TEST(OpenbTrace, EmptyAndHeaderOnlyFilesHaveNoRows) {
  std::vector<TraceError> errors;
  EXPECT_TRUE(read_openb_nodes(kSamples + "empty_nodes.csv", errors).empty());
  TraceError e = single_error(errors);
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.message, "empty file: no rows");

  errors.clear();
  EXPECT_TRUE(read_openb_pods(kSamples + "header_only_pods.csv", errors).empty());
  e = single_error(errors);
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.message, "no rows after the header");
}

TEST(OpenbTrace, MissingFileIsOneErrorOnLineZero) {
  std::vector<TraceError> errors;
  const std::string path = kSamples + "does_not_exist.csv";
  EXPECT_TRUE(read_openb_pods(path, errors).empty());
  const TraceError e = single_error(errors);
  EXPECT_EQ(e.line, 0);
  EXPECT_EQ(e.format(), path + ":0: error: cannot open the file");
}

TEST(OpenbTrace, HugeFileIsRefusedWithoutReadingIt) {
  // A sparse 1 GiB file: refused by size, so the test neither writes nor reads a gigabyte.
  const std::string path = ::testing::TempDir() + "hetsim-huge-" + std::to_string(::getpid()) + ".csv";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("sn,cpu_milli,memory_mib,gpu,model\n", f);
    std::fclose(f);
  }
  std::filesystem::resize_file(path, std::uintmax_t{1} << 30);
  std::vector<TraceError> errors;
  EXPECT_TRUE(read_openb_nodes(path, errors).empty());
  const TraceError e = single_error(errors);
  EXPECT_EQ(e.format(), path + ":0: error: file larger than 128 MiB: not an openb trace");
  std::filesystem::remove(path);
}

// A pod list of millions of short rows took 2.95 GB (169 MB of text): the row count is capped
// before the lines are split, and so are the row errors kept.
TEST(OpenbTrace, TooManyRowsAreRefusedBeforeParsingAndRowErrorsAreCapped) {
  std::string text = "name,cpu_milli,memory_mib,num_gpu,gpu_milli\n";
  std::string many = text;
  for (int i = 0; i < 1'000'001; ++i) many += "p,1,1,0,0\n";
  std::vector<TraceError> errors;
  EXPECT_TRUE(parse_openb_pods(many, "many.csv", errors).empty());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].format(),
            "many.csv:1000002: error: more than 1000000 rows (1000002 lines; the largest openb file has about "
            "10,000): not an openb trace");
  // 1,500 bad rows (under the row cap): the first 1,000 listed, the rest counted.
  for (int i = 0; i < 1500; ++i) text += "p,x,1,0,0\n";
  errors.clear();
  EXPECT_TRUE(parse_openb_pods(text, "bad.csv", errors).empty());
  ASSERT_EQ(errors.size(), 1001u);
  EXPECT_EQ(errors[999].line, 1001);
  EXPECT_EQ(errors[1000].format(), "bad.csv:0: error: 500 more rows with errors (only the first 1000 are listed)");
}

TEST(OpenbTrace, TextInMemoryReadsLikeAFile) {
  std::vector<TraceError> a, b;
  const auto from_file = read_openb_pods(kSamples + "pods.csv", a);
  std::ifstream in(kSamples + "pods.csv", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto from_text = parse_openb_pods(text, "mem.csv", b);
  EXPECT_TRUE(a.empty());
  EXPECT_TRUE(b.empty());
  ASSERT_EQ(from_file.size(), from_text.size());
  for (std::size_t i = 0; i < from_file.size(); ++i) EXPECT_EQ(from_file[i].name, from_text[i].name);
  std::vector<TraceError> c;
  EXPECT_TRUE(parse_openb_nodes("sn,cpu\n", "bad.csv", c).empty());
  EXPECT_EQ(single_error(c).format().rfind("bad.csv:1: error: unexpected header", 0), 0u);
}

TEST(OpenbTrace, LongLinesAndBinaryJunkAreErrorsNotCrashes) {
  const std::string header = "sn,cpu_milli,memory_mib,gpu,model\n";
  std::string junk = header;
  junk += "n-1," + std::string(100000, '7') + ",1,1,T4\n";  // line 2: far too long
  const char binary_row[] = "n-2,\x00\x01\xff,1,1,T4\n";    // line 3: binary bytes
  junk += std::string(binary_row, sizeof binary_row - 1);
  junk += "n-3,1000,1024,1,T4\n";  // line 4: fine
  std::vector<TraceError> errors;
  const auto nodes = read_openb_nodes(scratch("junk.csv", junk), errors);
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].name, "n-3");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_EQ(errors[0].message, "line too long (100011 bytes, limit 4096)");
  EXPECT_EQ(errors[1].line, 3);
  EXPECT_EQ(errors[1].message, "non-printable byte 0x00 at column 5");

  // A wholly binary file fails at its header.
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes += static_cast<char>((i * 37 + 11) & 0xff);
  errors.clear();
  EXPECT_TRUE(read_openb_pods(scratch("binary.csv", bytes), errors).empty());
  EXPECT_EQ(single_error(errors).line, 1);
}

// The real trace, when ../shared/data/openb is there: every file reads without an error and
// with the row counts the trace's README and our own count give.
TEST(OpenbRealTrace, AllFilesReadCleanly) {
  if (!fs::is_directory(kRealDir)) GTEST_SKIP() << kRealDir << " not present";
  const auto dir = kRealDir + "/";

  std::vector<TraceError> errors;
  const auto gpu_nodes = read_openb_nodes(dir + "openb_node_list_gpu_node.csv", errors);
  const auto all_nodes = read_openb_nodes(dir + "openb_node_list_all_node.csv", errors);
  for (const TraceError& e : errors) ADD_FAILURE() << e.format();
  EXPECT_EQ(gpu_nodes.size(), 1213u);
  EXPECT_EQ(all_nodes.size(), 1523u);
  uint32_t gpus = 0, all_gpus = 0;
  int cpu_only = 0;
  for (const OpenbNode& n : gpu_nodes) gpus += n.gpus;
  for (const OpenbNode& n : all_nodes) {
    all_gpus += n.gpus;
    cpu_only += n.gpus == 0 && n.model.empty();
  }
  EXPECT_EQ(gpus, 6212u);
  EXPECT_EQ(all_gpus, 6212u);
  EXPECT_EQ(cpu_only, 310);

  const std::map<std::string, size_t> pod_rows = {
      {"cpu0", 7064},        {"cpu037", 7336},     {"cpu050", 7439},     {"cpu072", 7608},     {"cpu100", 7853},
      {"cpu200", 8832},      {"cpu235", 9240},     {"cpu250", 9420},     {"cpu300", 10094},    {"default", 8152},
      {"gpushare100", 8152}, {"gpushare20", 8152}, {"gpushare40", 8152}, {"gpushare60", 8152}, {"gpushare80", 8152},
      {"gpuspec05", 8152},   {"gpuspec10", 8152},  {"gpuspec20", 8152},  {"gpuspec25", 8152},  {"gpuspec33", 8152},
      {"multigpu20", 8324},  {"multigpu30", 8508}, {"multigpu40", 8746}, {"multigpu50", 9061},
  };
  for (const auto& [variant, rows] : pod_rows) {
    errors.clear();
    const auto t0 = std::chrono::steady_clock::now();
    const auto pods = read_openb_pods(dir + "openb_pod_list_" + variant + ".csv", errors);
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0);
    for (const TraceError& e : errors) ADD_FAILURE() << e.format();
    EXPECT_EQ(pods.size(), rows) << variant;
    // Only Pending pods lack a scheduled_time; creation and deletion are always there.
    for (const OpenbPod& p : pods) {
      if (p.qos.empty()) continue;  // 5-column layout
      ASSERT_TRUE(p.creation_s && p.deletion_s) << variant << " " << p.name;
      ASSERT_EQ(p.scheduled_s.has_value(), p.phase != "Pending") << variant << " " << p.name;
    }
    RecordProperty("read_ms_" + variant, static_cast<int>(ms.count()));
  }

  // The default variant's mix.
  errors.clear();
  const auto pods = read_openb_pods(dir + "openb_pod_list_default.csv", errors);
  int cpu_pods = 0, fractional = 0, multi = 0;
  for (const OpenbPod& p : pods) {
    cpu_pods += p.num_gpu == 0;
    fractional += p.num_gpu == 1 && p.gpu_milli < 1000;
    multi += p.num_gpu > 1;
  }
  EXPECT_EQ(cpu_pods, 1088);
  EXPECT_EQ(fractional, 3078);
  EXPECT_EQ(multi, 75);
}

}  // namespace
}  // namespace hetsim
