// The dashboard report (ReportService, GET /v1/reports/dashboard): exact
// figures over a known set of decisions, the scope of each role, and bad
// input named by its query parameter.
//
// The decisions, all on Monday 2 March 2026 (kStart = 15:00 UTC) unless said:
//   notices filed at 15:00      decided                      removal?
//     n1 acme  r-1 (s1, shoes)    accepted 16:00 (1 h)         yes
//     n2 acme  r-2 (s1, shoes)    accepted 17:00 (2 h)         yes
//     n3 acme  r-5 (s2, toys)     rejected 18:00 (3 h)         no
//     n4 rival r-3 (s1, bags)     accepted 19:00 (4 h)         yes (s1's third strike: suspended)
//     n5 acme  r-4 (s2, shoes)    accepted 01:00 on 3 March (10 h)   yes
//   screening hits on shopeu, seller s3, detected at 15:00 (home-appliances)
//     h2 rival review             dismissed 17:00 (2 h)        no
//     h1 acme  review             confirmed 15:30 (30 min)     yes (a strike)
//     h3 acme  block              blocked at 15:00 (automatic) yes (no strike)
#include <set>

#include "service/reports.h"
#include "storage/store.h"
#include "tests/support/fixture.h"

namespace counterfoil::testing {
namespace {

using service::DashboardReport;
using service::DashboardRequest;
using service::Principal;

constexpr int64_t kHour = 3600;

class Report : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    if (HasFatalFailure()) return;
    SeedScreening();
    if (HasFatalFailure()) return;
    reviewer_ = PrincipalOf(keys_.reviewer);
    Listing("r-1", "taobao", "s1", "shoes");
    Listing("r-2", "taobao", "s1", "shoes");
    Listing("r-3", "taobao", "s1", "bags");
    Listing("r-4", "taobao", "s2", "shoes");
    Listing("r-5", "taobao", "s2", "toys");
  }

  void Listing(const std::string& id, const std::string& marketplace, const std::string& seller,
               const std::string& category) {
    auto l = app_->marketplace().UpsertListing(
        Principal::System(), id,
        json::object{{"marketplace", marketplace},
                     {"seller_id", seller},
                     {"title", "Plain goods " + id},
                     {"category", category},
                     {"price", json::object{{"amount", 20.0}, {"currency", "USD"}}}});
    ASSERT_TRUE(l.ok()) << l.status().ToString();
  }

  std::string File(const std::string& key, const std::string& listing, const std::string& right) {
    auto n = app_->notices().File(PrincipalOf(key), NoticeBody(listing, right), "api");
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? n->id : "";
  }
  void AcceptAt(const std::string& id, const char* when) {
    clock_.Set(T(when));
    auto n = app_->notices().Decide(reviewer_, id, json::object{{"decision", "accept"}});
    ASSERT_TRUE(n.ok()) << n.status().ToString();
  }
  std::string HitFor(const std::string& id, std::string_view verdict) {
    auto l = app_->marketplace().UpsertListing(Principal::System(), id,
                                               ScreeningListing("shopeu", "s3", verdict));
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    if (!l.ok() || !l->screening || l->screening->hit_id.empty()) {
      ADD_FAILURE() << id << " opened no screening hit";
      return "";
    }
    return l->screening->hit_id;
  }

  // The decisions of the table above.
  void Decisions() {
    n1_ = File(keys_.acme, "r-1", acme_right_);
    n2_ = File(keys_.acme, "r-2", acme_right_);
    n3_ = File(keys_.acme, "r-5", acme_right_);
    n4_ = File(keys_.rival, "r-3", rival_right_);
    n5_ = File(keys_.acme, "r-4", acme_right_);
    h2_ = HitFor("hit-rival", "rival");
    h1_ = HitFor("hit-review", "review");
    h3_ = HitFor("hit-block", "block");
    auto blocked = app_->screening().GetHit(Principal::System(), h3_);
    ASSERT_TRUE(blocked.ok());
    ASSERT_EQ(blocked->status, domain::HitStatus::kAutoBlocked);

    clock_.Set(T("2026-03-02T15:30:00Z"));
    ASSERT_TRUE(app_->screening().Confirm(reviewer_, h1_, json::object{{"note", "ACME"}}).ok());
    AcceptAt(n1_, "2026-03-02T16:00:00Z");
    AcceptAt(n2_, "2026-03-02T17:00:00Z");
    ASSERT_TRUE(app_->screening()
                    .Dismiss(reviewer_, h2_, json::object{{"reason", "A genuine kettle."}})
                    .ok());
    clock_.Set(T("2026-03-02T18:00:00Z"));
    ASSERT_TRUE(app_->notices()
                    .Decide(reviewer_, n3_,
                            json::object{{"decision", "reject"},
                                         {"rejection_code", "insufficient_evidence"},
                                         {"reason", "No test buy."}})
                    .ok());
    AcceptAt(n4_, "2026-03-02T19:00:00Z");
    AcceptAt(n5_, "2026-03-03T01:00:00Z");
    clock_.Set(T("2026-03-05T12:00:00Z"));
  }

