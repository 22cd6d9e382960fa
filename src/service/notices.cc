#include "service/notices.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/crypto.h"
#include "common/csv.h"
#include "common/ids.h"

namespace counterfoil::service {

using domain::CounterNotice;
using domain::CounterNoticeState;
using domain::Listing;
using domain::ListingStatus;
using domain::Marketplace;
using domain::Notice;
using domain::NoticeState;
using domain::Role;
using storage::Filter;
using storage::Tx;
using storage::Value;

namespace {

constexpr int kPriorityTrusted = 0;
constexpr int kPriorityGoodFaith = 1;
constexpr int kPriorityStandard = 2;
constexpr int kPriorityWarned = 3;

const std::vector<std::string_view> kNoticeFields = {
    "listing_id", "right_id",  "infringement_type", "on_behalf_of", "work",
    "location_url", "explanation", "evidence",      "signature",    "complainant",
    "statements"};
const std::vector<std::string_view> kInfringementTypes = {"counterfeit", "trademark", "copyright",
                                                          "design", "piracy"};

bool TypeFitsRight(const std::string& type, domain::RightType rt) {
  switch (rt) {
    case domain::RightType::kTrademark: return type == "counterfeit" || type == "trademark";
    case domain::RightType::kCopyright: return type == "copyright" || type == "piracy";
    case domain::RightType::kDesign: return type == "design" || type == "counterfeit";
  }
  return false;
}

std::string Truncate(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return s.substr(0, cut) + "…";
}

// Whether any of `mine` is among `theirs` (organisation ids).
bool AnyOf(const std::vector<std::string>& mine, const std::vector<std::string>& theirs) {
  for (const auto& o : mine)
    if (std::find(theirs.begin(), theirs.end(), o) != theirs.end()) return true;
  return false;
}

bool HasRegime(const domain::Regime& r, std::string_view id) {
  return r.id.find(id) != std::string::npos;
}

std::vector<std::string> Redress(const domain::Regime& r, const Notice& n, bool for_seller) {
  std::vector<std::string> out;
  if (for_seller && r.counter_notice) {
    std::string s = "Counter-notice: you may file a counter-notice (declaration of "
                    "non-infringement) with your evidence";
    if (n.counter_notice_deadline) s += " until " + FormatTime(*n.counter_notice_deadline);
    s += "; it is forwarded to the complainant and, unless they show a filed complaint or "
         "lawsuit in time, the listing is restored.";
    out.push_back(s);
  }
  if (r.appeal) {
    std::string s = "Internal complaint (DSA art. 20): you may appeal this decision";
    if (n.appeal_deadline) s += " until " + FormatTime(*n.appeal_deadline);
    s += "; a person who did not take the decision reviews it.";
    out.push_back(s);
  }
  if (HasRegime(r, "eu_dsa"))
    out.push_back("Out-of-court dispute settlement before a certified body (DSA art. 21).");
  out.push_back("Judicial redress before the competent courts.");
  return out;
}

}  // namespace

bool NoticeService::CanSee(const Principal& p, const Notice& n) {
  if (p.IsStaff()) return true;
  switch (p.role) {
    case Role::kRightsHolder:
      return p.SeesOrg(n.principal_org_id) || p.SeesOrg(n.complainant_org_id);
    case Role::kAgent:
      return n.complainant_org_id == p.org_id;
    case Role::kSeller:
      // A seller sees notices once they concern a decision it must know of
      // (the states List shows it): never one withdrawn or lapsed undecided.
      return n.seller_id == p.seller_id && n.marketplace_id == p.marketplace_id &&
             !domain::IsOpen(n.state) && n.state != NoticeState::kWithdrawn &&
             n.state != NoticeState::kLapsed;
    case Role::kMarketplace:
      return n.marketplace_id == p.marketplace_id;
    default:
      return false;
  }
}

void NoticeService::AddTimeline(Notice& n, const std::string& actor, std::string action,
                                std::string detail) {
  n.timeline.push_back({ctx_.Now(), actor, std::move(action), std::move(detail)});
}

Status NoticeService::EmitNotice(Tx& tx, const Notice& n, const std::string& type,
                                 json::object extra) {
  json::object data{{"notice_id", n.id},
                    {"state", domain::Name(n.state)},
                    {"listing_id", n.listing_id},
                    {"right_id", n.right_id},
                    {"complainant_org_id", n.complainant_org_id},
                    {"principal_org_id", n.principal_org_id}};
  for (auto& kv : extra) data[kv.key()] = kv.value();
  std::vector<std::string> orgs{n.complainant_org_id};
  if (n.principal_org_id != n.complainant_org_id) orgs.push_back(n.principal_org_id);
  return ctx_.Emit(tx, MakeEvent(type, ctx_.Now(), n.marketplace_id, orgs, n.seller_id, n.id,
                                 std::move(data)));
}

// ------------------------------------------------------------------ intake

Result<NoticeService::IntakeFields> NoticeService::ValidateIntake(const Principal& p,
                                                                  const json::value& body) {
  if (!p.IsRightsHolderSide() && !p.IsAdmin())
    return PermissionDenied("notices are filed by rights holders and their agents");
  FieldReader r(body);
  r.RejectUnknown(kNoticeFields);
  std::string listing_id = r.String("listing_id", {.min_len = 1, .max_len = 128});
  std::string right_id = r.String("right_id", {.min_len = 1, .max_len = 128});
  std::string type = r.Enum("infringement_type", kInfringementTypes);
  std::string on_behalf_of = r.OptString("on_behalf_of", {.max_len = 128}).value_or("");
  r.OptString("work", {.max_len = 5000});
  r.OptString("location_url", {.max_len = 2000});
  r.OptString("explanation", {.max_len = 20000});
  std::vector<std::string> evidence = r.StringArray("evidence", false, 100);
  r.OptString("signature", {.max_len = 500});
  if (r.Object("complainant", false)) {
    FieldReader c(*r.Find("complainant"), "/complainant");
    c.RejectUnknown({"name", "email", "address", "phone", "identity_document"});
    for (auto k : {"name", "email", "address", "phone", "identity_document"})
      c.OptString(k, {.max_len = 1000});
    if (!c.ok()) return c.status();
  }
  if (r.Object("statements", false)) {
    FieldReader s(*r.Find("statements"), "/statements");
    s.RejectUnknown({"good_faith", "accurate", "under_penalty_of_perjury", "authorised",
                     "bona_fide"});
    for (auto k : {"good_faith", "accurate", "under_penalty_of_perjury", "authorised", "bona_fide"})
      s.OptBool(k);
    if (!s.ok()) return s.status();
  }
  RETURN_IF_ERROR(r.status());
  for (size_t i = 0; i < evidence.size(); ++i)
    if (evidence[i].empty() || evidence[i].size() > 2000)
      return InvalidArgument("evidence/" + std::to_string(i) + ": 1 to 2000 bytes",
                             "/evidence/" + std::to_string(i));

  // Authority: the principal is the complainant itself, a coalition member,
  // or a rights holder that authorised this agent.
  std::string principal_org = on_behalf_of.empty() ? p.org_id : on_behalf_of;
  if (!p.IsAdmin() && !p.CanActForOrg(principal_org)) {
    if (on_behalf_of.empty())
      return InvalidArgument("on_behalf_of: an agent names the rights holder it acts for",
                             "/on_behalf_of");
    return Status(StatusCode::kPermissionDenied,
                  "you are not authorised to act for " + principal_org, "/on_behalf_of");
  }
  return IntakeFields{std::move(listing_id), std::move(right_id), std::move(type),
                      std::move(principal_org)};
}

Result<Notice> NoticeService::IntakeInTx(Tx& tx, const Principal& p, const json::value& body,
                                         const std::string& source, const std::string& job_id) {
  ASSIGN_OR_RETURN(IntakeFields fields, ValidateIntake(p, body));
  return IntakeInTx(tx, p, body, fields, source, job_id);
}

Result<Notice> NoticeService::IntakeInTx(Tx& tx, const Principal& p, const json::value& body,
                                         const IntakeFields& fields, const std::string& source,
                                         const std::string& job_id) {
  const std::string& listing_id = fields.listing_id;
  const std::string& right_id = fields.right_id;
  const std::string& type = fields.type;
  const std::string& principal_org = fields.principal_org;
  ASSIGN_OR_RETURN(auto listing, tx.listings().Find(listing_id));
  if (!listing) return InvalidArgument("listing " + listing_id + " does not exist", "/listing_id");
  ASSIGN_OR_RETURN(auto right, tx.rights().Find(right_id));
  if (!right) return InvalidArgument("right " + right_id + " does not exist", "/right_id");
  if (right->org_id != principal_org)
    return InvalidArgument("right " + right_id + " does not belong to " + principal_org,
                           "/right_id");
  if (right->verification != domain::Verification::kVerified)
    return InvalidArgument("right " + right_id + " is " + std::string(domain::Name(right->verification)) +
                               "; only verified rights support notices",
                           "/right_id");
  if (!TypeFitsRight(type, right->type))
    return InvalidArgument("a " + type + " notice cannot rely on a " +
                               std::string(domain::Name(right->type)),
                           "/infringement_type");
  ASSIGN_OR_RETURN(Marketplace m, tx.marketplaces().Get(listing->marketplace_id));
  ASSIGN_OR_RETURN(domain::Regime regime, ctx_.RegimeFor(m));

  json::object doc = body.as_object();
  // The platform knows the listing's exact location; fill it in if omitted.
  if (!doc.contains("location_url") && !listing->url.empty()) doc["location_url"] = listing->url;
  RETURN_IF_ERROR(domain::CheckRequiredFields(regime, doc));

  std::string complainant_org = p.org_id.empty() ? principal_org : p.org_id;
  ASSIGN_OR_RETURN(domain::Organisation notifier, tx.organisations().Get(complainant_org));
  Timestamp now = ctx_.Now();
  if (notifier.standing == "limited" && notifier.limited_until && *notifier.limited_until > now)
    return Status(StatusCode::kPermissionDenied,
                  "notices from " + notifier.name +
                      " are not processed until " + FormatTime(*notifier.limited_until) +
                      " after repeated manifestly unfounded notices (DSA art. 23(2))")
        .WithReason("notifier_limited");

  ASSIGN_OR_RETURN(auto dup, tx.notices().First(Filter().Eq(
                                 "open_key", listing_id + "|" + right_id)));
  if (dup)
    return Status(StatusCode::kAlreadyExists,
                  "notice " + dup->id + " already covers listing " + listing_id + " and right " +
                      right_id,
                  "/listing_id")
        .WithReason("duplicate_notice");

  Notice n;
  n.received_at = now;
  n.id = NewId("ntc", now);
  n.marketplace_id = listing->marketplace_id;
  n.complainant_org_id = complainant_org;
  n.principal_org_id = principal_org;
  n.filed_by = p.user_id;
  n.right_id = right_id;
  n.listing_id = listing_id;
  n.seller_id = listing->seller_id;
  n.infringement_type = type;
  n.body = std::move(doc);
  n.snapshot = domain::Snapshot(*listing, now);
  n.source = source;
  n.job_id = job_id;
  n.review_due_at = domain::ReviewDueAt(regime, now);
  bool good_faith = notifier.standing == "good_faith";
  if (notifier.trusted_flagger || notifier.kind == domain::OrgKind::kCoalition)
    n.priority = kPriorityTrusted;
  else if (good_faith)
    n.priority = kPriorityGoodFaith;
  else if (notifier.standing == "warned")
    n.priority = kPriorityWarned;
  else
    n.priority = kPriorityStandard;
  AddTimeline(n, p.user_id, "received",
              "Notice received from " + notifier.name + " relying on " + domain::Describe(*right));
  RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), "notice.received", "notice", n.id,
                              {{"listing_id", listing_id},
                               {"right_id", right_id},
                               {"complainant_org_id", complainant_org},
                               {"principal_org_id", principal_org}}));
  if (good_faith && listing->status != ListingStatus::kRemoved) {
    // Good-faith fast lane: act at once, review after (the notice stays in
    // the post-review queue).
    n.fast_lane = true;
    n.post_review_pending = true;
    RETURN_IF_ERROR(tx.notices().Insert(n));
    RETURN_IF_ERROR(EmitNotice(tx, n, "notice.received"));
    RETURN_IF_ERROR(AcceptInTx(tx, "system", n,
                               "Accepted at intake under the good-faith programme; a reviewer "
                               "checks it afterwards.",
                               /*automated=*/true));
    return n;
  }
  RETURN_IF_ERROR(tx.notices().Insert(n));
  RETURN_IF_ERROR(EmitNotice(tx, n, "notice.received"));
  return n;
}

