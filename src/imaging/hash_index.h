// HashIndex: exact Hamming-radius search over PDQ hashes: multi-index hashing
// for large banks, SIMD brute force for small ones and large radii.
//
//   HashIndex index;                               // the best scan kernel for this CPU
//   index.Add(reference_id, hash);                 // add, or replace what id held
//   for (const HashIndex::Match& m : index.SearchDihedral(listing.hashes, 31))
//     Flag(m.id, m.distance, m.variant);           // each entry once, its closest variant
//   index.Remove(reference_id);
//
// Every entry within the radius is returned, by either method (hash_index_test.cc
// checks both against a naive scan):
//
// - Brute force compares the query with every stored hash. With AVX2 a
//   dihedral query takes about 5 ms per million hashes on one core, so it is
//   what banks below Options::min_multi_index_size (default 16,384) use.
// - Multi-index hashing (Norouzi, Punjani and Fleet, "Fast Exact Search in
//   Hamming Space with Multi-Index Hashing", TPAMI 2014) cuts the 256 bits
//   into 11 segments of 23 or 24 bits, each with its own table. If two hashes
//   are within r bits, then for thresholds t_i with sum(t_i + 1) = r + 1 at
//   least one segment i differs in at most t_i bits (pigeonhole, generalised
//   as in Qin et al., "GPH: Similarity Search in Hamming Space", ICDE 2018);
//   at r = 31 ten segments are searched to 2 bits and one to 1. Every stored
//   hash that passes one such segment test is a candidate, and every candidate
//   is checked with its full distance, so recall stays exactly 100%. On random
//   hashes a dihedral query at r = 31 verifies about 0.0003 n candidates per
//   variant from about 2,100 table probes. The per-segment cost grows as
//   C(h, t): a query whose radius makes that estimate dearer than a scan
//   (beyond r ~ 65 at 10 million) is answered by brute force, exactly as well.
// - From Options::min_packed_size entries (default 131,072) the tables are
//   bulk-built into packed tables with another cut: 8 segments of 32 bits
//   (each within 3 bits at r = 31), each found through one of its 16-bit
//   halves within 1 bit; a bucket is a contiguous run of the other halves
//   (16-bit tags, scanned 16 at a time), so a dihedral query reads ~2,200
//   runs and checks ~1,300 candidates instead of ~40,000 random cache lines
//   (0.3 ms at 10 million on one core of this VM; README.md). Entries
//   added later go to the updatable tables above (the delta), and are merged
//   in, O(n), when the delta and the removed or replaced entries pass a
//   quarter of the packed ones; Compact() merges at once (after a bank is
//   loaded).
//
// The scan kernel is chosen once from the CPU: AVX-512 with VPOPCNTDQ (8
// hashes per instruction), AVX2 (4 hashes, popcount by nibble lookup, with an
// early exit after the first 128 bits, which exceed any useful radius for
// nearly every unrelated hash), the POPCNT instruction, or portable C++.
// All kernels give identical results.
//
// Storage: the hashes in blocks of 8, word-major (the k-th 64-bit word of 8
// hashes side by side), so one aligned load feeds 8 (AVX-512) or 4 (AVX2)
// comparisons; removal moves the last entry into the hole, so positions stay
// dense. About 67 bytes per hash with the id map; the packed tables add about
// 104 more (16 x 6 bytes, and 8 for the slot maps), the updatable tables
// about 110 per entry they hold (MemoryBytes(); README.md has the measured
// figures). Add and Remove stay O(1) amortised: 11 bucket updates in the
// updatable tables, or a mark on a packed entry; the packed tables are rebuilt,
// O(n), after n/4 updates, and the updatable ones when their size doubles or
// falls to a quarter (one Add then takes a second or two at 10 million).
//
// Thread safety: const methods may run concurrently; Add, Remove and Reserve
// need exclusive access (the owner holds a lock, GUARDED_BY it).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "imaging/hash256.h"
#include "imaging/pdq.h"

