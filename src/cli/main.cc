// The counterfoil command: the server and the operator's tools.
//
//   counterfoil serve --demo                    # demo marketplace on :8080
//   counterfoil serve --demo --test-clock       # ... with a clock tests may move forward
//   counterfoil serve --config counterfoil.toml
//   counterfoil user add --email a@b.c --name "A" --role reviewer --password-stdin
//   counterfoil apikey create --user a@b.c
//   counterfoil import catalog catalog.json
//   counterfoil screen --catalog catalog.json listings.jsonl > verdicts.jsonl
//   counterfoil pdq --dihedral photos/*.jpg
//   counterfoil audit verify
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "api/app.h"
#include "api/demo.h"
#include "cli/screen_command.h"
#include "common/crypto.h"
#include "imaging/photo_hash.h"
#include "service/catalog.h"
#include "service/integration.h"

namespace counterfoil {
namespace {

struct Common {
  std::string config_file;
  std::string data_dir;
  std::string listen;
};

Result<service::Config> LoadConfig(const Common& c) {
  service::Config cfg;
  if (!c.config_file.empty()) RETURN_IF_ERROR(service::LoadConfigFile(c.config_file, cfg));
  if (!c.data_dir.empty()) cfg.data_dir = c.data_dir;
  if (!c.listen.empty()) cfg.listen = c.listen;
  return cfg;
}

int Fail(const Status& s) {
  std::cerr << "counterfoil: " << s.message() << "\n";
  return 1;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void PrintAccounts(const std::vector<api::DemoAccount>& accounts, const std::string& base) {
  std::cout << "\nCounterfoil demo is running at " << base << "\n"
            << "Open " << base << "/ in a browser for the console; the sign-in page lists these accounts.\n\n"
            << "Console logins (password for all: " << accounts.front().password << ") and API keys:\n";
  for (const auto& a : accounts)
    std::cout << "  " << a.email << std::string(34 - std::min<size_t>(33, a.email.size()), ' ')
              << a.api_key << std::string(26 - std::min<size_t>(25, a.api_key.size()), ' ')
              << a.description << "\n";
  std::cout << "\nTry: curl -s -H 'Authorization: Bearer cf_demo_reviewer' " << base
            << "/v1/review/queue | python3 -m json.tool\n\n"
            << std::flush;
}

// Where the console's build is looked for when --console is not given: the
// source tree's web/dist (what `make build` produces), if it holds a build.
std::string DefaultConsoleDir() {
#ifdef COUNTERFOIL_CONSOLE_DIR
  std::error_code ec;
  if (std::filesystem::exists(std::string(COUNTERFOIL_CONSOLE_DIR) + "/index.html", ec))
    return COUNTERFOIL_CONSOLE_DIR;
#endif
  return "";
}

struct ServeOptions {
  bool demo = false;
  bool test_clock = false;
  std::string console_dir;
};

json::array DemoAccountsJson() {
  json::array out;
  for (const auto& a : api::DemoAccounts())
    out.emplace_back(json::object{{"email", a.email},
                                  {"role", a.role},
                                  {"description", a.description},
                                  {"password", a.password}});
  return out;
}

int Serve(const Common& common, const ServeOptions& opt) {
  bool demo = opt.demo;
  auto cfg = LoadConfig(common);
  if (!cfg.ok()) return Fail(cfg.status());
  if (demo) {
    // Seed a fresh data directory with 40 days of history, written with a
    // clock that moves through it; then serve on the wall clock.
    FakeClock clock(SystemClock::Default()->Now() - std::chrono::days(41));
    auto seeding = api::App::Open(*cfg, &clock);
    if (!seeding.ok()) return Fail(seeding.status());
    auto seeded = api::SeedDemo(**seeding, clock);
    if (!seeded.ok() && seeded.status().code() != StatusCode::kFailedPrecondition)
      return Fail(seeded.status());
    if (seeded.ok()) spdlog::info("seeded the demo marketplace into {}", cfg->data_dir);
    else spdlog::info("{} already holds data; serving it", cfg->data_dir);
  }
  api::TestClock test_clock;
  const Clock* clock = opt.test_clock ? static_cast<const Clock*>(&test_clock) : SystemClock::Default();
  auto app = api::App::Open(*cfg, clock);
  if (!app.ok()) return Fail(app.status());
  if (opt.test_clock) {
    (*app)->api().SetTestClock(&test_clock);
    spdlog::warn("--test-clock: an admin may move this server's clock forward (tests and demos only)");
  }
  if (demo) (*app)->api().SetDemoAccounts(DemoAccountsJson());
  std::string console_dir = opt.console_dir.empty() ? DefaultConsoleDir() : opt.console_dir;
  if (!console_dir.empty()) (*app)->api().ServeConsole(console_dir);
  // Block the stop signals before any thread starts so only sigwait sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  Status started = (*app)->Start();
  if (!started.ok()) return Fail(started);
  std::string host = cfg->listen.substr(0, cfg->listen.rfind(':'));
  std::string base = "http://" + host + ":" + std::to_string((*app)->port());
  spdlog::info("counterfoil serving {} on {} (data in {})",
               console_dir.empty() ? "the API" : "the API and the console from " + console_dir, base,
               cfg->data_dir);
  if (demo) PrintAccounts(api::DemoAccounts(), base);
  std::cout << "listening on " << base << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("signal {}: stopping", sig);
  (*app)->Stop();
  return 0;
}

// `counterfoil pdq`: PDQ hashes of image files (JPEG, PNG, WebP, PPM/PGM),
// one line per file in argument order: HASH,QUALITY,FILE, or with --dihedral
// the eight hashes (original, rotate90, rotate180, rotate270, flipx, flipy,
// flip_plus1, flip_minus1), then QUALITY,FILE. Files are hashed on N threads
// and printed as soon as every earlier file is done. A file that fails prints
// "FILE: message" on stderr and makes the exit status 1.
struct PdqCommand {
  bool dihedral = false;
  bool full_resolution = false;
  unsigned threads = 0;  // 0: the hardware's
  std::vector<std::string> files;
};

Result<std::vector<uint8_t>> ReadImageFile(const std::string& path) {
  // Larger files are refused before reading: no photo needs this much, and
  // the decoders' pixel limit would refuse the image anyway.
  constexpr uintmax_t kMaxFileBytes = uintmax_t{256} << 20;
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return NotFound("cannot read: " + ec.message());
  if (size > kMaxFileBytes) return ResourceExhausted("file too large (over 256 MiB)");
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) {
    return NotFound("cannot read the file");
  }
  return bytes;
}

int HashImages(const PdqCommand& cmd) {
  const imaging::DecodeOptions options =
      cmd.full_resolution ? imaging::DecodeOptions{} : imaging::FastPathDecodeOptions();
  struct Slot {
    bool done = false;
    std::string text;  // the output line, or the error message
    bool failed = false;
  };
  const size_t n = cmd.files.size();
  std::vector<Slot> slots(n);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) {
      Slot slot;
      auto bytes = ReadImageFile(cmd.files[i]);
      auto hashes = bytes.ok() ? imaging::HashPhoto(*bytes, options)
                               : Result<imaging::PdqDihedralHashes>(bytes.status());
      if (!hashes.ok()) {
        slot.failed = true;
        slot.text = hashes.status().message();
      } else {
        const int count = cmd.dihedral ? 8 : 1;
        for (int d = 0; d < count; ++d) slot.text += hashes->hashes[d].ToHex() + ",";
        slot.text += std::to_string(hashes->quality) + "," + cmd.files[i];
      }
      slot.done = true;
      {
        std::lock_guard lock(mu);
        slots[i] = std::move(slot);
      }
      cv.notify_all();
    }
  };
  unsigned threads = cmd.threads ? cmd.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, n));
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  int exit_code = 0;
  for (size_t i = 0; i < n; ++i) {
    Slot slot;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return slots[i].done; });
      slot = std::move(slots[i]);
    }
    if (slot.failed) {
      std::cout << std::flush;
      std::cerr << cmd.files[i] << ": " << slot.text << "\n";
      exit_code = 1;
    } else {
      std::cout << slot.text << "\n";
    }
  }
  for (auto& t : pool) t.join();
  std::cout << std::flush;
  return exit_code;
}

}  // namespace
}  // namespace counterfoil

