// Fuzz target: the normaliser and the ISBN finder take any bytes; the view
// must map back into the input, and the engine must screen it without error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "screening/engine.h"
#include "screening/isbn.h"
#include "screening/normalize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace counterfoil::screening;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  NormalizedText n = Normalize(text);
  if (n.src_begin.size() != n.text.size() || n.flags.size() != n.text.size()) std::abort();
  for (size_t i = 0; i < n.text.size(); ++i) {
    if (n.src_begin[i] >= size) std::abort();
    if (i > 0 && n.src_begin[i] < n.src_begin[i - 1]) std::abort();
  }
  for (size_t i = 0; i < n.text.size(); ++i) {
    if (n.text[i] == ' ') continue;
    // Every byte of a word quotes something of the input.
    std::string_view q = n.Quote(text, i, i + 1);
    if (q.empty() || q.data() < text.data() || q.data() + q.size() > text.data() + size) std::abort();
  }
  for (const IsbnMatch& m : FindIsbns(text)) {
    if (m.begin >= m.end || m.end > size || m.isbn13.size() != 13) std::abort();
  }
  static const auto rules = [] {
    Catalogue c;
    RightsHolderRules r;
    r.id = "veltrona";
    r.brand_terms = {"veltrona", "维特龙", "grand maison"};
    r.products = {{"Aurora", {"aurora"}, Money{500, "USD"}}};
    r.works = {{"Foundations of Thermodynamics", "9780197017463", Money{150, "USD"}}};
    c.rights_holders = {r};
    c.category_bans = {{"fireworks", {"hobby/fireworks"}, {"firework"}, "explosives"}};
    return *RuleSet::Compile(c);
  }();
  Listing l;
  l.id = "L1";
  l.title = std::string(text.substr(0, size / 2));
  l.description = std::string(text.substr(size / 2));
  l.price = Money{1, "USD"};
  Verdict v = rules->Screen(l);
  if (v.score < 0 || v.score > 1) std::abort();
  return 0;
}
