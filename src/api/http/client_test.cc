#include "api/http/client.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "api/http/http_test_util.h"
#include "api/http/router.h"

namespace counterfoil::api::http {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using testing::TestServer;

constexpr std::chrono::seconds kTimeout{30};

TEST(Fetch, RejectsUnusableUrlsAndHeaders) {
  for (std::string_view url : {"not a url", "ftp://example.com/x", "http://", "/relative",
                               "http://user:pw@127.0.0.1/", "http://127.0.0.1:99999/"}) {
    Result<ClientResponse> r = Fetch("GET", url, {}, "", kTimeout);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << url;
  }
  Result<ClientResponse> bad_header =
      Fetch("GET", "http://127.0.0.1:1/", {{"X-A", "1\r\nX-B: 2"}}, "", kTimeout);
  EXPECT_EQ(bad_header.status().code(), StatusCode::kInvalidArgument);
  Result<ClientResponse> bad_method = Fetch("GE T", "http://127.0.0.1:1/", {}, "", kTimeout);
  EXPECT_EQ(bad_method.status().code(), StatusCode::kInvalidArgument);
}

TEST(Fetch, ReportsARefusedConnection) {
  net::io_context ioc;
  tcp::acceptor probe(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  const uint16_t port = probe.local_endpoint().port();
  probe.close();  // nothing listens there now
  Result<ClientResponse> r =
      Fetch("GET", "http://127.0.0.1:" + std::to_string(port) + "/", {}, "", kTimeout);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("cannot connect"), std::string::npos)
      << r.status().message();
}

TEST(Fetch, TimesOutWhenTheServerNeverAnswers) {
  // A listening socket that never accepts: the kernel completes the TCP
  // handshake, the request is written into the backlog, and no answer comes.
  net::io_context ioc;
  tcp::acceptor silent(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  const std::string url =
      "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/";
  Result<ClientResponse> r = Fetch("GET", url, {}, "", std::chrono::milliseconds(200));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("timed out"), std::string::npos) << r.status().message();
}

TEST(Fetch, SendsHostAgentAndBodyAndReadsHeaders) {
  Router router;
  router.Add("PUT", "/hook", [](Request& req) {
    Response res = Response::Text(202, req.Header("host").value_or("") + "|" +
                                           req.Header("user-agent").value_or("") + "|" +
                                           req.Header("x-signature").value_or("") + "|" +
                                           req.body);
    res.headers.emplace_back("X-Reply", "yes");
    return res;
  });
  TestServer ts(router);
  Result<ClientResponse> r =
      Fetch("PUT", ts.Url("/hook"), {{"X-Signature", "sig"}}, "payload", kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->body, "127.0.0.1:" + std::to_string(ts.port()) + "|counterfoil/0.1|sig|payload");
  EXPECT_EQ(r->Header("X-REPLY"), "yes");
  EXPECT_EQ(r->headers.front().first, AsciiLower(r->headers.front().first));
}

TEST(Fetch, RefusesAnOversizeResponse) {
  Router router;
  router.Add("GET", "/big", [](Request&) { return Response::Text(200, std::string(5000, 'x')); });
  TestServer ts(router);
  FetchOptions options;
  options.max_response_bytes = 4096;
  Result<ClientResponse> r = Fetch("GET", ts.Url("/big"), {}, "", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("exceeds 4096 bytes"), std::string::npos);
}

TEST(Fetch, HeadReadsHeadersWithoutWaitingForABody) {
  Router router;
  router.Add("GET", "/doc", [](Request&) { return Response::Text(200, "twelve bytes"); });
  TestServer ts(router);
  Result<ClientResponse> r = Fetch("HEAD", ts.Url("/doc"), {}, "", kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("content-length"), "12");
  EXPECT_TRUE(r->body.empty());
}

// --- https --------------------------------------------------------------

struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
};

