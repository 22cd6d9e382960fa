#include "domain/audit.h"

#include "common/crypto.h"

namespace counterfoil::domain {

std::string ComputeAuditHash(const AuditEntry& e) {
  std::string buf;
  auto field = [&buf](std::string_view s) {
    buf += std::to_string(s.size());
    buf += ':';
    buf += s;
  };
  field(e.prev_hash);
  field(std::to_string(e.seq));
  field(FormatTime(e.at));
  field(e.actor);
  field(e.action);
  field(e.entity_type);
  field(e.entity_id);
  field(e.data);
  return Sha256Hex(buf);
}

}  // namespace counterfoil::domain
