#include "service/registry.h"

#include <set>
#include <utility>

#include "common/ids.h"

namespace counterfoil::service {

using domain::Right;
using domain::RightType;
using domain::Verification;
using storage::Filter;
using storage::Tx;

namespace {

// ISBN-13 check digit (ISO 2108): weights 1,3,1,3,…; ISBN-10 converted.
std::optional<std::string> NormaliseIsbn(std::string_view raw) {
  std::string d;
  for (char c : raw) {
    if (c >= '0' && c <= '9') d.push_back(c);
    else if ((c == 'X' || c == 'x') && d.size() == 9) d.push_back('X');
    else if (c != '-' && c != ' ') return std::nullopt;
  }
  if (d.size() == 10) {
    int sum = 0;
    for (int i = 0; i < 10; ++i) sum += (d[i] == 'X' ? 10 : d[i] - '0') * (10 - i);
    if (sum % 11 != 0) return std::nullopt;
    d = "978" + d.substr(0, 9);
    int s13 = 0;
    for (int i = 0; i < 12; ++i) s13 += (d[i] - '0') * (i % 2 ? 3 : 1);
    d.push_back(static_cast<char>('0' + (10 - s13 % 10) % 10));
    return d;
  }
  if (d.size() != 13 || d.find('X') != std::string::npos) return std::nullopt;
  int sum = 0;
  for (int i = 0; i < 13; ++i) sum += (d[i] - '0') * (i % 2 ? 3 : 1);
  if (sum % 10 != 0) return std::nullopt;
  return d;
}

// A price is a number, or {"amount": n, "currency": "USD"} as in the catalogue format.
void ReadMoney(FieldReader& r, std::string_view key, double* amount, std::string* currency) {
  const json::value* v = r.Find(key);
  if (!v) return;
  if (v->is_object()) {
    std::string k(key);
    *amount = r.Number("/" + k + "/amount");
    if (auto c = r.OptString("/" + k + "/currency", {.min_len = 3, .max_len = 3})) *currency = *c;
    return;
  }
  *amount = r.OptNumber(key).value_or(0);
}

bool CanManageOrg(const Principal& p, const std::string& org_id) {
  return p.IsAdmin() || p.CanActForOrg(org_id);
}

}  // namespace

Result<Right> RegistryService::CreateRight(const Principal& p, const json::value& body) {
  FieldReader r(body);
  Right right;
  std::string type = r.Enum("type", {"trademark", "copyright", "design"});
  right.org_id = r.OptString("org_id").value_or(p.org_id);
  right.mark = r.OptString("mark", {.max_len = 200}).value_or("");
  right.registration_number = r.OptString("registration_number", {.max_len = 100}).value_or("");
  right.office = r.OptString("office", {.max_len = 50}).value_or("");
  right.territories = r.StringArray("territories");
  right.expires_on = r.OptString("expires_on", {.max_len = 10}).value_or("");
  right.certificates = r.StringArray("certificates");
  auto chosen_id = r.OptString("id", {.min_len = 1, .max_len = 128});
  RETURN_IF_ERROR(r.status());
  if (chosen_id && !IsValidExternalId(*chosen_id))
    return InvalidArgument("id: use letters, digits, . _ : -", "/id");
  right.type = *domain::ParseRightType(type);
  if (const json::array* classes = r.Array("nice_classes", false)) {
    for (size_t i = 0; i < classes->size(); ++i) {
      const auto& c = (*classes)[i];
      if (!c.is_int64() || c.get_int64() < 1 || c.get_int64() > 45)
        return InvalidArgument("nice_classes/" + std::to_string(i) +
                                   ": Nice classes are integers 1 to 45",
                               "/nice_classes/" + std::to_string(i));
      right.nice_classes.push_back(static_cast<int>(c.get_int64()));
    }
  }
  if (right.type != RightType::kCopyright && right.mark.empty())
    return InvalidArgument("mark: required for a " + type, "/mark");
  if (right.type == RightType::kTrademark && right.registration_number.empty())
    return InvalidArgument("registration_number: required for a trademark",
                           "/registration_number");
  if (!right.expires_on.empty() && !ParseTime(right.expires_on).ok())
    return InvalidArgument("expires_on: not a date (YYYY-MM-DD)", "/expires_on");
  if (const json::array* works = r.Array("works", right.type == RightType::kCopyright)) {
    if (works->empty() || works->size() > 10000)
      return InvalidArgument("works: 1 to 10000 works", "/works");
    for (size_t i = 0; i < works->size(); ++i) {
      std::string base = "/works/" + std::to_string(i);
      FieldReader w((*works)[i], base);
      domain::Work work;
      work.title = w.String("title", {.min_len = 1, .max_len = 500});
      auto isbn = w.OptString("isbn", {.max_len = 20});
      work.currency = w.OptString("currency", {.max_len = 3}).value_or("USD");
      ReadMoney(w, "list_price", &work.list_price, &work.currency);
      RETURN_IF_ERROR(w.status());
      if (isbn && !isbn->empty()) {
        auto n = NormaliseIsbn(*isbn);
        if (!n) return InvalidArgument(base.substr(1) + "/isbn: not a valid ISBN-10 or ISBN-13",
                                       base + "/isbn");
        work.isbn = *n;
      }
      if (work.list_price < 0) return InvalidArgument("list_price must not be negative", base + "/list_price");
      right.works.push_back(std::move(work));
    }
  }
  RETURN_IF_ERROR(r.status());
  if (!CanManageOrg(p, right.org_id))
    return PermissionDenied("you cannot register rights for organisation " + right.org_id);
  for (size_t i = 0; i < right.certificates.size(); ++i)
    if (!ctx_.blobs().Exists(right.certificates[i]))
      return InvalidArgument("certificate not uploaded (POST /v1/blobs first)",
                             "/certificates/" + std::to_string(i));
  right.created_at = ctx_.Now();
  right.id = chosen_id ? *chosen_id : NewId("rgt", right.created_at);
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto org, tx.organisations().Find(right.org_id));
    if (!org || !domain::IsRightsHolderKind(org->kind))
      return InvalidArgument("no rights holder " + right.org_id, "/org_id");
    Status ins = tx.rights().Insert(right);
    if (ins.code() == StatusCode::kAlreadyExists)
      return AlreadyExists("right " + right.id + " already exists", "/id");
    RETURN_IF_ERROR(ins);
    ctx_.ProtectionChanged(tx);
    return ctx_.Record(tx, p.Actor(), "right.registered", "right", right.id,
                       {{"org_id", right.org_id}, {"type", type}, {"description", domain::Describe(right)}});
  }));
  return right;
}

