// The notice-and-takedown lifecycle over real HTTP, on both regimes: intake,
// review, takedown, counter-notice and restoration on the regime's clock,
// legal action, rejections, information requests, appeals, the repeat-
// infringer policy, the good-faith fast lane, idempotency, bulk CSV,
// webhooks and console sessions.
#include <chrono>
#include <set>

#include "common/crypto.h"
#include "service/integration.h"
#include "tests/support/fixture.h"

namespace counterfoil::testing {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

class NoticeLifecycle : public IntegrationTest {
 protected:
  // The ids of the events of `type` in the feed `key` sees.
  std::vector<json::object> EventsOf(const std::string& key, const std::string& type) {
    Reply r = Get(key, "/v1/events?limit=1000");
    EXPECT_EQ(r.status, 200) << r;
    std::vector<json::object> out;
    for (const auto& e : r.Items())
      if (e.at("type") == json::value(type)) out.push_back(e.as_object());
    return out;
  }
  int64_t ActiveStrikes(const std::string& seller) {
    Reply r = Get(keys_.admin, "/v1/sellers/" + seller + "/strikes");
    EXPECT_EQ(r.status, 200) << r;
    int64_t n = 0;
    for (const auto& s : r.Items())
      if (!s.at("voided").as_bool()) ++n;
    return n;
  }
  std::string ListingStatus(const std::string& id) {
    return Get(keys_.admin, "/v1/listings/" + id).Str("/status");
  }
  std::string NoticeState(const std::string& id) {
    return Get(keys_.admin, "/v1/notices/" + id).Str("/state");
  }
  std::vector<std::string> QueueIds(const std::string& queue) {
    Reply r = Get(keys_.reviewer, "/v1/review/queue?queue=" + queue);
    EXPECT_EQ(r.status, 200) << r;
    std::vector<std::string> ids;
    for (const auto& n : r.Items()) ids.emplace_back(n.at("id").as_string());
    return ids;
  }
  int RunDueRestored() {
    auto due = app_->notices().RunDue();
    EXPECT_TRUE(due.ok()) << due.status().ToString();
    return due.ok() ? due->restored : -1;
  }
};

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// ------------------------------------------------------------------ intake and review

TEST_F(NoticeLifecycle, FilingReturnsReceiptAndLocation) {
  Reply r = Call("POST", "/v1/notices", keys_.acme, NoticeBody("t-s1-1", acme_right_));
  ASSERT_EQ(r.status, 201) << r;
  std::string id = r.Str("/id");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(r.Header("location"), "/v1/notices/" + id);
  EXPECT_EQ(r.Str("/state"), "received");
  EXPECT_NE(r.Str("/receipt").find(id), std::string::npos) << r;
  EXPECT_NE(r.Str("/receipt").find("2026-03-02T15:00:00.000Z"), std::string::npos) << r;
  EXPECT_EQ(r.Str("/complainant_org_id"), "acme");
  EXPECT_EQ(r.Str("/seller_id"), "s1");
  // The listing as it was at intake is kept as evidence.
  EXPECT_EQ(r.Str("/snapshot/title"), "Listing t-s1-1") << r;

  Reply got = Get(keys_.acme, "/v1/notices/" + id);
  ASSERT_EQ(got.status, 200) << got;
  EXPECT_EQ(got.Str("/state"), "received");
  // A seller does not see a notice before a decision concerns it.
  EXPECT_EQ(Get(keys_.s1, "/v1/notices/" + id).status, 404);
}

TEST_F(NoticeLifecycle, ReviewQueuePutsTrustedFlaggersAndCoalitionsFirst) {
  std::string standard = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  clock_.Advance(std::chrono::minutes(5));
  Reply trusted = Call("PATCH", "/v1/organisations/rival", keys_.admin,
                       json::object{{"trusted_flagger", true}});
  ASSERT_EQ(trusted.status, 200) << trusted;
  std::string flagger = FileNotice(keys_.rival, NoticeBody("t-s2-1", rival_right_));
  clock_.Advance(std::chrono::minutes(5));
  json::object coal = NoticeBody("e-s3-1", pubco_right_, "copyright");
  coal["on_behalf_of"] = "pubco";
  std::string coalition = FileNotice(keys_.coalition, coal);
  ASSERT_FALSE(standard.empty() || flagger.empty() || coalition.empty());

  std::vector<std::string> queue = QueueIds("notices");
  ASSERT_EQ(queue.size(), 3u);
  // Priority first (trusted flagger and coalition), then the review deadline.
  EXPECT_EQ(queue[0], flagger);
  EXPECT_EQ(queue[1], coalition);
  EXPECT_EQ(queue[2], standard);

  Reply c = Get(keys_.admin, "/v1/notices/" + coalition);
  EXPECT_EQ(c.Str("/complainant_org_id"), "pubcoal");
  EXPECT_EQ(c.Str("/principal_org_id"), "pubco");
}

TEST_F(NoticeLifecycle, ClaimIsExclusiveUntilItExpires) {
  std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  Reply claim = Call("POST", "/v1/notices/" + id + "/claim", keys_.reviewer);
  ASSERT_EQ(claim.status, 200) << claim;
  EXPECT_EQ(claim.Str("/state"), "in_review");
  EXPECT_FALSE(claim.Str("/claimed_by").empty());

  Reply other = Call("POST", "/v1/notices/" + id + "/claim", keys_.reviewer2);
  EXPECT_EQ(other.status, 409) << other;
  EXPECT_EQ(other.ProblemType(), "claimed");
  Reply decide = Decide(keys_.reviewer2, id, {{"decision", "accept"}});
  EXPECT_EQ(decide.status, 409) << decide;

  clock_.Advance(std::chrono::minutes(31));  // claim_minutes = 30
  Reply later = Call("POST", "/v1/notices/" + id + "/claim", keys_.reviewer2);
  EXPECT_EQ(later.status, 200) << later;
}

// ------------------------------------------------------------------ takedown

TEST_F(NoticeLifecycle, AcceptingRemovesListingWithStatementStrikeAndEvent) {
  std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  ASSERT_EQ(Call("POST", "/v1/notices/" + id + "/claim", keys_.reviewer).status, 200);
  Reply accepted = Accept(id);
  ASSERT_EQ(accepted.status, 200);
  EXPECT_EQ(accepted.Str("/state"), "accepted");
  EXPECT_EQ(ListingStatus("t-s1-1"), "removed");
  EXPECT_EQ(ActiveStrikes("s1"), 1);

  std::string statement = accepted.Str("/statement_id");
  ASSERT_FALSE(statement.empty()) << accepted;
  EXPECT_EQ(accepted.Str("/links/statement"), "/v1/statements/" + statement);
  // DSA art. 17(3): the restriction, facts, legal ground, automation, redress.
  Reply sor = Get(keys_.s1, "/v1/statements/" + statement);
  ASSERT_EQ(sor.status, 200) << sor;
  EXPECT_EQ(sor.Str("/decision"), "removal");
  EXPECT_FALSE(sor.Str("/restriction").empty()) << sor;
  EXPECT_NE(sor.Str("/facts").find(id), std::string::npos) << sor;
  EXPECT_NE(sor.Str("/legal_ground").find("ACME"), std::string::npos) << sor;
  EXPECT_NE(sor.Str("/legal_ground").find("E-Commerce Law"), std::string::npos) << sor;
  ASSERT_TRUE(sor.At("/automated_decision").is_bool()) << sor;
  EXPECT_FALSE(sor.At("/automated_decision").as_bool());
  ASSERT_TRUE(sor.At("/redress").is_array()) << sor;
  EXPECT_FALSE(sor.At("/redress").as_array().empty());
  bool counter_notice_redress = false;
  for (const auto& r : sor.At("/redress").as_array())
    if (std::string_view(r.as_string()).find("ounter-notice") != std::string_view::npos)
      counter_notice_redress = true;
  EXPECT_TRUE(counter_notice_redress) << sor;

  // The marketplace learns of the removal from its event feed.
  auto removed = EventsOf(keys_.taobao, "listing.removed");
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].at("data").at("listing_id"), "t-s1-1");
  EXPECT_EQ(removed[0].at("data").at("notice_id"), json::value(id));
  // The other marketplace does not.
  EXPECT_TRUE(EventsOf(keys_.shopeu, "listing.removed").empty());

  // The seller now sees the notice, without the complainant's identity papers
  // or the internal review notes.
  Reply seen = Get(keys_.s1, "/v1/notices/" + id);
  ASSERT_EQ(seen.status, 200) << seen;
  EXPECT_EQ(seen.Str("/state"), "accepted");
  EXPECT_TRUE(seen.At("/body/complainant/identity_document").is_null()) << seen;
  EXPECT_EQ(seen.Str("/body/complainant/name"), "Jane Doe");
  EXPECT_TRUE(seen.At("/claimed_by").is_null()) << seen;
}

