#include "api/http/message.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace counterfoil::api::http {
namespace {

json::object BodyOf(const Response& r) { return boost::json::parse(r.body).as_object(); }

TEST(HttpStatusFor, MapsEveryStatusCode) {
  EXPECT_EQ(HttpStatusFor(Status::Ok()), 200);
  EXPECT_EQ(HttpStatusFor(InvalidArgument("x")), 422);
  EXPECT_EQ(HttpStatusFor(Unauthenticated("x")), 401);
  EXPECT_EQ(HttpStatusFor(PermissionDenied("x")), 403);
  EXPECT_EQ(HttpStatusFor(NotFound("x")), 404);
  EXPECT_EQ(HttpStatusFor(AlreadyExists("x")), 409);
  EXPECT_EQ(HttpStatusFor(FailedPrecondition("x")), 409);
  EXPECT_EQ(HttpStatusFor(ResourceExhausted("x")), 429);
  EXPECT_EQ(HttpStatusFor(Unavailable("x")), 503);
  EXPECT_EQ(HttpStatusFor(Internal("x")), 500);
}

TEST(HttpStatusFor, MalformedIsBadRequestAndTooLargeIsContentTooLarge) {
  EXPECT_EQ(HttpStatusFor(InvalidArgument("not JSON").WithReason("malformed")), 400);
  EXPECT_EQ(HttpStatusFor(InvalidArgument("bad").WithReason("other")), 422);
  EXPECT_EQ(HttpStatusFor(ResourceExhausted("big").WithReason("too_large")), 413);
  EXPECT_EQ(HttpStatusFor(ResourceExhausted("slow down").WithReason("rate_limited")), 429);
}

TEST(ProblemResponse, HasRfc9457MembersAndProblemContentType) {
  Response r = ProblemResponse(NotFound("notice ntc_1 does not exist"), "/v1/notices/ntc_1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  json::object o = BodyOf(r);
  EXPECT_EQ(o.at("type"), "https://counterfoil.dev/problems/not_found");
  EXPECT_EQ(o.at("title"), "Not Found");
  EXPECT_EQ(o.at("status"), 404);
  EXPECT_EQ(o.at("detail"), "notice ntc_1 does not exist");
  EXPECT_EQ(o.at("instance"), "/v1/notices/ntc_1");
  EXPECT_FALSE(o.contains("errors"));
}

TEST(ProblemResponse, FieldBecomesAnErrorWithAPointer) {
  Response r = ProblemResponse(
      InvalidArgument("good-faith statement is required", "/statements/good_faith"),
      "/v1/notices");
  EXPECT_EQ(r.status, 422);
  json::object o = BodyOf(r);
  EXPECT_EQ(o.at("title"), "Unprocessable Content");
  ASSERT_TRUE(o.at("errors").is_array());
  const json::array& errors = o.at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].at("pointer"), "/statements/good_faith");
  EXPECT_EQ(errors[0].at("detail"), "good-faith statement is required");
}

TEST(ProblemResponse, ReasonNamesTheProblemType) {
  Response r = ProblemResponse(AlreadyExists("an open notice exists").WithReason("duplicate_notice"),
                               "/v1/notices");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(BodyOf(r).at("type"), "https://counterfoil.dev/problems/duplicate_notice");
}

TEST(ProblemResponse, InternalErrorsNeverShowTheirMessage) {
  Response r = ProblemResponse(
      Internal("sqlite: disk I/O error at /var/lib/counterfoil/db").WithReason("sqlite_ioerr"),
      "/v1/notices");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("sqlite"), std::string::npos) << r.body;
  json::object o = BodyOf(r);
  EXPECT_EQ(o.at("type"), "https://counterfoil.dev/problems/internal");
  EXPECT_EQ(o.at("title"), "Internal Server Error");
}

TEST(ProblemResponse, UnauthenticatedAsksForABearerToken) {
  Response r = ProblemResponse(Unauthenticated("missing token"), "/v1/me");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Header("www-authenticate"), "Bearer");
}

TEST(ProblemResponse, ProtocolProblemsUseTheirOwnType) {
  Response r = ProblemResponse(405, "method_not_allowed", "no", "/x");
  EXPECT_EQ(r.status, 405);
  json::object o = BodyOf(r);
  EXPECT_EQ(o.at("type"), "https://counterfoil.dev/problems/method_not_allowed");
  EXPECT_EQ(o.at("title"), "Method Not Allowed");
}

