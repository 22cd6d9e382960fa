#include "imaging/image.h"

#include <cstring>

namespace counterfoil::imaging {

PixelAt OrientedSource(Orientation orientation, int x, int y, int w, int h) {
  switch (orientation) {
    case Orientation::kNormal:
      return {x, y};
    case Orientation::kMirror:
      return {w - 1 - x, y};
    case Orientation::kRotate180:
      return {w - 1 - x, h - 1 - y};
    case Orientation::kMirrorRotate180:
      return {x, h - 1 - y};
    case Orientation::kMirrorRotate270Cw:
      return {y, x};
    case Orientation::kRotate90Cw:
      return {y, h - 1 - x};
    case Orientation::kMirrorRotate90Cw:
      return {w - 1 - y, h - 1 - x};
    case Orientation::kRotate270Cw:
      return {w - 1 - y, x};
  }
  return {x, y};
}

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
      PixelAt p = OrientedSource(orientation, x, y, w, h);
      std::memcpy(dst + 3 * x, in.row(p.y) + 3 * p.x, 3);
    }
  }
  return out;
}

}  // namespace counterfoil::imaging