Result<Right> RegistryService::GetRight(const Principal& p, const std::string& id) {
  Right right;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(right, tx.rights().Get(id));
    return Status::Ok();
  }));
  if (!p.IsStaff() && !p.SeesOrg(right.org_id) && !p.CanActForOrg(right.org_id))
    return NotFound("right " + id + " not found");
  return right;
}

Result<storage::Page<Right>> RegistryService::ListRights(const Principal& p,
                                                         const std::string& org_id,
                                                         const std::string& verification,
                                                         const storage::PageRequest& page) {
  Filter f;
  if (!p.IsStaff()) {
    if (!p.IsRightsHolderSide()) return PermissionDenied("rights are listed for rights holders and staff");
    std::vector<storage::Value> ids;
    for (const auto& id : p.visible_org_ids) ids.emplace_back(id);
    for (const auto& id : p.principal_org_ids) ids.emplace_back(id);
    f.In("org_id", ids);
  }
  if (!org_id.empty()) f.Eq("org_id", org_id);
  if (!verification.empty()) {
    if (verification != "pending" && verification != "verified" && verification != "rejected")
      return InvalidArgument("verification must be pending, verified or rejected", "verification");
    f.Eq("verification", verification);
  }
  storage::Page<Right> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.rights().List(f, page));
    return Status::Ok();
  }));
  return out;
}

Result<Right> RegistryService::AddCertificate(const Principal& p, const std::string& id,
                                              const std::string& sha256) {
  if (!ctx_.blobs().Exists(sha256))
    return InvalidArgument("sha256: no such upload", "/sha256");
  Right right;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(right, tx.rights().Get(id));
    if (!CanManageOrg(p, right.org_id)) return NotFound("right " + id + " not found");
    if (std::find(right.certificates.begin(), right.certificates.end(), sha256) ==
        right.certificates.end())
      right.certificates.push_back(sha256);
    if (right.verification == Verification::kRejected) right.verification = Verification::kPending;
    RETURN_IF_ERROR(tx.rights().Update(right));
    ctx_.ProtectionChanged(tx);
    return ctx_.Record(tx, p.Actor(), "right.certificate_added", "right", id, {{"sha256", sha256}});
  }));
  return right;
}

