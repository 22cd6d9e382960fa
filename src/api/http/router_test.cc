#include "api/http/router.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace counterfoil::api::http {
namespace {

Request MakeRequest(std::string method, std::string target) {
  Request req;
  req.method = std::move(method);
  req.target = std::move(target);
  EXPECT_TRUE(ParseTarget(req.target, &req.path, &req.query).ok());
  return req;
}

// A handler that answers with the route it was reached through.
Handler Echo(std::string name) {
  return [name](Request&) { return Response::Text(200, name); };
}

TEST(Router, FillsPathParamsAndRoute) {
  Router r;
  r.Add("POST", "/v1/notices/{id}/decision", [](Request& req) {
    return Response::Text(200, req.path_params.at("id"));
  });
  Request req = MakeRequest("POST", "/v1/notices/ntc_42/decision");
  Response res = r.Dispatch(req);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "ntc_42");
  EXPECT_EQ(req.route, "/v1/notices/{id}/decision");
  EXPECT_EQ(req.path_params.size(), 1u);
}

TEST(Router, LiteralSegmentBeatsParameterWhateverTheOrder) {
  Router a;
  a.Add("GET", "/v1/notices/{id}", Echo("param"));
  a.Add("GET", "/v1/notices/export", Echo("literal"));
  Router b;
  b.Add("GET", "/v1/notices/export", Echo("literal"));
  b.Add("GET", "/v1/notices/{id}", Echo("param"));
  for (Router* r : {&a, &b}) {
    Request export_req = MakeRequest("GET", "/v1/notices/export");
    EXPECT_EQ(r->Dispatch(export_req).body, "literal");
    Request id_req = MakeRequest("GET", "/v1/notices/ntc_1");
    EXPECT_EQ(r->Dispatch(id_req).body, "param");
  }
}

TEST(Router, EarlierLiteralDecidesBetweenTwoParameterisedRoutes) {
  Router r;
  r.Add("GET", "/v1/{kind}/latest", Echo("kind-literal"));
  r.Add("GET", "/v1/sellers/{id}", Echo("literal-param"));
  Request req = MakeRequest("GET", "/v1/sellers/latest");
  EXPECT_EQ(r.Dispatch(req).body, "literal-param");
}

TEST(Router, EncodedSlashStaysInsideItsParameter) {
  Router r;
  r.Add("GET", "/v1/listings/{id}", [](Request& req) {
    return Response::Text(200, req.path_params.at("id"));
  });
  Request req = MakeRequest("GET", "/v1/listings/taobao%2F123%20x");
  Response res = r.Dispatch(req);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "taobao/123 x");
  EXPECT_EQ(req.path, "/v1/listings/taobao/123 x");
}

TEST(Router, UnknownPathIsANotFoundProblem) {
  Router r;
  r.Add("GET", "/v1/notices", Echo("list"));
  for (std::string_view target : {"/v1/nope", "/v1/notices/", "/v1//notices", "/"}) {
    Request req = MakeRequest("GET", std::string(target));
    Response res = r.Dispatch(req);
    EXPECT_EQ(res.status, 404) << target;
    EXPECT_EQ(res.content_type, "application/problem+json");
    EXPECT_TRUE(req.route.empty());
  }
}

TEST(Router, ParameterNeverMatchesAnEmptySegment) {
  Router r;
  r.Add("GET", "/v1/notices/{id}", Echo("one"));
  Request req = MakeRequest("GET", "/v1/notices/");
  EXPECT_EQ(r.Dispatch(req).status, 404);
}

TEST(Router, OtherMethodIsMethodNotAllowedWithAllow) {
  Router r;
  r.Add("GET", "/v1/notices/{id}", Echo("get"));
  r.Add("PATCH", "/v1/notices/{id}", Echo("patch"));
  r.Add("DELETE", "/v1/notices/{id}", Echo("delete"));
  Request req = MakeRequest("PUT", "/v1/notices/ntc_1");
  Response res = r.Dispatch(req);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.Header("Allow"), "DELETE, GET, HEAD, PATCH");
  json::object body = boost::json::parse(res.body).as_object();
  EXPECT_EQ(body.at("type"), "https://counterfoil.dev/problems/method_not_allowed");
  EXPECT_EQ(body.at("instance"), "/v1/notices/ntc_1");
}

TEST(Router, HeadFallsBackToGet) {
  Router r;
  r.Add("GET", "/healthz", Echo("get"));
  Request req = MakeRequest("HEAD", "/healthz");
  Response res = r.Dispatch(req);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "get");
  EXPECT_EQ(req.route, "/healthz");
}

TEST(Router, MethodsAreCaseSensitive) {
  Router r;
  r.Add("GET", "/x", Echo("get"));
  Request req = MakeRequest("get", "/x");
  EXPECT_EQ(r.Dispatch(req).status, 405);
}

TEST(Router, DispatchesHandBuiltRequestsByDecodedPath) {
  Router r;
  r.Add("GET", "/v1/sellers/{id}", [](Request& req) {
    return Response::Text(200, req.path_params.at("id"));
  });
  Request req;
  req.method = "GET";
  req.path = "/v1/sellers/s%41";  // already decoded: the '%' is data
  EXPECT_EQ(r.Dispatch(req).body, "s%41");
}

TEST(Router, RoutesListsRegistrationOrder) {
  Router r;
  r.Add("POST", "/v1/notices", Echo("a"));
  r.Add("GET", "/v1/notices/{id}", Echo("b"));
  r.Add("GET", "/v1/notices", Echo("c"));
  std::vector<std::pair<std::string, std::string>> want = {
      {"POST", "/v1/notices"}, {"GET", "/v1/notices/{id}"}, {"GET", "/v1/notices"}};
  EXPECT_EQ(r.Routes(), want);
}

TEST(RouterDeathTest, RejectsDuplicateAndMalformedPatterns) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Router r;
        r.Add("GET", "/v1/notices/{id}", Echo("a"));
        r.Add("GET", "/v1/notices/{other}", Echo("b"));
      },
      "duplicates");
  EXPECT_DEATH(
      {
        Router r;
        r.Add("GET", "v1/notices", Echo("a"));
      },
      "must start with");
  EXPECT_DEATH(
      {
        Router r;
        r.Add("GET", "/v1/{a}/{a}", Echo("a"));
      },
      "used twice");
  EXPECT_DEATH(
      {
        Router r;
        r.Add("GET", "/v1/x{a}", Echo("a"));
      },
      "braces");
}

}  // namespace
}  // namespace counterfoil::api::http
