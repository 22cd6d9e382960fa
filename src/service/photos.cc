#include "service/photos.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/crypto.h"
#include "common/ids.h"
#include "imaging/bank_csv.h"
#include "imaging/photo_fingerprint.h"
#include "service/photo_match.h"
#include "service/screening.h"

namespace counterfoil::service {

using domain::PhotoBank;
using domain::PhotoHashEntry;
using storage::Filter;
using storage::Tx;

namespace {

constexpr char kProtectionSource[] = "protection";
constexpr char kImportSource[] = "import";
constexpr size_t kMaxListingPhotos = 20;

imaging::BankInfo ToInfo(const PhotoBank& b) {
  return {b.id, imaging::ParseBankKind(b.kind).value_or(imaging::BankKind::kShared),
          b.owner_org_id, b.radius};
}

imaging::Hash256 HashOf(const std::string& hex) {
  auto h = imaging::Hash256::FromHex(hex);
  return h.ok() ? *h : imaging::Hash256();
}

imaging::BankEntry ToEntry(const PhotoHashEntry& e) {
  imaging::BankEntry out;
  out.id = e.id;
  out.bank = e.bank_id;
  out.hash = HashOf(e.hash);
  out.quality = e.quality;
  out.rights_holder = e.rights_holder_id;
  out.reference = e.photo_sha256;
  out.label = e.label;
  out.listing = e.listing_id;
  return out;
}

template <typename T, typename Fn>
Status ForEachPage(storage::Repository<T>& repo, const Filter& f, Fn fn) {
  storage::PageRequest page{.limit = 1000};
  while (true) {
    ASSIGN_OR_RETURN(auto got, repo.List(f, page));
    for (auto& item : got.items) RETURN_IF_ERROR(fn(item));
    if (got.next_cursor.empty()) return Status::Ok();
    page.after = got.next_cursor;
  }
}


std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string ImageContentType(const std::string& bytes) {
  switch (imaging::SniffImageFormat(Span(bytes))) {
    case imaging::ImageFormat::kJpeg: return "image/jpeg";
    case imaging::ImageFormat::kPng: return "image/png";
    case imaging::ImageFormat::kWebp: return "image/webp";
    case imaging::ImageFormat::kPnm: return "image/x-portable-anymap";
    default: return "application/octet-stream";
  }
}

// The hashes of a fingerprint worth storing: the useful ones, or the whole
// picture's when none is (kept, never indexed, so it is not hashed again).
std::vector<const imaging::PdqDihedralHashes*> Storable(const imaging::PhotoFingerprint& fp) {
  auto useful = fp.Useful();
  if (useful.empty()) useful.push_back(&fp.whole);
  return useful;
}

}  // namespace

Result<size_t> LoadPhotoBanks(Tx& tx, imaging::PhotoBanks& banks) {
  RETURN_IF_ERROR(ForEachPage(tx.photo_banks(), {}, [&](const PhotoBank& b) {
    banks.SetBank(ToInfo(b));
    return Status::Ok();
  }));
  size_t indexed = 0;
  RETURN_IF_ERROR(ForEachPage(tx.photo_hashes(), {}, [&](const PhotoHashEntry& e) {
    if (banks.Add(ToEntry(e))) ++indexed;
    return Status::Ok();
  }));
  banks.Compact();
  return indexed;
}

Result<int> AddUnstoredReferences(Tx& tx, const storage::BlobStore& blobs,
                                  imaging::PhotoBanks& banks) {
  std::set<std::pair<std::string, std::string>> stored;  // (org, photo)
  RETURN_IF_ERROR(ForEachPage(tx.photo_hashes(), Filter().Eq("source", std::string(kProtectionSource)),
                              [&](const PhotoHashEntry& e) {
                                stored.emplace(e.rights_holder_id, e.photo_sha256);
                                return Status::Ok();
                              }));
  int added = 0;
  RETURN_IF_ERROR(ForEachPage(tx.protection(), {}, [&](const domain::ProtectionProfile& pp) {
    for (const std::string& sha : pp.reference_images) {
      if (stored.count({pp.org_id, sha})) continue;
      auto bytes = blobs.Get(sha);
      if (!bytes.ok()) continue;
      auto fp = imaging::FingerprintPhoto(Span(*bytes));
      if (!fp.ok()) continue;
      const std::string bank = ReferenceBankId(pp.org_id);
      if (!banks.Bank(bank))
        banks.SetBank({bank, imaging::BankKind::kReference, pp.org_id, imaging::kDefaultBankRadius});
      if (AddFingerprint(banks, "unstored:" + pp.org_id + ":" + sha, bank, *fp, pp.org_id, sha,
                         "reference photo " + sha.substr(0, 12)) > 0)
        ++added;
    }
    return Status::Ok();
  }));
  return added;
}

PhotoService::PhotoService(ServiceContext& ctx) : ctx_(ctx) {}

Status PhotoService::Open() {
  size_t indexed = 0;
  std::vector<domain::ProtectionProfile> profiles;
  std::map<std::string, std::set<std::string>> held;  // org -> reference photos hashed
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(indexed, LoadPhotoBanks(tx, banks_));
    RETURN_IF_ERROR(ForEachPage(tx.protection(), {}, [&](domain::ProtectionProfile& pp) {
      profiles.push_back(std::move(pp));
      return Status::Ok();
    }));
    return ForEachPage(tx.photo_hashes(), Filter().Eq("source", std::string(kProtectionSource)),
                       [&](const PhotoHashEntry& e) {
                         held[e.rights_holder_id].insert(e.photo_sha256);
                         return Status::Ok();
                       });
  }));
  // Reference photos registered while the server was stopped (an offline
  // catalogue import) are hashed now; a photo that cannot be decoded is
  // logged and skipped rather than stopping the server.
  for (const auto& pp : profiles) {
    std::set<std::string> want(pp.reference_images.begin(), pp.reference_images.end());
    if (want == held[pp.org_id]) continue;
    Status s = ctx_.store().Write([&](Tx& tx) { return SyncReferencesInTx(tx, pp, "system"); });
    if (!s.ok())
      spdlog::error("photos: the reference photos of {} are not indexed: {}", pp.org_id,
                    s.ToString());
  }
  spdlog::info("photos: {} photo hashes in {} banks", banks_.size(), banks_.Banks().size());
  (void)indexed;
  return Status::Ok();
}

