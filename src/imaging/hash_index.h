// HashIndex: exact Hamming-radius search over PDQ hashes, by SIMD brute force.
//
//   HashIndex index;                               // the best scan kernel for this CPU
//   index.Add(reference_id, hash);                 // add, or replace what id held
//   for (const HashIndex::Match& m : index.SearchDihedral(listing.hashes, 31))
//     Flag(m.id, m.distance, m.variant);           // each entry once, its closest variant
//   index.Remove(reference_id);
//
// Every entry within the radius is returned: the scan compares the query with
// every stored hash, so recall is 100% by construction (hash_index_test.cc
// checks each kernel against a naive scan). With AVX2 a dihedral query takes
// about 5 ms per million hashes on one core (README.md, "Figures"), so it
// suits banks up to ~150,000 hashes at <= 1 ms; larger banks want multi-index
// hashing (Norouzi, Punjani and Fleet, "Fast Exact Search in Hamming Space
// with Multi-Index Hashing", TPAMI 2014) in front of it.
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
// dense. About 60 bytes per hash with the id map (MemoryBytes()).
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
struct HashBlock;  // 8 hashes, word-major (hash_index.cc)
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

  HashIndex();
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
  void Reserve(size_t n);
  // Bytes held: hashes, ids and the id map.
  size_t MemoryBytes() const;
  ScanKernel kernel() const { return kernel_; }

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

  ScanKernel kernel_;
  std::unique_ptr<internal::HashBlock[]> blocks_;
  size_t block_capacity_ = 0;
  std::vector<Id> ids_;  // by position
  std::unique_ptr<IdMap> positions_;
};

}  // namespace counterfoil::imaging
