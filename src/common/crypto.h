// Hashing, MACs, passwords and random tokens, wrapping OpenSSL and libsodium.
//
//   std::string digest = Sha256Hex(bytes);             // content address of a blob
//   std::string sig = HmacSha256Hex(secret, payload);  // webhook signature
//   auto hash = HashPassword("correct horse");         // Argon2id, libsodium's format
//   bool ok = VerifyPassword(hash.value(), "correct horse");
//
// All functions are thread-safe. InitCrypto() must run once before the first
// call (main() and the test main do it); it is idempotent.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace counterfoil {

void InitCrypto();

// Lower-case hex SHA-256 of the bytes.
std::string Sha256Hex(std::string_view bytes);
// Raw 32-byte SHA-256.
std::string Sha256Raw(std::string_view bytes);
// Lower-case hex HMAC-SHA256(key, message).
std::string HmacSha256Hex(std::string_view key, std::string_view message);
// Compares without leaking the position of the first difference through timing.
bool ConstantTimeEquals(std::string_view a, std::string_view b);
// `n` bytes from the system CSPRNG, as lower-case hex (2n characters).
std::string RandomHex(size_t n);

// Argon2id with libsodium's interactive limits; the result is the
// self-describing "$argon2id$v=19$m=...,t=...,p=...$salt$hash" string.
// Returns kInternal if libsodium runs out of memory.
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view stored_hash, std::string_view password);

std::string HexEncode(std::string_view bytes);

}  // namespace counterfoil
