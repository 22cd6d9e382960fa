#include "api/views.h"

namespace counterfoil::api {

json::object View(const domain::User& u) {
  json::object o = domain::ToJson(u);
  o.erase("password_hash");
  o["console_login"] = !u.password_hash.empty();
  return o;
}

json::object View(const domain::ApiKey& k) {
  json::object o = domain::ToJson(k);
  o.erase("hash");
  return o;
}

json::object View(const domain::WebhookEndpoint& w) {
  json::object o = domain::ToJson(w);
  o.erase("secret");
  return o;
}

json::object View(const domain::Notice& n, const service::Principal& viewer,
                  json::storage_ptr sp) {
  json::object o = domain::ToJson(n, sp);
  if (viewer.role == domain::Role::kSeller || viewer.role == domain::Role::kMarketplace) {
    // The seller receives the notice (DMCA §512(g)(2)(A), ECL art. 42) but not
    // the complainant's identity papers or internal review notes.
    if (auto* body = o["body"].if_object()) {
      if (auto* c = body->if_contains("complainant"); c && c->is_object())
        c->as_object().erase("identity_document");
    }
    o.erase("claimed_by");
    o.erase("claimed_at");
  }
  o["links"] = json::object({{"self", "/v1/notices/" + n.id},
                             {"listing", "/v1/listings/" + n.listing_id}},
                            sp);
  if (!n.statement_id.empty())
    o["links"].as_object()["statement"] = "/v1/statements/" + n.statement_id;
  if (!n.counter_notice_id.empty())
    o["links"].as_object()["counter_notice"] = "/v1/counter-notices/" + n.counter_notice_id;
  return o;
}

json::object View(const domain::Job& j, bool with_results) {
  json::object o = domain::ToJson(j);
  o.erase("params");
  if (!with_results) o.erase("results");
  o["progress"] = j.total ? double(j.processed) / double(j.total) : 0.0;
  return o;
}

json::object View(const storage::BlobRef& b) {
  return {{"sha256", b.sha256},
          {"size", b.size},
          {"content_type", b.content_type},
          {"filename", b.filename},
          {"purpose", b.purpose},
          {"created_at", FormatTime(b.created_at)},
          {"links", json::object{{"self", "/v1/blobs/" + b.sha256}}}};
}

json::object View(const service::NoticeService::Accuracy& a) {
  json::object o{{"org_id", a.org_id},
                 {"standing", a.standing},
                 {"window_days", a.window_days},
                 {"accepted", a.window.accepted},
                 {"rejected", a.window.rejected},
                 {"restored_after_counter_notice", a.window.restored},
                 {"manifestly_unfounded", a.window.unfounded},
                 {"accept_rate", a.accept_rate},
                 {"restore_rate", a.restore_rate}};
  if (a.limited_until) o["limited_until"] = FormatTime(*a.limited_until);
  return o;
}

json::object View(const domain::AuditEntry& e) {
  return {{"seq", e.seq},         {"at", FormatTime(e.at)},     {"actor", e.actor},
          {"action", e.action},   {"entity_type", e.entity_type}, {"entity_id", e.entity_id},
          {"data", e.data},       {"prev_hash", e.prev_hash},   {"hash", e.hash}};
}

}  // namespace counterfoil::api
