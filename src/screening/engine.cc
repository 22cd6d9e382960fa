#include "screening/engine.h"

#include <hs/hs.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "common/crypto.h"
#include "screening/isbn.h"
#include "screening/normalize.h"
#include "screening/stay_down.h"

namespace counterfoil::screening {

namespace internal {
extern const std::string_view kCommonWordsData;
}

namespace {

// Bumped whenever normalisation or the literal set changes meaning, so that a
// database cached on disk by an older engine is never loaded.
constexpr std::string_view kEngineVersion = "screening-engine/2";
constexpr std::string_view kCacheMagic = "CFSCREEN1\n";
// Listings longer than this are screened on their first 64 KiB.
constexpr size_t kMaxTextBytes = 64 * 1024;
// Misspelt brand names are looked for in the title and the first this many
// words of the description.
constexpr size_t kMisspellingDescriptionWords = 40;

// ------------------------------------------------------------ phrase lists

// Phrases that make a brand mention referential: an accessory that fits the
// brand's product, or a seller saying it is not the brand. They govern a brand
// named within kGovernWords words after them ("compatible with Dyson V11",
// "适用于戴森"). Nominative use of a mark to describe compatibility is lawful
// (e.g. EU Trade Mark Regulation art. 14(1)(c); US nominative fair use, New
// Kids on the Block v. News America, 971 F.2d 302 (9th Cir. 1992)).
struct GoverningPhrase {
  std::string_view text;
  uint32_t reach;  // words allowed between the phrase and the brand
};
constexpr GoverningPhrase kCompatibilityPhrases[] = {
    {"compatible with", 3}, {"compatible for", 3}, {"compatible", 2}, {"replacement for", 3},
    {"replacement", 2}, {"fits", 3}, {"fit for", 3}, {"for use with", 3}, {"works with", 3},
    {"designed for", 3}, {"suitable for", 3}, {"spare part for", 3}, {"adapter for", 3},
    {"refill for", 3}, {"for", 0}, {"compatible avec", 3}, {"compatible con", 3},
    {"compatibile con", 3}, {"kompatibel mit", 3}, {"passend für", 3}, {"geeignet für", 3},
    {"pour", 0}, {"für", 0}, {"适用于", 3}, {"适用", 3}, {"兼容", 3}, {"适配", 3},
    {"替换", 3}, {"可替换", 3}, {"配件", 3}, {"适合", 1}};
constexpr GoverningPhrase kDisclaimerPhrases[] = {
    {"not made by", 1}, {"not affiliated with", 1}, {"no affiliation with", 1},
    {"not endorsed by", 1}, {"not associated with", 1}, {"unofficial", 1}, {"非原装", 1},
    {"非官方", 1}};
// Words counterfeit and pirate sellers use, in English and Chinese. The
// operator's lists (Catalogue::suspicious_terms, piracy_terms) add to these.
constexpr std::string_view kDefaultSuspiciousTerms[] = {
    "replica", "replicas", "knockoff", "knock off", "counterfeit", "fake", "super copy",
    "1:1", "mirror quality", "aaa quality", "high copy", "top copy", "高仿", "仿品", "复刻",
    "精仿", "a货", "超a", "1比1"};
constexpr std::string_view kDefaultPiracyTerms[] = {
    "pdf", "epub", "ebook", "e-book", "digital copy", "instant download", "photocopy",
    "photocopied", "scanned copy", "电子版", "影印", "复印版"};
// Second-hand goods: the rights in a genuine item are exhausted once it was
// put on the market by the owner (EU TMR art. 15; US first-sale doctrine), so
// resale at a real price is legitimate.
constexpr std::string_view kSecondHandPhrases[] = {
    "used", "second hand", "secondhand", "pre owned", "preowned", "pre loved", "preloved",
    "like new", "二手", "闲置", "九成新"};

// -------------------------------------------------------------- weights

// Evidence weights, combined as a noisy-OR (1 - prod(1 - w)): independent
// signals reinforce each other, no single weak one decides. With the default
// thresholds (review 0.5, block 0.9) a brand named plainly at a normal price
// is allowed, a brand with one strong signal (a counterfeit term, a price
// under a quarter of MSRP, a disguised name) is reviewed, and only several
// strong signals together block.
struct Weights {
  static constexpr double kBrandMention = 0.20;
  static constexpr double kDisguised = 0.55;    // leetspeak, look-alikes, hidden or spaced letters
  static constexpr double kGlued = 0.40;        // "veltronastyle": a long name glued to a word
  static constexpr double kGluedShort = 0.25;   // "nikes", "novatech": short names glue by chance
  static constexpr double kMisspelled = 0.35;   // one edit from a long brand name
  static constexpr double kSuspicious = 0.65;   // "replica", "1:1"
  static constexpr double kPriceFar = 0.65;     // < 25% of the product's MSRP
  static constexpr double kPriceLow = 0.45;     // < 40%
  static constexpr double kPriceBelow = 0.20;   // < 60%
  static constexpr double kBrandPriceFar = 0.35;  // no product named: < 25% of the brand's cheapest
  static constexpr double kIsbnWork = 0.35;
  static constexpr double kIsbnPrefix = 0.20;
  static constexpr double kWorkTitle = 0.35;
  static constexpr double kPiracyTerm = 0.60;
  static constexpr double kListFar = 0.50;      // < 15% of the list price
  static constexpr double kListLow = 0.30;      // < 30%
  static constexpr double kBanCategory = 0.90;
  static constexpr double kBanTermTitle = 0.70;
  static constexpr double kBanTermText = 0.50;
  static constexpr double kBanTermNearCategory = 0.50;
  static constexpr double kStayDown = 0.75;
  static constexpr double kStayDownWeak = 0.60;
  static constexpr double kSellerSuspended = 0.30;
  static constexpr double kSellerStrikes = 0.20;
  static constexpr double kSellerRemovals = 0.10;
  static constexpr double kSecondHand = -0.5;   // halves the score
  // A listing photo within a bank's radius of a rights holder's reference
  // photo or a removed listing's photo. PDQ's own threshold (31 of 256 bits)
  // keeps false matches of unrelated photos rare, and the closer the match
  // the less likely a coincidence; one photo match alone is worth a review,
  // with a counterfeit seller's word or a price far below MSRP a block.
  static constexpr double kPhotoClose = 0.75;  // within a third of the radius
  static constexpr double kPhotoMatch = 0.65;  // within two thirds
  static constexpr double kPhotoLoose = 0.55;  // within the radius
};

enum class PatternKind : uint8_t {
  kBrand,
  kWorkTitle,
  kSuspicious,
  kPiracy,
  kBanTerm,
  kCompatibility,
  kDisclaimer,
  kSecondHand,
};

struct PatternRef {
  PatternKind kind;
  uint32_t owner;  // rights holder or ban index
  uint32_t item;   // brand term, product or work index
};

struct Literal {
  std::string text;  // the normalised view
  std::vector<PatternRef> refs;
  std::string term;  // as first registered ("replica", "1:1"), for reasons
};

struct HolderRules {
  RightsHolderRules source;
  bool common_word = false;
  std::vector<std::string> categories;  // lower case
  std::unordered_set<std::string> authorized;
  double min_msrp = 0;
  std::string min_msrp_currency;
  // The normalised terms of the products, with the product each names.
  // They are not in the Vectorscan database: a product name only matters
  // beside its own brand, so they are looked for in the view of the few
  // listings that name the brand (a third fewer literals to scan for).
  std::vector<std::pair<std::string, uint32_t>> product_views;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool InCategory(std::string_view listing_category, std::string_view category) {
  if (listing_category.size() < category.size()) return false;
  if (listing_category.substr(0, category.size()) != category) return false;
  return listing_category.size() == category.size() || listing_category[category.size()] == '/';
}

std::string_view TopLevel(std::string_view category) {
  return category.substr(0, category.find('/'));
}

std::string Squeeze(std::string_view view) {
  std::string out;
  for (char c : view) {
    if (c != ' ') out.push_back(c);
  }
  return out;
}

bool IsLatinTerm(std::string_view view) {
  return !view.empty() && static_cast<unsigned char>(view[0]) < 0x80;
}

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == ' '; });
}

