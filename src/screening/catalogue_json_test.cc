// The screening engine's outside formats: the protection catalogue, listings
// and verdicts (catalogue_json.h).
#include "screening/catalogue_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace counterfoil::screening {
namespace {

namespace fs = std::filesystem;

const fs::path kScreening = fs::path(SHARED_TESTDATA) / "screening";

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A small valid catalogue that the error cases below break one field at a time.
constexpr std::string_view kMinimal = R"({
  "rights_holders": [{"id": "dyson", "name": "Dyson", "kind": "brand_owner",
                      "brand_terms": ["dyson"], "products": [{"name": "V11", "terms": ["v11"]}]}]
})";

TEST(CatalogueJson, SharedCatalogueParsesWithEveryEntry) {
  if (!fs::exists(kScreening / "catalog.json")) GTEST_SKIP() << "shared test data not present";
  Result<Catalogue> c = ParseCatalogueJson(ReadAll(kScreening / "catalog.json"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->rights_holders.size(), 15u);
  const RightsHolderRules& dyson = c->rights_holders[0];
  EXPECT_EQ(dyson.id, "dyson");
  EXPECT_EQ(dyson.name, "Dyson");
  EXPECT_EQ(dyson.brand_terms, (std::vector<std::string>{"dyson", "戴森"}));
  EXPECT_EQ(dyson.categories, (std::vector<std::string>{"home-appliances"}));
  ASSERT_EQ(dyson.products.size(), 3u);
  EXPECT_EQ(dyson.products[1].name, "V11 cordless vacuum");
  EXPECT_EQ(dyson.products[1].terms, (std::vector<std::string>{"v11"}));
  ASSERT_TRUE(dyson.products[1].msrp.has_value());
  EXPECT_EQ(dyson.products[1].msrp->amount, 599);
  EXPECT_EQ(dyson.products[1].msrp->currency, "USD");
  EXPECT_EQ(dyson.authorized_sellers,
            (std::vector<std::string>{"dyson-official", "dyson-flagship-store"}));
  EXPECT_TRUE(dyson.works.empty());
  EXPECT_FALSE(dyson.common_word);

  size_t works = 0;
  for (const auto& h : c->rights_holders) works += h.works.size();
  EXPECT_EQ(works, 36u);
  const RightsHolderRules& oup = c->rights_holders[12];
  EXPECT_EQ(oup.id, "oup");
  ASSERT_EQ(oup.works.size(), 12u);
  EXPECT_EQ(oup.works[0].title, "Essentials of Electrical Circuits, 5th Edition");
  EXPECT_EQ(oup.works[0].isbn13, "9780197017463");
  ASSERT_TRUE(oup.works[0].list_price.has_value());
  EXPECT_EQ(oup.works[0].list_price->amount, 181);
  EXPECT_EQ(oup.isbn_prefixes, (std::vector<std::string>{"978019"}));
  EXPECT_EQ(c->rights_holders[13].isbn_prefixes, (std::vector<std::string>{"978012", "978032"}));

  ASSERT_EQ(c->category_bans.size(), 1u);
  EXPECT_EQ(c->category_bans[0].id, "airbag-components");
  EXPECT_EQ(c->category_bans[0].categories, (std::vector<std::string>{"auto-parts/airbags"}));
  EXPECT_EQ(c->category_bans[0].terms.size(), 4u);
  EXPECT_EQ(c->category_bans[0].reason, "unsafe_and_prohibited_products");
  EXPECT_EQ(c->suspicious_terms.size(), 6u);
  EXPECT_EQ(c->piracy_terms.size(), 5u);
}

TEST(CatalogueJson, ConvertsIsbn10ToIsbn13AndReadsPrefixes) {
  Result<Catalogue> c = ParseCatalogueJson(R"({"rights_holders": [{
    "id": "oup", "name": "OUP", "kind": "publisher", "isbn_prefixes": ["0-19", "978-0-12", "979 10"],
    "rights": [{"type": "copyright", "works": [
      {"title": "A", "isbn": "0-19-852663-6", "list_price": 40},
      {"title": "B", "isbn": "0 8044 2957 X", "list_price": {"amount": 12.5, "currency": "eur"}},
      {"title": "C", "isbn": "978-0-19-701746-3", "list_price": 9, "currency": "GBP"},
      {"title": "D"}]}]}]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const auto& works = c->rights_holders[0].works;
  ASSERT_EQ(works.size(), 4u);
  EXPECT_EQ(works[0].isbn13, "9780198526636");
  EXPECT_EQ(works[0].list_price->amount, 40);
  EXPECT_EQ(works[0].list_price->currency, "USD");
  EXPECT_EQ(works[1].isbn13, "9780804429573");
  EXPECT_EQ(works[1].list_price->amount, 12.5);
  EXPECT_EQ(works[1].list_price->currency, "EUR");
  EXPECT_EQ(works[2].isbn13, "9780197017463");
  EXPECT_EQ(works[2].list_price->currency, "GBP");
  EXPECT_EQ(works[3].isbn13, "");
  EXPECT_FALSE(works[3].list_price.has_value());
  EXPECT_EQ(c->rights_holders[0].isbn_prefixes,
            (std::vector<std::string>{"978019", "978012", "97910"}));
}

