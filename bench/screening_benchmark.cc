// Screening benchmark: the engine (src/screening) on a large generated rule
// set and a million listings, each headline figure beside a baseline measured
// in the same run.
//
//   ./build/release/bench/screening_benchmark                  # what `make bench` runs
//   ./build/release/bench/screening_benchmark --listings=50000 --skip_http   # quick
//   ./build/release/bench/screening_benchmark --write_files=/tmp/sb --listings=1000000
//
// What it measures (src/screening/README.md has the method and the figures):
//   BM_RuleSetCompile        RuleSet::Compile of the generated catalogue (50,000
//       brand terms from 10,000 rights holders), quiet machine; baseline: a raw
//       hs_compile_lit_multi of the same literals.
//   BM_ScreenEndToEnd        what `counterfoil screen` does per listing, on one
//       thread: JSONL line -> ParseListingJson -> RuleSet::Screen ->
//       AppendVerdictJson, over --listings listings of ~1 KB, chunk by chunk;
//       baseline: a raw Vectorscan block-mode scan (hs_compile_lit_multi of the
//       engine's literal set, no callback work) of the same listings' title and
//       description. Per stage: parse, screen, serialise; and, measured apart,
//       the engine's Normalize() and a scan of the normalised view, so that
//       screen = normalise + scan + the rest (matching logic and scoring).
//   BM_RebuildWhileScreening  one thread keeps screening with the current rule
//       set while the main thread compiles a changed catalogue and swaps it in
//       (std::atomic<std::shared_ptr>); screening rate before vs during the
//       rebuild; then the load from the cached database (SerializedDatabase /
//       CompileOptions::cached_database) against the compile.
//   BM_HttpHealthz, BM_HttpScreen  the real server (api::App on 127.0.0.1:0, a
//       temporary data directory, the whole catalogue imported through
//       service::ImportCatalog, the rule set built by ScreeningService) driven
//       open loop at --rate requests/s (constant arrival times, latency counted
//       from the scheduled send, so a slow reply delays nothing it should not)
//       from --http_clients keep-alive connections: GET /healthz (baseline:
//       the same server, routing and one read transaction) and POST /v1/screen
//       with one generated listing per request; p50/p90/p99/p99.9, achieved rate.
// The summary at the end prints every headline figure with its baseline and
// ratio, because the machines are shared and noisy.
#include <benchmark/benchmark.h>
#include <hs/hs.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/app.h"
#include "bench/keep_alive_client.h"
#include "bench/machine_info.h"
#include "bench/screening_data.h"
#include "common/clock.h"
#include "screening/catalogue_json.h"
#include "screening/engine.h"
#include "screening/normalize.h"
#include "service/catalog.h"

namespace counterfoil::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;
using screening::Listing;
using screening::RuleSet;
using screening::Verdict;

// ------------------------------------------------------------------ options

struct Options {
  int64_t listings = 1000000;
  int64_t chunk = 4096;  // listings generated, then measured, at a time (fits in L3)
  int rights_holders = 10000;
  int brand_terms = 50000;
  uint64_t seed = 20261123;
  double rebuild_before_s = 3;  // screening rate measured this long before the rebuild
  // POST /v1/screen and the /healthz baseline: open loop at `rate` requests/s
  // from `http_clients` keep-alive connections, `http_duration_s` measured
  // after `http_warmup_s`.
  double rate = 2000;
  int http_clients = 16;
  double http_duration_s = 10;
  double http_warmup_s = 2;
  std::string write_files;  // write catalog.json + listings.jsonl here and exit
  bool skip_http = false;
  bool keep = false;
};

Options g_opts;

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::vector<std::string> g_failures;
std::mutex g_failures_mu;

void AddFailure(std::string what) {
  std::lock_guard lock(g_failures_mu);
  if (g_failures.size() < 20)
    g_failures.push_back(std::move(what));
  else if (g_failures.size() == 20)
    g_failures.push_back("(further failures not shown)");
}

// Wall time and this thread's CPU time of a stage, accumulated.
struct Stopwatch {
  double wall = 0, cpu = 0;
  SteadyClock::time_point t;
  double c = 0;
  void Start() {
    t = SteadyClock::now();
    c = ThreadCpuSeconds();
  }
  void Stop() {
    wall += Seconds(SteadyClock::now() - t);
    cpu += ThreadCpuSeconds() - c;
  }
};

// ------------------------------------------------------------------ the data

ScreeningData* g_data = nullptr;
std::shared_ptr<const RuleSet> g_rules;

// ------------------------------------------------------------------ raw Vectorscan

// A block-mode literal database, the baseline "practical ceiling": the
// engine's own literals (RuleSet::Literals(), normalised, so lower case), the
// same flags (none: the engine scans a folded view case-sensitively).
class RawScanner {
 public:
  ~RawScanner() {
    if (scratch_) hs_free_scratch(scratch_);
    if (db_) hs_free_database(db_);
  }

