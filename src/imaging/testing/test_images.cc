#include "imaging/testing/test_images.h"

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE declared first
#include <jpeglib.h>
// clang-format on
#include <png.h>
#include <webp/encode.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>

namespace counterfoil::imaging::testing {

Image SyntheticImage(int width, int height, int palette_colors) {
  Image img;
  img.width = width;
  img.height = height;
  img.rgb.resize(img.pixel_count() * 3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double u = static_cast<double>(x) / width, v = static_cast<double>(y) / height;
      double r = 127.5 + 127.5 * std::sin(6.0 * u + 2.0 * v * v);
      double g = 255.0 * u * (1.0 - v) + 60.0 * std::cos(9.0 * v);
      double b = 255.0 * (0.5 + 0.5 * std::cos(4.0 * u * v + 3.0 * v));
      if (x > width / 3 && x < width / 2 && y > height / 4 && y < height / 2) r = g = b = 250;
      uint8_t* p = img.row(y) + 3 * x;
      const double c[3] = {r, g, b};
      for (int k = 0; k < 3; ++k) {
        double val = std::fmin(255.0, std::fmax(0.0, c[k]));
        if (palette_colors > 0) {
          // Quantise each channel so that at most palette_colors colours occur.
          const int levels = palette_colors >= 27 ? 3 : 2;
          val = std::round(val / 255.0 * (levels - 1)) * 255.0 / (levels - 1);
        }
        p[k] = static_cast<uint8_t>(std::lround(val));
      }
    }
  }
  return img;
}

