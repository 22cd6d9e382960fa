#include "imaging/photo_bank.h"

#include <algorithm>
#include <mutex>

namespace counterfoil::imaging {

std::string_view BankKindName(BankKind kind) {
  switch (kind) {
    case BankKind::kReference: return "reference";
    case BankKind::kStayDown: return "stay_down";
    case BankKind::kShared: return "shared";
  }
  return "shared";
}

std::optional<BankKind> ParseBankKind(std::string_view name) {
  if (name == "reference") return BankKind::kReference;
  if (name == "stay_down") return BankKind::kStayDown;
  if (name == "shared") return BankKind::kShared;
  return std::nullopt;
}

PhotoBanks::BankState& PhotoBanks::BankLocked(const std::string& id) {
  auto it = banks_.find(id);
  if (it == banks_.end()) {
    it = banks_.emplace(id, BankState{}).first;
    it->second.info.id = id;
  }
  return it->second;
}

void PhotoBanks::SetBank(const BankInfo& bank) {
  std::unique_lock lock(mu_);
  BankState& b = BankLocked(bank.id);
  b.info = bank;
  b.info.radius = std::clamp(bank.radius, 0, kMaxBankRadius);
}

bool PhotoBanks::RemoveBank(std::string_view id) {
  std::unique_lock lock(mu_);
  auto it = banks_.find(id);
  if (it == banks_.end()) return false;
  for (auto e = entries_.begin(); e != entries_.end();) {
    if (e->second.entry.bank == id) {
      ids_.erase(e->second.key);
      e = entries_.erase(e);
    } else {
      ++e;
    }
  }
  banks_.erase(it);
  return true;
}

std::optional<BankInfo> PhotoBanks::Bank(std::string_view id) const {
  std::shared_lock lock(mu_);
  auto it = banks_.find(id);
  if (it == banks_.end()) return std::nullopt;
  return it->second.info;
}

std::vector<BankInfo> PhotoBanks::Banks() const {
  std::shared_lock lock(mu_);
  std::vector<BankInfo> out;
  for (const auto& [id, b] : banks_) out.push_back(b.info);
  return out;
}

bool PhotoBanks::Add(const BankEntry& entry) {
  if (entry.quality < kPdqMinUsefulQuality) return false;
  std::unique_lock lock(mu_);
  RemoveLocked(entry.id);
  BankState& b = BankLocked(entry.bank);
  HashIndex::Id key = next_key_++;
  b.index.Add(key, entry.hash);
  entries_[entry.id] = Stored{entry, key};
  ids_[key] = entry.id;
  return true;
}

bool PhotoBanks::RemoveLocked(std::string_view entry_id) {
  auto it = entries_.find(std::string(entry_id));
  if (it == entries_.end()) return false;
  auto b = banks_.find(it->second.entry.bank);
  if (b != banks_.end()) b->second.index.Remove(it->second.key);
  ids_.erase(it->second.key);
  entries_.erase(it);
  return true;
}

bool PhotoBanks::Remove(std::string_view entry_id) {
  std::unique_lock lock(mu_);
  return RemoveLocked(entry_id);
}

void PhotoBanks::Compact() {
  std::unique_lock lock(mu_);
  for (auto& [id, bank] : banks_) bank.index.Compact();
}

size_t PhotoBanks::size() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

size_t PhotoBanks::BankSize(std::string_view bank) const {
  std::shared_lock lock(mu_);
  auto it = banks_.find(bank);
  return it == banks_.end() ? 0 : it->second.index.size();
}

namespace {
uint64_t Fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}
}  // namespace

uint64_t PhotoBanks::Digest() const {
  std::shared_lock lock(mu_);
  uint64_t d = 0;
  for (const auto& [id, b] : banks_) {
    if (b.info.kind == BankKind::kStayDown) continue;
    d ^= Fnv1a(std::to_string(b.info.radius), Fnv1a(BankKindName(b.info.kind), Fnv1a(id)));
  }
  for (const auto& [id, s] : entries_) {
    auto b = banks_.find(s.entry.bank);
    if (b != banks_.end() && b->second.info.kind == BankKind::kStayDown) continue;
    d ^= Fnv1a(s.entry.bank, Fnv1a(id)) * 0x9E3779B97F4A7C15ull;
  }
  return d;
}

std::vector<BankMatch> PhotoBanks::Match(const PhotoFingerprint& photo) const {
  return Match(photo.Useful());
}

std::vector<BankMatch> PhotoBanks::Match(
    const std::vector<const PdqDihedralHashes*>& hashes) const {
  std::vector<BankMatch> out;
  std::shared_lock lock(mu_);
  std::unordered_map<HashIndex::Id, size_t> seen;  // key -> position in out
  for (const PdqDihedralHashes* h : hashes) {
    if (h == nullptr || h->quality < kPdqMinUsefulQuality) continue;
    for (const auto& [id, bank] : banks_) {
      if (bank.index.size() == 0) continue;
      for (const HashIndex::Match& m : bank.index.SearchDihedral(h->hashes, bank.info.radius)) {
        auto [pos, fresh] = seen.try_emplace(m.id, out.size());
        if (!fresh) {
          BankMatch& old = out[pos->second];
          if (m.distance < old.distance) {
            old.distance = m.distance;
            old.variant = m.variant;
          }
          continue;
        }
        auto name = ids_.find(m.id);
        if (name == ids_.end()) {  // cannot happen: keys and ids move together
          seen.erase(pos);
          continue;
        }
        out.push_back({bank.info, entries_.at(name->second).entry, m.distance, m.variant});
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const BankMatch& a, const BankMatch& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.entry.id < b.entry.id;
  });
  return out;
}

}  // namespace counterfoil::imaging