Result<Right> RegistryService::Verify(const Principal& p, const std::string& id,
                                      const json::value& body) {
  if (!p.IsReviewer()) return PermissionDenied("only reviewers verify rights");
  FieldReader r(body);
  std::string decision = r.Enum("decision", {"verified", "rejected"});
  auto reason = r.OptString("reason", {.max_len = 2000});
  RETURN_IF_ERROR(r.status());
  if (decision == "rejected" && (!reason || reason->empty()))
    return InvalidArgument("reason: a rejection states its reason", "/reason");
  Right right;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(right, tx.rights().Get(id));
    if (decision == "verified" && right.certificates.empty())
      return FailedPrecondition("a right is verified against its certificate; none uploaded");
    right.verification = decision == "verified" ? Verification::kVerified : Verification::kRejected;
    right.rejection_reason = decision == "rejected" ? *reason : "";
    right.verified_by = p.user_id;
    right.verified_at = ctx_.Now();
    RETURN_IF_ERROR(tx.rights().Update(right));
    ctx_.ProtectionChanged(tx);
    RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), "right." + decision, "right", id,
                                {{"reason", right.rejection_reason}}));
    return ctx_.Emit(tx, MakeEvent("right." + decision, ctx_.Now(), "", {right.org_id}, "", id,
                                   {{"right_id", id}, {"reason", right.rejection_reason}}));
  }));
  return right;
}

Result<domain::ProtectionProfile> RegistryService::ParseProtection(const json::value& body,
                                                                   const std::string& base) {
  FieldReader r(body, base);
  domain::ProtectionProfile pp;
  pp.brand_terms = r.StringArray("brand_terms", false, 10000);
  pp.categories = r.StringArray("categories", false, 1000);
  pp.authorized_sellers = r.StringArray("authorized_sellers", false, 100000);
  pp.reference_images = r.StringArray("reference_images", false, 10000);
  pp.isbn_prefixes = r.StringArray("isbn_prefixes", false, 10000);
  pp.common_word = r.OptBool("common_word").value_or(false);
  pp.suspicious_terms = r.StringArray("suspicious_terms", false, 10000);
  pp.piracy_terms = r.StringArray("piracy_terms", false, 10000);
  if (const json::array* bans = r.Array("category_bans", false)) {
    // The same rules as the catalogue format (screening/catalogue_json.cc):
    // unique ids; each ban names categories, terms or both; no blank entry,
    // none longer than a brand term (200 bytes).
    std::set<std::string> ids;
    for (size_t i = 0; i < bans->size(); ++i) {
      std::string bb = base + "/category_bans/" + std::to_string(i);
      FieldReader b((*bans)[i], bb);
      std::string id = b.String("id", {.min_len = 1, .max_len = 100});
      std::vector<std::string> categories = b.StringArray("categories");
      std::vector<std::string> terms = b.StringArray("terms");
      b.OptString("reason", {.max_len = 500});
      RETURN_IF_ERROR(b.status());
      if (!ids.insert(id).second)
        return InvalidArgument("category_bans/" + std::to_string(i) + "/id: \"" + id +
                                   "\" is already the id of another ban",
                               bb + "/id");
      if (categories.empty() && terms.empty())
        return InvalidArgument("a category ban names categories, terms or both", bb + "/categories");
      for (const auto& [key, list] : {std::pair<const char*, const std::vector<std::string>*>{
                                          "categories", &categories},
                                      {"terms", &terms}}) {
        for (size_t j = 0; j < list->size(); ++j) {
          const std::string& item = (*list)[j];
          std::string field = bb + "/" + key + "/" + std::to_string(j);
          if (item.find_first_not_of(" \t\r\n") == std::string::npos)
            return InvalidArgument(field.substr(base.size() + 1) + ": must not be empty", field);
          if (item.size() > 200)
            return InvalidArgument(field.substr(base.size() + 1) + ": must be at most 200 bytes",
                                   field);
        }
      }
    }
    pp.category_bans = *bans;
  }
  RETURN_IF_ERROR(r.status());
  for (size_t i = 0; i < pp.brand_terms.size(); ++i)
    if (pp.brand_terms[i].empty() || pp.brand_terms[i].size() > 200)
      return InvalidArgument("brand terms are 1 to 200 bytes",
                             base + "/brand_terms/" + std::to_string(i));
  if (const json::array* products = r.Array("products", false)) {
    for (size_t i = 0; i < products->size(); ++i) {
      std::string pb = base + "/products/" + std::to_string(i);
      FieldReader pr((*products)[i], pb);
      domain::Product prod;
      prod.name = pr.String("name", {.min_len = 1, .max_len = 300});
      prod.terms = pr.StringArray("terms");
      prod.currency = pr.OptString("currency", {.max_len = 3}).value_or("USD");
      ReadMoney(pr, "msrp", &prod.msrp, &prod.currency);
      RETURN_IF_ERROR(pr.status());
      if (prod.msrp < 0) return InvalidArgument("msrp must not be negative", pb + "/msrp");
      pp.products.push_back(std::move(prod));
    }
  }
  RETURN_IF_ERROR(r.status());
  return pp;
}

