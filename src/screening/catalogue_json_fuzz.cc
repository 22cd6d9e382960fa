// Fuzz target for the protection catalogue reader (ParseCatalogueJson):
// never crashes, and what it accepts holds the documented invariants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "screening/catalogue_json.h"

namespace {

bool AllDigits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace counterfoil::screening;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  counterfoil::Result<Catalogue> c = ParseCatalogueJson(text);
  if (!c.ok()) {
    const std::string& field = c.status().field();
    if (!field.empty() && field[0] != '/') std::abort();
    return 0;
  }
  for (const RightsHolderRules& h : c->rights_holders) {
    if (h.id.empty() || h.name.empty()) std::abort();
    for (const ProtectedWork& w : h.works)
      if (!w.isbn13.empty() && (w.isbn13.size() != 13 || !AllDigits(w.isbn13))) std::abort();
    for (const std::string& p : h.isbn_prefixes)
      if (p.size() < 4 || p.size() > 12 || !AllDigits(p) || p.compare(0, 2, "97") != 0)
        std::abort();
    for (const ProductRule& p : h.products)
      if (p.msrp && (!(p.msrp->amount >= 0) || p.msrp->currency.size() != 3)) std::abort();
  }
  for (const CategoryBan& b : c->category_bans)
    if (b.id.empty() || (b.categories.empty() && b.terms.empty())) std::abort();
  return 0;
}
