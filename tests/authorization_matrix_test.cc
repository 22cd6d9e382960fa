// Who may call what: every route the API serves × every role, and the tenancy
// rules (rights holders, sellers, agents, coalitions and marketplaces each see
// only their own).
//
// The matrix is a table keyed by "METHOD pattern". A route without an entry
// fails the test, so a new endpoint cannot ship without deciding who may use
// it. Each entry builds a request (with real ids, and for state-changing
// routes a fresh target per call so one role's success does not change the
// next role's outcome) and names the expected outcome per role.
#include <functional>
#include <map>
#include <set>

#include "imaging/testing/test_images.h"
#include "tests/support/fixture.h"

namespace counterfoil::testing {
namespace {

using service::Principal;

// The roles, in the column order of the expectation strings below.
enum Role { kAnonymous, kAdmin, kReviewer, kInvestigator, kRightsHolder, kAgent, kSeller,
            kMarketplace, kRoleCount };
constexpr const char* kRoleNames[] = {"anonymous",     "admin", "reviewer", "investigator",
                                      "rights_holder", "agent", "seller",   "marketplace"};

// Outcome classes:
//   'O' allowed and done (2xx)
//   'V' allowed, but the request is refused on its merits (400, 409, 422)
//   'U' not authenticated (401)
//   'D' denied: forbidden or not visible to this caller (403, 404)
char ClassOf(int status) {
  if (status >= 200 && status < 300) return 'O';
  if (status == 400 || status == 409 || status == 422) return 'V';
  if (status == 401) return 'U';
  if (status == 403 || status == 404) return 'D';
  return '?';
}

struct Request {
  std::string path;
  json::value body = nullptr;
  std::string raw_body;       // sent as-is with raw_type when set
  std::string raw_type;
};

struct Expectation {
  // One character per role: anonymous, admin, reviewer, investigator,
  // rights_holder (acme), agent (agentco for acme), seller (s3), marketplace
  // (shopeu).
  std::string outcomes;
  std::function<Request(Role)> make;
};

class AuthorizationMatrix : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    if (HasFatalFailure()) return;
    agent_ = PrincipalOf(keys_.agent);
    reviewer2_ = PrincipalOf(keys_.reviewer2);
    s3_ = PrincipalOf(keys_.s3);
    // Many fresh takedowns hit s3; the repeat-infringer policy is not under test here.
    auto m = app_->marketplace().UpdateMarketplace(
        Principal::System(), "shopeu",
        json::object{{"repeat_infringer", json::object{{"strikes_to_suspend", 1000}}}});
    ASSERT_TRUE(m.ok()) << m.status().ToString();

    // The shared world on shopeu: a notice filed by the agent for acme against
    // s3, accepted, counter-noticed and appealed; a bulk job of acme's; a
    // webhook of the shopeu integration.
    world_notice_ = AcceptedNotice();
    auto n = app_->notices().Get(Principal::System(), world_notice_);
    ASSERT_TRUE(n.ok());
    world_statement_ = n->statement_id;
    auto cn = app_->notices().FileCounterNotice(s3_, world_notice_, CounterNoticeBody());
    ASSERT_TRUE(cn.ok()) << cn.status().ToString();
    world_counter_notice_ = cn->id;
    auto appeal = app_->notices().FileAppeal(
        s3_, json::object{{"notice_id", world_notice_}, {"grounds", "The goods are genuine."}});
    ASSERT_TRUE(appeal.ok()) << appeal.status().ToString();
    world_appeal_ = appeal->id;
    auto job = app_->notices().StartBulk(PrincipalOf(keys_.acme), "listing_id\ne-s3-2\n", {});
    ASSERT_TRUE(job.ok()) << job.status().ToString();
    world_job_ = job->id;
    world_webhook_ = Webhook();
    // Screening: acme's and rival's protection data; a review hit concerning
    // acme on shopeu.
    SeedScreening();
    if (HasFatalFailure()) return;
    world_hit_ = Hit();
    if (HasFatalFailure()) return;
    PhotoWorld();
  }

  // Photo matching: acme's reference photo, and an open hit whose evidence
  // is a listing photo (on shopeu, by s3) matching it.
  void PhotoWorld() {
    imaging::Image official = imaging::testing::SyntheticImage(320, 240);
    auto jpeg = imaging::testing::EncodeJpeg(official);
    photo_ = std::string(jpeg.begin(), jpeg.end());
    world_reference_ = UploadBlob(keys_.acme, photo_, "reference_photo");
    Reply pp = Get(keys_.acme, "/v1/organisations/acme/protection");
    ASSERT_EQ(pp.status, 200) << pp;
    json::object body = pp.body.as_object();
    body["reference_images"] = json::array{world_reference_};
    Reply put = Call("PUT", "/v1/organisations/acme/protection", keys_.acme, body);
    ASSERT_EQ(put.status, 200) << put;
    app_->screening().RunPass();
    std::string listing = Listing();
    auto l = app_->photos().AddListingPhoto(Principal::System(), listing, photo_, "image/jpeg");
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ASSERT_TRUE(l->screening && !l->screening->hit_id.empty()) << "no photo hit";
    world_photo_hit_ = l->screening->hit_id;
  }

  std::string Unique(const std::string& prefix) { return prefix + std::to_string(++counter_); }