Image GreyImage(const Image& image) {
  Image out = image;
  for (size_t i = 0; i < out.pixel_count(); ++i) {
    uint8_t* p = &out.rgb[3 * i];
    const uint8_t g = static_cast<uint8_t>((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);
    p[0] = p[1] = p[2] = g;
  }
  return out;
}

uint8_t TestAlpha(int x, int width) {
  return width <= 1 ? 255 : static_cast<uint8_t>((x * 255) / (width - 1));
}

std::vector<uint8_t> ExifPayload(bool big_endian, const std::vector<ExifEntry>& entries,
                                 uint32_t ifd_offset) {
  std::vector<uint8_t> s = {'E', 'x', 'i', 'f', 0, 0};
  auto u16 = [&](uint32_t v) {
    uint8_t a = static_cast<uint8_t>(v), b = static_cast<uint8_t>(v >> 8);
    if (big_endian) std::swap(a, b);
    s.push_back(a);
    s.push_back(b);
  };
  auto u32 = [&](uint32_t v) {
    if (big_endian) {
      u16(v >> 16);
      u16(v & 0xFFFF);
    } else {
      u16(v & 0xFFFF);
      u16(v >> 16);
    }
  };
  s.push_back(big_endian ? 'M' : 'I');
  s.push_back(big_endian ? 'M' : 'I');
  u16(42);
  u32(ifd_offset);
  u16(static_cast<uint32_t>(entries.size()));
  for (const ExifEntry& e : entries) {
    u16(e.tag);
    u16(e.type);
    u32(e.count);
    if (e.type == 3) {
      u16(e.value);
      u16(0);
    } else {
      u32(e.value);
    }
  }
  u32(0);  // no next IFD
  return s;
}

namespace {

// IFD0 with an unrelated entry (Make, ASCII, 4 bytes inline) and then Orientation.
std::vector<uint8_t> ExifSegment(int orientation, bool big_endian) {
  return ExifPayload(big_endian,
                     {{0x010F, 2, 4, 0}, {0x0112, 3, 1, static_cast<uint32_t>(orientation)}});
}

// JpegEncodeOptions::spectral_selection's scan script.
std::vector<jpeg_scan_info> SpectralSelectionScript(int components) {
  std::vector<jpeg_scan_info> scans;
  jpeg_scan_info dc{};
  dc.comps_in_scan = components;
  for (int c = 0; c < components; ++c) dc.component_index[c] = c;
  scans.push_back(dc);
  for (const auto& [ss, se] : std::vector<std::pair<int, int>>{{1, 5}, {6, 63}}) {
    for (int c : components == 1 ? std::vector<int>{0} : std::vector<int>{1, 2, 0}) {
      jpeg_scan_info ac{};
      ac.comps_in_scan = 1;
      ac.component_index[0] = c;
      ac.Ss = ss;
      ac.Se = se;
      scans.push_back(ac);
    }
  }
  return scans;
}

}  // namespace

std::vector<uint8_t> EncodeJpeg(const Image& image, const JpegEncodeOptions& options) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);  // test inputs are valid; errors exit
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(image.width);
  cinfo.image_height = static_cast<JDIMENSION>(image.height);
  using Color = JpegEncodeOptions::Color;
  const bool cmyk = options.color == Color::kCmyk || options.color == Color::kYcck;
  if (options.color == Color::kGrey) {
    cinfo.input_components = 1;
    cinfo.in_color_space = JCS_GRAYSCALE;
  } else if (cmyk) {
    cinfo.input_components = 4;
    cinfo.in_color_space = JCS_CMYK;
  } else {
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
  }
  jpeg_set_defaults(&cinfo);
  if (options.color == Color::kYcck) jpeg_set_colorspace(&cinfo, JCS_YCCK);
  if (options.color == Color::kRgb) jpeg_set_colorspace(&cinfo, JCS_RGB);
  if (options.chroma_444) cinfo.comp_info[0].h_samp_factor = cinfo.comp_info[0].v_samp_factor = 1;
  if (options.luma_h > 0 && options.color != Color::kGrey) {
    cinfo.comp_info[0].h_samp_factor = options.luma_h;
    cinfo.comp_info[0].v_samp_factor = options.luma_v;
  }
  cinfo.restart_interval = static_cast<unsigned>(options.restart_interval);
  cinfo.optimize_coding = options.optimize_coding ? TRUE : FALSE;
  jpeg_set_quality(&cinfo, options.quality, TRUE);
  if (options.progressive) jpeg_simple_progression(&cinfo);
  const std::vector<jpeg_scan_info> script = SpectralSelectionScript(cinfo.num_components);
  if (options.spectral_selection) {
    cinfo.scan_info = script.data();
    cinfo.num_scans = static_cast<int>(script.size());
  }
  cinfo.arith_code = options.arithmetic ? TRUE : FALSE;
  // libjpeg writes the Adobe marker for CMYK/YCCK; the samples we give are
  // inverted (255 = no ink), as Photoshop's are.
  jpeg_start_compress(&cinfo, TRUE);
  if (options.exif_orientation > 0) {
    std::vector<uint8_t> exif = ExifSegment(options.exif_orientation, options.exif_big_endian);
    jpeg_write_marker(&cinfo, JPEG_APP0 + 1, exif.data(), static_cast<unsigned>(exif.size()));
  }
  std::vector<uint8_t> row(static_cast<size_t>(image.width) * 4);
  while (cinfo.next_scanline < cinfo.image_height) {
    const uint8_t* in = image.row(static_cast<int>(cinfo.next_scanline));
    for (int x = 0; x < image.width; ++x) {
      const uint8_t* p = in + 3 * x;
      if (options.color == Color::kGrey) {
        row[x] = p[0];
      } else if (cmyk) {
        // Inverted CMYK with K = 255 (no black): C' = R, M' = G, Y' = B.
        row[4 * x] = p[0];
        row[4 * x + 1] = p[1];
        row[4 * x + 2] = p[2];
        row[4 * x + 3] = 255;
      } else {
        std::memcpy(&row[3 * x], p, 3);
      }
    }
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&cinfo, &r, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::vector<uint8_t> out(buffer, buffer + size);
  std::free(buffer);
  return out;
}

