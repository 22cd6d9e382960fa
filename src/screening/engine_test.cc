#include "screening/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "screening/stay_down.h"

namespace counterfoil::screening {
namespace {

// Invented brands, so that nothing here is tuned to a real corpus.
Catalogue TestCatalogue() {
  Catalogue c;
  RightsHolderRules veltrona;
  veltrona.id = "veltrona";
  veltrona.name = "Veltrona";
  veltrona.brand_terms = {"veltrona", "维特龙"};
  veltrona.categories = {"home-appliances"};
  veltrona.products = {{"Aurora vacuum", {"aurora"}, Money{500, "USD"}}};
  veltrona.authorized_sellers = {"veltrona-official"};
  RightsHolderRules maple;
  maple.id = "maple";
  maple.name = "Maple";
  maple.brand_terms = {"maple"};
  maple.categories = {"electronics"};
  maple.products = {{"MaplePad tablet", {"maplepad"}, Money{800, "USD"}}};
  RightsHolderRules quintessa;
  quintessa.id = "quintessa";
  quintessa.name = "Quintessa";
  quintessa.brand_terms = {"quintessa", "grand maison"};
  quintessa.categories = {"bags"};
  quintessa.products = {{"Sereno tote", {"sereno tote"}, Money{2000, "USD"}}};
  RightsHolderRules orbis;
  orbis.id = "orbis";
  orbis.name = "Orbis Press";
  orbis.works = {{"Foundations of Applied Thermodynamics, 3rd Edition", "9780197017463",
                  Money{150, "USD"}}};
  orbis.isbn_prefixes = {"978019"};
  c.rights_holders = {veltrona, maple, quintessa, orbis};
  c.category_bans = {{"fireworks", {"hobby/fireworks"}, {"firework", "烟花"}, "explosives"}};
  c.suspicious_terms = {"replica"};
  c.piracy_terms = {"pdf"};
  return c;
}

class Screening : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rules = RuleSet::Compile(TestCatalogue());
    ASSERT_TRUE(rules.ok()) << rules.status().ToString();
    rules_ = *rules;
  }
  Verdict Screen(const std::string& title, double price, const std::string& category,
                 const std::string& description = "", const ScreenContext& ctx = {},
                 const std::string& seller = "s-1") {
    Listing l;
    l.id = "L1";
    l.seller_id = seller;
    l.title = title;
    l.description = description;
    l.category = category;
    l.price = Money{price, "USD"};
    return rules_->Screen(l, ctx);
  }
  static bool Has(const Verdict& v, const std::string& code, const std::string& holder = "") {
    return std::any_of(v.reasons.begin(), v.reasons.end(), [&](const Reason& r) {
      return r.code == code && (holder.empty() || r.rights_holder == holder);
    });
  }
  static const Reason* Find(const Verdict& v, const std::string& code) {
    for (const Reason& r : v.reasons) {
      if (r.code == code) return &r;
    }
    return nullptr;
  }
  std::shared_ptr<const RuleSet> rules_;
};

TEST_F(Screening, APlainBrandAtARealPriceIsAllowed) {
  Verdict v = Screen("Veltrona Aurora vacuum cleaner", 480, "home-appliances");
  EXPECT_EQ(v.decision, Decision::kAllow);
  EXPECT_TRUE(Has(v, "brand_term", "veltrona"));
  EXPECT_EQ(v.listing_id, "L1");
}

