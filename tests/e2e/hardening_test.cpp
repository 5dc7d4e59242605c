// End-to-end hardening checks (docs/hardening.md): results do not depend on the OpenMP thread
// count or the scoring device, and a run killed at any moment leaves the previous results whole.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_support.hpp"

using namespace hetsim::e2e;

namespace {

const char* const kFiles[] = {"jobs.csv", "timeseries.csv"};

// What manifest.json says of DIR: "" when it is absent, "whole" when every file it lists has its
// size and FNV-1a 64 hash and the run is `scenario`/`seed`, otherwise what does not match.
std::string manifest_check(const fs::path& dir, const std::string& scenario, uint64_t seed) {
  if (!fs::exists(dir / "manifest.json")) return "";
  const nlohmann::json m = nlohmann::json::parse(slurp(dir / "manifest.json"));
  if (m["format"] != "hetsim-run-outputs/1") return "format";
  if (m["run"]["scenario"] != scenario || m["run"]["seed"] != seed) return "run identity " + m["run"].dump();
  if (m["files"].size() != 3u) return "file count";
  for (const auto& f : m["files"]) {
    const std::string text = slurp(dir / f["file"].get<std::string>());
    uint64_t h = 14695981039346656037ULL;
    for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    if (f["bytes"] != text.size() || f["fnv1a64"] != fmt::format("{:016x}", h)) return f["file"].get<std::string>();
  }
  return "whole";
}

TEST(AtomicOutputs, ManifestNamesTheRunAndMatchesItsFiles) {
  const fs::path d = fresh_dir("manifest");
  ASSERT_EQ(run("run scenarios/examples/small-city.yaml --quiet --seed 7 --out " + d.string()).code, 0);
  EXPECT_EQ(manifest_check(d, "small-city", 7), "whole");
  const nlohmann::json m = nlohmann::json::parse(slurp(d / "manifest.json"));
  EXPECT_EQ(m["run"]["policy"], "easy-backfill[best-fit]");  // the policy with its parameters, as in summary.json
  // A changed file no longer matches.
  { std::ofstream(d / "timeseries.csv", std::ios::app) << "x"; }
  EXPECT_EQ(manifest_check(d, "small-city", 7), "timeseries.csv");
  fs::remove_all(d);
}

// Two writers into one --out would leave files of both runs side by side: the second is refused
// while the first holds DIR/.hetsim.lock (here the test holds it), and runs once it is released.
TEST(AtomicOutputs, ASecondWriterOfOneOutIsRefusedWhileTheFirstHoldsIt) {
  const fs::path d = fresh_dir("locked");
  fs::create_directories(d);
  const int fd = ::open((d / ".hetsim.lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  ASSERT_EQ(::pwrite(fd, "4242\n", 5, 0), 5);
  for (const std::string cmd : {"run scenarios/examples/small-city.yaml --quiet --out ",
                                "compare scenarios/examples/small-city.yaml --policies fifo --seeds 1 --out ",
                                "run tests/e2e/data/fgd-sample.yaml --quiet --out "}) {
    const Out o = run(cmd + d.string());
    EXPECT_EQ(o.code, 2) << cmd << o.text;
    EXPECT_NE(o.text.find("another hetsim process (pid 4242) is writing there"), std::string::npos) << cmd << o.text;
  }
  EXPECT_FALSE(fs::exists(d / "jobs.csv"));
  ::close(fd);  // released: the next run takes it
  const Out o = run("run scenarios/examples/small-city.yaml --quiet --out " + d.string());
  EXPECT_EQ(o.code, 0) << o.text;
  fs::remove_all(d);
}

// Every command with an OpenMP region, run with 1 and with 4 threads: the planner's candidate
// evaluation (plan, a mixed-training scenario), compare's runs in parallel, the FGD replay's
// grid. (A city run on the CPU has no parallel region: its placement scorer is not batched.)
TEST(Determinism, OpenMpThreadCountDoesNotChangeResults) {
  struct Case {
    std::string args;
    std::vector<std::string> files;
  };
  const std::vector<Case> cases{
      {"plan --model llama-140b --chips MI250X:128,Ascend-910B3:640 --progress off --out ", {"plan.json"}},
      {"run tests/e2e/data/mixed-sample.yaml --quiet --out ", {"mixed_plans.csv", "plans/small.json"}},
      {"compare scenarios/examples/small-city.yaml --policies fifo,sjf,easy-backfill --quiet --out ",
       {"compare.csv", "compare_summary.csv"}},
      {"run tests/e2e/data/fgd-sample.yaml --quiet --out ", {"fgd_curve.csv", "fgd_runs.csv"}},
  };
  for (const Case& c : cases) {
    const fs::path a = fresh_dir("omp1"), b = fresh_dir("omp4");
    const Out one = run(c.args + a.string(), "OMP_NUM_THREADS=1");
    ASSERT_EQ(one.code, 0) << c.args << "\n" << one.text;
    const Out four = run(c.args + b.string(), "OMP_NUM_THREADS=4");
    ASSERT_EQ(four.code, 0) << c.args << "\n" << four.text;
    for (const std::string& f : c.files) {
      ASSERT_TRUE(fs::exists(a / f)) << c.args << " " << f;
      EXPECT_EQ(slurp(a / f), slurp(b / f)) << c.args << " " << f;
    }
    fs::remove_all(a);
    fs::remove_all(b);
  }
}

TEST(Determinism, CpuAndCudaScoringGiveTheSameResults) {
  const fs::path a = fresh_dir("dev-cpu"), b = fresh_dir("dev-cuda");
  const Out gpu = run("run scenarios/examples/small-city.yaml --quiet --device cuda --out " + b.string());
  if (gpu.code != 0 && gpu.text.find("no usable CUDA device") != std::string::npos) GTEST_SKIP() << "no CUDA device";
  ASSERT_EQ(gpu.code, 0) << gpu.text;
  ASSERT_EQ(run("run scenarios/examples/small-city.yaml --quiet --device cpu --out " + a.string()).code, 0);
  for (const char* f : kFiles) EXPECT_EQ(slurp(a / f), slurp(b / f)) << f;
}

// Starts `hetsim args` and kills it with SIGKILL after `ms` milliseconds (if still running).
void run_and_kill(const std::string& args, int ms) {
  const pid_t pid = spawn(args);
  ASSERT_GE(pid, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

TEST(AtomicOutputs, KilledRunLeavesEachFileOldOrCompleteNeverHalfWritten) {
  // Old results: a one-day run. New results: five days of the default scenario (about 1 s here,
  // outputs written at the end). Kill a second run into the old directory at moments spanning the
  // simulation and the writing of the files.
  const fs::path old_dir = fresh_dir("kill-old"), new_dir = fresh_dir("kill-new"), dir = fresh_dir("kill");
  ASSERT_EQ(run("run scenarios/shanghai-modu.yaml --quiet --set scenario.horizon=1d --out " + old_dir.string()).code,
            0);
  const auto t0 = std::chrono::steady_clock::now();
  const std::string args = "run scenarios/shanghai-modu.yaml --quiet --set scenario.horizon=5d --out ";
  ASSERT_EQ(run(args + new_dir.string()).code, 0);
  const auto full_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  int saw_old = 0, saw_new = 0, saw_manifest = 0;
  for (int pct : {20, 60, 85, 93, 97, 100, 105}) {  // 20 %: surely before the writing, even under load
    fs::remove_all(dir);
    fs::copy(old_dir, dir);
    run_and_kill(args + dir.string(), static_cast<int>(full_ms * pct / 100));
    // The set as a unit: a manifest present is the old run's over the old files or the new run's
    // over the new ones, never one over a mix.
    const std::string m = manifest_check(dir, "shanghai-modu", 1);
    EXPECT_TRUE(m.empty() || m == "whole") << "killed at " << pct << "%: manifest " << m;
    if (m == "whole") ++saw_manifest;
    for (const char* f : {"jobs.csv", "timeseries.csv", "summary.json"}) {
      const std::string got = slurp(dir / f), was = slurp(old_dir / f);
      if (got == was) {
        ++saw_old;
      } else if (std::string(f) == "summary.json") {
        // New and complete: the wall-clock figures differ from the reference run, the rest does not.
        EXPECT_NE(got.find("\"utilization\""), std::string::npos) << "killed at " << pct << "%: " << f;
        EXPECT_EQ(got.back(), '\n') << "killed at " << pct << "%: " << f;
        ++saw_new;
      } else {
        EXPECT_EQ(got, slurp(new_dir / f)) << "killed at " << pct << "%: " << f << " is neither old nor complete";
        ++saw_new;
      }
    }
  }
  EXPECT_GT(saw_old, 0);
  EXPECT_GT(saw_manifest, 0);  // at least the kills before the writing left the old set whole
  RecordProperty("files_old", saw_old);
  RecordProperty("files_new", saw_new);
}

// SIGTERM or SIGINT at any moment: the temporaries of the writes in flight are removed and the
// process ends with 128 + the signal (they used to stay, ~190 MB a file on the city month). A run
// killed with SIGKILL leaves its temporary; the next run into the folder removes it.
TEST(AtomicOutputs, TerminatedRunsLeaveNoTemporariesAndTheNextRunClearsAKilledOnes) {
  const fs::path dir = fresh_dir("term");
  const std::string args = "run scenarios/shanghai-modu.yaml --quiet --set scenario.horizon=5d --out " + dir.string();
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(run(args).code, 0);
  const auto full_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  const auto temporaries = [&] {
    int n = 0;
    for (const auto& e : fs::directory_iterator(dir))
      n += e.path().filename().string().find(".tmp.") != std::string::npos;
    return n;
  };
  int stopped = 0;
  for (int pct : {20, 50, 85, 90, 95, 98}) {
    for (int sig : {SIGTERM, SIGINT}) {
      const pid_t pid = spawn(args);
      ASSERT_GE(pid, 0);
      std::this_thread::sleep_for(std::chrono::milliseconds(full_ms * pct / 100));
      kill(pid, sig);
      int status = 0;
      waitpid(pid, &status, 0);
      if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        EXPECT_EQ(WEXITSTATUS(status), 128 + sig) << "signal " << sig << " at " << pct << "%";
        ++stopped;
      }
      EXPECT_EQ(temporaries(), 0) << "signal " << sig << " at " << pct << "%";
    }
  }
  EXPECT_GT(stopped, 0);
  // A temporary of a dead process (SIGKILL): the next run into the folder removes it; one of a
  // live process stays.
  const pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  const fs::path stale = dir / ("jobs.csv.tmp." + std::to_string(dead) + ".0");
  const fs::path live = dir / ("jobs.csv.tmp." + std::to_string(getpid()) + ".0");
  { std::ofstream(stale) << "half"; }
  { std::ofstream(live) << "in flight"; }
  ASSERT_EQ(run("run scenarios/examples/small-city.yaml --quiet --out " + dir.string()).code, 0);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  fs::remove_all(dir);
}

}  // namespace