Result<Notice> NoticeService::File(const Principal& p, const json::value& body, std::string source) {
  // The checks that need no database run here, on the caller's thread, so
  // that the store's single writer only does the part that must be serialised.
  ASSIGN_OR_RETURN(IntakeFields fields, ValidateIntake(p, body));
  Notice n;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(n, IntakeInTx(tx, p, body, fields, source, ""));
    return Status::Ok();
  }));
  return n;
}

Result<Notice> NoticeService::Get(const Principal& p, const std::string& id) {
  Notice n;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(n, tx.notices().Get(id));
    return Status::Ok();
  }));
  if (!CanSee(p, n)) return NotFound("notice " + id + " not found");
  return n;
}

Result<storage::Page<Notice>> NoticeService::List(const Principal& p, const NoticeFilter& nf,
                                                   const storage::PageRequest& page) {
  Filter f;
  switch (p.role) {
    case Role::kAdmin:
    case Role::kReviewer:
    case Role::kInvestigator:
      break;
    case Role::kRightsHolder: {
      std::vector<Value> ids;
      for (const auto& id : p.visible_org_ids) ids.emplace_back(id);
      f.In("principal_org_id", ids);
      break;
    }
    case Role::kAgent:
      f.Eq("complainant_org_id", p.org_id);
      break;
    case Role::kSeller:
      f.Eq("seller_id", p.seller_id).Eq("marketplace_id", p.marketplace_id);
      f.In("state", {std::string("accepted"), std::string("counter_noticed"),
                     std::string("action_filed"), std::string("restored"),
                     std::string("rejected")});
      break;
    case Role::kMarketplace:
      f.Eq("marketplace_id", p.marketplace_id);
      break;
  }
  if (!nf.state.empty()) {
    if (!domain::ParseNoticeState(nf.state))
      return InvalidArgument("unknown state " + nf.state, "state");
    f.Eq("state", nf.state);
  }
  if (!nf.listing_id.empty()) f.Eq("listing_id", nf.listing_id);
  if (!nf.seller_id.empty()) f.Eq("seller_id", nf.seller_id);
  if (!nf.marketplace_id.empty()) f.Eq("marketplace_id", nf.marketplace_id);
  if (!nf.org_id.empty()) f.Eq("principal_org_id", nf.org_id);
  if (!nf.job_id.empty()) f.Eq("job_id", nf.job_id);
  storage::Page<Notice> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.notices().List(f, page));
    return Status::Ok();
  }));
  return out;
}

Result<Notice> NoticeService::Withdraw(const Principal& p, const std::string& id,
                                       const json::value& body) {
  FieldReader r(body);
  std::string reason = r.OptString("reason", {.max_len = 2000}).value_or("");
  RETURN_IF_ERROR(r.status());
  Notice n;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(n, tx.notices().Get(id));
    if (!CanSee(p, n) || !(p.IsRightsHolderSide() || p.IsAdmin()))
      return NotFound("notice " + id + " not found");
    if (!domain::IsOpen(n.state))
      return FailedPrecondition("notice " + id + " is " + std::string(domain::Name(n.state)) +
                                "; only an undecided notice can be withdrawn");
    n.state = NoticeState::kWithdrawn;
    AddTimeline(n, p.user_id, "withdrawn", reason);
    RETURN_IF_ERROR(tx.notices().Update(n));
    RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), "notice.withdrawn", "notice", id, {{"reason", reason}}));
    return EmitNotice(tx, n, "notice.withdrawn");
  }));
  return n;
}

Result<Notice> NoticeService::SupplyInformation(const Principal& p, const std::string& id,
                                                const json::value& body) {
  FieldReader r(body);
  std::string info = r.String("information", {.min_len = 1, .max_len = 20000});
  std::vector<std::string> evidence = r.StringArray("evidence", false, 100);
  RETURN_IF_ERROR(r.status());
  Notice n;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(n, tx.notices().Get(id));
    if (!CanSee(p, n) || !(p.IsRightsHolderSide() || p.IsAdmin()))
      return NotFound("notice " + id + " not found");
    if (n.state != NoticeState::kInfoRequested)
      return FailedPrecondition("notice " + id + " is not waiting for information");
    json::array all;
    if (auto* e = n.body.if_contains("evidence"); e && e->is_array()) all = e->get_array();
    for (auto& e : evidence) all.emplace_back(e);
    n.body["evidence"] = std::move(all);
    json::array supplied;
    if (auto* s = n.body.if_contains("supplementary"); s && s->is_array()) supplied = s->get_array();
    supplied.emplace_back(json::object{{"at", FormatTime(ctx_.Now())}, {"information", info}});
    n.body["supplementary"] = std::move(supplied);
    n.state = NoticeState::kReceived;
    n.info_deadline.reset();
    n.claimed_by.clear();
    n.claimed_at.reset();
    AddTimeline(n, p.user_id, "information_supplied", Truncate(info, 500));
    RETURN_IF_ERROR(tx.notices().Update(n));
    RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), "notice.information_supplied", "notice", id));
    return EmitNotice(tx, n, "notice.information_supplied");
  }));
  return n;
}

// ------------------------------------------------------------------ bulk

namespace {

// Sets a dotted column ("complainant.name") in a JSON object; statements
// are booleans and evidence is a ';'-separated list.
Status SetColumn(json::object& o, const std::string& column, const std::string& value) {
  if (value.empty()) return Status::Ok();
  auto dot = column.find('.');
  if (dot != std::string::npos) {
    std::string head = column.substr(0, dot), tail = column.substr(dot + 1);
    json::value& sub = o[head];
    if (!sub.is_object()) sub = json::object();
    if (head == "statements") {
      std::string v;
      for (char c : value) v.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      if (v == "true" || v == "yes" || v == "1" || v == "y") sub.as_object()[tail] = true;
      else if (v == "false" || v == "no" || v == "0" || v == "n") sub.as_object()[tail] = false;
      else return InvalidArgument(column + ": expected true or false, got \"" + Truncate(value, 40) + "\"",
                                  "/" + head + "/" + tail);
      return Status::Ok();
    }
    sub.as_object()[tail] = value;
    return Status::Ok();
  }
  if (column == "evidence") {
    json::array a;
    size_t pos = 0;
    while (pos <= value.size()) {
      size_t end = value.find(';', pos);
      if (end == std::string::npos) end = value.size();
      std::string part = value.substr(pos, end - pos);
      while (!part.empty() && part.front() == ' ') part.erase(part.begin());
      while (!part.empty() && part.back() == ' ') part.pop_back();
      if (!part.empty()) a.emplace_back(part);
      pos = end + 1;
    }
    o["evidence"] = std::move(a);
    return Status::Ok();
  }
  o[column] = value;
  return Status::Ok();
}

const std::vector<std::string>& BulkColumns() {
  static const std::vector<std::string> c = {
      "listing_id", "right_id", "infringement_type", "on_behalf_of", "work", "location_url",
      "explanation", "evidence", "signature", "complainant.name", "complainant.email",
      "complainant.address", "complainant.phone", "complainant.identity_document",
      "statements.good_faith", "statements.accurate", "statements.under_penalty_of_perjury",
      "statements.authorised", "statements.bona_fide"};
  return c;
}

}  // namespace

