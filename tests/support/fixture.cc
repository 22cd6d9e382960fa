#include "tests/support/fixture.h"

#include <unistd.h>

#include <chrono>
#include <random>
#include <sstream>

#include "common/crypto.h"
#include "service/integration.h"

namespace counterfoil::testing {

using service::Principal;

namespace {

constexpr std::chrono::seconds kHttpTimeout{30};

const json::value& Null() {
  static const json::value v = nullptr;
  return v;
}

template <typename T>
T Must(Result<T> r, std::string_view what) {
  if (!r.ok()) {
    ADD_FAILURE() << "seeding failed at " << what << ": " << r.status().ToString();
    throw std::runtime_error("seeding failed");
  }
  return std::move(r).value();
}

}  // namespace

// ------------------------------------------------------------------ Reply

std::optional<std::string> Reply::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (http::EqualsIgnoreCase(k, name)) return v;
  return std::nullopt;
}

std::vector<std::string> Reply::HeaderValues(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers)
    if (http::EqualsIgnoreCase(k, name)) out.push_back(v);
  return out;
}

const json::value& Reply::At(std::string_view pointer) const {
  if (pointer.empty()) return body;
  boost::system::error_code ec;
  const json::value* v = body.find_pointer(pointer, ec);
  return v ? *v : Null();
}

std::string Reply::Str(std::string_view pointer) const {
  const json::value& v = At(pointer);
  return v.is_string() ? std::string(v.get_string()) : std::string();
}

const json::array& Reply::Items() const {
  static const json::array kEmpty;
  const json::value& v = At("/items");
  return v.is_array() ? v.get_array() : kEmpty;
}

std::string Reply::ProblemType() const {
  std::string type = Str("/type");
  auto slash = type.rfind('/');
  return slash == std::string::npos ? type : type.substr(slash + 1);
}

std::string Reply::ErrorPointer() const { return Str("/errors/0/pointer"); }
std::string Reply::Detail() const { return Str("/detail"); }

std::ostream& operator<<(std::ostream& os, const Reply& r) {
  os << "HTTP " << r.status;
  if (!r.transport_error.empty()) os << " (transport error: " << r.transport_error << ")";
  std::string text = r.text.size() > 2000 ? r.text.substr(0, 2000) + "…" : r.text;
  return os << " " << text;
}

std::ostream& operator<<(std::ostream& os, const StateCounts& c) {
  return os << "{notices " << c.notices << ", counter_notices " << c.counter_notices
            << ", appeals " << c.appeals << ", statements " << c.statements << ", strikes "
            << c.strikes << ", listings " << c.listings << ", sellers " << c.sellers
            << ", rights " << c.rights << ", users " << c.users << ", organisations "
            << c.organisations << ", jobs " << c.jobs << ", webhooks " << c.webhooks
            << ", deliveries " << c.deliveries << ", events " << c.events << ", audit "
            << c.audit << ", screening_hits " << c.screening_hits << ", stay_down "
            << c.stay_down << ", photo_banks " << c.photo_banks << ", photo_hashes "
            << c.photo_hashes << "}";
}

// ------------------------------------------------------------------ WebhookReceiver

std::optional<std::string> WebhookReceiver::Received::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (http::EqualsIgnoreCase(k, name)) return v;
  return std::nullopt;
}

WebhookReceiver::WebhookReceiver() {
  http::ServerOptions opts;
  opts.address = "127.0.0.1";
  opts.port = 0;
  opts.io_threads = 1;
  opts.worker_threads = 2;
  server_ = std::make_unique<http::Server>(opts, [this](http::Request& req) {
    {
      std::lock_guard lock(mu_);
      received_.push_back({req.headers, req.body});
    }
    return http::Response::Json(status_.load(), json::object{{"ok", status_.load() < 300}});
  });
  Status s = server_->Start();
  EXPECT_TRUE(s.ok()) << s.ToString();
}

WebhookReceiver::~WebhookReceiver() { server_->Stop(); }

std::string WebhookReceiver::url() const {
  return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hooks/counterfoil";
}

std::vector<WebhookReceiver::Received> WebhookReceiver::received() const {
  std::lock_guard lock(mu_);
  return received_;
}

size_t WebhookReceiver::count() const {
  std::lock_guard lock(mu_);
  return received_.size();
}

// ------------------------------------------------------------------ IntegrationTest

IntegrationTest::IntegrationTest() : clock_(ParseTime(kStart).value()) {}