  // ---- fresh targets, made through the services
  std::string Listing() {
    std::string id = Unique("m-");
    AddListings("shopeu", "s3", {id});
    return id;
  }
  std::string OpenNotice() {
    json::object body = NoticeBody(Listing(), acme_right_);
    body["on_behalf_of"] = "acme";
    auto n = app_->notices().File(agent_, body, "api");
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? n->id : "missing";
  }
  std::string DecidedNotice(const json::object& decision) {
    std::string id = OpenNotice();
    auto n = app_->notices().Decide(reviewer2_, id, decision);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return id;
  }
  std::string AcceptedNotice() { return DecidedNotice({{"decision", "accept"}}); }
  std::string InfoRequestedNotice() {
    return DecidedNotice({{"decision", "request_info"}, {"information_request", "Which one?"}});
  }
  std::string CounterNotice() {
    auto c = app_->notices().FileCounterNotice(s3_, AcceptedNotice(), CounterNoticeBody());
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? c->id : "missing";
  }
  std::string Appeal() {
    auto a = app_->notices().FileAppeal(
        s3_, json::object{{"notice_id", AcceptedNotice()}, {"grounds", "The goods are genuine."}});
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? a->id : "missing";
  }
  std::string ApiKeyOfAcme() {
    auto k = app_->accounts().CreateApiKey(Principal::System(),
                                           json::object{{"user_id", acme_user_id_}});
    EXPECT_TRUE(k.ok()) << k.status().ToString();
    return k.ok() ? k->key.id : "missing";
  }
  // A fresh open screening hit concerning acme on shopeu, on a listing of a
  // fresh seller (strikes from earlier confirmations would raise the score).
  std::string Hit() {
    std::string seller = Unique("hit-seller-");
    auto sv = app_->marketplace().UpsertSeller(
        Principal::System(), seller, json::object{{"name", "Hit Seller"}, {"marketplace", "shopeu"}});
    EXPECT_TRUE(sv.ok()) << sv.status().ToString();
    auto l = app_->marketplace().UpsertListing(Principal::System(), Unique("hit-"),
                                               ScreeningListing("shopeu", seller, "review"));
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    if (!l.ok() || !l->screening || l->screening->hit_id.empty()) {
      ADD_FAILURE() << "the listing opened no screening hit";
      return "missing";
    }
    return l->screening->hit_id;
  }
  std::string AuthorisationOfAcme() {
    auto a = app_->accounts().CreateAuthorisation(
        Principal::System(), json::object{{"agent_org_id", "agentco"},
                                          {"principal_org_id", "acme"},
                                          {"document_sha256", acme_cert_}});
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? a->id : "missing";
  }
  std::string Webhook() {
    auto w = app_->integration().CreateWebhook(
        PrincipalOf(keys_.shopeu), json::object{{"url", "http://127.0.0.1:9/hook"}});
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return w.ok() ? w->id : "missing";
  }

  std::string KeyOf(Role r) const {
    switch (r) {
      case kAnonymous: return "";
      case kAdmin: return keys_.admin;
      case kReviewer: return keys_.reviewer;
      case kInvestigator: return keys_.investigator;
      case kRightsHolder: return keys_.acme;
      case kAgent: return keys_.agent;
      case kSeller: return keys_.s3;
      case kMarketplace: return keys_.shopeu;
      case kRoleCount: break;
    }
    return "";
  }

  std::map<std::string, Expectation> Table();

  Principal agent_, reviewer2_, s3_;
  int counter_ = 0;
  std::string world_notice_, world_statement_, world_counter_notice_, world_appeal_, world_job_,
      world_webhook_, world_hit_;
  std::string photo_, world_reference_, world_photo_hit_;
};

