// Accounts and access: organisations (with coalition members and agent
// authorisations), users and roles, API keys (stored as SHA-256 hashes) and
// console sessions (Argon2id passwords, HttpOnly cookie, CSRF token).
//
//   AccountService accounts(ctx);
//   auto key = accounts.CreateApiKey(admin, json::parse(R"({"user_id":"usr_…"})"));
//   Principal p = accounts.AuthenticateApiKey(key->secret).value();
//
// Thread-safe.
#pragma once

#include <mutex>
#include <unordered_map>

#include "service/context.h"

namespace counterfoil::service {

class AccountService {
 public:
  explicit AccountService(ServiceContext& ctx) : ctx_(ctx) {}

  // kUnauthenticated for an unknown, revoked or malformed key, or a disabled user.
  Result<Principal> AuthenticateApiKey(std::string_view key);

  struct NewSession {
    std::string cookie;  // the secret cookie value (only its hash is stored)
    std::string csrf_token;
    domain::User user;
    Timestamp expires_at{};
  };
  // kUnauthenticated (with one message for unknown user and wrong password).
  Result<NewSession> Login(const json::value& body);
  // The principal and the session's CSRF token; kUnauthenticated if expired or unknown.
  Result<std::pair<Principal, std::string>> AuthenticateSession(std::string_view cookie);
  Status Logout(std::string_view cookie);

  Result<domain::Organisation> CreateOrganisation(const Principal& p, const json::value& body);
  Result<domain::Organisation> UpdateOrganisation(const Principal& p, const std::string& id,
                                                  const json::value& body);
  Result<domain::Organisation> GetOrganisation(const Principal& p, const std::string& id);
  Result<storage::Page<domain::Organisation>> ListOrganisations(const Principal& p,
                                                                const storage::PageRequest& page);

  Result<domain::User> CreateUser(const Principal& p, const json::value& body);
  Result<storage::Page<domain::User>> ListUsers(const Principal& p,
                                                const storage::PageRequest& page);
  Result<domain::User> GetUser(const Principal& p, const std::string& id);

  struct NewApiKey {
    domain::ApiKey key;
    std::string secret;  // shown once
  };
  Result<NewApiKey> CreateApiKey(const Principal& p, const json::value& body);
  Result<storage::Page<domain::ApiKey>> ListApiKeys(const Principal& p,
                                                    const storage::PageRequest& page);
  Status RevokeApiKey(const Principal& p, const std::string& id);

  Result<domain::AgentAuthorisation> CreateAuthorisation(const Principal& p,
                                                         const json::value& body);
  Result<std::vector<domain::AgentAuthorisation>> ListAuthorisations(const Principal& p);
  // Ends an agent's authorisation at once (the agent can no longer act for
  // the principal; what it filed before stays filed). The principal rights
  // holder or an admin; kNotFound for anyone else who cannot list it,
  // kPermissionDenied for the agent itself. Revoking twice changes nothing.
  Result<domain::AgentAuthorisation> RevokeAuthorisation(const Principal& p, const std::string& id);

  // The principal for a user (loads the organisation, coalition members and
  // agent authorisations). Used by authentication and by tests.
  Result<Principal> PrincipalFor(storage::Tx& tx, const domain::User& u);

 private:
  ServiceContext& ctx_;
  // API key hash -> principal, for a few seconds, so intake at thousands of
  // requests a second does not reload the same user and organisation.
  struct CachedPrincipal {
    Principal principal;
    Timestamp expires{};
  };
  std::mutex cache_mu_;
  std::unordered_map<std::string, CachedPrincipal> key_cache_;  // GUARDED_BY(cache_mu_)
  // Counts the clears of key_cache_, so that a lookup that read the store
  // before a change committed does not cache what it read after the clear.
  uint64_t cache_generation_ = 0;  // GUARDED_BY(cache_mu_)
};

}  // namespace counterfoil::service
