#include "service/accounts.h"

#include <algorithm>

#include "common/crypto.h"
#include "common/ids.h"

namespace counterfoil::service {

using domain::Organisation;
using domain::OrgKind;
using domain::Role;
using domain::User;
using storage::Filter;
using storage::Tx;

namespace {

constexpr auto kKeyCacheTtl = std::chrono::seconds(5);

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool LooksLikeEmail(const std::string& s) {
  auto at = s.find('@');
  return at != std::string::npos && at > 0 && s.find('.', at) != std::string::npos &&
         s.size() <= 254 && s.find(' ') == std::string::npos;
}

}  // namespace

Result<Principal> PrincipalFor(Tx& tx, const User& u, Timestamp now) {
  Principal p;
  p.user_id = u.id;
  p.email = u.email;
  p.role = u.role;
  p.org_id = u.org_id;
  p.seller_id = u.seller_id;
  p.marketplace_id = u.marketplace_id;
  if (!u.org_id.empty()) {
    ASSIGN_OR_RETURN(Organisation org, tx.organisations().Get(u.org_id));
    p.org_kind = org.kind;
    if (p.marketplace_id.empty()) p.marketplace_id = org.marketplace_id;
    if (p.IsRightsHolderSide()) {
      p.visible_org_ids.push_back(org.id);
      if (domain::IsRightsHolderKind(org.kind)) p.principal_org_ids.push_back(org.id);
      if (org.kind == OrgKind::kCoalition) {
        for (const auto& m : org.member_ids) {
          p.visible_org_ids.push_back(m);
          p.principal_org_ids.push_back(m);
        }
      }
      ASSIGN_OR_RETURN(auto auths, tx.authorisations().List(
                                       Filter().Eq("agent_org_id", org.id), {.limit = 1000}));
      for (const auto& a : auths.items) {
        if (a.revoked || (a.valid_until && *a.valid_until < now)) continue;
        p.principal_org_ids.push_back(a.principal_org_id);
      }
    }
  }
  return p;
}

Result<Principal> AccountService::PrincipalFor(Tx& tx, const User& u) {
  return service::PrincipalFor(tx, u, ctx_.Now());
}

Result<Principal> AccountService::AuthenticateApiKey(std::string_view key) {
  if (key.size() < 10 || key.size() > 200 || key.substr(0, 3) != "cf_")
    return Unauthenticated("malformed API key");
  std::string hash = Sha256Hex(key);
  Timestamp now = ctx_.Now();
  uint64_t generation;
  {
    std::lock_guard lock(cache_mu_);
    auto it = key_cache_.find(hash);
    if (it != key_cache_.end() && it->second.expires > now) return it->second.principal;
    generation = cache_generation_;
  }
  Principal out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto found, tx.api_keys().First(Filter().Eq("hash", hash)));
    if (!found || found->revoked_at) return Unauthenticated("unknown or revoked API key");
    ASSIGN_OR_RETURN(User u, tx.users().Get(found->user_id));
    if (u.disabled) return Unauthenticated("the key's user is disabled");
    ASSIGN_OR_RETURN(out, PrincipalFor(tx, u));
    out.api_key_id = found->id;
    return Status::Ok();
  }));
  std::lock_guard lock(cache_mu_);
  // A change that emptied the cache while this lookup read may have come
  // after the read: what was read is returned once but not kept.
  if (generation != cache_generation_) return out;
  if (key_cache_.size() > 10000) key_cache_.clear();
  key_cache_[hash] = {out, now + kKeyCacheTtl};
  return out;
}

Result<AccountService::NewSession> AccountService::Login(const json::value& body) {
  FieldReader r(body);
  std::string email = Lower(r.String("email", {.min_len = 1, .max_len = 254}));
  std::string password = r.String("password", {.min_len = 1, .max_len = 1024});
  RETURN_IF_ERROR(r.status());
  NewSession out;
  Status found = ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto u, tx.users().First(Filter().Eq("email", email)));
    if (!u) return Unauthenticated("");
    out.user = *u;
    return Status::Ok();
  });
  // Verify against a fixed hash when the user is unknown so the reply time
  // does not reveal which emails exist.
  static const std::string kDummy = HashPassword("counterfoil-dummy").value();
  bool ok = VerifyPassword(found.ok() && !out.user.password_hash.empty() ? out.user.password_hash
                                                                          : kDummy,
                           password);
  if (!found.ok() || !ok || out.user.password_hash.empty() || out.user.disabled)
    return Unauthenticated("wrong email or password");
  out.cookie = "cfs_" + RandomHex(32);
  out.csrf_token = RandomHex(24);
  out.expires_at = ctx_.Now() + std::chrono::hours(ctx_.config().session_ttl_hours);
  domain::Session s{Sha256Hex(out.cookie), out.user.id, out.csrf_token, ctx_.Now(),
                    out.expires_at};
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.sessions().Insert(s));
    return ctx_.Record(tx, out.user.id, "session.created", "user", out.user.id);
  }));
  return out;
}

