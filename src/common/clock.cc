#include "common/clock.h"

#include <cctype>
#include <cstdio>

namespace counterfoil {

using namespace std::chrono;

namespace {

// Writes `v` as exactly `width` decimal digits (zero-padded) at `out`.
void PutDigits(char* out, unsigned v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

}  // namespace

std::string FormatTime(Timestamp t) {
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<milliseconds> tod{t - day};
  // Every stored document and audit entry carries several timestamps, so
  // the common case (years 0000-9999) is formatted without snprintf.
  if (int year = int(ymd.year()); year >= 0 && year <= 9999) {
    char fixed[] = "0000-00-00T00:00:00.000Z";
    PutDigits(fixed, static_cast<unsigned>(year), 4);
    PutDigits(fixed + 5, unsigned(ymd.month()), 2);
    PutDigits(fixed + 8, unsigned(ymd.day()), 2);
    PutDigits(fixed + 11, static_cast<unsigned>(tod.hours().count()), 2);
    PutDigits(fixed + 14, static_cast<unsigned>(tod.minutes().count()), 2);
    PutDigits(fixed + 17, static_cast<unsigned>(tod.seconds().count()), 2);
    PutDigits(fixed + 20, static_cast<unsigned>(tod.subseconds().count()), 3);
    return std::string(fixed, sizeof fixed - 1);
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), long(tod.hours().count()),
                long(tod.minutes().count()), long(tod.seconds().count()),
                long(tod.subseconds().count()));
  return buf;
}

std::string FormatDate(Timestamp t) {
  year_month_day ymd{floor<days>(t)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return buf;
}

namespace {

bool ReadInt(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

Result<Timestamp> ParseTime(std::string_view s) {
  auto bad = [&] {
    return InvalidArgument("not an RFC 3339 timestamp: \"" + std::string(s.substr(0, 64)) + "\"");
  };
  size_t pos = 0;
  int y = 0, mo = 0, d = 0;  // set by ReadInt before use (GCC cannot tell)
  if (!ReadInt(s, pos, 4, y) || !Expect(s, pos, '-') || !ReadInt(s, pos, 2, mo) ||
      !Expect(s, pos, '-') || !ReadInt(s, pos, 2, d))
    return bad();
  year_month_day ymd{year(y), month(unsigned(mo)), day(unsigned(d))};
  if (!ymd.ok()) return bad();
  sys_days date{ymd};
  if (pos == s.size()) return Timestamp(date);
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return bad();
  ++pos;
  int h, mi, se;
  if (!ReadInt(s, pos, 2, h) || !Expect(s, pos, ':') || !ReadInt(s, pos, 2, mi) ||
      !Expect(s, pos, ':') || !ReadInt(s, pos, 2, se))
    return bad();
  if (h > 23 || mi > 59 || se > 60) return bad();
  long ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 3) ms = ms * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (int i = digits; i < 3; ++i) ms *= 10;
  }
  long offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!ReadInt(s, pos, 2, oh) || !Expect(s, pos, ':') || !ReadInt(s, pos, 2, om)) return bad();
    offset_min = sign * (oh * 60 + om);
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  Timestamp t = Timestamp(date) + hours(h) + minutes(mi) + seconds(se) + milliseconds(ms) -
                minutes(offset_min);
  return t;
}

Timestamp SystemClock::Now() const { return floor<milliseconds>(system_clock::now()); }

SystemClock* SystemClock::Default() {
  static SystemClock clock;
  return &clock;
}

}  // namespace counterfoil
