#include "imaging/photo_bank.h"

#include <gtest/gtest.h>

#include <random>

#include "imaging/testing/test_images.h"

namespace counterfoil::imaging {
namespace {

Hash256 RandomHash(std::mt19937_64& rng) { return Hash256({rng(), rng(), rng(), rng()}); }

Hash256 Flip(Hash256 h, int bits, std::mt19937_64& rng) {
  std::vector<int> k(256);
  for (int i = 0; i < 256; ++i) k[i] = i;
  std::shuffle(k.begin(), k.end(), rng);
  for (int i = 0; i < bits; ++i) h.Bit(k[i]) ? h.ClearBit(k[i]) : h.SetBit(k[i]);
  return h;
}

PdqDihedralHashes Query(const Hash256& h, int quality = 100) {
  PdqDihedralHashes q;
  q.hashes.fill(Hash256({~0ull, ~0ull, 0, 0}));  // far from everything below
  q.hashes[0] = h;
  q.quality = quality;
  return q;
}

TEST(PhotoBanks, MatchesWithinEachBanksOwnRadius) {
  std::mt19937_64 rng(7);
  PhotoBanks banks;
  banks.SetBank({.id = "reference:a", .kind = BankKind::kReference, .owner = "a"});
  banks.SetBank({.id = "strict", .kind = BankKind::kShared, .radius = 8});
  Hash256 ref = RandomHash(rng);
  ASSERT_TRUE(banks.Add({.id = "e1", .bank = "reference:a", .hash = ref, .quality = 100,
                         .rights_holder = "a", .label = "front"}));
  ASSERT_TRUE(banks.Add({.id = "e2", .bank = "strict", .hash = ref, .quality = 90}));
  PdqDihedralHashes q = Query(Flip(ref, 20, rng));
  auto matches = banks.Match(std::vector<const PdqDihedralHashes*>{&q});
  ASSERT_EQ(matches.size(), 1u);  // 20 bits: inside 31, outside 8
  EXPECT_EQ(matches[0].entry.id, "e1");
  EXPECT_EQ(matches[0].distance, 20);
  EXPECT_EQ(matches[0].bank.kind, BankKind::kReference);
  EXPECT_EQ(matches[0].entry.rights_holder, "a");
  PdqDihedralHashes close = Query(Flip(ref, 5, rng));
  EXPECT_EQ(banks.Match(std::vector<const PdqDihedralHashes*>{&close}).size(), 2u);
}

TEST(PhotoBanks, LowQualityHashesAreNeitherIndexedNorQueried) {
  std::mt19937_64 rng(8);
  PhotoBanks banks;
  Hash256 h = RandomHash(rng);
  EXPECT_FALSE(banks.Add({.id = "flat", .bank = "b", .hash = h, .quality = 49}));
  EXPECT_EQ(banks.size(), 0u);
  ASSERT_TRUE(banks.Add({.id = "ok", .bank = "b", .hash = h, .quality = 50}));
  PdqDihedralHashes weak = Query(h, 30);
  EXPECT_TRUE(banks.Match(std::vector<const PdqDihedralHashes*>{&weak}).empty());
}

TEST(PhotoBanks, AddReplacesRemoveForgets) {
  std::mt19937_64 rng(9);
  PhotoBanks banks;
  Hash256 a = RandomHash(rng), b = RandomHash(rng);
  banks.Add({.id = "e", .bank = "x", .hash = a, .quality = 100});
  banks.Add({.id = "e", .bank = "y", .hash = b, .quality = 100});
  EXPECT_EQ(banks.size(), 1u);
  EXPECT_EQ(banks.BankSize("x"), 0u);
  PdqDihedralHashes qa = Query(a), qb = Query(b);
  EXPECT_TRUE(banks.Match(std::vector<const PdqDihedralHashes*>{&qa}).empty());
  EXPECT_EQ(banks.Match(std::vector<const PdqDihedralHashes*>{&qb}).size(), 1u);
  EXPECT_TRUE(banks.Remove("e"));
  EXPECT_FALSE(banks.Remove("e"));
  EXPECT_TRUE(banks.Match(std::vector<const PdqDihedralHashes*>{&qb}).empty());
  banks.Add({.id = "f", .bank = "y", .hash = b, .quality = 100});
  EXPECT_TRUE(banks.RemoveBank("y"));
  EXPECT_EQ(banks.size(), 0u);
  EXPECT_TRUE(banks.Match(std::vector<const PdqDihedralHashes*>{&qb}).empty());
}

// A bank loaded entry by entry is packed by Compact() (as the server does
// after loading from storage); matches, removals and later additions are the
// same before and after.
TEST(PhotoBanks, CompactingALargeBankKeepsItsMatches) {
  std::mt19937_64 rng(21);
  PhotoBanks banks;
  constexpr int kEntries = 140000;  // past the index's packed-table threshold
  std::vector<Hash256> planted;
  for (int i = 0; i < kEntries; ++i) {
    Hash256 h = RandomHash(rng);
    if (i % 20000 == 0) planted.push_back(h);
    banks.Add({.id = "e" + std::to_string(i), .bank = "big", .hash = h, .quality = 90});
  }
  auto ids = [&](const Hash256& h) {
    PdqDihedralHashes q = Query(Flip(h, 12, rng));
    std::vector<std::string> out;
    for (const BankMatch& m : banks.Match(std::vector<const PdqDihedralHashes*>{&q}))
      out.push_back(m.entry.id);
    return out;
  };
  std::vector<std::vector<std::string>> before;
  for (const Hash256& h : planted) before.push_back(ids(h));
  banks.Compact();
  for (size_t i = 0; i < planted.size(); ++i) {
    EXPECT_EQ(ids(planted[i]), before[i]) << i;
    EXPECT_EQ(before[i], std::vector<std::string>{"e" + std::to_string(i * 20000)}) << i;
  }
  EXPECT_TRUE(banks.Remove("e0"));
  EXPECT_TRUE(ids(planted[0]).empty());
  banks.Add({.id = "again", .bank = "big", .hash = planted[0], .quality = 90});
  EXPECT_EQ(ids(planted[0]), std::vector<std::string>{"again"});
  EXPECT_EQ(banks.size(), static_cast<size_t>(kEntries));
}

TEST(PhotoBanks, EachEntryOnceWithItsClosestHash) {
  std::mt19937_64 rng(10);
  PhotoBanks banks;
  Hash256 ref = RandomHash(rng);
  banks.Add({.id = "e", .bank = "b", .hash = ref, .quality = 100});
  PdqDihedralHashes far = Query(Flip(ref, 25, rng)), near = Query(Flip(ref, 3, rng));
  auto m = banks.Match(std::vector<const PdqDihedralHashes*>{&far, &near});
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].distance, 3);
}

TEST(PhotoBanks, AMirroredCopyOfAPhotoMatchesThroughItsVariants) {
  Image picture = testing::SyntheticImage(240, 180);
  Image mirrored = picture;
  for (int y = 0; y < picture.height; ++y)
    for (int x = 0; x < picture.width; ++x)
      std::copy(picture.row(y) + 3 * x, picture.row(y) + 3 * x + 3,
                mirrored.row(y) + 3 * (picture.width - 1 - x));
  PhotoBanks banks;
  PhotoFingerprint ref = FingerprintImage(picture);
  banks.Add({.id = "r", .bank = "b", .hash = ref.whole[Dihedral::kOriginal],
             .quality = ref.whole.quality});
  auto m = banks.Match(FingerprintImage(mirrored));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_LE(m[0].distance, 20);  // the DCT's mirror is a few bits off a re-hash
  EXPECT_EQ(m[0].variant, Dihedral::kFlipY);
}

}  // namespace
}  // namespace counterfoil::imaging
