#include "domain/model.h"

#include <array>
#include <cstdio>
#include <utility>

#include "common/crypto.h"

namespace counterfoil::domain {

namespace {

template <typename E, size_t N>
std::string_view EnumName(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [k, v] : table)
    if (k == e) return v;
  return "unknown";
}
template <typename E, size_t N>
std::optional<E> EnumParse(const std::array<std::pair<E, std::string_view>, N>& table,
                           std::string_view s) {
  for (const auto& [k, v] : table)
    if (v == s) return k;
  return std::nullopt;
}

constexpr std::array<std::pair<OrgKind, std::string_view>, 6> kOrgKinds{{
    {OrgKind::kBrandOwner, "brand_owner"},
    {OrgKind::kPublisher, "publisher"},
    {OrgKind::kCoalition, "coalition"},
    {OrgKind::kAgency, "agency"},
    {OrgKind::kMarketplace, "marketplace"},
    {OrgKind::kPlatform, "platform"},
}};
constexpr std::array<std::pair<Role, std::string_view>, 7> kRoles{{
    {Role::kAdmin, "admin"},
    {Role::kReviewer, "reviewer"},
    {Role::kRightsHolder, "rights_holder"},
    {Role::kAgent, "agent"},
    {Role::kSeller, "seller"},
    {Role::kInvestigator, "investigator"},
    {Role::kMarketplace, "marketplace"},
}};
constexpr std::array<std::pair<RightType, std::string_view>, 3> kRightTypes{{
    {RightType::kTrademark, "trademark"},
    {RightType::kCopyright, "copyright"},
    {RightType::kDesign, "design"},
}};
constexpr std::array<std::pair<Verification, std::string_view>, 3> kVerifications{{
    {Verification::kPending, "pending"},
    {Verification::kVerified, "verified"},
    {Verification::kRejected, "rejected"},
}};
constexpr std::array<std::pair<ListingStatus, std::string_view>, 4> kListingStatuses{{
    {ListingStatus::kActive, "active"},
    {ListingStatus::kRemoved, "removed"},
    {ListingStatus::kRestored, "restored"},
    {ListingStatus::kBlocked, "blocked"},
}};
constexpr std::array<std::pair<NoticeState, std::string_view>, 10> kNoticeStates{{
    {NoticeState::kReceived, "received"},
    {NoticeState::kInReview, "in_review"},
    {NoticeState::kInfoRequested, "info_requested"},
    {NoticeState::kAccepted, "accepted"},
    {NoticeState::kCounterNoticed, "counter_noticed"},
    {NoticeState::kActionFiled, "action_filed"},
    {NoticeState::kRestored, "restored"},
    {NoticeState::kRejected, "rejected"},
    {NoticeState::kWithdrawn, "withdrawn"},
    {NoticeState::kLapsed, "lapsed"},
}};
constexpr std::array<std::pair<CounterNoticeState, std::string_view>, 3> kCounterStates{{
    {CounterNoticeState::kPending, "pending"},
    {CounterNoticeState::kActionFiled, "action_filed"},
    {CounterNoticeState::kRestored, "restored"},
}};
constexpr std::array<std::pair<AppealState, std::string_view>, 3> kAppealStates{{
    {AppealState::kOpen, "open"},
    {AppealState::kUpheld, "upheld"},
    {AppealState::kOverturned, "overturned"},
}};
constexpr std::array<std::pair<DeliveryState, std::string_view>, 3> kDeliveryStates{{
    {DeliveryState::kPending, "pending"},
    {DeliveryState::kDelivered, "delivered"},
    {DeliveryState::kFailed, "failed"},
}};
constexpr std::array<std::pair<HitStatus, std::string_view>, 5> kHitStatuses{{
    {HitStatus::kOpen, "open"},
    {HitStatus::kConfirmed, "confirmed"},
    {HitStatus::kDismissed, "dismissed"},
    {HitStatus::kAutoBlocked, "auto_blocked"},
    {HitStatus::kOverturned, "overturned"},
}};
constexpr std::array<std::pair<JobState, std::string_view>, 4> kJobStates{{
    {JobState::kQueued, "queued"},
    {JobState::kRunning, "running"},
    {JobState::kDone, "done"},
    {JobState::kFailed, "failed"},
}};

// Document helpers.
void PutTime(json::object& o, std::string_view k, Timestamp t) { o[k] = FormatTime(t); }
void PutTime(json::object& o, std::string_view k, const std::optional<Timestamp>& t) {
  if (t) o[k] = FormatTime(*t);
}
Timestamp GetTime(const json::object& o, std::string_view k) {
  auto r = ParseTime(GetString(o, k));
  return r.ok() ? *r : Timestamp{};
}
std::optional<Timestamp> GetOptTime(const json::object& o, std::string_view k) {
  auto it = o.find(k);
  if (it == o.end() || !it->value().is_string()) return std::nullopt;
  auto r = ParseTime(it->value().get_string());
  if (!r.ok()) return std::nullopt;
  return *r;
}
// Copies into the default memory resource, whatever `o` was parsed into: a
// document may be parsed into a short-lived arena (storage's Decode does),
// and nothing FromJson keeps may point into it.
json::object GetObject(const json::object& o, std::string_view k) {
  auto it = o.find(k);
  if (it == o.end() || !it->value().is_object()) return {};
  return json::object(it->value().get_object(), json::storage_ptr());
}
json::array GetArray(const json::object& o, std::string_view k) {
  auto it = o.find(k);
  if (it == o.end() || !it->value().is_array()) return {};
  return json::array(it->value().get_array(), json::storage_ptr());
}
template <typename E, size_t N>
E GetEnum(const json::object& o, std::string_view k,
          const std::array<std::pair<E, std::string_view>, N>& table, E def) {
  return EnumParse(table, GetString(o, k)).value_or(def);
}

}  // namespace

