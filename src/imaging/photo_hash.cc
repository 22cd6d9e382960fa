#include "imaging/photo_hash.h"

namespace counterfoil::imaging {

Result<PdqDihedralHashes> HashPhoto(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  ASSIGN_OR_RETURN(Image image, DecodeImage(bytes, options));
  return ComputePdqDihedral(image);
}

}  // namespace counterfoil::imaging