TEST(CatalogueJson, ReadsMsrpAsNumberOrObjectAndTheCommonWordFlag) {
  Result<Catalogue> c = ParseCatalogueJson(R"({"rights_holders": [{
    "id": "apple", "name": "Apple", "kind": "brand_owner", "common_word": true,
    "products": [{"name": "a", "msrp": 999}, {"name": "b", "msrp": {"amount": 5, "currency": "cny"}},
                 {"name": "c"}, {"name": "d", "msrp": null}]}]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const auto& h = c->rights_holders[0];
  EXPECT_TRUE(h.common_word);
  ASSERT_EQ(h.products.size(), 4u);
  EXPECT_EQ(h.products[0].msrp->amount, 999);
  EXPECT_EQ(h.products[0].msrp->currency, "USD");
  EXPECT_EQ(h.products[1].msrp->currency, "CNY");
  EXPECT_FALSE(h.products[2].msrp.has_value());
  EXPECT_FALSE(h.products[3].msrp.has_value());
}

TEST(CatalogueJson, ToleratesUnknownMembers) {
  Result<Catalogue> c = ParseCatalogueJson(R"({"version": 1, "generated_by": {"tool": "x"},
    "rights_holders": [{"id": "a", "name": "A", "kind": "brand_owner", "logo": [1, 2],
      "products": [{"name": "p", "sku": 12}],
      "rights": [{"type": "trademark", "mark": "A", "registration_number": "1", "status": "live"}]}],
    "category_bans": [{"id": "b", "terms": ["x"], "since": "2020"}]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->rights_holders.size(), 1u);
  EXPECT_EQ(c->category_bans.size(), 1u);
}

struct BadCatalogue {
  std::string name;
  std::string json;
  std::string field;    // the JSON pointer the error must name
  std::string message;  // a part of the message
};

class CatalogueErrors : public ::testing::TestWithParam<BadCatalogue> {};

// Replaces the first occurrence of `from` in kMinimal.
std::string Minimal(std::string_view from, std::string_view to) {
  std::string s(kMinimal);
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

TEST_P(CatalogueErrors, NameTheFieldAtFault) {
  const BadCatalogue& c = GetParam();
  Result<Catalogue> r = ParseCatalogueJson(c.json);
  ASSERT_FALSE(r.ok()) << c.json;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), c.field) << r.status().message();
  EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().message();
  if (!c.field.empty()) {
    // The message starts with the pointer, as every FieldReader error does.
    EXPECT_EQ(r.status().message().rfind(c.field.substr(1) + ": ", 0), 0u) << r.status().message();
  }
}

const std::string kHolder = R"({"id": "h", "name": "H", "kind": "publisher", )";

