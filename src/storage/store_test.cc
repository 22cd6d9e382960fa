// The storage suite: one set of behaviour tests that every Store
// implementation must pass. Each backend registers a factory that opens a
// store in a fresh folder (INSTANTIATE_TEST_SUITE_P at the bottom); the
// PostgreSQL backend joins by adding its factory there.
//
// The tests speak only through store.h. The few checks that need to look
// inside one backend's files (SQLite's schema_migrations table) are plain
// TESTs at the end of the file.
#include "storage/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "common/crypto.h"
#include "domain/audit.h"
#include "domain/model.h"
#include "storage/schema.h"
#include "storage/sqlite/migrations.h"

namespace counterfoil::storage {
namespace {

namespace fs = std::filesystem;
using namespace domain;  // NOLINT: the aggregates are the vocabulary of these tests
using std::chrono::milliseconds;
using std::chrono::minutes;

// ---------------------------------------------------------------- helpers

Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}

#define CF_ASSERT_OK(expr)                                            \
  do {                                                                \
    const ::counterfoil::Status cf_st_ = StatusOf(expr);              \
    ASSERT_TRUE(cf_st_.ok()) << #expr << " -> " << cf_st_.ToString(); \
  } while (0)
#define CF_EXPECT_OK(expr)                                            \
  do {                                                                \
    const ::counterfoil::Status cf_st_ = StatusOf(expr);              \
    EXPECT_TRUE(cf_st_.ok()) << #expr << " -> " << cf_st_.ToString(); \
  } while (0)
#define CF_EXPECT_CODE(expr, want)                                          \
  do {                                                                      \
    const ::counterfoil::Status cf_st_ = StatusOf(expr);                    \
    EXPECT_EQ(cf_st_.code(), want) << #expr << " -> " << cf_st_.ToString(); \
  } while (0)

// A fixed instant so documents and ordering are reproducible.
const Timestamp kT0 = ParseTime("2026-03-02T09:00:00Z").value();
Timestamp At(int m) { return kT0 + minutes(m); }
std::string Iso(Timestamp t) { return FormatTime(t); }
std::string Iso(const std::optional<Timestamp>& t) { return t ? FormatTime(*t) : "null"; }

template <typename T>
struct Tag {};
Repository<Organisation>& RepoFor(Tx& tx, Tag<Organisation>) { return tx.organisations(); }
Repository<User>& RepoFor(Tx& tx, Tag<User>) { return tx.users(); }
Repository<ApiKey>& RepoFor(Tx& tx, Tag<ApiKey>) { return tx.api_keys(); }
Repository<Session>& RepoFor(Tx& tx, Tag<Session>) { return tx.sessions(); }
Repository<AgentAuthorisation>& RepoFor(Tx& tx, Tag<AgentAuthorisation>) {
  return tx.authorisations();
}
Repository<Right>& RepoFor(Tx& tx, Tag<Right>) { return tx.rights(); }
Repository<ProtectionProfile>& RepoFor(Tx& tx, Tag<ProtectionProfile>) { return tx.protection(); }
Repository<Marketplace>& RepoFor(Tx& tx, Tag<Marketplace>) { return tx.marketplaces(); }
Repository<Seller>& RepoFor(Tx& tx, Tag<Seller>) { return tx.sellers(); }
Repository<Listing>& RepoFor(Tx& tx, Tag<Listing>) { return tx.listings(); }
Repository<Notice>& RepoFor(Tx& tx, Tag<Notice>) { return tx.notices(); }
Repository<StatementOfReasons>& RepoFor(Tx& tx, Tag<StatementOfReasons>) { return tx.statements(); }
Repository<CounterNotice>& RepoFor(Tx& tx, Tag<CounterNotice>) { return tx.counter_notices(); }
Repository<Appeal>& RepoFor(Tx& tx, Tag<Appeal>) { return tx.appeals(); }
Repository<Strike>& RepoFor(Tx& tx, Tag<Strike>) { return tx.strikes(); }
Repository<WebhookEndpoint>& RepoFor(Tx& tx, Tag<WebhookEndpoint>) { return tx.webhooks(); }
Repository<Delivery>& RepoFor(Tx& tx, Tag<Delivery>) { return tx.deliveries(); }
Repository<Job>& RepoFor(Tx& tx, Tag<Job>) { return tx.jobs(); }
Repository<ScreeningHit>& RepoFor(Tx& tx, Tag<ScreeningHit>) { return tx.screening_hits(); }
Repository<StayDownEntry>& RepoFor(Tx& tx, Tag<StayDownEntry>) { return tx.stay_down(); }
Repository<ScreeningRuleStat>& RepoFor(Tx& tx, Tag<ScreeningRuleStat>) {
  return tx.screening_rule_stats();
}
Repository<PhotoBank>& RepoFor(Tx& tx, Tag<PhotoBank>) { return tx.photo_banks(); }
Repository<PhotoHashEntry>& RepoFor(Tx& tx, Tag<PhotoHashEntry>) { return tx.photo_hashes(); }
template <typename T>
Repository<T>& Repo(Tx& tx) {
  return RepoFor(tx, Tag<T>{});
}

// ---------------------------------------------------------------- samples
// Every field set to something other than its default, so a field the
// backend drops shows up as a difference.

Organisation SampleOrganisation(std::string id, OrgKind kind = OrgKind::kCoalition) {
  Organisation v;
  v.id = std::move(id);
  v.name = "Anti-Counterfeiting Coalition";
  v.kind = kind;
  v.member_ids = {"org_a", "org_b"};
  v.trusted_flagger = true;
  v.marketplace_id = "mkt_1";
  v.contact_email = "legal@acc.example";
  v.country = "FR";
  v.standing = "good_faith";
  v.limited_until = At(600) + milliseconds(7);
  v.created_at = At(1);
  return v;
}

User SampleUser(std::string id, std::string email) {
  User v;
  v.id = std::move(id);
  v.email = std::move(email);
  v.name = "Rita Reviewer";
  v.role = Role::kReviewer;
  v.org_id = "org_1";
  v.seller_id = "s-1";
  v.marketplace_id = "mkt_1";
  v.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  v.disabled = true;
  v.created_at = At(2);
  return v;
}

ApiKey SampleApiKey(std::string id, std::string hash) {
  ApiKey v;
  v.id = std::move(id);
  v.user_id = "usr_1";
  v.name = "bulk uploader";
  v.prefix = "cfk_3f9a";
  v.hash = std::move(hash);
  v.created_at = At(3);
  v.revoked_at = At(4);
  return v;
}

Session SampleSession(std::string id) {
  Session v;
  v.id = std::move(id);
  v.user_id = "usr_1";
  v.csrf_token = "csrf-token";
  v.created_at = At(5);
  v.expires_at = At(5 + 60 * 12);
  return v;
}

AgentAuthorisation SampleAuthorisation(std::string id) {
  AgentAuthorisation v;
  v.id = std::move(id);
  v.agent_org_id = "org_agent";
  v.principal_org_id = "org_brand";
  v.document_sha256 = Sha256Hex("mandate.pdf");
  v.valid_until = At(60 * 24 * 365);
  v.revoked = true;
  v.created_at = At(6);
  return v;
}

Right SampleRight(std::string id) {
  Right v;
  v.id = std::move(id);
  v.org_id = "org_brand";
  v.type = RightType::kCopyright;
  v.verification = Verification::kRejected;
  v.rejection_reason = "certificate unreadable";
  v.verified_by = "usr_rev";
  v.verified_at = At(7);
  v.mark = "DYSON";
  v.registration_number = "012345678";
  v.office = "EUIPO";
  v.nice_classes = {7, 11};
  v.territories = {"EU", "GB"};
  v.expires_on = "2031-05-01";
  v.works = {{"The Book", "9780306406157", 12.5, "EUR"}, {"Sequel", "", 0.1, "USD"}};
  v.certificates = {Sha256Hex("cert")};
  v.created_at = At(8);
  return v;
}

ProtectionProfile SampleProfile(std::string org_id) {
  ProtectionProfile v;
  v.org_id = std::move(org_id);
  v.brand_terms = {"dyson", "supersonic"};
  v.categories = {"appliances"};
  v.products = {{"V15 Detect", {"v15", "detect"}, 599.99, "GBP"}};
  v.authorized_sellers = {"s-official"};
  v.reference_images = {Sha256Hex("photo")};
  v.isbn_prefixes = {"978030"};
  v.common_word = true;
  v.updated_at = At(9);
  return v;
}

Marketplace SampleMarketplace(std::string id) {
  Marketplace v;
  v.id = std::move(id);
  v.name = "Shop Example";
  v.regimes = {"eu_dsa", "us_dmca"};
  v.regime_overrides = {{"eu_dsa", json::object{{"appeal_days", 180}}}};
  v.repeat_infringer = {{"strikes", 3}, {"window_days", 365}};
  v.notifier_programme = {{"good_faith_min_accepted", 50}};
  v.screening = {{"block", 0.95}, {"review", 0.6}};
  v.url_template = "https://shop.example/item/{id}";
  v.created_at = At(10);
  return v;
}

Seller SampleSeller(std::string id) {
  Seller v;
  v.id = std::move(id);
  v.marketplace_id = "mkt_1";
  v.name = "Cheap Gadgets";
  v.trader = {{"legal_name", "Cheap Gadgets Ltd"}, {"phone", "+44 20 0000 0000"}};
  v.status = SellerStatus::kSuspended;
  v.suspension_reason = "repeat infringer";
  v.suspended_at = At(11);
  v.created_at = At(12);
  v.updated_at = At(13);
  return v;
}

ScreeningVerdict SampleVerdict() {
  ScreeningVerdict v;
  v.decision = "review";
  v.score = 0.72;
  v.reasons = {{"brand_term", "org_brand", "\"dys0n\" reads as DYSON", "Dys0n V15", "", 0.5},
               {"price_below_msrp", "org_brand", "89.99 EUR is 13% of the MSRP", "89.99",
                "Dyson V15 Detect", 0.3},
               {"compatibility", "", "\"compatible with\"", "compatible with", "", -0.1}};
  v.rule_set = "rs_0123456789abcdef";
  v.screened_at = At(13);
  v.hit_id = "hit_1";
  return v;
}

Listing SampleListing(std::string id, std::string marketplace = "mkt_1",
                      ListingStatus status = ListingStatus::kActive, Timestamp updated = At(15)) {
  Listing v;
  v.id = std::move(id);
  v.marketplace_id = std::move(marketplace);
  v.seller_id = "s-1";
  v.title = "Dyson V15 Detect – genuine!";
  v.description = "Brand new, \"original\" packaging.\nShips fast.";
  v.category = "appliances/vacuum";
  v.price = 89.99;
  v.currency = "EUR";
  v.images = {"https://img.example/1.jpg", "https://img.example/2.jpg"};
  ListingPhoto photo;
  photo.sha256 = std::string(64, 'a');
  photo.content_type = "image/jpeg";
  photo.quality = 93;
  photo.pdq = {std::vector<std::string>(8, std::string(64, 'f'))};
  photo.added_at = At(14);
  v.photos = {photo};
  v.ship_from = "CN";
  v.url = "https://shop.example/item/" + v.id;
  v.status = status;
  v.status_reason = "notice ntc_1";
  v.version = 7;
  v.screening = SampleVerdict();
  v.created_at = At(14) + milliseconds(123);
  v.updated_at = updated;
  return v;
}

Notice SampleNotice(std::string id, std::string listing_id = "lst_1",
                    std::string right_id = "rgt_1", NoticeState state = NoticeState::kReceived) {
  Notice v;
  v.id = std::move(id);
  v.marketplace_id = "mkt_1";
  v.complainant_org_id = "org_agent";
  v.principal_org_id = "org_brand";
  v.filed_by = "usr_1";
  v.right_id = std::move(right_id);
  v.listing_id = std::move(listing_id);
  v.seller_id = "s-1";
  v.infringement_type = "counterfeit";
  v.body = {{"explanation", "fake V15"},
            {"signature", "J. Doe"},
            {"evidence", json::array{"sha_a", "sha_b"}},
            {"statements", json::object{{"good_faith", true}, {"accuracy", true}}}};
  v.snapshot = Snapshot(SampleListing(v.listing_id), At(0));
  v.state = state;
  v.priority = 1;
  v.source = "bulk";
  v.job_id = "job_1";
  v.fast_lane = true;
  v.post_review_pending = true;
  v.received_at = At(20) + milliseconds(1);
  v.review_due_at = At(20 + 60 * 24);
  v.claimed_by = "usr_rev";
  v.claimed_at = At(21);
  v.decided_by = "usr_rev2";
  v.decided_at = At(22);
  v.decision_reason = "logo mismatch";
  v.rejection_code = "insufficient";
  v.info_request = "send the registration certificate";
  v.info_deadline = At(23);
  v.counter_notice_deadline = At(24);
  v.appeal_deadline = At(25);
  v.statement_id = "sor_1";
  v.counter_notice_id = "cn_1";
  v.strike_id = "stk_1";
  v.timeline = {{At(20), "usr_1", "notice.received", "via bulk upload"},
                {At(21), "usr_rev", "notice.claimed", ""}};
  return v;
}

StatementOfReasons SampleStatement(std::string id) {
  StatementOfReasons v;
  v.id = std::move(id);
  v.marketplace_id = "mkt_1";
  v.notice_id = "ntc_1";
  v.appeal_id = "apl_1";
  v.hit_id = "hit_1";
  v.listing_id = "lst_1";
  v.seller_id = "s-1";
  v.decision = "removal";
  v.restriction = "listing removed";
  v.territorial_scope = "EU";
  v.facts = "counterfeit logo";
  v.notice_based = false;
  v.automated_detection = true;
  v.automated_decision = true;
  v.legal_ground = "Regulation (EU) 2017/1001 art. 9";
  v.terms_ground = "ToS 4.2";
  v.redress = {"internal complaint", "out-of-court settlement", "court"};
  v.decided_by = "usr_rev";
  v.created_at = At(30);
  return v;
}

CounterNotice SampleCounterNotice(std::string id) {
  CounterNotice v;
  v.id = std::move(id);
  v.notice_id = "ntc_1";
  v.marketplace_id = "mkt_1";
  v.seller_id = "s-1";
  v.complainant_org_id = "org_agent";
  v.principal_org_id = "org_brand";
  v.filed_by = "usr_seller";
  v.body = {{"statement", "genuine"}, {"consent_to_jurisdiction", true}};
  v.state = CounterNoticeState::kActionFiled;
  v.received_at = At(31);
  v.forwarded_at = At(32);
  v.restore_earliest = At(33);
  v.restore_at = At(34);
  v.restore_latest = At(35);
  v.legal_action = {{"court", "N.D. Cal."}, {"case_number", "5:26-cv-1"}};
  v.closed_at = At(36);
  return v;
}

Appeal SampleAppeal(std::string id) {
  Appeal v;
  v.id = std::move(id);
  v.notice_id = "ntc_1";
  v.marketplace_id = "mkt_1";
  v.appellant = "seller";
  v.seller_id = "s-1";
  v.complainant_org_id = "org_agent";
  v.principal_org_id = "org_brand";
  v.filed_by = "usr_seller";
  v.grounds = "invoice attached";
  v.evidence = {Sha256Hex("invoice")};
  v.state = AppealState::kOverturned;
  v.filed_at = At(40);
  v.decided_by = "usr_rev";
  v.decided_at = At(41);
  v.decision_reasons = "invoice checks out";
  v.statement_id = "sor_2";
  return v;
}

Strike SampleStrike(std::string id) {
  Strike v;
  v.id = std::move(id);
  v.seller_id = "s-1";
  v.marketplace_id = "mkt_1";
  v.notice_id = "ntc_1";
  v.hit_id = "hit_1";
  v.at = At(42);
  v.voided = true;
  v.voided_reason = "appeal overturned";
  return v;
}

WebhookEndpoint SampleWebhook(std::string id) {
  WebhookEndpoint v;
  v.id = std::move(id);
  v.owner_org_id = "org_brand";
  v.marketplace_id = "mkt_1";
  v.url = "https://hooks.example/cf";
  v.secret = "whsec_123";
  v.event_types = {"notice.accepted", "listing.removed"};
  v.active = false;
  v.created_at = At(43);
  return v;
}

Delivery SampleDelivery(std::string id) {
  Delivery v;
  v.id = std::move(id);
  v.endpoint_id = "whk_1";
  v.event_id = "evt_1";
  v.event_seq = 17;
  v.state = DeliveryState::kFailed;
  v.attempts = 5;
  v.next_attempt_at = At(44);
  v.last_status = 502;
  v.last_error = "bad gateway";
  v.delivered_at = At(45);
  return v;
}

Job SampleJob(std::string id) {
  Job v;
  v.id = std::move(id);
  v.kind = "notice_bulk";
  v.owner_org_id = "org_agent";
  v.created_by = "usr_1";
  v.input_sha256 = Sha256Hex("rows.csv");
  v.params = {{"right_id", "rgt_1"}};
  v.state = JobState::kFailed;
  v.total = 10;
  v.processed = 9;
  v.succeeded = 7;
  v.failed = 2;
  v.results = json::array{json::object{{"row", 1}, {"status", "created"}, {"notice_id", "ntc_1"}}};
  v.error = "aborted";
  v.created_at = At(46);
  v.finished_at = At(47);
  return v;
}

ScreeningHit SampleHit(std::string id, std::vector<std::string> rights_holders = {"org_brand",
                                                                               "org_b"}) {
  ScreeningHit v;
  v.id = std::move(id);
  v.marketplace_id = "mkt_1";
  v.listing_id = "lst_1";
  v.listing_version = 3;
  v.seller_id = "s-1";
  v.rights_holder_ids = std::move(rights_holders);
  v.verdict = SampleVerdict();
  v.snapshot = {{"listing_id", "lst_1"}, {"title", "Dys0n V15"}};
  v.trigger = "rescreen";
  v.status = HitStatus::kDismissed;
  v.stay_down_source = "notice:ntc_1";
  v.decided_by = "usr_rev";
  v.decided_at = At(48);
  v.decision_note = "genuine refurbished unit";
  v.statement_id = "sor_1";
  v.strike_id = "stk_1";
  v.stay_down_id = "sd_1";
  v.created_at = At(47);
  v.updated_at = At(48);
  return v;
}

PhotoBank SamplePhotoBank(std::string id) {
  PhotoBank v;
  v.id = std::move(id);
  v.kind = "shared";
  v.owner_org_id = "org_coalition";
  v.name = "Anti-counterfeiting watch list";
  v.radius = 24;
  v.created_at = At(50);
  v.updated_at = At(51);
  return v;
}

PhotoHashEntry SamplePhotoHash(std::string id) {
  PhotoHashEntry v;
  v.id = std::move(id);
  v.bank_id = "acg-watch";
  v.hash = std::string(64, 'c');
  v.quality = 88;
  v.label = "Supersonic, \"front\"";
  v.rights_holder_id = "org_brand";
  v.photo_sha256 = std::string(64, 'b');
  v.source = "import";
  v.listing_id = "lst_1";
  v.created_at = At(52);
  return v;
}

StayDownEntry SampleStayDown(std::string id) {
  StayDownEntry v;
  v.id = std::move(id);
  v.source = "hit:hit_1";
  v.rights_holder_id = "org_brand";
  v.marketplace_id = "mkt_1";
  v.listing_id = "lst_1";
  v.title = "Dys0n V15 Detect";
  v.description = "1:1 copy, ships fast";
  v.created_at = At(49);
  return v;
}

ScreeningRuleStat SampleRuleStat(std::string code, std::string rights_holder) {
  ScreeningRuleStat v;
  v.code = std::move(code);
  v.rights_holder_id = std::move(rights_holder);
  v.confirmed = 12;
  v.dismissed = 3;
  v.auto_blocked = 40;
  v.updated_at = At(50);
  return v;
}

AuditEntry SampleAudit(int i, std::string entity_id = "ntc_1") {
  AuditEntry e;
  e.at = At(i) + milliseconds(i);
  e.actor = "usr_" + std::to_string(i % 3);
  e.action = "notice.received";
  e.entity_type = "notice";
  e.entity_id = std::move(entity_id);
  e.data = "{\"i\":" + std::to_string(i) + "}";
  return e;
}

// Event scopes as the API builds them.
EventScope AllEvents() {
  EventScope s;
  s.all = true;
  return s;
}
EventScope MarketplaceScope(std::string marketplace) {
  EventScope s;
  s.marketplace_id = std::move(marketplace);
  return s;
}
EventScope OrgScope(std::string org) {
  EventScope s;
  s.org_id = std::move(org);
  return s;
}
EventScope SellerScope(std::string marketplace, std::string seller) {
  EventScope s;
  s.marketplace_id = std::move(marketplace);
  s.seller_id = std::move(seller);
  return s;
}

Event SampleEvent(std::string id, std::string marketplace, std::vector<std::string> orgs,
                  std::string seller) {
  Event e;
  e.id = std::move(id);
  e.type = "notice.accepted";
  e.marketplace_id = std::move(marketplace);
  e.org_ids = std::move(orgs);
  e.seller_id = std::move(seller);
  e.subject_id = "ntc_" + e.id;
  e.at = At(50);
  e.data = {{"id", e.id}};
  return e;
}

// ---------------------------------------------------------------- fixture

using StoreFactory = std::function<std::unique_ptr<Store>(const std::string& dir)>;

struct Backend {
  std::string name;
  StoreFactory open;
};
void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = fs::temp_directory_path() / ("cf_store_test_" + RandomHex(8));
    ASSERT_TRUE(fs::create_directories(dir_));
    store_ = GetParam().open(dir_.string());
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Closes the store and opens the same database again.
  void Reopen() {
    store_.reset();
    store_ = GetParam().open(dir_.string());
    ASSERT_NE(store_, nullptr);
  }

