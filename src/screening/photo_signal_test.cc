// The photo signal: listing photos that matched a bank (Listing::photo_matches)
// weighed with the rest of the evidence.
#include <gtest/gtest.h>

#include <algorithm>

#include "screening/engine.h"

namespace counterfoil::screening {
namespace {

Catalogue PhotoCatalogue() {
  Catalogue c;
  RightsHolderRules veltrona;
  veltrona.id = "veltrona";
  veltrona.name = "Veltrona";
  veltrona.brand_terms = {"veltrona"};
  veltrona.categories = {"home-appliances"};
  veltrona.products = {{"Aurora vacuum", {"aurora"}, Money{500, "USD"}}};
  veltrona.authorized_sellers = {"veltrona-official"};
  c.rights_holders = {veltrona};
  c.suspicious_terms = {"replica"};
  return c;
}

PhotoMatch Match(int distance, std::string kind = "reference", std::string holder = "veltrona") {
  PhotoMatch m;
  m.photo = "p1.jpg";
  m.bank = kind == "reference" ? "reference:" + holder : kind;
  m.bank_kind = kind;
  m.rights_holder = holder;
  m.reference = "ref-1";
  m.label = "Aurora, front";
  m.distance = distance;
  m.radius = 31;
  return m;
}

class PhotoSignal : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rules = RuleSet::Compile(PhotoCatalogue());
    ASSERT_TRUE(rules.ok()) << rules.status().ToString();
    rules_ = *rules;
  }
  Verdict Screen(std::vector<PhotoMatch> matches, std::string title = "Cordless vacuum 25kPa",
                 double price = 180, std::string seller = "s-1") {
    Listing l;
    l.id = "L1";
    l.seller_id = seller;
    l.title = title;
    l.category = "toys";
    l.price = Money{price, "USD"};
    l.photo_matches = std::move(matches);
    return rules_->Screen(l, {});
  }
  static const Reason* Find(const Verdict& v, const std::string& code) {
    for (const Reason& r : v.reasons)
      if (r.code == code) return &r;
    return nullptr;
  }
  std::shared_ptr<const RuleSet> rules_;
};

TEST_F(PhotoSignal, AReferencePhotoWithoutTheBrandNamedIsReviewed) {
  Verdict v = Screen({Match(6)});
  EXPECT_EQ(v.decision, Decision::kReview);
  const Reason* r = Find(v, "photo_match");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rights_holder, "veltrona");
  EXPECT_EQ(r->ref, "ref-1");
  EXPECT_NE(r->detail.find("Veltrona's reference photo \"Aurora, front\" (distance 6 of 31)"),
            std::string::npos)
      << r->detail;
}

TEST_F(PhotoSignal, CloserMatchesWeighMore) {
  double close = Screen({Match(4)}).score, loose = Screen({Match(30)}).score;
  EXPECT_GT(close, loose);
  EXPECT_GE(loose, 0.5);  // any match within the radius is worth a look
}

TEST_F(PhotoSignal, AuthorisedSellersMayUseTheOfficialPhotos) {
  Verdict v = Screen({Match(0)}, "Veltrona Aurora vacuum", 480, "veltrona-official");
  EXPECT_EQ(v.decision, Decision::kAllow);
  EXPECT_EQ(Find(v, "photo_match"), nullptr);
  EXPECT_NE(Find(v, "authorized_seller"), nullptr);
}

TEST_F(PhotoSignal, PriceAndCounterfeitWordsStrengthenAPhotoMatch) {
  double alone = Screen({Match(6)}).score;
  Verdict cheap = Screen({Match(6)}, "Cordless vacuum", 40);  // 8% of the cheapest MSRP
  EXPECT_GT(cheap.score, alone);
  EXPECT_NE(Find(cheap, "price_below_msrp"), nullptr);
  Verdict replica = Screen({Match(6)}, "Cordless vacuum replica", 40);
  EXPECT_EQ(replica.decision, Decision::kBlock);
}

TEST_F(PhotoSignal, JoinsTheBrandCaseWhenTheTextNamesTheBrand) {
  Verdict v = Screen({Match(2)}, "Veltrona Aurora vacuum", 480);
  ASSERT_NE(Find(v, "brand_term"), nullptr);
  ASSERT_NE(Find(v, "photo_match"), nullptr);
  // One case: 1 - (1 - 0.2)(1 - 0.75) = 0.8.
  EXPECT_NEAR(v.score, 0.8, 1e-9);
}

TEST_F(PhotoSignal, TheStayDownBankNamesTheOriginalDecision) {
  PhotoMatch m = Match(3, "stay_down");
  m.source = "hit:hit_1";
  Verdict v = Screen({m});
  EXPECT_EQ(v.decision, Decision::kReview);
  const Reason* r = Find(v, "photo_match");
  ASSERT_NE(r, nullptr);
  EXPECT_NE(r->detail.find("removed by hit:hit_1"), std::string::npos) << r->detail;
}

TEST_F(PhotoSignal, ASharedBankWithoutARightsHolderStillCounts) {
  PhotoMatch m = Match(10, "shared", "");
  m.bank = "acg-watch";
  Verdict v = Screen({m});
  EXPECT_EQ(v.decision, Decision::kReview);
  EXPECT_NE(Find(v, "photo_match")->detail.find("bank acg-watch"), std::string::npos);
}

TEST_F(PhotoSignal, NoMatchesNoPhotoReason) {
  Verdict v = Screen({});
  EXPECT_EQ(v.decision, Decision::kAllow);
  EXPECT_EQ(Find(v, "photo_match"), nullptr);
}

}  // namespace
}  // namespace counterfoil::screening