  Status Compile(const std::vector<std::string>& literals) {
    std::vector<const char*> exprs;
    std::vector<size_t> lens;
    std::vector<unsigned> flags, ids;
    for (size_t i = 0; i < literals.size(); ++i) {
      exprs.push_back(literals[i].data());
      lens.push_back(literals[i].size());
      flags.push_back(0);
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_compile_error_t* err = nullptr;
    if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                             static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db_,
                             &err) != HS_SUCCESS) {
      std::string m = err && err->message ? err->message : "?";
      hs_free_compile_error(err);
      return Internal("hs_compile_lit_multi: " + m);
    }
    if (hs_alloc_scratch(db_, &scratch_) != HS_SUCCESS) return Internal("hs_alloc_scratch");
    return Status::Ok();
  }

  // Scans `text`; returns the number of matches (the callback only counts).
  uint64_t Scan(std::string_view text) {
    uint64_t matches = 0;
    hs_scan(db_, text.data(), static_cast<unsigned>(text.size()), 0, scratch_, &CountMatch,
            &matches);
    return matches;
  }

 private:
  static int CountMatch(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
    ++*static_cast<uint64_t*>(ctx);
    return 0;
  }
  hs_database_t* db_ = nullptr;
  hs_scratch_t* scratch_ = nullptr;
};

RawScanner* g_raw = nullptr;
size_t g_raw_literals = 0;

// ------------------------------------------------------------------ results

struct CompileResult {
  double seconds = 0;
  double raw_seconds = 0;  // hs_compile_lit_multi of the same literals
  size_t patterns = 0;
  size_t raw_literals = 0;
  size_t database_bytes = 0;
};

struct EndToEndResult {
  int64_t listings = 0;
  int64_t jsonl_bytes = 0, text_bytes = 0, verdict_bytes = 0;
  Stopwatch raw, parse, screen, serialise, normalise, scan_view;
  uint64_t raw_matches = 0, view_matches = 0;
  // decisions per generated kind: [kind][allow, review, block]
  std::array<std::array<int64_t, 3>, kListingKindCount> decisions{};
  double EndToEndWall() const { return parse.wall + screen.wall + serialise.wall; }
  double EndToEndCpu() const { return parse.cpu + screen.cpu + serialise.cpu; }
};

struct RebuildResult {
  double compile_s = 0;
  double cache_load_s = 0;
  double deserialize_s = 0;  // hs_deserialize_database of the same bytes, alone
  bool loaded_from_cache = false;
  size_t cache_bytes = 0;
  double rate_before = 0, rate_during = 0, rate_during_cache = 0;  // listings/s, screening thread
  double max_screen_ms_before = 0, max_screen_ms_during = 0;
  int64_t screened_during = 0;
  bool swapped = false;
};

std::optional<CompileResult> g_compile;
std::optional<EndToEndResult> g_e2e;
std::optional<RebuildResult> g_rebuild;
double g_generate_catalogue_s = 0;

// ------------------------------------------------------------------ BM_RuleSetCompile

void BM_RuleSetCompile(benchmark::State& state) {
  for (auto _ : state) {
    CompileResult r;
    auto t = SteadyClock::now();
    auto rules = RuleSet::Compile(g_data->catalogue());
    r.seconds = Seconds(SteadyClock::now() - t);
    if (!rules.ok()) {
      AddFailure("RuleSet::Compile: " + rules.status().ToString());
      state.SkipWithError("compile failed");
      return;
    }
    g_rules = *rules;
    r.patterns = g_rules->pattern_count();
    r.database_bytes = g_rules->SerializedDatabase().size();

    std::vector<std::string> literals = g_rules->Literals();
    r.raw_literals = literals.size();
    auto raw = std::make_unique<RawScanner>();
    t = SteadyClock::now();
    if (Status s = raw->Compile(literals); !s.ok()) {
      AddFailure("raw baseline: " + s.ToString());
      state.SkipWithError("raw compile failed");
      return;
    }
    r.raw_seconds = Seconds(SteadyClock::now() - t);
    delete g_raw;
    g_raw = raw.release();
    g_raw_literals = literals.size();

    state.SetIterationTime(r.seconds);
    state.counters["patterns"] = static_cast<double>(r.patterns);
    state.counters["raw_compile_s"] = r.raw_seconds;
    g_compile = r;
  }
}

// ------------------------------------------------------------------ BM_ScreenEndToEnd

// One chunk of generated listings in the three forms the stages need.
struct Chunk {
  std::string jsonl;                                 // the input file's bytes
  std::vector<std::pair<uint32_t, uint32_t>> lines;  // offset, length (without '\n')
  std::string text;                                  // title '\n' description, per listing
  std::vector<std::pair<uint32_t, uint32_t>> texts;  // offset, length
  std::vector<ListingKind> kinds;

  void Make(int64_t first, int64_t count) {
    jsonl.clear();
    lines.clear();
    text.clear();
    texts.clear();
    kinds.clear();
    for (int64_t i = first; i < first + count; ++i) {
      ListingKind kind;
      Listing l = g_data->MakeListing(i, &kind);
      kinds.push_back(kind);
      size_t at = jsonl.size();
      AppendListingJson(l, &jsonl);
      lines.emplace_back(static_cast<uint32_t>(at), static_cast<uint32_t>(jsonl.size() - at - 1));
      at = text.size();
      text += l.title;
      text += '\n';
      text += l.description;
      texts.emplace_back(static_cast<uint32_t>(at), static_cast<uint32_t>(text.size() - at));
    }
  }
};

