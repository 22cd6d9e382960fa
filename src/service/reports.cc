#include "service/reports.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <unordered_map>

namespace counterfoil::service {

using domain::HitStatus;
using domain::NoticeState;
using domain::Role;
using storage::Filter;
using storage::Tx;
using storage::Value;

namespace {

using Days = std::chrono::sys_days;

constexpr int kDefaultDays = 90;
constexpr int kMaxTop = 50;
// One report reads every decision of its period in one snapshot: a year at
// most (an annual transparency report), so that no caller can hold a reader
// for decades of records.
constexpr int kMaxPeriodDays = 366;
constexpr int kPageSize = 1000;

enum class Bucket { kDay, kWeek, kMonth };

// The first day of the bucket holding day `d`. Weeks are ISO 8601 weeks,
// which start on Monday.
Days BucketStart(Days d, Bucket b) {
  using namespace std::chrono;
  switch (b) {
    case Bucket::kDay: return d;
    case Bucket::kWeek: return d - days(weekday(d).iso_encoding() - 1);
    case Bucket::kMonth: {
      year_month_day ymd(d);
      return sys_days(ymd.year() / ymd.month() / 1);
    }
  }
  return d;
}

Days NextBucket(Days start, Bucket b) {
  using namespace std::chrono;
  switch (b) {
    case Bucket::kDay: return start + days(1);
    case Bucket::kWeek: return start + days(7);
    case Bucket::kMonth: {
      year_month_day ymd(start);
      return sys_days((ymd.year() / ymd.month() + months(1)) / 1);
    }
  }
  return start + days(1);
}

Days DayOf(Timestamp t) { return std::chrono::floor<std::chrono::days>(t); }

std::string DayText(Days d) { return FormatDate(Timestamp(d)); }

bool IsBareDate(std::string_view s) { return s.size() == 10; }

bool IsNoticeTakedown(NoticeState s) {
  return s == NoticeState::kAccepted || s == NoticeState::kCounterNoticed ||
         s == NoticeState::kActionFiled || s == NoticeState::kRestored;
}

bool IsHitTakedown(HitStatus s) {
  return s == HitStatus::kConfirmed || s == HitStatus::kAutoBlocked ||
         s == HitStatus::kOverturned;
}

int64_t Seconds(Timestamp from, Timestamp to) {
  return std::chrono::duration_cast<std::chrono::seconds>(to - from).count();
}

HandlingTimes Summarise(std::vector<int64_t>& seconds) {
  HandlingTimes h;
  h.count = static_cast<int64_t>(seconds.size());
  h.p50_seconds = NearestRankPercentile(seconds, 50);
  h.p90_seconds = NearestRankPercentile(seconds, 90);
  h.p99_seconds = NearestRankPercentile(seconds, 99);
  return h;
}

// Pages through every row of `repo` matching `f` in decision order (the
// order of the decided_at index the filter ranges over), calling fn on each.
template <typename T, typename Fn>
Status ForEachDecided(storage::Repository<T>& repo, const Filter& f, Fn fn) {
  storage::PageRequest page{.order_by = {"decided_at"}, .limit = kPageSize};
  while (true) {
    ASSIGN_OR_RETURN(auto rows, repo.List(f, page));
    for (const auto& row : rows.items) fn(row);
    if (rows.next_cursor.empty()) return Status::Ok();
    page.after = rows.next_cursor;
  }
}

std::string SnapshotCategory(const json::object& snapshot) {
  auto it = snapshot.find("category");
  if (it == snapshot.end() || !it->value().is_string()) return "";
  return std::string(it->value().as_string());
}

// Running totals per seller while the removals are read.
struct SellerTally {
  std::string marketplace_id;
  std::string seller_id;
  int64_t removals = 0;
  std::vector<std::string> strike_ids;
  std::set<std::string> rights_holder_ids;
};

struct OrgTally {
  int64_t notices = 0;
  int64_t proactive = 0;
};

}  // namespace

int64_t NearestRankPercentile(std::vector<int64_t>& values, int p) {
  if (values.empty()) return 0;
  // Rank ceil(p/100 * n), 1-based, computed in integers.
  size_t n = values.size();
  size_t rank = (static_cast<size_t>(p) * n + 99) / 100;
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank - 1),
                   values.end());
  return values[rank - 1];
}

