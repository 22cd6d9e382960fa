// Photos for `counterfoil screen`: the reference photos a catalogue file
// lists (rights_holders[].reference_images, paths relative to the catalogue)
// go into one reference bank per rights holder, and each listing's photos
// (its `images`, paths relative to the listings file) are fingerprinted and
// matched against the banks before the listing is screened.
//
//   imaging::PhotoBanks banks;
//   RETURN_IF_ERROR(LoadCatalogueReferences("catalog.json", bytes, &banks, &warnings));
//   MatchListingPhotos(banks, "dir/of/listings", &listing, &warnings);  // fills photo_matches
//
// A photo that cannot be read or decoded is a warning ("photo images/x.jpg:
// JPEG: premature end of data"), not an error: the listing is still screened
// on its text and its other photos. Thread-safe (the banks are read-only
// while listings are matched).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "imaging/photo_bank.h"
#include "screening/engine.h"

namespace counterfoil::cli {

struct ReferenceLoad {
  int photos = 0;   // reference photos read
  int indexed = 0;  // hashes indexed (quality >= 50)
};

// kInvalidArgument when the catalogue is not JSON (ParseCatalogueJson has
// reported that already); unreadable photos are warnings.
Result<ReferenceLoad> LoadCatalogueReferences(const std::string& catalog_path,
                                              std::string_view catalog_json,
                                              imaging::PhotoBanks* banks,
                                              std::vector<std::string>* warnings);

void MatchListingPhotos(const imaging::PhotoBanks& banks, const std::string& base_dir,
                        screening::Listing* listing, std::vector<std::string>* warnings);

}  // namespace counterfoil::cli