  DashboardReport Dashboard(const std::string& key, DashboardRequest req) {
    auto r = app_->reports().Dashboard(PrincipalOf(key), req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : DashboardReport{};
  }

  Principal reviewer_;
  std::string n1_, n2_, n3_, n4_, n5_, h1_, h2_, h3_;
};

std::vector<std::string> Starts(const DashboardReport& r) {
  std::vector<std::string> out;
  for (const auto& b : r.removals) out.push_back(b.start);
  return out;
}

TEST(NearestRankPercentile, PicksTheSmallestValueCoveringPPercent) {
  std::vector<int64_t> hundred;
  for (int i = 100; i >= 1; --i) hundred.push_back(i);
  EXPECT_EQ(service::NearestRankPercentile(hundred, 50), 50);
  EXPECT_EQ(service::NearestRankPercentile(hundred, 90), 90);
  EXPECT_EQ(service::NearestRankPercentile(hundred, 99), 99);
  EXPECT_EQ(service::NearestRankPercentile(hundred, 100), 100);
  std::vector<int64_t> five{10, 40, 20, 50, 30};
  EXPECT_EQ(service::NearestRankPercentile(five, 50), 30);  // rank 3
  EXPECT_EQ(service::NearestRankPercentile(five, 90), 50);  // rank 5
  EXPECT_EQ(service::NearestRankPercentile(five, 20), 10);  // rank 1
  std::vector<int64_t> one{7};
  EXPECT_EQ(service::NearestRankPercentile(one, 99), 7);
  std::vector<int64_t> none;
  EXPECT_EQ(service::NearestRankPercentile(none, 50), 0);
}

TEST_F(Report, StaffSeeEveryRemovalByDayWithExactHandlingTimes) {
  Decisions();
  if (HasFatalFailure()) return;
  DashboardReport r = Dashboard(keys_.admin, {.from = "2026-03-01", .to = "2026-03-03"});
  EXPECT_EQ(r.from, T("2026-03-01T00:00:00Z"));
  EXPECT_EQ(r.to, T("2026-03-04T00:00:00Z"));  // a date as `to` includes the day
  ASSERT_EQ(Starts(r), (std::vector<std::string>{"2026-03-01", "2026-03-02", "2026-03-03"}));
  EXPECT_EQ(r.removals[0].notices, 0);
  EXPECT_EQ(r.removals[0].proactive, 0);
  EXPECT_EQ(r.removals[1].notices, 3);  // n1, n2, n4
  EXPECT_EQ(r.removals[1].proactive, 2);  // h1, h3
  EXPECT_EQ(r.removals[2].notices, 1);  // n5
  EXPECT_EQ(r.removals[2].proactive, 0);
  EXPECT_EQ(r.notice_removals, 4);
  EXPECT_EQ(r.proactive_removals, 2);

  // Notices decided: 1, 2, 3, 4 and 10 hours (the rejection counts).
  EXPECT_EQ(r.notice_handling.count, 5);
  EXPECT_EQ(r.notice_handling.p50_seconds, 3 * kHour);
  EXPECT_EQ(r.notice_handling.p90_seconds, 10 * kHour);
  EXPECT_EQ(r.notice_handling.p99_seconds, 10 * kHour);
  // Hits decided by a reviewer: 30 minutes and 2 hours (the block is left out).
  EXPECT_EQ(r.hit_handling.count, 2);
  EXPECT_EQ(r.hit_handling.p50_seconds, 1800);
  EXPECT_EQ(r.hit_handling.p90_seconds, 2 * kHour);
  EXPECT_EQ(r.hit_handling.p99_seconds, 2 * kHour);

  ASSERT_EQ(r.top_rights_holders.size(), 2u);
  EXPECT_EQ(r.top_rights_holders[0].org_id, "acme");
  EXPECT_EQ(r.top_rights_holders[0].removals, 5);
  EXPECT_EQ(r.top_rights_holders[0].notices, 3);
  EXPECT_EQ(r.top_rights_holders[0].proactive, 2);
  EXPECT_FALSE(r.top_rights_holders[0].name.empty());
  EXPECT_EQ(r.top_rights_holders[1].org_id, "rival");
  EXPECT_EQ(r.top_rights_holders[1].removals, 1);

  ASSERT_EQ(r.top_categories.size(), 3u);
  EXPECT_EQ(r.top_categories[0].category, "shoes");
  EXPECT_EQ(r.top_categories[0].removals, 3);
  EXPECT_EQ(r.top_categories[1].category, "home-appliances");
  EXPECT_EQ(r.top_categories[1].removals, 2);
  EXPECT_EQ(r.top_categories[2].category, "bags");
  EXPECT_EQ(r.top_categories[2].removals, 1);

  // s2 has one removal (n3 was rejected): not a repeat infringer.
  ASSERT_EQ(r.repeat_infringers.size(), 2u);
  EXPECT_EQ(r.repeat_infringers[0].seller_id, "s1");
  EXPECT_EQ(r.repeat_infringers[0].marketplace_id, "taobao");
  EXPECT_EQ(r.repeat_infringers[0].removals, 3);
  EXPECT_EQ(r.repeat_infringers[0].strikes, 3);
  EXPECT_EQ(r.repeat_infringers[0].status, "suspended");  // three strikes in 90 days
  EXPECT_EQ(r.repeat_infringers[0].rights_holder_ids, (std::vector<std::string>{"acme", "rival"}));
  EXPECT_EQ(r.repeat_infringers[1].seller_id, "s3");
  EXPECT_EQ(r.repeat_infringers[1].removals, 2);
  EXPECT_EQ(r.repeat_infringers[1].strikes, 1);  // the automatic block adds none
  EXPECT_EQ(r.repeat_infringers[1].status, "active");
}

TEST_F(Report, WeeksStartOnMondayAndMonthsOnTheFirst) {
  Decisions();
  if (HasFatalFailure()) return;
  DashboardReport weeks =
      Dashboard(keys_.reviewer, {.from = "2026-03-01", .to = "2026-03-03", .bucket = "week"});
  ASSERT_EQ(Starts(weeks), (std::vector<std::string>{"2026-02-23", "2026-03-02"}));
  EXPECT_EQ(weeks.removals[0].notices + weeks.removals[0].proactive, 0);
  EXPECT_EQ(weeks.removals[1].notices, 4);
  EXPECT_EQ(weeks.removals[1].proactive, 2);
  DashboardReport months =
      Dashboard(keys_.reviewer, {.from = "2026-02-10", .to = "2026-04-02", .bucket = "month"});
  ASSERT_EQ(Starts(months), (std::vector<std::string>{"2026-02-01", "2026-03-01", "2026-04-01"}));
  EXPECT_EQ(months.removals[1].notices, 4);
  EXPECT_EQ(months.removals[1].proactive, 2);
}

TEST_F(Report, ThePeriodBoundsAreExactInstants) {
  Decisions();
  if (HasFatalFailure()) return;
  // [16:00, 19:00): n1 and n2 (n4 at 19:00 is outside), no hit (h1 15:30, h3 15:00).
  DashboardReport r = Dashboard(
      keys_.admin, {.from = "2026-03-02T16:00:00Z", .to = "2026-03-02T19:00:00Z", .top = "1"});
  EXPECT_EQ(r.notice_removals, 2);
  EXPECT_EQ(r.proactive_removals, 0);
  EXPECT_EQ(r.notice_handling.count, 3);  // n1, n2 and the rejection of n3
  ASSERT_EQ(r.top_categories.size(), 1u);  // top=1
  EXPECT_EQ(r.top_categories[0].category, "shoes");
  EXPECT_EQ(r.top_rights_holders.size(), 1u);
  ASSERT_EQ(r.repeat_infringers.size(), 1u);
  EXPECT_EQ(r.repeat_infringers[0].seller_id, "s1");
  EXPECT_EQ(r.repeat_infringers[0].removals, 2);
}

TEST_F(Report, DefaultsToTheNinetyDaysBeforeNow) {
  Decisions();
  if (HasFatalFailure()) return;
  DashboardReport r = Dashboard(keys_.admin, {});
  EXPECT_EQ(r.to, T("2026-03-05T12:00:00Z"));
  EXPECT_EQ(r.from, T("2026-03-05T12:00:00Z") - std::chrono::days(90));
  EXPECT_EQ(r.bucket, "day");
  EXPECT_EQ(r.top, 10);
  EXPECT_EQ(r.removals.size(), 91u);  // the days from 5 December to 5 March
  EXPECT_EQ(r.notice_removals, 4);
  EXPECT_EQ(r.proactive_removals, 2);
  // Ninety days on, nothing is left in the default period.
  clock_.Advance(std::chrono::days(91));
  DashboardReport later = Dashboard(keys_.admin, {});
  EXPECT_EQ(later.notice_removals + later.proactive_removals, 0);
  EXPECT_EQ(later.notice_handling.count, 0);
  EXPECT_TRUE(later.repeat_infringers.empty());
}

TEST_F(Report, RightsHolderSeesOnlyItsOwnNoticesAndHits) {
  Decisions();
  if (HasFatalFailure()) return;
  DashboardRequest period{.from = "2026-03-01", .to = "2026-03-03"};
  DashboardReport acme = Dashboard(keys_.acme, period);
  EXPECT_EQ(acme.notice_removals, 3);  // n1, n2, n5; not rival's n4
  EXPECT_EQ(acme.proactive_removals, 2);
  EXPECT_EQ(acme.notice_handling.count, 4);  // 1, 2, 3 and 10 hours
  EXPECT_EQ(acme.notice_handling.p50_seconds, 2 * kHour);
  EXPECT_EQ(acme.notice_handling.p90_seconds, 10 * kHour);
  EXPECT_EQ(acme.hit_handling.count, 1);  // h1; h2 is rival's
  EXPECT_EQ(acme.hit_handling.p50_seconds, 1800);
  ASSERT_EQ(acme.top_rights_holders.size(), 1u);
  EXPECT_EQ(acme.top_rights_holders[0].org_id, "acme");
  for (const auto& c : acme.top_categories) EXPECT_NE(c.category, "bags");  // n4's
  ASSERT_EQ(acme.repeat_infringers.size(), 2u);
  // Ties by marketplace: shopeu before taobao.
  EXPECT_EQ(acme.repeat_infringers[0].seller_id, "s3");
  EXPECT_EQ(acme.repeat_infringers[1].seller_id, "s1");
  EXPECT_EQ(acme.repeat_infringers[1].removals, 2);
  EXPECT_EQ(acme.repeat_infringers[1].strikes, 2);  // not the strike of rival's notice
  EXPECT_EQ(acme.repeat_infringers[1].status, "");  // rights holders do not see accounts
  EXPECT_EQ(acme.repeat_infringers[1].rights_holder_ids, std::vector<std::string>{"acme"});

  DashboardReport rival = Dashboard(keys_.rival, period);
  EXPECT_EQ(rival.notice_removals, 1);
  EXPECT_EQ(rival.proactive_removals, 0);
  EXPECT_EQ(rival.notice_handling.count, 1);
  EXPECT_EQ(rival.notice_handling.p50_seconds, 4 * kHour);
  EXPECT_EQ(rival.hit_handling.count, 1);  // h2, dismissed
  EXPECT_EQ(rival.hit_handling.p99_seconds, 2 * kHour);
  ASSERT_EQ(rival.top_rights_holders.size(), 1u);
  EXPECT_EQ(rival.top_rights_holders[0].org_id, "rival");
  ASSERT_EQ(rival.top_categories.size(), 1u);
  EXPECT_EQ(rival.top_categories[0].category, "bags");
  EXPECT_TRUE(rival.repeat_infringers.empty());
}

// A hit naming two rights holders counts for each of them, and neither learns
// of the other from its report.
TEST_F(Report, RightsHolderDoesNotLearnOfAnotherBrandOnTheSameHit) {
  json::object body = ScreeningListing("shopeu", "s3", "review");
  body["title"] = "4cme StormJet hair dryer with a R1valo Aero kettle";
  auto l = app_->marketplace().UpsertListing(Principal::System(), "hit-both", body);
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  ASSERT_TRUE(l->screening && !l->screening->hit_id.empty()) << "no hit";
  std::string hit = l->screening->hit_id;
  auto h = app_->screening().GetHit(Principal::System(), hit);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(std::set<std::string>(h->rights_holder_ids.begin(), h->rights_holder_ids.end()),
            (std::set<std::string>{"acme", "rival"}));
  clock_.Advance(std::chrono::minutes(5));
  ASSERT_TRUE(app_->screening().Confirm(reviewer_, hit, json::object{}).ok());
  clock_.Advance(std::chrono::minutes(1));  // `to` (now, by default) is exclusive

  DashboardReport admin = Dashboard(keys_.admin, {});
  ASSERT_EQ(admin.top_rights_holders.size(), 2u);
  DashboardReport acme = Dashboard(keys_.acme, {});
  EXPECT_EQ(acme.proactive_removals, 1);
  ASSERT_EQ(acme.top_rights_holders.size(), 1u);
  EXPECT_EQ(acme.top_rights_holders[0].org_id, "acme");
  DashboardReport rival = Dashboard(keys_.rival, {});
  EXPECT_EQ(rival.proactive_removals, 1);
  ASSERT_EQ(rival.top_rights_holders.size(), 1u);
  EXPECT_EQ(rival.top_rights_holders[0].org_id, "rival");
  // Over HTTP, too: rival's report never names acme.
  Reply r = Get(keys_.rival, "/v1/reports/dashboard");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.text.find("acme"), std::string::npos) << r.text;
}

