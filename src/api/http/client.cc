#include "api/http/client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <algorithm>
#include <charconv>
#include <memory>

namespace counterfoil::api::http {

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kUserAgent = "counterfoil/0.1";
constexpr uint32_t kResponseHeaderLimit = 64 * 1024;

struct Target {
  bool tls = false;
  std::string host;       // for resolution, SNI and verification: "example.com", "::1"
  std::string port;       // "443"
  std::string authority;  // for the Host header: "example.com", "[::1]:8080"
  std::string target;     // "/path?query"
  bool host_is_ip = false;
};

Result<Target> ParseUrl(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return InvalidArgument("invalid URL \"" + std::string(url) + "\": " + parsed.error().message());
  }
  boost::urls::url_view u = *parsed;
  Target t;
  std::string scheme = AsciiLower(u.scheme());
  if (scheme == "https") {
    t.tls = true;
  } else if (scheme != "http") {
    return InvalidArgument("unsupported URL scheme \"" + scheme + "\"; use http or https");
  }
  if (u.has_userinfo()) return InvalidArgument("credentials in URLs are not supported");
  using boost::urls::host_type;
  switch (u.host_type()) {
    case host_type::name: t.host = u.host_address(); break;
    case host_type::ipv4:
    case host_type::ipv6:
      t.host = u.host_address();
      t.host_is_ip = true;
      break;
    default: return InvalidArgument("URL \"" + std::string(url) + "\" has no usable host");
  }
  if (t.host.empty()) return InvalidArgument("URL \"" + std::string(url) + "\" has no host");
  uint16_t default_port = t.tls ? 443 : 80;
  uint16_t port = default_port;
  if (u.has_port() && !u.port().empty()) {
    // url_view::port_number() wraps values above 65535, so parse it here.
    std::string_view text = u.port();
    unsigned long value = 0;
    auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (err != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) {
      return InvalidArgument("URL \"" + std::string(url) + "\" has an invalid port");
    }
    port = static_cast<uint16_t>(value);
  }
  t.port = std::to_string(port);
  t.authority = std::string(u.encoded_host());
  if (port != default_port) t.authority += ":" + t.port;
  std::string_view target = u.encoded_target();
  t.target = target.empty() || target.front() != '/' ? "/" + std::string(target)
                                                      : std::string(target);
  return t;
}

// The system trust store, loaded once; or a fresh context for a CA file.
Result<std::shared_ptr<ssl::context>> TlsContext(const std::string& ca_file) {
  auto make = [](const std::string& file) -> Result<std::shared_ptr<ssl::context>> {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    ctx->set_verify_mode(ssl::verify_peer);
    beast::error_code ec;
    if (file.empty()) {
      ctx->set_default_verify_paths(ec);
    } else {
      ctx->load_verify_file(file, ec);
    }
    if (ec) {
      return Unavailable("cannot load trusted certificates" +
                         (file.empty() ? std::string() : " from " + file) + ": " + ec.message());
    }
    return ctx;
  };
  if (!ca_file.empty()) return make(ca_file);
  // Never destroyed: OpenSSL may already be cleaned up when statics are.
  static const auto* const kSystem = new Result<std::shared_ptr<ssl::context>>(make(""));
  return *kSystem;
}

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsTokenChar);
}

// Runs `ioc` until `*done`, or until `deadline`, when it calls `cancel` and
// then runs the cancelled operation to completion. Returns false on timeout.
template <typename Cancel>
bool RunUntil(net::io_context& ioc, const bool* done, Clock::time_point deadline, Cancel cancel) {
  ioc.restart();
  ioc.run_until(deadline);
  if (*done) return true;
  cancel();
  ioc.restart();
  ioc.run();
  return false;
}

