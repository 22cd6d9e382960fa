// JPEG through libjpeg-turbo's libjpeg API.
//
// libjpeg reports fatal errors through error_exit, which must not return; we
// longjmp back to the setjmp in RunDecode. To keep that well defined in C++,
// RunDecode holds only trivially destructible locals while libjpeg runs and
// reaches everything else (the output image, the status) through a pointer to
// a JpegJob owned by its caller; libjpeg's own frames are C.
#include <algorithm>
#include <array>
#include <csetjmp>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE declared first
#include <jerror.h>
#include <jpeglib.h>
// clang-format on

#include "imaging/decode.h"
#include "imaging/pdq.h"
#include "imaging/photo_hash.h"

namespace counterfoil::imaging {
namespace {

struct JpegErrors {
  jpeg_error_mgr pub;  // first, so a j_common_ptr's err can be cast back
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool too_many_scans;
};

[[noreturn]] void OnError(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->message);
  std::longjmp(errors->jump, 1);
}

// Warnings (level -1) are tolerated, except running out of data: libjpeg then
// pads the image with grey, and a truncated upload must not hash as if whole.
void OnMessage(j_common_ptr cinfo, int level) {
  if (level < 0) {
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) OnError(cinfo);
    ++cinfo->err->num_warnings;
  }
}

void OnProgress(j_common_ptr cinfo) {
  auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (d->input_scan_number > kMaxJpegScans) {
    auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
    errors->too_many_scans = true;
    std::longjmp(errors->jump, 1);
  }
}

// CMYK as Adobe Photoshop writes it (the APP14 marker) is stored inverted:
// 255 means no ink. Without the marker the samples are taken as plain ink
// amounts. RGB = (1 - C)(1 - K) in both cases, the naive conversion every
// mainstream decoder uses when no ICC profile is honoured.
void CmykRowToRgb(const uint8_t* cmyk, uint8_t* rgb, int width, bool inverted) {
  for (int x = 0; x < width; ++x, cmyk += 4, rgb += 3) {
    uint32_t c = cmyk[0], m = cmyk[1], y = cmyk[2], k = cmyk[3];
    if (!inverted) {
      c = 255 - c;
      m = 255 - m;
      y = 255 - y;
      k = 255 - k;
    }
    rgb[0] = static_cast<uint8_t>((c * k + 127) / 255);
    rgb[1] = static_cast<uint8_t>((m * k + 127) / 255);
    rgb[2] = static_cast<uint8_t>((y * k + 127) / 255);
  }
}

void GreyRowToRgb(const uint8_t* grey, uint8_t* rgb, int width) {
  for (int x = 0; x < width; ++x, rgb += 3) rgb[0] = rgb[1] = rgb[2] = grey[x];
}

// For a luma-only decode of a progressive JPEG: a copy of the file without
// the scans that carry no luma coefficients (in a YCbCr file, the chroma
// scans: typically half or more of the entropy-coded data). libjpeg leaves
// the coefficients of components no scan mentions at zero, and a greyscale
// output reads only the luma component, so the luma samples come out exactly
// as from the whole file (block smoothing, the one step that looks at what
// is missing, is off for a complete luma channel either way, and we turn it
// off). The copy goes to `out`; false when there is nothing to drop or the
// file is not a plain progressive Huffman JPEG whose structure we can follow:
// libjpeg then sees the original bytes and reports any error itself. Never
// reads out of bounds.
bool WithoutChromaScans(std::span<const uint8_t> b, std::vector<uint8_t>& out) {
  const size_t n = b.size();
  if (n < 4 || b[0] != 0xFF || b[1] != 0xD8) return false;
  out.clear();
  out.reserve(n);
  auto copy = [&](size_t from, size_t to) {
    const size_t at = out.size();
    out.resize(at + (to - from));
    std::memcpy(out.data() + at, b.data() + from, to - from);
  };
  copy(0, 2);
  int luma_id = -1;
  bool dropped = false;
  size_t i = 2;
  while (i < n) {
    if (b[i] != 0xFF) return false;
    const size_t marker_start = i;
    while (i < n && b[i] == 0xFF) ++i;  // fill bytes
    if (i >= n) return false;
    const uint8_t m = b[i++];
    if (m == 0xD9) {  // EOI: keep it and whatever trails it
      copy(marker_start, n);
      break;
    }
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {  // standalone markers
      copy(marker_start, i);
      continue;
    }
    if (i + 2 > n) return false;
    const size_t length = (size_t{b[i]} << 8) | b[i + 1];
    if (length < 2 || i + length > n) return false;
    const uint8_t* segment = b.data() + i + 2;
    const size_t segment_length = length - 2;
    const size_t end = i + length;
    if (m == 0xC2) {  // SOF2, progressive Huffman: P, Y, X, Nf, then Nf x (C, H/V, Tq)
      if (segment_length < 9 || segment[5] < 2) return false;
      luma_id = segment[6];
    } else if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
      return false;  // another kind of frame
    }
    if (m != 0xDA) {
      copy(marker_start, end);
      i = end;
      continue;
    }
    // SOS: Ns, Ns x (Cs, Td/Ta), Ss, Se, Ah/Al; then entropy-coded data up
    // to the next marker other than a stuffed 0xFF00 or a restart marker.
    if (luma_id < 0 || segment_length < 1) return false;
    const size_t components = segment[0];
    if (segment_length < 1 + 2 * components) return false;
    bool has_luma = false;
    for (size_t k = 0; k < components; ++k) has_luma |= segment[1 + 2 * k] == luma_id;
    size_t data_end = end;
    for (;;) {
      const void* ff = std::memchr(b.data() + data_end, 0xFF, n - data_end);
      if (ff == nullptr) {
        data_end = n;
        break;
      }
      data_end = static_cast<size_t>(static_cast<const uint8_t*>(ff) - b.data());
      if (data_end + 1 >= n) {
        data_end = n;
        break;
      }
      const uint8_t next = b[data_end + 1];
      if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
        data_end += 2;
      } else if (next == 0xFF) {
        data_end += 1;  // fill byte before a marker
      } else {
        break;
      }
    }
    if (has_luma) {
      copy(marker_start, data_end);
    } else {
      dropped = true;
    }
    i = data_end;
  }
  return dropped;
}

}  // namespace

