// What the tests of the fast path's own luma decoders share
// (jpeg_baseline_luma_test.cc, jpeg_progressive_luma_test.cc): each decoder
// must give, at every scale M/8, exactly the samples of libjpeg.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "imaging/internal/jpeg_baseline_luma.h"
#include "imaging/photo_hash.h"
#include "imaging/testing/test_images.h"

namespace counterfoil::imaging::internal::luma_testing {

using LumaDecoder = bool (*)(std::span<const uint8_t>, const DecodeOptions&, LumaPlane&);

inline constexpr int kScales[] = {1, 2, 3, 4, 8};

// options.jpeg_min_short_side that makes the fast path decode at m/8, or -1
// when no value does (a tiny image where a smaller M gives the same size).
inline int MinShortSideFor(int m, int width, int height) {
  if (m == 8) return 0;
  const int short_side = std::min(width, height);
  const int want = (short_side * m + 7) / 8;
  return LumaScaleNumerator(static_cast<uint32_t>(width), static_cast<uint32_t>(height), want) == m
             ? want
             : -1;
}

inline DecodeOptions OptionsFor(int min_short_side) {
  DecodeOptions options = FastPathDecodeOptions();
  options.jpeg_min_short_side = min_short_side;
  return options;
}

// Both planes' samples, sizes and orientations are the same.
inline void ExpectSamePlane(const LumaPlane& ours, const LumaPlane& theirs) {
  ASSERT_EQ(ours.width, theirs.width);
  ASSERT_EQ(ours.height, theirs.height);
  EXPECT_EQ(ours.orientation, theirs.orientation);
  const size_t n = static_cast<size_t>(ours.width) * ours.height;
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(ours.luma[i], theirs.luma[i]) << "sample " << i % ours.width << "," << i / ours.width;
  }
}

// `decode` takes the file and gives libjpeg's samples at m/8: those of its
// grey decode (testing::DecodeJpegGrey) and of the fast path with libjpeg.
inline void ExpectExactAt(LumaDecoder decode, const std::vector<uint8_t>& bytes, int m, int width,
                          int height) {
  const int min_side = MinShortSideFor(m, width, height);
  if (min_side < 0) return;
  SCOPED_TRACE(::testing::Message() << "M = " << m);
  const DecodeOptions options = OptionsFor(min_side);
  LumaPlane ours;
  ASSERT_TRUE(decode(bytes, options, ours));
  LumaPlane theirs;
  auto decoded = DecodeJpegLumaWithLibjpeg(bytes, options, theirs);
  ASSERT_TRUE(decoded.ok() && *decoded);
  ExpectSamePlane(ours, theirs);
  int w = 0, h = 0;
  const std::vector<uint8_t> grey = testing::DecodeJpegGrey(bytes, m, &w, &h);
  ASSERT_EQ(w, ours.width);
  ASSERT_EQ(h, ours.height);
  const auto& table = GreyLuma();
  for (size_t i = 0; i < grey.size(); ++i) ASSERT_EQ(ours.luma[i], table[grey[i]]) << i;
}

}  // namespace counterfoil::imaging::internal::luma_testing