void IntegrationTest::SetUp() {
  InitCrypto();
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() /
         ("counterfoil-it-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  config_.data_dir = dir_.string();
  config_.listen = "127.0.0.1:0";
  config_.io_threads = 1;
  config_.worker_threads = 8;
  config_.max_body_bytes = kMaxBodyBytes;
  // The limiter runs on the FakeClock, which tests do not advance between
  // requests; rate limiting is not what these suites test.
  config_.rate_per_second = 1000;
  config_.rate_burst = 1e9;
  config_.webhook_timeout_ms = 10000;
  Configure(config_);
  auto app = api::App::Open(config_, &clock_);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  app_ = std::move(app).value();
  Status started = app_->Start(/*jobs=*/false);
  ASSERT_TRUE(started.ok()) << started.ToString();
  ASSERT_NE(app_->port(), 0);
  try {
    Seed();
  } catch (const std::exception&) {
    FAIL() << "seeding the test world failed (see above)";
  }
}

void IntegrationTest::TearDown() {
  if (app_) {
    if (!HasFatalFailure()) ExpectAuditChainIntact();
    app_->Stop();
    app_.reset();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string IntegrationTest::Url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(app_->port()) + std::string(path);
}

Reply IntegrationTest::CallRaw(std::string_view method, std::string_view path,
                               const std::string& key, std::string body, std::string content_type,
                               http::HeaderList extra) {
  http::HeaderList headers;
  if (!key.empty()) headers.emplace_back("Authorization", "Bearer " + key);
  if (!content_type.empty()) headers.emplace_back("Content-Type", content_type);
  for (auto& h : extra) headers.push_back(std::move(h));
  Reply reply;
  auto r = http::Fetch(method, Url(path), headers, body, kHttpTimeout);
  if (!r.ok()) {
    reply.transport_error = r.status().ToString();
    return reply;
  }
  reply.status = r->status;
  reply.text = std::move(r->body);
  reply.headers = std::move(r->headers);
  if (!reply.text.empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(reply.text, ec);
    if (!ec) reply.body = std::move(v);
  }
  return reply;
}

Reply IntegrationTest::Call(std::string_view method, std::string_view path, const std::string& key,
                            const json::value& body, http::HeaderList extra) {
  if (body.is_null()) return CallRaw(method, path, key, "", "", std::move(extra));
  return CallRaw(method, path, key, json::serialize(body), "application/json", std::move(extra));
}

json::object IntegrationTest::NoticeBody(const std::string& listing_id, const std::string& right_id,
                                         const std::string& type) const {
  std::string marketplace = listing_id.rfind("e-", 0) == 0 ? "shopeu" : "taobao";
  return json::object{
      {"listing_id", listing_id},
      {"right_id", right_id},
      {"infringement_type", type},
      {"work", "The protected work or mark relied on"},
      {"location_url", "https://" + marketplace + ".example/item/" + listing_id},
      {"explanation", "The listing offers counterfeit goods bearing the registered mark."},
      {"evidence", json::array{"Test buy order 8812: the product lacks the hologram."}},
      {"signature", "Jane Doe"},
      {"complainant",
       json::object{{"name", "Jane Doe"},
                    {"email", "legal@acme.example"},
                    {"address", "1 Acme Way, Springfield"},
                    {"phone", "+1 555 0100"},
                    {"identity_document", "Business licence 91310000XXXX"}}},
      {"statements", json::object{{"good_faith", true},
                                  {"accurate", true},
                                  {"under_penalty_of_perjury", true},
                                  {"authorised", true},
                                  {"bona_fide", true}}},
  };
}

json::object IntegrationTest::CounterNoticeBody() const {
  return json::object{
      {"statement", "These goods are genuine; I bought them from the authorised distributor."},
      {"evidence", json::array{"Invoice INV-2026-0042 from the authorised distributor"}},
      {"signature", "Sam Seller"},
      {"contact", json::object{{"name", "Sam Seller"},
                               {"address", "2 Market Street, Hangzhou"},
                               {"email", "sam@seller.example"},
                               {"phone", "+86 571 0000 0000"}}},
      {"statements", json::object{{"good_faith_mistake", true}, {"consent_to_jurisdiction", true}}},
  };
}

std::string IntegrationTest::FileNotice(const std::string& key, const json::object& body) {
  Reply r = Call("POST", "/v1/notices", key, body);
  if (r.status != 201) {
    ADD_FAILURE() << "filing a notice failed: " << r;
    return "";
  }
  return r.Str("/id");
}

Reply IntegrationTest::Decide(const std::string& key, const std::string& notice_id,
                              const json::object& body) {
  return Call("POST", "/v1/notices/" + notice_id + "/decision", key, body);
}

Reply IntegrationTest::Accept(const std::string& notice_id, const std::string& key) {
  Reply r = Decide(key.empty() ? keys_.reviewer : key, notice_id,
                   {{"decision", "accept"}, {"reason", "The listing shows counterfeit goods."}});
  if (r.status != 200) ADD_FAILURE() << "accepting " << notice_id << " failed: " << r;
  return r;
}

std::string IntegrationTest::FileCounterNotice(const std::string& seller_key,
                                               const std::string& notice_id) {
  Reply r = Call("POST", "/v1/notices/" + notice_id + "/counter-notices", seller_key,
                 CounterNoticeBody());
  if (r.status != 201) {
    ADD_FAILURE() << "counter-notice on " << notice_id << " failed: " << r;
    return "";
  }
  return r.Str("/id");
}

std::string IntegrationTest::UploadBlob(const std::string& key, std::string bytes,
                                        const std::string& purpose) {
  Reply r = CallRaw("POST", "/v1/blobs?purpose=" + purpose, key, std::move(bytes),
                    "application/pdf");
  if (r.status != 201) {
    ADD_FAILURE() << "upload failed: " << r;
    return "";
  }
  return r.Str("/sha256");
}

void IntegrationTest::AddListings(const std::string& marketplace, const std::string& seller,
                                  const std::vector<std::string>& ids) {
  std::string jsonl;
  for (const auto& id : ids) {
    jsonl += json::serialize(json::object{
        {"id", id},
        {"marketplace", marketplace},
        {"seller_id", seller},
        {"title", "Listing " + id},
        {"description", "A product"},
        {"category", "home-appliances"},
        {"price", json::object{{"amount", 59.0}, {"currency", "USD"}}}});
    jsonl += "\n";
  }
  auto results = app_->marketplace().BulkUpsertListings(Principal::System(), jsonl);
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  for (const auto& r : *results) ASSERT_TRUE(r.status.ok()) << r.id << ": " << r.status.ToString();
}

void IntegrationTest::SeedScreening() {
  const Principal sys = Principal::System();
  Must(app_->accounts().CreateOrganisation(
           sys, json::object{{"id", "platform"}, {"name", "Platform operator"}, {"kind", "platform"}}),
       "platform organisation");
  Must(app_->registry().PutProtection(
           sys, "platform",
           json::object{{"suspicious_terms", json::array{"replica", "1:1", "super copy"}}}),
       "platform screening policy");
  Must(app_->registry().PutProtection(
           sys, "acme",
           json::object{{"brand_terms", json::array{"acme"}},
                        {"categories", json::array{"home-appliances"}},
                        {"products", json::array{json::object{
                                         {"name", "StormJet hair dryer"},
                                         {"terms", json::array{"stormjet"}},
                                         {"msrp", json::object{{"amount", 400.0},
                                                               {"currency", "USD"}}}}}}}),
       "acme protection");
  Must(app_->registry().PutProtection(
           sys, "rival",
           json::object{{"brand_terms", json::array{"rivalo"}},
                        {"categories", json::array{"home-appliances"}},
                        {"products", json::array{json::object{
                                         {"name", "Rivalo Aero kettle"},
                                         {"terms", json::array{"aero kettle"}},
                                         {"msrp", json::object{{"amount", 300.0},
                                                               {"currency", "USD"}}}}}}}),
       "rival protection");
  app_->screening().RunPass();
  auto status = app_->screening().GetStatus(sys);
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  ASSERT_GT(status->rights_holder_count, 0u) << status->last_error;
}

json::object IntegrationTest::ScreeningListing(const std::string& marketplace,
                                               const std::string& seller,
                                               std::string_view verdict) const {
  std::string title = "Ceramic flower vase";
  std::string description = "Hand-painted ceramic vase, ships in 48 hours.";
  std::string category = "home";
  double price = 15;
  if (verdict == "review") {
    title = "4cme StormJet hair dryer";
    description = "Brand new hair dryer in its box, ships in 48 hours.";
    category = "home-appliances";
    price = 120;
  } else if (verdict == "block") {
    title = "4cme StormJet hair dryer 1:1 replica";
    description = "Super copy of the famous dryer.";
    category = "home-appliances";
    price = 39;
  } else if (verdict == "rival") {
    title = "R1valo Aero kettle";
    description = "Brand new kettle in its box, ships in 48 hours.";
    category = "home-appliances";
    price = 90;
  }
  return json::object{{"marketplace", marketplace},
                      {"seller_id", seller},
                      {"title", title},
                      {"description", description},
                      {"category", category},
                      {"price", json::object{{"amount", price}, {"currency", "USD"}}}};
}

Principal IntegrationTest::PrincipalOf(const std::string& key) {
  auto p = app_->accounts().AuthenticateApiKey(key);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : Principal{};
}

std::string IntegrationTest::CreateUserWithKey(const json::object& user, std::string* user_id) {
  auto u = Must(app_->accounts().CreateUser(Principal::System(), user), "user");
  if (user_id) *user_id = u.id;
  auto k = Must(app_->accounts().CreateApiKey(Principal::System(),
                                              json::object{{"user_id", u.id}, {"name", "tests"}}),
                "api key");
  return k.secret;
}

void IntegrationTest::Seed() {
  const Principal sys = Principal::System();
  auto& accounts = app_->accounts();
  auto& registry = app_->registry();
  auto& market = app_->marketplace();

  Must(market.CreateMarketplace(sys, json::object{{"id", "taobao"},
                                                  {"name", "Taobao"},
                                                  {"regimes", json::array{"cn_ecl"}},
                                                  {"url_template",
                                                   "https://taobao.example/item/{id}"}}),
       "marketplace taobao");
  Must(market.CreateMarketplace(sys, json::object{{"id", "shopeu"},
                                                  {"name", "Shop EU"},
                                                  {"regimes", json::array{"eu_dsa", "us_dmca"}},
                                                  {"url_template",
                                                   "https://shopeu.example/item/{id}"}}),
       "marketplace shopeu");

  auto org = [&](json::object o) { Must(accounts.CreateOrganisation(sys, o), "organisation"); };
  org({{"id", "acme"}, {"name", "Acme Brands"}, {"kind", "brand_owner"}});
  org({{"id", "pubco"}, {"name", "Pub Co"}, {"kind", "publisher"}});
  org({{"id", "pubcoal"}, {"name", "Publishers' Coalition"}, {"kind", "coalition"},
       {"member_ids", json::array{"pubco"}}});
  org({{"id", "agentco"}, {"name", "Agent Co"}, {"kind", "agency"}});
  org({{"id", "rival"}, {"name", "Rival Brands"}, {"kind", "brand_owner"}});

  auto sellers = market.BulkUpsertSellers(
      sys,
      R"({"id":"s1","marketplace":"taobao","name":"Seller One"}
{"id":"s2","marketplace":"taobao","name":"Seller Two"}
{"id":"s3","marketplace":"shopeu","name":"Seller Three"}
)");
  ASSERT_TRUE(sellers.ok()) << sellers.status().ToString();
  for (const auto& r : *sellers) ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  AddListings("taobao", "s1", {"t-s1-1", "t-s1-2", "t-s1-3", "t-s1-4", "t-s1-5", "t-s1-6"});
  AddListings("taobao", "s2", {"t-s2-1", "t-s2-2", "t-s2-3"});
  AddListings("shopeu", "s3", {"e-s3-1", "e-s3-2", "e-s3-3", "e-s3-4", "e-s3-5", "e-s3-6"});

  auto user = [&](std::string email, std::string role, json::object extra,
                  std::string* id = nullptr) {
    json::object u{{"email", email}, {"name", email.substr(0, email.find('@'))}, {"role", role}};
    for (auto& kv : extra) u[kv.key()] = kv.value();
    return CreateUserWithKey(u, id);
  };
  keys_.admin = user("admin@platform.example", "admin", {});
  keys_.reviewer = user("reviewer@platform.example", "reviewer", {});
  keys_.reviewer2 = user("reviewer2@platform.example", "reviewer", {});
  keys_.investigator = user("investigator@platform.example", "investigator", {});
  keys_.acme = user("legal@acme.example", "rights_holder", {{"org_id", "acme"}}, &acme_user_id_);
  keys_.rival = user("legal@rival.example", "rights_holder", {{"org_id", "rival"}});
  keys_.pubco = user("rights@pubco.example", "rights_holder", {{"org_id", "pubco"}});
  keys_.coalition = user("desk@pubcoal.example", "rights_holder", {{"org_id", "pubcoal"}});
  keys_.agent = user("agent@agentco.example", "agent", {{"org_id", "agentco"}});
  keys_.s1 = user("s1@seller.example", "seller", {{"seller_id", "s1"}, {"marketplace_id", "taobao"}});
  keys_.s2 = user("s2@seller.example", "seller", {{"seller_id", "s2"}, {"marketplace_id", "taobao"}});
  keys_.s3 = user("s3@seller.example", "seller", {{"seller_id", "s3"}, {"marketplace_id", "shopeu"}});
  keys_.taobao = user("integration@taobao.example", "marketplace", {{"marketplace_id", "taobao"}});
  keys_.shopeu = user("integration@shopeu.example", "marketplace", {{"marketplace_id", "shopeu"}});

  // Certificates are uploaded by the rights holders themselves, so the blobs
  // belong to them.
  auto upload = [&](const std::string& key, std::string bytes, std::string purpose) {
    return Must(registry.UploadBlob(PrincipalOf(key), {.bytes = std::move(bytes),
                                                       .content_type = "application/pdf",
                                                       .filename = "doc.pdf",
                                                       .purpose = std::move(purpose)}),
                "blob")
        .sha256;
  };
  acme_cert_ = upload(keys_.acme, "%PDF acme trademark certificate EUIPO 012345678", "certificate");
  std::string pub_cert = upload(keys_.pubco, "%PDF pubco copyright registration", "certificate");
  std::string rival_cert = upload(keys_.rival, "%PDF rival trademark certificate", "certificate");
  std::string auth_doc = upload(keys_.acme, "%PDF acme authorises agentco", "authorisation");

  auto right = [&](json::object body) {
    auto r = Must(registry.CreateRight(sys, body), "right");
    Must(registry.Verify(sys, r.id, json::object{{"decision", "verified"}}), "verify right");
    return r.id;
  };
  acme_right_ = right({{"type", "trademark"}, {"org_id", "acme"}, {"mark", "ACME"},
                       {"registration_number", "012345678"}, {"office", "EUIPO"},
                       {"nice_classes", json::array{7, 11}},
                       {"certificates", json::array{acme_cert_}}});
  pubco_right_ = right({{"type", "copyright"}, {"org_id", "pubco"},
                        {"works", json::array{json::object{{"title", "The Great Novel"},
                                                           {"isbn", "978-0-306-40615-7"},
                                                           {"list_price", 25.0}}}},
                        {"certificates", json::array{pub_cert}}});
  rival_right_ = right({{"type", "trademark"}, {"org_id", "rival"}, {"mark", "RIVALO"},
                        {"registration_number", "RV-778899"}, {"office", "USPTO"},
                        {"certificates", json::array{rival_cert}}});

  Must(accounts.CreateAuthorisation(sys, json::object{{"agent_org_id", "agentco"},
                                                      {"principal_org_id", "acme"},
                                                      {"document_sha256", auth_doc}}),
       "agent authorisation");
}

StateCounts IntegrationTest::CountState() {
  StateCounts c;
  Status s = app_->store().Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(c.notices, tx.notices().Count({}));
    ASSIGN_OR_RETURN(c.counter_notices, tx.counter_notices().Count({}));
    ASSIGN_OR_RETURN(c.appeals, tx.appeals().Count({}));
    ASSIGN_OR_RETURN(c.statements, tx.statements().Count({}));
    ASSIGN_OR_RETURN(c.strikes, tx.strikes().Count({}));
    ASSIGN_OR_RETURN(c.listings, tx.listings().Count({}));
    ASSIGN_OR_RETURN(c.sellers, tx.sellers().Count({}));
    ASSIGN_OR_RETURN(c.rights, tx.rights().Count({}));
    ASSIGN_OR_RETURN(c.users, tx.users().Count({}));
    ASSIGN_OR_RETURN(c.organisations, tx.organisations().Count({}));
    ASSIGN_OR_RETURN(c.jobs, tx.jobs().Count({}));
    ASSIGN_OR_RETURN(c.webhooks, tx.webhooks().Count({}));
    ASSIGN_OR_RETURN(c.deliveries, tx.deliveries().Count({}));
    ASSIGN_OR_RETURN(c.screening_hits, tx.screening_hits().Count({}));
    ASSIGN_OR_RETURN(c.stay_down, tx.stay_down().Count({}));
    ASSIGN_OR_RETURN(c.photo_banks, tx.photo_banks().Count({}));
    ASSIGN_OR_RETURN(c.photo_hashes, tx.photo_hashes().Count({}));
    ASSIGN_OR_RETURN(auto events, tx.EventsAfter(0, {.all = true}, 1000000));
    c.events = static_cast<int64_t>(events.size());
    ASSIGN_OR_RETURN(auto audit, tx.AuditAfter(0, 1000000));
    c.audit = static_cast<int64_t>(audit.size());
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return c;
}

void IntegrationTest::ExpectAuditChainIntact() {
  auto report = service::IntegrationService::VerifyAudit(app_->store());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GT(report->entries, 0);
  EXPECT_EQ(report->first_broken_seq, 0) << report->problem;
}

}  // namespace counterfoil::testing