Result<DashboardReport> ReportService::Dashboard(const Principal& p, const DashboardRequest& req) {
  if (p.role == Role::kSeller)
    return PermissionDenied("reports are for platform staff, rights holders and marketplaces");

  DashboardReport r;
  r.generated_at = ctx_.Now();

  // ---- the query
  Bucket bucket = Bucket::kDay;
  r.bucket = req.bucket.empty() ? "day" : req.bucket;
  if (r.bucket == "week") bucket = Bucket::kWeek;
  else if (r.bucket == "month") bucket = Bucket::kMonth;
  else if (r.bucket != "day") return InvalidArgument("bucket must be day, week or month", "bucket");

  if (req.to.empty()) {
    r.to = r.generated_at;
  } else {
    auto t = ParseTime(req.to);
    if (!t.ok())
      return InvalidArgument("to must be an RFC 3339 time or a date (YYYY-MM-DD)", "to");
    // A date means the whole day.
    r.to = IsBareDate(req.to) ? *t + std::chrono::days(1) : *t;
  }
  if (req.from.empty()) {
    r.from = r.to - std::chrono::days(kDefaultDays);
  } else {
    auto f = ParseTime(req.from);
    if (!f.ok())
      return InvalidArgument("from must be an RFC 3339 time or a date (YYYY-MM-DD)", "from");
    r.from = *f;
  }
  if (r.from >= r.to) return InvalidArgument("from must be before to", "from");
  if (r.to - r.from > std::chrono::days(kMaxPeriodDays))
    return InvalidArgument("the period may span at most " + std::to_string(kMaxPeriodDays) +
                               " days; ask for one year at a time",
                           "from");

  if (!req.top.empty()) {
    int n = 0;
    bool ok = req.top.size() <= 3 &&
              std::all_of(req.top.begin(), req.top.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (ok) n = std::stoi(req.top);
    if (!ok || n < 1 || n > kMaxTop)
      return InvalidArgument("top must be an integer from 1 to " + std::to_string(kMaxTop), "top");
    r.top = n;
  }

  // The buckets covering [from, to).
  std::vector<Days> starts;
  const Days last = DayOf(r.to - std::chrono::milliseconds(1));
  for (Days d = BucketStart(DayOf(r.from), bucket); d <= last; d = NextBucket(d, bucket))
    starts.push_back(d);
  r.removals.resize(starts.size());
  for (size_t i = 0; i < starts.size(); ++i) r.removals[i].start = DayText(starts[i]);
  auto bucket_of = [&starts](Timestamp t) {
    auto it = std::upper_bound(starts.begin(), starts.end(), DayOf(t));
    return static_cast<size_t>(it - starts.begin()) - 1;  // t >= from, so it > begin
  };

  // ---- scope
  Filter notices, hits;
  std::set<std::string> visible_orgs;  // for the rights-holder side: whose brands it sees
  bool all_orgs = false;
  switch (p.role) {
    case Role::kAdmin:
    case Role::kReviewer:
    case Role::kInvestigator:
      all_orgs = true;
      break;
    case Role::kRightsHolder: {
      std::vector<Value> ids(p.visible_org_ids.begin(), p.visible_org_ids.end());
      notices.In("principal_org_id", ids);
      hits.HasToken("rights_holders", ids);
      visible_orgs.insert(p.visible_org_ids.begin(), p.visible_org_ids.end());
      break;
    }
    case Role::kAgent: {
      notices.Eq("complainant_org_id", p.org_id);
      std::vector<Value> ids(p.principal_org_ids.begin(), p.principal_org_ids.end());
      hits.HasToken("rights_holders", ids);
      visible_orgs.insert(p.principal_org_ids.begin(), p.principal_org_ids.end());
      break;
    }
    case Role::kMarketplace:
      if (!req.marketplace_id.empty() && req.marketplace_id != p.marketplace_id)
        return Status(StatusCode::kPermissionDenied,
                      "a marketplace account reports on its own marketplace only",
                      "marketplace_id");
      notices.Eq("marketplace_id", p.marketplace_id);
      hits.Eq("marketplace_id", p.marketplace_id);
      all_orgs = true;  // every rights holder acting on its marketplace
      r.marketplace_id = p.marketplace_id;
      break;
    case Role::kSeller:
      break;  // refused above
  }
  if (!req.marketplace_id.empty()) {
    notices.Eq("marketplace_id", req.marketplace_id);
    hits.Eq("marketplace_id", req.marketplace_id);
    r.marketplace_id = req.marketplace_id;
  }
  const std::string from_text = FormatTime(r.from), to_text = FormatTime(r.to);
  notices.Ge("decided_at", from_text).Lt("decided_at", to_text);
  hits.Ge("decided_at", from_text).Lt("decided_at", to_text);
  const bool sees_sellers = p.IsStaff() || p.role == Role::kMarketplace;

  // ---- one snapshot
  std::vector<int64_t> notice_seconds, hit_seconds;
  std::map<std::string, OrgTally> orgs;
  std::map<std::string, int64_t> categories;
  std::unordered_map<std::string, SellerTally> sellers;
  auto count_seller = [&sellers](const std::string& marketplace, const std::string& seller,
                                 const std::string& strike_id) -> SellerTally& {
    SellerTally& s = sellers[domain::SellerKey(marketplace, seller)];
    s.marketplace_id = marketplace;
    s.seller_id = seller;
    ++s.removals;
    if (!strike_id.empty()) s.strike_ids.push_back(strike_id);
    return s;
  };

  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    if (!req.marketplace_id.empty()) {
      ASSIGN_OR_RETURN(auto m, tx.marketplaces().Find(req.marketplace_id));
      if (!m)
        return InvalidArgument("marketplace " + req.marketplace_id + " does not exist",
                               "marketplace_id");
    }
    RETURN_IF_ERROR(ForEachDecided(tx.notices(), notices, [&](const domain::Notice& n) {
      if (!n.decided_at) return;
      notice_seconds.push_back(Seconds(n.received_at, *n.decided_at));
      if (!IsNoticeTakedown(n.state)) return;
      ++r.notice_removals;
      ++r.removals[bucket_of(*n.decided_at)].notices;
      ++orgs[n.principal_org_id].notices;
      std::string category = SnapshotCategory(n.snapshot);
      if (!category.empty()) ++categories[category];
      count_seller(n.marketplace_id, n.seller_id, n.strike_id)
          .rights_holder_ids.insert(n.principal_org_id);
    }));
    RETURN_IF_ERROR(ForEachDecided(tx.screening_hits(), hits, [&](const domain::ScreeningHit& h) {
      if (!h.decided_at) return;
      if (h.decided_by != "system" && h.status != HitStatus::kOpen)
        hit_seconds.push_back(Seconds(h.created_at, *h.decided_at));
      if (!IsHitTakedown(h.status)) return;
      ++r.proactive_removals;
      ++r.removals[bucket_of(*h.decided_at)].proactive;
      SellerTally& seller = count_seller(h.marketplace_id, h.seller_id, h.strike_id);
      // Only the rights holders this caller may see; a hit may name others.
      for (const auto& id : h.rights_holder_ids) {
        if (!all_orgs && !visible_orgs.count(id)) continue;
        ++orgs[id].proactive;
        seller.rights_holder_ids.insert(id);
      }
      std::string category = SnapshotCategory(h.snapshot);
      if (!category.empty()) ++categories[category];
    }));

    // Top rights holders, with their names.
    for (const auto& [id, t] : orgs)
      r.top_rights_holders.push_back({id, "", t.notices + t.proactive, t.notices, t.proactive});
    std::sort(r.top_rights_holders.begin(), r.top_rights_holders.end(),
              [](const auto& a, const auto& b) {
                return a.removals != b.removals ? a.removals > b.removals : a.org_id < b.org_id;
              });
    if (r.top_rights_holders.size() > static_cast<size_t>(r.top))
      r.top_rights_holders.resize(r.top);
    for (auto& o : r.top_rights_holders) {
      ASSIGN_OR_RETURN(auto org, tx.organisations().Find(o.org_id));
      o.name = org ? org->name : o.org_id;
    }

    // Repeat infringers: at least two removals; then the standing strikes
    // those removals added, and the account's status.
    std::vector<SellerTally*> repeat;
    for (auto& [key, s] : sellers)
      if (s.removals >= 2) repeat.push_back(&s);
    std::sort(repeat.begin(), repeat.end(), [](const SellerTally* a, const SellerTally* b) {
      if (a->removals != b->removals) return a->removals > b->removals;
      if (a->marketplace_id != b->marketplace_id) return a->marketplace_id < b->marketplace_id;
      return a->seller_id < b->seller_id;
    });
    if (repeat.size() > static_cast<size_t>(r.top)) repeat.resize(r.top);
    for (const SellerTally* s : repeat) {
      RepeatInfringer out{s->marketplace_id, s->seller_id, s->removals, 0, "",
                          {s->rights_holder_ids.begin(), s->rights_holder_ids.end()}};
      std::set<std::string> strike_ids(s->strike_ids.begin(), s->strike_ids.end());
      for (const auto& id : strike_ids) {
        ASSIGN_OR_RETURN(auto strike, tx.strikes().Find(id));
        if (strike && !strike->voided) ++out.strikes;
      }
      if (sees_sellers) {
        ASSIGN_OR_RETURN(auto seller,
                         tx.sellers().Find(domain::SellerKey(s->marketplace_id, s->seller_id)));
        if (seller)
          out.status = seller->status == domain::SellerStatus::kSuspended ? "suspended" : "active";
      }
      r.repeat_infringers.push_back(std::move(out));
    }
    return Status::Ok();
  }));

  for (const auto& [category, n] : categories) r.top_categories.push_back({category, n});
  std::sort(r.top_categories.begin(), r.top_categories.end(), [](const auto& a, const auto& b) {
    return a.removals != b.removals ? a.removals > b.removals : a.category < b.category;
  });
  if (r.top_categories.size() > static_cast<size_t>(r.top)) r.top_categories.resize(r.top);
  r.notice_handling = Summarise(notice_seconds);
  r.hit_handling = Summarise(hit_seconds);
  return r;
}

}  // namespace counterfoil::service
