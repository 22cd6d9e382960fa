// Bulk import and export for operators (`counterfoil import`, `export`):
// the protection catalogue (DESIGN.md, shared/testdata/screening/catalog.json),
// listings and sellers as JSONL, and a JSONL dump of everything.
//
//   auto summary = ImportCatalog(services, catalog_json, "/data/catalog.json");
//   // rights holders, their rights (recorded as verified by the operator),
//   // protection data, reference photos into the blob store, category bans.
#pragma once

#include <ostream>

#include "service/accounts.h"
#include "service/marketplace.h"
#include "service/registry.h"

namespace counterfoil::service {

struct ImportSummary {
  int organisations = 0;
  int rights = 0;
  int profiles = 0;
  int images = 0;
  int sellers = 0;
  int listings = 0;
  std::vector<std::string> errors;  // "file:line: message" or "file: /pointer: message"
};

// Imports a catalogue. Existing organisations and rights with the same ids
// are kept (their protection data is replaced). Reference image paths are
// relative to the catalogue file. Stops at the first invalid entry with an
// error naming the file and the JSON pointer; nothing of that entry is written.
Result<ImportSummary> ImportCatalog(ServiceContext& ctx, RegistryService& registry,
                                    std::string_view text, const std::string& path);

// Imports listings (one JSON object per line, DESIGN.md format). Sellers
// that do not exist yet are created (named by their id) when
// `create_sellers`. Lines that fail are reported and skipped.
Result<ImportSummary> ImportListings(ServiceContext& ctx, MarketplaceService& marketplace,
                                     std::string_view text, const std::string& path,
                                     bool create_sellers);
Result<ImportSummary> ImportSellers(ServiceContext& ctx, MarketplaceService& marketplace,
                                    std::string_view text, const std::string& path);

// Writes every aggregate as JSON lines {"type": …, "doc": …} (sessions
// excluded). Returns the number of lines.
Result<int64_t> ExportAll(storage::Store& store, std::ostream& out);

}  // namespace counterfoil::service
