// Photo matching in the server: the photo banks (imaging/photo_bank.h) kept
// in storage and in memory, listing photos uploaded and hashed, and the
// photo evidence reviewers see.
//
//  - Banks: each rights holder's reference photos ("reference:<org id>"),
//    kept in step with the reference_images of its protection data; the
//    stay-down bank ("stay_down") of the photos of listings taken down
//    (accepted notices, confirmed or blocked screening hits), emptied again
//    when the takedown is reversed; shared banks (a coalition's, another
//    deployment's) imported and exported as CSV (imaging/bank_csv.h). Each
//    bank has its own radius (default 31). Entries are stored
//    (PhotoHashEntry) and loaded into memory at Open(); every change after
//    that reaches the in-memory banks when its transaction commits.
//  - Listing photos: POST /v1/listings/{id}/photos takes the image bytes,
//    stores them (a listing_photo blob), keeps their PDQ hashes on the
//    listing and screens the listing again; screening asks MatchListing()
//    for the photo signal (screening::PhotoMatch).
//  - Evidence: a hit's photo_matches name the listing photo, the matched
//    reference and the distance; PhotoForHit serves either photo's bytes to
//    reviewers and to the rights holder whose photo was matched.
//
//   PhotoService photos(ctx);
//   RETURN_IF_ERROR(photos.Open());               // banks from storage, references reconciled
//   screening.SetPhotos(&photos);                 // photo signal, stay-down photos
//   registry.SetProtectionHook([&](Tx& tx, const ProtectionProfile& pp) {
//     return photos.SyncReferencesInTx(tx, pp, "usr_…"); });
//
// Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "imaging/photo_bank.h"
#include "screening/engine.h"
#include "service/context.h"
#include "service/marketplace.h"

namespace counterfoil::service {

// Loads every stored bank and entry into `banks` (the CLI's --data and
// PhotoService::Open). Returns the number of entries indexed.
Result<size_t> LoadPhotoBanks(storage::Tx& tx, imaging::PhotoBanks& banks);
// Adds to `banks`, in memory only, the reference photos of the stored
// protection data that have no stored hashes yet (imported with `counterfoil
// import catalog` while no server ran), read from `blobs`; the CLI's
// `screen --data` sees them as the server will after its next start.
// Photos that cannot be read are skipped. Returns how many were added.
Result<int> AddUnstoredReferences(storage::Tx& tx, const storage::BlobStore& blobs,
                                  imaging::PhotoBanks& banks);

struct PhotoBankSummary {
  domain::PhotoBank bank;
  int64_t entries = 0;  // stored
  size_t indexed = 0;   // in memory (quality >= 50)
};

struct PhotoImportSummary {
  int rows = 0;
  int indexed = 0;  // quality >= 50
  std::vector<std::string> banks_created;
};

class PhotoService {
 public:
  explicit PhotoService(ServiceContext& ctx);
  PhotoService(const PhotoService&) = delete;
  PhotoService& operator=(const PhotoService&) = delete;

  // Loads the banks; hashes reference photos registered while the server was
  // stopped (`counterfoil import catalog`) and drops entries of photos no
  // longer registered. kUnavailable when storage fails.
  Status Open();
  void SetScreener(ListingScreener* screener) { screener_ = screener; }
  const imaging::PhotoBanks& banks() const { return banks_; }

  // ---- banks kept in step with other data (called inside their transactions)
  // Reference bank of pp.org_id = the photos of pp.reference_images (new ones
  // hashed from the blob store; an undecodable one is kInvalidArgument naming
  // /reference_images/i).
  Status SyncReferencesInTx(storage::Tx& tx, const domain::ProtectionProfile& pp,
                            const std::string& actor);
  // The listing's uploaded photos join the stay-down bank (label and source:
  // `source`, e.g. "hit:hit_…"); removed again by RemoveStayDownInTx(source).
  Status AddStayDownInTx(storage::Tx& tx, const domain::Listing& listing,
                         const std::string& source, const std::string& rights_holder_id);
  Status RemoveStayDownInTx(storage::Tx& tx, const std::string& source);

  // ---- screening
  // The photo signal of a listing: its uploaded photos against every bank.
  std::vector<screening::PhotoMatch> MatchListing(const domain::Listing& listing) const;

  // ---- API
  // POST /v1/listings/{id}/photos: the marketplace that owns the listing (or
  // an admin) adds a photo; kInvalidArgument (field "body") when the bytes
  // are not a JPEG, PNG, WebP or PPM image, kResourceExhausted when too large
  // (config max body) or over the pixel limit, kFailedPrecondition past 20
  // photos. The listing is screened again with it.
  Result<domain::Listing> AddListingPhoto(const Principal& p, const std::string& listing_id,
                                          std::string bytes, const std::string& content_type);
  // GET /v1/screening/hits/{id}/photos/{sha256}: a photo of the hit's
  // evidence — the listing photo (staff; rights holders the hit concerns) or
  // a matched reference (staff; the rights holder whose photo it is).
  // kNotFound otherwise. Returns (content type, bytes).
  Result<std::pair<std::string, std::string>> PhotoForHit(const Principal& p,
                                                          const std::string& hit_id,
                                                          const std::string& sha256);
  // GET /v1/photo-banks: staff see every bank; a rights holder its own
  // reference bank and the shared banks its organisations own.
  Result<std::vector<PhotoBankSummary>> ListBanks(const Principal& p);
  // PUT /v1/photo-banks/{id}: admin; {"name", "owner_org_id", "radius"}.
  // Creates a shared bank or updates any bank's name and radius.
  Result<PhotoBankSummary> PutBank(const Principal& p, const std::string& id,
                                   const json::value& body);
  // GET /v1/photo-banks/{id}/export: the bank as CSV; those who may list it.
  Result<std::string> ExportCsv(const Principal& p, const std::string& id);
  // POST /v1/photo-banks/import: admin; CSV (imaging/bank_csv.h) into shared
  // banks (created when missing). All or nothing: the first bad line is
  // kInvalidArgument "line N: …" with field "line N"; rows for a reference
  // or stay-down bank are refused.
  Result<PhotoImportSummary> ImportCsv(const Principal& p, std::string_view csv);

 private:
  bool MaySeeBank(const Principal& p, const domain::PhotoBank& b) const;
  Result<domain::PhotoBank> EnsureBankInTx(storage::Tx& tx, const std::string& id,
                                           const std::string& kind, const std::string& owner);
  // Inserts the entries and indexes them once the transaction commits.
  Status InsertEntriesInTx(storage::Tx& tx, const domain::PhotoBank& bank,
                           std::vector<domain::PhotoHashEntry> entries);
  Status DeleteEntriesInTx(storage::Tx& tx, const std::vector<domain::PhotoHashEntry>& entries);

  ServiceContext& ctx_;
  ListingScreener* screener_ = nullptr;
  imaging::PhotoBanks banks_;
};

}  // namespace counterfoil::service