std::string_view Name(OrgKind k) { return EnumName(kOrgKinds, k); }
std::optional<OrgKind> ParseOrgKind(std::string_view s) { return EnumParse(kOrgKinds, s); }
std::string_view Name(Role r) { return EnumName(kRoles, r); }
std::optional<Role> ParseRole(std::string_view s) { return EnumParse(kRoles, s); }
std::string_view Name(RightType t) { return EnumName(kRightTypes, t); }
std::optional<RightType> ParseRightType(std::string_view s) { return EnumParse(kRightTypes, s); }
std::string_view Name(Verification v) { return EnumName(kVerifications, v); }
std::string_view Name(ListingStatus s) { return EnumName(kListingStatuses, s); }
std::string_view Name(HitStatus s) { return EnumName(kHitStatuses, s); }
std::optional<HitStatus> ParseHitStatus(std::string_view s) { return EnumParse(kHitStatuses, s); }
std::string_view Name(NoticeState s) { return EnumName(kNoticeStates, s); }
std::optional<NoticeState> ParseNoticeState(std::string_view s) {
  return EnumParse(kNoticeStates, s);
}
std::string_view Name(CounterNoticeState s) { return EnumName(kCounterStates, s); }
std::string_view Name(AppealState s) { return EnumName(kAppealStates, s); }
std::string_view Name(DeliveryState s) { return EnumName(kDeliveryStates, s); }
std::string_view Name(JobState s) { return EnumName(kJobStates, s); }

bool IsOpen(NoticeState s) {
  return s == NoticeState::kReceived || s == NoticeState::kInReview ||
         s == NoticeState::kInfoRequested;
}
bool IsTakenDown(NoticeState s) {
  return s == NoticeState::kAccepted || s == NoticeState::kCounterNoticed ||
         s == NoticeState::kActionFiled;
}

std::string Describe(const Right& r) {
  std::string s(Name(r.type));
  if (r.type == RightType::kCopyright) {
    s += " in ";
    s += r.works.empty() ? std::string("unnamed works")
                         : "\"" + r.works.front().title + "\"" +
                               (r.works.size() > 1 ? " and " + std::to_string(r.works.size() - 1) +
                                                         " other works"
                                                   : "");
  } else {
    s += " " + r.mark;
  }
  if (!r.registration_number.empty()) s += " (" + r.office + " " + r.registration_number + ")";
  return s;
}

json::object Snapshot(const Listing& l, Timestamp at) {
  json::object o;
  o["listing_id"] = l.id;
  o["version"] = l.version;
  o["title"] = l.title;
  o["description"] = l.description;
  o["category"] = l.category;
  o["price"] = json::object{{"amount", l.price}, {"currency", l.currency}};
  o["images"] = ToJsonArray(l.images);
  o["seller_id"] = l.seller_id;
  o["url"] = l.url;
  o["status"] = Name(l.status);
  PutTime(o, "taken_at", at);
  return o;
}

// ---------------------------------------------------------------- ToJson

json::object ToJson(const Organisation& v) {
  json::object o;
  o["id"] = v.id;
  o["name"] = v.name;
  o["kind"] = Name(v.kind);
  o["member_ids"] = ToJsonArray(v.member_ids);
  o["trusted_flagger"] = v.trusted_flagger;
  o["marketplace_id"] = v.marketplace_id;
  o["contact_email"] = v.contact_email;
  o["country"] = v.country;
  o["standing"] = v.standing;
  PutTime(o, "limited_until", v.limited_until);
  PutTime(o, "created_at", v.created_at);
  return o;
}
void FromJson(const json::object& o, Organisation& v) {
  v.id = GetString(o, "id");
  v.name = GetString(o, "name");
  v.kind = GetEnum(o, "kind", kOrgKinds, OrgKind::kBrandOwner);
  v.member_ids = GetStrings(o, "member_ids");
  v.trusted_flagger = GetBool(o, "trusted_flagger");
  v.marketplace_id = GetString(o, "marketplace_id");
  v.contact_email = GetString(o, "contact_email");
  v.country = GetString(o, "country");
  v.standing = GetString(o, "standing", "standard");
  v.limited_until = GetOptTime(o, "limited_until");
  v.created_at = GetTime(o, "created_at");
}

json::object ToJson(const User& v) {
  json::object o;
  o["id"] = v.id;
  o["email"] = v.email;
  o["name"] = v.name;
  o["role"] = Name(v.role);
  o["org_id"] = v.org_id;
  o["seller_id"] = v.seller_id;
  o["marketplace_id"] = v.marketplace_id;
  o["password_hash"] = v.password_hash;
  o["disabled"] = v.disabled;
  PutTime(o, "created_at", v.created_at);
  return o;
}
void FromJson(const json::object& o, User& v) {
  v.id = GetString(o, "id");
  v.email = GetString(o, "email");
  v.name = GetString(o, "name");
  v.role = GetEnum(o, "role", kRoles, Role::kRightsHolder);
  v.org_id = GetString(o, "org_id");
  v.seller_id = GetString(o, "seller_id");
  v.marketplace_id = GetString(o, "marketplace_id");
  v.password_hash = GetString(o, "password_hash");
  v.disabled = GetBool(o, "disabled");
  v.created_at = GetTime(o, "created_at");
}

json::object ToJson(const ApiKey& v) {
  json::object o;
  o["id"] = v.id;
  o["user_id"] = v.user_id;
  o["name"] = v.name;
  o["prefix"] = v.prefix;
  o["hash"] = v.hash;
  PutTime(o, "created_at", v.created_at);
  PutTime(o, "revoked_at", v.revoked_at);
  return o;
}
void FromJson(const json::object& o, ApiKey& v) {
  v.id = GetString(o, "id");
  v.user_id = GetString(o, "user_id");
  v.name = GetString(o, "name");
  v.prefix = GetString(o, "prefix");
  v.hash = GetString(o, "hash");
  v.created_at = GetTime(o, "created_at");
  v.revoked_at = GetOptTime(o, "revoked_at");
}

json::object ToJson(const Session& v) {
  json::object o;
  o["id"] = v.id;
  o["user_id"] = v.user_id;
  o["csrf_token"] = v.csrf_token;
  PutTime(o, "created_at", v.created_at);
  PutTime(o, "expires_at", v.expires_at);
  return o;
}
void FromJson(const json::object& o, Session& v) {
  v.id = GetString(o, "id");
  v.user_id = GetString(o, "user_id");
  v.csrf_token = GetString(o, "csrf_token");
  v.created_at = GetTime(o, "created_at");
  v.expires_at = GetTime(o, "expires_at");
}

