// WebP through libwebp's simple decoding API. Still images only: the first
// frame of an animation is not a fair stand-in for the whole, so animated
// files are refused rather than hashed on one frame.
#include <webp/decode.h>

#include <string>

#include "imaging/decode.h"

namespace counterfoil::imaging {
namespace {

std::string VP8StatusText(VP8StatusCode code) {
  switch (code) {
    case VP8_STATUS_OUT_OF_MEMORY:
      return "out of memory";
    case VP8_STATUS_INVALID_PARAM:
      return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR:
      return "corrupt bitstream";
    case VP8_STATUS_UNSUPPORTED_FEATURE:
      return "unsupported feature";
    case VP8_STATUS_SUSPENDED:
      return "suspended";
    case VP8_STATUS_USER_ABORT:
      return "aborted";
    case VP8_STATUS_NOT_ENOUGH_DATA:
      return "premature end of data (truncated file?)";
    case VP8_STATUS_OK:
      break;
  }
  return "error " + std::to_string(static_cast<int>(code));
}

}  // namespace

Result<Image> DecodeWebp(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  if (SniffImageFormat(bytes) != ImageFormat::kWebp) {
    return InvalidArgument("WebP: wrong magic number (expected RIFF....WEBP)");
  }
  WebPBitstreamFeatures features;
  VP8StatusCode code = WebPGetFeatures(bytes.data(), bytes.size(), &features);
  if (code != VP8_STATUS_OK) return InvalidArgument("WebP: " + VP8StatusText(code));
  if (features.has_animation) return InvalidArgument("WebP: animated images are not supported");
  RETURN_IF_ERROR(internal::CheckDimensions("WebP", static_cast<uint64_t>(features.width),
                                            static_cast<uint64_t>(features.height), options));

  Image out;
  out.width = features.width;
  out.height = features.height;
  const size_t pixels = out.pixel_count();
  if (!features.has_alpha) {
    out.rgb.resize(pixels * 3);
    if (WebPDecodeRGBInto(bytes.data(), bytes.size(), out.rgb.data(), out.rgb.size(),
                          out.width * 3) == nullptr) {
      return InvalidArgument("WebP: corrupt or truncated image data");
    }
    return out;
  }
  std::vector<uint8_t> rgba(pixels * 4);
  if (WebPDecodeRGBAInto(bytes.data(), bytes.size(), rgba.data(), rgba.size(), out.width * 4) ==
      nullptr) {
    return InvalidArgument("WebP: corrupt or truncated image data");
  }
  out.rgb.resize(pixels * 3);
  for (size_t i = 0; i < pixels; ++i) {
    const uint8_t a = rgba[4 * i + 3];
    for (int c = 0; c < 3; ++c) out.rgb[3 * i + c] = internal::OverWhite(rgba[4 * i + c], a);
  }
  return out;
}

}  // namespace counterfoil::imaging