Result<domain::Job> NoticeService::StartBulk(const Principal& p, std::string_view csv,
                                             const json::object& defaults) {
  if (!p.IsRightsHolderSide() && !p.IsAdmin())
    return PermissionDenied("notices are filed by rights holders and their agents");
  CsvReader reader(csv);
  std::vector<std::string> header;
  if (!reader.Next(header)) {
    RETURN_IF_ERROR(reader.status());
    return InvalidArgument("the CSV file is empty; the first line names the columns", "csv");
  }
  for (size_t i = 0; i < header.size(); ++i) {
    const auto& cols = BulkColumns();
    if (std::find(cols.begin(), cols.end(), header[i]) == cols.end())
      return InvalidArgument("line 1, column " + std::to_string(i + 1) + ": unknown column \"" +
                                 Truncate(header[i], 60) + "\"",
                             "csv");
  }
  if (std::find(header.begin(), header.end(), "listing_id") == header.end())
    return InvalidArgument("line 1: the listing_id column is required", "csv");
  int rows = 0;
  std::vector<std::string> row;
  while (reader.Next(row)) ++rows;
  RETURN_IF_ERROR(reader.status());
  if (rows == 0) return InvalidArgument("the CSV file has a header but no rows", "csv");
  if (rows > ctx_.config().bulk_max_rows)
    return Status(StatusCode::kResourceExhausted,
                  "at most " + std::to_string(ctx_.config().bulk_max_rows) +
                      " rows per upload; this one has " + std::to_string(rows))
        .WithReason("too_large");
  {
    FieldReader d(defaults, "/defaults");
    d.RejectUnknown(kNoticeFields);
    RETURN_IF_ERROR(d.status());
  }
  ASSIGN_OR_RETURN(std::string sha, ctx_.blobs().Put(csv));
  domain::Job job;
  job.created_at = ctx_.Now();
  job.id = NewId("job", job.created_at);
  job.kind = "notice_bulk";
  job.owner_org_id = p.org_id;
  job.created_by = p.user_id;
  job.input_sha256 = sha;
  job.params = {{"defaults", defaults}};
  job.total = rows;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.PutBlobRef({sha, p.org_id, p.user_id, "text/csv", "", int64_t(csv.size()),
                                   "evidence", job.created_at}));
    RETURN_IF_ERROR(tx.jobs().Insert(job));
    return ctx_.Record(tx, p.Actor(), "job.queued", "job", job.id,
                       {{"kind", job.kind}, {"rows", rows}});
  }));
  return job;
}

Result<std::vector<std::string>> NoticeService::PendingJobs() {
  std::vector<std::string> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    // Other kinds of job (screening's re-screens) have their own runner.
    ASSIGN_OR_RETURN(auto page,
                     tx.jobs().List(Filter()
                                        .Eq("kind", std::string("notice_bulk"))
                                        .In("state", {std::string("queued"), std::string("running")}),
                                    {.order_by = {"created_at"}, .limit = 1000}));
    for (auto& j : page.items) out.push_back(j.id);
    return Status::Ok();
  }));
  return out;
}

Status NoticeService::RunJob(const std::string& job_id) {
  domain::Job job;
  Principal p;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(job, tx.jobs().Get(job_id));
    return Status::Ok();
  }));
  if (job.state == domain::JobState::kDone || job.state == domain::JobState::kFailed ||
      job.kind != "notice_bulk")
    return Status::Ok();
  ASSIGN_OR_RETURN(std::string csv, ctx_.blobs().Get(job.input_sha256));
  // The uploader's principal as it is now (authorisations may have lapsed).
  {
    Status s = ctx_.store().Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(domain::User u, tx.users().Get(job.created_by));
      if (u.disabled) return PermissionDenied("the uploader's account is disabled");
      ASSIGN_OR_RETURN(p, PrincipalFor(tx, u, ctx_.Now()));
      return Status::Ok();
    });
    if (!s.ok()) {
      job.state = domain::JobState::kFailed;
      job.error = s.message();
      job.finished_at = ctx_.Now();
      return ctx_.store().Write([&](Tx& tx) { return tx.jobs().Update(job); });
    }
  }
  json::object defaults;
  if (auto* d = job.params.if_contains("defaults"); d && d->is_object()) defaults = d->get_object();

  CsvReader reader(csv);
  std::vector<std::string> header, row;
  reader.Next(header);
  struct Row {
    int line;
    std::vector<std::string> fields;
  };
  std::vector<Row> rows;
  while (reader.Next(row)) rows.push_back({reader.line(), row});
  // Rows already processed before a restart are skipped (results are kept per chunk).
  size_t start = static_cast<size_t>(job.processed);
  job.state = domain::JobState::kRunning;
  constexpr size_t kChunk = 500;
  for (size_t begin = start; begin < rows.size(); begin += kChunk) {
    size_t end = std::min(rows.size(), begin + kChunk);
    domain::Job updated;
    RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
      updated = job;
      for (size_t i = begin; i < end; ++i) {
        const Row& rw = rows[i];
        json::object result{{"row", static_cast<int64_t>(i + 1)}, {"line", rw.line}};
        json::object body = defaults;
        Status s;
        if (rw.fields.size() != header.size()) {
          s = InvalidArgument("line " + std::to_string(rw.line) + ": expected " +
                              std::to_string(header.size()) + " columns, found " +
                              std::to_string(rw.fields.size()));
        }
        for (size_t c = 0; s.ok() && c < header.size(); ++c) s = SetColumn(body, header[c], rw.fields[c]);
        if (s.ok()) {
          auto n = IntakeInTx(tx, p, json::value(body), "bulk", job.id);
          if (n.ok()) {
            result["status"] = "created";
            result["notice_id"] = n->id;
            result["state"] = domain::Name(n->state);
            ++updated.succeeded;
          } else {
            s = n.status();
          }
        }
        if (!s.ok()) {
          result["status"] = "error";
          result["error"] = s.message();
          if (!s.field().empty()) result["field"] = s.field();
          if (!s.reason().empty()) result["reason"] = s.reason();
          ++updated.failed;
        }
        updated.results.emplace_back(std::move(result));
        ++updated.processed;
      }
      if (end == rows.size()) {
        updated.state = domain::JobState::kDone;
        updated.finished_at = ctx_.Now();
      } else {
        updated.state = domain::JobState::kRunning;
      }
      RETURN_IF_ERROR(tx.jobs().Update(updated));
      if (updated.state == domain::JobState::kDone) {
        RETURN_IF_ERROR(ctx_.Record(tx, "system", "job.done", "job", job.id,
                                    {{"succeeded", updated.succeeded}, {"failed", updated.failed}}));
        RETURN_IF_ERROR(ctx_.Emit(tx, MakeEvent("job.done", ctx_.Now(), "", {job.owner_org_id}, "",
                                                job.id,
                                                {{"job_id", job.id},
                                                 {"succeeded", updated.succeeded},
                                                 {"failed", updated.failed}})));
      }
      return Status::Ok();
    }));
    job = std::move(updated);
  }
  return Status::Ok();
}

Result<domain::Job> NoticeService::GetJob(const Principal& p, const std::string& id) {
  domain::Job job;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(job, tx.jobs().Get(id));
    return Status::Ok();
  }));
  bool allowed = p.IsStaff() || job.created_by == p.user_id ||
                 (!p.org_id.empty() && job.owner_org_id == p.org_id);
  if (!allowed) return NotFound("job " + id + " not found");
  return job;
}

// ------------------------------------------------------------------ review

Result<json::array> NoticeService::ReviewQueue(const Principal& p, Queue q, int limit) {
  if (!p.IsReviewer()) return PermissionDenied("the review queues are for reviewers");
  json::array out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    switch (q) {
      case Queue::kNotices: {
        ASSIGN_OR_RETURN(auto page, tx.notices().List(
                                        Filter().In("state", {std::string("received"),
                                                              std::string("in_review")}),
                                        {.order_by = {"priority", "review_due_at"}, .limit = limit}));
        for (const auto& n : page.items) out.emplace_back(domain::ToJson(n));
        break;
      }
      case Queue::kPostReview: {
        ASSIGN_OR_RETURN(auto page, tx.notices().List(
                                        Filter().Eq("post_review_pending", int64_t{1}),
                                        {.order_by = {"received_at"}, .limit = limit}));
        for (const auto& n : page.items) out.emplace_back(domain::ToJson(n));
        break;
      }
      case Queue::kCounterNotices: {
        ASSIGN_OR_RETURN(auto page, tx.counter_notices().List(
                                        Filter().Eq("state", std::string("pending")),
                                        {.order_by = {"restore_at"}, .limit = limit}));
        for (const auto& c : page.items) out.emplace_back(domain::ToJson(c));
        break;
      }
      case Queue::kAppeals: {
        ASSIGN_OR_RETURN(auto page, tx.appeals().List(Filter().Eq("state", std::string("open")),
                                                      {.order_by = {"filed_at"}, .limit = limit}));
        for (const auto& a : page.items) out.emplace_back(domain::ToJson(a));
        break;
      }
    }
    return Status::Ok();
  }));
  return out;
}

Result<Notice> NoticeService::Claim(const Principal& p, const std::string& id) {
  if (!p.IsReviewer()) return PermissionDenied("only reviewers claim notices");
  Notice n;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(n, tx.notices().Get(id));
    Timestamp now = ctx_.Now();
    bool reviewable = n.state == NoticeState::kReceived || n.state == NoticeState::kInReview ||
                      n.post_review_pending;
    if (!reviewable)
      return FailedPrecondition("notice " + id + " is " + std::string(domain::Name(n.state)) +
                                " and not awaiting review");
    if (!n.claimed_by.empty() && n.claimed_by != p.user_id && n.claimed_at &&
        *n.claimed_at + std::chrono::minutes(ctx_.config().claim_minutes) > now)
      return FailedPrecondition("notice " + id + " is claimed by another reviewer until " +
                                FormatTime(*n.claimed_at +
                                           std::chrono::minutes(ctx_.config().claim_minutes)))
          .WithReason("claimed");
    n.claimed_by = p.user_id;
    n.claimed_at = now;
    if (n.state == NoticeState::kReceived) n.state = NoticeState::kInReview;
    AddTimeline(n, p.user_id, "claimed", "");
    RETURN_IF_ERROR(tx.notices().Update(n));
    return ctx_.Record(tx, p.Actor(), "notice.claimed", "notice", id);
  }));
  return n;
}

Result<domain::StatementOfReasons> NoticeService::WriteStatement(Tx& tx,
                                                                 domain::StatementOfReasons s) {
  s.created_at = ctx_.Now();
  s.id = NewId("sor", s.created_at);
  RETURN_IF_ERROR(tx.statements().Insert(s));
  return s;
}

