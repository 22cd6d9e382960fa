// Writes the seed corpora of the imaging fuzz targets: tiny valid images in
// the variants each decoder handles, made with the libraries themselves.
//
//   imaging_fuzz_seeds tests/fuzz/corpus
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "imaging/testing/test_images.h"

using namespace counterfoil::imaging;
using namespace counterfoil::imaging::testing;

namespace {

void Write(const std::filesystem::path& dir, const std::string& name,
           const std::vector<uint8_t>& bytes) {
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_ROOT\n", argv[0]);
    return 2;
  }
  const std::filesystem::path root = argv[1];
  const Image img = SyntheticImage(12, 9);
  const Image grey = GreyImage(img);
  const Image few = SyntheticImage(12, 9, 8);

  using Color = JpegEncodeOptions::Color;
  Write(root / "jpeg", "baseline.jpg", EncodeJpeg(img, {.quality = 80}));
  Write(root / "jpeg", "progressive.jpg", EncodeJpeg(img, {.quality = 80, .progressive = true}));
  // Progressive 4:2:0 with restarts (interleaved DC scans with dummy blocks,
  // DC refinement) and 4:4:4: the luma frame rewrite's inputs.
  Write(root / "jpeg", "progressive-restarts.jpg",
        EncodeJpeg(SyntheticImage(40, 24),
                   {.quality = 80, .progressive = true, .restart_interval = 2}));
  Write(root / "jpeg", "progressive-444.jpg",
        EncodeJpeg(img, {.quality = 80, .progressive = true, .chroma_444 = true}));
  Write(root / "jpeg", "arithmetic.jpg", EncodeJpeg(img, {.quality = 80, .arithmetic = true}));
  Write(root / "jpeg", "grey.jpg", EncodeJpeg(grey, {.quality = 80, .color = Color::kGrey}));
  Write(root / "jpeg", "cmyk.jpg", EncodeJpeg(img, {.quality = 80, .color = Color::kCmyk}));
  Write(root / "jpeg", "ycck.jpg", EncodeJpeg(img, {.quality = 80, .color = Color::kYcck}));
  Write(root / "jpeg", "exif6.jpg", EncodeJpeg(img, {.quality = 80, .exif_orientation = 6}));
  Write(root / "jpeg", "exif8-be.jpg",
        EncodeJpeg(img, {.quality = 80, .exif_orientation = 8, .exif_big_endian = true}));

  Write(root / "png", "rgb.png", EncodePng(img));
  Write(root / "png", "rgba.png", EncodePng(img, {.color = PngColor::kRgba}));
  Write(root / "png", "grey.png", EncodePng(grey, {.color = PngColor::kGrey}));
  Write(root / "png", "grey-alpha-16.png",
        EncodePng(grey, {.color = PngColor::kGreyAlpha, .bit_depth = 16}));
  Write(root / "png", "grey-2bit.png", EncodePng(grey, {.color = PngColor::kGrey, .bit_depth = 2}));
  Write(root / "png", "palette-4bit.png",
        EncodePng(few, {.color = PngColor::kPalette, .bit_depth = 4}));
  Write(root / "png", "palette-trns.png", EncodePng(few, {.color = PngColor::kPaletteTrns}));
  Write(root / "png", "rgb16-interlaced.png",
        EncodePng(img, {.color = PngColor::kRgb, .bit_depth = 16, .interlaced = true}));

  Write(root / "webp", "lossless.webp", EncodeWebp(img));
  Write(root / "webp", "lossless-alpha.webp", EncodeWebp(img, {.alpha = true}));
  Write(root / "webp", "lossy.webp", EncodeWebp(img, {.lossless = false}));
  Write(root / "webp", "lossy-alpha.webp", EncodeWebp(img, {.lossless = false, .alpha = true}));

  Write(root / "pnm", "rgb.ppm", EncodePnm(img));
  Write(root / "pnm", "grey.pgm", EncodePnm(grey, true));
  Write(root / "pnm", "rgb16.ppm", EncodePnm(img, false, 65535));
  Write(root / "pnm", "grey-maxval-100.pgm", EncodePnm(grey, true, 100));
  return 0;
}
