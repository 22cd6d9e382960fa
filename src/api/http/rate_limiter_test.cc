#include "api/http/rate_limiter.h"

#include <gtest/gtest.h>

#include <string>

namespace counterfoil::api::http {
namespace {

using std::chrono::milliseconds;

const Timestamp kT0 = ParseTime("2026-03-02T09:00:00Z").value();

TEST(RateLimiter, AllowsTheBurstThenRefillsAtTheRate) {
  RateLimiter limiter(/*rate_per_second=*/2, /*burst=*/3);
  double retry = -1;
  EXPECT_TRUE(limiter.Allow("k", kT0));
  EXPECT_TRUE(limiter.Allow("k", kT0));
  EXPECT_TRUE(limiter.Allow("k", kT0));
  EXPECT_FALSE(limiter.Allow("k", kT0, &retry));
  EXPECT_DOUBLE_EQ(retry, 0.5);  // one token at 2/s

  EXPECT_FALSE(limiter.Allow("k", kT0 + milliseconds(250), &retry));
  EXPECT_DOUBLE_EQ(retry, 0.25);  // half a token accrued, half to go
  EXPECT_TRUE(limiter.Allow("k", kT0 + milliseconds(500)));
  EXPECT_FALSE(limiter.Allow("k", kT0 + milliseconds(500), &retry));
  EXPECT_DOUBLE_EQ(retry, 0.5);
}

TEST(RateLimiter, RefillIsCappedAtTheBurst) {
  RateLimiter limiter(10, 2);
  EXPECT_TRUE(limiter.Allow("k", kT0));
  const Timestamp later = kT0 + std::chrono::hours(1);
  EXPECT_TRUE(limiter.Allow("k", later));
  EXPECT_TRUE(limiter.Allow("k", later));
  EXPECT_FALSE(limiter.Allow("k", later));
}

TEST(RateLimiter, FractionalRatesAccumulate) {
  RateLimiter limiter(0.1, 1);  // one request per 10 s
  double retry = 0;
  EXPECT_TRUE(limiter.Allow("k", kT0));
  EXPECT_FALSE(limiter.Allow("k", kT0 + milliseconds(4000), &retry));
  EXPECT_NEAR(retry, 6.0, 1e-9);
  EXPECT_FALSE(limiter.Allow("k", kT0 + milliseconds(9999)));
  EXPECT_TRUE(limiter.Allow("k", kT0 + milliseconds(10000)));
}

TEST(RateLimiter, KeysHaveTheirOwnBuckets) {
  RateLimiter limiter(1, 1);
  EXPECT_TRUE(limiter.Allow("key:a", kT0));
  EXPECT_FALSE(limiter.Allow("key:a", kT0));
  EXPECT_TRUE(limiter.Allow("key:b", kT0));
  EXPECT_TRUE(limiter.Allow("ip:127.0.0.1", kT0));
}

TEST(RateLimiter, ATimestampFromThePastMintsNoTokens) {
  RateLimiter limiter(1, 1);
  EXPECT_TRUE(limiter.Allow("k", kT0));
  EXPECT_FALSE(limiter.Allow("k", kT0 - std::chrono::hours(1)));
  EXPECT_FALSE(limiter.Allow("k", kT0 + milliseconds(999)));
  EXPECT_TRUE(limiter.Allow("k", kT0 + milliseconds(1000)));
}

TEST(RateLimiter, ForgetsKeysWhoseBucketsHaveRefilled) {
  RateLimiter limiter(1, 1);
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(limiter.Allow("old" + std::to_string(i), kT0));
  }
  EXPECT_GE(limiter.TrackedKeys(), 2000u);
  // An hour later every old bucket is full again, so they can be dropped.
  const Timestamp later = kT0 + std::chrono::hours(1);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limiter.Allow("new" + std::to_string(i), later));
  EXPECT_LE(limiter.TrackedKeys(), 100u);
  // A forgotten key starts with a full bucket, as it would have had anyway.
  EXPECT_TRUE(limiter.Allow("old1", later));
  EXPECT_FALSE(limiter.Allow("old1", later));
}

}  // namespace
}  // namespace counterfoil::api::http
