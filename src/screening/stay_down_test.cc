#include "screening/stay_down.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace counterfoil::screening {
namespace {

const char* kTitle = "Veltrona Aurora cordless vacuum cleaner 2024 model";
const char* kText =
    "Powerful suction, 60 minute battery, wall mount included. Ships from our warehouse "
    "in two days. Contact us for wholesale prices.";

TEST(StayDownBank, CatchesARewordedReupload) {
  StayDownBank bank;
  ASSERT_TRUE(bank.Add("sd_1", "notice:ntc_1", "veltrona", FingerprintText(kTitle, kText)));
  auto m = bank.Find(FingerprintText(
      "Veltrona Aurora cordless vacuum cleaner, new 2024 model",
      "Powerful suction, 60 minute battery, wall mount included. Ships from our warehouse "
      "in 2 days. Contact us for wholesale prices!"));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->source, "notice:ntc_1");
  EXPECT_EQ(m->rights_holder, "veltrona");
  EXPECT_GE(m->similarity, bank.min_similarity());
}

TEST(StayDownBank, IgnoresCaseWidthAndPunctuation) {
  StayDownBank bank;
  ASSERT_TRUE(bank.Add("sd_1", "hit:h1", "", FingerprintText(kTitle, kText)));
  std::string shouted = "VELTRONA AURORA CORDLESS VACUUM CLEANER 2024 MODEL";
  auto m = bank.Find(FingerprintText(shouted, kText));
  ASSERT_TRUE(m.has_value());
  EXPECT_DOUBLE_EQ(m->similarity, 1.0);
}

TEST(StayDownBank, DoesNotMatchADifferentListing) {
  StayDownBank bank;
  ASSERT_TRUE(bank.Add("sd_1", "hit:h1", "", FingerprintText(kTitle, kText)));
  EXPECT_FALSE(bank.Find(FingerprintText("Ceramic coffee mug 350ml",
                                         "Dishwasher safe. Ships from our warehouse."))
                   .has_value());
}

TEST(StayDownBank, RemoveForgetsTheEntry) {
  StayDownBank bank;
  ASSERT_TRUE(bank.Add("sd_1", "hit:h1", "", FingerprintText(kTitle, kText)));
  EXPECT_TRUE(bank.Remove("sd_1"));
  EXPECT_FALSE(bank.Remove("sd_1"));
  EXPECT_EQ(bank.size(), 0u);
  EXPECT_FALSE(bank.Find(FingerprintText(kTitle, kText)).has_value());
}

TEST(StayDownBank, RefusesTextTooShortToRecognise) {
  StayDownBank bank;
  EXPECT_FALSE(bank.Add("sd_1", "hit:h1", "", FingerprintText("mug", "")));
}

// Property: whatever the bank holds, Find never reports an entry below the
// threshold and always finds an exact copy (the LSH only proposes candidates).
TEST(StayDownBank, PropertyNeverBelowThresholdAndExactCopiesFound) {
  std::mt19937 rng(7);
  const std::vector<std::string> words = {
      "red",  "blue",   "vacuum", "bag",   "shoe",  "watch", "steel", "leather", "battery",
      "fast", "cheap",  "new",    "model", "2024",  "pro",   "max",   "mini",    "set",
      "kit",  "gift",   "box",    "black", "white", "large", "small", "cotton",  "wool"};
  auto sentence = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += words[rng() % words.size()] + " ";
    return s;
  };
  StayDownBank bank;
  std::vector<std::pair<std::string, std::string>> texts;
  for (int i = 0; i < 300; ++i) {
    texts.push_back({sentence(8), sentence(20)});
    bank.Add("sd_" + std::to_string(i), "hit:" + std::to_string(i), "",
             FingerprintText(texts.back().first, texts.back().second));
  }
  for (int i = 0; i < 300; ++i) {
    auto probe = FingerprintText(sentence(8), sentence(20));
    if (auto m = bank.Find(probe)) {
      EXPECT_GE(m->similarity, bank.min_similarity());
    }
    auto exact = bank.Find(FingerprintText(texts[i].first, texts[i].second));
    ASSERT_TRUE(exact.has_value());
    EXPECT_DOUBLE_EQ(exact->similarity, 1.0);
  }
}

}  // namespace
}  // namespace counterfoil::screening