Status NoticeService::AcceptInTx(Tx& tx, const std::string& actor, Notice& n,
                                 const std::string& reason, bool automated) {
  Timestamp now = ctx_.Now();
  ASSIGN_OR_RETURN(Marketplace m, tx.marketplaces().Get(n.marketplace_id));
  ASSIGN_OR_RETURN(domain::Regime regime, ctx_.RegimeFor(m));
  ASSIGN_OR_RETURN(Listing listing, tx.listings().Get(n.listing_id));
  ASSIGN_OR_RETURN(domain::Right right, tx.rights().Get(n.right_id));
  ASSIGN_OR_RETURN(domain::Organisation complainant, tx.organisations().Get(n.complainant_org_id));

  n.state = NoticeState::kAccepted;
  n.decided_by = actor;
  n.decided_at = now;
  n.decision_reason = reason;
  n.counter_notice_deadline = domain::CounterNoticeDeadline(regime, now);
  if (regime.counter_notice && !n.counter_notice_deadline) n.counter_notice_deadline.reset();
  n.appeal_deadline = domain::AppealDeadline(regime, now);

  // One listing earns one strike: a notice accepted against a listing that is
  // already down (another notice, a suspension) adds none.
  bool was_online = listing.status == ListingStatus::kActive ||
                    listing.status == ListingStatus::kRestored;
  listing.status = ListingStatus::kRemoved;
  listing.status_reason = "notice " + n.id;
  listing.version += 1;
  listing.updated_at = now;
  RETURN_IF_ERROR(tx.listings().Update(listing));

  domain::StatementOfReasons s;
  s.marketplace_id = n.marketplace_id;
  s.notice_id = n.id;
  s.listing_id = n.listing_id;
  s.seller_id = n.seller_id;
  s.decision = "removal";
  s.restriction = "Removal of the listing (access disabled); it stays down unless a "
                  "counter-notice or an internal complaint succeeds.";
  s.territorial_scope = "All territories served by " + m.name;
  std::string explanation;
  if (auto* e = n.body.if_contains("explanation"); e && e->is_string())
    explanation = std::string(e->get_string());
  s.facts = "Notice " + n.id + " from " + complainant.name + " reported " + n.infringement_type +
            " infringing " + domain::Describe(right) + " in listing " + n.listing_id + " (\"" +
            Truncate(listing.title, 200) + "\")." +
            (explanation.empty() ? "" : " The notifier explained: " + Truncate(explanation, 500)) +
            (reason.empty() ? "" : " Reviewer's assessment: " + Truncate(reason, 1000));
  s.notice_based = true;
  s.automated_detection = false;
  s.automated_decision = automated;
  s.legal_ground = "Infringement of " + domain::Describe(right) + ". Legal basis for acting: " +
                   regime.legal_basis;
  s.terms_ground = "Marketplace terms: listings must not infringe intellectual property rights.";
  s.redress = Redress(regime, n, /*for_seller=*/true);
  s.decided_by = actor;
  ASSIGN_OR_RETURN(s, WriteStatement(tx, s));
  n.statement_id = s.id;

  if (was_online) {
    domain::Strike strike;
    strike.at = now;
    strike.id = NewId("stk", now);
    strike.seller_id = n.seller_id;
    strike.marketplace_id = n.marketplace_id;
    strike.notice_id = n.id;
    RETURN_IF_ERROR(tx.strikes().Insert(strike));
    n.strike_id = strike.id;
    RETURN_IF_ERROR(ctx_.Record(tx, actor, "strike.added", "seller", n.seller_id,
                                {{"strike_id", strike.id}, {"notice_id", n.id}}));
  }

  AddTimeline(n, actor, "accepted", reason);
  AddTimeline(n, "system", "listing_removed", "Listing " + n.listing_id + " removed");
  AddTimeline(n, "system", "forwarded_to_seller",
              "Notice and statement of reasons " + s.id + " sent to seller " + n.seller_id);
  RETURN_IF_ERROR(tx.notices().Update(n));
  RETURN_IF_ERROR(ctx_.Record(tx, actor, "notice.accepted", "notice", n.id,
                              {{"statement_id", s.id}, {"automated", automated}}));
  RETURN_IF_ERROR(ctx_.Record(tx, actor, "listing.removed", "listing", n.listing_id,
                              {{"notice_id", n.id}}));
  RETURN_IF_ERROR(EmitNotice(tx, n, "notice.accepted", {{"statement_id", s.id}}));
  RETURN_IF_ERROR(ctx_.Emit(tx, MakeEvent("listing.removed", now, n.marketplace_id,
                                          {n.complainant_org_id, n.principal_org_id}, n.seller_id,
                                          n.listing_id,
                                          {{"listing_id", n.listing_id},
                                           {"notice_id", n.id},
                                           {"statement_id", s.id},
                                           {"statement", domain::ToJson(s)}})));
  RETURN_IF_ERROR(UpdateStanding(tx, m, n.complainant_org_id, {.accepted = 1}));
  // The removed text stays down: a re-upload by any seller is caught by screening.
  if (takedown_observer_)
    RETURN_IF_ERROR(
        takedown_observer_->OnTakedownInTx(tx, listing, "notice:" + n.id, n.principal_org_id));
  return SuspendIfRepeatInfringer(tx, m, n.seller_id);
}

Status NoticeService::RejectInTx(Tx& tx, const std::string& actor, Notice& n,
                                 const std::string& reason, const std::string& code) {
  Timestamp now = ctx_.Now();
  ASSIGN_OR_RETURN(Marketplace m, tx.marketplaces().Get(n.marketplace_id));
  ASSIGN_OR_RETURN(domain::Regime regime, ctx_.RegimeFor(m));
  n.state = NoticeState::kRejected;
  n.decided_by = actor;
  n.decided_at = now;
  n.decision_reason = reason;
  n.rejection_code = code;
  n.appeal_deadline = domain::AppealDeadline(regime, now);
  domain::StatementOfReasons s;
  s.marketplace_id = n.marketplace_id;
  s.notice_id = n.id;
  s.listing_id = n.listing_id;
  s.seller_id = n.seller_id;
  s.decision = "no_action";
  s.restriction = "None: the listing stays online.";
  s.facts = "Notice " + n.id + " was reviewed by a person and not upheld (" + code + "): " +
            Truncate(reason, 1500);
  s.legal_ground = regime.legal_basis;
  s.redress = Redress(regime, n, /*for_seller=*/false);
  s.decided_by = actor;
  ASSIGN_OR_RETURN(s, WriteStatement(tx, s));
  n.statement_id = s.id;
  AddTimeline(n, actor, "rejected", code + ": " + reason);
  RETURN_IF_ERROR(tx.notices().Update(n));
  RETURN_IF_ERROR(ctx_.Record(tx, actor, "notice.rejected", "notice", n.id,
                              {{"code", code}, {"statement_id", s.id}}));
  RETURN_IF_ERROR(EmitNotice(tx, n, "notice.rejected", {{"code", code}, {"reason", reason}}));
  return UpdateStanding(tx, m, n.complainant_org_id,
                        {.rejected = 1, .unfounded = code == "manifestly_unfounded" ? 1 : 0});
}

Status NoticeService::RestoreInTx(Tx& tx, const std::string& actor, Notice& n,
                                  const std::string& why, const std::string& appeal_id) {
  Timestamp now = ctx_.Now();
  ASSIGN_OR_RETURN(Marketplace m, tx.marketplaces().Get(n.marketplace_id));
  ASSIGN_OR_RETURN(Listing listing, tx.listings().Get(n.listing_id));
  ASSIGN_OR_RETURN(domain::Seller seller, tx.sellers().Get(domain::SellerKey(n.marketplace_id, n.seller_id)));
  // A suspended seller's listings stay down; the notice is still closed as restored.
  if (listing.status == ListingStatus::kRemoved && listing.status_reason == "notice " + n.id &&
      seller.status == domain::SellerStatus::kActive) {
    listing.status = ListingStatus::kRestored;
    listing.status_reason = why;
    listing.version += 1;
    listing.updated_at = now;
    RETURN_IF_ERROR(tx.listings().Update(listing));
    RETURN_IF_ERROR(ctx_.Record(tx, actor, "listing.restored", "listing", n.listing_id,
                                {{"notice_id", n.id}, {"why", why}}));
    RETURN_IF_ERROR(ctx_.Emit(tx, MakeEvent("listing.restored", now, n.marketplace_id,
                                            {n.complainant_org_id, n.principal_org_id}, n.seller_id,
                                            n.listing_id,
                                            {{"listing_id", n.listing_id}, {"notice_id", n.id},
                                             {"why", why}})));
  }
  RETURN_IF_ERROR(ctx_.VoidStrike(tx, actor, n.strike_id, n.seller_id, why));
  // A restoration by other means (an appeal, a reversed fast-lane takedown)
  // also ends a pending counter-notice clock: nothing is left to restore, and
  // a later "action filed" must not revive the takedown.
  if (!n.counter_notice_id.empty()) {
    ASSIGN_OR_RETURN(auto cn, tx.counter_notices().Find(n.counter_notice_id));
    if (cn && cn->state == CounterNoticeState::kPending) {
      cn->state = CounterNoticeState::kRestored;
      cn->closed_at = now;
      RETURN_IF_ERROR(tx.counter_notices().Update(*cn));
    }
  }
  // The takedown no longer stands, so neither does its stay-down entry.
  if (takedown_observer_) RETURN_IF_ERROR(takedown_observer_->OnReversalInTx(tx, "notice:" + n.id));
  domain::StatementOfReasons s;
  s.marketplace_id = n.marketplace_id;
  s.notice_id = n.id;
  s.appeal_id = appeal_id;
  s.listing_id = n.listing_id;
  s.seller_id = n.seller_id;
  s.decision = "restoration";
  s.restriction = "The earlier removal is lifted; the listing is online again.";
  s.territorial_scope = "All territories served by " + m.name;
  s.facts = why;
  if (auto regime = ctx_.RegimeFor(m); regime.ok()) s.legal_ground = regime->legal_basis;
  s.terms_ground = "Marketplace terms: listings must not infringe intellectual property rights.";
  s.redress = {"Judicial redress before the competent courts."};
  s.decided_by = actor;
  ASSIGN_OR_RETURN(s, WriteStatement(tx, s));
  n.state = NoticeState::kRestored;
  n.post_review_pending = false;
  AddTimeline(n, actor, "restored", why);
  RETURN_IF_ERROR(tx.notices().Update(n));
  RETURN_IF_ERROR(ctx_.Record(tx, actor, "notice.restored", "notice", n.id, {{"why", why}}));
  RETURN_IF_ERROR(EmitNotice(tx, n, "notice.restored", {{"why", why}}));
  return UpdateStanding(tx, m, n.complainant_org_id, {.restored = 1});
}