TEST_F(Screening, EachDisguiseIsReadAsTheBrand) {
  struct Case {
    const char* title;
    const char* how;
  } cases[] = {
      {"V3ltr0na Aurora vacuum", "leetspeak"},
      {"V.e.l.t.r.o.n.a Aurora vacuum", "separators"},
      {"V e l t r o n a Aurora vacuum", "separators"},
      {"V\xD0\xB5ltrona Aurora vacuum", "look-alike"},  // Cyrillic е
      {"Vel\u200Btrona Aurora vacuum", "hidden"},
      {"veltronastyle Aurora vacuum", "inside another word"},
      {"veltrona2024 Aurora vacuum", "inside another word"},
      {"Quintesa Sereno tote", "misspelling"},
      {"Quintessaa Sereno tote", "QUINTESSA"},
      {"Grand Maisonn Sereno tote", "GRAND MAISON"},
  };
  for (const Case& c : cases) {
    Verdict v = Screen(c.title, 400, "");
    const Reason* r = Find(v, "brand_disguised");
    ASSERT_NE(r, nullptr) << c.title;
    EXPECT_NE(r->detail.find(c.how), std::string::npos) << c.title << ": " << r->detail;
    EXPECT_EQ(v.decision, Decision::kReview) << c.title;
    // The evidence quotes the seller's own spelling.
    EXPECT_NE(std::string(c.title).find(r->evidence), std::string::npos) << r->evidence;
  }
}

TEST_F(Screening, FullWidthAndChineseNamesCount) {
  EXPECT_TRUE(Has(Screen("ＶＥＬＴＲＯＮＡ Aurora", 480, ""), "brand_term", "veltrona"));
  EXPECT_TRUE(Has(Screen("维特龙吸尘器 Aurora", 480, ""), "brand_term", "veltrona"));
}

TEST_F(Screening, PriceFarBelowMsrpIsEvidence) {
  Verdict v = Screen("Veltrona Aurora vacuum", 50, "home-appliances");
  const Reason* r = Find(v, "price_below_msrp");
  ASSERT_NE(r, nullptr);
  EXPECT_NE(r->detail.find("10%"), std::string::npos) << r->detail;
  EXPECT_EQ(r->ref, "Aurora vacuum");
  EXPECT_EQ(v.decision, Decision::kReview);
}

TEST_F(Screening, EveryListingIsScannedForNamesAloneAndContextOnlyWhereThereIsACase) {
  // Literals() is what every listing is scanned for: what can open a case.
  std::vector<std::string> literals = rules_->Literals();
  EXPECT_LT(literals.size(), rules_->pattern_count());
  auto has = [&](const std::string& l) {
    return std::find(literals.begin(), literals.end(), l) != literals.end();
  };
  EXPECT_TRUE(has("veltrona"));
  EXPECT_TRUE(has("grand malson"));  // the view folds 'i' into 'l'
  EXPECT_TRUE(has("grandmalson"));
  EXPECT_TRUE(has("flrework"));
  EXPECT_FALSE(has("aurora"));  // a product: looked for only when its brand is named
  // Context words weigh only inside a case; they are scanned for then.
  EXPECT_FALSE(has("replica"));
  EXPECT_FALSE(has("compatlble wlth"));
  Verdict replica = Screen("Veltrona replica", 450, "home-appliances");
  EXPECT_TRUE(Has(replica, "suspicious_term"));
  EXPECT_FALSE(Has(Screen("replica vase", 450, "home"), "suspicious_term"));
  // The product still prices the listing that names its brand...
  Verdict named = Screen("Veltrona Aurora cordless", 40, "home-appliances");
  const Reason* price = Find(named, "price_below_msrp");
  ASSERT_NE(price, nullptr);
  EXPECT_EQ(price->evidence, "Aurora");
  // ...and means nothing without it.
  EXPECT_FALSE(Has(Screen("Aurora cordless vacuum", 40, "home-appliances"), "price_below_msrp"));
}

TEST_F(Screening, PricesInAnotherCurrencyAreNotCompared) {
  Listing l;
  l.id = "L1";
  l.title = "Veltrona Aurora vacuum";
  l.price = Money{50, "CNY"};
  EXPECT_FALSE(Has(rules_->Screen(l), "price_below_msrp"));
}

