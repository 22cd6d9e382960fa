#include "service/integration.h"

#include <spdlog/spdlog.h>

#include <map>

#include "common/crypto.h"
#include "common/ids.h"

namespace counterfoil::service {

using domain::Role;
using storage::Filter;
using storage::Tx;

namespace {

// A seller learns of a notice when it is decided against it, not while the
// notice is being filed, reviewed or completed by the complainant.
bool SellerMaySee(const std::string& type) {
  static const std::vector<std::string> kHidden = {
      "notice.received", "notice.information_requested", "notice.information_supplied",
      "notice.withdrawn", "notice.lapsed"};
  return std::find(kHidden.begin(), kHidden.end(), type) == kHidden.end();
}

}  // namespace

Result<std::vector<domain::Event>> IntegrationService::Events(const Principal& p, int64_t after,
                                                              int limit) {
  storage::EventScope scope;
  if (p.IsStaff()) scope.all = true;
  else if (p.role == Role::kMarketplace) scope.marketplace_id = p.marketplace_id;
  else if (p.role == Role::kSeller) {
    scope.seller_id = p.seller_id;
    scope.marketplace_id.clear();
  } else if (p.IsRightsHolderSide()) scope.org_id = p.org_id;
  else return PermissionDenied("no event feed for this role");
  std::vector<domain::Event> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    if (p.role == Role::kSeller) {
      // Sellers see events about themselves on their marketplace only.
      storage::EventScope s;
      s.seller_id = p.seller_id;
      s.marketplace_id = p.marketplace_id;
      // Hidden events are skipped, not counted: read on until the page is
      // full or the feed ends, or a run of hidden events (a bulk upload
      // against this seller) would stall a seller polling with `after`.
      int64_t cursor = after;
      while (static_cast<int>(out.size()) < limit) {
        ASSIGN_OR_RETURN(auto batch, tx.EventsAfter(cursor, s, limit));
        for (auto& e : batch) {
          cursor = e.seq;
          if (e.seller_id != p.seller_id || e.marketplace_id != p.marketplace_id ||
              !SellerMaySee(e.type))
            continue;
          out.push_back(std::move(e));
          if (static_cast<int>(out.size()) == limit) break;
        }
        if (static_cast<int>(batch.size()) < limit) break;
      }
      return Status::Ok();
    }
    if (p.IsRightsHolderSide() && p.visible_org_ids.size() > 1) {
      // A coalition sees its members' events too: merge per organisation.
      std::map<int64_t, domain::Event> merged;
      for (const auto& org : p.visible_org_ids) {
        storage::EventScope s;
        s.org_id = org;
        ASSIGN_OR_RETURN(auto part, tx.EventsAfter(after, s, limit));
        for (auto& e : part) merged.emplace(e.seq, std::move(e));
      }
      for (auto& [seq, e] : merged) {
        if (static_cast<int>(out.size()) == limit) break;
        out.push_back(std::move(e));
      }
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(out, tx.EventsAfter(after, scope, limit));
    return Status::Ok();
  }));
  return out;
}