Result<std::pair<Principal, std::string>> AccountService::AuthenticateSession(
    std::string_view cookie) {
  if (cookie.size() < 10 || cookie.size() > 200) return Unauthenticated("malformed session");
  std::pair<Principal, std::string> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto s, tx.sessions().Find(Sha256Hex(cookie)));
    if (!s || s->expires_at <= ctx_.Now()) return Unauthenticated("session expired; sign in again");
    ASSIGN_OR_RETURN(User u, tx.users().Get(s->user_id));
    if (u.disabled) return Unauthenticated("user is disabled");
    ASSIGN_OR_RETURN(out.first, PrincipalFor(tx, u));
    out.first.via_session = true;
    out.second = s->csrf_token;
    return Status::Ok();
  }));
  return out;
}

Status AccountService::Logout(std::string_view cookie) {
  return ctx_.store().Write([&](Tx& tx) -> Status {
    return tx.sessions().Delete(Sha256Hex(cookie));
  });
}

Result<Organisation> AccountService::CreateOrganisation(const Principal& p,
                                                        const json::value& body) {
  if (!p.IsAdmin()) return PermissionDenied("only an operator admin creates organisations");
  FieldReader r(body);
  Organisation o;
  o.name = r.String("name", {.min_len = 1, .max_len = 200});
  std::string kind = r.Enum("kind", {"brand_owner", "publisher", "coalition", "agency",
                                     "marketplace", "platform"});
  o.member_ids = r.StringArray("member_ids");
  o.trusted_flagger = r.OptBool("trusted_flagger").value_or(false);
  o.marketplace_id = r.OptString("marketplace_id").value_or("");
  o.contact_email = r.OptString("contact_email", {.max_len = 254}).value_or("");
  o.country = r.OptString("country", {.max_len = 2}).value_or("");
  auto id = r.OptString("id", {.min_len = 1, .max_len = 64});
  RETURN_IF_ERROR(r.status());
  if (id && !IsValidExternalId(*id)) return InvalidArgument("id: use letters, digits, . _ : -", "/id");
  o.kind = *domain::ParseOrgKind(kind);
  if (!o.member_ids.empty() && o.kind != OrgKind::kCoalition)
    return InvalidArgument("member_ids: only a coalition has members", "/member_ids");
  if (o.kind == OrgKind::kMarketplace && o.marketplace_id.empty())
    return InvalidArgument("marketplace_id: required for a marketplace organisation",
                           "/marketplace_id");
  o.created_at = ctx_.Now();
  o.id = id ? *id : NewId("org", o.created_at);
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    for (size_t i = 0; i < o.member_ids.size(); ++i) {
      ASSIGN_OR_RETURN(auto m, tx.organisations().Find(o.member_ids[i]));
      if (!m || !domain::IsRightsHolderKind(m->kind) || m->kind == OrgKind::kCoalition)
        return InvalidArgument("member " + o.member_ids[i] + " is not a rights holder",
                               "/member_ids/" + std::to_string(i));
    }
    if (!o.marketplace_id.empty()) {
      ASSIGN_OR_RETURN(auto m, tx.marketplaces().Find(o.marketplace_id));
      if (!m) return InvalidArgument("no marketplace " + o.marketplace_id, "/marketplace_id");
    }
    Status s = tx.organisations().Insert(o);
    if (s.code() == StatusCode::kAlreadyExists)
      return AlreadyExists("organisation " + o.id + " already exists", "/id");
    RETURN_IF_ERROR(s);
    ctx_.ProtectionChanged(tx);  // the platform organisation holds bans and term lists
    return ctx_.Record(tx, p.Actor(), "organisation.created", "organisation", o.id,
                       domain::ToJson(o));
  }));
  return o;
}