// Polynomial hash (mod 2^64) of a string: H(s) = sum s[i] * B^(n-1-i). It
// composes, so the hashes of all one-deletion variants of a word come from its
// prefix and suffix hashes in one pass: H(s without i) = H(s[0,i)) * B^(n-1-i)
// + H(s[i+1,n)).
constexpr uint64_t kPolyBase = 0x100000001b3ULL;


// Appends to `out` the hash of `s` followed by the hashes of its one-deletion
// variants.
void DeletionHashes(std::string_view s, std::vector<uint64_t>& out) {
  constexpr size_t kMax = 64;  // longer words have no close brand name worth probing
  size_t n = std::min(s.size(), kMax);
  uint64_t prefix[kMax + 1], suffix[kMax + 1], power[kMax + 1];
  prefix[0] = 0;
  power[0] = 1;
  for (size_t i = 0; i < n; ++i) {
    prefix[i + 1] = prefix[i] * kPolyBase + static_cast<unsigned char>(s[i]);
    power[i + 1] = power[i] * kPolyBase;
  }
  suffix[n] = 0;
  for (size_t i = n; i-- > 0;) {
    suffix[i] = static_cast<unsigned char>(s[i]) * power[n - 1 - i] + suffix[i + 1];
  }
  out.push_back(prefix[n]);
  for (size_t i = 0; i < n; ++i) out.push_back(prefix[i] * power[n - 1 - i] + suffix[i + 1]);
}

// Deletion hashes -> term ids as a flat sorted table, behind a two-probe
// blocked Bloom filter sized at 16 bits per key (a few percent false positives), so
// that a word of the listing that is near no brand name costs a few cache
// reads and no hash-table walk.
class MisspellingIndex {
 public:
  void Add(uint64_t hash, uint32_t id) { entries_.push_back({hash, id}); }
  void Build() {
    std::sort(entries_.begin(), entries_.end());
    entries_.erase(std::unique(entries_.begin(), entries_.end()), entries_.end());
    unsigned bits = 16;
    while ((size_t{1} << bits) < entries_.size() * 16 && bits < 30) ++bits;
    shift_ = 64 - (bits - 6);  // selects one 64-bit word of the filter
    filter_.assign((size_t{1} << bits) / 64, 0);
    for (const auto& [hash, id] : entries_) filter_[Word(hash)] |= Mask(hash);
  }
  bool empty() const { return entries_.empty(); }
  // Appends the ids stored under `hash` to `out` (without duplicates).
  void Find(uint64_t hash, std::vector<uint32_t>& out) const {
    if ((filter_[Word(hash)] & Mask(hash)) != Mask(hash)) return;
    auto it = std::lower_bound(entries_.begin(), entries_.end(), std::make_pair(hash, uint32_t{0}));
    for (; it != entries_.end() && it->first == hash; ++it) {
      if (std::find(out.begin(), out.end(), it->second) == out.end()) out.push_back(it->second);
    }
  }

 private:
  // A blocked Bloom filter (Putze, Sanders & Singler 2007): both probe bits
  // live in one 64-bit word, so a lookup is one cache miss, not two.
  size_t Word(uint64_t h) const { return (h * 0x9e3779b97f4a7c15ULL) >> shift_; }
  static uint64_t Mask(uint64_t h) {
    uint64_t m = (h ^ (h >> 29)) * 0xd6e8feb86659fd93ULL;
    return (uint64_t{1} << (m >> 58)) | (uint64_t{1} << ((m >> 52) & 63));
  }

  std::vector<std::pair<uint64_t, uint32_t>> entries_;
  std::vector<uint64_t> filter_;
  unsigned shift_ = 48;
};

// A set of words by their 64-bit hashes in one open-addressed array: one
// cache miss per lookup, where a std::unordered_set<std::string> takes two
// or three. (Two different words sharing a 64-bit hash is left to chance:
// about 1 in 10^9 for a 100,000-word list.)
class WordHashSet {
 public:
  explicit WordHashSet(const std::unordered_set<std::string>& words) {
    size_t size = 16;
    while (size < words.size() * 2) size *= 2;
    slots_.assign(size, 0);
    mask_ = size - 1;
    for (const std::string& w : words) Insert(Hash(w));
  }
  bool Contains(std::string_view word) const { return ContainsHash(Hash(word)); }
  bool ContainsHash(uint64_t h) const {
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      if (slots_[i] == h) return true;
      if (slots_[i] == 0) return false;
    }
  }
  // Starts loading the slot of `h`, so that lookups of many words overlap
  // their cache misses instead of waiting for each in turn.
  void Prefetch(uint64_t h) const { __builtin_prefetch(&slots_[h & mask_]); }

  // Eight bytes per multiply (a word of the view is rarely longer than two
  // such steps), the last partial one assembled by shifts.
  static uint64_t Hash(std::string_view w) {
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ w.size();
    size_t i = 0;
    for (; i + 8 <= w.size(); i += 8) {
      uint64_t x;
      std::memcpy(&x, w.data() + i, 8);
      h = (h ^ x) * 0xbf58476d1ce4e5b9ULL;
      h ^= h >> 29;
    }
    if (i < w.size()) {
      uint64_t x = 0;
      for (size_t k = 0; i + k < w.size(); ++k) {
        x |= uint64_t{static_cast<unsigned char>(w[i + k])} << (8 * k);
      }
      h = (h ^ x) * 0xbf58476d1ce4e5b9ULL;
    }
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    return h == 0 ? 1 : h;
  }

 private:
  void Insert(uint64_t h) {
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      if (slots_[i] == h) return;
      if (slots_[i] == 0) {
        slots_[i] = h;
        return;
      }
    }
  }
  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
};

// Optimal string alignment distance (Damerau-Levenshtein without repeated
// edits of one substring), stopping early beyond 1.
bool WithinOneEdit(std::string_view a, std::string_view b) {
  if (a == b) return true;
  size_t la = a.size(), lb = b.size();
  if (la > lb + 1 || lb > la + 1) return false;
  size_t i = 0;
  while (i < la && i < lb && a[i] == b[i]) ++i;
  if (la == lb) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // substitution
    return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);  // transposition
  }
  if (la > lb) return a.substr(i + 1) == b.substr(i);
  return a.substr(i) == b.substr(i + 1);
}

std::string FormatMoney(double amount, std::string_view currency) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %.*s", amount, static_cast<int>(currency.size()),
                currency.data());
  return buf;
}

std::string Percent(double ratio) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", ratio * 100);
  return buf;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Builds the literal table from a catalogue. Literals are normalised views;
// identical literals share one entry with several references.
class LiteralTable {
 public:
  void Add(std::string_view term_utf8, PatternRef ref) {
    AddView(NormalizeTerm(term_utf8), ref, term_utf8);
  }
  void AddView(const std::string& view, PatternRef ref, std::string_view term = {}) {
    if (view.empty()) return;
    auto [it, inserted] = index_.try_emplace(view, literals_.size());
    if (inserted) literals_.push_back(Literal{view, {}, std::string(term.empty() ? view : term)});
    auto& refs = literals_[it->second].refs;
    bool dup = std::any_of(refs.begin(), refs.end(), [&](const PatternRef& r) {
      return r.kind == ref.kind && r.owner == ref.owner && r.item == ref.item;
    });
    if (!dup) refs.push_back(ref);
  }
  std::vector<Literal> Take() { return std::move(literals_); }
  const std::vector<Literal>& literals() const { return literals_; }

 private:
  std::unordered_map<std::string, size_t> index_;
  std::vector<Literal> literals_;
};