json::object ToJson(const AgentAuthorisation& v) {
  json::object o;
  o["id"] = v.id;
  o["agent_org_id"] = v.agent_org_id;
  o["principal_org_id"] = v.principal_org_id;
  o["document_sha256"] = v.document_sha256;
  PutTime(o, "valid_until", v.valid_until);
  o["revoked"] = v.revoked;
  PutTime(o, "created_at", v.created_at);
  return o;
}
void FromJson(const json::object& o, AgentAuthorisation& v) {
  v.id = GetString(o, "id");
  v.agent_org_id = GetString(o, "agent_org_id");
  v.principal_org_id = GetString(o, "principal_org_id");
  v.document_sha256 = GetString(o, "document_sha256");
  v.valid_until = GetOptTime(o, "valid_until");
  v.revoked = GetBool(o, "revoked");
  v.created_at = GetTime(o, "created_at");
}

json::object ToJson(const Work& w) {
  return json::object{{"title", w.title},
                      {"isbn", w.isbn},
                      {"list_price", w.list_price},
                      {"currency", w.currency}};
}
json::object ToJson(const Product& p) {
  return json::object{{"name", p.name},
                      {"terms", ToJsonArray(p.terms)},
                      {"msrp", p.msrp},
                      {"currency", p.currency}};
}

json::object ToJson(const Right& v) {
  json::object o;
  o["id"] = v.id;
  o["org_id"] = v.org_id;
  o["type"] = Name(v.type);
  o["verification"] = Name(v.verification);
  o["rejection_reason"] = v.rejection_reason;
  o["verified_by"] = v.verified_by;
  PutTime(o, "verified_at", v.verified_at);
  o["mark"] = v.mark;
  o["registration_number"] = v.registration_number;
  o["office"] = v.office;
  json::array classes;
  for (int c : v.nice_classes) classes.emplace_back(c);
  o["nice_classes"] = std::move(classes);
  o["territories"] = ToJsonArray(v.territories);
  o["expires_on"] = v.expires_on;
  json::array works;
  for (const auto& w : v.works) works.emplace_back(ToJson(w));
  o["works"] = std::move(works);
  o["certificates"] = ToJsonArray(v.certificates);
  PutTime(o, "created_at", v.created_at);
  return o;
}
void FromJson(const json::object& o, Right& v) {
  v.id = GetString(o, "id");
  v.org_id = GetString(o, "org_id");
  v.type = GetEnum(o, "type", kRightTypes, RightType::kTrademark);
  v.verification = GetEnum(o, "verification", kVerifications, Verification::kPending);
  v.rejection_reason = GetString(o, "rejection_reason");
  v.verified_by = GetString(o, "verified_by");
  v.verified_at = GetOptTime(o, "verified_at");
  v.mark = GetString(o, "mark");
  v.registration_number = GetString(o, "registration_number");
  v.office = GetString(o, "office");
  v.nice_classes.clear();
  for (const auto& c : GetArray(o, "nice_classes"))
    if (c.is_int64()) v.nice_classes.push_back(static_cast<int>(c.get_int64()));
  v.territories = GetStrings(o, "territories");
  v.expires_on = GetString(o, "expires_on");
  v.works.clear();
  for (const auto& w : GetArray(o, "works")) {
    if (!w.is_object()) continue;
    const auto& wo = w.get_object();
    v.works.push_back({GetString(wo, "title"), GetString(wo, "isbn"), GetDouble(wo, "list_price"),
                       GetString(wo, "currency")});
  }
  v.certificates = GetStrings(o, "certificates");
  v.created_at = GetTime(o, "created_at");
}

json::object ToJson(const ProtectionProfile& v) {
  json::object o;
  o["org_id"] = v.org_id;
  o["brand_terms"] = ToJsonArray(v.brand_terms);
  o["categories"] = ToJsonArray(v.categories);
  json::array products;
  for (const auto& p : v.products) products.emplace_back(ToJson(p));
  o["products"] = std::move(products);
  o["authorized_sellers"] = ToJsonArray(v.authorized_sellers);
  o["reference_images"] = ToJsonArray(v.reference_images);
  o["isbn_prefixes"] = ToJsonArray(v.isbn_prefixes);
  o["common_word"] = v.common_word;
  if (!v.category_bans.empty()) o["category_bans"] = v.category_bans;
  if (!v.suspicious_terms.empty()) o["suspicious_terms"] = ToJsonArray(v.suspicious_terms);
  if (!v.piracy_terms.empty()) o["piracy_terms"] = ToJsonArray(v.piracy_terms);
  PutTime(o, "updated_at", v.updated_at);
  return o;
}
void FromJson(const json::object& o, ProtectionProfile& v) {
  v.org_id = GetString(o, "org_id");
  v.brand_terms = GetStrings(o, "brand_terms");
  v.categories = GetStrings(o, "categories");
  v.products.clear();
  for (const auto& p : GetArray(o, "products")) {
    if (!p.is_object()) continue;
    const auto& po = p.get_object();
    v.products.push_back({GetString(po, "name"), GetStrings(po, "terms"), GetDouble(po, "msrp"),
                          GetString(po, "currency", "USD")});
  }
  v.authorized_sellers = GetStrings(o, "authorized_sellers");
  v.reference_images = GetStrings(o, "reference_images");
  v.isbn_prefixes = GetStrings(o, "isbn_prefixes");
  v.common_word = GetBool(o, "common_word");
  v.category_bans = GetArray(o, "category_bans");
  v.suspicious_terms = GetStrings(o, "suspicious_terms");
  v.piracy_terms = GetStrings(o, "piracy_terms");
  v.updated_at = GetTime(o, "updated_at");
}

json::object ToJson(const Marketplace& v) {
  json::object o;
  o["id"] = v.id;
  o["name"] = v.name;
  o["regimes"] = ToJsonArray(v.regimes);
  o["regime_overrides"] = v.regime_overrides;
  o["repeat_infringer"] = v.repeat_infringer;
  o["notifier_programme"] = v.notifier_programme;
  o["screening"] = v.screening;
  o["url_template"] = v.url_template;
  PutTime(o, "created_at", v.created_at);
  return o;
}
void FromJson(const json::object& o, Marketplace& v) {
  v.id = GetString(o, "id");
  v.name = GetString(o, "name");
  v.regimes = GetStrings(o, "regimes");
  v.regime_overrides = GetObject(o, "regime_overrides");
  v.repeat_infringer = GetObject(o, "repeat_infringer");
  v.notifier_programme = GetObject(o, "notifier_programme");
  v.screening = GetObject(o, "screening");
  v.url_template = GetString(o, "url_template");
  v.created_at = GetTime(o, "created_at");
}

