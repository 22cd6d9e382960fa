// The web console's built files (web/dist), served at "/" from the same origin
// as the API so the console can use the session cookie. Every path that is not
// a file of the build is one of the console's own pages ("/notices/ntc_…"), so
// it is answered with index.html and the console's router takes over.
//
//   ConsoleFiles console("/srv/counterfoil/web");
//   if (ConsoleFiles::Claims(req.path)) return console.Serve(req);
//
// Files are read from disk on each request (the build is small and the page
// cache keeps it); hashed assets under /assets/ are cacheable for a year,
// index.html never. Thread-safe: Serve only reads.
#pragma once

#include <string>

#include "api/http/message.h"

namespace counterfoil::api {

class ConsoleFiles {
 public:
  // `root` is the directory holding index.html (the Vite build's output).
  explicit ConsoleFiles(std::string root) : root_(std::move(root)) {}

  // True for the paths the console answers: GET/HEAD of anything but the API
  // (/v1/...), /healthz and /metrics.
  static bool Claims(const http::Request& req);

  // The file for req.path, or index.html for a console page. 404 problem for
  // a missing asset (a path with an extension that is not in the build) and
  // for paths with "..", backslashes or NUL; 503 when the build is missing.
  http::Response Serve(const http::Request& req) const;

  // The Content-Type for a file name, by extension.
  static std::string ContentType(const std::string& name);

 private:
  std::string root_;
};

}  // namespace counterfoil::api
