// write_run_outputs: the files a run leaves, whatever thread built them. The summary is built
// beside jobs.csv's formatting; the files must be those of the one-thread report, written in the
// same order, so a summary that fails leaves jobs.csv and neither summary.json nor manifest.json.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "../support/files.hpp"
#include "../support/mini_model.hpp"
#include "../support/run_helpers.hpp"
#include "hetsim/metrics/report.hpp"

using namespace hetsim;
using test::slurp;
namespace fs = std::filesystem;

namespace {

struct OutDir {
  fs::path path = fs::temp_directory_path() / ("hetsim-run-outputs-" + std::to_string(::getpid()));
  OutDir() { fs::remove_all(path); }
  ~OutDir() { fs::remove_all(path); }
};

}  // namespace

TEST(RunOutputs, TheFilesAreTheReportsOwnAndTheManifestListsThem) {
  const SimulationModel m = test::one_job_model();
  const test::Ran ran = test::run_policy(m, "fifo");
  RunInfo info;
  info.policy = ran.policy_name;
  info.events = ran.result.events;
  info.policy_stats = {{"rounds", 3, true}};
  const ReportInputs in{&info, &m.cluster, &m.chips, &m.jobs, &m.tenants, ran.metrics.get(), &m.vouchers};
  OutDir dir;
  const nlohmann::ordered_json returned = write_run_outputs(dir.path.string(), in);
  const nlohmann::ordered_json expected = summary_json(in);
  EXPECT_EQ(returned, expected);
  EXPECT_EQ(slurp(dir.path / "summary.json"), expected.dump(2) + "\n");
  EXPECT_EQ(slurp(dir.path / "jobs.csv"), jobs_csv(in));
  EXPECT_EQ(slurp(dir.path / "timeseries.csv"), timeseries_csv(in));
  const auto manifest = nlohmann::json::parse(slurp(dir.path / "manifest.json"));
  ASSERT_EQ(manifest["files"].size(), 3u);
  for (const auto& f : manifest["files"]) {
    EXPECT_EQ(f["bytes"].get<uint64_t>(), fs::file_size(dir.path / f["file"].get<std::string>()));
  }
}

TEST(RunOutputs, ASummaryThatFailsLeavesJobsCsvAndNoSummaryOrManifest) {
  const SimulationModel m = test::one_job_model();
  const test::Ran ran = test::run_policy(m, "fifo");
  RunInfo info;
  info.policy = ran.policy_name;
  info.policy_stats = {{"x", 1, true}, {"x", 2, true}};  // the report's backstop refuses a name twice
  const ReportInputs in{&info, &m.cluster, &m.chips, &m.jobs, &m.tenants, ran.metrics.get(), &m.vouchers};
  OutDir dir;
  EXPECT_THROW(write_run_outputs(dir.path.string(), in), std::logic_error);
  EXPECT_EQ(slurp(dir.path / "jobs.csv"), jobs_csv(in));
  EXPECT_TRUE(fs::exists(dir.path / "timeseries.csv"));
  EXPECT_FALSE(fs::exists(dir.path / "summary.json"));
  EXPECT_FALSE(fs::exists(dir.path / "manifest.json"));
}
