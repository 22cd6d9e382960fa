#include <boost/json.hpp>

#include "common/crypto.h"
#include "storage/store.h"

namespace counterfoil::storage {

// A cursor is the hex of a JSON array of the last row's ordering values:
// opaque to clients, stable across restarts, and independent of the backend.
std::string EncodeCursor(const std::vector<Value>& values) {
  boost::json::array a;
  for (const auto& v : values) {
    if (std::holds_alternative<std::monostate>(v)) a.emplace_back(nullptr);
    else if (auto* n = std::get_if<int64_t>(&v)) a.emplace_back(*n);
    else a.emplace_back(std::get<std::string>(v));
  }
  return HexEncode(boost::json::serialize(a));
}

Result<std::vector<Value>> DecodeCursor(std::string_view cursor) {
  auto bad = [] { return InvalidArgument("malformed pagination cursor", "cursor"); };
  if (cursor.size() % 2 != 0 || cursor.size() > 8192) return bad();
  std::string raw;
  raw.reserve(cursor.size() / 2);
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < cursor.size(); i += 2) {
    int hi = nib(cursor[i]), lo = nib(cursor[i + 1]);
    if (hi < 0 || lo < 0) return bad();
    raw.push_back(static_cast<char>(hi * 16 + lo));
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(raw, ec);
  if (ec || !v.is_array()) return bad();
  std::vector<Value> out;
  for (const auto& e : v.get_array()) {
    if (e.is_null()) out.emplace_back(std::monostate{});
    else if (e.is_int64()) out.emplace_back(e.get_int64());
    else if (e.is_string()) out.emplace_back(std::string(e.get_string()));
    else return bad();
  }
  return out;
}

}  // namespace counterfoil::storage
