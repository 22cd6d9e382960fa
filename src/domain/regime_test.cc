#include "domain/regime.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/json.h"

namespace counterfoil::domain {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

Timestamp T(std::string_view text) {
  Result<Timestamp> t = ParseTime(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? *t : Timestamp{};
}

boost::json::value J(std::string_view text) {
  Result<boost::json::value> v = ParseJson(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : boost::json::value{};
}

// A notice that satisfies every built-in regime.
boost::json::object CompleteNotice() {
  return J(R"({
    "complainant": {"name": "Dyson Ltd", "email": "ip@dyson.example", "address": "Malmesbury, UK",
                    "phone": "+44 1666 000000", "identity_document": "docs/dyson-registration.pdf"},
    "signature": "/s/ Jane Roe",
    "work": "DYSON word mark, EUTM 000000001",
    "listing_id": "L0000001",
    "location_url": "https://market.example/item/L0000001",
    "explanation": "The listing offers counterfeit hair dryers under the DYSON mark.",
    "evidence": ["evidence/test-buy-0001.pdf"],
    "statements": {"good_faith": true, "accurate": true, "under_penalty_of_perjury": true,
                   "authorised": true, "bona_fide": true}
  })")
      .as_object();
}

// Removes the member at a JSON pointer of plain segments.
void Erase(boost::json::object& o, std::string_view pointer) {
  size_t slash = pointer.find('/', 1);
  if (slash == std::string_view::npos) {
    o.erase(pointer.substr(1));
    return;
  }
  Erase(o[pointer.substr(1, slash - 1)].as_object(), pointer.substr(slash));
}

boost::json::value& At(boost::json::object& o, std::string_view pointer) {
  size_t slash = pointer.find('/', 1);
  if (slash == std::string_view::npos) return o[pointer.substr(1)];
  return At(o[pointer.substr(1, slash - 1)].as_object(), pointer.substr(slash));
}

std::string Name(std::string_view pointer) { return std::string(pointer.substr(1)); }

// ---------------------------------------------------------------- DMCA restoration

TEST(DmcaRestoration, SkipsThanksgivingAndWeekend) {
  // Received Wednesday before Thanksgiving; day 1 is Friday 27 November, day 10
  // Thursday 10 December, day 14 Wednesday 16 December (New York time).
  Timestamp received = T("2026-11-25T15:00:00-05:00");
  std::optional<RestorationWindow> w = ComputeRestoration(UsDmca(), received, received);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(FormatTime(w->earliest), "2026-12-11T05:00:00.000Z");  // end of 10 December EST
  EXPECT_EQ(FormatTime(w->restore_at), "2026-12-11T05:00:00.000Z");
  EXPECT_EQ(FormatTime(w->latest), "2026-12-17T05:00:00.000Z");  // end of 16 December EST
}

TEST(DmcaRestoration, TenToFourteenBusinessDaysAcrossChristmasAndNewYear) {
  // Friday 18 December 2026: Christmas (Fri 25) and New Year's Day (Fri 1) are
  // skipped; day 10 is Tuesday 5 January 2027, day 14 Monday 11 January.
  Timestamp received = T("2026-12-18T10:00:00-05:00");
  std::optional<RestorationWindow> w = ComputeRestoration(UsDmca(), received, received);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(FormatTime(w->earliest), "2027-01-06T05:00:00.000Z");
  EXPECT_EQ(FormatTime(w->latest), "2027-01-12T05:00:00.000Z");
}

TEST(DmcaRestoration, CountsFromReceiptNotFromForwarding) {
  Timestamp received = T("2026-12-18T10:00:00-05:00");
  auto a = ComputeRestoration(UsDmca(), received, received);
  auto b = ComputeRestoration(UsDmca(), received, T("2026-12-22T10:00:00-05:00"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->restore_at, b->restore_at);
}

TEST(DmcaRestoration, RestoresOnTheConfiguredDayInsideTheWindow) {
  Regime base = UsDmca();
  Result<Regime> r = RegimeFromJson(J(R"({"restore_after_days": 12})"), &base);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto w = ComputeRestoration(*r, T("2026-12-18T10:00:00-05:00"), T("2026-12-18T10:00:00-05:00"));
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(FormatTime(w->restore_at), "2027-01-08T05:00:00.000Z");  // end of Thu 7 January
}

TEST(DmcaRestoration, WindowIsTenToFourteenWholeBusinessDaysFromAnyReceiptTime) {
  const Regime dmca = UsDmca();
  const BusinessCalendar& cal = dmca.calendar;
  // Whole business days after the day of receipt that have ended by `bound`.
  auto whole_days = [&](Timestamp received, Timestamp bound) {
    int n = 0;
    for (sys_days d = cal.LocalDay(received) + days(1); cal.StartOfLocalDay(d + days(1)) <= bound;
         d += days(1)) {
      if (cal.IsBusinessDay(d)) ++n;
    }
    return n;
  };
  for (Timestamp received = T("2026-11-01T00:00:00Z"); received < T("2027-01-31T00:00:00Z");
       received += std::chrono::minutes(557)) {
    auto w = ComputeRestoration(dmca, received, received);
    ASSERT_TRUE(w.has_value());
    ASSERT_EQ(whole_days(received, w->earliest), 10) << FormatTime(received);
    ASSERT_EQ(whole_days(received, w->latest), 14) << FormatTime(received);
    // Both bounds are local midnights ending a business day.
    for (Timestamp bound : {w->earliest, w->latest}) {
      ASSERT_EQ(bound, cal.StartOfLocalDay(cal.LocalDay(bound)));
      ASSERT_TRUE(cal.IsBusinessDay(cal.LocalDay(bound) - days(1)));
    }
    // Never earlier than ten business days measured from the receipt's time of day.
    ASSERT_GE(cal.BusinessDaysBetween(received, w->earliest), 10) << FormatTime(received);
  }
}

// ---------------------------------------------------------------- CN restoration

TEST(CnRestoration, FifteenCalendarDaysAfterTheDeclarationReachesTheRightsHolder) {
  // Counter-notice received 27 February, forwarded Monday 2 March 10:00 Beijing
  // time; day 15 is Tuesday 17 March, which the rights holder keeps whole.
  Regime cn = ChinaEcommerceLaw();
  auto w = ComputeRestoration(cn, T("2026-02-27T09:00:00+08:00"), T("2026-03-02T10:00:00+08:00"));
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(FormatTime(w->restore_at), "2026-03-17T16:00:00.000Z");  // 18 March 00:00 +08:00
  EXPECT_EQ(w->earliest, w->restore_at);
  EXPECT_EQ(w->latest, w->restore_at);
  EXPECT_GT(w->restore_at, T("2026-03-02T10:00:00+08:00") + days(15));
}

TEST(CnRestoration, CountsDaysInBeijingTime) {
  // 20:00 UTC on 1 March is already 04:00 on 2 March in Beijing.
  auto w =
      ComputeRestoration(ChinaEcommerceLaw(), T("2026-02-27T00:00:00Z"), T("2026-03-01T20:00:00Z"));
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(FormatTime(w->restore_at), "2026-03-17T16:00:00.000Z");
}

TEST(CnRestoration, LastDayOnAWeekendRunsToTheEndOfMonday) {
  // Forwarded Friday 6 March: day 15 is Saturday 21 March (Civil Code art. 203(1)).
  auto w = ComputeRestoration(ChinaEcommerceLaw(), T("2026-03-05T10:00:00+08:00"),
                              T("2026-03-06T10:00:00+08:00"));
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(FormatTime(w->restore_at), "2026-03-23T16:00:00.000Z");  // 24 March 00:00 +08:00
}

TEST(CnRestoration, LastDayInALoadedPublicHolidayRunsPastIt) {
  Regime base = ChinaEcommerceLaw();
  Result<Regime> cn = RegimeFromJson(J(R"({"calendar": {"holidays": [
      "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"]}})"),
                                     &base);
  ASSERT_TRUE(cn.ok()) << cn.status().ToString();
  EXPECT_EQ(cn->calendar.utc_offset(), std::chrono::hours(8));
  // Forwarded 16 September: day 15 is 1 October (National Day); the first
  // business day after the holiday is Thursday 8 October.
  auto w = ComputeRestoration(*cn, T("2026-09-16T10:00:00+08:00"), T("2026-09-16T10:00:00+08:00"));
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(FormatTime(w->restore_at), "2026-10-08T16:00:00.000Z");
}

