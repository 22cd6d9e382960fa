#include "api/http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "api/http/client.h"
#include "api/http/http_test_util.h"

namespace counterfoil::api::http {
namespace {

using testing::RawConnection;
using testing::RawResponse;
using testing::TestServer;
using namespace std::chrono_literals;

constexpr std::chrono::seconds kTimeout{30};

json::object JsonBody(const std::string& body) { return boost::json::parse(body).as_object(); }

// A router with the endpoints most tests use.
Router MakeRouter() {
  Router r;
  r.Add("GET", "/v1/notices/{id}", [](Request& req) {
    json::object o;
    o["id"] = req.path_params.at("id");
    o["route"] = req.route;
    o["path"] = req.path;
    json::object q;
    for (const auto& [k, v] : req.query) q[k] = v;
    o["query"] = std::move(q);
    return Response::Json(200, o);
  });
  r.Add("POST", "/v1/notices", [](Request& req) {
    if (req.body.empty()) {
      return ProblemResponse(InvalidArgument("title is required", "/title"), req.path);
    }
    return Response::Text(201, req.body);
  });
  r.Add("PUT", "/v1/notices/{id}", [](Request& req) { return Response::Text(200, req.body); });
  r.Add("GET", "/echo", [](Request& req) {
    json::object o;
    o["remote_ip"] = req.remote_ip;
    o["agent"] = req.Header("USER-AGENT").value_or("");
    o["cookie"] = req.Cookie("cf_session").value_or("");
    o["method"] = req.method;
    return Response::Json(200, o);
  });
  r.Add("GET", "/headers", [](Request&) {
    Response res = Response::Text(200, "hello");
    res.headers.emplace_back("Cache-Control", "max-age=60");
    res.headers.emplace_back("Set-Cookie", "a=1; HttpOnly");
    res.headers.emplace_back("Set-Cookie", "b=2; HttpOnly");
    res.headers.emplace_back("X-Bad", "evil\r\nInjected: yes");
    res.headers.emplace_back("Content-Length", "999");
    return res;
  });
  r.Add("DELETE", "/v1/notices/{id}", [](Request&) { return Response::NoContent(); });
  r.Add("GET", "/throw", [](Request&) -> Response {
    throw std::runtime_error("secret database path /var/lib/x");
  });
  r.Add("GET", "/bad-status", [](Request&) { return Response::Text(42, "?"); });
  return r;
}

TEST(Server, RoutesPathParamsAndDecodedQueryOverTheWire) {
  Router router = MakeRouter();
  TestServer ts(router);
  Result<ClientResponse> r =
      Fetch("GET", ts.Url("/v1/notices/ntc%201?state=open+now&brand=%E2%9C%93"), {}, "", kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  json::object o = JsonBody(r->body);
  EXPECT_EQ(o.at("id"), "ntc 1");
  EXPECT_EQ(o.at("route"), "/v1/notices/{id}");
  EXPECT_EQ(o.at("path"), "/v1/notices/ntc 1");
  EXPECT_EQ(o.at("query").at("state"), "open now");
  EXPECT_EQ(o.at("query").at("brand"), "\xE2\x9C\x93");
}

TEST(Server, PassesBodyHeadersCookiesAndRemoteIpToTheHandler) {
  Router router = MakeRouter();
  TestServer ts(router);
  Result<ClientResponse> r = Fetch(
      "GET", ts.Url("/echo"), {{"User-Agent", "test-agent"}, {"Cookie", "x=1; cf_session=s3"}},
      "", kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  json::object o = JsonBody(r->body);
  EXPECT_EQ(o.at("remote_ip"), "127.0.0.1");
  EXPECT_EQ(o.at("agent"), "test-agent");
  EXPECT_EQ(o.at("cookie"), "s3");

  Result<ClientResponse> post = Fetch("POST", ts.Url("/v1/notices"), {}, "{\"a\":1}", kTimeout);
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->status, 201);
  EXPECT_EQ(post->body, "{\"a\":1}");
}

TEST(Server, UnknownPathIsA404Problem) {
  Router router = MakeRouter();
  TestServer ts(router);
  Result<ClientResponse> r = Fetch("GET", ts.Url("/v2/nothing"), {}, "", kTimeout);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->Header("content-type"), "application/problem+json");
  EXPECT_EQ(JsonBody(r->body).at("instance"), "/v2/nothing");
}

TEST(Server, OtherMethodIsA405WithAllow) {
  Router router = MakeRouter();
  TestServer ts(router);
  Result<ClientResponse> r = Fetch("POST", ts.Url("/v1/notices/ntc_1"), {}, "x", kTimeout);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->Header("allow"), "DELETE, GET, HEAD, PUT");
  EXPECT_EQ(r->Header("content-type"), "application/problem+json");
}

TEST(Server, ProblemJsonCarriesTheFieldPointer) {
  Router router = MakeRouter();
  TestServer ts(router);
  Result<ClientResponse> r = Fetch("POST", ts.Url("/v1/notices"), {}, "", kTimeout);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(r->Header("Content-Type"), "application/problem+json");
  json::object o = JsonBody(r->body);
  EXPECT_EQ(o.at("type"), "https://counterfoil.dev/problems/invalid_argument");
  EXPECT_EQ(o.at("title"), "Unprocessable Content");
  EXPECT_EQ(o.at("status"), 422);
  EXPECT_EQ(o.at("detail"), "title is required");
  EXPECT_EQ(o.at("instance"), "/v1/notices");
  EXPECT_EQ(o.at("errors").at(0).at("pointer"), "/title");
}

TEST(Server, AddsDefaultHeadersAndKeepsTheHandlersOwn) {
  Router router = MakeRouter();
  TestServer ts(router);
  RawConnection c(ts.port());
  ASSERT_TRUE(c.Send("GET /headers HTTP/1.1\r\nHost: t\r\n\r\n"));
  RawResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.Header("content-length"), "5");  // computed, not the handler's 999
  EXPECT_EQ(r.Header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r.Header("cache-control"), "max-age=60");  // the handler's wins
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
  EXPECT_TRUE(r.Header("date").has_value());
  EXPECT_EQ(r.Header("x-bad"), std::nullopt);  // CR/LF in a value: dropped
  EXPECT_EQ(r.Header("injected"), std::nullopt);
  EXPECT_NE(r.head.find("Set-Cookie: a=1; HttpOnly\r\n"), std::string::npos) << r.head;
  EXPECT_NE(r.head.find("Set-Cookie: b=2; HttpOnly"), std::string::npos) << r.head;

