// Fetch: a synchronous HTTP/1.1 client for webhook delivery and tests.
//
//   ASSIGN_OR_RETURN(ClientResponse r,
//                    Fetch("POST", "https://hooks.example.com/counterfoil",
//                          {{"Content-Type", "application/json"}, {"X-Signature", sig}},
//                          payload, std::chrono::seconds(10)));
//   if (r.status / 100 != 2) ...
//
// One request per call on a new connection ("Connection: close"). http:// and
// https:// URLs; https verifies the server's certificate chain against the
// system trust store (or FetchOptions::ca_file) and its host name or IP
// address, with SNI. Redirects are not followed.
//
// The timeout covers the whole exchange: connect, TLS handshake, write and
// read. Host name resolution is bounded by it too, except that a lookup
// already inside the system resolver cannot be interrupted, so a hanging DNS
// server can delay the error up to the resolver's own timeout.
//
// Thread-safe: calls share nothing but the TLS configuration, which is
// read-only after its first use.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/message.h"
#include "common/status.h"

namespace counterfoil::api::http {

struct ClientResponse {
  int status = 0;
  std::string body;
  HeaderList headers;  // in arrival order, names lower-cased
  // Case-insensitive; the first value when the header repeats.
  std::optional<std::string> Header(std::string_view name) const;
};

struct FetchOptions {
  std::chrono::milliseconds timeout{10000};
  size_t max_response_bytes = 16 << 20;  // a larger response body is an error
  // PEM file of trusted CA certificates for https; empty = the system store.
  std::string ca_file;
};

// Sends one request. `headers` are sent as given; Host, User-Agent
// ("counterfoil/<version>"), Content-Length and Connection are added unless
// present. Returns the response whatever its status, or:
//   kInvalidArgument: the URL does not parse, is not http/https, has no host,
//     or a header name or value is invalid;
//   kUnavailable: resolution, connection, TLS (including certificate
//     verification), timeout, or a malformed/oversized response, with a
//     message that says which.
Result<ClientResponse> Fetch(std::string_view method, std::string_view url,
                             const HeaderList& headers, std::string_view body,
                             const FetchOptions& options);

// Fetch with default options and the given timeout.
Result<ClientResponse> Fetch(std::string_view method, std::string_view url,
                             const HeaderList& headers, std::string_view body,
                             std::chrono::milliseconds timeout);

}  // namespace counterfoil::api::http