// cn_ecl: restoration 15 days after the declaration reaches the rights holder,
// at 24:00 Beijing time on the last day (E-Commerce Law art. 43(2)).
TEST_F(NoticeLifecycle, ChinaCounterNoticeRestoresAtEndOfFifteenthDayAndNotBefore) {
  std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  Accept(id);

  // cn_ecl requires preliminary evidence of non-infringement.
  json::object no_evidence = CounterNoticeBody();
  no_evidence.erase("evidence");
  Reply bad = Call("POST", "/v1/notices/" + id + "/counter-notices", keys_.s1, no_evidence);
  EXPECT_EQ(bad.status, 422) << bad;
  EXPECT_EQ(bad.ErrorPointer(), "/evidence");
  EXPECT_NE(bad.Detail().find("art. 43"), std::string::npos) << bad;

  std::string cn = FileCounterNotice(keys_.s1, id);
  ASSERT_FALSE(cn.empty());
  // Filed Monday 2 March 23:00 Beijing; day 15 is Tuesday 17 March, which
  // ends at 18 March 00:00 +08:00.
  const std::string expected = "2026-03-17T16:00:00.000Z";

  Reply mine = Get(keys_.acme, "/v1/notices/" + id);
  EXPECT_EQ(mine.Str("/state"), "counter_noticed");
  EXPECT_EQ(mine.Str("/links/counter_notice"), "/v1/counter-notices/" + cn);
  Reply seen = Get(keys_.acme, "/v1/counter-notices/" + cn);
  ASSERT_EQ(seen.status, 200) << seen;
  EXPECT_EQ(seen.Str("/restore_at"), expected);
  EXPECT_EQ(seen.Str("/state"), "pending");
  auto forwarded = EventsOf(keys_.acme, "counter_notice.received");
  ASSERT_EQ(forwarded.size(), 1u);
  EXPECT_EQ(forwarded[0].at("data").at("restore_at"), json::value(expected));

  // One day early, and one millisecond early: the takedown stands.
  clock_.Set(T(expected) - days(1));
  EXPECT_EQ(RunDueRestored(), 0);
  EXPECT_EQ(ListingStatus("t-s1-1"), "removed");
  clock_.Set(T(expected) - milliseconds(1));
  EXPECT_EQ(RunDueRestored(), 0);
  EXPECT_EQ(ListingStatus("t-s1-1"), "removed");
  EXPECT_EQ(ActiveStrikes("s1"), 1);

  clock_.Set(T(expected));
  EXPECT_EQ(RunDueRestored(), 1);
  EXPECT_EQ(ListingStatus("t-s1-1"), "restored");
  EXPECT_EQ(NoticeState(id), "restored");
  EXPECT_EQ(Get(keys_.acme, "/v1/counter-notices/" + cn).Str("/state"), "restored");
  EXPECT_EQ(ActiveStrikes("s1"), 0);
  EXPECT_EQ(EventsOf(keys_.taobao, "listing.restored").size(), 1u);
  // Nothing is restored twice.
  clock_.Advance(days(30));
  EXPECT_EQ(RunDueRestored(), 0);
}

