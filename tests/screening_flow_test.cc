// Proactive screening end to end over real HTTP: a rights holder registers
// protection data, the rule set rebuilds in the background and existing
// listings are re-screened; pushed listings are screened (review → a hit in
// the reviewers' queue, block → kept offline at once); reviewers confirm
// (takedown, own-initiative statement of reasons, strike, stay-down) or
// dismiss (per-rule false-positive counts); a reworded re-upload by another
// seller is caught by the stay-down bank and linked to the original
// decision; tenancy; internal complaints against screening takedowns (DSA
// art. 20: restoration, voided strike, stay-down and rule statistics
// reversed); and a restart that loads the compiled rule set from the
// on-disk cache and the stay-down bank from storage.
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/fixture.h"

namespace counterfoil::testing {
namespace {

using std::chrono::days;

// A listing's long description, so that a near-copy is recognisably the
// same text (the stay-down bank compares word shingles).
constexpr char kDryerDescription[] =
    "Brand new hair dryer in its box with diffuser and concentrator nozzles, three heat "
    "settings and two speeds, cool shot button, ionic care for frizz free hair, ships in 48 "
    "hours from our warehouse.";
// The same listing reworded a little by another seller.
constexpr char kDryerReworded[] =
    "Brand new hair dryer in its original box with diffuser and concentrator nozzles, three heat "
    "settings and two speeds, cool shot button, ionic care for frizz free hair, ships in 48 "
    "hours from the warehouse.";

class ScreeningFlow : public IntegrationTest {
 protected:
  // GET /v1/screening/status until `done` holds: the runner rebuilds in the
  // background, so the test polls the state instead of timing it.
  Reply WaitForStatus(const std::function<bool(const Reply&)>& done) {
    Reply r;
    for (int i = 0; i < 6000; ++i) {
      r = Get(keys_.admin, "/v1/screening/status");
      if (r.status == 200 && done(r)) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "the screening status never reached the expected state: " << r;
    return r;
  }
  static bool Settled(const Reply& r) {
    return !r.At("/rebuild_pending").as_bool() && !r.At("/rebuilding").as_bool() &&
           r.At("/rescreen").is_object() && r.Str("/rescreen/state") == "done";
  }

  json::object Dryer(const std::string& seller, const std::string& description,
                     double price = 120) const {
    return json::object{{"seller_id", seller},
                        {"title", "4cme StormJet hair dryer"},
                        {"description", description},
                        {"category", "home-appliances"},
                        {"price", json::object{{"amount", price}, {"currency", "USD"}}}};
  }
  Reply Push(const std::string& key, const std::string& id, const json::object& body) {
    return Call("PUT", "/v1/listings/" + id, key, body);
  }
  std::string ListingStatus(const std::string& id) {
    return Get(keys_.admin, "/v1/listings/" + id).Str("/status");
  }
  std::set<std::string> HitIds(const std::string& key, const std::string& query = "") {
    Reply r = Get(key, "/v1/screening/hits?limit=200" + query);
    EXPECT_EQ(r.status, 200) << r;
    std::set<std::string> ids;
    for (const auto& h : r.Items()) ids.insert(std::string(h.at("id").as_string()));
    return ids;
  }
  // The reason of `code` in a verdict (stored or shared format), or null.
  static const json::object* ReasonOf(const json::value& verdict, std::string_view code) {
    if (!verdict.is_object()) return nullptr;
    const json::value* reasons = verdict.as_object().if_contains("reasons");
    if (!reasons || !reasons->is_array()) return nullptr;
    for (const auto& r : reasons->as_array())
      if (r.at("code") == json::value(code)) return &r.as_object();
    return nullptr;
  }
  const json::object* RuleStat(const Reply& rules, std::string_view code,
                               std::string_view rights_holder) {
    for (const auto& s : rules.Items())
      if (s.at("code") == json::value(code) &&
          s.at("rights_holder_id") == json::value(rights_holder))
        return &s.as_object();
    return nullptr;
  }
  // `counterfoil screen --data` on the server's data directory: the verdicts,
  // one per listing; what it said on stderr goes to `said`.
  std::vector<json::value> RunScreenCli(const std::vector<json::object>& listings,
                                        std::string* said) {
    std::filesystem::path input = std::filesystem::path(config_.data_dir) / "cli-listings.jsonl";
    {
      std::ofstream f(input);
      for (const auto& l : listings) f << json::serialize(l) << "\n";
    }
    std::filesystem::path output = std::filesystem::path(config_.data_dir) / "cli-verdicts.jsonl";
    std::string command = std::string(COUNTERFOIL_BINARY) + " screen --data " + config_.data_dir +
                          " -o " + output.string() + " " + input.string() + " 2>&1";
    FILE* p = popen(command.c_str(), "r");
    if (p == nullptr) {
      ADD_FAILURE() << "popen " << command;
      return {};
    }
    said->clear();
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) said->append(buf, n);
    int status = pclose(p);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << *said;
    std::ifstream f(output);
    std::vector<json::value> verdicts;
    for (std::string line; std::getline(f, line);) verdicts.push_back(json::parse(line));
    return verdicts;
  }
  void Restart() {
    app_->Stop();
    app_.reset();
    auto app = api::App::Open(config_, &clock_);
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(app).value();
    Status started = app_->Start(/*jobs=*/false);
    ASSERT_TRUE(started.ok()) << started.ToString();
  }
};

// The whole path of the issue: protection data → background rebuild →
// re-screen → review verdict on a push → the reviewer confirms → takedown
// with an own-initiative statement → a reworded re-upload by another seller
// is caught by stay-down and linked to the original hit.
TEST_F(ScreeningFlow, ProtectionDataToReviewToConfirmedTakedownToStayDown) {
  app_->runner().Start();  // the background rebuild and re-screening thread
  Reply before = Get(keys_.admin, "/v1/screening/status");
  ASSERT_EQ(before.status, 200) << before;
  EXPECT_EQ(before.At("/rights_holder_count"), 0) << before;

  // A listing already online before the brand registers its data.
  ASSERT_EQ(Push(keys_.taobao, "t-old-1", Dryer("s2", "Old stock, ships fast.", 99)).status, 201);
  EXPECT_EQ(Get(keys_.admin, "/v1/listings/t-old-1").Str("/screening/decision"), "allow");

  // The operator's suspicious terms and the brand's protection data.
  ASSERT_EQ(Call("POST", "/v1/organisations", keys_.admin,
                 json::object{{"id", "platform"}, {"name", "Operator"}, {"kind", "platform"}})
                .status,
            201);
  ASSERT_EQ(Call("PUT", "/v1/organisations/platform/protection", keys_.admin,
                 json::object{{"suspicious_terms", json::array{"replica", "1:1"}}})
                .status,
            200);
  Reply put =
      Call("PUT", "/v1/organisations/acme/protection", keys_.acme,
           json::object{
               {"brand_terms", json::array{"acme"}},
               {"categories", json::array{"home-appliances"}},
               {"products", json::array{json::object{
                                {"name", "StormJet hair dryer"},
                                {"terms", json::array{"stormjet"}},
                                {"msrp", json::object{{"amount", 400.0}, {"currency", "USD"}}}}}}});
  ASSERT_EQ(put.status, 200) << put;

  // The rule set is rebuilt in the background and swapped in; the re-screen
  // of the existing listings runs to completion with visible progress.
  Reply built = WaitForStatus([&](const Reply& r) {
    return r.Str("/rule_set") != before.Str("/rule_set") && Settled(r) &&
           r.At("/rights_holder_count").as_int64() >= 1;
  });
  EXPECT_GT(built.At("/pattern_count").as_int64(), 0) << built;
  EXPECT_FALSE(built.At("/built_from_cache").as_bool()) << built;
  EXPECT_EQ(built.Str("/rescreen/kind"), "screening_rescreen") << built;
  EXPECT_EQ(built.At("/rescreen/processed"), built.At("/rescreen/total")) << built;
  EXPECT_EQ(built.At("/rescreen/progress").to_number<double>(), 1.0) << built;
  EXPECT_EQ(built.Str("/rescreen/screening/rule_set"), built.Str("/rule_set")) << built;
  Reply job = Get(keys_.admin, built.Str("/rescreen/links/self"));
  EXPECT_EQ(job.status, 200) << job;
  EXPECT_EQ(job.Str("/state"), "done") << job;
  // The old listing was found by the re-screen.
  Reply old = Get(keys_.admin, "/v1/listings/t-old-1");
  EXPECT_EQ(old.Str("/screening/decision"), "review") << old;
  EXPECT_EQ(old.Str("/screening/rule_set"), built.Str("/rule_set")) << old;
  Reply old_hit = Get(keys_.reviewer, old.Str("/links/screening_hit"));
  ASSERT_EQ(old_hit.status, 200) << old_hit;
  EXPECT_EQ(old_hit.Str("/trigger"), "rescreen");

  // A disguised brand at 30% of the MSRP: review, not published blindly.
  Reply pushed = Push(keys_.taobao, "t-dryer-1", Dryer("s1", kDryerDescription));
  ASSERT_EQ(pushed.status, 201) << pushed;
  EXPECT_EQ(pushed.Str("/status"), "active");
  EXPECT_EQ(pushed.Str("/screening/decision"), "review") << pushed;
  EXPECT_NE(ReasonOf(pushed.At("/screening"), "brand_disguised"), nullptr) << pushed;
  EXPECT_NE(ReasonOf(pushed.At("/screening"), "price_below_msrp"), nullptr) << pushed;
  std::string hit = pushed.Str("/screening/hit_id");
  ASSERT_FALSE(hit.empty()) << pushed;

  // The hit waits in the reviewers' queue beside the notices.
  Reply queue = Get(keys_.reviewer, "/v1/review/queue?queue=screening");
  ASSERT_EQ(queue.status, 200) << queue;
  std::set<std::string> queued;
  for (const auto& h : queue.Items()) queued.insert(std::string(h.at("id").as_string()));
  EXPECT_TRUE(queued.count(hit)) << queue;
  Reply shown = Get(keys_.reviewer, "/v1/screening/hits/" + hit);
  ASSERT_EQ(shown.status, 200) << shown;
  EXPECT_EQ(shown.Str("/status"), "open");
  EXPECT_EQ(shown.At("/rights_holder_ids"), (json::array{"acme"})) << shown;
  EXPECT_EQ(shown.Str("/snapshot/title"), "4cme StormJet hair dryer");
  EXPECT_EQ(Get(keys_.acme, "/v1/screening/hits/" + hit).status, 200);
  // The seller and other brands see neither the hit nor the verdict.
  EXPECT_EQ(Get(keys_.rival, "/v1/screening/hits/" + hit).status, 404);
  EXPECT_TRUE(Get(keys_.s1, "/v1/listings/t-dryer-1").At("/screening").is_null());

  // The reviewer confirms: takedown with an own-initiative statement.
  Reply confirmed = Call("POST", "/v1/screening/hits/" + hit + "/confirm", keys_.reviewer,
                         json::object{{"note", "ACME in leetspeak at 30% of the MSRP."}});
  ASSERT_EQ(confirmed.status, 200) << confirmed;
  EXPECT_EQ(confirmed.Str("/status"), "confirmed");
  EXPECT_EQ(ListingStatus("t-dryer-1"), "removed");
  std::string statement = confirmed.Str("/statement_id");
  ASSERT_FALSE(statement.empty()) << confirmed;
  Reply sor = Get(keys_.s1, "/v1/statements/" + statement);  // the seller receives it
  ASSERT_EQ(sor.status, 200) << sor;
  EXPECT_EQ(sor.Str("/source"), "own_initiative") << sor;
  EXPECT_EQ(sor.At("/notice_based"), false) << sor;
  EXPECT_EQ(sor.At("/automated_detection"), true) << sor;
  EXPECT_EQ(sor.At("/automated_decision"), false) << sor;  // a person confirmed it
  EXPECT_EQ(sor.Str("/hit_id"), hit);
  EXPECT_EQ(sor.Str("/decision"), "removal");
  EXPECT_NE(sor.Str("/legal_ground").find("Acme Brands"), std::string::npos) << sor;
  EXPECT_NE(sor.Str("/facts").find("4cme"), std::string::npos) << sor;
  // A strike under the repeat-infringer policy, as for an upheld notice.
  Reply strikes = Get(keys_.admin, "/v1/sellers/s1/strikes");
  ASSERT_EQ(strikes.Items().size(), 1u) << strikes;
  EXPECT_EQ(strikes.Items()[0].at("hit_id"), json::value(hit));
  // The marketplace learns of the removal.
  bool removed_event = false;
  Reply feed = Get(keys_.taobao, "/v1/events?limit=1000");
  for (const auto& e : feed.Items())
    if (e.at("type") == "listing.removed" && e.at("data").at("listing_id") == "t-dryer-1")
      removed_event = e.at("data").at("hit_id") == json::value(hit);
  EXPECT_TRUE(removed_event);
  EXPECT_EQ(Get(keys_.admin, "/v1/screening/status").At("/stay_down_entries"), 1);
  EXPECT_EQ(Call("POST", "/v1/screening/hits/" + hit + "/dismiss", keys_.reviewer,
                 json::object{{"reason", "too late"}})
                .status,
            409);

  // Another seller re-uploads the listing, reworded a little: stay-down
  // catches it and links it to the original decision.
  Reply again = Push(keys_.taobao, "t-dryer-2", Dryer("s2", kDryerReworded));
  ASSERT_EQ(again.status, 201) << again;
  const json::object* stay = ReasonOf(again.At("/screening"), "stay_down");
  ASSERT_NE(stay, nullptr) << again;
  EXPECT_EQ(stay->at("ref"), json::value("hit:" + hit)) << again;
  EXPECT_NE(again.Str("/screening/decision"), "allow") << again;
  Reply second = Get(keys_.reviewer, "/v1/screening/hits/" + again.Str("/screening/hit_id"));
  ASSERT_EQ(second.status, 200) << second;
  EXPECT_EQ(second.Str("/stay_down_source"), "hit:" + hit);
  EXPECT_EQ(second.Str("/links/original_decision"), "/v1/screening/hits/" + hit);
  EXPECT_EQ(second.Str("/seller_id"), "s2");
}

TEST_F(ScreeningFlow, BlockVerdictKeepsTheListingOfflineWithAnAutomatedStatement) {
  SeedScreening();
  ASSERT_FALSE(HasFatalFailure());
  json::object body = ScreeningListing("taobao", "s1", "block");
  Reply r = Push(keys_.taobao, "t-fake-1", body);
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(r.Str("/status"), "blocked") << r;
  EXPECT_EQ(r.Str("/screening/decision"), "block") << r;
  std::string hit = r.Str("/screening/hit_id");
  EXPECT_EQ(r.Str("/status_reason"), "screening " + hit);
  Reply h = Get(keys_.reviewer, "/v1/screening/hits/" + hit);
  ASSERT_EQ(h.status, 200) << h;
  EXPECT_EQ(h.Str("/status"), "auto_blocked");
  EXPECT_EQ(h.Str("/decided_by"), "system");
  Reply sor = Get(keys_.s1, "/v1/statements/" + h.Str("/statement_id"));
  ASSERT_EQ(sor.status, 200) << sor;
  EXPECT_EQ(sor.Str("/source"), "own_initiative");
  EXPECT_EQ(sor.At("/automated_detection"), true);
  EXPECT_EQ(sor.At("/automated_decision"), true) << sor;  // no person decided
  EXPECT_NE(sor.Str("/restriction").find("not published"), std::string::npos) << sor;
  // Not in the review queue: nothing is left to decide.
  Reply queue = Get(keys_.reviewer, "/v1/review/queue?queue=screening");
  for (const auto& q : queue.Items()) EXPECT_NE(q.at("id"), json::value(hit));
  // The marketplace is told not to publish it; the text stays down.
  bool blocked_event = false;
  Reply feed = Get(keys_.taobao, "/v1/events?limit=1000");
  for (const auto& e : feed.Items())
    if (e.at("type") == "listing.blocked" && e.at("subject_id") == "t-fake-1") blocked_event = true;
  EXPECT_TRUE(blocked_event);
  EXPECT_EQ(Get(keys_.admin, "/v1/screening/status").At("/stay_down_entries"), 1);
  // An edit does not undo the block; the rule statistics count it.
  body["title"] = "StormJet style hair dryer";
  EXPECT_EQ(Push(keys_.taobao, "t-fake-1", body).Str("/status"), "blocked");
  Reply rules = Get(keys_.admin, "/v1/screening/rules");
  ASSERT_EQ(rules.status, 200) << rules;
  const json::object* suspicious = RuleStat(rules, "suspicious_term", "");
  ASSERT_NE(suspicious, nullptr) << rules;
  EXPECT_EQ(suspicious->at("auto_blocked"), 1) << rules;
  // A marketplace with stricter thresholds only sends it to review.
  ASSERT_EQ(Call("PATCH", "/v1/marketplaces/shopeu", keys_.admin,
                 json::object{{"screening", json::object{{"block", 0.99}, {"review", 0.5}}}})
                .status,
            200);
  Reply eu = Push(keys_.shopeu, "e-fake-1", ScreeningListing("shopeu", "s3", "block"));
  ASSERT_EQ(eu.status, 201) << eu;
  EXPECT_EQ(eu.Str("/screening/decision"), "review") << eu;
  EXPECT_EQ(eu.Str("/status"), "active");
}

TEST_F(ScreeningFlow, DismissalsFeedThePerRuleFalsePositiveCounts) {
  SeedScreening();
  ASSERT_FALSE(HasFatalFailure());
  Reply a = Push(keys_.taobao, "t-rev-1", ScreeningListing("taobao", "s1", "review"));
  Reply b = Push(keys_.taobao, "t-rev-2", ScreeningListing("taobao", "s2", "review"));
  ASSERT_EQ(a.Str("/screening/decision"), "review") << a;
  ASSERT_EQ(b.Str("/screening/decision"), "review") << b;
  std::string dismissed = a.Str("/screening/hit_id"), confirmed = b.Str("/screening/hit_id");

  StateCounts unchanged = CountState();
  Reply no_reason =
      Call("POST", "/v1/screening/hits/" + dismissed + "/dismiss", keys_.reviewer, json::object{});
  EXPECT_EQ(no_reason.status, 422) << no_reason;
  EXPECT_EQ(no_reason.ErrorPointer(), "/reason");
  EXPECT_EQ(CountState(), unchanged);

  Reply d =
      Call("POST", "/v1/screening/hits/" + dismissed + "/dismiss", keys_.reviewer,
           json::object{{"reason", "Genuine dryer from the brand's outlet; seller authorised."}});
  ASSERT_EQ(d.status, 200) << d;
  EXPECT_EQ(d.Str("/status"), "dismissed");
  EXPECT_EQ(ListingStatus("t-rev-1"), "active");  // a false positive changes nothing for the seller
  EXPECT_EQ(Call("POST", "/v1/screening/hits/" + confirmed + "/confirm", keys_.reviewer).status,
            200);
  EXPECT_EQ(ListingStatus("t-rev-2"), "removed");

  Reply rules = Get(keys_.admin, "/v1/screening/rules");
  ASSERT_EQ(rules.status, 200) << rules;
  for (const char* code : {"brand_disguised", "price_below_msrp"}) {
    const json::object* s = RuleStat(rules, code, "acme");
    ASSERT_NE(s, nullptr) << code << " " << rules;
    EXPECT_EQ(s->at("confirmed"), 1) << code;
    EXPECT_EQ(s->at("dismissed"), 1) << code;
    EXPECT_EQ(s->at("reviewed"), 2) << code;
    EXPECT_EQ(s->at("false_positive_rate").to_number<double>(), 0.5) << code;
  }
  // Reviewers' decisions are theirs: rights holders and sellers cannot decide.
  Reply c = Push(keys_.taobao, "t-rev-3", ScreeningListing("taobao", "s1", "review"));
  std::string open = c.Str("/screening/hit_id");
  EXPECT_EQ(Call("POST", "/v1/screening/hits/" + open + "/confirm", keys_.acme).status, 403);
  EXPECT_EQ(Call("POST", "/v1/screening/hits/" + open + "/dismiss", keys_.s1,
                 json::object{{"reason", "mine"}})
                .status,
            403);
  EXPECT_EQ(Get(keys_.acme, "/v1/screening/rules").status, 403);
}

// A reviewer's dismissal is a decision about this content: pushing it again
// or re-screening it under new rules raises no new hit, until the content
// changes or the rules find evidence the reviewer did not weigh.
TEST_F(ScreeningFlow, DismissedContentStaysClearedUntilItOrTheEvidenceChanges) {
  SeedScreening();
  ASSERT_FALSE(HasFatalFailure());
  const service::Principal sys = service::Principal::System();
  json::object body = ScreeningListing("taobao", "s1", "review");
  Reply a = Push(keys_.taobao, "t-clr-1", body);
  Reply b = Push(keys_.taobao, "t-clr-2", body);
  std::string hit_a = a.Str("/screening/hit_id"), hit_b = b.Str("/screening/hit_id");
  ASSERT_FALSE(hit_a.empty()) << a;
  ASSERT_FALSE(hit_b.empty()) << b;
  for (const std::string& hit : {hit_a, hit_b})
    ASSERT_EQ(Call("POST", "/v1/screening/hits/" + hit + "/dismiss", keys_.reviewer,
                   json::object{{"reason", "Refurbished unit sold by the brand's outlet."}})
                  .status,
              200);
  Reply cleared = Get(keys_.admin, "/v1/listings/t-clr-1");
  EXPECT_EQ(cleared.Str("/cleared/hit_id"), hit_a) << cleared;
  EXPECT_EQ(cleared.Str("/cleared/why"), "dismissed");
  EXPECT_EQ(cleared.Str("/cleared/content"), a.Str("/screening/content"));
  // Only staff and the marketplace see who cleared what.
  EXPECT_TRUE(Get(keys_.s1, "/v1/listings/t-clr-1").At("/cleared").is_null());
  EXPECT_TRUE(Get(keys_.acme, "/v1/listings/t-clr-1").At("/cleared").is_null());
  EXPECT_EQ(Get(keys_.taobao, "/v1/listings/t-clr-1").Str("/cleared/hit_id"), hit_a);

  // The same content pushed again: allowed, saying who cleared it.
  Reply again = Push(keys_.taobao, "t-clr-1", body);
  ASSERT_EQ(again.status, 200) << again;
  EXPECT_EQ(again.Str("/screening/decision"), "allow") << again;
  EXPECT_EQ(again.Str("/screening/cleared_by"), hit_a);
  EXPECT_NE(ReasonOf(again.At("/screening"), "brand_disguised"), nullptr) << again;
  // Edited content is judged afresh.
  json::object edited = body;
  edited["description"] = "Brand new hair dryer in its box, ships in 24 hours.";
  Reply changed = Push(keys_.taobao, "t-clr-2", edited);
  EXPECT_EQ(changed.Str("/screening/decision"), "review") << changed;
  std::string hit_c = changed.Str("/screening/hit_id");
  EXPECT_FALSE(hit_c.empty());
  EXPECT_NE(hit_c, hit_b);

  // New rules that find nothing new in it: the re-screen leaves it alone.
  ASSERT_TRUE(app_->registry()
                  .PutProtection(sys, "rival",
                                 json::object{{"brand_terms", json::array{"rivalo", "zephyrine"}},
                                              {"categories", json::array{"home-appliances"}}})
                  .ok())
      << "rival protection";
  app_->screening().RunPass();
  Reply rescreened = Get(keys_.admin, "/v1/listings/t-clr-1");
  EXPECT_EQ(rescreened.Str("/screening/rule_set"),
            Get(keys_.admin, "/v1/screening/status").Str("/rule_set"));
  EXPECT_NE(rescreened.Str("/screening/rule_set"), again.Str("/screening/rule_set"));
  EXPECT_EQ(rescreened.Str("/screening/decision"), "allow") << rescreened;
  EXPECT_EQ(rescreened.Str("/screening/cleared_by"), hit_a);
  EXPECT_EQ(HitIds(keys_.reviewer, "&status=open"), std::set<std::string>{hit_c});

  // Evidence the reviewer did not weigh (the operator now treats "brand new
  // hair dryer" as a counterfeit seller's phrase) is screened as usual: with
  // the disguised brand and the price it is overwhelming, and blocks.
  ASSERT_TRUE(app_->registry()
                  .PutProtection(
                      sys, "platform",
                      json::object{{"suspicious_terms", json::array{"replica", "1:1", "super copy",
                                                                    "brand new hair dryer"}}})
                  .ok())
      << "platform screening policy";
  app_->screening().RunPass();
  Reply reopened = Get(keys_.admin, "/v1/listings/t-clr-1");
  EXPECT_EQ(reopened.Str("/screening/decision"), "block") << reopened;
  EXPECT_EQ(reopened.Str("/status"), "blocked");
  EXPECT_TRUE(reopened.Str("/screening/cleared_by").empty());
  EXPECT_NE(ReasonOf(reopened.At("/screening"), "suspicious_term"), nullptr) << reopened;
  std::string hit_d = reopened.Str("/screening/hit_id");
  EXPECT_FALSE(hit_d.empty());
  EXPECT_NE(hit_d, hit_a);
  EXPECT_EQ(Get(keys_.reviewer, "/v1/screening/hits/" + hit_d).Str("/trigger"), "rescreen");
}

// `counterfoil screen --data` reads what the server stores and weighs it as
// the server does: the seller's strikes, the marketplace's thresholds and
// the stay-down bank. Its verdicts equal POST /v1/screen's.
TEST_F(ScreeningFlow, CliScreenOfTheDataDirectoryWeighsWhatTheServerWeighs) {
  SeedScreening();
  ASSERT_FALSE(HasFatalFailure());
  // s1 earns a strike; the dryer's text goes into the stay-down bank.
  Reply pushed = Push(keys_.taobao, "t-dryer-1", Dryer("s1", kDryerDescription));
  std::string hit = pushed.Str("/screening/hit_id");
  ASSERT_FALSE(hit.empty()) << pushed;
  ASSERT_EQ(Call("POST", "/v1/screening/hits/" + hit + "/confirm", keys_.reviewer).status, 200);
  // shopeu reviews from a lower score than the configuration.
  ASSERT_EQ(Call("PATCH", "/v1/marketplaces/shopeu", keys_.admin,
                 json::object{{"screening", json::object{{"review", 0.3}, {"block", 0.9}}}})
                .status,
            200);

  std::vector<json::object> listings;
  auto add = [&](const std::string& id, const std::string& marketplace, json::object l) {
    l["id"] = id;
    l["marketplace"] = marketplace;
    listings.push_back(std::move(l));
  };
  add("c-1", "taobao", ScreeningListing("taobao", "s1", "review"));  // s1 has a strike
  add("c-2", "taobao", ScreeningListing("taobao", "s2", "review"));  // s2 has none
  add("c-3", "taobao", Dryer("s2", kDryerReworded));  // stay-down
  // Brand named, price at half the MSRP: a weak case, reviewed only where
  // the marketplace asks for it.
  json::object weak = Dryer("s3", "Brand new hair dryer in its box.", 200);
  weak["title"] = "Acme StormJet hair dryer";
  add("c-4", "shopeu", weak);
  add("c-5", "nowhere", ScreeningListing("taobao", "s2", "review"));
  std::string said;
  std::vector<json::value> verdicts = RunScreenCli(listings, &said);
  ASSERT_FALSE(HasFailure());
  EXPECT_NE(said.find("cli-listings.jsonl:5: warning: marketplace \"nowhere\" is not in"),
            std::string::npos)
      << said;
  ASSERT_EQ(verdicts.size(), listings.size()) << said;
  EXPECT_NE(ReasonOf(verdicts[0], "seller_history"), nullptr) << verdicts[0];
  EXPECT_EQ(ReasonOf(verdicts[1], "seller_history"), nullptr) << verdicts[1];
  const json::object* stay = ReasonOf(verdicts[2], "stay_down");
  ASSERT_NE(stay, nullptr) << verdicts[2];
  EXPECT_EQ(stay->at("ref"), json::value("hit:" + hit));
  // The server's verdict on the same listing, for the marketplaces it knows.
  for (size_t i = 0; i + 1 < listings.size(); ++i) {
    Reply server = Call("POST", "/v1/screen", keys_.admin, listings[i]);
    ASSERT_EQ(server.status, 200) << server;
    EXPECT_EQ(verdicts[i].at("decision"), server.At("/decision")) << i << " " << verdicts[i];
    EXPECT_EQ(verdicts[i].at("score"), server.At("/score")) << i << " " << verdicts[i];
  }
  EXPECT_EQ(verdicts[3].at("decision"), json::value("review")) << verdicts[3];
  // Without the marketplace's thresholds the same listing would be allowed.
  Reply elsewhere = Call("POST", "/v1/screen", keys_.admin,
                         json::object{{"id", "c-4b"},
                                      {"marketplace", "taobao"},
                                      {"seller_id", "s2"},
                                      {"title", listings[3].at("title")},
                                      {"description", listings[3].at("description")},
                                      {"category", listings[3].at("category")},
                                      {"price", listings[3].at("price")}});
  EXPECT_EQ(elsewhere.Str("/decision"), "allow") << elsewhere;
}

// A verdict that stores nothing weighs a reviewer's dismissal as a push of
// the same content would: POST /v1/screen, its bulk form and `counterfoil
// screen --data` say allow and name the hit decided, and only for the very
// content that was cleared.
TEST_F(ScreeningFlow, PublishTimeVerdictsWeighClearancesAsPushesDo) {
  SeedScreening();
  ASSERT_FALSE(HasFatalFailure());
  json::object body = ScreeningListing("taobao", "s1", "review");
  Reply pushed = Push(keys_.taobao, "t-pub-1", body);
  std::string hit = pushed.Str("/screening/hit_id");
  ASSERT_FALSE(hit.empty()) << pushed;
  json::object same = body;
  same["id"] = "t-pub-1";
  same["marketplace"] = "taobao";
  // Before anyone decided: reviewed, like the push.
  Reply before = Call("POST", "/v1/screen", keys_.taobao, same);
  EXPECT_EQ(before.Str("/decision"), "review") << before;
  EXPECT_TRUE(before.At("/cleared_by").is_null()) << before;
  ASSERT_EQ(Call("POST", "/v1/screening/hits/" + hit + "/dismiss", keys_.reviewer,
                 json::object{{"reason", "The brand's own outlet."}})
                .status,
            200);

  json::object edited = same;
  edited["description"] = "Brand new hair dryer in its box, ships in 24 hours.";
  json::object other = same;
  other["id"] = "t-pub-2";  // the same text under another listing: never decided
  for (const std::string& key : {keys_.taobao, keys_.reviewer}) {
    Reply cleared = Call("POST", "/v1/screen", key, same);
    ASSERT_EQ(cleared.status, 200) << cleared;
    EXPECT_EQ(cleared.Str("/decision"), "allow") << cleared;
    EXPECT_EQ(cleared.Str("/cleared_by"), hit) << cleared;
    EXPECT_NE(ReasonOf(cleared.body, "brand_disguised"), nullptr) << cleared;
    Reply changed = Call("POST", "/v1/screen", key, edited);
    EXPECT_EQ(changed.Str("/decision"), "review") << changed;
    EXPECT_TRUE(changed.At("/cleared_by").is_null()) << changed;
    EXPECT_EQ(Call("POST", "/v1/screen", key, other).Str("/decision"), "review");
  }
  std::string jsonl = json::serialize(same) + "\n" + json::serialize(edited) + "\n";
  Reply bulk = CallRaw("POST", "/v1/screen/bulk", keys_.taobao, jsonl, "application/x-ndjson");
  ASSERT_EQ(bulk.status, 200) << bulk;
  std::vector<json::value> lines;
  std::istringstream in(bulk.text);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  ASSERT_EQ(lines.size(), 2u) << bulk.text;
  EXPECT_EQ(lines[0].at("decision"), json::value("allow")) << bulk.text;
  EXPECT_EQ(lines[0].at("cleared_by"), json::value(hit)) << bulk.text;
  EXPECT_EQ(lines[1].at("decision"), json::value("review")) << bulk.text;
  EXPECT_EQ(lines[1].as_object().if_contains("cleared_by"), nullptr) << bulk.text;
  // Nothing was stored: the listing keeps the verdict of its push.
  EXPECT_EQ(Get(keys_.admin, "/v1/listings/t-pub-1").Str("/screening/decision"), "review");

  std::string said;
  std::vector<json::value> cli = RunScreenCli({same, edited, other}, &said);
  ASSERT_EQ(cli.size(), 3u) << said;
  EXPECT_EQ(cli[0].at("decision"), json::value("allow")) << cli[0];
  EXPECT_EQ(cli[0].at("cleared_by"), json::value(hit)) << cli[0];
  EXPECT_EQ(cli[1].at("decision"), json::value("review")) << cli[1];
  EXPECT_EQ(cli[2].at("decision"), json::value("review")) << cli[2];
}

// A decision names the listing version the reviewer judged: a push that
// changed the listing meanwhile refreshes the hit, and a dismissal of the
// old view is refused rather than clearing content nobody looked at.
TEST_F(ScreeningFlow, ADecisionOnAListingChangedMeanwhileIsRefused) {
  SeedScreening();
  ASSERT_FALSE(HasFatalFailure());
  json::object body = ScreeningListing("taobao", "s1", "review");
  Reply first = Push(keys_.taobao, "t-stale-1", body);
  std::string hit = first.Str("/screening/hit_id");
  ASSERT_FALSE(hit.empty()) << first;
  const int64_t seen = Get(keys_.reviewer, "/v1/screening/hits/" + hit).At("/listing_version").as_int64();
  body["description"] = "Brand new hair dryer, sealed, ships in 24 hours.";
  Reply second = Push(keys_.taobao, "t-stale-1", body);
  ASSERT_EQ(second.Str("/screening/hit_id"), hit) << second;  // the same open hit, refreshed
  const int64_t now = Get(keys_.reviewer, "/v1/screening/hits/" + hit).At("/listing_version").as_int64();
  ASSERT_GT(now, seen);

  StateCounts unchanged = CountState();
  for (const char* action : {"dismiss", "confirm"}) {
    Reply stale = Call("POST", "/v1/screening/hits/" + hit + "/" + action, keys_.reviewer,
                       json::object{{"reason", "Outlet stock."}, {"listing_version", seen}});
    if (std::string_view(action) == "confirm")
      stale = Call("POST", "/v1/screening/hits/" + hit + "/confirm", keys_.reviewer,
                   json::object{{"listing_version", seen}});
    EXPECT_EQ(stale.status, 409) << action << " " << stale;
    EXPECT_EQ(stale.ProblemType(), "listing_changed") << stale;
    EXPECT_EQ(stale.ErrorPointer(), "/listing_version") << stale;
  }
  EXPECT_EQ(CountState(), unchanged);
  EXPECT_EQ(Get(keys_.reviewer, "/v1/screening/hits/" + hit).Str("/status"), "open");
  EXPECT_TRUE(Get(keys_.admin, "/v1/listings/t-stale-1").At("/cleared").is_null());

  Reply fresh = Call("POST", "/v1/screening/hits/" + hit + "/dismiss", keys_.reviewer,
                     json::object{{"reason", "Outlet stock."}, {"listing_version", now}});
  ASSERT_EQ(fresh.status, 200) << fresh;
  EXPECT_EQ(Get(keys_.admin, "/v1/listings/t-stale-1").Str("/cleared/content"),
            second.Str("/screening/content"));
}

TEST_F(ScreeningFlow, RightsHolderSeesOnlyHitsConcerningItsOwnRights) {
  SeedScreening();
  ASSERT_FALSE(HasFatalFailure());
  std::string acme_hit = Push(keys_.taobao, "t-acme-1", ScreeningListing("taobao", "s1", "review"))
                             .Str("/screening/hit_id");
  std::string rival_hit = Push(keys_.shopeu, "e-rival-1", ScreeningListing("shopeu", "s3", "rival"))
                              .Str("/screening/hit_id");
  ASSERT_FALSE(acme_hit.empty());
  ASSERT_FALSE(rival_hit.empty());

  EXPECT_EQ(HitIds(keys_.acme), std::set<std::string>{acme_hit});
  EXPECT_EQ(HitIds(keys_.rival), std::set<std::string>{rival_hit});
  EXPECT_EQ(HitIds(keys_.agent), std::set<std::string>{acme_hit});  // acts for acme
  EXPECT_TRUE(HitIds(keys_.pubco).empty());
  EXPECT_EQ(HitIds(keys_.reviewer), (std::set<std::string>{acme_hit, rival_hit}));
  EXPECT_EQ(HitIds(keys_.taobao), std::set<std::string>{acme_hit});
  EXPECT_EQ(HitIds(keys_.shopeu), std::set<std::string>{rival_hit});
  EXPECT_EQ(Get(keys_.acme, "/v1/screening/hits/" + rival_hit).status, 404);
  EXPECT_EQ(Get(keys_.rival, "/v1/screening/hits/" + acme_hit).status, 404);
  EXPECT_EQ(Get(keys_.taobao, "/v1/screening/hits/" + rival_hit).status, 404);
  EXPECT_EQ(Get(keys_.s1, "/v1/screening/hits").status, 403);
  EXPECT_EQ(Get(keys_.s1, "/v1/screening/hits/" + acme_hit).status, 404);
  // Filters narrow; they never widen.
  EXPECT_TRUE(HitIds(keys_.acme, "&marketplace_id=shopeu").empty());
  EXPECT_EQ(HitIds(keys_.reviewer, "&status=open&marketplace_id=shopeu"),
            std::set<std::string>{rival_hit});
  EXPECT_TRUE(HitIds(keys_.reviewer, "&status=dismissed").empty());
  // A rights holder reading a listing sees no verdict naming other brands.
  EXPECT_TRUE(Get(keys_.acme, "/v1/listings/e-rival-1").At("/screening").is_null());
}

TEST_F(ScreeningFlow, AcceptedNoticeFeedsTheStayDownBankUntilItIsReversed) {
  SeedScreening();
  ASSERT_FALSE(HasFatalFailure());
  json::object vase{{"seller_id", "s1"},
                    {"title", "Hand painted porcelain vase with gold rim"},
                    {"description",
                     "Tall porcelain vase painted by hand with blue peonies and a gold "
                     "rim, thirty centimetres high, gift box included, ships in two days."},
                    {"category", "home"},
                    {"price", json::object{{"amount", 35.0}, {"currency", "USD"}}}};
  Reply pushed = Push(keys_.taobao, "t-vase-1", vase);
  ASSERT_EQ(pushed.Str("/screening/decision"), "allow") << pushed;
  std::string notice = FileNotice(keys_.acme, NoticeBody("t-vase-1", acme_right_));
  Accept(notice);
  EXPECT_EQ(Get(keys_.admin, "/v1/screening/status").At("/stay_down_entries"), 1);

  // The same listing from another seller is caught and linked to the notice.
  vase["seller_id"] = "s2";
  Reply copy = Push(keys_.taobao, "t-vase-2", vase);
  ASSERT_EQ(copy.status, 201) << copy;
  const json::object* stay = ReasonOf(copy.At("/screening"), "stay_down");
  ASSERT_NE(stay, nullptr) << copy;
  EXPECT_EQ(stay->at("ref"), json::value("notice:" + notice));
  Reply hit = Get(keys_.reviewer, "/v1/screening/hits/" + copy.Str("/screening/hit_id"));
  EXPECT_EQ(hit.Str("/links/original_decision"), "/v1/notices/" + notice) << hit;

  // The seller counter-notifies and the brand files no action: the listing
  // is restored (cn_ecl, 15 days) and its text leaves the bank.
  FileCounterNotice(keys_.s1, notice);
  clock_.Advance(days(16));
  auto due = app_->notices().RunDue();
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  EXPECT_EQ(due->restored, 1);
  EXPECT_EQ(Get(keys_.admin, "/v1/screening/status").At("/stay_down_entries"), 0);
  vase["seller_id"] = "s1";
  Reply third = Push(keys_.taobao, "t-vase-3", vase);
  EXPECT_EQ(ReasonOf(third.At("/screening"), "stay_down"), nullptr) << third;
}

TEST_F(ScreeningFlow, PublishTimeVerdictsStoreNothing) {
  SeedScreening();
  ASSERT_FALSE(HasFatalFailure());
  StateCounts before = CountState();
  json::object listing = ScreeningListing("taobao", "s1", "review");
  listing["id"] = "probe-1";
  Reply one = Call("POST", "/v1/screen", keys_.taobao, listing);
  ASSERT_EQ(one.status, 200) << one;
  EXPECT_EQ(one.Str("/listing_id"), "probe-1");
  EXPECT_EQ(one.Str("/decision"), "review") << one;
  EXPECT_NE(ReasonOf(one.body, "brand_disguised"), nullptr) << one;

  json::object blocked = ScreeningListing("taobao", "s1", "block");
  blocked["id"] = "probe-2";
  json::object allowed = ScreeningListing("taobao", "s1", "allow");
  allowed["id"] = "probe-3";
  std::string jsonl = json::serialize(listing) + "\n" + json::serialize(blocked) +
                      "\n\nnot json\n{\"id\":\"probe-4\"}\n" + json::serialize(allowed) + "\n";
  Reply bulk = CallRaw("POST", "/v1/screen/bulk", keys_.reviewer, jsonl, "application/x-ndjson");
  ASSERT_EQ(bulk.status, 200) << bulk;
  EXPECT_EQ(bulk.Header("content-type"), "application/x-ndjson");
  std::vector<json::value> lines;
  std::istringstream in(bulk.text);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  ASSERT_EQ(lines.size(), 5u) << bulk.text;
  EXPECT_EQ(lines[0].at("decision"), "review");
  EXPECT_EQ(lines[1].at("decision"), "block");
  EXPECT_EQ(lines[2].at("line"), 4);  // the blank line 3 is skipped
  EXPECT_EQ(lines[3].at("line"), 5);
  EXPECT_EQ(lines[3].at("field"), "/title");
  EXPECT_EQ(lines[4].at("listing_id"), "probe-3");
  EXPECT_EQ(lines[4].at("decision"), "allow");
  EXPECT_EQ(CountState(), before);

  // An integration screens for its own marketplace only.
  listing["marketplace"] = "shopeu";
  EXPECT_EQ(Call("POST", "/v1/screen", keys_.taobao, listing).status, 403);
}

// ------------------------------------------------------------------ appeals (DSA art. 20)

// Internal complaints against own-initiative takedowns: the statement of
// reasons of a screening takedown offers one (DSA art. 17(3)(f), 20(1)).
class ScreeningAppeals : public ScreeningFlow {
 protected:
  Reply FileHitAppeal(const std::string& key, const std::string& hit) {
    return Call("POST", "/v1/appeals", key,
                json::object{{"hit_id", hit},
                             {"grounds", "Genuine stock bought from the brand's distributor."}});
  }
  Reply DecideAppeal(const std::string& key, const std::string& appeal,
                     const std::string& outcome) {
    return Call("POST", "/v1/appeals/" + appeal + "/decision", key,
                json::object{{"outcome", outcome},
                             {"reasons", "The distributor's invoices match the listing."}});
  }
  std::set<std::string> AppealIds(const std::string& key) {
    Reply r = Get(key, "/v1/appeals?limit=200");
    EXPECT_EQ(r.status, 200) << r;
    std::set<std::string> ids;
    for (const auto& a : r.Items()) ids.insert(std::string(a.at("id").as_string()));
    return ids;
  }
  // A review hit on a fresh listing of s3 (shopeu: eu_dsa + us_dmca),
  // confirmed by `reviewer_key`.
  std::string ConfirmedHit(const std::string& listing, const std::string& reviewer_key) {
    Reply pushed = Push(keys_.shopeu, listing, ScreeningListing("shopeu", "s3", "review"));
    EXPECT_EQ(pushed.Str("/screening/decision"), "review") << pushed;
    std::string hit = pushed.Str("/screening/hit_id");
    Reply c = Call("POST", "/v1/screening/hits/" + hit + "/confirm", reviewer_key,
                   json::object{{"note", "ACME in leetspeak at 30% of the MSRP."}});
    EXPECT_EQ(c.status, 200) << c;
    return hit;
  }
  bool HasEvent(const std::string& key, std::string_view type, const std::string& hit) {
    Reply feed = Get(key, "/v1/events?limit=1000");
    for (const auto& e : feed.Items())
      if (e.at("type") == json::value(type) && e.at("data").as_object().if_contains("hit_id") &&
          e.at("data").at("hit_id") == json::value(hit))
        return true;
    return false;
  }
};

TEST_F(ScreeningAppeals, ConfirmedHitOverturnedByAnotherReviewerRestoresTheListing) {
  SeedScreening();
  ASSERT_FALSE(HasFatalFailure());
  std::string hit = ConfirmedHit("e-dryer-1", keys_.reviewer);
  ASSERT_EQ(ListingStatus("e-dryer-1"), "removed");
  Reply h = Get(keys_.reviewer, "/v1/screening/hits/" + hit);
  ASSERT_FALSE(h.Str("/appeal_deadline").empty()) << h;  // eu_dsa: six months and more
  Reply sor = Get(keys_.s3, "/v1/statements/" + h.Str("/statement_id"));
  bool offers_complaint = false;
  for (const auto& r : sor.At("/redress").as_array())
    offers_complaint |= std::string_view(r.as_string()).find("Internal complaint (DSA art. 20)") !=
                        std::string_view::npos;
  EXPECT_TRUE(offers_complaint) << sor;
  ASSERT_EQ(Get(keys_.admin, "/v1/sellers/s3/strikes").Items().size(), 1u);
  EXPECT_EQ(Get(keys_.admin, "/v1/screening/status").At("/stay_down_entries"), 1);

  // The seller files an internal complaint against the screening decision.
  Reply appeal = FileHitAppeal(keys_.s3, hit);
  ASSERT_EQ(appeal.status, 201) << appeal;
  std::string aid = appeal.Str("/id");
  EXPECT_EQ(appeal.Header("location"), "/v1/appeals/" + aid);
  EXPECT_EQ(appeal.Str("/hit_id"), hit);
  EXPECT_EQ(appeal.Str("/notice_id"), "");
  EXPECT_EQ(appeal.Str("/appellant"), "seller");
  EXPECT_EQ(appeal.Str("/state"), "open");
  EXPECT_EQ(appeal.Str("/links/screening_hit"), "/v1/screening/hits/" + hit);
  EXPECT_EQ(Get(keys_.reviewer, "/v1/screening/hits/" + hit).Str("/links/appeal"),
            "/v1/appeals/" + aid);
  Reply again = FileHitAppeal(keys_.s3, hit);
  EXPECT_EQ(again.status, 409) << again;
  EXPECT_EQ(again.ErrorPointer(), "/hit_id");

  // Tenancy: the seller, the rights holders concerned (and their agent) and
  // staff see it; other brands and sellers do not.
  EXPECT_EQ(Get(keys_.s3, "/v1/appeals/" + aid).status, 200);
  EXPECT_EQ(Get(keys_.acme, "/v1/appeals/" + aid).status, 200);
  EXPECT_EQ(Get(keys_.agent, "/v1/appeals/" + aid).status, 200);
  EXPECT_EQ(Get(keys_.reviewer2, "/v1/appeals/" + aid).status, 200);
  EXPECT_EQ(Get(keys_.rival, "/v1/appeals/" + aid).status, 404);
  EXPECT_EQ(Get(keys_.s1, "/v1/appeals/" + aid).status, 404);
  EXPECT_EQ(AppealIds(keys_.s3), std::set<std::string>{aid});
  EXPECT_EQ(AppealIds(keys_.acme), std::set<std::string>{aid});
  EXPECT_EQ(AppealIds(keys_.agent), std::set<std::string>{aid});
  EXPECT_TRUE(AppealIds(keys_.rival).empty());
  EXPECT_TRUE(AppealIds(keys_.s1).empty());
  EXPECT_EQ(AppealIds(keys_.reviewer), std::set<std::string>{aid});
  Reply queue = Get(keys_.reviewer2, "/v1/review/queue?queue=appeals");
  ASSERT_EQ(queue.Items().size(), 1u) << queue;
  EXPECT_EQ(queue.Items()[0].at("hit_id"), json::value(hit));
  EXPECT_TRUE(HasEvent(keys_.acme, "appeal.filed", hit));

  // The reviewer who confirmed the hit may not decide the complaint.
  Reply same = DecideAppeal(keys_.reviewer, aid, "overturned");
  EXPECT_EQ(same.status, 409) << same;
  EXPECT_EQ(same.ProblemType(), "same_reviewer");
  EXPECT_EQ(Get(keys_.admin, "/v1/appeals/" + aid).Str("/state"), "open");
  EXPECT_EQ(ListingStatus("e-dryer-1"), "removed");

  Reply decided = DecideAppeal(keys_.reviewer2, aid, "overturned");
  ASSERT_EQ(decided.status, 200) << decided;
  EXPECT_EQ(decided.Str("/state"), "overturned");
  // The listing is published again, the strike voided, the hit overturned,
  // its text out of the stay-down bank.
  EXPECT_EQ(ListingStatus("e-dryer-1"), "restored");
  Reply strikes = Get(keys_.admin, "/v1/sellers/s3/strikes");
  ASSERT_EQ(strikes.Items().size(), 1u) << strikes;
  EXPECT_EQ(strikes.Items()[0].at("voided"), true) << strikes;
  EXPECT_EQ(Get(keys_.reviewer, "/v1/screening/hits/" + hit).Str("/status"), "overturned");
  EXPECT_EQ(HitIds(keys_.reviewer, "&status=overturned"), std::set<std::string>{hit});
  EXPECT_EQ(Get(keys_.admin, "/v1/screening/status").At("/stay_down_entries"), 0);
  Reply copy = Push(keys_.shopeu, "e-dryer-2", ScreeningListing("shopeu", "s3", "review"));
  EXPECT_EQ(ReasonOf(copy.At("/screening"), "stay_down"), nullptr) << copy;
  // The restored content was found innocent: re-screening it under new
  // rules neither takes it down again nor queues it for review.
  Reply restored = Get(keys_.admin, "/v1/listings/e-dryer-1");
  EXPECT_EQ(restored.Str("/cleared/hit_id"), hit) << restored;
  EXPECT_EQ(restored.Str("/cleared/why"), "overturned on appeal " + aid);
  ASSERT_TRUE(app_->registry()
                  .PutProtection(service::Principal::System(), "rival",
                                 json::object{{"brand_terms", json::array{"rivalo", "zephyrine"}},
                                              {"categories", json::array{"home-appliances"}}})
                  .ok())
      << "rival protection";
  app_->screening().RunPass();
  Reply rescreened = Get(keys_.admin, "/v1/listings/e-dryer-1");
  EXPECT_EQ(rescreened.Str("/status"), "restored") << rescreened;
  EXPECT_EQ(rescreened.Str("/screening/decision"), "allow") << rescreened;
  EXPECT_EQ(rescreened.Str("/screening/cleared_by"), hit);
  Reply open = Get(keys_.reviewer, "/v1/screening/hits?status=open&limit=200");
  ASSERT_EQ(open.status, 200) << open;
  for (const auto& h : open.Items()) EXPECT_NE(h.at("listing_id"), json::value("e-dryer-1")) << h;
  // The rules that fired count a false positive, not a confirmation.
  Reply rules = Get(keys_.admin, "/v1/screening/rules");
  for (const char* code : {"brand_disguised", "price_below_msrp"}) {
    const json::object* st = RuleStat(rules, code, "acme");
    ASSERT_NE(st, nullptr) << code << " " << rules;
    EXPECT_EQ(st->at("confirmed"), 0) << code;
    EXPECT_EQ(st->at("dismissed"), 1) << code;
    EXPECT_EQ(st->at("overturned"), 1) << code;
    EXPECT_EQ(st->at("false_positive_rate").to_number<double>(), 1.0) << code;
  }
  // Statements: the appeal decision and the restoration reach the seller.
  Reply granted = Get(keys_.s3, "/v1/statements/" + decided.Str("/statement_id"));
  ASSERT_EQ(granted.status, 200) << granted;
  EXPECT_EQ(granted.Str("/decision"), "appeal_granted");
  EXPECT_EQ(granted.Str("/hit_id"), hit);
  EXPECT_EQ(granted.Str("/appeal_id"), aid);
  EXPECT_EQ(Get(keys_.acme, "/v1/statements/" + decided.Str("/statement_id")).status, 200);
  EXPECT_EQ(Get(keys_.rival, "/v1/statements/" + decided.Str("/statement_id")).status, 404);
  // The seller, the rights holder and the marketplace learn of it.
  EXPECT_TRUE(HasEvent(keys_.acme, "appeal.decided", hit));
  EXPECT_TRUE(HasEvent(keys_.s3, "appeal.decided", hit));
  EXPECT_TRUE(HasEvent(keys_.shopeu, "listing.restored", hit));
  EXPECT_FALSE(HasEvent(keys_.rival, "appeal.decided", hit));
  // Decided once.
  EXPECT_EQ(DecideAppeal(keys_.reviewer2, aid, "upheld").status, 409);
  EXPECT_EQ(FileHitAppeal(keys_.s3, hit).status, 422);  // overturned: nothing left to contest
}

TEST_F(ScreeningAppeals, AutoBlockedHitAppealIsDecidedByAnyReviewer) {
  SeedScreening();
  ASSERT_FALSE(HasFatalFailure());
  Reply first = Push(keys_.shopeu, "e-fake-1", ScreeningListing("shopeu", "s3", "block"));
  Reply second = Push(keys_.shopeu, "e-fake-2", ScreeningListing("shopeu", "s3", "block"));
  ASSERT_EQ(first.Str("/status"), "blocked") << first;
  ASSERT_EQ(second.Str("/status"), "blocked") << second;
  std::string upheld_hit = first.Str("/screening/hit_id");
  std::string overturned_hit = second.Str("/screening/hit_id");
  EXPECT_EQ(Get(keys_.admin, "/v1/screening/status").At("/stay_down_entries"), 2);

  // Upheld: nothing changes but the appeal and a statement to the seller.
  Reply a = FileHitAppeal(keys_.s3, upheld_hit);
  ASSERT_EQ(a.status, 201) << a;
  StateCounts before = CountState();
  Reply upheld = DecideAppeal(keys_.reviewer, a.Str("/id"), "upheld");
  ASSERT_EQ(upheld.status, 200) << upheld;
  EXPECT_EQ(upheld.Str("/state"), "upheld");
  EXPECT_EQ(ListingStatus("e-fake-1"), "blocked");
  EXPECT_EQ(Get(keys_.reviewer, "/v1/screening/hits/" + upheld_hit).Str("/status"), "auto_blocked");
  StateCounts after = CountState();
  EXPECT_EQ(after.statements, before.statements + 1);
  EXPECT_EQ(after.stay_down, before.stay_down);
  EXPECT_EQ(after.listings, before.listings);
  EXPECT_EQ(Get(keys_.s3, "/v1/statements/" + upheld.Str("/statement_id")).Str("/decision"),
            "appeal_rejected");

  // Overturned: the first decision was automated, so no reviewer took it and
  // any reviewer decides (DSA art. 20(6)).
  Reply b = FileHitAppeal(keys_.s3, overturned_hit);
  ASSERT_EQ(b.status, 201) << b;
  Reply overturned = DecideAppeal(keys_.reviewer, b.Str("/id"), "overturned");
  ASSERT_EQ(overturned.status, 200) << overturned;
  EXPECT_EQ(ListingStatus("e-fake-2"), "restored");
  EXPECT_EQ(Get(keys_.reviewer, "/v1/screening/hits/" + overturned_hit).Str("/status"),
            "overturned");
  EXPECT_EQ(Get(keys_.admin, "/v1/screening/status").At("/stay_down_entries"), 1);
  Reply rules = Get(keys_.admin, "/v1/screening/rules");
  const json::object* suspicious = RuleStat(rules, "suspicious_term", "");
  ASSERT_NE(suspicious, nullptr) << rules;
  EXPECT_EQ(suspicious->at("auto_blocked"), 1) << rules;
  EXPECT_EQ(suspicious->at("dismissed"), 1) << rules;
  EXPECT_EQ(suspicious->at("overturned"), 1) << rules;
  EXPECT_TRUE(Get(keys_.admin, "/v1/sellers/s3/strikes").Items().empty());  // blocks add none
}

TEST_F(ScreeningAppeals, OnlyTheSellersOwnTakedownsAreAppealableWithinTheWindow) {
  SeedScreening();
  ASSERT_FALSE(HasFatalFailure());
  std::string confirmed = ConfirmedHit("e-dryer-1", keys_.reviewer);
  Reply open_push = Push(keys_.shopeu, "e-open-1", ScreeningListing("shopeu", "s3", "review"));
  std::string open = open_push.Str("/screening/hit_id");
  ASSERT_FALSE(open.empty()) << open_push;
  StateCounts unchanged = CountState();

  // Another seller's hit does not exist for the caller.
  Reply other = FileHitAppeal(keys_.s1, confirmed);
  EXPECT_EQ(other.status, 422) << other;
  EXPECT_EQ(other.ErrorPointer(), "/hit_id");
  EXPECT_EQ(FileHitAppeal(keys_.s1, "hit_missing").ErrorPointer(), "/hit_id");
  // The rights holder concerned sees the hit but does not appeal it.
  EXPECT_EQ(FileHitAppeal(keys_.acme, confirmed).status, 409);
  EXPECT_EQ(FileHitAppeal(keys_.rival, confirmed).status, 422);
  // A hit still open took nothing down.
  Reply not_yet = FileHitAppeal(keys_.s3, open);
  EXPECT_EQ(not_yet.status, 422) << not_yet;
  EXPECT_EQ(not_yet.ErrorPointer(), "/hit_id");
  EXPECT_EQ(CountState(), unchanged);
  // Neither a dismissed hit.
  ASSERT_EQ(Call("POST", "/v1/screening/hits/" + open + "/dismiss", keys_.reviewer,
                 json::object{{"reason", "Authorised reseller."}})
                .status,
            200);
  unchanged = CountState();
  EXPECT_EQ(FileHitAppeal(keys_.s3, open).ErrorPointer(), "/hit_id");
  // Exactly one of notice_id and hit_id.
  Reply both = Call("POST", "/v1/appeals", keys_.s3,
                    json::object{{"hit_id", confirmed},
                                 {"notice_id", "ntc_x"},
                                 {"grounds", "Genuine stock from the distributor."}});
  EXPECT_EQ(both.status, 422) << both;
  EXPECT_EQ(both.ErrorPointer(), "/hit_id");
  Reply neither = Call("POST", "/v1/appeals", keys_.s3,
                       json::object{{"grounds", "Genuine stock from the distributor."}});
  EXPECT_EQ(neither.status, 422) << neither;
  EXPECT_EQ(neither.ErrorPointer(), "/notice_id");
  EXPECT_EQ(CountState(), unchanged);

  // The China regime has no internal complaint (as for notices).
  Reply cn = Push(keys_.taobao, "t-dryer-1", ScreeningListing("taobao", "s1", "review"));
  std::string cn_hit = cn.Str("/screening/hit_id");
  ASSERT_EQ(Call("POST", "/v1/screening/hits/" + cn_hit + "/confirm", keys_.reviewer).status, 200);
  EXPECT_EQ(FileHitAppeal(keys_.s1, cn_hit).status, 409);

  // The window (DSA art. 20(1): at least six months) closes as for notices.
  Reply h = Get(keys_.reviewer, "/v1/screening/hits/" + confirmed);
  Timestamp deadline = T(h.Str("/appeal_deadline"));
  EXPECT_GE(deadline - T(h.Str("/decided_at")), days(184)) << h;
  clock_.Set(deadline + std::chrono::seconds(1));
  Reply late = FileHitAppeal(keys_.s3, confirmed);
  EXPECT_EQ(late.status, 409) << late;
  EXPECT_NE(late.Detail().find("window closed"), std::string::npos) << late;
  EXPECT_EQ(ListingStatus("e-dryer-1"), "removed");
}

// A restart loads the compiled database from the on-disk cache instead of
// compiling again, and rebuilds the stay-down bank from storage.
TEST_F(ScreeningFlow, RestartLoadsTheCachedRuleSetAndTheStayDownBank) {
  SeedScreening();
  ASSERT_FALSE(HasFatalFailure());
  Reply first = Get(keys_.admin, "/v1/screening/status");
  EXPECT_FALSE(first.At("/built_from_cache").as_bool()) << first;
  std::string cache = config_.data_dir + "/cache/screening/" + first.Str("/database_key") + ".hsdb";
  EXPECT_TRUE(std::filesystem::exists(cache)) << cache;
  Reply pushed = Push(keys_.taobao, "t-dryer-1", Dryer("s1", kDryerDescription));
  std::string hit = pushed.Str("/screening/hit_id");
  ASSERT_EQ(Call("POST", "/v1/screening/hits/" + hit + "/confirm", keys_.reviewer).status, 200);

  Restart();
  ASSERT_FALSE(HasFatalFailure());
  Reply after = Get(keys_.admin, "/v1/screening/status");
  ASSERT_EQ(after.status, 200) << after;
  EXPECT_TRUE(after.At("/built_from_cache").as_bool()) << after;
  EXPECT_EQ(after.Str("/rule_set"), first.Str("/rule_set"));
  EXPECT_EQ(after.At("/stay_down_entries"), 1) << after;
  // Same rules as before the restart: no re-screen was queued.
  EXPECT_EQ(after.Str("/rescreen/id"), first.Str("/rescreen/id")) << after;
  Reply again = Push(keys_.taobao, "t-dryer-2", Dryer("s2", kDryerReworded));
  const json::object* stay = ReasonOf(again.At("/screening"), "stay_down");
  ASSERT_NE(stay, nullptr) << again;
  EXPECT_EQ(stay->at("ref"), json::value("hit:" + hit));

  // An operator-requested rebuild compiles afresh and re-screens.
  Reply rebuild = Call("POST", "/v1/screening/rebuild", keys_.admin);
  ASSERT_EQ(rebuild.status, 202) << rebuild;
  EXPECT_TRUE(rebuild.At("/rebuild_pending").as_bool());
  app_->runner().RunOnce();
  Reply rebuilt = Get(keys_.admin, "/v1/screening/status");
  EXPECT_FALSE(rebuilt.At("/built_from_cache").as_bool()) << rebuilt;
  EXPECT_FALSE(rebuilt.At("/rebuild_pending").as_bool());
  EXPECT_NE(rebuilt.Str("/rescreen/id"), after.Str("/rescreen/id"));
  EXPECT_EQ(rebuilt.Str("/rescreen/state"), "done") << rebuilt;
}

}  // namespace
}  // namespace counterfoil::testing