TEST_F(Screening, SuspiciousTermsAreEvidence) {
  Verdict v = Screen("Veltrona Aurora replica", 450, "home-appliances");
  EXPECT_TRUE(Has(v, "suspicious_term"));
  EXPECT_EQ(v.decision, Decision::kReview);
  // Built-in terms in Chinese count too.
  EXPECT_TRUE(Has(Screen("维特龙 Aurora 高仿", 450, ""), "suspicious_term"));
}

TEST_F(Screening, OnlyOverwhelmingEvidenceBlocks) {
  Verdict v = Screen("V3ltrona Aurora replica", 40, "home-appliances");
  EXPECT_EQ(v.decision, Decision::kBlock);
  EXPECT_GE(v.score, 0.9);
  // The strongest reasons come first.
  ASSERT_FALSE(v.reasons.empty());
  EXPECT_GE(v.reasons.front().weight, v.reasons.back().weight);
}

TEST_F(Screening, AuthorisedSellersAreNotFlagged) {
  Verdict v = Screen("Veltrona Aurora replica", 40, "home-appliances", "", {}, "veltrona-official");
  EXPECT_EQ(v.decision, Decision::kAllow);
  EXPECT_TRUE(Has(v, "authorized_seller", "veltrona"));
}

TEST_F(Screening, CompatibilityPhrasesMakeAccessoriesLegitimate) {
  for (const char* title : {"Filter compatible with Veltrona Aurora", "Filter for Veltrona Aurora",
                            "Replacement brush for Veltrona Aurora", "滤网 适用于维特龙 Aurora"}) {
    Verdict v = Screen(title, 9, "home-appliances", "Third-party part, not made by Veltrona.");
    EXPECT_EQ(v.decision, Decision::kAllow) << title;
    EXPECT_TRUE(Has(v, "compatibility", "veltrona")) << title;
  }
  // A counterfeit seller's word overrides the phrase.
  EXPECT_NE(Screen("Replica compatible with Veltrona Aurora", 9, "home-appliances").decision,
            Decision::kAllow);
}

TEST_F(Screening, AnAccessoryIsNotPricedLikeTheProductItFits) {
  Verdict v = Screen("Veltrona dust bag 5 pack, fits Aurora", 12, "home-appliances");
  EXPECT_FALSE(Has(v, "price_below_msrp"));
  EXPECT_EQ(v.decision, Decision::kAllow);
}

TEST_F(Screening, CommonWordBrandsOnlyCountInTheirCategories) {
  Verdict food = Screen("Maple syrup 500ml, grade A", 3, "food/pantry");
  EXPECT_EQ(food.decision, Decision::kAllow);
  EXPECT_TRUE(food.reasons.empty());
  Verdict tablet = Screen("Maple MaplePad tablet", 100, "electronics");
  EXPECT_EQ(tablet.decision, Decision::kReview);
  EXPECT_TRUE(Has(tablet, "price_below_msrp", "maple"));
  // An everyday word that contains the brand is that word.
  EXPECT_FALSE(Has(Screen("Sugarmaple leaf sticker", 1, "electronics"), "brand_term"));
}

TEST_F(Screening, SecondHandGoodsAtARealPriceAreAllowed) {
  Verdict v = Screen("Used Veltrona Aurora vacuum, like new", 300, "home-appliances");
  EXPECT_EQ(v.decision, Decision::kAllow);
  EXPECT_TRUE(Has(v, "second_hand", "veltrona"));
}

TEST_F(Screening, PiratedBooksByIsbnTitleAndPrice) {
  Verdict v = Screen("Thermodynamics textbook PDF", 3, "books",
                     "ISBN: 978-0-19-701746-3, instant download");
  EXPECT_TRUE(Has(v, "isbn", "orbis"));
  EXPECT_TRUE(Has(v, "piracy_term"));
  EXPECT_TRUE(Has(v, "price_below_list", "orbis"));
  EXPECT_NE(v.decision, Decision::kAllow);

  Verdict title = Screen("Foundations of Applied Thermodynamics, 3rd Edition pdf", 4, "books");
  EXPECT_TRUE(Has(title, "work_title", "orbis"));
  EXPECT_EQ(title.decision, Decision::kReview);

  Verdict prefix = Screen("Some other title ebook", 2, "books", "ISBN 9780198526636");
  EXPECT_TRUE(Has(prefix, "isbn", "orbis"));
}

