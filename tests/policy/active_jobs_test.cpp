// ActiveJobs (sim/policy/rounds/active_jobs.hpp): the round-based policies' active set, walked in
// id order whatever the order of inserts and erases, compactions included.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "hetsim/core/rng.hpp"
#include "hetsim/policy/rounds/active_jobs.hpp"

using namespace hetsim;

namespace {
std::vector<JobId> walk(const ActiveJobs& a) {
  std::vector<JobId> out;
  a.for_each([&](JobId id) { out.push_back(id); });
  return out;
}
}  // namespace

TEST(ActiveJobs, WalksInIdOrderAfterOutOfOrderInsertsErasesAndReinserts) {
  ActiveJobs a;
  for (JobId id : {5u, 9u, 2u, 7u}) a.insert(id);
  EXPECT_EQ(walk(a), (std::vector<JobId>{2, 5, 7, 9}));
  a.erase(5);
  a.erase(5);   // twice: no effect
  a.erase(42);  // never inserted
  EXPECT_EQ(walk(a), (std::vector<JobId>{2, 7, 9}));
  EXPECT_FALSE(a.contains(5));
  a.insert(5);  // its tombstone comes back
  a.insert(9);  // already there
  EXPECT_EQ(walk(a), (std::vector<JobId>{2, 5, 7, 9}));
  EXPECT_EQ(a.size(), 4u);
  std::vector<JobId> until;
  a.for_each_until([&](JobId id) {
    until.push_back(id);
    return id < 5;
  });
  EXPECT_EQ(until, (std::vector<JobId>{2, 5}));
}

// Against std::set on a random sequence long enough to compact many times.
TEST(ActiveJobs, AgreesWithAStdSetOverManyCompactions) {
  ActiveJobs a;
  std::set<JobId> ref;
  uint64_t seed = 99;
  JobId next_id = 0;
  for (int step = 0; step < 20000; ++step) {
    const uint64_t r = splitmix64(seed) % 10;
    if (r < 5) {
      a.insert(next_id);
      ref.insert(next_id++);
    } else if (r < 6) {
      const auto id = static_cast<JobId>(splitmix64(seed) % (next_id + 1));
      a.insert(id);
      ref.insert(id);
    } else if (!ref.empty()) {
      auto it = ref.begin();
      std::advance(it, static_cast<long>(splitmix64(seed) % std::min<std::size_t>(ref.size(), 64)));
      a.erase(*it);
      ref.erase(it);
    }
    ASSERT_EQ(a.size(), ref.size());
    ASSERT_EQ(a.empty(), ref.empty());
    if (step % 97 == 0) {
      ASSERT_EQ(walk(a), std::vector<JobId>(ref.begin(), ref.end())) << "step " << step;
    }
  }
  EXPECT_EQ(walk(a), std::vector<JobId>(ref.begin(), ref.end()));
}