INSTANTIATE_TEST_SUITE_P(
    Catalogue, CatalogueErrors,
    ::testing::Values(
        BadCatalogue{"NotJson", "{\"rights_holders\": [\n  {\"id\": 1,, }]}", "",
                     "not valid JSON at line 2, column 12"},
        BadCatalogue{"Truncated", "{\"rights_holders\": [", "", "incomplete JSON"},
        BadCatalogue{"InvalidUtf8", "{\"rights_holders\": [], \"x\": \"\xff\"}", "",
                     "invalid UTF-8"},
        BadCatalogue{"NotAnObject", "[]", "", "must be a JSON object"},
        BadCatalogue{"NoRightsHolders", R"({"suspicious_terms": []})", "/rights_holders",
                     "is required"},
        BadCatalogue{"RightsHoldersNotArray", R"({"rights_holders": {}})", "/rights_holders",
                     "must be an array"},
        BadCatalogue{"HolderNotObject", R"({"rights_holders": ["dyson"]})", "/rights_holders/0",
                     "must be an object"},
        BadCatalogue{"HolderWithoutId", Minimal(R"("id": "dyson", )", ""), "/rights_holders/0/id",
                     "is required"},
        BadCatalogue{"HolderIdNotString", Minimal(R"("id": "dyson")", R"("id": 7)"),
                     "/rights_holders/0/id", "must be a string"},
        BadCatalogue{"UnknownKind", Minimal("brand_owner", "retailer"), "/rights_holders/0/kind",
                     "must be one of"},
        BadCatalogue{"BrandTermsNotArray", Minimal(R"(["dyson"])", R"("dyson")"),
                     "/rights_holders/0/brand_terms", "must be an array"},
        BadCatalogue{"BrandTermNotString", Minimal(R"(["dyson"])", R"(["dyson", 5])"),
                     "/rights_holders/0/brand_terms/1", "must be a string"},
        BadCatalogue{"BrandTermEmpty", Minimal(R"(["dyson"])", R"(["  "])"),
                     "/rights_holders/0/brand_terms/0", "must not be empty"},
        BadCatalogue{"BrandTermTooLong",
                     Minimal(R"(["dyson"])", "[\"" + std::string(201, 'a') + "\"]"),
                     "/rights_holders/0/brand_terms/0", "at most 200 bytes"},
        BadCatalogue{"CommonWordNotBool", Minimal(R"("kind")", R"("common_word": "yes", "kind")"),
                     "/rights_holders/0/common_word", "true or false"},
        BadCatalogue{"ProductWithoutName", Minimal(R"("name": "V11", )", ""),
                     "/rights_holders/0/products/0/name", "is required"},
        BadCatalogue{"ProductNotObject", Minimal(R"([{"name": "V11")", R"(["V11", {"name": "V11")"),
                     "/rights_holders/0/products/0", "must be an object"},
        BadCatalogue{"MsrpString", Minimal(R"("terms": ["v11"])", R"("msrp": "599")"),
                     "/rights_holders/0/products/0/msrp", "must be a number or an object"},
        BadCatalogue{"MsrpNegative", Minimal(R"("terms": ["v11"])", R"("msrp": -1)"),
                     "/rights_holders/0/products/0/msrp", "must not be negative"},
        BadCatalogue{"MsrpAmountMissing",
                     Minimal(R"("terms": ["v11"])", R"("msrp": {"currency": "USD"})"),
                     "/rights_holders/0/products/0/msrp/amount", "is required"},
        BadCatalogue{"MsrpAmountNotNumber",
                     Minimal(R"("terms": ["v11"])", R"("msrp": {"amount": "5"})"),
                     "/rights_holders/0/products/0/msrp/amount", "must be a number"},
        BadCatalogue{"MsrpBadCurrency",
                     Minimal(R"("terms": ["v11"])", R"("msrp": {"amount": 5, "currency": "US$"})"),
                     "/rights_holders/0/products/0/msrp/currency", "currency code"},
        BadCatalogue{"ProductTermNotString", Minimal(R"(["v11"])", R"([["v11"]])"),
                     "/rights_holders/0/products/0/terms/0", "must be a string"},
        BadCatalogue{"DuplicateHolder",
                     R"({"rights_holders": [{"id": "a", "name": "A", "kind": "publisher"},
                                            {"id": "a", "name": "B", "kind": "publisher"}]})",
                     "/rights_holders/1/id", "duplicate rights holder id \"a\""},
        BadCatalogue{"BadIsbn",
                     R"({"rights_holders": [)" + kHolder + R"("rights": [{"type": "copyright",
                       "works": [{"title": "A", "isbn": "9780197017463"},
                                 {"title": "B", "isbn": "978-0-19-701746-4"}]}]}]})",
                     "/rights_holders/0/rights/0/works/1/isbn", "not a valid ISBN-10 or ISBN-13"},
        BadCatalogue{"IsbnNotString",
                     R"({"rights_holders": [)" + kHolder + R"("rights": [{"type": "copyright",
                       "works": [{"title": "A", "isbn": 9780197017463}]}]}]})",
                     "/rights_holders/0/rights/0/works/0/isbn", "must be a string"},
        BadCatalogue{"WorkWithoutTitle",
                     R"({"rights_holders": [)" + kHolder + R"("rights": [{"type": "copyright",
                       "works": [{"isbn": "9780197017463"}]}]}]})",
                     "/rights_holders/0/rights/0/works/0/title", "is required"},
        BadCatalogue{"ListPriceNegative",
                     R"({"rights_holders": [)" + kHolder + R"("rights": [{"type": "copyright",
                       "works": [{"title": "A", "list_price": {"amount": -3}}]}]}]})",
                     "/rights_holders/0/rights/0/works/0/list_price/amount",
                     "must not be negative"},
        BadCatalogue{
            "CopyrightWithoutWorks",
            R"({"rights_holders": [)" + kHolder + R"("rights": [{"type": "copyright"}]}]})",
            "/rights_holders/0/rights/0/works", "is required"},
        BadCatalogue{"UnknownRightType",
                     R"({"rights_holders": [)" + kHolder + R"("rights": [{"type": "patent"}]}]})",
                     "/rights_holders/0/rights/0/type", "must be one of"},
        BadCatalogue{"TrademarkWithoutRegistration",
                     R"({"rights_holders": [)" + kHolder + R"("rights": [{"type": "trademark",
                       "mark": "H"}]}]})",
                     "/rights_holders/0/rights/0/registration_number", "is required"},
        BadCatalogue{"NiceClassOutOfRange",
                     R"({"rights_holders": [)" + kHolder + R"("rights": [{"type": "trademark",
                       "mark": "H", "registration_number": "1", "nice_classes": [46]}]}]})",
                     "/rights_holders/0/rights/0/nice_classes/0", "integers 1 to 45"},
        BadCatalogue{
            "IsbnPrefixNotDigits",
            R"({"rights_holders": [)" + kHolder + R"("isbn_prefixes": ["978019", "oxf"]}]})",
            "/rights_holders/0/isbn_prefixes/1", "leading digits of ISBNs"},
        BadCatalogue{"IsbnPrefixTooShort",
                     R"({"rights_holders": [)" + kHolder + R"("isbn_prefixes": ["978"]}]})",
                     "/rights_holders/0/isbn_prefixes/0", "leading digits of ISBNs"},
        BadCatalogue{"ReferenceImageNotString",
                     R"({"rights_holders": [)" + kHolder + R"("reference_images": [{}]}]})",
                     "/rights_holders/0/reference_images/0", "must be a string"},
        BadCatalogue{"BanWithoutId",
                     R"({"rights_holders": [], "category_bans": [{"terms": ["airbag"]}]})",
                     "/category_bans/0/id", "is required"},
        BadCatalogue{"BanWithNothing",
                     R"({"rights_holders": [], "category_bans": [{"id": "b", "terms": []}]})",
                     "/category_bans/0", "names categories, terms or both"},
        BadCatalogue{"BanTermsNotArray",
                     R"({"rights_holders": [], "category_bans": [{"id": "b", "terms": "airbag"}]})",
                     "/category_bans/0/terms", "must be an array"},
        BadCatalogue{"DuplicateBan",
                     R"({"rights_holders": [], "category_bans": [{"id": "b", "terms": ["x"]},
                                                                 {"id": "b", "terms": ["y"]}]})",
                     "/category_bans/1/id", "duplicate ban id"},
        BadCatalogue{"SuspiciousTermNotString",
                     R"({"rights_holders": [], "suspicious_terms": ["replica", "1:1", 11]})",
                     "/suspicious_terms/2", "must be a string"},
        BadCatalogue{"PiracyTermsNotArray", R"({"rights_holders": [], "piracy_terms": "pdf"})",
                     "/piracy_terms", "must be an array"},
        BadCatalogue{"UnsupportedVersion", R"({"version": 2, "rights_holders": []})", "/version",
                     "unsupported catalogue version 2"}),
    [](const ::testing::TestParamInfo<BadCatalogue>& info) { return info.param.name; });

