#include "imaging/photo_hash.h"

#include <utility>

namespace counterfoil::imaging {
namespace internal {

void OrientLuma(LumaPlane& in) {
  if (in.orientation == Orientation::kNormal) return;
  // ApplyOrientation (image.cc) on one float channel.
  const int w = in.width;
  const int h = in.height;
  const bool swap = static_cast<int>(in.orientation) >= 5;
  LumaPlane out;
  out.width = swap ? h : w;
  out.height = swap ? w : h;
  out.luma.resize(static_cast<size_t>(w) * h);
  for (int y = 0; y < out.height; ++y) {
    float* dst = out.luma.data() + static_cast<size_t>(y) * out.width;
    for (int x = 0; x < out.width; ++x) {
      PixelAt p = OrientedSource(in.orientation, x, y, w, h);
      dst[x] = in.luma[static_cast<size_t>(p.y) * w + p.x];
    }
  }
  in = std::move(out);
}

}  // namespace internal

Result<PdqDihedralHashes> HashPhoto(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  if (options.jpeg_luma_only && SniffImageFormat(bytes) == ImageFormat::kJpeg) {
    // One plane per thread, reused: a fresh multi-megabyte buffer per photo
    // costs more in page faults than PDQ spends on it.
    thread_local internal::LumaPlane plane;
    Result<bool> decoded = internal::DecodeJpegLuma(bytes, options, plane);
    Result<PdqDihedralHashes> out = PdqDihedralHashes{};
    if (!decoded.ok()) {
      out = decoded.status();
    } else if (*decoded) {
      internal::OrientLuma(plane);
      const size_t samples = static_cast<size_t>(plane.width) * plane.height;
      out = ComputePdqDihedralFromLuma(std::span<float>(plane.luma.data(), samples), plane.width,
                                       plane.height);
    }
    if (plane.luma.capacity() > (size_t{16} << 20)) std::vector<float>().swap(plane.luma);
    if (!decoded.ok() || *decoded) return out;
  }
  ASSIGN_OR_RETURN(Image image, DecodeImage(bytes, options));
  return ComputePdqDihedral(image);
}

}  // namespace counterfoil::imaging