int JpegScaleDenominator(int width, int height, int min_short_side) {
  if (min_short_side <= 0) return 1;
  const int short_side = width < height ? width : height;
  for (int denom : {8, 4, 2}) {
    if ((short_side + denom - 1) / denom >= min_short_side) return denom;
  }
  return 1;
}

namespace {

// What one decode needs and produces, owned by DecodeJpeg so that the
// function holding the setjmp (RunDecode) has only trivially destructible
// locals and reaches everything else through a pointer that never changes.
struct JpegJob {
  std::span<const uint8_t> bytes;
  const DecodeOptions* options = nullptr;
  internal::LumaPlane* luma = nullptr;  // if set, decode the Y channel into it, not `out`
  Image out;
  std::vector<uint8_t> row;  // for CMYK or luma-only decoding
  Orientation orientation = Orientation::kNormal;
  Status status;
};

void RunDecode(JpegJob* const job) {
  jpeg_decompress_struct cinfo;
  JpegErrors errors;
  jpeg_progress_mgr progress;
  cinfo.err = jpeg_std_error(&errors.pub);
  errors.pub.error_exit = OnError;
  errors.pub.emit_message = OnMessage;
  errors.too_many_scans = false;
  errors.message[0] = '\0';
  progress.progress_monitor = OnProgress;

  if (setjmp(errors.jump)) {
    // Reached by longjmp from a libjpeg callback; cinfo and errors live in
    // memory libjpeg wrote through pointers, so they are up to date.
    if (errors.too_many_scans) {
      job->status = InvalidArgument("JPEG: more than " + std::to_string(kMaxJpegScans) +
                                    " progressive scans, refused");
    } else if (errors.pub.msg_code == JWRN_JPEG_EOF) {
      job->status = InvalidArgument("JPEG: premature end of data (truncated file?)");
    } else {
      job->status = InvalidArgument(std::string("JPEG: ") + errors.message);
    }
    jpeg_destroy_decompress(&cinfo);
    return;
  }

  jpeg_create_decompress(&cinfo);
  cinfo.progress = &progress;
  jpeg_mem_src(&cinfo, job->bytes.data(), static_cast<unsigned long>(job->bytes.size()));
  const bool want_exif = job->options->apply_exif_orientation;
  if (want_exif) jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);