std::map<std::string, Expectation> AuthorizationMatrix::Table() {
  auto fixed = [](std::string path, json::value body = nullptr) {
    return [path, body](Role) { return Request{path, body}; };
  };
  const std::string right = "/v1/rights/" + acme_right_;
  //                                           anon admin rev inv rh agent seller mkt
  return {
      {"GET /healthz", {"OOOOOOOO", fixed("/healthz")}},
      {"GET /metrics", {"OOOOOOOO", fixed("/metrics")}},
      {"GET /v1/openapi.json", {"OOOOOOOO", fixed("/v1/openapi.json")}},
      {"GET /v1/regimes", {"OOOOOOOO", fixed("/v1/regimes")}},
      {"POST /v1/sessions", {"VVVVVVVV", fixed("/v1/sessions", json::object{})}},
      {"DELETE /v1/sessions/current", {"UOOOOOOO", fixed("/v1/sessions/current")}},
      {"GET /v1/me", {"UOOOOOOO", fixed("/v1/me")}},
      // Console support; the test server runs without demo mode or --test-clock
      // (tests/console_support_test.cc covers both switched on).
      {"GET /v1/demo/accounts", {"DDDDDDDD", fixed("/v1/demo/accounts")}},
      {"POST /v1/test/clock",
       {"UDDDDDDD", fixed("/v1/test/clock", json::object{{"advance_seconds", 0}})}},

      {"POST /v1/organisations",
       {"UODDDDDD", [this](Role) {
          return Request{"/v1/organisations",
                         json::object{{"name", Unique("Org ")}, {"kind", "brand_owner"}}};
        }}},
      {"GET /v1/organisations", {"UOOOOOOO", fixed("/v1/organisations")}},
      {"GET /v1/organisations/{id}", {"UOOOOODD", fixed("/v1/organisations/acme")}},
      {"PATCH /v1/organisations/{id}",
       {"UODDDDDD",
        fixed("/v1/organisations/acme", json::object{{"contact_email", "legal@acme.example"}})}},
      {"GET /v1/organisations/{id}/protection",
       {"UOOOOODD", fixed("/v1/organisations/acme/protection")}},
      {"PUT /v1/organisations/{id}/protection",
       {"UODDOODD", fixed("/v1/organisations/acme/protection",
                          json::object{{"brand_terms", json::array{"ACME"}}})}},
      {"GET /v1/organisations/{id}/accuracy",
       {"UOOOODDD", fixed("/v1/organisations/acme/accuracy")}},
      {"POST /v1/users",
       {"UODDDDDD", [this](Role) {
          return Request{"/v1/users", json::object{{"email", Unique("u") + "@platform.example"},
                                                   {"name", "New Reviewer"},
                                                   {"role", "reviewer"}}};
        }}},
      {"GET /v1/users", {"UOOOOOOO", fixed("/v1/users")}},
      {"GET /v1/users/{id}", {"UODDODDD", fixed("/v1/users/" + acme_user_id_)}},
      {"POST /v1/api-keys", {"UOOOOOOO", fixed("/v1/api-keys", json::object{})}},
      {"GET /v1/api-keys", {"UOOOOOOO", fixed("/v1/api-keys")}},
      {"DELETE /v1/api-keys/{id}",
       {"UODDODDD", [this](Role) { return Request{"/v1/api-keys/" + ApiKeyOfAcme()}; }}},
      {"POST /v1/authorisations",
       {"UODDODDD", fixed("/v1/authorisations", json::object{{"agent_org_id", "agentco"},
                                                             {"principal_org_id", "acme"},
                                                             {"document_sha256", acme_cert_}})}},
      {"GET /v1/authorisations", {"UOOOOOOO", fixed("/v1/authorisations")}},
      // A fresh authorisation of agentco by acme each time; the agent sees it
      // but may not end it.
      {"DELETE /v1/authorisations/{id}",
       {"UODDODDD",
        [this](Role) { return Request{"/v1/authorisations/" + AuthorisationOfAcme()}; }}},

      {"POST /v1/blobs",
       {"UOOOOOOO", [](Role r) {
          return Request{"/v1/blobs?purpose=evidence", nullptr,
                         std::string("evidence from ") + kRoleNames[r], "text/plain"};
        }}},
      {"GET /v1/blobs/{sha256}", {"UOOOODDD", fixed("/v1/blobs/" + acme_cert_)}},
      {"POST /v1/rights",
       {"UODDOODD",
        fixed("/v1/rights", json::object{{"type", "trademark"}, {"org_id", "acme"},
                                         {"mark", "ACME PRO"}, {"registration_number", "R-2"}})}},
      {"GET /v1/rights", {"UOOOOODD", fixed("/v1/rights")}},
      {"GET /v1/rights/{id}", {"UOOOOODD", fixed(right)}},
      {"POST /v1/rights/{id}/certificates",
       {"UODDOODD", fixed(right + "/certificates", json::object{{"sha256", acme_cert_}})}},
      {"POST /v1/rights/{id}/verification",
       {"UOODDDDD", fixed(right + "/verification", json::object{{"decision", "verified"}})}},

      {"POST /v1/marketplaces",
       {"UODDDDDD", [this](Role) {
          return Request{"/v1/marketplaces",
                         json::object{{"id", Unique("mkt-")},
                                      {"name", "Another"},
                                      {"regimes", json::array{"eu_dsa"}}}};
        }}},
      {"GET /v1/marketplaces", {"UOOOOOOO", fixed("/v1/marketplaces")}},
      {"GET /v1/marketplaces/{id}", {"UOOOOOOO", fixed("/v1/marketplaces/shopeu")}},
      {"PATCH /v1/marketplaces/{id}",
       {"UODDDDDD", fixed("/v1/marketplaces/shopeu", json::object{{"name", "Shop EU"}})}},
      {"GET /v1/marketplaces/{id}/regime", {"UOOOOOOO", fixed("/v1/marketplaces/shopeu/regime")}},

      {"POST /v1/sellers/bulk",
       {"UODDDDDO", [this](Role) {
          return Request{"/v1/sellers/bulk", nullptr,
                         json::serialize(json::object{{"id", Unique("seller-")},
                                                      {"marketplace", "shopeu"},
                                                      {"name", "Bulk Seller"}}) + "\n",
                         "application/x-ndjson"};
        }}},
      {"PUT /v1/sellers/{id}",
       {"UODDDDDO", [this](Role) {
          return Request{"/v1/sellers/" + Unique("seller-"),
                         json::object{{"name", "New Seller"}, {"marketplace", "shopeu"}}};
        }}},
      {"GET /v1/sellers", {"UOOODDDO", fixed("/v1/sellers")}},
      {"GET /v1/sellers/{id}", {"UOOODDOO", fixed("/v1/sellers/s3")}},
      {"GET /v1/sellers/{id}/strikes", {"UOOODDOO", fixed("/v1/sellers/s3/strikes")}},
      {"POST /v1/sellers/{id}/reinstatement",
       {"UVDDDDDD", fixed("/v1/sellers/s3/reinstatement", json::object{{"reason", "Appeal won."}})}},
      {"POST /v1/listings/bulk",
       {"UODDDDDO", [this](Role) {
          return Request{"/v1/listings/bulk", nullptr,
                         json::serialize(json::object{{"id", Unique("bulk-")},
                                                      {"marketplace", "shopeu"},
                                                      {"seller_id", "s3"},
                                                      {"title", "Kettle"}}) + "\n",
                         "application/x-ndjson"};
        }}},
      {"PUT /v1/listings/{id}",
       {"UODDDDDO", [this](Role) {
          return Request{"/v1/listings/" + Unique("put-"),
                         json::object{{"seller_id", "s3"}, {"title", "Kettle"},
                                      {"marketplace", "shopeu"}}};
        }}},
      {"GET /v1/listings", {"UOOODDOO", fixed("/v1/listings")}},
      {"GET /v1/listings/{id}", {"UOOOOOOO", fixed("/v1/listings/e-s3-1")}},

      {"POST /v1/notices/bulk",
       {"UODDOODD", [this](Role) {
          return Request{"/v1/notices/bulk", nullptr, "listing_id\n" + Listing() + "\n",
                         "text/csv"};
        }}},
      {"GET /v1/jobs/{id}", {"UOOOODDD", fixed("/v1/jobs/" + world_job_)}},
      {"POST /v1/notices",
       {"UODDOODD", [this](Role) {
          json::object body = NoticeBody(Listing(), acme_right_);
          body["on_behalf_of"] = "acme";
          return Request{"/v1/notices", body};
        }}},
      {"GET /v1/notices", {"UOOOOOOO", fixed("/v1/notices")}},
      {"GET /v1/notices/{id}", {"UOOOOOOO", fixed("/v1/notices/" + world_notice_)}},
      {"POST /v1/notices/{id}/withdraw",
       {"UODDOODD", [this](Role) {
          return Request{"/v1/notices/" + OpenNotice() + "/withdraw", json::object{}};
        }}},
      {"POST /v1/notices/{id}/information",
       {"UODDOODD", [this](Role) {
          return Request{"/v1/notices/" + InfoRequestedNotice() + "/information",
                         json::object{{"information", "Order TB-1."}}};
        }}},
      {"POST /v1/notices/{id}/claim",
       {"UOODDDDD", [this](Role) { return Request{"/v1/notices/" + OpenNotice() + "/claim"}; }}},
      {"POST /v1/notices/{id}/decision",
       {"UOODDDDD", [this](Role) {
          return Request{"/v1/notices/" + OpenNotice() + "/decision",
                         json::object{{"decision", "reject"},
                                      {"rejection_code", "insufficient_evidence"},
                                      {"reason", "No test buy."}}};
        }}},
      {"POST /v1/notices/{id}/counter-notices",
       {"UODDDDOD", [this](Role) {
          return Request{"/v1/notices/" + AcceptedNotice() + "/counter-notices",
                         CounterNoticeBody()};
        }}},
      {"GET /v1/review/queue", {"UOODDDDD", fixed("/v1/review/queue")}},
      {"GET /v1/statements/{id}", {"UOOOOOOO", fixed("/v1/statements/" + world_statement_)}},
      {"GET /v1/counter-notices", {"UOOOOOOO", fixed("/v1/counter-notices")}},
      {"GET /v1/counter-notices/{id}",
       {"UOOOOOOO", fixed("/v1/counter-notices/" + world_counter_notice_)}},
      {"POST /v1/counter-notices/{id}/legal-action",
       {"UODDOODD", [this](Role) {
          return Request{"/v1/counter-notices/" + CounterNotice() + "/legal-action",
                         json::object{{"court", "District Court"},
                                      {"case_number", Unique("1:26-cv-")},
                                      {"filed_on", "2026-03-02"},
                                      {"document_sha256", acme_cert_}}};
        }}},
      // Only the seller appeals a takedown; everyone else who can see the
      // notice is told why not (409).
      {"POST /v1/appeals",
       {"UVVVVVOV", [this](Role) {
          return Request{"/v1/appeals", json::object{{"notice_id", AcceptedNotice()},
                                                     {"grounds", "The goods are genuine."}}};
        }}},
      {"GET /v1/appeals", {"UOOOOOOD", fixed("/v1/appeals")}},
      {"GET /v1/appeals/{id}", {"UOOOOOOD", fixed("/v1/appeals/" + world_appeal_)}},
      {"POST /v1/appeals/{id}/decision",
       {"UOODDDDD", [this](Role) {
          return Request{"/v1/appeals/" + Appeal() + "/decision",
                         json::object{{"outcome", "upheld"}, {"reasons", "The takedown stands."}}};
        }}},

      // Screening: verdicts for integrations and reviewers; hits for staff, the
      // rights holders concerned (and their agents) and the marketplace;
      // decisions for reviewers; the rule set for staff, its rebuild for admins.
      {"POST /v1/screen",
       {"UOODDDDO", fixed("/v1/screen", json::object{{"id", "probe-1"},
                                                    {"title", "Kettle"},
                                                    {"marketplace", "shopeu"},
                                                    {"seller_id", "s3"}})}},
      {"POST /v1/screen/bulk",
       {"UOODDDDO", [](Role) {
          return Request{"/v1/screen/bulk", nullptr,
                         "{\"id\":\"probe-1\",\"title\":\"Kettle\",\"marketplace\":\"shopeu\"}\n",
                         "application/x-ndjson"};
        }}},
      {"GET /v1/screening/hits", {"UOOOOODO", fixed("/v1/screening/hits")}},
      {"GET /v1/screening/hits/{id}", {"UOOOOODO", fixed("/v1/screening/hits/" + world_hit_)}},
      {"POST /v1/screening/hits/{id}/confirm",
       {"UOODDDDD", [this](Role) {
          return Request{"/v1/screening/hits/" + Hit() + "/confirm",
                         json::object{{"note", "Leetspeak ACME at 30% of the MSRP."}}};
        }}},
      {"POST /v1/screening/hits/{id}/dismiss",
       {"UOODDDDD", [this](Role) {
          return Request{"/v1/screening/hits/" + Hit() + "/dismiss",
                         json::object{{"reason", "A genuine second-hand dryer."}}};
        }}},
      {"GET /v1/screening/rules", {"UOODDDDD", fixed("/v1/screening/rules")}},
      // Photo matching: the marketplace owning the listing uploads its photos;
      // a hit's reference photo is served to staff and the rights holder
      // whose photo it is (its agent too), never to the seller or the
      // marketplace; banks are configured and imported by the operator.
      {"POST /v1/listings/{id}/photos",
       {"UODDDDDO", [this](Role) {
          return Request{"/v1/listings/" + Listing() + "/photos", nullptr, photo_, "image/jpeg"};
        }}},
      {"GET /v1/screening/hits/{id}/photos/{sha256}",
       {"UOOOOODD",
        fixed("/v1/screening/hits/" + world_photo_hit_ + "/photos/" + world_reference_)}},
      {"GET /v1/photo-banks", {"UOOOOODD", fixed("/v1/photo-banks")}},
      {"PUT /v1/photo-banks/{id}",
       {"UODDDDDD", [this](Role) {
          return Request{"/v1/photo-banks/" + Unique("matrix-bank-"), json::object{{"radius", 28}}};
        }}},
      {"GET /v1/photo-banks/{id}/export", {"UOOOOODD", fixed("/v1/photo-banks/reference:acme/export")}},
      {"POST /v1/photo-banks/import",
       {"UODDDDDD", [this](Role) {
          return Request{"/v1/photo-banks/import", nullptr,
                         "hash,quality,bank,label\n" + std::string(64, '7') + ",90," +
                             Unique("matrix-import-") + ",probe\n",
                         "text/csv"};
        }}},
      {"GET /v1/screening/status", {"UOOODDDD", fixed("/v1/screening/status")}},
      {"POST /v1/screening/rebuild", {"UODDDDDD", fixed("/v1/screening/rebuild")}},

      // Reports: everyone but sellers, each within its own scope (report_test.cc).
      {"GET /v1/reports/dashboard", {"UOOOOODO", fixed("/v1/reports/dashboard")}},

      {"GET /v1/events", {"UOOOOOOO", fixed("/v1/events")}},
      {"POST /v1/webhooks",
       {"UODDOODO", fixed("/v1/webhooks", json::object{{"url", "http://127.0.0.1:9/hook"},
                                                       {"marketplace_id", "shopeu"}})}},
      {"GET /v1/webhooks", {"UOOOOOOO", fixed("/v1/webhooks")}},
      {"DELETE /v1/webhooks/{id}",
       {"UODDDDDO", [this](Role) { return Request{"/v1/webhooks/" + Webhook()}; }}},
      {"GET /v1/webhooks/{id}/deliveries",
       {"UODDDDDO", fixed("/v1/webhooks/" + world_webhook_ + "/deliveries")}},
      {"GET /v1/audit", {"UODDDDDD", fixed("/v1/audit")}},
  };
}

