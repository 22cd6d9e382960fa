// A deterministic generator of screening workloads: a large protection
// catalogue (by default 50,000 brand terms from 10,000 rights holders) and any
// number of marketplace listings of about 1 KB, of which a few percent name a
// brand, plainly or disguised the way counterfeiters do.
//
//   ScreeningData data({.seed = 7});              // builds the catalogue
//   const screening::Catalogue& c = data.catalogue();
//   std::string jsonl;
//   for (int64_t i = 0; i < 1000; ++i) AppendListingJson(data.MakeListing(i), &jsonl);
//   RETURN_IF_ERROR(data.WriteFiles("/tmp/screening-bench", 1000000));  // for the CLI
//
// Everything is a pure function of the options: listing i depends only on
// (seed, i), so chunks can be generated on demand, in any order, on any
// thread, and the same run can be repeated byte for byte. The random numbers
// come from SplitMix64 and our own integer/real mappings (not <random>'s
// distributions, which differ between standard libraries).
//
// What is synthetic and how (bench/README.md and src/screening/README.md
// describe it for readers of the figures):
//   - brand names are pronounceable syllable strings ("velmora", "krastiq"),
//     some of two words ("velmora home"), about a third with a CJK name of
//     three ideographs, and 2% everyday English words ("harbor") that only
//     count in the brand's categories;
//   - each rights holder has 1 to 12 brand terms (product lines, sub-brands),
//     1 to 5 products with model terms and an MSRP, 1 or 2 categories and 1
//     to 3 authorised sellers; some holders are publishers with works (valid
//     ISBN-13s under their own prefix) and list prices;
//   - the operator's category bans, suspicious terms and piracy terms;
//   - listings: English (90%) or Chinese (10%) product text built from a
//     marketplace vocabulary, with prices, categories and sellers; by default
//     3% name a brand (plain, leetspeak, separators, look-alike letters,
//     glued, full-width or zero-width, misspelt, CJK), 0.3% offer a protected
//     work (ISBN or title, piracy terms), 0.1% touch a category ban.
// Thread-safe after construction (all methods are const).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "screening/engine.h"

namespace counterfoil::bench {

struct ScreeningDataOptions {
  uint64_t seed = 20261123;
  int rights_holders = 10000;
  int brand_terms = 50000;  // in total, over all rights holders
  int publishers = 60;      // of the rights holders
  // Shares of listings (the rest are ordinary listings that name no brand).
  double brand_share = 0.03;
  double piracy_share = 0.003;
  double banned_share = 0.001;
  double chinese_share = 0.10;  // listings written in Chinese
  int listing_bytes = 1024;     // approximate size of a listing's JSON line
  int sellers = 200000;         // size of the marketplace's seller pool
};

// What the generator put into a listing (for sanity checks and breakdowns;
// not a label set for accuracy, which shared/testdata/screening covers).
enum class ListingKind : uint8_t {
  kOrdinary,
  kBrandPlain,
  kBrandLeet,
  kBrandSeparators,
  kBrandConfusable,
  kBrandGlued,
  kBrandWidthOrZeroWidth,
  kBrandMisspelt,
  kBrandCjk,
  kPiracy,
  kBanned,
};
std::string_view ListingKindName(ListingKind kind);
inline constexpr int kListingKindCount = 11;

class ScreeningData {
 public:
  explicit ScreeningData(ScreeningDataOptions options = {});

  const ScreeningDataOptions& options() const { return options_; }
  const screening::Catalogue& catalogue() const { return catalogue_; }
  // Number of brand terms in the catalogue (== options().brand_terms).
  size_t brand_term_count() const;

  // The catalogue in the bulk-import format of DESIGN.md (what
  // `counterfoil screen --catalog` and `counterfoil import` read). Publishers'
  // works are copyright rights; brand owners carry no rights entries.
  std::string CatalogueJson() const;

  // Listing `index`, a pure function of (seed, index).
  screening::Listing MakeListing(int64_t index, ListingKind* kind = nullptr) const;

  // Writes catalog.json and listings.jsonl (`listings` lines) into `dir`,
  // creating it. kUnavailable when a file cannot be written.
  Status WriteFiles(const std::string& dir, int64_t listings) const;

 private:
  ScreeningDataOptions options_;
  screening::Catalogue catalogue_;
  std::vector<int> brand_indices_;      // rights holders that are brand owners
  std::vector<int> publisher_indices_;  // ... and publishers (with works)
};

// Appends `listing` as one JSON line (DESIGN.md listing format, '\n' at the end).
void AppendListingJson(const screening::Listing& listing, std::string* out);
// Appends `s` as a JSON string literal (quotes included).
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace counterfoil::bench