Result<domain::ProtectionProfile> RegistryService::GetProtection(const Principal& p,
                                                                 const std::string& org_id) {
  if (!p.IsStaff() && !p.SeesOrg(org_id) && !p.CanActForOrg(org_id))
    return NotFound("organisation " + org_id + " not found");
  domain::ProtectionProfile pp;
  pp.org_id = org_id;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto org, tx.organisations().Find(org_id));
    if (!org) return NotFound("organisation " + org_id + " not found");
    ASSIGN_OR_RETURN(auto found, tx.protection().Find(org_id));
    if (found) pp = *found;
    return Status::Ok();
  }));
  return pp;
}

Result<domain::ProtectionProfile> RegistryService::PutProtection(const Principal& p,
                                                                 const std::string& org_id,
                                                                 const json::value& body) {
  if (!CanManageOrg(p, org_id)) return NotFound("organisation " + org_id + " not found");
  ASSIGN_OR_RETURN(domain::ProtectionProfile pp, ParseProtection(body));
  for (size_t i = 0; i < pp.reference_images.size(); ++i)
    if (!ctx_.blobs().Exists(pp.reference_images[i]))
      return InvalidArgument("reference image not uploaded (POST /v1/blobs first)",
                             "/reference_images/" + std::to_string(i));
  pp.org_id = org_id;
  pp.updated_at = ctx_.Now();
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto org, tx.organisations().Find(org_id));
    if (!org || !(domain::IsRightsHolderKind(org->kind) || org->kind == domain::OrgKind::kPlatform))
      return NotFound("rights holder " + org_id + " not found");
    RETURN_IF_ERROR(tx.protection().Upsert(pp));
    if (protection_hook_) RETURN_IF_ERROR(protection_hook_(tx, pp, p.Actor()));
    ctx_.ProtectionChanged(tx);  // screening rebuilds its rule set in the background
    RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), "protection.updated", "organisation", org_id,
                                {{"brand_terms", pp.brand_terms.size()},
                                 {"products", pp.products.size()}}));
    return ctx_.Emit(tx, MakeEvent("protection.updated", ctx_.Now(), "", {org_id}, "", org_id,
                                   {{"org_id", org_id}}));
  }));
  return pp;
}

Result<storage::BlobRef> RegistryService::UploadBlob(const Principal& p, const Upload& u) {
  static const std::vector<std::string_view> kPurposes = {
      "certificate",  "evidence",       "authorisation",  "listing_photo",
      "legal_action", "counter_notice", "reference_photo"};
  if (std::find(kPurposes.begin(), kPurposes.end(), u.purpose) == kPurposes.end())
    return InvalidArgument(
        "purpose must be one of certificate, evidence, authorisation, listing_photo, "
        "legal_action, counter_notice, reference_photo",
        "purpose");
  if (u.bytes.empty()) return InvalidArgument("the upload is empty", "body");
  ASSIGN_OR_RETURN(std::string sha, ctx_.blobs().Put(u.bytes));
  storage::BlobRef ref;
  ref.sha256 = sha;
  ref.owner_org_id = p.org_id;
  ref.owner_user_id = p.user_id;
  ref.content_type = u.content_type.substr(0, 100);
  ref.filename = u.filename.substr(0, 200);
  ref.size = static_cast<int64_t>(u.bytes.size());
  ref.purpose = u.purpose;
  ref.created_at = ctx_.Now();
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.PutBlobRef(ref));
    return ctx_.Record(tx, p.Actor(), "blob.uploaded", "blob", sha,
                       {{"purpose", u.purpose}, {"size", ref.size}});
  }));
  return ref;
}

Result<std::pair<storage::BlobRef, std::string>> RegistryService::ReadBlob(
    const Principal& p, const std::string& sha256) {
  if (!storage::BlobStore::IsDigest(sha256))
    return InvalidArgument("not a SHA-256 digest", "sha256");
  std::vector<storage::BlobRef> refs;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(refs, tx.BlobRefs(sha256));
    return Status::Ok();
  }));
  const storage::BlobRef* mine = nullptr;
  for (const auto& r : refs) {
    bool own = r.owner_user_id == p.user_id || (!p.org_id.empty() && r.owner_org_id == p.org_id) ||
               (!r.owner_org_id.empty() && p.SeesOrg(r.owner_org_id));
    if (p.IsStaff() || own) {
      mine = &r;
      break;
    }
  }
  if (!mine) return NotFound("blob " + sha256 + " not found");
  ASSIGN_OR_RETURN(std::string bytes, ctx_.blobs().Get(sha256));
  return std::make_pair(*mine, std::move(bytes));
}

}  // namespace counterfoil::service