TEST(CnRestoration, WithoutExtensionEndsOnTheFifteenthDayItself) {
  Regime cn = ChinaEcommerceLaw();
  cn.extend_past_non_business_day = false;
  auto w = ComputeRestoration(cn, T("2026-03-05T10:00:00+08:00"), T("2026-03-06T10:00:00+08:00"));
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(FormatTime(w->restore_at), "2026-03-21T16:00:00.000Z");  // 22 March 00:00 +08:00
}

// ---------------------------------------------------------------- DSA appeal and other deadlines

TEST(DsaAppeal, OpenForSixMonthsAndDecidedByAPerson) {
  Regime dsa = EuDsa();
  EXPECT_TRUE(dsa.appeal);
  EXPECT_TRUE(dsa.appeal_decided_by_person);
  EXPECT_EQ(dsa.appeal_window_days, 184);
  // Decision 1 July 2026: six months later is 1 January 2027, a Friday.
  std::optional<Timestamp> d = AppealDeadline(dsa, T("2026-07-01T12:00:00Z"));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(FormatTime(*d), "2027-01-02T00:00:00.000Z");
}

TEST(DsaAppeal, WindowCoversSixCalendarMonthsFromAnyDecisionDate) {
  using namespace std::chrono;
  Regime dsa = EuDsa();
  Regime short_window = dsa;
  short_window.appeal_window_days = 183;
  int short_falls = 0;
  for (sys_days day = sys_days{2026y / January / 1}; day < sys_days{2028y / January / 1};
       day += days(1)) {
    year_month_day ymd{day};
    year_month_day later = ymd + months(6);
    sys_days six_months =
        later.ok() ? sys_days{later} : sys_days{later.year() / later.month() / last};
    Timestamp end_of_six_months = Timestamp(six_months + days(1));
    Timestamp decision = Timestamp(day) + hours(23) + minutes(59);
    ASSERT_GE(*AppealDeadline(dsa, decision), end_of_six_months) << FormatIsoDate(day);
    if (*AppealDeadline(short_window, decision) < end_of_six_months) ++short_falls;
  }
  EXPECT_GT(short_falls, 0) << "183 days would also have been enough";
}

