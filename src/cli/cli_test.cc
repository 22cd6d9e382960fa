// The counterfoil command as an operator uses it: the real binary, run on a
// temporary data directory, with the shared test catalogue and listings.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <boost/json.hpp>

#include "common/crypto.h"

namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code;
  std::string out;  // stdout and stderr
};

// Runs a shell command line, capturing its standard output.
CliRun Shell(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

CliRun Cli(const std::string& args) {
  return Shell(std::string(COUNTERFOIL_BINARY) + " " + args + " 2>&1");
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
  EXPECT_NE(r.out.find("schema version 4"), std::string::npos) << r.out;
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

// ------------------------------------------------------------------ screen

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The listing ids of a listings or verdicts file, in order.
std::vector<std::string> Ids(const fs::path& p, const char* key) {
  std::vector<std::string> out;
  for (const std::string& line : Lines(ReadFile(p))) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object() || !v.as_object().contains(key)) {
      out.push_back("<bad line>");
      continue;
    }
    out.emplace_back(v.at(key).as_string());
  }
  return out;
}

// score_screening.py's last line: "recall=0.9957 fpr=0.0012 block_precision=1.0000 ...".
std::map<std::string, double> ScoreFigures(const std::string& out) {
  std::map<std::string, double> figures;
  std::vector<std::string> lines = Lines(out);
  if (lines.empty()) return figures;
  std::istringstream last(lines.back());
  for (std::string item; last >> item;) {
    size_t eq = item.find('=');
    if (eq == std::string::npos) continue;
    try {
      figures[item.substr(0, eq)] = std::stod(item.substr(eq + 1));
    } catch (const std::exception&) {
    }
  }
  return figures;
}

// The quality bar on the shared corpus: the text kinds alone keep the
// screening issue's scores, the photo kinds (a brand's official photo reused
// with edits; a seller's own photo) meet the image issue's, and all kinds
// together hold the same bar.
TEST_F(CliTest, ScreenMeetsTheQualityBarOnTheSharedCorpus) {
  if (!fs::exists(kScreening / "catalog.json")) GTEST_SKIP() << "shared test data not present";
  fs::create_directories(dir_);
  fs::path decisions = dir_ / "decisions.jsonl";
  CliRun r = Cli("screen --catalog " + (kScreening / "catalog.json").string() + " --output " +
                 decisions.string() + " " + (kScreening / "listings.jsonl").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("7,950 listings screened"), std::string::npos) << r.out;
  // One verdict per listing, in input order.
  EXPECT_EQ(Ids(decisions, "listing_id"), Ids(kScreening / "listings.jsonl", "id"));

  CliRun score = Shell(std::string(PYTHON3) + " " + SCORE_SCREENING + " " +
                       (kScreening / "labels.jsonl").string() + " " + decisions.string() +
                       " --exclude-kind counterfeit_image --exclude-kind own_image 2>&1");
  ASSERT_EQ(score.exit_code, 0) << score.out;
  std::map<std::string, double> f = ScoreFigures(score.out);
  ASSERT_TRUE(f.count("recall") && f.count("fpr") && f.count("block_precision")) << score.out;
  EXPECT_GE(f["recall"], 0.99) << score.out;
  EXPECT_LE(f["fpr"], 0.005) << score.out;
  EXPECT_GE(f["block_precision"], 0.999) << score.out;
  EXPECT_EQ(score.out.find("had no decision"), std::string::npos) << score.out;

  // The photo kinds, from the scorer's per-family rows:
  // "label kind family n flagged blocked".
  CliRun all = Shell(std::string(PYTHON3) + " " + SCORE_SCREENING + " " +
                     (kScreening / "labels.jsonl").string() + " " + decisions.string() + " 2>&1");
  ASSERT_EQ(all.exit_code, 0) << all.out;
  std::map<std::string, std::pair<int, int>> kinds;  // kind -> (n, flagged)
  for (const std::string& line : Lines(all.out)) {
    std::istringstream row(line);
    std::string label, kind, family;
    int n = 0, flagged = 0, blocked = 0;
    if (row >> label >> kind >> family >> n >> flagged >> blocked) {
      kinds[kind].first += n;
      kinds[kind].second += flagged;
    }
  }
  ASSERT_GT(kinds["counterfeit_image"].first, 0) << all.out;
  ASSERT_GT(kinds["own_image"].first, 0) << all.out;
  EXPECT_GE(double(kinds["counterfeit_image"].second) / kinds["counterfeit_image"].first, 0.99)
      << all.out;
  EXPECT_EQ(kinds["own_image"].second, 0) << all.out;
  std::map<std::string, double> g = ScoreFigures(all.out);
  EXPECT_GE(g["recall"], 0.99) << all.out;
  EXPECT_LE(g["fpr"], 0.005) << all.out;
  EXPECT_GE(g["block_precision"], 0.999) << all.out;
}

