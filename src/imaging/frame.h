// Frames: the uniform margins around a picture — a border a seller drew
// around a brand's photo, letterboxing, the plain page a product was shot on —
// found so that the picture inside can be hashed on its own.
//
//   ContentBox box = FindContent(image);           // the whole image when there is no frame
//   if (box.Trimmed(image)) hashes = ComputePdqDihedral(Crop(image, box));
//   for (const ContentBox& b : FindContentBoxes(image)) ...  // each round's box
//
// Why: PDQ hashes the whole picture, so a frame of 4% on each side moves a
// hash by 30 to 100 bits — far outside any useful match radius — although the
// picture inside is untouched. Trimming the frame first brings the copy back
// to within a few bits of the original (src/imaging/README.md, "Banks and
// detection", has the figures). References are trimmed the same way, so a
// product shot on a white page and the same shot framed again agree.
//
// How: each side is peeled line by line while the line is one colour (at
// least FrameOptions::min_share of its pixels within `tolerance` of the
// outermost line's mean colour, so JPEG ringing and a stray pixel do not stop
// it). Top and bottom are peeled over the full width, then left and right
// over the rows that are left; the whole is repeated (a coloured border
// around a white page) up to `max_rounds` times. A round in which a side
// reaches `max_side_share` of the dimension is not a frame (a flat picture),
// and a box smaller than `min_side` pixels on a side is not returned.
//
// Thread safety: pure functions. Cost: O(pixels of the peeled lines).
#pragma once

#include <vector>

#include "imaging/image.h"

namespace counterfoil::imaging {

struct FrameOptions {
  int tolerance = 16;             // per channel, 0..255
  double min_share = 0.97;        // of a line's pixels within tolerance
  double max_side_share = 0.40;   // of the dimension, per side
  int min_side = 32;              // pixels the content keeps on each side
  int max_rounds = 3;
  // A frame thinner than this share of the dimension on every side is
  // ignored (one stray line changes no hash).
  double min_frame_share = 0.01;
};

struct ContentBox {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
  // Whether the box is smaller than `image` (a frame was found).
  bool Trimmed(const Image& image) const {
    return width > 0 && height > 0 && (width < image.width || height < image.height);
  }
  friend bool operator==(const ContentBox&, const ContentBox&) = default;
};

// The picture inside the frame; the whole image when it has none.
ContentBox FindContent(const Image& image, const FrameOptions& options = {});
// The box after each round of peeling that changed it, outermost first (empty
// when there is no frame). A textured picture may lose rows of its own in a
// later round (a sky, a wall), so callers hash every box: the first round is
// the seller's frame, the last the product on its page.
std::vector<ContentBox> FindContentBoxes(const Image& image, const FrameOptions& options = {});

// The pixels of `box` (clamped to the image).
Image Crop(const Image& image, const ContentBox& box);

}  // namespace counterfoil::imaging
