// Recall property tests: every scan kernel this CPU runs, and the
// multi-index tables, return exactly what a naive scan over the same hashes
// returns, for random banks with planted near-duplicates (also at exactly the
// radius, and with the flipped bits spread over the segments so that only one
// segment passes its threshold), every radius 0..64, single and dihedral
// queries, and after random adds, replacements and removals that make the
// tables grow, shrink and disappear; the same for the packed tables and
// their delta, through merges.
#include "imaging/hash_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <vector>

namespace counterfoil::imaging {
namespace {

using Match = HashIndex::Match;

Hash256 RandomHash(std::mt19937_64& rng) { return Hash256({rng(), rng(), rng(), rng()}); }

// `h` with `bits` distinct random bits flipped.
Hash256 Flip(Hash256 h, int bits, std::mt19937_64& rng) {
  std::vector<int> order(256);
  for (int i = 0; i < 256; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  for (int i = 0; i < bits; ++i) {
    if (h.Bit(order[i])) {
      h.ClearBit(order[i]);
    } else {
      h.SetBit(order[i]);
    }
  }
  return h;
}

// The reference: every (id, hash), the closest variant, lowest on ties.
std::vector<Match> NaiveScan(const std::map<uint64_t, Hash256>& bank, const Hash256* queries,
                             int nq, int radius) {
  std::vector<Match> out;
  for (const auto& [id, h] : bank) {
    int best = 1000, variant = 0;
    for (int q = 0; q < nq; ++q) {
      if (h.Distance(queries[q]) < best) {
        best = h.Distance(queries[q]);
        variant = q;
      }
    }
    if (best <= radius) out.push_back({id, best, static_cast<Dihedral>(variant)});
  }
  return out;
}

std::vector<Match> Sorted(std::vector<Match> v) {
  std::sort(v.begin(), v.end(), [](const Match& a, const Match& b) { return a.id < b.id; });
  return v;
}

std::vector<ScanKernel> SupportedKernels() {
  std::vector<ScanKernel> out;
  for (ScanKernel k :
       {ScanKernel::kPortable, ScanKernel::kPopcnt, ScanKernel::kAvx2, ScanKernel::kAvx512}) {
    if (ScanKernelSupported(k)) out.push_back(k);
  }
  return out;
}

TEST(HashIndex, ChoosesASupportedKernel) {
  EXPECT_TRUE(ScanKernelSupported(BestScanKernel()));
  EXPECT_EQ(HashIndex().kernel(), BestScanKernel());
  EXPECT_TRUE(ScanKernelSupported(ScanKernel::kPortable));
  std::printf("best scan kernel here: %s\n", std::string(ScanKernelName(BestScanKernel())).c_str());
}

// A bank of `n` random hashes plus near-duplicates of the queries at
// distances 0..48, so every radius has hits on both sides of it.
struct Bank {
  std::map<uint64_t, Hash256> hashes;
  std::vector<Hash256> queries;
};
Bank MakeBank(size_t n, int num_queries, std::mt19937_64& rng) {
  Bank bank;
  uint64_t id = 1000;
  for (int q = 0; q < num_queries; ++q) bank.queries.push_back(RandomHash(rng));
  for (size_t i = 0; i < n; ++i) bank.hashes[id++] = RandomHash(rng);
  for (const Hash256& q : bank.queries) {
    for (int d = 0; d <= 48; d += 3) bank.hashes[id++] = Flip(q, d, rng);
  }
  return bank;
}

TEST(HashIndex, SearchFindsExactlyWhatANaiveScanFinds) {
  std::mt19937_64 rng(4);
  for (size_t n : {0, 1, 3, 7, 8, 9, 100, 2001}) {
    Bank bank = MakeBank(n, 4, rng);
    for (ScanKernel kernel : SupportedKernels()) {
      SCOPED_TRACE(std::string(ScanKernelName(kernel)) + " n=" + std::to_string(n));
      HashIndex index(kernel);
      for (const auto& [id, h] : bank.hashes) index.Add(id, h);
      ASSERT_EQ(index.size(), bank.hashes.size());
      for (const Hash256& q : bank.queries) {
        for (int radius : {0, 1, 10, 31, 47, 90, 128, 256}) {
          const auto expected = NaiveScan(bank.hashes, &q, 1, radius);
          ASSERT_EQ(Sorted(index.Search(q, radius)), expected) << "radius " << radius;
        }
      }
      // A radius that includes half of the random hashes tests the bulk path.
      EXPECT_GT(index.Search(bank.queries[0], 128).size(), n / 3);
    }
  }
}

TEST(HashIndex, DihedralSearchReportsEachEntryOnceWithItsClosestVariant) {
  std::mt19937_64 rng(5);
  for (ScanKernel kernel : SupportedKernels()) {
    SCOPED_TRACE(ScanKernelName(kernel));
    Bank bank = MakeBank(3000, 8, rng);  // planted copies near each of the 8 variants
    // One entry equally close to two variants: the lower variant wins.
    Hash256 tie = bank.queries[2];
    bank.hashes[1] = Flip(tie, 5, rng);
    bank.queries[5] = bank.queries[2];
    HashIndex index(kernel);
    for (const auto& [id, h] : bank.hashes) index.Add(id, h);
    std::array<Hash256, 8> variants;
    std::copy(bank.queries.begin(), bank.queries.end(), variants.begin());
    for (int radius : {0, 12, 31, 40}) {
      const auto expected = NaiveScan(bank.hashes, variants.data(), 8, radius);
      const auto got = Sorted(index.SearchDihedral(variants, radius));
      ASSERT_EQ(got, expected) << "radius " << radius;
      if (radius >= 5) {
        auto it = std::find_if(got.begin(), got.end(), [](const Match& m) { return m.id == 1; });
        ASSERT_NE(it, got.end());
        EXPECT_EQ(it->variant, Dihedral::kRotate180);  // variant 2, not 5
      }
    }
    // Every variant found something at radius 31.
    std::set<Dihedral> seen;
    for (const Match& m : index.SearchDihedral(variants, 31)) seen.insert(m.variant);
    EXPECT_EQ(seen.size(), 7u);  // 8 variants, two of them equal
  }
}

TEST(HashIndex, StaysExactUnderAddsReplacementsAndRemovals) {
  std::mt19937_64 rng(6);
  const Hash256 query = RandomHash(rng);
  std::vector<HashIndex> indexes;
  for (ScanKernel kernel : SupportedKernels()) indexes.emplace_back(kernel);
  std::map<uint64_t, Hash256> model;
  for (int round = 0; round < 40; ++round) {
    for (int op = 0; op < 200; ++op) {
      const uint64_t id = rng() % 600;  // small id space: many replacements and removals
      if (rng() % 3 == 0) {
        const bool had = model.erase(id) > 0;
        for (auto& index : indexes) ASSERT_EQ(index.Remove(id), had);
      } else {
        const Hash256 h =
            rng() % 2 ? Flip(query, static_cast<int>(rng() % 50), rng) : RandomHash(rng);
        model[id] = h;
        for (auto& index : indexes) index.Add(id, h);
      }
    }
    for (auto& index : indexes) {
      SCOPED_TRACE(ScanKernelName(index.kernel()));
      ASSERT_EQ(index.size(), model.size());
      ASSERT_EQ(Sorted(index.Search(query, 31)), NaiveScan(model, &query, 1, 31));
      for (uint64_t id = 0; id < 600; id += 37) {
        auto it = model.find(id);
        ASSERT_EQ(index.Contains(id), it != model.end());
        if (it != model.end()) {
          ASSERT_EQ(index.Find(id), it->second);
        }
      }
    }
  }
  // Empty it completely, then reuse it.
  for (auto& index : indexes) {
    for (const auto& [id, h] : model) ASSERT_TRUE(index.Remove(id));
    EXPECT_EQ(index.size(), 0u);
    EXPECT_TRUE(index.Search(query, 256).empty());
    index.Add(7, query);
    EXPECT_EQ(index.Search(query, 0), (std::vector<Match>{{7, 0, Dihedral::kOriginal}}));
  }
}

TEST(HashIndex, KernelsReturnTheSameMatchesInTheSameOrder) {
  std::mt19937_64 rng(7);
  Bank bank = MakeBank(1000, 8, rng);
  std::array<Hash256, 8> variants;
  std::copy(bank.queries.begin(), bank.queries.end(), variants.begin());
  std::vector<std::vector<Match>> results;
  for (ScanKernel kernel : SupportedKernels()) {
    HashIndex index(kernel);
    for (const auto& [id, h] : bank.hashes) index.Add(id, h);
    results.push_back(index.SearchDihedral(variants, 40));
  }
  for (size_t i = 1; i < results.size(); ++i) EXPECT_EQ(results[i], results[0]);
}

TEST(HashIndex, NegativeRadiusFindsNothingAndLargeRadiusEverything) {
  HashIndex index;
  std::mt19937_64 rng(8);
  for (uint64_t id = 0; id < 50; ++id) index.Add(id, RandomHash(rng));
  const Hash256 q = RandomHash(rng);
  EXPECT_TRUE(index.Search(q, -1).empty());
  EXPECT_EQ(index.Search(q, 1000).size(), 50u);
  EXPECT_GT(index.MemoryBytes(), 50u * 32);
}

// ---- Multi-index hashing ----

HashIndex::Options MultiIndexFrom(size_t min_size, ScanKernel kernel = BestScanKernel()) {
  HashIndex::Options options;
  options.kernel = kernel;
  options.min_multi_index_size = min_size;
  return options;
}
HashIndex::Options ScanOnly() { return MultiIndexFrom(SIZE_MAX); }

// `h` with `bits` flipped as evenly as possible over the index's 11 segments
// (8 of 23 bits, then 3 of 24): the hardest case for the pigeonhole argument,
// where most segments differ by just more than their threshold.
Hash256 FlipSpread(Hash256 h, int bits, std::mt19937_64& rng) {
  std::vector<std::vector<int>> segments(11);
  for (int s = 0, start = 0; s < 11; ++s) {
    const int length = s < 8 ? 23 : 24;
    for (int b = start; b < start + length; ++b) segments[s].push_back(b);
    std::shuffle(segments[s].begin(), segments[s].end(), rng);
    start += length;
  }
  std::vector<int> order(11);
  for (int s = 0; s < 11; ++s) order[s] = s;
  std::shuffle(order.begin(), order.end(), rng);
  for (int i = 0; i < bits; ++i) {
    const int s = order[i % 11];
    const int bit = segments[s][i / 11];
    if (h.Bit(bit)) {
      h.ClearBit(bit);
    } else {
      h.SetBit(bit);
    }
  }
  return h;
}

// Random hashes plus, for each query, copies at every distance 0..64, both
// with random and with spread flips, and a crowd of very close copies of the
// first query (which share buckets and make long bucket chains).
Bank MakeAdversarialBank(size_t n, int num_queries, std::mt19937_64& rng) {
  Bank bank;
  uint64_t id = 1;
  for (int q = 0; q < num_queries; ++q) bank.queries.push_back(RandomHash(rng));
  for (size_t i = 0; i < n; ++i) bank.hashes[id++] = RandomHash(rng);
  for (const Hash256& q : bank.queries) {
    for (int d = 0; d <= 64; ++d) {
      bank.hashes[id++] = Flip(q, d, rng);
      bank.hashes[id++] = FlipSpread(q, d, rng);
    }
  }
  for (int i = 0; i < 300; ++i)
    bank.hashes[id++] = Flip(bank.queries[0], static_cast<int>(rng() % 5), rng);
  return bank;
}

// `scan` has had the same adds, replacements and removals as `index` (so the
// same storage order).
void ExpectSameAsNaiveAndScan(const HashIndex& index, const HashIndex& scan, const Bank& bank,
                              int max_radius) {
  ASSERT_EQ(index.size(), bank.hashes.size());
  std::array<Hash256, 8> variants;
  std::copy(bank.queries.begin(), bank.queries.begin() + 8, variants.begin());
  for (int radius = 0; radius <= max_radius; ++radius) {
    SCOPED_TRACE("radius " + std::to_string(radius));
    for (const Hash256& q : bank.queries) {
      const auto got = index.Search(q, radius);
      ASSERT_EQ(Sorted(got), NaiveScan(bank.hashes, &q, 1, radius));
      ASSERT_EQ(got, scan.Search(q, radius));  // the same order, too
    }
    const auto got = index.SearchDihedral(variants, radius);
    ASSERT_EQ(Sorted(got), NaiveScan(bank.hashes, variants.data(), 8, radius));
    ASSERT_EQ(got, scan.SearchDihedral(variants, radius));
  }
}

TEST(HashIndexMultiIndex, FindsExactlyWhatANaiveScanFindsAtEveryRadius) {
  std::mt19937_64 rng(11);
  for (size_t n : {0, 1, 500, 20000}) {
    SCOPED_TRACE("n=" + std::to_string(n));
    Bank bank = MakeAdversarialBank(n, 8, rng);
    HashIndex index(MultiIndexFrom(0));
    HashIndex scan(ScanOnly());
    for (const auto& [id, h] : bank.hashes) {
      index.Add(id, h);
      scan.Add(id, h);
    }
    for (int radius = 0; radius <= kPdqMatchRadius; ++radius)
      ASSERT_TRUE(index.UsesMultiIndex(radius));
    ASSERT_FALSE(scan.UsesMultiIndex(kPdqMatchRadius));
    ASSERT_NO_FATAL_FAILURE(ExpectSameAsNaiveAndScan(index, scan, bank, 64));
    // The planted copies at exactly 31 bits, spread or not, are found.
    EXPECT_GE(index.Search(bank.queries[1], 31).size(), 64u);
  }
}

TEST(HashIndexMultiIndex, AllKernelsVerifyCandidatesAlike) {
  std::mt19937_64 rng(12);
  Bank bank = MakeAdversarialBank(3000, 8, rng);
  std::array<Hash256, 8> variants;
  std::copy(bank.queries.begin(), bank.queries.end(), variants.begin());
  const auto expected = NaiveScan(bank.hashes, variants.data(), 8, 31);
  for (ScanKernel kernel : SupportedKernels()) {
    SCOPED_TRACE(ScanKernelName(kernel));
    HashIndex index(MultiIndexFrom(0, kernel));
    for (const auto& [id, h] : bank.hashes) index.Add(id, h);
    ASSERT_TRUE(index.UsesMultiIndex(31));
    EXPECT_EQ(Sorted(index.SearchDihedral(variants, 31)), expected);
  }
}

TEST(HashIndexMultiIndex, LargeRadiiFallBackToTheScanAndStayExact) {
  std::mt19937_64 rng(13);
  Bank bank = MakeAdversarialBank(20000, 2, rng);
  HashIndex index(MultiIndexFrom(0));
  for (const auto& [id, h] : bank.hashes) index.Add(id, h);
  EXPECT_TRUE(index.UsesMultiIndex(31));
  EXPECT_FALSE(index.UsesMultiIndex(128));
  EXPECT_FALSE(index.UsesMultiIndex(-1));
  for (int radius : {70, 100, 128, 256, 1000}) {
    ASSERT_EQ(Sorted(index.Search(bank.queries[0], radius)),
              NaiveScan(bank.hashes, &bank.queries[0], 1, radius));
  }
  EXPECT_TRUE(index.Search(bank.queries[0], -1).empty());
}

// Adds, replacements and removals, through table growth (the bucket bits go
// up twice), shrinking, and the tables being dropped below half the
// threshold and built again; checked against a naive scan at every step.
void GrowShrinkAndCheck(const HashIndex::Options& options) {
  std::mt19937_64 rng(14);
  std::vector<Hash256> queries;
  for (int i = 0; i < 8; ++i) queries.push_back(RandomHash(rng));
  std::array<Hash256, 8> variants;
  std::copy(queries.begin(), queries.end(), variants.begin());
  HashIndex index(options);
  std::map<uint64_t, Hash256> model;
  auto check = [&](const char* phase) {
    SCOPED_TRACE(phase);
    ASSERT_EQ(index.size(), model.size());
    for (int radius : {0, 7, 31, 45}) {
      ASSERT_EQ(Sorted(index.SearchDihedral(variants, radius)),
                NaiveScan(model, variants.data(), 8, radius))
          << "radius " << radius << ", size " << model.size();
    }
  };
  auto random_entry = [&] {
    const int kind = static_cast<int>(rng() % 3);
    const Hash256& q = queries[rng() % queries.size()];
    const int d = static_cast<int>(rng() % 40);
    return kind == 0 ? RandomHash(rng) : kind == 1 ? Flip(q, d, rng) : FlipSpread(q, d, rng);
  };
  uint64_t next_id = 0;
  // Grow to 40,000 with some replacements and removals on the way.
  while (model.size() < 40000) {
    const uint64_t r = rng() % 10;
    if (r < 7 || model.empty()) {
      const uint64_t id = next_id++;
      model[id] = random_entry();
      index.Add(id, model[id]);
    } else if (r < 9) {
      auto it = model.lower_bound(rng() % next_id);
      if (it == model.end()) continue;
      it->second = random_entry();
      index.Add(it->first, it->second);
    } else {
      auto it = model.lower_bound(rng() % next_id);
      if (it == model.end()) continue;
      ASSERT_TRUE(index.Remove(it->first));
      model.erase(it);
    }
    if (model.size() % 4999 == 0) check("growing");
  }
  EXPECT_TRUE(index.UsesMultiIndex(31));
  check("grown");
  // Shrink to nothing, in random order, with adds in between.
  while (!model.empty()) {
    auto it = model.lower_bound(rng() % next_id);
    if (it == model.end()) it = model.begin();
    ASSERT_TRUE(index.Remove(it->first));
    model.erase(it);
    if (rng() % 8 == 0) {
      const uint64_t id = next_id++;
      model[id] = random_entry();
      index.Add(id, model[id]);
    }
    if (model.size() % 3001 == 0) check("shrinking");
  }
  EXPECT_FALSE(index.UsesMultiIndex(31));
  EXPECT_FALSE(index.Remove(0));
  index.Add(5, queries[0]);
  EXPECT_EQ(index.Search(queries[0], 0), (std::vector<Match>{{5, 0, Dihedral::kOriginal}}));
}

TEST(HashIndexMultiIndex, StaysExactWhileGrowingShrinkingAndDroppingTables) {
  GrowShrinkAndCheck(MultiIndexFrom(2000));
}

// ---- Packed tables (bulk-built, with the chunk tables as the delta) ----

HashIndex::Options PackedFrom(size_t min_packed, ScanKernel kernel = BestScanKernel()) {
  HashIndex::Options options = MultiIndexFrom(0, kernel);
  options.min_packed_size = min_packed;
  return options;
}

// Packed from 3,000 entries on: the growth to 40,000 merges the delta into
// the packed tables about ten times, replacements and removals leave dead
// packed entries and move packed and delta entries, and the shrink repacks,
// falls back to the chunk tables alone and drops the tables.
TEST(HashIndexPacked, StaysExactWhileGrowingMergingShrinkingAndDroppingTables) {
  HashIndex::Options options = PackedFrom(3000);
  options.min_multi_index_size = 2000;
  GrowShrinkAndCheck(options);
}

TEST(HashIndexPacked, FindsExactlyWhatANaiveScanFindsAtEveryRadius) {
  std::mt19937_64 rng(21);
  for (ScanKernel kernel : SupportedKernels()) {
    SCOPED_TRACE(ScanKernelName(kernel));
    Bank bank = MakeAdversarialBank(6000, 8, rng);
    HashIndex index(PackedFrom(1000, kernel));
    HashIndex scan(ScanOnly());
    for (const auto& [id, h] : bank.hashes) {
      index.Add(id, h);
      scan.Add(id, h);
    }
    index.Compact();  // everything packed
    ASSERT_TRUE(index.UsesMultiIndex(kPdqMatchRadius));
    ExpectSameAsNaiveAndScan(index, scan, bank, 64);
    // Then a delta: new entries, replacements (packed entries go stale) and
    // removals (packed and delta entries move).
    uint64_t id = 1'000'000;
    for (int i = 0; i < 400; ++i) {
      const Hash256 h = Flip(bank.queries[i % 8], static_cast<int>(rng() % 40), rng);
      bank.hashes[id] = h;
      index.Add(id, h);
      scan.Add(id++, h);
    }
    for (int i = 0; i < 300; ++i) {
      auto it = bank.hashes.lower_bound(rng() % id);
      if (it == bank.hashes.end()) continue;
      if (i % 2 == 0) {
        it->second = FlipSpread(bank.queries[i % 8], static_cast<int>(rng() % 40), rng);
        index.Add(it->first, it->second);
        scan.Add(it->first, it->second);
      } else {
        ASSERT_TRUE(index.Remove(it->first));
        ASSERT_TRUE(scan.Remove(it->first));
        bank.hashes.erase(it);
      }
    }
    ExpectSameAsNaiveAndScan(index, scan, bank, 40);
  }
}

// Thousands of identical hashes and close copies share every bucket of
// every table (long runs of equal tags), through merges and removals.
TEST(HashIndexPacked, ManyDuplicatesInOneBucket) {
  std::mt19937_64 rng(22);
  Bank bank = MakeBank(3000, 8, rng);
  uint64_t id = 1'000'000;
  for (int i = 0; i < 4000; ++i) bank.hashes[id++] = bank.queries[0];
  for (int i = 0; i < 2000; ++i) {
    bank.hashes[id++] = Flip(bank.queries[1], static_cast<int>(rng() % 4), rng);
  }
  HashIndex index(PackedFrom(2000));
  HashIndex scan(ScanOnly());
  for (const auto& [key, h] : bank.hashes) {
    index.Add(key, h);
    scan.Add(key, h);
  }
  ExpectSameAsNaiveAndScan(index, scan, bank, 34);
  index.Compact();
  ExpectSameAsNaiveAndScan(index, scan, bank, 34);
  std::array<Hash256, 8> variants;
  std::copy(bank.queries.begin(), bank.queries.end(), variants.begin());
  EXPECT_GE(index.SearchDihedral(variants, 0).size(), 4000u);
  // Remove most of the duplicates (merges on the way), replace the rest.
  for (uint64_t k = 1'000'000; k < 1'003'500; ++k) {
    ASSERT_TRUE(index.Remove(k));
    ASSERT_TRUE(scan.Remove(k));
    bank.hashes.erase(k);
  }
  for (uint64_t k = 1'003'500; k < 1'004'000; ++k) {
    bank.hashes[k] = RandomHash(rng);
    index.Add(k, bank.hashes[k]);
    scan.Add(k, bank.hashes[k]);
  }
  ExpectSameAsNaiveAndScan(index, scan, bank, 34);
}

// A load announced by Reserve packs less often on the way (the delta may grow
// to a quarter of the announced size) and stays exact at every step.
TEST(HashIndexPacked, ReservedLoadStaysExact) {
  std::mt19937_64 rng(24);
  Bank bank = MakeAdversarialBank(12000, 8, rng);
  HashIndex index(PackedFrom(1000));
  HashIndex scan(ScanOnly());
  index.Reserve(bank.hashes.size());
  Bank partial;
  partial.queries = bank.queries;
  size_t added = 0;
  for (const auto& [id, h] : bank.hashes) {
    index.Add(id, h);
    scan.Add(id, h);
    partial.hashes[id] = h;
    if (++added % 4001 == 0) ExpectSameAsNaiveAndScan(index, scan, partial, 33);
  }
  ExpectSameAsNaiveAndScan(index, scan, bank, 40);
}

TEST(HashIndexPacked, CompactKeepsTheResultsAndTheMemoryBounded) {
  std::mt19937_64 rng(23);
  Bank bank = MakeBank(20000, 8, rng);
  HashIndex index(PackedFrom(5000));
  for (const auto& [id, h] : bank.hashes) index.Add(id, h);
  std::array<Hash256, 8> variants;
  std::copy(bank.queries.begin(), bank.queries.end(), variants.begin());
  const auto before = index.SearchDihedral(variants, 31);
  index.Compact();
  const size_t bytes = index.MemoryBytes();
  EXPECT_EQ(index.SearchDihedral(variants, 31), before);
  index.Compact();  // nothing to do
  EXPECT_EQ(index.MemoryBytes(), bytes);
  EXPECT_EQ(index.SearchDihedral(variants, 31), before);
  EXPECT_EQ(Sorted(before), NaiveScan(bank.hashes, variants.data(), 8, 31));
  // Large radii still go to the scan.
  EXPECT_TRUE(index.UsesMultiIndex(31));
  EXPECT_FALSE(index.UsesMultiIndex(128));
}

TEST(HashIndexMultiIndex, ReserveBuildsTheTablesForThePlannedSize) {
  std::mt19937_64 rng(15);
  HashIndex index;  // default threshold
  EXPECT_FALSE(index.UsesMultiIndex(31));
  index.Reserve(100000);
  EXPECT_TRUE(index.UsesMultiIndex(31));
  const size_t reserved_bytes = index.MemoryBytes();
  const Hash256 q = RandomHash(rng);
  index.Add(1, Flip(q, 31, rng));
  index.Add(2, Flip(q, 32, rng));
  index.Add(3, FlipSpread(q, 31, rng));
  EXPECT_EQ(Sorted(index.Search(q, 31)).size(), 2u);
  EXPECT_EQ(index.MemoryBytes(), reserved_bytes);  // no rebuild on the way
  EXPECT_TRUE(index.Remove(1));
  EXPECT_EQ(index.Search(q, 31).size(), 1u);
}

}  // namespace
}  // namespace counterfoil::imaging