void BM_ScreenEndToEnd(benchmark::State& state) {
  if (!g_rules || !g_raw) {
    state.SkipWithError("no rule set (BM_RuleSetCompile failed)");
    for (auto _ : state) {
    }
    return;
  }
  for (auto _ : state) {
    EndToEndResult r;
    Chunk chunk;
    std::vector<Listing> listings;
    std::string out;
    screening::NormalizedText norm;
    std::string original;
    const RuleSet& rules = *g_rules;
    for (int64_t first = 0; first < g_opts.listings; first += g_opts.chunk) {
      const int64_t n = std::min(g_opts.chunk, g_opts.listings - first);
      chunk.Make(first, n);  // untimed
      r.listings += n;
      r.jsonl_bytes += static_cast<int64_t>(chunk.jsonl.size());
      r.text_bytes += static_cast<int64_t>(chunk.text.size());

      // Baseline: the raw scan of the listings' text.
      r.raw.Start();
      for (const auto& [off, len] : chunk.texts)
        r.raw_matches += g_raw->Scan(std::string_view(chunk.text).substr(off, len));
      r.raw.Stop();

      // The pipeline, stage by stage over the chunk.
      listings.clear();
      listings.reserve(static_cast<size_t>(n));
      r.parse.Start();
      for (const auto& [off, len] : chunk.lines) {
        Result<Listing> l =
            screening::ParseListingJson(std::string_view(chunk.jsonl).substr(off, len));
        if (!l.ok()) {
          AddFailure("ParseListingJson: " + l.status().ToString());
          continue;
        }
        listings.push_back(std::move(l).value());
      }
      r.parse.Stop();

      std::vector<Verdict> verdicts(listings.size());
      r.screen.Start();
      for (size_t i = 0; i < listings.size(); ++i) verdicts[i] = rules.Screen(listings[i]);
      r.screen.Stop();

      out.clear();
      r.serialise.Start();
      for (const Verdict& v : verdicts) screening::AppendVerdictJson(v, &out);
      r.serialise.Stop();
      r.verdict_bytes += static_cast<int64_t>(out.size());
      benchmark::DoNotOptimize(out.data());

      for (size_t i = 0; i < verdicts.size() && i < chunk.kinds.size(); ++i)
        ++r.decisions[static_cast<size_t>(chunk.kinds[i])]
                     [static_cast<size_t>(verdicts[i].decision)];

      // Apart from the pipeline: the engine's normalisation of the same text
      // (title '\n' description, as Screen builds it) and a scan of the view.
      r.normalise.Start();
      for (const Listing& l : listings) {
        original.clear();
        original.append(l.title).push_back('\n');
        original.append(l.description);
        screening::Normalize(original, norm);
        benchmark::DoNotOptimize(norm.text.data());
      }
      r.normalise.Stop();
      // The scan of the views, timed alone (normalising again outside the clock).
      for (const Listing& l : listings) {
        original.clear();
        original.append(l.title).push_back('\n');
        original.append(l.description);
        screening::Normalize(original, norm);
        r.scan_view.Start();
        r.view_matches += g_raw->Scan(norm.text);
        r.scan_view.Stop();
      }
    }
    state.SetIterationTime(r.EndToEndWall());
    state.counters["listings_per_s"] = r.listings / r.EndToEndWall();
    state.counters["listings_per_cpu_s"] = r.listings / r.EndToEndCpu();
    state.counters["raw_listings_per_s"] = r.listings / r.raw.wall;
    state.counters["ratio"] = r.raw.cpu / r.EndToEndCpu();
    g_e2e = r;
  }
}

// ------------------------------------------------------------------ BM_RebuildWhileScreening

void BM_RebuildWhileScreening(benchmark::State& state) {
  if (!g_rules) {
    state.SkipWithError("no rule set");
    for (auto _ : state) {
    }
    return;
  }
  // Listings the screening thread cycles through (parsed beforehand).
  std::vector<Listing> pool;
  for (int64_t i = 0; i < 20000; ++i) pool.push_back(g_data->MakeListing(g_opts.listings + i));
  // The changed protection data: one rights holder registers one more brand
  // term (a new cache key, so nothing can be reused).
  screening::Catalogue changed = g_data->catalogue();
  changed.rights_holders[changed.rights_holders.size() / 2].brand_terms.push_back("zyxqavell");

  for (auto _ : state) {
    RebuildResult r;
    std::atomic<std::shared_ptr<const RuleSet>> current{g_rules};
    std::atomic<bool> stop{false};
    std::atomic<int64_t> screened{0};
    std::atomic<int> phase{0};  // 0 before, 1 during compile, 2 during cache load
    std::array<std::atomic<int64_t>, 3> max_ns{};  // slowest single Screen per phase
    std::thread screener([&] {
      size_t i = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        std::shared_ptr<const RuleSet> rules = current.load();
        for (int k = 0; k < 16; ++k, ++i) {
          auto t = SteadyClock::now();
          Verdict v = rules->Screen(pool[i % pool.size()]);
          benchmark::DoNotOptimize(v.score);
          int64_t ns =
              std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now() - t).count();
          auto& m = max_ns[static_cast<size_t>(phase.load(std::memory_order_relaxed))];
          if (ns > m.load(std::memory_order_relaxed)) m.store(ns, std::memory_order_relaxed);
        }
        screened.fetch_add(16, std::memory_order_relaxed);
      }
    });
    // Before: the screening thread alone.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // warm-up
    int64_t c0 = screened.load();
    auto t0 = SteadyClock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(g_opts.rebuild_before_s));
    int64_t c1 = screened.load();
    auto t1 = SteadyClock::now();
    r.rate_before = static_cast<double>(c1 - c0) / Seconds(t1 - t0);

    // During: compile the changed catalogue on this thread, then swap it in.
    phase = 1;
    auto rules = RuleSet::Compile(changed);
    auto t2 = SteadyClock::now();
    int64_t c2 = screened.load();
    r.compile_s = Seconds(t2 - t1);
    r.rate_during = static_cast<double>(c2 - c1) / r.compile_s;
    r.screened_during = c2 - c1;
    if (!rules.ok()) {
      AddFailure("rebuild: " + rules.status().ToString());
    } else {
      current.store(*rules);
      r.swapped = true;
      // The cache: serialise the new database, then load a rule set from it.
      std::string bytes = (*rules)->SerializedDatabase();
      r.cache_bytes = bytes.size();
      screening::CompileOptions options;
      options.cached_database = bytes;
      phase = 2;
      int64_t c3 = screened.load();
      auto t3 = SteadyClock::now();
      auto cached = RuleSet::Compile(changed, options);
      auto t4 = SteadyClock::now();
      int64_t c4 = screened.load();
      r.cache_load_s = Seconds(t4 - t3);
      r.rate_during_cache = static_cast<double>(c4 - c3) / r.cache_load_s;
      if (!cached.ok())
        AddFailure("load from cache: " + cached.status().ToString());
      else
        r.loaded_from_cache = (*cached)->loaded_from_cache();
      if (!r.loaded_from_cache) AddFailure("the cached database was not used");
      // What of that is Vectorscan's own load: the database after the
      // engine's header line ("CFSCREEN1\n<key>\n").
      size_t header = bytes.find('\n', bytes.find('\n') + 1) + 1;
      hs_database_t* db = nullptr;
      auto t5 = SteadyClock::now();
      if (hs_deserialize_database(bytes.data() + header, bytes.size() - header, &db) == HS_SUCCESS)
        r.deserialize_s = Seconds(SteadyClock::now() - t5);
      else
        AddFailure("hs_deserialize_database of the cached bytes failed");
      hs_free_database(db);
    }
    stop = true;
    screener.join();
    r.max_screen_ms_before = max_ns[0].load() / 1e6;
    r.max_screen_ms_during = max_ns[1].load() / 1e6;
    state.SetIterationTime(r.compile_s);
    state.counters["compile_s"] = r.compile_s;
    state.counters["cache_load_s"] = r.cache_load_s;
    state.counters["rate_before"] = r.rate_before;
    state.counters["rate_during"] = r.rate_during;
    g_rebuild = r;
  }
}