TEST(DsaAppeal, LastDayOnAWeekendRunsToTheEndOfMonday) {
  // Decision Thursday 5 March 2026: day 184 is Saturday 5 September.
  std::optional<Timestamp> d = AppealDeadline(EuDsa(), T("2026-03-05T12:00:00Z"));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(FormatTime(*d), "2026-09-08T00:00:00.000Z");
}

TEST(DsaAppeal, HasNoCounterNoticeRestorationClock) {
  Regime dsa = EuDsa();
  Timestamp t = T("2026-03-02T10:00:00Z");
  EXPECT_FALSE(dsa.counter_notice);
  EXPECT_FALSE(ComputeRestoration(dsa, t, t).has_value());
  EXPECT_FALSE(CounterNoticeDeadline(dsa, t).has_value());
}

TEST(RegimeDeadlines, NoAppealWithoutAnAppealRegime) {
  EXPECT_FALSE(AppealDeadline(UsDmca(), T("2026-03-02T10:00:00Z")).has_value());
  EXPECT_FALSE(AppealDeadline(ChinaEcommerceLaw(), T("2026-03-02T10:00:00Z")).has_value());
}

TEST(RegimeDeadlines, CounterNoticeHasNoTimeLimitByDefault) {
  EXPECT_FALSE(CounterNoticeDeadline(UsDmca(), T("2026-03-02T10:00:00Z")).has_value());
  EXPECT_FALSE(CounterNoticeDeadline(ChinaEcommerceLaw(), T("2026-03-02T10:00:00Z")).has_value());
}

TEST(RegimeDeadlines, ConfiguredCounterNoticeWindowEndsAtTheEndOfItsLastDay) {
  Regime base = ChinaEcommerceLaw();
  Result<Regime> cn = RegimeFromJson(J(R"({"counter_notice_window_days": 10})"), &base);
  ASSERT_TRUE(cn.ok()) << cn.status().ToString();
  std::optional<Timestamp> d = CounterNoticeDeadline(*cn, T("2026-03-02T10:00:00+08:00"));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(FormatTime(*d), "2026-03-12T16:00:00.000Z");  // 13 March 00:00 +08:00
}