// ------------------------------------------------------------------ listings

// ParseListingJson reads the common shape of a listing with simdjson and
// leaves everything else to Boost.JSON: both must read every line alike.
void ExpectBothPathsAgree(const std::string& line) {
  Result<Listing> fast = ParseListingJson(line);
  Result<Listing> slow = internal::ParseListingJsonWithBoost(line);
  ASSERT_EQ(fast.ok(), slow.ok()) << line;
  if (!fast.ok()) {
    EXPECT_EQ(fast.status().message(), slow.status().message()) << line;
    EXPECT_EQ(fast.status().field(), slow.status().field()) << line;
    return;
  }
  EXPECT_EQ(fast->id, slow->id) << line;
  EXPECT_EQ(fast->title, slow->title) << line;
  EXPECT_EQ(fast->description, slow->description) << line;
  EXPECT_EQ(fast->category, slow->category) << line;
  EXPECT_EQ(fast->marketplace, slow->marketplace) << line;
  EXPECT_EQ(fast->seller_id, slow->seller_id) << line;
  EXPECT_EQ(fast->ship_from, slow->ship_from) << line;
  EXPECT_EQ(fast->images, slow->images) << line;
  ASSERT_EQ(fast->price.has_value(), slow->price.has_value()) << line;
  if (fast->price) {
    EXPECT_EQ(fast->price->amount, slow->price->amount) << line;
    EXPECT_EQ(fast->price->currency, slow->price->currency) << line;
  }
}