TEST_F(AuthorizationMatrix, EveryRouteAnswersEveryRoleAsExpected) {
  std::map<std::string, Expectation> table = Table();
  auto routes = app_->api().Routes();
  ASSERT_GT(routes.size(), 50u);
  std::set<std::string> served;
  for (const auto& [method, pattern] : routes) {
    std::string route = method + " " + pattern;
    served.insert(route);
    auto it = table.find(route);
    if (it == table.end()) {
      ADD_FAILURE() << "no authorisation expectation for " << route
                    << ": add it to AuthorizationMatrix::Table()";
      continue;
    }
    const Expectation& e = it->second;
    ASSERT_EQ(e.outcomes.size(), size_t{kRoleCount}) << route;
    for (int r = 0; r < kRoleCount; ++r) {
      Role role = static_cast<Role>(r);
      Request req = e.make(role);
      Reply reply = req.raw_type.empty()
                        ? Call(method, req.path, KeyOf(role), req.body)
                        : CallRaw(method, req.path, KeyOf(role), req.raw_body, req.raw_type);
      EXPECT_EQ(ClassOf(reply.status), e.outcomes[r])
          << route << " as " << kRoleNames[r] << " (" << req.path << "): " << reply;
    }
  }
  for (const auto& [route, e] : table)
    EXPECT_TRUE(served.count(route)) << "the table names " << route << ", which is not served";
}

