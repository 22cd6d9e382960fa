// PDQ hashing. Every floating-point step follows the reference's order of
// operations so that hashes are bit-exact: single-precision sums accumulated
// left to right, true divisions (never a multiplication by a reciprocal), and
// no fused multiply-add (this file is compiled with -ffp-contract=off).
#include "imaging/pdq.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <numbers>
#include <span>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

namespace counterfoil::imaging {
namespace internal {
namespace {

constexpr int kGrid = 64;     // samples per side after the tent filter
constexpr int kDctSize = 16;  // DCT coefficients kept per side

// The box filter, the reference's running sum. Over n values, `window` wide
// and centred (for an even window the extra value is on the right); near the
// ends the window is truncated and the average is over what it covers. The
// sum is a float updated "add the value entering, subtract the value
// leaving", and each output is sum / count: the exact operation order of the
// reference, so the results are bit-identical.
//
// Here the filter runs on L independent signals at once, interleaved: value t
// of signal l is in[t * L + l]. The L running sums are independent, so the
// compiler keeps them in SIMD registers and the loop-carried latency of one
// sum is spread over L values. With `wanted` (ascending, repeats allowed)
// only those outputs are computed, densely in that order.
template <int L>
void BoxFilterLanes(const float* __restrict in, float* __restrict out, int n, int window,
                    std::span<const int> wanted = {}) {
  const int half = (window + 2) / 2;   // 7 -> 4, 8 -> 5
  const int lead = half - 1;           // values summed before the first output
  const int grow = window - half + 1;  // outputs while the window grows
  const int full = n - window;         // outputs with the full window
  const int shrink = half - 1;         // outputs while the window shrinks
  const bool all = wanted.empty();
  size_t next = 0;  // into wanted
  float sum[L] = {};
  int count = 0, li = 0, ri = 0, oi = 0;
  auto emit = [&]() {
    const float c = static_cast<float>(count);
    if (all) {
      for (int l = 0; l < L; ++l) out[static_cast<size_t>(oi) * L + l] = sum[l] / c;
    } else {
      while (next < wanted.size() && wanted[next] == oi) {
        for (int l = 0; l < L; ++l) out[next * L + l] = sum[l] / c;
        ++next;
      }
    }
    ++oi;
  };
  for (int i = 0; i < lead; ++i, ++ri) {
    for (int l = 0; l < L; ++l) sum[l] += in[static_cast<size_t>(ri) * L + l];
    ++count;
  }
  for (int i = 0; i < grow; ++i, ++ri) {
    for (int l = 0; l < L; ++l) sum[l] += in[static_cast<size_t>(ri) * L + l];
    ++count;
    emit();
  }
  for (int i = 0; i < full; ++i, ++ri, ++li) {
    for (int l = 0; l < L; ++l) {
      sum[l] += in[static_cast<size_t>(ri) * L + l];
      sum[l] -= in[static_cast<size_t>(li) * L + l];
    }
    emit();
  }
  for (int i = 0; i < shrink; ++i, ++li) {
    for (int l = 0; l < L; ++l) sum[l] -= in[static_cast<size_t>(li) * L + l];
    --count;
    emit();
  }
}

// Rows are filtered kStrip at a time: a strip is transposed so that its rows
// become interleaved lanes, filtered, and transposed back.
constexpr int kStrip = 16;

// The transposes move floats without touching them; with SSE they go in 4x4
// tiles (a scalar loop of stride-16 moves was most of the row passes' time
// on a fast-path-sized plane).
// Lanes of a strip: lanes[x * kStrip + r] = rows[r][x] for x < width.
void RowsToLanes(const float* rows, size_t row_stride, size_t width, float* __restrict lanes) {
  size_t x = 0;
#if defined(__SSE2__)
  for (; x + 4 <= width; x += 4) {
    for (int r = 0; r < kStrip; r += 4) {
      const float* p = rows + static_cast<size_t>(r) * row_stride + x;
      __m128 a = _mm_loadu_ps(p), b = _mm_loadu_ps(p + row_stride);
      __m128 c = _mm_loadu_ps(p + 2 * row_stride), d = _mm_loadu_ps(p + 3 * row_stride);
      _MM_TRANSPOSE4_PS(a, b, c, d);
      float* q = lanes + x * kStrip + r;
      _mm_storeu_ps(q, a);
      _mm_storeu_ps(q + kStrip, b);
      _mm_storeu_ps(q + 2 * kStrip, c);
      _mm_storeu_ps(q + 3 * kStrip, d);
    }
  }
#endif
  for (; x < width; ++x) {
    for (int r = 0; r < kStrip; ++r) lanes[x * kStrip + r] = rows[r * row_stride + x];
  }
}

// The inverse: rows[r][x] = lanes[x * kStrip + r] for x < width.
void LanesToRows(const float* __restrict lanes, size_t width, float* rows, size_t row_stride) {
  size_t x = 0;
#if defined(__SSE2__)
  for (; x + 4 <= width; x += 4) {
    for (int r = 0; r < kStrip; r += 4) {
      const float* q = lanes + x * kStrip + r;
      __m128 a = _mm_loadu_ps(q), b = _mm_loadu_ps(q + kStrip);
      __m128 c = _mm_loadu_ps(q + 2 * kStrip), d = _mm_loadu_ps(q + 3 * kStrip);
      _MM_TRANSPOSE4_PS(a, b, c, d);
      float* p = rows + static_cast<size_t>(r) * row_stride + x;
      _mm_storeu_ps(p, a);
      _mm_storeu_ps(p + row_stride, b);
      _mm_storeu_ps(p + 2 * row_stride, c);
      _mm_storeu_ps(p + 3 * row_stride, d);
    }
  }
#endif
  for (; x < width; ++x) {
    for (int r = 0; r < kStrip; ++r) rows[r * row_stride + x] = lanes[x * kStrip + r];
  }
}

// Box filter along every row of `buf` (width x height). With `wanted`, only
// those columns are produced, into `out` (height x wanted.size()); otherwise
// the rows are filtered in place.
void BoxFilterRows(float* buf, int width, int height, int window, std::span<const int> wanted,
                   float* out) {
  const size_t w = static_cast<size_t>(width);
  const size_t out_w = wanted.empty() ? w : wanted.size();
  std::vector<float> strip_in(w * kStrip), strip_out(out_w * kStrip);
  int y0 = 0;
  for (; y0 + kStrip <= height; y0 += kStrip) {
    RowsToLanes(buf + static_cast<size_t>(y0) * w, w, w, strip_in.data());
    BoxFilterLanes<kStrip>(strip_in.data(), strip_out.data(), width, window, wanted);
    if (wanted.empty()) {
      LanesToRows(strip_out.data(), w, buf + static_cast<size_t>(y0) * w, w);
    } else {
      LanesToRows(strip_out.data(), out_w, out + static_cast<size_t>(y0) * out_w, out_w);
    }
  }
  for (; y0 < height; ++y0) {  // the last height % kStrip rows, one at a time
    float* row = buf + static_cast<size_t>(y0) * w;
    std::memcpy(strip_in.data(), row, sizeof(float) * w);
    float* dst = wanted.empty() ? row : out + static_cast<size_t>(y0) * out_w;
    BoxFilterLanes<1>(strip_in.data(), dst, width, window, wanted);
  }
}

// Box filter along every column, in place: the same running sums, one per
// column, advanced a whole row at a time so the loops run along memory and
// vectorise. Rows still to be subtracted are kept in a ring of window + 1
// copies because the output overwrites them.
void BoxFilterColumns(float* buf, int width, int height, int window) {
  const int half = (window + 2) / 2;
  const int lead = half - 1;
  const int grow = window - half + 1;
  const int full = height - window;
  const int shrink = half - 1;
  const size_t w = static_cast<size_t>(width);
  const int ring_rows = window + 1;
  std::vector<float> ring(static_cast<size_t>(ring_rows) * w);
  std::vector<float> sums(w, 0.0f);
  float* __restrict sum = sums.data();
  int count = 0, li = 0, ri = 0, oi = 0;

  auto enter = [&]() -> const float* {  // copies row ri into the ring
    float* slot = ring.data() + static_cast<size_t>(ri % ring_rows) * w;
    std::memcpy(slot, buf + static_cast<size_t>(ri) * w, sizeof(float) * w);
    ++ri;
    return slot;
  };
  auto leaving = [&]() -> const float* {
    return ring.data() + static_cast<size_t>(li++ % ring_rows) * w;
  };

  for (int i = 0; i < lead; ++i) {
    const float* __restrict in = enter();
    for (size_t x = 0; x < w; ++x) sum[x] += in[x];
    ++count;
  }
  for (int i = 0; i < grow; ++i) {
    const float* __restrict in = enter();
    ++count;
    const float c = static_cast<float>(count);
    float* __restrict out = buf + static_cast<size_t>(oi++) * w;
    for (size_t x = 0; x < w; ++x) {
      sum[x] += in[x];
      out[x] = sum[x] / c;
    }
  }
  for (int i = 0; i < full; ++i) {
    const float* __restrict in = enter();
    const float* __restrict old = leaving();
    const float c = static_cast<float>(count);
    float* __restrict out = buf + static_cast<size_t>(oi++) * w;
    for (size_t x = 0; x < w; ++x) {
      sum[x] += in[x];
      sum[x] -= old[x];
      out[x] = sum[x] / c;
    }
  }
  for (int i = 0; i < shrink; ++i) {
    const float* __restrict old = leaving();
    --count;
    const float c = static_cast<float>(count);
    float* __restrict out = buf + static_cast<size_t>(oi++) * w;
    for (size_t x = 0; x < w; ++x) {
      sum[x] -= old[x];
      out[x] = sum[x] / c;
    }
  }
}

// The 16x64 matrix of the 64-point DCT-II without its DC row:
// D[i][j] = sqrt(2/64) cos(pi/128 (i+1) (2j+1)), computed in double and
// stored as float, as the paper's matrix is.
struct DctMatrix {
  float d[kDctSize][kGrid];
  DctMatrix() {
    const double scale = std::sqrt(2.0 / kGrid);
    for (int i = 0; i < kDctSize; ++i) {
      for (int j = 0; j < kGrid; ++j) {
        d[i][j] = static_cast<float>(
            scale * std::cos((std::numbers::pi / 2 / kGrid) * (i + 1) * (2 * j + 1)));
      }
    }
  }
};

const DctMatrix& Dct() {
  static const DctMatrix matrix;
  return matrix;
}

// The quality metric: how much the 64x64 image varies between neighbours.
// Each absolute difference is on a 0..100 scale, truncated to an integer;
// the sum over all 2 * 63 * 64 pairs divided by 90 is the quality, capped at
// 100 (paper: "Quality metric"). Featureless images score near 0.
int Quality(const float* g) {
  int gradient_sum = 0;
  for (int i = 0; i < kGrid - 1; ++i) {
    for (int j = 0; j < kGrid; ++j) {
      float u = g[i * kGrid + j];
      float v = g[(i + 1) * kGrid + j];
      float d = ((u - v) * 100) / 255;
      gradient_sum += static_cast<int>(std::fabs(d));
    }
  }
  for (int i = 0; i < kGrid; ++i) {
    for (int j = 0; j < kGrid - 1; ++j) {
      float u = g[i * kGrid + j];
      float v = g[i * kGrid + j + 1];
      float d = ((u - v) * 100) / 255;
      gradient_sum += static_cast<int>(std::fabs(d));
    }
  }
  return std::min(gradient_sum / 90, 100);
}

}  // namespace

int JaroszWindowSize(int dimension) { return (dimension + 2 * kGrid - 1) / (2 * kGrid); }

namespace {

// Rec. 601 luma weights, as float (the paper's luminance). The products come
// from tables of w * float(v), the very products the formula computes, so
// the sums are bit-identical to it.
struct LumaTables {
  float r[256], g[256], b[256];
  std::array<float, 256> grey;  // r[v] + g[v] + b[v], summed in that order
  LumaTables() {
    constexpr float kR = 0.299f, kG = 0.587f, kB = 0.114f;
    for (int v = 0; v < 256; ++v) {
      r[v] = kR * static_cast<float>(v);
      g[v] = kG * static_cast<float>(v);
      b[v] = kB * static_cast<float>(v);
      grey[v] = r[v] + g[v] + b[v];
    }
  }
};
const LumaTables& Luma() {
  static const LumaTables tables;
  return tables;
}

}  // namespace

void ComputeLuma(const Image& image, std::span<float> luma) {
  const LumaTables& t = Luma();
  const size_t n = image.pixel_count();
  const uint8_t* p = image.rgb.data();
  for (size_t i = 0; i < n; ++i, p += 3) luma[i] = t.r[p[0]] + t.g[p[1]] + t.b[p[2]];
}

const std::array<float, 256>& GreyLuma() { return Luma().grey; }

void GreyToLuma(const uint8_t* src, float* dst, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128 r = _mm_set1_ps(0.299f), g = _mm_set1_ps(0.587f), b = _mm_set1_ps(0.114f);
  const __m128i zero = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    const __m128i lo = _mm_unpacklo_epi8(bytes, zero), hi = _mm_unpackhi_epi8(bytes, zero);
    const __m128i words[4] = {_mm_unpacklo_epi16(lo, zero), _mm_unpackhi_epi16(lo, zero),
                              _mm_unpacklo_epi16(hi, zero), _mm_unpackhi_epi16(hi, zero)};
    for (int k = 0; k < 4; ++k) {
      const __m128 v = _mm_cvtepi32_ps(words[k]);
      const __m128 sum =
          _mm_add_ps(_mm_add_ps(_mm_mul_ps(r, v), _mm_mul_ps(g, v)), _mm_mul_ps(b, v));
      _mm_storeu_ps(dst + i + 4 * static_cast<size_t>(k), sum);
    }
  }
#endif
  const std::array<float, 256>& grey = Luma().grey;
  for (; i < n; ++i) dst[i] = grey[src[i]];
}

PdqDct ComputeDct(std::span<float> luma, int width, int height) {
  PdqDct out;
  if (width < kPdqMinDimension || height < kPdqMinDimension) return out;

  // Step 3's sample positions: the centre of each of the 64x64 cells.
  std::array<int, kGrid> sample_x, sample_y;
  for (int i = 0; i < kGrid; ++i) {
    sample_y[i] = static_cast<int>(((i + 0.5) * height) / kGrid);
    sample_x[i] = static_cast<int>(((i + 0.5) * width) / kGrid);
  }

  // Step 2: the tent filter, X then Y, twice. Only the 64 sampled columns of
  // the last two passes are ever read, so the second X pass produces just
  // those (into `columns`, height x 64) and the second Y pass runs on them:
  // the same sums, a quarter of the work.
  const int window_x = JaroszWindowSize(width);
  const int window_y = JaroszWindowSize(height);
  BoxFilterRows(luma.data(), width, height, window_x, {}, nullptr);
  BoxFilterColumns(luma.data(), width, height, window_y);
  std::vector<float> columns(static_cast<size_t>(height) * kGrid);
  BoxFilterRows(luma.data(), width, height, window_x, sample_x, columns.data());
  BoxFilterColumns(columns.data(), kGrid, height, window_y);

  // Step 3.
  float grid[kGrid * kGrid];
  for (int i = 0; i < kGrid; ++i) {
    std::memcpy(grid + i * kGrid, columns.data() + static_cast<size_t>(sample_y[i]) * kGrid,
                sizeof(float) * kGrid);
  }

  // Step 4.
  out.quality = Quality(grid);

  // Step 5: B = D A D^T, each dot product summed in float from k = 0 up.
  const DctMatrix& m = Dct();
  float t[kDctSize][kGrid] = {};  // T = D A
  for (int i = 0; i < kDctSize; ++i) {
    for (int k = 0; k < kGrid; ++k) {
      const float dik = m.d[i][k];
      const float* a = grid + k * kGrid;
      for (int j = 0; j < kGrid; ++j) t[i][j] += dik * a[j];
    }
  }
  for (int i = 0; i < kDctSize; ++i) {
    for (int j = 0; j < kDctSize; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < kGrid; ++k) sum += t[i][k] * m.d[j][k];
      out.coefficients[i * kDctSize + j] = sum;
    }
  }
  return out;
}