Result<PhotoBank> PhotoService::EnsureBankInTx(Tx& tx, const std::string& id,
                                               const std::string& kind,
                                               const std::string& owner) {
  ASSIGN_OR_RETURN(auto found, tx.photo_banks().Find(id));
  if (found) return *found;
  PhotoBank b;
  b.id = id;
  b.kind = kind;
  b.owner_org_id = owner;
  b.name = kind == "reference" ? "Reference photos of " + owner
           : kind == "stay_down" ? "Photos of removed listings"
                                 : id;
  b.radius = imaging::kDefaultBankRadius;
  b.created_at = b.updated_at = ctx_.Now();
  RETURN_IF_ERROR(tx.photo_banks().Insert(b));
  tx.OnCommit([this, info = ToInfo(b)] { banks_.SetBank(info); });
  return b;
}

Status PhotoService::InsertEntriesInTx(Tx& tx, const PhotoBank& bank,
                                       std::vector<PhotoHashEntry> entries) {
  if (entries.empty()) return Status::Ok();
  for (const auto& e : entries) RETURN_IF_ERROR(tx.photo_hashes().Upsert(e));
  auto shared = std::make_shared<std::vector<PhotoHashEntry>>(std::move(entries));
  tx.OnCommit([this, info = ToInfo(bank), shared] {
    if (!banks_.Bank(info.id)) banks_.SetBank(info);
    for (const auto& e : *shared) banks_.Add(ToEntry(e));
  });
  return Status::Ok();
}

