// The integration-test world: a real server (api::App on a free port, a
// temporary data directory, a FakeClock) seeded through the services, and
// helpers that talk to it over real HTTP.
//
//   class NoticeLifecycle : public counterfoil::testing::IntegrationTest {};
//   TEST_F(NoticeLifecycle, AcceptingRemovesTheListing) {
//     Reply r = Call("POST", "/v1/notices", keys_.acme, NoticeBody("t-s1-1", acme_right_));
//     ASSERT_EQ(r.status, 201) << r;
//     clock_.Advance(std::chrono::days(15));
//     app_->notices().RunDue();
//   }
//
// The seeded world (ids are fixed so tests read naturally):
//   marketplaces  taobao (cn_ecl), shopeu (eu_dsa + us_dmca)
//   organisations acme (brand owner, verified trademark ACME with a certificate
//                 uploaded by acme), pubco (publisher, verified copyright),
//                 pubcoal (coalition, member pubco), agentco (agency
//                 authorised by acme), rival (brand owner, verified trademark)
//   sellers       s1, s2 on taobao; s3 on shopeu
//   listings      t-s1-1..6 (s1), t-s2-1..3 (s2), e-s3-1..6 (s3)
//   API keys      keys_.<role>: admin, reviewer, reviewer2, acme, rival, pubco,
//                 coalition, agent, s1, s2, s3, investigator, taobao, shopeu
// No protection data is registered, so screening allows everything until a
// suite calls SeedScreening().
//
// Background work never runs on its own (App::Start(/*jobs=*/false)); tests
// drive it with app_->runner().RunOnce() or app_->notices().RunDue() after
// moving clock_. Every test ends by verifying the audit hash chain.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "api/app.h"
#include "api/http/client.h"
#include "api/http/server.h"
#include "common/clock.h"
#include "common/json.h"
#include "service/config.h"

namespace counterfoil::testing {

namespace http = api::http;

// One HTTP exchange as the test sees it.
struct Reply {
  int status = 0;
  std::string text;       // the raw body
  json::value body;       // the parsed body, null when it is not JSON
  http::HeaderList headers;  // names lower-cased
  std::string transport_error;  // set when no response arrived

  std::optional<std::string> Header(std::string_view name) const;
  std::vector<std::string> HeaderValues(std::string_view name) const;
  // The value at a JSON pointer ("/links/statement"), or null.
  const json::value& At(std::string_view pointer) const;
  // The string at a JSON pointer, "" when absent or not a string.
  std::string Str(std::string_view pointer) const;
  // body["items"], empty when absent.
  const json::array& Items() const;
  // problem+json: the last segment of "type" ("duplicate_notice"), the first
  // error's pointer, the detail.
  std::string ProblemType() const;
  std::string ErrorPointer() const;
  std::string Detail() const;
};
std::ostream& operator<<(std::ostream& os, const Reply& r);

// API keys of the seeded users, one per role (and per tenant where tenancy matters).
struct Keys {
  std::string admin, reviewer, reviewer2, investigator;
  std::string acme, rival, pubco, coalition, agent;
  std::string s1, s2, s3;
  std::string taobao, shopeu;  // marketplace integrations
};

// What a request may have changed, for "bad input changes nothing".
struct StateCounts {
  int64_t notices = 0, counter_notices = 0, appeals = 0, statements = 0, strikes = 0;
  int64_t listings = 0, sellers = 0, rights = 0, users = 0, organisations = 0, jobs = 0;
  int64_t webhooks = 0, deliveries = 0, events = 0, audit = 0;
  int64_t screening_hits = 0, stay_down = 0;
  int64_t photo_banks = 0, photo_hashes = 0;
  bool operator==(const StateCounts&) const = default;
};
std::ostream& operator<<(std::ostream& os, const StateCounts& c);

// A local HTTP endpoint that records webhook deliveries and answers with a
// configurable status.
class WebhookReceiver {
 public:
  struct Received {
    http::HeaderList headers;
    std::string body;
    std::optional<std::string> Header(std::string_view name) const;
  };
  WebhookReceiver();
  ~WebhookReceiver();
  std::string url() const;
  void set_status(int s) { status_ = s; }
  std::vector<Received> received() const;
  size_t count() const;