  template <typename T>
  Status Insert(const T& v) {
    return store_->Write([&](Tx& tx) { return Repo<T>(tx).Insert(v); });
  }
  template <typename T>
  Status Update(const T& v) {
    return store_->Write([&](Tx& tx) { return Repo<T>(tx).Update(v); });
  }
  template <typename T>
  Result<T> Get(const std::string& id) {
    std::optional<T> out;
    Status s = store_->Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(T v, Repo<T>(tx).Get(id));
      out = std::move(v);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return std::move(*out);
  }
  template <typename T>
  Result<Page<T>> List(const Filter& f, const PageRequest& p = {}) {
    std::optional<Page<T>> out;
    Status s = store_->Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(Page<T> page, Repo<T>(tx).List(f, p));
      out = std::move(page);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return std::move(*out);
  }
  template <typename T>
  Result<int64_t> Count(const Filter& f = {}) {
    int64_t n = -1;
    Status s = store_->Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(n, Repo<T>(tx).Count(f));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return n;
  }
  // Ids of the first page (up to 1000 rows) matching f.
  template <typename T>
  std::vector<std::string> Ids(const Filter& f, PageRequest p = {}) {
    p.limit = 1000;
    auto page = List<T>(f, p);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<std::string> ids;
    if (page.ok())
      for (const auto& v : page->items) ids.push_back(Schema<T>::Id(v));
    return ids;
  }
  // Follows next_cursor from the first page to the last, one Read per page
  // as an API client would, and returns the ids in the order seen.
  template <typename T>
  std::vector<std::string> Walk(const Filter& f, PageRequest p, int* pages = nullptr) {
    std::vector<std::string> ids;
    int n = 0;
    while (true) {
      auto page = List<T>(f, p);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      ++n;
      EXPECT_LE(static_cast<int>(page->items.size()), p.limit);
      for (const auto& v : page->items) ids.push_back(Schema<T>::Id(v));
      if (page->next_cursor.empty()) break;
      EXPECT_FALSE(page->items.empty()) << "a page with a cursor must not be empty";
      if (n > 10000) {
        ADD_FAILURE() << "pagination does not terminate";
        break;
      }
      p.after = page->next_cursor;
    }
    if (pages) *pages = n;
    return ids;
  }
  Result<std::vector<AuditEntry>> AuditLog() {
    std::vector<AuditEntry> out;
    Status s = store_->Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(out, tx.AuditAfter(0, 100000));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return out;
  }
  // Checks seq 1..n, the prev_hash links and every hash.
  void ExpectIntactChain(const std::vector<AuditEntry>& log) {
    std::string prev = kAuditGenesisHash;
    for (size_t i = 0; i < log.size(); ++i) {
      EXPECT_EQ(log[i].seq, static_cast<int64_t>(i + 1));
      EXPECT_EQ(log[i].prev_hash, prev) << "seq " << log[i].seq;
      EXPECT_EQ(log[i].hash, ComputeAuditHash(log[i])) << "seq " << log[i].seq;
      prev = log[i].hash;
    }
  }
  Result<std::vector<Event>> Events(int64_t after, const EventScope& scope, int limit = 1000) {
    std::vector<Event> out;
    Status s = store_->Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(out, tx.EventsAfter(after, scope, limit));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return out;
  }
  std::vector<std::string> EventIds(const EventScope& scope, int64_t after = 0) {
    auto events = Events(after, scope);
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    std::vector<std::string> ids;
    if (events.ok())
      for (const auto& e : *events) ids.push_back(e.id);
    return ids;
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

// ---------------------------------------------------------------- CRUD

TEST_P(StoreTest, ListingKeepsEveryFieldThroughInsertAndGet) {
  const Listing in = SampleListing("lst_1");
  CF_ASSERT_OK(Insert(in));
  auto got = Get<Listing>("lst_1");
  CF_ASSERT_OK(got);
  const Listing& out = *got;
  EXPECT_EQ(out.id, in.id);
  EXPECT_EQ(out.marketplace_id, in.marketplace_id);
  EXPECT_EQ(out.seller_id, in.seller_id);
  EXPECT_EQ(out.title, in.title);
  EXPECT_EQ(out.description, in.description);
  EXPECT_EQ(out.category, in.category);
  EXPECT_EQ(out.price, in.price);
  EXPECT_EQ(out.currency, in.currency);
  EXPECT_EQ(out.images, in.images);
  EXPECT_EQ(out.ship_from, in.ship_from);
  EXPECT_EQ(out.url, in.url);
  EXPECT_EQ(out.status, in.status);
  EXPECT_EQ(out.status_reason, in.status_reason);
  EXPECT_EQ(out.version, in.version);
  EXPECT_EQ(Iso(out.created_at), Iso(in.created_at));
  EXPECT_EQ(Iso(out.updated_at), Iso(in.updated_at));
}

TEST_P(StoreTest, NoticeKeepsEveryFieldThroughInsertAndGet) {
  const Notice in = SampleNotice("ntc_1");
  CF_ASSERT_OK(Insert(in));
  auto got = Get<Notice>("ntc_1");
  CF_ASSERT_OK(got);
  const Notice& out = *got;
  EXPECT_EQ(out.id, in.id);
  EXPECT_EQ(out.marketplace_id, in.marketplace_id);
  EXPECT_EQ(out.complainant_org_id, in.complainant_org_id);
  EXPECT_EQ(out.principal_org_id, in.principal_org_id);
  EXPECT_EQ(out.filed_by, in.filed_by);
  EXPECT_EQ(out.right_id, in.right_id);
  EXPECT_EQ(out.listing_id, in.listing_id);
  EXPECT_EQ(out.seller_id, in.seller_id);
  EXPECT_EQ(out.infringement_type, in.infringement_type);
  EXPECT_EQ(out.body, in.body);
  EXPECT_EQ(out.snapshot, in.snapshot);
  EXPECT_EQ(out.state, in.state);
  EXPECT_EQ(out.priority, in.priority);
  EXPECT_EQ(out.source, in.source);
  EXPECT_EQ(out.job_id, in.job_id);
  EXPECT_EQ(out.fast_lane, in.fast_lane);
  EXPECT_EQ(out.post_review_pending, in.post_review_pending);
  EXPECT_EQ(Iso(out.received_at), Iso(in.received_at));
  EXPECT_EQ(Iso(out.review_due_at), Iso(in.review_due_at));
  EXPECT_EQ(out.claimed_by, in.claimed_by);
  EXPECT_EQ(Iso(out.claimed_at), Iso(in.claimed_at));
  EXPECT_EQ(out.decided_by, in.decided_by);
  EXPECT_EQ(Iso(out.decided_at), Iso(in.decided_at));
  EXPECT_EQ(out.decision_reason, in.decision_reason);
  EXPECT_EQ(out.rejection_code, in.rejection_code);
  EXPECT_EQ(out.info_request, in.info_request);
  EXPECT_EQ(Iso(out.info_deadline), Iso(in.info_deadline));
  EXPECT_EQ(Iso(out.counter_notice_deadline), Iso(in.counter_notice_deadline));
  EXPECT_EQ(Iso(out.appeal_deadline), Iso(in.appeal_deadline));
  EXPECT_EQ(out.statement_id, in.statement_id);
  EXPECT_EQ(out.counter_notice_id, in.counter_notice_id);
  EXPECT_EQ(out.strike_id, in.strike_id);
  ASSERT_EQ(out.timeline.size(), in.timeline.size());
  for (size_t i = 0; i < in.timeline.size(); ++i) {
    EXPECT_EQ(Iso(out.timeline[i].at), Iso(in.timeline[i].at));
    EXPECT_EQ(out.timeline[i].actor, in.timeline[i].actor);
    EXPECT_EQ(out.timeline[i].action, in.timeline[i].action);
    EXPECT_EQ(out.timeline[i].detail, in.timeline[i].detail);
  }
}

TEST_P(StoreTest, NoticeWithUnsetOptionalsComesBackUnset) {
  Notice in = SampleNotice("ntc_1");
  in.claimed_at.reset();
  in.decided_at.reset();
  in.info_deadline.reset();
  in.counter_notice_deadline.reset();
  in.appeal_deadline.reset();
  in.job_id.clear();
  in.timeline.clear();
  CF_ASSERT_OK(Insert(in));
  auto out = Get<Notice>("ntc_1");
  CF_ASSERT_OK(out);
  EXPECT_FALSE(out->claimed_at.has_value());
  EXPECT_FALSE(out->decided_at.has_value());
  EXPECT_FALSE(out->info_deadline.has_value());
  EXPECT_FALSE(out->counter_notice_deadline.has_value());
  EXPECT_FALSE(out->appeal_deadline.has_value());
  EXPECT_EQ(out->job_id, "");
  EXPECT_TRUE(out->timeline.empty());
}

// Inserts v, reads it back in a separate Read and compares the documents.
template <typename T>
void ExpectRoundTrip(Store& store, const T& v) {
  const std::string id = Schema<T>::Id(v);
  SCOPED_TRACE(std::string(Schema<T>::kTable) + " " + id);
  CF_ASSERT_OK(store.Write([&](Tx& tx) { return Repo<T>(tx).Insert(v); }));
  std::optional<T> got;
  CF_ASSERT_OK(store.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(T g, Repo<T>(tx).Get(id));
    got = std::move(g);
    return Status::Ok();
  }));
  EXPECT_EQ(ToJson(*got), ToJson(v));
}