Status PhotoService::DeleteEntriesInTx(Tx& tx, const std::vector<PhotoHashEntry>& entries) {
  if (entries.empty()) return Status::Ok();
  std::vector<std::string> ids;
  for (const auto& e : entries) {
    RETURN_IF_ERROR(tx.photo_hashes().Delete(e.id));
    ids.push_back(e.id);
  }
  tx.OnCommit([this, ids = std::move(ids)] {
    for (const auto& id : ids) banks_.Remove(id);
  });
  return Status::Ok();
}

// ------------------------------------------------------------------ references

Status PhotoService::SyncReferencesInTx(Tx& tx, const domain::ProtectionProfile& pp,
                                        const std::string& actor) {
  const std::string bank_id = ReferenceBankId(pp.org_id);
  std::vector<PhotoHashEntry> existing;
  RETURN_IF_ERROR(ForEachPage(
      tx.photo_hashes(),
      Filter().Eq("bank_id", bank_id).Eq("source", std::string(kProtectionSource)),
      [&](PhotoHashEntry& e) {
        existing.push_back(std::move(e));
        return Status::Ok();
      }));
  std::set<std::string> want(pp.reference_images.begin(), pp.reference_images.end());
  std::set<std::string> have;
  std::vector<PhotoHashEntry> gone;
  for (auto& e : existing) {
    if (want.count(e.photo_sha256))
      have.insert(e.photo_sha256);
    else
      gone.push_back(e);
  }
  if (gone.empty() && have.size() == want.size()) return Status::Ok();
  ASSIGN_OR_RETURN(PhotoBank bank, EnsureBankInTx(tx, bank_id, "reference", pp.org_id));
  std::vector<PhotoHashEntry> added;
  const Timestamp now = ctx_.Now();
  for (size_t i = 0; i < pp.reference_images.size(); ++i) {
    const std::string& sha = pp.reference_images[i];
    if (have.count(sha)) continue;
    have.insert(sha);
    const std::string field = "/reference_images/" + std::to_string(i);
    auto bytes = ctx_.blobs().Get(sha);
    if (!bytes.ok()) return InvalidArgument("reference image not uploaded", field);
    auto fp = imaging::FingerprintPhoto(Span(*bytes));
    if (!fp.ok())
      return InvalidArgument("reference image is not a photo Counterfoil can read: " +
                                 fp.status().message(),
                             field);
    std::string label;
    ASSIGN_OR_RETURN(auto refs, tx.BlobRefs(sha));
    for (const auto& r : refs)
      if (!r.filename.empty()) label = r.filename;
    if (label.empty()) label = "reference photo " + sha.substr(0, 12);
    for (const imaging::PdqDihedralHashes* h : Storable(*fp)) {
      PhotoHashEntry e;
      e.id = NewId("ph", now);
      e.bank_id = bank_id;
      e.hash = h->hashes[0].ToHex();
      e.quality = h->quality;
      e.label = label;
      e.rights_holder_id = pp.org_id;
      e.photo_sha256 = sha;
      e.source = kProtectionSource;
      e.created_at = now;
      added.push_back(std::move(e));
    }
  }
  const size_t added_count = added.size(), removed_count = gone.size();
  RETURN_IF_ERROR(DeleteEntriesInTx(tx, gone));
  RETURN_IF_ERROR(InsertEntriesInTx(tx, bank, std::move(added)));
  return ctx_.Record(tx, actor, "photo_bank.references_synced", "photo_bank", bank_id,
                     {{"photos", want.size()}, {"hashes_added", added_count},
                      {"hashes_removed", removed_count}});
}

// ------------------------------------------------------------------ stay-down

