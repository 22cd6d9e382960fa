// Bad input from outside gets a clear, specific problem+json answer that names
// the field at fault (and, for a regime's legal requirement, the provision),
// and changes nothing: every case compares the counts of notices, events,
// audit entries and the rest before and after.
#include "tests/support/fixture.h"

namespace counterfoil::testing {
namespace {

class BadInput : public IntegrationTest {
 protected:
  // Sends the request and checks the problem: status, content type, the
  // first error's pointer (when given) and a piece of the detail (when
  // given); then that nothing changed.
  void ExpectRefused(std::string_view what, std::string_view method, std::string_view path,
                     const std::string& key, std::string body, std::string content_type,
                     int status, std::string_view pointer = {}, std::string_view detail = {},
                     http::HeaderList extra = {}) {
    SCOPED_TRACE(std::string(what));
    StateCounts before = CountState();
    Reply r = CallRaw(method, path, key, std::move(body), std::move(content_type), std::move(extra));
    EXPECT_EQ(r.status, status) << r;
    EXPECT_EQ(r.Header("content-type"), "application/problem+json") << r;
    EXPECT_EQ(r.At("/status"), status) << r;
    EXPECT_FALSE(r.Str("/title").empty()) << r;
    if (!pointer.empty()) {
      EXPECT_EQ(r.ErrorPointer(), pointer) << r;
    }
    if (!detail.empty()) {
      EXPECT_NE(r.Detail().find(detail), std::string::npos) << r;
    }
    EXPECT_EQ(CountState(), before);
  }
  void ExpectRefusedJson(std::string_view what, std::string_view method, std::string_view path,
                         const std::string& key, const json::value& body, int status,
                         std::string_view pointer = {}, std::string_view detail = {}) {
    ExpectRefused(what, method, path, key, json::serialize(body), "application/json", status,
                  pointer, detail);
  }
  // A valid notice with one change applied at a JSON pointer (null removes).
  json::object NoticeWith(const std::string& listing, const std::string& pointer,
                          json::value value) {
    json::object body = NoticeBody(listing, acme_right_);
    json::object* parent = &body;
    std::string rest = pointer.substr(1);
    for (auto slash = rest.find('/'); slash != std::string::npos; slash = rest.find('/')) {
      parent = &(*parent)[rest.substr(0, slash)].as_object();
      rest = rest.substr(slash + 1);
    }
    if (value.is_null()) parent->erase(rest);
    else (*parent)[rest] = std::move(value);
    return body;
  }
};

TEST_F(BadInput, MalformedJsonIsA400Problem) {
  ExpectRefused("truncated JSON", "POST", "/v1/notices", keys_.acme, R"({"listing_id": )",
                "application/json", 400);
  ExpectRefused("not JSON at all", "POST", "/v1/notices", keys_.acme, "listing_id=t-s1-1",
                "application/json", 400);
  ExpectRefused("empty body", "POST", "/v1/notices", keys_.acme, "", "application/json", 400);
  ExpectRefused("malformed decision", "POST", "/v1/notices/x/decision", keys_.reviewer, "{,}",
                "application/json", 400);
  ExpectRefused("malformed listing", "PUT", "/v1/listings/t-s1-1", keys_.taobao, "{\"title\"",
                "application/json", 400);
  Reply r = CallRaw("POST", "/v1/notices", keys_.acme, "{", "application/json");
  EXPECT_EQ(r.ProblemType(), "malformed") << r;
  EXPECT_EQ(r.Str("/instance"), "/v1/notices") << r;
}

TEST_F(BadInput, MissingWrongTypeAndUnknownFieldsAreNamed) {
  ExpectRefusedJson("body is an array", "POST", "/v1/notices", keys_.acme, json::array{}, 422, "/");
  ExpectRefusedJson("missing listing_id", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/listing_id", nullptr), 422, "/listing_id",
                    "listing_id: is required");
  ExpectRefusedJson("missing right_id", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/right_id", nullptr), 422, "/right_id");
  ExpectRefusedJson("statement as a string", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/statements/good_faith", "yes"), 422,
                    "/statements/good_faith", "must be true or false");
  ExpectRefusedJson("email as a number", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/complainant/email", 42), 422, "/complainant/email",
                    "must be a string");
  ExpectRefusedJson("evidence not an array", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/evidence", "one document"), 422, "/evidence");
  ExpectRefusedJson("evidence item not a string", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/evidence", json::array{"ok", 7}), 422, "/evidence/1");
  ExpectRefusedJson("complainant not an object", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/complainant", "Jane"), 422, "/complainant");
  ExpectRefusedJson("unknown field", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/colour", "red"), 422, "/colour", "not a known field");
  ExpectRefusedJson("unknown nested field", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/complainant/emial", "x@y.example"), 422,
                    "/complainant/emial");
  ExpectRefusedJson("unknown statement", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/statements/pinky_swear", true), 422,
                    "/statements/pinky_swear");
  ExpectRefusedJson("unknown infringement type", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/infringement_type", "fake"), 422,
                    "/infringement_type", "counterfeit");
  ExpectRefusedJson("type that does not fit the right", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/infringement_type", "piracy"), 422,
                    "/infringement_type");
  ExpectRefusedJson("listing that does not exist", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("no-such-listing", "/listing_id", "no-such-listing"), 422,
                    "/listing_id", "does not exist");
  ExpectRefusedJson("right that does not exist", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/right_id", "rgt_nope"), 422, "/right_id");
  ExpectRefusedJson("overlong explanation", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/explanation", json::string(std::string(20001, 'x'))), 422,
                    "/explanation");
}

TEST_F(BadInput, UnverifiedRightDoesNotSupportANotice) {
  Reply right = Call("POST", "/v1/rights", keys_.acme,
                     json::object{{"type", "trademark"}, {"mark", "ACME MINI"},
                                  {"registration_number", "R-77"}});
  ASSERT_EQ(right.status, 201) << right;
  EXPECT_EQ(right.Str("/verification"), "pending");
  ExpectRefusedJson("pending right", "POST", "/v1/notices", keys_.acme,
                    NoticeWith("t-s1-1", "/right_id", json::string(right.Str("/id"))), 422, "/right_id",
                    "pending");
  ExpectRefusedJson("verify without a certificate", "POST",
                    "/v1/rights/" + right.Str("/id") + "/verification", keys_.reviewer,
                    json::object{{"decision", "verified"}}, 409);
  ExpectRefusedJson("reject without a reason", "POST",
                    "/v1/rights/" + right.Str("/id") + "/verification", keys_.reviewer,
                    json::object{{"decision", "rejected"}}, 422, "/reason");
  ExpectRefusedJson("Nice class out of range", "POST", "/v1/rights", keys_.acme,
                    json::object{{"type", "trademark"}, {"mark", "ACME"},
                                 {"registration_number", "R-1"},
                                 {"nice_classes", json::array{7, 46}}},
                    422, "/nice_classes/1");
  ExpectRefusedJson("bad ISBN", "POST", "/v1/rights", keys_.pubco,
                    json::object{{"type", "copyright"},
                                 {"works", json::array{json::object{{"title", "A Book"},
                                                                    {"isbn", "978-0-306-40615-8"}}}}},
                    422, "/works/0/isbn", "ISBN");
}

// Each regime's legal requirements, named with the provision.
TEST_F(BadInput, EachRegimeNamesItsMissingLegalFieldWithTheCitation) {
  struct Case {
    const char* listing;
    const char* pointer;
    json::value value;  // null = remove
    const char* citation;
  };
  const Case cases[] = {
      // cn_ecl (taobao)
      {"t-s1-1", "/complainant/identity_document", nullptr, "PRC Civil Code art. 1195(1)"},
      {"t-s1-1", "/complainant/name", nullptr, "PRC Civil Code art. 1195(1)"},
      {"t-s1-1", "/evidence", json::array{}, "PRC E-Commerce Law art. 42(1)"},
      {"t-s1-1", "/explanation", "   ", "PRC E-Commerce Law art. 42(1)"},
      // eu_dsa + us_dmca (shopeu)
      {"e-s3-1", "/explanation", nullptr, "DSA art. 16(2)(a)"},
      {"e-s3-1", "/statements/bona_fide", nullptr, "DSA art. 16(2)(d)"},
      {"e-s3-1", "/complainant/email", " ", "DSA art. 16(2)(c)"},
      {"e-s3-1", "/signature", nullptr, "17 U.S.C. §512(c)(3)(A)(i)"},
      {"e-s3-1", "/work", nullptr, "17 U.S.C. §512(c)(3)(A)(ii)"},
      {"e-s3-1", "/complainant/phone", nullptr, "17 U.S.C. §512(c)(3)(A)(iv)"},
      {"e-s3-1", "/statements/good_faith", false, "17 U.S.C. §512(c)(3)(A)(v)"},
      {"e-s3-1", "/statements/under_penalty_of_perjury", nullptr, "17 U.S.C. §512(c)(3)(A)(vi)"},
  };
  for (const Case& c : cases) {
    ExpectRefusedJson(std::string(c.listing) + " " + c.pointer, "POST", "/v1/notices", keys_.acme,
                      NoticeWith(c.listing, c.pointer, c.value), 422, c.pointer, c.citation);
  }
  // What one regime needs another does not: a DSA-only field is not asked of
  // a cn_ecl notice, and the identity papers are not asked under the DSA/DMCA.
  EXPECT_EQ(Call("POST", "/v1/notices", keys_.acme,
                 NoticeWith("t-s1-1", "/statements/bona_fide", nullptr))
                .status,
            201);
  EXPECT_EQ(Call("POST", "/v1/notices", keys_.acme,
                 NoticeWith("e-s3-1", "/complainant/identity_document", nullptr))
                .status,
            201);
}

TEST_F(BadInput, OversizedBodyIsA413) {
  json::object body = NoticeBody("t-s1-1", acme_right_);
  body["explanation"] = std::string(kMaxBodyBytes, 'x');
  ExpectRefused("oversized notice", "POST", "/v1/notices", keys_.acme, json::serialize(body),
                "application/json", 413);
  ExpectRefused("oversized upload", "POST", "/v1/blobs?purpose=evidence", keys_.acme,
                std::string(kMaxBodyBytes + 1, 'b'), "application/pdf", 413);
  // The connection is closed, not the server: the next request works.
  EXPECT_EQ(Get(keys_.acme, "/v1/me").status, 200);
}

TEST_F(BadInput, BadPaginationAndQueryParametersAre422) {
  FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  FileNotice(keys_.acme, NoticeBody("t-s1-2", acme_right_));
  ExpectRefused("garbage cursor", "GET", "/v1/notices?cursor=not-a-cursor", keys_.admin, "", "",
                422, "", "cursor");
  ExpectRefused("cursor of another shape", "GET", "/v1/notices?cursor=eyJ4IjoxfQ", keys_.admin, "",
                "", 422);
  ExpectRefused("limit zero", "GET", "/v1/notices?limit=0", keys_.admin, "", "", 422, "limit");
  ExpectRefused("limit not a number", "GET", "/v1/listings?limit=ten", keys_.admin, "", "", 422,
                "limit");
  ExpectRefused("limit too large", "GET", "/v1/notices?limit=100000", keys_.admin, "", "", 422,
                "limit");
  ExpectRefused("unknown state", "GET", "/v1/notices?state=sleeping", keys_.admin, "", "", 422,
                "state");
  ExpectRefused("negative event position", "GET", "/v1/events?after=-1", keys_.admin, "", "", 422,
                "after");
  ExpectRefused("unknown queue", "GET", "/v1/review/queue?queue=everything", keys_.reviewer, "", "",
                422, "queue");
  ExpectRefused("unknown listing status", "GET", "/v1/listings?status=gone", keys_.admin, "", "",
                422, "status");
  // A real cursor works, and pages do not overlap.
  Reply first = Get(keys_.admin, "/v1/notices?limit=1");
  ASSERT_EQ(first.status, 200) << first;
  std::string cursor = first.Str("/next_cursor");
  ASSERT_FALSE(cursor.empty()) << first;
  Reply second = Get(keys_.admin, "/v1/notices?limit=1&cursor=" + cursor);
  ASSERT_EQ(second.status, 200) << second;
  ASSERT_EQ(second.Items().size(), 1u);
  EXPECT_NE(second.Items()[0].at("id"), first.Items()[0].at("id"));
}

TEST_F(BadInput, BadCsvUploadIsRefusedNamingTheColumn) {
  ExpectRefused("unknown column", "POST", "/v1/notices/bulk", keys_.acme,
                "listing_id,right_id,colour\nt-s1-1," + acme_right_ + ",red\n", "text/csv", 422,
                "", "colour");
  Reply r = CallRaw("POST", "/v1/notices/bulk", keys_.acme, "listing_id,colour\nt-s1-1,red\n",
                    "text/csv");
  EXPECT_NE(r.Detail().find("column 2"), std::string::npos) << r;
  ExpectRefused("no listing_id column", "POST", "/v1/notices/bulk", keys_.acme,
                "right_id,explanation\n" + acme_right_ + ",x\n", "text/csv", 422, "",
                "listing_id");
  ExpectRefused("header only", "POST", "/v1/notices/bulk", keys_.acme, "listing_id\n", "text/csv",
                422);
  ExpectRefused("empty upload", "POST", "/v1/notices/bulk", keys_.acme, "", "text/csv", 422);
  ExpectRefused("unterminated quote", "POST", "/v1/notices/bulk", keys_.acme,
                "listing_id,explanation\nt-s1-1,\"never closed\n", "text/csv", 422);
  ExpectRefused("neither CSV nor JSON", "POST", "/v1/notices/bulk", keys_.acme, "listing_id\nx\n",
                "application/octet-stream", 422, "Content-Type");
  ExpectRefusedJson("JSON form without csv", "POST", "/v1/notices/bulk", keys_.acme,
                    json::object{{"defaults", json::object{}}}, 422, "/csv");
  ExpectRefusedJson("unknown default", "POST", "/v1/notices/bulk", keys_.acme,
                    json::object{{"csv", "listing_id\nt-s1-1\n"},
                                 {"defaults", json::object{{"colour", "red"}}}},
                    422, "/defaults/colour");
}

TEST_F(BadInput, DecisionsAndCounterNoticesValidateTheirBodies) {
  std::string id = FileNotice(keys_.acme, NoticeBody("t-s1-1", acme_right_));
  ExpectRefusedJson("unknown decision", "POST", "/v1/notices/" + id + "/decision", keys_.reviewer,
                    json::object{{"decision", "maybe"}}, 422, "/decision");
  ExpectRefusedJson("request_info without a request", "POST", "/v1/notices/" + id + "/decision",
                    keys_.reviewer, json::object{{"decision", "request_info"}}, 422,
                    "/information_request");
  ExpectRefusedJson("unknown rejection code", "POST", "/v1/notices/" + id + "/decision",
                    keys_.reviewer,
                    json::object{{"decision", "reject"}, {"rejection_code", "meh"},
                                 {"reason", "x"}},
                    422, "/rejection_code");
  ExpectRefusedJson("counter-notice before a takedown", "POST",
                    "/v1/notices/" + id + "/counter-notices", keys_.s1, CounterNoticeBody(), 404);
  Accept(id);
  json::object short_statement = CounterNoticeBody();
  short_statement["statement"] = "genuine";
  ExpectRefusedJson("statement too short", "POST", "/v1/notices/" + id + "/counter-notices",
                    keys_.s1, short_statement, 422, "/statement");
  json::object no_contact = CounterNoticeBody();
  no_contact.erase("contact");
  ExpectRefusedJson("no contact", "POST", "/v1/notices/" + id + "/counter-notices", keys_.s1,
                    no_contact, 422, "/contact");
  json::object bad_email = CounterNoticeBody();
  bad_email["contact"].as_object()["email"] = true;
  ExpectRefusedJson("contact email wrong type", "POST", "/v1/notices/" + id + "/counter-notices",
                    keys_.s1, bad_email, 422, "/contact/email");
  ExpectRefusedJson("appeal with short grounds", "POST", "/v1/appeals", keys_.s1,
                    json::object{{"notice_id", id}, {"grounds", "no"}}, 422, "/grounds");
  ExpectRefusedJson(
      "appeal naming a notice and a screening hit", "POST", "/v1/appeals", keys_.s1,
      json::object{{"notice_id", id}, {"hit_id", "hit_x"}, {"grounds", "The goods are genuine."}},
      422, "/hit_id");
  ExpectRefusedJson("appeal naming neither a notice nor a hit", "POST", "/v1/appeals", keys_.s1,
                    json::object{{"grounds", "The goods are genuine."}}, 422, "/notice_id");
  ExpectRefusedJson("appeal with hit_id as a number", "POST", "/v1/appeals", keys_.s1,
                    json::object{{"hit_id", 7}, {"grounds", "The goods are genuine."}}, 422,
                    "/hit_id");
  ExpectRefusedJson("appeal on an unknown hit", "POST", "/v1/appeals", keys_.s1,
                    json::object{{"hit_id", "hit_missing"}, {"grounds", "The goods are genuine."}},
                    422, "/hit_id");
  ExpectRefusedJson("legal action with a bad date", "POST", "/v1/counter-notices/cnt_x/legal-action",
                    keys_.acme,
                    json::object{{"court", "Court"}, {"case_number", "1"},
                                 {"filed_on", "10/03/2026"}, {"document_sha256", acme_cert_}},
                    422, "/filed_on");
}

TEST_F(BadInput, MarketplacePushesAreValidated) {
  ExpectRefusedJson("price amount as text", "PUT", "/v1/listings/t-x-1", keys_.taobao,
                    json::object{{"seller_id", "s1"}, {"title", "Kettle"},
                                 {"price", json::object{{"amount", "59"}}}},
                    422, "/price/amount");
  ExpectRefusedJson("negative price", "PUT", "/v1/listings/t-x-1", keys_.taobao,
                    json::object{{"seller_id", "s1"}, {"title", "Kettle"},
                                 {"price", json::object{{"amount", -1}}}},
                    422, "/price/amount");
  ExpectRefusedJson("unknown seller", "PUT", "/v1/listings/t-x-1", keys_.taobao,
                    json::object{{"seller_id", "s404"}, {"title", "Kettle"}}, 422, "/seller_id");
  ExpectRefusedJson("blank title", "PUT", "/v1/listings/t-x-1", keys_.taobao,
                    json::object{{"seller_id", "s1"}, {"title", "  "}}, 422, "/title");
  ExpectRefusedJson("bad id", "PUT", "/v1/listings/has%20space", keys_.taobao,
                    json::object{{"seller_id", "s1"}, {"title", "Kettle"}}, 422, "/id");
  ExpectRefusedJson("unknown trader field", "PUT", "/v1/sellers/s1", keys_.taobao,
                    json::object{{"name", "Seller One"},
                                 {"trader", json::object{{"shoe_size", "44"}}}},
                    422, "/trader/shoe_size");
  ExpectRefusedJson("webhook to ftp", "POST", "/v1/webhooks", keys_.taobao,
                    json::object{{"url", "ftp://hooks.example/x"}}, 422, "/url");
  ExpectRefusedJson("unknown regime", "PATCH", "/v1/marketplaces/taobao", keys_.admin,
                    json::object{{"regimes", json::array{"cn_ecl", "mars"}}}, 422, "/regimes/1");
  ExpectRefusedJson("DMCA override below the statute", "PATCH", "/v1/marketplaces/shopeu",
                    keys_.admin,
                    json::object{{"regime_overrides",
                                  json::object{{"us_dmca",
                                                json::object{{"restore_min_days", 5}}}}}},
                    422, "/regime_overrides/us_dmca/restore_min_days", "512(g)(2)(C)");
  // Per-line results: the bad line is named and the good one is stored.
  StateCounts before = CountState();
  Reply bulk = CallRaw("POST", "/v1/listings/bulk", keys_.taobao,
                       "{\"id\":\"t-b-1\",\"seller_id\":\"s1\",\"title\":\"Kettle\"}\n"
                       "{\"id\":\"t-b-2\",\"seller_id\":\"s1\"}\n"
                       "not json\n",
                       "application/x-ndjson");
  ASSERT_EQ(bulk.status, 200) << bulk;
  EXPECT_EQ(bulk.At("/failed"), 2) << bulk;
  EXPECT_EQ(bulk.Str("/items/1/field"), "/title") << bulk;
  EXPECT_EQ(bulk.At("/items/2/line"), 3) << bulk;
  EXPECT_EQ(CountState().listings, before.listings + 1);
}

TEST_F(BadInput, ScreeningRequestsAreValidated) {
  SeedScreening();
  ASSERT_FALSE(HasFatalFailure());
  ExpectRefused("not JSON", "POST", "/v1/screen", keys_.taobao, "title=Kettle", "application/json",
                400);
  ExpectRefused("empty body", "POST", "/v1/screen", keys_.taobao, "", "application/json", 400);
  ExpectRefusedJson("listing without an id", "POST", "/v1/screen", keys_.taobao,
                    json::object{{"title", "Kettle"}}, 422, "/id");
  ExpectRefusedJson("price amount as text", "POST", "/v1/screen", keys_.taobao,
                    json::object{{"id", "x1"}, {"title", "Kettle"},
                                 {"price", json::object{{"amount", "59"}}}},
                    422, "/price/amount");
  ExpectRefusedJson("unknown marketplace", "POST", "/v1/screen", keys_.admin,
                    json::object{{"id", "x1"}, {"title", "Kettle"}, {"marketplace", "mars"}}, 422,
                    "/marketplace");
  ExpectRefused("empty bulk", "POST", "/v1/screen/bulk", keys_.taobao, "\n\n",
                "application/x-ndjson", 422);
  ExpectRefused("unknown hit status", "GET", "/v1/screening/hits?status=pending", keys_.reviewer,
                "", "", 422, "status");
  ExpectRefused("garbage cursor", "GET", "/v1/screening/hits?cursor=zz", keys_.reviewer, "", "",
                422, "", "cursor");
  ExpectRefused("unknown queue", "GET", "/v1/review/queue?queue=hits", keys_.reviewer, "", "", 422,
                "queue", "screening");
  ExpectRefusedJson("confirm a hit that does not exist", "POST",
                    "/v1/screening/hits/hit_nope/confirm", keys_.reviewer, json::object{}, 404);

  Reply pushed = Call("PUT", "/v1/listings/t-hit-1", keys_.taobao,
                      ScreeningListing("taobao", "s1", "review"));
  ASSERT_EQ(pushed.status, 201) << pushed;
  std::string hit = "/v1/screening/hits/" + pushed.Str("/screening/hit_id");
  ExpectRefusedJson("dismiss without a reason", "POST", hit + "/dismiss", keys_.reviewer,
                    json::object{}, 422, "/reason");
  ExpectRefusedJson("dismiss with a blank reason", "POST", hit + "/dismiss", keys_.reviewer,
                    json::object{{"reason", "  "}}, 422, "/reason");
  ExpectRefused("malformed dismissal", "POST", hit + "/dismiss", keys_.reviewer, "{\"reason\":",
                "application/json", 400);
  ExpectRefusedJson("unknown field in a confirmation", "POST", hit + "/confirm", keys_.reviewer,
                    json::object{{"colour", "red"}}, 422, "/colour");
  ExpectRefusedJson("overlong note", "POST", hit + "/confirm", keys_.reviewer,
                    json::object{{"note", std::string(5001, 'x')}}, 422, "/note");
  EXPECT_EQ(Get(keys_.reviewer, hit).Str("/status"), "open");

  // Thresholds: 0 < review < block <= 1.
  ExpectRefusedJson("review above block", "PATCH", "/v1/marketplaces/taobao", keys_.admin,
                    json::object{{"screening", json::object{{"review", 0.95}}}}, 422,
                    "/screening/review", "below block");
  ExpectRefusedJson("block above 1", "PATCH", "/v1/marketplaces/taobao", keys_.admin,
                    json::object{{"screening", json::object{{"block", 2}}}}, 422,
                    "/screening/block");
  ExpectRefusedJson("unknown threshold", "PATCH", "/v1/marketplaces/taobao", keys_.admin,
                    json::object{{"screening", json::object{{"allow", 0.1}}}}, 422,
                    "/screening/allow");
  ExpectRefusedJson("thresholds not an object", "PATCH", "/v1/marketplaces/taobao", keys_.admin,
                    json::object{{"screening", 0.9}}, 422, "/screening");
}

TEST_F(BadInput, PhotosAndPhotoBanksAreValidated) {
  // Listing photos: the body must be an image Counterfoil can read.
  ExpectRefused("not an image", "POST", "/v1/listings/t-s1-1/photos", keys_.taobao,
                "hello, not a photo", "image/jpeg", 422, "body", "not a photo");
  ExpectRefused("empty photo", "POST", "/v1/listings/t-s1-1/photos", keys_.taobao, "",
                "image/jpeg", 422, "body", "empty");
  ExpectRefused("truncated JPEG", "POST", "/v1/listings/t-s1-1/photos", keys_.taobao,
                std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11), "image/jpeg", 422, "body");
  ExpectRefused("another marketplace's listing", "POST", "/v1/listings/e-s3-1/photos",
                keys_.taobao, "x", "image/jpeg", 404);
  EXPECT_EQ(Get(keys_.admin, "/v1/listings/t-s1-1").At("/photos"), nullptr);

  // Banks.
  ExpectRefusedJson("bad bank id", "PUT", "/v1/photo-banks/bad!id", keys_.admin,
                    json::object{{"radius", 20}}, 422, "id");
  ExpectRefusedJson("radius out of range", "PUT", "/v1/photo-banks/acg", keys_.admin,
                    json::object{{"radius", 500}}, 422, "/radius");
  ExpectRefusedJson("unknown member", "PUT", "/v1/photo-banks/acg", keys_.admin,
                    json::object{{"radius", 20}, {"colour", "red"}}, 422, "/colour");
  ExpectRefusedJson("unknown owner", "PUT", "/v1/photo-banks/acg", keys_.admin,
                    json::object{{"owner_org_id", "nobody"}}, 422, "/owner_org_id");
  ExpectRefusedJson("no such reference bank", "PUT", "/v1/photo-banks/reference:nobody",
                    keys_.admin, json::object{{"radius", 20}}, 404);

  // CSV import: all or nothing, the first bad line named.
  const std::string hash(64, 'a');
  const std::string head = "hash,quality,bank,label,rights_holder\n";
  ExpectRefused("bad hash on line 3", "POST", "/v1/photo-banks/import", keys_.admin,
                head + hash + ",90,acg,ok,\n" + hash.substr(2) + ",90,acg,short,\n", "text/csv",
                422, "line 3", "line 3: hash");
  ExpectRefused("bad quality", "POST", "/v1/photo-banks/import", keys_.admin,
                head + hash + ",ninety,acg,x,\n", "text/csv", 422, "line 2", "quality");
  ExpectRefused("the stay-down bank", "POST", "/v1/photo-banks/import", keys_.admin,
                head + hash + ",90,stay_down,x,\n", "text/csv", 422, "line 2", "stay_down");
  ExpectRefused("unknown rights holder", "POST", "/v1/photo-banks/import", keys_.admin,
                head + hash + ",90,acg,x,\n" + hash + ",90,acg,y,nobody\n", "text/csv", 422,
                "line 3", "no organisation nobody");
  ExpectRefused("no header", "POST", "/v1/photo-banks/import", keys_.admin,
                hash + ",90,acg,x\n", "text/csv", 422, "line 1", "header");
  ExpectRefused("empty file", "POST", "/v1/photo-banks/import", keys_.admin, "", "text/csv", 422,
                "line 1");

  // A reference photo must be a photo.
  std::string text = UploadBlob(keys_.acme, "a certificate, not a photo", "reference_photo");
  ExpectRefusedJson("reference image not a photo", "PUT", "/v1/organisations/acme/protection",
                    keys_.acme,
                    json::object{{"brand_terms", json::array{"acme"}},
                                 {"reference_images", json::array{text}}},
                    422, "/reference_images/0", "not a photo");
}

TEST_F(BadInput, CategoryBansAreValidatedLikeTheCatalogue) {
  SeedScreening();  // the platform organisation that keeps the bans
  auto with_bans = [](json::array bans) {
    return json::object{{"suspicious_terms", json::array{"replica"}},
                        {"category_bans", std::move(bans)}};
  };
  json::object airbags{{"id", "airbags"},
                       {"categories", json::array{"auto-parts/airbags"}},
                       {"terms", json::array{"airbag module"}},
                       {"reason", "unsafe_and_prohibited_products"}};
  ExpectRefusedJson("duplicate id", "PUT", "/v1/organisations/platform/protection", keys_.admin,
                    with_bans({airbags, airbags}), 422, "/category_bans/1/id", "already the id");
  ExpectRefusedJson("neither categories nor terms", "PUT",
                    "/v1/organisations/platform/protection", keys_.admin,
                    with_bans({json::object{{"id", "empty"}, {"reason", "x"}}}), 422,
                    "/category_bans/0/categories", "categories, terms or both");
  ExpectRefusedJson("blank term", "PUT", "/v1/organisations/platform/protection", keys_.admin,
                    with_bans({json::object{{"id", "fireworks"},
                                            {"terms", json::array{"firework", "  "}}}}),
                    422, "/category_bans/0/terms/1", "must not be empty");
  ExpectRefusedJson("overlong category", "PUT", "/v1/organisations/platform/protection",
                    keys_.admin,
                    with_bans({airbags, json::object{{"id", "long"},
                                                     {"categories",
                                                      json::array{std::string(201, 'c')}}}}),
                    422, "/category_bans/1/categories/0", "at most 200 bytes");
  ExpectRefusedJson("blank id", "PUT", "/v1/organisations/platform/protection", keys_.admin,
                    with_bans({json::object{{"id", " "}, {"terms", json::array{"x"}}}}), 422,
                    "/category_bans/0/id");
  // The same bans, valid, are stored.
  Reply ok = Call("PUT", "/v1/organisations/platform/protection", keys_.admin,
                  with_bans({airbags}));
  EXPECT_EQ(ok.status, 200) << ok;
  EXPECT_EQ(ok.At("/category_bans/0/id"), "airbags") << ok;
}

TEST_F(BadInput, HeadersAndRoutingProblems) {
  std::string notice = json::serialize(NoticeBody("t-s1-1", acme_right_));
  ExpectRefused("overlong Idempotency-Key", "POST", "/v1/notices", keys_.acme, notice,
                "application/json", 422, "Idempotency-Key", "", {{"Idempotency-Key",
                                                                 std::string(201, 'k')}});
  ExpectRefused("malformed Authorization", "POST", "/v1/notices", "", notice, "application/json",
                401, "", "Bearer", {{"Authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l"}});
  ExpectRefused("unknown API key", "POST", "/v1/notices", "cf_0000000000000000000000", notice,
                "application/json", 401);
  ExpectRefused("unknown route", "GET", "/v1/nothing-here", keys_.acme, "", "", 404);
  ExpectRefused("wrong method", "DELETE", "/v1/notices", keys_.acme, "", "", 405);
}

// With the configuration's [regimes.us_dmca] restoring by the 12th business
// day at the latest, a marketplace's override is checked on that regime, the
// one RegimeFor applies it to, not on the built-in DMCA regime (latest 14).
class BadInputWithConfiguredRegime : public BadInput {
 protected:
  void Configure(service::Config& c) override {
    c.regimes["us_dmca"] = json::object{{"restore_max_days", 12}};
  }
};

TEST_F(BadInputWithConfiguredRegime, RefusesAnOverrideTheConfiguredRegimeMakesInvalid) {
  ExpectRefusedJson(
      "restoration after the configured latest day", "PATCH", "/v1/marketplaces/shopeu",
      keys_.admin,
      json::object{{"regime_overrides",
                    json::object{{"us_dmca", json::object{{"restore_after_days", 14}}}}}},
      422, "/regime_overrides/us_dmca/restore_after_days", "restore_max_days (12)");
  Reply regime = Call("GET", "/v1/marketplaces/shopeu/regime", keys_.admin);
  ASSERT_EQ(regime.status, 200) << regime;
  EXPECT_EQ(regime.At("/restore_max_days"), 12) << regime;

  Reply ok = Call("PATCH", "/v1/marketplaces/shopeu", keys_.admin,
                  json::object{{"regime_overrides",
                                json::object{{"us_dmca",
                                              json::object{{"restore_after_days", 11}}}}}});
  ASSERT_EQ(ok.status, 200) << ok;
  regime = Call("GET", "/v1/marketplaces/shopeu/regime", keys_.admin);
  ASSERT_EQ(regime.status, 200) << regime;
  EXPECT_EQ(regime.At("/restore_after_days"), 11) << regime;
}

}  // namespace
}  // namespace counterfoil::testing
