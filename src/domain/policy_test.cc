#include "domain/policy.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/json.h"

namespace counterfoil::domain {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;

boost::json::value J(std::string_view text) {
  Result<boost::json::value> v = ParseJson(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : boost::json::value{};
}

const Timestamp kNow =
    Timestamp(std::chrono::sys_days{std::chrono::year(2026) / 6 / 30}) + std::chrono::hours(12);

// ---------------------------------------------------------------- repeat infringers

TEST(RepeatInfringer, TwoStrikesInsideTheWindowDoNotSuspend) {
  RepeatInfringerPolicy p;
  EXPECT_FALSE(ShouldSuspend(p, {kNow - days(10), kNow - days(80)}, kNow, false));
}

TEST(RepeatInfringer, ThreeStrikesInsideTheWindowSuspend) {
  RepeatInfringerPolicy p;
  EXPECT_TRUE(ShouldSuspend(p, {kNow - days(80), kNow - days(10), kNow}, kNow, false));
}

TEST(RepeatInfringer, ThreeStrikesSpreadBeyondTheWindowDoNotSuspend) {
  RepeatInfringerPolicy p;
  EXPECT_FALSE(ShouldSuspend(p, {kNow - days(120), kNow - days(60), kNow - days(1)}, kNow, false));
  // A third strike inside the window suspends.
  EXPECT_TRUE(ShouldSuspend(p, {kNow - days(120), kNow - days(60), kNow - days(1), kNow - days(2)},
                            kNow, false));
}

TEST(RepeatInfringer, StrikeExactlyWindowOldNoLongerCounts) {
  RepeatInfringerPolicy p;
  std::vector<Timestamp> strikes = {kNow - days(90), kNow - days(5), kNow - days(1)};
  EXPECT_FALSE(ShouldSuspend(p, strikes, kNow, false));
  strikes[0] += milliseconds(1);
  EXPECT_TRUE(ShouldSuspend(p, strikes, kNow, false));
}

TEST(RepeatInfringer, ExpiredStrikesDoNotCountEvenInsideALongWindow) {
  RepeatInfringerPolicy p{.strikes_to_suspend = 3, .window_days = 730, .strike_expiry_days = 365};
  std::vector<Timestamp> strikes = {kNow - days(400), kNow - days(100), kNow - days(1)};
  EXPECT_FALSE(ShouldSuspend(p, strikes, kNow, false));
  p.strike_expiry_days = 0;  // never expire
  EXPECT_TRUE(ShouldSuspend(p, strikes, kNow, false));
}

TEST(RepeatInfringer, StrikesAfterNowAreIgnored) {
  RepeatInfringerPolicy p;
  EXPECT_FALSE(ShouldSuspend(p, {kNow - days(1), kNow - days(2), kNow + days(1)}, kNow, false));
}

TEST(RepeatInfringer, ConfirmedCounterfeitTestBuySuspendsAtOnce) {
  RepeatInfringerPolicy p;
  EXPECT_TRUE(ShouldSuspend(p, {}, kNow, true));
  p.suspend_on_confirmed_test_buy = false;
  EXPECT_FALSE(ShouldSuspend(p, {}, kNow, true));
}

TEST(RepeatInfringer, PolicyFromJsonKeepsDefaultsAndNamesTheBadMember) {
  Result<RepeatInfringerPolicy> p =
      RepeatInfringerPolicyFromJson(J(R"({"strikes_to_suspend": 2})"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->strikes_to_suspend, 2);
  EXPECT_EQ(p->window_days, 90);
  EXPECT_TRUE(p->suspend_on_confirmed_test_buy);
  EXPECT_EQ(p->strike_expiry_days, 365);

  Result<RepeatInfringerPolicy> back = RepeatInfringerPolicyFromJson(ToJson(*p));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(ToJson(*back), ToJson(*p));

  EXPECT_EQ(RepeatInfringerPolicyFromJson(J(R"({"strikes_to_suspend": 0})")).status().field(),
            "/strikes_to_suspend");
  EXPECT_EQ(RepeatInfringerPolicyFromJson(J(R"({"window_days": 0})")).status().field(),
            "/window_days");
  EXPECT_EQ(
      RepeatInfringerPolicyFromJson(J(R"({"suspend_on_confirmed_test_buy": 1})")).status().field(),
      "/suspend_on_confirmed_test_buy");
  EXPECT_EQ(RepeatInfringerPolicyFromJson(J(R"({"strikes": 3})")).status().field(), "/strikes");
  EXPECT_EQ(RepeatInfringerPolicyFromJson(J("3")).status().code(), StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------- notifiers

TEST(NotifierProgramme, WarnedAtFiveManifestlyUnfoundedNotices) {
  NotifierProgramme p;
  EXPECT_EQ(EvaluateNotifier(p, {.accepted = 3, .rejected = 4, .manifestly_unfounded = 4}),
            NotifierStanding::kStandard);
  EXPECT_EQ(EvaluateNotifier(p, {.accepted = 3, .rejected = 5, .manifestly_unfounded = 5}),
            NotifierStanding::kWarned);
}

TEST(NotifierProgramme, LimitedAtTenManifestlyUnfoundedNotices) {
  NotifierProgramme p;
  EXPECT_EQ(EvaluateNotifier(p, {.rejected = 9, .manifestly_unfounded = 9}),
            NotifierStanding::kWarned);
  EXPECT_EQ(EvaluateNotifier(p, {.rejected = 10, .manifestly_unfounded = 10}),
            NotifierStanding::kLimited);
}

TEST(NotifierProgramme, GoodFaithAtExactlyTheThresholds) {
  NotifierProgramme p;
  // 20 decided, 18 accepted (0.90), 0 restored.
  EXPECT_EQ(EvaluateNotifier(p, {.accepted = 18, .rejected = 2}), NotifierStanding::kGoodFaith);
  // 17 of 20 is below 0.90.
  EXPECT_EQ(EvaluateNotifier(p, {.accepted = 17, .rejected = 3}), NotifierStanding::kStandard);
}

TEST(NotifierProgramme, GoodFaithNeedsEnoughHistory) {
  NotifierProgramme p;
  EXPECT_EQ(EvaluateNotifier(p, {.accepted = 19}), NotifierStanding::kStandard);
  EXPECT_EQ(EvaluateNotifier(p, {.accepted = 20}), NotifierStanding::kGoodFaith);
  EXPECT_EQ(EvaluateNotifier(NotifierProgramme{.good_faith_min_decided = 0}, {}),
            NotifierStanding::kStandard);
}

TEST(NotifierProgramme, GoodFaithLostWhenTooManyTakedownsAreReversed) {
  NotifierProgramme p;
  // 1 of 20 accepted notices restored after a counter-notice is 0.05: still good faith.
  EXPECT_EQ(EvaluateNotifier(p, {.accepted = 20, .restored_after_counter_notice = 1}),
            NotifierStanding::kGoodFaith);
  EXPECT_EQ(EvaluateNotifier(p, {.accepted = 20, .restored_after_counter_notice = 2}),
            NotifierStanding::kStandard);
}

TEST(NotifierProgramme, WarningOutranksGoodFaith) {
  NotifierProgramme p;
  EXPECT_EQ(EvaluateNotifier(p, {.accepted = 200, .rejected = 5, .manifestly_unfounded = 5}),
            NotifierStanding::kWarned);
}

TEST(NotifierProgramme, StandingNamesRoundTrip) {
  for (NotifierStanding s : {NotifierStanding::kStandard, NotifierStanding::kGoodFaith,
                             NotifierStanding::kWarned, NotifierStanding::kLimited}) {
    EXPECT_EQ(ParseNotifierStanding(NotifierStandingName(s)), s);
  }
  EXPECT_EQ(NotifierStandingName(NotifierStanding::kGoodFaith), "good_faith");
  EXPECT_FALSE(ParseNotifierStanding("trusted").has_value());
}

TEST(NotifierProgramme, FromJsonKeepsDefaultsAndNamesTheBadMember) {
  Result<NotifierProgramme> p =
      NotifierProgrammeFromJson(J(R"({"good_faith_min_accept_rate": 0.95, "limit_days": 60})"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_DOUBLE_EQ(p->good_faith_min_accept_rate, 0.95);
  EXPECT_EQ(p->limit_days, 60);
  EXPECT_EQ(p->warn_after_unfounded, 5);

  Result<NotifierProgramme> back = NotifierProgrammeFromJson(ToJson(*p));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(ToJson(*back), ToJson(*p));

  EXPECT_EQ(NotifierProgrammeFromJson(J(R"({"good_faith_min_accept_rate": 1.5})")).status().field(),
            "/good_faith_min_accept_rate");
  EXPECT_EQ(
      NotifierProgrammeFromJson(J(R"({"good_faith_max_restore_rate": "low"})")).status().field(),
      "/good_faith_max_restore_rate");
  Result<NotifierProgramme> inverted =
      NotifierProgrammeFromJson(J(R"({"warn_after_unfounded": 8, "limit_after_unfounded": 6})"));
  EXPECT_EQ(inverted.status().field(), "/limit_after_unfounded");
  EXPECT_NE(inverted.status().message().find("art. 23(2)"), std::string::npos);
  EXPECT_EQ(NotifierProgrammeFromJson(J(R"({"limit_days": 0})")).status().field(), "/limit_days");
  EXPECT_EQ(NotifierProgrammeFromJson(J(R"({"warn_after": 5})")).status().field(), "/warn_after");
}

TEST(ScreeningThresholds, FromJsonMergesOverTheBaseAndKeepsReviewBelowBlock) {
  Result<ScreeningThresholds> t = ScreeningThresholdsFromJson(J(R"({"block": 0.95})"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_DOUBLE_EQ(t->block, 0.95);
  EXPECT_DOUBLE_EQ(t->review, 0.5);
  Result<ScreeningThresholds> base =
      ScreeningThresholdsFromJson(J(R"({"review": 0.3})"), ScreeningThresholds{0.8, 0.6});
  ASSERT_TRUE(base.ok());
  EXPECT_DOUBLE_EQ(base->block, 0.8);
  EXPECT_DOUBLE_EQ(base->review, 0.3);
  Result<ScreeningThresholds> back = ScreeningThresholdsFromJson(ToJson(*t));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(ToJson(*back), ToJson(*t));

  EXPECT_EQ(ScreeningThresholdsFromJson(J(R"({"block": 1.2})")).status().field(), "/block");
  EXPECT_EQ(ScreeningThresholdsFromJson(J(R"({"block": 0})")).status().field(), "/block");
  EXPECT_EQ(ScreeningThresholdsFromJson(J(R"({"review": 0})")).status().field(), "/review");
  // review must stay below block, also when only one of them is given.
  EXPECT_EQ(ScreeningThresholdsFromJson(J(R"({"review": 0.9})")).status().field(), "/review");
  EXPECT_EQ(ScreeningThresholdsFromJson(J(R"({"block": 0.4})")).status().field(), "/review");
  EXPECT_EQ(ScreeningThresholdsFromJson(J(R"({"block": "high"})")).status().field(), "/block");
  EXPECT_EQ(ScreeningThresholdsFromJson(J(R"({"allow": 0.1})")).status().field(), "/allow");
}

}  // namespace
}  // namespace counterfoil::domain
