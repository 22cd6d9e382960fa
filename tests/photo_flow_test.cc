// Photo matching end to end over real HTTP (issue 4): a rights holder
// registers a reference photo → a listing carries an edited copy (resized,
// recompressed, mirrored) → the reviewer sees the listing photo beside the
// reference with the distance → confirms the takedown → the photo enters
// the stay-down bank → a re-upload by another seller is caught. Also: the
// brand's authorised seller using the official photo is not flagged,
// photos are served only to those who may see them, the banks survive a
// restart, and coalition banks round-trip through CSV.
#include <chrono>
#include <random>
#include <thread>

#include "imaging/bank_csv.h"
#include "imaging/photo_fingerprint.h"
#include "imaging/testing/test_images.h"
#include "tests/support/fixture.h"

namespace counterfoil::testing {
namespace {

using imaging::Image;

// Nearest-neighbour resize (a seller's thumbnail of the brand's photo).
Image Resize(const Image& in, int width, int height) {
  Image out;
  out.width = width;
  out.height = height;
  out.rgb.resize(out.pixel_count() * 3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const uint8_t* src = in.row(y * in.height / height) + 3 * (x * in.width / width);
      std::copy(src, src + 3, out.row(y) + 3 * x);
    }
  return out;
}

Image MirrorLeftRight(const Image& in) {
  Image out = in;
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x)
      std::copy(in.row(y) + 3 * x, in.row(y) + 3 * x + 3, out.row(y) + 3 * (in.width - 1 - x));
  return out;
}

std::string Bytes(const std::vector<uint8_t>& v) { return std::string(v.begin(), v.end()); }

class PhotoFlow : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    // The brand's official product photo, and a seller's edited copy of it.
    Image official = imaging::testing::SyntheticImage(480, 360);
    official_ = Bytes(imaging::testing::EncodeJpeg(official, {.quality = 95}));
    copy_ = Bytes(imaging::testing::EncodeJpeg(MirrorLeftRight(Resize(official, 320, 240)),
                                                {.quality = 60}));
    // An unrelated photo of the seller's own: blocks of random colours.
    Image own;
    own.width = 400;
    own.height = 300;
    own.rgb.resize(own.pixel_count() * 3);
    std::mt19937 rng(42);
    std::vector<uint8_t> blocks(50 * 38 * 3);
    for (auto& b : blocks) b = static_cast<uint8_t>(rng());
    for (int y = 0; y < own.height; ++y)
      for (int x = 0; x < own.width; ++x)
        std::copy_n(&blocks[((y / 8) * 50 + x / 8) * 3], 3, own.row(y) + 3 * x);
    own_ = Bytes(imaging::testing::EncodeJpeg(own));
  }

  // Registers acme's protection data with the reference photo; returns its sha256.
  std::string RegisterReference() {
    std::string sha = UploadBlob(keys_.acme, official_, "reference_photo");
    Reply put = Call("PUT", "/v1/organisations/acme/protection", keys_.acme,
                     json::object{{"brand_terms", json::array{"acme"}},
                                  {"categories", json::array{"home-appliances"}},
                                  {"authorized_sellers", json::array{"acme-official"}},
                                  {"products", json::array{json::object{
                                                   {"name", "StormJet hair dryer"},
                                                   {"terms", json::array{"stormjet"}},
                                                   {"msrp", json::object{{"amount", 400.0},
                                                                         {"currency", "USD"}}}}}},
                                  {"reference_images", json::array{sha}}});
    EXPECT_EQ(put.status, 200) << put;
    app_->screening().RunPass();  // the rule set (and its photo digest) now
    return sha;
  }
  // No brand named: only the photo can tell. Each listing's text is its own
  // (the text stay-down bank would otherwise catch a re-upload by its words).
  json::object Listing(const std::string& id, const std::string& seller, double price = 150) {
    static const char* const kTexts[][2] = {
        {"Hair dryer 2000W ionic, fast drying", "Professional dryer with two nozzles."},
        {"Compact travel blower, foldable handle", "Light enough for a weekend bag."},
        {"Salon quality styling tool in gift box", "Ideal present, ships the same day."},
        {"Quiet bathroom appliance with diffuser", "Gentle on curls, three heat levels."},
        {"Cordless beauty gadget, USB charging", "Runs forty minutes on one charge."},
        {"Wall mounted dryer for hotels and gyms", "Bracket and screws included."}};
    const auto& text = kTexts[texts_++ % 6];
    (void)id;
    return json::object{{"seller_id", seller},
                        {"title", text[0]},
                        {"description", text[1]},
                        {"category", "beauty"},
                        {"price", json::object{{"amount", price}, {"currency", "USD"}}}};
  }
  Reply PushWithPhoto(const std::string& id, const std::string& seller, const std::string& photo) {
    Reply pushed = Call("PUT", "/v1/listings/" + id, keys_.taobao, Listing(id, seller));
    EXPECT_EQ(pushed.status, 201) << pushed;
    EXPECT_EQ(pushed.Str("/screening/decision"), "allow") << pushed;
    return CallRaw("POST", "/v1/listings/" + id + "/photos", keys_.taobao, photo, "image/jpeg");
  }
  const json::object* PhotoMatch(const Reply& hit, std::string_view bank_kind) {
    const json::value* matches = hit.body.as_object().if_contains("photo_matches");
    if (!matches || !matches->is_array()) return nullptr;
    for (const auto& m : matches->as_array())
      if (m.at("bank_kind") == json::value(bank_kind)) return &m.as_object();
    return nullptr;
  }

  std::string official_, copy_, own_;
  int texts_ = 0;
};