Status PhotoService::AddStayDownInTx(Tx& tx, const domain::Listing& l, const std::string& source,
                                     const std::string& rights_holder_id) {
  if (l.photos.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(auto already, tx.photo_hashes().First(Filter().Eq("source", source)));
  if (already) return Status::Ok();
  ASSIGN_OR_RETURN(PhotoBank bank, EnsureBankInTx(tx, kStayDownBankId, "stay_down", ""));
  std::vector<PhotoHashEntry> entries;
  const Timestamp now = ctx_.Now();
  for (const auto& photo : l.photos) {
    for (const auto& variants : photo.pdq) {
      if (variants.empty()) continue;
      PhotoHashEntry e;
      e.id = NewId("ph", now);
      e.bank_id = bank.id;
      e.hash = variants[0];
      e.quality = photo.quality;
      e.label = source;
      e.rights_holder_id = rights_holder_id;
      e.photo_sha256 = photo.sha256;
      e.source = source;
      e.listing_id = l.id;
      e.created_at = now;
      entries.push_back(std::move(e));
    }
  }
  if (entries.empty()) return Status::Ok();
  const size_t n = entries.size();
  RETURN_IF_ERROR(InsertEntriesInTx(tx, bank, std::move(entries)));
  return ctx_.Record(tx, "system", "photo_bank.stay_down_added", "photo_bank", bank.id,
                     {{"source", source}, {"listing_id", l.id}, {"hashes", n}});
}

Status PhotoService::RemoveStayDownInTx(Tx& tx, const std::string& source) {
  std::vector<PhotoHashEntry> entries;
  RETURN_IF_ERROR(ForEachPage(tx.photo_hashes(), Filter().Eq("source", source),
                              [&](PhotoHashEntry& e) {
                                if (e.bank_id == kStayDownBankId) entries.push_back(std::move(e));
                                return Status::Ok();
                              }));
  if (entries.empty()) return Status::Ok();
  RETURN_IF_ERROR(DeleteEntriesInTx(tx, entries));
  return ctx_.Record(tx, "system", "photo_bank.stay_down_removed", "photo_bank", kStayDownBankId,
                     {{"source", source}, {"hashes", entries.size()}});
}

// ------------------------------------------------------------------ screening

std::vector<screening::PhotoMatch> PhotoService::MatchListing(const domain::Listing& l) const {
  std::vector<screening::PhotoMatch> out;
  if (l.photos.empty() || banks_.size() == 0) return out;
  for (const auto& photo : l.photos) {
    std::vector<imaging::PdqDihedralHashes> hashes;
    for (const auto& variants : photo.pdq) {
      if (variants.size() != 8) continue;
      imaging::PdqDihedralHashes h;
      h.quality = photo.quality;
      bool ok = true;
      for (int k = 0; k < 8; ++k) {
        auto parsed = imaging::Hash256::FromHex(variants[k]);
        if (!parsed.ok()) ok = false;
        else h.hashes[k] = *parsed;
      }
      if (ok) hashes.push_back(h);
    }
    std::vector<const imaging::PdqDihedralHashes*> query;
    for (const auto& h : hashes) query.push_back(&h);
    for (const imaging::BankMatch& m : banks_.Match(query)) {
      if (!m.entry.listing.empty() && m.entry.listing == l.id) continue;  // not a re-upload of itself
      out.push_back(ToPhotoMatch(photo.sha256, m));
    }
  }
  return out;
}

// ------------------------------------------------------------------ listing photos

Result<domain::Listing> PhotoService::AddListingPhoto(const Principal& p,
                                                      const std::string& listing_id,
                                                      std::string bytes,
                                                      const std::string& content_type) {
  if (!p.IsAdmin() && p.role != domain::Role::kMarketplace)
    return PermissionDenied("listing photos are uploaded by the marketplace integration");
  std::optional<domain::Listing> found;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(found, tx.listings().Find(listing_id));
    return Status::Ok();
  }));
  if (!found || (!p.IsAdmin() && found->marketplace_id != p.marketplace_id))
    return NotFound("listing " + listing_id + " not found");
  if (bytes.empty())
    return InvalidArgument("the body is the photo's bytes (JPEG, PNG, WebP or PPM); it is empty",
                           "body");
  auto fp = imaging::FingerprintPhoto(Span(bytes));
  if (!fp.ok()) {
    Status s = fp.status();
    if (s.code() == StatusCode::kResourceExhausted)
      return ResourceExhausted("the photo is too large: " + s.message()).WithReason("too_large");
    return InvalidArgument("not a photo Counterfoil can read: " + s.message(), "body");
  }
  domain::ListingPhoto photo;
  photo.content_type = ImageContentType(bytes);
  photo.quality = fp->quality();
  for (const imaging::PdqDihedralHashes* h : fp->Useful()) {
    std::vector<std::string> hex;
    for (const auto& v : h->hashes) hex.push_back(v.ToHex());
    photo.pdq.push_back(std::move(hex));
  }
  ASSIGN_OR_RETURN(photo.sha256, ctx_.blobs().Put(bytes));
  domain::Listing l;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(l, tx.listings().Get(listing_id));
    const Timestamp now = ctx_.Now();
    if (std::any_of(l.photos.begin(), l.photos.end(),
                    [&](const auto& ph) { return ph.sha256 == photo.sha256; }))
      return Status::Ok();  // the same photo again: nothing changes
    if (l.photos.size() >= kMaxListingPhotos)
      return FailedPrecondition("a listing has at most " + std::to_string(kMaxListingPhotos) +
                                " photos");
    RETURN_IF_ERROR(tx.PutBlobRef({photo.sha256, p.org_id, p.user_id, photo.content_type, "",
                                   static_cast<int64_t>(bytes.size()), "listing_photo", now}));
    photo.added_at = now;
    l.photos.push_back(photo);
    l.version += 1;
    l.updated_at = now;
    if (screener_) RETURN_IF_ERROR(screener_->ScreenInTx(tx, p.Actor(), l));
    RETURN_IF_ERROR(tx.listings().Update(l));
    return ctx_.Record(tx, p.Actor(), "listing.photo_added", "listing", l.id,
                       {{"sha256", photo.sha256},
                        {"quality", photo.quality},
                        {"version", l.version}});
  }));
  (void)content_type;
  return l;
}