TEST(ListingJson, FastPathReadsEveryLineAsTheBoostReaderDoes) {
  const std::string cases[] = {
      R"({"id": "a", "title": "t"})",
      R"({"id": "a", "title": "t", "id": "b"})",
      R"({"id": 5, "id": "b", "title": "t"})",
      R"({"id": null, "title": "t"})",
      R"({"id": "a", "title": null})",
      R"({"id": "a", "title": "t", "price": {"amount": 1e400}})",
      R"({"id": "a", "title": "t", "price": {"amount": 18446744073709551616}})",
      R"({"id": "a", "title": "t", "price": {"amount": 9007199254740993}})",
      R"({"id": "a", "title": "t", "price": {"amount": -0}})",
      R"({"id": "a", "title": "t", "price": {"amount": 12.30, "amount": 1}})",
      R"({"id": "a", "title": "t", "price": {"amount": 2, "currency": null}})",
      R"({"id": "a", "title": "t", "price": {"amount": 2, "x": [[[[1]]]]}})",
      R"({"id": "a", "title": "t", "extra": {"a": [1, 2, {"b": null}]}})",
      R"({"id": "a", "title": "t", "extra": )" + std::string(40, '[') + std::string(40, ']') + "}",
      R"({"id": "a", "title": "caf\u00e9 \ud83d\ude00"})",
      R"({"id": "a", "title": "lone \ud800 surrogate"})",
      "{\"id\": \"a\", \"title\": \"tab\tinside\"}",
      "{\"id\": \"a\", \"title\": \"ctl\x01\"}",
      R"({"id": "a", "title": "esc \"q\" \\ \/ \b\f\n\r\t"})",
      R"({"id": "a", "title": "t", "images": []})",
      R"({"id": "a", "title": "t", "images": [" "]})",
      R"({"id": "a", "title": "t", "images": null, "price": null})",
      R"({"id": "a", "title": "t", "description": 1.5})",
      R"({"id": "a", "title": "t",})",
      R"({"id": "a", "title": "t"} )" "\r",
      R"( {"id": "a", "title": "t"})",
      R"({"id": "a", "title": "t"}x)",
      R"({"id": "a", "title": "t", "price": {"amount": 1, "currency": "eur"}, "ship_from": "DE"})",
      "{\"id\": \"a\", \"title\": \"\xe6\x88\xb4\xe6\xa3\xae\"}",
      "{\"id\": \"a\", \"title\": \"\xed\xa0\x80\"}",
      R"({"id": "a", "title": "t", "price": {"amount": 0.1e1, "currency": "JPY"}})",
      R"({"id": "a", "title": "t", "price": {"amount": 1E-2}})",
      R"({"id": "a", "title": "t", "price": {"amount": 01}})",
      R"({"id": "a", "title": "t", "flag": true, "n": -12, "f": false})",
      R"("just a string")",
      "null",
  };
  for (const std::string& line : cases) ExpectBothPathsAgree(line);
}

