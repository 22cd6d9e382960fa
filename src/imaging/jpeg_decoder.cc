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
#include <new>
#include <optional>
#include <string>
#include <vector>

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE declared first
#include <jerror.h>
#include <jpeglib.h>
// clang-format on

#include "imaging/decode.h"
#include "imaging/internal/jpeg_baseline_luma.h"
#include "imaging/internal/jpeg_luma_frame.h"
#include "imaging/internal/jpeg_progressive_luma.h"
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

// The fast path's whole-image coefficient buffers. A progressive file is
// decoded into one coefficient array per component of the whole image
// (3.2 MB for the luma of a 1600x1004 photo); libjpeg allocates them with
// malloc for every file, and at these sizes glibc gives them back to the
// system after each decode, so each photo paid for the kernel zero-filling
// the same pages again. libjpeg reaches its virtual arrays only through the
// methods of cinfo->mem (request, realize, access), so for a fast-path decode
// those three are replaced by ones that carve the arrays out of memory that
// stays with the thread (all in memory, never a backing store, as libjpeg
// does when its memory limit is not set) and zero them with memset. The row
// pointers and the bookkeeping live in libjpeg's image pool as before.
class CoefficientArena {
 public:
  CoefficientArena() = default;
  CoefficientArena(const CoefficientArena&) = delete;
  CoefficientArena& operator=(const CoefficientArena&) = delete;
  ~CoefficientArena() { Release(); }

  // At least `blocks` blocks, 64-byte aligned; null when they can't be had.
  JBLOCKROW Get(size_t blocks) {
    if (blocks > capacity_) {
      Release();
      void* p = ::operator new(blocks * sizeof(JBLOCK), std::align_val_t{64}, std::nothrow);
      if (p == nullptr) return nullptr;
      data_ = static_cast<JBLOCKROW>(p);
      capacity_ = blocks;
    }
    return data_;
  }
  // Gives the memory back when it holds more than `max_bytes` (one huge photo
  // must not pin its buffers to the thread).
  void TrimTo(size_t max_bytes) {
    if (capacity_ * sizeof(JBLOCK) > max_bytes) Release();
  }

 private:
  void Release() {
    if (data_ != nullptr) ::operator delete(data_, std::align_val_t{64});
    data_ = nullptr;
    capacity_ = 0;
  }
  JBLOCKROW data_ = nullptr;
  size_t capacity_ = 0;
};

// A virtual coefficient array of ours (libjpeg's jvirt_barray_ptr is opaque).
struct ArenaBlockArray {
  JBLOCKARRAY rows;  // null until realized
  JDIMENSION blocks_per_row;
  JDIMENSION num_rows;
  JDIMENSION max_access;  // rows accessed at once
  ArenaBlockArray* next;
};

// One decode's use of the arena, reached through cinfo->client_data.
struct ArenaMemory {
  CoefficientArena* arena;
  void (*library_realize)(j_common_ptr);  // still realizes sample arrays, if any
  ArenaBlockArray* arrays;                // in the image pool: reset when it is freed
  bool arena_taken;
  // Entropy decoding alone of a sequential file: each block is written once
  // and never read back, so every array is one strip of max_access rows,
  // zeroed at each access, as the streaming decoder zeroes its MCU buffer.
  bool strip;
};

jvirt_barray_ptr RequestBlockArray(j_common_ptr cinfo, int pool_id, boolean /*pre_zero*/,
                                   JDIMENSION blocks_per_row, JDIMENSION num_rows,
                                   JDIMENSION max_access) {
  if (pool_id != JPOOL_IMAGE) ERREXIT1(cinfo, JERR_BAD_POOL_ID, pool_id);
  auto* memory = static_cast<ArenaMemory*>(cinfo->client_data);
  auto* array = static_cast<ArenaBlockArray*>(
      (*cinfo->mem->alloc_small)(cinfo, JPOOL_IMAGE, sizeof(ArenaBlockArray)));
  *array = {nullptr, blocks_per_row, num_rows, std::min(max_access, num_rows), memory->arrays};
  memory->arrays = array;
  return reinterpret_cast<jvirt_barray_ptr>(array);
}

