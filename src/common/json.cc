#include "common/json.h"

#include <cmath>

namespace counterfoil {

Result<json::value> ParseJson(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options opt;
  opt.max_depth = 64;
  json::value v = json::parse(text, ec, {}, opt);
  if (ec) {
    return InvalidArgument("request body is not valid JSON: " + ec.message(), "");
  }
  return v;
}

FieldReader::FieldReader(const json::value& v, std::string base) : base_(std::move(base)) {
  obj_ = v.if_object();
  if (!obj_) status_ = InvalidArgument("expected a JSON object", base_.empty() ? "/" : base_);
}

FieldReader::FieldReader(const json::object& o, std::string base)
    : obj_(&o), base_(std::move(base)) {}

std::string FieldReader::Pointer(std::string_view key) const {
  std::string p = base_;
  if (key.empty() || key[0] != '/') p += '/';
  p += key;
  return p;
}

const json::value* FieldReader::Find(std::string_view key) const {
  if (!obj_) return nullptr;
  const json::value* v = nullptr;
  if (!key.empty() && key[0] == '/') {
    // Walk the pointer by hand over the object (json::value::find_pointer
    // needs a value, and we only hold the object).
    const json::object* cur = obj_;
    size_t pos = 1;
    while (true) {
      size_t next = key.find('/', pos);
      std::string_view part = key.substr(pos, next == std::string_view::npos ? key.npos : next - pos);
      auto it = cur->find(part);
      if (it == cur->end()) return nullptr;
      if (next == std::string_view::npos) {
        v = &it->value();
        break;
      }
      cur = it->value().if_object();
      if (!cur) return nullptr;
      pos = next + 1;
    }
  } else {
    auto it = obj_->find(key);
    if (it != obj_->end()) v = &it->value();
  }
  if (v && v->is_null()) return nullptr;
  return v;
}

void FieldReader::Fail(std::string_view key, std::string message) {
  if (!status_.ok()) return;
  std::string ptr = Pointer(key);
  status_ = InvalidArgument(ptr.substr(1) + ": " + message, ptr);
}

static std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::optional<std::string> FieldReader::OptString(std::string_view key, StringRules rules) {
  if (!ok()) return std::nullopt;
  const json::value* v = Find(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Fail(key, "must be a string");
    return std::nullopt;
  }
  std::string_view s = v->get_string();
  if (Trim(s).size() < rules.min_len) {
    Fail(key, rules.min_len == 1 ? "must not be empty"
                                 : "must be at least " + std::to_string(rules.min_len) + " characters");
    return std::nullopt;
  }
  if (s.size() > rules.max_len) {
    Fail(key, "must be at most " + std::to_string(rules.max_len) + " bytes");
    return std::nullopt;
  }
  return std::string(s);
}

std::string FieldReader::String(std::string_view key, StringRules rules) {
  if (!ok()) return {};
  if (!Find(key)) {
    Fail(key, "is required");
    return {};
  }
  if (rules.min_len == 0) rules.min_len = 1;
  return OptString(key, rules).value_or("");
}

std::optional<double> FieldReader::OptNumber(std::string_view key) {
  if (!ok()) return std::nullopt;
  const json::value* v = Find(key);
  if (!v) return std::nullopt;
  double d;
  if (v->is_double()) d = v->get_double();
  else if (v->is_int64()) d = static_cast<double>(v->get_int64());
  else if (v->is_uint64()) d = static_cast<double>(v->get_uint64());
  else {
    Fail(key, "must be a number");
    return std::nullopt;
  }
  if (!std::isfinite(d)) {
    Fail(key, "must be a finite number");
    return std::nullopt;
  }
  return d;
}

double FieldReader::Number(std::string_view key) {
  if (!ok()) return 0;
  if (!Find(key)) {
    Fail(key, "is required");
    return 0;
  }
  return OptNumber(key).value_or(0);
}

std::optional<int64_t> FieldReader::OptInt(std::string_view key, int64_t min, int64_t max) {
  if (!ok()) return std::nullopt;
  const json::value* v = Find(key);
  if (!v) return std::nullopt;
  int64_t i;
  if (v->is_int64()) i = v->get_int64();
  else if (v->is_uint64() && v->get_uint64() <= uint64_t(INT64_MAX)) i = int64_t(v->get_uint64());
  else {
    Fail(key, "must be an integer");
    return std::nullopt;
  }
  if (i < min || i > max) {
    Fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return i;
}

int64_t FieldReader::Int(std::string_view key, int64_t min, int64_t max) {
  if (!ok()) return 0;
  if (!Find(key)) {
    Fail(key, "is required");
    return 0;
  }
  return OptInt(key, min, max).value_or(0);
}

std::optional<bool> FieldReader::OptBool(std::string_view key) {
  if (!ok()) return std::nullopt;
  const json::value* v = Find(key);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    Fail(key, "must be true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

bool FieldReader::Bool(std::string_view key) {
  if (!ok()) return false;
  if (!Find(key)) {
    Fail(key, "is required");
    return false;
  }
  return OptBool(key).value_or(false);
}

bool FieldReader::True(std::string_view key, std::string_view what) {
  if (!ok()) return false;
  auto b = OptBool(key);
  if (!ok()) return false;
  if (!b || !*b) {
    Fail(key, "must be true: " + std::string(what));
    return false;
  }
  return true;
}

std::vector<std::string> FieldReader::StringArray(std::string_view key, bool required,
                                                  size_t max_items) {
  std::vector<std::string> out;
  const json::array* a = Array(key, required);
  if (!a) return out;
  if (a->size() > max_items) {
    Fail(key, "must have at most " + std::to_string(max_items) + " items");
    return out;
  }
  for (size_t i = 0; i < a->size(); ++i) {
    const json::value& e = (*a)[i];
    if (!e.is_string()) {
      Fail(std::string(key) + "/" + std::to_string(i), "must be a string");
      return {};
    }
    out.emplace_back(e.get_string());
  }
  return out;
}

std::string FieldReader::Enum(std::string_view key, const std::vector<std::string_view>& allowed,
                              bool required) {
  if (!ok()) return {};
  auto s = required ? std::optional<std::string>(String(key)) : OptString(key);
  if (!ok() || !s) return {};
  for (auto a : allowed)
    if (*s == a) return *s;
  std::string list;
  for (auto a : allowed) {
    if (!list.empty()) list += ", ";
    list += a;
  }
  Fail(key, "must be one of: " + list);
  return {};
}

const json::object* FieldReader::Object(std::string_view key, bool required) {
  if (!ok()) return nullptr;
  const json::value* v = Find(key);
  if (!v) {
    if (required) Fail(key, "is required");
    return nullptr;
  }
  if (!v->is_object()) {
    Fail(key, "must be an object");
    return nullptr;
  }
  return &v->get_object();
}

const json::array* FieldReader::Array(std::string_view key, bool required) {
  if (!ok()) return nullptr;
  const json::value* v = Find(key);
  if (!v) {
    if (required) Fail(key, "is required");
    return nullptr;
  }
  if (!v->is_array()) {
    Fail(key, "must be an array");
    return nullptr;
  }
  return &v->get_array();
}

void FieldReader::RejectUnknown(const std::vector<std::string_view>& known) {
  if (!ok() || !obj_) return;
  for (const auto& kv : *obj_) {
    bool found = false;
    for (auto k : known)
      if (kv.key() == k) found = true;
    if (!found) {
      Fail(kv.key(), "is not a known field");
      return;
    }
  }
}

std::string GetString(const json::object& o, std::string_view key, std::string def) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return def;
  return std::string(it->value().get_string());
}

int64_t GetInt(const json::object& o, std::string_view key, int64_t def) {
  auto it = o.find(key);
  if (it == o.end()) return def;
  if (it->value().is_int64()) return it->value().get_int64();
  if (it->value().is_uint64()) return static_cast<int64_t>(it->value().get_uint64());
  if (it->value().is_double()) return static_cast<int64_t>(it->value().get_double());
  return def;
}

double GetDouble(const json::object& o, std::string_view key, double def) {
  auto it = o.find(key);
  if (it == o.end()) return def;
  if (it->value().is_double()) return it->value().get_double();
  if (it->value().is_int64()) return static_cast<double>(it->value().get_int64());
  if (it->value().is_uint64()) return static_cast<double>(it->value().get_uint64());
  return def;
}

bool GetBool(const json::object& o, std::string_view key, bool def) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_bool()) return def;
  return it->value().get_bool();
}

std::vector<std::string> GetStrings(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_array()) return out;
  for (const auto& v : it->value().get_array())
    if (v.is_string()) out.emplace_back(v.get_string());
  return out;
}

json::array ToJsonArray(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace counterfoil