TEST_F(CliTest, ScreenWritesTheSameVerdictsOnOneThreadAsOnMany) {
  if (!fs::exists(kScreening / "catalog.json")) GTEST_SKIP() << "shared test data not present";
  fs::create_directories(dir_);
  std::string args = "screen --catalog " + (kScreening / "catalog.json").string() + " ";
  std::string input = (kScreening / "listings.jsonl").string();
  ASSERT_EQ(Cli(args + "--threads 1 -o " + (dir_ / "one.jsonl").string() + " " + input).exit_code,
            0);
  ASSERT_EQ(Cli(args + "--threads 5 -o " + (dir_ / "five.jsonl").string() + " " + input).exit_code,
            0);
  // Standard input and output work too (photo paths are then relative to the
  // working directory). Standard error to the captured pipe, standard output
  // to the file.
  CliRun piped = Shell("cd " + kScreening.string() + " && " + std::string(COUNTERFOIL_BINARY) + " " +
                       args + "- < " + input + " 2>&1 > " + (dir_ / "pipe.jsonl").string());
  ASSERT_EQ(piped.exit_code, 0) << piped.out;
  EXPECT_NE(piped.out.find("7,950 listings screened"), std::string::npos) << piped.out;
  std::string one = ReadFile(dir_ / "one.jsonl");
  EXPECT_EQ(Lines(one).size(), 7950u);
  EXPECT_TRUE(one == ReadFile(dir_ / "five.jsonl"));
  EXPECT_TRUE(one == ReadFile(dir_ / "pipe.jsonl"));
}

