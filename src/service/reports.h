// Reports computed in the server from the stored decisions, so a client
// never needs the rows behind them. The dashboard report covers a period:
// removals per bucket by source (proactive screening versus notices),
// handling-time percentiles, the rights holders and categories with the most
// removals, and the repeat infringers.
//
//   ReportService reports(ctx);
//   auto r = reports.Dashboard(principal, {.from = "2026-03-01", .to = "2026-03-31",
//                                          .bucket = "week", .top = "5"});
//   // r->removals[0].notices, r->notice_handling.p90_seconds, ...
//
// What counts (docs/api.md, "Reports"):
//  - a removal by notice is a notice accepted in the period (states accepted,
//    counter_noticed, action_filed, restored), dated by its decision;
//  - a proactive removal is a screening hit confirmed or blocked in the
//    period (statuses confirmed, auto_blocked, overturned), dated likewise;
//  - notice handling time runs from receipt to the decision (accept or
//    reject, the good-faith fast lane included); a hit's runs from its
//    detection to a reviewer's decision (automatic blocks left out: they are
//    decided when detected);
//  - percentiles are nearest-rank (the smallest value with at least p% of the
//    values at or below it), so every figure is a real handling time.
//
// Scope follows the rest of the API: staff see everything; a rights holder
// the notices relying on its organisations' rights and the hits naming them
// (other rights holders named on the same hit are left out); an agent the
// notices its agency filed and its principals' hits; a marketplace account
// its own marketplace. Sellers are refused (kPermissionDenied).
//
// Cost: one indexed range scan per kind of decision, decoding each document
// in the period (a probe with 100,000 notices in a Debug build on a loaded
// 2-core machine took about 4 s). Reading only indexed columns (a store
// projection, with category and strike as columns) would avoid the decoding;
// that is the next step if marketplaces' periods grow past that.
//
// Thread-safe: each call reads one consistent snapshot.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/context.h"
#include "service/principal.h"

namespace counterfoil::service {

// The query as it arrives (each field may be empty for its default).
struct DashboardRequest {
  std::string from;  // RFC 3339 instant or date (midnight UTC); default: `to` minus 90 days
  std::string to;    // RFC 3339 instant (exclusive) or date (the whole day); default: now
  std::string bucket;          // day | week (ISO, from Monday) | month; default day
  std::string top;             // N for the top lists, 1..50; default 10
  std::string marketplace_id;  // optional
};

struct RemovalBucket {
  std::string start;  // the bucket's first day, YYYY-MM-DD (UTC)
  int64_t notices = 0;
  int64_t proactive = 0;
};

// Handling times in seconds; zero when count is 0.
struct HandlingTimes {
  int64_t count = 0;
  int64_t p50_seconds = 0;
  int64_t p90_seconds = 0;
  int64_t p99_seconds = 0;
};

struct RankedRightsHolder {
  std::string org_id;
  std::string name;
  int64_t removals = 0;
  int64_t notices = 0;
  int64_t proactive = 0;
};

struct RankedCategory {
  std::string category;
  int64_t removals = 0;
};

struct RepeatInfringer {
  std::string marketplace_id;
  std::string seller_id;
  int64_t removals = 0;  // in scope and in the period
  int64_t strikes = 0;   // standing strikes those removals added
  // "active" | "suspended"; empty for callers who may not see seller accounts
  // (rights holders and agents; GET /v1/sellers/{id} refuses them too).
  std::string status;
  // The rights holders whose notices or hits removed its listings (of those
  // the caller may see), sorted.
  std::vector<std::string> rights_holder_ids;
};

struct DashboardReport {
  Timestamp from{};
  Timestamp to{};  // exclusive
  std::string bucket;
  int top = 10;
  std::string marketplace_id;
  std::vector<RemovalBucket> removals;
  int64_t notice_removals = 0;
  int64_t proactive_removals = 0;
  HandlingTimes notice_handling;
  HandlingTimes hit_handling;
  std::vector<RankedRightsHolder> top_rights_holders;
  std::vector<RankedCategory> top_categories;
  std::vector<RepeatInfringer> repeat_infringers;  // at least two removals each
  Timestamp generated_at{};
};

// Nearest-rank percentile (0 < p <= 100) of `values`, which it sorts; 0 when empty.
int64_t NearestRankPercentile(std::vector<int64_t>& values, int p);

class ReportService {
 public:
  explicit ReportService(ServiceContext& ctx) : ctx_(ctx) {}

  // The dashboard for `req` as `p` may see it. kInvalidArgument naming the
  // query parameter at fault (from, to, bucket, top, marketplace_id);
  // kPermissionDenied for sellers, and for a marketplace account naming
  // another marketplace.
  Result<DashboardReport> Dashboard(const Principal& p, const DashboardRequest& req);

 private:
  ServiceContext& ctx_;
};

}  // namespace counterfoil::service
