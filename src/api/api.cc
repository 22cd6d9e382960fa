#include "api/api.h"

#include <spdlog/spdlog.h>

#include "api/views.h"
#include "common/crypto.h"
#include "screening/catalogue_json.h"

namespace counterfoil::api {

using http::Request;
using http::Response;
using service::Principal;

namespace {

constexpr char kSessionCookie[] = "cf_session";
constexpr char kCsrfCookie[] = "cf_csrf";

Result<json::value> Body(const Request& req) {
  if (req.body.empty())
    return InvalidArgument("a JSON body is required").WithReason("malformed");
  auto v = ParseJson(req.body);
  if (!v.ok()) return Status(v.status()).WithReason("malformed");
  return v;
}

Result<json::value> OptionalBody(const Request& req) {
  if (req.body.empty()) return json::value(json::object());
  return Body(req);
}

std::string Query(const Request& req, const std::string& name) {
  auto it = req.query.find(name);
  return it == req.query.end() ? std::string() : it->second;
}

Result<int> IntQuery(const Request& req, const std::string& name, int def, int min, int max) {
  std::string v = Query(req, name);
  if (v.empty()) return def;
  try {
    size_t used = 0;
    long n = std::stol(v, &used);
    if (used != v.size() || n < min || n > max) throw std::out_of_range("range");
    return static_cast<int>(n);
  } catch (const std::exception&) {
    return InvalidArgument(name + " must be an integer from " + std::to_string(min) + " to " +
                               std::to_string(max),
                           name);
  }
}

Result<storage::PageRequest> Paging(const Request& req, int max) {
  storage::PageRequest p;
  ASSIGN_OR_RETURN(p.limit, IntQuery(req, "limit", 50, 1, max));
  p.after = Query(req, "cursor");
  return p;
}

template <typename T, typename ViewFn>
json::object PageJson(const storage::Page<T>& page, ViewFn view) {
  json::array items;
  for (const auto& v : page.items) items.emplace_back(view(v));
  json::object o{{"items", std::move(items)}};
  o["next_cursor"] = page.next_cursor.empty() ? json::value(nullptr) : json::value(page.next_cursor);
  return o;
}

template <typename T>
json::object ListJson(const std::vector<T>& list) {
  json::array items;
  for (const auto& v : list) items.emplace_back(View(v));
  return {{"items", std::move(items)}, {"next_cursor", nullptr}};
}

// By value: callers hand over the object they built (a const& parameter
// would make a deep copy of it to convert it to a json::value).
Response Created(json::value v, const std::string& location) {
  Response r = Response::Json(201, v);
  r.headers.emplace_back("Location", location);
  return r;
}

const std::string& Param(const Request& req, const char* name) {
  return req.path_params.at(name);
}

std::string SessionCookie(const std::string& value, int64_t max_age, bool secure) {
  return std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(max_age) + (secure ? "; Secure" : "");
}
std::string CsrfCookie(const std::string& value, int64_t max_age, bool secure) {
  return std::string(kCsrfCookie) + "=" + value + "; Path=/; SameSite=Strict; Max-Age=" +
         std::to_string(max_age) + (secure ? "; Secure" : "");
}

// Per-line results of a bulk JSONL push.
json::object BulkResultJson(const std::vector<service::MarketplaceService::LineResult>& results) {
  json::array items;
  int failed = 0;
  for (const auto& r : results) {
    json::object o{{"line", r.line}, {"id", r.id}, {"status", r.status.ok() ? "ok" : "error"}};
    if (!r.listing_status.empty()) o["listing_status"] = r.listing_status;
    if (r.screening) {
      json::object v{{"decision", r.screening->decision}, {"score", r.screening->score}};
      if (!r.screening->hit_id.empty()) v["hit_id"] = r.screening->hit_id;
      o["screening"] = std::move(v);
    }
    if (!r.status.ok()) {
      ++failed;
      o["error"] = r.status.message();
      if (!r.status.field().empty()) o["field"] = r.status.field();
    }
    items.emplace_back(std::move(o));
  }
  return {{"processed", results.size()}, {"failed", failed}, {"items", std::move(items)}};
}

bool IsSafeMethod(const std::string& m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

}  // namespace

Api::Api(Services s)
    : s_(std::move(s)),
      limiter_(s_.ctx.config().rate_per_second, s_.ctx.config().rate_burst) {
  metrics_.Describe("counterfoil_http_requests_total", "counter", "HTTP requests by route and status");
  metrics_.Describe("counterfoil_http_request_seconds", "histogram", "HTTP request latency");
  metrics_.Describe("counterfoil_notices_filed_total", "counter", "Notices accepted at intake");
  Register();
}

Result<Principal> Api::Authenticate(const Request& req) {
  if (auto auth = req.Header("authorization")) {
    std::string_view v = *auth;
    if (v.size() > 7 && http::EqualsIgnoreCase(v.substr(0, 7), "bearer ")) return s_.accounts.AuthenticateApiKey(v.substr(7));
    return Unauthenticated("Authorization must be \"Bearer <API key>\"");
  }
  if (auto cookie = req.Cookie(kSessionCookie)) {
    ASSIGN_OR_RETURN(auto session, s_.accounts.AuthenticateSession(*cookie));
    if (!IsSafeMethod(req.method)) {
      auto token = req.Header("x-csrf-token");
      if (!token || !ConstantTimeEquals(*token, session.second))
        return Status(StatusCode::kPermissionDenied,
                      "missing or wrong X-CSRF-Token header (required with a session cookie)")
            .WithReason("csrf");
    }
    return session.first;
  }
  return Unauthenticated("sign in, or send an API key as \"Authorization: Bearer <key>\"");
}

Response Api::Finish(const Request& req, Result<Response> r) {
  if (r.ok()) return std::move(r).value();
  const Status& s = r.status();
  if (s.code() == StatusCode::kInternal) spdlog::error("{} {}: {}", req.method, req.path, s.ToString());
  return http::ProblemResponse(s, req.path);
}

void Api::AddOpen(std::string method, std::string pattern, Open h) {
  router_.Add(std::move(method), std::move(pattern), [this, h](Request& req) -> Response {
    double retry = 0;
    if (!limiter_.Allow("ip:" + req.remote_ip, s_.ctx.Now(), &retry)) {
      Response r = http::ProblemResponse(
          Status(StatusCode::kResourceExhausted, "too many requests; retry later"), req.path);
      r.headers.emplace_back("Retry-After", std::to_string(static_cast<int>(retry) + 1));
      return r;
    }
    return Finish(req, h(req));
  });
}

void Api::Add(std::string method, std::string pattern, Authed h) {
  router_.Add(std::move(method), std::move(pattern), [this, h](Request& req) -> Response {
    auto p = Authenticate(req);
    if (!p.ok()) {
      if (!limiter_.Allow("ip:" + req.remote_ip, s_.ctx.Now())) {
        return http::ProblemResponse(Status(StatusCode::kResourceExhausted, "too many requests"),
                                     req.path);
      }
      return http::ProblemResponse(p.status(), req.path);
    }
    double retry = 0;
    if (!limiter_.Allow("user:" + p->user_id, s_.ctx.Now(), &retry)) {
      Response r = http::ProblemResponse(
          Status(StatusCode::kResourceExhausted, "rate limit exceeded for this principal"),
          req.path);
      r.headers.emplace_back("Retry-After", std::to_string(static_cast<int>(retry) + 1));
      return r;
    }
    // Idempotency-Key: replay the first reply to the same request.
    std::optional<std::string> key;
    if (req.method == "POST") key = req.Header("idempotency-key");
    std::string request_hash;
    if (key) {
      if (key->empty() || key->size() > 200)
        return http::ProblemResponse(InvalidArgument("Idempotency-Key must be 1 to 200 characters",
                                                     "Idempotency-Key"),
                                     req.path);
      request_hash = Sha256Hex(req.method + " " + req.path + "\n" + req.body);
      std::optional<storage::IdempotentReply> prior;
      Status s = s_.ctx.store().Read([&](storage::Tx& tx) -> Status {
        ASSIGN_OR_RETURN(prior, tx.FindIdempotent(p->user_id, *key));
        return Status::Ok();
      });
      if (!s.ok()) return http::ProblemResponse(s, req.path);
      if (prior) {
        if (prior->request_hash != request_hash)
          return http::ProblemResponse(
              Status(StatusCode::kInvalidArgument,
                     "this Idempotency-Key was used for a different request", "Idempotency-Key")
                  .WithReason("idempotency_key_reused"),
              req.path);
        Response r;
        r.status = prior->status;
        r.body = prior->body;
        r.content_type = prior->status >= 400 ? "application/problem+json" : "application/json";
        if (!prior->location.empty()) r.headers.emplace_back("Location", prior->location);
        r.headers.emplace_back("Idempotent-Replayed", "true");
        return r;
      }
    }
    Response resp = Finish(req, h(req, *p));
    // Replies worth replaying: successes and client errors (not 5xx, 429, 401).
    bool store = key && resp.status != 429 && resp.status < 500 && resp.status != 401;
    if (store) {
      storage::IdempotentReply rep{p->user_id, *key, request_hash, resp.status, resp.body,
                                   resp.Header("location").value_or(""), s_.ctx.Now()};
      Status s = s_.ctx.store().Write([&](storage::Tx& tx) { return tx.SaveIdempotent(rep); });
      if (!s.ok() && s.code() != StatusCode::kAlreadyExists)
        spdlog::warn("idempotency record not saved: {}", s.ToString());
    }
    return resp;
  });
}

Response Api::Handle(Request& req) {
  auto start = std::chrono::steady_clock::now();
  bool console = console_ && ConsoleFiles::Claims(req);
  Response r = console ? console_->Serve(req) : router_.Dispatch(req);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string route = console ? "console" : req.route.empty() ? "unmatched" : req.route;
  metrics_.Increment("counterfoil_http_requests_total",
                     {{"method", req.method}, {"route", route}, {"status", std::to_string(r.status)}});
  metrics_.Observe("counterfoil_http_request_seconds", {{"route", route}}, secs);
  return r;
}

void Api::Register() {
  auto& ctx = s_.ctx;
  const int max_page = ctx.config().page_limit_max;

  // ------------------------------------------------------------ operational
  AddOpen("GET", "/healthz", [&ctx](Request&) -> Result<Response> {
    Status db = ctx.store().Read([](storage::Tx& tx) -> Status {
      return tx.marketplaces().Count({}).status();
    });
    if (!db.ok()) return Unavailable("database: " + db.message());
    return Response::Json(200, json::object{{"status", "ok"},
                                            {"schema_version", ctx.store().SchemaVersion()},
                                            {"time", FormatTime(ctx.Now())}});
  });
  AddOpen("GET", "/metrics", [this](Request&) -> Result<Response> {
    return Response::Text(200, metrics_.Render(), std::string(http::Metrics::kContentType));
  });
  AddOpen("GET", "/v1/openapi.json", [](Request&) -> Result<Response> {
    Response r = Response::Text(200, std::string(OpenApiDocument()), "application/json");
    r.headers.emplace_back("Cache-Control", "public, max-age=300");
    return r;
  });
  AddOpen("GET", "/v1/regimes", [](Request&) -> Result<Response> {
    json::array items;
    for (auto id : {"cn_ecl", "us_dmca", "eu_dsa"}) items.emplace_back(domain::RegimeToJson(*domain::BuiltInRegime(id)));
    return Response::Json(200, json::object{{"items", std::move(items)}});
  });

  // ------------------------------------------------------------ console support
  AddOpen("GET", "/v1/demo/accounts", [this](Request&) -> Result<Response> {
    if (!demo_accounts_) return NotFound("not a demo server");
    return Response::Json(200, json::object{{"items", *demo_accounts_}});
  });
  Add("POST", "/v1/test/clock", [this](Request& req, const Principal& p) -> Result<Response> {
    if (!test_clock_) return NotFound("the clock moves only on a server started with --test-clock");
    if (p.role != domain::Role::kAdmin)
      return Status(StatusCode::kPermissionDenied, "only an admin may move the clock");
    ASSIGN_OR_RETURN(json::value body, Body(req));
    FieldReader r(body);
    int64_t seconds = r.Int("advance_seconds", 0, 400LL * 24 * 3600);
    RETURN_IF_ERROR(r.status());
    test_clock_->Advance(std::chrono::seconds(seconds));
    s_.poke_jobs();  // deadlines that have now passed are handled at once
    return Response::Json(200, json::object{{"now", FormatTime(s_.ctx.Now())},
                                            {"offset_seconds", test_clock_->offset().count() / 1000}});
  });

  // ------------------------------------------------------------ sessions
  AddOpen("POST", "/v1/sessions", [this](Request& req) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    if (const json::object* o = body.if_object()) {
      std::string email = http::AsciiLower(GetString(*o, "email"));
      double retry = 0;
      if (!email.empty() && !login_limiter_.Allow("login:" + email, s_.ctx.Now(), &retry))
        return Status(StatusCode::kResourceExhausted,
                      "too many sign-in attempts for this account; retry in " +
                          std::to_string(static_cast<int>(retry) + 1) + " s");
    }
    ASSIGN_OR_RETURN(auto session, s_.accounts.Login(body));
    int64_t max_age = std::chrono::duration_cast<std::chrono::seconds>(
                          session.expires_at - s_.ctx.Now()).count();
    bool secure = s_.ctx.config().cookie_secure;
    Response r = Response::Json(201, json::object{{"user", View(session.user)},
                                                  {"csrf_token", session.csrf_token},
                                                  {"expires_at", FormatTime(session.expires_at)}});
    r.headers.emplace_back("Set-Cookie", SessionCookie(session.cookie, max_age, secure));
    r.headers.emplace_back("Set-Cookie", CsrfCookie(session.csrf_token, max_age, secure));
    return r;
  });
  Add("DELETE", "/v1/sessions/current", [this](Request& req, const Principal&) -> Result<Response> {
    if (auto c = req.Cookie(kSessionCookie)) RETURN_IF_ERROR(s_.accounts.Logout(*c));
    Response r = Response::NoContent();
    r.headers.emplace_back("Set-Cookie", SessionCookie("", 0, s_.ctx.config().cookie_secure));
    r.headers.emplace_back("Set-Cookie", CsrfCookie("", 0, s_.ctx.config().cookie_secure));
    return r;
  });
  Add("GET", "/v1/me", [this](Request&, const Principal& p) -> Result<Response> {
    json::object o{{"user_id", p.user_id},
                   {"email", p.email},
                   {"role", domain::Name(p.role)},
                   {"org_id", p.org_id},
                   {"seller_id", p.seller_id},
                   {"marketplace_id", p.marketplace_id},
                   {"visible_org_ids", ToJsonArray(p.visible_org_ids)},
                   {"may_file_for", ToJsonArray(p.principal_org_ids)}};
    return Response::Json(200, o);
  });

