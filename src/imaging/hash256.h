// Hash256: a 256-bit perceptual hash (PDQ) with hex I/O and Hamming distance.
//
//   ASSIGN_OR_RETURN(Hash256 a, Hash256::FromHex(row[4]));
//   Hash256 b = ComputePdq(image).hash;
//   if (a.Distance(b) <= 31) ...  // PDQ's suggested match threshold
//
// Bit k (0..255) is the k-th coefficient of the 16x16 PDQ DCT in row-major
// order (row = vertical frequency). Hex text is the reference tool's: 64 hex
// digits, the most significant 16-bit word (bits 255..240) first, so the text
// reads as one big-endian 256-bit number and bit k has weight 2^k. Hashes
// printed by Meta's ThreatExchange tools and ours are interchangeable.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace counterfoil::imaging {

class Hash256 {
 public:
  static constexpr int kBits = 256;
  static constexpr int kHexLength = 64;

  constexpr Hash256() = default;
  // words[0] holds bits 0..63, words[3] bits 192..255.
  constexpr explicit Hash256(const std::array<uint64_t, 4>& words) : words_(words) {}

  // Parses 64 hex digits (either case). kInvalidArgument on any other length
  // or a non-hex character.
  static Result<Hash256> FromHex(std::string_view hex);
  // 64 lower-case hex digits, most significant first.
  std::string ToHex() const;

  constexpr bool Bit(int k) const { return (words_[k >> 6] >> (k & 63)) & 1; }
  constexpr void SetBit(int k) { words_[k >> 6] |= uint64_t{1} << (k & 63); }
  constexpr void ClearBit(int k) { words_[k >> 6] &= ~(uint64_t{1} << (k & 63)); }

  // Number of set bits; a PDQ hash of a non-degenerate image has 128.
  constexpr int PopCount() const {
    return std::popcount(words_[0]) + std::popcount(words_[1]) + std::popcount(words_[2]) +
           std::popcount(words_[3]);
  }
  // Hamming distance, 0..256.
  constexpr int Distance(const Hash256& other) const {
    return std::popcount(words_[0] ^ other.words_[0]) + std::popcount(words_[1] ^ other.words_[1]) +
           std::popcount(words_[2] ^ other.words_[2]) + std::popcount(words_[3] ^ other.words_[3]);
  }

  constexpr const std::array<uint64_t, 4>& words() const { return words_; }

  friend constexpr bool operator==(const Hash256&, const Hash256&) = default;
  // Lexicographic on the words from the most significant: the order of the hex text.
  friend constexpr bool operator<(const Hash256& a, const Hash256& b) {
    for (int i = 3; i >= 0; --i) {
      if (a.words_[i] != b.words_[i]) return a.words_[i] < b.words_[i];
    }
    return false;
  }

 private:
  std::array<uint64_t, 4> words_{};
};

}  // namespace counterfoil::imaging
