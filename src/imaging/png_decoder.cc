// PNG through libpng. libpng reports errors by longjmp to png_jmpbuf; as in
// jpeg_decoder.cc, the function holding the setjmp (RunDecode) keeps only
// trivially destructible locals and reaches the job through a pointer.
#include <png.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "imaging/decode.h"

namespace counterfoil::imaging {
namespace {

struct PngJob {
  std::span<const uint8_t> bytes;
  size_t pos = 0;
  const DecodeOptions* options = nullptr;
  Image out;
  std::vector<uint8_t> rgba;  // RGBA rows before compositing, when there is alpha
  std::vector<png_bytep> rows;
  char message[200] = {};
  Status status;
};

void OnError(png_structp png, png_const_charp message) {
  auto* job = static_cast<PngJob*>(png_get_error_ptr(png));
  std::snprintf(job->message, sizeof job->message, "%s", message);
  png_longjmp(png, 1);
}

void OnWarning(png_structp, png_const_charp) {}  // silently tolerated, never printed

void OnRead(png_structp png, png_bytep data, size_t length) {
  auto* job = static_cast<PngJob*>(png_get_io_ptr(png));
  if (length > job->bytes.size() - job->pos)
    png_error(png, "premature end of data (truncated file?)");
  std::memcpy(data, job->bytes.data() + job->pos, length);
  job->pos += length;
}

void RunDecode(PngJob* const job) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, job, OnError, OnWarning);
  if (png == nullptr) {
    job->status = Internal("PNG: cannot create the libpng decoder");
    return;
  }
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    job->status = Internal("PNG: cannot create the libpng decoder");
    return;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    job->status = InvalidArgument(std::string("PNG: ") + job->message);
    return;
  }
  png_set_read_fn(png, job, OnRead);
  // libpng's own guards: dimensions, and memory for one ancillary chunk
  // (e.g. a zTXt or iCCP bomb).
  png_set_user_limits(png, kMaxDimension, kMaxDimension);
  png_set_chunk_malloc_max(png, 8 << 20);
  png_read_info(png, info);

  const png_uint_32 width = png_get_image_width(png, info);
  const png_uint_32 height = png_get_image_height(png, info);
  job->status = internal::CheckDimensions("PNG", width, height, *job->options);
  if (!job->status.ok()) {
    png_destroy_read_struct(&png, &info, nullptr);
    return;
  }
  // Everything to 8-bit RGB or RGBA: palettes and low bit depths expanded,
  // tRNS to an alpha channel, 16-bit samples rounded to 8, grey to RGB.
  png_set_expand(png);
  png_set_scale_16(png);
  png_set_gray_to_rgb(png);
  const int passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  const int channels = png_get_channels(png, info);
  if (png_get_bit_depth(png, info) != 8 || (channels != 3 && channels != 4)) {
    png_destroy_read_struct(&png, &info, nullptr);
    job->status = InvalidArgument("PNG: unsupported pixel layout");
    return;
  }

  Image& out = job->out;
  out.width = static_cast<int>(width);
  out.height = static_cast<int>(height);
  out.rgb.resize(out.pixel_count() * 3);
  const bool alpha = channels == 4;
  const bool interlaced = passes > 1;
  if (alpha) job->rgba.resize(static_cast<size_t>(width) * 4 * (interlaced ? height : 1));
  auto row_of = [&](png_uint_32 y) -> png_bytep {
    if (!alpha) return out.row(static_cast<int>(y));
    return job->rgba.data() + static_cast<size_t>(width) * 4 * (interlaced ? y : 0);
  };
  auto composite = [&](png_uint_32 y) {
    const uint8_t* in = row_of(y);
    uint8_t* dst = out.row(static_cast<int>(y));
    for (png_uint_32 x = 0; x < width; ++x, in += 4, dst += 3) {
      for (int c = 0; c < 3; ++c) dst[c] = internal::OverWhite(in[c], in[3]);
    }
  };
  for (int pass = 0; pass < passes; ++pass) {
    for (png_uint_32 y = 0; y < height; ++y) {
      png_read_row(png, row_of(y), nullptr);
      if (alpha && !interlaced) composite(y);
    }
  }
  if (alpha && interlaced) {
    for (png_uint_32 y = 0; y < height; ++y) composite(y);
  }
  png_destroy_read_struct(&png, &info, nullptr);
}

}  // namespace

Result<Image> DecodePng(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  if (bytes.size() < 8 || png_sig_cmp(bytes.data(), 0, 8) != 0) {
    return InvalidArgument("PNG: wrong magic number (expected the PNG signature)");
  }
  PngJob job;
  job.bytes = bytes;
  job.options = &options;
  RunDecode(&job);
  if (!job.status.ok()) return std::move(job.status);
  return std::move(job.out);
}

}  // namespace counterfoil::imaging
