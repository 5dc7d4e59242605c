#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "../support/files.hpp"
#include "hetsim/metrics/atomic_file.hpp"
#include "hetsim/metrics/stats.hpp"

namespace fs = std::filesystem;
using namespace hetsim;

namespace {
using test::slurp;
fs::path scratch(const char* name) {
  fs::path d = fs::temp_directory_path() / ("hetsim-atomic-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d / name;
}
std::size_t files_in(const fs::path& dir) {
  std::size_t n = 0;
  for (auto it = fs::directory_iterator(dir); it != fs::directory_iterator(); ++it) ++n;
  return n;
}
}  // namespace

TEST(AtomicFile, ReplacesWholeFiles) {
  const fs::path p = scratch("whole.txt");
  write_file_atomically(p.string(), "first\n");
  write_file_atomically(p.string(), "second\n");
  EXPECT_EQ(slurp(p), "second\n");
  EXPECT_EQ(files_in(p.parent_path()), 1u);  // no temporary left behind
  fs::remove_all(p.parent_path());
}

TEST(AtomicFile, AnAbandonedStreamLeavesThePreviousFileIntact) {
  const fs::path p = scratch("stream.txt");
  write_file_atomically(p.string(), "previous complete version\n");
  {
    AtomicFileWriter w(p.string());
    w.write("half of a new ");
    // Destroyed without commit(), as when a run is interrupted by an exception.
  }
  EXPECT_EQ(slurp(p), "previous complete version\n");
  EXPECT_EQ(files_in(p.parent_path()), 1u);
  AtomicFileWriter w(p.string());
  w.write("new ");
  w.write("version\n");
  EXPECT_EQ(slurp(p), "previous complete version\n");  // not visible before commit
  w.commit();
  EXPECT_EQ(slurp(p), "new version\n");
  EXPECT_THROW(w.commit(), std::logic_error);
  EXPECT_THROW(w.write("x"), std::logic_error);
  fs::remove_all(p.parent_path());
}

TEST(AtomicFile, UnwritablePlacesAreClearErrors) {
  EXPECT_THROW(write_file_atomically("/proc/hetsim-no/x.txt", "x"), std::runtime_error);
  EXPECT_THROW(AtomicFileWriter("/proc/hetsim-no/x.txt"), std::runtime_error);
}

TEST(Stats, NearestRankPercentilesAreSampleValues) {
  const Distribution d = describe({5, 1, 4, 2, 3, 10, 9, 8, 7, 6});
  EXPECT_EQ(d.count, 10u);
  EXPECT_DOUBLE_EQ(d.mean, 5.5);
  EXPECT_DOUBLE_EQ(d.p50, 5);   // ceil(0.5 * 10) = 5th smallest
  EXPECT_DOUBLE_EQ(d.p95, 10);  // ceil(9.5) = 10th
  EXPECT_DOUBLE_EQ(d.p99, 10);
  EXPECT_DOUBLE_EQ(d.max, 10);
  EXPECT_EQ(describe({}).count, 0u);
  // The mean does not depend on input order (sorted, compensated summation).
  EXPECT_EQ(describe({1e16, 1, -1e16, 1}).mean, describe({1, 1, 1e16, -1e16}).mean);
}

// describe() sorts large inputs by a radix sort: the same figures as a comparison sort, on
// negatives, duplicates, zeros, huge and tiny magnitudes.
TEST(Stats, LargeInputsGiveTheFiguresOfAComparisonSort) {
  std::mt19937_64 gen(3);
  for (int round = 0; round < 20; ++round) {
    std::vector<double> v(5000 + gen() % 20000);
    for (double& x : v) {
      switch (gen() % 5) {
        case 0:
          x = static_cast<double>(gen() % 100);
          break;  // duplicates
        case 1:
          x = -static_cast<double>(gen() % 1000) * 0.25;
          break;  // negatives
        case 2:
          x = std::ldexp(static_cast<double>(gen() % 1000000), static_cast<int>(gen() % 200) - 100);
          break;
        case 3:
          x = 0.0;
          break;
        default:
          x = static_cast<double>(gen()) * 1e-6;
          break;
      }
    }
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    double sum = 0, comp = 0;
    for (double x : sorted) {
      const double y = x - comp;
      const double t = sum + y;
      comp = (t - sum) - y;
      sum = t;
    }
    const Distribution d = describe(v);
    EXPECT_EQ(d.mean, sum / static_cast<double>(sorted.size())) << round;
    EXPECT_EQ(d.p50, nearest_rank_percentile(sorted, 50)) << round;
    EXPECT_EQ(d.p95, nearest_rank_percentile(sorted, 95)) << round;
    EXPECT_EQ(d.p99, nearest_rank_percentile(sorted, 99)) << round;
    EXPECT_EQ(d.max, sorted.back()) << round;
  }
}

TEST(Stats, StudentTQuantilesAndConfidenceIntervals) {
  EXPECT_NEAR(hetsim::student_t_975(1), 12.7062, 1e-4);
  EXPECT_NEAR(hetsim::student_t_975(4), 2.7764, 1e-4);
  EXPECT_NEAR(hetsim::student_t_975(30), 2.0423, 1e-4);
  EXPECT_NEAR(hetsim::student_t_975(31), 2.0395, 1e-3);  // expansion beyond the table
  EXPECT_NEAR(hetsim::student_t_975(60), 2.0003, 1e-3);
  EXPECT_NEAR(hetsim::student_t_975(1000), 1.9623, 1e-3);
  EXPECT_TRUE(std::isnan(hetsim::student_t_975(0)));
  const hetsim::MeanCi c = hetsim::mean_ci95({1, 2, 3, 4, 5});
  EXPECT_EQ(c.n, 5u);
  EXPECT_DOUBLE_EQ(c.mean, 3);
  EXPECT_NEAR(c.sd, std::sqrt(2.5), 1e-12);
  EXPECT_NEAR(c.half_width, 2.776445 * std::sqrt(2.5) / std::sqrt(5.0), 1e-6);
  const hetsim::MeanCi one = hetsim::mean_ci95({7});
  EXPECT_DOUBLE_EQ(one.mean, 7);
  EXPECT_TRUE(std::isnan(one.half_width));
  EXPECT_EQ(hetsim::mean_ci95({}).n, 0u);
}

// The output-path rule (atomic_file.hpp): rename only over what the run owns.
TEST(AtomicFile, WritesThroughSymlinksStreamsToFifosAndRefusesTheRest) {
  const fs::path real = scratch("real.txt");
  const fs::path dir = real.parent_path();
  write_file_atomically(real.string(), "old\n");
  fs::create_symlink(real, dir / "link.txt");
  write_file_atomically((dir / "link.txt").string(), "through the link\n");
  EXPECT_TRUE(fs::is_symlink(dir / "link.txt"));
  EXPECT_EQ(slurp(real), "through the link\n");
  {
    AtomicFileWriter w((dir / "link.txt").string());
    w.write("streamed ");
    w.write("through\n");
    w.commit();
  }
  EXPECT_TRUE(fs::is_symlink(dir / "link.txt"));
  EXPECT_EQ(slurp(real), "streamed through\n");
  EXPECT_EQ(resolve_output_path((dir / "link.txt").string()).path, fs::canonical(real).string());

  // A FIFO is written to, not replaced (a reader is open so the writer's open does not block).
  const fs::path fifo = dir / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const int rd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(rd, 0);
  EXPECT_TRUE(resolve_output_path(fifo.string()).stream);
  write_file_atomically(fifo.string(), "to the pipe\n");
  char buf[64] = {};
  EXPECT_EQ(::read(rd, buf, sizeof buf), 12);
  EXPECT_EQ(std::string(buf), "to the pipe\n");
  ::close(rd);
  EXPECT_TRUE(fs::is_fifo(fifo));

  // A character device stays one; "-" is stdout.
  EXPECT_TRUE(resolve_output_path("/dev/null").stream);
  write_file_atomically("/dev/null", "nothing\n");
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  testing::internal::CaptureStdout();
  write_file_atomically("-", "on stdout\n");
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "on stdout\n");

  // Refused, and nothing written: a directory, a link to nothing, an empty path.
  EXPECT_THROW(write_file_atomically(dir.string(), "x"), OutputPathError);
  fs::create_symlink(dir / "absent.txt", dir / "dangling.txt");
  EXPECT_THROW(write_file_atomically((dir / "dangling.txt").string(), "x"), OutputPathError);
  EXPECT_THROW(AtomicFileWriter((dir / "dangling.txt").string()), OutputPathError);
  EXPECT_FALSE(fs::exists(dir / "absent.txt"));
  EXPECT_NE(output_path_problem(dir.string()).find("is a directory"), std::string::npos);
  EXPECT_NE(output_path_problem("").find("empty"), std::string::npos);
  EXPECT_EQ(output_path_problem((dir / "new.txt").string()), "");
  fs::remove_all(dir);
}