Result<domain::WebhookEndpoint> IntegrationService::CreateWebhook(const Principal& p,
                                                                  const json::value& body) {
  FieldReader r(body);
  r.RejectUnknown({"url", "event_types", "marketplace_id", "secret"});
  domain::WebhookEndpoint ep;
  ep.url = r.String("url", {.min_len = 8, .max_len = 2000});
  ep.event_types = r.StringArray("event_types", false, 100);
  std::string marketplace_id = r.OptString("marketplace_id").value_or("");
  auto secret = r.OptString("secret", {.min_len = 16, .max_len = 200});
  RETURN_IF_ERROR(r.status());
  if (ep.url.rfind("http://", 0) != 0 && ep.url.rfind("https://", 0) != 0)
    return InvalidArgument("url: must start with http:// or https://", "/url");
  if (p.role == Role::kMarketplace) {
    ep.marketplace_id = p.marketplace_id;
  } else if (p.IsRightsHolderSide()) {
    ep.owner_org_id = p.org_id;
  } else if (p.IsAdmin()) {
    if (marketplace_id.empty())
      return InvalidArgument("marketplace_id: an admin names the marketplace whose events to send",
                             "/marketplace_id");
    ep.marketplace_id = marketplace_id;
  } else {
    return PermissionDenied("webhooks are for marketplaces, rights holders and admins");
  }
  ep.secret = secret ? *secret : "whsec_" + RandomHex(24);
  ep.created_at = ctx_.Now();
  ep.id = NewId("whk", ep.created_at);
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    if (!ep.marketplace_id.empty()) {
      ASSIGN_OR_RETURN(auto m, tx.marketplaces().Find(ep.marketplace_id));
      if (!m) return InvalidArgument("no marketplace " + ep.marketplace_id, "/marketplace_id");
    }
    RETURN_IF_ERROR(tx.webhooks().Insert(ep));
    return ctx_.Record(tx, p.Actor(), "webhook.created", "webhook", ep.id, {{"url", ep.url}});
  }));
  return ep;
}

static bool OwnsWebhook(const Principal& p, const domain::WebhookEndpoint& ep) {
  if (p.IsAdmin()) return true;
  if (p.role == Role::kMarketplace) return ep.marketplace_id == p.marketplace_id && ep.owner_org_id.empty();
  if (p.IsRightsHolderSide()) return ep.owner_org_id == p.org_id;
  return false;
}

Result<std::vector<domain::WebhookEndpoint>> IntegrationService::ListWebhooks(const Principal& p) {
  std::vector<domain::WebhookEndpoint> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto page, tx.webhooks().List({}, {.limit = 1000}));
    for (auto& ep : page.items)
      if (OwnsWebhook(p, ep)) out.push_back(std::move(ep));
    return Status::Ok();
  }));
  return out;
}

Status IntegrationService::DeleteWebhook(const Principal& p, const std::string& id) {
  return ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto ep, tx.webhooks().Find(id));
    if (!ep || !OwnsWebhook(p, *ep)) return NotFound("webhook " + id + " not found");
    ep->active = false;
    RETURN_IF_ERROR(tx.webhooks().Update(*ep));
    return ctx_.Record(tx, p.Actor(), "webhook.disabled", "webhook", id);
  });
}

Result<storage::Page<domain::Delivery>> IntegrationService::ListDeliveries(
    const Principal& p, const std::string& endpoint_id, const storage::PageRequest& page) {
  storage::Page<domain::Delivery> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto ep, tx.webhooks().Find(endpoint_id));
    if (!ep || !OwnsWebhook(p, *ep)) return NotFound("webhook " + endpoint_id + " not found");
    ASSIGN_OR_RETURN(out, tx.deliveries().List(Filter().Eq("endpoint_id", endpoint_id), page));
    return Status::Ok();
  }));
  return out;
}

json::object IntegrationService::EventBody(const domain::Event& e) {
  return {{"id", e.id},          {"seq", e.seq},   {"type", e.type},
          {"at", FormatTime(e.at)}, {"marketplace_id", e.marketplace_id},
          {"seller_id", e.seller_id}, {"subject_id", e.subject_id}, {"data", e.data}};
}

std::string IntegrationService::Signature(const std::string& secret, int64_t unix_seconds,
                                          const std::string& body) {
  return HmacSha256Hex(secret, std::to_string(unix_seconds) + "." + body);
}