Result<std::pair<std::string, std::string>> PhotoService::PhotoForHit(const Principal& p,
                                                                      const std::string& hit_id,
                                                                      const std::string& sha256) {
  std::optional<domain::ScreeningHit> hit;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(hit, tx.screening_hits().Find(hit_id));
    return Status::Ok();
  }));
  const bool rights_side = p.IsRightsHolderSide();
  if (!hit || !(p.IsStaff() || rights_side) || !ScreeningService::CanSee(p, *hit))
    return NotFound("screening hit " + hit_id + " not found");
  bool allowed = false;
  for (const auto& v : hit->photo_matches) {
    if (!v.is_object()) continue;
    const auto& m = v.get_object();
    const std::string photo = GetString(m, "photo"), reference = GetString(m, "reference"),
                      holder = GetString(m, "rights_holder");
    if (photo == sha256) allowed = true;  // the listing photo: whoever sees the hit
    if (reference == sha256 &&
        (p.IsStaff() || (!holder.empty() && (p.SeesOrg(holder) || p.CanActForOrg(holder)))))
      allowed = true;  // a reference photo: staff and the rights holder whose photo it is
  }
  if (!allowed || !storage::BlobStore::IsDigest(sha256))
    return NotFound("photo " + sha256 + " not found in screening hit " + hit_id);
  ASSIGN_OR_RETURN(std::string bytes, ctx_.blobs().Get(sha256));
  std::string type = ImageContentType(bytes);
  return std::make_pair(std::move(type), std::move(bytes));
}

// ------------------------------------------------------------------ banks