TEST_F(Report, MarketplaceSeesItsOwnMarketplaceOnly) {
  Decisions();
  if (HasFatalFailure()) return;
  DashboardRequest period{.from = "2026-03-01", .to = "2026-03-03"};
  DashboardReport taobao = Dashboard(keys_.taobao, period);
  EXPECT_EQ(taobao.marketplace_id, "taobao");
  EXPECT_EQ(taobao.notice_removals, 4);
  EXPECT_EQ(taobao.proactive_removals, 0);  // the hits are on shopeu
  DashboardReport shopeu = Dashboard(keys_.shopeu, period);
  EXPECT_EQ(shopeu.notice_removals, 0);
  EXPECT_EQ(shopeu.proactive_removals, 2);
  // Staff may narrow to one marketplace.
  period.marketplace_id = "shopeu";
  DashboardReport admin = Dashboard(keys_.admin, period);
  EXPECT_EQ(admin.notice_removals, 0);
  EXPECT_EQ(admin.proactive_removals, 2);
  // A marketplace may not ask for another one.
  auto other = app_->reports().Dashboard(PrincipalOf(keys_.taobao), period);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(other.status().field(), "marketplace_id");
}

TEST_F(Report, AgentSeesWhatItsAgencyFiled) {
  json::object body = NoticeBody("r-1", acme_right_);
  body["on_behalf_of"] = "acme";
  auto via_agent = app_->notices().File(PrincipalOf(keys_.agent), body, "api");
  ASSERT_TRUE(via_agent.ok()) << via_agent.status().ToString();
  std::string direct = File(keys_.acme, "r-2", acme_right_);
  clock_.Advance(std::chrono::hours(1));
  ASSERT_TRUE(app_->notices().Decide(reviewer_, via_agent->id, json::object{{"decision", "accept"}}).ok());
  AcceptAt(direct, "2026-03-02T17:00:00Z");
  clock_.Advance(std::chrono::minutes(1));  // `to` (now, by default) is exclusive
  EXPECT_EQ(Dashboard(keys_.agent, {}).notice_removals, 1);
  EXPECT_EQ(Dashboard(keys_.acme, {}).notice_removals, 2);
}