TEST_P(StoreTest, EveryAggregateRoundTripsThroughItsRepository) {
  ExpectRoundTrip(*store_, SampleOrganisation("org_1"));
  ExpectRoundTrip(*store_, SampleUser("usr_1", "rita@example.com"));
  ExpectRoundTrip(*store_, SampleApiKey("key_1", Sha256Hex("cfk_secret")));
  ExpectRoundTrip(*store_, SampleSession(Sha256Hex("cookie")));
  ExpectRoundTrip(*store_, SampleAuthorisation("aut_1"));
  ExpectRoundTrip(*store_, SampleRight("rgt_1"));
  ExpectRoundTrip(*store_, SampleProfile("org_brand"));
  ExpectRoundTrip(*store_, SampleMarketplace("mkt_1"));
  ExpectRoundTrip(*store_, SampleSeller("s-1"));
  ExpectRoundTrip(*store_, SampleListing("lst_1"));
  ExpectRoundTrip(*store_, SampleNotice("ntc_1"));
  ExpectRoundTrip(*store_, SampleStatement("sor_1"));
  ExpectRoundTrip(*store_, SampleCounterNotice("cn_1"));
  ExpectRoundTrip(*store_, SampleAppeal("apl_1"));
  {
    Appeal hit_appeal = SampleAppeal("apl_2");
    hit_appeal.notice_id.clear();
    hit_appeal.complainant_org_id.clear();
    hit_appeal.principal_org_id.clear();
    hit_appeal.hit_id = "hit_1";
    hit_appeal.rights_holder_ids = {"org_brand", "org_other"};
    ExpectRoundTrip(*store_, hit_appeal);
    EXPECT_EQ(Ids<Appeal>(Filter().Eq("hit_id", "hit_1")), std::vector<std::string>{"apl_2"});
    EXPECT_EQ(Ids<Appeal>(Filter().HasToken("org_tokens", {"h:org_other"})),
              std::vector<std::string>{"apl_2"});
    EXPECT_EQ(Ids<Appeal>(Filter().HasToken("org_tokens", {"p:org_brand"})),
              std::vector<std::string>{"apl_1"});
  }
  ExpectRoundTrip(*store_, SampleStrike("stk_1"));
  ExpectRoundTrip(*store_, SampleWebhook("whk_1"));
  ExpectRoundTrip(*store_, SampleDelivery("dlv_1"));
  ExpectRoundTrip(*store_, SampleJob("job_1"));
  ExpectRoundTrip(*store_, SampleHit("hit_1"));
  ExpectRoundTrip(*store_, SampleStayDown("sd_1"));
  ExpectRoundTrip(*store_, SamplePhotoBank("acg-watch"));
  ExpectRoundTrip(*store_, SamplePhotoHash("ph_1"));
  ExpectRoundTrip(*store_, SampleRuleStat("brand_term", "org_brand"));
  ExpectRoundTrip(*store_, SampleRuleStat("category_ban", ""));
}

TEST_P(StoreTest, ListingWithoutAVerdictComesBackWithout) {
  Listing in = SampleListing("lst_1");
  in.screening.reset();
  CF_ASSERT_OK(Insert(in));
  auto out = Get<Listing>("lst_1");
  CF_ASSERT_OK(out);
  EXPECT_FALSE(out->screening.has_value());
  EXPECT_FALSE(ToJson(*out).contains("screening"));
}

TEST_P(StoreTest, HitsAreFoundByAnyOfTheirRightsHolders) {
  CF_ASSERT_OK(Insert(SampleHit("hit_1", {"org_a"})));
  CF_ASSERT_OK(Insert(SampleHit("hit_2", {"org_b", "org_a"})));
  CF_ASSERT_OK(Insert(SampleHit("hit_3", {"org_c"})));
  CF_ASSERT_OK(Insert(SampleHit("hit_4", {})));  // platform rules only
  CF_ASSERT_OK(Insert(SampleHit("hit_5", {"org_ab"})));  // a prefix is not a token
  using V = std::vector<std::string>;
  EXPECT_EQ(Ids<ScreeningHit>(Filter().HasToken("rights_holders", {"org_a"})),
            (V{"hit_1", "hit_2"}));
  EXPECT_EQ(Ids<ScreeningHit>(Filter().HasToken("rights_holders", {"org_b", "org_c"})),
            (V{"hit_2", "hit_3"}));
  EXPECT_TRUE(Ids<ScreeningHit>(Filter().HasToken("rights_holders", {})).empty());
  EXPECT_EQ(Ids<ScreeningHit>(Filter().IsNull("rights_holders")), (V{"hit_4"}));
  // Combined with other conditions, in the right bind order.
  EXPECT_EQ(Ids<ScreeningHit>(
                Filter().HasToken("rights_holders", {"org_a"}).Eq("id", "hit_2").Eq(
                    "status", "dismissed")),
            (V{"hit_2"}));
  EXPECT_EQ(*Count<ScreeningHit>(Filter().HasToken("rights_holders", {"org_a", "org_ab"})), 3);
}

TEST_P(StoreTest, JobsAreFilteredByKind) {
  Job bulk = SampleJob("job_1");
  Job rescreen = SampleJob("job_2");
  rescreen.kind = "screening_rescreen";
  CF_ASSERT_OK(Insert(bulk));
  CF_ASSERT_OK(Insert(rescreen));
  EXPECT_EQ(Ids<Job>(Filter().Eq("kind", "screening_rescreen")), std::vector<std::string>{"job_2"});
  EXPECT_EQ(Ids<Job>(Filter().Eq("kind", "notice_bulk")), std::vector<std::string>{"job_1"});
}

