// Business days for legal deadlines: which local days count, and day
// arithmetic on Timestamps in a fixed-offset local time zone.
//
// Some statutory periods are counted in business days (17 U.S.C. §512(g)(2)(C):
// restore "not less than 10, nor more than 14, business days following receipt
// of the counter notice"); others in calendar days that end at local midnight
// (PRC Civil Code art. 201, 203). A BusinessCalendar knows the weekend
// (Saturday and Sunday), a list of holidays and the UTC offset of the local
// time in which days are counted.
//
//   BusinessCalendar us(UsFederalHolidays(2024, 2035), std::chrono::hours(-5));
//   // Wednesday before Thanksgiving, 15:00 in New York (EST):
//   Timestamp t = ParseTime("2026-11-25T15:00:00-05:00").value();
//   us.AddBusinessDays(t, 1);   // Friday 2026-11-27T15:00-05:00 (Thursday is Thanksgiving)
//   // Friday and Monday have elapsed; Tuesday's 15:00 has not come yet:
//   us.BusinessDaysBetween(t, ParseTime("2026-12-01T09:00:00-05:00").value());   // 2
//
// Time zone: a fixed UTC offset. Daylight saving time is not modelled (GCC 12's
// libstdc++ has no time-zone database, and a fixed offset keeps stored deadlines
// reproducible); choose the standard-time offset, and under DST a deadline is
// one hour later on the local wall clock than its nominal time.
//
// Holidays outside the list's years are not known: past the last listed year
// every weekday counts as a business day. Keep the list ahead of the deadlines
// it serves (UsFederalHolidays covers any range of years).
//
// Thread safety: a BusinessCalendar is an immutable value; const methods may be
// called concurrently.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace counterfoil::domain {

class BusinessCalendar {
 public:
  // Monday to Friday, no holidays, UTC.
  BusinessCalendar() = default;
  // `holidays` are local dates (any order, duplicates ignored; a holiday on a
  // weekend changes nothing). Requires |utc_offset| <= 14 hours.
  explicit BusinessCalendar(std::vector<std::chrono::sys_days> holidays,
                            std::chrono::minutes utc_offset = {});

  // Parses ISO dates ("2026-12-25"). Returns kInvalidArgument naming the first
  // bad entry: message "holidays[3]: ..." and field "/3" (the index as a JSON
  // pointer relative to the array, so callers can prefix their own path), or
  // field "" when utc_offset is out of range.
  static Result<BusinessCalendar> FromDates(const std::vector<std::string>& iso_dates,
                                            std::chrono::minutes utc_offset = {});

  // True for Monday to Friday unless `local_day` is a listed holiday.
  bool IsBusinessDay(std::chrono::sys_days local_day) const;

  // The instant `n` business days after `t`, at t's local time of day.
  //
  // Convention: the day of `t` itself is never counted; day 1 is the first
  // business day strictly after t's local day, day n the n-th. A start on a
  // Saturday, Sunday or holiday therefore counts from the next business day
  // (it is day 1), and a Friday-evening start and a Saturday start give the
  // same day. Why: the general rule for computing periods excludes the day of
  // the triggering event (Fed. R. Civ. P. 6(a)(1)(A); PRC Civil Code art. 201;
  // Regulation (EEC, Euratom) No 1182/71 art. 3(1)), and §512(g)(2)(C) counts
  // business days "following receipt". Keeping the time of day makes the
  // result an exact inverse of BusinessDaysBetween:
  //   BusinessDaysBetween(t, AddBusinessDays(t, n)) == n.
  // n == 0 returns t unchanged. Requires n >= 0 (a negative n is treated as 0).
  Timestamp AddBusinessDays(Timestamp t, int n) const;

  // Whole business days elapsed from `from` to `to`: the largest k >= 0 with
  // AddBusinessDays(from, k) <= to. 0 when `to` <= `from`.
  int BusinessDaysBetween(Timestamp from, Timestamp to) const;

  // The local calendar day containing `t`.
  std::chrono::sys_days LocalDay(Timestamp t) const;
  // The instant local day `local_day` begins (00:00 local time).
  Timestamp StartOfLocalDay(std::chrono::sys_days local_day) const;
  // The first business day strictly after `local_day`.
  std::chrono::sys_days NextBusinessDay(std::chrono::sys_days local_day) const;
  // The n-th business day strictly after `local_day` (n >= 1; n <= 0 returns
  // `local_day`).
  std::chrono::sys_days NthBusinessDayAfter(std::chrono::sys_days local_day, int n) const;

  // Sorted, without duplicates.
  const std::vector<std::chrono::sys_days>& holidays() const { return holidays_; }
  std::chrono::minutes utc_offset() const { return utc_offset_; }

  bool operator==(const BusinessCalendar&) const = default;

 private:
  bool IsHoliday(std::chrono::sys_days day) const;
  // Business days d with a < d <= b.
  int CountBusinessDays(std::chrono::sys_days a, std::chrono::sys_days b) const;

  std::vector<std::chrono::sys_days> holidays_;
  std::chrono::minutes utc_offset_{0};
};

// US federal holidays as observed by federal offices, for the years
// first_year..last_year inclusive (empty when first_year > last_year): the
// eleven holidays of 5 U.S.C. §6103(a) — New Year's Day, Martin Luther King
// Jr.'s Birthday (third Monday of January, from 1986), Washington's Birthday
// (third Monday of February), Memorial Day (last Monday of May), Juneteenth
// (June 19, from 2021), Independence Day, Labor Day (first Monday of
// September), Columbus Day (second Monday of October), Veterans Day (November
// 11), Thanksgiving (fourth Thursday of November), Christmas Day — moved by the
// observance rule of 5 U.S.C. §6103(b) and Executive Order 11582: a holiday on
// a Saturday is observed on the Friday before, one on a Sunday on the Monday
// after. A date belongs to the year it is observed in, so New Year's Day 2028
// (a Saturday) appears as Friday 2027-12-31 in the list for 2027.
// Inauguration Day (Washington D.C. area only) and one-off closures by
// executive order are not included; add them to the calendar's list.
// The default DMCA calendar (regime.h).
std::vector<std::chrono::sys_days> UsFederalHolidays(int first_year, int last_year);

// Parses an ISO calendar date, "2026-12-25" (exactly YYYY-MM-DD, a real date).
std::optional<std::chrono::sys_days> ParseIsoDate(std::string_view text);
// "2026-12-25".
std::string FormatIsoDate(std::chrono::sys_days day);

// Parses "+08:00" / "-05:00" / "Z" into an offset within ±14:00.
// Returns kInvalidArgument otherwise.
Result<std::chrono::minutes> ParseUtcOffset(std::string_view text);
// "+08:00", "-05:00", "+00:00".
std::string FormatUtcOffset(std::chrono::minutes offset);

}  // namespace counterfoil::domain
