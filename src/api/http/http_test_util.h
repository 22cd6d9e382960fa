// Test helpers for the HTTP layer: a raw client socket for byte-level tests
// (malformed requests, keep-alive, pipelining) and a Server started on a free
// port with a Router.
//
//   TestServer ts(router);
//   RawConnection c(ts.port());
//   c.Send("GET /x HTTP/1.1\r\nHost: t\r\n\r\n");
//   RawResponse r = c.ReadResponse();
//
// Every blocking read has a generous receive timeout so that a bug fails the
// test instead of hanging it; tests never depend on those timeouts elapsing.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "api/http/message.h"
#include "api/http/router.h"
#include "api/http/server.h"

namespace counterfoil::api::http::testing {

struct RawResponse {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
  // Case-insensitive lookup in `head`.
  std::optional<std::string> Header(std::string_view name) const {
    size_t pos = head.find("\r\n");
    while (pos != std::string::npos && pos + 2 < head.size()) {
      size_t end = head.find("\r\n", pos + 2);
      std::string_view line(head.data() + pos + 2,
                            (end == std::string::npos ? head.size() : end) - pos - 2);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos && EqualsIgnoreCase(line.substr(0, colon), name)) {
        std::string_view v = line.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        return std::string(v);
      }
      pos = end;
    }
    return std::nullopt;
  }
};

// A blocking TCP connection to 127.0.0.1 with a 30 s receive timeout.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{30, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response framed by Content-Length (or no body for 1xx/204/304
  // and when `head_request`). status 0 when the connection ends first.
  RawResponse ReadResponse(bool head_request = false) {
    RawResponse r;
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return r;
    }
    r.head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    if (r.head.size() >= 12) r.status = std::stoi(r.head.substr(9, 3));
    size_t length = 0;
    bool bodiless = head_request || r.status < 200 || r.status == 204 || r.status == 304;
    if (auto cl = r.Header("content-length"); cl && !bodiless) length = std::stoul(*cl);
    while (buf_.size() < length) {
      if (!Fill()) {
        r.status = 0;
        return r;
      }
    }
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  // True when the peer has closed (after any buffered bytes).
  bool ReadsEof() {
    if (!buf_.empty()) return false;
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  bool Fill() {
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

// A Server on 127.0.0.1 and a free port that dispatches to `router`.
class TestServer {
 public:
  explicit TestServer(const Router& router, ServerOptions opts = {}) {
    opts.port = 0;
    server_ = std::make_unique<Server>(std::move(opts),
                                       [&router](Request& req) { return router.Dispatch(req); });
    Status s = server_->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  uint16_t port() const { return server_->port(); }
  std::string Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port()) + std::string(path);
  }
  Server& server() { return *server_; }

 private:
  std::unique_ptr<Server> server_;
};

}  // namespace counterfoil::api::http::testing
