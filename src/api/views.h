// JSON views of the aggregates as API clients see them: secrets removed
// (password and key hashes, webhook secrets), and for sellers the
// complainant's identity documents removed from notices they receive.
#pragma once

#include "domain/model.h"
#include "service/notices.h"
#include "service/principal.h"
#include "service/photos.h"
#include "service/reports.h"
#include "service/screening.h"
#include "storage/store.h"

namespace counterfoil::api {

json::object View(const domain::User& u);
json::object View(const domain::ApiKey& k);
json::object View(const domain::WebhookEndpoint& w);
// `sp`: where the view is built (an arena when it is serialised and dropped).
json::object View(const domain::Notice& n, const service::Principal& viewer,
                  json::storage_ptr sp = {});
json::object View(const domain::Job& j, bool with_results);
json::object View(const storage::BlobRef& b);
json::object View(const service::NoticeService::Accuracy& a);
json::object View(const domain::AuditEntry& e);
// The stored screening verdict is shown to staff and to the marketplace's
// integration only: it names rights holders' rules, which neither other
// rights holders nor the seller are told about (the seller gets a statement
// of reasons).
json::object View(const domain::Listing& l, const service::Principal& viewer);
// A rights holder or agent sees the reasons concerning the rights holders it
// may see, not another brand's; only staff see who decided.
json::object View(const domain::ScreeningHit& h, const service::Principal& viewer);
json::object View(const service::PhotoBankSummary& b);
// An appeal with links to what it contests; a rights holder or agent sees,
// of the rights holders concerned by a screening hit, only those it may see.
json::object View(const domain::Appeal& a, const service::Principal& viewer);
// With the reviewed count and the false-positive rate (dismissed / reviewed;
// takedowns overturned on appeal count as dismissed).
json::object View(const domain::ScreeningRuleStat& s);
json::object View(const service::ScreeningStatus& s);
// The dashboard report (GET /v1/reports/dashboard); a repeat infringer's
// status is null for callers who do not see seller accounts.
json::object View(const service::DashboardReport& r);

template <typename T>
json::object View(const T& v) {
  return domain::ToJson(v);
}

}  // namespace counterfoil::api
