#include "imaging/hash_index.h"

#include <immintrin.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace counterfoil::imaging {
namespace internal {

// Eight hashes in four cache lines, word-major by half-block: line 0 holds
// words 0 of hashes 0-3 then words 1 of hashes 0-3, line 1 the same for
// hashes 4-7, lines 2 and 3 words 2 and 3. So a 256-bit load gives one word
// of four hashes (the AVX2 kernel's operand, AVX-512 joins two), and the
// first 128 bits of any one hash, which reject nearly every candidate of the
// multi-index search, are in a single cache line.
struct alignas(64) HashBlock {
  uint64_t line[4][8];
  // Word k (0..3) of the hash in `lane` (0..7).
  uint64_t& Word(int k, size_t lane) {
    return line[(k / 2) * 2 + lane / 4][(k % 2) * 4 + lane % 4];
  }
  uint64_t Word(int k, size_t lane) const {
    return line[(k / 2) * 2 + lane / 4][(k % 2) * 4 + lane % 4];
  }
};

// Large tables ask for transparent huge pages: the searches' random accesses
// would otherwise each miss the TLB too, which in a virtual machine (nested
// page tables) costs about three times the cache miss itself (measured:
// ~35 ns against ~10 ns per random line of a 700 MB array with 32 accesses in
// flight). The advice must come before the memory is first touched.
constexpr size_t kHugePage = size_t{2} << 20;
void AdviseHugePages(void* p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHugePage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
template <typename T>
std::unique_ptr<T[], FreeDeleter> AllocateZeroed(size_t n) {
  size_t bytes = std::max<size_t>(n * sizeof(T), 64);
  const size_t align = bytes >= kHugePage ? kHugePage : 64;
  bytes = (bytes + align - 1) / align * align;
  void* p = std::aligned_alloc(align, bytes);
  if (p == nullptr) throw std::bad_alloc();
  AdviseHugePages(p, bytes);
  std::memset(p, 0, bytes);
  return std::unique_ptr<T[], FreeDeleter>(static_cast<T*>(p));
}

// std::allocator with the huge-page advice, for the overflow chunk pools.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding
  T* allocate(size_t n) {
    void* p = ::operator new (n * sizeof(T), std::align_val_t{alignof(T)});
    AdviseHugePages(p, n * sizeof(T));
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { ::operator delete (p, std::align_val_t{alignof(T)}); }
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) { return true; }
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
    std::vector<Slot, internal::HugePageAllocator<Slot>> old = std::move(slots_);
    slots_.assign(capacity, Slot{0, kEmpty});
    mask_ = capacity - 1;
    used_ = 0;
    for (const Slot& s : old) {
      if (s.pos != kEmpty) Insert(s.key, s.pos);
    }
  }

  std::vector<Slot, internal::HugePageAllocator<Slot>> slots_;
  size_t mask_ = 0;
  size_t used_ = 0;
};

namespace internal {
namespace {

// Bits [start, start + length) of a hash, length <= 32.
inline uint32_t SegmentBits(const Hash256& h, int start, int length) {
  const auto& w = h.words();
  const int i = start >> 6, offset = start & 63;
  uint64_t v = w[i] >> offset;
  if (offset + length > 64) v |= w[i + 1] << (64 - offset);
  return static_cast<uint32_t>(v & ((uint64_t{1} << length) - 1));
}

// Number of keys within t bits of one of `bits` bits: sum of C(bits, k), k <= t.
double BallSize(int bits, int t) {
  double total = 0, term = 1;
  for (int k = 0; k <= std::min(t, bits); ++k) {
    total += term;
    term = term * (bits - k) / (k + 1);
  }
  return total;
}

// Calls f(key ^ mask, popcount(mask)) for every mask of at most `t` of the
// low `bits` bits, starting with the key itself.
template <typename F>
void ForEachNeighbour(uint32_t key, int bits, int t, int first, int used, const F& f) {
  f(key, used);
  if (used == t) return;
  for (int b = first; b < bits; ++b) ForEachNeighbour(key ^ (1u << b), bits, t, b + 1, used + 1, f);
}

}  // namespace

// Multi-index hashing (Norouzi, Punjani and Fleet, TPAMI 2014): the 256 bits
// in 11 segments (8 of 23 bits, then 3 of 24), one table per segment. A
// table's buckets are addressed by the top `h` bits of the segment (h grows
// with the index, so a bucket holds about 7-14 entries); each entry keeps the
// position of its hash and the next 8 bits of the segment, which filter the
// bucket without touching the hash. A bucket is a chain of 64-byte chunks
// (11 entries each): the first chunk sits in an array indexed by the bucket
// key, so a probe of a bucket is a single cache miss in the common case, and
// overflow chunks come from a pool with a free list. Only the last chunk of a
// chain is ever partly filled; erasure fills the hole from it.
class MultiIndex {
 public:
  static constexpr int kSegments = 11;
  static constexpr int kSlots = 11;
  static constexpr int kMinBucketBits = 10;
  static constexpr int kMaxBucketBits = 23;  // the shortest segment
  static constexpr int kLowBits = 8;

  struct alignas(64) Chunk {
    uint32_t pos[kSlots];
    uint32_t next;  // the next chunk's reference, 0 for none
    uint8_t low[kSlots];
    uint8_t count;
    uint8_t padding[4];  // read (and masked off) by the filter's second word
  };
  static_assert(sizeof(Chunk) == 64);

  static constexpr int Length(int segment) { return segment < 8 ? 23 : 24; }
  static constexpr int Start(int segment) {
    return segment < 8 ? 23 * segment : 184 + 24 * (segment - 8);
  }

  // The bucket bits suited to n entries: about 7 to 14 entries a bucket.
  static int BucketBitsFor(size_t n) {
    const int bits = static_cast<int>(std::bit_width(n / 7)) - 1;
    return std::clamp(bits, kMinBucketBits, kMaxBucketBits);
  }

  explicit MultiIndex(int bucket_bits) : h_(bucket_bits) {
    for (Table& t : tables_) t.heads = AllocateZeroed<Chunk>(size_t{1} << h_);
  }
  int bucket_bits() const { return h_; }

