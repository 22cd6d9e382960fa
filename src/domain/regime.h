// The legal regimes a marketplace operates under (China's E-Commerce Law, the
// US DMCA, the EU Digital Services Act) and the deadlines they set, all as
// configuration: which fields a notice must carry, whether and when a listing
// taken down comes back after a counter-notice, how long an appeal stays open.
//
//   Regime dmca = UsDmca();
//   RETURN_IF_ERROR(CheckRequiredFields(dmca, notice_body));
//   // "statements/good_faith: required by 17 U.S.C. §512(c)(3)(A)(v)"
//   auto window = ComputeRestoration(dmca, counter_notice_received_at, forwarded_at);
//   jobs.Schedule(window->restore_at, ...);
//
//   // A marketplace under several regimes, with an operator override:
//   ASSIGN_OR_RETURN(Regime cn, RegimeFromJson(overrides.at("cn_ecl"), &base_cn));
//   Regime rules = Combine({EuDsa(), dmca});
//
// How day-counted deadlines are counted (restoration, counter-notice window,
// appeal window, information request), everywhere in this file:
//  * The day of the triggering event is not counted; day 1 is the next local
//    day (PRC Civil Code art. 201; Regulation (EEC, Euratom) No 1182/71
//    art. 3(1); Fed. R. Civ. P. 6(a)(1)(A)).
//  * A period of n days ends at the end (24:00 local time of the regime's
//    calendar) of day n, not at the time of day it began (Civil Code
//    art. 203(2); Reg. 1182/71 art. 3(2)(b)). So a rights holder notified at
//    10:00 on 2 March keeps all of 17 March to report a suit, and a DMCA
//    listing comes back only once ten whole business days have followed the
//    receipt of the counter-notice.
//  * Business-day periods count only days the calendar says are business
//    days (BusinessCalendar::NthBusinessDayAfter).
//  * With `extend_past_non_business_day`, a calendar-day period whose last day
//    is a weekend day or holiday runs to the end of the next business day
//    (Civil Code art. 203(1); Reg. 1182/71 art. 3(4)).
// Deadlines measured in hours (review SLA) are exact durations.
//
// Thread safety: all functions are pure; Regime is a value type.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "domain/calendar.h"

namespace counterfoil::domain {

// One field a notice must carry, with the provision that requires it.
// `pointer` is a JSON pointer into the notice body: "/complainant/name",
// "/statements/good_faith". Fields under /statements/ must be `true`; any other
// field must be a non-blank string or an array with a non-blank element.
struct FieldRequirement {
  std::string pointer;
  std::string citation;  // "17 U.S.C. §512(c)(3)(A)(v)"
  bool operator==(const FieldRequirement&) const = default;
};

enum class RestorationRule { kNone, kCalendarDays, kBusinessDays };
// "none", "calendar_days", "business_days".
std::string_view RestorationRuleName(RestorationRule rule);
std::optional<RestorationRule> ParseRestorationRule(std::string_view name);

// Which event starts the restoration clock.
enum class RestorationStart {
  kReceipt,    // the platform received the counter-notice (DMCA §512(g)(2)(C))
  kForwarded,  // the counter-notice reached the complainant (PRC E-Commerce Law art. 43(2))
};
// "receipt", "forwarded".
std::string_view RestorationStartName(RestorationStart start);
std::optional<RestorationStart> ParseRestorationStart(std::string_view name);

struct Regime {
  std::string id;           // "cn_ecl", "us_dmca", "eu_dsa"; Combine joins ids with '+'
  std::string name;         // human readable
  std::string legal_basis;  // e.g. "E-Commerce Law of the PRC, art. 42–43; ..."
  // In the order CheckRequiredFields checks them; pointers are unique.
  std::vector<FieldRequirement> required_notice_fields;
  bool counter_notice = false;         // the seller may file a counter-notice (declaration)
  int counter_notice_window_days = 0;  // days after the takedown; 0 = no limit
  RestorationRule restoration = RestorationRule::kNone;
  RestorationStart restoration_from = RestorationStart::kReceipt;
  int restore_min_days = 0;               // DMCA: 10 business days; CN: 15 calendar days
  int restore_max_days = 0;               // DMCA: 14 business days; CN: 15
  int restore_after_days = 0;             // when the deadline job restores, in [min, max]; 0 = min
  bool appeal = false;                    // internal complaint-handling (DSA art. 20)
  int appeal_window_days = 0;             // days after the decision; 0 = no limit
  bool appeal_decided_by_person = false;  // DSA art. 20(6)
  int info_request_days = 7;  // deadline given to a complainant asked for more information
  int review_sla_hours = 24;  // target time from intake to decision
  // See "How day-counted deadlines are counted" above.
  bool extend_past_non_business_day = false;
  BusinessCalendar calendar;