TEST_F(Report, SellersAreRefused) {
  auto r = app_->reports().Dashboard(PrincipalOf(keys_.s1), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Get(keys_.s1, "/v1/reports/dashboard").status, 403);
}

TEST_F(Report, ServedOverHttpWithTheFiguresOfTheService) {
  Decisions();
  if (HasFatalFailure()) return;
  Reply r = Get(keys_.admin,
                "/v1/reports/dashboard?from=2026-03-01&to=2026-03-03&bucket=day&top=5");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Str("/period/from"), "2026-03-01T00:00:00.000Z");
  EXPECT_EQ(r.Str("/period/to"), "2026-03-04T00:00:00.000Z");
  EXPECT_EQ(r.Str("/period/bucket"), "day");
  EXPECT_EQ(r.At("/period/top"), json::value(5));
  EXPECT_TRUE(r.At("/period/marketplace_id").is_null());
  EXPECT_EQ(r.At("/removals/notices"), json::value(4));
  EXPECT_EQ(r.At("/removals/proactive"), json::value(2));
  EXPECT_EQ(r.Str("/removals/buckets/1/start"), "2026-03-02");
  EXPECT_EQ(r.At("/removals/buckets/1/notices"), json::value(3));
  EXPECT_EQ(r.At("/removals/buckets/1/proactive"), json::value(2));
  EXPECT_EQ(r.At("/handling_time/notices/count"), json::value(5));
  EXPECT_EQ(r.At("/handling_time/notices/p50_seconds"), json::value(3 * kHour));
  EXPECT_EQ(r.At("/handling_time/screening_hits/p50_seconds"), json::value(1800));
  EXPECT_EQ(r.Str("/top_rights_holders/0/org_id"), "acme");
  EXPECT_EQ(r.Str("/top_categories/0/category"), "shoes");
  EXPECT_EQ(r.Str("/repeat_infringers/0/seller_id"), "s1");
  EXPECT_EQ(r.Str("/repeat_infringers/0/status"), "suspended");
  // A rights holder's repeat infringers carry no account status.
  Reply acme = Get(keys_.acme, "/v1/reports/dashboard?from=2026-03-01&to=2026-03-03");
  ASSERT_EQ(acme.status, 200) << acme;
  EXPECT_TRUE(acme.At("/repeat_infringers/1/status").is_null()) << acme;
  // No decisions in the period: zeros and null percentiles, not errors.
  Reply empty = Get(keys_.admin, "/v1/reports/dashboard?from=2025-01-01&to=2025-01-31&bucket=week");
  ASSERT_EQ(empty.status, 200) << empty;
  EXPECT_EQ(empty.At("/removals/notices"), json::value(0));
  EXPECT_EQ(empty.At("/handling_time/notices/count"), json::value(0));
  EXPECT_TRUE(empty.At("/handling_time/notices/p50_seconds").is_null());
  EXPECT_TRUE(empty.At("/top_rights_holders").as_array().empty());
}

