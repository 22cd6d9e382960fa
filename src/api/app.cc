#include "api/app.h"

#include <filesystem>

#include "api/http/client.h"

namespace counterfoil::api {

Status ParseListen(const std::string& listen, std::string* host, uint16_t* port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return InvalidArgument("listen must be host:port, got \"" + listen + "\"", "listen");
  std::string h = listen.substr(0, colon);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  try {
    size_t used = 0;
    int p = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1 || p < 0 || p > 65535) throw std::out_of_range("");
    *port = static_cast<uint16_t>(p);
  } catch (const std::exception&) {
    return InvalidArgument("listen port must be 0..65535, got \"" + listen + "\"", "listen");
  }
  *host = h;
  return Status::Ok();
}

Result<std::unique_ptr<App>> App::Open(const service::Config& config, const Clock* clock) {
  std::unique_ptr<App> app(new App());
  app->config_ = config;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return Unavailable("cannot create data directory " + config.data_dir + ": " + ec.message());
  ASSIGN_OR_RETURN(app->store_, storage::OpenSqliteStore(
                                    {.path = config.data_dir + "/counterfoil.db"}));
  app->blobs_ = std::make_unique<storage::BlobStore>(config.data_dir + "/blobs");
  RETURN_IF_ERROR(app->blobs_->Init());
  app->ctx_ = std::make_unique<service::ServiceContext>(*app->store_, *app->blobs_, *clock, config);
  app->accounts_ = std::make_unique<service::AccountService>(*app->ctx_);
  app->registry_ = std::make_unique<service::RegistryService>(*app->ctx_);
  app->marketplace_ = std::make_unique<service::MarketplaceService>(*app->ctx_);
  app->notices_ = std::make_unique<service::NoticeService>(*app->ctx_);
  // Screening: every listing upserted is screened; accepted notices feed the
  // stay-down bank; protection changes mark the rule set for a rebuild.
  app->screening_ = std::make_unique<service::ScreeningService>(*app->ctx_, *app->notices_);
  // Photo matching: the banks load (and reference photos imported offline are
  // hashed) before screening builds its rule set, whose digest covers them.
  app->photos_ = std::make_unique<service::PhotoService>(*app->ctx_);
  RETURN_IF_ERROR(app->photos_->Open());
  app->photos_->SetScreener(app->screening_.get());
  app->screening_->SetPhotos(app->photos_.get());
  service::PhotoService* photos = app->photos_.get();
  app->registry_->SetProtectionHook(
      [photos](storage::Tx& tx, const domain::ProtectionProfile& pp, const std::string& actor) {
        return photos->SyncReferencesInTx(tx, pp, actor);
      });
  RETURN_IF_ERROR(app->screening_->Open());
  app->marketplace_->SetScreener(app->screening_.get());
  app->notices_->SetTakedownObserver(app->screening_.get());
  app->notices_->SetScreeningTakedowns(app->screening_.get());
  service::ScreeningService* screening = app->screening_.get();
  app->ctx_->SetProtectionListener([screening] { screening->MarkDirty(); });
  int timeout_ms = config.webhook_timeout_ms;
  app->integration_ = std::make_unique<service::IntegrationService>(
      *app->ctx_,
      [timeout_ms](const std::string& url,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   const std::string& body) -> Result<int> {
        ASSIGN_OR_RETURN(auto resp, http::Fetch("POST", url, headers, body,
                                                std::chrono::milliseconds(timeout_ms)));
        return resp.status;
      });
  app->reports_ = std::make_unique<service::ReportService>(*app->ctx_);
  app->runner_ = std::make_unique<service::JobRunner>(*app->notices_, *app->integration_,
                                                      app->screening_.get(),
                                                      std::chrono::milliseconds(config.job_tick_ms));
  service::JobRunner* runner = app->runner_.get();
  app->ctx_->SetDeliveryWaker([runner] { runner->Poke(); });
  app->screening_->SetWaker([runner] { runner->Poke(); });
  app->api_ = std::make_unique<Api>(Services{*app->ctx_, *app->accounts_, *app->registry_,
                                             *app->marketplace_, *app->notices_,
                                             *app->screening_, *app->integration_,
                                             [runner] { runner->Poke(); }, photos,
                                             app->reports_.get()});
  return app;
}

App::~App() { Stop(); }

Status App::Start(bool jobs) {
  http::ServerOptions opts;
  RETURN_IF_ERROR(ParseListen(config_.listen, &opts.address, &opts.port));
  opts.io_threads = config_.io_threads;
  opts.worker_threads = config_.worker_threads;
  opts.max_body_bytes = static_cast<size_t>(config_.max_body_bytes);
  Api* api = api_.get();
  server_ = std::make_unique<http::Server>(opts, [api](http::Request& r) { return api->Handle(r); });
  RETURN_IF_ERROR(server_->Start());
  if (jobs) runner_->Start();
  return Status::Ok();
}

void App::Stop() {
  if (server_) server_->Stop();
  if (runner_) runner_->Stop();
}

uint16_t App::port() const { return server_ ? server_->port() : 0; }

}  // namespace counterfoil::api