// ------------------------------------------------------------------ tenancy

class Tenancy : public IntegrationTest {
 protected:
  std::set<std::string> ListedIds(const std::string& key, const std::string& path) {
    Reply r = Get(key, path);
    EXPECT_EQ(r.status, 200) << path << ": " << r;
    std::set<std::string> ids;
    for (const auto& item : r.Items()) ids.insert(std::string(item.at("id").as_string()));
    return ids;
  }
};

TEST_F(Tenancy, RightsHolderCannotReadAnotherRightsHoldersNotices) {
  std::string rivals = FileNotice(keys_.rival, NoticeBody("t-s1-1", rival_right_));
  std::string mine = FileNotice(keys_.acme, NoticeBody("t-s1-2", acme_right_));
  EXPECT_EQ(Get(keys_.acme, "/v1/notices/" + rivals).status, 404);
  EXPECT_EQ(Get(keys_.rival, "/v1/notices/" + mine).status, 404);
  EXPECT_EQ(ListedIds(keys_.acme, "/v1/notices"), std::set<std::string>{mine});
  EXPECT_EQ(ListedIds(keys_.acme, "/v1/notices?org_id=rival"), std::set<std::string>{});
  EXPECT_EQ(ListedIds(keys_.rival, "/v1/notices"), std::set<std::string>{rivals});
  // Nor act on them, nor read their rights or organisation data.
  EXPECT_EQ(Call("POST", "/v1/notices/" + rivals + "/withdraw", keys_.acme, json::object{}).status,
            404);
  Reply borrowed = Call("POST", "/v1/notices", keys_.acme, NoticeBody("t-s1-3", rival_right_));
  EXPECT_EQ(borrowed.status, 422) << borrowed;
  EXPECT_EQ(borrowed.ErrorPointer(), "/right_id");
  EXPECT_EQ(Get(keys_.acme, "/v1/rights/" + rival_right_).status, 404);
  EXPECT_EQ(ListedIds(keys_.acme, "/v1/rights"), std::set<std::string>{acme_right_});
  EXPECT_EQ(Get(keys_.acme, "/v1/organisations/rival").status, 404);
  EXPECT_EQ(Get(keys_.acme, "/v1/organisations/rival/accuracy").status, 404);
  // Nor learn of them from the event feed.
  Reply events = Get(keys_.acme, "/v1/events");
  for (const auto& e : events.Items()) EXPECT_NE(e.at("subject_id"), json::value(rivals)) << e;
}