Status NoticeService::SuspendIfRepeatInfringer(Tx& tx, const Marketplace& m,
                                               const std::string& seller_id) {
  ASSIGN_OR_RETURN(domain::Seller seller, tx.sellers().Get(domain::SellerKey(m.id, seller_id)));
  if (seller.status == domain::SellerStatus::kSuspended) return Status::Ok();
  domain::RepeatInfringerPolicy policy = ctx_.RepeatInfringerFor(m);
  Timestamp now = ctx_.Now();
  Filter active = Filter().Eq("seller_id", seller_id).Eq("marketplace_id", m.id).Eq(
      "voided", int64_t{0});
  if (policy.strike_expiry_days > 0)  // 0: strikes never expire
    active.Ge("at", FormatTime(now - std::chrono::days(policy.strike_expiry_days)));
  ASSIGN_OR_RETURN(auto strikes, tx.strikes().List(active, {.limit = 1000}));
  std::vector<Timestamp> at;
  for (const auto& s : strikes.items) at.push_back(s.at);
  if (!domain::ShouldSuspend(policy, at, now, false)) return Status::Ok();
  seller.status = domain::SellerStatus::kSuspended;
  seller.suspended_at = now;
  seller.suspension_reason = std::to_string(at.size()) + " upheld takedowns within " +
                             std::to_string(policy.window_days) +
                             " days (repeat-infringer policy)";
  seller.updated_at = now;
  RETURN_IF_ERROR(tx.sellers().Update(seller));
  RETURN_IF_ERROR(ctx_.Record(tx, "system", "seller.suspended", "seller", seller_id,
                              {{"reason", seller.suspension_reason}}));
  RETURN_IF_ERROR(ctx_.Emit(tx, MakeEvent("seller.suspended", now, m.id, {}, seller_id, seller_id,
                                          {{"seller_id", seller_id},
                                           {"reason", seller.suspension_reason}})));
  // Take down the seller's remaining listings.
  storage::PageRequest page{.limit = 500};
  while (true) {
    ASSIGN_OR_RETURN(auto listings, tx.listings().List(
                                        Filter().Eq("seller_id", seller_id).Eq("marketplace_id", m.id).In(
                                            "status", {std::string("active"), std::string("restored")}),
                                        page));
    for (auto& l : listings.items) {
      l.status = ListingStatus::kRemoved;
      l.status_reason = "seller suspended";
      l.version += 1;
      l.updated_at = now;
      RETURN_IF_ERROR(tx.listings().Update(l));
      RETURN_IF_ERROR(ctx_.Emit(tx, MakeEvent("listing.removed", now, m.id, {}, seller_id, l.id,
                                              {{"listing_id", l.id}, {"why", "seller suspended"}})));
    }
    if (listings.next_cursor.empty()) break;
    page.after = listings.next_cursor;
  }
  domain::StatementOfReasons s;
  s.marketplace_id = m.id;
  s.seller_id = seller_id;
  s.decision = "suspension";
  s.restriction = "Suspension of the seller account and removal of all its listings.";
  s.territorial_scope = "All territories served by " + m.name;
  s.facts = seller.suspension_reason;
  s.notice_based = true;
  s.legal_ground = "Repeat-infringer policy (17 U.S.C. §512(i)(1)(A); DSA art. 23(1); "
                   "E-Commerce Law of the PRC art. 45).";
  s.terms_ground = "Marketplace terms: accounts of repeat infringers are suspended.";
  s.redress = {"Internal complaint (DSA art. 20) against the suspension.",
               "Judicial redress before the competent courts."};
  s.decided_by = "system";
  ASSIGN_OR_RETURN(s, WriteStatement(tx, s));
  return Status::Ok();
}

Status NoticeService::UpdateStanding(Tx& tx, const Marketplace& m, const std::string& org_id,
                                     const storage::NotifierTally& delta) {
  Timestamp now = ctx_.Now();
  RETURN_IF_ERROR(tx.AddNotifierTally(org_id, FormatDate(now), delta));
  domain::NotifierProgramme prog = ctx_.NotifierProgrammeFor(m);
  ASSIGN_OR_RETURN(storage::NotifierTally t,
                   tx.SumNotifierTally(org_id, FormatDate(now - std::chrono::days(prog.window_days))));
  domain::NotifierCounts c{static_cast<int>(t.accepted), static_cast<int>(t.rejected),
                           static_cast<int>(t.restored), static_cast<int>(t.unfounded)};
  std::string standing(domain::NotifierStandingName(domain::EvaluateNotifier(prog, c)));
  ASSIGN_OR_RETURN(domain::Organisation org, tx.organisations().Get(org_id));
  bool still_limited = org.standing == "limited" && org.limited_until && *org.limited_until > now;
  if (still_limited || standing == org.standing) return Status::Ok();
  std::string before = org.standing;
  org.standing = standing;
  org.limited_until.reset();
  if (standing == "limited") org.limited_until = now + std::chrono::days(prog.limit_days);
  RETURN_IF_ERROR(tx.organisations().Update(org));
  json::object data{{"from", before}, {"to", standing}};
  if (org.limited_until) data["limited_until"] = FormatTime(*org.limited_until);
  RETURN_IF_ERROR(ctx_.Record(tx, "system", "notifier.standing_changed", "organisation", org_id, data));
  return ctx_.Emit(tx, MakeEvent("notifier.standing_changed", now, "", {org_id}, "", org_id, data));
}

Result<Notice> NoticeService::Decide(const Principal& p, const std::string& id,
                                     const json::value& body) {
  if (!p.IsReviewer()) return PermissionDenied("only reviewers decide notices");
  FieldReader r(body);
  r.RejectUnknown({"decision", "reason", "rejection_code", "information_request"});
  std::string decision = r.Enum("decision", {"accept", "reject", "request_info"});
  std::string reason = r.OptString("reason", {.max_len = 5000}).value_or("");
  std::string code = r.OptString("rejection_code").value_or("");
  std::string request = r.OptString("information_request", {.max_len = 5000}).value_or("");
  RETURN_IF_ERROR(r.status());
  if (decision == "reject") {
    static const std::vector<std::string> kCodes = {"not_infringing", "insufficient_evidence",
                                                    "not_rights_holder", "manifestly_unfounded",
                                                    "other"};
    if (code.empty()) code = "other";
    if (std::find(kCodes.begin(), kCodes.end(), code) == kCodes.end())
      return InvalidArgument("rejection_code must be one of not_infringing, insufficient_evidence, "
                             "not_rights_holder, manifestly_unfounded, other",
                             "/rejection_code");
    if (reason.empty()) return InvalidArgument("reason: a rejection states its reason", "/reason");
  }
  if (decision == "request_info" && request.empty())
    return InvalidArgument("information_request: say what information is missing",
                           "/information_request");
  Notice n;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(n, tx.notices().Get(id));
    Timestamp now = ctx_.Now();
    if (!n.claimed_by.empty() && n.claimed_by != p.user_id && n.claimed_at &&
        *n.claimed_at + std::chrono::minutes(ctx_.config().claim_minutes) > now)
      return FailedPrecondition("notice " + id + " is claimed by another reviewer").WithReason("claimed");
    if (n.post_review_pending) {
      // After-the-fact review of a fast-lane notice.
      if (decision == "request_info")
        return FailedPrecondition("a fast-lane notice is confirmed or reversed, not put on hold");
      n.post_review_pending = false;
      n.claimed_by.clear();
      if (decision == "accept") {
        AddTimeline(n, p.user_id, "post_review_confirmed", reason);
        RETURN_IF_ERROR(tx.notices().Update(n));
        return ctx_.Record(tx, p.Actor(), "notice.post_review_confirmed", "notice", id);
      }
      RETURN_IF_ERROR(RestoreInTx(tx, p.user_id, n,
                                  "Reviewer reversed the fast-lane takedown: " + reason, ""));
      n.state = NoticeState::kRejected;
      n.rejection_code = code;
      n.decided_by = p.user_id;
      n.decided_at = now;
      n.decision_reason = reason;
      RETURN_IF_ERROR(tx.notices().Update(n));
      ASSIGN_OR_RETURN(Marketplace m, tx.marketplaces().Get(n.marketplace_id));
      return UpdateStanding(tx, m, n.complainant_org_id,
                            {.rejected = 1, .unfounded = code == "manifestly_unfounded" ? 1 : 0});
    }
    if (n.state != NoticeState::kReceived && n.state != NoticeState::kInReview)
      return FailedPrecondition("notice " + id + " is " + std::string(domain::Name(n.state)) +
                                " and cannot be decided");
    n.claimed_by = p.user_id;
    if (decision == "accept") return AcceptInTx(tx, p.user_id, n, reason, false);
    if (decision == "reject") return RejectInTx(tx, p.user_id, n, reason, code);
    ASSIGN_OR_RETURN(domain::Regime regime, ctx_.RegimeFor(tx, n.marketplace_id));
    n.state = NoticeState::kInfoRequested;
    n.info_request = request;
    n.info_deadline = domain::InfoRequestDeadline(regime, now);
    AddTimeline(n, p.user_id, "information_requested",
                request + " (by " + FormatTime(*n.info_deadline) + ")");
    RETURN_IF_ERROR(tx.notices().Update(n));
    RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), "notice.information_requested", "notice", id,
                                {{"deadline", FormatTime(*n.info_deadline)}}));
    return EmitNotice(tx, n, "notice.information_requested",
                      {{"request", request}, {"deadline", FormatTime(*n.info_deadline)}});
  }));
  return n;
}

