// The screening engine: every listing checked against all protection data
// before it goes online.
//
// A Catalogue (what rights holders registered, plus the operator's category
// bans and term lists) is compiled once into an immutable RuleSet: brand terms,
// product terms, titles of protected works and context phrases become literal
// patterns of one Vectorscan database, matched against the listing's
// normalised text (see normalize.h). Screening a listing is then one scan plus
// a scorer that weighs the evidence: disguised brand names, prices far below
// MSRP, suspicious terms, authorised sellers, the brand's categories,
// compatibility phrases, ISBNs of protected works, category bans, seller
// history and the stay-down bank of removed listings.
//
//   ASSIGN_OR_RETURN(std::shared_ptr<const RuleSet> rules, RuleSet::Compile(catalogue));
//   Verdict v = rules->Screen(listing, {.seller = history, .stay_down = &bank});
//   if (v.decision == Decision::kBlock) ...
//
// The engine does no I/O: the caller hands it the catalogue, the listing and,
// for a fast restart, the bytes of a database it compiled before
// (SerializedDatabase / CompileOptions::cached_database).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace counterfoil::screening {

class StayDownBank;

struct Money {
  double amount = 0;
  std::string currency = "USD";
};

// ------------------------------------------------------------------ catalogue

struct ProductRule {
  std::string name;
  std::vector<std::string> terms;  // "air max", "v11"; matched as words
  std::optional<Money> msrp;
};

struct ProtectedWork {
  std::string title;
  std::string isbn13;  // 13 digits, no separators; may be empty (title only)
  std::optional<Money> list_price;
};

struct RightsHolderRules {
  std::string id;  // rights holder (organisation) id, quoted in reasons
  std::string name;
  std::vector<std::string> brand_terms;  // "dyson", "louis vuitton", "戴森"
  // Product categories of the brand ("bags", "auto-parts/lubricants"); a
  // listing is in one when its category equals it or lies below it.
  std::vector<std::string> categories;
  std::vector<ProductRule> products;
  std::vector<std::string> authorized_sellers;  // seller ids, any marketplace
  std::vector<ProtectedWork> works;
  std::vector<std::string> isbn_prefixes;  // "978019": ISBN-13 digit prefixes
  // The brand name is an everyday word (Apple, Dove, Coach, Shell): it only
  // counts in the brand's categories. Also set automatically for brand terms
  // found in CompileOptions::common_words.
  bool common_word = false;
};

struct CategoryBan {
  std::string id;
  std::vector<std::string> categories;
  std::vector<std::string> terms;
  std::string reason;  // e.g. "unsafe_and_prohibited_products"
};

struct Catalogue {
  std::vector<RightsHolderRules> rights_holders;
  std::vector<CategoryBan> category_bans;
  std::vector<std::string> suspicious_terms;  // "replica", "1:1", "super copy"
  std::vector<std::string> piracy_terms;      // "pdf", "instant download"
};

// --------------------------------------------------------------- the listing

// A listing photo that matched a bank of photo hashes (imaging/photo_bank.h):
// the engine does no image work; the caller hashes the photos and hands the
// matches in, and the engine weighs them with the rest of the evidence.
struct PhotoMatch {
  std::string photo;          // the listing's photo (path, URL or blob SHA-256)
  std::string bank;           // the bank's id
  std::string bank_kind;      // "reference" | "stay_down" | "shared"
  std::string rights_holder;  // whose photo it matched; may be empty (a shared bank)
  std::string reference;      // the matched entry's photo or id
  std::string label;          // the matched entry's label
  std::string source;         // stay-down: the decision that removed the original ("hit:…")
  int distance = 0;           // Hamming distance of the PDQ hashes, 0..256
  int radius = 31;            // the bank's match radius
  std::string variant;        // "original", "flipy" (mirrored), "rotate90", …
};

struct Listing {
  std::string id;
  std::string marketplace;
  std::string seller_id;
  std::string title;
  std::string description;
  std::string category;
  std::optional<Money> price;
  std::vector<std::string> images;
  std::string ship_from;
  // Photo matches against the banks, found by the caller (see PhotoMatch).
  std::vector<PhotoMatch> photo_matches;
};

// What the platform knows about the seller (from the enforcement records).
struct SellerHistory {
  int active_strikes = 0;
  bool suspended = false;
  int earlier_removals = 0;  // listings removed before (notices or screening)
};