// us_dmca: not less than 10 business days following receipt (§512(g)(2)(C)),
// ending at 24:00 US Eastern time.
TEST_F(NoticeLifecycle, DmcaCounterNoticeRestoresAfterTenBusinessDaysAndNotBefore) {
  std::string id = FileNotice(keys_.acme, NoticeBody("e-s3-1", acme_right_));
  Accept(id);

  json::object body = CounterNoticeBody();
  body["statements"].as_object().erase("consent_to_jurisdiction");
  Reply no_consent = Call("POST", "/v1/notices/" + id + "/counter-notices", keys_.s3, body);
  EXPECT_EQ(no_consent.status, 422) << no_consent;
  EXPECT_EQ(no_consent.ErrorPointer(), "/statements/consent_to_jurisdiction");
  body = CounterNoticeBody();
  body["statements"].as_object().erase("good_faith_mistake");
  Reply no_mistake = Call("POST", "/v1/notices/" + id + "/counter-notices", keys_.s3, body);
  EXPECT_EQ(no_mistake.status, 422) << no_mistake;
  EXPECT_EQ(no_mistake.ErrorPointer(), "/statements/good_faith_mistake");
  body = CounterNoticeBody();
  body["contact"].as_object().erase("phone");
  Reply no_phone = Call("POST", "/v1/notices/" + id + "/counter-notices", keys_.s3, body);
  EXPECT_EQ(no_phone.status, 422) << no_phone;
  EXPECT_EQ(no_phone.ErrorPointer(), "/contact/phone");
  EXPECT_NE(no_phone.Detail().find("512(g)(3)"), std::string::npos) << no_phone;

  std::string cn = FileCounterNotice(keys_.s3, id);
  ASSERT_FALSE(cn.empty());
  // Received Monday 2 March 10:00 EST; business days 3–6, 9–13, 16 March:
  // the tenth ends at 17 March 00:00 -05:00.
  const std::string expected = "2026-03-17T05:00:00.000Z";
  Reply seen = Get(keys_.acme, "/v1/counter-notices/" + cn);
  ASSERT_EQ(seen.status, 200) << seen;
  EXPECT_EQ(seen.Str("/restore_at"), expected);

  clock_.Set(T(expected) - days(1));
  EXPECT_EQ(RunDueRestored(), 0);
  EXPECT_EQ(ListingStatus("e-s3-1"), "removed");
  clock_.Set(T(expected) - seconds(1));
  EXPECT_EQ(RunDueRestored(), 0);
  EXPECT_EQ(ListingStatus("e-s3-1"), "removed");

  clock_.Set(T(expected));
  EXPECT_EQ(RunDueRestored(), 1);
  EXPECT_EQ(ListingStatus("e-s3-1"), "restored");
  EXPECT_EQ(NoticeState(id), "restored");
  EXPECT_EQ(ActiveStrikes("s3"), 0);
}

TEST_F(NoticeLifecycle, LegalActionReportedInTimeKeepsTheTakedown) {
  std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-2", acme_right_));
  Accept(id);
  std::string cn = FileCounterNotice(keys_.s1, id);
  ASSERT_FALSE(cn.empty());
  std::string restore_at = Get(keys_.acme, "/v1/counter-notices/" + cn).Str("/restore_at");

  clock_.Advance(days(10));
  std::string filing = UploadBlob(keys_.acme, "%PDF complaint filed with the court", "legal_action");
  json::object action{{"kind", "lawsuit"},
                      {"court", "Hangzhou Internet Court"},
                      {"case_number", "(2026) Zhe 0192 Min Chu 123"},
                      {"filed_on", "2026-03-10"},
                      {"document_sha256", filing}};
  // The seller cannot report the complainant's action.
  EXPECT_EQ(Call("POST", "/v1/counter-notices/" + cn + "/legal-action", keys_.s1, action).status,
            404);
  Reply reported = Call("POST", "/v1/counter-notices/" + cn + "/legal-action", keys_.acme, action);
  ASSERT_EQ(reported.status, 200) << reported;
  EXPECT_EQ(reported.Str("/state"), "action_filed");
  EXPECT_EQ(NoticeState(id), "action_filed");

  clock_.Set(T(restore_at) + days(1));
  EXPECT_EQ(RunDueRestored(), 0);
  EXPECT_EQ(ListingStatus("t-s1-2"), "removed");
  EXPECT_EQ(NoticeState(id), "action_filed");
  EXPECT_EQ(ActiveStrikes("s1"), 1);
}

TEST_F(NoticeLifecycle, LegalActionAfterTheWindowIsRefused) {
  std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-2", acme_right_));
  Accept(id);
  std::string cn = FileCounterNotice(keys_.s1, id);
  std::string restore_at = Get(keys_.acme, "/v1/counter-notices/" + cn).Str("/restore_at");
  std::string filing = UploadBlob(keys_.acme, "%PDF late complaint", "legal_action");
  clock_.Set(T(restore_at));
  Reply late = Call("POST", "/v1/counter-notices/" + cn + "/legal-action", keys_.acme,
                    json::object{{"court", "Hangzhou Internet Court"},
                                 {"case_number", "X-1"},
                                 {"filed_on", "2026-03-18"},
                                 {"document_sha256", filing}});
  EXPECT_EQ(late.status, 409) << late;
  EXPECT_EQ(RunDueRestored(), 1);
  EXPECT_EQ(ListingStatus("t-s1-2"), "restored");
}

// ------------------------------------------------------------------ other decisions

TEST_F(NoticeLifecycle, RejectionStatesItsReasonAndLeavesTheListingOnline) {
  std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  Reply no_reason = Decide(keys_.reviewer, id, {{"decision", "reject"}});
  EXPECT_EQ(no_reason.status, 422) << no_reason;
  EXPECT_EQ(no_reason.ErrorPointer(), "/reason");
  EXPECT_EQ(NoticeState(id), "received");

  Reply r = Decide(keys_.reviewer, id,
                   {{"decision", "reject"},
                    {"rejection_code", "not_infringing"},
                    {"reason", "The listing sells a compatible accessory, which is lawful."}});
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Str("/state"), "rejected");
  EXPECT_EQ(r.Str("/rejection_code"), "not_infringing");
  EXPECT_EQ(ListingStatus("t-s1-1"), "active");
  EXPECT_EQ(ActiveStrikes("s1"), 0);
  Reply sor = Get(keys_.acme, "/v1/statements/" + r.Str("/statement_id"));
  ASSERT_EQ(sor.status, 200) << sor;
  EXPECT_EQ(sor.Str("/decision"), "no_action");
  EXPECT_NE(sor.Str("/facts").find("compatible accessory"), std::string::npos) << sor;
  EXPECT_EQ(EventsOf(keys_.acme, "notice.rejected").size(), 1u);
}

