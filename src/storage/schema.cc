#include "storage/schema.h"

namespace counterfoil::storage {

namespace {
Value T(Timestamp t) { return FormatTime(t); }
Value T(const std::optional<Timestamp>& t) {
  if (!t) return std::monostate{};
  return FormatTime(*t);
}
Value S(const std::string& s) {
  if (s.empty()) return std::monostate{};
  return s;
}
}  // namespace

Value TokenList(const std::vector<std::string>& ids) {
  if (ids.empty()) return std::monostate{};
  std::string s = "|";
  for (const auto& id : ids) s += id + "|";
  return s;
}

using namespace domain;

std::vector<std::string> AppealOrgTokens(const Appeal& a) {
  std::vector<std::string> t;
  if (!a.complainant_org_id.empty()) t.push_back("c:" + a.complainant_org_id);
  if (!a.principal_org_id.empty()) t.push_back("p:" + a.principal_org_id);
  for (const auto& id : a.rights_holder_ids) t.push_back("h:" + id);
  return t;
}

#define CF_ID(Type, expr) \
  std::string Schema<Type>::Id(const Type& v) { return expr; }

CF_ID(Organisation, v.id)
std::vector<Value> Schema<Organisation>::Values(const Organisation& v) {
  return {std::string(Name(v.kind)), v.name};
}
CF_ID(User, v.id)
std::vector<Value> Schema<User>::Values(const User& v) {
  return {v.email, S(v.org_id), S(v.seller_id), std::string(Name(v.role))};
}
CF_ID(ApiKey, v.id)
std::vector<Value> Schema<ApiKey>::Values(const ApiKey& v) { return {v.hash, v.user_id}; }
CF_ID(Session, v.id)
std::vector<Value> Schema<Session>::Values(const Session& v) {
  return {v.user_id, T(v.expires_at)};
}
CF_ID(AgentAuthorisation, v.id)
std::vector<Value> Schema<AgentAuthorisation>::Values(const AgentAuthorisation& v) {
  return {v.agent_org_id, v.principal_org_id};
}
CF_ID(Right, v.id)
std::vector<Value> Schema<Right>::Values(const Right& v) {
  return {v.org_id, std::string(Name(v.type)), std::string(Name(v.verification))};
}
CF_ID(ProtectionProfile, v.org_id)
std::vector<Value> Schema<ProtectionProfile>::Values(const ProtectionProfile& v) {
  return {T(v.updated_at)};
}
CF_ID(Marketplace, v.id)
std::vector<Value> Schema<Marketplace>::Values(const Marketplace& v) { return {v.name}; }
CF_ID(Seller, SellerKey(v.marketplace_id, v.id))
std::vector<Value> Schema<Seller>::Values(const Seller& v) {
  return {v.marketplace_id, v.id,
          std::string(v.status == SellerStatus::kActive ? "active" : "suspended")};
}
CF_ID(Listing, v.id)
std::vector<Value> Schema<Listing>::Values(const Listing& v) {
  return {v.marketplace_id, v.seller_id, std::string(Name(v.status)), T(v.updated_at)};
}
CF_ID(Notice, v.id)
std::vector<Value> Schema<Notice>::Values(const Notice& v) {
  // open_key is unique while a notice is open: the database itself refuses a
  // second open notice on the same listing and right.
  Value open_key = IsOpen(v.state) ? Value(v.listing_id + "|" + v.right_id) : Value();
  return {v.marketplace_id,
          v.complainant_org_id,
          v.principal_org_id,
          v.listing_id,
          v.right_id,
          v.seller_id,
          std::string(Name(v.state)),
          open_key,
          int64_t{v.priority},
          T(v.review_due_at),
          T(v.received_at),
          S(v.job_id),
          T(v.decided_at),
          T(v.info_deadline),
          int64_t{v.post_review_pending ? 1 : 0}};
}
CF_ID(StatementOfReasons, v.id)
std::vector<Value> Schema<StatementOfReasons>::Values(const StatementOfReasons& v) {
  return {S(v.notice_id), v.seller_id, T(v.created_at)};
}
CF_ID(CounterNotice, v.id)
std::vector<Value> Schema<CounterNotice>::Values(const CounterNotice& v) {
  return {v.notice_id,         v.seller_id, v.marketplace_id, v.principal_org_id,  v.complainant_org_id,
          std::string(Name(v.state)), T(v.restore_at), T(v.received_at)};
}
CF_ID(Appeal, v.id)
std::vector<Value> Schema<Appeal>::Values(const Appeal& v) {
  return {S(v.notice_id),
          v.seller_id,
          v.marketplace_id,
          S(v.complainant_org_id),
          std::string(Name(v.state)),
          T(v.filed_at),
          S(v.hit_id),
          TokenList(AppealOrgTokens(v))};
}
CF_ID(Strike, v.id)
std::vector<Value> Schema<Strike>::Values(const Strike& v) {
  return {v.seller_id, v.marketplace_id, T(v.at), int64_t{v.voided ? 1 : 0}};
}
CF_ID(WebhookEndpoint, v.id)
std::vector<Value> Schema<WebhookEndpoint>::Values(const WebhookEndpoint& v) {
  return {S(v.owner_org_id), S(v.marketplace_id)};
}
CF_ID(Delivery, v.id)
std::vector<Value> Schema<Delivery>::Values(const Delivery& v) {
  return {v.endpoint_id, std::string(Name(v.state)), T(v.next_attempt_at), v.event_seq};
}
CF_ID(Job, v.id)
std::vector<Value> Schema<Job>::Values(const Job& v) {
  return {S(v.owner_org_id), std::string(Name(v.state)), T(v.created_at), S(v.kind)};
}
CF_ID(ScreeningHit, v.id)
std::vector<Value> Schema<ScreeningHit>::Values(const ScreeningHit& v) {
  return {v.marketplace_id, v.listing_id,     v.seller_id, std::string(Name(v.status)),
          TokenList(v.rights_holder_ids), T(v.created_at), T(v.decided_at)};
}
CF_ID(StayDownEntry, v.id)
std::vector<Value> Schema<StayDownEntry>::Values(const StayDownEntry& v) {
  return {v.source, S(v.listing_id), T(v.created_at)};
}
CF_ID(PhotoBank, v.id)
std::vector<Value> Schema<PhotoBank>::Values(const PhotoBank& v) {
  return {v.kind, S(v.owner_org_id)};
}
CF_ID(PhotoHashEntry, v.id)
std::vector<Value> Schema<PhotoHashEntry>::Values(const PhotoHashEntry& v) {
  return {v.bank_id, S(v.source), S(v.photo_sha256), S(v.rights_holder_id), T(v.created_at)};
}
CF_ID(ScreeningRuleStat, RuleStatKey(v.code, v.rights_holder_id))
std::vector<Value> Schema<ScreeningRuleStat>::Values(const ScreeningRuleStat& v) {
  return {v.code, S(v.rights_holder_id)};
}

}  // namespace counterfoil::storage
