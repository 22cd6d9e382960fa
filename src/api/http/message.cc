#include "api/http/message.h"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

namespace counterfoil::api::http {

namespace {

char LowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status Malformed(std::string message) {
  return InvalidArgument(std::move(message)).WithReason("malformed");
}

std::optional<std::string> FindHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits a target into (path, query) without decoding; false for forms other
// than origin-form, absolute-form and "*".
bool SplitTarget(std::string_view target, std::string_view* path, std::string_view* query) {
  if (target == "*") {
    *path = target;
    *query = {};
    return true;
  }
  if (target.empty()) return false;
  if (target.front() != '/') {
    // absolute-form (RFC 9112 section 3.2.2): scheme "://" authority [path] ["?" query].
    size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) return false;
    for (size_t i = 0; i < scheme_end; ++i) {
      char c = target[i];
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
      if (!ok) return false;
    }
    std::string_view rest = target.substr(scheme_end + 3);
    size_t path_start = rest.find_first_of("/?");
    target = path_start == std::string_view::npos ? std::string_view("/") : rest.substr(path_start);
    if (target.front() == '?') {
      *path = "/";
      *query = target.substr(1);
      return true;
    }
  }
  if (target.find('#') != std::string_view::npos) return false;  // fragments are never sent
  size_t q = target.find('?');
  *path = target.substr(0, q);
  *query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  return true;
}

Response BuildProblem(int http_status, std::string_view type_suffix, std::string_view detail,
                      std::string_view instance, std::string_view field) {
  json::object o;
  o["type"] = std::string(kProblemTypeBase) + std::string(type_suffix);
  o["title"] = StatusTitle(http_status);
  o["status"] = http_status;
  o["detail"] = detail;
  o["instance"] = instance;
  if (!field.empty()) {
    o["errors"] = json::array{json::object{{"pointer", field}, {"detail", detail}}};
  }
  Response r = Response::Json(http_status, o);
  r.content_type = "application/problem+json";
  return r;
}

}  // namespace

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerChar(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerChar(a[i]) != LowerChar(b[i])) return false;
  }
  return true;
}

std::optional<std::string> Request::Header(std::string_view name) const {
  return FindHeader(headers, name);
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
  // RFC 6265 section 5.4: cookie-string = cookie-pair *( ";" SP cookie-pair ).
  // Parsed leniently: pairs without '=' are skipped, whitespace is trimmed.
  for (const auto& [k, v] : headers) {
    if (k != "cookie") continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (TrimSpaces(pair.substr(0, eq)) != name) continue;
      std::string_view value = TrimSpaces(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return std::string(value);
    }
  }
  return std::nullopt;
}

Response Response::Json(int status, const boost::json::value& v) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(v);
  return r;
}

Response Response::Text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

std::optional<std::string> Response::Header(std::string_view name) const {
  return FindHeader(headers, name);
}

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return s.reason() == "malformed" ? 400 : 422;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kResourceExhausted: return s.reason() == "too_large" ? 413 : 429;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

std::string_view StatusTitle(int status) {
  // RFC 9110 section 15 reason phrases.
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
  }
  return "Error";
}

Response ProblemResponse(int http_status, std::string_view type_suffix, std::string_view detail,
                         std::string_view instance) {
  return BuildProblem(http_status, type_suffix, detail, instance, {});
}

Response ProblemResponse(const Status& s, std::string_view instance) {
  if (s.ok() || s.code() == StatusCode::kInternal) {
    spdlog::error("internal error answering {}: {}", instance,
                  s.ok() ? std::string("ProblemResponse called with an OK status") : s.ToString());
    return BuildProblem(500, StatusCodeName(StatusCode::kInternal),
                        "An internal error occurred; it has been logged.", instance, {});
  }
  std::string_view type = s.reason().empty() ? StatusCodeName(s.code()) : s.reason();
  Response r = BuildProblem(HttpStatusFor(s), type, s.message(), instance, s.field());
  if (s.code() == StatusCode::kUnauthenticated) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

Result<std::string> PercentDecode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) {
        return Malformed("truncated percent escape in request target");
      }
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return Malformed("invalid percent escape in request target");
      if (hi == 0 && lo == 0) return Malformed("percent-encoded NUL in request target");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string_view RawPath(std::string_view target) {
  std::string_view path, query;
  if (!SplitTarget(target, &path, &query)) return {};
  return path;
}

Status ParseTarget(std::string_view target, std::string* path,
                   std::map<std::string, std::string>* query) {
  std::string_view raw_path, raw_query;
  if (!SplitTarget(target, &raw_path, &raw_query)) {
    return Malformed("request target must be an absolute path such as /v1/notices");
  }
  ASSIGN_OR_RETURN(*path, PercentDecode(raw_path, /*plus_as_space=*/false));
  query->clear();
  while (!raw_query.empty()) {
    size_t amp = raw_query.find('&');
    std::string_view pair = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    ASSIGN_OR_RETURN(std::string key, PercentDecode(pair.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      ASSIGN_OR_RETURN(value, PercentDecode(pair.substr(eq + 1), true));
    }
    query->emplace(std::move(key), std::move(value));  // keeps the first occurrence
  }
  return Status::Ok();
}

}  // namespace counterfoil::api::http
