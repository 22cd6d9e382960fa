#include "api/http/rate_limiter.h"

#include <algorithm>
#include <cassert>
#include <chrono>

namespace counterfoil::api::http {

namespace {

double SecondsBetween(Timestamp from, Timestamp to) {
  if (to <= from) return 0;
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

RateLimiter::RateLimiter(double rate_per_second, double burst)
    : rate_(rate_per_second), burst_(burst) {
  assert(rate_per_second > 0 && "RateLimiter needs a positive rate");
  assert(burst >= 1 && "RateLimiter needs a burst of at least one request");
}

bool RateLimiter::Allow(const std::string& key, Timestamp now, double* retry_after_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = buckets_.try_emplace(key);
  Bucket& b = it->second;
  if (inserted) {
    b.tokens = burst_;
    b.last = now;
  } else if (now > b.last) {
    b.tokens = std::min(burst_, b.tokens + SecondsBetween(b.last, now) * rate_);
    b.last = now;
  }
  bool allowed = b.tokens >= 1;
  if (allowed) {
    b.tokens -= 1;
  } else if (retry_after_seconds) {
    *retry_after_seconds = (1 - b.tokens) / rate_;
  }
  if (buckets_.size() >= sweep_at_) Sweep(now);
  return allowed;
}

void RateLimiter::Sweep(Timestamp now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const Bucket& b = it->second;
    if (b.tokens + SecondsBetween(b.last, now) * rate_ >= burst_) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  // Sweep again when the map has doubled, so the cost stays amortised O(1).
  sweep_at_ = std::max(kMinSweepSize, buckets_.size() * 2);
}

size_t RateLimiter::TrackedKeys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

}  // namespace counterfoil::api::http