  bool operator==(const Regime&) const = default;
};

// cn_ecl — PRC E-Commerce Law art. 42–43 with Civil Code art. 1195–1196.
// Notice fields per Civil Code art. 1195(1) and E-Commerce Law art. 42(1):
// the rights holder's real identity (/complainant/name,
// /complainant/identity_document), preliminary evidence of infringement
// (/evidence, /explanation) and the listing (/listing_id). The seller may
// declare non-infringement (art. 43(1)), with no deadline in the statute; the
// listing is restored unless, within 15 days after the declaration reaches the
// rights holder, the platform is told of a complaint or lawsuit (art. 43(2)):
// restoration = 15 calendar days from `forwarded`, extended past weekends
// (Civil Code art. 203(1)). Calendar: Beijing time (UTC+08:00), weekends only;
// load the State Council's annual public-holiday list into it (adjusted
// working weekends are not modelled, which only ever makes a period longer).
Regime ChinaEcommerceLaw();

// us_dmca — 17 U.S.C. §512. Notice fields per §512(c)(3)(A)(i)–(vi);
// counter-notice per §512(g)(3), no deadline in the statute; restoration not
// less than 10 and not more than 14 business days following receipt of the
// counter-notice (§512(g)(2)(C)), default 10. Calendar: US federal holidays
// 2024–2035 in US Eastern Standard Time (UTC−05:00): a federal holiday is a
// local date, and a UTC calendar would start Thanksgiving at 19:00 the day
// before in New York.
Regime UsDmca();

// eu_dsa — Regulation (EU) 2022/2065. Notice fields per art. 16(2)(a)–(d); no
// counter-notice restoration clock; the internal complaint-handling system of
// art. 20 is open for "at least six months" after the decision (art. 20(1)):
// 184 days, the longest six consecutive calendar months (1 March → 1 September,
// 1 July → 1 January), so the window covers six months from any decision date
// (183 would fall one day short for decisions from March to August). Decided
// under the supervision of qualified staff, not solely by automated means
// (art. 20(6)). Calendar: UTC, weekends only, with extension past weekends
// (Reg. 1182/71 art. 3(4)).
Regime EuDsa();

// The built-in regime with that id, or nullopt.
std::optional<Regime> BuiltInRegime(std::string_view id);

// Range and statutory checks for a regime built in code or loaded from JSON.
// Returns kInvalidArgument with the field (JSON pointer) at fault:
//  * day counts within [0, 3660], info_request_days >= 1, review_sla_hours in
//    [1, 8784];
//  * with restoration: counter_notice must be true and
//    1 <= restore_min_days <= restore_after_days (or 0) <= restore_max_days;
//  * required fields: syntactically valid, unique pointers with a citation;
//  * statutory floors for the built-in ids: us_dmca restores by business days
//    from receipt within [10, 14] (§512(g)(2)(C)); cn_ecl restores by calendar
//    days from forwarding, not before 15 days (E-Commerce Law art. 43(2));
//    eu_dsa keeps the appeal (art. 20(1), (6)) open at least 184 days.
Status ValidateRegime(const Regime& r);

// Loads a regime from a JSON object, or overrides `base` with the members
// present. Members have the struct's names; in addition:
//   "required_notice_fields": [{"pointer": "/signature", "citation": "..."}, ...]
//     (replaces the whole list),
//   "restoration": "none" | "calendar_days" | "business_days",
//   "restoration_from": "receipt" | "forwarded",
//   "calendar": {"holidays": ["2026-12-25", ...], "utc_offset": "+08:00"}
//     (each member replaces the base's).
// Without a base, "id" is required. When "restore_after_days" is absent it keeps
// the base's value clamped into the new [min, max] (or min without a base).
// Unknown members are rejected. Returns kInvalidArgument naming the member at
// fault as a JSON pointer ("/restore_after_days", "/calendar/holidays/2"),
// including the checks of ValidateRegime.
Result<Regime> RegimeFromJson(const boost::json::value& v, const Regime* base = nullptr);
// The inverse of RegimeFromJson (every member written).
boost::json::object RegimeToJson(const Regime& r);

// The effective rules of a marketplace under several regimes at once:
//  * id, name, legal_basis: joined ("eu_dsa+us_dmca");
//  * required fields: the union in order of first appearance; a field required
//    by several regimes cites every provision ("…(iii); DSA art. 16(2)(b)");
//  * counter-notice, its window, restoration and the calendar: from the first
//    regime with restoration (else the counter-notice from the first regime
//    that allows one, and the calendar of the first regime with an appeal,
//    else of the first regime);
//  * appeal (window, by a person): from the first regime that has an appeal;
//  * info_request_days, review_sla_hours: the minimum;
//  * extend_past_non_business_day: true if any regime has it.
// An empty list gives a default Regime.
Regime Combine(const std::vector<Regime>& regimes);

// When a listing taken down is restored after a counter-notice that the
// platform received at `received_at` and that reached the complainant at
// `forwarded_at` (restoration_from picks which starts the clock):
// `earliest` and `latest` are the ends of day restore_min_days and
// restore_max_days, `restore_at` the end of day restore_after_days (see "How
// day-counted deadlines are counted"). nullopt when the regime has no
// restoration.
struct RestorationWindow {
  Timestamp earliest;
  Timestamp restore_at;
  Timestamp latest;
};
std::optional<RestorationWindow> ComputeRestoration(const Regime& r, Timestamp received_at,
                                                    Timestamp forwarded_at);
// The end of the seller's counter-notice window; nullopt when counter-notices
// are not allowed or have no time limit.
std::optional<Timestamp> CounterNoticeDeadline(const Regime& r, Timestamp takedown_at);
// The end of the appeal window; nullopt when there is no appeal or no limit.
std::optional<Timestamp> AppealDeadline(const Regime& r, Timestamp decision_at);
// The end of day info_request_days after the request (platform policy, no
// statute).
Timestamp InfoRequestDeadline(const Regime& r, Timestamp requested_at);
// received_at + review_sla_hours.
Timestamp ReviewDueAt(const Regime& r, Timestamp received_at);

// Checks that a notice body has every field the regime requires, in the
// regime's order. Returns kInvalidArgument for the first field that is
// missing, null, blank, an empty array, or (under /statements/) not `true`;
// the Status field is its JSON pointer and the message names the provision:
// "statements/good_faith: required by 17 U.S.C. §512(c)(3)(A)(v)",
// "complainant/name: must not be blank (required by DSA art. 16(2)(c))".
Status CheckRequiredFields(const Regime& r, const boost::json::object& notice);

}  // namespace counterfoil::domain