  ASSERT_TRUE(c.Send("GET /v1/notices/1 HTTP/1.1\r\nHost: t\r\n\r\n"));
  RawResponse json = c.ReadResponse();
  EXPECT_EQ(json.Header("cache-control"), "no-store");
  EXPECT_EQ(json.Header("content-type"), "application/json");
}

TEST(Server, NoContentHasNoBodyLengthOrType) {
  Router router = MakeRouter();
  TestServer ts(router);
  RawConnection c(ts.port());
  ASSERT_TRUE(c.Send("DELETE /v1/notices/1 HTTP/1.1\r\nHost: t\r\n\r\n"));
  RawResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.Header("content-length"), std::nullopt);
  EXPECT_EQ(r.Header("content-type"), std::nullopt);
  // The connection is still usable, so nothing stray followed the 204.
  ASSERT_TRUE(c.Send("GET /v1/notices/2 HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().status, 200);
}

TEST(Server, HeadGetsTheGetHeadersWithoutTheBody) {
  Router router = MakeRouter();
  TestServer ts(router);
  RawConnection c(ts.port());
  ASSERT_TRUE(c.Send("HEAD /headers HTTP/1.1\r\nHost: t\r\n\r\n"));
  RawResponse r = c.ReadResponse(/*head_request=*/true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-length"), "5");
  // If a body had been sent, it would be read as the next response's start.
  ASSERT_TRUE(c.Send("GET /v1/notices/2 HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().status, 200);
}

TEST(Server, HandlerExceptionBecomesA500ProblemWithoutDetails) {
  Router router = MakeRouter();
  TestServer ts(router);
  Result<ClientResponse> r = Fetch("GET", ts.Url("/throw"), {}, "", kTimeout);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->Header("content-type"), "application/problem+json");
  EXPECT_EQ(r->body.find("secret"), std::string::npos);
  Result<ClientResponse> bad = Fetch("GET", ts.Url("/bad-status"), {}, "", kTimeout);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 500);
}

TEST(Server, OversizeBodyIsA413ProblemAndTheConnectionCloses) {
  Router router = MakeRouter();
  ServerOptions opts;
  opts.max_body_bytes = 1024;
  TestServer ts(router, opts);

  Result<ClientResponse> ok = Fetch("POST", ts.Url("/v1/notices"), {}, std::string(1024, 'a'),
                                    kTimeout);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->status, 201);

  Result<ClientResponse> r = Fetch("POST", ts.Url("/v1/notices"), {}, std::string(1025, 'a'),
                                   kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->Header("content-type"), "application/problem+json");
  EXPECT_EQ(r->Header("connection"), "close");
  json::object o = JsonBody(r->body);
  EXPECT_EQ(o.at("detail"), "request body exceeds 1024 bytes");
  EXPECT_EQ(o.at("title"), "Content Too Large");
  EXPECT_EQ(o.at("type"), "https://counterfoil.dev/problems/too_large");
}

TEST(Server, OversizeChunkedBodyIsA413Too) {
  Router router = MakeRouter();
  ServerOptions opts;
  opts.max_body_bytes = 100;
  TestServer ts(router, opts);
  RawConnection c(ts.port());
  ASSERT_TRUE(c.Send("POST /v1/notices HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "50\r\n" + std::string(0x50, 'a') + "\r\n" +
                     "50\r\n" + std::string(0x50, 'b') + "\r\n0\r\n\r\n"));
  RawResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(c.ReadsEof());
}

TEST(Server, MalformedRequestIsA400ProblemAndTheConnectionCloses) {
  Router router = MakeRouter();
  TestServer ts(router);
  for (std::string_view garbage :
       {"GARBAGE\r\n\r\n", "GET /x HTTP/9.9\r\n\r\n", "GET /x HTTP/1.1\r\nBad Header\r\n\r\n",
        "POST /v1/notices HTTP/1.1\r\nHost: t\r\nContent-Length: nope\r\n\r\n",
        "GET /x HTTP/1.1\r\n\r\n",                          // no Host
        "GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",  // two Hosts
        // Framing a proxy and this server could disagree on (request smuggling):
        "POST /v1/notices HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
        "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /v1/notices HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\nxyz",
        "POST /v1/notices HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n"
        "\r\nabcd"}) {
    RawConnection c(ts.port());
    ASSERT_TRUE(c.Send(garbage));
    RawResponse r = c.ReadResponse();
    EXPECT_EQ(r.status, 400) << garbage;
    EXPECT_EQ(r.Header("content-type"), "application/problem+json") << garbage;
    EXPECT_TRUE(c.ReadsEof()) << garbage;
  }
}

TEST(Server, BadPercentEscapeInTheTargetIsA400) {
  Router router = MakeRouter();
  TestServer ts(router);
  RawConnection c(ts.port());
  ASSERT_TRUE(c.Send("GET /v1/notices/%zz HTTP/1.1\r\nHost: t\r\n\r\n"));
  RawResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(JsonBody(r.body).at("type"), "https://counterfoil.dev/problems/malformed");
  // The framing was fine, so the connection stays open.
  ASSERT_TRUE(c.Send("GET /v1/notices/1 HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().status, 200);
}

TEST(Server, OversizeHeaderSectionIsA431) {
  Router router = MakeRouter();
  TestServer ts(router);
  RawConnection c(ts.port());
  ASSERT_TRUE(c.Send("GET /echo HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(70000, 'x') +
                     "\r\n\r\n"));
  RawResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 431);
}

TEST(Server, KeepAliveServesSeveralRequestsOnOneConnection) {
  Router router;
  router.Add("GET", "/n/{i}", [](Request& req) {
    return Response::Text(200, req.path_params.at("i"));
  });
  TestServer ts(router);
  RawConnection c(ts.port());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c.Send("GET /n/" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\n\r\n"));
    RawResponse r = c.ReadResponse();
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.body, std::to_string(i));
    EXPECT_EQ(r.Header("connection"), std::nullopt);  // HTTP/1.1 default: persistent
  }
  // "Connection: close" ends it after the response.
  ASSERT_TRUE(c.Send("GET /n/9 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  RawResponse last = c.ReadResponse();
  EXPECT_EQ(last.body, "9");
  EXPECT_EQ(last.Header("connection"), "close");
  EXPECT_TRUE(c.ReadsEof());
}

TEST(Server, PipelinedRequestsAreAnsweredInOrder) {
  Router router = MakeRouter();
  TestServer ts(router);
  RawConnection c(ts.port());
  ASSERT_TRUE(c.Send("GET /v1/notices/a HTTP/1.1\r\nHost: t\r\n\r\n"
                     "PUT /v1/notices/b HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody"
                     "GET /v1/notices/c HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(JsonBody(c.ReadResponse().body).at("id"), "a");
  EXPECT_EQ(c.ReadResponse().body, "body");
  EXPECT_EQ(JsonBody(c.ReadResponse().body).at("id"), "c");
}

TEST(Server, Http10ClosesUnlessKeepAliveIsAsked) {
  Router router = MakeRouter();
  TestServer ts(router);
  {
    RawConnection c(ts.port());
    ASSERT_TRUE(c.Send("GET /v1/notices/a HTTP/1.0\r\n\r\n"));
    EXPECT_EQ(c.ReadResponse().status, 200);
    EXPECT_TRUE(c.ReadsEof());
  }
  RawConnection c(ts.port());
  ASSERT_TRUE(c.Send("GET /v1/notices/a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  RawResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.head.substr(0, 8), "HTTP/1.0");
  ASSERT_TRUE(c.Send("GET /v1/notices/b HTTP/1.0\r\n\r\n"));
  EXPECT_EQ(JsonBody(c.ReadResponse().body).at("id"), "b");
}

TEST(Server, AnswersExpectContinueBeforeTheBody) {
  Router router = MakeRouter();
  TestServer ts(router);
  RawConnection c(ts.port());
  ASSERT_TRUE(c.Send("POST /v1/notices HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                     "Expect: 100-continue\r\n\r\n"));
  RawResponse interim = c.ReadResponse();
  EXPECT_EQ(interim.status, 100);
  ASSERT_TRUE(c.Send("hello"));
  RawResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "hello");
}

TEST(Server, HandlersRunInParallelOnTheWorkerPool) {
  // Every handler waits until all of them have started: this finishes only if
  // the pool runs kRequests handlers at once. The wait is bounded so a
  // serialising server fails instead of hanging.
  constexpr int kRequests = 8;
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  Router router;
  router.Add("GET", "/barrier", [&](Request&) {
    std::unique_lock<std::mutex> lock(mu);
    ++arrived;
    cv.notify_all();
    bool all = cv.wait_for(lock, kTimeout, [&] { return arrived >= kRequests; });
    return Response::Text(all ? 200 : 503, "");
  });
  ServerOptions opts;
  opts.worker_threads = kRequests;
  TestServer ts(router, opts);
  std::vector<std::future<Result<ClientResponse>>> results;
  for (int i = 0; i < kRequests; ++i) {
    results.push_back(std::async(std::launch::async, [&] {
      return Fetch("GET", ts.Url("/barrier"), {}, "", std::chrono::seconds(60));
    }));
  }
  for (auto& f : results) {
    Result<ClientResponse> r = f.get();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
  }
}

TEST(Server, StopFinishesTheRequestInFlight) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> handler_done{false};
  Router router;
  router.Add("GET", "/slow", [&](Request&) {
    entered.set_value();
    released.wait();
    handler_done = true;
    return Response::Text(200, "finished");
  });
  TestServer ts(router);
  const uint16_t port = ts.port();
  auto client = std::async(std::launch::async, [&] {
    return Fetch("GET", ts.Url("/slow"), {}, "", kTimeout);
  });
  entered.get_future().wait();
  auto stopped = std::async(std::launch::async, [&] { ts.server().Stop(); });
  // Stop() must wait for the handler; it cannot return while it is blocked.
  EXPECT_EQ(stopped.wait_for(100ms), std::future_status::timeout);
  release.set_value();
  stopped.get();
  EXPECT_TRUE(handler_done);
  Result<ClientResponse> r = client.get();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "finished");

  Result<ClientResponse> after =
      Fetch("GET", "http://127.0.0.1:" + std::to_string(port) + "/slow", {}, "", kTimeout);
  EXPECT_FALSE(after.ok());
  EXPECT_EQ(after.status().code(), StatusCode::kUnavailable);
}

TEST(Server, StopClosesIdleKeepAliveConnectionsAtOnce) {
  Router router = MakeRouter();
  ServerOptions opts;
  opts.read_timeout = std::chrono::hours(1);  // Stop must not wait for it
  TestServer ts(router, opts);
  RawConnection idle(ts.port());
  ASSERT_TRUE(idle.Send("GET /v1/notices/a HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(idle.ReadResponse().status, 200);
  RawConnection never_sent(ts.port());
  ASSERT_TRUE(never_sent.connected());
  auto stopped = std::async(std::launch::async, [&] { ts.server().Stop(); });
  ASSERT_EQ(stopped.wait_for(kTimeout), std::future_status::ready);
  EXPECT_TRUE(idle.ReadsEof());
  EXPECT_TRUE(never_sent.ReadsEof());
}

TEST(Server, StopIsIdempotentAndStartOnlyOnce) {
  Router router = MakeRouter();
  Server server(ServerOptions{.port = 0}, [&](Request& req) { return router.Dispatch(req); });
  server.Stop();  // before Start: nothing to do
  EXPECT_EQ(server.Start().code(), StatusCode::kFailedPrecondition);

  Server other(ServerOptions{.port = 0}, [&](Request& req) { return router.Dispatch(req); });
  ASSERT_TRUE(other.Start().ok());
  EXPECT_NE(other.port(), 0);
  EXPECT_EQ(other.Start().code(), StatusCode::kFailedPrecondition);
  other.Stop();
  other.Stop();
}  // destructors stop again

TEST(Server, StartReportsAPortInUse) {
  Router router = MakeRouter();
  TestServer first(router);
  Server second(ServerOptions{.port = first.port()},
                [&](Request& req) { return router.Dispatch(req); });
  Status s = second.Start();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find(std::to_string(first.port())), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("in use"), std::string::npos) << s.message();
}

TEST(Server, StartRejectsBadOptions) {
  Router router = MakeRouter();
  Server no_workers(ServerOptions{.port = 0, .worker_threads = 0},
                    [&](Request& req) { return router.Dispatch(req); });
  EXPECT_EQ(no_workers.Start().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace counterfoil::api::http