// A self-signed P-256 certificate valid for an hour, for `subject_alt_name`
// ("IP:127.0.0.1" or "DNS:example.test"); it is its own CA.
TestCertificate MakeCertificate(const char* subject_alt_name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("counterfoil test"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, subject_alt_name},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair{NID_key_usage, "critical,digitalSignature,keyCertSign"},
                            std::pair{NID_ext_key_usage, "serverAuth"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, key, EVP_sha256());
  auto to_string = [](BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string s(data, static_cast<size_t>(n));
    BIO_free(bio);
    return s;
  };
  BIO* cert_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(cert_bio, x);
  BIO* key_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(key_bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  TestCertificate out{to_string(cert_bio), to_string(key_bio)};
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

// A TLS server on 127.0.0.1 that answers one connection with "hello over tls".
class OneShotTlsServer {
 public:
  explicit OneShotTlsServer(const TestCertificate& cert)
      : ctx_(ssl::context::tls_server), acceptor_(ioc_, {net::ip::make_address("127.0.0.1"), 0}) {
    ctx_.use_certificate_chain(net::buffer(cert.cert_pem));
    ctx_.use_private_key(net::buffer(cert.key_pem), ssl::context::pem);
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneShotTlsServer() {
    if (!accepted_) {
      // Unblock accept() when the client never connected.
      net::io_context ioc;
      tcp::socket s(ioc);
      boost::system::error_code ec;
      s.connect({net::ip::make_address("127.0.0.1"), port_}, ec);
    }
    thread_.join();
  }
  uint16_t port() const { return port_; }

 private:
  void Serve() {
    boost::system::error_code ec;
    tcp::socket socket(ioc_);
    acceptor_.accept(socket, ec);
    accepted_ = true;
    if (ec) return;
    ssl::stream<tcp::socket> stream(std::move(socket), ctx_);
    stream.handshake(ssl::stream_base::server, ec);
    if (ec) return;
    boost::beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    bhttp::read(stream, buffer, req, ec);
    if (ec) return;
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
    res.body() = "hello over tls";
    res.prepare_payload();
    bhttp::write(stream, res, ec);
  }

  net::io_context ioc_;
  ssl::context ctx_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> accepted_{false};
  std::thread thread_;
};

class FetchHttps : public ::testing::Test {
 protected:
  std::string WriteCaFile(const TestCertificate& cert) {
    path_ = std::filesystem::temp_directory_path() /
            ("counterfoil-http-ca-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(path_) << cert.cert_pem;
    return path_.string();
  }
  void TearDown() override {
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  std::filesystem::path path_;
};

TEST_F(FetchHttps, SucceedsWithATrustedCertificateForTheAddress) {
  TestCertificate cert = MakeCertificate("IP:127.0.0.1");
  OneShotTlsServer server(cert);
  FetchOptions options;
  options.timeout = kTimeout;
  options.ca_file = WriteCaFile(cert);
  Result<ClientResponse> r =
      Fetch("GET", "https://127.0.0.1:" + std::to_string(server.port()) + "/", {}, "", options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello over tls");
}

TEST_F(FetchHttps, RejectsACertificateTheSystemStoreDoesNotTrust) {
  TestCertificate cert = MakeCertificate("IP:127.0.0.1");
  OneShotTlsServer server(cert);
  Result<ClientResponse> r = Fetch(
      "GET", "https://127.0.0.1:" + std::to_string(server.port()) + "/", {}, "", kTimeout);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("certificate"), std::string::npos) << r.status().message();
}

TEST_F(FetchHttps, RejectsACertificateForAnotherHost) {
  TestCertificate cert = MakeCertificate("DNS:example.test");
  OneShotTlsServer server(cert);
  FetchOptions options;
  options.timeout = kTimeout;
  options.ca_file = WriteCaFile(cert);  // trusted, but names another host
  Result<ClientResponse> r =
      Fetch("GET", "https://127.0.0.1:" + std::to_string(server.port()) + "/", {}, "", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("mismatch"), std::string::npos) << r.status().message();
}

TEST_F(FetchHttps, ReportsAMissingCaFile) {
  FetchOptions options;
  options.ca_file = "/nonexistent/ca.pem";
  Result<ClientResponse> r = Fetch("GET", "https://127.0.0.1:1/", {}, "", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("/nonexistent/ca.pem"), std::string::npos);
}

}  // namespace
}  // namespace counterfoil::api::http
