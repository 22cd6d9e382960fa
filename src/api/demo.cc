#include "api/demo.h"

#include <map>

#include "common/crypto.h"

namespace counterfoil::api {

using service::Principal;

namespace {

constexpr char kPassword[] = "counterfoil-demo";

struct DemoUser {
  const char* key;  // short name
  const char* email;
  const char* name;
  const char* role;
  const char* org;
  const char* seller;
  const char* marketplace;
  const char* description;
};

const std::vector<DemoUser>& Users() {
  static const std::vector<DemoUser> users = {
      {"admin", "admin@demo.counterfoil", "Olga Operator", "admin", "platform", "", "",
       "operator admin: marketplaces, regimes, users, keys"},
      {"reviewer", "reviewer@demo.counterfoil", "Rui Reviewer", "reviewer", "platform", "", "",
       "IP team reviewer: works the queues"},
      {"reviewer2", "reviewer2@demo.counterfoil", "Rana Reviewer", "reviewer", "platform", "", "",
       "second reviewer (decides appeals against Rui's decisions)"},
      {"brand", "brand@demo.counterfoil", "Bea Brand", "rights_holder", "aurora", "", "",
       "Aurora Appliances (brand owner)"},
      {"publisher", "publisher@demo.counterfoil", "Pat Publisher", "rights_holder", "northwind", "",
       "", "Northwind Press (publisher, coalition member)"},
      {"coalition", "coalition@demo.counterfoil", "Cai Coalition", "rights_holder", "pap", "", "",
       "Publishers Against Piracy (coalition, trusted flagger)"},
      {"agent", "agent@demo.counterfoil", "Ada Agent", "agent", "brandguard", "", "",
       "BrandGuard Agency, authorised by Aurora"},
      {"seller", "seller@demo.counterfoil", "Sam Seller", "seller", "", "s-lucky-home", "tmall-demo",
       "seller on Tianmao Demo Mall (China)"},
      {"seller-eu", "seller-eu@demo.counterfoil", "Elsa Seller", "seller", "", "s-euro-gadgets",
       "eurobazaar", "seller on EuroBazaar (EU/US)"},
      {"investigator", "investigator@demo.counterfoil", "Ivan Investigator", "investigator",
       "platform", "", "", "investigator / law-enforcement liaison"},
      {"marketplace", "integration@demo.counterfoil", "Tianmao integration", "marketplace",
       "tmall-org", "", "tmall-demo", "machine client of Tianmao Demo Mall"},
      {"marketplace-eu", "integration-eu@demo.counterfoil", "EuroBazaar integration", "marketplace",
       "eurobazaar-org", "", "eurobazaar", "machine client of EuroBazaar"},
  };
  return users;
}

std::string DemoKey(const char* key) {
  std::string k = "cf_demo_";
  for (const char* c = key; *c; ++c) k += *c == '-' ? '_' : *c;
  return k;
}

}  // namespace

std::vector<DemoAccount> DemoAccounts() {
  std::vector<DemoAccount> out;
  for (const auto& u : Users())
    out.push_back({u.role, u.email, kPassword, DemoKey(u.key), u.description});
  return out;
}

Result<std::vector<DemoAccount>> SeedDemo(App& app, FakeClock& clock, const std::string&) {
  auto& ctx = app.ctx();
  {
    int64_t existing = 0;
    RETURN_IF_ERROR(ctx.store().Read([&](storage::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(existing, tx.marketplaces().Count({}));
      return Status::Ok();
    }));
    if (existing > 0) return FailedPrecondition("the data directory already holds data");
  }
  Principal sys = Principal::System();
  auto J = [](std::string_view text) { return json::parse(text); };
  auto& accounts = app.accounts();
  auto& registry = app.registry();
  auto& market = app.marketplace();
  auto& notices = app.notices();
  auto day = std::chrono::days(1);
  auto hours = [](int h) { return std::chrono::hours(h); };

  // Marketplaces under two legal regimes.
  RETURN_IF_ERROR(market.CreateMarketplace(sys, J(R"({"id":"tmall-demo","name":"Tianmao Demo Mall",
      "regimes":["cn_ecl"],"url_template":"https://tmall-demo.example/item/{id}"})")).status());
  RETURN_IF_ERROR(market.CreateMarketplace(sys, J(R"({"id":"eurobazaar","name":"EuroBazaar",
      "regimes":["eu_dsa","us_dmca"],"url_template":"https://eurobazaar.example/listing/{id}"})")).status());

  // Organisations.
  for (const char* o : {
           R"({"id":"platform","name":"Counterfoil Demo Operator","kind":"platform"})",
           R"({"id":"tmall-org","name":"Tianmao Demo Mall Ltd","kind":"marketplace","marketplace_id":"tmall-demo"})",
           R"({"id":"eurobazaar-org","name":"EuroBazaar GmbH","kind":"marketplace","marketplace_id":"eurobazaar"})",
           R"({"id":"aurora","name":"Aurora Appliances","kind":"brand_owner","contact_email":"legal@aurora.example","country":"GB"})",
           R"({"id":"northwind","name":"Northwind Press","kind":"publisher","contact_email":"rights@northwind.example","country":"US"})",
           R"({"id":"meridian","name":"Meridian Books","kind":"publisher","contact_email":"ip@meridian.example","country":"DE"})",
           R"({"id":"pap","name":"Publishers Against Piracy","kind":"coalition","member_ids":["northwind","meridian"],"trusted_flagger":true,"country":"EU"})",
           R"({"id":"brandguard","name":"BrandGuard Agency","kind":"agency","country":"NL"})"}) {
    RETURN_IF_ERROR(accounts.CreateOrganisation(sys, J(o)).status());
  }

  // Sellers and listings.
  struct S { const char* id; const char* market; const char* name; };
  for (S s : {S{"s-lucky-home", "tmall-demo", "Lucky Home Store"},
              S{"s-bright-deals", "tmall-demo", "Bright Deals 888"},
              S{"s-aurora-official", "tmall-demo", "Aurora Official Flagship"},
              S{"s-euro-gadgets", "eurobazaar", "Euro Gadgets"},
              S{"s-bookworm", "eurobazaar", "Bookworm Resale"},
              S{"s-quickcopy", "eurobazaar", "QuickCopy Prints"}}) {
    json::object body{{"marketplace", s.market}, {"name", s.name},
                      {"trader", json::object{{"legal_name", std::string(s.name) + " Co."},
                                              {"email", std::string(s.id) + "@sellers.example"}}}};
    RETURN_IF_ERROR(market.UpsertSeller(sys, s.id, body).status());
  }
  struct L { const char* id; const char* seller; const char* market; const char* title; const char* cat; double price; };
  const std::vector<L> listings = {
      {"TM-1001", "s-lucky-home", "tmall-demo", "Aurora StormJet hair dryer 1:1 replica", "home-appliances", 39},
      {"TM-1002", "s-lucky-home", "tmall-demo", "Aur0ra cordless vacuum V9 original quality", "home-appliances", 59},
      {"TM-1003", "s-lucky-home", "tmall-demo", "Aurora air purifier filter (fits AP-2)", "home-appliances", 12},
      {"TM-1004", "s-bright-deals", "tmall-demo", "AURORA StormJet styler super copy", "home-appliances", 45},
      {"TM-1005", "s-bright-deals", "tmall-demo", "Aurora-style heated brush", "home-appliances", 19},
      {"TM-1006", "s-bright-deals", "tmall-demo", "Aurora V9 vacuum, factory seconds", "home-appliances", 75},
      {"TM-1007", "s-bright-deals", "tmall-demo", "Aurora StormJet dryer wholesale lot", "home-appliances", 33},
      {"TM-1008", "s-aurora-official", "tmall-demo", "Aurora StormJet hair dryer (official)", "home-appliances", 429},
      {"TM-1009", "s-lucky-home", "tmall-demo", "Ceramic flower vase", "home", 15},
      {"EU-2001", "s-euro-gadgets", "eurobazaar", "Aurora StormJet dryer - cheap EU stock", "home-appliances", 49},
      {"EU-2002", "s-euro-gadgets", "eurobazaar", "Aurora V9 replacement battery (compatible)", "home-appliances", 29},
      {"EU-2003", "s-bookworm", "eurobazaar", "Principles of Maritime Law, 3rd ed. (used, good)", "books", 38},
      {"EU-2004", "s-quickcopy", "eurobazaar", "Principles of Maritime Law 3rd ed PDF instant download", "books", 4},
      {"EU-2005", "s-quickcopy", "eurobazaar", "Northwind Organic Chemistry 8e photocopy spiral", "books", 9},
      {"EU-2006", "s-quickcopy", "eurobazaar", "Meridian German Grammar workbook scan", "books", 3},
      {"EU-2007", "s-euro-gadgets", "eurobazaar", "Aurora AP-2 air purifier (new, sealed)", "home-appliances", 60},
      {"EU-2008", "s-quickcopy", "eurobazaar", "Organic Chemistry 8e solutions ebook", "books", 5},
  };
  for (const auto& l : listings) {
    json::object body{{"marketplace", l.market}, {"seller_id", l.seller}, {"title", l.title},
                      {"description", std::string(l.title) + ". Ships in 48 hours."},
                      {"category", l.cat},
                      {"price", json::object{{"amount", l.price}, {"currency", "USD"}}},
                      {"ship_from", std::string(l.market) == "tmall-demo" ? "CN" : "DE"}};
    RETURN_IF_ERROR(market.UpsertListing(sys, l.id, body).status());
  }

  // Users with fixed demo keys and the same password.
  std::vector<DemoAccount> out = DemoAccounts();
  std::map<std::string, Principal> who;
  for (const auto& u : Users()) {
    json::object body{{"email", u.email}, {"name", u.name}, {"role", u.role},
                      {"password", kPassword}};
    if (*u.org) body["org_id"] = u.org;
    if (*u.seller) body["seller_id"] = u.seller;
    if (*u.marketplace) body["marketplace_id"] = u.marketplace;
    if (std::string(u.role) == "marketplace" || std::string(u.role) == "seller") body.erase("org_id");
    ASSIGN_OR_RETURN(domain::User user, accounts.CreateUser(sys, body));
    domain::ApiKey k;
    std::string secret = DemoKey(u.key);
    k.created_at = ctx.Now();
    k.id = "key_demo_" + std::string(u.key);
    k.user_id = user.id;
    k.name = "demo key";
    k.prefix = secret.substr(0, 10);
    k.hash = Sha256Hex(secret);
    RETURN_IF_ERROR(ctx.store().Write([&](storage::Tx& tx) { return tx.api_keys().Insert(k); }));
    ASSIGN_OR_RETURN(who[u.key], accounts.AuthenticateApiKey(secret));
  }

  // Certificates and rights.
  auto upload = [&](const Principal& p, std::string text, const char* purpose) -> Result<std::string> {
    ASSIGN_OR_RETURN(auto ref, registry.UploadBlob(p, {std::move(text), "text/plain", "", purpose}));
    return ref.sha256;
  };
  ASSIGN_OR_RETURN(std::string cert1, upload(who["brand"], "EUIPO certificate of registration 018234567: AURORA, classes 7, 8, 11, owner Aurora Appliances Ltd.", "certificate"));
  ASSIGN_OR_RETURN(std::string cert2, upload(who["publisher"], "US Copyright Office registration TX 9-123-456: Principles of Maritime Law, 3rd edition; Organic Chemistry, 8th edition.", "certificate"));
  ASSIGN_OR_RETURN(std::string cert3, upload(who["coalition"], "Copyright registration VA 2-222-333 for Meridian German Grammar.", "certificate"));
  json::object tm = J(R"({"type":"trademark","mark":"AURORA","registration_number":"018234567",
      "office":"EUIPO","nice_classes":[7,8,11],"territories":["EU","CN","US"],"expires_on":"2033-04-30"})").as_object();
  tm["id"] = "rgt-aurora-tm";
  tm["certificates"] = json::array{json::value(cert1)};
  RETURN_IF_ERROR(registry.CreateRight(who["brand"], tm).status());
  json::object design = J(R"({"type":"design","mark":"StormJet dryer shape","registration_number":"RCD 008899",
      "office":"EUIPO","territories":["EU"]})").as_object();
  design["id"] = "rgt-aurora-design";
  RETURN_IF_ERROR(registry.CreateRight(who["brand"], design).status());  // stays pending
  json::object cr = J(R"({"type":"copyright","works":[
      {"title":"Principles of Maritime Law, 3rd ed.","isbn":"978-0-19-872445-2","list_price":{"amount":95,"currency":"USD"}},
      {"title":"Organic Chemistry, 8th ed.","isbn":"9780134042282","list_price":{"amount":240,"currency":"USD"}}]})").as_object();
  cr["id"] = "rgt-northwind-cr";
  cr["certificates"] = json::array{json::value(cert2)};
  RETURN_IF_ERROR(registry.CreateRight(who["publisher"], cr).status());
  json::object cr2 = J(R"({"type":"copyright","works":[{"title":"Meridian German Grammar","isbn":"978-3-16-148410-0","list_price":{"amount":30,"currency":"EUR"}}]})").as_object();
  cr2["id"] = "rgt-meridian-cr";
  cr2["org_id"] = "meridian";
  cr2["certificates"] = json::array{json::value(cert3)};
  RETURN_IF_ERROR(registry.CreateRight(who["coalition"], cr2).status());
  json::object bad = J(R"({"type":"trademark","mark":"AURA","registration_number":"UK000111","office":"UKIPO"})").as_object();
  bad["id"] = "rgt-aurora-aura";
  bad["certificates"] = json::array{json::value(cert1)};
  RETURN_IF_ERROR(registry.CreateRight(who["brand"], bad).status());
  for (const char* id : {"rgt-aurora-tm", "rgt-northwind-cr", "rgt-meridian-cr"})
    RETURN_IF_ERROR(registry.Verify(who["reviewer"], id, J(R"({"decision":"verified"})")).status());
  RETURN_IF_ERROR(registry.Verify(who["reviewer"], "rgt-aurora-aura",
                                  J(R"({"decision":"rejected","reason":"The certificate shows AURORA, not AURA; upload the AURA registration."})")).status());
  RETURN_IF_ERROR(registry.PutProtection(who["brand"], "aurora", J(R"({
      "brand_terms":["aurora","奥罗拉"],"categories":["home-appliances"],
      "products":[{"name":"StormJet hair dryer","terms":["stormjet"],"msrp":{"amount":429,"currency":"USD"}},
                  {"name":"V9 cordless vacuum","terms":["v9"],"msrp":{"amount":499,"currency":"USD"}},
                  {"name":"AP-2 air purifier","terms":["ap-2"],"msrp":{"amount":349,"currency":"USD"}}],
      "authorized_sellers":["s-aurora-official"]})")).status());
  RETURN_IF_ERROR(registry.PutProtection(who["publisher"], "northwind", J(R"({
      "brand_terms":["northwind press"],"categories":["books"],"isbn_prefixes":["978-0-19"]})")).status());
  ASSIGN_OR_RETURN(std::string auth_doc, upload(who["brand"], "Aurora Appliances authorises BrandGuard Agency to file notices on its behalf, 2026-2027.", "authorisation"));
  RETURN_IF_ERROR(accounts.CreateAuthorisation(who["brand"], json::object{
      {"agent_org_id", "brandguard"}, {"document_sha256", auth_doc}, {"valid_until", "2027-12-31"}}).status());
  // Re-authenticate principals so authorisations and membership are current.
  for (const auto& u : Users()) {
    ASSIGN_OR_RETURN(domain::User user, [&]() -> Result<domain::User> {
      domain::User found;
      RETURN_IF_ERROR(ctx.store().Read([&](storage::Tx& tx) -> Status {
        ASSIGN_OR_RETURN(auto f, tx.users().First(storage::Filter().Eq("email", std::string(u.email))));
        found = *f;
        return Status::Ok();
      }));
      return found;
    }());
    Status s = ctx.store().Read([&](storage::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(who[u.key], accounts.PrincipalFor(tx, user));
      return Status::Ok();
    });
    RETURN_IF_ERROR(s);
  }

  // Notices, with the lifecycle played out over the past weeks.
  auto notice = [&](const Principal& p, const char* listing, const char* right, const char* type,
                    const char* explanation, const char* on_behalf = "") -> Result<domain::Notice> {
    json::object body{
        {"listing_id", listing}, {"right_id", right}, {"infringement_type", type},
        {"work", "See the registration attached to the right"},
        {"explanation", explanation},
        {"evidence", json::array{json::value("test purchase photos, order 2026-0042")}},
        {"signature", "/s/ " + p.email},
        {"complainant", json::object{{"name", "Legal department"}, {"email", p.email},
                                     {"address", "1 Example Street, London"}, {"phone", "+44 20 7946 0000"},
                                     {"identity_document", "Company registration 01234567"}}},
        {"statements", json::object{{"good_faith", true}, {"accurate", true},
                                    {"under_penalty_of_perjury", true}, {"authorised", true},
                                    {"bona_fide", true}}}};
    if (*on_behalf) body["on_behalf_of"] = on_behalf;
    return notices.File(p, body, "console");
  };
  const Principal& rev = who["reviewer"];
  const Principal& rev2 = who["reviewer2"];
  auto accept = J(R"({"decision":"accept","reason":"Listing uses the AURORA mark on goods sold at a tenth of the MSRP; seller is not authorised."})");
  clock.Advance(hours(2));

  // restored after a CN counter-notice that the brand did not answer in 15 days
  ASSIGN_OR_RETURN(auto n1, notice(who["brand"], "TM-1003", "rgt-aurora-tm", "trademark",
                                   "Uses the AURORA mark in the title of a third-party filter."));
  clock.Advance(hours(3));
  RETURN_IF_ERROR(notices.Decide(rev, n1.id, accept).status());
  clock.Advance(day);
  RETURN_IF_ERROR(notices.FileCounterNotice(who["seller"], n1.id, J(R"({
      "statement":"This is a compatible replacement filter. The title says 'fits AP-2'; it does not claim to be an Aurora product.",
      "evidence":["photos of packaging showing our own brand"],"signature":"Sam Seller",
      "contact":{"name":"Sam Seller","address":"88 Jiefang Road, Hangzhou","email":"seller@demo.counterfoil","phone":"+86 571 0000 0000"}})")).status());
  // action filed: the brand shows a lawsuit in time
  ASSIGN_OR_RETURN(auto n2, notice(who["brand"], "TM-1002", "rgt-aurora-tm", "counterfeit",
                                   "Counterfeit V9 vacuum with a misspelt mark (Aur0ra)."));
  clock.Advance(hours(1));
  RETURN_IF_ERROR(notices.Decide(rev, n2.id, accept).status());
  clock.Advance(hours(5));
  ASSIGN_OR_RETURN(auto cn2, notices.FileCounterNotice(who["seller"], n2.id, J(R"({
      "statement":"Our vacuum is a genuine product bought from a distributor; we dispute the claim.",
      "evidence":["distributor invoice"],"signature":"Sam Seller",
      "contact":{"name":"Sam Seller","address":"88 Jiefang Road, Hangzhou","email":"seller@demo.counterfoil"}})")));
  clock.Advance(day * 3);
  ASSIGN_OR_RETURN(std::string suit, upload(who["brand"], "Complaint filed with the Hangzhou Internet Court, case (2026) Zhe 0192 Min Chu 1234.", "legal_action"));
  RETURN_IF_ERROR(notices.ReportLegalAction(who["brand"], cn2.id, json::object{
      {"kind", "lawsuit"}, {"court", "Hangzhou Internet Court"}, {"case_number", "(2026) Zhe 0192 Min Chu 1234"},
      {"filed_on", FormatDate(clock.Now())}, {"document_sha256", suit}}).status());

  // three upheld takedowns: Bright Deals is suspended as a repeat infringer
  for (const char* l : {"TM-1004", "TM-1005", "TM-1007"}) {
    ASSIGN_OR_RETURN(auto n, notice(who["agent"], l, "rgt-aurora-tm", "counterfeit",
                                    "Counterfeit StormJet styler sold as 'super copy'.", "aurora"));
    clock.Advance(hours(4));
    RETURN_IF_ERROR(notices.Decide(rev, n.id, accept).status());
    clock.Advance(day * 2);
  }
  // rejected: a genuine official listing reported by mistake
  ASSIGN_OR_RETURN(auto n4, notice(who["brand"], "TM-1008", "rgt-aurora-tm", "trademark",
                                   "Suspicious price for a StormJet."));
  clock.Advance(hours(2));
  RETURN_IF_ERROR(notices.Decide(rev, n4.id, J(R"({"decision":"reject","rejection_code":"not_infringing",
      "reason":"The seller is Aurora's authorised flagship store and the price matches the MSRP."})")).status());
  // EU/US marketplace: copyright and piracy
  ASSIGN_OR_RETURN(auto n5, notice(who["coalition"], "EU-2004", "rgt-northwind-cr", "piracy",
                                   "Unauthorised PDF of Principles of Maritime Law offered for instant download.", "northwind"));
  clock.Advance(hours(1));
  RETURN_IF_ERROR(notices.Decide(rev, n5.id, J(R"({"decision":"accept","reason":"Pirated e-book of a registered work."})")).status());
  ASSIGN_OR_RETURN(auto n6, notice(who["publisher"], "EU-2005", "rgt-northwind-cr", "piracy",
                                   "Photocopied Organic Chemistry 8e sold as spiral-bound copies."));
  clock.Advance(hours(2));
  RETURN_IF_ERROR(notices.Decide(rev, n6.id, J(R"({"decision":"accept","reason":"Photocopies of a registered work."})")).status());
  clock.Advance(day);
  // withdrawn
  ASSIGN_OR_RETURN(auto n7, notice(who["brand"], "EU-2007", "rgt-aurora-tm", "trademark",
                                   "Check whether this AP-2 is grey-market stock."));
  RETURN_IF_ERROR(notices.Withdraw(who["brand"], n7.id, J(R"({"reason":"Confirmed as genuine EU stock."})")).status());
  // information requested, then lapsed
  ASSIGN_OR_RETURN(auto n8, notice(who["brand"], "EU-2001", "rgt-aurora-tm", "counterfeit",
                                   "Cheap StormJet dryers."));
  clock.Advance(hours(3));
  RETURN_IF_ERROR(notices.Decide(rev, n8.id, J(R"({"decision":"request_info",
      "information_request":"Please provide a test-buy report or photos showing why these units are counterfeit."})")).status());
  clock.Advance(day * 8);
  RETURN_IF_ERROR(notices.RunDue().status());
  // Euro Gadgets: accepted takedown, then an internal complaint still open
  ASSIGN_OR_RETURN(auto n10, notice(who["brand"], "EU-2002", "rgt-aurora-tm", "trademark",
                                    "Uses the AURORA mark for a third-party battery."));
  clock.Advance(hours(2));
  RETURN_IF_ERROR(notices.Decide(rev, n10.id, accept).status());
  clock.Advance(hours(20));
  RETURN_IF_ERROR(notices.FileAppeal(who["seller-eu"], J(R"({"notice_id":")" + n10.id + R"(",
      "grounds":"The title says 'compatible'; naming the brand to describe compatibility is allowed (referential use)."})")).status());
  (void)rev2;
  // Let the CN counter-notice window for n1 run out: restored by the deadline job.
  clock.Advance(day * 17);
  RETURN_IF_ERROR(notices.RunDue().status());
  // DMCA counter-notice pending on EuroBazaar, clock running
  ASSIGN_OR_RETURN(auto n9, notice(who["coalition"], "EU-2006", "rgt-meridian-cr", "piracy",
                                   "Scanned copy of Meridian German Grammar.", "meridian"));
  clock.Advance(hours(2));
  RETURN_IF_ERROR(notices.Decide(rev, n9.id, J(R"({"decision":"accept","reason":"Scan of a registered work sold as a download."})")).status());
  clock.Advance(day * 2);
  // The EU seller in the demo is Euro Gadgets; QuickCopy has no console login,
  // so the admin files the counter-notice the seller sent by post.
  RETURN_IF_ERROR(notices.FileCounterNotice(who["admin"], n9.id, J(R"({
      "statement":"The workbook scan is my own teaching material created from public-domain grammar tables; it is not a copy of the Meridian book.",
      "signature":"Quinn Copy","contact":{"name":"Quinn Copy","address":"Hauptstrasse 5, Berlin","email":"quinn@quickcopy.example","phone":"+49 30 000000"},
      "statements":{"good_faith_mistake":true,"consent_to_jurisdiction":true}})")).status());
  // Waiting for the complainant's answer to an information request.
  ASSIGN_OR_RETURN(auto n14, notice(who["brand"], "EU-2007", "rgt-aurora-tm", "trademark",
                                    "Possibly parallel-imported AP-2 units."));
  clock.Advance(hours(2));
  RETURN_IF_ERROR(notices.Decide(rev, n14.id, J(R"({"decision":"request_info",
      "information_request":"Which market were these units first sold in? EU-marketed genuine goods may be resold (exhaustion)."})")).status());
  // Fresh work in the queues: received (trusted flagger first), in review.
  ASSIGN_OR_RETURN(auto n11, notice(who["brand"], "TM-1001", "rgt-aurora-tm", "counterfeit",
                                    "Sold as a '1:1 replica' of the StormJet at 9% of the MSRP."));
  clock.Advance(hours(1));
  RETURN_IF_ERROR(notices.Claim(rev, n11.id).status());
  ASSIGN_OR_RETURN(auto n12, notice(who["coalition"], "EU-2008", "rgt-northwind-cr", "piracy",
                                    "Solutions manual of Organic Chemistry 8e sold as an e-book.", "northwind"));
  (void)n12;
  ASSIGN_OR_RETURN(auto n13, notice(who["agent"], "TM-1006", "rgt-aurora-tm", "trademark",
                                    "'Factory seconds' of the V9 are not authorised for sale.", "aurora"));
  (void)n13;

  // Proactive screening. The operator's policy lists; then the rule set is
  // built from everything registered above and the listings pushed before
  // it existed are re-screened (the runner does both in the background when
  // serving; the seeding app has no runner, so it happens here).
  RETURN_IF_ERROR(registry.PutProtection(who["admin"], "platform", J(R"({
      "suspicious_terms":["replica","1:1","super copy","original quality","factory seconds"],
      "piracy_terms":["pdf","instant download","photocopy","scan","ebook"],
      "category_bans":[{"id":"airbags","categories":["auto-parts/airbags"],"terms":["airbag module"],
                        "reason":"unsafe_and_prohibited_products"}]})")).status());
  auto& screening = app.screening();
  RETURN_IF_ERROR(screening.RebuildIfDirty());
  RETURN_IF_ERROR(screening.RunRescreenJobs());
  clock.Advance(hours(1));
  // New listings pushed since: screened as they arrive. Disguised brands at a
  // fraction of the MSRP wait for a reviewer; a reworded copy of a listing a
  // notice took down (TM-1004) is caught by the stay-down bank.
  const std::vector<L> fresh = {
      {"TM-1010", "s-lucky-home", "tmall-demo", "Aur0ra V9 cordless vacuum cleaner, brand new", "home-appliances", 189},
      {"TM-1011", "s-lucky-home", "tmall-demo", "A.U.R.O.R.A StormJet hair dryer, fast shipping", "home-appliances", 159},
      {"TM-1012", "s-aurora-official", "tmall-demo", "Aurora AP-2 air purifier, official store", "home-appliances", 349},
      {"EU-2009", "s-euro-gadgets", "eurobazaar", "AURORA StormJet styler super copy", "home-appliances", 45},
      {"EU-2010", "s-euro-gadgets", "eurobazaar", "Аurora V9 vacuum (EU plug)", "home-appliances", 210},
  };
  for (const auto& l : fresh) {
    json::object body{{"marketplace", l.market}, {"seller_id", l.seller}, {"title", l.title},
                      {"description", std::string(l.title) + ". Ships in 48 hours."},
                      {"category", l.cat},
                      {"price", json::object{{"amount", l.price}, {"currency", "USD"}}},
                      {"ship_from", std::string(l.market) == "tmall-demo" ? "CN" : "DE"}};
    RETURN_IF_ERROR(market.UpsertListing(who[std::string(l.market) == "tmall-demo" ? "marketplace"
                                                                                 : "marketplace-eu"],
                                         l.id, body)
                        .status());
    clock.Advance(std::chrono::minutes(7));
  }
  return out;
}

}  // namespace counterfoil::api