Hash256 HashFromDct(const PdqDct& dct, Dihedral d) {
  // Which symmetry: transpose or not, and which parities to negate. Mirroring
  // the image along one axis (x -> 63 - x) turns cos(pi u (2x+1) / 128) into
  // (-1)^u times itself, so the coefficients of odd frequency u along that
  // axis change sign; index i holds frequency u = i + 1, so those are the
  // even i. A rotation is a transposition followed by one mirror.
  struct Symmetry {
    bool transpose;
    bool negate_even_rows;
    bool negate_even_cols;
  };
  static constexpr Symmetry kSymmetries[8] = {
      {false, false, false},  // original
      {true, true, false},    // rotate90: transpose, then mirror top-bottom
      {false, true, true},    // rotate180: both mirrors
      {true, false, true},    // rotate270: transpose, then mirror left-right
      {false, true, false},   // flipx: mirror top-bottom
      {false, false, true},   // flipy: mirror left-right
      {true, false, false},   // flip_plus1: transpose
      {true, true, true},     // flip_minus1: transpose and both mirrors
  };
  const Symmetry& s = kSymmetries[static_cast<int>(d)];
  std::array<float, 256> v;
  for (int i = 0; i < kDctSize; ++i) {
    for (int j = 0; j < kDctSize; ++j) {
      float c =
          s.transpose ? dct.coefficients[j * kDctSize + i] : dct.coefficients[i * kDctSize + j];
      if (s.negate_even_rows && i % 2 == 0) c = -c;
      if (s.negate_even_cols && j % 2 == 0) c = -c;
      v[i * kDctSize + j] = c;
    }
  }
  // Step 6: the median is the 128th smallest of the 256 (the lower median),
  // so exactly the coefficients strictly above it set their bit.
  std::array<float, 256> sorted = v;
  std::nth_element(sorted.begin(), sorted.begin() + 127, sorted.end());
  const float median = sorted[127];
  Hash256 h;
  for (int k = 0; k < 256; ++k) {
    if (v[k] > median) h.SetBit(k);
  }
  return h;
}

}  // namespace internal