TEST_F(Tenancy, SellerSeesOnlyItsOwnListingsNoticesAndStrikes) {
  std::string theirs = FileNotice(keys_.acme, NoticeBody("t-s2-1", acme_right_));
  Accept(theirs);
  std::string mine = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  Accept(mine);
  EXPECT_EQ(Get(keys_.s1, "/v1/listings/t-s2-1").status, 404);
  EXPECT_EQ(Get(keys_.s1, "/v1/listings/t-s1-1").status, 200);
  EXPECT_EQ(Get(keys_.s1, "/v1/notices/" + theirs).status, 404);
  EXPECT_EQ(Get(keys_.s1, "/v1/notices/" + mine).status, 200);
  EXPECT_EQ(Get(keys_.s1, "/v1/sellers/s2").status, 404);
  EXPECT_EQ(Get(keys_.s1, "/v1/sellers/s2/strikes").status, 404);
  Reply strikes = Get(keys_.s1, "/v1/sellers/s1/strikes");
  EXPECT_EQ(strikes.Items().size(), 1u) << strikes;
  Reply statement = Get(keys_.admin, "/v1/notices/" + theirs);
  EXPECT_EQ(Get(keys_.s1, "/v1/statements/" + statement.Str("/statement_id")).status, 404);

  std::set<std::string> listings = ListedIds(keys_.s1, "/v1/listings?limit=200");
  EXPECT_EQ(listings, (std::set<std::string>{"t-s1-1", "t-s1-2", "t-s1-3", "t-s1-4", "t-s1-5",
                                             "t-s1-6"}));
  EXPECT_TRUE(ListedIds(keys_.s1, "/v1/listings?seller_id=s2").empty());
  EXPECT_EQ(ListedIds(keys_.s1, "/v1/notices"), std::set<std::string>{mine});
  EXPECT_TRUE(ListedIds(keys_.s1, "/v1/notices?seller_id=s2").empty());
  // s2 may not counter-notify s1's takedown.
  EXPECT_EQ(
      Call("POST", "/v1/notices/" + mine + "/counter-notices", keys_.s2, CounterNoticeBody()).status,
      404);
  // The event feed: s2's removal is not in s1's feed.
  Reply feed = Get(keys_.s1, "/v1/events?limit=1000");
  ASSERT_EQ(feed.status, 200);
  bool own_removal = false;
  for (const auto& e : feed.Items()) {
    EXPECT_EQ(e.at("seller_id"), "s1") << e;
    if (e.at("type") == "listing.removed") own_removal = true;
  }
  EXPECT_TRUE(own_removal) << feed;
}

