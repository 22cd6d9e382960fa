// PhotoFingerprint: what a photo is matched by — the PDQ hashes (all eight
// dihedral variants) of the whole picture and, when it sits in a uniform
// frame (frame.h), of the picture inside the frame (one per peeling round).
//
//   ASSIGN_OR_RETURN(PhotoFingerprint fp, FingerprintPhoto(bytes));   // JPEG fast path
//   for (const PdqDihedralHashes* h : fp.Useful()) banks.Match(...);  // quality >= 50 only
//
// A copy of a brand's photo with a border drawn round it hashes 30 to 100
// bits away from the original as a whole, but within a few bits once the
// border is trimmed; the whole-picture hash still catches the plain copies
// (resized, recompressed, brightened, turned or mirrored). Both hashes of a
// reference photo are indexed and both of a listing photo are queried.
//
// Errors: those of DecodeImage (kInvalidArgument, kResourceExhausted).
// Thread safety: reentrant.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/status.h"
#include "imaging/decode.h"
#include "imaging/frame.h"
#include "imaging/image.h"
#include "imaging/pdq.h"

namespace counterfoil::imaging {

struct PhotoFingerprint {
  int width = 0;  // as decoded (the fast path may have scaled a JPEG down)
  int height = 0;
  PdqDihedralHashes whole;
  // The picture inside its frame after each round of peeling (FindContentBoxes),
  // outermost first; empty when no frame was found.
  std::vector<PdqDihedralHashes> framed;
  std::vector<ContentBox> boxes;

  // The hashes of quality >= min_quality, whole first.
  std::vector<const PdqDihedralHashes*> Useful(int min_quality = kPdqMinUsefulQuality) const;
  // The best quality of them all (what the photo is worth matching on).
  int quality() const;
};

PhotoFingerprint FingerprintImage(const Image& image, const FrameOptions& frame = {});
// Decodes (by default with the JPEG fast path of photo_hash.h) and fingerprints.
Result<PhotoFingerprint> FingerprintPhoto(std::span<const uint8_t> bytes,
                                          const DecodeOptions& options);
Result<PhotoFingerprint> FingerprintPhoto(std::span<const uint8_t> bytes);

}  // namespace counterfoil::imaging
