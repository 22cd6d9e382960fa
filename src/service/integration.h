// Marketplace integration and audit: the pollable event feed, webhook
// endpoints with their outbox deliveries (HMAC-SHA256 signed, retried with
// exponential back-off, at least once, stable event ids), and verification
// of the hash-chained audit log.
//
//   IntegrationService integ(ctx, [](auto& url, auto& headers, auto& body) {
//     return PostOverHttp(url, headers, body);   // returns the HTTP status
//   });
//   integ.DeliverDue();   // called by the job runner
//
// Signature: header `Counterfoil-Signature: t=<unix seconds>,v1=<hex>` where
// hex = HMAC-SHA256(secret, "<t>.<body>"); the event id is also sent as
// `Counterfoil-Event-Id` so receivers can de-duplicate.
#pragma once

#include <functional>

#include "service/context.h"

namespace counterfoil::service {

// Sends one webhook: url, headers, body -> HTTP status, or an error.
using WebhookSender = std::function<Result<int>(
    const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
    const std::string& body)>;

class IntegrationService {
 public:
  IntegrationService(ServiceContext& ctx, WebhookSender sender)
      : ctx_(ctx), sender_(std::move(sender)) {}

  // Events after `after` visible to p (staff: all; marketplace: its
  // marketplace; rights holders: events naming their organisations;
  // sellers: their own).
  Result<std::vector<domain::Event>> Events(const Principal& p, int64_t after, int limit);

  Result<domain::WebhookEndpoint> CreateWebhook(const Principal& p, const json::value& body);
  Result<std::vector<domain::WebhookEndpoint>> ListWebhooks(const Principal& p);
  Status DeleteWebhook(const Principal& p, const std::string& id);
  Result<storage::Page<domain::Delivery>> ListDeliveries(const Principal& p,
                                                         const std::string& endpoint_id,
                                                         const storage::PageRequest& page);

  // Attempts every delivery that is due; returns how many were attempted.
  Result<int> DeliverDue();
  // The body sent for an event (also what GET /v1/events returns per item).
  static json::object EventBody(const domain::Event& e);
  static std::string Signature(const std::string& secret, int64_t unix_seconds,
                               const std::string& body);

  struct AuditReport {
    int64_t entries = 0;
    int64_t first_broken_seq = 0;  // 0 when the chain verifies
    std::string problem;
  };
  // Walks the whole chain: seq contiguous from 1, each prev_hash equal to the
  // previous hash, each hash recomputed.
  static Result<AuditReport> VerifyAudit(storage::Store& store);
  Result<std::vector<domain::AuditEntry>> AuditEntries(const Principal& p, int64_t after, int limit);

 private:
  ServiceContext& ctx_;
  WebhookSender sender_;
};

}  // namespace counterfoil::service