json::object ToJson(const Seller& v) {
  json::object o;
  o["id"] = v.id;
  o["marketplace_id"] = v.marketplace_id;
  o["name"] = v.name;
  o["trader"] = v.trader;
  o["status"] = v.status == SellerStatus::kActive ? "active" : "suspended";
  o["suspension_reason"] = v.suspension_reason;
  PutTime(o, "suspended_at", v.suspended_at);
  PutTime(o, "created_at", v.created_at);
  PutTime(o, "updated_at", v.updated_at);
  return o;
}
void FromJson(const json::object& o, Seller& v) {
  v.id = GetString(o, "id");
  v.marketplace_id = GetString(o, "marketplace_id");
  v.name = GetString(o, "name");
  v.trader = GetObject(o, "trader");
  v.status = GetString(o, "status") == "suspended" ? SellerStatus::kSuspended
                                                   : SellerStatus::kActive;
  v.suspension_reason = GetString(o, "suspension_reason");
  v.suspended_at = GetOptTime(o, "suspended_at");
  v.created_at = GetTime(o, "created_at");
  v.updated_at = GetTime(o, "updated_at");
}

json::object ToJson(const Listing& v) {
  json::object o;
  o["id"] = v.id;
  o["marketplace_id"] = v.marketplace_id;
  o["seller_id"] = v.seller_id;
  o["title"] = v.title;
  o["description"] = v.description;
  o["category"] = v.category;
  o["price"] = json::object{{"amount", v.price}, {"currency", v.currency}};
  o["images"] = ToJsonArray(v.images);
  if (!v.photos.empty()) {
    json::array photos;
    for (const auto& p : v.photos) photos.push_back(ToJson(p));
    o["photos"] = std::move(photos);
  }
  o["ship_from"] = v.ship_from;
  o["url"] = v.url;
  o["status"] = Name(v.status);
  o["status_reason"] = v.status_reason;
  o["version"] = v.version;
  if (v.screening) o["screening"] = ToJson(*v.screening);
  if (v.cleared) o["cleared"] = ToJson(*v.cleared);
  PutTime(o, "created_at", v.created_at);
  PutTime(o, "updated_at", v.updated_at);
  return o;
}
void FromJson(const json::object& o, Listing& v) {
  v.id = GetString(o, "id");
  v.marketplace_id = GetString(o, "marketplace_id");
  v.seller_id = GetString(o, "seller_id");
  v.title = GetString(o, "title");
  v.description = GetString(o, "description");
  v.category = GetString(o, "category");
  json::object price = GetObject(o, "price");
  v.price = GetDouble(price, "amount");
  v.currency = GetString(price, "currency", "USD");
  v.images = GetStrings(o, "images");
  v.photos.clear();
  if (auto it = o.find("photos"); it != o.end() && it->value().is_array()) {
    for (const auto& p : it->value().get_array()) {
      if (!p.is_object()) continue;
      v.photos.emplace_back();
      FromJson(p.get_object(), v.photos.back());
    }
  }
  v.ship_from = GetString(o, "ship_from");
  v.url = GetString(o, "url");
  v.status = GetEnum(o, "status", kListingStatuses, ListingStatus::kActive);
  v.status_reason = GetString(o, "status_reason");
  v.version = GetInt(o, "version");
  v.screening.reset();
  if (auto it = o.find("screening"); it != o.end() && it->value().is_object()) {
    v.screening.emplace();
    FromJson(it->value().get_object(), *v.screening);
  }
  v.cleared.reset();
  if (auto it = o.find("cleared"); it != o.end() && it->value().is_object()) {
    v.cleared.emplace();
    FromJson(it->value().get_object(), *v.cleared);
  }
  v.created_at = GetTime(o, "created_at");
  v.updated_at = GetTime(o, "updated_at");
}