TEST(RegimeDeadlines, InfoRequestEndsAtTheEndOfTheSeventhDay) {
  Regime dmca = UsDmca();
  EXPECT_EQ(FormatTime(InfoRequestDeadline(dmca, T("2026-03-02T10:00:00-05:00"))),
            "2026-03-10T05:00:00.000Z");  // end of Monday 9 March EST
}

TEST(RegimeDeadlines, ReviewIsDueAfterTheSlaHours) {
  Regime dsa = EuDsa();
  dsa.review_sla_hours = 36;
  EXPECT_EQ(FormatTime(ReviewDueAt(dsa, T("2026-03-02T10:00:00Z"))), "2026-03-03T22:00:00.000Z");
}

// ---------------------------------------------------------------- required fields

TEST(CheckRequiredFields, CompleteNoticePassesEveryRegime) {
  boost::json::object notice = CompleteNotice();
  for (const Regime& r : {ChinaEcommerceLaw(), UsDmca(), EuDsa()}) {
    Status s = CheckRequiredFields(r, notice);
    EXPECT_TRUE(s.ok()) << r.id << ": " << s.ToString();
  }
}

TEST(CheckRequiredFields, DmcaRequiresEachElementOfSection512c3A) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"/signature", "(i)"},
      {"/work", "(ii)"},
      {"/listing_id", "(iii)"},
      {"/location_url", "(iii)"},
      {"/complainant/name", "(iv)"},
      {"/complainant/address", "(iv)"},
      {"/complainant/phone", "(iv)"},
      {"/complainant/email", "(iv)"},
      {"/statements/good_faith", "(v)"},
      {"/statements/accurate", "(vi)"},
      {"/statements/under_penalty_of_perjury", "(vi)"},
      {"/statements/authorised", "(vi)"},
  };
  Regime dmca = UsDmca();
  ASSERT_EQ(dmca.required_notice_fields.size(), expected.size());
  for (const auto& [pointer, clause] : expected) {
    boost::json::object notice = CompleteNotice();
    Erase(notice, pointer);
    Status s = CheckRequiredFields(dmca, notice);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << pointer;
    EXPECT_EQ(s.field(), pointer);
    EXPECT_EQ(s.message(), Name(pointer) + ": required by 17 U.S.C. §512(c)(3)(A)" + clause);
  }
}

TEST(CheckRequiredFields, CnRequiresRealIdentityAndPreliminaryEvidence) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"/complainant/name", "PRC Civil Code art. 1195(1)"},
      {"/complainant/identity_document", "PRC Civil Code art. 1195(1)"},
      {"/listing_id", "PRC E-Commerce Law art. 42(1)"},
      {"/explanation", "PRC E-Commerce Law art. 42(1); PRC Civil Code art. 1195(1)"},
      {"/evidence", "PRC E-Commerce Law art. 42(1); PRC Civil Code art. 1195(1)"},
  };
  Regime cn = ChinaEcommerceLaw();
  ASSERT_EQ(cn.required_notice_fields.size(), expected.size());
  for (const auto& [pointer, citation] : expected) {
    boost::json::object notice = CompleteNotice();
    Erase(notice, pointer);
    Status s = CheckRequiredFields(cn, notice);
    EXPECT_EQ(s.field(), pointer);
    EXPECT_EQ(s.message(), Name(pointer) + ": required by " + citation);
  }
}

TEST(CheckRequiredFields, DsaRequiresEachElementOfArticle16_2) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"/explanation", "DSA art. 16(2)(a)"},          {"/location_url", "DSA art. 16(2)(b)"},
      {"/complainant/name", "DSA art. 16(2)(c)"},     {"/complainant/email", "DSA art. 16(2)(c)"},
      {"/statements/bona_fide", "DSA art. 16(2)(d)"},
  };
  Regime dsa = EuDsa();
  ASSERT_EQ(dsa.required_notice_fields.size(), expected.size());
  for (const auto& [pointer, citation] : expected) {
    boost::json::object notice = CompleteNotice();
    Erase(notice, pointer);
    Status s = CheckRequiredFields(dsa, notice);
    EXPECT_EQ(s.field(), pointer);
    EXPECT_EQ(s.message(), Name(pointer) + ": required by " + citation);
  }
}

