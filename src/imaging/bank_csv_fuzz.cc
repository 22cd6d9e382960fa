// Fuzz target for the photo-bank CSV parser behind POST /v1/photo-banks/import:
// any bytes give rows or a line-numbered error, and rows format back into a
// file that parses to the same rows.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "imaging/bank_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace counterfoil::imaging;
  auto rows = ParseBankCsv(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!rows.ok()) {
    if (rows.status().field().rfind("line ", 0) != 0) std::abort();  // every error names its line
    return 0;
  }
  auto again = ParseBankCsv(FormatBankCsv(*rows));
  if (!again.ok() || again->size() != rows->size()) std::abort();
  for (size_t i = 0; i < rows->size(); ++i) {
    const BankCsvRow &a = (*rows)[i], &b = (*again)[i];
    if (a.hash != b.hash || a.quality != b.quality || a.bank != b.bank || a.label != b.label ||
        a.rights_holder != b.rights_holder || a.reference != b.reference)
      std::abort();
  }
  return 0;
}