// Photos that cannot be read are warnings: the listing is still screened on
// its text, and the exit status stays 0. Reference photos that cannot be
// read are warnings too.
TEST_F(CliTest, ScreenWarnsAboutUnreadablePhotosAndScreensTheListingAnyway) {
  if (!fs::exists(kScreening / "images/ref/dyson-0.jpg")) GTEST_SKIP() << "shared test data not present";
  fs::create_directories(dir_ / "img");
  fs::copy_file(kScreening / "images/ref/dyson-0.jpg", dir_ / "img" / "ref.jpg");
  std::ofstream(dir_ / "img" / "junk.jpg") << "not a JPEG at all";
  std::ofstream(dir_ / "cat.json") << R"({"rights_holders": [{"id": "dyson", "name": "Dyson",
      "kind": "brand_owner", "brand_terms": ["dyson"],
      "reference_images": ["img/ref.jpg", "img/missing.jpg"]}]})";
  std::ofstream(dir_ / "l.jsonl")
      << R"({"id": "A", "title": "Hair dryer", "images": ["img/junk.jpg", "img/none.jpg"]})"
      << "\n";
  fs::path out = dir_ / "v.jsonl";
  CliRun r = Cli("screen --catalog " + (dir_ / "cat.json").string() + " -o " + out.string() + " " +
                 (dir_ / "l.jsonl").string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("reference photo img/missing.jpg of dyson: cannot open"), std::string::npos)
      << r.out;
  std::string file = (dir_ / "l.jsonl").string();
  EXPECT_NE(r.out.find(file + ":1: warning: listing A: photo img/junk.jpg: "), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(file + ":1: warning: listing A: photo img/none.jpg: cannot open"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(Ids(out, "listing_id"), (std::vector<std::string>{"A"}));
}

TEST_F(CliTest, ScreenReportsBadLinesWithFileAndLineAndSkipsThem) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "cat.json") << R"({"rights_holders": [{"id": "dyson", "name": "Dyson",
      "kind": "brand_owner", "brand_terms": ["dyson"], "categories": ["home-appliances"]}]})";
  std::ofstream(dir_ / "bad.jsonl")
      << R"({"id": "A", "title": "Dyson V11 vacuum", "category": "home-appliances"})"
      << "\n"
      << "\n"          // 2: blank, skipped silently
      << "not json\n"  // 3
      << R"({"id": "B", "title": "Garden hose 20 m"})"
      << "\r\n"  // 4: CRLF is fine
      << R"({"id": "C", "description": "no title"})"
      << "\n"  // 5
      << R"({"id": "D", "title": "t", "price": {"amount": -1}})"
      << "\n"                                                 // 6
      << "   \t \n"                                           // 7: blank
      << R"({"id": "E", "title": "last line, no newline"})";  // 8
  fs::path out = dir_ / "v.jsonl";
  CliRun r = Cli("screen --catalog " + (dir_ / "cat.json").string() + " -o " + out.string() + " " +
                 (dir_ / "bad.jsonl").string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  std::string file = (dir_ / "bad.jsonl").string();
  EXPECT_NE(r.out.find(file + ":3: not valid JSON at column "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(file + ":5: title: is required (/title)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(file + ":6: price/amount: must not be negative (/price/amount)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find(file + ":2:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(file + ":7:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 listings screened"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 lines rejected"), std::string::npos) << r.out;
  EXPECT_EQ(Ids(out, "listing_id"), (std::vector<std::string>{"A", "B", "E"}));
  // A clean file exits with 0.
  std::ofstream(dir_ / "good.jsonl") << R"({"id": "A", "title": "Dyson V11 vacuum"})"
                                     << "\n";
  CliRun ok = Cli("screen --catalog " + (dir_ / "cat.json").string() + " -o " + out.string() + " " +
                  (dir_ / "good.jsonl").string());
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_EQ(Ids(out, "listing_id"), std::vector<std::string>{"A"});
}

TEST_F(CliTest, ScreenUsageAndCatalogueErrorsExitWithTwo) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "l.jsonl") << R"({"id": "A", "title": "t"})"
                                  << "\n";
  std::string listings = (dir_ / "l.jsonl").string();
  CliRun neither = Cli("screen " + listings);
  EXPECT_EQ(neither.exit_code, 2) << neither.out;
  EXPECT_NE(neither.out.find("--catalog FILE or --data DIR"), std::string::npos) << neither.out;
  std::ofstream(dir_ / "cat.json") << R"({"rights_holders": [{"id": "d", "name": "D",
      "kind": "brand_owner", "products": [{"name": "V11", "msrp": "599"}]}]})";
  std::string cat = (dir_ / "cat.json").string();
  CliRun both = Cli("screen --catalog " + cat + " " + data_ + " " + listings);
  EXPECT_EQ(both.exit_code, 2) << both.out;
  CliRun bad = Cli("screen --catalog " + cat + " " + listings);
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find(cat + ": rights_holders/0/products/0/msrp: must be a number or an object"),
            std::string::npos)
      << bad.out;
  EXPECT_NE(bad.out.find("(/rights_holders/0/products/0/msrp)"), std::string::npos) << bad.out;
  std::ofstream(dir_ / "broken.json") << "{\"rights_holders\": [\n  {\"id\": }]}";
  CliRun broken = Cli("screen --catalog " + (dir_ / "broken.json").string() + " " + listings);
  EXPECT_EQ(broken.exit_code, 2) << broken.out;
  EXPECT_NE(broken.out.find("broken.json: not valid JSON at line 2, column 10"), std::string::npos)
      << broken.out;
  EXPECT_EQ(Cli("screen --catalog " + (dir_ / "missing.json").string() + " " + listings).exit_code,
            2);
  CliRun no_db = Cli("screen --data " + (dir_ / "nothing-here").string() + " " + listings);
  EXPECT_EQ(no_db.exit_code, 2) << no_db.out;
  EXPECT_NE(no_db.out.find("no Counterfoil database"), std::string::npos) << no_db.out;
  EXPECT_EQ(Cli("screen --catalog " + cat + " --threads 0 " + listings).exit_code, 2);
  EXPECT_EQ(Cli("screen --catalog " + cat).exit_code, 2);  // no listings file
  std::ofstream(dir_ / "good.json") << R"({"rights_holders": [{"id": "d", "name": "D",
      "kind": "brand_owner", "brand_terms": ["dyson"]}]})";
  CliRun missing_input = Cli("screen --catalog " + (dir_ / "good.json").string() + " " +
                             (dir_ / "none.jsonl").string());
  EXPECT_EQ(missing_input.exit_code, 2) << missing_input.out;
  EXPECT_NE(missing_input.out.find("none.jsonl: cannot open"), std::string::npos)
      << missing_input.out;
}

