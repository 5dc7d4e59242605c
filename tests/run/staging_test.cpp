// Data staging in the driver (scenario `data_staging:`): a job that starts away from its data
// copies it first, holding its cards; copies share the links; preemptions, failures and link
// outages during a copy; the locality rules of the policies (data=home|weigh).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "../support/mini_model.hpp"
#include "../support/policy_lists.hpp"
#include "../support/run_helpers.hpp"
#include "hetsim/metrics/report.hpp"

using namespace hetsim;

namespace {

// Sites 0 and 1 joined by a 10 Gb/s link (500 us one way), each with `nodes` fast 8-card nodes.
// Jobs: 8 cards, 100 s of work, 10 GB of data at site 1 (a copy alone takes 8 s + 0.5 ms).
SimulationModel two_sites(uint32_t nodes0, uint32_t nodes1, uint32_t jobs, bool staging = true) {
  SimulationModel m = test::mini_model(2);
  if (nodes0 > 0) m.cluster.add_pool(0, 0, 0, nodes0, 8, 128000, 1 << 20, 2);
  if (nodes1 > 0) m.cluster.add_pool(1, 0, 0, nodes1, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  for (JobId i = 0; i < jobs; ++i) {
    m.jobs.push_back(test::timed_job(i, 0, 8, 100));
    m.jobs.back().data_site = 1;
    m.jobs.back().data_gb = 10;
  }
  test::finalize(m);
  m.data_staging.enabled = staging;
  m.checkpoint.restart_overhead_s = 5;
  return m;
}

const JobRecord& rec(const test::Ran& r, JobId id) { return r.metrics->records()[id]; }

constexpr double kCopy = 8.0005;  // 80e9 bits at 10 Gb/s, plus the link's latency

}  // namespace

TEST(Staging, AJobAwayFromItsDataCopiesItFirstHoldingItsCards) {
  const auto r = test::run_policy(two_sites(1, 0, 1), "fifo");
  EXPECT_DOUBLE_EQ(rec(r, 0).start.seconds(), 0);  // the cards are its from the start
  EXPECT_DOUBLE_EQ(rec(r, 0).end.seconds(), kCopy + 100);
  EXPECT_EQ(rec(r, 0).copies, 1u);
  EXPECT_DOUBLE_EQ(rec(r, 0).staged_gb, 10);
  EXPECT_DOUBLE_EQ(rec(r, 0).staging_s, kCopy);
  // Without data_staging, or at its data site, nothing is copied.
  const auto off = test::run_policy(two_sites(1, 0, 1, false), "fifo");
  EXPECT_DOUBLE_EQ(rec(off, 0).end.seconds(), 100);
  EXPECT_EQ(rec(off, 0).copies, 0u);
  const auto home = test::run_policy(two_sites(0, 1, 1), "fifo");
  EXPECT_DOUBLE_EQ(rec(home, 0).end.seconds(), 100);
  EXPECT_EQ(rec(home, 0).copies, 0u);
}

TEST(Staging, ConcurrentCopiesShareTheLink) {
  const auto r = test::run_policy(two_sites(2, 0, 2), "fifo");
  for (JobId id : {0u, 1u}) {
    EXPECT_DOUBLE_EQ(rec(r, id).end.seconds(), 16.0005 + 100) << id;  // 5 Gb/s each
    EXPECT_DOUBLE_EQ(rec(r, id).staging_s, 16.0005) << id;
  }
  // link_share halves what staging may use.
  SimulationModel half = two_sites(1, 0, 1);
  half.data_staging.link_share = 0.5;
  const auto h = test::run_policy(half, "fifo");
  EXPECT_DOUBLE_EQ(rec(h, 0).end.seconds(), 16.0005 + 100);
}

TEST(Staging, TheEstimatedEndIncludesTheCopy) {
  // EASY: job 0 copies (8.0005 s) then trains 100 s on node 0 of site 0; job 1, a 16-card gang,
  // is blocked and reserved both nodes from job 0's estimated end, 108.0005 s; job 2 (104 s, data
  // at site 0) may backfill on node 1 only because it ends before that. Were the copy left out of
  // the estimate, the shadow would be 100 s and job 2 would wait.
  SimulationModel m = two_sites(2, 0, 3);
  m.jobs[1].cards = 16;
  m.jobs[2] = test::timed_job(2, 0, 8, 104);
  m.jobs[2].data_site = 0;
  test::finalize(m);
  const auto r = test::run_policy(m, "easy-backfill");
  EXPECT_DOUBLE_EQ(rec(r, 2).start.seconds(), 0);
  EXPECT_EQ(rec(r, 2).copies, 0u);
  EXPECT_DOUBLE_EQ(rec(r, 1).start.seconds(), kCopy + 100);
  EXPECT_EQ(rec(r, 1).copies, 1u);  // one copy to site 0 for the whole gang
  SimulationModel longer = m;
  longer.jobs[2] = test::timed_job(2, 0, 8, 110);
  longer.jobs[2].data_site = 0;
  test::finalize(longer);
  const auto waits = test::run_policy(longer, "easy-backfill");
  EXPECT_GT(rec(waits, 2).start.seconds(), 100);
}

TEST(Staging, AFailureDuringTheCopyLosesTheCopyButNoWork) {
  SimulationModel m = two_sites(1, 0, 1);
  m.failures.site_outages.push_back({0, SimTime::from_s(4), SimTime::from_s(10)});
  const auto r = test::run_policy(m, "fifo");
  EXPECT_EQ(rec(r, 0).failures, 1u);
  EXPECT_DOUBLE_EQ(rec(r, 0).lost_card_s, 0);
  // Back at 14 s: the copy starts over (the partial one is lost), then 100 s of training; no
  // relaunch cost, since the killed run had not launched its training yet.
  EXPECT_EQ(rec(r, 0).copies, 2u);
  EXPECT_DOUBLE_EQ(rec(r, 0).staging_s, 4 + kCopy);
  EXPECT_DOUBLE_EQ(rec(r, 0).end.seconds(), 14 + kCopy + 100);
}

TEST(Staging, ARunRestartedWhereItsDataWasCopiedDoesNotCopyAgain) {
  SimulationModel m = two_sites(1, 0, 1);
  m.failures.site_outages.push_back({0, SimTime::from_s(50), SimTime::from_s(10)});
  const auto r = test::run_policy(m, "fifo");
  EXPECT_EQ(rec(r, 0).failures, 1u);
  EXPECT_EQ(rec(r, 0).copies, 1u);
  EXPECT_DOUBLE_EQ(rec(r, 0).end.seconds(), 60 + 5 + 100);  // from scratch, no checkpoints
}

TEST(Staging, ALinkOutageStallsTheCopyUntilTheLinkReturns) {
  SimulationModel m = two_sites(1, 0, 1);
  m.failures.link_outages.push_back({0, SimTime::from_s(2), SimTime::from_s(10)});
  const auto r = test::run_policy(m, "fifo");
  // 2 s of copying, 10 s stalled, 6 s more.
  EXPECT_EQ(rec(r, 0).failures, 0u);
  EXPECT_DOUBLE_EQ(rec(r, 0).end.seconds(), 18.0005 + 100);
}

TEST(Staging, TheLeaseProtectsACopyAndStartsWhenTrainingDoes) {
  // LAS with the default 60 s lease: job 0 copies until 8.0005 s and trains from then; job 1 (no
  // service) arrives at 1 s but may preempt job 0 only once its lease from the start of training
  // has run out: at 70 s, the first quantum-grid point after 68.0005 s.
  SimulationModel m = two_sites(1, 0, 2);
  m.jobs[1].arrival = SimTime::from_s(1);
  const auto r = test::run_policy(m, "las", {{"quantum", "2"}});
  EXPECT_DOUBLE_EQ(rec(r, 1).start.seconds(), 70);
  EXPECT_EQ(rec(r, 0).preemptions, 1u);
  EXPECT_EQ(rec(r, 0).copies, 1u);  // resumed where its data already is: no second copy
  EXPECT_DOUBLE_EQ(rec(r, 0).lost_card_s, 0);
  EXPECT_EQ(rec(r, 0).outcome, JobOutcome::Completed);
  EXPECT_EQ(rec(r, 1).outcome, JobOutcome::Completed);
}

TEST(Staging, APreemptionDuringTheCopyCancelsItAndLosesNoWork) {
  // Without a lease LAS may stop a run mid-copy: the copy is cancelled (its seconds still count as
  // staging time) and made again at the next start; nothing trained, so nothing is lost. Invariant
  // checks are on: no card held twice, no copy left running for a stopped run.
  SimulationModel m = two_sites(1, 0, 2);
  m.jobs[1].arrival = SimTime::from_s(1);
  const auto r = test::run_policy(m, "las", {{"quantum", "5"}, {"min_run", "0"}});
  EXPECT_GE(rec(r, 0).preemptions, 1u);
  EXPECT_GT(rec(r, 0).copies, 1u);
  EXPECT_GT(rec(r, 0).staging_s, kCopy);
  EXPECT_DOUBLE_EQ(rec(r, 0).lost_card_s + rec(r, 1).lost_card_s, 0);
  EXPECT_EQ(rec(r, 0).outcome, JobOutcome::Completed);
  EXPECT_EQ(rec(r, 1).outcome, JobOutcome::Completed);
}

TEST(Staging, HomeKeepsJobsAtTheirDataSite) {
  // Both sites have a free node; first-fit alone picks site 0 (lower id) and copies.
  const auto ignore = test::run_policy(two_sites(1, 1, 1), "fifo");
  EXPECT_EQ(rec(ignore, 0).copies, 1u);
  const auto home = test::run_policy(two_sites(1, 1, 1), "fifo", {{"data", "home"}});
  EXPECT_EQ(rec(home, 0).copies, 0u);
  EXPECT_DOUBLE_EQ(rec(home, 0).end.seconds(), 100);
  EXPECT_EQ(home.policy_name, "fifo[first-fit,data=home]");
  // Home waits for the data site even when the other site is free.
  const auto wait = test::run_policy(two_sites(1, 1, 2), "fifo", {{"data", "home"}});
  EXPECT_DOUBLE_EQ(rec(wait, 1).start.seconds(), 100);
  EXPECT_EQ(rec(wait, 1).copies, 0u);
  // A job without data has no home: first-fit takes site 0.
  SimulationModel dataless = two_sites(1, 1, 1);
  dataless.jobs[0].data_gb = 0;
  const auto free_to_go = test::run_policy(dataless, "fifo", {{"data", "home"}});
  EXPECT_EQ(free_to_go.metrics->records()[0].first_node, 0u);
  // A job whose data site has no usable chip goes anywhere.
  SimulationModel none = two_sites(1, 0, 1);
  const auto anywhere = test::run_policy(none, "fifo", {{"data", "home"}});
  EXPECT_EQ(rec(anywhere, 0).copies, 1u);
}

TEST(Staging, WeighCopiesWhenTheWaitAtHomeIsLonger) {
  // The data site's node is busy for 1000 s (job 0, long); job 1 arrives at 1 s: a copy (8 s)
  // beats waiting, unless stage_factor makes the copy count for more than the wait.
  SimulationModel m = two_sites(1, 1, 2);
  m.jobs[0] = test::timed_job(0, 0, 8, 1000);
  m.jobs[0].data_site = 1;
  m.jobs[0].data_gb = 10;
  m.jobs[1].arrival = SimTime::from_s(1);
  test::finalize(m);
  for (const char* policy : {"fifo", "easy-backfill", "las"}) {
    const auto weigh = test::run_policy(m, policy, {{"data", "weigh"}});
    EXPECT_EQ(rec(weigh, 0).copies, 0u) << policy;  // job 0 fit at home
    EXPECT_EQ(rec(weigh, 1).copies, 1u) << policy;
    EXPECT_DOUBLE_EQ(rec(weigh, 1).end.seconds(), 1 + kCopy + 100) << policy;
    const auto patient = test::run_policy(m, policy, {{"data", "weigh"}, {"stage_factor", "200"}});
    EXPECT_EQ(rec(patient, 1).copies, 0u) << policy;
    // fifo and EASY wait for job 0's end; LAS preempts it at its lease's end (60 s) instead.
    EXPECT_DOUBLE_EQ(rec(patient, 1).start.seconds(), std::string(policy) == "las" ? 60 : 1000) << policy;
  }
}

TEST(Staging, WeighCountsTheJobsQueuedAheadAtTheDataSite) {
  // Site 1 (the data site) has two nodes: job 0 holds one until 5 s, job 1 the other until 1000 s.
  // At 1 s the head, job 2 (16 cards), cannot start anywhere; job 3 (8 cards) could wait 4 s for
  // job 0's node, but the head queued ahead at the same site needs 16 cards first, which are not
  // free before 1000 s: so the 8 s copy to site 0 is the better deal. Counting only job 3's own
  // cards, EASY would have kept it at home, starting at 5 s.
  SimulationModel m = two_sites(1, 2, 4);
  m.jobs[0] = test::timed_job(0, 0, 8, 5);
  m.jobs[1] = test::timed_job(1, 0, 8, 1000);
  m.jobs[2] = test::timed_job(2, 1, 16, 100);
  m.jobs[3] = test::timed_job(3, 1, 8, 100);
  for (Job& j : m.jobs) {
    j.data_site = 1;
    j.data_gb = 10;
  }
  test::finalize(m);
  const auto r = test::run_policy(m, "easy-backfill", {{"data", "weigh"}});
  EXPECT_EQ(rec(r, 0).copies + rec(r, 1).copies, 0u);
  EXPECT_DOUBLE_EQ(rec(r, 3).start.seconds(), 1);
  EXPECT_EQ(rec(r, 3).copies, 1u);
  EXPECT_DOUBLE_EQ(rec(r, 2).start.seconds(), 1000);
}

TEST(Staging, RandomRunsKeepEveryJobAndCardAccountedFor) {
  // Three sites, data spread over them, failures and a link outage, every policy and locality
  // rule, invariant checks on; every job ends, and the same run twice gives the same schedule.
  SimulationModel m = test::mini_model(3);
  for (SiteId s = 0; s < 3; ++s) m.cluster.add_pool(s, 0, s % 2, 4, 8, 128000, 1 << 20, 2);
  test::finish_topology(m, 10, 500);
  std::mt19937_64 gen(5);
  double t = 0;
  for (JobId i = 0; i < 300; ++i) {
    t += static_cast<double>(gen() % 30);
    m.jobs.push_back(test::timed_job(i, t, 1 + static_cast<uint32_t>(gen() % 16), 60 + gen() % 1500));
    m.jobs.back().data_site = static_cast<SiteId>(gen() % 3);
    m.jobs.back().data_gb = static_cast<double>(gen() % 200);
    m.jobs.back().allow_cross_site = i % 7 == 0;
  }
  test::finalize(m);
  m.data_staging.enabled = true;
  m.failures.by_chip = {NodeFailureRate{6 * 3600.0, 600}, NodeFailureRate{8 * 3600.0, 900}};
  m.failures.link_outages.push_back({1, SimTime::from_s(2000), SimTime::from_s(1500)});
  m.failures.retry_limit = 3;
  m.horizon = SimTime::from_s(5 * 86400);
  for (const std::string& policy : test::every_policy()) {
    for (const char* data : {"ignore", "home", "weigh"}) {
      const bool rounds =
          std::string(policy) == "gavel" || std::string(policy) == "themis" || std::string(policy) == "sia";
      if (rounds && std::string(data) != "ignore") continue;  // no locality rule in the round policies
      const std::map<std::string, std::string> params =
          rounds ? std::map<std::string, std::string>{} : std::map<std::string, std::string>{{"data", data}};
      const auto r = test::run_policy(m, policy, params);
      uint64_t ended = 0, copies = 0;
      for (const JobRecord& x : r.metrics->records()) {
        ended += has_ended(x) ? 1 : 0;
        copies += x.copies;
      }
      EXPECT_EQ(ended, m.jobs.size()) << policy << " " << data;
      if (std::string(data) == "ignore") {
        EXPECT_GT(copies, 0u) << policy;
      }
      const auto again = test::run_policy(m, policy, params);
      for (JobId id = 0; id < m.jobs.size(); ++id) {
        ASSERT_EQ(r.metrics->records()[id].end, again.metrics->records()[id].end)
            << policy << " " << data << " job " << id;
      }
    }
  }
}
