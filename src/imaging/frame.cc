#include "imaging/frame.h"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace counterfoil::imaging {

namespace {

using Colour = std::array<int, 3>;

// A line of pixels: `count` pixels from `first`, `step` bytes apart.
struct Line {
  const uint8_t* first;
  int count;
  size_t step;
};

Colour Mean(const Line& line) {
  std::array<int64_t, 3> sum{};
  const uint8_t* p = line.first;
  for (int i = 0; i < line.count; ++i, p += line.step)
    for (int c = 0; c < 3; ++c) sum[c] += p[c];
  Colour out{};
  for (int c = 0; c < 3; ++c) out[c] = static_cast<int>(sum[c] / std::max(1, line.count));
  return out;
}

bool Uniform(const Line& line, const Colour& colour, const FrameOptions& o) {
  int close = 0;
  const uint8_t* p = line.first;
  for (int i = 0; i < line.count; ++i, p += line.step) {
    if (std::abs(p[0] - colour[0]) <= o.tolerance && std::abs(p[1] - colour[1]) <= o.tolerance &&
        std::abs(p[2] - colour[2]) <= o.tolerance)
      ++close;
  }
  return close >= o.min_share * line.count;
}

// Peels lines from one side while they share the outermost line's colour;
// returns how many. `line_at(k)` is the k-th line from the edge.
template <typename LineAt>
int Peel(LineAt line_at, int available, const FrameOptions& o) {
  if (available <= 0) return 0;
  Line outer = line_at(0);
  Colour colour = Mean(outer);
  int k = 0;
  while (k < available && Uniform(line_at(k), colour, o)) ++k;
  return k;
}

}  // namespace

std::vector<ContentBox> FindContentBoxes(const Image& image, const FrameOptions& o) {
  std::vector<ContentBox> out;
  if (image.width < o.min_side || image.height < o.min_side ||
      image.rgb.size() < image.pixel_count() * 3)
    return out;
  auto keep = [&](int left, int top, int right, int bottom) {
    ContentBox box{left, top, right - left, bottom - top};
    if (box.width < o.min_side || box.height < o.min_side) return;
    const double frame_x = static_cast<double>(std::max(left, image.width - right)) / image.width;
    const double frame_y = static_cast<double>(std::max(top, image.height - bottom)) / image.height;
    if (frame_x < o.min_frame_share && frame_y < o.min_frame_share) return;
    if (!out.empty() && out.back() == box) return;
    out.push_back(box);
  };
  const size_t stride = static_cast<size_t>(image.width) * 3;
  int top = 0, bottom = image.height, left = 0, right = image.width;  // [top, bottom) x [left, right)
  const int max_rows = static_cast<int>(image.height * o.max_side_share);
  const int max_cols = static_cast<int>(image.width * o.max_side_share);
  for (int round = 0; round < o.max_rounds; ++round) {
    const int before = top + (image.height - bottom) + left + (image.width - right);
    auto row = [&](int y) {
      return Line{image.rgb.data() + y * stride + static_cast<size_t>(left) * 3, right - left, 3};
    };
    auto column = [&](int x) {
      return Line{image.rgb.data() + top * stride + static_cast<size_t>(x) * 3, bottom - top,
                  stride};
    };
    top += Peel([&](int k) { return row(top + k); }, std::min(max_rows - top, bottom - top - 1), o);
    bottom -= Peel([&](int k) { return row(bottom - 1 - k); },
                   std::min(max_rows - (image.height - bottom), bottom - top - 1), o);
    left += Peel([&](int k) { return column(left + k); }, std::min(max_cols - left, right - left - 1),
                 o);
    right -= Peel([&](int k) { return column(right - 1 - k); },
                  std::min(max_cols - (image.width - right), right - left - 1), o);
    const int after = top + (image.height - bottom) + left + (image.width - right);
    if (after == before) break;
    // A side peeled to its limit is no frame: a flat picture, or one whose
    // content would be cut away.
    if (top >= max_rows || image.height - bottom >= max_rows || left >= max_cols ||
        image.width - right >= max_cols)
      break;
    keep(left, top, right, bottom);
  }
  return out;
}

ContentBox FindContent(const Image& image, const FrameOptions& o) {
  std::vector<ContentBox> boxes = FindContentBoxes(image, o);
  return boxes.empty() ? ContentBox{0, 0, image.width, image.height} : boxes.back();
}

Image Crop(const Image& image, const ContentBox& box) {
  const int x0 = std::clamp(box.x, 0, image.width), y0 = std::clamp(box.y, 0, image.height);
  const int x1 = std::clamp(box.x + box.width, x0, image.width);
  const int y1 = std::clamp(box.y + box.height, y0, image.height);
  Image out;
  out.width = x1 - x0;
  out.height = y1 - y0;
  out.rgb.resize(out.pixel_count() * 3);
  for (int y = 0; y < out.height; ++y) {
    const uint8_t* src = image.row(y0 + y) + static_cast<size_t>(x0) * 3;
    std::copy(src, src + static_cast<size_t>(out.width) * 3, out.row(y));
  }
  return out;
}

}  // namespace counterfoil::imaging