// ------------------------------------------------------------------ the server

// Marketplaces of the generated listings; one integration API key each.
constexpr const char* kBenchMarketplaces[] = {"taobao", "aliexpress", "tmall", "shopee"};

class Server {
 public:
  Status Open() {
    const char* tmp = std::getenv("TMPDIR");
    dir_ = std::string(tmp && *tmp ? tmp : "/tmp") + "/counterfoil-screening-bench-XXXXXX";
    if (!mkdtemp(dir_.data())) return Unavailable("mkdtemp failed for " + dir_);
    service::Config cfg;
    cfg.data_dir = dir_;
    cfg.listen = "127.0.0.1:0";
    // One API key per marketplace sends thousands of requests a second; the
    // per-principal limit (200/s by default) would answer 429.
    cfg.rate_per_second = 1e9;
    cfg.rate_burst = 1e9;
    config_ = cfg;
    ASSIGN_OR_RETURN(app_, api::App::Open(cfg, SystemClock::Default()));
    service::Principal sys = service::Principal::System();
    for (const char* m : kBenchMarketplaces) {
      json::object mk{{"id", m}, {"name", m}, {"regimes", json::array{"cn_ecl"}}};
      RETURN_IF_ERROR(app_->marketplace().CreateMarketplace(sys, mk).status());
      ASSIGN_OR_RETURN(domain::User user,
                       app_->accounts().CreateUser(
                           sys, json::object{{"email", std::string("bench@") + m + ".example"},
                                             {"name", std::string(m) + " integration"},
                                             {"role", "marketplace"},
                                             {"marketplace_id", m}}));
      ASSIGN_OR_RETURN(auto key, app_->accounts().CreateApiKey(
                                     sys, json::object{{"user_id", user.id}, {"name", "bench"}}));
      keys_.push_back(key.secret);
    }
    // The protection data: the whole generated catalogue, through the same
    // import the `counterfoil import` command uses (one durable write per
    // rights holder), then one rule-set build as the server does it.
    auto t = SteadyClock::now();
    ASSIGN_OR_RETURN(auto summary,
                     service::ImportCatalog(app_->ctx(), app_->registry(), g_data->CatalogueJson(),
                                            dir_ + "/catalog.json"));
    import_s_ = Seconds(SteadyClock::now() - t);
    imported_ = summary.profiles;
    t = SteadyClock::now();
    RETURN_IF_ERROR(app_->screening().RebuildIfDirty());
    rebuild_s_ = Seconds(SteadyClock::now() - t);
    ASSIGN_OR_RETURN(status_, app_->screening().GetStatus(sys));
    return app_->Start(/*jobs=*/true);
  }

  ~Server() {
    app_.reset();
    if (!g_opts.keep && !dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  uint16_t port() const { return app_->port(); }
  const std::string& key(size_t marketplace) const { return keys_[marketplace]; }
  const service::Config& config() const { return config_; }
  const service::ScreeningStatus& status() const { return status_; }
  double import_s() const { return import_s_; }
  double rebuild_s() const { return rebuild_s_; }
  int imported() const { return imported_; }

 private:
  std::string dir_;
  service::Config config_;
  std::unique_ptr<api::App> app_;
  std::vector<std::string> keys_;
  service::ScreeningStatus status_;
  double import_s_ = 0, rebuild_s_ = 0;
  int imported_ = 0;
};

Server* g_server = nullptr;
std::unique_ptr<Server> g_server_owner;
std::string g_server_error;

// ------------------------------------------------------------------ open-loop HTTP

struct HttpResult {
  std::string what;
  double rate = 0;  // offered
  int clients = 0;
  int64_t sent = 0, ok = 0;  // in the measured window
  double seconds = 0;
  double achieved = 0;
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;  // ms, from the scheduled send
  double service_p50 = 0, service_p99 = 0;              // ms, from the actual send
  double late_share = 0;  // requests sent more than 1 ms after their scheduled time
  int reconnects = 0;
};

std::optional<HttpResult> g_http_healthz, g_http_screen;

double PercentileMs(std::vector<uint32_t>& v, double q) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k] / 1000.0;
}

