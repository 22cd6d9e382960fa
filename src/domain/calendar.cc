#include "domain/calendar.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>

namespace counterfoil::domain {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::sys_days;
using std::chrono::weekday;

namespace {

constexpr minutes kMaxUtcOffset = std::chrono::hours(14);

bool IsWeekend(sys_days day) {
  weekday wd{day};
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

}  // namespace

BusinessCalendar::BusinessCalendar(std::vector<sys_days> holidays, minutes utc_offset)
    : holidays_(std::move(holidays)), utc_offset_(utc_offset) {
  assert(utc_offset >= -kMaxUtcOffset && utc_offset <= kMaxUtcOffset);
  std::sort(holidays_.begin(), holidays_.end());
  holidays_.erase(std::unique(holidays_.begin(), holidays_.end()), holidays_.end());
}

Result<BusinessCalendar> BusinessCalendar::FromDates(const std::vector<std::string>& iso_dates,
                                                     minutes utc_offset) {
  if (utc_offset < -kMaxUtcOffset || utc_offset > kMaxUtcOffset) {
    return InvalidArgument("utc_offset: must be between -14:00 and +14:00");
  }
  std::vector<sys_days> days_list;
  days_list.reserve(iso_dates.size());
  for (size_t i = 0; i < iso_dates.size(); ++i) {
    const std::string& s = iso_dates[i];
    std::optional<sys_days> day = ParseIsoDate(s);
    if (!day) {
      return InvalidArgument("holidays[" + std::to_string(i) + "]: \"" + s.substr(0, 40) +
                                 "\" is not a date (expected YYYY-MM-DD)",
                             "/" + std::to_string(i));
    }
    days_list.push_back(*day);
  }
  return BusinessCalendar(std::move(days_list), utc_offset);
}

bool BusinessCalendar::IsHoliday(sys_days day) const {
  return std::binary_search(holidays_.begin(), holidays_.end(), day);
}

bool BusinessCalendar::IsBusinessDay(sys_days local_day) const {
  return !IsWeekend(local_day) && !IsHoliday(local_day);
}

sys_days BusinessCalendar::LocalDay(Timestamp t) const {
  return std::chrono::floor<days>(t + utc_offset_);
}

Timestamp BusinessCalendar::StartOfLocalDay(sys_days local_day) const {
  return Timestamp(local_day) - utc_offset_;
}

sys_days BusinessCalendar::NextBusinessDay(sys_days local_day) const {
  // Terminates: the holiday list is finite.
  sys_days d = local_day + days(1);
  while (!IsBusinessDay(d)) d += days(1);
  return d;
}

sys_days BusinessCalendar::NthBusinessDayAfter(sys_days local_day, int n) const {
  sys_days d = local_day;
  for (int i = 0; i < n; ++i) d = NextBusinessDay(d);
  return d;
}

Timestamp BusinessCalendar::AddBusinessDays(Timestamp t, int n) const {
  assert(n >= 0);
  if (n <= 0) return t;
  sys_days start = LocalDay(t);
  auto time_of_day = (t + utc_offset_) - Timestamp(start);
  return StartOfLocalDay(NthBusinessDayAfter(start, n)) + time_of_day;
}

int BusinessCalendar::CountBusinessDays(sys_days a, sys_days b) const {
  if (b <= a) return 0;
  // Weekdays in (a, b]: whole weeks have five, the remainder is walked.
  long long span = (b - a).count();
  long long count = (span / 7) * 5;
  for (sys_days d = a + days((span / 7) * 7 + 1); d <= b; d += days(1)) {
    if (!IsWeekend(d)) ++count;
  }
  auto first = std::upper_bound(holidays_.begin(), holidays_.end(), a);
  auto last = std::upper_bound(holidays_.begin(), holidays_.end(), b);
  for (auto it = first; it != last; ++it) {
    if (!IsWeekend(*it)) --count;
  }
  return static_cast<int>(count);
}

int BusinessCalendar::BusinessDaysBetween(Timestamp from, Timestamp to) const {
  if (to <= from) return 0;
  sys_days from_day = LocalDay(from);
  sys_days to_day = LocalDay(to);
  int k = CountBusinessDays(from_day, to_day);
  // The k-th business day after from_day is at most to_day; only when it is
  // to_day itself can the time of day put it after `to`.
  auto from_tod = (from + utc_offset_) - Timestamp(from_day);
  auto to_tod = (to + utc_offset_) - Timestamp(to_day);
  if (k > 0 && IsBusinessDay(to_day) && to_tod < from_tod) --k;
  return k;
}

std::vector<sys_days> UsFederalHolidays(int first_year, int last_year) {
  using namespace std::chrono;
  std::vector<sys_days> out;
  if (first_year > last_year) return out;
  auto observed = [](sys_days d) {
    weekday wd{d};
    if (wd == Saturday) return d - days(1);
    if (wd == Sunday) return d + days(1);
    return d;
  };
  // One year past the range: New Year's Day of last_year + 1 may be observed
  // on December 31 of last_year.
  for (int y = first_year; y <= last_year + 1; ++y) {
    year yr{y};
    std::vector<sys_days> fixed = {sys_days{yr / January / 1}, sys_days{yr / July / 4},
                                   sys_days{yr / November / 11}, sys_days{yr / December / 25}};
    if (y >= 2021) fixed.push_back(sys_days{yr / June / 19});
    std::vector<sys_days> floating = {
        sys_days{yr / February / Monday[3]},   sys_days{yr / May / Monday[last]},
        sys_days{yr / September / Monday[1]},  sys_days{yr / October / Monday[2]},
        sys_days{yr / November / Thursday[4]},
    };
    if (y >= 1986) floating.push_back(sys_days{yr / January / Monday[3]});
    for (sys_days d : fixed) out.push_back(observed(d));
    for (sys_days d : floating) out.push_back(d);
  }
  sys_days lo{year{first_year} / January / 1};
  sys_days hi{year{last_year} / December / 31};
  std::erase_if(out, [&](sys_days d) { return d < lo || d > hi; });
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<sys_days> ParseIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  size_t starts[3] = {0, 5, 8};
  size_t lens[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (size_t i = starts[p]; i < starts[p] + lens[p]; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (s[i] - '0');
    }
  }
  std::chrono::year_month_day ymd{std::chrono::year(parts[0]),
                                  std::chrono::month(static_cast<unsigned>(parts[1])),
                                  std::chrono::day(static_cast<unsigned>(parts[2]))};
  if (!ymd.ok()) return std::nullopt;
  return sys_days(ymd);
}

std::string FormatIsoDate(sys_days day) { return FormatDate(Timestamp(day)); }

Result<minutes> ParseUtcOffset(std::string_view s) {
  auto bad = [&] {
    return InvalidArgument("not a UTC offset (expected +HH:MM or -HH:MM): \"" +
                           std::string(s.substr(0, 20)) + "\"");
  };
  if (s == "Z" || s == "z") return minutes(0);
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return bad();
  for (size_t i : {1, 2, 4, 5}) {
    if (s[i] < '0' || s[i] > '9') return bad();
  }
  int h = (s[1] - '0') * 10 + (s[2] - '0');
  int m = (s[4] - '0') * 10 + (s[5] - '0');
  if (m > 59) return bad();
  minutes off = std::chrono::hours(h) + minutes(m);
  if (off > kMaxUtcOffset) return bad();
  return s[0] == '-' ? -off : off;
}

std::string FormatUtcOffset(minutes offset) {
  char sign = offset < minutes(0) ? '-' : '+';
  long total = std::labs(static_cast<long>(offset.count()));
  char buf[8];
  buf[0] = sign;
  buf[1] = static_cast<char>('0' + (total / 60) / 10);
  buf[2] = static_cast<char>('0' + (total / 60) % 10);
  buf[3] = ':';
  buf[4] = static_cast<char>('0' + (total % 60) / 10);
  buf[5] = static_cast<char>('0' + (total % 60) % 10);
  return std::string(buf, 6);
}

}  // namespace counterfoil::domain
