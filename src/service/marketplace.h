// Marketplaces with their legal regimes and policies, and the sellers and
// listings the marketplace pushes (`PUT /v1/sellers/{id}`,
// `PUT /v1/listings/{id}`, bulk JSONL).
//
//   MarketplaceService m(ctx);
//   m.UpsertListing(integration, "L1", json::parse(R"({"seller_id":"s-1","title":"…",…})"));
//
// Thread-safe.
#pragma once

#include "service/context.h"

namespace counterfoil::service {

// Screens a listing as it is created or changed (service/screening.h
// implements this): stores the verdict on it and acts on it inside the
// upsert's transaction.
class ListingScreener {
 public:
  virtual ~ListingScreener() = default;
  // Called with the listing as it will be stored, before it is written:
  // sets listing.screening; a `block` verdict takes an online listing down
  // (listing.status), a `review` verdict opens a screening hit. `actor` is
  // the user pushing it.
  virtual Status ScreenInTx(storage::Tx& tx, const std::string& actor,
                            domain::Listing& listing) = 0;
};

class MarketplaceService {
 public:
  explicit MarketplaceService(ServiceContext& ctx) : ctx_(ctx) {}

  Result<domain::Marketplace> CreateMarketplace(const Principal& p, const json::value& body);
  Result<domain::Marketplace> UpdateMarketplace(const Principal& p, const std::string& id,
                                                const json::value& body);
  Result<domain::Marketplace> GetMarketplace(const Principal& p, const std::string& id);
  Result<std::vector<domain::Marketplace>> ListMarketplaces(const Principal& p);
  // The effective regime (windows, required fields) of a marketplace.
  Result<domain::Regime> EffectiveRegime(const Principal& p, const std::string& id);

  Result<domain::Seller> UpsertSeller(const Principal& p, const std::string& id,
                                      const json::value& body);
  // `marketplace_id` may be empty: the principal's marketplace, else the only
  // marketplace with that seller id (kInvalidArgument if several have it).
  Result<domain::Seller> GetSeller(const Principal& p, const std::string& marketplace_id,
                                   const std::string& id);
  Result<storage::Page<domain::Seller>> ListSellers(const Principal& p,
                                                    const std::string& marketplace_id,
                                                    const storage::PageRequest& page);
  Result<std::vector<domain::Strike>> ListStrikes(const Principal& p,
                                                  const std::string& marketplace_id,
                                                  const std::string& seller_id);
  // Admin: lift a suspension ({"reason": "…"}).
  Result<domain::Seller> Reinstate(const Principal& p, const std::string& marketplace_id,
                                   const std::string& id,
                                   const json::value& body);

  // Creates or replaces a listing. A removed or blocked listing keeps its
  // status: an edit does not undo a takedown. The listing is screened (see
  // ListingScreener) and comes back with its verdict.
  Result<domain::Listing> UpsertListing(const Principal& p, const std::string& id,
                                        const json::value& body);
  Result<domain::Listing> GetListing(const Principal& p, const std::string& id);
  Result<storage::Page<domain::Listing>> ListListings(const Principal& p,
                                                      const std::string& seller_id,
                                                      const std::string& status,
                                                      const storage::PageRequest& page);
  // One listing per line ({"id": …, …}); per-line results, up to max lines.
  struct LineResult {
    int line = 0;
    std::string id;
    Status status;
    // Listings: the screening verdict and the status the listing got.
    std::optional<domain::ScreeningVerdict> screening;
    std::string listing_status;
  };
  Result<std::vector<LineResult>> BulkUpsertListings(const Principal& p, std::string_view jsonl);
  // Same for sellers.
  Result<std::vector<LineResult>> BulkUpsertSellers(const Principal& p, std::string_view jsonl);

  // Set once, before serving (App::Open); may be null (no screening). Not thread-safe.
  void SetScreener(ListingScreener* s) { screener_ = s; }

 private:
  Status UpsertListingInTx(storage::Tx& tx, const Principal& p, const std::string& id,
                           const json::value& body, domain::Listing* out);
  Status UpsertSellerInTx(storage::Tx& tx, const Principal& p, const std::string& id,
                          const json::value& body, domain::Seller* out);
  Result<domain::Seller> ResolveSeller(storage::Tx& tx, const Principal& p,
                                       const std::string& marketplace_id, const std::string& id);
  ServiceContext& ctx_;
  ListingScreener* screener_ = nullptr;
};

}  // namespace counterfoil::service
