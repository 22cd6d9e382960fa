#include "service/photo_match.h"

namespace counterfoil::service {

std::string ReferenceBankId(const std::string& org_id) { return "reference:" + org_id; }

screening::PhotoMatch ToPhotoMatch(const std::string& photo, const imaging::BankMatch& m) {
  screening::PhotoMatch out;
  out.photo = photo;
  out.bank = m.bank.id;
  out.bank_kind = std::string(imaging::BankKindName(m.bank.kind));
  out.rights_holder = m.entry.rights_holder;
  out.reference = m.entry.reference.empty() ? m.entry.id : m.entry.reference;
  out.label = m.entry.label;
  if (m.bank.kind == imaging::BankKind::kStayDown) out.source = m.entry.label;
  out.distance = m.distance;
  out.radius = m.bank.radius;
  out.variant = std::string(imaging::kDihedralNames[static_cast<int>(m.variant)]);
  return out;
}

int AddFingerprint(imaging::PhotoBanks& banks, const std::string& id_prefix,
                   const std::string& bank, const imaging::PhotoFingerprint& fp,
                   const std::string& rights_holder, const std::string& reference,
                   const std::string& label) {
  int added = 0, k = 0;
  for (const imaging::PdqDihedralHashes* h : fp.Useful()) {
    imaging::BankEntry e;
    e.id = id_prefix + "#" + std::to_string(k++);
    e.bank = bank;
    e.hash = h->hashes[0];
    e.quality = h->quality;
    e.rights_holder = rights_holder;
    e.reference = reference;
    e.label = label;
    if (banks.Add(e)) ++added;
  }
  return added;
}

}  // namespace counterfoil::service
