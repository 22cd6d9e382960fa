#include "api/console.h"

#include <fstream>
#include <sstream>

namespace counterfoil::api {

namespace {

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return false;
  *out = std::move(ss).str();
  return true;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The console loads only its own scripts and styles; chart.js and the graph
// view draw on canvases, and inline style attributes are how React sets sizes.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'";

http::Response WithPageHeaders(http::Response r) {
  r.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  return r;
}

}  // namespace

bool ConsoleFiles::Claims(const http::Request& req) {
  if (req.method != "GET" && req.method != "HEAD") return false;
  const std::string& p = req.path;
  if (p.empty() || p[0] != '/') return false;
  if (p == "/v1" || p.rfind("/v1/", 0) == 0) return false;
  return p != "/healthz" && p != "/metrics";
}

std::string ConsoleFiles::ContentType(const std::string& name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"}};
  for (const auto& [ext, type] : kTypes)
    if (EndsWith(name, ext)) return std::string(type);
  return "application/octet-stream";
}

http::Response ConsoleFiles::Serve(const http::Request& req) const {
  const std::string& path = req.path;
  if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos ||
      path.find('\0') != std::string::npos || path.find("//") != std::string::npos)
    return http::ProblemResponse(NotFound("no such page"), path);
  std::string last = path.substr(path.rfind('/') + 1);
  bool is_file = last.find('.') != std::string::npos;
  std::string body;
  if (is_file) {
    if (!ReadFile(root_ + path, &body))
      return http::ProblemResponse(NotFound("no such file in the console: " + path), path);
    http::Response r = http::Response::Text(200, std::move(body), ContentType(last));
    // Vite names assets by content hash, so they never change under one name.
    if (path.rfind("/assets/", 0) == 0)
      r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    else
      r.headers.emplace_back("Cache-Control", "no-cache");
    return r;
  }
  if (!ReadFile(root_ + "/index.html", &body))
    return http::ProblemResponse(
        Unavailable("the web console is not built (no index.html in " + root_ +
                    "); run `make build`, or use the API under /v1"),
        path);
  http::Response r = http::Response::Text(200, std::move(body), "text/html; charset=utf-8");
  r.headers.emplace_back("Cache-Control", "no-cache");
  return WithPageHeaders(std::move(r));
}

}  // namespace counterfoil::api