Result<std::vector<Literal>> BuildLiterals(const Catalogue& cat) {
  LiteralTable table;
  for (size_t h = 0; h < cat.rights_holders.size(); ++h) {
    const RightsHolderRules& r = cat.rights_holders[h];
    auto owner = static_cast<uint32_t>(h);
    for (size_t t = 0; t < r.brand_terms.size(); ++t) {
      std::string view = NormalizeTerm(r.brand_terms[t]);
      if (view.empty()) {
        return InvalidArgument("brand term \"" + r.brand_terms[t] + "\" of " + r.id +
                                   " has no letters or digits",
                               "/rights_holders/" + std::to_string(h) + "/brand_terms/" +
                                   std::to_string(t));
      }
      PatternRef ref{PatternKind::kBrand, owner, static_cast<uint32_t>(t)};
      table.AddView(view, ref, r.brand_terms[t]);
      // "louis vuitton" also as "louisvuitton", "ray-ban" as "rayban".
      std::string squeezed = Squeeze(view);
      if (squeezed != view) table.AddView(squeezed, ref, r.brand_terms[t]);
    }
    for (size_t w = 0; w < r.works.size(); ++w) {
      std::string view = NormalizeTerm(r.works[w].title);
      // A title of one short word would match ordinary text; titles are
      // matched when they have at least two words or eight letters.
      if (view.find(' ') != std::string::npos || view.size() >= 8) {
        table.AddView(view, {PatternKind::kWorkTitle, owner, static_cast<uint32_t>(w)}, r.works[w].title);
      }
    }
  }
  for (size_t b = 0; b < cat.category_bans.size(); ++b) {
    for (const std::string& term : cat.category_bans[b].terms) {
      table.Add(term, {PatternKind::kBanTerm, static_cast<uint32_t>(b), 0});
    }
  }
  for (const std::string& t : cat.suspicious_terms) table.Add(t, {PatternKind::kSuspicious, 0, 0});
  for (std::string_view t : kDefaultSuspiciousTerms) table.Add(t, {PatternKind::kSuspicious, 0, 0});
  for (const std::string& t : cat.piracy_terms) table.Add(t, {PatternKind::kPiracy, 0, 0});
  for (std::string_view t : kDefaultPiracyTerms) table.Add(t, {PatternKind::kPiracy, 0, 0});
  for (const GoverningPhrase& p : kCompatibilityPhrases) {
    table.Add(p.text, {PatternKind::kCompatibility, 0, p.reach});
  }
  for (const GoverningPhrase& p : kDisclaimerPhrases) {
    table.Add(p.text, {PatternKind::kDisclaimer, 0, p.reach});
  }
  for (std::string_view t : kSecondHandPhrases) table.Add(t, {PatternKind::kSecondHand, 0, 0});
  return table.Take();
}

std::string LiteralDigest(const std::vector<Literal>& literals) {
  std::string all(kEngineVersion);
  for (const Literal& l : literals) {
    all.push_back('\0');
    all.append(l.text);
  }
  return Sha256Hex(all);
}

std::shared_ptr<const WordHashSet> NormalizedWords(const std::vector<std::string>& words) {
  std::unordered_set<std::string> views;
  views.reserve(words.size());
  for (const std::string& w : words) views.insert(NormalizeTerm(w));
  return std::make_shared<const WordHashSet>(views);
}

std::shared_ptr<const WordHashSet> DefaultNormalizedWords() {
  static const auto* words =
      new std::shared_ptr<const WordHashSet>(NormalizedWords(DefaultCommonWords()));
  return *words;
}

// The whole word of the view around [begin, end).
std::string WordAround(std::string_view view, size_t begin, size_t end) {
  while (begin > 0 && view[begin - 1] != ' ') --begin;
  while (end < view.size() && view[end] != ' ') ++end;
  return std::string(view.substr(begin, end - begin));
}

struct HsDatabaseDeleter {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};

// Per-thread Vectorscan scratch, grown for whichever databases the thread
// has scanned.
// hs_alloc_scratch validates the whole database (a CRC over its bytes), so
// it is called only when the thread meets a rule set it has not scanned with.
struct ScratchHolder {
  hs_scratch_t* scratch = nullptr;
  uint64_t rule_set = 0;  // generation of the rule set the scratch was last checked for
  ~ScratchHolder() {
    if (scratch != nullptr) hs_free_scratch(scratch);
  }
};

struct Hit {
  uint32_t literal;
  uint32_t begin;  // in the normalised view
  uint32_t end;
};

int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to,
            unsigned int /*flags*/, void* ctx) {
  auto* hits = static_cast<std::vector<Hit>*>(ctx);
  hits->push_back({id, 0, static_cast<uint32_t>(to)});
  return 0;
}

// The evidence gathered for one case (a rights holder, a ban, the stay-down
// bank); its score is the noisy-OR of the positive weights, scaled by the
// mitigating ones.
struct Case {
  std::vector<Reason> reasons;
  double Score() const {
    double keep = 1, scale = 1;
    for (const Reason& r : reasons) {
      if (r.weight > 0) keep *= 1 - std::min(r.weight, 0.999);
      if (r.weight < 0) scale *= 1 + std::max(r.weight, -1.0);
    }
    return (1 - keep) * scale;
  }
  bool HasPositive() const {
    return std::any_of(reasons.begin(), reasons.end(), [](const Reason& r) { return r.weight > 0; });
  }
};

}  // namespace

std::string_view DecisionName(Decision d) {
  switch (d) {
    case Decision::kAllow: return "allow";
    case Decision::kReview: return "review";
    case Decision::kBlock: return "block";
  }
  return "allow";
}

const std::vector<std::string>& DefaultCommonWords() {
  static const std::vector<std::string>* words = [] {
    auto* v = new std::vector<std::string>();
    std::string_view data = internal::kCommonWordsData;
    size_t pos = 0;
    while (pos < data.size()) {
      size_t end = data.find('\n', pos);
      if (end == std::string_view::npos) end = data.size();
      if (end > pos) v->emplace_back(data.substr(pos, end - pos));
      pos = end + 1;
    }
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
    return v;
  }();
  return *words;
}

namespace {
std::atomic<uint64_t> next_generation{1};
}  // namespace

struct RuleSet::Impl {
  uint64_t generation = next_generation.fetch_add(1);
  std::string key;
  bool from_cache = false;
  // Two literal databases. `db` (cached on disk) holds what can open a case
  // by itself: brand names, titles of works, category-ban terms; every
  // listing is scanned with it. `context_db` holds the words that only weigh
  // inside a case (counterfeit sellers' words, piracy words, compatibility,
  // disclaimer and second-hand phrases); it is small, compiled each time,
  // and scanned only for the few listings that have something to weigh
  // ("for" alone would otherwise match most listings several times).
  std::unique_ptr<hs_database_t, HsDatabaseDeleter> db;
  std::unique_ptr<hs_database_t, HsDatabaseDeleter> context_db;
  std::vector<uint32_t> main_literals;  // ids in `db`, in order
  std::vector<Literal> literals;
  std::vector<uint32_t> literal_len;
  std::vector<HolderRules> holders;
  std::vector<CategoryBan> bans;
  std::vector<std::vector<std::string>> ban_categories;  // lower case
  std::unordered_map<std::string, std::vector<std::pair<uint32_t, uint32_t>>> works_by_isbn;
  std::vector<std::pair<std::string, uint32_t>> isbn_prefixes;  // prefix -> holder
  // Close misspellings: hash of each brand term and of each one-deletion
  // variant -> term (the symmetric-deletion method of SymSpell, Garbe 2012:
  // two strings within one edit share a deletion variant). Names of one word
  // are probed with single words of the listing, names of two words with
  // pairs of adjacent words.
  struct FuzzyTerm {
    std::string view;  // squeezed normalised term
    uint32_t holder, term;
    uint32_t first_len;  // two-word names: length of the first word; else 0
  };
  std::vector<FuzzyTerm> fuzzy_terms;
  MisspellingIndex single_index, pair_index;
  // The words of the two-word names, first and second: a pair of listing
  // words is probed only when one of them is spelt right in its place, which
  // the match requires anyway, so most pairs cost two set lookups, not a
  // dozen index probes.
  std::unique_ptr<WordHashSet> pair_firsts, pair_seconds;
  size_t fuzzy_min = 7, fuzzy_max = 0;  // squeezed lengths of the names indexed
  // Everyday words, normalised: a glued or misspelled brand inside one of
  // these is the word, not the brand ("pineapple", "channel").
  std::shared_ptr<const WordHashSet> common_views;

  std::shared_ptr<const std::vector<std::string>> lexicon;  // sorted lower-case words

  // True when `quote` (the seller's text) is an everyday word other than
  // the brand term as registered: "mall" must not read as a brand "Mail"
  // through the i/l fold.
  bool IsEverydayWordNotBrand(std::string_view quote, std::string_view term) const {
    std::string lower = Lower(quote), brand = Lower(term);
    if (lower == brand) return false;
    std::string squeezed;
    for (char c : brand) {
      if (c != ' ' && c != '-') squeezed.push_back(c);
    }
    if (lower == squeezed) return false;
    return std::binary_search(lexicon->begin(), lexicon->end(), lower);
  }

  Verdict Screen(const Listing& listing, const ScreenContext& ctx) const;
};