TEST_P(StoreTest, GetOfAMissingIdIsNotFoundAndFindIsEmpty) {
  CF_ASSERT_OK(Insert(SampleListing("lst_1")));
  CF_EXPECT_CODE(Get<Listing>("lst_2"), StatusCode::kNotFound);
  CF_EXPECT_CODE(Get<Notice>("lst_1"), StatusCode::kNotFound);  // other table
  CF_EXPECT_OK(store_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(std::optional<Listing> missing, tx.listings().Find("lst_2"));
    EXPECT_FALSE(missing.has_value());
    ASSIGN_OR_RETURN(std::optional<Listing> present, tx.listings().Find("lst_1"));
    EXPECT_TRUE(present.has_value());
    return Status::Ok();
  }));
}

TEST_P(StoreTest, InsertOfATakenIdIsAlreadyExists) {
  CF_ASSERT_OK(Insert(SampleListing("lst_1")));
  Listing again = SampleListing("lst_1");
  again.title = "second";
  CF_EXPECT_CODE(Insert(again), StatusCode::kAlreadyExists);
  EXPECT_EQ(Get<Listing>("lst_1")->title, SampleListing("lst_1").title);
  CF_ASSERT_OK(Insert(SampleOrganisation("org_1")));
  CF_EXPECT_CODE(Insert(SampleOrganisation("org_1")), StatusCode::kAlreadyExists);
}

TEST_P(StoreTest, UpdateReplacesTheDocumentAndIndexedColumns) {
  CF_ASSERT_OK(Insert(SampleListing("lst_1")));
  Listing l = *Get<Listing>("lst_1");
  l.status = ListingStatus::kRemoved;
  l.title = "removed";
  l.version = 8;
  l.updated_at = At(99);
  CF_ASSERT_OK(Update(l));
  auto out = Get<Listing>("lst_1");
  CF_ASSERT_OK(out);
  EXPECT_EQ(out->title, "removed");
  EXPECT_EQ(out->version, 8);
  EXPECT_EQ(out->status, ListingStatus::kRemoved);
  EXPECT_EQ(Ids<Listing>(Filter().Eq("status", "removed")), std::vector<std::string>{"lst_1"});
  EXPECT_TRUE(Ids<Listing>(Filter().Eq("status", "active")).empty());
  EXPECT_EQ(Ids<Listing>(Filter().Eq("updated_at", Iso(At(99)))),
            std::vector<std::string>{"lst_1"});
}

TEST_P(StoreTest, UpdateOfAMissingIdIsNotFound) {
  CF_ASSERT_OK(Insert(SampleListing("lst_1")));
  CF_EXPECT_CODE(Update(SampleListing("lst_2")), StatusCode::kNotFound);
  CF_EXPECT_CODE(Update(SampleNotice("ntc_1")), StatusCode::kNotFound);
  EXPECT_EQ(*Count<Listing>(), 1);
  EXPECT_EQ(*Count<Notice>(), 0);
}

TEST_P(StoreTest, UpsertInsertsThenReplaces) {
  Seller s = SampleSeller("s-1");
  CF_ASSERT_OK(store_->Write([&](Tx& tx) { return tx.sellers().Upsert(s); }));
  EXPECT_EQ(Get<Seller>(domain::SellerKey("mkt_1", "s-1"))->name, "Cheap Gadgets");
  s.name = "Renamed";
  s.status = SellerStatus::kActive;
  CF_ASSERT_OK(store_->Write([&](Tx& tx) { return tx.sellers().Upsert(s); }));
  EXPECT_EQ(Get<Seller>(domain::SellerKey("mkt_1", "s-1"))->name, "Renamed");
  EXPECT_EQ(*Count<Seller>(), 1);
  EXPECT_EQ(Ids<Seller>(Filter().Eq("status", "active")), std::vector<std::string>{domain::SellerKey("mkt_1", "s-1")});
  EXPECT_TRUE(Ids<Seller>(Filter().Eq("status", "suspended")).empty());
}

TEST_P(StoreTest, UpsertOntoAnotherRowsUniqueColumnIsAlreadyExists) {
  CF_ASSERT_OK(Insert(SampleUser("usr_1", "a@example.com")));
  CF_ASSERT_OK(Insert(SampleUser("usr_2", "b@example.com")));
  User u = SampleUser("usr_2", "a@example.com");
  CF_EXPECT_CODE(store_->Write([&](Tx& tx) { return tx.users().Upsert(u); }),
                 StatusCode::kAlreadyExists);
  EXPECT_EQ(Get<User>("usr_2")->email, "b@example.com");
}

TEST_P(StoreTest, DeleteRemovesOnlyThatRow) {
  CF_ASSERT_OK(Insert(SampleListing("lst_1")));
  CF_ASSERT_OK(Insert(SampleListing("lst_2")));
  CF_ASSERT_OK(store_->Write([&](Tx& tx) { return tx.listings().Delete("lst_1"); }));
  CF_EXPECT_CODE(Get<Listing>("lst_1"), StatusCode::kNotFound);
  CF_EXPECT_OK(Get<Listing>("lst_2"));
  EXPECT_EQ(*Count<Listing>(), 1);
  // The id is free again.
  CF_EXPECT_OK(Insert(SampleListing("lst_1")));
}

// ---------------------------------------------------------------- unique columns

TEST_P(StoreTest, UserEmailIsUnique) {
  CF_ASSERT_OK(Insert(SampleUser("usr_1", "rita@example.com")));
  CF_EXPECT_CODE(Insert(SampleUser("usr_2", "rita@example.com")), StatusCode::kAlreadyExists);
  CF_ASSERT_OK(Insert(SampleUser("usr_3", "other@example.com")));
  CF_EXPECT_CODE(Update(SampleUser("usr_3", "rita@example.com")), StatusCode::kAlreadyExists);
  EXPECT_EQ(*Count<User>(), 2);
  EXPECT_EQ(Get<User>("usr_3")->email, "other@example.com");
}

TEST_P(StoreTest, ApiKeyHashIsUnique) {
  CF_ASSERT_OK(Insert(SampleApiKey("key_1", Sha256Hex("k1"))));
  CF_EXPECT_CODE(Insert(SampleApiKey("key_2", Sha256Hex("k1"))), StatusCode::kAlreadyExists);
  CF_EXPECT_OK(Insert(SampleApiKey("key_3", Sha256Hex("k3"))));
  EXPECT_EQ(Ids<ApiKey>(Filter().Eq("hash", Sha256Hex("k1"))), std::vector<std::string>{"key_1"});
}

TEST_P(StoreTest, TwoOpenNoticesOnTheSameListingAndRightConflict) {
  CF_ASSERT_OK(Insert(SampleNotice("ntc_1", "lst_1", "rgt_1", NoticeState::kReceived)));
  CF_EXPECT_CODE(Insert(SampleNotice("ntc_2", "lst_1", "rgt_1", NoticeState::kInReview)),
                 StatusCode::kAlreadyExists);
  CF_EXPECT_CODE(Insert(SampleNotice("ntc_3", "lst_1", "rgt_1", NoticeState::kInfoRequested)),
                 StatusCode::kAlreadyExists);
  // Another right on the same listing, or the same right on another listing, is fine.
  CF_EXPECT_OK(Insert(SampleNotice("ntc_4", "lst_1", "rgt_2", NoticeState::kReceived)));
  CF_EXPECT_OK(Insert(SampleNotice("ntc_5", "lst_2", "rgt_1", NoticeState::kReceived)));
  EXPECT_EQ(*Count<Notice>(), 3);
}

TEST_P(StoreTest, AClosedNoticeDoesNotBlockANewOpenOne) {
  CF_ASSERT_OK(Insert(SampleNotice("ntc_1", "lst_1", "rgt_1", NoticeState::kRejected)));
  CF_ASSERT_OK(Insert(SampleNotice("ntc_2", "lst_1", "rgt_1", NoticeState::kAccepted)));
  CF_ASSERT_OK(Insert(SampleNotice("ntc_3", "lst_1", "rgt_1", NoticeState::kReceived)));
  // Closing the open one frees the pair for the next notice.
  Notice n3 = *Get<Notice>("ntc_3");
  n3.state = NoticeState::kWithdrawn;
  CF_ASSERT_OK(Update(n3));
  CF_ASSERT_OK(Insert(SampleNotice("ntc_4", "lst_1", "rgt_1", NoticeState::kInReview)));
  // Re-opening a closed one while another is open is refused.
  Notice n1 = *Get<Notice>("ntc_1");
  n1.state = NoticeState::kReceived;
  CF_EXPECT_CODE(Update(n1), StatusCode::kAlreadyExists);
  CF_EXPECT_CODE(store_->Write([&](Tx& tx) { return tx.notices().Upsert(n1); }),
                 StatusCode::kAlreadyExists);
  EXPECT_EQ(Get<Notice>("ntc_1")->state, NoticeState::kRejected);
  EXPECT_EQ(*Count<Notice>(), 4);
}

// ---------------------------------------------------------------- filters

class StoreFilterTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    // n1..n6 on distinct listings; received 10 minutes apart.
    for (int i = 1; i <= 6; ++i) {
      Notice n = SampleNotice("ntc_" + std::to_string(i), "lst_" + std::to_string(i), "rgt_1");
      n.received_at = At(10 * i);
      n.priority = i % 3;
      n.state = i <= 3 ? NoticeState::kReceived : NoticeState::kAccepted;
      n.marketplace_id = i % 2 ? "mkt_odd" : "mkt_even";
      n.post_review_pending = i == 2;
      if (i <= 2) n.decided_at.reset();
      if (i == 5) n.job_id.clear();
      CF_ASSERT_OK(Insert(n));
    }
  }
  using V = std::vector<std::string>;
};

TEST_P(StoreFilterTest, EqAndNeMatchOnIndexedColumns) {
  EXPECT_EQ(Ids<Notice>(Filter().Eq("marketplace_id", "mkt_odd")), (V{"ntc_1", "ntc_3", "ntc_5"}));
  EXPECT_EQ(Ids<Notice>(Filter().Ne("marketplace_id", "mkt_odd")), (V{"ntc_2", "ntc_4", "ntc_6"}));
  EXPECT_EQ(Ids<Notice>(Filter().Eq("marketplace_id", "mkt_odd").Eq("state", "accepted")),
            (V{"ntc_5"}));
  EXPECT_EQ(Ids<Notice>(Filter().Eq("id", "ntc_4")), (V{"ntc_4"}));
  EXPECT_TRUE(Ids<Notice>(Filter().Eq("marketplace_id", "mkt_none")).empty());
  EXPECT_EQ(*Count<Notice>(Filter().Eq("state", "received")), 3);
}

TEST_P(StoreFilterTest, IntegerColumnsCompareAsNumbers) {
  EXPECT_EQ(Ids<Notice>(Filter().Eq("priority", int64_t{0})), (V{"ntc_3", "ntc_6"}));
  EXPECT_EQ(Ids<Notice>(Filter().Ge("priority", int64_t{2})), (V{"ntc_2", "ntc_5"}));
  EXPECT_EQ(Ids<Notice>(Filter().Eq("post_review_pending", int64_t{1})), (V{"ntc_2"}));
}

TEST_P(StoreFilterTest, InMatchesAnyOfItsValues) {
  EXPECT_EQ(Ids<Notice>(Filter().In("id", {"ntc_2", "ntc_5", "ntc_9"})), (V{"ntc_2", "ntc_5"}));
  EXPECT_EQ(Ids<Notice>(Filter().In("listing_id", {"lst_6"})), (V{"ntc_6"}));
  EXPECT_EQ(*Count<Notice>(Filter().In("state", {"received", "accepted"})), 6);
}

TEST_P(StoreFilterTest, EmptyInMatchesNothing) {
  EXPECT_TRUE(Ids<Notice>(Filter().In("id", {})).empty());
  EXPECT_EQ(*Count<Notice>(Filter().In("state", {})), 0);
  EXPECT_TRUE(Ids<Notice>(Filter().Eq("state", "received").In("id", {})).empty());
  // The conditions after an empty In still count (no bind-position slip).
  EXPECT_TRUE(Ids<Notice>(Filter().In("id", {}).Eq("id", "ntc_1")).empty());
  EXPECT_EQ(Ids<Notice>(Filter().Eq("marketplace_id", "mkt_odd").In("state", {"accepted"})),
            (V{"ntc_5"}));
}