Result<int> IntegrationService::DeliverDue() {
  Timestamp now = ctx_.Now();
  std::vector<domain::Delivery> due;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto page, tx.deliveries().List(
                                    Filter().Eq("state", std::string("pending")).Le(
                                        "next_attempt_at", FormatTime(now)),
                                    {.order_by = {"next_attempt_at"}, .limit = 100}));
    due = std::move(page.items);
    return Status::Ok();
  }));
  const Config& cfg = ctx_.config();
  for (auto& d : due) {
    domain::WebhookEndpoint ep;
    domain::Event event;
    Status s = ctx_.store().Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(ep, tx.webhooks().Get(d.endpoint_id));
      storage::EventScope all{.all = true};
      ASSIGN_OR_RETURN(auto events, tx.EventsAfter(d.event_seq - 1, all, 1));
      if (events.empty() || events.front().id != d.event_id)
        return Internal("event " + d.event_id + " missing");
      event = std::move(events.front());
      return Status::Ok();
    });
    if (!s.ok()) {
      spdlog::error("delivery {}: {}", d.id, s.ToString());
      continue;
    }
    std::string body = json::serialize(EventBody(event));
    int64_t t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", "application/json"},
        {"Counterfoil-Event-Id", event.id},
        {"Counterfoil-Event-Type", event.type},
        {"Counterfoil-Delivery-Attempt", std::to_string(d.attempts + 1)},
        {"Counterfoil-Signature", "t=" + std::to_string(t) + ",v1=" + Signature(ep.secret, t, body)}};
    Result<int> sent = ep.active ? sender_(ep.url, headers, body)
                                 : Result<int>(Unavailable("endpoint disabled"));
    d.attempts += 1;
    if (sent.ok() && *sent >= 200 && *sent < 300) {
      d.state = domain::DeliveryState::kDelivered;
      d.delivered_at = ctx_.Now();
      d.last_status = *sent;
      d.last_error.clear();
    } else {
      d.last_status = sent.ok() ? *sent : 0;
      d.last_error = sent.ok() ? "HTTP " + std::to_string(*sent) : sent.status().message();
      if (d.attempts >= cfg.webhook_max_attempts || !ep.active) {
        d.state = domain::DeliveryState::kFailed;
      } else {
        // Exponential back-off: base · 2^(attempts-1), capped.
        int64_t delay = int64_t(cfg.webhook_backoff_base_seconds) << std::min(d.attempts - 1, 20);
        delay = std::min<int64_t>(delay, cfg.webhook_backoff_max_seconds);
        d.next_attempt_at = ctx_.Now() + std::chrono::seconds(delay);
      }
    }
    Status w = ctx_.store().Write([&](Tx& tx) { return tx.deliveries().Update(d); });
    if (!w.ok()) spdlog::error("delivery {} not recorded: {}", d.id, w.ToString());
  }
  return static_cast<int>(due.size());
}

Result<IntegrationService::AuditReport> IntegrationService::VerifyAudit(storage::Store& store) {
  AuditReport report;
  std::string prev = domain::kAuditGenesisHash;
  int64_t expect = 1;
  int64_t after = 0;
  while (report.first_broken_seq == 0) {
    std::vector<domain::AuditEntry> batch;
    RETURN_IF_ERROR(store.Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(batch, tx.AuditAfter(after, 5000));
      return Status::Ok();
    }));
    if (batch.empty()) break;
    for (const auto& e : batch) {
      ++report.entries;
      if (e.seq != expect) {
        report.first_broken_seq = e.seq;
        report.problem = "entry " + std::to_string(expect) + " is missing (next is " +
                         std::to_string(e.seq) + ")";
        break;
      }
      if (e.prev_hash != prev) {
        report.first_broken_seq = e.seq;
        report.problem = "entry " + std::to_string(e.seq) + " does not follow the previous hash";
        break;
      }
      if (domain::ComputeAuditHash(e) != e.hash) {
        report.first_broken_seq = e.seq;
        report.problem = "entry " + std::to_string(e.seq) + " was altered (hash mismatch)";
        break;
      }
      prev = e.hash;
      ++expect;
      after = e.seq;
    }
  }
  return report;
}

Result<std::vector<domain::AuditEntry>> IntegrationService::AuditEntries(const Principal& p,
                                                                         int64_t after, int limit) {
  if (!p.IsAdmin()) return PermissionDenied("the audit log is for operator admins");
  std::vector<domain::AuditEntry> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.AuditAfter(after, limit));
    return Status::Ok();
  }));
  return out;
}

}  // namespace counterfoil::service