RuleSet::RuleSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RuleSet::~RuleSet() = default;

std::string RuleSet::Key(const Catalogue& catalogue) {
  auto literals = BuildLiterals(catalogue);
  if (!literals.ok()) return {};
  return LiteralDigest(*literals).substr(0, 32);
}

namespace {

bool IsContextKind(PatternKind kind) {
  switch (kind) {
    case PatternKind::kSuspicious:
    case PatternKind::kPiracy:
    case PatternKind::kCompatibility:
    case PatternKind::kDisclaimer:
    case PatternKind::kSecondHand:
      return true;
    case PatternKind::kBrand:
    case PatternKind::kWorkTitle:
    case PatternKind::kBanTerm:
      return false;
  }
  return false;
}

// A block-mode literal database of literals[ids] (match ids are the literal
// indices); case-sensitive, since the view is already folded.
Result<hs_database_t*> CompileLiterals(const std::vector<Literal>& literals,
                                       const std::vector<uint32_t>& ids) {
  std::vector<const char*> exprs;
  std::vector<size_t> lens;
  std::vector<unsigned> flags;
  for (uint32_t id : ids) {
    exprs.push_back(literals[id].text.data());
    lens.push_back(literals[id].text.size());
    flags.push_back(0);
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                           static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db,
                           &err) != HS_SUCCESS) {
    std::string message = err != nullptr && err->message != nullptr ? err->message : "unknown";
    int expression = err != nullptr ? err->expression : -1;
    hs_free_compile_error(err);
    return Status(StatusCode::kInternal,
                  "compiling the screening patterns failed: " + message +
                      (expression >= 0 ? " (pattern \"" + literals[ids[expression]].text + "\")"
                                       : std::string()));
  }
  return db;
}

}  // namespace

Result<std::shared_ptr<const RuleSet>> RuleSet::Compile(const Catalogue& catalogue,
                                                        const CompileOptions& options) {
  auto impl = std::make_unique<Impl>();
  ASSIGN_OR_RETURN(impl->literals, BuildLiterals(catalogue));
  impl->key = LiteralDigest(impl->literals).substr(0, 32);
  for (const Literal& l : impl->literals) impl->literal_len.push_back(static_cast<uint32_t>(l.text.size()));
  std::vector<uint32_t> context_literals;
  for (size_t i = 0; i < impl->literals.size(); ++i) {
    bool main = false, context = false;
    for (const PatternRef& ref : impl->literals[i].refs) (IsContextKind(ref.kind) ? context : main) = true;
    if (main) impl->main_literals.push_back(static_cast<uint32_t>(i));
    if (context) context_literals.push_back(static_cast<uint32_t>(i));
  }

  if (options.common_words != nullptr) {
    auto copy = std::make_shared<std::vector<std::string>>(*options.common_words);
    std::sort(copy->begin(), copy->end());
    impl->lexicon = std::move(copy);
  } else {
    static const auto* shared = new std::shared_ptr<const std::vector<std::string>>(
        &DefaultCommonWords(), [](const std::vector<std::string>*) {});
    impl->lexicon = *shared;
  }
  const std::vector<std::string>& words = *impl->lexicon;
  auto common_view = [&](const std::string& term) {
    return std::binary_search(words.begin(), words.end(), Lower(term));
  };

  std::vector<uint64_t> hashes;
  for (size_t h = 0; h < catalogue.rights_holders.size(); ++h) {
    const RightsHolderRules& r = catalogue.rights_holders[h];
    HolderRules rules;
    rules.source = r;
    rules.common_word = r.common_word;
    for (const std::string& term : r.brand_terms) {
      if (common_view(term)) rules.common_word = true;
    }
    for (const std::string& c : r.categories) rules.categories.push_back(Lower(c));
    rules.authorized.insert(r.authorized_sellers.begin(), r.authorized_sellers.end());
    for (size_t p = 0; p < r.products.size(); ++p) {
      for (const std::string& term : r.products[p].terms) {
        std::string view = NormalizeTerm(term);
        if (!view.empty()) rules.product_views.push_back({view, static_cast<uint32_t>(p)});
      }
    }
    for (const ProductRule& p : r.products) {
      if (p.msrp && p.msrp->amount > 0 &&
          (rules.min_msrp == 0 || p.msrp->amount < rules.min_msrp)) {
        rules.min_msrp = p.msrp->amount;
        rules.min_msrp_currency = p.msrp->currency;
      }
    }
    for (size_t w = 0; w < r.works.size(); ++w) {
      if (!r.works[w].isbn13.empty()) {
        impl->works_by_isbn[r.works[w].isbn13].push_back(
            {static_cast<uint32_t>(h), static_cast<uint32_t>(w)});
      }
    }
    for (const std::string& prefix : r.isbn_prefixes) {
      std::string digits;
      for (char c : prefix) {
        if (c >= '0' && c <= '9') digits.push_back(c);
      }
      if (!digits.empty()) impl->isbn_prefixes.push_back({digits, static_cast<uint32_t>(h)});
    }
    // Misspellings only for long Latin names that are not everyday words.
    if (!rules.common_word) {
      for (size_t t = 0; t < r.brand_terms.size(); ++t) {
        std::string spaced = NormalizeTerm(r.brand_terms[t]);
        std::string view = Squeeze(spaced);
        if (!IsLatinTerm(view) || view.size() < options.fuzzy_min_length || AllDigits(view)) continue;
        size_t words_in_term = std::count(spaced.begin(), spaced.end(), ' ') + 1;
        if (words_in_term > 2) continue;
        auto id = static_cast<uint32_t>(impl->fuzzy_terms.size());
        uint32_t first_len = words_in_term == 2 ? static_cast<uint32_t>(spaced.find(' ')) : 0;
        impl->fuzzy_terms.push_back({view, static_cast<uint32_t>(h), static_cast<uint32_t>(t),
                                     first_len});
        impl->fuzzy_max = std::max(impl->fuzzy_max, view.size());
        hashes.clear();
        DeletionHashes(view, hashes);
        MisspellingIndex& index = first_len > 0 ? impl->pair_index : impl->single_index;
        for (uint64_t hash : hashes) index.Add(hash, id);
      }
    }
    impl->holders.push_back(std::move(rules));
  }
  impl->single_index.Build();
  impl->pair_index.Build();
  {
    std::unordered_set<std::string> firsts, seconds;
    for (const auto& t : impl->fuzzy_terms) {
      if (t.first_len == 0) continue;
      firsts.insert(t.view.substr(0, t.first_len));
      seconds.insert(t.view.substr(t.first_len));
    }
    impl->pair_firsts = std::make_unique<WordHashSet>(firsts);
    impl->pair_seconds = std::make_unique<WordHashSet>(seconds);
  }
  impl->fuzzy_min = options.fuzzy_min_length;
  impl->common_views = options.common_words != nullptr ? NormalizedWords(words)
                                                        : DefaultNormalizedWords();
  impl->bans = catalogue.category_bans;
  for (const CategoryBan& b : impl->bans) {
    std::vector<std::string> cats;
    for (const std::string& c : b.categories) cats.push_back(Lower(c));
    impl->ban_categories.push_back(std::move(cats));
  }

  // The Vectorscan database: from the cache when it matches, else compiled.
  if (!options.cached_database.empty()) {
    std::string_view cached = options.cached_database;
    std::string header = std::string(kCacheMagic) + impl->key + "\n";
    if (cached.substr(0, header.size()) == header) {
      cached.remove_prefix(header.size());
      hs_database_t* db = nullptr;
      if (hs_deserialize_database(cached.data(), cached.size(), &db) == HS_SUCCESS) {
        impl->db.reset(db);
        impl->from_cache = true;
      }
    }
  }
  if (!impl->db && !impl->main_literals.empty()) {
    ASSIGN_OR_RETURN(hs_database_t * db, CompileLiterals(impl->literals, impl->main_literals));
    impl->db.reset(db);
  }
  if (!context_literals.empty()) {
    ASSIGN_OR_RETURN(hs_database_t * db, CompileLiterals(impl->literals, context_literals));
    impl->context_db.reset(db);
  }
  return std::shared_ptr<const RuleSet>(new RuleSet(std::move(impl)));
}

