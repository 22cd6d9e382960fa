// The HTTP/JSON API under /v1: routes that translate requests into service
// calls, with the cross-cutting rules every endpoint shares:
//  - authentication by API key (`Authorization: Bearer cf_…`) or console
//    session cookie (`cf_session`, HttpOnly), with a CSRF token
//    (`X-CSRF-Token`) required on state-changing requests made with a cookie;
//  - rate limits per principal (or per IP before authentication);
//  - `Idempotency-Key` on every POST: a repeat with the same body replays the
//    first reply, a repeat with another body is refused;
//  - errors as RFC 9457 problem+json naming the field at fault;
//  - cursor pagination (`limit`, `cursor` → `next_cursor`);
//  - proactive screening: verdicts at publish time (/v1/screen), screening
//    hits and their decisions, rule statistics and the rule set's status;
//  - reports computed in the server (/v1/reports/dashboard);
//  - /healthz, /metrics (Prometheus) and /v1/openapi.json;
//  - the web console's files at "/" (ServeConsole), the demo accounts for its
//    sign-in page in demo mode, and the movable clock of `--test-clock`.
//
//   Api api(services, config, clock);
//   http::Server server(opts, [&](http::Request& r) { return api.Handle(r); });
#pragma once

#include <memory>
#include <optional>

#include "api/console.h"
#include "api/test_clock.h"

#include "api/http/message.h"
#include "api/http/metrics.h"
#include "api/http/rate_limiter.h"
#include "api/http/router.h"
#include "service/accounts.h"
#include "service/integration.h"
#include "service/marketplace.h"
#include "service/notices.h"
#include "service/registry.h"
#include "service/photos.h"
#include "service/reports.h"
#include "service/screening.h"

namespace counterfoil::api {

struct Services {
  service::ServiceContext& ctx;
  service::AccountService& accounts;
  service::RegistryService& registry;
  service::MarketplaceService& marketplace;
  service::NoticeService& notices;
  service::ScreeningService& screening;
  service::IntegrationService& integration;
  std::function<void()> poke_jobs;  // wake the job runner (bulk jobs)
  service::PhotoService* photos = nullptr;  // photo matching: listing photos, banks
  service::ReportService* reports = nullptr;  // the dashboard report
};

class Api {
 public:
  explicit Api(Services s);
  // Handles one request (thread-safe; may block on a durable commit).
  http::Response Handle(http::Request& req);
  // Every (method, pattern) served, for the authorisation-matrix tests and the OpenAPI check.
  std::vector<std::pair<std::string, std::string>> Routes() const { return router_.Routes(); }
  http::Metrics& metrics() { return metrics_; }

  // Start-up only (before the server runs):
  // Serves the built console (the directory holding index.html) at "/".
  void ServeConsole(std::string root) { console_ = std::make_unique<ConsoleFiles>(std::move(root)); }
  // Demo mode: GET /v1/demo/accounts lists these (objects with email, role,
  // description, password) for the console's sign-in page; 404 otherwise.
  void SetDemoAccounts(json::array accounts) { demo_accounts_ = std::move(accounts); }
  // `--test-clock`: POST /v1/test/clock moves `clock` forward; 404 otherwise.
  void SetTestClock(TestClock* clock) { test_clock_ = clock; }

 private:
  using Authed = std::function<Result<http::Response>(http::Request&, const service::Principal&)>;
  using Open = std::function<Result<http::Response>(http::Request&)>;
  void Add(std::string method, std::string pattern, Authed h);
  void AddOpen(std::string method, std::string pattern, Open h);
  void Register();
  Result<service::Principal> Authenticate(const http::Request& req);
  http::Response Finish(const http::Request& req, Result<http::Response> r);

  Services s_;
  http::Router router_;
  http::Metrics metrics_;
  http::RateLimiter limiter_;
  std::unique_ptr<ConsoleFiles> console_;
  std::optional<json::array> demo_accounts_;
  TestClock* test_clock_ = nullptr;
  // Sign-in attempts per email address: 10 at once, then one every 6 s, so
  // passwords cannot be guessed quickly (each attempt also costs an Argon2id hash).
  http::RateLimiter login_limiter_{1.0 / 6.0, 10};
};

// The OpenAPI 3.1 document served at /v1/openapi.json (api/openapi.json).
std::string_view OpenApiDocument();

}  // namespace counterfoil::api