json::object ToJson(const Notice& v, json::storage_ptr sp) {
  json::object o(sp);
  // Room for every member and the two the API view adds (links, receipt):
  // no rehashing while the object is built, on every notice stored or shown.
  o.reserve(36);
  o["id"] = v.id;
  o["marketplace_id"] = v.marketplace_id;
  o["complainant_org_id"] = v.complainant_org_id;
  o["principal_org_id"] = v.principal_org_id;
  o["filed_by"] = v.filed_by;
  o["right_id"] = v.right_id;
  o["listing_id"] = v.listing_id;
  o["seller_id"] = v.seller_id;
  o["infringement_type"] = v.infringement_type;
  o["body"] = v.body;
  o["snapshot"] = v.snapshot;
  o["state"] = Name(v.state);
  o["priority"] = v.priority;
  o["source"] = v.source;
  o["job_id"] = v.job_id;
  o["fast_lane"] = v.fast_lane;
  o["post_review_pending"] = v.post_review_pending;
  PutTime(o, "received_at", v.received_at);
  PutTime(o, "review_due_at", v.review_due_at);
  o["claimed_by"] = v.claimed_by;
  PutTime(o, "claimed_at", v.claimed_at);
  o["decided_by"] = v.decided_by;
  PutTime(o, "decided_at", v.decided_at);
  o["decision_reason"] = v.decision_reason;
  o["rejection_code"] = v.rejection_code;
  o["info_request"] = v.info_request;
  PutTime(o, "info_deadline", v.info_deadline);
  PutTime(o, "counter_notice_deadline", v.counter_notice_deadline);
  PutTime(o, "appeal_deadline", v.appeal_deadline);
  o["statement_id"] = v.statement_id;
  o["counter_notice_id"] = v.counter_notice_id;
  o["strike_id"] = v.strike_id;
  json::array tl(sp);
  for (const auto& e : v.timeline) {
    json::object t(sp);
    PutTime(t, "at", e.at);
    t["actor"] = e.actor;
    t["action"] = e.action;
    t["detail"] = e.detail;
    tl.emplace_back(std::move(t));
  }
  o["timeline"] = std::move(tl);
  return o;
}
void FromJson(const json::object& o, Notice& v) {
  v.id = GetString(o, "id");
  v.marketplace_id = GetString(o, "marketplace_id");
  v.complainant_org_id = GetString(o, "complainant_org_id");
  v.principal_org_id = GetString(o, "principal_org_id");
  v.filed_by = GetString(o, "filed_by");
  v.right_id = GetString(o, "right_id");
  v.listing_id = GetString(o, "listing_id");
  v.seller_id = GetString(o, "seller_id");
  v.infringement_type = GetString(o, "infringement_type");
  v.body = GetObject(o, "body");
  v.snapshot = GetObject(o, "snapshot");
  v.state = GetEnum(o, "state", kNoticeStates, NoticeState::kReceived);
  v.priority = static_cast<int>(GetInt(o, "priority", 2));
  v.source = GetString(o, "source", "api");
  v.job_id = GetString(o, "job_id");
  v.fast_lane = GetBool(o, "fast_lane");
  v.post_review_pending = GetBool(o, "post_review_pending");
  v.received_at = GetTime(o, "received_at");
  v.review_due_at = GetTime(o, "review_due_at");
  v.claimed_by = GetString(o, "claimed_by");
  v.claimed_at = GetOptTime(o, "claimed_at");
  v.decided_by = GetString(o, "decided_by");
  v.decided_at = GetOptTime(o, "decided_at");
  v.decision_reason = GetString(o, "decision_reason");
  v.rejection_code = GetString(o, "rejection_code");
  v.info_request = GetString(o, "info_request");
  v.info_deadline = GetOptTime(o, "info_deadline");
  v.counter_notice_deadline = GetOptTime(o, "counter_notice_deadline");
  v.appeal_deadline = GetOptTime(o, "appeal_deadline");
  v.statement_id = GetString(o, "statement_id");
  v.counter_notice_id = GetString(o, "counter_notice_id");
  v.strike_id = GetString(o, "strike_id");
  v.timeline.clear();
  for (const auto& e : GetArray(o, "timeline")) {
    if (!e.is_object()) continue;
    const auto& eo = e.get_object();
    v.timeline.push_back({GetTime(eo, "at"), GetString(eo, "actor"), GetString(eo, "action"),
                          GetString(eo, "detail")});
  }
}

json::object ToJson(const StatementOfReasons& v) {
  json::object o;
  o["id"] = v.id;
  o["marketplace_id"] = v.marketplace_id;
  o["notice_id"] = v.notice_id;
  o["appeal_id"] = v.appeal_id;
  o["hit_id"] = v.hit_id;
  o["listing_id"] = v.listing_id;
  o["seller_id"] = v.seller_id;
  o["decision"] = v.decision;
  o["restriction"] = v.restriction;
  o["territorial_scope"] = v.territorial_scope;
  o["facts"] = v.facts;
  o["notice_based"] = v.notice_based;
  // DSA art. 17(3)(b) and the Transparency Database's source type.
  o["source"] = v.notice_based ? "notice" : "own_initiative";
  o["automated_detection"] = v.automated_detection;
  o["automated_decision"] = v.automated_decision;
  o["legal_ground"] = v.legal_ground;
  o["terms_ground"] = v.terms_ground;
  o["redress"] = ToJsonArray(v.redress);
  o["decided_by"] = v.decided_by;
  PutTime(o, "created_at", v.created_at);
  return o;
}
void FromJson(const json::object& o, StatementOfReasons& v) {
  v.id = GetString(o, "id");
  v.marketplace_id = GetString(o, "marketplace_id");
  v.notice_id = GetString(o, "notice_id");
  v.appeal_id = GetString(o, "appeal_id");
  v.hit_id = GetString(o, "hit_id");
  v.listing_id = GetString(o, "listing_id");
  v.seller_id = GetString(o, "seller_id");
  v.decision = GetString(o, "decision");
  v.restriction = GetString(o, "restriction");
  v.territorial_scope = GetString(o, "territorial_scope");
  v.facts = GetString(o, "facts");
  v.notice_based = GetBool(o, "notice_based", true);
  v.automated_detection = GetBool(o, "automated_detection");
  v.automated_decision = GetBool(o, "automated_decision");
  v.legal_ground = GetString(o, "legal_ground");
  v.terms_ground = GetString(o, "terms_ground");
  v.redress = GetStrings(o, "redress");
  v.decided_by = GetString(o, "decided_by");
  v.created_at = GetTime(o, "created_at");
}

json::object ToJson(const CounterNotice& v) {
  json::object o;
  o["id"] = v.id;
  o["notice_id"] = v.notice_id;
  o["marketplace_id"] = v.marketplace_id;
  o["seller_id"] = v.seller_id;
  o["complainant_org_id"] = v.complainant_org_id;
  o["principal_org_id"] = v.principal_org_id;
  o["filed_by"] = v.filed_by;
  o["body"] = v.body;
  o["state"] = Name(v.state);
  PutTime(o, "received_at", v.received_at);
  PutTime(o, "forwarded_at", v.forwarded_at);
  PutTime(o, "restore_earliest", v.restore_earliest);
  PutTime(o, "restore_at", v.restore_at);
  PutTime(o, "restore_latest", v.restore_latest);
  o["legal_action"] = v.legal_action;
  PutTime(o, "closed_at", v.closed_at);
  return o;
}
void FromJson(const json::object& o, CounterNotice& v) {
  v.id = GetString(o, "id");
  v.notice_id = GetString(o, "notice_id");
  v.marketplace_id = GetString(o, "marketplace_id");
  v.seller_id = GetString(o, "seller_id");
  v.complainant_org_id = GetString(o, "complainant_org_id");
  v.principal_org_id = GetString(o, "principal_org_id");
  v.filed_by = GetString(o, "filed_by");
  v.body = GetObject(o, "body");
  v.state = GetEnum(o, "state", kCounterStates, CounterNoticeState::kPending);
  v.received_at = GetTime(o, "received_at");
  v.forwarded_at = GetTime(o, "forwarded_at");
  v.restore_earliest = GetTime(o, "restore_earliest");
  v.restore_at = GetTime(o, "restore_at");
  v.restore_latest = GetTime(o, "restore_latest");
  v.legal_action = GetObject(o, "legal_action");
  v.closed_at = GetOptTime(o, "closed_at");
}