TEST_F(Screening, UsedBooksAreAllowed) {
  Verdict v = Screen("Foundations of Applied Thermodynamics, 3rd Edition (used, good)", 90,
                     "books", "ISBN 9780197017463. Some highlighting.");
  EXPECT_EQ(v.decision, Decision::kAllow);
}

TEST_F(Screening, CategoryBans) {
  // The seller itself declared a banned category.
  EXPECT_EQ(Screen("Party pack", 20, "hobby/fireworks").decision, Decision::kBlock);
  Verdict term = Screen("Fireworks rocket set 50 pcs", 20, "toys");
  EXPECT_TRUE(Has(term, "category_ban"));
  EXPECT_EQ(term.decision, Decision::kReview);
  Verdict both = Screen("Firework rocket set", 20, "hobby/fireworks");
  EXPECT_EQ(both.decision, Decision::kBlock);
  EXPECT_TRUE(Has(Screen("新年烟花", 20, ""), "category_ban"));
  // A word that merely starts the same is not the banned term.
  EXPECT_FALSE(Has(Screen("Fireworkshop poster", 20, "art"), "category_ban"));
}

TEST_F(Screening, SellerHistoryStrengthensButNeverCreatesEvidence) {
  ScreenContext ctx;
  ctx.seller.active_strikes = 2;
  Verdict clean = Screen("Cotton socks 5 pairs", 5, "apparel", "", ctx);
  EXPECT_TRUE(clean.reasons.empty());
  Verdict without = Screen("Veltrona Aurora vacuum", 180, "home-appliances");
  Verdict with = Screen("Veltrona Aurora vacuum", 180, "home-appliances", "", ctx);
  EXPECT_TRUE(Has(with, "seller_history"));
  EXPECT_GT(with.score, without.score);
}

TEST_F(Screening, StayDownCatchesARewordedReuploadAndLinksTheDecision) {
  StayDownBank bank;
  bank.Add("sd_1", "hit:hit_01", "veltrona",
           FingerprintText("Cordless stick vacuum 25kPa, 60 min runtime",
                           "Wall mount, 2 brushes, HEPA filter included. Fast shipping."));
  ScreenContext ctx;
  ctx.stay_down = &bank;
  Verdict v = Screen("Cordless stick vacuum 25kPa - 60 min runtime!", 60, "home-appliances",
                     "Wall mount, two brushes, HEPA filter included. Fast shipping.", ctx);
  const Reason* r = Find(v, "stay_down");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->ref, "hit:hit_01");
  EXPECT_EQ(v.decision, Decision::kReview);
}

TEST_F(Screening, ThresholdsAreConfigurable) {
  ScreenContext strict;
  strict.thresholds = {0.6, 0.1};
  EXPECT_EQ(Screen("Veltrona Aurora vacuum", 480, "home-appliances", "", strict).decision,
            Decision::kReview);
  EXPECT_EQ(Screen("Veltrona Aurora vacuum", 50, "home-appliances", "", strict).decision,
            Decision::kBlock);
}

TEST_F(Screening, UnrelatedListingsHaveNoReasons) {
  Verdict v = Screen("Yoga mat non-slip 6mm", 20, "sports", "Good quality, fast shipping.");
  EXPECT_EQ(v.decision, Decision::kAllow);
  EXPECT_EQ(v.score, 0);
  EXPECT_TRUE(v.reasons.empty());
}

TEST(RuleSet, RejectsATermWithoutLettersNamingIt) {
  Catalogue c = TestCatalogue();
  c.rights_holders[1].brand_terms.push_back("!!!");
  auto rules = RuleSet::Compile(c);
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(rules.status().field(), "/rights_holders/1/brand_terms/1");
}