std::vector<std::pair<std::string, std::vector<uint8_t>>> ReadJpegFiles(const std::string& dir) {
  std::vector<std::pair<std::string, std::vector<uint8_t>>> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".jpg") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    out.emplace_back(entry.path().filename().string(),
                     std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<uint8_t> DecodeJpegGrey(const std::vector<uint8_t>& jpeg, int scale_num, int* width,
                                    int* height) {
  jpeg_decompress_struct cinfo;
  jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, jpeg.data(), static_cast<unsigned long>(jpeg.size()));
  jpeg_read_header(&cinfo, TRUE);
  cinfo.out_color_space = JCS_GRAYSCALE;
  cinfo.do_block_smoothing = FALSE;
  cinfo.scale_num = static_cast<unsigned>(scale_num);
  cinfo.scale_denom = 8;
  jpeg_start_decompress(&cinfo);
  *width = static_cast<int>(cinfo.output_width);
  *height = static_cast<int>(cinfo.output_height);
  std::vector<uint8_t> out(size_t{cinfo.output_width} * cinfo.output_height);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW r = out.data() + size_t{cinfo.output_scanline} * cinfo.output_width;
    jpeg_read_scanlines(&cinfo, &r, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return out;
}

namespace {

void PngWrite(png_structp png, png_bytep data, size_t length) {
  auto* out = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + length);
}
void PngFlush(png_structp) {}

}  // namespace

std::vector<uint8_t> EncodePng(const Image& image, const PngEncodeOptions& options) {
  std::vector<uint8_t> out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) throw std::runtime_error("EncodePng failed");
  png_set_write_fn(png, &out, PngWrite, PngFlush);
  const int w = image.width, h = image.height, depth = options.bit_depth;
  int color_type = PNG_COLOR_TYPE_RGB;
  switch (options.color) {
    case PngColor::kGrey:
      color_type = PNG_COLOR_TYPE_GRAY;
      break;
    case PngColor::kGreyAlpha:
      color_type = PNG_COLOR_TYPE_GRAY_ALPHA;
      break;
    case PngColor::kRgb:
      color_type = PNG_COLOR_TYPE_RGB;
      break;
    case PngColor::kRgba:
      color_type = PNG_COLOR_TYPE_RGB_ALPHA;
      break;
    case PngColor::kPalette:
    case PngColor::kPaletteTrns:
      color_type = PNG_COLOR_TYPE_PALETTE;
      break;
  }
  png_set_IHDR(png, info, w, h, depth, color_type,
               options.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);

  // Palette: the distinct colours in order of appearance (at most 2^depth).
  std::vector<png_color> palette;
  std::vector<uint8_t> indices(image.pixel_count());
  const bool is_palette = color_type == PNG_COLOR_TYPE_PALETTE;
  if (is_palette) {
    for (size_t i = 0; i < image.pixel_count(); ++i) {
      const uint8_t* p = &image.rgb[3 * i];
      size_t k = 0;
      while (k < palette.size() &&
             !(palette[k].red == p[0] && palette[k].green == p[1] && palette[k].blue == p[2])) {
        ++k;
      }
      if (k == palette.size()) {
        if (palette.size() == (size_t{1} << depth)) throw std::runtime_error("too many colours");
        palette.push_back(png_color{p[0], p[1], p[2]});
      }
      indices[i] = static_cast<uint8_t>(k);
    }
    png_set_PLTE(png, info, palette.data(), static_cast<int>(palette.size()));
    if (options.color == PngColor::kPaletteTrns) {
      // Palette entry k gets alpha 255 - 60 k (so entries differ).
      std::vector<png_byte> trns(palette.size());
      for (size_t k = 0; k < trns.size(); ++k)
        trns[k] = static_cast<png_byte>(255 - (60 * k) % 256);
      png_set_tRNS(png, info, trns.data(), static_cast<int>(trns.size()), nullptr);
    }
  }
  png_write_info(png, info);
  if (depth < 8) png_set_packing(png);
  if (depth == 16) png_set_swap(png);  // we build rows as host-order uint16

  const int channels = options.color == PngColor::kGrey        ? 1
                       : options.color == PngColor::kGreyAlpha ? 2
                       : options.color == PngColor::kRgb       ? 3
                       : options.color == PngColor::kRgba      ? 4
                                                               : 1;
  const int bytes_per_sample = depth == 16 ? 2 : 1;
  std::vector<std::vector<uint8_t>> rows(
      h, std::vector<uint8_t>(static_cast<size_t>(w) * channels * bytes_per_sample));
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t i = static_cast<size_t>(y) * w + x;
      const uint8_t* p = &image.rgb[3 * i];
      uint8_t samples[4];
      int n = 0;
      if (is_palette) {
        samples[n++] = indices[i];
      } else if (channels <= 2) {
        samples[n++] = p[0];  // grey images have R = G = B
      } else {
        samples[n++] = p[0];
        samples[n++] = p[1];
        samples[n++] = p[2];
      }
      if (channels == 2 || channels == 4) samples[n++] = TestAlpha(x, w);
      for (int k = 0; k < n; ++k) {
        uint8_t* dst = &rows[y][(static_cast<size_t>(x) * channels + k) * bytes_per_sample];
        if (depth == 16) {
          // 8-bit v as 16-bit v * 257 plus a low-byte wobble that rounding removes.
          uint16_t v = static_cast<uint16_t>(samples[k] * 257);
          if (samples[k] > 0 && samples[k] < 255) v = static_cast<uint16_t>(v + (x % 3) - 1);
          std::memcpy(dst, &v, 2);
        } else if (depth < 8 && !is_palette) {
          *dst = static_cast<uint8_t>(samples[k] >> (8 - depth));
        } else {
          *dst = samples[k];
        }
      }
    }
  }
  for (int pass = 0, passes = png_set_interlace_handling(png); pass < passes; ++pass) {
    for (int y = 0; y < h; ++y) png_write_row(png, rows[y].data());
  }
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return out;
}

