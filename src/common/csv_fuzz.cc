// Fuzz target for the CSV reader behind bulk notice uploads.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  counterfoil::CsvReader csv(std::string_view(reinterpret_cast<const char*>(data), size));
  std::vector<std::string> row;
  size_t rows = 0;
  while (csv.Next(row) && rows < 100000) ++rows;
  return 0;
}
