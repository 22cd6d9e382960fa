#include "imaging/hash_index.h"

#include <immintrin.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace counterfoil::imaging {
namespace internal {

// Eight hashes, word-major: w[k][lane] is the k-th 64-bit word of the hash at
// position 8 * block + lane.
struct alignas(64) HashBlock {
  uint64_t w[4][8];
};

}  // namespace internal

using Block = internal::HashBlock;

// Id -> position: open addressing with linear probing and backward-shift
// deletion (no tombstones), at most 3/4 full. 16 bytes a slot.
class HashIndex::IdMap {
 public:
  static constexpr uint32_t kEmpty = UINT32_MAX;

  const uint32_t* Find(uint64_t key) const {
    if (slots_.empty()) return nullptr;
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      if (slots_[i].pos == kEmpty) return nullptr;
      if (slots_[i].key == key) return &slots_[i].pos;
    }
  }
  uint32_t* Find(uint64_t key) {
    return const_cast<uint32_t*>(static_cast<const IdMap*>(this)->Find(key));
  }
  // `key` must be absent.
  void Insert(uint64_t key, uint32_t pos) {
    if ((used_ + 1) * 4 > slots_.size() * 3) Rehash(std::max<size_t>(16, slots_.size() * 2));
    size_t i = Home(key);
    while (slots_[i].pos != kEmpty) i = (i + 1) & mask_;
    slots_[i] = {key, pos};
    ++used_;
  }
  void Erase(uint64_t key) {
    size_t i = Home(key);
    while (slots_[i].key != key || slots_[i].pos == kEmpty) i = (i + 1) & mask_;
    slots_[i].pos = kEmpty;
    --used_;
    // Pull later members of the probe run back so every key stays reachable
    // from its home slot without crossing an empty slot.
    for (size_t j = (i + 1) & mask_; slots_[j].pos != kEmpty; j = (j + 1) & mask_) {
      const size_t home = Home(slots_[j].key);
      const bool stays = (i < j) ? (home > i && home <= j) : (home > i || home <= j);
      if (stays) continue;
      slots_[i] = slots_[j];
      slots_[j].pos = kEmpty;
      i = j;
    }
  }
  void Reserve(size_t n) {
    size_t want = 16;
    while (n * 4 > want * 3) want *= 2;
    if (want > slots_.size()) Rehash(want);
  }
  size_t Bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    uint64_t key;
    uint32_t pos;
  };
  size_t Home(uint64_t key) const {
    // splitmix64's finaliser: callers' ids are often sequential.
    key ^= key >> 30;
    key *= 0xbf58476d1ce4e5b9ull;
    key ^= key >> 27;
    key *= 0x94d049bb133111ebull;
    key ^= key >> 31;
    return static_cast<size_t>(key) & mask_;
  }
  void Rehash(size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{0, kEmpty});
    mask_ = capacity - 1;
    used_ = 0;
    for (const Slot& s : old) {
      if (s.pos != kEmpty) Insert(s.key, s.pos);
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t used_ = 0;
};

