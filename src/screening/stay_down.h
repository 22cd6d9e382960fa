// The stay-down bank: text fingerprints of listings that were taken down, so
// that a re-upload, by any seller and reworded a little, is caught and linked
// to the original decision.
//
// A fingerprint is the set of hashed word shingles (single words and word
// pairs) of the listing's normalised title and description; two listings are
// near-duplicates when the Jaccard similarity of their sets reaches the
// bank's threshold. Candidates are found with MinHash locality-sensitive
// hashing (Broder 1997; Leskovec, Rajaraman & Ullman, "Mining of Massive
// Datasets", ch. 3: b bands of r rows find pairs of similarity s with
// probability 1-(1-s^r)^b) and then verified on the exact sets, so the bank
// never reports a match below the threshold.
//
//   StayDownBank bank;
//   bank.Add("sd_1", "notice:ntc_01", "dyson", FingerprintText(title, description));
//   if (auto m = bank.Find(FingerprintText(t2, d2))) ... m->source ...
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace counterfoil::screening {

struct TextFingerprint {
  std::vector<uint64_t> shingles;  // sorted, unique
  std::vector<uint32_t> minhash;   // one-permutation MinHash signature (32 bins)
};

// Normalises (normalize.h) and fingerprints a listing's text. Pure.
TextFingerprint FingerprintText(std::string_view title, std::string_view description);
// The same from the already normalised view of "title\ndescription" (what
// the engine has at hand), so screening does not normalise twice.
TextFingerprint FingerprintView(std::string_view normalized_view);

// Jaccard similarity of two fingerprints' shingle sets, in [0, 1].
double Similarity(const TextFingerprint& a, const TextFingerprint& b);

struct StayDownMatch {
  std::string entry_id;
  std::string source;         // the original decision: "notice:ntc_..." or "hit:hit_..."
  std::string rights_holder;  // may be empty
  double similarity = 0;
};

// Thread-safe: Find takes a shared lock, Add and Remove an exclusive one.
class StayDownBank {
 public:
  // Texts shorter than `min_shingles` shingles are not added (too little to
  // recognise a re-upload by).
  explicit StayDownBank(double min_similarity = 0.6, size_t min_shingles = 4);

  // Adds or replaces entry `id`. Returns false when the text is too short.
  bool Add(std::string id, std::string source, std::string rights_holder,
           TextFingerprint fingerprint);
  bool Remove(std::string_view id);
  // The most similar entry at or above the threshold.
  std::optional<StayDownMatch> Find(const TextFingerprint& fingerprint) const;
  size_t size() const;
  double min_similarity() const { return min_similarity_; }

 private:
  struct Entry {
    std::string source;
    std::string rights_holder;
    TextFingerprint fingerprint;
  };
  double min_similarity_;
  size_t min_shingles_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> entries_;                       // GUARDED_BY(mu_)
  std::unordered_map<uint64_t, std::vector<std::string>> band_index_;  // GUARDED_BY(mu_)
};

}  // namespace counterfoil::screening
