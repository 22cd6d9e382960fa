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
  if (j.kind == "screening_rescreen") {
    // What the re-screen found so far (the cursor is internal).
    json::object found;
    for (auto key : {"rule_set", "reason", "review", "block", "skipped", "superseded_by"})
      if (auto* v = j.params.if_contains(key)) found[key] = *v;
    o["screening"] = std::move(found);
  }
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

json::object View(const domain::Listing& l, const service::Principal& viewer) {
  json::object o = domain::ToJson(l);
  bool sees_verdict = viewer.IsStaff() || (viewer.role == domain::Role::kMarketplace &&
                                           viewer.marketplace_id == l.marketplace_id);
  if (!sees_verdict) {
    o.erase("screening");
    o.erase("cleared");
  } else if (l.screening && !l.screening->hit_id.empty()) {
    o["links"] = json::object{{"screening_hit", "/v1/screening/hits/" + l.screening->hit_id}};
  }
  return o;
}

namespace {

// The page a screening reason's stay-down source ("notice:…", "hit:…") links to.
std::string SourceLink(const std::string& source) {
  if (source.rfind("notice:", 0) == 0) return "/v1/notices/" + source.substr(7);
  if (source.rfind("hit:", 0) == 0) return "/v1/screening/hits/" + source.substr(4);
  return {};
}

}  // namespace

json::object View(const domain::ScreeningHit& h, const service::Principal& viewer) {
  json::object o = domain::ToJson(h);
  if (!viewer.IsStaff() && viewer.role != domain::Role::kMarketplace) {
    const std::vector<std::string>& mine = viewer.role == domain::Role::kAgent
                                               ? viewer.principal_org_ids
                                               : viewer.visible_org_ids;
    auto visible = [&mine](std::string_view org) {
      return org.empty() || std::find(mine.begin(), mine.end(), org) != mine.end();
    };
    json::array reasons;
    for (const auto& r : o["verdict"].as_object()["reasons"].as_array())
      if (visible(r.as_object().at("rights_holder").as_string())) reasons.push_back(r);
    o["verdict"].as_object()["reasons"] = std::move(reasons);
    json::array holders;
    for (const auto& id : h.rights_holder_ids)
      if (visible(id)) holders.emplace_back(id);
    o["rights_holder_ids"] = std::move(holders);
  }
  if (!viewer.IsStaff()) o.erase("decided_by");
  // Photo evidence: the listing photo beside the matched reference, with the
  // distance. A rights holder sees the matches of its own photos; a
  // reference photo is served to staff and to the rights holder it belongs to.
  if (!h.photo_matches.empty()) {
    const bool rights_side = viewer.IsRightsHolderSide();
    const std::vector<std::string>& mine = viewer.role == domain::Role::kAgent
                                               ? viewer.principal_org_ids
                                               : viewer.visible_org_ids;
    json::array matches;
    for (const auto& v : h.photo_matches) {
      if (!v.is_object()) continue;
      json::object m = v.as_object();
      std::string holder = GetString(m, "rights_holder");
      bool own = !holder.empty() && std::find(mine.begin(), mine.end(), holder) != mine.end();
      if (rights_side && !own) continue;
      const std::string base = "/v1/screening/hits/" + h.id + "/photos/";
      std::string photo = GetString(m, "photo"), reference = GetString(m, "reference");
      if (viewer.IsStaff() || rights_side) m["photo_url"] = base + photo;
      if (storage::BlobStore::IsDigest(reference) && (viewer.IsStaff() || own))
        m["reference_url"] = base + reference;
      matches.push_back(std::move(m));
    }
    o["photo_matches"] = std::move(matches);
  }
  json::object links{{"self", "/v1/screening/hits/" + h.id},
                     {"listing", "/v1/listings/" + h.listing_id}};
  if (!h.statement_id.empty()) links["statement"] = "/v1/statements/" + h.statement_id;
  if (!h.appeal_id.empty()) links["appeal"] = "/v1/appeals/" + h.appeal_id;
  if (std::string original = SourceLink(h.stay_down_source); !original.empty())
    links["original_decision"] = original;
  o["links"] = std::move(links);
  return o;
}

