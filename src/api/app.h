// The whole server assembled: storage in a data directory, the services, the
// HTTP API and the background jobs. `counterfoil serve` and the integration
// tests both use it, so the tests exercise exactly what ships.
//
//   service::Config cfg;
//   cfg.data_dir = dir;
//   cfg.listen = "127.0.0.1:0";
//   auto app = App::Open(cfg, SystemClock::Default()).value();
//   RETURN_IF_ERROR(app->Start());
//   std::string base = "http://127.0.0.1:" + std::to_string(app->port());
#pragma once

#include <memory>

#include "api/api.h"
#include "api/http/server.h"
#include "service/runner.h"

namespace counterfoil::api {

class App {
 public:
  // Opens (creating) the data directory: SQLite database with migrations
  // applied, blob store, services, and screening's rule set (from the cache in
  // <data dir>/cache/screening when it fits) and stay-down bank.
  // kUnavailable if storage cannot be opened, kInvalidArgument for a bad
  // listen address.
  static Result<std::unique_ptr<App>> Open(const service::Config& config, const Clock* clock);
  ~App();

  // Starts the HTTP server and, if `jobs`, the background job runner.
  Status Start(bool jobs = true);
  void Stop();
  uint16_t port() const;

  storage::Store& store() { return *store_; }
  storage::BlobStore& blobs() { return *blobs_; }
  service::ServiceContext& ctx() { return *ctx_; }
  service::AccountService& accounts() { return *accounts_; }
  service::RegistryService& registry() { return *registry_; }
  service::MarketplaceService& marketplace() { return *marketplace_; }
  service::NoticeService& notices() { return *notices_; }
  service::ScreeningService& screening() { return *screening_; }
  service::PhotoService& photos() { return *photos_; }
  service::IntegrationService& integration() { return *integration_; }
  service::ReportService& reports() { return *reports_; }
  service::JobRunner& runner() { return *runner_; }
  Api& api() { return *api_; }

 private:
  App() = default;
  service::Config config_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::BlobStore> blobs_;
  std::unique_ptr<service::ServiceContext> ctx_;
  std::unique_ptr<service::AccountService> accounts_;
  std::unique_ptr<service::RegistryService> registry_;
  std::unique_ptr<service::MarketplaceService> marketplace_;
  std::unique_ptr<service::NoticeService> notices_;
  std::unique_ptr<service::ScreeningService> screening_;
  std::unique_ptr<service::PhotoService> photos_;
  std::unique_ptr<service::IntegrationService> integration_;
  std::unique_ptr<service::ReportService> reports_;
  std::unique_ptr<service::JobRunner> runner_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<http::Server> server_;
};

// "host:port" -> parts; kInvalidArgument naming the value otherwise.
Status ParseListen(const std::string& listen, std::string* host, uint16_t* port);

}  // namespace counterfoil::api