// Request i is due at start + i/rate; connection c sends requests c, c+C,
// c+2C, ... Each waits for its due time (or goes at once when it is behind),
// so the arrival rate is the offered rate whatever the latency, and a reply
// that comes late is counted from when its request was due (no coordinated
// omission; Tene, "How NOT to measure latency", 2013), up to the limit of C
// requests in flight.
HttpResult DriveOpenLoop(const std::string& what, bhttp::verb verb, const std::string& target,
                         const std::vector<std::string>& bodies, bool authenticated) {
  HttpResult r;
  r.what = what;
  r.rate = g_opts.rate;
  r.clients = g_opts.http_clients;
  const int clients = g_opts.http_clients;
  const double period = 1.0 / g_opts.rate;
  const auto total =
      static_cast<int64_t>((g_opts.http_warmup_s + g_opts.http_duration_s) * g_opts.rate);
  const auto start = SteadyClock::now() + std::chrono::milliseconds(100);
  auto due = [&](int64_t i) {
    return start + std::chrono::duration_cast<SteadyClock::duration>(
                       std::chrono::duration<double>(static_cast<double>(i) * period));
  };
  const auto window_begin = due(static_cast<int64_t>(g_opts.http_warmup_s * g_opts.rate));
  const auto window_end = due(total);
  std::vector<std::vector<uint32_t>> latency(static_cast<size_t>(clients)),
      service(static_cast<size_t>(clients));
  std::vector<int64_t> sent(static_cast<size_t>(clients)), late(static_cast<size_t>(clients));
  std::vector<int> reconnects(static_cast<size_t>(clients));
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      const size_t marketplace = static_cast<size_t>(c) % std::size(kBenchMarketplaces);
      KeepAliveClient client(g_server->port(), authenticated ? g_server->key(marketplace) : "");
      auto& lat = latency[static_cast<size_t>(c)];
      auto& svc = service[static_cast<size_t>(c)];
      std::string reply, error;
      for (int64_t i = c; i < total && !stop.load(std::memory_order_relaxed); i += clients) {
        const auto when = due(i);
        std::this_thread::sleep_until(when);
        std::string body;
        if (!bodies.empty()) {
          // The connection's marketplace: an integration screens its own listings.
          body = bodies[static_cast<size_t>(i) % bodies.size()];
          size_t at = body.find("\"marketplace\":\"");
          if (at != std::string::npos) {
            at += 15;
            body.replace(at, body.find('"', at) - at, kBenchMarketplaces[marketplace]);
          }
        }
        const auto sent_at = SteadyClock::now();
        int status = client.Send(verb, target, bodies.empty() ? "" : "application/json",
                                 std::move(body), &reply, &error);
        const auto done = SteadyClock::now();
        if (status != 200) {
          AddFailure(what + ": " +
                     (status ? "HTTP " + std::to_string(status) + " " + reply.substr(0, 300)
                             : "transport error: " + error));
          stop = true;
          break;
        }
        if (when >= window_begin && when < window_end) {
          ++sent[static_cast<size_t>(c)];
          if (sent_at - when > std::chrono::milliseconds(1)) ++late[static_cast<size_t>(c)];
          lat.push_back(static_cast<uint32_t>(
              std::chrono::duration_cast<std::chrono::microseconds>(done - when).count()));
          svc.push_back(static_cast<uint32_t>(
              std::chrono::duration_cast<std::chrono::microseconds>(done - sent_at).count()));
        }
      }
      reconnects[static_cast<size_t>(c)] = client.reconnects();
    });
  }
  for (auto& t : threads) t.join();
  std::vector<uint32_t> all, all_service;
  int64_t late_total = 0;
  for (int c = 0; c < clients; ++c) {
    all.insert(all.end(), latency[static_cast<size_t>(c)].begin(),
               latency[static_cast<size_t>(c)].end());
    all_service.insert(all_service.end(), service[static_cast<size_t>(c)].begin(),
                       service[static_cast<size_t>(c)].end());
    r.sent += sent[static_cast<size_t>(c)];
    late_total += late[static_cast<size_t>(c)];
    r.reconnects += reconnects[static_cast<size_t>(c)];
  }
  r.ok = static_cast<int64_t>(all.size());
  r.seconds = Seconds(window_end - window_begin);
  r.achieved = static_cast<double>(r.ok) / r.seconds;
  r.late_share = r.sent ? static_cast<double>(late_total) / static_cast<double>(r.sent) : 0;
  r.p50 = PercentileMs(all, 0.50);
  r.p90 = PercentileMs(all, 0.90);
  r.p99 = PercentileMs(all, 0.99);
  r.p999 = PercentileMs(all, 0.999);
  r.max = all.empty() ? 0 : *std::max_element(all.begin(), all.end()) / 1000.0;
  r.service_p50 = PercentileMs(all_service, 0.50);
  r.service_p99 = PercentileMs(all_service, 0.99);
  return r;
}