Result<domain::StatementOfReasons> NoticeService::GetStatement(const Principal& p,
                                                               const std::string& id) {
  domain::StatementOfReasons s;
  bool allowed = false;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(s, tx.statements().Get(id));
    if (p.IsStaff()) allowed = true;
    else if (p.role == Role::kSeller)
      allowed = s.seller_id == p.seller_id && s.marketplace_id == p.marketplace_id;
    else if (p.role == Role::kMarketplace)
      allowed = s.marketplace_id == p.marketplace_id;
    else if (!s.notice_id.empty()) {
      ASSIGN_OR_RETURN(Notice n, tx.notices().Get(s.notice_id));
      allowed = CanSee(p, n);
    } else if (!s.hit_id.empty() && p.IsRightsHolderSide()) {
      // Own-initiative decisions on a hit: the rights holders concerned.
      ASSIGN_OR_RETURN(auto hit, tx.screening_hits().Find(s.hit_id));
      allowed = hit && AnyOf(p.role == Role::kAgent ? p.principal_org_ids : p.visible_org_ids,
                             hit->rights_holder_ids);
    }
    return Status::Ok();
  }));
  if (!allowed) return NotFound("statement " + id + " not found");
  return s;
}

// ------------------------------------------------------------------ counter-notices

Result<CounterNotice> NoticeService::FileCounterNotice(const Principal& p,
                                                       const std::string& notice_id,
                                                       const json::value& body) {
  if (p.role != Role::kSeller && !p.IsAdmin())
    return PermissionDenied("counter-notices are filed by the seller concerned");
  FieldReader r(body);
  r.RejectUnknown({"statement", "evidence", "signature", "contact", "statements"});
  std::string statement = r.String("statement", {.min_len = 20, .max_len = 20000});
  std::vector<std::string> evidence = r.StringArray("evidence", false, 100);
  std::string signature = r.String("signature", {.min_len = 2, .max_len = 500});
  r.Object("contact", true);
  RETURN_IF_ERROR(r.status());
  FieldReader c(*r.Find("contact"), "/contact");
  c.RejectUnknown({"name", "address", "phone", "email"});
  c.String("name", {.min_len = 1, .max_len = 300});
  c.String("address", {.min_len = 1, .max_len = 1000});
  c.String("email", {.min_len = 3, .max_len = 254});
  c.OptString("phone", {.max_len = 50});
  RETURN_IF_ERROR(c.status());
  const json::object* st = r.Object("statements", false);
  CounterNotice cn;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Notice n, tx.notices().Get(notice_id));
    if (!p.IsAdmin() && !CanSee(p, n)) return NotFound("notice " + notice_id + " not found");
    if (n.state != NoticeState::kAccepted)
      return FailedPrecondition("notice " + notice_id + " is " + std::string(domain::Name(n.state)) +
                                "; a counter-notice answers an accepted takedown");
    ASSIGN_OR_RETURN(Marketplace m, tx.marketplaces().Get(n.marketplace_id));
    ASSIGN_OR_RETURN(domain::Regime regime, ctx_.RegimeFor(m));
    if (!regime.counter_notice)
      return FailedPrecondition("the regime of " + m.name +
                                " has no counter-notice procedure; file an internal complaint "
                                "(POST /v1/appeals)");
    Timestamp now = ctx_.Now();
    if (n.counter_notice_deadline && *n.counter_notice_deadline < now)
      return FailedPrecondition("the counter-notice window closed at " +
                                FormatTime(*n.counter_notice_deadline));
    // 17 U.S.C. §512(g)(3): signature, identification, statement under
    // penalty of perjury of good-faith belief of mistake, name, address,
    // phone, consent to jurisdiction.
    if (HasRegime(regime, "us_dmca")) {
      json::value statements = st ? json::value(*st) : json::value(json::object());
      FieldReader s(statements, "/statements");
      s.True("good_faith_mistake",
             "a statement under penalty of perjury that the material was removed by mistake or "
             "misidentification (17 U.S.C. §512(g)(3)(C))");
      s.True("consent_to_jurisdiction",
             "consent to the jurisdiction of the Federal District Court (17 U.S.C. §512(g)(3)(D))");
      RETURN_IF_ERROR(s.status());
      FieldReader c2(*r.Find("contact"), "/contact");
      c2.String("phone", {.min_len = 3, .max_len = 50});
      if (!c2.ok())
        return InvalidArgument("contact/phone: required by 17 U.S.C. §512(g)(3)(D)", "/contact/phone");
    }
    // E-Commerce Law of the PRC art. 43: the declaration includes
    // preliminary evidence of non-infringement.
    if (HasRegime(regime, "cn_ecl") && evidence.empty())
      return InvalidArgument("evidence: preliminary evidence of non-infringement is required "
                             "(E-Commerce Law of the PRC art. 43)",
                             "/evidence");
    cn.received_at = now;
    cn.forwarded_at = now;  // forwarded to the complainant in this transaction
    cn.id = NewId("cnt", now);
    cn.notice_id = n.id;
    cn.marketplace_id = n.marketplace_id;
    cn.seller_id = n.seller_id;
    cn.complainant_org_id = n.complainant_org_id;
    cn.principal_org_id = n.principal_org_id;
    cn.filed_by = p.user_id;
    cn.body = body.as_object();
    auto window = domain::ComputeRestoration(regime, cn.received_at, cn.forwarded_at);
    if (!window) return FailedPrecondition("the regime of " + m.name + " has no restoration clock");
    cn.restore_earliest = window->earliest;
    cn.restore_at = window->restore_at;
    cn.restore_latest = window->latest;
    RETURN_IF_ERROR(tx.counter_notices().Insert(cn));
    n.state = NoticeState::kCounterNoticed;
    n.counter_notice_id = cn.id;
    AddTimeline(n, p.user_id, "counter_notice_received", Truncate(statement, 300));
    AddTimeline(n, "system", "counter_notice_forwarded",
                "Forwarded to the complainant; the listing is restored at " +
                    FormatTime(cn.restore_at) + " unless a filed action is reported first");
    RETURN_IF_ERROR(tx.notices().Update(n));
    RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), "counter_notice.received", "counter_notice", cn.id,
                                {{"notice_id", n.id}, {"restore_at", FormatTime(cn.restore_at)}}));
    return EmitNotice(tx, n, "counter_notice.received",
                      {{"counter_notice_id", cn.id},
                       {"restore_at", FormatTime(cn.restore_at)},
                       {"statement", statement},
                       {"signature", signature}});
  }));
  return cn;
}

static bool CanSeeCounterNotice(const Principal& p, const CounterNotice& c) {
  if (p.IsStaff()) return true;
  switch (p.role) {
    case Role::kRightsHolder: return p.SeesOrg(c.principal_org_id) || p.SeesOrg(c.complainant_org_id);
    case Role::kAgent: return c.complainant_org_id == p.org_id;
    case Role::kSeller: return c.seller_id == p.seller_id && c.marketplace_id == p.marketplace_id;
    case Role::kMarketplace: return c.marketplace_id == p.marketplace_id;
    default: return false;
  }
}

Result<CounterNotice> NoticeService::GetCounterNotice(const Principal& p, const std::string& id) {
  CounterNotice c;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(c, tx.counter_notices().Get(id));
    return Status::Ok();
  }));
  if (!CanSeeCounterNotice(p, c)) return NotFound("counter-notice " + id + " not found");
  return c;
}

Result<storage::Page<CounterNotice>> NoticeService::ListCounterNotices(
    const Principal& p, const std::string& state, const storage::PageRequest& page) {
  Filter f;
  switch (p.role) {
    case Role::kAdmin:
    case Role::kReviewer:
    case Role::kInvestigator:
      break;
    case Role::kRightsHolder: {
      std::vector<Value> ids;
      for (const auto& id : p.visible_org_ids) ids.emplace_back(id);
      f.In("principal_org_id", ids);
      break;
    }
    case Role::kAgent: f.Eq("complainant_org_id", p.org_id); break;
    case Role::kSeller: f.Eq("seller_id", p.seller_id).Eq("marketplace_id", p.marketplace_id); break;
    case Role::kMarketplace: f.Eq("marketplace_id", p.marketplace_id); break;
  }
  if (!state.empty()) {
    if (state != "pending" && state != "action_filed" && state != "restored")
      return InvalidArgument("state must be pending, action_filed or restored", "state");
    f.Eq("state", state);
  }
  storage::Page<CounterNotice> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.counter_notices().List(f, page));
    return Status::Ok();
  }));
  return out;
}

Result<CounterNotice> NoticeService::ReportLegalAction(const Principal& p, const std::string& id,
                                                       const json::value& body) {
  FieldReader r(body);
  r.RejectUnknown({"court", "case_number", "filed_on", "document_sha256", "kind"});
  std::string kind = r.Enum("kind", {"lawsuit", "complaint"}, false);
  std::string court = r.String("court", {.min_len = 2, .max_len = 500});
  std::string case_number = r.String("case_number", {.min_len = 1, .max_len = 200});
  std::string filed_on = r.String("filed_on", {.min_len = 10, .max_len = 10});
  std::string doc = r.String("document_sha256", {.min_len = 64, .max_len = 64});
  RETURN_IF_ERROR(r.status());
  if (!ParseTime(filed_on).ok()) return InvalidArgument("filed_on: a date YYYY-MM-DD", "/filed_on");
  if (!ctx_.blobs().Exists(doc))
    return InvalidArgument("document_sha256: upload the filing first (POST /v1/blobs)",
                           "/document_sha256");
  CounterNotice c;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(c, tx.counter_notices().Get(id));
    bool complainant = p.IsAdmin() || (p.IsRightsHolderSide() &&
                                       (p.SeesOrg(c.principal_org_id) || c.complainant_org_id == p.org_id));
    if (!complainant) return NotFound("counter-notice " + id + " not found");
    if (c.state != CounterNoticeState::kPending)
      return FailedPrecondition("counter-notice " + id + " is " + std::string(domain::Name(c.state)));
    Timestamp now = ctx_.Now();
    if (now >= c.restore_at)
      return FailedPrecondition("the window closed at " + FormatTime(c.restore_at) +
                                "; the listing is being restored");
    c.state = CounterNoticeState::kActionFiled;
    c.legal_action = {{"kind", kind.empty() ? "lawsuit" : kind}, {"court", court},
                      {"case_number", case_number}, {"filed_on", filed_on},
                      {"document_sha256", doc}, {"reported_at", FormatTime(now)},
                      {"reported_by", p.user_id}};
    c.closed_at = now;
    RETURN_IF_ERROR(tx.counter_notices().Update(c));
    ASSIGN_OR_RETURN(Notice n, tx.notices().Get(c.notice_id));
    n.state = NoticeState::kActionFiled;
    AddTimeline(n, p.user_id, "legal_action_reported",
                "Action filed before " + court + ", case " + case_number + "; the takedown stands");
    RETURN_IF_ERROR(tx.notices().Update(n));
    RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), "counter_notice.action_filed", "counter_notice", id,
                                c.legal_action));
    return EmitNotice(tx, n, "counter_notice.action_filed",
                      {{"counter_notice_id", id}, {"court", court}, {"case_number", case_number}});
  }));
  return c;
}

