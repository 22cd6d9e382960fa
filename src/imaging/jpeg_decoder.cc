// JPEG through libjpeg-turbo's libjpeg API.
//
// libjpeg reports fatal errors through error_exit, which must not return; we
// longjmp back to the setjmp in RunDecode. To keep that well defined in C++,
// RunDecode holds only trivially destructible locals while libjpeg runs and
// reaches everything else (the output image, the status) through a pointer to
// a JpegJob owned by its caller; libjpeg's own frames are C.
#include <csetjmp>
#include <string>
#include <vector>

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE declared first
#include <jerror.h>
#include <jpeglib.h>
// clang-format on

#include "imaging/decode.h"

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
  cinfo.out_color_space = cmyk ? JCS_CMYK : luma ? JCS_GRAYSCALE : JCS_RGB;
  cinfo.scale_num = 1;
  cinfo.scale_denom = static_cast<unsigned int>(JpegScaleDenominator(
      static_cast<int>(cinfo.image_width), static_cast<int>(cinfo.image_height),
      job->options->jpeg_min_short_side));

  jpeg_start_decompress(&cinfo);
  if (cinfo.output_components != (cmyk ? 4 : luma ? 1 : 3)) {
    job->status = InvalidArgument("JPEG: unsupported colour layout");
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
  RunDecode(&job);
  if (!job.status.ok()) return std::move(job.status);
  if (job.orientation != Orientation::kNormal) return ApplyOrientation(job.out, job.orientation);
  return std::move(job.out);
}

}  // namespace counterfoil::imaging
