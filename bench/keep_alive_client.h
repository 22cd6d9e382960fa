// A synchronous HTTP/1.1 client on one keep-alive connection, for the
// benchmarks that drive the real server (api::App) over loopback.
//
//   KeepAliveClient client(port, api_key);
//   std::string body, error;
//   int status = client.Send(bhttp::verb::post, "/v1/screen", "application/json", json, &body,
//                            &error);   // 0 on a transport error
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace counterfoil::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using net::ip::tcp;

// A synchronous HTTP/1.1 client on one keep-alive connection (http::Fetch
// opens a connection per call, which would measure TCP setup). Reconnects if
// the server closes. Not thread-safe: one per client thread.
class KeepAliveClient {
 public:
  // `bearer`: the API key sent as "Authorization: Bearer …"; empty sends none.
  KeepAliveClient(uint16_t port, const std::string& bearer)
      : port_(port),
        host_("127.0.0.1:" + std::to_string(port)),
        auth_(bearer.empty() ? "" : "Bearer " + bearer) {}

  // The status, or 0 on a transport error (`error` says which).
  int Send(bhttp::verb method, const std::string& target, std::string_view content_type,
           std::string body, std::string* response_body, std::string* error) {
    beast::error_code ec;
    if (!connected_) {
      Connect(ec);
      if (ec) return Fail(ec, error);
    }
    bhttp::request<bhttp::string_body> req{method, target, 11};
    req.set(bhttp::field::host, host_);
    if (!auth_.empty()) req.set(bhttp::field::authorization, auth_);
    if (!content_type.empty()) req.set(bhttp::field::content_type, content_type);
    req.body() = std::move(body);
    req.prepare_payload();
    req.keep_alive(true);
    bhttp::write(stream_, req, ec);
    if (ec) return Fail(ec, error);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(256u << 20);
    bhttp::read(stream_, buffer_, parser, ec);
    if (ec) return Fail(ec, error);
    auto res = parser.release();
    if (!res.keep_alive()) {
      stream_.socket().close(ec);
      connected_ = false;
      ++reconnects_;
    }
    if (response_body) *response_body = std::move(res.body());
    return static_cast<int>(res.result_int());
  }

  int reconnects() const { return reconnects_; }

 private:
  void Connect(beast::error_code& ec) {
    buffer_.clear();
    stream_.socket().close(ec);
    stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ec);
    if (ec) return;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    connected_ = !ec;
  }
  int Fail(const beast::error_code& ec, std::string* error) {
    if (error) *error = ec.message();
    beast::error_code ignored;
    stream_.socket().close(ignored);
    connected_ = false;
    return 0;
  }

  uint16_t port_;
  std::string host_;
  std::string auth_;
  net::io_context ioc_;
  beast::tcp_stream stream_{ioc_};
  beast::flat_buffer buffer_;
  bool connected_ = false;
  int reconnects_ = 0;
};

}  // namespace counterfoil::bench
