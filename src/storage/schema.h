// How each aggregate maps onto a table: the table name, the indexed columns
// and their values. Shared by every backend so the relational shape is the
// same on SQLite and PostgreSQL. Each table is
//   (id TEXT PRIMARY KEY, doc TEXT NOT NULL, <indexed columns>)
// where doc is the aggregate's JSON document (domain::ToJson) and the
// columns exist for filtering, ordering and uniqueness.
#pragma once

#include <string_view>
#include <vector>

#include "domain/model.h"
#include "storage/store.h"

namespace counterfoil::storage {

template <typename T>
struct Schema;

#define CF_SCHEMA(Type, table, ...)                                  \
  template <>                                                        \
  struct Schema<domain::Type> {                                      \
    static constexpr std::string_view kTable = table;                \
    static const std::vector<std::string_view>& Columns() {          \
      static const std::vector<std::string_view> c = {__VA_ARGS__};  \
      return c;                                                      \
    }                                                                \
    static std::string Id(const domain::Type& v);                    \
    static std::vector<Value> Values(const domain::Type& v);         \
  };

CF_SCHEMA(Organisation, "organisations", "kind", "name")
CF_SCHEMA(User, "users", "email", "org_id", "seller_id", "role")
CF_SCHEMA(ApiKey, "api_keys", "hash", "user_id")
CF_SCHEMA(Session, "sessions", "user_id", "expires_at")
CF_SCHEMA(AgentAuthorisation, "authorisations", "agent_org_id", "principal_org_id")
CF_SCHEMA(Right, "rights", "org_id", "type", "verification")
CF_SCHEMA(ProtectionProfile, "protection_profiles", "updated_at")
CF_SCHEMA(Marketplace, "marketplaces", "name")
CF_SCHEMA(Seller, "sellers", "marketplace_id", "seller_id", "status")
CF_SCHEMA(Listing, "listings", "marketplace_id", "seller_id", "status", "updated_at")
CF_SCHEMA(Notice, "notices", "marketplace_id", "complainant_org_id", "principal_org_id",
          "listing_id", "right_id", "seller_id", "state", "open_key", "priority", "review_due_at",
          "received_at", "job_id", "decided_at", "info_deadline", "post_review_pending")
CF_SCHEMA(StatementOfReasons, "statements", "notice_id", "seller_id", "created_at")
CF_SCHEMA(CounterNotice, "counter_notices", "notice_id", "seller_id", "marketplace_id", "principal_org_id",
          "complainant_org_id", "state", "restore_at", "received_at")
// org_tokens is a TokenList of who on the rights-holder side sees the appeal:
// "c:<complainant>", "p:<principal>" for notice appeals, "h:<rights holder>"
// for each rights holder concerned by a screening hit (AppealOrgTokens).
CF_SCHEMA(Appeal, "appeals", "notice_id", "seller_id", "marketplace_id", "complainant_org_id",
          "state", "filed_at", "hit_id", "org_tokens")
CF_SCHEMA(Strike, "strikes", "seller_id", "marketplace_id", "at", "voided")
CF_SCHEMA(WebhookEndpoint, "webhooks", "owner_org_id", "marketplace_id")
CF_SCHEMA(Delivery, "deliveries", "endpoint_id", "state", "next_attempt_at", "event_seq")
CF_SCHEMA(Job, "jobs", "owner_org_id", "state", "created_at", "kind")
// rights_holders is a TokenList of the hit's rights_holder_ids (tenancy);
// decided_at dates its decision for the reports.
CF_SCHEMA(ScreeningHit, "screening_hits", "marketplace_id", "listing_id", "seller_id", "status",
          "rights_holders", "created_at", "decided_at")
CF_SCHEMA(StayDownEntry, "stay_down", "source", "listing_id", "created_at")
CF_SCHEMA(ScreeningRuleStat, "screening_rule_stats", "code", "rights_holder_id")
CF_SCHEMA(PhotoBank, "photo_banks", "kind", "owner_org_id")
CF_SCHEMA(PhotoHashEntry, "photo_hashes", "bank_id", "source", "photo_sha256", "rights_holder_id",
          "created_at")

#undef CF_SCHEMA

// The tokens of an appeal's org_tokens column (see the Appeal schema).
std::vector<std::string> AppealOrgTokens(const domain::Appeal& a);

}  // namespace counterfoil::storage
