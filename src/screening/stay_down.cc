#include "screening/stay_down.h"

#include <algorithm>
#include <mutex>

#include "screening/normalize.h"

namespace counterfoil::screening {
namespace {

// One-permutation MinHash (Li, Owen & Zhang, "One Permutation Hashing", NIPS
// 2012): each shingle hash falls into one of kBins bins by its top bits and
// each bin keeps its minimum; empty bins borrow the next non-empty bin's value
// (rotation densification, Shrivastava & Li 2014). One pass over the shingles
// instead of one per hash function.
constexpr size_t kBins = 32;
constexpr size_t kRows = 2;  // bins per LSH band: 16 bands find s=0.6 pairs with p > 0.9999
constexpr size_t kBands = kBins / kRows;

uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

uint64_t HashWord(std::string_view w) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then mixed
  for (char c : w) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return Mix(h);
}

uint64_t BandKey(const std::vector<uint32_t>& sig, size_t band) {
  uint64_t k = band;
  for (size_t r = 0; r < kRows; ++r) k = Mix(k * 0x9e3779b97f4a7c15ULL + sig[band * kRows + r]);
  return k;
}

}  // namespace

TextFingerprint FingerprintText(std::string_view title, std::string_view description) {
  std::string text;
  text.reserve(title.size() + description.size() + 1);
  text.append(title).push_back('\n');
  text.append(description);
  thread_local NormalizedText norm;
  Normalize(text, norm);
  return FingerprintView(norm.text);
}

TextFingerprint FingerprintView(std::string_view view) {
  TextFingerprint fp;
  uint64_t prev = 0;
  bool have_prev = false;
  size_t pos = 0;
  while (pos < view.size()) {
    size_t end = view.find(' ', pos);
    if (end == std::string_view::npos) end = view.size();
    uint64_t h = HashWord(view.substr(pos, end - pos));
    fp.shingles.push_back(h);
    if (have_prev) fp.shingles.push_back(Mix(prev * 31 + h + 1));
    prev = h;
    have_prev = true;
    pos = end + 1;
  }
  std::sort(fp.shingles.begin(), fp.shingles.end());
  fp.shingles.erase(std::unique(fp.shingles.begin(), fp.shingles.end()), fp.shingles.end());

  fp.minhash.assign(kBins, UINT32_MAX);
  std::vector<bool> filled(kBins, false);
  for (uint64_t h : fp.shingles) {
    size_t bin = h >> 59;  // top 5 bits: 32 bins
    auto v = static_cast<uint32_t>(h);
    if (!filled[bin] || v < fp.minhash[bin]) fp.minhash[bin] = v;
    filled[bin] = true;
  }
  if (!fp.shingles.empty()) {
    for (size_t b = 0; b < kBins; ++b) {
      if (filled[b]) continue;
      size_t n = (b + 1) % kBins;
      size_t steps = 1;
      while (!filled[n]) {
        n = (n + 1) % kBins;
        ++steps;
      }
      fp.minhash[b] = static_cast<uint32_t>(Mix(fp.minhash[n] + steps * 0x9e3779b97f4a7c15ULL));
    }
  }
  return fp;
}

double Similarity(const TextFingerprint& a, const TextFingerprint& b) {
  if (a.shingles.empty() && b.shingles.empty()) return 0;
  size_t i = 0, j = 0, common = 0;
  while (i < a.shingles.size() && j < b.shingles.size()) {
    if (a.shingles[i] == b.shingles[j]) {
      ++common;
      ++i;
      ++j;
    } else if (a.shingles[i] < b.shingles[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  size_t uni = a.shingles.size() + b.shingles.size() - common;
  return uni == 0 ? 0 : static_cast<double>(common) / static_cast<double>(uni);
}

StayDownBank::StayDownBank(double min_similarity, size_t min_shingles)
    : min_similarity_(min_similarity), min_shingles_(min_shingles) {}

bool StayDownBank::Add(std::string id, std::string source, std::string rights_holder,
                       TextFingerprint fingerprint) {
  if (fingerprint.shingles.size() < min_shingles_ || fingerprint.minhash.size() != kBins) {
    return false;
  }
  std::unique_lock lock(mu_);
  auto it = entries_.find(id);
  if (it != entries_.end()) {
    for (size_t b = 0; b < kBands; ++b) {
      auto& ids = band_index_[BandKey(it->second.fingerprint.minhash, b)];
      std::erase(ids, id);
    }
  }
  for (size_t b = 0; b < kBands; ++b) band_index_[BandKey(fingerprint.minhash, b)].push_back(id);
  entries_[id] = Entry{std::move(source), std::move(rights_holder), std::move(fingerprint)};
  return true;
}

bool StayDownBank::Remove(std::string_view id) {
  std::unique_lock lock(mu_);
  auto it = entries_.find(std::string(id));
  if (it == entries_.end()) return false;
  for (size_t b = 0; b < kBands; ++b) {
    auto key = BandKey(it->second.fingerprint.minhash, b);
    auto bucket = band_index_.find(key);
    if (bucket == band_index_.end()) continue;
    std::erase(bucket->second, it->first);
    if (bucket->second.empty()) band_index_.erase(bucket);
  }
  entries_.erase(it);
  return true;
}

std::optional<StayDownMatch> StayDownBank::Find(const TextFingerprint& fingerprint) const {
  if (fingerprint.minhash.size() != kBins || fingerprint.shingles.size() < min_shingles_) {
    return std::nullopt;
  }
  std::shared_lock lock(mu_);
  if (entries_.empty()) return std::nullopt;
  std::optional<StayDownMatch> best;
  std::vector<const std::string*> seen;
  for (size_t b = 0; b < kBands; ++b) {
    auto bucket = band_index_.find(BandKey(fingerprint.minhash, b));
    if (bucket == band_index_.end()) continue;
    for (const std::string& id : bucket->second) {
      bool dup = false;
      for (const std::string* s : seen) dup = dup || *s == id;
      if (dup) continue;
      seen.push_back(&id);
      const Entry& e = entries_.at(id);
      double sim = Similarity(fingerprint, e.fingerprint);
      if (sim >= min_similarity_ && (!best || sim > best->similarity)) {
        best = StayDownMatch{id, e.source, e.rights_holder, sim};
      }
    }
  }
  return best;
}

size_t StayDownBank::size() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

}  // namespace counterfoil::screening