  // Each update touches 11 random buckets: their first chunks are
  // prefetched together so that the 11 cache misses overlap.
  struct Keys {
    uint32_t key[kSegments];
    uint8_t low[kSegments];
  };
  Keys KeysOf(const Hash256& hash) const {
    Keys k;
    for (int s = 0; s < kSegments; ++s) {
      Split(hash, s, k.key[s], k.low[s]);
      __builtin_prefetch(&tables_[s].heads[k.key[s]], 1);
    }
    return k;
  }
  void Insert(uint32_t pos, const Hash256& hash) {
    const Keys k = KeysOf(hash);
    for (int s = 0; s < kSegments; ++s) tables_[s].Insert(k.key[s], k.low[s], pos, h_);
  }
  void Erase(uint32_t pos, const Hash256& hash) {
    const Keys k = KeysOf(hash);
    for (int s = 0; s < kSegments; ++s) tables_[s].Erase(k.key[s], pos, h_);
  }
  // The entry stored at `from` (holding `hash`) moved to `to`.
  void Relocate(uint32_t from, uint32_t to, const Hash256& hash) {
    const Keys k = KeysOf(hash);
    for (int s = 0; s < kSegments; ++s) tables_[s].Relocate(k.key[s], from, to, h_);
  }
  size_t Bytes() const {
    size_t total = 0;
    for (const Table& t : tables_)
      total += ((size_t{1} << h_) + t.overflow.capacity()) * sizeof(Chunk);
    return total;
  }

  // The per-segment thresholds for radius r (-1: segment not searched), with
  // sum(t_i + 1) = r + 1, the larger ones on the longer segments; and whether
  // the tables beat a scan of n hashes at that radius. The estimate counts a
  // probe or a candidate as one cache miss (~8 ns) and a scanned hash-variant
  // as 0.75 ns (the AVX2 kernel's rate, README.md).
  // n counts at least the size the tables were built for, so that a table
  // that exists (a reserved or shrinking index) is used.
  static void Thresholds(int radius, std::array<int, kSegments>& t) {
    const int total = radius + 1;
    const int q = total / kSegments, rem = total % kSegments;
    for (int s = 0; s < kSegments; ++s) {
      const int rank = s >= 8 ? s - 8 : s + 3;  // 24-bit segments first
      t[s] = q - 1 + (rank < rem ? 1 : 0);
    }
  }
  bool Plan(int radius, size_t n, std::array<int, kSegments>& t) const {
    n = std::max(n, size_t{7} << h_);
    Thresholds(radius, t);
    double probes = 0, candidates = 0;
    for (int s = 0; s < kSegments; ++s) {
      if (t[s] < 0) continue;
      probes += BallSize(h_, t[s]);
      candidates += static_cast<double>(n) * BallSize(Length(s), t[s]) / std::ldexp(1.0, Length(s));
    }
    return (probes + candidates) * 8.0 < 0.75 * static_cast<double>(n);
  }

  // Segment s of a hash: the bucket key and the low-bit filter byte.
  void Split(const Hash256& hash, int s, uint32_t& key, uint8_t& low) const {
    const int length = Length(s);
    const uint32_t v = SegmentBits(hash, Start(s), length);
    const int rest = length - h_;
    const int low_bits = std::min(rest, kLowBits);
    key = v >> rest;
    low = static_cast<uint8_t>((v >> (rest - low_bits)) & ((1u << low_bits) - 1));
  }

  struct Table {
    std::unique_ptr<Chunk[], FreeDeleter> heads;            // 2^h, indexed by bucket key
    std::vector<Chunk, HugePageAllocator<Chunk>> overflow;  // reference 2^h + i
    uint32_t free = 0;                                      // first free overflow chunk

    Chunk& At(uint32_t ref, int h) {
      const uint32_t heads_count = 1u << h;
      return ref < heads_count ? heads[ref] : overflow[ref - heads_count];
    }
    const Chunk& At(uint32_t ref, int h) const { return const_cast<Table*>(this)->At(ref, h); }

    uint32_t NewChunk(int h) {
      if (free != 0) {
        const uint32_t ref = free;
        Chunk& c = At(ref, h);
        free = c.next;
        c = Chunk{};
        return ref;
      }
      overflow.emplace_back();
      return static_cast<uint32_t>((size_t{1} << h) + overflow.size() - 1);
    }
    void Insert(uint32_t key, uint8_t low, uint32_t pos, int h) {
      uint32_t ref = key;
      while (At(ref, h).count == kSlots) {
        if (At(ref, h).next == 0) {
          const uint32_t fresh = NewChunk(h);  // may move the pool
          At(ref, h).next = fresh;
        }
        ref = At(ref, h).next;
      }
      Chunk& c = At(ref, h);
      c.pos[c.count] = pos;
      c.low[c.count] = low;
      ++c.count;
    }
    void Erase(uint32_t key, uint32_t pos, int h) {
      Chunk* hole_chunk = nullptr;
      int hole = 0;
      uint32_t ref = key, previous = 0;
      for (;;) {
        Chunk& c = At(ref, h);
        for (int j = 0; hole_chunk == nullptr && j < c.count; ++j) {
          if (c.pos[j] == pos) {
            hole_chunk = &c;
            hole = j;
          }
        }
        if (c.next == 0) break;
        previous = ref;
        ref = c.next;
      }
      assert(hole_chunk != nullptr);
      if (hole_chunk == nullptr) return;
      Chunk& tail = At(ref, h);
      const int last = tail.count - 1;
      hole_chunk->pos[hole] = tail.pos[last];
      hole_chunk->low[hole] = tail.low[last];
      --tail.count;
      if (tail.count == 0 && ref >= (1u << h)) {  // an emptied overflow chunk
        At(previous, h).next = 0;
        tail.next = free;
        free = ref;
      }
    }
    void Relocate(uint32_t key, uint32_t from, uint32_t to, int h) {
      for (uint32_t ref = key;;) {
        Chunk& c = At(ref, h);
        for (int j = 0; j < c.count; ++j) {
          if (c.pos[j] == from) {
            c.pos[j] = to;
            return;
          }
        }
        if (c.next == 0) break;
        ref = c.next;
      }
      assert(false && "relocated entry not in its bucket");
    }
  };