// --data screens with what the server stores; after `import catalog` that is
// the same protection data as the file, so the verdicts agree.
TEST_F(CliTest, ScreenWithADataDirectoryAgreesWithTheCatalogueFile) {
  if (!fs::exists(kScreening / "catalog.json")) GTEST_SKIP() << "shared test data not present";
  CliRun imported = Cli("import catalog " + data_ + " " + (kScreening / "catalog.json").string());
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  std::string input = (kScreening / "listings.jsonl").string();
  fs::path from_file = dir_ / "file.jsonl", from_data = dir_ / "data.jsonl";
  CliRun a = Cli("screen --catalog " + (kScreening / "catalog.json").string() + " -o " +
                 from_file.string() + " " + input);
  ASSERT_EQ(a.exit_code, 0) << a.out;
  CliRun b = Cli("screen " + data_ + " -o " + from_data.string() + " " + input);
  ASSERT_EQ(b.exit_code, 0) << b.out;
  EXPECT_NE(b.out.find("15 rights holders"), std::string::npos) << b.out;
  // Rights holders come in another order (by id), so compare what was decided
  // and why, not the order of the reasons.
  auto summarise = [](const fs::path& p) {
    std::vector<std::string> out;
    for (const std::string& line : Lines(ReadFile(p))) {
      boost::json::value v = boost::json::parse(line);
      std::multiset<std::string> reasons;
      for (const auto& r : v.at("reasons").as_array()) {
        const auto& o = r.as_object();
        reasons.insert(std::string(o.at("code").as_string()) + "/" +
                       (o.contains("rights_holder") ? std::string(o.at("rights_holder").as_string())
                                                    : std::string()));
      }
      std::string s = boost::json::serialize(v.at("listing_id")) + " " +
                      std::string(v.at("decision").as_string()) + " " +
                      boost::json::serialize(v.at("score"));
      for (const auto& r : reasons) s += " " + r;
      out.push_back(s);
    }
    return out;
  };
  std::vector<std::string> fa = summarise(from_file), fb = summarise(from_data);
  ASSERT_EQ(fa.size(), 7950u);
  ASSERT_EQ(fa.size(), fb.size());
  int differences = 0;
  for (size_t i = 0; i < fa.size() && differences < 10; ++i)
    if (fa[i] != fb[i]) {
      ++differences;
      ADD_FAILURE() << "line " << i + 1 << ":\n  --catalog: " << fa[i]
                    << "\n  --data:    " << fb[i];
    }
}

}  // namespace