bool PhotoService::MaySeeBank(const Principal& p, const PhotoBank& b) const {
  if (p.IsStaff()) return true;
  if (!p.IsRightsHolderSide() || b.owner_org_id.empty()) return false;
  return p.SeesOrg(b.owner_org_id) || p.CanActForOrg(b.owner_org_id);
}

Result<std::vector<PhotoBankSummary>> PhotoService::ListBanks(const Principal& p) {
  if (!p.IsStaff() && !p.IsRightsHolderSide())
    return PermissionDenied("photo banks are shown to platform staff and rights holders");
  std::vector<PhotoBankSummary> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    return ForEachPage(tx.photo_banks(), {}, [&](PhotoBank& b) -> Status {
      if (!MaySeeBank(p, b)) return Status::Ok();
      PhotoBankSummary s;
      ASSIGN_OR_RETURN(s.entries, tx.photo_hashes().Count(Filter().Eq("bank_id", b.id)));
      s.indexed = banks_.BankSize(b.id);
      s.bank = std::move(b);
      out.push_back(std::move(s));
      return Status::Ok();
    });
  }));
  return out;
}

Result<PhotoBankSummary> PhotoService::PutBank(const Principal& p, const std::string& id,
                                               const json::value& body) {
  if (!p.IsAdmin()) return PermissionDenied("photo banks are configured by an operator admin");
  if (!imaging::IsBankId(id))
    return InvalidArgument("a bank id is 1 to 100 of a-z A-Z 0-9 . _ : -", "id");
  FieldReader r(body);
  r.RejectUnknown({"name", "owner_org_id", "radius"});
  auto name = r.OptString("name", {.min_len = 1, .max_len = 200});
  auto owner = r.OptString("owner_org_id", {.max_len = 200});
  auto radius = r.OptInt("radius", 0, imaging::kMaxBankRadius);
  RETURN_IF_ERROR(r.status());
  PhotoBankSummary out;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto found, tx.photo_banks().Find(id));
    PhotoBank b;
    if (found) {
      b = *found;
    } else if (id.rfind("reference:", 0) == 0) {
      return NotFound("reference banks are made from a rights holder's reference photos; " + id +
                      " has none");
    } else {
      b.id = id;
      b.kind = id == kStayDownBankId ? "stay_down" : "shared";
      b.name = id;
      b.radius = imaging::kDefaultBankRadius;
      b.created_at = ctx_.Now();
    }
    if (owner) {
      if (b.kind != "shared")
        return InvalidArgument("only a shared bank has an owner to change", "/owner_org_id");
      if (!owner->empty()) {
        ASSIGN_OR_RETURN(auto org, tx.organisations().Find(*owner));
        if (!org) return InvalidArgument("no organisation " + *owner, "/owner_org_id");
      }
      b.owner_org_id = *owner;
    }
    if (name) b.name = *name;
    if (radius) b.radius = static_cast<int>(*radius);
    b.updated_at = ctx_.Now();
    RETURN_IF_ERROR(tx.photo_banks().Upsert(b));
    tx.OnCommit([this, info = ToInfo(b)] { banks_.SetBank(info); });
    ctx_.ProtectionChanged(tx);  // existing listings are screened again
    ASSIGN_OR_RETURN(out.entries, tx.photo_hashes().Count(Filter().Eq("bank_id", b.id)));
    out.bank = b;
    return ctx_.Record(tx, p.Actor(), found ? "photo_bank.updated" : "photo_bank.created",
                       "photo_bank", id, {{"radius", b.radius}, {"owner_org_id", b.owner_org_id}});
  }));
  out.indexed = banks_.BankSize(id);
  return out;
}

