// The clock of `counterfoil serve --test-clock`: the wall clock plus an offset
// that an operator moves forward with POST /v1/test/clock, so end-to-end tests
// and demonstrations can watch a deadline pass (a counter-notice's restoration
// window of 15 days, say) without waiting for it. Time only moves forward, so
// nothing already stamped lies in the future. Never for production: the flag
// exists for tests and demos, and the route answers 404 without it.
//
//   TestClock clock;
//   auto app = App::Open(cfg, &clock);
//   (*app)->api().SetTestClock(&clock);
//   clock.Advance(std::chrono::days(16));  // what the route does
#pragma once

#include <atomic>

#include "common/clock.h"

namespace counterfoil::api {

class TestClock final : public Clock {
 public:
  Timestamp Now() const override {
    return SystemClock::Default()->Now() + Duration(offset_ms_.load());
  }
  // Moves the clock forward by `d` (>= 0). Thread-safe.
  void Advance(Duration d) { offset_ms_ += d.count(); }
  Duration offset() const { return Duration(offset_ms_.load()); }

 private:
  std::atomic<long long> offset_ms_{0};
};

}  // namespace counterfoil::api