json::object ToJson(const Appeal& v) {
  json::object o;
  o["id"] = v.id;
  o["notice_id"] = v.notice_id;
  o["hit_id"] = v.hit_id;
  o["marketplace_id"] = v.marketplace_id;
  o["appellant"] = v.appellant;
  o["seller_id"] = v.seller_id;
  o["complainant_org_id"] = v.complainant_org_id;
  o["principal_org_id"] = v.principal_org_id;
  o["rights_holder_ids"] = ToJsonArray(v.rights_holder_ids);
  o["filed_by"] = v.filed_by;
  o["grounds"] = v.grounds;
  o["evidence"] = ToJsonArray(v.evidence);
  o["state"] = Name(v.state);
  PutTime(o, "filed_at", v.filed_at);
  o["decided_by"] = v.decided_by;
  PutTime(o, "decided_at", v.decided_at);
  o["decision_reasons"] = v.decision_reasons;
  o["statement_id"] = v.statement_id;
  return o;
}
void FromJson(const json::object& o, Appeal& v) {
  v.id = GetString(o, "id");
  v.notice_id = GetString(o, "notice_id");
  v.hit_id = GetString(o, "hit_id");
  v.marketplace_id = GetString(o, "marketplace_id");
  v.appellant = GetString(o, "appellant");
  v.seller_id = GetString(o, "seller_id");
  v.complainant_org_id = GetString(o, "complainant_org_id");
  v.principal_org_id = GetString(o, "principal_org_id");
  v.rights_holder_ids = GetStrings(o, "rights_holder_ids");
  v.filed_by = GetString(o, "filed_by");
  v.grounds = GetString(o, "grounds");
  v.evidence = GetStrings(o, "evidence");
  v.state = GetEnum(o, "state", kAppealStates, AppealState::kOpen);
  v.filed_at = GetTime(o, "filed_at");
  v.decided_by = GetString(o, "decided_by");
  v.decided_at = GetOptTime(o, "decided_at");
  v.decision_reasons = GetString(o, "decision_reasons");
  v.statement_id = GetString(o, "statement_id");
}

json::object ToJson(const Strike& v) {
  json::object o;
  o["id"] = v.id;
  o["seller_id"] = v.seller_id;
  o["marketplace_id"] = v.marketplace_id;
  o["notice_id"] = v.notice_id;
  o["hit_id"] = v.hit_id;
  PutTime(o, "at", v.at);
  o["voided"] = v.voided;
  o["voided_reason"] = v.voided_reason;
  return o;
}
void FromJson(const json::object& o, Strike& v) {
  v.id = GetString(o, "id");
  v.seller_id = GetString(o, "seller_id");
  v.marketplace_id = GetString(o, "marketplace_id");
  v.notice_id = GetString(o, "notice_id");
  v.hit_id = GetString(o, "hit_id");
  v.at = GetTime(o, "at");
  v.voided = GetBool(o, "voided");
  v.voided_reason = GetString(o, "voided_reason");
}

json::object ToJson(const Event& v, json::storage_ptr sp) {
  json::object o(sp);
  o.reserve(9);
  o["seq"] = v.seq;
  o["id"] = v.id;
  o["type"] = v.type;
  o["marketplace_id"] = v.marketplace_id;
  o["org_ids"] = ToJsonArray(v.org_ids);
  o["seller_id"] = v.seller_id;
  o["subject_id"] = v.subject_id;
  PutTime(o, "at", v.at);
  o["data"] = v.data;
  return o;
}
void FromJson(const json::object& o, Event& v) {
  v.seq = GetInt(o, "seq");
  v.id = GetString(o, "id");
  v.type = GetString(o, "type");
  v.marketplace_id = GetString(o, "marketplace_id");
  v.org_ids = GetStrings(o, "org_ids");
  v.seller_id = GetString(o, "seller_id");
  v.subject_id = GetString(o, "subject_id");
  v.at = GetTime(o, "at");
  v.data = GetObject(o, "data");
}

json::object ToJson(const WebhookEndpoint& v) {
  json::object o;
  o["id"] = v.id;
  o["owner_org_id"] = v.owner_org_id;
  o["marketplace_id"] = v.marketplace_id;
  o["url"] = v.url;
  o["secret"] = v.secret;
  o["event_types"] = ToJsonArray(v.event_types);
  o["active"] = v.active;
  PutTime(o, "created_at", v.created_at);
  return o;
}
void FromJson(const json::object& o, WebhookEndpoint& v) {
  v.id = GetString(o, "id");
  v.owner_org_id = GetString(o, "owner_org_id");
  v.marketplace_id = GetString(o, "marketplace_id");
  v.url = GetString(o, "url");
  v.secret = GetString(o, "secret");
  v.event_types = GetStrings(o, "event_types");
  v.active = GetBool(o, "active", true);
  v.created_at = GetTime(o, "created_at");
}

json::object ToJson(const Delivery& v) {
  json::object o;
  o["id"] = v.id;
  o["endpoint_id"] = v.endpoint_id;
  o["event_id"] = v.event_id;
  o["event_seq"] = v.event_seq;
  o["state"] = Name(v.state);
  o["attempts"] = v.attempts;
  PutTime(o, "next_attempt_at", v.next_attempt_at);
  o["last_status"] = v.last_status;
  o["last_error"] = v.last_error;
  PutTime(o, "delivered_at", v.delivered_at);
  return o;
}
void FromJson(const json::object& o, Delivery& v) {
  v.id = GetString(o, "id");
  v.endpoint_id = GetString(o, "endpoint_id");
  v.event_id = GetString(o, "event_id");
  v.event_seq = GetInt(o, "event_seq");
  v.state = GetEnum(o, "state", kDeliveryStates, DeliveryState::kPending);
  v.attempts = static_cast<int>(GetInt(o, "attempts"));
  v.next_attempt_at = GetTime(o, "next_attempt_at");
  v.last_status = static_cast<int>(GetInt(o, "last_status"));
  v.last_error = GetString(o, "last_error");
  v.delivered_at = GetOptTime(o, "delivered_at");
}