// One exchange over a connected stream (plain or TLS).
template <typename Stream>
Result<ClientResponse> Exchange(Stream& stream, net::io_context& ioc,
                                bhttp::request<bhttp::string_body>& req, const Target& t,
                                const FetchOptions& options, Clock::time_point deadline) {
  beast::error_code ec;
  const std::string where = t.authority;

  beast::get_lowest_layer(stream).expires_at(deadline);
  bhttp::async_write(stream, req, [&](beast::error_code e, size_t) { ec = e; });
  ioc.restart();
  ioc.run();
  if (ec == beast::error::timeout) return Unavailable("timed out sending the request to " + where);
  if (ec) return Unavailable("cannot send the request to " + where + ": " + ec.message());

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options.max_response_bytes);
  parser.header_limit(kResponseHeaderLimit);
  if (req.method() == bhttp::verb::head) parser.skip(true);
  bhttp::async_read(stream, buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
  ioc.restart();
  ioc.run();
  if (ec == beast::error::timeout) {
    return Unavailable("timed out waiting for the response from " + where);
  }
  if (ec == bhttp::error::body_limit) {
    return Unavailable("response from " + where + " exceeds " +
                       std::to_string(options.max_response_bytes) + " bytes");
  }
  if (ec == bhttp::error::end_of_stream) {
    return Unavailable("connection closed by " + where + " before a response");
  }
  if (ec) return Unavailable("cannot read the response from " + where + ": " + ec.message());

  bhttp::response<bhttp::string_body> res = parser.release();
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    out.headers.emplace_back(AsciiLower(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(res.body());
  return out;
}

Result<ClientResponse> DoFetch(std::string_view method, std::string_view url,
                               const HeaderList& headers, std::string_view body,
                               const FetchOptions& options) {
  const Clock::time_point deadline = Clock::now() + options.timeout;
  ASSIGN_OR_RETURN(Target t, ParseUrl(url));
  if (!IsToken(method)) return InvalidArgument("invalid HTTP method \"" + std::string(method) + "\"");

  bhttp::request<bhttp::string_body> req;
  req.version(11);
  req.method_string(method);
  req.target(t.target);
  bool has_host = false, has_agent = false;
  for (const auto& [name, value] : headers) {
    if (!IsToken(name) ||
        value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return InvalidArgument("invalid request header \"" + name + "\"");
    }
    if (EqualsIgnoreCase(name, "content-length") || EqualsIgnoreCase(name, "transfer-encoding") ||
        EqualsIgnoreCase(name, "connection")) {
      continue;  // framing is ours
    }
    has_host |= EqualsIgnoreCase(name, "host");
    has_agent |= EqualsIgnoreCase(name, "user-agent");
    req.insert(name, value);
  }
  if (!has_host) req.set(bhttp::field::host, t.authority);
  if (!has_agent) req.set(bhttp::field::user_agent, kUserAgent);
  req.keep_alive(false);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.body() = std::string(body);
    req.content_length(body.size());
  }

  net::io_context ioc;
  beast::error_code ec;
  bool done = false;

  // Resolve. Numeric hosts skip DNS altogether.
  tcp::resolver resolver(ioc);
  tcp::resolver::results_type endpoints;
  auto flags = t.host_is_ip ? tcp::resolver::numeric_host : tcp::resolver::flags();
  resolver.async_resolve(t.host, t.port, flags,
                         [&](beast::error_code e, tcp::resolver::results_type r) {
                           ec = e;
                           endpoints = std::move(r);
                           done = true;
                         });
  if (!RunUntil(ioc, &done, deadline, [&] { resolver.cancel(); })) {
    return Unavailable("timed out resolving " + t.host);
  }
  if (ec) return Unavailable("cannot resolve " + t.host + ": " + ec.message());

  auto connect = [&](beast::tcp_stream& s) -> Status {
    s.expires_at(deadline);
    s.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    ioc.restart();
    ioc.run();
    if (ec == beast::error::timeout) return Unavailable("timed out connecting to " + t.authority);
    if (ec) return Unavailable("cannot connect to " + t.authority + ": " + ec.message());
    beast::error_code opt_ec;
    s.socket().set_option(tcp::no_delay(true), opt_ec);
    return Status::Ok();
  };

  if (!t.tls) {
    beast::tcp_stream stream(ioc);
    RETURN_IF_ERROR(connect(stream));
    return Exchange(stream, ioc, req, t, options, deadline);
  }

  ASSIGN_OR_RETURN(std::shared_ptr<ssl::context> ctx, TlsContext(options.ca_file));
  beast::ssl_stream<beast::tcp_stream> stream(ioc, *ctx);
  SSL* ssl_handle = stream.native_handle();
  // Check the certificate names the host we asked for (RFC 6125), by IP
  // address or by DNS name; SNI only for names (RFC 6066 section 3).
  if (t.host_is_ip) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_handle), t.host.c_str()) != 1) {
      return InvalidArgument("cannot verify certificates for address " + t.host);
    }
  } else {
    if (SSL_set1_host(ssl_handle, t.host.c_str()) != 1 ||
        SSL_set_tlsext_host_name(ssl_handle, t.host.c_str()) != 1) {
      return InvalidArgument("cannot verify certificates for host " + t.host);
    }
  }
  RETURN_IF_ERROR(connect(beast::get_lowest_layer(stream)));
  stream.async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
  ioc.restart();
  ioc.run();
  if (ec == beast::error::timeout) return Unavailable("timed out in TLS handshake with " + t.authority);
  if (ec) {
    std::string why = ec.message();
    long verify = SSL_get_verify_result(ssl_handle);
    if (verify != X509_V_OK) why += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
    return Unavailable("TLS handshake with " + t.authority + " failed: " + why);
  }
  // No TLS close_notify afterwards: the response is framed by its length,
  // and the connection is not reused.
  return Exchange(stream, ioc, req, t, options, deadline);
}

}  // namespace

std::optional<std::string> ClientResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

Result<ClientResponse> Fetch(std::string_view method, std::string_view url,
                             const HeaderList& headers, std::string_view body,
                             const FetchOptions& options) {
  try {
    return DoFetch(method, url, headers, body, options);
  } catch (const std::exception& e) {
    // Boost.Asio and OpenSSL wrappers throw only on resource exhaustion.
    return Unavailable("HTTP request to " + std::string(url) + " failed: " + e.what());
  }
}

Result<ClientResponse> Fetch(std::string_view method, std::string_view url,
                             const HeaderList& headers, std::string_view body,
                             std::chrono::milliseconds timeout) {
  FetchOptions options;
  options.timeout = timeout;
  return Fetch(method, url, headers, body, options);
}

}  // namespace counterfoil::api::http