namespace counterfoil::imaging {
namespace internal {
struct HashBlock;    // 8 hashes, word-major (hash_index.cc)
class MultiIndex;    // the segment tables, updated in place (hash_index.cc)
class PackedTables;  // the segment tables, bulk-built (hash_index.cc)
}  // namespace internal

enum class ScanKernel { kPortable, kPopcnt, kAvx2, kAvx512 };
std::string_view ScanKernelName(ScanKernel kernel);
// Whether this CPU can run the kernel.
bool ScanKernelSupported(ScanKernel kernel);
// The fastest kernel this CPU supports.
ScanKernel BestScanKernel();

// PDQ's suggested match threshold (the ThreatExchange documentation: distance
// <= 31 of 256 bits).
inline constexpr int kPdqMatchRadius = 31;

class HashIndex {
 public:
  using Id = uint64_t;
  struct Match {
    Id id = 0;
    int distance = 0;
    // The query variant that came closest (kOriginal for Search()).
    Dihedral variant = Dihedral::kOriginal;
    friend bool operator==(const Match&, const Match&) = default;
  };

  struct Options {
    // The scan kernel; one the CPU lacks is replaced by BestScanKernel().
    ScanKernel kernel = BestScanKernel();
    // Multi-index hashing from this many entries on (brute force below it,
    // where a scan costs at most ~0.1 ms); SIZE_MAX turns it off (tests and
    // benchmarks of the scan), 0 uses it at every size (tests).
    size_t min_multi_index_size = 16'384;
    // From this many entries on, the tables are bulk-built into the packed
    // layout, and entries added since then are kept in chunk tables until a
    // quarter of the packed entries are stale or outgrown (then all are
    // packed again). Tests set it low to exercise the merges.
    size_t min_packed_size = 131'072;
  };

  HashIndex();
  explicit HashIndex(const Options& options);
  // A specific kernel (tests, benchmarks); it must be supported by the CPU,
  // else the best supported one is used.
  explicit HashIndex(ScanKernel kernel);
  ~HashIndex();
  HashIndex(HashIndex&&) noexcept;
  HashIndex& operator=(HashIndex&&) noexcept;

  // Stores `hash` under `id`, replacing the hash `id` held before. O(1).
  void Add(Id id, const Hash256& hash);
  // Removes `id`; false when it was not there. O(1).
  bool Remove(Id id);
  bool Contains(Id id) const;
  // The hash stored under `id`, if any.
  std::optional<Hash256> Find(Id id) const;
  size_t size() const { return ids_.size(); }
  // Makes room for n entries (and sizes the multi-index tables for n).
  void Reserve(size_t n);
  // Packs every entry into the bulk-built tables now (O(n)), so that searches
  // need not visit the entries added since the last merge: call it after
  // loading a bank. Without it the merges happen by themselves (above).
  void Compact();
  // Bytes held: hashes, ids, the id map and the multi-index tables.
  size_t MemoryBytes() const;
  ScanKernel kernel() const { return kernel_; }
  // Whether a search with this radius goes through the multi-index tables
  // (else it scans); for tests and benchmarks.
  bool UsesMultiIndex(int radius) const;

  // Every entry within `radius` (0..256) of `query`, in storage order.
  std::vector<Match> Search(const Hash256& query, int radius = kPdqMatchRadius) const;
  // Every entry within `radius` of any of the query's variants (the eight
  // dihedral hashes of ComputePdqDihedral, indexed by Dihedral), each once,
  // with the closest variant (the lowest Dihedral on ties).
  std::vector<Match> SearchDihedral(const std::array<Hash256, 8>& variants,
                                    int radius = kPdqMatchRadius) const;

 private:
  class IdMap;
  std::vector<Match> Scan(const Hash256* queries, int count, int radius) const;
  void Put(size_t position, const Hash256& hash);
  void Grow(size_t n);  // storage for n entries
  Hash256 At(size_t position) const;
  // Builds, rebuilds, merges or drops the multi-index tables for the current size.
  void MaintainMultiIndex();
  void RebuildTables();
  // The segment thresholds, and whether the tables beat a scan at `radius`.
  bool Plan(int radius, std::array<int, 11>& thresholds) const;

  ScanKernel kernel_;
  size_t min_multi_index_size_;
  size_t min_packed_size_;
  size_t reserved_ = 0;  // the largest Reserve(n)
  std::unique_ptr<internal::HashBlock[]> blocks_;
  size_t block_capacity_ = 0;
  std::vector<Id> ids_;  // by position
  std::unique_ptr<IdMap> positions_;
  std::unique_ptr<internal::MultiIndex> multi_;  // null while brute force serves
  // Null below Options::min_packed_size; else multi_ holds only the delta.
  std::unique_ptr<internal::PackedTables> packed_;
};

}  // namespace counterfoil::imaging
