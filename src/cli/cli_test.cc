// The counterfoil command as an operator uses it: the real binary, run on a
// temporary data directory, with the shared test catalogue and listings.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/crypto.h"

namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code;
  std::string out;  // stdout and stderr
};

CliRun Cli(const std::string& args) {
  std::string cmd = std::string(COUNTERFOIL_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    counterfoil::InitCrypto();
    dir_ = fs::temp_directory_path() / ("cf-cli-" + counterfoil::RandomHex(6));
    data_ = "--data " + dir_.string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string data_;
};

const fs::path kScreening = fs::path(SHARED_TESTDATA) / "screening";

TEST_F(CliTest, MigrateCreatesTheSchema) {
  CliRun r = Cli("migrate " + data_);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("schema version 1"), std::string::npos) << r.out;
}

TEST_F(CliTest, ImportsTheSharedCatalogueAndListings) {
  if (!fs::exists(kScreening / "catalog.json")) GTEST_SKIP() << "shared test data not present";
  ASSERT_EQ(Cli("marketplace add " + data_ + " --id taobao --name Taobao --regime cn_ecl").exit_code, 0);
  ASSERT_EQ(Cli("marketplace add " + data_ + " --id aliexpress --name AliExpress --regime eu_dsa --regime us_dmca").exit_code, 0);
  CliRun cat = Cli("import catalog " + data_ + " " + (kScreening / "catalog.json").string());
  ASSERT_EQ(cat.exit_code, 0) << cat.out;
  EXPECT_NE(cat.out.find("15 organisations"), std::string::npos) << cat.out;
  CliRun again = Cli("import catalog " + data_ + " " + (kScreening / "catalog.json").string());
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("0 organisations, 0 rights"), std::string::npos) << again.out;
  CliRun listings = Cli("import listings " + data_ + " " + (kScreening / "listings.jsonl").string());
  EXPECT_EQ(listings.exit_code, 0) << listings.out.substr(0, 2000);
  EXPECT_NE(listings.out.find("7950 listings; 0 lines rejected"), std::string::npos) << listings.out.substr(0, 2000);
  CliRun audit = Cli("audit verify " + data_);
  EXPECT_EQ(audit.exit_code, 0) << audit.out;
  CliRun exported = Cli("export " + data_ + " -o " + (dir_ / "dump.jsonl").string());
  EXPECT_EQ(exported.exit_code, 0) << exported.out;
  std::ifstream dump(dir_ / "dump.jsonl");
  int lines = 0;
  for (std::string line; std::getline(dump, line);) ++lines;
  EXPECT_GT(lines, 7950);
}

TEST_F(CliTest, BadListingLinesAreReportedWithFileAndLine) {
  ASSERT_EQ(Cli("marketplace add " + data_ + " --id m --name M --regime cn_ecl").exit_code, 0);
  fs::create_directories(dir_);
  std::ofstream(dir_ / "l.jsonl") << R"({"id":"A","marketplace":"m","seller_id":"s","title":"ok"})" "\n"
                                  << "not json\n"
                                  << R"({"id":"B","marketplace":"m","seller_id":"s"})" "\n";
  CliRun r = Cli("import listings " + data_ + " " + (dir_ / "l.jsonl").string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("l.jsonl:2: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("l.jsonl:3: /title"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 listings; 2 lines rejected"), std::string::npos) << r.out;
}

TEST_F(CliTest, BadConfigNamesFileAndLine) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "c.toml") << "[server]\nlisten = \"127.0.0.1:1\"\n[limits]\nrate_burst = \"x\"\n";
  CliRun r = Cli("migrate --config " + (dir_ / "c.toml").string() + " " + data_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("c.toml:4: limits.rate_burst: expected a number"), std::string::npos) << r.out;
  std::ofstream(dir_ / "d.toml") << "[server]\nlisen = 1\n";
  r = Cli("migrate --config " + (dir_ / "d.toml").string() + " " + data_);
  EXPECT_NE(r.out.find("d.toml:2: unknown setting \"server.lisen\""), std::string::npos) << r.out;
}

TEST_F(CliTest, UserAndApiKeyCreation) {
  ASSERT_EQ(Cli("user add " + data_ + " --email ops@example.org --name Ops --role admin").exit_code, 0);
  CliRun dup = Cli("user add " + data_ + " --email ops@example.org --name Ops --role admin");
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.out.find("already exists"), std::string::npos) << dup.out;
  CliRun key = Cli("apikey create " + data_ + " --user ops@example.org");
  EXPECT_EQ(key.exit_code, 0) << key.out;
  EXPECT_EQ(key.out.rfind("cf_", 0), 0u) << key.out;
  EXPECT_NE(Cli("apikey create " + data_ + " --user nobody@example.org").exit_code, 0);
}

TEST_F(CliTest, AuditVerifyNamesTheFirstBrokenEntry) {
  ASSERT_EQ(Cli("marketplace add " + data_ + " --id m --name M --regime cn_ecl").exit_code, 0);
  ASSERT_EQ(Cli("user add " + data_ + " --email a@example.org --name A --role admin").exit_code, 0);
  ASSERT_EQ(Cli("audit verify " + data_).exit_code, 0);
  // Tamper with the first entry behind the program's back.
  std::string db = (dir_ / "counterfoil.db").string();
  int rc = std::system(("sqlite3 " + db + " \"UPDATE audit_log SET actor='mallory' WHERE seq=1\"").c_str());
  ASSERT_EQ(rc, 0);
  CliRun r = Cli("audit verify " + data_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("BROKEN at entry 1"), std::string::npos) << r.out;
}

}  // namespace