  int h_;
  std::array<Table, kSegments> tables_;
};

// The packed tables: bulk-built (O(n): a radix sort per table) for the
// entries that were in the index when they were built, with another cut of
// the 256 bits. Entries added after that go to the chunk tables (MultiIndex)
// until the two are merged (HashIndex::MaintainMultiIndex).
//
// Cut: 8 segments of 32 bits, with thresholds t_s, sum(t_s + 1) = r + 1 (at
// r = 31 every t_s = 3), and each segment in two halves of 16 bits with
// thresholds a_s + b_s = t_s - 1 (1 and 1): a hash within r has a segment
// within t_s, and that segment has a half within a_s or b_s. Each half has a
// table keyed by its 16 bits; an entry holds the other half of the segment
// (its 16-bit tag) and the slot of its hash. A probe of half-key k (the ball
// of radius a_s: 17 keys at r = 31) reads the bucket's tags, a contiguous run
// (about 150 at 10 million entries, 300 bytes), and keeps the tags whose
// segment distance is within t_s: so every candidate of the 32-bit segment
// test is found from 34 sequential runs per segment instead of C(32, 3)
// probes, and only about 13 per segment and variant pass it (n C(32, <=3) /
// 2^32), each then checked in full.
//
// Why not the chunk tables' 11 segments: at 10 million entries a dihedral
// query there costs about 17,000 bucket probes and 23,000 candidate checks,
// all random cache misses (and, in this VM, TLB misses: the host backs the
// guest's huge pages with 4 KB pages); here about 2,200 random runs of ~5
// lines and 2,600 random lines for the candidates. The price is the scanning
// of ~330,000 16-bit tags per query, 16 at a time with AVX2.
//
// Entries refer to slots (positions at build time): slot_pos_ follows an
// entry that removal moves to another position, and marks one that was
// removed or replaced dead. pos_slot_ is the inverse, and also numbers the
// positions kept in the chunk tables (the delta) so that those can be listed.
class PackedTables {
 public:
  static constexpr int kSegments = 8;  // of 32 bits
  static constexpr int kTables = 16;   // table 2s: the low half of segment s; 2s + 1: the high
  static constexpr int kKeyBits = 16;
  static constexpr uint32_t kNone = UINT32_MAX;    // in pos_slot_: not indexed here
  static constexpr uint32_t kDelta = 0x80000000u;  // in pos_slot_: in the chunk tables
  static constexpr uint32_t kDead = UINT32_MAX;    // in slot_pos_

  // Half `half` (0, 1) of segment s.
  static uint16_t Half(const Hash256& h, int s, int half) {
    return static_cast<uint16_t>(h.words()[s / 2] >> (32 * (s % 2) + 16 * half));
  }
  // Segment thresholds for radius r (-1: not searched), and the halves'.
  static void Thresholds(int radius, std::array<int, kSegments>& t) {
    const int total = radius + 1;
    for (int s = 0; s < kSegments; ++s) t[s] = total / kSegments - 1 + (s < total % kSegments);
  }
  static int HalfThreshold(int t, int half) {
    const int a = t >= 1 ? t / 2 : (t == 0 ? 0 : -1);
    return half == 0 ? a : t - 1 - a;
  }

  // Packs positions [0, n) of `blocks` (slot = position).
  PackedTables(const HashBlock* blocks, size_t n) : slots_(n) {
    if (n >= kDelta) throw std::length_error("hash index: too many entries");
    std::vector<uint64_t> sorted(n);
    std::vector<uint16_t> halves[2] = {std::vector<uint16_t>(n), std::vector<uint16_t>(n)};
    for (int s = 0; s < kSegments; ++s) {
      for (size_t pos = 0; pos < n; ++pos) {
        const uint64_t word = blocks[pos / 8].Word(s / 2, pos % 8) >> (32 * (s % 2));
        halves[0][pos] = static_cast<uint16_t>(word);
        halves[1][pos] = static_cast<uint16_t>(word >> 16);
      }
      for (int half = 0; half < 2; ++half) {
        // A counting sort on the 16-bit key in two stable passes of a byte
        // each (256 write streams, not 65,536): by the low byte into records
        // (tag << 32 | slot, key in the top 16 bits), then by the high byte
        // straight into the table.
        const std::vector<uint16_t>& keys = halves[half];
        const std::vector<uint16_t>& tags = halves[1 - half];
        Table& table = tables_[2 * s + half];
        table.dir = std::make_unique<uint32_t[]>((size_t{1} << kKeyBits) + 1);
        uint32_t* dir = table.dir.get();
        std::fill(dir, dir + (size_t{1} << kKeyBits) + 1, 0);
        for (size_t pos = 0; pos < n; ++pos) ++dir[keys[pos] + 1];
        size_t next_low[256];
        for (uint32_t low = 0, sum = 0; low < 256; ++low) {
          next_low[low] = sum;
          for (uint32_t high = 0; high < 256; ++high) sum += dir[(high << 8 | low) + 1];
        }
        for (uint32_t key = 0; key < (1u << kKeyBits); ++key) dir[key + 1] += dir[key];
        for (size_t pos = 0; pos < n; ++pos) {
          sorted[next_low[keys[pos] & 0xff]++] =
              uint64_t{keys[pos]} << 48 | uint64_t{tags[pos]} << 32 | pos;
        }
        table.tags = AllocateZeroed<uint16_t>(n + 16);  // 16: the scan reads whole vectors
        table.slots = AllocateZeroed<uint32_t>(n);
        size_t next_high[256];
        for (uint32_t high = 0; high < 256; ++high) next_high[high] = dir[high << 8];
        for (const uint64_t r : sorted) {
          const size_t i = next_high[r >> 56]++;
          table.tags[i] = static_cast<uint16_t>(r >> 32);
          table.slots[i] = static_cast<uint32_t>(r);
        }
      }
    }
    slot_pos_.resize(n);
    pos_slot_.resize(n);
    for (size_t i = 0; i < n; ++i) slot_pos_[i] = pos_slot_[i] = static_cast<uint32_t>(i);
  }

  size_t slots() const { return slots_; }
  size_t dead() const { return dead_; }
  size_t delta_size() const { return delta_.size(); }
  const std::vector<uint32_t>& delta() const { return delta_; }