// ------------------------------------------------------------------ appeals

namespace {

// The rule of GetAppeal. `n` is the appealed notice (null for a hit appeal).
bool CanSeeAppeal(const Principal& p, const domain::Appeal& a, const Notice* n) {
  if (p.IsStaff()) return true;
  if (p.role == Role::kSeller)
    return a.seller_id == p.seller_id && a.marketplace_id == p.marketplace_id;
  if (!p.IsRightsHolderSide()) return false;
  if (n) return NoticeService::CanSee(p, *n);
  // A hit appeal: the rights holders concerned by the hit, as for the hit
  // itself (ScreeningService::CanSee).
  return AnyOf(p.role == Role::kAgent ? p.principal_org_ids : p.visible_org_ids,
               a.rights_holder_ids);
}

// The org_tokens (storage/schema.h) that the rights-holder side's CanSeeAppeal
// accepts: a rights holder sees notices it complained about or that rely on
// the rights of an organisation it sees, and hits concerning those; an agent
// the notices its agency filed and the hits concerning its principals.
std::vector<Value> AppealTokensFor(const Principal& p) {
  std::vector<Value> t;
  if (p.role == Role::kAgent) {
    t.emplace_back("c:" + p.org_id);
    for (const auto& o : p.principal_org_ids) t.emplace_back("h:" + o);
    return t;
  }
  for (const auto& o : p.visible_org_ids) {
    t.emplace_back("c:" + o);
    t.emplace_back("p:" + o);
    t.emplace_back("h:" + o);
  }
  return t;
}

bool IsHitTakedown(domain::HitStatus s) {
  return s == domain::HitStatus::kConfirmed || s == domain::HitStatus::kAutoBlocked;
}

}  // namespace

Result<domain::Appeal> NoticeService::FileAppeal(const Principal& p, const json::value& body) {
  FieldReader r(body);
  r.RejectUnknown({"notice_id", "hit_id", "grounds", "evidence"});
  std::optional<std::string> notice_id = r.OptString("notice_id", {.min_len = 1, .max_len = 128});
  std::optional<std::string> hit_id = r.OptString("hit_id", {.min_len = 1, .max_len = 128});
  if (notice_id && hit_id)
    r.Fail("hit_id", "give notice_id (a notice) or hit_id (a screening decision), not both");
  else if (!notice_id && !hit_id)
    r.Fail("notice_id", "required: the notice appealed, or hit_id for a screening decision");
  std::string grounds = r.String("grounds", {.min_len = 10, .max_len = 20000});
  std::vector<std::string> evidence = r.StringArray("evidence", false, 100);
  RETURN_IF_ERROR(r.status());
  domain::Appeal a;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    Timestamp now = ctx_.Now();
    a.filed_at = now;
    a.id = NewId("apl", now);
    a.filed_by = p.user_id;
    a.grounds = grounds;
    a.evidence = evidence;
    if (notice_id) return FileNoticeAppealInTx(tx, p, *notice_id, a);
    return FileHitAppealInTx(tx, p, *hit_id, a);
  }));
  return a;
}

Status NoticeService::FileNoticeAppealInTx(Tx& tx, const Principal& p, const std::string& notice_id,
                                           domain::Appeal& a) {
  ASSIGN_OR_RETURN(auto found, tx.notices().Find(notice_id));
  if (!found || !CanSee(p, *found)) return InvalidArgument("no notice " + notice_id, "/notice_id");
  Notice n = *found;
  ASSIGN_OR_RETURN(domain::Regime regime, ctx_.RegimeFor(tx, n.marketplace_id));
  if (!regime.appeal)
    return FailedPrecondition("the marketplace's regime has no internal complaint procedure");
  std::string appellant;
  if (p.role == Role::kSeller && domain::IsTakenDown(n.state))
    appellant = "seller";
  else if (p.IsRightsHolderSide() && n.state == NoticeState::kRejected)
    appellant = "complainant";
  else
    return FailedPrecondition(
        "an appeal lies against a takedown (by the seller) or a rejection "
        "(by the complainant); notice " +
        notice_id + " is " + std::string(domain::Name(n.state)));
  if (n.appeal_deadline && *n.appeal_deadline < a.filed_at)
    return FailedPrecondition("the appeal window closed at " + FormatTime(*n.appeal_deadline));
  ASSIGN_OR_RETURN(
      auto open,
      tx.appeals().Count(Filter().Eq("notice_id", notice_id).Eq("state", std::string("open"))));
  if (open > 0)
    return AlreadyExists("an appeal on notice " + notice_id + " is already open", "/notice_id");
  a.notice_id = notice_id;
  a.marketplace_id = n.marketplace_id;
  a.appellant = appellant;
  a.seller_id = n.seller_id;
  a.complainant_org_id = n.complainant_org_id;
  a.principal_org_id = n.principal_org_id;
  RETURN_IF_ERROR(tx.appeals().Insert(a));
  AddTimeline(n, p.user_id, "appeal_filed", appellant + ": " + Truncate(a.grounds, 300));
  RETURN_IF_ERROR(tx.notices().Update(n));
  RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), "appeal.filed", "appeal", a.id,
                              {{"notice_id", notice_id}, {"appellant", appellant}}));
  return EmitNotice(tx, n, "appeal.filed", {{"appeal_id", a.id}, {"appellant", appellant}});
}

// A seller contests an own-initiative takedown by proactive screening. The
// statement of reasons of the takedown offered this (DSA art. 17(3)(f),
// 20(1)); the window is the regime's, counted from the takedown.
Status NoticeService::FileHitAppealInTx(Tx& tx, const Principal& p, const std::string& hit_id,
                                        domain::Appeal& a) {
  ASSIGN_OR_RETURN(auto found, tx.screening_hits().Find(hit_id));
  const bool own = found && p.role == Role::kSeller && found->seller_id == p.seller_id &&
                   found->marketplace_id == p.marketplace_id;
  if (!own) {
    // Whoever else sees the hit is told why not; to anyone else it does not exist.
    bool sees =
        found && (p.IsStaff() ||
                  (p.role == Role::kMarketplace && found->marketplace_id == p.marketplace_id) ||
                  (p.IsRightsHolderSide() &&
                   AnyOf(p.role == Role::kAgent ? p.principal_org_ids : p.visible_org_ids,
                         found->rights_holder_ids)));
    if (!sees || p.role == Role::kSeller)
      return InvalidArgument("no screening hit " + hit_id + " on your listings", "/hit_id");
    return FailedPrecondition("the seller of the listing appeals a screening decision", "/hit_id");
  }
  domain::ScreeningHit hit = *found;
  if (!IsHitTakedown(hit.status))
    return InvalidArgument("screening hit " + hit_id + " is " +
                               std::string(domain::Name(hit.status)) +
                               "; an appeal lies against a hit that took the listing down "
                               "(confirmed or auto_blocked)",
                           "/hit_id");
  if (!screening_takedowns_) return Unavailable("proactive screening is not running");
  ASSIGN_OR_RETURN(domain::Regime regime, ctx_.RegimeFor(tx, hit.marketplace_id));
  if (!regime.appeal)
    return FailedPrecondition("the marketplace's regime has no internal complaint procedure");
  std::optional<Timestamp> deadline = hit.appeal_deadline;
  if (!deadline && hit.decided_at) deadline = domain::AppealDeadline(regime, *hit.decided_at);
  if (deadline && *deadline < a.filed_at)
    return FailedPrecondition("the appeal window closed at " + FormatTime(*deadline));
  ASSIGN_OR_RETURN(auto open, tx.appeals().Count(
                                  Filter().Eq("hit_id", hit_id).Eq("state", std::string("open"))));
  if (open > 0)
    return AlreadyExists("an appeal on screening hit " + hit_id + " is already open", "/hit_id");
  a.hit_id = hit_id;
  a.marketplace_id = hit.marketplace_id;
  a.appellant = "seller";
  a.seller_id = hit.seller_id;
  a.rights_holder_ids = hit.rights_holder_ids;
  RETURN_IF_ERROR(tx.appeals().Insert(a));
  hit.appeal_id = a.id;
  hit.updated_at = a.filed_at;
  RETURN_IF_ERROR(tx.screening_hits().Update(hit));
  RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), "appeal.filed", "appeal", a.id,
                              {{"hit_id", hit_id}, {"appellant", a.appellant}}));
  return ctx_.Emit(tx, MakeEvent("appeal.filed", a.filed_at, hit.marketplace_id,
                                 hit.rights_holder_ids, hit.seller_id, hit.id,
                                 {{"appeal_id", a.id},
                                  {"appellant", a.appellant},
                                  {"hit_id", hit.id},
                                  {"listing_id", hit.listing_id}}));
}

Result<domain::Appeal> NoticeService::GetAppeal(const Principal& p, const std::string& id) {
  domain::Appeal a;
  bool allowed = false;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto found, tx.appeals().Find(id));
    if (!found) return Status::Ok();
    a = std::move(*found);
    if (a.notice_id.empty()) {
      allowed = CanSeeAppeal(p, a, nullptr);
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(Notice n, tx.notices().Get(a.notice_id));
    allowed = CanSeeAppeal(p, a, &n);
    return Status::Ok();
  }));
  if (!allowed) return NotFound("appeal " + id + " not found");
  return a;
}

Result<storage::Page<domain::Appeal>> NoticeService::ListAppeals(const Principal& p,
                                                                 const std::string& state,
                                                                 const storage::PageRequest& page) {
  Filter f;
  if (p.role == Role::kSeller)
    f.Eq("seller_id", p.seller_id).Eq("marketplace_id", p.marketplace_id);
  else if (p.IsRightsHolderSide())
    f.HasToken("org_tokens", AppealTokensFor(p));
  else if (!p.IsStaff())
    return PermissionDenied("appeals are listed for staff, sellers and the rights-holder side");
  if (!state.empty()) {
    if (state != "open" && state != "upheld" && state != "overturned")
      return InvalidArgument("state must be open, upheld or overturned", "state");
    f.Eq("state", state);
  }
  storage::Page<domain::Appeal> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.appeals().List(f, page));
    return Status::Ok();
  }));
  return out;
}