PdqDihedralHashes ComputePdqDihedralFromLuma(std::span<float> luma, int width, int height) {
  PdqDihedralHashes out;
  if (width < kPdqMinDimension || height < kPdqMinDimension) return out;
  internal::PdqDct dct = internal::ComputeDct(luma, width, height);
  for (int d = 0; d < 8; ++d) out.hashes[d] = internal::HashFromDct(dct, static_cast<Dihedral>(d));
  out.quality = dct.quality;
  return out;
}

namespace {

internal::PdqDct DctOfImage(const Image& image) {
  if (image.width < kPdqMinDimension || image.height < kPdqMinDimension) return {};
  std::unique_ptr<float[]> luma(new float[image.pixel_count()]);
  std::span<float> plane(luma.get(), image.pixel_count());
  internal::ComputeLuma(image, plane);
  return internal::ComputeDct(plane, image.width, image.height);
}

}  // namespace

PdqHash ComputePdq(const Image& image) {
  if (image.width < kPdqMinDimension || image.height < kPdqMinDimension) return {};
  internal::PdqDct dct = DctOfImage(image);
  return PdqHash{internal::HashFromDct(dct, Dihedral::kOriginal), dct.quality};
}

PdqDihedralHashes ComputePdqDihedral(const Image& image) {
  PdqDihedralHashes out;
  if (image.width < kPdqMinDimension || image.height < kPdqMinDimension) return out;
  internal::PdqDct dct = DctOfImage(image);
  for (int d = 0; d < 8; ++d) out.hashes[d] = internal::HashFromDct(dct, static_cast<Dihedral>(d));
  out.quality = dct.quality;
  return out;
}

}  // namespace counterfoil::imaging