  bool Packed(uint32_t pos) const {
    return pos < pos_slot_.size() && pos_slot_[pos] != kNone && !(pos_slot_[pos] & kDelta);
  }
  // The position's packed entry no longer counts (removed or replaced).
  void Kill(uint32_t pos) {
    slot_pos_[pos_slot_[pos]] = kDead;
    pos_slot_[pos] = kNone;
    ++dead_;
  }
  // `pos` is now held by the chunk tables.
  void AddDelta(uint32_t pos) {
    if (pos >= pos_slot_.size()) pos_slot_.resize(size_t{pos} + 1, kNone);
    pos_slot_[pos] = kDelta | static_cast<uint32_t>(delta_.size());
    delta_.push_back(pos);
  }
  void RemoveDelta(uint32_t pos) {
    const uint32_t i = pos_slot_[pos] & ~kDelta;
    const uint32_t moved = delta_.back();
    delta_[i] = moved;
    pos_slot_[moved] = kDelta | i;
    delta_.pop_back();
    pos_slot_[pos] = kNone;
  }
  // The entry at `from` (packed or delta) moved to `to`.
  void Move(uint32_t from, uint32_t to) {
    if (to >= pos_slot_.size()) pos_slot_.resize(size_t{to} + 1, kNone);
    const uint32_t v = pos_slot_[from];
    pos_slot_[to] = v;
    pos_slot_[from] = kNone;
    if (v & kDelta) {
      delta_[v & ~kDelta] = to;
    } else {
      slot_pos_[v] = to;
    }
  }
  uint32_t PositionOf(uint32_t slot) const { return slot_pos_[slot]; }
  void PrefetchPosition(uint32_t slot) const { __builtin_prefetch(&slot_pos_[slot]); }

  // Whether these tables beat a scan of n hashes at `radius`: a probe costs
  // about a random access (~15 ns), a tag ~0.1 ns, a candidate two random
  // accesses; a scanned hash-variant 0.75 ns (as MultiIndex::Plan).
  bool Plan(int radius, size_t n) const {
    n = std::max(n, slots_);
    std::array<int, kSegments> t;
    Thresholds(radius, t);
    double probes = 0, candidates = 0;
    for (int s = 0; s < kSegments; ++s) {
      if (t[s] < 0) continue;
      for (int half = 0; half < 2; ++half) {
        const int a = HalfThreshold(t[s], half);
        if (a >= 0) probes += BallSize(kKeyBits, a);
      }
      candidates += static_cast<double>(n) * BallSize(32, t[s]) / std::ldexp(1.0, 32);
    }
    const double tags = probes * static_cast<double>(n) / std::ldexp(1.0, kKeyBits);
    return probes * 15.0 + tags * 0.1 + candidates * 30.0 < 0.75 * static_cast<double>(n);
  }

  size_t Bytes() const {
    size_t total = (slot_pos_.capacity() + pos_slot_.capacity() + delta_.capacity()) * 4;
    total += kTables * (((size_t{1} << kKeyBits) + 1) * 4 + (slots_ + 16) * 2 + slots_ * 4);
    return total;
  }

  struct Table {
    std::unique_ptr<uint32_t[]> dir;  // 2^16 + 1 offsets
    std::unique_ptr<uint16_t[], FreeDeleter> tags;
    std::unique_ptr<uint32_t[], FreeDeleter> slots;
  };
  std::array<Table, kTables> tables_;

 private:
  size_t slots_;
  size_t dead_ = 0;
  std::vector<uint32_t> slot_pos_;  // slot -> position, kDead
  std::vector<uint32_t> pos_slot_;  // position -> slot, kDelta | index in delta_, kNone
  std::vector<uint32_t> delta_;     // the positions in the chunk tables
};

}  // namespace internal

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
      const int d = std::popcount(b.Word(0, lane) ^ qw[0]) +
                    std::popcount(b.Word(1, lane) ^ qw[1]) +
                    std::popcount(b.Word(2, lane) ^ qw[2]) + std::popcount(b.Word(3, lane) ^ qw[3]);
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

// Multi-index search: the packed tables (if built) and the chunk tables (if
// they hold anything), each collecting the positions within the radius of the
// variant that found them; then every survivor once, with its closest variant.
struct Probe {
  const internal::MultiIndex::Chunk* chunk;
  uint8_t qlow, allow, variant, segment;
};
struct Candidate {
  uint32_t position;
  uint32_t variant;
};
struct PackedProbe {
  uint32_t begin, end;
  uint16_t qtag;
  uint8_t table, allow, variant;
};
struct PackedCandidate {
  uint32_t offset;  // then the slot, then the position
  uint8_t table, variant;
};
struct MihScratch {
  std::vector<Probe> probes;
  std::vector<PackedProbe> packed_probes;
  std::vector<PackedCandidate> packed_candidates;
  std::vector<uint32_t> matches;
  std::vector<Candidate> candidates;
  std::vector<uint32_t> survivors;
};
constexpr size_t kPrefetchAhead = 16;
constexpr uint64_t kOnes = 0x0101010101010101ull;

