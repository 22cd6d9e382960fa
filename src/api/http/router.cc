#include "api/http/router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace counterfoil::api::http {

namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  // "/a/b" -> {"a", "b"}; "/" -> {""}; "/a/" -> {"a", ""}.
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParamName(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Route tables are built at start-up from code, so a bad one is a bug: stop
// before serving anything (also on stderr, in case logging goes elsewhere).
[[noreturn]] void RouteTableError(const std::string& message) {
  spdlog::critical("router: {}", message);
  spdlog::default_logger()->flush();
  std::fprintf(stderr, "router: %s\n", message.c_str());
  std::abort();
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler h) {
  if (method.empty()) RouteTableError("empty method for " + pattern);
  if (pattern.empty() || pattern.front() != '/') {
    RouteTableError("pattern must start with '/': \"" + pattern + "\"");
  }
  if (!h) RouteTableError("empty handler for " + method + " " + pattern);
  Route route{method, pattern, {}, std::move(h)};
  std::set<std::string_view> names;
  for (std::string_view seg : SplitPath(pattern)) {
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      std::string_view name = seg.substr(1, seg.size() - 2);
      if (!IsParamName(name)) RouteTableError("bad parameter name in \"" + pattern + "\"");
      if (!names.insert(name).second) {
        RouteTableError("parameter used twice in \"" + pattern + "\"");
      }
      route.segments.push_back({std::string(name), true});
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos) {
        RouteTableError("braces inside a literal segment of \"" + pattern + "\"");
      }
      route.segments.push_back({std::string(seg), false});
    }
  }
  for (const Route& other : routes_) {
    if (other.method != route.method || other.segments.size() != route.segments.size()) continue;
    bool same_shape = true;
    for (size_t i = 0; i < route.segments.size() && same_shape; ++i) {
      const Segment& a = route.segments[i];
      const Segment& b = other.segments[i];
      same_shape = a.is_param == b.is_param && (a.is_param || a.text == b.text);
    }
    if (same_shape) {
      RouteTableError(method + " " + pattern + " duplicates " + other.method + " " + other.pattern);
    }
  }
  routes_.push_back(std::move(route));
}

bool Router::Matches(const Route& route, const std::vector<std::string_view>& raw) {
  if (route.segments.size() != raw.size()) return false;
  for (size_t i = 0; i < raw.size(); ++i) {
    const Segment& seg = route.segments[i];
    if (seg.is_param) {
      if (raw[i].empty()) return false;
    } else if (seg.text != raw[i]) {
      // Literals are compared with the encoded text; a literal segment with a
      // percent escape would be an unusual pattern, so compare decoded too.
      if (raw[i].find('%') == std::string_view::npos) return false;
      Result<std::string> decoded = PercentDecode(raw[i], false);
      if (!decoded.ok() || *decoded != seg.text) return false;
    }
  }
  return true;
}

bool Router::MoreSpecific(const Route& a, const Route& b) {
  for (size_t i = 0; i < a.segments.size(); ++i) {
    if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
  }
  return false;
}

Response Router::Dispatch(Request& req) const {
  // Without a target (a Request built by hand) the path is already decoded.
  const bool encoded = !req.target.empty();
  std::string_view raw_path = encoded ? RawPath(req.target) : std::string_view(req.path);
  std::string_view instance = req.path.empty() ? raw_path : std::string_view(req.path);
  std::vector<std::string_view> raw = SplitPath(raw_path);

  const Route* best = nullptr;
  const Route* best_get = nullptr;  // for HEAD
  std::set<std::string> allowed;
  for (const Route& route : routes_) {
    if (!Matches(route, raw)) continue;
    allowed.insert(route.method);
    if (route.method == req.method) {
      if (!best || MoreSpecific(route, *best)) best = &route;
    } else if (req.method == "HEAD" && route.method == "GET") {
      if (!best_get || MoreSpecific(route, *best_get)) best_get = &route;
    }
  }
  if (!best) best = best_get;
  if (!best) {
    if (allowed.empty()) {
      return ProblemResponse(NotFound("no resource at this path"), instance);
    }
    if (allowed.count("GET")) allowed.insert("HEAD");
    std::string allow;
    for (const std::string& m : allowed) {
      if (!allow.empty()) allow += ", ";
      allow += m;
    }
    Response r = ProblemResponse(405, "method_not_allowed",
                                 "method " + req.method + " is not allowed here; allowed: " + allow,
                                 instance);
    r.headers.emplace_back("Allow", allow);
    return r;
  }

  req.path_params.clear();
  for (size_t i = 0; i < raw.size(); ++i) {
    const Segment& seg = best->segments[i];
    if (!seg.is_param) continue;
    if (!encoded) {
      req.path_params[seg.text] = std::string(raw[i]);
      continue;
    }
    Result<std::string> value = PercentDecode(raw[i], false);
    if (!value.ok()) return ProblemResponse(value.status(), instance);
    req.path_params[seg.text] = std::move(value).value();
  }
  req.route = best->pattern;
  return best->handler(req);
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) out.emplace_back(r.method, r.pattern);
  return out;
}

}  // namespace counterfoil::api::http
