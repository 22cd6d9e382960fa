// PhotoBanks: the photo hashes listing photos are matched against, grouped in
// banks, each with its own match radius.
//
//   PhotoBanks banks;
//   banks.SetBank({.id = "reference:org_dyson", .kind = BankKind::kReference,
//                  .owner = "org_dyson"});                       // radius 31
//   banks.Add({.id = "ph_1", .bank = "reference:org_dyson", .hash = h, .quality = 100,
//              .rights_holder = "org_dyson", .reference = sha256, .label = "front"});
//   for (const BankMatch& m : banks.Match(fingerprint)) ...     // bank, distance, entry
//
// Banks: each rights holder's reference photos (kReference), the stay-down
// bank of photos of removed listings (kStayDown), and banks shared by
// coalitions or imported from elsewhere (kShared, bank_csv.h). An entry is
// one 256-bit PDQ hash with its quality and what it stands for; a reference
// photo gives one entry per hash of its PhotoFingerprint (the whole picture
// and the picture inside a frame).
//
// Matching queries every bank with all eight dihedral variants of each
// useful hash of the listing photo (so mirrored and turned copies match) and
// reports each entry within its bank's radius once, with the smallest
// distance. Hashes of quality below kPdqMinUsefulQuality are never indexed
// (Add returns false) nor queried: flat pictures match everything.
//
// Thread safety: all methods may be called concurrently (a shared mutex;
// matching takes it shared). The HashIndex per bank does the scanning.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "imaging/hash_index.h"
#include "imaging/photo_fingerprint.h"

namespace counterfoil::imaging {

enum class BankKind { kReference, kStayDown, kShared };
std::string_view BankKindName(BankKind kind);
std::optional<BankKind> ParseBankKind(std::string_view name);

// PDQ's suggested radius; each bank may set its own (0..128).
inline constexpr int kDefaultBankRadius = kPdqMatchRadius;
inline constexpr int kMaxBankRadius = 128;

struct BankInfo {
  std::string id;
  BankKind kind = BankKind::kShared;
  std::string owner;  // the rights holder (reference), the coalition (shared), "" (stay-down)
  int radius = kDefaultBankRadius;
};

struct BankEntry {
  std::string id;  // unique across banks
  std::string bank;
  Hash256 hash;
  int quality = 0;
  std::string rights_holder;  // whose photo it is; authorised sellers are exempt
  std::string reference;      // the photo it came from (a blob SHA-256), if held
  std::string label;          // free text: "Supersonic, front", a file name, a listing
  std::string listing;        // stay-down: the listing taken down (not matched against itself)
};

struct BankMatch {
  BankInfo bank;
  BankEntry entry;
  int distance = 0;
  Dihedral variant = Dihedral::kOriginal;  // the query variant that came closest
};

class PhotoBanks {
 public:
  PhotoBanks() = default;
  PhotoBanks(const PhotoBanks&) = delete;
  PhotoBanks& operator=(const PhotoBanks&) = delete;

  // Creates the bank or updates its kind, owner and radius (clamped to
  // 0..kMaxBankRadius); its entries stay.
  void SetBank(const BankInfo& bank);
  // Removes the bank and its entries; false when absent.
  bool RemoveBank(std::string_view id);
  std::optional<BankInfo> Bank(std::string_view id) const;
  std::vector<BankInfo> Banks() const;

  // Indexes the entry (creating its bank with the defaults if needed),
  // replacing an entry with the same id. False, and nothing indexed, when
  // its quality is below kPdqMinUsefulQuality.
  bool Add(const BankEntry& entry);
  bool Remove(std::string_view entry_id);
  // Packs every bank's index (HashIndex::Compact): call it after loading
  // banks entry by entry, so that searches do not wait for the next merge.
  void Compact();
  size_t size() const;
  size_t BankSize(std::string_view bank) const;
  // An order-independent digest of the banks (ids, kinds, radii) and their
  // entries, the stay-down bank left out: it changes when a reference or
  // shared photo is added or removed or a radius changes, so the owner knows
  // to screen existing listings again (a stay-down entry never calls for that).
  uint64_t Digest() const;

  // Every entry within its bank's radius of any useful hash of `photo`, each
  // once with its smallest distance, closest first.
  std::vector<BankMatch> Match(const PhotoFingerprint& photo) const;
  // The same for a list of hashes (each with its eight variants).
  std::vector<BankMatch> Match(const std::vector<const PdqDihedralHashes*>& hashes) const;

 private:
  struct BankState {
    BankInfo info;
    HashIndex index;
  };
  struct Stored {
    BankEntry entry;
    HashIndex::Id key = 0;
  };
  BankState& BankLocked(const std::string& id);
  bool RemoveLocked(std::string_view entry_id);

  mutable std::shared_mutex mu_;
  std::map<std::string, BankState, std::less<>> banks_;           // GUARDED_BY(mu_)
  std::unordered_map<std::string, Stored> entries_;               // GUARDED_BY(mu_)
  std::unordered_map<HashIndex::Id, std::string> ids_;            // GUARDED_BY(mu_)
  HashIndex::Id next_key_ = 1;                                    // GUARDED_BY(mu_)
};

}  // namespace counterfoil::imaging
