// The audit log: every state change appended as an entry whose hash covers
// the previous entry's hash, so any edit, deletion or reordering breaks the
// chain from that point on (checked by `counterfoil audit verify`).
//
//   AuditEntry e{.seq = 7, .at = now, .actor = "usr_…", .action = "notice.accepted", …};
//   e.prev_hash = previous.hash;
//   e.hash = ComputeAuditHash(e);
#pragma once

#include <cstdint>
#include <string>

#include "common/clock.h"

namespace counterfoil::domain {

struct AuditEntry {
  int64_t seq = 0;  // 1, 2, 3, … assigned by storage
  Timestamp at{};
  std::string actor;        // user id, "system" or "cli"
  std::string action;       // "notice.received", "listing.removed", …
  std::string entity_type;  // "notice", "listing", …
  std::string entity_id;
  std::string data;         // compact JSON with the facts of the change
  std::string prev_hash;    // hex; 64 zeros for the first entry
  std::string hash;         // hex SHA-256 over prev_hash and every field above
};

inline constexpr char kAuditGenesisHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

// SHA-256 over a length-prefixed encoding of prev_hash, seq, at, actor,
// action, entity_type, entity_id and data (length prefixes make the encoding
// unambiguous). Pure and thread-safe.
std::string ComputeAuditHash(const AuditEntry& e);

}  // namespace counterfoil::domain