TEST(ListingJson, ReadsEveryField) {
  Result<Listing> l = ParseListingJson(
      R"({"id": "L0000001", "marketplace": "taobao", "seller_id": "s-00042", "title": "Dyson V11",)"
      R"( "description": "戴森 \"genuine\"", "category": "home-appliances",)"
      R"( "price": {"amount": 59.5, "currency": "cny"}, "images": ["images/x.jpg", "y.png"],)"
      R"( "ship_from": "CN", "url": "https://shop.example/1"})"
      "\r");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(l->id, "L0000001");
  EXPECT_EQ(l->marketplace, "taobao");
  EXPECT_EQ(l->seller_id, "s-00042");
  EXPECT_EQ(l->title, "Dyson V11");
  EXPECT_EQ(l->description, "戴森 \"genuine\"");
  EXPECT_EQ(l->category, "home-appliances");
  ASSERT_TRUE(l->price.has_value());
  EXPECT_EQ(l->price->amount, 59.5);
  EXPECT_EQ(l->price->currency, "CNY");
  EXPECT_EQ(l->images, (std::vector<std::string>{"images/x.jpg", "y.png"}));
  EXPECT_EQ(l->ship_from, "CN");
}

TEST(ListingJson, OnlyIdAndTitleAreRequiredAndNullIsAbsent) {
  Result<Listing> l = ParseListingJson(
      R"(  {"title": "t", "id": "a", "price": null, "description": null, "images": null}  )");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_FALSE(l->price.has_value());
  EXPECT_EQ(l->description, "");
  Result<Listing> p = ParseListingJson(R"({"id": "a", "title": "t", "price": {"amount": 3}})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->price->currency, "USD");
}

TEST(ListingJson, EverySharedListingParses) {
  if (!fs::exists(kScreening / "listings.jsonl")) GTEST_SKIP() << "shared test data not present";
  std::ifstream in(kScreening / "listings.jsonl");
  int n = 0;
  for (std::string line; std::getline(in, line); ++n) {
    Result<Listing> l = ParseListingJson(line);
    ASSERT_TRUE(l.ok()) << "line " << n + 1 << ": " << l.status().ToString();
    EXPECT_FALSE(l->id.empty());
    ExpectBothPathsAgree(line);
  }
  EXPECT_EQ(n, 7950);
}

struct BadListing {
  std::string name;
  std::string line;
  std::string field;
  std::string message;
};

class ListingErrors : public ::testing::TestWithParam<BadListing> {};

TEST_P(ListingErrors, NameTheFieldAtFault) {
  const BadListing& c = GetParam();
  Result<Listing> r = ParseListingJson(c.line);
  ASSERT_FALSE(r.ok()) << c.line;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), c.field) << r.status().message();
  EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().message();
  ExpectBothPathsAgree(c.line);
  // The parser is reused per thread: a good line right after a bad one parses.
  EXPECT_TRUE(ParseListingJson(R"({"id": "ok", "title": "fine"})").ok());
}