TEST_F(NoticeLifecycle, RequestedInformationSendsTheNoticeBackToTheQueue) {
  std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  Reply asked = Decide(keys_.reviewer, id,
                       {{"decision", "request_info"},
                        {"information_request", "Please attach the test-buy report."}});
  ASSERT_EQ(asked.status, 200) << asked;
  EXPECT_EQ(asked.Str("/state"), "info_requested");
  // 7 days from Monday 2 March (Beijing): ends 10 March 00:00 +08:00.
  EXPECT_EQ(asked.Str("/info_deadline"), "2026-03-09T16:00:00.000Z");
  EXPECT_FALSE(Contains(QueueIds("notices"), id));

  // Only the complainant side supplies it.
  EXPECT_EQ(Call("POST", "/v1/notices/" + id + "/information", keys_.rival,
                 json::object{{"information", "x"}})
                .status,
            404);
  Reply supplied = Call("POST", "/v1/notices/" + id + "/information", keys_.acme,
                        json::object{{"information", "Test-buy report attached."},
                                     {"evidence", json::array{"Test-buy report TB-77"}}});
  ASSERT_EQ(supplied.status, 200) << supplied;
  EXPECT_EQ(supplied.Str("/state"), "received");
  EXPECT_TRUE(Contains(QueueIds("notices"), id));
  Reply accepted = Accept(id);
  EXPECT_EQ(accepted.Str("/state"), "accepted");
}

TEST_F(NoticeLifecycle, UnansweredInformationRequestLapsesAtItsDeadline) {
  std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  Reply asked = Decide(keys_.reviewer, id,
                       {{"decision", "request_info"}, {"information_request", "Which product?"}});
  ASSERT_EQ(asked.status, 200) << asked;
  Timestamp deadline = T(asked.Str("/info_deadline"));

  clock_.Set(deadline - seconds(1));
  auto before = app_->notices().RunDue();
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->lapsed, 0);
  EXPECT_EQ(NoticeState(id), "info_requested");

  clock_.Set(deadline);
  auto due = app_->notices().RunDue();
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->lapsed, 1);
  EXPECT_EQ(NoticeState(id), "lapsed");
  Reply late = Call("POST", "/v1/notices/" + id + "/information", keys_.acme,
                    json::object{{"information", "Too late"}});
  EXPECT_EQ(late.status, 409) << late;
  // A lapsed notice no longer blocks a new one on the same listing and right.
  EXPECT_FALSE(FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_)).empty());
}

// ------------------------------------------------------------------ appeals (DSA art. 20)

TEST_F(NoticeLifecycle, AppealIsDecidedByAnotherReviewerAndOverturningRestores) {
  std::string id = FileNotice(keys_.acme, NoticeBody("e-s3-2", acme_right_));
  Accept(id, keys_.reviewer);
  ASSERT_EQ(ListingStatus("e-s3-2"), "removed");

  Reply appeal = Call("POST", "/v1/appeals", keys_.s3,
                      json::object{{"notice_id", id},
                                   {"grounds", "The goods are genuine; invoices attached."}});
  ASSERT_EQ(appeal.status, 201) << appeal;
  std::string aid = appeal.Str("/id");
  EXPECT_EQ(appeal.Header("location"), "/v1/appeals/" + aid);
  EXPECT_EQ(appeal.Str("/appellant"), "seller");
  // A second appeal on the same notice while one is open.
  EXPECT_EQ(Call("POST", "/v1/appeals", keys_.s3,
                 json::object{{"notice_id", id}, {"grounds", "Again, the goods are genuine."}})
                .status,
            409);
  auto queue = Get(keys_.reviewer2, "/v1/review/queue?queue=appeals");
  ASSERT_EQ(queue.Items().size(), 1u) << queue;

  json::object decision{{"outcome", "overturned"},
                        {"reasons", "The invoices show the goods came from the brand."}};
  Reply same = Call("POST", "/v1/appeals/" + aid + "/decision", keys_.reviewer, decision);
  EXPECT_EQ(same.status, 409) << same;
  EXPECT_EQ(same.ProblemType(), "same_reviewer");
  EXPECT_EQ(Get(keys_.admin, "/v1/appeals/" + aid).Str("/state"), "open");

  Reply decided = Call("POST", "/v1/appeals/" + aid + "/decision", keys_.reviewer2, decision);
  ASSERT_EQ(decided.status, 200) << decided;
  EXPECT_EQ(decided.Str("/state"), "overturned");
  EXPECT_EQ(ListingStatus("e-s3-2"), "restored");
  EXPECT_EQ(NoticeState(id), "restored");
  EXPECT_EQ(ActiveStrikes("s3"), 0);
  Reply sor = Get(keys_.s3, "/v1/statements/" + decided.Str("/statement_id"));
  ASSERT_EQ(sor.status, 200) << sor;
  EXPECT_EQ(sor.Str("/decision"), "appeal_granted");
}

TEST_F(NoticeLifecycle, ChinaRegimeHasNoInternalComplaint) {
  std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  Accept(id);
  Reply appeal = Call("POST", "/v1/appeals", keys_.s1,
                      json::object{{"notice_id", id}, {"grounds", "The goods are genuine."}});
  EXPECT_EQ(appeal.status, 409) << appeal;
}