// Per-byte popcounts of a word (each at most 8).
[[gnu::always_inline]] inline uint64_t BytePopCounts(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  return (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
}

[[gnu::always_inline]] inline int FullDistance(const Block* blocks, uint32_t pos,
                                               const Hash256& query) {
  const Block& b = blocks[pos / 8];
  const size_t lane = pos % 8;
  const auto& q = query.words();
  return std::popcount(b.Word(0, lane) ^ q[0]) + std::popcount(b.Word(1, lane) ^ q[1]) +
         std::popcount(b.Word(2, lane) ^ q[2]) + std::popcount(b.Word(3, lane) ^ q[3]);
}

// The tag scans: the indexes j < count with popcount(tags[j] ^ qtag) <= allow
// appended (plus `base`) to `out`. tags[count .. count + 15] must be readable.
using TagScanFn = void (*)(const uint16_t* tags, uint32_t count, uint16_t qtag, int allow,
                           uint32_t base, std::vector<uint32_t>& out);

// Four tags a word (SWAR): per-byte popcounts, summed per 16-bit lane; a
// lane's top bit survives (0x8000 + allow) - count iff count <= allow.
void TagScanPortable(const uint16_t* tags, uint32_t count, uint16_t qtag, int allow, uint32_t base,
                     std::vector<uint32_t>& out) {
  constexpr uint64_t kLanes = 0x0001000100010001ull;
  const uint64_t q4 = kLanes * qtag;
  const uint64_t limit = kLanes * (0x8000u + static_cast<uint32_t>(allow));
  for (uint32_t j = 0; j < count; j += 4) {
    uint64_t x;
    std::memcpy(&x, tags + j, 8);
    x = BytePopCounts(x ^ q4);
    x = (x + (x >> 8)) & 0x00ff00ff00ff00ffull;
    uint64_t pass = (limit - x) & 0x8000800080008000ull;
    if (count - j < 4) pass &= (uint64_t{1} << (16 * (count - j))) - 1;
    while (pass != 0) {
      out.push_back(base + j + std::countr_zero(pass) / 16);
      pass &= pass - 1;
    }
  }
}

// The packed tables: (1) the probes of every variant, segment and half (the
// run of each bucket from the directory, which stays cached), (2) each run's
// tags, prefetched a fixed distance ahead, scanned for a segment distance
// within the threshold, (3) each candidate's slot, position and hash, each
// pass prefetching ahead, and the full distance to the variant that found
// it. Appends the positions within the radius.

[[gnu::always_inline]] inline void PackedSearchBody(const internal::PackedTables& pt,
                                                    TagScanFn scan, const Block* blocks,
                                                    const Hash256* queries, int nq, int radius,
                                                    MihScratch& scratch) {
  using internal::PackedTables;
  auto& probes = scratch.packed_probes;
  auto& candidates = scratch.packed_candidates;
  auto& matches = scratch.matches;
  probes.clear();
  candidates.clear();
  std::array<int, PackedTables::kSegments> t;
  PackedTables::Thresholds(radius, t);
  for (int v = 0; v < nq; ++v) {
    for (int s = 0; s < PackedTables::kSegments; ++s) {
      for (int half = 0; half < 2; ++half) {
        const int a = PackedTables::HalfThreshold(t[s], half);
        if (a < 0) continue;
        const int table = 2 * s + half;
        const uint32_t* dir = pt.tables_[table].dir.get();
        const uint16_t key = PackedTables::Half(queries[v], s, half);
        const uint16_t qtag = PackedTables::Half(queries[v], s, 1 - half);
        internal::ForEachNeighbour(key, PackedTables::kKeyBits, a, 0, 0, [&](uint32_t k, int used) {
          const uint32_t begin = dir[k], end = dir[k + 1];
          if (begin == end) return;
          probes.push_back({begin, end, qtag, static_cast<uint8_t>(table),
                            static_cast<uint8_t>(t[s] - used), static_cast<uint8_t>(v)});
        });
      }
    }
  }
  for (size_t i = 0; i < probes.size(); ++i) {
    if (i + kPrefetchAhead < probes.size()) {
      const PackedProbe& ahead = probes[i + kPrefetchAhead];
      const auto* from =
          reinterpret_cast<const char*>(pt.tables_[ahead.table].tags.get() + ahead.begin);
      const auto* to =
          reinterpret_cast<const char*>(pt.tables_[ahead.table].tags.get() + ahead.end);
      for (const char* line = from; line < to; line += 64) __builtin_prefetch(line);
    }
    const PackedProbe& p = probes[i];
    matches.clear();
    scan(pt.tables_[p.table].tags.get() + p.begin, p.end - p.begin, p.qtag, p.allow, p.begin,
         matches);
    for (const uint32_t offset : matches) candidates.push_back({offset, p.table, p.variant});
  }
  // Offset -> slot -> position -> hash, each step prefetched ahead.
  const size_t nc = candidates.size();
  for (size_t i = 0; i < nc; ++i) {
    if (i + kPrefetchAhead < nc) {
      const PackedCandidate& ahead = candidates[i + kPrefetchAhead];
      __builtin_prefetch(&pt.tables_[ahead.table].slots[ahead.offset]);
    }
    candidates[i].offset = pt.tables_[candidates[i].table].slots[candidates[i].offset];
  }
  for (size_t i = 0; i < nc; ++i) {
    if (i + kPrefetchAhead < nc) pt.PrefetchPosition(candidates[i + kPrefetchAhead].offset);
    candidates[i].offset = pt.PositionOf(candidates[i].offset);
  }
  for (size_t i = 0; i < nc; ++i) {
    if (i + kPrefetchAhead < nc) {
      const uint32_t ahead = candidates[i + kPrefetchAhead].offset;
      if (ahead != PackedTables::kDead) {
        const Block& b = blocks[ahead / 8];
        __builtin_prefetch(&b.line[(ahead % 8) / 4][0]);
        __builtin_prefetch(&b.line[2 + (ahead % 8) / 4][0]);
      }
    }
    const PackedCandidate& c = candidates[i];
    if (c.offset == PackedTables::kDead) continue;
    if (FullDistance(blocks, c.offset, queries[c.variant]) <= radius) {
      scratch.survivors.push_back(c.offset);
    }
  }
}

// The chunk tables. Three passes over small buffers, each prefetching a
// fixed distance ahead, so that dozens of the random cache misses that
// dominate the cost are in flight at once: (1) the bucket probes of every
// variant and segment, (2) the entries of each probed chunk whose filter byte
// is close enough (candidates; overflow chunks are appended to the probe
// list), (3) the full distance of each candidate to the variant that found
// it. Appends the positions within the radius of the variant that found them.
[[gnu::always_inline]] inline void ChunkSearchBody(
    const internal::MultiIndex& mi, const std::array<int, internal::MultiIndex::kSegments>& t,
    const Block* blocks, const Hash256* queries, int nq, int radius, MihScratch& scratch) {
  using internal::MultiIndex;
  auto& probes = scratch.probes;
  auto& candidates = scratch.candidates;
  probes.clear();
  candidates.clear();
  const int h = mi.bucket_bits();
  for (int v = 0; v < nq; ++v) {
    for (int s = 0; s < MultiIndex::kSegments; ++s) {
      if (t[s] < 0) continue;
      uint32_t key;
      uint8_t qlow;
      mi.Split(queries[v], s, key, qlow);
      const MultiIndex::Table& table = mi.tables_[s];
      internal::ForEachNeighbour(key, h, t[s], 0, 0, [&](uint32_t k, int used) {
        probes.push_back({&table.heads[k], qlow, static_cast<uint8_t>(t[s] - used),
                          static_cast<uint8_t>(v), static_cast<uint8_t>(s)});
      });
    }
  }
  for (size_t i = 0; i < probes.size(); ++i) {
    if (i + kPrefetchAhead < probes.size()) __builtin_prefetch(probes[i + kPrefetchAhead].chunk);
    const Probe p = probes[i];
    const MultiIndex::Chunk& c = *p.chunk;
    // The filter bytes 8 at a time (SWAR): per-byte popcounts of low ^ qlow,
    // then a byte's top bit survives (0x80 + allow) - count iff
    // count <= allow (no borrows: every count is at most 8).
    const uint64_t q8 = kOnes * p.qlow;
    const uint64_t limit = kOnes * (0x80u + p.allow);
    for (int half = 0; half * 8 < c.count; ++half) {
      uint64_t x;
      std::memcpy(&x, c.low + half * 8, 8);  // low[8..10], count and padding in the second word
      x = BytePopCounts(x ^ q8);
      uint64_t hits_mask = (limit - x) & 0x8080808080808080ull;
      const int in_word = std::min(8, c.count - half * 8);
      if (in_word < 8) hits_mask &= (uint64_t{1} << (8 * in_word)) - 1;
      while (hits_mask != 0) {
        const int j = half * 8 + std::countr_zero(hits_mask) / 8;
        candidates.push_back({c.pos[j], p.variant});
        hits_mask &= hits_mask - 1;
      }
    }
    if (c.next != 0) {
      const MultiIndex::Chunk* next = &mi.tables_[p.segment].At(c.next, h);
      __builtin_prefetch(next);
      probes.push_back({next, p.qlow, p.allow, p.variant, p.segment});
    }
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (i + kPrefetchAhead < candidates.size()) {
      const uint32_t ahead = candidates[i + kPrefetchAhead].position;
      const Block& b = blocks[ahead / 8];
      __builtin_prefetch(&b.line[(ahead % 8) / 4][0]);  // words 0 and 1: one line
    }
    const Candidate c = candidates[i];
    const Block& b = blocks[c.position / 8];
    const size_t lane = c.position % 8;
    const auto& q = queries[c.variant].words();
    int d = std::popcount(b.Word(0, lane) ^ q[0]) + std::popcount(b.Word(1, lane) ^ q[1]);
    if (d > radius) continue;
    d += std::popcount(b.Word(2, lane) ^ q[2]) + std::popcount(b.Word(3, lane) ^ q[3]);
    if (d <= radius) scratch.survivors.push_back(c.position);
  }
}

// Both layers, then the survivors sorted into storage order, deduplicated and
// given their closest variant over all the queries, as the scan would.
[[gnu::always_inline]] inline void MihSearchBody(
    const internal::MultiIndex& mi, const internal::PackedTables* packed, TagScanFn scan,
    const std::array<int, internal::MultiIndex::kSegments>& t, const void* blocks_ptr,
    const Hash256* queries, int nq, int radius, std::vector<RawHit>& hits) {
  thread_local MihScratch scratch;  // capacity reused across searches
  const auto* blocks = static_cast<const Block*>(blocks_ptr);
  auto& survivors = scratch.survivors;
  survivors.clear();
  if (packed != nullptr) PackedSearchBody(*packed, scan, blocks, queries, nq, radius, scratch);
  if (packed == nullptr || packed->delta_size() > 0) {
    ChunkSearchBody(mi, t, blocks, queries, nq, radius, scratch);
  }
  std::sort(survivors.begin(), survivors.end());
  survivors.erase(std::unique(survivors.begin(), survivors.end()), survivors.end());
  for (const uint32_t pos : survivors) {
    int best = Hash256::kBits + 1, best_q = 0;
    for (int v = 0; v < nq; ++v) {
      const int d = FullDistance(blocks, pos, queries[v]);
      if (d < best) {
        best = d;
        best_q = v;
      }
    }
    hits.push_back({pos, static_cast<uint16_t>(best), static_cast<uint8_t>(best_q)});
  }
}

using MihFn = void (*)(const internal::MultiIndex&, const internal::PackedTables*,
                       const std::array<int, 11>&, const void*, const Hash256*, int, int,
                       std::vector<RawHit>&);

void MihSearchPortable(const internal::MultiIndex& mi, const internal::PackedTables* packed,
                       const std::array<int, 11>& t, const void* blocks, const Hash256* queries,
                       int nq, int radius, std::vector<RawHit>& hits) {
  MihSearchBody(mi, packed, TagScanPortable, t, blocks, queries, nq, radius, hits);
}

#if defined(__x86_64__)
#define CF_X86 1

[[gnu::target("popcnt")]] void TagScanPopcnt(const uint16_t* tags, uint32_t count, uint16_t qtag,
                                             int allow, uint32_t base, std::vector<uint32_t>& out) {
  TagScanPortable(tags, count, qtag, allow, base, out);
}

[[gnu::target("popcnt")]] void MihSearchPopcnt(const internal::MultiIndex& mi,
                                               const internal::PackedTables* packed,
                                               const std::array<int, 11>& t, const void* blocks,
                                               const Hash256* queries, int nq, int radius,
                                               std::vector<RawHit>& hits) {
  MihSearchBody(mi, packed, TagScanPopcnt, t, blocks, queries, nq, radius, hits);
}

// Sixteen tags a vector: per-byte popcounts by nibble table, summed per
// 16-bit lane (VPMADDUBSW with ones), compared with the allowance.
[[gnu::target("avx2")]] void TagScanAvx2(const uint16_t* tags, uint32_t count, uint16_t qtag,
                                         int allow, uint32_t base, std::vector<uint32_t>& out) {
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                         1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f);
  const __m256i ones = _mm256_set1_epi8(1);
  const __m256i q = _mm256_set1_epi16(static_cast<int16_t>(qtag));
  const __m256i limit = _mm256_set1_epi16(static_cast<int16_t>(allow));
  for (uint32_t j = 0; j < count; j += 16) {
    const __m256i x =
        _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(tags + j)), q);
    const __m256i bytes =
        _mm256_add_epi8(_mm256_shuffle_epi8(table, _mm256_and_si256(x, low)),
                        _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(x, 4), low)));
    const __m256i counts = _mm256_maddubs_epi16(bytes, ones);
    uint32_t pass = ~static_cast<uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpgt_epi16(counts, limit)));  // two bits a tag
    if (count - j < 16) pass &= (1u << (2 * (count - j))) - 1;
    while (pass != 0) {
      out.push_back(base + j + std::countr_zero(pass) / 2);
      pass &= pass - 1;
      pass &= pass - 1;
    }
  }
}