json::object ToJson(const Job& v) {
  json::object o;
  o["id"] = v.id;
  o["kind"] = v.kind;
  o["owner_org_id"] = v.owner_org_id;
  o["created_by"] = v.created_by;
  o["input_sha256"] = v.input_sha256;
  o["params"] = v.params;
  o["state"] = Name(v.state);
  o["total"] = v.total;
  o["processed"] = v.processed;
  o["succeeded"] = v.succeeded;
  o["failed"] = v.failed;
  o["results"] = v.results;
  o["error"] = v.error;
  PutTime(o, "created_at", v.created_at);
  PutTime(o, "finished_at", v.finished_at);
  return o;
}
void FromJson(const json::object& o, Job& v) {
  v.id = GetString(o, "id");
  v.kind = GetString(o, "kind");
  v.owner_org_id = GetString(o, "owner_org_id");
  v.created_by = GetString(o, "created_by");
  v.input_sha256 = GetString(o, "input_sha256");
  v.params = GetObject(o, "params");
  v.state = GetEnum(o, "state", kJobStates, JobState::kQueued);
  v.total = GetInt(o, "total");
  v.processed = GetInt(o, "processed");
  v.succeeded = GetInt(o, "succeeded");
  v.failed = GetInt(o, "failed");
  v.results = GetArray(o, "results");
  v.error = GetString(o, "error");
  v.created_at = GetTime(o, "created_at");
  v.finished_at = GetOptTime(o, "finished_at");
}

// ---------------------------------------------------------------- screening

json::object ToJson(const ScreeningVerdict& v) {
  json::array reasons;
  reasons.reserve(v.reasons.size());
  for (const auto& r : v.reasons) {
    json::object ro{{"code", r.code}, {"rights_holder", r.rights_holder}, {"detail", r.detail}};
    if (!r.evidence.empty()) ro["evidence"] = r.evidence;
    if (!r.ref.empty()) ro["ref"] = r.ref;
    ro["weight"] = r.weight;
    reasons.emplace_back(std::move(ro));
  }
  json::object o;
  o["decision"] = v.decision;
  o["score"] = v.score;
  o["reasons"] = std::move(reasons);
  o["rule_set"] = v.rule_set;
  PutTime(o, "screened_at", v.screened_at);
  if (!v.hit_id.empty()) o["hit_id"] = v.hit_id;
  if (!v.content.empty()) o["content"] = v.content;
  if (!v.cleared_by.empty()) o["cleared_by"] = v.cleared_by;
  return o;
}
void FromJson(const json::object& o, ScreeningVerdict& v) {
  v.decision = GetString(o, "decision");
  v.score = GetDouble(o, "score");
  v.reasons.clear();
  if (auto it = o.find("reasons"); it != o.end() && it->value().is_array()) {
    for (const auto& e : it->value().get_array()) {
      if (!e.is_object()) continue;
      const json::object& ro = e.get_object();
      v.reasons.push_back({GetString(ro, "code"), GetString(ro, "rights_holder"),
                           GetString(ro, "detail"), GetString(ro, "evidence"),
                           GetString(ro, "ref"), GetDouble(ro, "weight")});
    }
  }
  v.rule_set = GetString(o, "rule_set");
  v.screened_at = GetTime(o, "screened_at");
  v.hit_id = GetString(o, "hit_id");
  v.content = GetString(o, "content");
  v.cleared_by = GetString(o, "cleared_by");
}

std::string ScreeningReasonKey(const ScreeningReason& r) {
  return r.code + '\x1f' + r.rights_holder + '\x1f' + r.ref;
}

std::string ListingContentDigest(const Listing& l) {
  std::string t;
  auto field = [&t](std::string_view s) {
    t += std::to_string(s.size());
    t += ':';
    t += s;
  };
  field(l.title);
  field(l.description);
  field(l.category);
  char price[64];
  std::snprintf(price, sizeof price, "%.17g", l.price);
  field(price);
  field(l.currency);
  for (const auto& image : l.images) field(image);
  t += '|';
  for (const auto& photo : l.photos) field(photo.sha256);
  return Sha256Hex(t);
}

json::object ToJson(const ScreeningClearance& v) {
  json::array reasons;
  for (const auto& r : v.reasons) reasons.emplace_back(r);
  json::object o{{"content", v.content},
                 {"reasons", std::move(reasons)},
                 {"hit_id", v.hit_id},
                 {"decided_by", v.decided_by},
                 {"why", v.why}};
  PutTime(o, "at", v.at);
  return o;
}
void FromJson(const json::object& o, ScreeningClearance& v) {
  v.content = GetString(o, "content");
  v.reasons = GetStrings(o, "reasons");
  v.hit_id = GetString(o, "hit_id");
  v.decided_by = GetString(o, "decided_by");
  v.why = GetString(o, "why");
  v.at = GetTime(o, "at");
}