Result<std::string> PhotoService::ExportCsv(const Principal& p, const std::string& id) {
  if (!p.IsStaff() && !p.IsRightsHolderSide())
    return PermissionDenied("photo banks are exported by platform staff and rights holders");
  std::vector<imaging::BankCsvRow> rows;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto bank, tx.photo_banks().Find(id));
    if (!bank || !MaySeeBank(p, *bank)) return NotFound("photo bank " + id + " not found");
    return ForEachPage(tx.photo_hashes(), Filter().Eq("bank_id", id),
                       [&](const PhotoHashEntry& e) {
                         imaging::BankCsvRow row;
                         row.hash = HashOf(e.hash);
                         row.quality = e.quality;
                         row.bank = e.bank_id;
                         row.label = e.label;
                         row.rights_holder = e.rights_holder_id;
                         row.reference = e.photo_sha256;
                         rows.push_back(std::move(row));
                         return Status::Ok();
                       });
  }));
  return imaging::FormatBankCsv(rows);
}

Result<PhotoImportSummary> PhotoService::ImportCsv(const Principal& p, std::string_view csv) {
  if (!p.IsAdmin()) return PermissionDenied("photo banks are imported by an operator admin");
  ASSIGN_OR_RETURN(std::vector<imaging::BankCsvRow> rows, imaging::ParseBankCsv(csv));
  if (rows.empty())
    return InvalidArgument("line 2: the file has a header and no rows", "line 2");
  auto line_error = [](int line, const std::string& what) {
    std::string where = "line " + std::to_string(line);
    return InvalidArgument(where + ": " + what, where);
  };
  for (const auto& row : rows) {
    if (row.bank == kStayDownBankId || row.bank.rfind("reference:", 0) == 0)
      return line_error(row.line, "bank: " + row.bank +
                                      " is kept by Counterfoil itself; import into a shared bank");
  }
  PhotoImportSummary out;
  out.rows = static_cast<int>(rows.size());
  const Timestamp now = ctx_.Now();
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    std::map<std::string, PhotoBank> banks;
    std::map<std::string, bool> orgs;
    std::map<std::string, std::vector<PhotoHashEntry>> entries;
    for (const auto& row : rows) {
      auto it = banks.find(row.bank);
      if (it == banks.end()) {
        ASSIGN_OR_RETURN(auto found, tx.photo_banks().Find(row.bank));
        if (found && found->kind != "shared")
          return line_error(row.line, "bank: " + row.bank + " is not a shared bank");
        if (!found) out.banks_created.push_back(row.bank);
        ASSIGN_OR_RETURN(PhotoBank b, EnsureBankInTx(tx, row.bank, "shared", ""));
        it = banks.emplace(row.bank, b).first;
      }
      if (!row.rights_holder.empty()) {
        auto [o, fresh] = orgs.try_emplace(row.rights_holder, false);
        if (fresh) {
          ASSIGN_OR_RETURN(auto org, tx.organisations().Find(row.rights_holder));
          o->second = org.has_value();
        }
        if (!o->second)
          return line_error(row.line, "rights_holder: no organisation " + row.rights_holder);
      }
      PhotoHashEntry e;
      const std::string hex = row.hash.ToHex();
      // The same hash imported into the same bank again replaces itself.
      e.id = "ph_import_" + Sha256Hex(row.bank + "\x1f" + hex).substr(0, 32);
      e.bank_id = row.bank;
      e.hash = hex;
      e.quality = row.quality;
      e.label = row.label;
      e.rights_holder_id = row.rights_holder;
      if (storage::BlobStore::IsDigest(row.reference)) e.photo_sha256 = row.reference;
      e.source = kImportSource;
      e.created_at = now;
      if (e.quality >= imaging::kPdqMinUsefulQuality) ++out.indexed;
      entries[row.bank].push_back(std::move(e));
    }
    for (auto& [bank, list] : entries)
      RETURN_IF_ERROR(InsertEntriesInTx(tx, banks.at(bank), std::move(list)));
    ctx_.ProtectionChanged(tx);  // existing listings are screened again
    return ctx_.Record(tx, p.Actor(), "photo_bank.imported", "photo_bank", "import",
                       {{"rows", out.rows}, {"indexed", out.indexed}});
  }));
  return out;
}

}  // namespace counterfoil::service
