// Golden test: testdata/golden/listings.jsonl screened against
// testdata/golden/catalogue.json must give exactly testdata/golden/verdicts.jsonl
// (decisions, scores, reasons and quoted evidence). After an intended change,
// regenerate with COUNTERFOIL_UPDATE_GOLDEN=1 and review the diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "screening/catalogue_json.h"
#include "screening/engine.h"

namespace counterfoil::screening {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

TEST(ScreeningGolden, VerdictsMatchTheGoldenFile) {
  const std::string dir = GOLDEN_DIR;
  auto catalogue = ParseCatalogueJson(ReadFile(dir + "/catalogue.json"));
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().ToString();
  auto rules = RuleSet::Compile(*catalogue);
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();

  std::vector<std::string> got;
  for (const std::string& line : Lines(ReadFile(dir + "/listings.jsonl"))) {
    auto listing = ParseListingJson(line);
    ASSERT_TRUE(listing.ok()) << listing.status().ToString() << "\n" << line;
    std::string verdict = VerdictToJson((*rules)->Screen(*listing));
    while (!verdict.empty() && verdict.back() == '\n') verdict.pop_back();
    got.push_back(verdict);
  }
  if (std::getenv("COUNTERFOIL_UPDATE_GOLDEN") != nullptr) {
    std::ofstream out(dir + "/verdicts.jsonl", std::ios::binary);
    for (const std::string& v : got) out << v << "\n";
    GTEST_SKIP() << "golden file rewritten";
  }
  std::vector<std::string> want = Lines(ReadFile(dir + "/verdicts.jsonl"));
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "listing " << i + 1;
}

}  // namespace
}  // namespace counterfoil::screening
