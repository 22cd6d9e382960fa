// Configuration of a Counterfoil server: what `counterfoil.toml` and the
// command-line flags set (docs/operator.md lists every option). Defaults
// here are the documented defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/json.h"
#include "common/status.h"

namespace counterfoil::service {

struct Config {
  // [server]
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./counterfoil-data";
  int io_threads = 2;
  int worker_threads = 64;
  int64_t max_body_bytes = 16 << 20;
  // [limits]
  double rate_per_second = 200;  // per principal (API key, session user or IP)
  double rate_burst = 400;
  int page_limit_max = 200;
  int bulk_max_rows = 10000;
  // [sessions]
  int session_ttl_hours = 12;
  bool cookie_secure = false;  // set Secure on cookies (behind TLS)
  // [webhooks]
  int webhook_max_attempts = 12;
  int webhook_backoff_base_seconds = 5;
  int webhook_backoff_max_seconds = 3600;
  int webhook_timeout_ms = 5000;
  // [review]
  int claim_minutes = 30;  // a claim expires after this long without a decision
  // [policy] defaults for marketplaces that do not override them (JSON forms
  // of domain::RepeatInfringerPolicy and domain::NotifierProgramme).
  json::object repeat_infringer;
  json::object notifier_programme;
  // [regimes.<id>] overrides of the built-in regimes, applied before a
  // marketplace's own overrides.
  json::object regimes;
  // [jobs]
  int job_tick_ms = 1000;  // how often the deadline and delivery jobs look for due work
  // [screening] default thresholds for marketplaces that do not set their
  // own (domain::ScreeningThresholds: 0 < review < block <= 1).
  double screening_block = 0.9;
  double screening_review = 0.5;
  // Listings per transaction when the re-screening job walks the listings.
  int screening_rescreen_batch = 200;
};

// Reads a TOML file into `config` (fields absent from the file keep their
// values). kInvalidArgument names "file:line" and the key at fault.
Status LoadConfigFile(const std::string& path, Config& config);
// A TOML document with every option and its default, commented.
std::string DefaultConfigToml();

}  // namespace counterfoil::service