[[gnu::target("popcnt")]] void MihSearchAvx2(const internal::MultiIndex& mi,
                                             const internal::PackedTables* packed,
                                             const std::array<int, 11>& t, const void* blocks,
                                             const Hash256* queries, int nq, int radius,
                                             std::vector<RawHit>& hits) {
  MihSearchBody(mi, packed, TagScanAvx2, t, blocks, queries, nq, radius, hits);
}

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
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                         1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
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
    const __m256i x0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(&b.line[half / 4][0]));
    const __m256i x1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(&b.line[half / 4][4]));
    __m256i best = _mm256_set1_epi64x(Hash256::kBits + 1);
    __m256i best_q = _mm256_setzero_si256();
    bool any = false;
    for (int i = 0; i < nq; ++i) {
      __m256i d = PopCount2x64Avx2(_mm256_xor_si256(x0, q[i][0]), _mm256_xor_si256(x1, q[i][1]));
      // Half the bits already exceed the radius in all four lanes: no match
      // here, and this variant cannot be the closest of a match either.
      if (_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(d, r))) == 0xF) continue;
      const __m256i x2 =
          _mm256_load_si256(reinterpret_cast<const __m256i*>(&b.line[2 + half / 4][0]));
      const __m256i x3 =
          _mm256_load_si256(reinterpret_cast<const __m256i*>(&b.line[2 + half / 4][4]));
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

