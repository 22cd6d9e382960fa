// Crash safety: `kill -9` the real `counterfoil serve` process while clients
// are filing notices; after a restart every notice that got a 201 is there,
// and the audit chain verifies.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "api/app.h"
#include "api/http/client.h"
#include "common/crypto.h"

namespace counterfoil {
namespace {

namespace fs = std::filesystem;

class CrashSafety : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = fs::temp_directory_path() / ("cf-crash-" + RandomHex(6));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Seeds a marketplace, a verified right, a rights holder with an API key,
  // a seller and `listings` listings. Returns the API key.
  std::string Seed(int listings) {
    service::Config cfg;
    cfg.data_dir = dir_.string();
    auto app = api::App::Open(cfg, SystemClock::Default()).value();
    auto sys = service::Principal::System();
    auto J = [](std::string_view s) { return json::parse(s); };
    EXPECT_TRUE(app->marketplace().CreateMarketplace(sys, J(R"({"id":"m","name":"M","regimes":["cn_ecl"]})")).ok());
    EXPECT_TRUE(app->accounts().CreateOrganisation(sys, J(R"({"id":"brand","name":"Brand","kind":"brand_owner"})")).ok());
    auto cert = app->registry().UploadBlob(sys, {"certificate", "text/plain", "", "certificate"});
    EXPECT_TRUE(cert.ok());
    json::object right = J(R"({"id":"r1","type":"trademark","mark":"BRAND","registration_number":"1","org_id":"brand"})").as_object();
    right["certificates"] = json::array{json::value(cert->sha256)};
    EXPECT_TRUE(app->registry().CreateRight(sys, right).ok());
    EXPECT_TRUE(app->registry().Verify(sys, "r1", J(R"({"decision":"verified"})")).ok());
    auto user = app->accounts().CreateUser(sys, J(R"({"email":"b@brand.example","name":"B","role":"rights_holder","org_id":"brand"})"));
    EXPECT_TRUE(user.ok());
    auto key = app->accounts().CreateApiKey(sys, json::object{{"user_id", user->id}});
    EXPECT_TRUE(key.ok());
    EXPECT_TRUE(app->marketplace().UpsertSeller(sys, "s1", J(R"({"marketplace":"m","name":"S"})")).ok());
    std::string jsonl;
    for (int i = 0; i < listings; ++i)
      jsonl += R"({"id":"L)" + std::to_string(i) + R"(","marketplace":"m","seller_id":"s1","title":"BRAND bag replica"})" "\n";
    auto res = app->marketplace().BulkUpsertListings(sys, jsonl);
    EXPECT_TRUE(res.ok());
    return key->secret;
  }

  // Starts the server binary; returns its pid and base URL.
  std::pair<pid_t, std::string> StartServer() {
    int out[2];
    EXPECT_EQ(pipe(out), 0);
    pid_t pid = fork();
    if (pid == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      execl(COUNTERFOIL_BINARY, COUNTERFOIL_BINARY, "serve", "--data", dir_.c_str(), "--listen",
            "127.0.0.1:0", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    std::string text;
    char buf[512];
    while (text.find("listening on ") == std::string::npos) {
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      text.append(buf, static_cast<size_t>(n));
    }
    close(out[0]);
    auto at = text.find("listening on ");
    EXPECT_NE(at, std::string::npos) << text;
    std::string base = text.substr(at + 13);
    base = base.substr(0, base.find_first_of("\r\n"));
    return {pid, base};
  }

  fs::path dir_;
};

TEST(CrashSafetyBinary, Exists) { EXPECT_TRUE(fs::exists(COUNTERFOIL_BINARY)); }

TEST_F(CrashSafety, EveryAcknowledgedNoticeSurvivesKillNine) {
  constexpr int kListings = 4000;
  std::string key = Seed(kListings);
  auto [pid, base] = StartServer();
  ASSERT_GT(pid, 0);

  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<int> next{0};
  std::atomic<bool> killed{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      while (!killed) {
        int i = next++;
        if (i >= kListings) return;
        std::string body = R"({"listing_id":"L)" + std::to_string(i) +
            R"(","right_id":"r1","infringement_type":"counterfeit","explanation":"replica",)"
            R"("evidence":["photo"],"complainant":{"name":"Brand legal","identity_document":"REG-1"}})";
        auto r = api::http::Fetch("POST", base + "/v1/notices",
                                  {{"Authorization", "Bearer " + key},
                                   {"Content-Type", "application/json"}},
                                  body, std::chrono::milliseconds(5000));
        if (r.ok() && r->status == 201) {
          auto doc = json::parse(r->body);
          std::lock_guard lock(mu);
          acknowledged.emplace_back(doc.at("id").as_string());
        }
      }
    });
  }
  // Kill in the middle of the stream, without warning.
  for (int waited = 0; waited < 600; ++waited) {
    {
      std::lock_guard lock(mu);
      if (acknowledged.size() >= 200) break;
    }
    usleep(10000);
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  killed = true;
  for (auto& c : clients) c.join();
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_GE(acknowledged.size(), 50u) << "too few notices acknowledged before the kill";

  // Restart the real server on the same data, then check from inside.
  auto [pid2, base2] = StartServer();
  auto health = api::http::Fetch("GET", base2 + "/healthz", {}, "", std::chrono::milliseconds(5000));
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  kill(pid2, SIGTERM);
  waitpid(pid2, &status, 0);

  service::Config cfg;
  cfg.data_dir = dir_.string();
  auto app = api::App::Open(cfg, SystemClock::Default()).value();
  int missing = 0;
  ASSERT_TRUE(app->store().Read([&](storage::Tx& tx) -> Status {
    for (const auto& id : acknowledged) {
      ASSIGN_OR_RETURN(auto n, tx.notices().Find(id));
      if (!n) ++missing;
    }
    return Status::Ok();
  }).ok());
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " acknowledged notices";
  auto audit = service::IntegrationService::VerifyAudit(app->store());
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->first_broken_seq, 0) << audit->problem;
}

}  // namespace
}  // namespace counterfoil
