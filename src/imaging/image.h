// Image: decoded pixels as 8-bit RGB, the one form every decoder produces and
// the PDQ hasher consumes.
//
//   ASSIGN_OR_RETURN(Image img, DecodeImage(bytes));
//   Image upright = ApplyOrientation(img, Orientation::kRotate90Cw);
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace counterfoil::imaging {

// Row-major, 3 bytes (R, G, B) per pixel, no row padding.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;

  size_t pixel_count() const { return static_cast<size_t>(width) * static_cast<size_t>(height); }
  const uint8_t* row(int y) const { return rgb.data() + static_cast<size_t>(y) * width * 3; }
  uint8_t* row(int y) { return rgb.data() + static_cast<size_t>(y) * width * 3; }
};

// The EXIF/TIFF Orientation tag (0x0112): how the stored pixels must be turned
// to be shown upright. Values are the tag's (TIFF 6.0, section 8; EXIF 2.32,
// 4.6.4 A). Mirrors are about the vertical axis (left-right).
enum class Orientation {
  kNormal = 1,
  kMirror = 2,  // mirror left-right
  kRotate180 = 3,
  kMirrorRotate180 = 4,    // = mirror top-bottom
  kMirrorRotate270Cw = 5,  // = transpose (flip about the main diagonal)
  kRotate90Cw = 6,
  kMirrorRotate90Cw = 7,  // = transverse (flip about the anti-diagonal)
  kRotate270Cw = 8,
};

// Returns the upright image: for kRotate90Cw the stored top row becomes the
// right-hand column. Width and height swap for values 5..8.
Image ApplyOrientation(const Image& stored, Orientation orientation);

// For output pixel (x, y) of a stored picture of w x h turned upright by
// `orientation`, the stored pixel it shows, as {x, y}.
struct PixelAt {
  int x, y;
};
PixelAt OrientedSource(Orientation orientation, int x, int y, int w, int h);

}  // namespace counterfoil::imaging