std::vector<uint8_t> EncodeWebp(const Image& image, const WebpEncodeOptions& options) {
  uint8_t* output = nullptr;
  size_t size = 0;
  if (options.alpha) {
    std::vector<uint8_t> rgba(image.pixel_count() * 4);
    for (int y = 0; y < image.height; ++y) {
      for (int x = 0; x < image.width; ++x) {
        const size_t i = static_cast<size_t>(y) * image.width + x;
        std::memcpy(&rgba[4 * i], &image.rgb[3 * i], 3);
        rgba[4 * i + 3] = TestAlpha(x, image.width);
      }
    }
    size = options.lossless
               ? WebPEncodeLosslessRGBA(rgba.data(), image.width, image.height, image.width * 4,
                                        &output)
               : WebPEncodeRGBA(rgba.data(), image.width, image.height, image.width * 4,
                                static_cast<float>(options.quality), &output);
  } else {
    size = options.lossless
               ? WebPEncodeLosslessRGB(image.rgb.data(), image.width, image.height, image.width * 3,
                                       &output)
               : WebPEncodeRGB(image.rgb.data(), image.width, image.height, image.width * 3,
                               static_cast<float>(options.quality), &output);
  }
  if (size == 0) throw std::runtime_error("WebP encoding failed");
  std::vector<uint8_t> out(output, output + size);
  WebPFree(output);
  return out;
}

std::vector<uint8_t> EncodePnm(const Image& image, bool grey, int maxval) {
  const std::string header = std::string(grey ? "P5" : "P6") + "\n# test image\n" +
                             std::to_string(image.width) + " " + std::to_string(image.height) +
                             "\n" + std::to_string(maxval) + "\n";
  std::vector<uint8_t> out(header.begin(), header.end());
  for (size_t i = 0; i < image.pixel_count(); ++i) {
    for (int c = 0; c < (grey ? 1 : 3); ++c) {
      const uint32_t v = (image.rgb[3 * i + c] * static_cast<uint32_t>(maxval) + 127) / 255;
      if (maxval > 255) out.push_back(static_cast<uint8_t>(v >> 8));
      out.push_back(static_cast<uint8_t>(v));
    }
  }
  return out;
}

}  // namespace counterfoil::imaging::testing
