// The aggregates of Counterfoil: organisations and users, IP rights and
// protection data, marketplaces, sellers and listings, notices with their
// counter-notices, appeals, statements of reasons and strikes, proactive
// screening (hits, the stay-down bank, per-rule statistics), and the
// integration records (events, webhooks, jobs).
//
// These are plain value types. Each has ToJson/FromJson giving the stored
// document form (storage keeps the document plus indexed columns); the API
// layer renders its own views from them so secrets (password and key
// hashes, webhook secrets) never leave the server.
//
//   Notice n;
//   n.state = NoticeState::kReceived;
//   json::object doc = ToJson(n);
//   Notice back = NoticeFromJson(doc);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/json.h"

namespace counterfoil::domain {

// ---------------------------------------------------------------- accounts

enum class OrgKind { kBrandOwner, kPublisher, kCoalition, kAgency, kMarketplace, kPlatform };
std::string_view Name(OrgKind k);
std::optional<OrgKind> ParseOrgKind(std::string_view s);
inline bool IsRightsHolderKind(OrgKind k) {
  return k == OrgKind::kBrandOwner || k == OrgKind::kPublisher || k == OrgKind::kCoalition;
}

struct Organisation {
  std::string id;
  std::string name;
  OrgKind kind = OrgKind::kBrandOwner;
  std::vector<std::string> member_ids;  // coalition: member rights holders
  bool trusted_flagger = false;         // DSA art. 22 status, granted by the operator
  std::string marketplace_id;           // kind == kMarketplace: the marketplace it runs
  std::string contact_email;
  std::string country;
  // Notifier programme (DSA art. 23): "standard", "good_faith", "warned", "limited".
  std::string standing = "standard";
  std::optional<Timestamp> limited_until;
  Timestamp created_at{};
};

enum class Role { kAdmin, kReviewer, kRightsHolder, kAgent, kSeller, kInvestigator, kMarketplace };
std::string_view Name(Role r);
std::optional<Role> ParseRole(std::string_view s);
inline constexpr Role kAllRoles[] = {Role::kAdmin,  Role::kReviewer,     Role::kRightsHolder,
                                     Role::kAgent,  Role::kSeller,       Role::kInvestigator,
                                     Role::kMarketplace};

struct User {
  std::string id;
  std::string email;  // unique, lower-cased
  std::string name;
  Role role = Role::kRightsHolder;
  std::string org_id;          // the organisation the user acts for (empty for sellers)
  std::string seller_id;       // role == kSeller
  std::string marketplace_id;  // role == kSeller or kMarketplace
  std::string password_hash;   // Argon2id (libsodium string); empty = no console login
  bool disabled = false;
  Timestamp created_at{};
};

struct ApiKey {
  std::string id;
  std::string user_id;
  std::string name;
  std::string prefix;  // first characters of the key, shown in listings
  std::string hash;    // SHA-256 hex of the whole key
  Timestamp created_at{};
  std::optional<Timestamp> revoked_at;
};

struct Session {
  std::string id;  // SHA-256 hex of the cookie value
  std::string user_id;
  std::string csrf_token;
  Timestamp created_at{};
  Timestamp expires_at{};
};

// An agent organisation acting for a principal rights holder, with the
// authorisation document (a blob) that proves it.
struct AgentAuthorisation {
  std::string id;
  std::string agent_org_id;
  std::string principal_org_id;
  std::string document_sha256;
  std::optional<Timestamp> valid_until;
  bool revoked = false;
  Timestamp created_at{};
};

// ---------------------------------------------------------------- IP registry

enum class RightType { kTrademark, kCopyright, kDesign };
std::string_view Name(RightType t);
std::optional<RightType> ParseRightType(std::string_view s);

enum class Verification { kPending, kVerified, kRejected };
std::string_view Name(Verification v);

struct Work {
  std::string title;
  std::string isbn;  // ISBN-13 digits, may be empty
  double list_price = 0;
  std::string currency;
};

struct Right {
  std::string id;
  std::string org_id;  // the rights holder that owns it
  RightType type = RightType::kTrademark;
  Verification verification = Verification::kPending;
  std::string rejection_reason;
  std::string verified_by;
  std::optional<Timestamp> verified_at;
  // trademark / design
  std::string mark;  // trademark word mark, or design title
  std::string registration_number;
  std::string office;  // "EUIPO", "USPTO", "CNIPA"
  std::vector<int> nice_classes;
  std::vector<std::string> territories;
  std::string expires_on;  // "2031-05-01", empty = no expiry recorded
  // copyright
  std::vector<Work> works;
  std::vector<std::string> certificates;  // blob SHA-256s
  Timestamp created_at{};
};
// Short human description: "trademark DYSON (EUIPO 012345678)".
std::string Describe(const Right& r);

struct Product {
  std::string name;
  std::vector<std::string> terms;
  double msrp = 0;
  std::string currency = "USD";
};

// What screening learns from a rights holder (one document per organisation).
struct ProtectionProfile {
  std::string org_id;
  std::vector<std::string> brand_terms;
  std::vector<std::string> categories;
  std::vector<Product> products;
  std::vector<std::string> authorized_sellers;
  std::vector<std::string> reference_images;  // blob SHA-256s
  std::vector<std::string> isbn_prefixes;
  // The brand name is an everyday word (Apple, Dove, Coach, Shell): screening
  // counts it only in `categories`. Brand terms found in the built-in English
  // word list are treated so anyway.
  bool common_word = false;
  // Platform-wide screening policy, kept on the operator's own organisation
  // (kind platform): category bans ({id, categories[], terms[], reason}),
  // suspicious terms ("replica", "1:1") and piracy terms ("pdf").
  json::array category_bans;
  std::vector<std::string> suspicious_terms;
  std::vector<std::string> piracy_terms;
  Timestamp updated_at{};
};

// ---------------------------------------------------------------- marketplace

struct Marketplace {
  std::string id;
  std::string name;
  std::vector<std::string> regimes;  // "cn_ecl", "us_dmca", "eu_dsa"
  json::object regime_overrides;     // regime id -> partial regime JSON
  json::object repeat_infringer;     // RepeatInfringerPolicy JSON (empty = defaults)
  json::object notifier_programme;   // NotifierProgramme JSON (empty = defaults)
  // Screening thresholds {"block": 0.9, "review": 0.5} (ScreeningThresholds
  // JSON, policy.h; empty = the configuration's [screening] defaults).
  json::object screening;
  std::string url_template;          // "https://shop.example/item/{id}"
  Timestamp created_at{};
};

enum class SellerStatus { kActive, kSuspended };
// Seller ids are the marketplace's own and may repeat across marketplaces
// ("nike-official" on two of them), so storage keys a seller by both.
inline std::string SellerKey(std::string_view marketplace_id, std::string_view seller_id) {
  std::string k(marketplace_id);
  k += '/';
  k += seller_id;
  return k;
}
struct Seller {
  std::string id;  // the marketplace's seller id
  std::string marketplace_id;
  std::string name;
  json::object trader;  // legal_name, address, phone, email, id_document, payment_account, trade_register
  SellerStatus status = SellerStatus::kActive;
  std::string suspension_reason;
  std::optional<Timestamp> suspended_at;
  Timestamp created_at{};
  Timestamp updated_at{};
};

enum class ListingStatus { kActive, kRemoved, kRestored, kBlocked };
std::string_view Name(ListingStatus s);
// The listing is online (published on the marketplace).
inline bool IsOnline(ListingStatus s) {
  return s == ListingStatus::kActive || s == ListingStatus::kRestored;
}

// One reason of a screening verdict as stored (the engine's
// screening::Reason; see src/screening/engine.h for the codes).
struct ScreeningReason {
  std::string code;           // "brand_term", "price_below_msrp", "stay_down", …
  std::string rights_holder;  // organisation id; empty for platform rules
  std::string detail;         // "\"dys0n\" reads as DYSON"
  std::string evidence;       // the seller's own words
  std::string ref;            // product, ISBN, ban id, or the stay-down source "hit:hit_…"
  double weight = 0;          // contribution to the score (negative: mitigating)
};

// A screening verdict as stored on a listing and a screening hit.
struct ScreeningVerdict {
  std::string decision;  // "allow" | "review" | "block"
  double score = 0;
  std::vector<ScreeningReason> reasons;
  std::string rule_set;  // the rule set it was screened with (ScreeningStatus::rule_set)
  Timestamp screened_at{};
  std::string hit_id;  // the screening hit a review or block verdict opened
  // What was screened: a digest of the listing's title, description,
  // category, price, image URLs and uploaded photos (ListingContentDigest).
  std::string content;
  // Set when the engine's verdict was lowered to allow because a person had
  // already cleared this content for these reasons (ScreeningClearance).
  std::string cleared_by;
};

// A person's decision that a listing's content does not infringe: a
// screening hit dismissed by a reviewer, or a takedown overturned on appeal.
// While the content is unchanged, re-screening it (at an upsert or after the
// rules change) opens no hit for the reasons already weighed; a reason that
// was not there (a new rights holder's brand, a new product's price, a new
// photo match) is new evidence and screens as usual.
struct ScreeningClearance {
  std::string content;               // ScreeningVerdict::content of the cleared verdict
  std::vector<std::string> reasons;  // ScreeningReasonKey of each reason weighed
  std::string hit_id;                // the hit whose decision cleared it
  std::string decided_by;
  std::string why;  // "dismissed" or "overturned on appeal <id>"
  Timestamp at{};
};
// Identifies a reason across re-screens: its code, rights holder and what it
// matched (not the wording of its detail, which may change with the rules).
std::string ScreeningReasonKey(const ScreeningReason& r);

// A photo uploaded with a listing (POST /v1/listings/{id}/photos): the bytes
// are a blob (listing_photo), the PDQ hashes are kept so that screening and
// re-screening match the photo without decoding it again.
struct ListingPhoto {
  std::string sha256;
  std::string content_type;
  int quality = 0;  // PDQ quality 0..100 (best of the hashes below)
  // Per useful hash (the whole picture, then the picture inside each frame;
  // imaging/photo_fingerprint.h): its eight dihedral variants, 64 hex digits each.
  std::vector<std::vector<std::string>> pdq;
  Timestamp added_at{};
};

struct Listing {
  std::string id;
  std::string marketplace_id;
  std::string seller_id;
  std::string title;
  std::string description;
  std::string category;
  double price = 0;
  std::string currency = "USD";
  std::vector<std::string> images;
  std::vector<ListingPhoto> photos;  // uploaded photos, in upload order
  std::string ship_from;
  std::string url;
  ListingStatus status = ListingStatus::kActive;
  std::string status_reason;  // e.g. "notice ntc_…", "seller suspended", "screening hit_…"
  int64_t version = 0;        // bumped on every change
  // The last screening verdict (absent until the listing is first screened).
  std::optional<ScreeningVerdict> screening;
  // A reviewer's or an appeal's decision that this content does not infringe.
  std::optional<ScreeningClearance> cleared;
  Timestamp created_at{};
  Timestamp updated_at{};
};
// The digest of what screening looks at in a listing (ScreeningVerdict::content).
std::string ListingContentDigest(const Listing& l);
// The listing as evidence: text, price, photos and the version, frozen.
json::object Snapshot(const Listing& l, Timestamp at);

// ---------------------------------------------------------------- notices

// The notice lifecycle (see docs/reviewer.md for the diagram):
//   received -> in_review -> accepted | rejected | info_requested
//   info_requested -> received (information supplied) | lapsed (deadline passed)
//   accepted -> counter_noticed -> action_filed | restored
//   received | in_review | info_requested -> withdrawn
enum class NoticeState {
  kReceived,
  kInReview,
  kInfoRequested,
  kAccepted,
  kCounterNoticed,
  kActionFiled,
  kRestored,
  kRejected,
  kWithdrawn,
  kLapsed,
};
std::string_view Name(NoticeState s);
std::optional<NoticeState> ParseNoticeState(std::string_view s);
// Open = still awaiting a decision (counts for the duplicate check).
bool IsOpen(NoticeState s);
// The takedown is in force.
bool IsTakenDown(NoticeState s);

struct TimelineEntry {
  Timestamp at{};
  std::string actor;  // user id or "system"
  std::string action;
  std::string detail;
};

struct Notice {
  std::string id;
  std::string marketplace_id;
  std::string complainant_org_id;  // the organisation that filed (may be an agent or coalition)
  std::string principal_org_id;    // the rights holder whose right is relied on
  std::string filed_by;            // user id
  std::string right_id;
  std::string listing_id;
  std::string seller_id;
  std::string infringement_type;  // counterfeit | trademark | copyright | design | piracy
  json::object body;              // complainant contact, signature, work, explanation, evidence, statements
  json::object snapshot;          // the listing as it was at intake
  NoticeState state = NoticeState::kReceived;
  int priority = 2;  // 0 trusted flagger / coalition, 1 good-faith, 2 standard, 3 warned
  std::string source = "api";  // api | bulk | console
  std::string job_id;
  bool fast_lane = false;           // accepted at intake (good-faith programme)
  bool post_review_pending = false; // fast-lane notices still to be reviewed after the fact
  Timestamp received_at{};
  Timestamp review_due_at{};
  std::string claimed_by;
  std::optional<Timestamp> claimed_at;
  std::string decided_by;
  std::optional<Timestamp> decided_at;
  std::string decision_reason;
  std::string rejection_code;  // e.g. "manifestly_unfounded", "not_infringing", "insufficient"
  std::string info_request;
  std::optional<Timestamp> info_deadline;
  std::optional<Timestamp> counter_notice_deadline;
  std::optional<Timestamp> appeal_deadline;
  std::string statement_id;
  std::string counter_notice_id;
  std::string strike_id;
  std::vector<TimelineEntry> timeline;
};

// DSA art. 17(3): the statement of reasons sent with every restriction.
struct StatementOfReasons {
  std::string id;
  std::string marketplace_id;
  std::string notice_id;
  std::string appeal_id;
  std::string hit_id;  // own-initiative decisions on a screening hit
  std::string listing_id;
  std::string seller_id;
  std::string decision;              // "removal", "restoration", "no_action", "suspension"
  std::string restriction;           // (a) the restriction, its territorial scope and duration
  std::string territorial_scope;
  std::string facts;                 // (b) facts and circumstances relied on
  bool notice_based = true;          // (b) taken after a notice; false: own initiative
  bool automated_detection = false;  // (c)
  bool automated_decision = false;   // (c)
  std::string legal_ground;          // (d) the law relied on
  std::string terms_ground;          // (e) the terms and conditions relied on
  std::vector<std::string> redress;  // (f) the redress open to the recipient
  std::string decided_by;
  Timestamp created_at{};
};

enum class CounterNoticeState { kPending, kActionFiled, kRestored };
std::string_view Name(CounterNoticeState s);

struct CounterNotice {
  std::string id;
  std::string notice_id;
  std::string marketplace_id;
  std::string seller_id;
  std::string complainant_org_id;
  std::string principal_org_id;
  std::string filed_by;
  json::object body;  // statement, contact, signature, consent_to_jurisdiction, evidence
  CounterNoticeState state = CounterNoticeState::kPending;
  Timestamp received_at{};
  Timestamp forwarded_at{};
  Timestamp restore_earliest{};
  Timestamp restore_at{};
  Timestamp restore_latest{};
  json::object legal_action;  // court, case_number, filed_on, document_sha256
  std::optional<Timestamp> closed_at;
};

enum class AppealState { kOpen, kUpheld, kOverturned };
std::string_view Name(AppealState s);

// An internal complaint (DSA art. 20) against a decision on a notice, or
// against an own-initiative takedown by proactive screening (a screening hit
// confirmed by a reviewer or blocked automatically). Exactly one of
// notice_id and hit_id is set.
struct Appeal {
  std::string id;
  std::string notice_id;
  std::string hit_id;
  std::string marketplace_id;
  std::string appellant;       // "seller" or "complainant"
  std::string seller_id;       // the seller concerned
  std::string complainant_org_id;  // notice appeals: the notifier
  std::string principal_org_id;    // notice appeals: the rights holder relied on
  // Hit appeals: the rights holders whose rules fired (the hit's
  // rights_holder_ids; each of them sees the appeal).
  std::vector<std::string> rights_holder_ids;
  std::string filed_by;
  std::string grounds;
  std::vector<std::string> evidence;
  AppealState state = AppealState::kOpen;
  Timestamp filed_at{};
  std::string decided_by;
  std::optional<Timestamp> decided_at;
  std::string decision_reasons;
  std::string statement_id;
};

struct Strike {
  std::string id;
  std::string seller_id;
  std::string marketplace_id;
  std::string notice_id;  // the upheld notice, or
  std::string hit_id;     // the confirmed screening hit
  Timestamp at{};
  bool voided = false;
  std::string voided_reason;
};

// ---------------------------------------------------------------- screening

// A listing that proactive screening flagged: a `review` verdict waiting in
// the reviewer's queue (open → confirmed | dismissed), or a `block` verdict
// acted on at once (auto_blocked). A takedown (confirmed, auto_blocked) that
// an internal complaint reverses (DSA art. 20(4)) becomes overturned.
enum class HitStatus { kOpen, kConfirmed, kDismissed, kAutoBlocked, kOverturned };
std::string_view Name(HitStatus s);
std::optional<HitStatus> ParseHitStatus(std::string_view s);

struct ScreeningHit {
  std::string id;  // "hit_<ULID>"
  std::string marketplace_id;
  std::string listing_id;
  int64_t listing_version = 0;  // the version screened
  std::string seller_id;
  // Rights holders whose rules fired (tenancy: each of them sees the hit).
  std::vector<std::string> rights_holder_ids;
  ScreeningVerdict verdict;
  json::object snapshot;  // the listing as screened (Snapshot)
  std::string trigger;    // "upsert" | "rescreen"
  HitStatus status = HitStatus::kOpen;
  // The original decision a stay_down reason links to ("notice:ntc_…", "hit:hit_…").
  std::string stay_down_source;
  std::string decided_by;  // user id, or "system" for auto_blocked
  std::optional<Timestamp> decided_at;
  std::string decision_note;  // the reviewer's reason (required to dismiss)
  std::string statement_id;   // the statement of reasons of the takedown
  std::string strike_id;
  std::string stay_down_id;  // the bank entry the takedown added
  // The end of the seller's internal-complaint window (DSA art. 20(1)), set
  // by the takedown from the marketplace's regime; absent when the regime has
  // no appeal or no limit, and on hits taken down before it was recorded.
  std::optional<Timestamp> appeal_deadline;
  std::string appeal_id;  // the latest internal complaint against the takedown
  // The photo evidence (screening::PhotoMatch): {photo, bank, bank_kind,
  // rights_holder, reference, label, distance, radius, variant} per match.
  json::array photo_matches;
  Timestamp created_at{};
  Timestamp updated_at{};
};

// A removed listing's text in the stay-down bank.
struct StayDownEntry {
  std::string id;      // "sd_<ULID>"
  std::string source;  // the decision: "notice:ntc_…" or "hit:hit_…"
  std::string rights_holder_id;
  std::string marketplace_id;
  std::string listing_id;
  std::string title;
  std::string description;
  Timestamp created_at{};
};

// A bank of photo hashes that listing photos are matched against
// (imaging/photo_bank.h): a rights holder's reference photos
// ("reference:<org id>", kept in step with its protection data), the
// stay-down bank of removed listings' photos ("stay_down"), or a bank shared
// by a coalition or imported as CSV (any other id).
struct PhotoBank {
  std::string id;
  std::string kind;          // "reference" | "stay_down" | "shared"
  std::string owner_org_id;  // the rights holder or coalition; "" for the platform's
  std::string name;
  int radius = 31;  // Hamming radius of a match, 0..128
  Timestamp created_at{};
  Timestamp updated_at{};
};

// One PDQ hash in a bank.
struct PhotoHashEntry {
  std::string id;  // "ph_<ULID>"
  std::string bank_id;
  std::string hash;  // 64 hex digits
  int quality = 0;   // below 50: kept, never indexed
  std::string label;
  std::string rights_holder_id;  // whose photo; its authorised sellers are exempt
  std::string photo_sha256;      // the photo in the blob store, when held
  // Why it is here: "protection" (a reference photo), the takedown for the
  // stay-down bank ("hit:hit_…", "notice:ntc_…"), "import".
  std::string source;
  std::string listing_id;  // stay-down: the listing taken down
  Timestamp created_at{};
};

// How reviewers decided the hits a rule fired on: per reason code and rights
// holder (empty for platform rules), counted when a hit is confirmed,
// dismissed (a false positive) or blocked automatically. A takedown that an
// internal complaint overturns moves from confirmed (or auto_blocked) to
// dismissed, and is also counted in `overturned`.
struct ScreeningRuleStat {
  std::string code;
  std::string rights_holder_id;
  int64_t confirmed = 0;
  int64_t dismissed = 0;
  int64_t auto_blocked = 0;
  int64_t overturned = 0;  // of `dismissed`: false positives found on appeal
  Timestamp updated_at{};
};
// "code|rights_holder": the id of the statistics row of a rule.
inline std::string RuleStatKey(std::string_view code, std::string_view rights_holder) {
  std::string k(code);
  k += '|';
  k += rights_holder;
  return k;
}

// ---------------------------------------------------------------- integration

struct Event {
  int64_t seq = 0;  // assigned by storage, strictly increasing
  std::string id;   // stable "evt_…", the same on every delivery
  std::string type; // "notice.accepted", "listing.removed", …
  std::string marketplace_id;
  std::vector<std::string> org_ids;  // rights holders the event concerns
  std::string seller_id;
  std::string subject_id;
  Timestamp at{};
  json::object data;
};

struct WebhookEndpoint {
  std::string id;
  std::string owner_org_id;
  std::string marketplace_id;  // events of this marketplace (marketplace integrations)
  std::string url;
  std::string secret;
  std::vector<std::string> event_types;  // empty = all
  bool active = true;
  Timestamp created_at{};
};

enum class DeliveryState { kPending, kDelivered, kFailed };
std::string_view Name(DeliveryState s);

struct Delivery {
  std::string id;
  std::string endpoint_id;
  std::string event_id;
  int64_t event_seq = 0;
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  Timestamp next_attempt_at{};
  int last_status = 0;
  std::string last_error;
  std::optional<Timestamp> delivered_at;
};

enum class JobState { kQueued, kRunning, kDone, kFailed };
std::string_view Name(JobState s);

struct Job {
  std::string id;
  std::string kind;  // "notice_bulk", "screening_rescreen"
  std::string owner_org_id;
  std::string created_by;
  std::string input_sha256;
  json::object params;
  JobState state = JobState::kQueued;
  int64_t total = 0;
  int64_t processed = 0;
  int64_t succeeded = 0;
  int64_t failed = 0;
  json::array results;  // per row: {"row": n, "status": "created"|"error", "notice_id"|"error"}
  std::string error;
  Timestamp created_at{};
  std::optional<Timestamp> finished_at;
};

// ---------------------------------------------------------------- JSON forms

json::object ToJson(const Organisation& v);
json::object ToJson(const User& v);
json::object ToJson(const ApiKey& v);
json::object ToJson(const Session& v);
json::object ToJson(const AgentAuthorisation& v);
json::object ToJson(const Right& v);
json::object ToJson(const ProtectionProfile& v);
json::object ToJson(const Marketplace& v);
json::object ToJson(const Seller& v);
json::object ToJson(const Listing& v);
// `sp`: where the document is built, e.g. a monotonic_resource when it is
// only serialised and dropped.
json::object ToJson(const Notice& v, json::storage_ptr sp = {});
json::object ToJson(const StatementOfReasons& v);
json::object ToJson(const CounterNotice& v);
json::object ToJson(const Appeal& v);
json::object ToJson(const Strike& v);
json::object ToJson(const Event& v, json::storage_ptr sp = {});
json::object ToJson(const WebhookEndpoint& v);
json::object ToJson(const Delivery& v);
json::object ToJson(const Job& v);
json::object ToJson(const Work& v);
json::object ToJson(const Product& v);
json::object ToJson(const ScreeningVerdict& v);
json::object ToJson(const ScreeningClearance& v);
json::object ToJson(const ScreeningHit& v);
json::object ToJson(const StayDownEntry& v);
json::object ToJson(const ScreeningRuleStat& v);
json::object ToJson(const ListingPhoto& v);
json::object ToJson(const PhotoBank& v);
json::object ToJson(const PhotoHashEntry& v);

// FromJson reads a document this program wrote; unknown or missing members
// take their defaults (documents written by older versions still load).
void FromJson(const json::object& o, Organisation& v);
void FromJson(const json::object& o, User& v);
void FromJson(const json::object& o, ApiKey& v);
void FromJson(const json::object& o, Session& v);
void FromJson(const json::object& o, AgentAuthorisation& v);
void FromJson(const json::object& o, Right& v);
void FromJson(const json::object& o, ProtectionProfile& v);
void FromJson(const json::object& o, Marketplace& v);
void FromJson(const json::object& o, Seller& v);
void FromJson(const json::object& o, Listing& v);
void FromJson(const json::object& o, Notice& v);
void FromJson(const json::object& o, StatementOfReasons& v);
void FromJson(const json::object& o, CounterNotice& v);
void FromJson(const json::object& o, Appeal& v);
void FromJson(const json::object& o, Strike& v);
void FromJson(const json::object& o, Event& v);
void FromJson(const json::object& o, WebhookEndpoint& v);
void FromJson(const json::object& o, Delivery& v);
void FromJson(const json::object& o, Job& v);
void FromJson(const json::object& o, ScreeningVerdict& v);
void FromJson(const json::object& o, ScreeningClearance& v);
void FromJson(const json::object& o, ScreeningHit& v);
void FromJson(const json::object& o, StayDownEntry& v);
void FromJson(const json::object& o, ScreeningRuleStat& v);
void FromJson(const json::object& o, ListingPhoto& v);
void FromJson(const json::object& o, PhotoBank& v);
void FromJson(const json::object& o, PhotoHashEntry& v);

}  // namespace counterfoil::domain