TEST_P(StoreFilterTest, LtAndGeCompareTimestampsChronologically) {
  EXPECT_EQ(Ids<Notice>(Filter().Lt("received_at", Iso(At(30)))), (V{"ntc_1", "ntc_2"}));
  EXPECT_EQ(Ids<Notice>(Filter().Ge("received_at", Iso(At(50)))), (V{"ntc_5", "ntc_6"}));
  EXPECT_EQ(Ids<Notice>(Filter().Ge("received_at", Iso(At(20))).Lt("received_at", Iso(At(40)))),
            (V{"ntc_2", "ntc_3"}));
  EXPECT_EQ(Ids<Notice>(Filter().Le("received_at", Iso(At(20)))), (V{"ntc_1", "ntc_2"}));
  EXPECT_EQ(Ids<Notice>(Filter().Gt("received_at", Iso(At(50)))), (V{"ntc_6"}));
  // One millisecond matters.
  EXPECT_EQ(Ids<Notice>(Filter().Lt("received_at", Iso(At(10) + milliseconds(1)))), (V{"ntc_1"}));
  EXPECT_TRUE(Ids<Notice>(Filter().Lt("received_at", Iso(At(10)))).empty());
}

TEST_P(StoreFilterTest, IsNullMatchesUnsetValues) {
  EXPECT_EQ(Ids<Notice>(Filter().IsNull("decided_at")), (V{"ntc_1", "ntc_2"}));
  EXPECT_EQ(Ids<Notice>(Filter().NotNull("decided_at")), (V{"ntc_3", "ntc_4", "ntc_5", "ntc_6"}));
  EXPECT_EQ(Ids<Notice>(Filter().IsNull("job_id")), (V{"ntc_5"}));  // empty text is stored as NULL
  EXPECT_TRUE(Ids<Notice>(Filter().IsNull("marketplace_id")).empty());
}

TEST_P(StoreFilterTest, UnknownColumnIsInvalidArgument) {
  for (const std::string& col : {std::string("title"), std::string("doc"), std::string(""),
                                 std::string("id; DROP TABLE notices"), std::string("1=1 OR id")}) {
    SCOPED_TRACE(col);
    CF_EXPECT_CODE(List<Notice>(Filter().Eq(col, "x")), StatusCode::kInvalidArgument);
    CF_EXPECT_CODE(List<Notice>(Filter().IsNull(col)), StatusCode::kInvalidArgument);
    CF_EXPECT_CODE(Count<Notice>(Filter().Eq(col, "x")), StatusCode::kInvalidArgument);
    PageRequest p;
    p.order_by = {col};
    CF_EXPECT_CODE(List<Notice>(Filter(), p), StatusCode::kInvalidArgument);
  }
  // Columns of another aggregate are unknown here too.
  CF_EXPECT_CODE(List<Listing>(Filter().Eq("right_id", "rgt_1")), StatusCode::kInvalidArgument);
  EXPECT_EQ(*Count<Notice>(), 6) << "nothing was dropped";
}

TEST_P(StoreFilterTest, LimitOutsideOneToAThousandIsInvalidArgument) {
  for (int limit : {0, -1, 1001}) {
    PageRequest p;
    p.limit = limit;
    CF_EXPECT_CODE(List<Notice>(Filter(), p), StatusCode::kInvalidArgument);
  }
  PageRequest p;
  p.limit = 1000;
  CF_EXPECT_OK(List<Notice>(Filter(), p));
}

TEST_P(StoreFilterTest, FirstReturnsTheFirstRowInPageOrder) {
  std::optional<Notice> first, none;
  CF_ASSERT_OK(store_->Read([&](Tx& tx) -> Status {
    PageRequest p;
    p.order_by = {"received_at"};
    p.descending = true;
    ASSIGN_OR_RETURN(first, tx.notices().First(Filter().Eq("state", "received"), p));
    ASSIGN_OR_RETURN(none, tx.notices().First(Filter().Eq("state", "lapsed")));
    return Status::Ok();
  }));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->id, "ntc_3");
  EXPECT_FALSE(none.has_value());
}

// ---------------------------------------------------------------- pagination

struct OrderCase {
  std::vector<std::string> order_by;
  bool descending;
};

class StorePaginationTest : public StoreTest {
 protected:
  static constexpr int kRows = 23;
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    // Inserted out of id order; updated_at and status repeat so the id
    // tie-breaker and the second column both matter.
    const ListingStatus statuses[] = {ListingStatus::kActive, ListingStatus::kRemoved,
                                      ListingStatus::kBlocked};
    for (int k = 0; k < kRows; ++k) {
      int i = (k * 7) % kRows;
      char id[16];
      std::snprintf(id, sizeof id, "lst_%02d", i);
      Listing l = SampleListing(id, i % 4 == 0 ? "mkt_b" : "mkt_a", statuses[i % 3], At(i % 5));
      CF_ASSERT_OK(Insert(l));
      rows_.push_back(l);
    }
  }

  // The order the interface promises: the order_by columns, then id.
  std::vector<std::string> Expected(const OrderCase& c, const std::string& marketplace = "") {
    auto key = [&](const Listing& l) {
      std::vector<std::string> k;
      for (const auto& col : c.order_by) {
        if (col == "updated_at")
          k.push_back(Iso(l.updated_at));
        else if (col == "status")
          k.push_back(std::string(Name(l.status)));
        else if (col == "marketplace_id")
          k.push_back(l.marketplace_id);
        else
          ADD_FAILURE() << "test does not know column " << col;
      }
      k.push_back(l.id);
      return k;
    };
    std::vector<Listing> sorted;
    for (const auto& l : rows_)
      if (marketplace.empty() || l.marketplace_id == marketplace) sorted.push_back(l);
    std::sort(sorted.begin(), sorted.end(), [&](const Listing& a, const Listing& b) {
      return c.descending ? key(b) < key(a) : key(a) < key(b);
    });
    std::vector<std::string> ids;
    for (const auto& l : sorted) ids.push_back(l.id);
    return ids;
  }

  std::vector<Listing> rows_;
};

TEST_P(StorePaginationTest, EveryRowAppearsOnceInOrderAcrossPages) {
  const std::vector<OrderCase> cases = {
      {{}, false},
      {{}, true},
      {{"updated_at"}, false},
      {{"updated_at"}, true},
      {{"status", "updated_at"}, false},
      {{"status", "updated_at"}, true},
  };
  for (const auto& c : cases) {
    for (int limit : {1, 2, 5, kRows - 1, kRows, 50}) {
      std::string label;
      for (const auto& col : c.order_by) label += col + ",";
      SCOPED_TRACE(label + (c.descending ? "desc" : "asc") + " limit " + std::to_string(limit));
      PageRequest p;
      p.order_by = c.order_by;
      p.descending = c.descending;
      p.limit = limit;
      int pages = 0;
      std::vector<std::string> ids = Walk<Listing>(Filter(), p, &pages);
      EXPECT_EQ(ids, Expected(c));
      EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "duplicates";
      EXPECT_EQ(pages, (kRows + limit - 1) / limit) << "the last page carries no cursor";
    }
  }
}

TEST_P(StorePaginationTest, PagesRespectTheFilter) {
  OrderCase c{{"updated_at"}, true};
  PageRequest p;
  p.order_by = c.order_by;
  p.descending = true;
  p.limit = 2;
  EXPECT_EQ(Walk<Listing>(Filter().Eq("marketplace_id", "mkt_a"), p), Expected(c, "mkt_a"));
  EXPECT_EQ(Walk<Listing>(Filter().Eq("marketplace_id", "mkt_b"), p), Expected(c, "mkt_b"));
}

TEST_P(StorePaginationTest, AnEmptyResultIsOnePageWithoutCursor) {
  auto page = List<Listing>(Filter().Eq("marketplace_id", "mkt_none"));
  CF_ASSERT_OK(page);
  EXPECT_TRUE(page->items.empty());
  EXPECT_TRUE(page->next_cursor.empty());
}

TEST_P(StorePaginationTest, BadCursorIsInvalidArgument) {
  PageRequest p;
  p.order_by = {"updated_at"};
  p.limit = 3;
  auto first = List<Listing>(Filter(), p);
  CF_ASSERT_OK(first);
  ASSERT_FALSE(first->next_cursor.empty());
  for (const std::string& bad :
       {std::string("zz"), std::string("not-a-cursor"), std::string("5b"),
        first->next_cursor.substr(1), HexEncode("{\"updated_at\":1}"), HexEncode("[1.5, \"x\"]")}) {
    SCOPED_TRACE(bad);
    p.after = bad;
    CF_EXPECT_CODE(List<Listing>(Filter(), p), StatusCode::kInvalidArgument);
  }
  // A well-formed cursor of another ordering (different arity) is refused too.
  p.after = EncodeCursor({std::string("lst_05")});
  CF_EXPECT_CODE(List<Listing>(Filter(), p), StatusCode::kInvalidArgument);
  PageRequest by_id;
  by_id.after = first->next_cursor;  // two values, this ordering wants one
  CF_EXPECT_CODE(List<Listing>(Filter(), by_id), StatusCode::kInvalidArgument);
}

TEST_P(StoreTest, PaginationOverANullableColumnVisitsEveryRowOnce) {
  // decided_at is NULL for undecided notices; the keyset must step over the
  // NULL group in both directions.
  std::vector<std::string> all;
  for (int i = 0; i < 11; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "ntc_%02d", i);
    Notice n = SampleNotice(id, std::string("lst_") + id, "rgt_1");
    if (i % 3 == 0)
      n.decided_at.reset();
    else
      n.decided_at = At(i % 4);
    CF_ASSERT_OK(Insert(n));
    all.push_back(id);
  }
  for (bool descending : {false, true}) {
    for (int limit : {1, 2, 3, 4, 11}) {
      SCOPED_TRACE(std::string(descending ? "desc" : "asc") + " limit " + std::to_string(limit));
      PageRequest p;
      p.order_by = {"decided_at"};
      p.descending = descending;
      std::vector<std::string> in_one_page = Ids<Notice>(Filter(), p);
      p.limit = limit;
      std::vector<std::string> walked = Walk<Notice>(Filter(), p);
      EXPECT_EQ(walked, in_one_page);
      std::vector<std::string> sorted = walked;
      std::sort(sorted.begin(), sorted.end());
      EXPECT_EQ(sorted, all);
      // NULL sorts before every value: first ascending, last descending.
      std::vector<bool> is_null;
      for (const auto& id : walked) is_null.push_back(!Get<Notice>(id)->decided_at.has_value());
      auto null_first = [&](bool null) { return descending ? !null : null; };
      EXPECT_TRUE(std::is_partitioned(is_null.begin(), is_null.end(), null_first));
    }
  }
}

TEST_P(StoreTest, PaginationByAnIntegerAndATimestampColumn) {
  // The reviewer queue order: priority, then due date.
  std::vector<Notice> rows;
  for (int i = 0; i < 13; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "ntc_%02d", (i * 5) % 13);
    Notice n = SampleNotice(id, std::string("lst_") + id, "rgt_1");
    n.priority = i % 4;
    n.review_due_at = At(100 - (i % 3));
    CF_ASSERT_OK(Insert(n));
    rows.push_back(n);
  }
  for (bool descending : {false, true}) {
    auto key = [](const Notice& n) { return std::tuple(n.priority, n.review_due_at, n.id); };
    std::sort(rows.begin(), rows.end(), [&](const Notice& a, const Notice& b) {
      return descending ? key(b) < key(a) : key(a) < key(b);
    });
    std::vector<std::string> expected;
    for (const auto& n : rows) expected.push_back(n.id);
    PageRequest p;
    p.order_by = {"priority", "review_due_at"};
    p.descending = descending;
    p.limit = 4;
    EXPECT_EQ(Walk<Notice>(Filter(), p), expected) << (descending ? "desc" : "asc");
  }
}

// ---------------------------------------------------------------- transactions

TEST_P(StoreTest, WriteReturnsTheFunctionsErrorAndKeepsNothing) {
  Status s = store_->Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.listings().Insert(SampleListing("lst_1")));
    return FailedPrecondition("changed my mind").WithReason("test");
  });
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "changed my mind");
  EXPECT_EQ(s.reason(), "test");
  CF_EXPECT_CODE(Get<Listing>("lst_1"), StatusCode::kNotFound);
}

