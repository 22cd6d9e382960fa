// Fuzz target for the JPEG decoder: any bytes must give an image or a Status,
// never a crash, a sanitizer report or a hang. A small pixel limit keeps each
// run fast. Inputs take turns: the full decode, the RGB fast path (DCT
// scaling), and the hashing fast path (luma only, progressive files through
// their luma's own frame, coefficients in the per-thread arena); the luma
// frame rewrite runs on every input, and what it writes is decoded too. Our
// own baseline and progressive luma decoders also run on every input, at the
// scale the fast path picks; whatever they decode must be what the libjpeg
// fast path decodes, sample for sample.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "imaging/decode.h"
#include "imaging/internal/jpeg_baseline_luma.h"
#include "imaging/internal/jpeg_luma_frame.h"
#include "imaging/internal/jpeg_progressive_luma.h"
#include "imaging/pdq.h"
#include "imaging/photo_hash.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace counterfoil::imaging;
  const std::span<const uint8_t> bytes(data, size);
  DecodeOptions options;
  options.max_pixels = 1 << 20;
  switch (size % 3) {
    case 0:
    case 1: {
      options.jpeg_min_short_side = (size % 3 == 0) ? 0 : 16;
      auto image = DecodeJpeg(bytes, options);
      if (image.ok()) {
        // Decoded pixels must be consistent with the dimensions; hash them too.
        if (image->rgb.size() != image->pixel_count() * 3) __builtin_trap();
        (void)ComputePdq(*image);
      }
      break;
    }
    default: {
      DecodeOptions fast = FastPathDecodeOptions();
      fast.max_pixels = options.max_pixels;
      fast.jpeg_min_short_side = 16;
      (void)HashPhoto(bytes, fast);
      break;
    }
  }
  {
    DecodeOptions fast = FastPathDecodeOptions();
    fast.max_pixels = options.max_pixels;
    fast.jpeg_min_short_side = 16 * static_cast<int>(size % 5);  // 0: M = 8
    internal::LumaPlane ours;
    if (internal::DecodeBaselineLuma(bytes, fast, ours) ||
        internal::DecodeProgressiveLuma(bytes, fast, ours)) {
      internal::LumaPlane theirs;
      auto decoded = internal::DecodeJpegLumaWithLibjpeg(bytes, fast, theirs);
      if (!decoded.ok() || !*decoded || theirs.width != ours.width ||
          theirs.height != ours.height || theirs.orientation != ours.orientation) {
        __builtin_trap();
      }
      const size_t n = static_cast<size_t>(ours.width) * ours.height;
      for (size_t i = 0; i < n; ++i) {
        if (ours.luma[i] != theirs.luma[i]) __builtin_trap();
      }
    }
  }
  std::vector<uint8_t> frame;
  if (internal::TranscodeToLumaFrame(bytes, options.max_pixels, frame)) {
    options.jpeg_luma_only = true;
    auto image = DecodeJpeg(frame, options);
    if (image.ok() && image->rgb.size() != image->pixel_count() * 3) __builtin_trap();
  }
  return 0;
}
