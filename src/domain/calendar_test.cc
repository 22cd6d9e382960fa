#include "domain/calendar.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace counterfoil::domain {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::sys_days;

Timestamp T(std::string_view text) {
  Result<Timestamp> t = ParseTime(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? *t : Timestamp{};
}

sys_days D(std::string_view text) {
  std::optional<sys_days> d = ParseIsoDate(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(sys_days{});
}

std::vector<std::string> Dates(const std::vector<sys_days>& days_list) {
  std::vector<std::string> out;
  for (sys_days d : days_list) out.push_back(FormatIsoDate(d));
  return out;
}

BusinessCalendar UsEastern() { return BusinessCalendar(UsFederalHolidays(2024, 2035), hours(-5)); }

TEST(BusinessCalendar, DefaultIsMondayToFridayInUtcWithoutHolidays) {
  BusinessCalendar cal;
  EXPECT_TRUE(cal.IsBusinessDay(D("2026-03-02")));   // Monday
  EXPECT_TRUE(cal.IsBusinessDay(D("2026-03-06")));   // Friday
  EXPECT_FALSE(cal.IsBusinessDay(D("2026-03-07")));  // Saturday
  EXPECT_FALSE(cal.IsBusinessDay(D("2026-03-08")));  // Sunday
  EXPECT_TRUE(cal.IsBusinessDay(D("2026-12-25")));   // a Friday; no holidays listed
  EXPECT_EQ(cal.utc_offset(), std::chrono::minutes(0));
  EXPECT_TRUE(cal.holidays().empty());
}

TEST(BusinessCalendar, ListedHolidayIsNotABusinessDay) {
  BusinessCalendar cal({D("2026-12-25")});
  EXPECT_FALSE(cal.IsBusinessDay(D("2026-12-25")));
  EXPECT_TRUE(cal.IsBusinessDay(D("2026-12-24")));
}

TEST(BusinessCalendar, AddBusinessDaysSkipsTheWeekendAndKeepsTimeOfDay) {
  BusinessCalendar cal;
  Timestamp friday = T("2026-03-06T10:30:00Z");
  EXPECT_EQ(FormatTime(cal.AddBusinessDays(friday, 1)), "2026-03-09T10:30:00.000Z");
  EXPECT_EQ(FormatTime(cal.AddBusinessDays(friday, 5)), "2026-03-13T10:30:00.000Z");
  EXPECT_EQ(FormatTime(cal.AddBusinessDays(friday, 6)), "2026-03-16T10:30:00.000Z");
}

TEST(BusinessCalendar, AddingZeroBusinessDaysReturnsTheStartEvenOnAWeekend) {
  BusinessCalendar cal;
  EXPECT_EQ(cal.AddBusinessDays(T("2026-03-04T10:00:00Z"), 0), T("2026-03-04T10:00:00Z"));
  EXPECT_EQ(cal.AddBusinessDays(T("2026-03-07T10:00:00Z"), 0), T("2026-03-07T10:00:00Z"));
}

TEST(BusinessCalendar, WeekendStartCountsFromTheNextBusinessDay) {
  BusinessCalendar cal;
  // Saturday and Sunday starts: Monday is day 1, the same day a Friday start gets.
  EXPECT_EQ(FormatTime(cal.AddBusinessDays(T("2026-03-07T15:00:00Z"), 1)),
            "2026-03-09T15:00:00.000Z");
  EXPECT_EQ(FormatTime(cal.AddBusinessDays(T("2026-03-08T15:00:00Z"), 1)),
            "2026-03-09T15:00:00.000Z");
  EXPECT_EQ(FormatTime(cal.AddBusinessDays(T("2026-03-06T15:00:00Z"), 1)),
            "2026-03-09T15:00:00.000Z");
  EXPECT_EQ(FormatTime(cal.AddBusinessDays(T("2026-03-07T15:00:00Z"), 10)),
            "2026-03-20T15:00:00.000Z");
}

TEST(BusinessCalendar, HolidayStartCountsFromTheNextBusinessDay) {
  BusinessCalendar cal = UsEastern();
  // Thanksgiving 2026 (Thursday) at noon in New York: Friday is day 1.
  EXPECT_EQ(FormatTime(cal.AddBusinessDays(T("2026-11-26T12:00:00-05:00"), 1)),
            "2026-11-27T17:00:00.000Z");
}

TEST(BusinessCalendar, AddBusinessDaysSkipsThanksgiving) {
  BusinessCalendar cal = UsEastern();
  Timestamp wednesday = T("2026-11-25T15:00:00-05:00");
  EXPECT_EQ(FormatTime(cal.AddBusinessDays(wednesday, 1)), "2026-11-27T20:00:00.000Z");
  EXPECT_EQ(FormatTime(cal.AddBusinessDays(wednesday, 2)), "2026-11-30T20:00:00.000Z");
}

TEST(BusinessCalendar, LocalDayFollowsTheUtcOffset) {
  // 03:00 UTC on Thanksgiving is still Wednesday evening in New York.
  Timestamp t = T("2026-11-26T03:00:00Z");
  BusinessCalendar eastern = UsEastern();
  BusinessCalendar utc(UsFederalHolidays(2026, 2026));
  EXPECT_EQ(FormatIsoDate(eastern.LocalDay(t)), "2026-11-25");
  EXPECT_EQ(FormatIsoDate(utc.LocalDay(t)), "2026-11-26");
  EXPECT_EQ(FormatTime(eastern.StartOfLocalDay(D("2026-11-25"))), "2026-11-25T05:00:00.000Z");
  // Wednesday 22:00 local -> Friday 22:00 local; Thursday 03:00 UTC -> Friday 03:00 UTC.
  EXPECT_EQ(FormatTime(eastern.AddBusinessDays(t, 1)), "2026-11-28T03:00:00.000Z");
  EXPECT_EQ(FormatTime(utc.AddBusinessDays(t, 1)), "2026-11-27T03:00:00.000Z");
}

TEST(BusinessCalendar, NthBusinessDayAfterSkipsNonBusinessDays) {
  BusinessCalendar cal = UsEastern();
  EXPECT_EQ(FormatIsoDate(cal.NextBusinessDay(D("2026-07-02"))), "2026-07-06");  // July 3 observed
  EXPECT_EQ(FormatIsoDate(cal.NthBusinessDayAfter(D("2026-12-23"), 2)), "2026-12-28");
  EXPECT_EQ(FormatIsoDate(cal.NthBusinessDayAfter(D("2026-12-23"), 0)), "2026-12-23");
}

TEST(BusinessCalendar, BusinessDaysBetweenCountsWholeDaysOnly) {
  BusinessCalendar cal = UsEastern();
  Timestamp wednesday = T("2026-11-25T15:00:00-05:00");
  // Friday and Monday have elapsed; Tuesday's 15:00 has not come yet.
  EXPECT_EQ(cal.BusinessDaysBetween(wednesday, T("2026-12-01T09:00:00-05:00")), 2);
  EXPECT_EQ(cal.BusinessDaysBetween(wednesday, T("2026-12-01T15:00:00-05:00")), 3);
  // Thanksgiving and the weekend add nothing.
  EXPECT_EQ(cal.BusinessDaysBetween(wednesday, T("2026-11-27T14:59:59-05:00")), 0);
  EXPECT_EQ(cal.BusinessDaysBetween(wednesday, T("2026-11-29T23:00:00-05:00")), 1);
}

TEST(BusinessCalendar, BusinessDaysBetweenIsZeroWhenToIsNotAfterFrom) {
  BusinessCalendar cal;
  Timestamp t = T("2026-03-04T10:00:00Z");
  EXPECT_EQ(cal.BusinessDaysBetween(t, t), 0);
  EXPECT_EQ(cal.BusinessDaysBetween(t, T("2026-02-01T10:00:00Z")), 0);
}

TEST(BusinessCalendar, BusinessDaysBetweenInvertsAddBusinessDays) {
  BusinessCalendar cal = UsEastern();
  // Start instants every 7 h 13 min across Thanksgiving, Christmas and New Year.
  for (Timestamp start = T("2026-11-20T00:00:00Z"); start < T("2027-01-08T00:00:00Z");
       start += std::chrono::minutes(433)) {
    for (int n = 0; n <= 25; ++n) {
      Timestamp end = cal.AddBusinessDays(start, n);
      ASSERT_EQ(cal.BusinessDaysBetween(start, end), n) << FormatTime(start) << " n=" << n;
      if (n > 0) {
        ASSERT_EQ(cal.BusinessDaysBetween(start, end - std::chrono::milliseconds(1)), n - 1)
            << FormatTime(start) << " n=" << n;
        ASSERT_TRUE(cal.IsBusinessDay(cal.LocalDay(end))) << FormatTime(end);
      }
    }
  }
}

TEST(BusinessCalendar, CountsAYearOfUsBusinessDays) {
  BusinessCalendar cal = UsEastern();
  // 2026 has 261 weekdays; all 11 observed federal holidays fall on weekdays.
  Timestamp start = T("2025-12-31T12:00:00-05:00");
  EXPECT_EQ(cal.BusinessDaysBetween(start, T("2026-12-31T12:00:00-05:00")), 250);
  EXPECT_EQ(FormatTime(cal.AddBusinessDays(start, 250)), "2026-12-31T17:00:00.000Z");
}

TEST(BusinessCalendar, FromDatesSortsAndDeduplicates) {
  Result<BusinessCalendar> cal =
      BusinessCalendar::FromDates({"2026-12-25", "2026-01-01", "2026-12-25"}, hours(8));
  ASSERT_TRUE(cal.ok()) << cal.status().ToString();
  EXPECT_EQ(Dates(cal->holidays()), (std::vector<std::string>{"2026-01-01", "2026-12-25"}));
  EXPECT_EQ(cal->utc_offset(), hours(8));
}

TEST(BusinessCalendar, FromDatesNamesTheBadEntry) {
  for (const std::string bad :
       {"2026-02-30", "2026-12-25T00:00:00Z", "26-12-25", "", "2026/12/25"}) {
    Result<BusinessCalendar> cal = BusinessCalendar::FromDates({"2026-12-25", "2026-01-01", bad});
    ASSERT_FALSE(cal.ok()) << bad;
    EXPECT_EQ(cal.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(cal.status().field(), "/2");
    EXPECT_NE(cal.status().message().find("holidays[2]"), std::string::npos)
        << cal.status().message();
  }
}

TEST(BusinessCalendar, FromDatesRejectsAnOffsetBeyondFourteenHours) {
  EXPECT_FALSE(BusinessCalendar::FromDates({}, hours(15)).ok());
  EXPECT_TRUE(BusinessCalendar::FromDates({}, hours(-12)).ok());
}

TEST(UsFederalHolidays, ListsTheElevenObservedHolidaysOf2026) {
  EXPECT_EQ(Dates(UsFederalHolidays(2026, 2026)),
            (std::vector<std::string>{
                "2026-01-01",  // New Year's Day
                "2026-01-19",  // Martin Luther King Jr. Day, third Monday of January
                "2026-02-16",  // Washington's Birthday, third Monday of February
                "2026-05-25",  // Memorial Day, last Monday of May
                "2026-06-19",  // Juneteenth
                "2026-07-03",  // Independence Day: July 4 is a Saturday
                "2026-09-07",  // Labor Day
                "2026-10-12",  // Columbus Day
                "2026-11-11",  // Veterans Day
                "2026-11-26",  // Thanksgiving, fourth Thursday of November
                "2026-12-25",  // Christmas Day
            }));
}

TEST(UsFederalHolidays, SaturdayHolidayIsObservedFridaySundayHolidayMonday) {
  std::vector<std::string> y2027 = Dates(UsFederalHolidays(2027, 2027));
  auto has = [&](const char* d) { return std::count(y2027.begin(), y2027.end(), d) == 1; };
  EXPECT_TRUE(has("2027-06-18"));  // Juneteenth, Saturday
  EXPECT_TRUE(has("2027-07-05"));  // Independence Day, Sunday
  EXPECT_TRUE(has("2027-12-24"));  // Christmas, Saturday
  EXPECT_TRUE(has("2027-12-31"));  // New Year's Day 2028, Saturday
  EXPECT_FALSE(has("2027-06-19"));
  EXPECT_FALSE(has("2027-07-04"));
  EXPECT_FALSE(has("2027-12-25"));
  EXPECT_EQ(y2027.size(), 12u);
  BusinessCalendar cal = UsEastern();
  EXPECT_FALSE(cal.IsBusinessDay(D("2026-07-03")));
  EXPECT_TRUE(cal.IsBusinessDay(D("2026-07-06")));
}

TEST(UsFederalHolidays, NewYearObservedOnDecemberThirtyFirstBelongsToThePreviousYear) {
  std::vector<std::string> y2028 = Dates(UsFederalHolidays(2028, 2028));
  EXPECT_EQ(std::count(y2028.begin(), y2028.end(), "2028-01-01"), 0);
  EXPECT_EQ(std::count(y2028.begin(), y2028.end(), "2027-12-31"), 0);
  EXPECT_EQ(y2028.front(), "2028-01-17");  // MLK Day
  // New Year's Day 2022 was a Saturday, observed on Friday 2021-12-31.
  std::vector<std::string> y2021 = Dates(UsFederalHolidays(2021, 2021));
  EXPECT_EQ(y2021.back(), "2021-12-31");
}

TEST(UsFederalHolidays, EveryObservedHolidayIsAWeekdayOverTheDmcaRange) {
  std::vector<sys_days> all = UsFederalHolidays(2024, 2035);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  for (sys_days d : all) {
    std::chrono::weekday wd{d};
    EXPECT_TRUE(wd != std::chrono::Saturday && wd != std::chrono::Sunday) << FormatIsoDate(d);
  }
  EXPECT_EQ(all.size(), 12u * 11u);
}

TEST(UsFederalHolidays, ReversedRangeIsEmpty) {
  EXPECT_TRUE(UsFederalHolidays(2027, 2026).empty());
}

TEST(UtcOffset, ParsesAndFormatsSignedHoursAndMinutes) {
  EXPECT_EQ(*ParseUtcOffset("+08:00"), hours(8));
  EXPECT_EQ(*ParseUtcOffset("-05:00"), hours(-5));
  EXPECT_EQ(*ParseUtcOffset("+05:45"), std::chrono::minutes(345));
  EXPECT_EQ(*ParseUtcOffset("Z"), std::chrono::minutes(0));
  EXPECT_EQ(FormatUtcOffset(std::chrono::minutes(-570)), "-09:30");
  EXPECT_EQ(FormatUtcOffset(std::chrono::minutes(0)), "+00:00");
  for (const char* bad : {"+8", "08:00", "+15:00", "+08:60", "+08-00", "UTC"}) {
    EXPECT_FALSE(ParseUtcOffset(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace counterfoil::domain