TEST_F(PhotoFlow, ReferenceToReviewToTakedownToStayDownToReupload) {
  SeedScreening();
  std::string reference = RegisterReference();
  Reply banks = Get(keys_.acme, "/v1/photo-banks");
  ASSERT_EQ(banks.status, 200) << banks;
  ASSERT_EQ(banks.Items().size(), 1u) << banks;  // its own reference bank only
  EXPECT_EQ(banks.Items()[0].at("id"), "reference:acme") << banks;
  EXPECT_GE(banks.Items()[0].at("indexed").as_int64(), 1) << banks;
  EXPECT_EQ(banks.Items()[0].at("radius"), 31) << banks;

  // A listing with an edited copy of the reference photo and no brand named.
  Reply added = PushWithPhoto("t-photo-1", "s1", copy_);
  ASSERT_EQ(added.status, 201) << added;
  EXPECT_EQ(added.Str("/screening/decision"), "review") << added;
  std::string hit_id = added.Str("/screening/hit_id");
  ASSERT_FALSE(hit_id.empty()) << added;
  ASSERT_EQ(added.At("/photos").as_array().size(), 1u) << added;
  std::string photo = added.Str("/photos/0/sha256");

  // The reviewer sees the listing photo beside the reference, with the distance.
  Reply hit = Get(keys_.reviewer, "/v1/screening/hits/" + hit_id);
  ASSERT_EQ(hit.status, 200) << hit;
  EXPECT_EQ(hit.At("/rights_holder_ids"), (json::array{"acme"})) << hit;
  const json::object* match = PhotoMatch(hit, "reference");
  ASSERT_NE(match, nullptr) << hit;
  EXPECT_EQ(match->at("photo"), json::value(photo));
  EXPECT_EQ(match->at("reference"), json::value(reference));
  EXPECT_LE(match->at("distance").as_int64(), 31) << hit;
  EXPECT_EQ(match->at("variant"), "flipy") << hit;  // mirrored left-right
  std::string photo_url = std::string(match->at("photo_url").as_string());
  std::string reference_url = std::string(match->at("reference_url").as_string());
  Reply listing_photo = Get(keys_.reviewer, photo_url);
  ASSERT_EQ(listing_photo.status, 200);
  EXPECT_EQ(listing_photo.text, copy_);
  EXPECT_EQ(listing_photo.Header("content-type"), "image/jpeg");
  Reply reference_photo = Get(keys_.reviewer, reference_url);
  ASSERT_EQ(reference_photo.status, 200);
  EXPECT_EQ(reference_photo.text, official_);
  // The rights holder sees its own photo match; others see nothing.
  EXPECT_EQ(Get(keys_.acme, reference_url).status, 200);
  EXPECT_EQ(Get(keys_.acme, photo_url).status, 200);
  EXPECT_EQ(Get(keys_.rival, reference_url).status, 404);
  EXPECT_EQ(Get(keys_.rival, photo_url).status, 404);
  EXPECT_EQ(Get(keys_.s1, photo_url).status, 404);
  EXPECT_EQ(Get(keys_.taobao, reference_url).status, 404);
  EXPECT_EQ(Get(keys_.reviewer, "/v1/screening/hits/" + hit_id + "/photos/" +
                                    std::string(64, 'a')).status,
            404);

  // Takedown: the listing is removed and its photo joins the stay-down bank.
  Reply confirmed = Call("POST", "/v1/screening/hits/" + hit_id + "/confirm", keys_.reviewer,
                         json::object{{"note", "The brand's photo, mirrored and resized."}});
  ASSERT_EQ(confirmed.status, 200) << confirmed;
  EXPECT_EQ(Get(keys_.admin, "/v1/listings/t-photo-1").Str("/status"), "removed");
  Reply all = Get(keys_.admin, "/v1/photo-banks");
  ASSERT_EQ(all.status, 200) << all;
  bool stay_down = false;
  for (const auto& b : all.Items())
    if (b.at("id") == "stay_down") stay_down = b.at("indexed").as_int64() >= 1;
  EXPECT_TRUE(stay_down) << all;

  // Another seller re-uploads the same photo: caught, linked to the takedown.
  Reply again = PushWithPhoto("t-photo-2", "s2", copy_);
  ASSERT_EQ(again.status, 201) << again;
  EXPECT_EQ(again.Str("/screening/decision"), "review") << again;
  Reply second = Get(keys_.reviewer, "/v1/screening/hits/" + again.Str("/screening/hit_id"));
  const json::object* staydown = PhotoMatch(second, "stay_down");
  ASSERT_NE(staydown, nullptr) << second;
  EXPECT_EQ(staydown->at("distance"), 0) << second;
  EXPECT_EQ(staydown->at("label"), json::value("hit:" + hit_id)) << second;
  bool detail = false;
  for (const auto& r : second.At("/verdict/reasons").as_array())
    if (r.at("code") == "photo_match" &&
        std::string(r.at("detail").as_string()).find("removed by hit:" + hit_id) !=
            std::string::npos)
      detail = true;
  EXPECT_TRUE(detail) << second;

  // The seller's own photo is nothing like it.
  Reply own = PushWithPhoto("t-photo-3", "s2", own_);
  ASSERT_EQ(own.status, 201) << own;
  EXPECT_EQ(own.Str("/screening/decision"), "allow") << own.At("/screening");
  ExpectAuditChainIntact();
}