void RealizeArrays(j_common_ptr cinfo) {
  auto* memory = static_cast<ArenaMemory*>(cinfo->client_data);
  memory->library_realize(cinfo);
  size_t total = 0;
  for (ArenaBlockArray* a = memory->arrays; a != nullptr; a = a->next) {
    if (memory->strip) a->num_rows = a->max_access;
    if (a->rows == nullptr) total += size_t{a->blocks_per_row} * a->num_rows;
  }
  if (total == 0) return;
  JBLOCKROW next = nullptr;  // the arena, if this decode has not used it yet
  if (!memory->arena_taken) {
    next = memory->arena->Get(total);
    memory->arena_taken = next != nullptr;
  }
  for (ArenaBlockArray* a = memory->arrays; a != nullptr; a = a->next) {
    if (a->rows != nullptr) continue;
    const size_t row_bytes = size_t{a->blocks_per_row} * sizeof(JBLOCK);
    if (next != nullptr) {
      a->rows = static_cast<JBLOCKARRAY>(
          (*cinfo->mem->alloc_small)(cinfo, JPOOL_IMAGE, sizeof(JBLOCKROW) * a->num_rows));
      std::memset(next, 0, row_bytes * a->num_rows);
      for (JDIMENSION r = 0; r < a->num_rows; ++r, next += a->blocks_per_row) a->rows[r] = next;
    } else {  // libjpeg's own memory (out of memory is then its error)
      a->rows = (*cinfo->mem->alloc_barray)(cinfo, JPOOL_IMAGE, a->blocks_per_row, a->num_rows);
      for (JDIMENSION r = 0; r < a->num_rows; ++r) std::memset(a->rows[r], 0, row_bytes);
    }
  }
}