json::object ToJson(const ScreeningHit& v) {
  json::object o;
  o["id"] = v.id;
  o["marketplace_id"] = v.marketplace_id;
  o["listing_id"] = v.listing_id;
  o["listing_version"] = v.listing_version;
  o["seller_id"] = v.seller_id;
  o["rights_holder_ids"] = ToJsonArray(v.rights_holder_ids);
  o["verdict"] = ToJson(v.verdict);
  o["snapshot"] = v.snapshot;
  o["trigger"] = v.trigger;
  o["status"] = Name(v.status);
  o["stay_down_source"] = v.stay_down_source;
  o["decided_by"] = v.decided_by;
  PutTime(o, "decided_at", v.decided_at);
  o["decision_note"] = v.decision_note;
  o["statement_id"] = v.statement_id;
  o["strike_id"] = v.strike_id;
  o["stay_down_id"] = v.stay_down_id;
  PutTime(o, "appeal_deadline", v.appeal_deadline);
  o["appeal_id"] = v.appeal_id;
  if (!v.photo_matches.empty()) o["photo_matches"] = v.photo_matches;
  PutTime(o, "created_at", v.created_at);
  PutTime(o, "updated_at", v.updated_at);
  return o;
}
void FromJson(const json::object& o, ScreeningHit& v) {
  v.id = GetString(o, "id");
  v.marketplace_id = GetString(o, "marketplace_id");
  v.listing_id = GetString(o, "listing_id");
  v.listing_version = GetInt(o, "listing_version");
  v.seller_id = GetString(o, "seller_id");
  v.rights_holder_ids = GetStrings(o, "rights_holder_ids");
  v.verdict = {};
  if (auto it = o.find("verdict"); it != o.end() && it->value().is_object())
    FromJson(it->value().get_object(), v.verdict);
  v.snapshot = GetObject(o, "snapshot");
  v.trigger = GetString(o, "trigger");
  v.status = GetEnum(o, "status", kHitStatuses, HitStatus::kOpen);
  v.stay_down_source = GetString(o, "stay_down_source");
  v.decided_by = GetString(o, "decided_by");
  v.decided_at = GetOptTime(o, "decided_at");
  v.decision_note = GetString(o, "decision_note");
  v.statement_id = GetString(o, "statement_id");
  v.strike_id = GetString(o, "strike_id");
  v.stay_down_id = GetString(o, "stay_down_id");
  v.appeal_deadline = GetOptTime(o, "appeal_deadline");
  v.appeal_id = GetString(o, "appeal_id");
  v.photo_matches.clear();
  if (auto it = o.find("photo_matches"); it != o.end() && it->value().is_array())
    v.photo_matches = it->value().get_array();
  v.created_at = GetTime(o, "created_at");
  v.updated_at = GetTime(o, "updated_at");
}

json::object ToJson(const StayDownEntry& v) {
  json::object o;
  o["id"] = v.id;
  o["source"] = v.source;
  o["rights_holder_id"] = v.rights_holder_id;
  o["marketplace_id"] = v.marketplace_id;
  o["listing_id"] = v.listing_id;
  o["title"] = v.title;
  o["description"] = v.description;
  PutTime(o, "created_at", v.created_at);
  return o;
}
void FromJson(const json::object& o, StayDownEntry& v) {
  v.id = GetString(o, "id");
  v.source = GetString(o, "source");
  v.rights_holder_id = GetString(o, "rights_holder_id");
  v.marketplace_id = GetString(o, "marketplace_id");
  v.listing_id = GetString(o, "listing_id");
  v.title = GetString(o, "title");
  v.description = GetString(o, "description");
  v.created_at = GetTime(o, "created_at");
}

json::object ToJson(const ScreeningRuleStat& v) {
  json::object o;
  o["code"] = v.code;
  o["rights_holder_id"] = v.rights_holder_id;
  o["confirmed"] = v.confirmed;
  o["dismissed"] = v.dismissed;
  o["auto_blocked"] = v.auto_blocked;
  o["overturned"] = v.overturned;
  PutTime(o, "updated_at", v.updated_at);
  return o;
}
void FromJson(const json::object& o, ScreeningRuleStat& v) {
  v.code = GetString(o, "code");
  v.rights_holder_id = GetString(o, "rights_holder_id");
  v.confirmed = GetInt(o, "confirmed");
  v.dismissed = GetInt(o, "dismissed");
  v.auto_blocked = GetInt(o, "auto_blocked");
  v.overturned = GetInt(o, "overturned");
  v.updated_at = GetTime(o, "updated_at");
}

json::object ToJson(const ListingPhoto& v) {
  json::object o;
  o["sha256"] = v.sha256;
  o["content_type"] = v.content_type;
  o["quality"] = v.quality;
  json::array pdq;
  for (const auto& variants : v.pdq) pdq.push_back(ToJsonArray(variants));
  o["pdq"] = std::move(pdq);
  PutTime(o, "added_at", v.added_at);
  return o;
}
void FromJson(const json::object& o, ListingPhoto& v) {
  v.sha256 = GetString(o, "sha256");
  v.content_type = GetString(o, "content_type");
  v.quality = static_cast<int>(GetInt(o, "quality"));
  v.pdq.clear();
  if (auto it = o.find("pdq"); it != o.end() && it->value().is_array()) {
    for (const auto& variants : it->value().get_array()) {
      std::vector<std::string> hex;
      if (variants.is_array())
        for (const auto& h : variants.get_array())
          if (h.is_string()) hex.emplace_back(h.get_string());
      v.pdq.push_back(std::move(hex));
    }
  }
  v.added_at = GetTime(o, "added_at");
}

json::object ToJson(const PhotoBank& v) {
  json::object o;
  o["id"] = v.id;
  o["kind"] = v.kind;
  o["owner_org_id"] = v.owner_org_id;
  o["name"] = v.name;
  o["radius"] = v.radius;
  PutTime(o, "created_at", v.created_at);
  PutTime(o, "updated_at", v.updated_at);
  return o;
}
void FromJson(const json::object& o, PhotoBank& v) {
  v.id = GetString(o, "id");
  v.kind = GetString(o, "kind");
  v.owner_org_id = GetString(o, "owner_org_id");
  v.name = GetString(o, "name");
  v.radius = static_cast<int>(GetInt(o, "radius", 31));
  v.created_at = GetTime(o, "created_at");
  v.updated_at = GetTime(o, "updated_at");
}

json::object ToJson(const PhotoHashEntry& v) {
  json::object o;
  o["id"] = v.id;
  o["bank_id"] = v.bank_id;
  o["hash"] = v.hash;
  o["quality"] = v.quality;
  o["label"] = v.label;
  o["rights_holder_id"] = v.rights_holder_id;
  o["photo_sha256"] = v.photo_sha256;
  o["source"] = v.source;
  o["listing_id"] = v.listing_id;
  PutTime(o, "created_at", v.created_at);
  return o;
}
void FromJson(const json::object& o, PhotoHashEntry& v) {
  v.id = GetString(o, "id");
  v.bank_id = GetString(o, "bank_id");
  v.hash = GetString(o, "hash");
  v.quality = static_cast<int>(GetInt(o, "quality"));
  v.label = GetString(o, "label");
  v.rights_holder_id = GetString(o, "rights_holder_id");
  v.photo_sha256 = GetString(o, "photo_sha256");
  v.source = GetString(o, "source");
  v.listing_id = GetString(o, "listing_id");
  v.created_at = GetTime(o, "created_at");
}

}  // namespace counterfoil::domain