Result<domain::Appeal> NoticeService::DecideAppeal(const Principal& p, const std::string& id,
                                                   const json::value& body) {
  if (!p.IsReviewer()) return PermissionDenied("appeals are decided by reviewers");
  FieldReader r(body);
  r.RejectUnknown({"outcome", "reasons"});
  std::string outcome = r.Enum("outcome", {"upheld", "overturned"});
  std::string reasons = r.String("reasons", {.min_len = 10, .max_len = 20000});
  RETURN_IF_ERROR(r.status());
  domain::Appeal a;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(a, tx.appeals().Get(id));
    if (a.state != domain::AppealState::kOpen)
      return FailedPrecondition("appeal " + id + " is already decided");
    a.state = outcome == "upheld" ? domain::AppealState::kUpheld : domain::AppealState::kOverturned;
    a.decided_by = p.user_id;
    a.decided_at = ctx_.Now();
    a.decision_reasons = reasons;
    if (a.hit_id.empty()) return DecideNoticeAppealInTx(tx, p, a, outcome, reasons);
    return DecideHitAppealInTx(tx, p, a, outcome, reasons);
  }));
  return a;
}

namespace {

// The statement of reasons of an appeal decision (DSA art. 20(5)).
domain::StatementOfReasons AppealStatement(const domain::Appeal& a, const Marketplace& m,
                                           const Result<domain::Regime>& regime,
                                           const std::string& listing_id,
                                           const std::string& outcome, const std::string& reasons,
                                           const std::string& decided_by) {
  domain::StatementOfReasons s;
  s.marketplace_id = a.marketplace_id;
  s.notice_id = a.notice_id;
  s.hit_id = a.hit_id;
  s.notice_based = !a.notice_id.empty();
  s.appeal_id = a.id;
  s.listing_id = listing_id;
  s.seller_id = a.seller_id;
  s.decision = outcome == "upheld" ? "appeal_rejected" : "appeal_granted";
  s.restriction =
      outcome == "upheld" ? "The original decision stands." : "The original decision is reversed.";
  s.facts = "Internal complaint " + a.id + " by the " + a.appellant +
            " was decided by a person: " + reasons;
  s.territorial_scope = "All territories served by " + m.name;
  if (regime.ok()) s.legal_ground = regime->legal_basis;
  s.terms_ground = "Marketplace terms: listings must not infringe intellectual property rights.";
  s.decided_by = decided_by;
  s.redress = {"Out-of-court dispute settlement before a certified body (DSA art. 21).",
               "Judicial redress before the competent courts."};
  return s;
}

}  // namespace

Status NoticeService::DecideNoticeAppealInTx(Tx& tx, const Principal& p, domain::Appeal& a,
                                             const std::string& outcome,
                                             const std::string& reasons) {
  const std::string& id = a.id;
  ASSIGN_OR_RETURN(Notice n, tx.notices().Get(a.notice_id));
  // DSA art. 20(4)–(6): decided by a person, not solely by automated means;
  // we require a different person from the one who took the decision.
  if (n.decided_by == p.user_id)
    return FailedPrecondition("another reviewer must decide an appeal against your own decision")
        .WithReason("same_reviewer");
  if (outcome == "overturned") {
    if (a.appellant == "seller") {
      RETURN_IF_ERROR(RestoreInTx(
          tx, p.user_id, n, "Internal complaint " + id + " upheld the seller: " + reasons, id));
    } else {
      n.state = NoticeState::kInReview;
      RETURN_IF_ERROR(AcceptInTx(
          tx, p.user_id, n, "Internal complaint " + id + " by the complainant: " + reasons, false));
    }
  } else {
    AddTimeline(n, p.user_id, "appeal_rejected", reasons);
    RETURN_IF_ERROR(tx.notices().Update(n));
  }
  ASSIGN_OR_RETURN(Marketplace am, tx.marketplaces().Get(a.marketplace_id));
  ASSIGN_OR_RETURN(domain::StatementOfReasons s,
                   WriteStatement(tx, AppealStatement(a, am, ctx_.RegimeFor(am), n.listing_id,
                                                      outcome, reasons, p.user_id)));
  a.statement_id = s.id;
  RETURN_IF_ERROR(tx.appeals().Update(a));
  RETURN_IF_ERROR(
      ctx_.Record(tx, p.Actor(), "appeal.decided", "appeal", id, {{"outcome", outcome}}));
  return EmitNotice(tx, n, "appeal.decided", {{"appeal_id", id}, {"outcome", outcome}});
}

Status NoticeService::DecideHitAppealInTx(Tx& tx, const Principal& p, domain::Appeal& a,
                                          const std::string& outcome, const std::string& reasons) {
  const std::string& id = a.id;
  ASSIGN_OR_RETURN(domain::ScreeningHit hit, tx.screening_hits().Get(a.hit_id));
  // DSA art. 20(4)–(6): a person who did not take the decision. A block was
  // decided by no person ("system"), so any reviewer may decide its appeal.
  if (hit.decided_by == p.user_id)
    return FailedPrecondition("another reviewer must decide an appeal against your own decision")
        .WithReason("same_reviewer");
  if (!IsHitTakedown(hit.status))
    return FailedPrecondition("screening hit " + hit.id + " is " +
                              std::string(domain::Name(hit.status)) +
                              "; nothing is left to decide");
  if (outcome == "overturned") {
    if (!screening_takedowns_) return Unavailable("proactive screening is not running");
    RETURN_IF_ERROR(screening_takedowns_->OverturnInTx(
        tx, p.user_id, hit, id, "Internal complaint " + id + " upheld the seller: " + reasons));
  }
  ASSIGN_OR_RETURN(Marketplace am, tx.marketplaces().Get(a.marketplace_id));
  ASSIGN_OR_RETURN(domain::StatementOfReasons s,
                   WriteStatement(tx, AppealStatement(a, am, ctx_.RegimeFor(am), hit.listing_id,
                                                      outcome, reasons, p.user_id)));
  a.statement_id = s.id;
  RETURN_IF_ERROR(tx.appeals().Update(a));
  RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), "appeal.decided", "appeal", id,
                              {{"outcome", outcome}, {"hit_id", hit.id}}));
  return ctx_.Emit(tx, MakeEvent("appeal.decided", ctx_.Now(), hit.marketplace_id,
                                 hit.rights_holder_ids, hit.seller_id, hit.id,
                                 {{"appeal_id", id},
                                  {"outcome", outcome},
                                  {"hit_id", hit.id},
                                  {"hit_status", domain::Name(hit.status)},
                                  {"listing_id", hit.listing_id},
                                  {"statement_id", s.id}}));
}

// ------------------------------------------------------------------ programme

Result<NoticeService::Accuracy> NoticeService::NotifierAccuracy(const Principal& p,
                                                                const std::string& org_id) {
  if (!p.IsStaff() && !p.SeesOrg(org_id) && p.org_id != org_id)
    return NotFound("organisation " + org_id + " not found");
  Accuracy a;
  a.org_id = org_id;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(domain::Organisation org, tx.organisations().Get(org_id));
    domain::NotifierProgramme prog = ctx_.NotifierProgrammeFor(domain::Marketplace{});
    a.window_days = prog.window_days;
    a.standing = org.standing;
    a.limited_until = org.limited_until;
    ASSIGN_OR_RETURN(a.window, tx.SumNotifierTally(org_id, FormatDate(ctx_.Now() - std::chrono::days(
                                                                                 prog.window_days))));
    return Status::Ok();
  }));
  int64_t decided = a.window.accepted + a.window.rejected;
  a.accept_rate = decided ? double(a.window.accepted) / double(decided) : 0;
  a.restore_rate = a.window.accepted ? double(a.window.restored) / double(a.window.accepted) : 0;
  return a;
}

// ------------------------------------------------------------------ deadlines

Result<NoticeService::DueResult> NoticeService::RunDue() {
  DueResult out;
  Timestamp now = ctx_.Now();
  std::vector<CounterNotice> due;
  std::vector<Notice> lapsing;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto c, tx.counter_notices().List(
                                 Filter().Eq("state", std::string("pending")).Le("restore_at", FormatTime(now)),
                                 {.order_by = {"restore_at"}, .limit = 500}));
    due = std::move(c.items);
    ASSIGN_OR_RETURN(auto n, tx.notices().List(
                                 Filter().Eq("state", std::string("info_requested")).Le(
                                     "info_deadline", FormatTime(now)),
                                 {.limit = 500}));
    lapsing = std::move(n.items);
    return Status::Ok();
  }));
  for (const auto& c : due) {
    Status s = ctx_.store().Write([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(CounterNotice cn, tx.counter_notices().Get(c.id));
      if (cn.state != CounterNoticeState::kPending) return Status::Ok();  // raced with an action
      cn.state = CounterNoticeState::kRestored;
      cn.closed_at = now;
      RETURN_IF_ERROR(tx.counter_notices().Update(cn));
      ASSIGN_OR_RETURN(Notice n, tx.notices().Get(cn.notice_id));
      ++out.restored;
      return RestoreInTx(tx, "system", n,
                         "No filed complaint or lawsuit was reported by " +
                             FormatTime(cn.restore_at) + " after counter-notice " + cn.id +
                             "; the listing is restored as the regime requires.",
                         "");
    });
    if (!s.ok()) spdlog::error("restoring after {} failed: {}", c.id, s.ToString());
  }
  for (const auto& l : lapsing) {
    Status s = ctx_.store().Write([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(Notice n, tx.notices().Get(l.id));
      if (n.state != NoticeState::kInfoRequested) return Status::Ok();
      n.state = NoticeState::kLapsed;
      AddTimeline(n, "system", "lapsed", "The requested information did not arrive by " +
                                             FormatTime(*n.info_deadline));
      RETURN_IF_ERROR(tx.notices().Update(n));
      ++out.lapsed;
      RETURN_IF_ERROR(ctx_.Record(tx, "system", "notice.lapsed", "notice", n.id));
      return EmitNotice(tx, n, "notice.lapsed");
    });
    if (!s.ok()) spdlog::error("lapsing {} failed: {}", l.id, s.ToString());
  }
  return out;
}

}  // namespace counterfoil::service
