// Router: maps (method, path) to a handler, with "{name}" path parameters.
//
//   Router r;
//   r.Add("GET", "/v1/notices/{id}", [&](Request& req) {
//     return GetNotice(req.path_params.at("id"));
//   });
//   r.Add("POST", "/v1/notices/{id}/decision", DecideNotice);
//   Server server(opts, [&](Request& req) { return r.Dispatch(req); });
//
// Matching rules:
//  - A path is split on '/' before percent-decoding, so "%2F" inside a
//    parameter stays part of that parameter's value.
//  - A "{name}" segment matches any one non-empty segment; literal segments
//    match exactly (case-sensitive). No trailing-slash or dot-segment
//    normalisation: "/v1/notices/" does not match "/v1/notices".
//  - When several patterns match, the most specific wins: at the first
//    segment where they differ, a literal beats a parameter. So
//    "/v1/notices/export" wins over "/v1/notices/{id}" whatever the order of
//    registration.
//  - Only patterns registered for the request's method compete; HEAD falls
//    back to GET when no HEAD route matches (the server drops the body).
//  - A path that matches no pattern gives 404; a path that matches only
//    patterns of other methods gives 405 with an Allow header.
//
// Thread safety: Add() is for start-up; once the server runs, only the const
// methods may be called, from any number of threads.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "api/http/message.h"

namespace counterfoil::api::http {

// Handles one request. Handlers run on the server's worker pool, may block,
// and report expected failures with ProblemResponse (exceptions become a 500).
using Handler = std::function<Response(Request&)>;

class Router {
 public:
  // Registers `h` for `method` on `pattern`. The pattern starts with '/', its
  // segments are literals or "{name}" (name: letters, digits, '_'), with no
  // name used twice. A malformed pattern, or a second route with the same
  // method and the same shape (e.g. "/a/{x}" after "/a/{y}"), is a programming
  // error: it is logged and the process aborts.
  void Add(std::string method, std::string pattern, Handler h);

  // Finds the route for req.method and the path of req.target (req.path when
  // the target is empty), fills req.path_params and req.route, and calls the
  // handler. Unknown path -> 404 problem; known path, other method -> 405
  // problem with "Allow". Does not catch the handler's exceptions.
  Response Dispatch(Request& req) const;

  // All registered (method, pattern) pairs, in registration order.
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter name
    bool is_param = false;
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
  };

  // True when `route` matches the raw (still percent-encoded) segments.
  static bool Matches(const Route& route, const std::vector<std::string_view>& raw);
  // True when a is more specific than b (both matching the same path).
  static bool MoreSpecific(const Route& a, const Route& b);

  std::vector<Route> routes_;
};

}  // namespace counterfoil::api::http
