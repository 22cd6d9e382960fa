// What the web console needs from the server: its files served at "/" beside
// the API, the demo accounts for the sign-in page in demo mode, and the
// movable clock of `counterfoil serve --test-clock` that its end-to-end tests
// use to let a restoration window pass.
#include <fstream>

#include "api/test_clock.h"
#include "tests/support/fixture.h"

namespace counterfoil::testing {
namespace {

class ConsoleSupport : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    web_ = dir_ / "web";
    std::filesystem::create_directories(web_ / "assets");
    std::ofstream(web_ / "index.html") << "<!doctype html><title>Counterfoil</title>";
    std::ofstream(web_ / "assets" / "index-3f2a.js") << "console.log(1)";
    std::ofstream(web_ / "favicon.svg") << "<svg/>";
    std::ofstream(dir_ / "secret.txt") << "outside the console";
  }
  std::filesystem::path web_;
};

TEST_F(ConsoleSupport, WithoutABuildTheRootIsNotFoundAndTheApiIsUnchanged) {
  EXPECT_EQ(Call("GET", "/").status, 404);
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
}

TEST_F(ConsoleSupport, ServesIndexForConsolePagesAndFilesByType) {
  app_->api().ServeConsole(web_.string());
  Reply root = Call("GET", "/");
  ASSERT_EQ(root.status, 200) << root;
  EXPECT_NE(root.text.find("<title>Counterfoil"), std::string::npos);
  EXPECT_EQ(root.Header("content-type").value_or(""), "text/html; charset=utf-8");
  EXPECT_NE(root.Header("content-security-policy").value_or("").find("default-src 'self'"),
            std::string::npos);
  EXPECT_EQ(root.Header("cache-control").value_or(""), "no-cache");

  Reply page = Call("GET", "/notices/ntc_01ABC");  // a console route, not a file
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.text, root.text);

  Reply js = Call("GET", "/assets/index-3f2a.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.text, "console.log(1)");
  EXPECT_EQ(js.Header("content-type").value_or(""), "text/javascript; charset=utf-8");
  EXPECT_NE(js.Header("cache-control").value_or("").find("immutable"), std::string::npos);
  EXPECT_EQ(Call("GET", "/favicon.svg").Header("content-type").value_or(""), "image/svg+xml");

  EXPECT_EQ(Call("GET", "/assets/missing-0000.js").status, 404);
}

TEST_F(ConsoleSupport, NeverServesFilesOutsideTheBuild) {
  app_->api().ServeConsole(web_.string());
  for (const char* p : {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2F..%2Fsecret.txt",
                        "/assets\\..\\..\\secret.txt", "//etc/passwd"}) {
    Reply r = Call("GET", p);
    EXPECT_EQ(r.text.find("outside the console"), std::string::npos) << p;
    EXPECT_NE(r.status, 200) << p;
  }
}

TEST_F(ConsoleSupport, ApiRoutesStayTheApisAndWritesAreNotServed) {
  app_->api().ServeConsole(web_.string());
  EXPECT_EQ(Call("GET", "/v1/notices").status, 401);
  EXPECT_EQ(Call("GET", "/v1/no-such-route").ProblemType(), "not_found");
  EXPECT_EQ(Call("POST", "/", keys_.admin, json::object{}).status, 404);
  EXPECT_EQ(Call("GET", "/metrics").Header("content-type").value_or("").find("text/html"),
            std::string::npos);
}

TEST_F(ConsoleSupport, DemoAccountsAreListedOnlyInDemoMode) {
  EXPECT_EQ(Call("GET", "/v1/demo/accounts").status, 404);
  app_->api().SetDemoAccounts(json::array{json::object{{"email", "brand@demo.counterfoil"},
                                                       {"role", "rights_holder"},
                                                       {"description", "Aurora"},
                                                       {"password", "counterfoil-demo"}}});
  Reply r = Call("GET", "/v1/demo/accounts");
  ASSERT_EQ(r.status, 200) << r;
  ASSERT_EQ(r.Items().size(), 1u);
  EXPECT_EQ(r.Str("/items/0/email"), "brand@demo.counterfoil");
}

TEST_F(ConsoleSupport, OnlyAnAdminMovesTheTestClockAndOnlyWhenEnabled) {
  json::object body{{"advance_seconds", 16 * 24 * 3600}};
  EXPECT_EQ(Call("POST", "/v1/test/clock", keys_.admin, body).status, 404);
  api::TestClock clock;
  app_->api().SetTestClock(&clock);
  EXPECT_EQ(Call("POST", "/v1/test/clock", "", body).status, 401);
  EXPECT_EQ(Call("POST", "/v1/test/clock", keys_.reviewer, body).status, 403);
  EXPECT_EQ(Call("POST", "/v1/test/clock", keys_.acme, body).status, 403);
  EXPECT_EQ(clock.offset(), Duration(0));
  Reply bad = Call("POST", "/v1/test/clock", keys_.admin, json::object{{"advance_seconds", -1}});
  EXPECT_EQ(bad.status, 422) << bad;
  EXPECT_EQ(bad.ErrorPointer(), "/advance_seconds");
  Reply r = Call("POST", "/v1/test/clock", keys_.admin, body);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.At("/offset_seconds").to_number<int64_t>(), 16 * 24 * 3600);
  EXPECT_EQ(clock.offset(), std::chrono::days(16));
}

TEST(TestClock, RunsWithTheWallClockPlusWhatItWasMovedBy) {
  api::TestClock clock;
  Timestamp before = SystemClock::Default()->Now();
  clock.Advance(std::chrono::days(15));
  Timestamp moved = clock.Now();
  EXPECT_GE(moved - before, std::chrono::days(15));
  EXPECT_LT(moved - before, std::chrono::days(15) + std::chrono::minutes(1));
}

}  // namespace
}  // namespace counterfoil::testing