// An appeal that restores the listing closes the counter-notice clock too:
// the deadline job must not restore (and count) the notice a second time, and
// the complainant can no longer turn a restored notice into "action filed".
TEST_F(NoticeLifecycle, OverturnedAppealClosesThePendingCounterNotice) {
  std::string id = FileNotice(keys_.acme, NoticeBody("e-s3-3", acme_right_));
  Accept(id, keys_.reviewer);
  std::string cn = FileCounterNotice(keys_.s3, id);
  Reply appeal = Call("POST", "/v1/appeals", keys_.s3,
                      json::object{{"notice_id", id}, {"grounds", "The goods are genuine."}});
  ASSERT_EQ(appeal.status, 201) << appeal;
  Reply decided = Call("POST", "/v1/appeals/" + appeal.Str("/id") + "/decision", keys_.reviewer2,
                       json::object{{"outcome", "overturned"}, {"reasons", "Genuine goods."}});
  ASSERT_EQ(decided.status, 200) << decided;
  EXPECT_EQ(NoticeState(id), "restored");
  EXPECT_NE(Get(keys_.acme, "/v1/counter-notices/" + cn).Str("/state"), "pending");

  std::string filing = UploadBlob(keys_.acme, "%PDF complaint", "legal_action");
  Reply action = Call("POST", "/v1/counter-notices/" + cn + "/legal-action", keys_.acme,
                      json::object{{"court", "District Court"},
                                   {"case_number", "1:26-cv-1"},
                                   {"filed_on", "2026-03-03"},
                                   {"document_sha256", filing}});
  EXPECT_EQ(action.status, 409) << action;
  EXPECT_EQ(NoticeState(id), "restored");

  auto statements_before = CountState().statements;
  clock_.Advance(days(30));
  EXPECT_EQ(RunDueRestored(), 0);
  EXPECT_EQ(CountState().statements, statements_before);
  auto accuracy = Get(keys_.acme, "/v1/organisations/acme/accuracy");
  EXPECT_EQ(accuracy.At("/restored_after_counter_notice"), 1) << accuracy;
}

// ------------------------------------------------------------------ repeat infringers

TEST_F(NoticeLifecycle, ThirdUpheldTakedownWithinNinetyDaysSuspendsTheSeller) {
  for (int i = 1; i <= 3; ++i) {
    std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-" + std::to_string(i), acme_right_));
    Accept(id);
    if (i < 3) {
      EXPECT_EQ(Get(keys_.admin, "/v1/sellers/s1").Str("/status"), "active") << i;
      clock_.Advance(days(40));  // three strikes span 80 days
    }
  }
  Reply seller = Get(keys_.admin, "/v1/sellers/s1");
  EXPECT_EQ(seller.Str("/status"), "suspended") << seller;
  EXPECT_NE(seller.Str("/suspension_reason").find("3"), std::string::npos) << seller;
  for (std::string other : {"t-s1-4", "t-s1-5", "t-s1-6"}) {
    Reply l = Get(keys_.admin, "/v1/listings/" + other);
    EXPECT_EQ(l.Str("/status"), "removed") << other;
    EXPECT_EQ(l.Str("/status_reason"), "seller suspended") << other;
  }
  // Another seller is untouched.
  EXPECT_EQ(ListingStatus("t-s2-1"), "active");
  EXPECT_EQ(Get(keys_.admin, "/v1/sellers/s2").Str("/status"), "active");
  EXPECT_EQ(EventsOf(keys_.taobao, "seller.suspended").size(), 1u);
  // The seller sees it in its own feed.
  EXPECT_EQ(EventsOf(keys_.s1, "seller.suspended").size(), 1u);
  EXPECT_TRUE(EventsOf(keys_.s2, "seller.suspended").empty());
}

TEST_F(NoticeLifecycle, StrikesOutsideTheWindowDoNotSuspend) {
  for (int i = 1; i <= 3; ++i) {
    Accept(FileNotice(keys_.acme, NoticeBody("t-s1-" + std::to_string(i), acme_right_)));
    clock_.Advance(days(46));  // the first strike is 92 days old at the third
  }
  EXPECT_EQ(Get(keys_.admin, "/v1/sellers/s1").Str("/status"), "active");
  EXPECT_EQ(ListingStatus("t-s1-4"), "active");
}

// ------------------------------------------------------------------ good-faith fast lane

TEST_F(NoticeLifecycle, GoodFaithNotifierIsActionedAtIntakeAndReviewedAfter) {
  // 25 accepted notices in the programme window (DSA art. 23 record).
  Status seeded = app_->store().Write([&](storage::Tx& tx) {
    return tx.AddNotifierTally("acme", FormatDate(clock_.Now() - days(10)), {.accepted = 25});
  });
  ASSERT_TRUE(seeded.ok()) << seeded.ToString();
  // The standing is re-evaluated on the next decision.
  Accept(FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_)));
  Reply accuracy = Get(keys_.acme, "/v1/organisations/acme/accuracy");
  ASSERT_EQ(accuracy.status, 200) << accuracy;
  EXPECT_EQ(accuracy.Str("/standing"), "good_faith") << accuracy;

  Reply fast = Call("POST", "/v1/notices", keys_.acme, NoticeBody("t-s2-1", acme_right_));
  ASSERT_EQ(fast.status, 201) << fast;
  std::string id = fast.Str("/id");
  EXPECT_EQ(fast.Str("/state"), "accepted");
  EXPECT_TRUE(fast.At("/fast_lane").as_bool());
  EXPECT_EQ(ListingStatus("t-s2-1"), "removed");
  Reply sor = Get(keys_.admin, "/v1/statements/" + fast.Str("/statement_id"));
  EXPECT_TRUE(sor.At("/automated_decision").as_bool()) << sor;
  EXPECT_TRUE(Contains(QueueIds("post_review"), id));
  EXPECT_FALSE(Contains(QueueIds("notices"), id));

  // The after-the-fact review confirms it and takes it off the queue.
  Reply confirmed = Decide(keys_.reviewer, id, {{"decision", "accept"}, {"reason", "Confirmed."}});
  ASSERT_EQ(confirmed.status, 200) << confirmed;
  EXPECT_EQ(confirmed.Str("/state"), "accepted");
  EXPECT_FALSE(Contains(QueueIds("post_review"), id));
  EXPECT_EQ(ListingStatus("t-s2-1"), "removed");
}

TEST_F(NoticeLifecycle, ReversedFastLaneTakedownRestoresTheListing) {
  Status seeded = app_->store().Write([&](storage::Tx& tx) {
    return tx.AddNotifierTally("acme", FormatDate(clock_.Now()), {.accepted = 25});
  });
  ASSERT_TRUE(seeded.ok());
  Accept(FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_)));
  Reply fast = Call("POST", "/v1/notices", keys_.acme, NoticeBody("t-s2-2", acme_right_));
  ASSERT_EQ(fast.Str("/state"), "accepted") << fast;
  Reply reversed = Decide(keys_.reviewer, fast.Str("/id"),
                          {{"decision", "reject"},
                           {"rejection_code", "not_infringing"},
                           {"reason", "The product is a lawful compatible part."}});
  ASSERT_EQ(reversed.status, 200) << reversed;
  EXPECT_EQ(reversed.Str("/state"), "rejected");
  EXPECT_EQ(ListingStatus("t-s2-2"), "restored");
  EXPECT_EQ(ActiveStrikes("s2"), 0);
  EXPECT_FALSE(Contains(QueueIds("post_review"), fast.Str("/id")));
}