TEST(RuleSet, LoadsItsDatabaseFromTheCache) {
  Catalogue c = TestCatalogue();
  auto built = RuleSet::Compile(c);
  ASSERT_TRUE(built.ok());
  EXPECT_FALSE((*built)->loaded_from_cache());
  EXPECT_EQ((*built)->key(), RuleSet::Key(c));
  std::string bytes = (*built)->SerializedDatabase();
  auto cached = RuleSet::Compile(c, {.cached_database = bytes});
  ASSERT_TRUE(cached.ok());
  EXPECT_TRUE((*cached)->loaded_from_cache());
  Listing l;
  l.id = "L1";
  l.title = "V3ltrona Aurora replica";
  l.price = Money{40, "USD"};
  EXPECT_EQ((*cached)->Screen(l).score, (*built)->Screen(l).score);
  // A cache written for another catalogue is ignored.
  c.rights_holders[0].brand_terms.push_back("veltronix");
  auto other = RuleSet::Compile(c, {.cached_database = bytes});
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE((*other)->loaded_from_cache());
  EXPECT_NE((*other)->key(), (*built)->key());
}

TEST(RuleSet, EverydayWordsDoNotReadAsABrandThroughFolding) {
  // "mall" folds like "mail" (i and l are one letter in the view).
  Catalogue c;
  RightsHolderRules mail;
  mail.id = "mail";
  mail.name = "Mail";
  mail.brand_terms = {"mail"};
  c.rights_holders = {mail};
  auto rules = RuleSet::Compile(c);
  ASSERT_TRUE(rules.ok());
  Listing l;
  l.id = "L1";
  l.title = "Shopping mall gift card";
  EXPECT_TRUE((*rules)->Screen(l).reasons.empty());
  l.title = "MAIL gift card";
  EXPECT_FALSE((*rules)->Screen(l).reasons.empty());
}

// ------------------------------------------------------------- properties

std::string RandomBrand(std::mt19937& rng) {
  static const char* kSyllables[] = {"ka", "ve", "lo", "tri", "zan", "mor", "qu", "ex",
                                     "dra", "sen", "vo", "ly", "bre", "tor", "gal", "nix"};
  std::string b;
  int n = 3 + static_cast<int>(rng() % 2);
  for (int i = 0; i < n; ++i) b += kSyllables[rng() % 16];
  return b;
}