// One word of all 8 hashes: that word of hashes 0-3 (in line `first_line`)
// below the same word of hashes 4-7 (the next line).
// (GCC 12 warns, wrongly, that the intrinsics' internal placeholder may be
// uninitialised.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
[[gnu::target("avx512f")]] inline __m512i JoinLines(const Block& b, int first_line, int slot) {
  const __m256i lo = _mm256_load_si256(reinterpret_cast<const __m256i*>(&b.line[first_line][slot]));
  const __m256i hi =
      _mm256_load_si256(reinterpret_cast<const __m256i*>(&b.line[first_line + 1][slot]));
  return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}
#pragma GCC diagnostic pop

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
    const __m512i x0 = JoinLines(b, 0, 0);
    const __m512i x1 = JoinLines(b, 0, 4);
    const __m512i x2 = JoinLines(b, 2, 0);
    const __m512i x3 = JoinLines(b, 2, 4);
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

MihFn MihFunction(ScanKernel kernel) {
#if defined(CF_X86)
  if (kernel == ScanKernel::kAvx2 || kernel == ScanKernel::kAvx512) return MihSearchAvx2;
  if (kernel != ScanKernel::kPortable) return MihSearchPopcnt;
#endif
  (void)kernel;
  return MihSearchPortable;
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

HashIndex::HashIndex() : HashIndex(Options{}) {}
HashIndex::HashIndex(ScanKernel kernel) : HashIndex(Options{.kernel = kernel}) {}
HashIndex::HashIndex(const Options& options)
    : kernel_(ScanKernelSupported(options.kernel) ? options.kernel : BestScanKernel()),
      min_multi_index_size_(options.min_multi_index_size),
      min_packed_size_(options.min_packed_size),
      positions_(std::make_unique<IdMap>()) {}
HashIndex::~HashIndex() = default;
HashIndex::HashIndex(HashIndex&&) noexcept = default;
HashIndex& HashIndex::operator=(HashIndex&&) noexcept = default;

void HashIndex::Reserve(size_t n) {
  Grow(n);
  reserved_ = std::max(reserved_, n);
  MaintainMultiIndex();
}

void HashIndex::Grow(size_t n) {
  const size_t blocks = (n + 7) / 8;
  if (blocks > block_capacity_) {
    std::unique_ptr<Block[]> grown(new Block[blocks]);  // not touched yet
    internal::AdviseHugePages(grown.get(), blocks * sizeof(Block));
    if (block_capacity_ > 0)
      std::memcpy(grown.get(), blocks_.get(), block_capacity_ * sizeof(Block));
    std::memset(static_cast<void*>(grown.get() + block_capacity_), 0,
                (blocks - block_capacity_) * sizeof(Block));
    blocks_ = std::move(grown);
    block_capacity_ = blocks;
  }
  ids_.reserve(n);
  positions_->Reserve(n);
}

void HashIndex::MaintainMultiIndex() {
  using internal::MultiIndex;
  const size_t n = ids_.size();
  const size_t planned = std::max(n, reserved_);
  if (multi_ == nullptr ? planned < min_multi_index_size_ : planned < min_multi_index_size_ / 2) {
    multi_.reset();  // none yet, or small again (hysteresis: half the threshold)
    packed_.reset();
    return;
  }
  if (packed_ != nullptr) {
    // Merge when the chunk tables' entries and the dead packed ones pass a
    // quarter of the packed ones (O(n) every n/4 updates), or of the size
    // Reserve announced while a load is under way (fewer packings on the way
    // to it).
    const size_t stale = packed_->delta_size() + packed_->dead();
    if (stale > std::max(packed_->slots(), n < reserved_ ? reserved_ : 0) / 4) {
      RebuildTables();
      return;
    }
    // Else the chunk tables follow the size of the delta.
    const size_t delta = packed_->delta_size();
    const int h = multi_->bucket_bits();
    if (delta > (size_t{14} << h) || (h > MultiIndex::kMinBucketBits && delta < (size_t{3} << h))) {
      const int bits = MultiIndex::BucketBitsFor(delta);
      if (bits != h) {
        multi_.reset();
        multi_ = std::make_unique<MultiIndex>(bits);
        for (const uint32_t pos : packed_->delta()) multi_->Insert(pos, At(pos));
      }
    }
    return;
  }
  if (multi_ == nullptr || n >= min_packed_size_) {
    RebuildTables();
    return;
  }
  // Chunk tables alone: rebuilt when buckets average more than 14 or fewer
  // than 3 entries.
  const int h = multi_->bucket_bits();
  if (n > (size_t{14} << h) || planned < (size_t{3} << h)) {
    if (MultiIndex::BucketBitsFor(planned) != h) RebuildTables();
  }
}

void HashIndex::RebuildTables() {
  using internal::MultiIndex;
  const size_t n = ids_.size();
  multi_.reset();  // free the old tables before the new ones take memory
  packed_.reset();
  if (n >= min_packed_size_) {
    packed_ = std::make_unique<internal::PackedTables>(blocks_.get(), n);
    multi_ = std::make_unique<MultiIndex>(MultiIndex::kMinBucketBits);  // the delta: empty
    return;
  }
  multi_ = std::make_unique<MultiIndex>(MultiIndex::BucketBitsFor(std::max(n, reserved_)));
  for (size_t pos = 0; pos < n; ++pos) multi_->Insert(static_cast<uint32_t>(pos), At(pos));
}

void HashIndex::Compact() {
  if (multi_ != nullptr && ids_.size() >= min_packed_size_ &&
      (packed_ == nullptr || packed_->delta_size() + packed_->dead() > 0)) {
    RebuildTables();
  }
}

Hash256 HashIndex::At(size_t position) const {
  const Block& b = blocks_[position / 8];
  std::array<uint64_t, 4> words;
  for (int w = 0; w < 4; ++w) words[w] = b.Word(w, position % 8);
  return Hash256(words);
}

void HashIndex::Put(size_t position, const Hash256& hash) {
  Block& b = blocks_[position / 8];
  for (int w = 0; w < 4; ++w) b.Word(w, position % 8) = hash.words()[w];
}

void HashIndex::Add(Id id, const Hash256& hash) {
  if (const uint32_t* found = positions_->Find(id)) {
    const uint32_t pos = *found;
    if (packed_ != nullptr && packed_->Packed(pos)) {  // the packed entry goes stale
      packed_->Kill(pos);
      multi_->Insert(pos, hash);
      packed_->AddDelta(pos);
    } else if (multi_ != nullptr) {
      multi_->Erase(pos, At(pos));
      multi_->Insert(pos, hash);
    }
    Put(pos, hash);
    MaintainMultiIndex();
    return;
  }
  const size_t position = ids_.size();
  if (position / 8 >= block_capacity_) Grow(std::max<size_t>(64, position + position / 2));
  Put(position, hash);
  ids_.push_back(id);
  positions_->Insert(id, static_cast<uint32_t>(position));
  if (multi_ != nullptr) multi_->Insert(static_cast<uint32_t>(position), hash);
  if (packed_ != nullptr) packed_->AddDelta(static_cast<uint32_t>(position));
  MaintainMultiIndex();
}

bool HashIndex::Remove(Id id) {
  const uint32_t* found = positions_->Find(id);
  if (found == nullptr) return false;
  const size_t position = *found;
  const size_t last = ids_.size() - 1;
  positions_->Erase(id);
  const auto pos32 = static_cast<uint32_t>(position), last32 = static_cast<uint32_t>(last);
  if (packed_ != nullptr && packed_->Packed(pos32)) {
    packed_->Kill(pos32);
  } else if (multi_ != nullptr) {
    multi_->Erase(pos32, At(position));
    if (packed_ != nullptr) packed_->RemoveDelta(pos32);
  }
  if (position != last) {
    if (packed_ == nullptr || !packed_->Packed(last32)) {
      if (multi_ != nullptr) multi_->Relocate(last32, pos32, At(last));
    }
    if (packed_ != nullptr) packed_->Move(last32, pos32);
  }
  if (position != last) {  // the last entry fills the hole
    const Block& from = blocks_[last / 8];
    Block& to = blocks_[position / 8];
    for (int w = 0; w < 4; ++w) to.Word(w, position % 8) = from.Word(w, last % 8);
    ids_[position] = ids_[last];
    *positions_->Find(ids_[position]) = static_cast<uint32_t>(position);
  }
  ids_.pop_back();
  MaintainMultiIndex();
  return true;
}

bool HashIndex::Contains(Id id) const { return positions_->Find(id) != nullptr; }

std::optional<Hash256> HashIndex::Find(Id id) const {
  const uint32_t* pos = positions_->Find(id);
  if (pos == nullptr) return std::nullopt;
  return At(*pos);
}

size_t HashIndex::MemoryBytes() const {
  return block_capacity_ * sizeof(Block) + ids_.capacity() * sizeof(Id) + positions_->Bytes() +
         (multi_ != nullptr ? multi_->Bytes() : 0) + (packed_ != nullptr ? packed_->Bytes() : 0);
}

bool HashIndex::UsesMultiIndex(int radius) const {
  std::array<int, internal::MultiIndex::kSegments> t;
  return radius >= 0 && Plan(radius, t);
}

bool HashIndex::Plan(int radius, std::array<int, 11>& thresholds) const {
  if (multi_ == nullptr) return false;
  if (packed_ == nullptr) return multi_->Plan(radius, ids_.size(), thresholds);
  internal::MultiIndex::Thresholds(radius, thresholds);  // for the delta
  return packed_->Plan(radius, ids_.size());
}

std::vector<HashIndex::Match> HashIndex::Scan(const Hash256* queries, int count, int radius) const {
  std::vector<Match> out;
  if (radius < 0 || ids_.empty()) return out;
  radius = std::min(radius, Hash256::kBits);
  std::vector<RawHit> hits;
  std::array<int, internal::MultiIndex::kSegments> thresholds;
  if (Plan(radius, thresholds)) {
    MihFunction(kernel_)(*multi_, packed_.get(), thresholds, blocks_.get(), queries, count, radius,
                         hits);
  } else {
    KernelFunction(kernel_)(blocks_.get(), ids_.size(), queries, count, radius, hits);
  }
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