INSTANTIATE_TEST_SUITE_P(
    Listing, ListingErrors,
    ::testing::Values(
        BadListing{"NotJson", R"({"id": "a", "title": oops})", "", "not valid JSON at column 22"},
        BadListing{"Empty", "", "", "incomplete JSON"},
        BadListing{"TwoObjects", R"({"id": "a", "title": "t"} {"id": "b"})", "", "extra data"},
        BadListing{"InvalidUtf8", "{\"id\": \"a\", \"title\": \"\xc3\x28\"}", "", "invalid UTF-8"},
        BadListing{"Array", R"([{"id": "a", "title": "t"}])", "", "must be a JSON object"},
        BadListing{"TooDeep", std::string(40, '[') + std::string(40, ']'), "", "not valid JSON"},
        BadListing{"NoId", R"({"title": "t"})", "/id", "id: is required"},
        BadListing{"IdNotString", R"({"id": 12, "title": "t"})", "/id", "must be a string"},
        BadListing{"IdEmpty", R"({"id": " ", "title": "t"})", "/id", "must not be empty"},
        BadListing{"IdTooLong", R"({"title": "t", "id": ")" + std::string(129, 'x') + "\"}", "/id",
                   "at most 128 bytes"},
        BadListing{"NoTitle", R"({"id": "a", "description": "d"})", "/title", "title: is required"},
        BadListing{"TitleTooLong", R"({"id": "a", "title": ")" + std::string(1001, 't') + "\"}",
                   "/title", "at most 1000 bytes"},
        BadListing{"DescriptionNotString", R"({"id": "a", "title": "t", "description": ["d"]})",
                   "/description", "must be a string"},
        BadListing{"PriceNumber", R"({"id": "a", "title": "t", "price": 5})", "/price",
                   "must be an object"},
        BadListing{"PriceWithoutAmount",
                   R"({"id": "a", "title": "t", "price": {"currency": "USD"}})", "/price/amount",
                   "is required"},
        BadListing{"PriceAmountString", R"({"id": "a", "title": "t", "price": {"amount": "5"}})",
                   "/price/amount", "must be a number"},
        BadListing{"PriceNegative", R"({"id": "a", "title": "t", "price": {"amount": -0.5}})",
                   "/price/amount", "must not be negative"},
        BadListing{"PriceCurrency",
                   R"({"id": "a", "title": "t", "price": {"amount": 1, "currency": "dollars"}})",
                   "/price/currency", "currency code"},
        BadListing{"ImagesNotArray", R"({"id": "a", "title": "t", "images": "x.jpg"})", "/images",
                   "must be an array"},
        BadListing{"ImageNotString", R"({"id": "a", "title": "t", "images": ["x.jpg", 3]})",
                   "/images/1", "must be a string"},
        BadListing{"ShipFromTooLong", R"({"id": "a", "title": "t", "ship_from": "CHN"})",
                   "/ship_from", "at most 2 bytes"},
        BadListing{"SellerNotString", R"({"id": "a", "title": "t", "seller_id": 42})", "/seller_id",
                   "must be a string"}),
    [](const ::testing::TestParamInfo<BadListing>& info) { return info.param.name; });

// ------------------------------------------------------------------ verdicts

Verdict SampleVerdict() {
  Verdict v;
  v.listing_id = "L0000001";
  v.decision = Decision::kBlock;
  v.score = 0.9749;
  v.reasons.push_back({.code = "brand_term",
                       .rights_holder = "dyson",
                       .detail = "\"dys0n\" reads as DYSON",
                       .evidence = "dys0n V11\tnew",
                       .ref = "V11 cordless vacuum",
                       .weight = 0.7});
  v.reasons.push_back({.code = "suspicious_term", .detail = "replica", .evidence = "1:1 replica"});
  return v;
}

TEST(VerdictJson, MatchesTheDesignFormat) {
  EXPECT_EQ(VerdictToJson(SampleVerdict()),
            R"({"listing_id":"L0000001","decision":"block","score":0.975,"reasons":[)"
            R"({"code":"brand_term","rights_holder":"dyson","detail":"\"dys0n\" reads as DYSON",)"
            R"("evidence":"dys0n V11\tnew","ref":"V11 cordless vacuum"},)"
            R"({"code":"suspicious_term","detail":"replica","evidence":"1:1 replica"}]})"
            "\n");
  Verdict allow;
  allow.listing_id = "L2";
  EXPECT_EQ(VerdictToJson(allow), R"({"listing_id":"L2","decision":"allow","score":0,"reasons":[]})"
                                  "\n");
}

