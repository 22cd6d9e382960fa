// Fuzz target for request-body parsing: ParseJson and FieldReader as every
// endpoint uses them (typed fields, nested pointers, arrays, unknown
// fields), and the regimes' required-field check on the result.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/json.h"
#include "domain/regime.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace counterfoil;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = ParseJson(text);
  if (!doc.ok()) return 0;
  FieldReader r(*doc);
  r.RejectUnknown({"listing_id", "right_id", "evidence", "complainant", "statements", "price"});
  (void)r.OptString("listing_id", {.min_len = 1, .max_len = 128});
  (void)r.OptNumber("/price/amount");
  (void)r.OptInt("/price/cents", 0, 1000000);
  (void)r.StringArray("evidence", false, 100);
  (void)r.Enum("infringement_type", {"counterfeit", "piracy"}, false);
  if (const json::object* c = r.Object("complainant", false)) {
    FieldReader cr(*c, "/complainant");
    (void)cr.OptString("email");
  }
  (void)r.OptBool("/statements/good_faith");
  if (doc->is_object()) {
    static const domain::Regime regime =
        domain::Combine({domain::UsDmca(), domain::EuDsa(), domain::ChinaEcommerceLaw()});
    (void)domain::CheckRequiredFields(regime, doc->as_object());
    (void)domain::RegimeFromJson(*doc, &regime);
  }
  return 0;
}
