#include "common/ids.h"

#include <sodium.h>

#include <cstdint>

namespace counterfoil {

__extension__ typedef unsigned __int128 Uint128;

std::string NewId(std::string_view prefix, Timestamp now) {
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  uint64_t ms = static_cast<uint64_t>(now.time_since_epoch().count());
  unsigned char rnd[10];
  randombytes_buf(rnd, sizeof rnd);
  // 128 bits: 48 time + 80 random, written as 26 base32 digits (130 bits, top 2 zero).
  Uint128 v = (static_cast<Uint128>(ms & 0xFFFFFFFFFFFFULL) << 80);
  for (int i = 0; i < 10; ++i) v |= static_cast<Uint128>(rnd[i]) << (8 * (9 - i));
  std::string out(prefix);
  out += '_';
  char digits[26];
  for (int i = 25; i >= 0; --i) {
    digits[i] = kAlphabet[static_cast<unsigned>(v & 31)];
    v >>= 5;
  }
  out.append(digits, 26);
  return out;
}

bool IsValidExternalId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace counterfoil