void SetHttpCounters(benchmark::State& state, const HttpResult& r) {
  state.SetIterationTime(r.seconds);
  state.counters["achieved_per_s"] = r.achieved;
  state.counters["p50_ms"] = r.p50;
  state.counters["p99_ms"] = r.p99;
  state.counters["p999_ms"] = r.p999;
}

// Starts the server on first use (untimed): import, rule-set build, listen.
bool ServerReady(benchmark::State& state) {
  if (!g_server && g_server_error.empty()) {
    auto server = std::make_unique<Server>();
    auto t = SteadyClock::now();
    if (Status s = server->Open(); !s.ok()) {
      g_server_error = s.ToString();
      AddFailure("starting the server: " + g_server_error);
    } else {
      std::printf("started the server on 127.0.0.1:%u with %d rights holders in %.2f s\n",
                  server->port(), server->imported(), Seconds(SteadyClock::now() - t));
      std::fflush(stdout);
      g_server = server.get();
      g_server_owner = std::move(server);
    }
  }
  if (g_server) return true;
  state.SkipWithError(("no server: " + g_server_error).c_str());
  for (auto _ : state) {
  }
  return false;
}

void BM_HttpHealthz(benchmark::State& state) {
  if (!ServerReady(state)) return;
  for (auto _ : state) {
    HttpResult r = DriveOpenLoop("GET /healthz", bhttp::verb::get, "/healthz", {}, false);
    SetHttpCounters(state, r);
    g_http_healthz = r;
  }
}

void BM_HttpScreen(benchmark::State& state) {
  if (!ServerReady(state)) return;
  // Request bodies: generated listings (one JSON object each), beyond the
  // ones the other benchmarks use; 20,000 distinct ones cycled.
  std::vector<std::string> bodies;
  for (int64_t i = 0; i < 20000; ++i) {
    std::string line;
    AppendListingJson(g_data->MakeListing(g_opts.listings + 100000 + i), &line);
    line.pop_back();
    bodies.push_back(std::move(line));
  }
  for (auto _ : state) {
    HttpResult r = DriveOpenLoop("POST /v1/screen", bhttp::verb::post, "/v1/screen", bodies, true);
    SetHttpCounters(state, r);
    g_http_screen = r;
  }
}

// ------------------------------------------------------------------ report

std::string g_load_at_start;

const char* PassFail(bool ok) { return ok ? "PASS" : "FAIL"; }