// More decisions than one page of the store (1000 rows): every one is counted
// once, in its bucket.
TEST_F(Report, CountsEveryDecisionAcrossStorePages) {
  constexpr int kNotices = 2503;
  Status s = app_->store().Write([&](storage::Tx& tx) -> Status {
    for (int i = 0; i < kNotices; ++i) {
      domain::Notice n;
      n.id = "ntc_bulk_" + std::to_string(i);
      n.marketplace_id = "taobao";
      n.complainant_org_id = n.principal_org_id = i % 2 ? "acme" : "rival";
      n.right_id = i % 2 ? acme_right_ : rival_right_;
      n.listing_id = "t-s1-1";
      n.seller_id = "s1";
      n.infringement_type = "counterfeit";
      n.state = i % 5 == 0 ? domain::NoticeState::kRejected : domain::NoticeState::kAccepted;
      n.received_at = T("2026-03-01T00:00:00Z");
      n.decided_at = T("2026-03-01T00:00:00Z") + std::chrono::minutes(i);  // 3 days of minutes
      n.snapshot = json::object{{"category", "shoes"}};
      RETURN_IF_ERROR(tx.notices().Insert(n));
    }
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  DashboardReport r = Dashboard(keys_.admin, {.from = "2026-03-01", .to = "2026-03-02"});
  // 1440 minutes a day: 1440 decisions on 1 March, 1063 on 2 March; every fifth a rejection.
  ASSERT_EQ(r.removals.size(), 2u);
  EXPECT_EQ(r.removals[0].notices, 1440 - 288);
  EXPECT_EQ(r.removals[1].notices, 1063 - 213);
  EXPECT_EQ(r.notice_removals, kNotices - 501);
  EXPECT_EQ(r.notice_handling.count, kNotices);
  EXPECT_EQ(r.notice_handling.p50_seconds, 1251 * 60);  // rank 1252 of 0..2502 minutes
  EXPECT_EQ(r.notice_handling.p99_seconds, 2477 * 60);  // rank 2478
  ASSERT_EQ(r.top_categories.size(), 1u);
  EXPECT_EQ(r.top_categories[0].removals, kNotices - 501);
  ASSERT_EQ(r.repeat_infringers.size(), 1u);
  EXPECT_EQ(r.repeat_infringers[0].removals, kNotices - 501);
  DashboardReport acme = Dashboard(keys_.acme, {.from = "2026-03-01", .to = "2026-03-02"});
  EXPECT_EQ(acme.notice_handling.count, 1251);  // the odd ones
}

TEST_F(Report, BadInputNamesTheParameterAtFault) {
  struct Case {
    std::string query, field;
  };
  const std::vector<Case> cases = {
      {"from=2026-03-10&to=2026-03-01", "from"},
      {"from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z", "from"},
      {"from=yesterday", "from"},
      {"from=2026-02-30", "from"},
      {"to=2026-13-01", "to"},
      {"bucket=year", "bucket"},
      {"bucket=DAY", "bucket"},
      {"top=0", "top"},
      {"top=51", "top"},
      {"top=ten", "top"},
      {"top=-1", "top"},
      {"marketplace_id=nowhere", "marketplace_id"},
      {"from=2020-01-01&to=2026-01-01&bucket=week", "from"},  // more than a year
      {"from=2025-01-01T00:00:00Z&to=2026-01-02T00:00:01Z", "from"},
  };
  StateCounts before = CountState();
  for (const auto& c : cases) {
    Reply r = Get(keys_.admin, "/v1/reports/dashboard?" + c.query);
    EXPECT_EQ(r.status, 422) << c.query << ": " << r;
    EXPECT_EQ(r.Header("content-type"), "application/problem+json") << c.query;
    EXPECT_EQ(r.ErrorPointer(), c.field) << c.query << ": " << r;
  }
  EXPECT_EQ(CountState(), before);
  // A whole (leap) year by days is fine.
  Reply year = Get(keys_.admin, "/v1/reports/dashboard?from=2024-01-01&to=2024-12-31&bucket=day");
  EXPECT_EQ(year.status, 200) << year;
  EXPECT_EQ(year.At("/removals/buckets").as_array().size(), 366u);
}

// Notices filed in the console (a session cookie) are recorded with source
// "console"; with an API key they stay "api". The console's GET of the report
// works with the session too.
TEST_F(Report, ConsoleFiledNoticesAreRecordedAsConsole) {
  auto user = app_->accounts().CreateUser(
      Principal::System(),
      json::object{{"email", "console@acme.example"}, {"name", "Console User"},
                   {"role", "rights_holder"}, {"org_id", "acme"},
                   {"password", "correct horse battery staple"}});
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  Reply login = Call("POST", "/v1/sessions", "",
                     json::object{{"email", "console@acme.example"},
                                  {"password", "correct horse battery staple"}});
  ASSERT_EQ(login.status, 201) << login;
  std::string csrf = login.Str("/csrf_token"), session;
  for (const auto& c : login.HeaderValues("set-cookie"))
    if (c.rfind("cf_session=", 0) == 0) session = c.substr(11, c.find(';') - 11);
  ASSERT_FALSE(session.empty()) << login;
  http::HeaderList console{{"Cookie", "cf_session=" + session + "; cf_csrf=" + csrf},
                           {"X-CSRF-Token", csrf}};

  Reply in_console = Call("POST", "/v1/notices", "", NoticeBody("r-1", acme_right_), console);
  ASSERT_EQ(in_console.status, 201) << in_console;
  EXPECT_EQ(in_console.Str("/source"), "console");
  std::string by_key = FileNotice(keys_.acme, NoticeBody("r-2", acme_right_));
  EXPECT_EQ(Get(keys_.admin, "/v1/notices/" + by_key).Str("/source"), "api");
  EXPECT_EQ(Get(keys_.admin, "/v1/notices/" + in_console.Str("/id")).Str("/source"), "console");
  // Stored so, not only shown so.
  auto stored = app_->notices().Get(Principal::System(), in_console.Str("/id"));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->source, "console");

  Reply report = Call("GET", "/v1/reports/dashboard", "", nullptr, console);
  EXPECT_EQ(report.status, 200) << report;
}

}  // namespace
}  // namespace counterfoil::testing
