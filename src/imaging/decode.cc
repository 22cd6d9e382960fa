#include "imaging/decode.h"

#include <cstring>
#include <string>

namespace counterfoil::imaging {

std::string_view ImageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "JPEG";
    case ImageFormat::kPng:
      return "PNG";
    case ImageFormat::kWebp:
      return "WebP";
    case ImageFormat::kPnm:
      return "PPM/PGM";
    case ImageFormat::kUnknown:
      break;
  }
  return "unknown";
}

ImageFormat SniffImageFormat(std::span<const uint8_t> b) {
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ImageFormat::kJpeg;
  static constexpr uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (b.size() >= 8 && std::memcmp(b.data(), kPng, 8) == 0) return ImageFormat::kPng;
  if (b.size() >= 12 && std::memcmp(b.data(), "RIFF", 4) == 0 &&
      std::memcmp(b.data() + 8, "WEBP", 4) == 0) {
    return ImageFormat::kWebp;
  }
  if (b.size() >= 2 && b[0] == 'P' && (b[1] == '5' || b[1] == '6')) return ImageFormat::kPnm;
  return ImageFormat::kUnknown;
}

Result<Image> DecodeImage(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  switch (SniffImageFormat(bytes)) {
    case ImageFormat::kJpeg:
      return DecodeJpeg(bytes, options);
    case ImageFormat::kPng:
      return DecodePng(bytes, options);
    case ImageFormat::kWebp:
      return DecodeWebp(bytes, options);
    case ImageFormat::kPnm:
      return DecodePnm(bytes, options);
    case ImageFormat::kUnknown:
      break;
  }
  if (bytes.empty()) return InvalidArgument("empty file, not an image");
  return InvalidArgument("not a JPEG, PNG, WebP or PPM/PGM image (unrecognised magic bytes)");
}

namespace internal {

Status CheckDimensions(std::string_view format, uint64_t width, uint64_t height,
                       const DecodeOptions& options) {
  const std::string size = std::to_string(width) + "x" + std::to_string(height);
  if (width == 0 || height == 0) {
    return InvalidArgument(std::string(format) + ": image has no pixels (" + size + ")");
  }
  if (width > kMaxDimension || height > kMaxDimension) {
    return InvalidArgument(std::string(format) + ": absurd dimensions " + size + " (at most " +
                           std::to_string(kMaxDimension) + " pixels a side)");
  }
  if (width * height > options.max_pixels) {
    return ResourceExhausted(std::string(format) + ": " + size + " is " +
                             std::to_string(width * height) + " pixels, over the limit of " +
                             std::to_string(options.max_pixels));
  }
  return Status::Ok();
}

}  // namespace internal
}  // namespace counterfoil::imaging