TEST(CheckRequiredFields, StatementMustBeTrue) {
  boost::json::object notice = CompleteNotice();
  At(notice, "/statements/good_faith") = false;
  Status s = CheckRequiredFields(UsDmca(), notice);
  EXPECT_EQ(s.field(), "/statements/good_faith");
  EXPECT_EQ(s.message(),
            "statements/good_faith: must be true (required by 17 U.S.C. §512(c)(3)(A)(v))");
  At(notice, "/statements/good_faith") = "yes";
  EXPECT_EQ(CheckRequiredFields(UsDmca(), notice).field(), "/statements/good_faith");
}

TEST(CheckRequiredFields, RejectsBlankStringsEmptyArraysNullsAndOtherTypes) {
  Regime cn = ChinaEcommerceLaw();
  boost::json::object notice = CompleteNotice();
  At(notice, "/complainant/identity_document") = "  \t";
  EXPECT_EQ(CheckRequiredFields(cn, notice).message(),
            "complainant/identity_document: must not be blank (required by PRC Civil Code art. "
            "1195(1))");

  notice = CompleteNotice();
  At(notice, "/evidence") = boost::json::array{};
  EXPECT_EQ(CheckRequiredFields(cn, notice).field(), "/evidence");
  At(notice, "/evidence") = boost::json::array{"", nullptr};
  EXPECT_EQ(CheckRequiredFields(cn, notice).field(), "/evidence");

  notice = CompleteNotice();
  At(notice, "/listing_id") = nullptr;
  EXPECT_EQ(CheckRequiredFields(cn, notice).message(),
            "listing_id: required by PRC E-Commerce Law art. 42(1)");
  At(notice, "/listing_id") = 42;
  EXPECT_EQ(CheckRequiredFields(cn, notice).field(), "/listing_id");

  notice = CompleteNotice();
  notice["complainant"] = "Dyson";  // not an object: its members are missing
  EXPECT_EQ(CheckRequiredFields(cn, notice).field(), "/complainant/name");
}

TEST(CheckRequiredFields, ReportsTheFirstMissingFieldInTheRegimesOrder) {
  boost::json::object notice = CompleteNotice();
  Erase(notice, "/statements/authorised");
  Erase(notice, "/work");
  EXPECT_EQ(CheckRequiredFields(UsDmca(), notice).field(), "/work");
}

// ---------------------------------------------------------------- JSON

TEST(RegimeFromJson, RoundTripsTheBuiltInRegimes) {
  for (const Regime& r : {ChinaEcommerceLaw(), UsDmca(), EuDsa()}) {
    EXPECT_TRUE(ValidateRegime(r).ok()) << r.id;
    boost::json::object o = RegimeToJson(r);
    Result<Regime> back = RegimeFromJson(o);
    ASSERT_TRUE(back.ok()) << r.id << ": " << back.status().ToString();
    EXPECT_EQ(*back, r) << r.id;
  }
  boost::json::object dmca = RegimeToJson(UsDmca());
  EXPECT_EQ(dmca["restoration"], "business_days");
  EXPECT_EQ(dmca["calendar"].as_object()["utc_offset"], "-05:00");
  EXPECT_EQ(dmca["calendar"].as_object()["holidays"].as_array().size(), 132u);
}

TEST(RegimeFromJson, OverridesOnlyTheMembersPresent) {
  Regime base = UsDmca();
  Result<Regime> r = RegimeFromJson(
      J(R"({"review_sla_hours": 12, "restore_after_days": 14, "calendar": {"utc_offset": "-08:00"}})"),
      &base);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->review_sla_hours, 12);
  EXPECT_EQ(r->restore_after_days, 14);
  EXPECT_EQ(r->calendar.utc_offset(), std::chrono::hours(-8));
  EXPECT_EQ(r->calendar.holidays(), base.calendar.holidays());
  EXPECT_EQ(r->required_notice_fields, base.required_notice_fields);
  EXPECT_EQ(r->id, "us_dmca");
}

TEST(RegimeFromJson, RestoreAfterDefaultsToMinAndFollowsAMovedWindow) {
  Result<Regime> custom = RegimeFromJson(J(R"({"id": "custom", "counter_notice": true,
      "restoration": "business_days", "restore_min_days": 5, "restore_max_days": 8})"));
  ASSERT_TRUE(custom.ok()) << custom.status().ToString();
  EXPECT_EQ(custom->restore_after_days, 5);

  Regime base = UsDmca();
  Result<Regime> moved = RegimeFromJson(J(R"({"restore_min_days": 11})"), &base);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->restore_after_days, 11);
}

