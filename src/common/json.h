// JSON helpers on Boost.JSON: parsing with a Status, and FieldReader, which
// reads typed fields out of an object and remembers the first error with the
// JSON pointer of the field at fault.
//
//   ASSIGN_OR_RETURN(boost::json::value doc, ParseJson(body));
//   FieldReader r(doc);               // kInvalidArgument if doc is not an object
//   std::string title = r.String("title", {.max_len = 500});
//   double price = r.Number("/price/amount");   // nested via a pointer
//   auto ship = r.OptString("ship_from");
//   RETURN_IF_ERROR(r.status());      // "title: required" with field "/title"
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace counterfoil {

namespace json = boost::json;

// Parses text as JSON; kInvalidArgument names the byte offset on error.
Result<json::value> ParseJson(std::string_view text);

struct StringRules {
  size_t min_len = 0;  // 1 means "non-empty after trimming"
  size_t max_len = 10000;
};

// Reads fields of one JSON object. After the first error every accessor
// returns an empty value and status() reports that first error. Keys may be a
// plain member name ("title") or a JSON pointer ("/price/amount").
// Not thread-safe; cheap to construct.
class FieldReader {
 public:
  // `base` is the pointer of this object inside the whole document ("" for
  // the root, "/complainant" for a nested object), used in error fields.
  explicit FieldReader(const json::value& v, std::string base = "");
  // Reads an object directly (without this overload an object argument would
  // bind to a temporary json::value and dangle).
  explicit FieldReader(const json::object& o, std::string base = "");
  FieldReader(json::value&&, std::string = "") = delete;

  std::string String(std::string_view key, StringRules rules = {.min_len = 1});
  std::optional<std::string> OptString(std::string_view key, StringRules rules = {});
  double Number(std::string_view key);
  std::optional<double> OptNumber(std::string_view key);
  int64_t Int(std::string_view key, int64_t min, int64_t max);
  std::optional<int64_t> OptInt(std::string_view key, int64_t min, int64_t max);
  bool Bool(std::string_view key);
  std::optional<bool> OptBool(std::string_view key);
  // A boolean that must be present and true (legal statements).
  bool True(std::string_view key, std::string_view what);
  std::vector<std::string> StringArray(std::string_view key, bool required = false,
                                       size_t max_items = 1000);
  // One of `allowed`; the error lists them.
  std::string Enum(std::string_view key, const std::vector<std::string_view>& allowed,
                   bool required = true);
  const json::object* Object(std::string_view key, bool required = true);
  const json::array* Array(std::string_view key, bool required = true);
  // Raw access; nullptr when absent or null.
  const json::value* Find(std::string_view key) const;

  // Records an error (if none yet) against `key`.
  void Fail(std::string_view key, std::string message);
  // Fails if the object has members other than `known`.
  void RejectUnknown(const std::vector<std::string_view>& known);

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  std::string Pointer(std::string_view key) const;

 private:
  const json::object* obj_ = nullptr;
  std::string base_;
  Status status_;
};

// Convenience accessors for documents Counterfoil wrote itself (storage);
// they return defaults instead of errors.
std::string GetString(const json::object& o, std::string_view key, std::string def = {});
int64_t GetInt(const json::object& o, std::string_view key, int64_t def = 0);
double GetDouble(const json::object& o, std::string_view key, double def = 0);
bool GetBool(const json::object& o, std::string_view key, bool def = false);
std::vector<std::string> GetStrings(const json::object& o, std::string_view key);
json::array ToJsonArray(const std::vector<std::string>& v);

}  // namespace counterfoil
