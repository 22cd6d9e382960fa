// Time for the whole program: timestamps, an injectable Clock, RFC 3339 text.
//
// Every deadline in Counterfoil is computed from a Clock handed in by the
// caller, so tests advance a FakeClock instead of sleeping:
//
//   FakeClock clock(ParseTime("2026-03-02T09:00:00Z").value());
//   service.FileCounterNotice(...);
//   clock.Advance(std::chrono::days(15));
//   jobs.RunDue();  // the restoration job fires now
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace counterfoil {

// Milliseconds since the Unix epoch, UTC.
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;
using Duration = std::chrono::milliseconds;

// Formats as RFC 3339 in UTC with millisecond precision: 2026-11-22T09:30:00.000Z.
std::string FormatTime(Timestamp t);
// Parses RFC 3339 ("2026-11-22T09:30:00Z", fractional seconds and numeric
// offsets accepted) or a bare date ("2026-11-22", midnight UTC).
// Returns kInvalidArgument on anything else.
Result<Timestamp> ParseTime(std::string_view text);
// "2026-11-22" for the UTC day containing t.
std::string FormatDate(Timestamp t);

// A source of the current time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// The wall clock.
class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
  static SystemClock* Default();
};

// A clock that only moves when told to; for tests and for `--clock-offset`
// style demos. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start) : now_ms_(start.time_since_epoch().count()) {}
  Timestamp Now() const override { return Timestamp(Duration(now_ms_.load())); }
  void Advance(Duration d) { now_ms_ += d.count(); }
  void Set(Timestamp t) { now_ms_ = t.time_since_epoch().count(); }

 private:
  std::atomic<long long> now_ms_;
};

}  // namespace counterfoil