Result<Organisation> AccountService::UpdateOrganisation(const Principal& p, const std::string& id,
                                                        const json::value& body) {
  if (!p.IsAdmin()) return PermissionDenied("only an operator admin changes organisations");
  FieldReader r(body);
  r.RejectUnknown({"name", "member_ids", "trusted_flagger", "contact_email", "country"});
  auto name = r.OptString("name", {.min_len = 1, .max_len = 200});
  const json::array* members = r.Array("member_ids", false);
  std::vector<std::string> member_ids = members ? r.StringArray("member_ids") : std::vector<std::string>{};
  auto trusted = r.OptBool("trusted_flagger");
  auto email = r.OptString("contact_email", {.max_len = 254});
  auto country = r.OptString("country", {.max_len = 2});
  RETURN_IF_ERROR(r.status());
  Organisation o;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(o, tx.organisations().Get(id));
    if (name) o.name = *name;
    if (members) {
      if (o.kind != OrgKind::kCoalition)
        return InvalidArgument("member_ids: only a coalition has members", "/member_ids");
      for (size_t i = 0; i < member_ids.size(); ++i) {
        ASSIGN_OR_RETURN(auto m, tx.organisations().Find(member_ids[i]));
        if (!m || !domain::IsRightsHolderKind(m->kind) || m->kind == OrgKind::kCoalition)
          return InvalidArgument("member " + member_ids[i] + " is not a rights holder",
                                 "/member_ids/" + std::to_string(i));
      }
      o.member_ids = member_ids;
    }
    if (trusted) o.trusted_flagger = *trusted;
    if (email) o.contact_email = *email;
    if (country) o.country = *country;
    RETURN_IF_ERROR(tx.organisations().Update(o));
    ctx_.ProtectionChanged(tx);  // names and coalition members appear in screening reasons
    return ctx_.Record(tx, p.Actor(), "organisation.updated", "organisation", o.id,
                       domain::ToJson(o));
  }));
  std::lock_guard lock(cache_mu_);
  ++cache_generation_;
  key_cache_.clear();  // membership changes what principals see
  return o;
}

Result<Organisation> AccountService::GetOrganisation(const Principal& p, const std::string& id) {
  bool allowed = p.IsStaff() || p.org_id == id || p.SeesOrg(id) || p.CanActForOrg(id);
  if (!allowed) return NotFound("organisation " + id + " not found");
  Organisation o;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(o, tx.organisations().Get(id));
    return Status::Ok();
  }));
  return o;
}

Result<storage::Page<Organisation>> AccountService::ListOrganisations(
    const Principal& p, const storage::PageRequest& page) {
  storage::Page<Organisation> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    if (p.IsStaff()) {
      ASSIGN_OR_RETURN(out, tx.organisations().List({}, page));
      return Status::Ok();
    }
    std::vector<storage::Value> ids;
    if (!p.org_id.empty()) ids.emplace_back(p.org_id);
    for (const auto& id : p.visible_org_ids) ids.emplace_back(id);
    for (const auto& id : p.principal_org_ids) ids.emplace_back(id);
    ASSIGN_OR_RETURN(out, tx.organisations().List(Filter().In("id", ids), page));
    return Status::Ok();
  }));
  return out;
}

Result<User> AccountService::CreateUser(const Principal& p, const json::value& body) {
  if (!p.IsAdmin()) return PermissionDenied("only an operator admin creates users");
  FieldReader r(body);
  User u;
  u.email = Lower(r.String("email", {.min_len = 3, .max_len = 254}));
  u.name = r.String("name", {.min_len = 1, .max_len = 200});
  std::string role = r.Enum("role", {"admin", "reviewer", "rights_holder", "agent", "seller",
                                     "investigator", "marketplace"});
  u.org_id = r.OptString("org_id").value_or("");
  u.seller_id = r.OptString("seller_id").value_or("");
  u.marketplace_id = r.OptString("marketplace_id").value_or("");
  auto password = r.OptString("password", {.min_len = 12, .max_len = 1024});
  RETURN_IF_ERROR(r.status());
  if (!LooksLikeEmail(u.email)) return InvalidArgument("email: not an email address", "/email");
  u.role = *domain::ParseRole(role);
  bool needs_org = u.role == Role::kRightsHolder || u.role == Role::kAgent;
  if (needs_org && u.org_id.empty())
    return InvalidArgument("org_id: a " + role + " belongs to an organisation", "/org_id");
  if (u.role == Role::kSeller && (u.seller_id.empty() || u.marketplace_id.empty()))
    return InvalidArgument("seller_id: a seller user names its seller and marketplace",
                           u.seller_id.empty() ? "/seller_id" : "/marketplace_id");
  if (u.role == Role::kMarketplace && u.marketplace_id.empty())
    return InvalidArgument("marketplace_id: required for a marketplace integration",
                           "/marketplace_id");
  if (password) {
    ASSIGN_OR_RETURN(u.password_hash, HashPassword(*password));
  }
  u.created_at = ctx_.Now();
  u.id = NewId("usr", u.created_at);
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    if (!u.org_id.empty()) {
      ASSIGN_OR_RETURN(auto org, tx.organisations().Find(u.org_id));
      if (!org) return InvalidArgument("no organisation " + u.org_id, "/org_id");
      if (u.role == Role::kRightsHolder && !domain::IsRightsHolderKind(org->kind))
        return InvalidArgument("a rights_holder user belongs to a brand owner, publisher or "
                               "coalition", "/org_id");
      if (u.role == Role::kAgent && org->kind != OrgKind::kAgency)
        return InvalidArgument("an agent user belongs to an agency", "/org_id");
    }
    if (!u.marketplace_id.empty()) {
      ASSIGN_OR_RETURN(auto m, tx.marketplaces().Find(u.marketplace_id));
      if (!m) return InvalidArgument("no marketplace " + u.marketplace_id, "/marketplace_id");
    }
    if (u.role == Role::kSeller) {
      ASSIGN_OR_RETURN(auto s, tx.sellers().Find(domain::SellerKey(u.marketplace_id, u.seller_id)));
      if (!s || s->marketplace_id != u.marketplace_id)
        return InvalidArgument("no seller " + u.seller_id + " on " + u.marketplace_id,
                               "/seller_id");
    }
    Status s = tx.users().Insert(u);
    if (s.code() == StatusCode::kAlreadyExists)
      return AlreadyExists("a user with email " + u.email + " already exists", "/email");
    RETURN_IF_ERROR(s);
    json::object data = domain::ToJson(u);
    data.erase("password_hash");
    return ctx_.Record(tx, p.Actor(), "user.created", "user", u.id, data);
  }));
  return u;
}

