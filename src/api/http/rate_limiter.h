// RateLimiter: one token bucket per key (API key id, user id or client IP).
//
//   RateLimiter limiter(/*rate_per_second=*/20, /*burst=*/40);
//   double retry_after = 0;
//   if (!limiter.Allow("key:" + key_id, clock.Now(), &retry_after)) {
//     Response r = ProblemResponse(ResourceExhausted("rate limit exceeded"), req.path);
//     r.headers.emplace_back("Retry-After", std::to_string(int(std::ceil(retry_after))));
//     return r;
//   }
//
// A bucket holds at most `burst` tokens and gains `rate_per_second` tokens per
// second; each allowed request takes one. A key that has not been seen, or
// whose bucket has refilled completely, behaves as a full bucket, so full
// buckets are forgotten from time to time and memory stays proportional to the
// number of recently active keys.
//
// Time comes from the caller (an injected Clock), so tests pass explicit
// timestamps. A timestamp earlier than the key's last one counts as no time
// elapsed. Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace counterfoil::api::http {

class RateLimiter {
 public:
  // Requires rate_per_second > 0 and burst >= 1.
  RateLimiter(double rate_per_second, double burst);

  // Takes a token from `key`'s bucket and returns true, or returns false and,
  // when retry_after_seconds is non-null, sets it to the time until a token
  // is available (> 0).
  bool Allow(const std::string& key, Timestamp now, double* retry_after_seconds = nullptr);

  // Number of buckets currently remembered (for tests and metrics).
  size_t TrackedKeys() const;

 private:
  struct Bucket {
    double tokens = 0;
    Timestamp last;
  };

  // Drops buckets that would be full at `now`. Requires mu_ held.
  void Sweep(Timestamp now);

  const double rate_;
  const double burst_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // GUARDED_BY(mu_)
  size_t sweep_at_ = kMinSweepSize;                  // GUARDED_BY(mu_)
  static constexpr size_t kMinSweepSize = 1024;
};

}  // namespace counterfoil::api::http