JBLOCKARRAY AccessBlockArray(j_common_ptr cinfo, jvirt_barray_ptr ptr, JDIMENSION start_row,
                             JDIMENSION num_rows, boolean /*writable*/) {
  auto* array = reinterpret_cast<ArenaBlockArray*>(ptr);
  if (static_cast<ArenaMemory*>(cinfo->client_data)->strip) {
    if (array->rows == nullptr || num_rows > array->num_rows) {
      ERREXIT(cinfo, JERR_BAD_VIRTUAL_ACCESS);
    }
    for (JDIMENSION r = 0; r < num_rows; ++r) {
      std::memset(array->rows[r], 0, size_t{array->blocks_per_row} * sizeof(JBLOCK));
    }
    return array->rows;
  }
  if (array->rows == nullptr || start_row > array->num_rows ||
      num_rows > array->num_rows - start_row) {
    ERREXIT(cinfo, JERR_BAD_VIRTUAL_ACCESS);
  }
  return array->rows + start_row;
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
  // Luma-only decodes: progressive YCbCr files are rewritten into this buffer
  // as a one-component frame of their luma (internal/jpeg_luma_frame.h).
  std::vector<uint8_t>* luma_frame = nullptr;
  CoefficientArena* arena = nullptr;  // if set: the whole-image coefficient buffers
  bool coefficients_only = false;     // entropy decoding alone (jpeg_read_coefficients)
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
  ArenaMemory memory = {job->arena, cinfo.mem->realize_virt_arrays, nullptr, false, false};
  if (job->arena != nullptr) {
    cinfo.client_data = &memory;
    cinfo.mem->request_virt_barray = RequestBlockArray;
    cinfo.mem->realize_virt_arrays = RealizeArrays;
    cinfo.mem->access_virt_barray = AccessBlockArray;
  }
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
  if (luma && job->luma_frame != nullptr && cinfo.progressive_mode &&
      cinfo.jpeg_color_space == JCS_YCbCr && cinfo.num_components > 1 &&
      internal::TranscodeToLumaFrame(job->bytes, job->options->max_pixels, *job->luma_frame)) {
    // Start again on the luma's own frame (freeing the image pool drops any
    // arrays requested so far; none are before jpeg_start_decompress).
    jpeg_abort_decompress(&cinfo);
    memory.arrays = nullptr;
    memory.arena_taken = false;
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0);  // the orientation is known
    jpeg_mem_src(&cinfo, job->luma_frame->data(),
                 static_cast<unsigned long>(job->luma_frame->size()));
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.num_components != 1) {
      job->status = InvalidArgument("JPEG: unsupported colour layout");
      jpeg_destroy_decompress(&cinfo);
      return;
    }
  }
  if (job->coefficients_only) {
    memory.strip = !cinfo.progressive_mode;
    if (jpeg_read_coefficients(&cinfo) == nullptr) {
      job->status = InvalidArgument("JPEG: decoder stopped early (corrupt data)");
    } else {
      jpeg_finish_decompress(&cinfo);
    }
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
    JSAMPROW rows[16];
    while (cinfo.output_scanline < cinfo.output_height) {
      const JDIMENSION y = cinfo.output_scanline;
      const JDIMENSION want = std::min<JDIMENSION>(16, cinfo.output_height - y);
      for (JDIMENSION r = 0; r < want; ++r) rows[r] = job->row.data() + r * w;
      const JDIMENSION got = jpeg_read_scanlines(&cinfo, rows, want);
      if (got == 0) break;
      internal::GreyToLuma(job->row.data(), plane.luma.data() + y * w, got * w);
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
  std::vector<uint8_t> luma_frame;
  job.luma_frame = &luma_frame;
  RunDecode(&job);
  if (!job.status.ok()) return std::move(job.status);
  if (job.orientation != Orientation::kNormal) return ApplyOrientation(job.out, job.orientation);
  return std::move(job.out);
}

namespace internal {
namespace {

// The fast path's buffers, per thread, reused from photo to photo (fresh
// multi-megabyte buffers per photo cost more in page faults than the work
// done in them), given back above these sizes.
struct FastPathMemory {
  std::vector<uint8_t> luma_frame;
  CoefficientArena arena;
  void Trim() {
    if (luma_frame.capacity() > (size_t{4} << 20)) std::vector<uint8_t>().swap(luma_frame);
    arena.TrimTo(size_t{16} << 20);
  }
};
FastPathMemory& ThreadFastPathMemory() {
  thread_local FastPathMemory memory;
  return memory;
}

}  // namespace

namespace {

// Runs `job` as the fast path does: luma only, through this thread's
// rewrite buffer and coefficient arena.
Status RunFastPathJob(std::span<const uint8_t> bytes, const DecodeOptions& options,
                      JpegJob& job) {
  if (bytes.size() < 3 || bytes[0] != 0xFF || bytes[1] != 0xD8 || bytes[2] != 0xFF) {
    return InvalidArgument("JPEG: wrong magic number (expected FF D8 FF)");
  }
  DecodeOptions luma_options = options;
  luma_options.jpeg_luma_only = true;
  FastPathMemory& memory = ThreadFastPathMemory();
  job.bytes = bytes;
  job.options = &luma_options;
  job.luma_frame = &memory.luma_frame;
  job.arena = &memory.arena;
  RunDecode(&job);
  memory.Trim();
  return std::move(job.status);
}

}  // namespace

Result<bool> DecodeJpegLuma(std::span<const uint8_t> bytes, const DecodeOptions& options,
                            LumaPlane& plane) {
  // Sequential and progressive Huffman files through our own decoders (the
  // same samples, without libjpeg's chroma and coefficient work); everything
  // else, and anything they find amiss, through libjpeg.
  if (DecodeBaselineLuma(bytes, options, plane)) return true;
  if (DecodeProgressiveLuma(bytes, options, plane)) return true;
  return DecodeJpegLumaWithLibjpeg(bytes, options, plane);
}

Result<bool> DecodeJpegLumaWithLibjpeg(std::span<const uint8_t> bytes,
                                       const DecodeOptions& options, LumaPlane& plane) {
  plane.width = plane.height = 0;
  plane.orientation = Orientation::kNormal;
  JpegJob job;
  job.luma = &plane;
  RETURN_IF_ERROR(RunFastPathJob(bytes, options, job));
  if (plane.width == 0) return false;  // CMYK or YCCK
  plane.orientation = job.orientation;
  return true;
}

Status ReadJpegCoefficients(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  JpegJob job;
  job.coefficients_only = true;
  return RunFastPathJob(bytes, options, job);
}

}  // namespace internal

}  // namespace counterfoil::imaging
