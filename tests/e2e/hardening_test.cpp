// End-to-end hardening checks (docs/hardening.md): results do not depend on the OpenMP thread
// count or the scoring device, and a run killed at any moment leaves the previous results whole.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "cli_support.hpp"

using namespace hetsim::e2e;

namespace {

const char* const kFiles[] = {"jobs.csv", "timeseries.csv"};

TEST(Determinism, OpenMpThreadCountDoesNotChangeResults) {
  for (const char* policy : {"easy-backfill", "fifo:placement=packing"}) {
    const fs::path a = fresh_dir("omp1"), b = fresh_dir("omp2");
    const std::string args = std::string("run scenarios/examples/small-city.yaml --quiet --policy ") + policy + " --out ";
    ASSERT_EQ(run(args + a.string(), "OMP_NUM_THREADS=1").code, 0);
    ASSERT_EQ(run(args + b.string(), "OMP_NUM_THREADS=2").code, 0);
    for (const char* f : kFiles) EXPECT_EQ(slurp(a / f), slurp(b / f)) << policy << " " << f;
  }
}

TEST(Determinism, CpuAndCudaScoringGiveTheSameResults) {
  const fs::path a = fresh_dir("dev-cpu"), b = fresh_dir("dev-cuda");
  const Out gpu = run("run scenarios/examples/small-city.yaml --quiet --device cuda --out " + b.string());
  if (gpu.code != 0 && gpu.text.find("no usable CUDA device") != std::string::npos)
    GTEST_SKIP() << "no CUDA device";
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
  ASSERT_EQ(run("run scenarios/shanghai-modu.yaml --quiet --set scenario.horizon=1d --out " + old_dir.string()).code, 0);
  const auto t0 = std::chrono::steady_clock::now();
  const std::string args = "run scenarios/shanghai-modu.yaml --quiet --set scenario.horizon=5d --out ";
  ASSERT_EQ(run(args + new_dir.string()).code, 0);
  const auto full_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  int saw_old = 0, saw_new = 0;
  for (int pct : {60, 85, 93, 97, 100, 105}) {
    fs::remove_all(dir);
    fs::copy(old_dir, dir);
    run_and_kill(args + dir.string(), static_cast<int>(full_ms * pct / 100));
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
  RecordProperty("files_old", saw_old);
  RecordProperty("files_new", saw_new);
}

}  // namespace
