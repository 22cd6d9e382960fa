// Fuzz target for timestamp parsing (query parameters, request bodies,
// configuration) and pagination cursors.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/clock.h"
#include "storage/store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = counterfoil::ParseTime(text);
  if (t.ok()) {
    // Whatever parses must print and parse back to the same instant.
    auto again = counterfoil::ParseTime(counterfoil::FormatTime(*t));
    if (!again.ok() || *again != *t) __builtin_trap();
  }
  (void)counterfoil::storage::DecodeCursor(text);
  return 0;
}
