#include "imaging/photo_fingerprint.h"

#include <algorithm>

#include "imaging/photo_hash.h"

namespace counterfoil::imaging {

std::vector<const PdqDihedralHashes*> PhotoFingerprint::Useful(int min_quality) const {
  std::vector<const PdqDihedralHashes*> out;
  if (whole.quality >= min_quality) out.push_back(&whole);
  for (const PdqDihedralHashes& h : framed)
    if (h.quality >= min_quality) out.push_back(&h);
  return out;
}

int PhotoFingerprint::quality() const {
  int q = whole.quality;
  for (const PdqDihedralHashes& h : framed) q = std::max(q, h.quality);
  return q;
}

PhotoFingerprint FingerprintImage(const Image& image, const FrameOptions& frame) {
  PhotoFingerprint fp;
  fp.width = image.width;
  fp.height = image.height;
  fp.whole = ComputePdqDihedral(image);
  fp.boxes = FindContentBoxes(image, frame);
  for (const ContentBox& box : fp.boxes) fp.framed.push_back(ComputePdqDihedral(Crop(image, box)));
  return fp;
}

Result<PhotoFingerprint> FingerprintPhoto(std::span<const uint8_t> bytes,
                                          const DecodeOptions& options) {
  ASSIGN_OR_RETURN(Image image, DecodeImage(bytes, options));
  return FingerprintImage(image);
}

Result<PhotoFingerprint> FingerprintPhoto(std::span<const uint8_t> bytes) {
  return FingerprintPhoto(bytes, FastPathDecodeOptions());
}

}  // namespace counterfoil::imaging