TEST(Response, FactoriesSetStatusTypeAndBody) {
  Response j = Response::Json(201, json::object{{"id", "ntc_1"}});
  EXPECT_EQ(j.status, 201);
  EXPECT_EQ(j.content_type, "application/json");
  EXPECT_EQ(j.body, R"({"id":"ntc_1"})");
  Response t = Response::Text(200, "ok");
  EXPECT_EQ(t.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(t.body, "ok");
  Response n = Response::NoContent();
  EXPECT_EQ(n.status, 204);
  EXPECT_TRUE(n.content_type.empty());
  EXPECT_TRUE(n.body.empty());
}

TEST(Request, HeaderLookupIgnoresCase) {
  Request req;
  req.headers = {{"content-type", "application/json"}, {"x-api-key", "k1"}, {"x-api-key", "k2"}};
  EXPECT_EQ(req.Header("Content-Type"), "application/json");
  EXPECT_EQ(req.Header("X-API-KEY"), "k1");
  EXPECT_EQ(req.Header("authorization"), std::nullopt);
}

TEST(Request, CookieReadsNamedValueFromCookieHeaders) {
  Request req;
  req.headers = {{"cookie", "theme=dark; cf_session=\"abc.def\";flag; empty="},
                 {"cookie", "late=1"}};
  EXPECT_EQ(req.Cookie("cf_session"), "abc.def");
  EXPECT_EQ(req.Cookie("theme"), "dark");
  EXPECT_EQ(req.Cookie("empty"), "");
  EXPECT_EQ(req.Cookie("late"), "1");
  EXPECT_EQ(req.Cookie("flag"), std::nullopt);
  EXPECT_EQ(req.Cookie("Theme"), std::nullopt);  // names are case-sensitive
}

TEST(ParseTarget, DecodesPathAndQuery) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(ParseTarget("/v1/a%20b/c?q=red+shoes&x=%26%3D&flag&=v&&last=", &path, &query).ok());
  EXPECT_EQ(path, "/v1/a b/c");
  EXPECT_EQ(query.at("q"), "red shoes");
  EXPECT_EQ(query.at("x"), "&=");
  EXPECT_EQ(query.at("flag"), "");
  EXPECT_EQ(query.at(""), "v");
  EXPECT_EQ(query.at("last"), "");
  EXPECT_EQ(query.size(), 5u);
}

TEST(ParseTarget, PlusIsASpaceOnlyInTheQuery) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(ParseTarget("/a+b?c=d+e%2B", &path, &query).ok());
  EXPECT_EQ(path, "/a+b");
  EXPECT_EQ(query.at("c"), "d e+");
}

TEST(ParseTarget, FirstOfARepeatedParameterWins) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(ParseTarget("/x?state=open&state=closed", &path, &query).ok());
  EXPECT_EQ(query.at("state"), "open");
}

TEST(ParseTarget, AcceptsAbsoluteFormAndAsterisk) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(ParseTarget("http://example.com:8080/v1/x?y=1", &path, &query).ok());
  EXPECT_EQ(path, "/v1/x");
  EXPECT_EQ(query.at("y"), "1");
  ASSERT_TRUE(ParseTarget("https://example.com", &path, &query).ok());
  EXPECT_EQ(path, "/");
  ASSERT_TRUE(ParseTarget("*", &path, &query).ok());
  EXPECT_EQ(path, "*");
}

TEST(ParseTarget, RejectsBadEscapesNulAndOtherForms) {
  std::string path;
  std::map<std::string, std::string> query;
  for (std::string_view bad : {"/a%zz", "/a%4", "/a%", "/a%00b", "/a?x=%G1", "/a?%00=1", "a/b",
                               "", "/a#frag", "://x/y", "1http://x/"}) {
    Status s = ParseTarget(bad, &path, &query);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_EQ(HttpStatusFor(s), 400) << bad;
  }
}

TEST(PercentDecode, DecodesUtf8Escapes) {
  Result<std::string> r = PercentDecode("caf%C3%A9", false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "caf\xC3\xA9");
}

}  // namespace
}  // namespace counterfoil::api::http
