// The screening engine's outside formats (DESIGN.md, "Data formats shared
// with tools"): the protection catalogue (JSON), listings (one JSON object
// per line) and verdicts (one JSON object per line). Parsers validate
// everything and name the field at fault with a JSON pointer; nothing here
// does I/O.
//
//   ASSIGN_OR_RETURN(Catalogue catalogue, ParseCatalogueJson(file_bytes));
//   ASSIGN_OR_RETURN(auto rules, RuleSet::Compile(catalogue));
//   Result<Listing> listing = ParseListingJson(line);
//   if (!listing.ok()) ... listing.status().field() ...   // "/price/amount"
//   out += VerdictToJson(rules->Screen(*listing));        // one line, with '\n'
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "screening/engine.h"

namespace counterfoil::screening {

// Parses a protection catalogue: `rights_holders[]` (`id`, `name`, `kind`,
// `rights[]`, `brand_terms[]`, `categories[]`, `products[]` with `name`,
// `terms[]` and `msrp` ({"amount", "currency"} or a number in USD),
// `authorized_sellers[]`, `isbn_prefixes[]`, `reference_images[]`,
// `common_word`), `category_bans[]`, `suspicious_terms[]`, `piracy_terms[]`.
//
// The works of a holder's copyright rights become its ProtectedWorks, their
// ISBNs (ISBN-10 or ISBN-13, separators allowed, checksum-validated)
// converted to ISBN-13. ISBN prefixes are digit prefixes of ISBN-13s; a
// prefix that does not start with 978 or 979 is read as an ISBN-10 prefix
// and gets 978 in front. Reference images are checked for type and otherwise
// ignored (the engine does not screen photos yet). Every array keeps its
// order and length, so a pointer RuleSet::Compile reports
// ("/rights_holders/3/brand_terms/0") names the same entry in the file.
//
// Members this function does not know are ignored (the format grows); known
// members of the wrong type or out of range are errors. Returns
// kInvalidArgument with the JSON pointer of the field at fault in field()
// ("/rights_holders/3/products/0/msrp") and a message that starts with it,
// or, for text that is not JSON, the line and column. Thread-safe.
Result<Catalogue> ParseCatalogueJson(std::string_view json);

// Parses one listing, a JSON object: `id` (required, 1 to 128 bytes),
// `title` (required, 1 to 1000 bytes), `description` (at most 100,000),
// `marketplace`, `seller_id`, `category`, `price` ({"amount" >= 0,
// "currency": three letters, default USD}), `images[]` (at most 100),
// `ship_from` (a two-letter country code). The limits are those of the
// server's listing API, so a listing that screens also imports. Null counts
// as absent; other members are ignored. Surrounding white space (and a
// trailing '\r') is allowed.
//
// Returns kInvalidArgument: for text that is not a JSON object, a message
// naming the column and an empty field(); otherwise the JSON pointer of the
// field at fault ("/price/amount") in field(). Thread-safe: each thread
// reuses its own parser and buffers, so the hot path of `counterfoil screen`
// allocates only the Listing's own strings.
Result<Listing> ParseListingJson(std::string_view line);

namespace internal {
// ParseListingJson without its fast path (simdjson, for the common shape of
// a listing): every line reads the same through both, which the tests and
// listing_json_fuzz.cc check.
Result<Listing> ParseListingJsonWithBoost(std::string_view line);
}  // namespace internal

// One verdict as a line of JSON ending in '\n':
//   {"listing_id":"L1","decision":"block","score":0.97,"reasons":[{"code":
//   "brand_term","rights_holder":"dyson","detail":"...","evidence":"...",
//   "ref":"..."}]}
// The score is rounded to 3 decimals and printed as a plain decimal ("0.97",
// "1", never "9.7E-1"; a non-finite score prints as 0). `rights_holder` and
// `ref` are left out when empty; reason weights are not part of the format.
// Bytes that are not valid UTF-8 become U+FFFD, so the line is always valid
// JSON. Thread-safe.
std::string VerdictToJson(const Verdict& verdict);
// Appends the same line to `out` (no allocation when `out` has room).
void AppendVerdictJson(const Verdict& verdict, std::string* out);

// The same document as an object, for the API (invalid UTF-8 replaced the
// same way). Note that Boost.JSON's own serializer prints the score in
// exponent form (9.7E-1): where the text matters, send VerdictToJson.
boost::json::object VerdictToJsonObject(const Verdict& verdict);

}  // namespace counterfoil::screening
