// GuaranteedShares alone (sim/run/guaranteed_shares.hpp): claims, reclaiming and the part's
// invariants on a run state built by hand, without a Simulation. The stop callback plays the
// driver: it frees the run's cards and takes it off the running set.
#include <gtest/gtest.h>

#include <set>
#include <utility>
#include <vector>

#include "../support/mini_model.hpp"
#include "hetsim/run/guaranteed_shares.hpp"

using namespace hetsim;

namespace {

// One provider, one pool of one 8-card node. Tenant 0 ("owner") is guaranteed 4 cards; tenant 1
// ("borrower") has no guarantee. Jobs: 0 and 1 are the borrower's 4-card runs on the node's low
// and high half (started at 100 s and 200 s), 2 is the owner's 4-card job, waiting.
struct SharesRun {
  ChipCatalog chips;
  PerfParams perf;
  CheckpointModel checkpoint;
  Cluster cluster;
  std::vector<Tenant> tenants;
  std::vector<Job> jobs;
  std::vector<Allocation> grants;
  std::set<std::pair<SimTime, JobId>> running;
  RunBook runs;
  TenantLedger ledger;
  GuaranteedShares shares;
  double now_s = 300;
  std::vector<JobId> stopped;

  explicit SharesRun(int64_t owner_quota = -1) {
    chips.add_or_replace(test::chip("fast", 400, 80));
    cluster = Cluster(chips.size());
    cluster.add_site("s");
    cluster.add_provider("p");
    cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 1);
    Tenant owner{"owner", 1, 0};
    owner.provider_guarantee = {4};
    owner.quota_cards = owner_quota;
    tenants = {owner, Tenant{"borrower", 1, 0}};
    for (JobId id = 0; id < 3; ++id) {
      jobs.push_back(test::job(id, 0, 4));
      jobs.back().tenant = id == 2 ? 0 : 1;
    }
    grants.resize(jobs.size());
    runs = RunBook(jobs.size(), checkpoint);
    ledger = TenantLedger(cluster, tenants, jobs.size(), true);
    shares = GuaranteedShares(tenants, 1, 1);
    shares.attach(
        {&cluster, &jobs, &tenants, &chips, &perf, &ledger, &grants, &running, &runs, [this] { return now_s; }});
    start(0, 0x0F, 100);
    start(1, 0xF0, 200);
    shares.set_waiting(0, 2, true);
  }
  void start(JobId id, uint32_t cards, double at_s) {
    grants[id] = {NodeGrant{0, cards, kMilliPerCard, 0, 0}};
    cluster.allocate(grants[id]);
    ledger.hold(id, jobs[id].tenant, grants[id], +1, at_s);
    shares.holdings_changed(jobs[id].tenant);
    runs[id].start = SimTime::from_seconds(at_s);
    running.emplace(SimTime::from_seconds(at_s + 1e6), id);
  }
  void stop(JobId id) {
    stopped.push_back(id);
    cluster.release(grants[id]);
    ledger.hold(id, jobs[id].tenant, grants[id], -1, now_s);
    shares.holdings_changed(jobs[id].tenant);
    for (auto it = running.begin(); it != running.end(); ++it) {
      if (it->second == id) {
        running.erase(it);
        break;
      }
    }
    grants[id].clear();
  }
  void reclaim() {
    shares.reclaim([this](JobId id) { stop(id); });
  }
};

}  // namespace

TEST(GuaranteedShares, ReclaimStopsTheLatestRunOfTheBorrowerForTheOwnersClaim) {
  SharesRun r;
  r.reclaim();
  // Both runs are the borrower's, of equal priority: the later one (job 1, 200 s) goes, and that
  // one stop serves the claim.
  EXPECT_EQ(r.stopped, (std::vector<JobId>{1}));
  EXPECT_TRUE(r.shares.has_reservations());
  EXPECT_EQ(r.shares.reserved_for_others(1, 0), 4);  // the freed cards are the owner's now
  EXPECT_EQ(r.shares.reserved_for_others(0, 0), 0);
  // Served: the next pass stops nothing more.
  r.reclaim();
  EXPECT_EQ(r.stopped.size(), 1u);
}

TEST(GuaranteedShares, ReclaimStopsTheLowestPriorityRunFirst) {
  SharesRun r;
  r.jobs[1].priority = 5;  // the later run now outranks the earlier one
  r.reclaim();
  EXPECT_EQ(r.stopped, (std::vector<JobId>{0}));
}

TEST(GuaranteedShares, FreeCardsServeAClaimWithoutStoppingAnyone) {
  SharesRun r;
  r.stop(1);  // 4 cards are free
  r.stopped.clear();
  r.reclaim();
  EXPECT_TRUE(r.stopped.empty());
  EXPECT_EQ(r.shares.reserved_for_others(1, 0), 4);
}

TEST(GuaranteedShares, AClaimItsQuotaForbidsReservesNothingAndStopsNoOne) {
  SharesRun r(/*owner_quota=*/2);  // the owner's 4-card job could never start
  r.reclaim();
  EXPECT_TRUE(r.stopped.empty());
  EXPECT_FALSE(r.shares.has_reservations());
  EXPECT_EQ(r.shares.reserved_for_others(1, 0), 0);
}

TEST(GuaranteedShares, ARunIsWithinItsGuaranteeOnlyWhileItsTenantHoldsNoMore) {
  SharesRun r;
  EXPECT_FALSE(r.shares.within_guarantee(0));  // the borrower has no guarantee
  r.stop(1);
  r.shares.set_waiting(0, 2, false);
  r.start(2, 0xF0, 300);  // the owner holds 4 of its 4
  EXPECT_TRUE(r.shares.within_guarantee(2));
  r.stop(0);
  r.jobs[0].tenant = 0;
  r.start(0, 0x0F, 300);  // now 8 of 4: neither run is within the guarantee
  EXPECT_FALSE(r.shares.within_guarantee(2));
  EXPECT_FALSE(r.shares.within_guarantee(0));
}

TEST(GuaranteedShares, CheckComparesTheRecordedWaitingJobsWithTheDriversStates) {
  SharesRun r;
  r.reclaim();
  const auto waiting_is = [](JobId w) { return [w](JobId id) { return id == w; }; };
  EXPECT_EQ(r.shares.check(waiting_is(2)), "");
  EXPECT_EQ(r.shares.check(waiting_is(kNoJob)), "job 2 is recorded waiting for its guarantee but is not");
  r.jobs[1].tenant = 0;  // a second waiting job of the owner the part was not told of
  EXPECT_EQ(r.shares.check([](JobId id) { return id == 1 || id == 2; }), "tenant owner has 2 waiting jobs, recorded 1");
}

TEST(GuaranteedShares, CheckFindsAClaimBeyondTheUnusedGuarantee) {
  SharesRun r;
  r.reclaim();  // job 2 claims the owner's whole unused guarantee, 4 cards
  ASSERT_TRUE(r.shares.has_reservations());
  const auto only_job_2 = [](JobId id) { return id == 2; };
  ASSERT_EQ(r.shares.check(only_job_2), "");
  // The owner takes a card the part is not told of: its claim now exceeds what is unused.
  r.ledger.hold(1, 0, {NodeGrant{0, 0x10, kMilliPerCard, 0, 0}}, +1, r.now_s);
  EXPECT_EQ(r.shares.check(only_job_2), "tenant owner claims more than its guarantee at provider p");
  r.shares.holdings_changed(0);  // told: the claims are stale until the next refresh, not wrong
  EXPECT_EQ(r.shares.check(only_job_2), "");
}