std::string RuleSet::SerializedDatabase() const {
  if (!impl_->db) return {};
  char* bytes = nullptr;
  size_t length = 0;
  if (hs_serialize_database(impl_->db.get(), &bytes, &length) != HS_SUCCESS) return {};
  std::string out = std::string(kCacheMagic) + impl_->key + "\n";
  out.append(bytes, length);
  std::free(bytes);
  return out;
}

const std::string& RuleSet::key() const { return impl_->key; }
bool RuleSet::loaded_from_cache() const { return impl_->from_cache; }
size_t RuleSet::pattern_count() const { return impl_->literals.size(); }
std::vector<std::string> RuleSet::Literals() const {
  std::vector<std::string> out;
  out.reserve(impl_->main_literals.size());
  for (uint32_t id : impl_->main_literals) out.push_back(impl_->literals[id].text);
  return out;
}
size_t RuleSet::rights_holder_count() const { return impl_->holders.size(); }

Verdict RuleSet::Screen(const Listing& listing, const ScreenContext& context) const {
  return impl_->Screen(listing, context);
}

// ------------------------------------------------------------------ matching

namespace {

enum class MentionForm { kPlain, kGlued, kDisguised, kMisspelled };

struct Mention {
  uint32_t holder;
  uint32_t term;
  uint32_t begin, end;  // view
  MentionForm form;
  uint8_t flags;
  bool governed = false;  // by a compatibility or disclaimer phrase
};

std::string DisguiseName(uint8_t flags) {
  std::vector<std::string> parts;
  if (flags & kFlagLeet) parts.push_back("leetspeak");
  if (flags & kFlagConfusable) parts.push_back("look-alike characters");
  if (flags & kFlagHidden) parts.push_back("hidden characters");
  if (flags & kFlagSpaced) parts.push_back("letters spelled out with separators");
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ", ";
    out += parts[i];
  }
  return out;
}

// Number of words between view offset `from` (end of a phrase) and `to`.
size_t WordsBetween(std::string_view view, size_t from, size_t to) {
  size_t n = 0;
  for (size_t i = from; i < to && i < view.size(); ++i) n += view[i] == ' ';
  return n == 0 ? 0 : n - 1;
}

}  // namespace