void PrintSummary() {
  std::printf("\n==================== screening summary ====================\n");
  std::printf("machine: %u cores (nproc), CPU \"%s\"\n", std::thread::hardware_concurrency(),
              ReadFirstLine("/proc/cpuinfo", "model name").c_str());
  std::printf("load average (1/5/15 min) at start: %s, at end: %s\n", g_load_at_start.c_str(),
              LoadAverage().c_str());
  const auto& cat = g_data->catalogue();
  std::printf(
      "rule set: %zu rights holders, %zu brand terms, seed %llu (generated in %.2f s); "
      "listings: %lld\n",
      cat.rights_holders.size(), g_data->brand_term_count(),
      static_cast<unsigned long long>(g_opts.seed), g_generate_catalogue_s,
      static_cast<long long>(g_opts.listings));

  if (g_compile) {
    const auto& c = *g_compile;
    std::printf("\nRuleSet::Compile (quiet): %.3f s, %zu patterns, database %.1f MB\n", c.seconds,
                c.patterns, c.database_bytes / 1e6);
    std::printf("  raw hs_compile_lit_multi of %zu literals: %.3f s; compile/raw ratio %.2f\n",
                c.raw_literals, c.raw_seconds, c.seconds / c.raw_seconds);
  }

  if (g_e2e) {
    const auto& r = *g_e2e;
    const double n = static_cast<double>(r.listings);
    std::printf(
        "\nend-to-end screen, one thread (JSONL in -> parse -> Screen -> verdict JSON out)\n");
    std::printf("  %lld listings, %.1f MB of JSONL (%.0f B/listing), %.1f MB of verdicts\n",
                static_cast<long long>(r.listings), r.jsonl_bytes / 1e6, r.jsonl_bytes / n,
                r.verdict_bytes / 1e6);
    std::printf("%-36s %10s %12s %12s %9s %8s\n", "stage", "us/listing", "listings/s", "per CPU-s",
                "MB/s", "share");
    auto row = [&](const char* name, const Stopwatch& s, double bytes, double share) {
      std::printf("%-36s %10.2f %12.0f %12.0f %9.1f %7.1f%%\n", name, s.cpu * 1e6 / n, n / s.wall,
                  n / s.cpu, bytes / s.wall / 1e6, share * 100);
    };
    Stopwatch total;
    total.wall = r.EndToEndWall();
    total.cpu = r.EndToEndCpu();
    row("  parse (ParseListingJson)", r.parse, r.jsonl_bytes, r.parse.cpu / total.cpu);
    row("  screen (RuleSet::Screen)", r.screen, r.jsonl_bytes, r.screen.cpu / total.cpu);
    row("  serialise (AppendVerdictJson)", r.serialise, r.jsonl_bytes, r.serialise.cpu / total.cpu);
    row("  END TO END", total, r.jsonl_bytes, 1.0);
    std::printf("  inside screen, measured apart:\n");
    row("    Normalize(title \\n description)", r.normalise, r.text_bytes,
        r.normalise.cpu / total.cpu);
    row("    hs_scan of the normalised view", r.scan_view, r.text_bytes,
        r.scan_view.cpu / total.cpu);
    Stopwatch rest;
    rest.wall = std::max(1e-9, r.screen.wall - r.normalise.wall - r.scan_view.wall);
    rest.cpu = std::max(1e-9, r.screen.cpu - r.normalise.cpu - r.scan_view.cpu);
    row("    the rest (matching, scoring)", rest, r.text_bytes, rest.cpu / total.cpu);
    std::printf("  baseline:\n");
    row("  raw hs_scan of title \\n description", r.raw, r.text_bytes, r.raw.cpu / total.cpu);
    std::printf(
        "  (MB/s: JSONL bytes for the pipeline rows, title+description bytes, %.0f "
        "B/listing, for the scans)\n",
        r.text_bytes / n);
    std::printf("  raw scan: %zu literals, %.2f matches/listing; view scan %.2f matches/listing\n",
                g_raw_literals, r.raw_matches / n, r.view_matches / n);
    const double per_core = n / r.EndToEndCpu();
    std::printf(
        "end-to-end: %.0f listings/s per core (CPU time), %.0f listings/s wall, %.1f MB/s\n",
        per_core, n / r.EndToEndWall(), r.jsonl_bytes / r.EndToEndWall() / 1e6);
    std::printf("end-to-end / raw scan ratio (listings per CPU-second): %.3f (raw %.0f/s)\n",
                r.raw.cpu / r.EndToEndCpu(), n / r.raw.cpu);
    std::printf("target >= 100,000 listings/s per core: %s\n", PassFail(per_core >= 100000));

    std::printf("\n%-28s %10s %8s %8s %8s\n", "verdicts by generated kind", "listings", "allow",
                "review", "block");
    for (int k = 0; k < kListingKindCount; ++k) {
      const auto& d = r.decisions[static_cast<size_t>(k)];
      int64_t total_k = d[0] + d[1] + d[2];
      if (!total_k) continue;
      std::printf("  %-26s %10lld %7.2f%% %7.2f%% %7.2f%%\n",
                  std::string(ListingKindName(static_cast<ListingKind>(k))).c_str(),
                  static_cast<long long>(total_k), 100.0 * d[0] / total_k, 100.0 * d[1] / total_k,
                  100.0 * d[2] / total_k);
    }
    std::printf(
        "  (kinds are what the generator wrote, not labels: a brand listing may be an\n"
        "  accessory, genuine or second-hand and rightly allowed)\n");
  }

  if (g_rebuild) {
    const auto& r = *g_rebuild;
    std::printf("\nrule-set rebuild while screening (one screening thread, compile on another)\n");
    std::printf("  RuleSet::Compile, changed catalogue: %.3f s; swapped in: %s\n", r.compile_s,
                r.swapped ? "yes" : "NO");
    std::printf(
        "  screening rate before: %.0f listings/s, during the compile: %.0f listings/s "
        "(ratio %.2f), %lld screened meanwhile\n",
        r.rate_before, r.rate_during, r.rate_before > 0 ? r.rate_during / r.rate_before : 0,
        static_cast<long long>(r.screened_during));
    std::printf("  slowest single Screen before: %.2f ms, during the compile: %.2f ms\n",
                r.max_screen_ms_before, r.max_screen_ms_during);
    std::printf(
        "  load from the cached database (%.1f MB): %.3f s (from cache: %s); "
        "compile/cache-load ratio %.1f\n",
        r.cache_bytes / 1e6, r.cache_load_s, r.loaded_from_cache ? "yes" : "NO",
        r.cache_load_s > 0 ? r.compile_s / r.cache_load_s : 0);
    std::printf(
        "  of which Vectorscan's hs_deserialize_database of the same bytes: %.3f s; the "
        "rest is the engine's own tables\n",
        r.deserialize_s);
    std::printf("  screening rate during the cache load: %.0f listings/s\n", r.rate_during_cache);
    std::printf("target: rebuild of 50,000 terms <= 10 s with screening running: %s\n",
                PassFail(r.swapped && r.compile_s <= 10 && r.screened_during > 0));
  }

  if (g_server) {
    const auto& st = g_server->status();
    std::printf("\nPOST /v1/screen against the real server (api::App on 127.0.0.1:%u)\n",
                g_server->port());
    std::printf(
        "  protection data: %d rights holders imported with service::ImportCatalog in "
        "%.2f s; ScreeningService rule-set build %.2f s (%zu patterns, %zu rights "
        "holders%s)\n",
        g_server->imported(), g_server->import_s(), g_server->rebuild_s(), st.pattern_count,
        st.rights_holder_count, st.built_from_cache ? ", from cache" : "");
    std::printf(
        "  open loop: %.0f requests/s offered from %d keep-alive connections, %.1f s "
        "measured after %.1f s warm-up; io_threads=%d worker_threads=%d\n",
        g_opts.rate, g_opts.http_clients, g_opts.http_duration_s, g_opts.http_warmup_s,
        g_server->config().io_threads, g_server->config().worker_threads);
    std::printf("%-18s %9s %9s %7s %7s %7s %8s %8s %11s %6s\n", "", "requests", "achieved",
                "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "svc p50/p99", "late");
    for (const auto* r : {&g_http_healthz, &g_http_screen}) {
      if (!*r) continue;
      const HttpResult& h = **r;
      std::printf("  %-16s %9lld %9.0f %7.2f %7.2f %7.2f %8.2f %8.2f %5.2f/%5.2f %5.1f%%\n",
                  h.what.c_str(), static_cast<long long>(h.ok), h.achieved, h.p50, h.p90, h.p99,
                  h.p999, h.max, h.service_p50, h.service_p99, 100 * h.late_share);
    }
    std::printf(
        "  (latency from each request's scheduled send time; svc: from the actual send;\n"
        "  late: requests that left more than 1 ms after their time, all connections busy)\n");
    if (g_http_screen && g_http_healthz && g_http_healthz->p99 > 0)
      std::printf("/v1/screen vs /healthz at the same rate: p50 ratio %.2f, p99 ratio %.2f\n",
                  g_http_screen->p50 / g_http_healthz->p50,
                  g_http_screen->p99 / g_http_healthz->p99);
    if (g_http_screen)
      std::printf("target p99 <= 5 ms at 2,000 requests/s: %s (achieved %.0f/s, p99 %.2f ms)\n",
                  PassFail(g_http_screen->p99 <= 5 && g_opts.rate >= 2000 &&
                           g_http_screen->achieved >= 0.99 * g_opts.rate),
                  g_http_screen->achieved, g_http_screen->p99);
  } else if (!g_opts.skip_http) {
    std::printf("\nPOST /v1/screen: not measured (%s)\n", g_server_error.c_str());
  }
  if (!g_failures.empty()) {
    std::printf("\nFAILURES (the run is invalid):\n");
    for (const auto& f : g_failures) std::printf("  %s\n", f.c_str());
  }
  std::printf("===========================================================\n");
  std::fflush(stdout);
}

bool ParseFlag(const char* arg, const char* name, std::string* value) {
  std::string a(arg), prefix = std::string("--") + name + "=";
  if (a.rfind(prefix, 0) != 0) return false;
  *value = a.substr(prefix.size());
  return true;
}

}  // namespace
}  // namespace counterfoil::bench

