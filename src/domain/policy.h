// The repeat-infringer policy (when a seller is suspended) and the notifier
// programme (which complainants earn the good-faith fast lane, and which are
// warned and then limited), and the screening thresholds (which scores block a
// listing or send it to review), as configurable thresholds with pure
// evaluation.
//
// Legal background:
//  * 17 U.S.C. §512(i)(1)(A): the safe harbours require a policy that provides
//    for terminating repeat infringers "in appropriate circumstances"; DSA
//    art. 23(1): suspend, after a prior warning, recipients that frequently
//    provide manifestly illegal content.
//  * DSA art. 23(2): suspend, for a reasonable period and after a prior
//    warning, the processing of notices from notifiers that frequently submit
//    manifestly unfounded notices; art. 23(3) asks the platform to weigh the
//    absolute numbers, their proportion, gravity and intent, and art. 23(4) to
//    set the policy out in its terms and conditions.
//
//   RepeatInfringerPolicy p;   // 3 strikes in 90 days, or one confirmed counterfeit test buy
//   if (ShouldSuspend(p, seller_active_strike_times, clock.Now(), false)) ...
//
//   NotifierCounts c{.accepted = 45, .rejected = 2};   // over the last p.window_days
//   NotifierStanding s = EvaluateNotifier(NotifierProgramme{}, c);   // kGoodFaith
//
// Thread safety: pure functions over value types.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace counterfoil::domain {

struct RepeatInfringerPolicy {
  int strikes_to_suspend = 3;  // active strikes inside the window that suspend; >= 1
  int window_days = 90;        // trailing window, in days of 24 h; >= 1
  bool suspend_on_confirmed_test_buy = true;
  int strike_expiry_days = 365;  // a strike stops counting this long after it; 0 = never
};

// Whether the seller should be suspended at `now`.
//
// True when `suspend_on_confirmed_test_buy` and a test buy confirmed a
// counterfeit, or when at least `strikes_to_suspend` of `active_strikes` (the
// times of strikes not voided, in any order) lie in the trailing window
// (now - window_days, now] and have not expired (now - t < strike_expiry_days).
// Both bounds are exclusive of the old end: a strike exactly window_days old no
// longer counts. Strikes after `now` are ignored. strikes_to_suspend <= 0
// disables suspension by strikes.
bool ShouldSuspend(const RepeatInfringerPolicy& p, const std::vector<Timestamp>& active_strikes,
                   Timestamp now, bool confirmed_counterfeit_test_buy);

// A notifier's record over the programme's window (the caller counts notices
// decided in the last `window_days`). `manifestly_unfounded` notices are a
// subset of `rejected`.
struct NotifierCounts {
  int accepted = 0;
  int rejected = 0;
  int restored_after_counter_notice = 0;  // accepted notices later reversed
  int manifestly_unfounded = 0;
};

struct NotifierProgramme {
  int window_days = 90;                       // period the counts cover
  double good_faith_min_accept_rate = 0.90;   // accepted / (accepted + rejected)
  double good_faith_max_restore_rate = 0.05;  // restored_after_counter_notice / accepted
  int good_faith_min_decided = 20;            // enough history to judge
  int warn_after_unfounded = 5;               // DSA art. 23(2): the prior warning ...
  int limit_after_unfounded = 10;  // ... then suspend processing of the notifier's notices
  int limit_days = 30;             // for how long ("a reasonable period of time")
};

enum class NotifierStanding { kStandard, kGoodFaith, kWarned, kLimited };

// The standing earned by `c`, first match wins (all thresholds inclusive):
//   kLimited   manifestly_unfounded >= limit_after_unfounded;
//   kWarned    manifestly_unfounded >= warn_after_unfounded;
//   kGoodFaith accepted + rejected >= good_faith_min_decided, accept rate >=
//              good_faith_min_accept_rate and restore rate <=
//              good_faith_max_restore_rate (0 when nothing was accepted);
//   kStandard  otherwise.
// Rates are compared with a 1e-9 tolerance so that 18 of 20 meets 0.90.
NotifierStanding EvaluateNotifier(const NotifierProgramme& p, const NotifierCounts& c);
// "standard", "good_faith", "warned", "limited".
std::string_view NotifierStandingName(NotifierStanding s);
std::optional<NotifierStanding> ParseNotifierStanding(std::string_view name);

// Reads a policy from a JSON object; members absent keep the defaults above,
// unknown members are rejected. Returns kInvalidArgument naming the member:
// strikes_to_suspend in [1, 1000], window_days in [1, 3660],
// strike_expiry_days in [0, 3660].
Result<RepeatInfringerPolicy> RepeatInfringerPolicyFromJson(const boost::json::value& v);
boost::json::object ToJson(const RepeatInfringerPolicy& p);

// As above: window_days and limit_days in [1, 3660], rates in [0, 1],
// good_faith_min_decided in [0, 1000000], warn_after_unfounded >= 1 and
// limit_after_unfounded >= warn_after_unfounded (the warning comes first,
// DSA art. 23(2)).
Result<NotifierProgramme> NotifierProgrammeFromJson(const boost::json::value& v);
boost::json::object ToJson(const NotifierProgramme& p);

// Proactive screening: a verdict scoring at least `block` takes the listing
// down at once (own initiative, automated detection and decision); at least
// `review` sends it to the reviewers. Blocking without a person is kept for
// overwhelming evidence (the DSA art. 17(3)(c) statement says so), hence the
// high default.
struct ScreeningThresholds {
  double block = 0.9;
  double review = 0.5;
};
// Members absent keep `base`'s values; unknown members are rejected. Holds
// 0 < review < block <= 1, else kInvalidArgument naming the member
// ("/review" or "/block").
Result<ScreeningThresholds> ScreeningThresholdsFromJson(const boost::json::value& v,
                                                        ScreeningThresholds base = {});
boost::json::object ToJson(const ScreeningThresholds& t);

}  // namespace counterfoil::domain