Result<storage::Page<User>> AccountService::ListUsers(const Principal& p,
                                                      const storage::PageRequest& page) {
  storage::Page<User> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    if (p.IsAdmin()) {
      ASSIGN_OR_RETURN(out, tx.users().List({}, page));
    } else if (!p.org_id.empty()) {
      ASSIGN_OR_RETURN(out, tx.users().List(Filter().Eq("org_id", p.org_id), page));
    } else {
      ASSIGN_OR_RETURN(out, tx.users().List(Filter().Eq("id", p.user_id), page));
    }
    return Status::Ok();
  }));
  return out;
}

Result<User> AccountService::GetUser(const Principal& p, const std::string& id) {
  User u;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(u, tx.users().Get(id));
    return Status::Ok();
  }));
  bool allowed = p.IsAdmin() || u.id == p.user_id || (!p.org_id.empty() && u.org_id == p.org_id);
  if (!allowed) return NotFound("user " + id + " not found");
  return u;
}

Result<AccountService::NewApiKey> AccountService::CreateApiKey(const Principal& p,
                                                               const json::value& body) {
  FieldReader r(body);
  std::string user_id = r.OptString("user_id").value_or(p.user_id);
  std::string name = r.OptString("name", {.max_len = 200}).value_or("");
  RETURN_IF_ERROR(r.status());
  if (user_id != p.user_id && !p.IsAdmin())
    return PermissionDenied("only an operator admin creates keys for other users");
  NewApiKey out;
  out.secret = "cf_" + RandomHex(20);
  out.key.created_at = ctx_.Now();
  out.key.id = NewId("key", out.key.created_at);
  out.key.user_id = user_id;
  out.key.name = name;
  out.key.prefix = out.secret.substr(0, 10);
  out.key.hash = Sha256Hex(out.secret);
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto u, tx.users().Find(user_id));
    if (!u) return InvalidArgument("no user " + user_id, "/user_id");
    RETURN_IF_ERROR(tx.api_keys().Insert(out.key));
    return ctx_.Record(tx, p.Actor(), "api_key.created", "api_key", out.key.id,
                       {{"user_id", user_id}, {"prefix", out.key.prefix}});
  }));
  return out;
}

Result<storage::Page<domain::ApiKey>> AccountService::ListApiKeys(
    const Principal& p, const storage::PageRequest& page) {
  storage::Page<domain::ApiKey> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    if (p.IsAdmin()) {
      ASSIGN_OR_RETURN(out, tx.api_keys().List({}, page));
    } else {
      ASSIGN_OR_RETURN(out, tx.api_keys().List(Filter().Eq("user_id", p.user_id), page));
    }
    return Status::Ok();
  }));
  return out;
}