// ------------------------------------------------------------------ duplicates and idempotency

TEST_F(NoticeLifecycle, SecondOpenNoticeOnSameListingAndRightIsADuplicate) {
  std::string first = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  // Even when filed by the agent for the same rights holder.
  json::object body = NoticeBody("t-s1-1", acme_right_);
  body["on_behalf_of"] = "acme";
  Reply dup = Call("POST", "/v1/notices", keys_.agent, body);
  EXPECT_EQ(dup.status, 409) << dup;
  EXPECT_EQ(dup.ProblemType(), "duplicate_notice");
  EXPECT_EQ(dup.ErrorPointer(), "/listing_id");
  EXPECT_NE(dup.Detail().find(first), std::string::npos) << dup;
  // Another right on the same listing is a separate notice.
  json::object other = NoticeBody("t-s1-1", rival_right_);
  EXPECT_EQ(Call("POST", "/v1/notices", keys_.rival, other).status, 201);
  // Once decided, a new notice may be filed.
  Decide(keys_.reviewer, first,
         {{"decision", "reject"}, {"rejection_code", "insufficient_evidence"}, {"reason", "None."}});
  EXPECT_EQ(Call("POST", "/v1/notices", keys_.acme, NoticeBody("t-s1-1", acme_right_)).status, 201);
}

TEST_F(NoticeLifecycle, IdempotencyKeyReplaysTheFirstReplyAndCreatesNothingNew) {
  json::object body = NoticeBody("t-s1-1", acme_right_);
  http::HeaderList key{{"Idempotency-Key", "intake-7f3a"}};
  Reply first = Call("POST", "/v1/notices", keys_.acme, body, key);
  ASSERT_EQ(first.status, 201) << first;
  StateCounts after_first = CountState();

  clock_.Advance(seconds(30));
  Reply again = Call("POST", "/v1/notices", keys_.acme, body, key);
  EXPECT_EQ(again.status, 201) << again;
  EXPECT_EQ(again.text, first.text);
  EXPECT_EQ(again.Header("location"), first.Header("location"));
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  EXPECT_EQ(CountState(), after_first);

  // Same key, another body: refused, nothing created.
  Reply other = Call("POST", "/v1/notices", keys_.acme, NoticeBody("t-s1-2", acme_right_), key);
  EXPECT_EQ(other.status, 422) << other;
  EXPECT_EQ(other.ProblemType(), "idempotency_key_reused");
  EXPECT_EQ(CountState(), after_first);
  Reply list = Get(keys_.admin, "/v1/notices");
  EXPECT_EQ(list.Items().size(), 1u) << list;

  // Keys are per principal: another user's identical key is independent.
  json::object rival = NoticeBody("t-s1-1", rival_right_);
  EXPECT_EQ(Call("POST", "/v1/notices", keys_.rival, rival, key).status, 201);
}

// ------------------------------------------------------------------ bulk CSV