  // ------------------------------------------------------------ organisations and users
  Add("POST", "/v1/organisations", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto o, s_.accounts.CreateOrganisation(p, body));
    return Created(View(o), "/v1/organisations/" + o.id);
  });
  Add("GET", "/v1/organisations", [this, max_page](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto page, Paging(req, max_page));
    ASSIGN_OR_RETURN(auto out, s_.accounts.ListOrganisations(p, page));
    return Response::Json(200, PageJson(out, [](const auto& v) { return View(v); }));
  });
  Add("GET", "/v1/organisations/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto o, s_.accounts.GetOrganisation(p, Param(req, "id")));
    return Response::Json(200, View(o));
  });
  Add("PATCH", "/v1/organisations/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto o, s_.accounts.UpdateOrganisation(p, Param(req, "id"), body));
    return Response::Json(200, View(o));
  });
  Add("GET", "/v1/organisations/{id}/protection", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto pp, s_.registry.GetProtection(p, Param(req, "id")));
    return Response::Json(200, View(pp));
  });
  Add("PUT", "/v1/organisations/{id}/protection", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto pp, s_.registry.PutProtection(p, Param(req, "id"), body));
    return Response::Json(200, View(pp));
  });
  Add("GET", "/v1/organisations/{id}/accuracy", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto a, s_.notices.NotifierAccuracy(p, Param(req, "id")));
    return Response::Json(200, View(a));
  });
  Add("POST", "/v1/users", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto u, s_.accounts.CreateUser(p, body));
    return Created(View(u), "/v1/users/" + u.id);
  });
  Add("GET", "/v1/users", [this, max_page](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto page, Paging(req, max_page));
    ASSIGN_OR_RETURN(auto out, s_.accounts.ListUsers(p, page));
    return Response::Json(200, PageJson(out, [](const auto& v) { return View(v); }));
  });
  Add("GET", "/v1/users/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto u, s_.accounts.GetUser(p, Param(req, "id")));
    return Response::Json(200, View(u));
  });
  Add("POST", "/v1/api-keys", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, OptionalBody(req));
    ASSIGN_OR_RETURN(auto k, s_.accounts.CreateApiKey(p, body));
    json::object o = View(k.key);
    o["secret"] = k.secret;  // shown once
    return Created(o, "/v1/api-keys/" + k.key.id);
  });
  Add("GET", "/v1/api-keys", [this, max_page](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto page, Paging(req, max_page));
    ASSIGN_OR_RETURN(auto out, s_.accounts.ListApiKeys(p, page));
    return Response::Json(200, PageJson(out, [](const auto& v) { return View(v); }));
  });
  Add("DELETE", "/v1/api-keys/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    RETURN_IF_ERROR(s_.accounts.RevokeApiKey(p, Param(req, "id")));
    return Response::NoContent();
  });
  Add("POST", "/v1/authorisations", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto a, s_.accounts.CreateAuthorisation(p, body));
    return Created(View(a), "/v1/authorisations/" + a.id);
  });
  Add("GET", "/v1/authorisations", [this](Request&, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto out, s_.accounts.ListAuthorisations(p));
    return Response::Json(200, ListJson(out));
  });
  Add("DELETE", "/v1/authorisations/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    RETURN_IF_ERROR(s_.accounts.RevokeAuthorisation(p, Param(req, "id")).status());
    return Response::NoContent();
  });

  // ------------------------------------------------------------ documents
  Add("POST", "/v1/blobs", [this](Request& req, const Principal& p) -> Result<Response> {
    service::RegistryService::Upload u;
    u.bytes = req.body;
    u.content_type = req.Header("content-type").value_or("application/octet-stream");
    u.filename = Query(req, "filename");
    u.purpose = Query(req, "purpose");
    if (u.purpose.empty()) return InvalidArgument("purpose: required query parameter", "purpose");
    ASSIGN_OR_RETURN(auto ref, s_.registry.UploadBlob(p, u));
    return Created(View(ref), "/v1/blobs/" + ref.sha256);
  });
  Add("GET", "/v1/blobs/{sha256}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto blob, s_.registry.ReadBlob(p, Param(req, "sha256")));
    Response r = Response::Text(200, std::move(blob.second),
                                blob.first.content_type.empty() ? "application/octet-stream"
                                                                : blob.first.content_type);
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Content-Disposition", "attachment");
    return r;
  });

  // ------------------------------------------------------------ IP registry
  Add("POST", "/v1/rights", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto r, s_.registry.CreateRight(p, body));
    return Created(View(r), "/v1/rights/" + r.id);
  });
  Add("GET", "/v1/rights", [this, max_page](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto page, Paging(req, max_page));
    ASSIGN_OR_RETURN(auto out, s_.registry.ListRights(p, Query(req, "org_id"),
                                                      Query(req, "verification"), page));
    return Response::Json(200, PageJson(out, [](const auto& v) { return View(v); }));
  });
  Add("GET", "/v1/rights/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto r, s_.registry.GetRight(p, Param(req, "id")));
    return Response::Json(200, View(r));
  });
  Add("POST", "/v1/rights/{id}/certificates", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    FieldReader r(body);
    std::string sha = r.String("sha256", {.min_len = 64, .max_len = 64});
    RETURN_IF_ERROR(r.status());
    ASSIGN_OR_RETURN(auto right, s_.registry.AddCertificate(p, Param(req, "id"), sha));
    return Response::Json(200, View(right));
  });
  Add("POST", "/v1/rights/{id}/verification", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto right, s_.registry.Verify(p, Param(req, "id"), body));
    return Response::Json(200, View(right));
  });

  // ------------------------------------------------------------ marketplaces
  Add("POST", "/v1/marketplaces", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto m, s_.marketplace.CreateMarketplace(p, body));
    return Created(View(m), "/v1/marketplaces/" + m.id);
  });
  Add("GET", "/v1/marketplaces", [this](Request&, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto out, s_.marketplace.ListMarketplaces(p));
    return Response::Json(200, ListJson(out));
  });
  Add("GET", "/v1/marketplaces/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto m, s_.marketplace.GetMarketplace(p, Param(req, "id")));
    return Response::Json(200, View(m));
  });
  Add("PATCH", "/v1/marketplaces/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto m, s_.marketplace.UpdateMarketplace(p, Param(req, "id"), body));
    return Response::Json(200, View(m));
  });
  Add("GET", "/v1/marketplaces/{id}/regime", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto r, s_.marketplace.EffectiveRegime(p, Param(req, "id")));
    return Response::Json(200, domain::RegimeToJson(r));
  });

  // ------------------------------------------------------------ sellers and listings
  Add("POST", "/v1/sellers/bulk", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto results, s_.marketplace.BulkUpsertSellers(p, req.body));
    return Response::Json(200, BulkResultJson(results));
  });
  Add("PUT", "/v1/sellers/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto s, s_.marketplace.UpsertSeller(p, Param(req, "id"), body));
    return Response::Json(s.created_at == s.updated_at ? 201 : 200, View(s));  // RFC 9110 §9.3.4
  });
  Add("GET", "/v1/sellers", [this, max_page](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto page, Paging(req, max_page));
    ASSIGN_OR_RETURN(auto out, s_.marketplace.ListSellers(p, Query(req, "marketplace_id"), page));
    return Response::Json(200, PageJson(out, [](const auto& v) { return View(v); }));
  });
  Add("GET", "/v1/sellers/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto s, s_.marketplace.GetSeller(p, Query(req, "marketplace_id"), Param(req, "id")));
    return Response::Json(200, View(s));
  });
  Add("GET", "/v1/sellers/{id}/strikes", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto out, s_.marketplace.ListStrikes(p, Query(req, "marketplace_id"), Param(req, "id")));
    return Response::Json(200, ListJson(out));
  });
  Add("POST", "/v1/sellers/{id}/reinstatement", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto s, s_.marketplace.Reinstate(p, Query(req, "marketplace_id"), Param(req, "id"), body));
    return Response::Json(200, View(s));
  });
  Add("POST", "/v1/listings/bulk", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto results, s_.marketplace.BulkUpsertListings(p, req.body));
    return Response::Json(200, BulkResultJson(results));
  });
  Add("PUT", "/v1/listings/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto l, s_.marketplace.UpsertListing(p, Param(req, "id"), body));
    return Response::Json(l.version == 1 ? 201 : 200, View(l, p));  // RFC 9110 §9.3.4
  });
  Add("GET", "/v1/listings", [this, max_page](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto page, Paging(req, max_page));
    ASSIGN_OR_RETURN(auto out, s_.marketplace.ListListings(p, Query(req, "seller_id"),
                                                           Query(req, "status"), page));
    return Response::Json(200, PageJson(out, [&p](const auto& v) { return View(v, p); }));
  });
  Add("GET", "/v1/listings/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto l, s_.marketplace.GetListing(p, Param(req, "id")));
    return Response::Json(200, View(l, p));
  });

  // ------------------------------------------------------------ notices
  Add("POST", "/v1/notices/bulk", [this](Request& req, const Principal& p) -> Result<Response> {
    std::string ct = http::AsciiLower(req.Header("content-type").value_or(""));
    std::string csv;
    json::object defaults;
    if (ct.rfind("application/json", 0) == 0) {
      ASSIGN_OR_RETURN(json::value body, Body(req));
      FieldReader r(body);
      csv = r.String("csv", {.min_len = 1, .max_len = 64 << 20});
      if (const json::object* d = r.Object("defaults", false)) defaults = *d;
      RETURN_IF_ERROR(r.status());
    } else if (ct.rfind("text/csv", 0) == 0) {
      csv = req.body;
    } else {
      return InvalidArgument("send text/csv, or application/json with {\"csv\": …, \"defaults\": {…}}",
                             "Content-Type");
    }
    ASSIGN_OR_RETURN(auto job, s_.notices.StartBulk(p, csv, defaults));
    if (s_.poke_jobs) s_.poke_jobs();
    Response r = Response::Json(202, View(job, false));
    r.headers.emplace_back("Location", "/v1/jobs/" + job.id);
    return r;
  });
  Add("GET", "/v1/jobs/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto job, s_.notices.GetJob(p, Param(req, "id")));
    return Response::Json(200, View(job, true));
  });
  Add("POST", "/v1/notices", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    // The console signs in with a session cookie; everything else uses an API key.
    ASSIGN_OR_RETURN(auto n, s_.notices.File(p, body, p.via_session ? "console" : "api"));
    metrics_.Increment("counterfoil_notices_filed_total");
    // The view is only serialised: build it in an arena, not on the heap.
    unsigned char buf[16384];
    json::monotonic_resource arena(buf, sizeof buf);
    json::object o = View(n, p, &arena);
    o["receipt"] = "Notice " + n.id + " received at " + FormatTime(n.received_at) +
                   "; review due by " + FormatTime(n.review_due_at) + ".";
    return Created(std::move(o), "/v1/notices/" + n.id);
  });
  Add("GET", "/v1/notices", [this, max_page](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto page, Paging(req, max_page));
    service::NoticeFilter f{Query(req, "state"), Query(req, "listing_id"), Query(req, "seller_id"),
                            Query(req, "marketplace_id"), Query(req, "org_id"), Query(req, "job_id")};
    ASSIGN_OR_RETURN(auto out, s_.notices.List(p, f, page));
    return Response::Json(200, PageJson(out, [&p](const auto& v) { return View(v, p); }));
  });
  Add("GET", "/v1/notices/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto n, s_.notices.Get(p, Param(req, "id")));
    return Response::Json(200, View(n, p));
  });
  Add("POST", "/v1/notices/{id}/withdraw", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, OptionalBody(req));
    ASSIGN_OR_RETURN(auto n, s_.notices.Withdraw(p, Param(req, "id"), body));
    return Response::Json(200, View(n, p));
  });
  Add("POST", "/v1/notices/{id}/information", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto n, s_.notices.SupplyInformation(p, Param(req, "id"), body));
    return Response::Json(200, View(n, p));
  });
  Add("POST", "/v1/notices/{id}/claim", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto n, s_.notices.Claim(p, Param(req, "id")));
    return Response::Json(200, View(n, p));
  });
  Add("POST", "/v1/notices/{id}/decision", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto n, s_.notices.Decide(p, Param(req, "id"), body));
    return Response::Json(200, View(n, p));
  });
  Add("POST", "/v1/notices/{id}/counter-notices", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto c, s_.notices.FileCounterNotice(p, Param(req, "id"), body));
    return Created(View(c), "/v1/counter-notices/" + c.id);
  });
  Add("GET", "/v1/review/queue", [this](Request& req, const Principal& p) -> Result<Response> {
    std::string q = Query(req, "queue");
    service::NoticeService::Queue queue = service::NoticeService::Queue::kNotices;
    if (q == "post_review") queue = service::NoticeService::Queue::kPostReview;
    else if (q == "counter_notices") queue = service::NoticeService::Queue::kCounterNotices;
    else if (q == "appeals") queue = service::NoticeService::Queue::kAppeals;
    else if (!q.empty() && q != "notices" && q != "screening")
      return InvalidArgument(
          "queue must be notices, post_review, counter_notices, appeals or screening", "queue");
    ASSIGN_OR_RETURN(int limit, IntQuery(req, "limit", 50, 1, 500));
    if (q == "screening") {  // open screening hits, oldest first
      ASSIGN_OR_RETURN(auto hits, s_.screening.OpenHits(p, limit));
      json::array items;
      for (const auto& h : hits) items.emplace_back(View(h, p));
      return Response::Json(200, json::object{{"queue", q}, {"items", std::move(items)}});
    }
    ASSIGN_OR_RETURN(auto items, s_.notices.ReviewQueue(p, queue, limit));
    return Response::Json(200, json::object{{"queue", q.empty() ? "notices" : q},
                                            {"items", std::move(items)}});
  });
  Add("GET", "/v1/statements/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto s, s_.notices.GetStatement(p, Param(req, "id")));
    return Response::Json(200, View(s));
  });
  Add("GET", "/v1/counter-notices", [this, max_page](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto page, Paging(req, max_page));
    ASSIGN_OR_RETURN(auto out, s_.notices.ListCounterNotices(p, Query(req, "state"), page));
    return Response::Json(200, PageJson(out, [](const auto& v) { return View(v); }));
  });
  Add("GET", "/v1/counter-notices/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto c, s_.notices.GetCounterNotice(p, Param(req, "id")));
    return Response::Json(200, View(c));
  });
  Add("POST", "/v1/counter-notices/{id}/legal-action", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto c, s_.notices.ReportLegalAction(p, Param(req, "id"), body));
    return Response::Json(200, View(c));
  });
  Add("POST", "/v1/appeals", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto a, s_.notices.FileAppeal(p, body));
    return Created(View(a, p), "/v1/appeals/" + a.id);
  });
  Add("GET", "/v1/appeals", [this, max_page](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto page, Paging(req, max_page));
    ASSIGN_OR_RETURN(auto out, s_.notices.ListAppeals(p, Query(req, "state"), page));
    return Response::Json(200, PageJson(out, [&p](const auto& v) { return View(v, p); }));
  });
  Add("GET", "/v1/appeals/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto a, s_.notices.GetAppeal(p, Param(req, "id")));
    return Response::Json(200, View(a, p));
  });
  Add("POST", "/v1/appeals/{id}/decision", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto a, s_.notices.DecideAppeal(p, Param(req, "id"), body));
    return Response::Json(200, View(a, p));
  });

  // ------------------------------------------------------------ screening
  Add("POST", "/v1/screen", [this](Request& req, const Principal& p) -> Result<Response> {
    if (req.body.empty())
      return Status(InvalidArgument("a JSON body is required")).WithReason("malformed");
    ASSIGN_OR_RETURN(auto verdict, s_.screening.Screen(p, req.body));
    std::string text = screening::VerdictToJson(verdict);
    text.pop_back();  // the line's '\n'
    return Response::Text(200, std::move(text), "application/json");
  });
  Add("POST", "/v1/screen/bulk", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(std::string verdicts, s_.screening.ScreenBulk(p, req.body));
    return Response::Text(200, std::move(verdicts), "application/x-ndjson");
  });
  Add("GET", "/v1/screening/hits", [this, max_page](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto page, Paging(req, max_page));
    service::HitFilter f{Query(req, "status"), Query(req, "marketplace_id"), Query(req, "listing_id")};
    ASSIGN_OR_RETURN(auto out, s_.screening.ListHits(p, f, page));
    return Response::Json(200, PageJson(out, [&p](const auto& v) { return View(v, p); }));
  });
  Add("GET", "/v1/screening/hits/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto h, s_.screening.GetHit(p, Param(req, "id")));
    return Response::Json(200, View(h, p));
  });
  Add("POST", "/v1/screening/hits/{id}/confirm", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, OptionalBody(req));
    ASSIGN_OR_RETURN(auto h, s_.screening.Confirm(p, Param(req, "id"), body));
    return Response::Json(200, View(h, p));
  });
  Add("POST", "/v1/screening/hits/{id}/dismiss", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto h, s_.screening.Dismiss(p, Param(req, "id"), body));
    return Response::Json(200, View(h, p));
  });
  // ------------------------------------------------------------ photos
  Add("POST", "/v1/listings/{id}/photos", [this](Request& req, const Principal& p) -> Result<Response> {
    const std::string id = Param(req, "id");
    ASSIGN_OR_RETURN(auto l, s_.photos->AddListingPhoto(
                                 p, id, std::move(req.body),
                                 req.Header("content-type").value_or("application/octet-stream")));
    return Created(View(l, p), "/v1/listings/" + id);
  });
  Add("GET", "/v1/screening/hits/{id}/photos/{sha256}",
      [this](Request& req, const Principal& p) -> Result<Response> {
        ASSIGN_OR_RETURN(auto photo,
                         s_.photos->PhotoForHit(p, Param(req, "id"), Param(req, "sha256")));
        Response r = Response::Text(200, std::move(photo.second), photo.first);
        r.headers.emplace_back("X-Content-Type-Options", "nosniff");
        r.headers.emplace_back("Cache-Control", "private, max-age=3600");
        return r;
      });
  Add("GET", "/v1/photo-banks", [this](Request&, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto banks, s_.photos->ListBanks(p));
    json::array items;
    for (const auto& b : banks) items.emplace_back(View(b));
    return Response::Json(200, json::object{{"items", std::move(items)}});
  });
  Add("PUT", "/v1/photo-banks/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto b, s_.photos->PutBank(p, Param(req, "id"), body));
    return Response::Json(200, View(b));
  });
  Add("GET", "/v1/photo-banks/{id}/export", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(std::string csv, s_.photos->ExportCsv(p, Param(req, "id")));
    Response r = Response::Text(200, std::move(csv), "text/csv; charset=utf-8");
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"photo-bank.csv\"");
    return r;
  });
  Add("POST", "/v1/photo-banks/import", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto sum, s_.photos->ImportCsv(p, req.body));
    json::array created;
    for (const auto& b : sum.banks_created) created.emplace_back(b);
    return Response::Json(200, json::object{{"rows", sum.rows},
                                            {"indexed", sum.indexed},
                                            {"banks_created", std::move(created)}});
  });
  Add("GET", "/v1/screening/rules", [this](Request&, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto stats, s_.screening.RuleStats(p));
    json::array items;
    for (const auto& st : stats) items.emplace_back(View(st));
    return Response::Json(200, json::object{{"items", std::move(items)}});
  });
  Add("GET", "/v1/screening/status", [this](Request&, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto st, s_.screening.GetStatus(p));
    return Response::Json(200, View(st));
  });
  Add("POST", "/v1/screening/rebuild", [this](Request&, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto st, s_.screening.RequestRebuild(p));
    Response r = Response::Json(202, View(st));
    r.headers.emplace_back("Location", "/v1/screening/status");
    return r;
  });

  // ------------------------------------------------------------ reports
  Add("GET", "/v1/reports/dashboard", [this](Request& req, const Principal& p) -> Result<Response> {
    if (s_.reports == nullptr) return Unavailable("reports are not configured");
    service::DashboardRequest q{Query(req, "from"), Query(req, "to"), Query(req, "bucket"),
                                Query(req, "top"), Query(req, "marketplace_id")};
    ASSIGN_OR_RETURN(auto report, s_.reports->Dashboard(p, q));
    return Response::Json(200, View(report));
  });

  // ------------------------------------------------------------ integration
  Add("GET", "/v1/events", [this](Request& req, const Principal& p) -> Result<Response> {
    std::string after_s = Query(req, "after");
    int64_t after = 0;
    if (!after_s.empty()) {
      try {
        size_t used = 0;
        after = std::stoll(after_s, &used);
        if (used != after_s.size() || after < 0) throw std::out_of_range("");
      } catch (const std::exception&) {
        return InvalidArgument("after must be a non-negative event sequence number", "after");
      }
    }
    ASSIGN_OR_RETURN(int limit, IntQuery(req, "limit", 100, 1, 1000));
    ASSIGN_OR_RETURN(auto events, s_.integration.Events(p, after, limit));
    json::array items;
    int64_t last = after;
    for (const auto& e : events) {
      items.emplace_back(service::IntegrationService::EventBody(e));
      last = e.seq;
    }
    return Response::Json(200, json::object{{"items", std::move(items)}, {"next_after", last}});
  });
  Add("POST", "/v1/webhooks", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(json::value body, Body(req));
    ASSIGN_OR_RETURN(auto w, s_.integration.CreateWebhook(p, body));
    json::object o = View(w);
    o["secret"] = w.secret;  // shown once, to verify signatures
    return Created(o, "/v1/webhooks/" + w.id);
  });
  Add("GET", "/v1/webhooks", [this](Request&, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto out, s_.integration.ListWebhooks(p));
    return Response::Json(200, ListJson(out));
  });
  Add("DELETE", "/v1/webhooks/{id}", [this](Request& req, const Principal& p) -> Result<Response> {
    RETURN_IF_ERROR(s_.integration.DeleteWebhook(p, Param(req, "id")));
    return Response::NoContent();
  });
  Add("GET", "/v1/webhooks/{id}/deliveries", [this, max_page](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(auto page, Paging(req, max_page));
    ASSIGN_OR_RETURN(auto out, s_.integration.ListDeliveries(p, Param(req, "id"), page));
    return Response::Json(200, PageJson(out, [](const auto& v) { return View(v); }));
  });
  Add("GET", "/v1/audit", [this](Request& req, const Principal& p) -> Result<Response> {
    ASSIGN_OR_RETURN(int after, IntQuery(req, "after", 0, 0, INT32_MAX));
    ASSIGN_OR_RETURN(int limit, IntQuery(req, "limit", 100, 1, 1000));
    ASSIGN_OR_RETURN(auto entries, s_.integration.AuditEntries(p, after, limit));
    json::array items;
    for (const auto& e : entries) items.emplace_back(View(e));
    return Response::Json(200, json::object{{"items", std::move(items)}});
  });
}

}  // namespace counterfoil::api