TEST_F(PhotoFlow, TheBrandsAuthorisedSellerUsesTheOfficialPhoto) {
  SeedScreening();
  RegisterReference();
  ASSERT_EQ(Call("PUT", "/v1/sellers/acme-official", keys_.taobao,
                 json::object{{"name", "Acme official store"}})
                .status,
            201);
  Reply added = PushWithPhoto("t-official-1", "acme-official", official_);
  ASSERT_EQ(added.status, 201) << added;
  EXPECT_EQ(added.Str("/screening/decision"), "allow") << added;
  // The same photo from anyone else is a hit.
  Reply other = PushWithPhoto("t-official-2", "s1", official_);
  EXPECT_EQ(other.Str("/screening/decision"), "review") << other;
}

TEST_F(PhotoFlow, ReferencePhotosChangedLaterRescreenExistingListingsAndSurviveARestart) {
  SeedScreening();
  // The listing comes first; the brand registers its photo afterwards.
  Reply added = PushWithPhoto("t-early-1", "s1", copy_);
  ASSERT_EQ(added.status, 201) << added;
  EXPECT_EQ(added.Str("/screening/decision"), "allow") << added;
  RegisterReference();
  app_->screening().RunPass();  // the re-screening job
  EXPECT_EQ(Get(keys_.admin, "/v1/listings/t-early-1").Str("/screening/decision"), "review");

  // After a restart the banks are rebuilt from storage.
  app_->Stop();
  app_.reset();
  auto reopened = api::App::Open(config_, &clock_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  app_ = std::move(reopened).value();
  ASSERT_TRUE(app_->Start(/*jobs=*/false).ok());
  Reply later = PushWithPhoto("t-late-1", "s2", copy_);
  EXPECT_EQ(later.Str("/screening/decision"), "review") << later;

  // Removing the reference photo empties the bank.
  ASSERT_EQ(Call("PUT", "/v1/organisations/acme/protection", keys_.acme,
                 json::object{{"brand_terms", json::array{"acme"}}})
                .status,
            200);
  Reply banks = Get(keys_.acme, "/v1/photo-banks");
  ASSERT_EQ(banks.Items().size(), 1u) << banks;
  EXPECT_EQ(banks.Items()[0].at("entries"), 0) << banks;
}

TEST_F(PhotoFlow, CoalitionBanksRoundTripThroughCsvWithTheirOwnRadius) {
  SeedScreening();
  auto fp = imaging::FingerprintPhoto(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(official_.data()), official_.size()));
  ASSERT_TRUE(fp.ok());
  imaging::BankCsvRow row;
  row.hash = fp->whole[imaging::Dihedral::kOriginal];
  row.quality = fp->whole.quality;
  row.bank = "acg-watch";
  row.label = "StormJet, front (ACG watch list)";
  row.rights_holder = "acme";
  imaging::BankCsvRow flat = row;
  flat.quality = 20;  // kept, not indexed
  flat.label = "flat";
  flat.hash = imaging::Hash256({1, 2, 3, 4});
  std::string csv = imaging::FormatBankCsv({row, flat});
  Reply imported = CallRaw("POST", "/v1/photo-banks/import", keys_.admin, csv, "text/csv");
  ASSERT_EQ(imported.status, 200) << imported;
  EXPECT_EQ(imported.At("/rows"), 2);
  EXPECT_EQ(imported.At("/indexed"), 1);
  EXPECT_EQ(imported.At("/banks_created"), (json::array{"acg-watch"}));
  // Importing the same file again changes nothing.
  StateCounts before = CountState();
  ASSERT_EQ(CallRaw("POST", "/v1/photo-banks/import", keys_.admin, csv, "text/csv").status, 200);
  EXPECT_EQ(CountState().photo_hashes, before.photo_hashes);

  Reply exported = Get(keys_.admin, "/v1/photo-banks/acg-watch/export");
  ASSERT_EQ(exported.status, 200) << exported;
  EXPECT_EQ(exported.Header("content-type"), "text/csv; charset=utf-8");
  auto rows = imaging::ParseBankCsv(exported.text);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);

  // A listing with the photo is caught through the shared bank.
  app_->screening().RunPass();
  Reply caught = PushWithPhoto("t-acg-1", "s1", copy_);
  EXPECT_EQ(caught.Str("/screening/decision"), "review") << caught;
  // A radius of 0 admits only exact copies: the edited copy passes.
  Reply put = Call("PUT", "/v1/photo-banks/acg-watch", keys_.admin,
                   json::object{{"radius", 0}, {"owner_org_id", "pubcoal"}});
  ASSERT_EQ(put.status, 200) << put;
  EXPECT_EQ(put.At("/radius"), 0);
  Reply strict = PushWithPhoto("t-acg-2", "s1", copy_);
  EXPECT_EQ(strict.Str("/screening/decision"), "allow") << strict;
  // The coalition sees its bank; another rights holder does not.
  EXPECT_EQ(Get(keys_.coalition, "/v1/photo-banks/acg-watch/export").status, 200);
  EXPECT_EQ(Get(keys_.rival, "/v1/photo-banks/acg-watch/export").status, 404);
}

}  // namespace
}  // namespace counterfoil::testing