  job->status =
      internal::CheckDimensions("JPEG", cinfo.image_width, cinfo.image_height, *job->options);
  if (!job->status.ok()) {
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  if (want_exif) {
    for (jpeg_saved_marker_ptr m = cinfo.marker_list; m != nullptr; m = m->next) {
      if (m->marker != JPEG_APP0 + 1) continue;
      job->orientation = ExifOrientation(std::span<const uint8_t>(m->data, m->data_length));
      if (job->orientation != Orientation::kNormal) break;
    }
  }

  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  const bool luma = !cmyk && job->options->jpeg_luma_only;
  if (job->luma != nullptr && !luma) {  // no luma channel of its own: the caller decodes RGB
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  cinfo.out_color_space = cmyk ? JCS_CMYK : luma ? JCS_GRAYSCALE : JCS_RGB;
  if (luma) cinfo.do_block_smoothing = FALSE;
  cinfo.scale_num = 1;
  cinfo.scale_denom = static_cast<unsigned int>(JpegScaleDenominator(
      static_cast<int>(cinfo.image_width), static_cast<int>(cinfo.image_height),
      job->options->jpeg_min_short_side));
  if (job->luma != nullptr && job->options->jpeg_min_short_side > 0) {
    // The luma fast path scales by M/8 (libjpeg-turbo's M x M IDCTs), the
    // smallest M that keeps the shorter side long enough.
    const unsigned short_side = std::min(cinfo.image_width, cinfo.image_height);
    const unsigned want = static_cast<unsigned>(job->options->jpeg_min_short_side);
    unsigned m = 1;
    while (m < 8 && (short_side * m + 7) / 8 < want) ++m;
    cinfo.scale_num = m;
    cinfo.scale_denom = 8;
  }

  jpeg_start_decompress(&cinfo);
  if (cinfo.output_components != (cmyk ? 4 : luma ? 1 : 3)) {
    job->status = InvalidArgument("JPEG: unsupported colour layout");
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  if (job->luma != nullptr) {
    // 16 rows at a time into the row buffer, then onto PDQ's scale.
    internal::LumaPlane& plane = *job->luma;
    plane.width = static_cast<int>(cinfo.output_width);
    plane.height = static_cast<int>(cinfo.output_height);
    const size_t w = cinfo.output_width;
    const size_t samples = w * cinfo.output_height;
    if (plane.luma.size() < samples) plane.luma.resize(samples);
    job->row.resize(w * 16);
    const std::array<float, 256>& grey = internal::GreyLuma();
    JSAMPROW rows[16];
    while (cinfo.output_scanline < cinfo.output_height) {
      const JDIMENSION y = cinfo.output_scanline;
      const JDIMENSION want = std::min<JDIMENSION>(16, cinfo.output_height - y);
      for (JDIMENSION r = 0; r < want; ++r) rows[r] = job->row.data() + r * w;
      const JDIMENSION got = jpeg_read_scanlines(&cinfo, rows, want);
      if (got == 0) break;
      float* dst = plane.luma.data() + y * w;
      for (size_t i = 0; i < got * w; ++i) dst[i] = grey[job->row[i]];
    }
    if (cinfo.output_scanline != cinfo.output_height) {
      job->status = InvalidArgument("JPEG: decoder stopped early (corrupt data)");
    } else {
      jpeg_finish_decompress(&cinfo);
    }
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  Image& out = job->out;
  out.width = static_cast<int>(cinfo.output_width);
  out.height = static_cast<int>(cinfo.output_height);
  out.rgb.resize(out.pixel_count() * 3);
  // CMYK and luma rows are decoded into a row buffer and converted.
  if (cmyk || luma) job->row.resize(static_cast<size_t>(out.width) * (cmyk ? 4 : 1));
  const bool inverted = cinfo.saw_Adobe_marker;
  while (cinfo.output_scanline < cinfo.output_height) {
    const int y = static_cast<int>(cinfo.output_scanline);
    JSAMPROW row = (cmyk || luma) ? job->row.data() : out.row(y);
    if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
    if (cmyk) CmykRowToRgb(job->row.data(), out.row(y), out.width, inverted);
    if (luma) GreyRowToRgb(job->row.data(), out.row(y), out.width);
  }
  if (cinfo.output_scanline != cinfo.output_height) {
    job->status = InvalidArgument("JPEG: decoder stopped early (corrupt data)");
  } else {
    jpeg_finish_decompress(&cinfo);
  }
  jpeg_destroy_decompress(&cinfo);
}

}  // namespace

Result<Image> DecodeJpeg(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  if (bytes.size() < 3 || bytes[0] != 0xFF || bytes[1] != 0xD8 || bytes[2] != 0xFF) {
    return InvalidArgument("JPEG: wrong magic number (expected FF D8 FF)");
  }
  JpegJob job;
  job.bytes = bytes;
  job.options = &options;
  std::vector<uint8_t> luma_scans;
  if (options.jpeg_luma_only && WithoutChromaScans(bytes, luma_scans)) job.bytes = luma_scans;
  RunDecode(&job);
  if (!job.status.ok()) return std::move(job.status);
  if (job.orientation != Orientation::kNormal) return ApplyOrientation(job.out, job.orientation);
  return std::move(job.out);
}

namespace internal {

Result<bool> DecodeJpegLuma(std::span<const uint8_t> bytes, const DecodeOptions& options,
                            LumaPlane& plane) {
  if (bytes.size() < 3 || bytes[0] != 0xFF || bytes[1] != 0xD8 || bytes[2] != 0xFF) {
    return InvalidArgument("JPEG: wrong magic number (expected FF D8 FF)");
  }
  DecodeOptions luma_options = options;
  luma_options.jpeg_luma_only = true;
  JpegJob job;
  job.bytes = bytes;
  job.options = &luma_options;
  plane.width = plane.height = 0;
  plane.orientation = Orientation::kNormal;
  job.luma = &plane;
  thread_local std::vector<uint8_t> luma_scans;  // reused: no page faults per call
  if (WithoutChromaScans(bytes, luma_scans)) job.bytes = luma_scans;
  RunDecode(&job);
  if (luma_scans.capacity() > (size_t{4} << 20)) std::vector<uint8_t>().swap(luma_scans);
  if (!job.status.ok()) return std::move(job.status);
  if (plane.width == 0) return false;  // CMYK or YCCK
  plane.orientation = job.orientation;
  return true;
}

}  // namespace internal

}  // namespace counterfoil::imaging