TEST_P(StoreTest, AFunctionSeesItsOwnWritesBeforeCommit) {
  CF_EXPECT_OK(store_->Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.listings().Insert(SampleListing("lst_1")));
    ASSIGN_OR_RETURN(Listing l, tx.listings().Get("lst_1"));
    l.version = 9;
    RETURN_IF_ERROR(tx.listings().Update(l));
    ASSIGN_OR_RETURN(int64_t n, tx.listings().Count(Filter().Eq("status", "active")));
    EXPECT_EQ(n, 1);
    return Status::Ok();
  }));
  EXPECT_EQ(Get<Listing>("lst_1")->version, 9);
}

TEST_P(StoreTest, ExceptionInAWriteIsAnErrorAndRollsBack) {
  Status s = store_->Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.listings().Insert(SampleListing("lst_1")));
    throw std::runtime_error("boom");
  });
  EXPECT_FALSE(s.ok());
  CF_EXPECT_CODE(Get<Listing>("lst_1"), StatusCode::kNotFound);
  CF_EXPECT_OK(Insert(SampleListing("lst_2")));
}

TEST_P(StoreTest, AnyExceptionInAFunctionIsAnInternalError) {
  Status w = store_->Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.listings().Insert(SampleListing("lst_1")));
    throw 42;
  });
  EXPECT_EQ(w.code(), StatusCode::kInternal);
  Status r = store_->Read([](Tx&) -> Status { throw 42; });
  EXPECT_EQ(r.code(), StatusCode::kInternal);
  CF_EXPECT_CODE(Get<Listing>("lst_1"), StatusCode::kNotFound);
  CF_EXPECT_OK(Insert(SampleListing("lst_2")));  // the writer is still there
}

TEST_P(StoreTest, ReadSeesCommittedDataAndNotAFailedWrite) {
  CF_ASSERT_OK(Insert(SampleListing("lst_1")));
  Status failed = store_->Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.listings().Insert(SampleListing("lst_2")));
    ASSIGN_OR_RETURN(Listing l, tx.listings().Get("lst_1"));
    l.title = "changed by a failed write";
    RETURN_IF_ERROR(tx.listings().Update(l));
    return Internal("fail after writing");
  });
  ASSERT_FALSE(failed.ok());
  CF_EXPECT_OK(store_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Listing l, tx.listings().Get("lst_1"));
    EXPECT_EQ(l.title, SampleListing("lst_1").title);
    ASSIGN_OR_RETURN(std::optional<Listing> l2, tx.listings().Find("lst_2"));
    EXPECT_FALSE(l2.has_value());
    ASSIGN_OR_RETURN(int64_t n, tx.listings().Count(Filter()));
    EXPECT_EQ(n, 1);
    return Status::Ok();
  }));
}

TEST_P(StoreTest, ReadRefusesToWrite) {
  Status s = store_->Read([&](Tx& tx) -> Status {
    EXPECT_FALSE(tx.listings().Insert(SampleListing("lst_1")).ok());
    EXPECT_FALSE(tx.listings().Upsert(SampleListing("lst_1")).ok());
    EXPECT_FALSE(tx.listings().Delete("lst_1").ok());
    AuditEntry e = SampleAudit(1);
    EXPECT_FALSE(tx.Audit(e).ok());
    Event ev = SampleEvent("evt_1", "mkt_1", {}, "");
    EXPECT_FALSE(tx.AppendEvent(ev).ok());
    EXPECT_FALSE(tx.SaveIdempotent(IdempotentReply{.principal = "usr_1",
                                                   .key = "k",
                                                   .request_hash = "h",
                                                   .status = 200,
                                                   .body = "",
                                                   .location = "",
                                                   .created_at = At(0)})
                     .ok());
    EXPECT_FALSE(tx.AddNotifierTally("org_1", "2026-03-02", {.accepted = 1}).ok());
    return Status::Ok();
  });
  CF_EXPECT_OK(s);
  EXPECT_EQ(*Count<Listing>(), 0);
  auto log = AuditLog();
  CF_ASSERT_OK(log);
  EXPECT_TRUE(log->empty());
}

TEST_P(StoreTest, ReadReturnsTheFunctionsError) {
  Status s = store_->Read([](Tx&) { return NotFound("nothing here"); });
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
}

TEST_P(StoreTest, OnCommitRunsOnlyAfterASuccessfulCommit) {
  std::vector<std::string> ran;  // written by callbacks, read here after Write returns
  bool committed_when_called = false;
  CF_ASSERT_OK(store_->Write([&](Tx& tx) -> Status {
    tx.OnCommit([&] {
      ran.push_back("first");
      // The change is visible to readers by the time the callback runs.
      committed_when_called =
          store_->Read([](Tx& r) { return r.listings().Get("lst_1").status(); }).ok();
    });
    return tx.listings().Insert(SampleListing("lst_1"));
  }));
  EXPECT_EQ(ran, std::vector<std::string>{"first"}) << "callbacks have run when Write returns";
  EXPECT_TRUE(committed_when_called);

  Status failed = store_->Write([&](Tx& tx) -> Status {
    tx.OnCommit([&] { ran.push_back("after failure"); });
    return tx.listings().Insert(SampleListing("lst_1"));  // duplicate
  });
  EXPECT_EQ(failed.code(), StatusCode::kAlreadyExists);
  Status returned_error = store_->Write([&](Tx& tx) -> Status {
    tx.OnCommit([&] { ran.push_back("after error"); });
    return Internal("no");
  });
  EXPECT_FALSE(returned_error.ok());
  CF_ASSERT_OK(store_->Write([&](Tx& tx) -> Status {
    tx.OnCommit([&] { ran.push_back("second"); });
    tx.OnCommit([&] { ran.push_back("third"); });
    return Status::Ok();
  }));
  EXPECT_EQ(ran, (std::vector<std::string>{"first", "second", "third"}));
}

TEST_P(StoreTest, ConcurrentWritersAllLand) {
  constexpr int kThreads = 16;
  constexpr int kWritesPerThread = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        std::string id = "lst_" + std::to_string(t) + "_" + std::to_string(i);
        Status s = store_->Write([&](Tx& tx) -> Status {
          RETURN_IF_ERROR(tx.listings().Insert(SampleListing(id)));
          AuditEntry e = SampleAudit(i, id);
          return tx.Audit(e);
        });
        if (!s.ok()) {
          ++failures;
          ADD_FAILURE() << id << ": " << s.ToString();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*Count<Listing>(), kThreads * kWritesPerThread);
  auto log = AuditLog();
  CF_ASSERT_OK(log);
  EXPECT_EQ(log->size(), static_cast<size_t>(kThreads * kWritesPerThread));
  ExpectIntactChain(*log);
}

TEST_P(StoreTest, AFailedWriteIsRolledBackAloneInsideItsBatch) {
  // Half the writes fail after inserting a row, auditing and appending an
  // event. Writes that share a batch with a failing one must still land,
  // and nothing of the failing ones may.
  constexpr int kThreads = 16;
  constexpr int kWritesPerThread = 40;
  std::atomic<int> wrong_status{0};
  // Failing functions that ran after a successful one of the same batch
  // (its row visible inside the transaction, not yet to readers).
  std::atomic<int> failures_sharing_a_batch{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        const bool fail = (t + i) % 2 == 1;
        const std::string id =
            (fail ? "org_fail_" : "org_ok_") + std::to_string(t) + "_" + std::to_string(i);
        Status s = store_->Write([&](Tx& tx) -> Status {
          RETURN_IF_ERROR(tx.organisations().Insert(
              SampleOrganisation(id, fail ? OrgKind::kPublisher : OrgKind::kBrandOwner)));
          AuditEntry e = SampleAudit(i, id);
          RETURN_IF_ERROR(tx.Audit(e));
          Event ev = SampleEvent("evt_" + id, "mkt_1", {}, "");
          RETURN_IF_ERROR(tx.AppendEvent(ev));
          if (!fail) return Status::Ok();
          ASSIGN_OR_RETURN(int64_t in_tx,
                           tx.organisations().Count(Filter().Eq("kind", "brand_owner")));
          int64_t committed = -1;
          RETURN_IF_ERROR(store_->Read([&](Tx& r) -> Status {
            ASSIGN_OR_RETURN(committed,
                             r.organisations().Count(Filter().Eq("kind", "brand_owner")));
            return Status::Ok();
          }));
          if (in_tx > committed) ++failures_sharing_a_batch;
          return FailedPrecondition("deliberate failure");
        });
        if (s.code() != (fail ? StatusCode::kFailedPrecondition : StatusCode::kOk)) {
          ++wrong_status;
          ADD_FAILURE() << id << ": " << s.ToString();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong_status.load(), 0);
  const int successes = kThreads * kWritesPerThread / 2;
  EXPECT_EQ(*Count<Organisation>(Filter().Eq("kind", "brand_owner")), successes);
  EXPECT_EQ(*Count<Organisation>(Filter().Eq("kind", "publisher")), 0);
  auto log = AuditLog();
  CF_ASSERT_OK(log);
  EXPECT_EQ(log->size(), static_cast<size_t>(successes));
  ExpectIntactChain(*log);
  for (const auto& e : *log) EXPECT_EQ(e.entity_id.rfind("org_ok_", 0), 0u) << e.entity_id;
  auto events = Events(0, AllEvents(), 100000);
  CF_ASSERT_OK(events);
  EXPECT_EQ(events->size(), static_cast<size_t>(successes));
  for (const auto& e : *events) EXPECT_EQ(e.id.rfind("evt_org_ok_", 0), 0u) << e.id;
  EXPECT_GT(failures_sharing_a_batch.load(), 0)
      << "no failing write shared a batch with a successful one; the test proved nothing";
  RecordProperty("failures_sharing_a_batch", failures_sharing_a_batch.load());
}

// ---------------------------------------------------------------- audit chain

TEST_P(StoreTest, AuditEntriesFormAHashChain) {
  std::vector<AuditEntry> written;
  for (int i = 1; i <= 4; ++i) {
    CF_ASSERT_OK(store_->Write([&](Tx& tx) -> Status {
      AuditEntry e = SampleAudit(i);
      RETURN_IF_ERROR(tx.Audit(e));
      written.push_back(e);
      if (i == 4) {  // two entries in one write
        AuditEntry f = SampleAudit(5, "lst_9");
        RETURN_IF_ERROR(tx.Audit(f));
        written.push_back(f);
      }
      return Status::Ok();
    }));
  }
  ASSERT_EQ(written.size(), 5u);
  for (size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(written[i].seq, static_cast<int64_t>(i + 1)) << "Audit fills seq";
    EXPECT_EQ(written[i].prev_hash, i == 0 ? std::string(kAuditGenesisHash) : written[i - 1].hash);
    EXPECT_EQ(written[i].hash, ComputeAuditHash(written[i]));
    EXPECT_EQ(written[i].hash.size(), 64u);
  }
  auto log = AuditLog();
  CF_ASSERT_OK(log);
  ASSERT_EQ(log->size(), 5u);
  ExpectIntactChain(*log);
  for (size_t i = 0; i < log->size(); ++i) {
    const AuditEntry& got = (*log)[i];
    const AuditEntry& want = written[i];
    EXPECT_EQ(Iso(got.at), Iso(want.at));
    EXPECT_EQ(got.actor, want.actor);
    EXPECT_EQ(got.action, want.action);
    EXPECT_EQ(got.entity_type, want.entity_type);
    EXPECT_EQ(got.entity_id, want.entity_id);
    EXPECT_EQ(got.data, want.data);
    EXPECT_EQ(got.hash, want.hash);
  }
}

TEST_P(StoreTest, AuditAfterReturnsEntriesAfterTheGivenSeqUpToTheLimit) {
  for (int i = 1; i <= 6; ++i)
    CF_ASSERT_OK(store_->Write([&](Tx& tx) {
      AuditEntry e = SampleAudit(i);
      return tx.Audit(e);
    }));
  CF_ASSERT_OK(store_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto some, tx.AuditAfter(2, 3));
    EXPECT_EQ(some.size(), 3u);
    if (some.size() == 3) {
      EXPECT_EQ(some.front().seq, 3);
      EXPECT_EQ(some.back().seq, 5);
    }
    ASSIGN_OR_RETURN(auto none, tx.AuditAfter(6, 10));
    EXPECT_TRUE(none.empty());
    return Status::Ok();
  }));
}

