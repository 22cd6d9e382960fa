#include "imaging/image.h"

#include <cstring>

namespace counterfoil::imaging {

Image ApplyOrientation(const Image& in, Orientation orientation) {
  if (orientation == Orientation::kNormal) return in;
  const int w = in.width;
  const int h = in.height;
  const bool swap = static_cast<int>(orientation) >= 5;
  Image out;
  out.width = swap ? h : w;
  out.height = swap ? w : h;
  out.rgb.resize(in.rgb.size());
  // For each output pixel (x, y), the stored pixel it shows.
  for (int y = 0; y < out.height; ++y) {
    uint8_t* dst = out.row(y);
    for (int x = 0; x < out.width; ++x) {
      int sx = x, sy = y;
      switch (orientation) {
        case Orientation::kNormal:
          break;
        case Orientation::kMirror:
          sx = w - 1 - x;
          break;
        case Orientation::kRotate180:
          sx = w - 1 - x;
          sy = h - 1 - y;
          break;
        case Orientation::kMirrorRotate180:
          sy = h - 1 - y;
          break;
        case Orientation::kMirrorRotate270Cw:
          sx = y;
          sy = x;
          break;
        case Orientation::kRotate90Cw:
          sx = y;
          sy = h - 1 - x;
          break;
        case Orientation::kMirrorRotate90Cw:
          sx = w - 1 - y;
          sy = h - 1 - x;
          break;
        case Orientation::kRotate270Cw:
          sx = w - 1 - y;
          sy = x;
          break;
      }
      std::memcpy(dst + 3 * x, in.row(sy) + 3 * sx, 3);
    }
  }
  return out;
}

}  // namespace counterfoil::imaging
