// JSON views of the aggregates as API clients see them: secrets removed
// (password and key hashes, webhook secrets), and for sellers the
// complainant's identity documents removed from notices they receive.
#pragma once

#include "domain/model.h"
#include "service/notices.h"
#include "service/principal.h"
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

template <typename T>
json::object View(const T& v) {
  return domain::ToJson(v);
}

}  // namespace counterfoil::api