TEST(RegimeFromJson, ErrorsNameTheFieldAtFault) {
  struct Case {
    const char* base;  // built-in id, or "" for none
    const char* json;
    const char* field;
  };
  const Case cases[] = {
      {"", "[1, 2]", "/"},
      {"", "{}", "/id"},
      {"", R"({"id": "Bad Id"})", "/id"},
      {"us_dmca", R"({"bogus": 1})", "/bogus"},
      {"us_dmca", R"({"counter_notice": "yes"})", "/counter_notice"},
      {"us_dmca", R"({"restoration": "weekly"})", "/restoration"},
      {"us_dmca", R"({"restoration_from": "forwarded"})", "/restoration_from"},
      {"us_dmca", R"({"restore_after_days": 15})", "/restore_after_days"},
      {"us_dmca", R"({"restore_min_days": 5})", "/restore_min_days"},
      {"us_dmca", R"({"restore_max_days": 20, "restore_after_days": 10})", "/restore_max_days"},
      {"us_dmca", R"({"restore_min_days": -1})", "/restore_min_days"},
      {"us_dmca", R"({"info_request_days": 0})", "/info_request_days"},
      {"us_dmca", R"({"review_sla_hours": 1.5})", "/review_sla_hours"},
      {"us_dmca", R"({"calendar": {"holidays": ["2026-12-25", "2026-13-01"]}})",
       "/calendar/holidays/1"},
      {"us_dmca", R"({"calendar": {"holidays": ["2026-12-25", 7]}})", "/calendar/holidays/1"},
      {"us_dmca", R"({"calendar": {"utc_offset": "+25:00"}})", "/calendar/utc_offset"},
      {"us_dmca", R"({"calendar": {"timezone": "America/New_York"}})", "/calendar/timezone"},
      {"us_dmca", R"({"calendar": []})", "/calendar"},
      {"us_dmca", R"({"required_notice_fields": {}})", "/required_notice_fields"},
      {"us_dmca", R"({"required_notice_fields": ["/signature"]})", "/required_notice_fields/0"},
      {"us_dmca", R"({"required_notice_fields": [{"pointer": "signature", "citation": "x"}]})",
       "/required_notice_fields/0/pointer"},
      {"us_dmca", R"({"required_notice_fields": [{"pointer": "/signature"}]})",
       "/required_notice_fields/0/citation"},
      {"us_dmca",
       R"({"required_notice_fields": [{"pointer": "/a", "citation": "x"},
                                      {"pointer": "/a", "citation": "y"}]})",
       "/required_notice_fields/1/pointer"},
      {"cn_ecl", R"({"restoration_from": "receipt"})", "/restoration_from"},
      {"cn_ecl", R"({"restore_min_days": 10, "restore_max_days": 10})", "/restore_min_days"},
      {"cn_ecl", R"({"counter_notice": false})", "/counter_notice"},
      {"eu_dsa", R"({"appeal_window_days": 183})", "/appeal_window_days"},
      {"eu_dsa", R"({"appeal_window_days": -1})", "/appeal_window_days"},
      {"eu_dsa", R"({"appeal_decided_by_person": false})", "/appeal_decided_by_person"},
      {"", R"({"id": "x", "restoration": "calendar_days", "restore_min_days": 3,
               "restore_max_days": 3})",
       "/counter_notice"},
      {"", R"({"id": "x", "counter_notice": true, "restoration": "business_days",
               "restore_min_days": 12, "restore_max_days": 11})",
       "/restore_max_days"},
  };
  for (const Case& c : cases) {
    std::optional<Regime> base = BuiltInRegime(c.base);
    Result<Regime> r = RegimeFromJson(J(c.json), base ? &*base : nullptr);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.json;
    EXPECT_EQ(r.status().field(), c.field) << c.json << " -> " << r.status().ToString();
  }
}

TEST(RegimeFromJson, StatutoryErrorsCiteTheStatute) {
  Regime base = UsDmca();
  Result<Regime> r = RegimeFromJson(J(R"({"restore_min_days": 5})"), &base);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("§512(g)(2)(C)"), std::string::npos) << r.status().message();
}

