// The IP registry: trademarks, copyrights (works with ISBN and list price)
// and designs, their certificates, reviewer verification, and the
// protection data screening uses (brand terms, products with MSRP,
// categories, authorised sellers, reference photos, ISBN prefixes). Also the
// document uploads (blobs) that certificates, evidence and authorisations
// point to.
//
//   RegistryService registry(ctx);
//   auto right = registry.CreateRight(holder, json::parse(R"({"type":"trademark","mark":"DYSON",…})"));
//   registry.Verify(reviewer, right->id, json::parse(R"({"decision":"verified"})"));
//
// Thread-safe.
#pragma once

#include <functional>

#include "service/context.h"

namespace counterfoil::service {

class RegistryService {
 public:
  explicit RegistryService(ServiceContext& ctx) : ctx_(ctx) {}

  Result<domain::Right> CreateRight(const Principal& p, const json::value& body);
  Result<domain::Right> GetRight(const Principal& p, const std::string& id);
  Result<storage::Page<domain::Right>> ListRights(const Principal& p, const std::string& org_id,
                                                  const std::string& verification,
                                                  const storage::PageRequest& page);
  // Attaches an uploaded blob as a certificate; the right returns to pending.
  Result<domain::Right> AddCertificate(const Principal& p, const std::string& id,
                                       const std::string& sha256);
  // Reviewer decision: {"decision": "verified"|"rejected", "reason": "…"}.
  Result<domain::Right> Verify(const Principal& p, const std::string& id, const json::value& body);

  // Called inside the transaction that stores a protection profile (photo
  // matching keeps the rights holder's reference bank in step with
  // reference_images; an error rolls the change back).
  using ProtectionHook = std::function<Status(storage::Tx&, const domain::ProtectionProfile&,
                                              const std::string& actor)>;
  void SetProtectionHook(ProtectionHook hook) { protection_hook_ = std::move(hook); }

  Result<domain::ProtectionProfile> GetProtection(const Principal& p, const std::string& org_id);
  Result<domain::ProtectionProfile> PutProtection(const Principal& p, const std::string& org_id,
                                                  const json::value& body);

  struct Upload {
    std::string bytes;
    std::string content_type;
    std::string filename;
    std::string purpose;  // certificate | evidence | authorisation | listing_photo | legal_action
  };
  Result<storage::BlobRef> UploadBlob(const Principal& p, const Upload& u);
  // The bytes and metadata if `p` may read the blob (it or its organisation
  // uploaded it, or p is staff); kNotFound otherwise.
  Result<std::pair<storage::BlobRef, std::string>> ReadBlob(const Principal& p,
                                                            const std::string& sha256);

  // Parses the "protection data" part of a catalogue entry (shared with
  // `counterfoil import`).
  static Result<domain::ProtectionProfile> ParseProtection(const json::value& body,
                                                           const std::string& base = "");

 private:
  ServiceContext& ctx_;
  ProtectionHook protection_hook_;
};

}  // namespace counterfoil::service