 private:
  std::unique_ptr<http::Server> server_;
  std::atomic<int> status_{200};
  mutable std::mutex mu_;
  std::vector<Received> received_;  // GUARDED_BY(mu_)
};

class IntegrationTest : public ::testing::Test {
 protected:
  // Monday 2 March 2026, 10:00 in New York (UTC-5), 23:00 in Beijing (UTC+8).
  static constexpr std::string_view kStart = "2026-03-02T15:00:00Z";
  static constexpr int64_t kMaxBodyBytes = 256 * 1024;

  IntegrationTest();
  void SetUp() override;
  void TearDown() override;
  // Lets a suite change the configuration before the App opens.
  virtual void Configure(service::Config&) {}

  // ---- HTTP
  // `body` null sends no body; an object or array is sent as JSON.
  Reply Call(std::string_view method, std::string_view path, const std::string& key = "",
             const json::value& body = nullptr, http::HeaderList extra = {});
  Reply CallRaw(std::string_view method, std::string_view path, const std::string& key,
                std::string body, std::string content_type, http::HeaderList extra = {});
  std::string Url(std::string_view path) const;

  // ---- builders
  // A notice body with every field any regime requires (cn_ecl, us_dmca,
  // eu_dsa), relying on `right_id`; `type` must fit the right.
  json::object NoticeBody(const std::string& listing_id, const std::string& right_id,
                          const std::string& type = "counterfeit") const;
  // A counter-notice body that satisfies cn_ecl and us_dmca.
  json::object CounterNoticeBody() const;

  // ---- shortcuts over HTTP; each records a test failure unless it succeeds
  std::string FileNotice(const std::string& key, const json::object& body);  // notice id
  Reply Decide(const std::string& key, const std::string& notice_id, const json::object& body);
  Reply Accept(const std::string& notice_id, const std::string& key = "");  // reviewer by default
  std::string FileCounterNotice(const std::string& seller_key, const std::string& notice_id);
  std::string UploadBlob(const std::string& key, std::string bytes, const std::string& purpose);
  Reply Get(const std::string& key, std::string_view path) { return Call("GET", path, key); }

  // ---- screening
  // Registers protection data through the services — acme: brand ACME,
  // product "StormJet hair dryer" (MSRP 400 USD) in home-appliances; rival:
  // brand RIVALO, product "Rivalo Aero kettle" (MSRP 300 USD); the platform
  // organisation "platform" with the suspicious terms "replica", "1:1",
  // "super copy" — then rebuilds the rule set at once (RunPass).
  void SeedScreening();
  // A listing body for PUT /v1/listings/{id} (with marketplace and seller)
  // that SeedScreening()'s rules answer with `verdict`: "review" (a
  // disguised ACME at 30% of the MSRP), "block" (the same, sold as a "1:1
  // replica" at 10%), "rival" (a review for RIVALO) or "allow".
  json::object ScreeningListing(const std::string& marketplace, const std::string& seller,
                                std::string_view verdict) const;

  // ---- seeding through the services
  // Adds listings for an existing seller (one transaction).
  void AddListings(const std::string& marketplace, const std::string& seller,
                   const std::vector<std::string>& ids);
  // The principal behind an API key (as the API would see it).
  service::Principal PrincipalOf(const std::string& key);

  // ---- inspection
  StateCounts CountState();
  void ExpectAuditChainIntact();
  Timestamp T(std::string_view rfc3339) const { return ParseTime(rfc3339).value(); }

  FakeClock clock_;
  service::Config config_;
  std::filesystem::path dir_;
  std::unique_ptr<api::App> app_;
  Keys keys_;
  std::string acme_right_, pubco_right_, rival_right_;
  std::string acme_cert_;  // the certificate blob acme uploaded
  std::string acme_user_id_;

 private:
  void Seed();
  std::string CreateUserWithKey(const json::object& user, std::string* user_id = nullptr);
};

}  // namespace counterfoil::testing