TEST_P(StoreTest, AFailedWriteLeavesNoTraceInTheAuditChain) {
  CF_ASSERT_OK(store_->Write([&](Tx& tx) {
    AuditEntry e = SampleAudit(1);
    return tx.Audit(e);
  }));
  int64_t failed_seq = 0;
  Status s = store_->Write([&](Tx& tx) -> Status {
    AuditEntry e = SampleAudit(2, "ntc_failed");
    RETURN_IF_ERROR(tx.Audit(e));
    failed_seq = e.seq;
    return FailedPrecondition("after auditing");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(failed_seq, 2);
  AuditEntry third = SampleAudit(3);
  CF_ASSERT_OK(store_->Write([&](Tx& tx) { return tx.Audit(third); }));
  EXPECT_EQ(third.seq, 2) << "the failed write's seq is reused";
  auto log = AuditLog();
  CF_ASSERT_OK(log);
  ASSERT_EQ(log->size(), 2u);
  ExpectIntactChain(*log);
  EXPECT_EQ((*log)[1].entity_id, "ntc_1");
  EXPECT_EQ((*log)[1].data, third.data);
}

TEST_P(StoreTest, AuditChainContinuesAfterReopening) {
  for (int i = 1; i <= 3; ++i)
    CF_ASSERT_OK(store_->Write([&](Tx& tx) {
      AuditEntry e = SampleAudit(i);
      return tx.Audit(e);
    }));
  Reopen();
  AuditEntry fourth = SampleAudit(4);
  CF_ASSERT_OK(store_->Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.Audit(fourth));
    AuditEntry fifth = SampleAudit(5);
    return tx.Audit(fifth);
  }));
  EXPECT_EQ(fourth.seq, 4);
  auto log = AuditLog();
  CF_ASSERT_OK(log);
  ASSERT_EQ(log->size(), 5u);
  ExpectIntactChain(*log);
  Reopen();
  log = AuditLog();
  CF_ASSERT_OK(log);
  EXPECT_EQ(log->size(), 5u);
  ExpectIntactChain(*log);
}

// ---------------------------------------------------------------- events

TEST_P(StoreTest, EventsGetIncreasingSeqsAndKeepTheirFields) {
  std::vector<Event> written;
  for (int i = 1; i <= 3; ++i) {
    CF_ASSERT_OK(store_->Write([&](Tx& tx) -> Status {
      Event e = SampleEvent("evt_" + std::to_string(i), "mkt_1", {"org_1", "org_2"}, "s-1");
      RETURN_IF_ERROR(tx.AppendEvent(e));
      written.push_back(e);
      return Status::Ok();
    }));
  }
  ASSERT_EQ(written.size(), 3u);
  EXPECT_GT(written[0].seq, 0);
  EXPECT_LT(written[0].seq, written[1].seq);
  EXPECT_LT(written[1].seq, written[2].seq);
  auto events = Events(0, AllEvents());
  CF_ASSERT_OK(events);
  ASSERT_EQ(events->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const Event& got = (*events)[i];
    const Event& want = written[i];
    EXPECT_EQ(got.seq, want.seq);
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.type, want.type);
    EXPECT_EQ(got.marketplace_id, want.marketplace_id);
    EXPECT_EQ(got.org_ids, want.org_ids);
    EXPECT_EQ(got.seller_id, want.seller_id);
    EXPECT_EQ(got.subject_id, want.subject_id);
    EXPECT_EQ(Iso(got.at), Iso(want.at));
    EXPECT_EQ(got.data, want.data);
  }
  CF_EXPECT_CODE(store_->Write([&](Tx& tx) {
    Event dup = SampleEvent("evt_1", "mkt_1", {}, "");
    return tx.AppendEvent(dup);
  }),
                 StatusCode::kAlreadyExists);
}

TEST_P(StoreTest, EventsAfterShowsEachScopeOnlyItsEvents) {
  CF_ASSERT_OK(store_->Write([&](Tx& tx) -> Status {
    std::vector<Event> events = {
        SampleEvent("e1", "mkt_a", {"org_1"}, "s-1"),
        SampleEvent("e2", "mkt_a", {"org_10"}, "s-2"),
        SampleEvent("e3", "mkt_b", {"org_1", "org_2"}, "s-1"),
        SampleEvent("e4", "mkt_b", {}, "s-3"),
        SampleEvent("e5", "", {"org_3"}, ""),
    };
    for (auto& e : events) RETURN_IF_ERROR(tx.AppendEvent(e));
    return Status::Ok();
  }));
  using V = std::vector<std::string>;
  EXPECT_EQ(EventIds(AllEvents()), (V{"e1", "e2", "e3", "e4", "e5"}));
  EXPECT_EQ(EventIds(MarketplaceScope("mkt_a")), (V{"e1", "e2"}));
  EXPECT_EQ(EventIds(MarketplaceScope("mkt_b")), (V{"e3", "e4"}));
  EXPECT_EQ(EventIds(OrgScope("org_1")), (V{"e1", "e3"})) << "org_10 is not org_1";
  EXPECT_EQ(EventIds(OrgScope("org_2")), (V{"e3"}));
  EXPECT_EQ(EventIds(OrgScope("org_3")), (V{"e5"}));
  EXPECT_TRUE(EventIds(OrgScope("org")).empty());
  // A seller sees its own events on its marketplace, not the marketplace's.
  EXPECT_EQ(EventIds(SellerScope("mkt_a", "s-1")), (V{"e1"}));
  EXPECT_EQ(EventIds(SellerScope("mkt_b", "s-1")), (V{"e3"}));
  EXPECT_EQ(EventIds(SellerScope("mkt_b", "s-3")), (V{"e4"}));
  EXPECT_TRUE(EventIds(SellerScope("mkt_a", "s-3")).empty());
  // A scope that names nobody sees nothing.
  EXPECT_TRUE(EventIds(EventScope()).empty());
}

TEST_P(StoreTest, EventsAfterStartsAfterTheGivenSeqAndHonoursTheLimit) {
  std::vector<int64_t> seqs;
  for (int i = 1; i <= 5; ++i) {
    CF_ASSERT_OK(store_->Write([&](Tx& tx) -> Status {
      Event e = SampleEvent("e" + std::to_string(i), "mkt_a", {}, "");
      RETURN_IF_ERROR(tx.AppendEvent(e));
      seqs.push_back(e.seq);
      return Status::Ok();
    }));
  }
  using V = std::vector<std::string>;
  EXPECT_EQ(EventIds(MarketplaceScope("mkt_a"), seqs[1]), (V{"e3", "e4", "e5"}));
  EXPECT_TRUE(EventIds(MarketplaceScope("mkt_a"), seqs[4]).empty());
  auto two = Events(0, AllEvents(), 2);
  CF_ASSERT_OK(two);
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1].seq, seqs[1]);
}

TEST_P(StoreTest, AFailedWritesEventIsNeverSeen) {
  Status s = store_->Write([&](Tx& tx) -> Status {
    Event e = SampleEvent("e_failed", "mkt_a", {}, "");
    RETURN_IF_ERROR(tx.AppendEvent(e));
    return Internal("fail");
  });
  ASSERT_FALSE(s.ok());
  int64_t seq = 0;
  CF_ASSERT_OK(store_->Write([&](Tx& tx) -> Status {
    Event e = SampleEvent("e_ok", "mkt_a", {}, "");
    RETURN_IF_ERROR(tx.AppendEvent(e));
    seq = e.seq;
    return Status::Ok();
  }));
  EXPECT_EQ(EventIds(AllEvents()), std::vector<std::string>{"e_ok"});
  EXPECT_TRUE(EventIds(AllEvents(), seq).empty());
}

// ---------------------------------------------------------------- idempotency, blobs, tallies

TEST_P(StoreTest, IdempotentReplyIsSavedAndFound) {
  IdempotentReply r{.principal = "usr_1",
                    .key = "8e0f-key",
                    .request_hash = Sha256Hex("POST /v1/notices {}"),
                    .status = 201,
                    .body = "{\"id\":\"ntc_1\"}",
                    .location = "/v1/notices/ntc_1",
                    .created_at = At(5) + milliseconds(5)};
  CF_ASSERT_OK(store_->Write([&](Tx& tx) { return tx.SaveIdempotent(r); }));
  CF_ASSERT_OK(store_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto found, tx.FindIdempotent("usr_1", "8e0f-key"));
    EXPECT_TRUE(found.has_value());
    if (found) {
      EXPECT_EQ(found->principal, r.principal);
      EXPECT_EQ(found->key, r.key);
      EXPECT_EQ(found->request_hash, r.request_hash);
      EXPECT_EQ(found->status, r.status);
      EXPECT_EQ(found->body, r.body);
      EXPECT_EQ(found->location, r.location);
      EXPECT_EQ(Iso(found->created_at), Iso(r.created_at));
    }
    ASSIGN_OR_RETURN(auto other_key, tx.FindIdempotent("usr_1", "other"));
    EXPECT_FALSE(other_key.has_value());
    ASSIGN_OR_RETURN(auto other_principal, tx.FindIdempotent("usr_2", "8e0f-key"));
    EXPECT_FALSE(other_principal.has_value());
    return Status::Ok();
  }));
}

TEST_P(StoreTest, DuplicateIdempotencyKeyOfOnePrincipalIsAlreadyExists) {
  IdempotentReply r{.principal = "usr_1",
                    .key = "k1",
                    .request_hash = "h1",
                    .status = 201,
                    .body = "{}",
                    .location = "",
                    .created_at = At(0)};
  CF_ASSERT_OK(store_->Write([&](Tx& tx) { return tx.SaveIdempotent(r); }));
  IdempotentReply again = r;
  again.status = 409;
  CF_EXPECT_CODE(store_->Write([&](Tx& tx) { return tx.SaveIdempotent(again); }),
                 StatusCode::kAlreadyExists);
  IdempotentReply other = r;
  other.principal = "usr_2";
  CF_EXPECT_OK(store_->Write([&](Tx& tx) { return tx.SaveIdempotent(other); }));
  CF_ASSERT_OK(store_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto found, tx.FindIdempotent("usr_1", "k1"));
    EXPECT_TRUE(found.has_value() && found->status == 201) << "the first reply is kept";
    return Status::Ok();
  }));
}

TEST_P(StoreTest, BlobRefsListEveryOwnerOnceAndKeepTheirFields) {
  const std::string sha = Sha256Hex("certificate.pdf");
  BlobRef a{.sha256 = sha,
            .owner_org_id = "org_1",
            .owner_user_id = "usr_1",
            .content_type = "application/pdf",
            .filename = "certificate.pdf",
            .size = 1234,
            .purpose = "certificate",
            .created_at = At(1)};
  BlobRef b = a;
  b.owner_org_id = "org_2";
  b.owner_user_id = "usr_2";
  BlobRef platform = a;
  platform.owner_org_id = "";
  platform.purpose = "evidence";
  CF_ASSERT_OK(store_->Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.PutBlobRef(a));
    RETURN_IF_ERROR(tx.PutBlobRef(a));  // identical pair: ignored
    RETURN_IF_ERROR(tx.PutBlobRef(b));
    return tx.PutBlobRef(platform);
  }));
  CF_ASSERT_OK(store_->Write([&](Tx& tx) { return tx.PutBlobRef(a); }));
  CF_ASSERT_OK(store_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto refs, tx.BlobRefs(sha));
    EXPECT_EQ(refs.size(), 3u);
    std::map<std::string, BlobRef> by_owner;
    for (const auto& r : refs) by_owner[r.owner_org_id + "/" + r.purpose] = r;
    EXPECT_EQ(by_owner.count("org_1/certificate"), 1u);
    EXPECT_EQ(by_owner.count("org_2/certificate"), 1u);
    EXPECT_EQ(by_owner.count("/evidence"), 1u);
    const BlobRef& got = by_owner["org_1/certificate"];
    EXPECT_EQ(got.sha256, sha);
    EXPECT_EQ(got.owner_user_id, "usr_1");
    EXPECT_EQ(got.content_type, "application/pdf");
    EXPECT_EQ(got.filename, "certificate.pdf");
    EXPECT_EQ(got.size, 1234);
    EXPECT_EQ(Iso(got.created_at), Iso(At(1)));
    ASSIGN_OR_RETURN(auto none, tx.BlobRefs(Sha256Hex("unknown")));
    EXPECT_TRUE(none.empty());
    return Status::Ok();
  }));
}

