// Identifiers for entities Counterfoil creates: a short type prefix and a
// time-ordered random part, so ids sort by creation and make stable cursors.
//
//   std::string id = NewId("ntc", clock.Now());  // "ntc_01jd3k8m0a7q9x4c2v5b6n8p0r"
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"

namespace counterfoil {

// prefix + "_" + 26 characters of Crockford base32: 48 bits of milliseconds
// then 80 random bits (the ULID layout). Thread-safe.
std::string NewId(std::string_view prefix, Timestamp now);

// True for ids made of [A-Za-z0-9._:-], 1..128 characters: what the API
// accepts for client-chosen ids (listings, sellers) in URLs.
bool IsValidExternalId(std::string_view id);

}  // namespace counterfoil