namespace {

struct RawHit {
  uint32_t position;
  uint16_t distance;
  uint8_t variant;
};

using ScanFn = void (*)(const void* blocks, size_t count, const Hash256* queries, int nq,
                        int radius, std::vector<RawHit>& hits);

// The scalar scan, for the portable and the POPCNT kernels (the same source
// compiled for two targets).
[[gnu::always_inline]] inline void ScanScalar(const void* blocks_ptr, size_t count,
                                              const Hash256* queries, int nq, int radius,
                                              std::vector<RawHit>& hits) {
  const auto* blocks = static_cast<const Block*>(blocks_ptr);
  for (size_t pos = 0; pos < count; ++pos) {
    const Block& b = blocks[pos / 8];
    const size_t lane = pos % 8;
    int best = Hash256::kBits + 1, best_q = 0;
    for (int q = 0; q < nq; ++q) {
      const auto& qw = queries[q].words();
      const int d = std::popcount(b.w[0][lane] ^ qw[0]) + std::popcount(b.w[1][lane] ^ qw[1]) +
                    std::popcount(b.w[2][lane] ^ qw[2]) + std::popcount(b.w[3][lane] ^ qw[3]);
      if (d < best) {
        best = d;
        best_q = q;
      }
    }
    if (best <= radius) {
      hits.push_back(
          {static_cast<uint32_t>(pos), static_cast<uint16_t>(best), static_cast<uint8_t>(best_q)});
    }
  }
}

void ScanPortable(const void* blocks, size_t count, const Hash256* queries, int nq, int radius,
                  std::vector<RawHit>& hits) {
  ScanScalar(blocks, count, queries, nq, radius, hits);
}

#if defined(__x86_64__)
#define CF_X86 1

[[gnu::target("popcnt")]] void ScanPopcnt(const void* blocks, size_t count, const Hash256* queries,
                                          int nq, int radius, std::vector<RawHit>& hits) {
  ScanScalar(blocks, count, queries, nq, radius, hits);
}

// Popcount without a popcount instruction: each nibble's count from a
// 16-entry table (VPSHUFB) gives per-byte counts; VPSADBW sums the bytes of
// each 64-bit lane (Mula, Kurz and Lemire, "Faster Population Counts Using
// AVX2 Instructions", 2018). Two words' byte counts (at most 16 each) are
// added before the one VPSADBW.
[[gnu::target("avx2")]] inline __m256i ByteCountsAvx2(__m256i v) {
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1,
                                         2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f);
  const __m256i lo = _mm256_shuffle_epi8(table, _mm256_and_si256(v, low));
  const __m256i hi = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(v, 4), low));
  return _mm256_add_epi8(lo, hi);
}
[[gnu::target("avx2")]] inline __m256i PopCount2x64Avx2(__m256i a, __m256i b) {
  return _mm256_sad_epu8(_mm256_add_epi8(ByteCountsAvx2(a), ByteCountsAvx2(b)),
                         _mm256_setzero_si256());
}

[[gnu::target("avx2")]] void ScanAvx2(const void* blocks_ptr, size_t count, const Hash256* queries,
                                      int nq, int radius, std::vector<RawHit>& hits) {
  const auto* blocks = static_cast<const Block*>(blocks_ptr);
  __m256i q[8][4];
  for (int i = 0; i < nq; ++i) {
    for (int w = 0; w < 4; ++w) {
      q[i][w] = _mm256_set1_epi64x(static_cast<long long>(queries[i].words()[w]));
    }
  }
  const __m256i r = _mm256_set1_epi64x(radius);
  const size_t groups = (count + 3) / 4;  // 4 hashes per group, 2 groups per block
  alignas(32) uint64_t best_lanes[4], variant_lanes[4];
  for (size_t g = 0; g < groups; ++g) {
    const Block& b = blocks[g / 2];
    const size_t half = (g % 2) * 4;
    const __m256i x0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(&b.w[0][half]));
    const __m256i x1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(&b.w[1][half]));
    __m256i best = _mm256_set1_epi64x(Hash256::kBits + 1);
    __m256i best_q = _mm256_setzero_si256();
    bool any = false;
    for (int i = 0; i < nq; ++i) {
      __m256i d =
          PopCount2x64Avx2(_mm256_xor_si256(x0, q[i][0]), _mm256_xor_si256(x1, q[i][1]));
      // Half the bits already exceed the radius in all four lanes: no match
      // here, and this variant cannot be the closest of a match either.
      if (_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(d, r))) == 0xF) continue;
      const __m256i x2 = _mm256_load_si256(reinterpret_cast<const __m256i*>(&b.w[2][half]));
      const __m256i x3 = _mm256_load_si256(reinterpret_cast<const __m256i*>(&b.w[3][half]));
      d = _mm256_add_epi64(
          d, PopCount2x64Avx2(_mm256_xor_si256(x2, q[i][2]), _mm256_xor_si256(x3, q[i][3])));
      const __m256i closer = _mm256_cmpgt_epi64(best, d);
      best = _mm256_blendv_epi8(best, d, closer);
      best_q = _mm256_blendv_epi8(best_q, _mm256_set1_epi64x(i), closer);
      any = true;
    }
    if (!any) continue;
    _mm256_store_si256(reinterpret_cast<__m256i*>(best_lanes), best);
    _mm256_store_si256(reinterpret_cast<__m256i*>(variant_lanes), best_q);
    for (size_t lane = 0; lane < 4; ++lane) {
      const size_t pos = g * 4 + lane;
      if (pos < count && best_lanes[lane] <= static_cast<uint64_t>(radius)) {
        hits.push_back({static_cast<uint32_t>(pos), static_cast<uint16_t>(best_lanes[lane]),
                        static_cast<uint8_t>(variant_lanes[lane])});
      }
    }
  }
}