TEST_P(StoreTest, NotifierTallyAddsUpAcrossDays) {
  CF_ASSERT_OK(store_->Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.AddNotifierTally("org_1", "2026-03-01", {.accepted = 1}));
    RETURN_IF_ERROR(tx.AddNotifierTally("org_1", "2026-03-01", {.accepted = 2, .rejected = 1}));
    RETURN_IF_ERROR(tx.AddNotifierTally("org_1", "2026-03-05", {.restored = 1, .unfounded = 4}));
    return tx.AddNotifierTally("org_2", "2026-03-05", {10, 10, 10, 10});
  }));
  CF_ASSERT_OK(store_->Write(
      [&](Tx& tx) { return tx.AddNotifierTally("org_1", "2026-03-05", {.accepted = 5}); }));
  auto sum = [&](const std::string& org, const std::string& from) {
    NotifierTally t{-1, -1, -1, -1};
    Status s = store_->Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(t, tx.SumNotifierTally(org, from));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return std::vector<int64_t>{t.accepted, t.rejected, t.restored, t.unfounded};
  };
  using V = std::vector<int64_t>;
  EXPECT_EQ(sum("org_1", "2026-01-01"), (V{8, 1, 1, 4}));
  EXPECT_EQ(sum("org_1", "2026-03-01"), (V{8, 1, 1, 4}));
  EXPECT_EQ(sum("org_1", "2026-03-02"), (V{5, 0, 1, 4}));
  EXPECT_EQ(sum("org_1", "2026-03-06"), (V{0, 0, 0, 0}));
  EXPECT_EQ(sum("org_2", "2026-03-05"), (V{10, 10, 10, 10}));
  EXPECT_EQ(sum("org_3", "2026-01-01"), (V{0, 0, 0, 0}));
}

// ---------------------------------------------------------------- lifecycle

TEST_P(StoreTest, SchemaVersionIsTheLatest) { EXPECT_EQ(store_->SchemaVersion(), 4); }

TEST_P(StoreTest, ReopeningKeepsTheDataAndTheSchema) {
  CF_ASSERT_OK(Insert(SampleNotice("ntc_1")));
  CF_ASSERT_OK(Insert(SampleUser("usr_1", "rita@example.com")));
  Reopen();
  EXPECT_EQ(store_->SchemaVersion(), 4);
  CF_EXPECT_OK(Get<Notice>("ntc_1"));
  // Unique constraints survive too.
  CF_EXPECT_CODE(Insert(SampleUser("usr_2", "rita@example.com")), StatusCode::kAlreadyExists);
  CF_EXPECT_CODE(Insert(SampleNotice("ntc_2")), StatusCode::kAlreadyExists);
  Reopen();
  EXPECT_EQ(store_->SchemaVersion(), 4);
  EXPECT_EQ(*Count<Notice>(), 1);
}

TEST_P(StoreTest, DescribeNamesTheBackend) { EXPECT_FALSE(store_->Describe().empty()); }

// ---------------------------------------------------------------- backends

std::unique_ptr<Store> OpenSqlite(const std::string& dir) {
  auto r = OpenSqliteStore({.path = dir + "/counterfoil.db"});
  if (!r.ok()) {
    ADD_FAILURE() << "OpenSqliteStore: " << r.status().ToString();
    return nullptr;
  }
  return std::move(r).value();
}

const Backend kBackends[] = {
    {"Sqlite", OpenSqlite},
    // {"Postgres", OpenPostgresForTest},  // when src/storage/postgres lands
};

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(kBackends), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, StoreFilterTest, ::testing::ValuesIn(kBackends), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, StorePaginationTest, ::testing::ValuesIn(kBackends),
                         BackendName);

// ---------------------------------------------------------------- SQLite only

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = fs::temp_directory_path() / ("cf_sqlite_test_" + RandomHex(8));
    ASSERT_TRUE(fs::create_directories(dir_));
    path_ = (dir_ / "counterfoil.db").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // Runs one statement on a separate raw connection; returns its rows as text.
  std::vector<std::vector<std::string>> Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    std::vector<std::vector<std::string>> rows;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(
        db, sql.c_str(),
        [](void* out, int n, char** values, char**) {
          auto* r = static_cast<std::vector<std::vector<std::string>>*>(out);
          r->emplace_back();
          for (int i = 0; i < n; ++i) r->back().push_back(values[i] ? values[i] : "NULL");
          return 0;
        },
        &rows, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << " in " << sql;
    sqlite3_free(err);
    sqlite3_close(db);
    return rows;
  }
  fs::path dir_;
  std::string path_;
};

TEST_F(SqliteStoreTest, ReopeningDoesNotReapplyMigrations) {
  { CF_ASSERT_OK(OpenSqliteStore({.path = path_})); }
  auto first = Sql("SELECT version, applied_at FROM schema_migrations ORDER BY version");
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first[0][0], "1");
  EXPECT_EQ(first[1][0], "2");
  EXPECT_EQ(first[2][0], "3");
  EXPECT_EQ(first[3][0], "4");
  for (int i = 0; i < 2; ++i) {
    auto store = OpenSqliteStore({.path = path_});
    CF_ASSERT_OK(store);
    EXPECT_EQ((*store)->SchemaVersion(), 4);
  }
  EXPECT_EQ(Sql("SELECT version, applied_at FROM schema_migrations ORDER BY version"), first);
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerProgram) {
  { CF_ASSERT_OK(OpenSqliteStore({.path = path_})); }
  Sql("INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01T00:00:00Z')");
  auto store = OpenSqliteStore({.path = path_});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable);
}

TEST_F(SqliteStoreTest, OpeningAnUnopenablePathIsUnavailable) {
  auto store = OpenSqliteStore({.path = (dir_ / "missing" / "folder" / "x.db").string()});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable);
}

TEST_F(SqliteStoreTest, ConcurrentFirstOpensAllSucceed) {
  // Several processes (here: threads) starting on a fresh database at once
  // must not both try to apply migration 1.
  constexpr int kOpeners = 4;
  std::barrier start(kOpeners);
  std::vector<Status> results(kOpeners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto store = OpenSqliteStore({.path = path_});
      results[i] = store.status();
      if (store.ok() && (*store)->SchemaVersion() != 4) results[i] = Internal("wrong version");
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM schema_migrations").at(0).at(0), "4");
}

// A database written by the release with schema version 1 (before
// screening) is upgraded in place: the new tables appear and the jobs it
// holds get their kind column.
TEST_F(SqliteStoreTest, UpgradesAVersionOneDatabase) {
  const auto& migrations = sqlite::Migrations();
  ASSERT_GE(migrations.size(), 2u);
  ASSERT_EQ(migrations[0].version, 1);
  Sql(std::string(migrations[0].sql));
  Sql("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
      "applied_at TEXT NOT NULL)");
  Sql("INSERT INTO schema_migrations VALUES (1, 'initial', '2026-01-01T00:00:00Z')");
  Job old = SampleJob("job_old");
  Sql("INSERT INTO jobs (id, doc, owner_org_id, state, created_at) VALUES ('job_old', '" +
      json::serialize(ToJson(old)) + "', 'org_agent', 'failed', '" + Iso(old.created_at) + "')");
  auto store = OpenSqliteStore({.path = path_});
  CF_ASSERT_OK(store);
  EXPECT_EQ((*store)->SchemaVersion(), 4);
  CF_EXPECT_OK((*store)->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto page, tx.jobs().List(Filter().Eq("kind", "notice_bulk"), {}));
    EXPECT_EQ(page.items.size(), 1u);
    ASSIGN_OR_RETURN(int64_t hits, tx.screening_hits().Count({}));
    EXPECT_EQ(hits, 0);
    return Status::Ok();
  }));
  CF_EXPECT_OK((*store)->Write([&](Tx& tx) { return tx.screening_hits().Insert(SampleHit("hit_1")); }));
}

// Screening hits of a version-3 database get the time of their decision as a
// column (for the reports), filled in from their documents.
TEST_F(SqliteStoreTest, UpgradeGivesVersionThreeHitsTheirDecisionTime) {
  const auto& migrations = sqlite::Migrations();
  ASSERT_GE(migrations.size(), 4u);
  Sql("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
      "applied_at TEXT NOT NULL)");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(migrations[i].version, i + 1);
    Sql(std::string(migrations[i].sql));
    Sql("INSERT INTO schema_migrations VALUES (" + std::to_string(i + 1) +
        ", 'old', '2026-01-01T00:00:00Z')");
  }
  ScreeningHit decided = SampleHit("hit_decided");
  ScreeningHit open = SampleHit("hit_open");
  open.status = HitStatus::kOpen;
  open.decided_at.reset();
  for (const ScreeningHit& h : {decided, open})
    Sql("INSERT INTO screening_hits (id, doc, marketplace_id, status, created_at) VALUES ('" + h.id +
        "', '" + json::serialize(ToJson(h)) + "', 'mkt_1', '" + std::string(Name(h.status)) +
        "', '" + Iso(h.created_at) + "')");
  auto store = OpenSqliteStore({.path = path_});
  CF_ASSERT_OK(store);
  EXPECT_EQ((*store)->SchemaVersion(), 4);
  CF_EXPECT_OK((*store)->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto page, tx.screening_hits().List(
                                    Filter().Ge("decided_at", Iso(At(48))).Lt("decided_at", Iso(At(49))),
                                    {}));
    EXPECT_EQ(page.items.size(), 1u);
    if (!page.items.empty()) {
      EXPECT_EQ(page.items[0].id, "hit_decided");
    }
    ASSIGN_OR_RETURN(int64_t undecided, tx.screening_hits().Count(Filter().IsNull("decided_at")));
    EXPECT_EQ(undecided, 1);
    return Status::Ok();
  }));
}

// Appeals of a version-1 database gain the columns of appeals on screening
// hits: no hit_id, and the complainant's and the notice principal's tokens.
TEST_F(SqliteStoreTest, UpgradeGivesVersionOneAppealsTheirRightsHolderTokens) {
  const auto& migrations = sqlite::Migrations();
  Sql(std::string(migrations[0].sql));
  Sql("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
      "applied_at TEXT NOT NULL)");
  Sql("INSERT INTO schema_migrations VALUES (1, 'initial', '2026-01-01T00:00:00Z')");
  Notice n = SampleNotice("ntc_1");
  Sql("INSERT INTO notices (id, doc, principal_org_id) VALUES ('ntc_1', '{}', '" +
      n.principal_org_id + "')");
  Appeal old = SampleAppeal("apl_old");
  old.principal_org_id.clear();  // version 1 did not record it
  json::object doc = ToJson(old);
  doc.erase("principal_org_id");
  doc.erase("hit_id");
  doc.erase("rights_holder_ids");
  Sql("INSERT INTO appeals (id, doc, notice_id, seller_id, marketplace_id, complainant_org_id, "
      "state, filed_at) VALUES ('apl_old', '" +
      json::serialize(doc) + "', 'ntc_1', 's-1', 'mkt_1', 'org_agent', 'overturned', '" +
      Iso(old.filed_at) + "')");
  auto store = OpenSqliteStore({.path = path_});
  CF_ASSERT_OK(store);
  CF_EXPECT_OK((*store)->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Appeal a, tx.appeals().Get("apl_old"));
    EXPECT_EQ(a.principal_org_id, "org_brand");
    EXPECT_EQ(a.hit_id, "");
    for (const char* token : {"c:org_agent", "p:org_brand"}) {
      ASSIGN_OR_RETURN(int64_t seen, tx.appeals().Count(Filter().HasToken("org_tokens", {token})));
      EXPECT_EQ(seen, 1) << token;
    }
    ASSIGN_OR_RETURN(int64_t hits, tx.appeals().Count(Filter().Eq("hit_id", "hit_1")));
    EXPECT_EQ(hits, 0);
    return Status::Ok();
  }));
}

}  // namespace
}  // namespace counterfoil::storage