// A seller learns of a notice once a decision concerns it (E-Commerce Law
// art. 42: the platform forwards the notice when it acts), not while the
// complainant is still being asked for information or withdraws it.
TEST_F(Tenancy, SellerDoesNotSeeUndecidedOrWithdrawnNotices) {
  std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  ASSERT_EQ(Decide(keys_.reviewer, id,
                   {{"decision", "request_info"}, {"information_request", "Which product?"}})
                .status,
            200);
  ASSERT_EQ(Call("POST", "/v1/notices/" + id + "/information", keys_.acme,
                 json::object{{"information", "The kettle."}})
                .status,
            200);
  ASSERT_EQ(Call("POST", "/v1/notices/" + id + "/withdraw", keys_.acme,
                 json::object{{"reason", "Settled with the seller."}})
                .status,
            200);
  EXPECT_EQ(Get(keys_.s1, "/v1/notices/" + id).status, 404);
  EXPECT_TRUE(ListedIds(keys_.s1, "/v1/notices").empty());
  Reply feed = Get(keys_.s1, "/v1/events?limit=1000");
  ASSERT_EQ(feed.status, 200) << feed;
  for (const auto& e : feed.Items()) EXPECT_NE(e.at("subject_id"), json::value(id)) << e;
}

// The seller's feed hides other events; a page of hidden events must not stop
// the feed from advancing to the events the seller does see.
TEST_F(Tenancy, SellerFeedAdvancesPastEventsItCannotSee) {
  for (int i = 1; i <= 3; ++i)
    FileNotice(keys_.acme, NoticeBody("t-s1-" + std::to_string(i), acme_right_));
  std::string decided = FileNotice(keys_.acme, NoticeBody("t-s1-4", acme_right_));
  Accept(decided);
  int64_t after = 0;
  std::vector<std::string> types;
  for (int page = 0; page < 50; ++page) {
    Reply r = Get(keys_.s1, "/v1/events?limit=2&after=" + std::to_string(after));
    ASSERT_EQ(r.status, 200) << r;
    if (r.Items().empty()) break;
    for (const auto& e : r.Items()) types.emplace_back(e.at("type").as_string());
    after = r.At("/next_after").as_int64();
  }
  EXPECT_NE(std::find(types.begin(), types.end(), "listing.removed"), types.end())
      << "the seller never reached its own takedown";
}

TEST_F(Tenancy, CoalitionMemberSeesNoticesFiledForIt) {
  json::object body = NoticeBody("e-s3-1", pubco_right_, "copyright");
  body["on_behalf_of"] = "pubco";
  std::string id = FileNotice(keys_.coalition, body);
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Get(keys_.pubco, "/v1/notices/" + id).status, 200);
  EXPECT_EQ(ListedIds(keys_.pubco, "/v1/notices"), std::set<std::string>{id});
  EXPECT_EQ(Get(keys_.coalition, "/v1/notices/" + id).status, 200);
  EXPECT_EQ(ListedIds(keys_.coalition, "/v1/notices"), std::set<std::string>{id});
  EXPECT_EQ(Get(keys_.acme, "/v1/notices/" + id).status, 404);
  EXPECT_EQ(Get(keys_.agent, "/v1/notices/" + id).status, 404);
  // The coalition may not file for a non-member.
  json::object not_member = NoticeBody("e-s3-2", acme_right_);
  not_member["on_behalf_of"] = "acme";
  EXPECT_EQ(Call("POST", "/v1/notices", keys_.coalition, not_member).status, 403);
}

TEST_F(Tenancy, AgentSeesOnlyWhatItsAgencyFiled) {
  std::string direct = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  json::object body = NoticeBody("t-s1-2", acme_right_);
  body["on_behalf_of"] = "acme";
  std::string via_agent = FileNotice(keys_.agent, body);
  ASSERT_FALSE(via_agent.empty());
  EXPECT_EQ(Get(keys_.agent, "/v1/notices/" + direct).status, 404);
  EXPECT_EQ(Get(keys_.agent, "/v1/notices/" + via_agent).status, 200);
  EXPECT_EQ(ListedIds(keys_.agent, "/v1/notices"), std::set<std::string>{via_agent});
  // The principal sees both.
  EXPECT_EQ(ListedIds(keys_.acme, "/v1/notices"), (std::set<std::string>{direct, via_agent}));
  // The agent may not file for a rights holder that did not authorise it.
  json::object other = NoticeBody("t-s1-3", rival_right_);
  other["on_behalf_of"] = "rival";
  EXPECT_EQ(Call("POST", "/v1/notices", keys_.agent, other).status, 403);
  // Nor without naming its principal.
  EXPECT_EQ(Call("POST", "/v1/notices", keys_.agent, NoticeBody("t-s1-3", acme_right_)).status,
            422);
}

TEST_F(Tenancy, RevokedAgentCanNoLongerFileForItsPrincipal) {
  json::object body = NoticeBody("t-s1-2", acme_right_);
  body["on_behalf_of"] = "acme";
  std::string before = FileNotice(keys_.agent, body);
  ASSERT_FALSE(before.empty());
  Reply list = Get(keys_.acme, "/v1/authorisations");
  ASSERT_EQ(list.status, 200) << list;
  std::string id;
  for (const auto& a : list.Items())
    if (a.at("agent_org_id") == "agentco" && a.at("principal_org_id") == "acme")
      id = std::string(a.at("id").as_string());
  ASSERT_FALSE(id.empty()) << list;
  // The agent sees its authorisation but cannot end it; another rights holder cannot see it.
  EXPECT_EQ(Call("DELETE", "/v1/authorisations/" + id, keys_.agent).status, 403);
  EXPECT_EQ(Call("DELETE", "/v1/authorisations/" + id, keys_.rival).status, 404);
  EXPECT_EQ(Call("DELETE", "/v1/authorisations/" + id, keys_.acme).status, 204);
  EXPECT_EQ(Call("DELETE", "/v1/authorisations/" + id, keys_.acme).status, 204);  // idempotent
  bool revoked = false;
  Reply after_list = Get(keys_.acme, "/v1/authorisations");
  for (const auto& a : after_list.Items())
    if (a.at("id") == json::value(id)) revoked = a.at("revoked").as_bool();
  EXPECT_TRUE(revoked);
  // At once: the agent's cached key no longer lists acme as its principal.
  json::object after = NoticeBody("t-s1-3", acme_right_);
  after["on_behalf_of"] = "acme";
  EXPECT_EQ(Call("POST", "/v1/notices", keys_.agent, after).status, 403);
  // What it filed before stays filed, and the principal still sees it.
  EXPECT_EQ(Get(keys_.acme, "/v1/notices/" + before).status, 200);
}