std::string CsvField(std::string s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

TEST_F(NoticeLifecycle, BulkCsvUploadFilesEachRowAndNamesTheBadOnes) {
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.push_back("bulk-" + std::to_string(i));
  AddListings("taobao", "s2", ids);

  std::string csv =
      "listing_id,right_id,infringement_type,explanation,evidence,signature,complainant.name,"
      "complainant.identity_document,complainant.email,statements.good_faith\n";
  for (int i = 0; i < 50; ++i) {
    std::string listing = ids[i];
    std::string good_faith = "true";
    std::string identity = "Business licence 91310000XXXX";
    if (i == 17) listing = "no-such-listing";  // bad row 19 (line 19)
    if (i == 33) identity = "";                // bad row 34: cn_ecl requires identity
    csv += listing + "," + acme_right_ + ",counterfeit," +
           CsvField("Counterfeit \"ACME\" goods, row " + std::to_string(i)) +
           ",Test buy A;Test buy B,Jane Doe,Jane Doe," + identity + ",legal@acme.example," +
           good_faith + "\n";
  }
  Reply r = CallRaw("POST", "/v1/notices/bulk", keys_.acme, csv, "text/csv; charset=utf-8");
  ASSERT_EQ(r.status, 202) << r;
  std::string job = r.Str("/id");
  EXPECT_EQ(r.Header("location"), "/v1/jobs/" + job);
  EXPECT_EQ(r.Str("/state"), "queued");
  EXPECT_EQ(r.At("/total"), 50);

  app_->runner().RunOnce();
  Reply done = Get(keys_.acme, "/v1/jobs/" + job);
  ASSERT_EQ(done.status, 200) << done;
  EXPECT_EQ(done.Str("/state"), "done");
  EXPECT_EQ(done.At("/processed"), 50);
  EXPECT_EQ(done.At("/succeeded"), 48);
  EXPECT_EQ(done.At("/failed"), 2);
  const json::array& results = done.At("/results").as_array();
  ASSERT_EQ(results.size(), 50u);
  std::set<int64_t> bad_rows;
  for (const auto& row : results) {
    if (row.at("status") == "error") {
      bad_rows.insert(row.at("row").as_int64());
    } else {
      EXPECT_EQ(row.at("status"), "created") << row;
      EXPECT_EQ(row.at("state"), "received") << row;
    }
  }
  EXPECT_EQ(bad_rows, (std::set<int64_t>{18, 34}));
  EXPECT_EQ(results[17].at("field"), "/listing_id") << results[17];
  EXPECT_EQ(results[17].at("line"), 19) << results[17];
  EXPECT_EQ(results[33].at("field"), "/complainant/identity_document") << results[33];
  EXPECT_NE(std::string_view(results[33].at("error").as_string()).find("1195"),
            std::string_view::npos)
      << results[33];

  Reply filed = Get(keys_.acme, "/v1/notices?job_id=" + job + "&limit=200");
  EXPECT_EQ(filed.Items().size(), 48u);
  EXPECT_EQ(filed.Items()[0].at("source"), "bulk");
  // The evidence column is split on ';'.
  Reply one = Get(keys_.acme, "/v1/notices/" + std::string(results[0].at("notice_id").as_string()));
  EXPECT_EQ(one.At("/body/evidence").as_array().size(), 2u) << one;
  EXPECT_EQ(EventsOf(keys_.acme, "job.done").size(), 1u);
}

TEST_F(NoticeLifecycle, BulkJsonUploadAppliesDefaultsToEveryRow) {
  AddListings("shopeu", "s3", {"bulk-e-1", "bulk-e-2", "bulk-e-3"});
  json::object defaults = NoticeBody("ignored", acme_right_);
  defaults.erase("listing_id");
  defaults.erase("location_url");  // filled in from each listing
  std::string csv = "listing_id,explanation\nbulk-e-1,First\nbulk-e-2,Second\nbulk-e-3,\n";
  Reply r = Call("POST", "/v1/notices/bulk", keys_.acme,
                 json::object{{"csv", csv}, {"defaults", defaults}});
  ASSERT_EQ(r.status, 202) << r;
  app_->runner().RunOnce();
  Reply done = Get(keys_.acme, "/v1/jobs/" + r.Str("/id"));
  EXPECT_EQ(done.Str("/state"), "done") << done;
  EXPECT_EQ(done.At("/succeeded"), 3) << done;
  Reply n = Get(keys_.acme, "/v1/notices/" + done.Str("/results/0/notice_id"));
  EXPECT_EQ(n.Str("/body/explanation"), "First") << n;
  EXPECT_EQ(n.Str("/body/location_url"), "https://shopeu.example/item/bulk-e-1") << n;
  // An empty cell keeps the default.
  Reply third = Get(keys_.acme, "/v1/notices/" + done.Str("/results/2/notice_id"));
  EXPECT_EQ(third.Str("/body/explanation"), defaults.at("explanation").as_string()) << third;
}

// ------------------------------------------------------------------ webhooks

TEST_F(NoticeLifecycle, WebhookDeliversSignedEventsToTheMarketplace) {
  WebhookReceiver receiver;
  Reply hook = Call("POST", "/v1/webhooks", keys_.taobao,
                    json::object{{"url", receiver.url()},
                                 {"event_types", json::array{"listing.removed", "notice.accepted"}}});
  ASSERT_EQ(hook.status, 201) << hook;
  std::string secret = hook.Str("/secret");
  ASSERT_FALSE(secret.empty());
  Reply listed = Get(keys_.taobao, "/v1/webhooks");
  ASSERT_EQ(listed.Items().size(), 1u) << listed;
  EXPECT_EQ(listed.Items()[0].as_object().if_contains("secret"), nullptr) << listed;

  std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  // An event on the other marketplace is not sent.
  Accept(FileNotice(keys_.acme, NoticeBody("e-s3-1", acme_right_)));
  Accept(id);
  app_->runner().RunOnce();

  auto got = receiver.received();
  ASSERT_EQ(got.size(), 2u);
  std::set<std::string> types;
  for (const auto& d : got) {
    types.insert(d.Header("counterfoil-event-type").value_or(""));
    // Counterfoil-Signature: t=<unix seconds>,v1=HMAC-SHA256(secret, "t.body").
    std::string sig = d.Header("counterfoil-signature").value_or("");
    auto comma = sig.find(",v1=");
    ASSERT_EQ(sig.rfind("t=", 0), 0u) << sig;
    ASSERT_NE(comma, std::string::npos) << sig;
    std::string t = sig.substr(2, comma - 2);
    EXPECT_EQ(t, std::to_string(std::chrono::duration_cast<seconds>(
                                    clock_.Now().time_since_epoch())
                                    .count()));
    EXPECT_EQ(sig.substr(comma + 4), HmacSha256Hex(secret, t + "." + d.body));
    EXPECT_NE(sig.substr(comma + 4), HmacSha256Hex("wrong-secret-000000", t + "." + d.body));
    json::value body = json::parse(d.body);
    EXPECT_EQ(body.at("marketplace_id"), "taobao");
    EXPECT_EQ(d.Header("counterfoil-event-id"), std::string(body.at("id").as_string()));
  }
  EXPECT_EQ(types, (std::set<std::string>{"listing.removed", "notice.accepted"}));

  Reply deliveries = Get(keys_.taobao, "/v1/webhooks/" + hook.Str("/id") + "/deliveries");
  ASSERT_EQ(deliveries.Items().size(), 2u) << deliveries;
  for (const auto& d : deliveries.Items()) EXPECT_EQ(d.at("state"), "delivered") << d;
  // Delivered events are not sent again.
  app_->runner().RunOnce();
  EXPECT_EQ(receiver.count(), 2u);
}

TEST_F(NoticeLifecycle, FailingWebhookIsRetriedWithExponentialBackOff) {
  WebhookReceiver receiver;
  receiver.set_status(500);
  Reply hook = Call("POST", "/v1/webhooks", keys_.taobao,
                    json::object{{"url", receiver.url()},
                                 {"event_types", json::array{"listing.removed"}}});
  ASSERT_EQ(hook.status, 201) << hook;
  std::string deliveries_path = "/v1/webhooks/" + hook.Str("/id") + "/deliveries";
  Accept(FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_)));

  app_->runner().RunOnce();
  ASSERT_EQ(receiver.count(), 1u);
  Reply d = Get(keys_.taobao, deliveries_path);
  ASSERT_EQ(d.Items().size(), 1u) << d;
  EXPECT_EQ(d.Items()[0].at("state"), "pending");
  EXPECT_EQ(d.Items()[0].at("attempts"), 1);
  EXPECT_EQ(d.Items()[0].at("last_status"), 500);

  // Not before the back-off (webhook_backoff_base_seconds = 5).
  clock_.Advance(seconds(4));
  app_->runner().RunOnce();
  EXPECT_EQ(receiver.count(), 1u);
  clock_.Advance(seconds(1));
  app_->runner().RunOnce();
  ASSERT_EQ(receiver.count(), 2u);
  EXPECT_EQ(receiver.received()[1].Header("counterfoil-delivery-attempt"), "2");
  // The second back-off doubles to 10 s.
  clock_.Advance(seconds(9));
  app_->runner().RunOnce();
  EXPECT_EQ(receiver.count(), 2u);
  receiver.set_status(204);
  clock_.Advance(seconds(1));
  app_->runner().RunOnce();
  ASSERT_EQ(receiver.count(), 3u);
  // Every attempt carries the same event id, so the receiver can de-duplicate.
  auto got = receiver.received();
  EXPECT_EQ(got[0].Header("counterfoil-event-id"), got[2].Header("counterfoil-event-id"));
  Reply after = Get(keys_.taobao, deliveries_path);
  EXPECT_EQ(after.Items()[0].at("state"), "delivered") << after;
  EXPECT_EQ(after.Items()[0].at("attempts"), 3);
}