int main(int argc, char** argv) {
  using namespace counterfoil::bench;
  benchmark::Initialize(&argc, argv);
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    std::string v;
    if (ParseFlag(argv[i], "listings", &v)) {
      g_opts.listings = std::stoll(v);
    } else if (ParseFlag(argv[i], "chunk", &v)) {
      g_opts.chunk = std::max(1LL, std::stoll(v));
    } else if (ParseFlag(argv[i], "rights_holders", &v)) {
      g_opts.rights_holders = std::stoi(v);
    } else if (ParseFlag(argv[i], "brand_terms", &v)) {
      g_opts.brand_terms = std::stoi(v);
    } else if (ParseFlag(argv[i], "seed", &v)) {
      g_opts.seed = std::stoull(v);
    } else if (ParseFlag(argv[i], "rebuild_before_s", &v)) {
      g_opts.rebuild_before_s = std::stod(v);
    } else if (ParseFlag(argv[i], "write_files", &v)) {
      g_opts.write_files = v;
    } else if (ParseFlag(argv[i], "rate", &v)) {
      g_opts.rate = std::stod(v);
    } else if (ParseFlag(argv[i], "http_clients", &v)) {
      g_opts.http_clients = std::max(1, std::stoi(v));
    } else if (ParseFlag(argv[i], "http_duration_s", &v)) {
      g_opts.http_duration_s = std::stod(v);
    } else if (ParseFlag(argv[i], "http_warmup_s", &v)) {
      g_opts.http_warmup_s = std::stod(v);
    } else if (std::string(argv[i]) == "--skip_http") {
      g_opts.skip_http = true;
    } else if (std::string(argv[i]) == "--keep") {
      g_opts.keep = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  spdlog::set_level(spdlog::level::warn);
  g_load_at_start = LoadAverage();

  auto t = SteadyClock::now();
  ScreeningData data({.seed = g_opts.seed,
                      .rights_holders = g_opts.rights_holders,
                      .brand_terms = g_opts.brand_terms});
  g_generate_catalogue_s = Seconds(SteadyClock::now() - t);
  g_data = &data;
  if (!g_opts.write_files.empty()) {
    if (counterfoil::Status s = data.WriteFiles(g_opts.write_files, g_opts.listings); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    std::printf("wrote %s/catalog.json and %s/listings.jsonl (%lld listings)\n",
                g_opts.write_files.c_str(), g_opts.write_files.c_str(),
                static_cast<long long>(g_opts.listings));
    return 0;
  }
  std::printf("generated the catalogue (%zu rights holders, %zu brand terms) in %.2f s\n",
              data.catalogue().rights_holders.size(), data.brand_term_count(),
              g_generate_catalogue_s);
  std::fflush(stdout);

  auto once = [](benchmark::internal::Benchmark* b) {
    b->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
  };
  once(benchmark::RegisterBenchmark("BM_RuleSetCompile", BM_RuleSetCompile));
  once(benchmark::RegisterBenchmark("BM_ScreenEndToEnd", BM_ScreenEndToEnd));
  once(benchmark::RegisterBenchmark("BM_RebuildWhileScreening", BM_RebuildWhileScreening));
  // The server last, started by the first HTTP benchmark: the engine figures
  // above are taken without it running.
  if (!g_opts.skip_http) {
    once(benchmark::RegisterBenchmark("BM_HttpHealthz", BM_HttpHealthz));
    once(benchmark::RegisterBenchmark("BM_HttpScreen", BM_HttpScreen));
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  PrintSummary();
  g_server = nullptr;
  g_server_owner.reset();
  delete g_raw;
  return g_failures.empty() ? 0 : 1;
}