// Scores at or above `block` block the listing; at or above `review` send it
// to the reviewer's queue. Configurable per marketplace.
struct Thresholds {
  double block = 0.9;
  double review = 0.5;
};

struct ScreenContext {
  SellerHistory seller;
  Thresholds thresholds;
  const StayDownBank* stay_down = nullptr;  // may be null; read under its own lock
};

// ------------------------------------------------------------------- verdict

enum class Decision { kAllow, kReview, kBlock };
std::string_view DecisionName(Decision d);

// Reason codes (stable, used in per-rule statistics):
//   brand_term        a rights holder's brand named (detail says how it was disguised)
//   brand_disguised   the brand name was disguised (leetspeak, separators, look-alikes...)
//   price_below_msrp  priced far below the product's MSRP
//   suspicious_term   "replica", "1:1", ...
//   isbn              a protected work's ISBN or a publisher's ISBN prefix
//   work_title        the title of a protected work
//   piracy_term       "pdf", "instant download", ...
//   price_below_list  a protected work priced far below its list price
//   category_ban      a banned category or one of its terms
//   seller_history    strikes, suspension or earlier removals
//   stay_down         reworded re-upload of a removed listing
//   photo_match       a listing photo matches a rights holder's reference photo,
//                     a shared bank or the stay-down bank of removed listings'
//                     photos (ref: the matched photo; detail: bank and distance)
// and, lowering the score: authorized_seller, compatibility, second_hand.
struct Reason {
  std::string code;
  std::string rights_holder;  // empty for platform rules
  std::string detail;         // human-readable: "\"dys0n\" reads as DYSON"
  std::string evidence;       // the seller's own words, quoted from the original text
  std::string ref;            // what was matched: a product, an ISBN, a ban id, a stay-down source
  double weight = 0;          // contribution to the score (negative for mitigating reasons)
};

struct Verdict {
  std::string listing_id;
  Decision decision = Decision::kAllow;
  double score = 0;
  std::vector<Reason> reasons;
  // Set by the server (and `counterfoil screen --data`) when the rules found
  // something in content a person had already cleared: the decision is then
  // allow and this names the screening hit they decided. The engine itself
  // never sets it.
  std::string cleared_by;
};

// ------------------------------------------------------------------ rule set

struct CompileOptions {
  // Lower-case everyday words (a dictionary); brand terms among them become
  // category-restricted. Null means DefaultCommonWords().
  const std::vector<std::string>* common_words = nullptr;
  // Close misspellings (one edit) are matched for brand terms of at least
  // this many letters.
  size_t fuzzy_min_length = 7;
  // Bytes from an earlier SerializedDatabase() for the same catalogue
  // (same Key()); used instead of compiling when they fit.
  std::string_view cached_database;
};

class RuleSet {
 public:
  // Compiles the catalogue. kInvalidArgument names the offending entry
  // ("/rights_holders/3/brand_terms/0") when a term is empty after
  // normalisation. Thread-safe; the result is immutable.
  static Result<std::shared_ptr<const RuleSet>> Compile(const Catalogue& catalogue,
                                                        const CompileOptions& options = {});

  // A stable digest of the compiled literal set and the engine version
  // (bumped whenever normalisation or matching changes meaning): the cache
  // key of the serialised database. Scores also depend on prices, sellers and
  // categories, which the key does not cover.
  static std::string Key(const Catalogue& catalogue);

  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  // Screens one listing. Thread-safe (per-thread scratch space is allocated
  // on first use). Never fails: text the engine cannot read is skipped.
  Verdict Screen(const Listing& listing, const ScreenContext& context = {}) const;

  // The compiled Vectorscan database, for the on-disk cache.
  std::string SerializedDatabase() const;
  const std::string& key() const;
  bool loaded_from_cache() const;
  size_t pattern_count() const;
  // The literals of the Vectorscan database, as scanned (normalised views),
  // one per pattern: what a raw scan of the same literals compiles.
  std::vector<std::string> Literals() const;
  size_t rights_holder_count() const;

  struct Impl;

 private:
  explicit RuleSet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The built-in dictionary of everyday English words (from Debian's wamerican
// word list, embedded at build time), lower case, sorted.
const std::vector<std::string>& DefaultCommonWords();

}  // namespace counterfoil::screening