Status AccountService::RevokeApiKey(const Principal& p, const std::string& id) {
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto k, tx.api_keys().Find(id));
    if (!k || (!p.IsAdmin() && k->user_id != p.user_id))
      return NotFound("API key " + id + " not found");
    if (k->revoked_at) return Status::Ok();
    k->revoked_at = ctx_.Now();
    RETURN_IF_ERROR(tx.api_keys().Update(*k));
    return ctx_.Record(tx, p.Actor(), "api_key.revoked", "api_key", id);
  }));
  std::lock_guard lock(cache_mu_);
  ++cache_generation_;
  key_cache_.clear();
  return Status::Ok();
}

Result<domain::AgentAuthorisation> AccountService::CreateAuthorisation(const Principal& p,
                                                                       const json::value& body) {
  FieldReader r(body);
  domain::AgentAuthorisation a;
  a.agent_org_id = r.String("agent_org_id");
  a.principal_org_id = r.OptString("principal_org_id").value_or(p.org_id);
  a.document_sha256 = r.String("document_sha256", {.min_len = 64, .max_len = 64});
  auto until = r.OptString("valid_until");
  RETURN_IF_ERROR(r.status());
  if (until) {
    auto t = ParseTime(*until);
    if (!t.ok()) return InvalidArgument("valid_until: " + t.status().message(), "/valid_until");
    a.valid_until = *t;
  }
  // The rights holder grants; the operator may record it on its behalf.
  bool allowed = p.IsAdmin() || (p.role == Role::kRightsHolder && p.org_id == a.principal_org_id);
  if (!allowed) return PermissionDenied("only the rights holder itself authorises an agent");
  if (!ctx_.blobs().Exists(a.document_sha256))
    return InvalidArgument("document_sha256: upload the authorisation document first (POST /v1/blobs)",
                           "/document_sha256");
  a.created_at = ctx_.Now();
  a.id = NewId("auth", a.created_at);
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto agent, tx.organisations().Find(a.agent_org_id));
    if (!agent || agent->kind != OrgKind::kAgency)
      return InvalidArgument("no agency " + a.agent_org_id, "/agent_org_id");
    ASSIGN_OR_RETURN(auto principal, tx.organisations().Find(a.principal_org_id));
    if (!principal || !domain::IsRightsHolderKind(principal->kind))
      return InvalidArgument("no rights holder " + a.principal_org_id, "/principal_org_id");
    RETURN_IF_ERROR(tx.authorisations().Insert(a));
    return ctx_.Record(tx, p.Actor(), "authorisation.created", "authorisation", a.id,
                       domain::ToJson(a));
  }));
  std::lock_guard lock(cache_mu_);
  ++cache_generation_;
  key_cache_.clear();
  return a;
}

Result<domain::AgentAuthorisation> AccountService::RevokeAuthorisation(const Principal& p,
                                                                       const std::string& id) {
  domain::AgentAuthorisation a;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto found, tx.authorisations().Find(id));
    bool visible = found && (p.IsStaff() || (!p.org_id.empty() &&
                                             (found->agent_org_id == p.org_id ||
                                              found->principal_org_id == p.org_id)));
    if (!visible) return NotFound("authorisation " + id + " not found");
    a = *found;
    bool allowed = p.IsAdmin() ||
                   (p.role == Role::kRightsHolder && p.org_id == a.principal_org_id);
    if (!allowed) return PermissionDenied("only the rights holder itself revokes an agent");
    if (a.revoked) return Status::Ok();
    a.revoked = true;
    RETURN_IF_ERROR(tx.authorisations().Update(a));
    return ctx_.Record(tx, p.Actor(), "authorisation.revoked", "authorisation", a.id,
                       {{"agent_org_id", a.agent_org_id}, {"principal_org_id", a.principal_org_id}});
  }));
  std::lock_guard lock(cache_mu_);
  ++cache_generation_;
  key_cache_.clear();  // cached agent principals still list the principal
  return a;
}

Result<std::vector<domain::AgentAuthorisation>> AccountService::ListAuthorisations(
    const Principal& p) {
  std::vector<domain::AgentAuthorisation> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    if (p.IsStaff()) {
      ASSIGN_OR_RETURN(auto page, tx.authorisations().List({}, {.limit = 1000}));
      out = std::move(page.items);
      return Status::Ok();
    }
    if (p.org_id.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(auto a, tx.authorisations().List(Filter().Eq("agent_org_id", p.org_id),
                                                      {.limit = 1000}));
    ASSIGN_OR_RETURN(auto b, tx.authorisations().List(
                                 Filter().Eq("principal_org_id", p.org_id), {.limit = 1000}));
    out = std::move(a.items);
    for (auto& x : b.items) out.push_back(std::move(x));
    return Status::Ok();
  }));
  return out;
}

}  // namespace counterfoil::service
