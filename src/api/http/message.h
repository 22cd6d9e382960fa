// HTTP request and response values shared by the server, the router, the
// middleware and the handlers, plus the RFC 9457 problem+json error body that
// every API error uses.
//
//   Response GetNotice(Request& req) {
//     Result<Notice> n = notices.Get(req.path_params.at("id"));
//     if (!n.ok()) return ProblemResponse(n.status(), req.path);
//     return Response::Json(200, ToJson(*n));
//   }
//
// These are plain values with no I/O; they are not thread-safe, and each
// request is handled by one thread at a time.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace counterfoil::api::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One parsed HTTP request, as the server hands it to the handler.
struct Request {
  std::string method;  // "GET", "POST", ... (case as sent; HTTP methods are case-sensitive)
  std::string target;  // raw request target ("/v1/notices?state=open")
  std::string path;    // percent-decoded path, no query string ("/v1/notices")
  // Decoded query parameters ('+' reads as a space). When a name repeats, the
  // first occurrence wins.
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> path_params;  // filled by Router ("{id}" -> value)
  std::string body;
  std::string remote_ip;  // peer address of the TCP connection ("127.0.0.1", "::1")
  std::string route;      // matched route pattern, e.g. "/v1/notices/{id}" (for metrics/logs)

  // Case-insensitive header lookup; the first value when the header repeats,
  // empty optional when absent.
  std::optional<std::string> Header(std::string_view name) const;
  // The value of cookie `name` from the Cookie header(s), surrounding double
  // quotes removed; empty optional when absent. Cookie names are case-sensitive.
  std::optional<std::string> Cookie(std::string_view name) const;

  HeaderList headers;  // in arrival order, names lower-cased
};

// The handler's answer. The server adds Content-Length, Date,
// Cache-Control: no-store and X-Content-Type-Options: nosniff unless `headers`
// sets them; Content-Type comes from `content_type` unless `headers` sets it,
// and is omitted when empty.
struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  HeaderList headers;  // extra headers (Set-Cookie may repeat)

  static Response Json(int status, const boost::json::value& v);
  static Response Text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  // 204 with no body and no Content-Type.
  static Response NoContent();

  // Case-insensitive lookup among `headers`; empty optional when absent.
  std::optional<std::string> Header(std::string_view name) const;
};

// The HTTP status for a Status:
//   kOk 200, kInvalidArgument 422 (400 when reason() == "malformed"),
//   kUnauthenticated 401, kPermissionDenied 403, kNotFound 404,
//   kAlreadyExists 409, kFailedPrecondition 409,
//   kResourceExhausted 429 (413 when reason() == "too_large"),
//   kUnavailable 503, kInternal 500.
int HttpStatusFor(const Status& s);

// The RFC 9110 reason phrase for `status` ("Not Found"), used as the problem
// title; "Error" for codes without one.
std::string_view StatusTitle(int status);

// An RFC 9457 application/problem+json response for a non-OK Status:
//   {"type": "https://counterfoil.dev/problems/<reason or code name>",
//    "title": "Not Found", "status": 404, "detail": <s.message()>,
//    "instance": <instance>,
//    "errors": [{"pointer": <s.field()>, "detail": <s.message()>}]}  // only with a field
// kUnauthenticated adds "WWW-Authenticate: Bearer". kInternal never shows its
// message, reason or field: the type is ".../internal", the detail a generic
// sentence, and the real message is logged (spdlog::error) instead. An OK
// status is a caller bug and is answered the same way as kInternal.
Response ProblemResponse(const Status& s, std::string_view instance);

// A problem+json response for protocol-level errors that have no Status code
// (405, 431, ...): type ".../<type_suffix>", title StatusTitle(http_status).
Response ProblemResponse(int http_status, std::string_view type_suffix, std::string_view detail,
                         std::string_view instance);

// The base of every problem "type" URI.
inline constexpr std::string_view kProblemTypeBase = "https://counterfoil.dev/problems/";

// Splits a request target into its percent-decoded path and decoded query
// parameters. Accepts origin-form ("/a/b?x=1"), absolute-form
// ("http://host/a?x=1") and "*". Returns kInvalidArgument (reason "malformed")
// for a bad percent escape, a percent-encoded NUL, or any other form.
Status ParseTarget(std::string_view target, std::string* path,
                   std::map<std::string, std::string>* query);

// Decodes %XX escapes (and '+' as a space when `plus_as_space`).
// kInvalidArgument (reason "malformed") for a truncated or non-hex escape or %00.
Result<std::string> PercentDecode(std::string_view s, bool plus_as_space);

// The path part of a target, still percent-encoded ("/a/b%2Fc" for
// "/a/b%2Fc?x=1"), following the same forms as ParseTarget; empty when the
// target is not in one of them.
std::string_view RawPath(std::string_view target);

// ASCII lower-casing, for header names.
std::string AsciiLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace counterfoil::api::http