[[gnu::target("avx512f,avx512vpopcntdq")]] void ScanAvx512(const void* blocks_ptr, size_t count,
                                                           const Hash256* queries, int nq,
                                                           int radius, std::vector<RawHit>& hits) {
  const auto* blocks = static_cast<const Block*>(blocks_ptr);
  __m512i q[8][4];
  for (int i = 0; i < nq; ++i) {
    for (int w = 0; w < 4; ++w) {
      q[i][w] = _mm512_set1_epi64(static_cast<long long>(queries[i].words()[w]));
    }
  }
  const __m512i r = _mm512_set1_epi64(radius);
  const size_t num_blocks = (count + 7) / 8;
  alignas(64) uint64_t best_lanes[8], variant_lanes[8];
  for (size_t bi = 0; bi < num_blocks; ++bi) {
    const Block& b = blocks[bi];
    const __m512i x0 = _mm512_load_si512(b.w[0]);
    const __m512i x1 = _mm512_load_si512(b.w[1]);
    const __m512i x2 = _mm512_load_si512(b.w[2]);
    const __m512i x3 = _mm512_load_si512(b.w[3]);
    __m512i best = _mm512_set1_epi64(Hash256::kBits + 1);
    __m512i best_q = _mm512_setzero_si512();
    for (int i = 0; i < nq; ++i) {
      __m512i d = _mm512_add_epi64(_mm512_popcnt_epi64(_mm512_xor_si512(x0, q[i][0])),
                                   _mm512_popcnt_epi64(_mm512_xor_si512(x1, q[i][1])));
      d = _mm512_add_epi64(d, _mm512_popcnt_epi64(_mm512_xor_si512(x2, q[i][2])));
      d = _mm512_add_epi64(d, _mm512_popcnt_epi64(_mm512_xor_si512(x3, q[i][3])));
      const __mmask8 closer = _mm512_cmplt_epu64_mask(d, best);
      best = _mm512_mask_mov_epi64(best, closer, d);
      best_q = _mm512_mask_mov_epi64(best_q, closer, _mm512_set1_epi64(i));
    }
    const __mmask8 hit = _mm512_cmple_epu64_mask(best, r);
    if (hit == 0) continue;
    _mm512_store_si512(best_lanes, best);
    _mm512_store_si512(variant_lanes, best_q);
    for (size_t lane = 0; lane < 8; ++lane) {
      const size_t pos = bi * 8 + lane;
      if (((hit >> lane) & 1) && pos < count) {
        hits.push_back({static_cast<uint32_t>(pos), static_cast<uint16_t>(best_lanes[lane]),
                        static_cast<uint8_t>(variant_lanes[lane])});
      }
    }
  }
}
#endif

ScanFn KernelFunction(ScanKernel kernel) {
  switch (kernel) {
#if defined(CF_X86)
    case ScanKernel::kAvx512:
      return ScanAvx512;
    case ScanKernel::kAvx2:
      return ScanAvx2;
    case ScanKernel::kPopcnt:
      return ScanPopcnt;
#else
    case ScanKernel::kAvx512:
    case ScanKernel::kAvx2:
    case ScanKernel::kPopcnt:
#endif
    case ScanKernel::kPortable:
      break;
  }
  return ScanPortable;
}

}  // namespace

std::string_view ScanKernelName(ScanKernel kernel) {
  switch (kernel) {
    case ScanKernel::kPortable:
      return "portable";
    case ScanKernel::kPopcnt:
      return "popcnt";
    case ScanKernel::kAvx2:
      return "avx2";
    case ScanKernel::kAvx512:
      return "avx512-vpopcntdq";
  }
  return "?";
}

bool ScanKernelSupported(ScanKernel kernel) {
  switch (kernel) {
    case ScanKernel::kPortable:
      return true;
#if defined(CF_X86)
    case ScanKernel::kPopcnt:
      return __builtin_cpu_supports("popcnt");
    case ScanKernel::kAvx2:
      return __builtin_cpu_supports("avx2");
    case ScanKernel::kAvx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq");
#else
    default:
      return false;
#endif
  }
  return false;
}