json::object View(const domain::Appeal& a, const service::Principal& viewer) {
  json::object o = domain::ToJson(a);
  if (viewer.IsRightsHolderSide()) {
    const std::vector<std::string>& mine =
        viewer.role == domain::Role::kAgent ? viewer.principal_org_ids : viewer.visible_org_ids;
    json::array holders;
    for (const auto& id : a.rights_holder_ids)
      if (std::find(mine.begin(), mine.end(), id) != mine.end()) holders.emplace_back(id);
    o["rights_holder_ids"] = std::move(holders);
  }
  json::object links{{"self", "/v1/appeals/" + a.id}};
  if (!a.notice_id.empty()) links["notice"] = "/v1/notices/" + a.notice_id;
  if (!a.hit_id.empty()) links["screening_hit"] = "/v1/screening/hits/" + a.hit_id;
  if (!a.statement_id.empty()) links["statement"] = "/v1/statements/" + a.statement_id;
  o["links"] = std::move(links);
  return o;
}

json::object View(const domain::ScreeningRuleStat& s) {
  json::object o = domain::ToJson(s);
  int64_t reviewed = s.confirmed + s.dismissed;
  o["reviewed"] = reviewed;
  o["false_positive_rate"] =
      reviewed ? json::value(double(s.dismissed) / double(reviewed)) : json::value(nullptr);
  return o;
}

json::object View(const service::ScreeningStatus& s) {
  json::object o{{"rule_set", s.rule_set},
                 {"database_key", s.database_key},
                 {"pattern_count", s.pattern_count},
                 {"rights_holder_count", s.rights_holder_count},
                 {"built_at", FormatTime(s.built_at)},
                 {"build_seconds", s.build_seconds},
                 {"built_from_cache", s.built_from_cache},
                 {"rebuild_pending", s.rebuild_pending},
                 {"rebuilding", s.rebuilding},
                 {"stay_down_entries", s.stay_down_entries}};
  o["last_error"] = s.last_error.empty() ? json::value(nullptr) : json::value(s.last_error);
  if (s.rescreen) {
    json::object job = View(*s.rescreen, false);
    job["links"] = json::object{{"self", "/v1/jobs/" + s.rescreen->id}};
    o["rescreen"] = std::move(job);
  } else {
    o["rescreen"] = nullptr;
  }
  return o;
}

json::object View(const service::PhotoBankSummary& b) {
  json::object o = domain::ToJson(b.bank);
  o["entries"] = b.entries;
  o["indexed"] = b.indexed;
  o["links"] = json::object{{"export", "/v1/photo-banks/" + b.bank.id + "/export"}};
  return o;
}

json::object View(const service::DashboardReport& r) {
  auto handling = [](const service::HandlingTimes& h) {
    json::object o{{"count", h.count}};
    if (h.count == 0) {
      o["p50_seconds"] = nullptr;
      o["p90_seconds"] = nullptr;
      o["p99_seconds"] = nullptr;
    } else {
      o["p50_seconds"] = h.p50_seconds;
      o["p90_seconds"] = h.p90_seconds;
      o["p99_seconds"] = h.p99_seconds;
    }
    return o;
  };
  json::array buckets;
  for (const auto& b : r.removals)
    buckets.emplace_back(json::object{{"start", b.start}, {"notices", b.notices},
                                      {"proactive", b.proactive}});
  json::array holders;
  for (const auto& h : r.top_rights_holders)
    holders.emplace_back(json::object{{"org_id", h.org_id},
                                      {"name", h.name},
                                      {"removals", h.removals},
                                      {"notices", h.notices},
                                      {"proactive", h.proactive}});
  json::array categories;
  for (const auto& c : r.top_categories)
    categories.emplace_back(json::object{{"category", c.category}, {"removals", c.removals}});
  json::array repeat;
  for (const auto& s : r.repeat_infringers) {
    json::object o{{"marketplace_id", s.marketplace_id},
                   {"seller_id", s.seller_id},
                   {"removals", s.removals},
                   {"strikes", s.strikes}};
    o["status"] = s.status.empty() ? json::value(nullptr) : json::value(s.status);
    o["rights_holder_ids"] = ToJsonArray(s.rights_holder_ids);
    repeat.emplace_back(std::move(o));
  }
  json::object period{{"from", FormatTime(r.from)}, {"to", FormatTime(r.to)},
                      {"bucket", r.bucket}};
  period["marketplace_id"] =
      r.marketplace_id.empty() ? json::value(nullptr) : json::value(r.marketplace_id);
  period["top"] = r.top;
  return {{"period", std::move(period)},
          {"removals", json::object{{"notices", r.notice_removals},
                                    {"proactive", r.proactive_removals},
                                    {"buckets", std::move(buckets)}}},
          {"handling_time", json::object{{"notices", handling(r.notice_handling)},
                                         {"screening_hits", handling(r.hit_handling)}}},
          {"top_rights_holders", std::move(holders)},
          {"top_categories", std::move(categories)},
          {"repeat_infringers", std::move(repeat)},
          {"generated_at", FormatTime(r.generated_at)}};
}

}  // namespace counterfoil::api
