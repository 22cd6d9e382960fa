// Recall property tests: every scan kernel this CPU runs returns exactly what
// a naive scan over the same hashes returns, for random banks with planted
// near-duplicates, every radius, single and dihedral queries, and after
// random adds, replacements and removals.
#include "imaging/hash_index.h"

#include <gtest/gtest.h>

#include <algorithm>
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

}  // namespace
}  // namespace counterfoil::imaging