ScanKernel BestScanKernel() {
  static const ScanKernel best = [] {
    for (ScanKernel k : {ScanKernel::kAvx512, ScanKernel::kAvx2, ScanKernel::kPopcnt}) {
      if (ScanKernelSupported(k)) return k;
    }
    return ScanKernel::kPortable;
  }();
  return best;
}

HashIndex::HashIndex() : HashIndex(BestScanKernel()) {}
HashIndex::HashIndex(ScanKernel kernel)
    : kernel_(ScanKernelSupported(kernel) ? kernel : BestScanKernel()),
      positions_(std::make_unique<IdMap>()) {}
HashIndex::~HashIndex() = default;
HashIndex::HashIndex(HashIndex&&) noexcept = default;
HashIndex& HashIndex::operator=(HashIndex&&) noexcept = default;

void HashIndex::Reserve(size_t n) {
  const size_t blocks = (n + 7) / 8;
  if (blocks > block_capacity_) {
    auto grown = std::make_unique<Block[]>(blocks);
    if (block_capacity_ > 0)
      std::memcpy(grown.get(), blocks_.get(), block_capacity_ * sizeof(Block));
    blocks_ = std::move(grown);
    block_capacity_ = blocks;
  }
  ids_.reserve(n);
  positions_->Reserve(n);
}

void HashIndex::Put(size_t position, const Hash256& hash) {
  Block& b = blocks_[position / 8];
  for (int w = 0; w < 4; ++w) b.w[w][position % 8] = hash.words()[w];
}

void HashIndex::Add(Id id, const Hash256& hash) {
  if (const uint32_t* pos = positions_->Find(id)) {
    Put(*pos, hash);
    return;
  }
  const size_t position = ids_.size();
  if (position / 8 >= block_capacity_) Reserve(std::max<size_t>(64, position + position / 2));
  Put(position, hash);
  ids_.push_back(id);
  positions_->Insert(id, static_cast<uint32_t>(position));
}

bool HashIndex::Remove(Id id) {
  const uint32_t* found = positions_->Find(id);
  if (found == nullptr) return false;
  const size_t position = *found;
  const size_t last = ids_.size() - 1;
  positions_->Erase(id);
  if (position != last) {  // the last entry fills the hole
    const Block& from = blocks_[last / 8];
    Block& to = blocks_[position / 8];
    for (int w = 0; w < 4; ++w) to.w[w][position % 8] = from.w[w][last % 8];
    ids_[position] = ids_[last];
    *positions_->Find(ids_[position]) = static_cast<uint32_t>(position);
  }
  ids_.pop_back();
  return true;
}

bool HashIndex::Contains(Id id) const { return positions_->Find(id) != nullptr; }

std::optional<Hash256> HashIndex::Find(Id id) const {
  const uint32_t* pos = positions_->Find(id);
  if (pos == nullptr) return std::nullopt;
  const Block& b = blocks_[*pos / 8];
  std::array<uint64_t, 4> words;
  for (int w = 0; w < 4; ++w) words[w] = b.w[w][*pos % 8];
  return Hash256(words);
}

size_t HashIndex::MemoryBytes() const {
  return block_capacity_ * sizeof(Block) + ids_.capacity() * sizeof(Id) + positions_->Bytes();
}

std::vector<HashIndex::Match> HashIndex::Scan(const Hash256* queries, int count, int radius) const {
  std::vector<Match> out;
  if (radius < 0 || ids_.empty()) return out;
  radius = std::min(radius, Hash256::kBits);
  std::vector<RawHit> hits;
  KernelFunction(kernel_)(blocks_.get(), ids_.size(), queries, count, radius, hits);
  out.reserve(hits.size());
  for (const RawHit& h : hits) {
    out.push_back({ids_[h.position], h.distance, static_cast<Dihedral>(h.variant)});
  }
  return out;
}

std::vector<HashIndex::Match> HashIndex::Search(const Hash256& query, int radius) const {
  return Scan(&query, 1, radius);
}

std::vector<HashIndex::Match> HashIndex::SearchDihedral(const std::array<Hash256, 8>& variants,
                                                        int radius) const {
  return Scan(variants.data(), 8, radius);
}

}  // namespace counterfoil::imaging