TEST_F(Tenancy, MarketplaceKeyStaysOnItsOwnMarketplace) {
  Reply push = Call("PUT", "/v1/listings/t-new-1", keys_.taobao,
                    json::object{{"seller_id", "s3"}, {"title", "Kettle"},
                                 {"marketplace", "shopeu"}});
  EXPECT_EQ(push.status, 403) << push;
  Reply seller = Call("PUT", "/v1/sellers/s9", keys_.taobao,
                      json::object{{"name", "Nine"}, {"marketplace", "shopeu"}});
  EXPECT_EQ(seller.status, 403) << seller;
  // Its own marketplace is the default.
  Reply own = Call("PUT", "/v1/listings/t-new-2", keys_.taobao,
                   json::object{{"seller_id", "s1"}, {"title", "Kettle"}});
  EXPECT_EQ(own.status, 201) << own;  // created
  EXPECT_EQ(own.Str("/marketplace_id"), "taobao");
  EXPECT_EQ(own.Str("/url"), "https://taobao.example/item/t-new-2");

  std::string eu = FileNotice(keys_.acme, NoticeBody("e-s3-1", acme_right_));
  std::string cn = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  Accept(eu);
  EXPECT_EQ(Get(keys_.taobao, "/v1/notices/" + eu).status, 404);
  EXPECT_EQ(Get(keys_.taobao, "/v1/notices/" + cn).status, 200);
  EXPECT_EQ(ListedIds(keys_.taobao, "/v1/notices"), std::set<std::string>{cn});
  EXPECT_TRUE(ListedIds(keys_.taobao, "/v1/notices?marketplace_id=shopeu").empty());
  EXPECT_EQ(Get(keys_.taobao, "/v1/listings/e-s3-1").status, 404);
  EXPECT_EQ(Get(keys_.taobao, "/v1/sellers/s3").status, 404);
  EXPECT_EQ(Get(keys_.taobao, "/v1/statements/" + Get(keys_.admin, "/v1/notices/" + eu)
                                                      .Str("/statement_id"))
                .status,
            404);
  Reply feed = Get(keys_.taobao, "/v1/events?limit=1000");
  for (const auto& e : feed.Items()) EXPECT_EQ(e.at("marketplace_id"), "taobao") << e;
}

TEST_F(Tenancy, RightsHolderCannotDecideNoticesOrVerifyRights) {
  std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  StateCounts before = CountState();
  EXPECT_EQ(Decide(keys_.acme, id, {{"decision", "accept"}}).status, 403);
  EXPECT_EQ(Call("POST", "/v1/notices/" + id + "/claim", keys_.acme).status, 403);
  EXPECT_EQ(Get(keys_.acme, "/v1/review/queue").status, 403);
  EXPECT_EQ(Call("POST", "/v1/rights/" + acme_right_ + "/verification", keys_.acme,
                 json::object{{"decision", "verified"}})
                .status,
            403);
  EXPECT_EQ(Decide(keys_.agent, id, {{"decision", "accept"}}).status, 403);
  EXPECT_EQ(CountState(), before);
  EXPECT_EQ(Get(keys_.admin, "/v1/notices/" + id).Str("/state"), "received");
}

TEST_F(Tenancy, BlobsAreVisibleOnlyToTheirOwnerAndStaff) {
  Reply mine = Get(keys_.acme, "/v1/blobs/" + acme_cert_);
  EXPECT_EQ(mine.status, 200) << mine;
  EXPECT_EQ(mine.text, "%PDF acme trademark certificate EUIPO 012345678");
  EXPECT_EQ(mine.Header("content-disposition"), "attachment");
  EXPECT_EQ(Get(keys_.rival, "/v1/blobs/" + acme_cert_).status, 404);
  EXPECT_EQ(Get(keys_.s1, "/v1/blobs/" + acme_cert_).status, 404);
  EXPECT_EQ(Get(keys_.reviewer, "/v1/blobs/" + acme_cert_).status, 200);
  // Uploading the same bytes does not give rival access to acme's upload
  // metadata, only to its own.
  std::string sha = UploadBlob(keys_.rival, "%PDF acme trademark certificate EUIPO 012345678",
                               "evidence");
  EXPECT_EQ(sha, acme_cert_);
  Reply theirs = Get(keys_.rival, "/v1/blobs/" + acme_cert_);
  EXPECT_EQ(theirs.status, 200);
  EXPECT_EQ(Get(keys_.pubco, "/v1/blobs/" + acme_cert_).status, 404);
}

}  // namespace
}  // namespace counterfoil::testing