TEST(RegimeFromJson, AcceptsACustomRegimeWithItsOwnFields) {
  Result<Regime> r = RegimeFromJson(J(R"({"id": "uk_ipo", "name": "Custom",
      "required_notice_fields": [{"pointer": "/complainant/company_number",
                                  "citation": "Marketplace policy §3"}],
      "appeal": true, "appeal_window_days": 30})"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  boost::json::object notice = CompleteNotice();
  Status s = CheckRequiredFields(*r, notice);
  EXPECT_EQ(s.message(), "complainant/company_number: required by Marketplace policy §3");
  EXPECT_EQ(FormatTime(*AppealDeadline(*r, T("2026-03-02T10:00:00Z"))), "2026-04-02T00:00:00.000Z");
}

// ---------------------------------------------------------------- Combine

TEST(Combine, RequiredFieldsAreTheUnionCitingEveryProvision) {
  Regime both = Combine({EuDsa(), UsDmca()});
  EXPECT_EQ(both.id, "eu_dsa+us_dmca");
  // 5 DSA + 12 DMCA, of which location_url, complainant/name and email are shared.
  EXPECT_EQ(both.required_notice_fields.size(), 14u);
  boost::json::object notice = CompleteNotice();
  Erase(notice, "/location_url");
  Status s = CheckRequiredFields(both, notice);
  EXPECT_EQ(s.message(),
            "location_url: required by DSA art. 16(2)(b); 17 U.S.C. §512(c)(3)(A)(iii)");
  notice = CompleteNotice();
  Erase(notice, "/statements/bona_fide");
  EXPECT_EQ(CheckRequiredFields(both, notice).field(), "/statements/bona_fide");
  notice = CompleteNotice();
  Erase(notice, "/signature");
  EXPECT_EQ(CheckRequiredFields(both, notice).field(), "/signature");
}

TEST(Combine, RestorationAndCalendarComeFromTheFirstRegimeThatRestores) {
  Regime dsa_dmca = Combine({EuDsa(), UsDmca()});
  EXPECT_TRUE(dsa_dmca.counter_notice);
  EXPECT_EQ(dsa_dmca.restoration, RestorationRule::kBusinessDays);
  EXPECT_EQ(dsa_dmca.restore_min_days, 10);
  EXPECT_EQ(dsa_dmca.restore_max_days, 14);
  EXPECT_EQ(dsa_dmca.calendar, UsDmca().calendar);
  Timestamp received = T("2026-12-18T10:00:00-05:00");
  EXPECT_EQ(ComputeRestoration(dsa_dmca, received, received)->restore_at,
            ComputeRestoration(UsDmca(), received, received)->restore_at);

  Regime cn_dmca = Combine({ChinaEcommerceLaw(), UsDmca()});
  EXPECT_EQ(cn_dmca.restoration, RestorationRule::kCalendarDays);
  EXPECT_EQ(cn_dmca.restoration_from, RestorationStart::kForwarded);
  EXPECT_EQ(cn_dmca.restore_min_days, 15);
  EXPECT_EQ(cn_dmca.calendar.utc_offset(), std::chrono::hours(8));
}

TEST(Combine, AppealComesFromTheFirstRegimeThatHasOne) {
  Regime r = Combine({UsDmca(), EuDsa()});
  EXPECT_TRUE(r.appeal);
  EXPECT_EQ(r.appeal_window_days, 184);
  EXPECT_TRUE(r.appeal_decided_by_person);
  EXPECT_EQ(r.restoration, RestorationRule::kBusinessDays);
  EXPECT_FALSE(Combine({UsDmca(), ChinaEcommerceLaw()}).appeal);
}

TEST(Combine, UsesTheShortestInfoRequestAndReviewTimes) {
  Regime a = EuDsa();
  a.info_request_days = 5;
  a.review_sla_hours = 48;
  Regime b = UsDmca();
  b.info_request_days = 10;
  b.review_sla_hours = 12;
  Regime r = Combine({a, b});
  EXPECT_EQ(r.info_request_days, 5);
  EXPECT_EQ(r.review_sla_hours, 12);
}

TEST(Combine, OneRegimeIsItselfAndNoneIsTheDefault) {
  EXPECT_EQ(Combine({UsDmca()}), UsDmca());
  EXPECT_EQ(Combine({EuDsa()}), EuDsa());
  EXPECT_EQ(Combine({}), Regime{});
}

}  // namespace
}  // namespace counterfoil::domain