Verdict RuleSet::Impl::Screen(const Listing& listing, const ScreenContext& ctx) const {
  Verdict verdict;
  verdict.listing_id = listing.id;

  // The text as the seller wrote it, and its normalised view.
  thread_local std::string original;
  thread_local NormalizedText norm;
  thread_local std::vector<Hit> hits;
  thread_local ScratchHolder scratch;
  original.clear();
  original.append(listing.title).push_back('\n');
  original.append(listing.description);
  if (original.size() > kMaxTextBytes) original.resize(kMaxTextBytes);
  Normalize(original, norm);
  const std::string& view = norm.text;
  const size_t title_end_src = listing.title.size();

  bool ready = scratch.rule_set == generation;
  if (!ready) {
    ready = (!db || hs_alloc_scratch(db.get(), &scratch.scratch) == HS_SUCCESS) &&
            (!context_db || hs_alloc_scratch(context_db.get(), &scratch.scratch) == HS_SUCCESS);
    if (ready) scratch.rule_set = generation;
  }
  auto scan = [&](const hs_database_t* d, std::vector<Hit>& out) {
    out.clear();
    if (d == nullptr || !ready || view.empty()) return;
    hs_scan(d, view.data(), static_cast<unsigned>(view.size()), 0, scratch.scratch, OnMatch, &out);
    for (Hit& h : out) h.begin = h.end - literal_len[h.literal];
  };
  scan(db.get(), hits);

  const std::string category = Lower(listing.category);
  auto quote = [&](uint32_t b, uint32_t e) { return std::string(norm.Quote(original, b, e)); };
  auto in_title = [&](uint32_t b) { return norm.src_begin[b] < title_end_src; };

  // Per-thread lists, cleared for each listing: a listing's hits are few,
  // but "for" alone (a compatibility phrase) is in most of them.
  thread_local std::vector<Mention> mentions;
  mentions.clear();
  struct Governor {
    uint32_t end;    // view offset where the phrase ends
    uint32_t reach;  // words allowed before the brand
  };
  thread_local std::vector<Governor> governors;
  thread_local std::vector<Hit> suspicious, piracy, second_hand;
  thread_local std::vector<std::pair<Hit, uint32_t>> titles;  // hit, holder (+ work via literal refs)
  thread_local std::vector<std::pair<Hit, uint32_t>> ban_terms;
  governors.clear();
  suspicious.clear();
  piracy.clear();
  second_hand.clear();
  titles.clear();
  ban_terms.clear();
  auto classify = [&](const std::vector<Hit>& list, bool context_pass) {
    for (const Hit& h : list) {
      const Literal& lit = literals[h.literal];
      // Chinese is written without spaces: a literal that begins (ends) with a
      // CJK character needs no word boundary on that side.
      bool start = IsWordStart(norm, h.begin) || static_cast<unsigned char>(lit.text.front()) >= 0x80;
      bool end = IsWordEnd(norm, h.end) || static_cast<unsigned char>(lit.text.back()) >= 0x80;
      for (const PatternRef& ref : lit.refs) {
        if (IsContextKind(ref.kind) != context_pass) continue;
        switch (ref.kind) {
          case PatternKind::kBrand: {
            uint8_t flags = norm.FlagsIn(h.begin, h.end);
            MentionForm form;
            bool cjk = !IsLatinTerm(lit.text);
            if (cjk || (start && end)) {
              // An everyday word spelled normally is that word ("mall" is not a
              // disguised "Mail"): folding i/l or width must not create a brand.
              if (!cjk && !(flags & (kFlagLeet | kFlagConfusable | kFlagHidden | kFlagSpaced)) &&
                  IsEverydayWordNotBrand(norm.Quote(original, h.begin, h.end),
                                         holders[ref.owner].source.brand_terms[ref.item])) {
                continue;
              }
              form = MentionForm::kPlain;
            } else if (((start || end) && lit.text.size() >= 4) || lit.text.size() >= 6) {
              // Glued to other letters ("nikestyle", "dove2024"), unless the
              // whole word is an everyday one ("pineapple", "dovetail"). An
              // everyday-word brand counts only at the start of a compound:
              // English puts the head noun last ("sugarmaple" is a maple).
              if (common_views->Contains(WordAround(view, h.begin, h.end))) continue;
              if (holders[ref.owner].common_word && !start) continue;
              form = MentionForm::kGlued;
            } else {
              continue;
            }
            if (flags & (kFlagLeet | kFlagConfusable | kFlagHidden | kFlagSpaced)) {
              form = MentionForm::kDisguised;
            }
            mentions.push_back({ref.owner, ref.item, h.begin, h.end, form, flags});
            break;
          }
          case PatternKind::kWorkTitle:
            if (start && end) titles.push_back({h, ref.owner});
            break;
          case PatternKind::kSuspicious:
            if (start && end) suspicious.push_back(h);
            break;
          case PatternKind::kPiracy:
            if (start && end) piracy.push_back(h);
            break;
          case PatternKind::kBanTerm: {
            // Plurals count: "airbags", "srs modules".
            bool plural_end = end || (h.end < view.size() && view[h.end] == 's' &&
                                      IsWordEnd(norm, h.end + 1));
            if (start && plural_end) ban_terms.push_back({h, ref.owner});
            break;
          }
          case PatternKind::kCompatibility:
          case PatternKind::kDisclaimer:
            if ((start || !IsLatinTerm(lit.text)) && (end || !IsLatinTerm(lit.text))) {
              governors.push_back({h.end, ref.item});
            }
            break;
          case PatternKind::kSecondHand:
            if (start && end) second_hand.push_back(h);
            break;
        }
      }
    }
  };
  classify(hits, false);


  // The longest mention wins: a brand whose name is the start of another
  // brand's name ("vel" in "veltrona") is not named by the longer one.
  auto contained = [&](const Mention& m) {
    return std::any_of(mentions.begin(), mentions.end(), [&](const Mention& o) {
      return o.begin <= m.begin && m.end <= o.end && (o.end - o.begin) > (m.end - m.begin);
    });
  };
  mentions.erase(std::remove_if(mentions.begin(), mentions.end(), contained), mentions.end());

  // Close misspellings of long brand names: single words against names of
  // one word, pairs of adjacent words against names of two words (one of
  // the two words must then be spelt right: "Louis Vuiton", not "seal and"
  // read as some "Pealand"), where no exact mention was found. Everyday
  // words are never misspelt brands ("channel" is not "Chanel").
  if (!fuzzy_terms.empty()) {
    thread_local std::vector<std::pair<uint32_t, uint32_t>> words;
    thread_local std::string candidate;
    thread_local std::vector<uint32_t> found;
    thread_local std::vector<uint64_t> hashes;
    // The title and the start of the description: where a seller names what
    // it sells. (The whole text is still scanned for exact and disguised
    // names; this bounds the per-word probing on long descriptions.)
    words.clear();
    size_t description_words = 0;
    for (size_t p = 0; p < view.size() && description_words < kMisspellingDescriptionWords;) {
      size_t e = view.find(' ', p);
      if (e == std::string::npos) e = view.size();
      words.push_back({static_cast<uint32_t>(p), static_cast<uint32_t>(e)});
      if (!in_title(static_cast<uint32_t>(p))) ++description_words;
      p = e + 1;
    }
    const size_t max_span = pair_index.empty() ? 1 : 2;
    // Whether each word is an everyday one, looked up once and before any
    // hashing: most words of a description are, and none of them is probed.
    thread_local std::vector<int8_t> everyday;
    thread_local std::vector<uint64_t> word_hash;
    everyday.assign(words.size(), -1);
    word_hash.assign(words.size(), 0);
    auto word = [&](size_t w) {
      return std::string_view(view).substr(words[w].first, words[w].second - words[w].first);
    };
    // Every word is hashed once, and the loads it will need are started
    // first, all at once: the everyday-word slot of the words long enough
    // to be probed alone, the two-word-name slots of every word (each
    // adjacent pair is checked against them).
    for (size_t w = 0; w < words.size(); ++w) {
      word_hash[w] = WordHashSet::Hash(word(w));
      if (max_span == 2) {
        pair_firsts->Prefetch(word_hash[w]);
        pair_seconds->Prefetch(word_hash[w]);
      }
      size_t length = words[w].second - words[w].first;
      if (length + 1 < fuzzy_min || length > fuzzy_max + 1) continue;
      common_views->Prefetch(word_hash[w]);
    }
    auto is_everyday = [&](size_t w) {
      if (everyday[w] < 0) {
        everyday[w] = common_views->ContainsHash(word_hash[w]);
      }
      return everyday[w] == 1;
    };
    for (size_t w = 0; w < words.size(); ++w) {
      for (size_t span = 1; span <= max_span && w + span <= words.size(); ++span) {
        uint32_t b = words[w].first, e = words[w + span - 1].second;
        size_t length = (e - b) - (span - 1);
        if (length + 1 < fuzzy_min || length > fuzzy_max + 1) continue;
        if (static_cast<unsigned char>(view[b]) >= 0x80) continue;
        if (span == 1) {
          if (is_everyday(w)) continue;
        } else {
          if (!pair_firsts->ContainsHash(word_hash[w]) &&
              !pair_seconds->ContainsHash(word_hash[w + 1]))
            continue;
          if (is_everyday(w) && is_everyday(w + 1)) continue;
        }
        candidate.clear();
        for (uint32_t q = b; q < e; ++q) {
          if (view[q] != ' ') candidate.push_back(view[q]);
        }
        found.clear();
        hashes.clear();
        DeletionHashes(candidate, hashes);
        const MisspellingIndex& index = span == 1 ? single_index : pair_index;
        for (uint64_t hash : hashes) index.Find(hash, found);
        if (found.empty()) continue;
        bool overlaps = std::any_of(mentions.begin(), mentions.end(), [&](const Mention& m) {
          return m.begin < e && b < m.end;
        });
        if (overlaps) continue;
        size_t first = words[w].second - words[w].first;
        std::string_view cand(candidate);
        for (uint32_t id : found) {
          const FuzzyTerm& t = fuzzy_terms[id];
          if (t.view == candidate || !WithinOneEdit(candidate, t.view)) continue;
          if (span == 2) {
            std::string_view tv(t.view);
            bool first_exact = cand.substr(0, first) == tv.substr(0, t.first_len);
            bool second_exact = cand.substr(first) == tv.substr(t.first_len);
            if (!first_exact && !second_exact) continue;
          }
          mentions.push_back({t.holder, t.term, b, e, MentionForm::kMisspelled,
                              norm.FlagsIn(b, e)});
        }
      }
    }
  }

  // The context words (counterfeit sellers' words, piracy words, compatibility,
  // disclaimer and second-hand phrases) only weigh inside a case: they are
  // looked for only when the listing names something that can open one.
  thread_local std::vector<IsbnMatch> isbns;
  isbns = FindIsbns(original);
  if (!mentions.empty() || !titles.empty() || !isbns.empty() || !listing.photo_matches.empty()) {
    thread_local std::vector<Hit> context_hits;
    scan(context_db.get(), context_hits);
    classify(context_hits, true);
  }

  // Compatibility and disclaimer phrases govern a brand named plainly right
  // after them. A counterfeit seller's word or a disguised name overrides
  // them: accessory sellers have no reason to write "replica" or "n1ke".
  auto governed = [&](uint32_t begin) {
    return std::any_of(governors.begin(), governors.end(), [&](const Governor& g) {
      return g.end <= begin && WordsBetween(view, g.end, begin) <= g.reach;
    });
  };
  if (suspicious.empty()) {
    for (Mention& m : mentions) {
      if (m.form == MentionForm::kPlain && governed(m.begin)) m.governed = true;
    }
  }

  std::vector<Case> cases;
  const std::optional<Money>& price = listing.price;

  // --- brands: one case per rights holder named.
  std::sort(mentions.begin(), mentions.end(), [](const Mention& a, const Mention& b) {
    return a.holder != b.holder ? a.holder < b.holder : a.begin < b.begin;
  });
  std::vector<const Mention*> own;
  for (size_t first = 0; first < mentions.size();) {
    const uint32_t h = mentions[first].holder;
    const HolderRules& holder = holders[h];
    own.clear();
    size_t next = first;
    for (; next < mentions.size() && mentions[next].holder == h; ++next) {
      own.push_back(&mentions[next]);
    }
    first = next;
    const std::string& name = holder.source.name.empty() ? holder.source.id : holder.source.name;
    Case c;
    if (holder.authorized.count(listing.seller_id)) {
      c.reasons.push_back({"authorized_seller", holder.source.id,
                           "seller " + listing.seller_id + " is authorised by " + name, "",
                           listing.seller_id, -1.0});
      cases.push_back(std::move(c));
      continue;
    }
    if (holder.common_word && !holder.categories.empty() && !category.empty()) {
      bool in_cat = std::any_of(holder.categories.begin(), holder.categories.end(),
                                [&](const std::string& hc) { return InCategory(category, hc); });
      if (!in_cat) continue;  // "apple cider vinegar" in food: the everyday word
    }
    std::vector<const Mention*> live;
    for (const Mention* m : own) {
      if (!m->governed) live.push_back(m);
    }
    if (live.empty()) {
      c.reasons.push_back({"compatibility", holder.source.id,
                           "names " + name + " only to say what the item fits or that it is not " +
                               name + "'s",
                           quote(own[0]->begin, own[0]->end), "", -1.0});
      cases.push_back(std::move(c));
      continue;
    }
    // The strongest mention speaks for the brand.
    auto rank = [](MentionForm f) {
      switch (f) {
        case MentionForm::kDisguised: return 3;
        case MentionForm::kGlued: return 2;
        case MentionForm::kMisspelled: return 1;
        case MentionForm::kPlain: return 0;
      }
      return 0;
    };
    const Mention* best = *std::max_element(live.begin(), live.end(), [&](auto* a, auto* b) {
      return rank(a->form) < rank(b->form);
    });
    std::string term = holder.source.brand_terms[best->term];
    std::string q = quote(best->begin, best->end);
    c.reasons.push_back({"brand_term", holder.source.id, "names " + name + " (\"" + q + "\")", q,
                         term, Weights::kBrandMention});
    switch (best->form) {
      case MentionForm::kDisguised:
        c.reasons.push_back({"brand_disguised", holder.source.id,
                             "\"" + q + "\" reads as " + Upper(term) + " (" +
                                 DisguiseName(best->flags) + ")",
                             q, term, Weights::kDisguised});
        break;
      case MentionForm::kGlued: {
        uint32_t wb = best->begin, we = best->end;
        while (wb > 0 && view[wb - 1] != ' ') --wb;
        while (we < view.size() && view[we] != ' ') ++we;
        std::string word = quote(wb, we);
        double w = best->end - best->begin >= 6 ? Weights::kGlued : Weights::kGluedShort;
        c.reasons.push_back({"brand_disguised", holder.source.id,
                             "\"" + word + "\" hides " + Upper(term) + " inside another word", word,
                             term, w});
        break;
      }
      case MentionForm::kMisspelled:
        c.reasons.push_back({"brand_disguised", holder.source.id,
                             "\"" + q + "\" is a misspelling of " + Upper(term), q, term,
                             Weights::kMisspelled});
        break;
      case MentionForm::kPlain:
        break;
    }
    for (const Hit& s : suspicious) {
      std::string sq = quote(s.begin, s.end);
      c.reasons.push_back({"suspicious_term", "", "\"" + sq + "\" is a counterfeit seller's word",
                           sq, literals[s.literal].term, Weights::kSuspicious});
      break;  // one is enough; more add no independent evidence
    }
    // Price against the MSRP of the product named, else the brand's cheapest
    // — unless the item is an accessory of the product ("filter, fits AP-2"):
    // a part is not priced like the machine it fits.
    double ratio = -1;
    // The brand's products named as whole words, in the order of the text.
    struct ProductHit {
      uint32_t begin, end, product;
    };
    std::vector<ProductHit> products;
    for (const auto& [pv, p] : holder.product_views) {
      for (size_t at = view.find(pv); at != std::string::npos; at = view.find(pv, at + 1)) {
        size_t e = at + pv.size();
        bool start = IsWordStart(norm, at) || static_cast<unsigned char>(pv.front()) >= 0x80;
        bool end = IsWordEnd(norm, e) || static_cast<unsigned char>(pv.back()) >= 0x80;
        if (start && end) {
          products.push_back({static_cast<uint32_t>(at), static_cast<uint32_t>(e), p});
        }
      }
    }
    std::stable_sort(products.begin(), products.end(),
                     [](const ProductHit& a, const ProductHit& b) { return a.end < b.end; });
    bool accessory = std::any_of(products.begin(), products.end(),
                                 [&](const ProductHit& p) { return governed(p.begin); });
    if (price && price->amount > 0 && !accessory) {
      const ProductRule* product = nullptr;
      std::string product_quote;
      for (const ProductHit& hit : products) {
        const ProductRule& p = holder.source.products[hit.product];
        if (p.msrp && p.msrp->amount > 0 && p.msrp->currency == price->currency &&
            (product == nullptr || p.msrp->amount > product->msrp->amount)) {
          product = &p;
          product_quote = quote(hit.begin, hit.end);
        }
      }
      if (product != nullptr) {
        ratio = price->amount / product->msrp->amount;
        double w = ratio < 0.25 ? Weights::kPriceFar
                   : ratio < 0.40 ? Weights::kPriceLow
                   : ratio < 0.60 ? Weights::kPriceBelow
                                  : 0;
        if (w > 0) {
          c.reasons.push_back(
              {"price_below_msrp", holder.source.id,
               "priced " + FormatMoney(price->amount, price->currency) + ", " + Percent(ratio) +
                   " of the " + FormatMoney(product->msrp->amount, product->msrp->currency) +
                   " MSRP of " + product->name,
               product_quote, product->name, w});
        }
      } else if (holder.min_msrp > 0 && holder.min_msrp_currency == price->currency) {
        ratio = price->amount / holder.min_msrp;
        if (ratio < 0.25) {
          c.reasons.push_back({"price_below_msrp", holder.source.id,
                               "priced " + FormatMoney(price->amount, price->currency) + ", " +
                                   Percent(ratio) + " of " + name + "'s cheapest product",
                               "", "", Weights::kBrandPriceFar});
        }
      }
    }
    if (!second_hand.empty() && suspicious.empty() && ratio >= 0.5) {
      c.reasons.push_back({"second_hand", holder.source.id,
                           "offered second-hand at " + Percent(ratio) + " of MSRP",
                           quote(second_hand[0].begin, second_hand[0].end), "",
                           Weights::kSecondHand});
    }
    cases.push_back(std::move(c));
  }

  // --- protected works
  {
    std::unordered_map<uint32_t, Case> by_publisher;
    std::unordered_map<uint32_t, const ProtectedWork*> work_of;
    for (const IsbnMatch& m : isbns) {
      std::string q = original.substr(m.begin, m.end - m.begin);
      auto it = works_by_isbn.find(m.isbn13);
      if (it != works_by_isbn.end()) {
        for (auto [h, w] : it->second) {
          const ProtectedWork& work = holders[h].source.works[w];
          work_of[h] = &work;
          auto& rs = by_publisher[h].reasons;
          if (std::none_of(rs.begin(), rs.end(), [](const Reason& r) { return r.code == "isbn"; })) {
            rs.push_back({"isbn", holders[h].source.id,
                          "ISBN " + m.isbn13 + " is \"" + work.title + "\", protected by " +
                              holders[h].source.name,
                          q, m.isbn13, Weights::kIsbnWork});
          }
        }
        continue;
      }
      for (const auto& [prefix, h] : isbn_prefixes) {
        if (m.isbn13.compare(0, prefix.size(), prefix) != 0) continue;
        auto& rs = by_publisher[h].reasons;
        if (std::none_of(rs.begin(), rs.end(), [](const Reason& r) { return r.code == "isbn"; })) {
          rs.push_back({"isbn", holders[h].source.id,
                        "ISBN " + m.isbn13 + " is in " + holders[h].source.name +
                            "'s publisher prefix " + prefix,
                        q, m.isbn13, Weights::kIsbnPrefix});
        }
      }
    }
    for (const auto& [hit, h] : titles) {
      for (const PatternRef& ref : literals[hit.literal].refs) {
        if (ref.kind != PatternKind::kWorkTitle) continue;
        const ProtectedWork& work = holders[ref.owner].source.works[ref.item];
        auto& rs = by_publisher[ref.owner].reasons;
        if (std::any_of(rs.begin(), rs.end(), [](const Reason& r) { return r.code == "work_title"; })) {
          continue;
        }
        if (!work_of.count(ref.owner)) work_of[ref.owner] = &work;
        std::string q = quote(hit.begin, hit.end);
        rs.push_back({"work_title", holders[ref.owner].source.id,
                      "names the protected work \"" + work.title + "\"", q, work.title,
                      Weights::kWorkTitle});
      }
    }
    for (auto& [h, c] : by_publisher) {
      if (holders[h].authorized.count(listing.seller_id)) {
        c.reasons.push_back({"authorized_seller", holders[h].source.id,
                             "seller " + listing.seller_id + " is authorised by " +
                                 holders[h].source.name,
                             "", listing.seller_id, -1.0});
        cases.push_back(std::move(c));
        continue;
      }
      if (!piracy.empty()) {
        std::string pq = quote(piracy[0].begin, piracy[0].end);
        c.reasons.push_back({"piracy_term", "", "\"" + pq + "\" offers an unauthorised copy", pq,
                             literals[piracy[0].literal].term, Weights::kPiracyTerm});
      }
      double ratio = -1;
      auto w = work_of.find(h);
      if (w != work_of.end() && w->second->list_price && price && price->amount > 0 &&
          w->second->list_price->currency == price->currency && w->second->list_price->amount > 0) {
        ratio = price->amount / w->second->list_price->amount;
        double wt = ratio < 0.15 ? Weights::kListFar : ratio < 0.30 ? Weights::kListLow : 0;
        if (wt > 0) {
          c.reasons.push_back({"price_below_list", holders[h].source.id,
                               "priced " + FormatMoney(price->amount, price->currency) + ", " +
                                   Percent(ratio) + " of the " +
                                   FormatMoney(w->second->list_price->amount,
                                               w->second->list_price->currency) +
                                   " list price",
                               "", w->second->title, wt});
        }
      }
      if (piracy.empty() && !second_hand.empty() && (ratio < 0 || ratio >= 0.3)) {
        c.reasons.push_back({"second_hand", holders[h].source.id, "offered as a used copy",
                             quote(second_hand[0].begin, second_hand[0].end), "",
                             Weights::kSecondHand});
      }
      // Naming a book is not piracy: without an offer of a copy or a price
      // far below list, a work match alone stays below review.
      cases.push_back(std::move(c));
    }
  }

  // --- category bans
  for (uint32_t b = 0; b < bans.size(); ++b) {
    Case c;
    const CategoryBan& ban = bans[b];
    bool in_cat = false, near_cat = false;
    for (const std::string& bc : ban_categories[b]) {
      if (!category.empty() && InCategory(category, bc)) in_cat = true;
      if (!category.empty() && TopLevel(category) == TopLevel(bc)) near_cat = true;
    }
    if (in_cat) {
      c.reasons.push_back({"category_ban", "", "listed in the banned category " + listing.category +
                                                   " (" + ban.reason + ")",
                           listing.category, ban.id, Weights::kBanCategory});
    }
    for (const auto& [hit, owner] : ban_terms) {
      if (owner != b) continue;
      std::string q = quote(hit.begin, hit.end);
      bool title = in_title(hit.begin);
      c.reasons.push_back({"category_ban", "",
                           "\"" + q + "\" names a banned product (" + ban.id + ": " + ban.reason + ")",
                           q, ban.id, title ? Weights::kBanTermTitle : Weights::kBanTermText});
      if (near_cat && !in_cat) {
        c.reasons.push_back({"category_ban", "",
                             "listed under " + listing.category + ", beside the banned category",
                             listing.category, ban.id, Weights::kBanTermNearCategory});
      }
      break;
    }
    if (c.HasPositive()) cases.push_back(std::move(c));
  }

  // --- stay-down
  if (ctx.stay_down != nullptr && ctx.stay_down->size() > 0) {
    TextFingerprint fp = FingerprintView(view);  // the view of title \n description
    if (auto m = ctx.stay_down->Find(fp)) {
      Case c;
      char sim[16];
      std::snprintf(sim, sizeof sim, "%.2f", m->similarity);
      c.reasons.push_back({"stay_down", m->rights_holder,
                           std::string("re-upload of a listing removed by ") + m->source +
                               " (similarity " + sim + ")",
                           listing.title, m->source,
                           m->similarity >= 0.8 ? Weights::kStayDown : Weights::kStayDownWeak});
      cases.push_back(std::move(c));
    }
  }

  // --- photos: listing photos that matched a bank of photo hashes (the
  // caller hashed them; see PhotoMatch). One case per rights holder whose
  // photo matched, joined with that holder's brand case when the text names
  // it too; the closest match speaks for the holder.
  if (!listing.photo_matches.empty()) {
    std::map<std::string, const PhotoMatch*> closest;  // rights holder (or bank) -> match
    for (const PhotoMatch& m : listing.photo_matches) {
      std::string key = m.rights_holder.empty() ? "\x1f" + m.bank : m.rights_holder;
      auto [it, fresh] = closest.try_emplace(key, &m);
      if (!fresh && m.distance * std::max(1, it->second->radius) <
                        it->second->distance * std::max(1, m.radius))
        it->second = &m;
    }
    for (const auto& [key, m] : closest) {
      const HolderRules* holder = nullptr;
      for (const HolderRules& h : holders) {
        if (!m->rights_holder.empty() && h.source.id == m->rights_holder) {
          holder = &h;
          break;
        }
      }
      const std::string name = holder && !holder->source.name.empty() ? holder->source.name
                               : m->rights_holder.empty()              ? "bank " + m->bank
                                                                       : m->rights_holder;
      // The holder's own photos, used by the sellers it authorised (said
      // once, when the brand case has not said it already).
      if (holder && holder->authorized.count(listing.seller_id)) {
        bool said = std::any_of(cases.begin(), cases.end(), [&](const Case& c) {
          return std::any_of(c.reasons.begin(), c.reasons.end(), [&](const Reason& r) {
            return r.code == "authorized_seller" && r.rights_holder == m->rights_holder;
          });
        });
        if (said) continue;
        Case c;
        c.reasons.push_back({"authorized_seller", m->rights_holder,
                             "seller " + listing.seller_id + " is authorised by " + name +
                                 " and may use its photos",
                             "", listing.seller_id, -1.0});
        cases.push_back(std::move(c));
        continue;
      }
      const double share = static_cast<double>(m->distance) / std::max(1, m->radius);
      const double w = share <= 1.0 / 3   ? Weights::kPhotoClose
                       : share <= 2.0 / 3 ? Weights::kPhotoMatch
                                          : Weights::kPhotoLoose;
      std::string what = m->bank_kind == "stay_down"
                             ? "the photo of a listing removed by " +
                                   (m->source.empty() ? std::string("an earlier decision") : m->source)
                         : m->bank_kind == "reference" ? name + "'s reference photo"
                                                       : "a photo in bank " + m->bank;
      if (!m->label.empty() && m->label != m->source) what += " \"" + m->label + "\"";
      std::string how = "distance " + std::to_string(m->distance) + " of " +
                        std::to_string(m->radius);
      if (!m->variant.empty() && m->variant != "original") how += ", " + m->variant;
      Reason photo{"photo_match", m->rights_holder,
                   "photo " + m->photo + " matches " + what + " (" + how + ")", m->photo,
                   m->reference, w};
      // Joined with the holder's brand case when there is one (not one
      // mitigated to nothing): the name, the price and the photo reinforce
      // each other.
      Case* joined = nullptr;
      if (!m->rights_holder.empty()) {
        for (Case& c : cases) {
          bool same = false, mitigated = false;
          for (const Reason& r : c.reasons) {
            if (r.rights_holder == m->rights_holder && r.code == "brand_term") same = true;
            if (r.weight <= -1.0) mitigated = true;
          }
          if (same && !mitigated) {
            joined = &c;
            break;
          }
        }
      }
      if (joined != nullptr) {
        joined->reasons.push_back(std::move(photo));
        continue;
      }
      Case c;
      c.reasons.push_back(std::move(photo));
      for (const Hit& h : suspicious) {
        std::string sq = quote(h.begin, h.end);
        c.reasons.push_back({"suspicious_term", "", "\"" + sq + "\" is a counterfeit seller's word",
                             sq, literals[h.literal].term, Weights::kSuspicious});
        break;
      }
      if (holder && price && price->amount > 0 && holder->min_msrp > 0 &&
          holder->min_msrp_currency == price->currency) {
        double ratio = price->amount / holder->min_msrp;
        if (ratio < 0.25) {
          c.reasons.push_back({"price_below_msrp", m->rights_holder,
                               "priced " + FormatMoney(price->amount, price->currency) + ", " +
                                   Percent(ratio) + " of " + name + "'s cheapest product",
                               "", "", Weights::kBrandPriceFar});
        }
      }
      cases.push_back(std::move(c));
    }
  }

  // --- seller history strengthens existing evidence, never creates it
  const SellerHistory& s = ctx.seller;
  for (Case& c : cases) {
    if (c.Score() < 0.3) continue;
    if (s.suspended) {
      c.reasons.push_back({"seller_history", "", "the seller is suspended", "", listing.seller_id,
                           Weights::kSellerSuspended});
    } else if (s.active_strikes > 0) {
      c.reasons.push_back({"seller_history", "",
                           "the seller has " + std::to_string(s.active_strikes) + " active strike" +
                               (s.active_strikes == 1 ? "" : "s"),
                           "", listing.seller_id, Weights::kSellerStrikes});
    } else if (s.earlier_removals > 0) {
      c.reasons.push_back({"seller_history", "",
                           "the seller had " + std::to_string(s.earlier_removals) +
                               " listing(s) removed before",
                           "", listing.seller_id, Weights::kSellerRemovals});
    }
  }

  // The verdict: the strongest case decides; every case's reasons are
  // reported, strongest first.
  double top = 0;
  for (const Case& c : cases) top = std::max(top, c.Score());
  verdict.score = std::round(top * 1000) / 1000;
  const Thresholds& t = ctx.thresholds;
  verdict.decision = verdict.score >= t.block    ? Decision::kBlock
                     : verdict.score >= t.review ? Decision::kReview
                                                 : Decision::kAllow;
  for (const Case& c : cases) {
    verdict.reasons.insert(verdict.reasons.end(), c.reasons.begin(), c.reasons.end());
  }
  std::stable_sort(verdict.reasons.begin(), verdict.reasons.end(),
                   [](const Reason& a, const Reason& b) { return a.weight > b.weight; });
  return verdict;
}

}  // namespace counterfoil::screening