TEST(VerdictJson, ScoresArePlainDecimalsWithThreePlaces) {
  auto score = [](double s) {
    Verdict v;
    v.listing_id = "x";
    v.decision = Decision::kReview;
    v.score = s;
    std::string line = VerdictToJson(v);
    EXPECT_TRUE(boost::json::parse(line).at("score").is_number()) << line;
    size_t at = line.find("\"score\":") + 8;
    return line.substr(at, line.find(',', at) - at);
  };
  EXPECT_EQ(score(0.97), "0.97");
  EXPECT_EQ(score(0.5), "0.5");
  EXPECT_EQ(score(1.0), "1");
  EXPECT_EQ(score(49.0), "49");
  EXPECT_EQ(score(0.12349), "0.123");
  EXPECT_EQ(score(0.0006), "0.001");
  EXPECT_EQ(score(-0.0001), "0");
  EXPECT_EQ(score(std::numeric_limits<double>::quiet_NaN()), "0");
  EXPECT_EQ(score(std::numeric_limits<double>::infinity()), "0");
}

TEST(VerdictJson, RoundTripsThroughAJsonParser) {
  Verdict v = SampleVerdict();
  v.reasons[1].evidence = "quote \" back\\slash \x01 control, ";
  v.reasons[1].evidence.push_back('\0');
  v.reasons[1].evidence += " nul, 戴森 \xF0\x9F\x98\x80 emoji";
  boost::json::value doc = boost::json::parse(VerdictToJson(v));
  const boost::json::object& o = doc.as_object();
  EXPECT_EQ(o.at("listing_id").as_string(), "L0000001");
  EXPECT_EQ(o.at("decision").as_string(), "block");
  EXPECT_DOUBLE_EQ(o.at("score").to_number<double>(), 0.975);
  const boost::json::array& reasons = o.at("reasons").as_array();
  ASSERT_EQ(reasons.size(), 2u);
  for (size_t i = 0; i < reasons.size(); ++i) {
    const boost::json::object& r = reasons[i].as_object();
    EXPECT_EQ(r.at("code").as_string(), v.reasons[i].code);
    EXPECT_EQ(r.at("detail").as_string(), v.reasons[i].detail);
    EXPECT_EQ(std::string_view(r.at("evidence").as_string()), v.reasons[i].evidence);
    EXPECT_EQ(r.contains("rights_holder"), !v.reasons[i].rights_holder.empty());
    EXPECT_EQ(r.contains("ref"), !v.reasons[i].ref.empty());
    EXPECT_FALSE(r.contains("weight"));
  }
  // The object form is the same document (the score compared apart: Boost.JSON
  // 1.81 does not promise correctly rounded number parsing).
  boost::json::object obj = VerdictToJsonObject(v);
  EXPECT_NEAR(obj.at("score").as_double(), 0.975, 1e-12);
  obj["score"] = doc.at("score");
  EXPECT_EQ(boost::json::value(std::move(obj)), doc);
}

TEST(VerdictJson, ReplacesBytesThatAreNotUtf8) {
  Verdict v;
  v.listing_id = "x";
  v.reasons.push_back({.code = "brand_term",
                       .detail = "cut \xE6\x88 in the middle",  // a truncated 戴
                       .evidence = "\xC0\xAF overlong, \xED\xA0\x80 surrogate, \xFF"});
  std::string line = VerdictToJson(v);
  boost::json::value doc = boost::json::parse(line);  // throws if the line were not UTF-8
  const auto& r = doc.at("reasons").at(0);
  EXPECT_EQ(r.at("detail").as_string(), "cut \xEF\xBF\xBD\xEF\xBF\xBD in the middle");
  EXPECT_EQ(r.at("evidence").as_string(),
            "\xEF\xBF\xBD\xEF\xBF\xBD overlong, \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD surrogate, "
            "\xEF\xBF\xBD");
  // The object form carries the same repaired text.
  boost::json::object o = VerdictToJsonObject(v);
  EXPECT_EQ(o.at("reasons").at(0).at("evidence"), r.at("evidence"));
  EXPECT_EQ(o.at("reasons").at(0).at("detail"), r.at("detail"));
}

}  // namespace
}  // namespace counterfoil::screening