int main(int argc, char** argv) {
  using namespace counterfoil;
  InitCrypto();
  CLI::App cli{"Counterfoil: IP protection for online marketplaces"};
  cli.require_subcommand(1);
  Common common;
  auto add_common = [&common](CLI::App* c) {
    c->add_option("--config", common.config_file, "TOML configuration file")->check(CLI::ExistingFile);
    c->add_option("--data", common.data_dir, "data directory (default ./counterfoil-data)");
  };

  ServeOptions serve_opt;
  auto* serve = cli.add_subcommand("serve", "run the HTTP API and background jobs");
  add_common(serve);
  serve->add_option("--listen", common.listen, "host:port to listen on (default 127.0.0.1:8080)");
  serve->add_flag("--demo", serve_opt.demo, "seed the demo marketplace into a fresh data directory");
  serve->add_option("--console", serve_opt.console_dir,
                    "directory of the built web console (default: web/dist of the source tree)");
  serve->add_flag("--test-clock", serve_opt.test_clock,
                  "let an admin move the clock forward (POST /v1/test/clock); tests and demos only");

  auto* migrate = cli.add_subcommand("migrate", "create or upgrade the database schema");
  add_common(migrate);

  auto* user = cli.add_subcommand("user", "manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "add a user");
  add_common(user_add);
  std::string email, name, role, org, seller, marketplace, password;
  bool password_stdin = false;
  user_add->add_option("--email", email, "login email")->required();
  user_add->add_option("--name", name, "display name")->required();
  user_add->add_option("--role", role,
                       "admin | reviewer | rights_holder | agent | seller | investigator | marketplace")
      ->required();
  user_add->add_option("--org", org, "organisation id");
  user_add->add_option("--seller", seller, "seller id (role seller)");
  user_add->add_option("--marketplace", marketplace, "marketplace id (roles seller, marketplace)");
  user_add->add_flag("--password-stdin", password_stdin, "read a console password from stdin");

  auto* mkt = cli.add_subcommand("marketplace", "manage marketplaces");
  mkt->require_subcommand(1);
  auto* mkt_add = mkt->add_subcommand("add", "add a marketplace under one or more legal regimes");
  add_common(mkt_add);
  std::string mkt_id, mkt_name;
  std::vector<std::string> mkt_regimes;
  mkt_add->add_option("--id", mkt_id, "marketplace id (as listings name it)")->required();
  mkt_add->add_option("--name", mkt_name, "display name")->required();
  mkt_add->add_option("--regime", mkt_regimes, "cn_ecl | us_dmca | eu_dsa (repeatable)")->required();

  auto* apikey = cli.add_subcommand("apikey", "manage API keys");
  apikey->require_subcommand(1);
  auto* apikey_create = apikey->add_subcommand("create", "create an API key for a user");
  add_common(apikey_create);
  std::string key_user, key_name;
  apikey_create->add_option("--user", key_user, "user email or id")->required();
  apikey_create->add_option("--name", key_name, "what the key is for");

  auto* import = cli.add_subcommand("import", "import a protection catalogue, listings or sellers");
  import->require_subcommand(1);
  std::string import_file;
  bool no_create_sellers = false;
  auto* import_catalog = import->add_subcommand("catalog", "protection catalogue JSON (DESIGN.md)");
  add_common(import_catalog);
  import_catalog->add_option("FILE", import_file)->required()->check(CLI::ExistingFile);
  auto* import_listings = import->add_subcommand("listings", "listings, one JSON object per line");
  add_common(import_listings);
  import_listings->add_option("FILE", import_file)->required()->check(CLI::ExistingFile);
  import_listings->add_flag("--no-create-sellers", no_create_sellers,
                            "fail lines whose seller does not exist instead of creating it");
  auto* import_sellers = import->add_subcommand("sellers", "sellers, one JSON object per line");
  add_common(import_sellers);
  import_sellers->add_option("FILE", import_file)->required()->check(CLI::ExistingFile);

  auto* exp = cli.add_subcommand("export", "write every record as JSON lines");
  add_common(exp);
  std::string output;
  exp->add_option("--output,-o", output, "file to write (default: standard output)");

  auto* audit = cli.add_subcommand("audit", "audit log tools");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand("verify", "check the hash chain of the audit log");
  add_common(audit_verify);

  auto* screen = cli.add_subcommand(
      "screen", "screen listings (JSONL) against the protection data; verdicts as JSONL in input order");
  cli::ScreenOptions screen_options;
  screen->add_option("--catalog", screen_options.catalog_file,
                     "protection catalogue JSON (DESIGN.md), instead of --data");
  add_common(screen);  // --data DIR / --config: the data registered in a server's data directory
  screen->add_option("--output,-o", screen_options.output,
                     "file to write the verdicts to (default: standard output)");
  screen->add_option("--threads", screen_options.threads,
                     "screening threads (default: the hardware's)")
      ->check(CLI::Range(1, 1024));
  screen->add_option("LISTINGS", screen_options.input,
                     "listings, one JSON object per line ('-' reads standard input)")
      ->required();

  auto* pdq = cli.add_subcommand("pdq", "PDQ hashes of image files: HASH,QUALITY,FILE per line");
  PdqCommand pdq_command;
  pdq->add_flag("--dihedral", pdq_command.dihedral,
                "print the eight dihedral hashes (original, rotate90, rotate180, rotate270, "
                "flipx, flipy, flip_plus1, flip_minus1) before the quality");
  pdq->add_flag("--full-resolution", pdq_command.full_resolution,
                "decode JPEGs at full size (the reference's hashes) instead of the fast path");
  pdq->add_option("--threads", pdq_command.threads, "hashing threads (default: the hardware's)")
      ->check(CLI::Range(1, 1024));
  pdq->add_option("FILE", pdq_command.files, "JPEG, PNG, WebP or PPM/PGM files")->required();

  auto* config = cli.add_subcommand("config", "configuration tools");
  config->require_subcommand(1);
  auto* config_default = config->add_subcommand("default", "print the default configuration file");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors exit with 2 (CLI11's own codes are its internals); --help with 0.
    return cli.exit(e) == 0 ? 0 : 2;
  }

  if (*serve) return Serve(common, serve_opt);
  if (*config_default) {
    std::cout << service::DefaultConfigToml();
    return 0;
  }
  if (*pdq) return HashImages(pdq_command);
  if (*screen) {
    if (!common.config_file.empty() || !common.data_dir.empty()) {
      if (!screen_options.catalog_file.empty()) {
        std::cerr << "counterfoil screen: give either --catalog FILE or --data DIR, not both\n";
        return cli::kScreenFailed;
      }
      auto cfg = LoadConfig(common);
      if (!cfg.ok()) {
        std::cerr << "counterfoil screen: " << cfg.status().message() << "\n";
        return cli::kScreenFailed;
      }
      screen_options.data_dir = cfg->data_dir;
      screen_options.config = *cfg;
    }
    return cli::RunScreen(screen_options);
  }

  auto cfg = LoadConfig(common);
  if (!cfg.ok()) return Fail(cfg.status());
  spdlog::set_level(spdlog::level::warn);
  auto app = api::App::Open(*cfg, SystemClock::Default());
  if (!app.ok()) return Fail(app.status());
  api::App& a = **app;
  service::Principal sys = service::Principal::System();
  sys.user_id = "cli";

  if (*migrate) {
    std::cout << "schema version " << a.store().SchemaVersion() << " (" << a.store().Describe() << ")\n";
    return 0;
  }
  if (*user_add) {
    json::object body{{"email", email}, {"name", name}, {"role", role}};
    if (!org.empty()) body["org_id"] = org;
    if (!seller.empty()) body["seller_id"] = seller;
    if (!marketplace.empty()) body["marketplace_id"] = marketplace;
    if (password_stdin) {
      std::getline(std::cin, password);
      body["password"] = password;
    }
    auto u = a.accounts().CreateUser(sys, body);
    if (!u.ok()) return Fail(u.status());
    std::cout << u->id << "\n";
    return 0;
  }
  if (*mkt_add) {
    auto m = a.marketplace().CreateMarketplace(
        sys, json::object{{"id", mkt_id}, {"name", mkt_name}, {"regimes", ToJsonArray(mkt_regimes)}});
    if (!m.ok()) return Fail(m.status());
    std::cout << m->id << "\n";
    return 0;
  }
  if (*apikey_create) {
    std::string user_id = key_user;
    if (key_user.find('@') != std::string::npos) {
      Status s = a.store().Read([&](storage::Tx& tx) -> Status {
        ASSIGN_OR_RETURN(auto u, tx.users().First(storage::Filter().Eq("email", key_user)));
        if (!u) return NotFound("no user " + key_user);
        user_id = u->id;
        return Status::Ok();
      });
      if (!s.ok()) return Fail(s);
    }
    auto k = a.accounts().CreateApiKey(sys, json::object{{"user_id", user_id}, {"name", key_name}});
    if (!k.ok()) return Fail(k.status());
    std::cout << k->secret << "\n";
    return 0;
  }
  if (*import_catalog || *import_listings || *import_sellers) {
    auto text = ReadFile(import_file);
    if (!text.ok()) return Fail(text.status());
    Result<service::ImportSummary> sum =
        *import_catalog ? service::ImportCatalog(a.ctx(), a.registry(), *text, import_file)
        : *import_listings
            ? service::ImportListings(a.ctx(), a.marketplace(), *text, import_file, !no_create_sellers)
            : service::ImportSellers(a.ctx(), a.marketplace(), *text, import_file);
    if (!sum.ok()) return Fail(sum.status());
    for (const auto& e : sum->errors) std::cerr << e << "\n";
    std::cout << "imported: " << sum->organisations << " organisations, " << sum->rights
              << " rights, " << sum->profiles << " protection profiles, " << sum->images
              << " reference images, " << sum->sellers << " sellers, " << sum->listings
              << " listings; " << sum->errors.size() << " lines rejected\n";
    return sum->errors.empty() ? 0 : 1;
  }
  if (*exp) {
    std::ofstream file;
    if (!output.empty()) {
      file.open(output, std::ios::binary);
      if (!file) return Fail(Unavailable(output + ": cannot write"));
    }
    auto n = service::ExportAll(a.store(), output.empty() ? std::cout : file);
    if (!n.ok()) return Fail(n.status());
    std::cerr << "exported " << *n << " records\n";
    return 0;
  }
  if (*audit_verify) {
    auto r = service::IntegrationService::VerifyAudit(a.store());
    if (!r.ok()) return Fail(r.status());
    if (r->first_broken_seq) {
      std::cout << "audit chain BROKEN at entry " << r->first_broken_seq << ": " << r->problem << "\n";
      return 1;
    }
    std::cout << "audit chain verified: " << r->entries << " entries\n";
    return 0;
  }
  return 0;
}