std::string FullWidth(const std::string& s) {
  std::string out;
  for (char c : s) {
    char32_t cp = 0xFF00 + (c - 0x20);  // U+FF01..U+FF5E mirror ASCII 0x21..0x7E
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// One random disguise of `brand` that a person still reads as the brand.
std::string Disguise(const std::string& brand, std::mt19937& rng, std::string* how) {
  std::string out;
  switch (rng() % 8) {
    case 0: {  // leetspeak on some letters, keeping at least two letters
      *how = "leet";
      int letters = 0;
      for (char c : brand) {
        const char* from = "aeostlbg";
        const char* to = "430571!9";
        const char* p = std::strchr(from, c);
        if (p != nullptr && rng() % 2 == 0 && letters >= 2) {
          out += to[p - from];
        } else {
          out += c;
          ++letters;
        }
      }
      return out;
    }
    case 1: {  // separators between all letters
      *how = "separators";
      const char* seps[] = {".", "*", "-", " ", "_", " . "};
      std::string sep = seps[rng() % 6];
      for (size_t i = 0; i < brand.size(); ++i) {
        if (i > 0) out += sep;
        out += brand[i];
      }
      return out;
    }
    case 2:
      *how = "full-width";
      return FullWidth(brand);
    case 3: {  // zero-width characters
      *how = "zero-width";
      for (size_t i = 0; i < brand.size(); ++i) {
        out += brand[i];
        if (i + 1 < brand.size() && rng() % 2 == 0) out += "\u200B";
      }
      return out;
    }
    case 4: {  // Cyrillic look-alikes
      *how = "cyrillic";
      for (char c : brand) {
        if (c == 'a') {
          out += "\xD0\xB0";
        } else if (c == 'e') {
          out += "\xD0\xB5";
        } else if (c == 'o') {
          out += "\xD0\xBE";
        } else {
          out += c;
        }
      }
      return out;
    }
    case 5: {  // mixed case and diacritics
      *how = "case+diacritics";
      for (char c : brand) {
        if (c == 'e') {
          out += "\xC3\xA9";
        } else if (c == 'a') {
          out += "\xC3\xA0";
        } else {
          out += rng() % 2 ? static_cast<char>(c - 'a' + 'A') : c;
        }
      }
      return out;
    }
    case 6:
      *how = "glued";
      return brand + (rng() % 2 ? "style" : "2024");
    default:
      *how = "plain upper";
      for (char c : brand) out += static_cast<char>(c - 'a' + 'A');
      return out;
  }
}

// 300 distinct random brand names that are not everyday words, rights holder
// "rh<i>" owning brands[i], all in category "cat".
Catalogue RandomBrandCatalogue(std::mt19937& rng, std::vector<std::string>& brands) {
  const auto& lexicon = DefaultCommonWords();
  Catalogue c;
  while (brands.size() < 300) {
    std::string b = RandomBrand(rng);
    if (std::binary_search(lexicon.begin(), lexicon.end(), b)) continue;
    if (std::find(brands.begin(), brands.end(), b) != brands.end()) continue;
    brands.push_back(b);
    RightsHolderRules r;
    r.id = "rh" + std::to_string(brands.size() - 1);
    r.name = b;
    r.brand_terms = {b};
    r.categories = {"cat"};
    c.rights_holders.push_back(r);
  }
  return c;
}

TEST(ScreeningProperty, ADisguisedBrandTermIsStillFound) {
  std::mt19937 rng(20261123);
  std::vector<std::string> brands;
  Catalogue c = RandomBrandCatalogue(rng, brands);
  auto rules = RuleSet::Compile(c);
  ASSERT_TRUE(rules.ok());
  for (int i = 0; i < 3000; ++i) {
    size_t k = rng() % brands.size();
    std::string how;
    Listing l;
    l.id = "L" + std::to_string(i);
    l.title = "Wireless " + Disguise(brands[k], rng, &how) + " speaker with bass";
    l.category = "cat";
    Verdict v = (*rules)->Screen(l);
    bool found = std::any_of(v.reasons.begin(), v.reasons.end(), [&](const Reason& r) {
      return r.code == "brand_term" && r.rights_holder == c.rights_holders[k].id;
    });
    EXPECT_TRUE(found) << how << ": " << l.title;
  }
}

TEST(ScreeningProperty, UnrelatedTextNeverGainsAMatchByNormalisation) {
  std::mt19937 rng(42);
  const auto& lexicon = DefaultCommonWords();
  std::vector<std::string> brands;
  Catalogue c = RandomBrandCatalogue(rng, brands);
  auto rules = RuleSet::Compile(c);
  ASSERT_TRUE(rules.ok());
  for (int i = 0; i < 3000; ++i) {
    Listing l;
    l.id = "L" + std::to_string(i);
    for (int w = 0; w < 12; ++w) {
      std::string word = lexicon[rng() % lexicon.size()];
      if (rng() % 3 == 0) word[0] = static_cast<char>(word[0] - 'a' + 'A');
      l.title += word + (rng() % 4 == 0 ? ", " : " ");
    }
    std::string lower = l.title;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    Verdict v = (*rules)->Screen(l);
    for (const Reason& r : v.reasons) {
      if (r.code != "brand_term") continue;
      size_t k = std::stoul(r.rights_holder.substr(2));
      EXPECT_NE(lower.find(brands[k]), std::string::npos)
          << "\"" << l.title << "\" matched " << brands[k] << " (" << r.detail << ")";
    }
  }
}

}  // namespace
}  // namespace counterfoil::screening
