// Fuzz target for the JSONL listing reader on the hot path of `counterfoil
// screen` (ParseListingJson), and for the verdict writer: whatever bytes a
// listing or the engine hands it, VerdictToJson writes one line of valid JSON
// (and VerdictToJsonObject a valid document).
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "screening/catalogue_json.h"

namespace {

// Aborts (a finding) unless `line` is one JSON object followed by '\n'.
void CheckLine(const std::string& line) {
  if (line.empty() || line.back() != '\n' || line.find('\n') != line.size() - 1) std::abort();
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(line, ec);
  if (ec || !v.is_object()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace counterfoil::screening;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  counterfoil::Result<Listing> listing = ParseListingJson(text);
  // The fast path (simdjson) and the Boost.JSON reader agree on every line.
  counterfoil::Result<Listing> slow = internal::ParseListingJsonWithBoost(text);
  if (listing.ok() != slow.ok()) std::abort();
  if (listing.ok()) {
    const Listing& a = *listing;
    const Listing& b = *slow;
    if (a.id != b.id || a.title != b.title || a.description != b.description ||
        a.category != b.category || a.marketplace != b.marketplace ||
        a.seller_id != b.seller_id || a.ship_from != b.ship_from || a.images != b.images ||
        a.price.has_value() != b.price.has_value() ||
        (a.price && (a.price->amount != b.price->amount || a.price->currency != b.price->currency))) {
      std::abort();
    }
  } else if (listing.status().message() != slow.status().message() ||
             listing.status().field() != slow.status().field()) {
    std::abort();
  }
  Verdict v;
  if (listing.ok()) {
    if (listing->id.empty() || listing->title.empty()) std::abort();
    if (listing->price && !(listing->price->amount >= 0)) std::abort();
    v.listing_id = listing->id;
    v.reasons.push_back({.code = "brand_term",
                         .detail = listing->title,
                         .evidence = listing->description,
                         .ref = listing->category});
  } else {
    const std::string& field = listing.status().field();
    if (!field.empty() && field[0] != '/') std::abort();
  }
  // The raw bytes as evidence: invalid UTF-8 and control characters included.
  v.reasons.push_back({.code = "stay_down",
                       .rights_holder = std::string(text.substr(0, 64)),
                       .detail = "raw",
                       .evidence = std::string(text)});
  v.score = size % 1000 / 999.0;
  CheckLine(VerdictToJson(v));
  CheckLine(boost::json::serialize(VerdictToJsonObject(v)) + "\n");
  return 0;
}
