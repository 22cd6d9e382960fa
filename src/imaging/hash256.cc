#include "imaging/hash256.h"

namespace counterfoil::imaging {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<Hash256> Hash256::FromHex(std::string_view hex) {
  if (hex.size() != kHexLength) {
    return InvalidArgument("a PDQ hash is 64 hex digits, got " + std::to_string(hex.size()) +
                           " characters");
  }
  std::array<uint64_t, 4> words{};
  for (int i = 0; i < kHexLength; ++i) {
    int v = HexValue(hex[i]);
    if (v < 0) {
      return InvalidArgument("a PDQ hash is 64 hex digits, found '" + std::string(1, hex[i]) +
                             "' at position " + std::to_string(i + 1));
    }
    // Digit i (from the left) holds bits 255-4i .. 252-4i.
    int bit = 252 - 4 * i;
    words[bit >> 6] |= static_cast<uint64_t>(v) << (bit & 63);
  }
  return Hash256(words);
}

std::string Hash256::ToHex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(kHexLength, '0');
  for (int i = 0; i < kHexLength; ++i) {
    int bit = 252 - 4 * i;
    out[i] = kDigits[(words_[bit >> 6] >> (bit & 63)) & 0xF];
  }
  return out;
}

}  // namespace counterfoil::imaging