// ------------------------------------------------------------------ console sessions

TEST_F(NoticeLifecycle, ConsoleSessionNeedsTheCsrfTokenForChanges) {
  auto user = app_->accounts().CreateUser(
      service::Principal::System(),
      json::object{{"email", "console@acme.example"}, {"name", "Console User"},
                   {"role", "rights_holder"}, {"org_id", "acme"},
                   {"password", "correct horse battery staple"}});
  ASSERT_TRUE(user.ok()) << user.status().ToString();

  Reply wrong = Call("POST", "/v1/sessions", "",
                     json::object{{"email", "console@acme.example"}, {"password", "wrong password!"}});
  EXPECT_EQ(wrong.status, 401) << wrong;

  Reply login = Call("POST", "/v1/sessions", "",
                     json::object{{"email", "Console@Acme.example"},
                                  {"password", "correct horse battery staple"}});
  ASSERT_EQ(login.status, 201) << login;
  std::string csrf = login.Str("/csrf_token");
  ASSERT_FALSE(csrf.empty());
  std::string session;
  for (const auto& c : login.HeaderValues("set-cookie")) {
    if (c.rfind("cf_session=", 0) != 0) continue;
    session = c.substr(11, c.find(';') - 11);
    EXPECT_NE(c.find("HttpOnly"), std::string::npos) << c;
    EXPECT_NE(c.find("SameSite=Strict"), std::string::npos) << c;
    EXPECT_NE(c.find("Path=/"), std::string::npos) << c;
  }
  ASSERT_FALSE(session.empty()) << login;
  http::HeaderList cookie{{"Cookie", "cf_session=" + session + "; cf_csrf=" + csrf}};

  Reply me = Call("GET", "/v1/me", "", nullptr, cookie);
  ASSERT_EQ(me.status, 200) << me;
  EXPECT_EQ(me.Str("/email"), "console@acme.example");
  EXPECT_EQ(me.Str("/org_id"), "acme");

  StateCounts before = CountState();
  Reply no_token = Call("POST", "/v1/notices", "", NoticeBody("t-s1-1", acme_right_), cookie);
  EXPECT_EQ(no_token.status, 403) << no_token;
  EXPECT_EQ(no_token.ProblemType(), "csrf");
  http::HeaderList bad = cookie;
  bad.emplace_back("X-CSRF-Token", "not-the-token-" + csrf.substr(14));
  EXPECT_EQ(Call("POST", "/v1/notices", "", NoticeBody("t-s1-1", acme_right_), bad).status, 403);
  EXPECT_EQ(CountState(), before);

  http::HeaderList with_token = cookie;
  with_token.emplace_back("X-CSRF-Token", csrf);
  Reply filed = Call("POST", "/v1/notices", "", NoticeBody("t-s1-1", acme_right_), with_token);
  EXPECT_EQ(filed.status, 201) << filed;
  EXPECT_EQ(filed.Str("/filed_by"), user->id);

  // Logging out needs the token too, then the cookie is worthless.
  EXPECT_EQ(Call("DELETE", "/v1/sessions/current", "", nullptr, cookie).status, 403);
  Reply out = Call("DELETE", "/v1/sessions/current", "", nullptr, with_token);
  EXPECT_EQ(out.status, 204) << out;
  bool cleared = false;
  for (const auto& c : out.HeaderValues("set-cookie"))
    if (c.rfind("cf_session=;", 0) == 0 && c.find("Max-Age=0") != std::string::npos) cleared = true;
  EXPECT_TRUE(cleared) << out;
  EXPECT_EQ(Call("GET", "/v1/me", "", nullptr, cookie).status, 401);

  // A session expires after session_ttl_hours.
  Reply again = Call("POST", "/v1/sessions", "",
                     json::object{{"email", "console@acme.example"},
                                  {"password", "correct horse battery staple"}});
  ASSERT_EQ(again.status, 201);
  std::string s2;
  for (const auto& c : again.HeaderValues("set-cookie"))
    if (c.rfind("cf_session=", 0) == 0) s2 = c.substr(11, c.find(';') - 11);
  http::HeaderList cookie2{{"Cookie", "cf_session=" + s2}};
  EXPECT_EQ(Call("GET", "/v1/me", "", nullptr, cookie2).status, 200);
  clock_.Advance(hours(12));
  EXPECT_EQ(Call("GET", "/v1/me", "", nullptr, cookie2).status, 401);
}

// ------------------------------------------------------------------ audit

TEST_F(NoticeLifecycle, AuditChainRecordsEveryStepAndVerifies) {
  std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  Accept(id);
  FileCounterNotice(keys_.s1, id);
  clock_.Advance(days(20));
  EXPECT_EQ(RunDueRestored(), 1);

  Reply audit = Get(keys_.admin, "/v1/audit?limit=1000");
  ASSERT_EQ(audit.status, 200) << audit;
  std::vector<std::string> actions;
  for (const auto& e : audit.Items())
    if (e.at("entity_id") == json::value(id)) actions.emplace_back(e.at("action").as_string());
  EXPECT_EQ(actions, (std::vector<std::string>{"notice.received", "notice.accepted",
                                               "notice.restored"}));
  EXPECT_EQ(Get(keys_.reviewer, "/v1/audit").status, 403);

  auto report = service::IntegrationService::VerifyAudit(app_->store());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->first_broken_seq, 0) << report->problem;
  EXPECT_EQ(report->entries, static_cast<int64_t>(CountState().audit));
}

}  // namespace
}  // namespace counterfoil::testing
