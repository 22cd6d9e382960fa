#include "service/context.h"

#include "common/ids.h"

namespace counterfoil::service {

Status ServiceContext::Record(storage::Tx& tx, const std::string& actor, std::string action,
                              std::string entity_type, std::string entity_id,
                              const json::object& data) {
  domain::AuditEntry e;
  e.at = Now();
  e.actor = actor;
  e.action = std::move(action);
  e.entity_type = std::move(entity_type);
  e.entity_id = std::move(entity_id);
  e.data = json::serialize(data);
  return tx.Audit(e);
}

domain::Event MakeEvent(std::string type, Timestamp at, std::string marketplace_id,
                        std::vector<std::string> org_ids, std::string seller_id,
                        std::string subject_id, json::object data) {
  domain::Event e;
  e.id = NewId("evt", at);
  e.type = std::move(type);
  e.at = at;
  e.marketplace_id = std::move(marketplace_id);
  e.org_ids = std::move(org_ids);
  e.seller_id = std::move(seller_id);
  e.subject_id = std::move(subject_id);
  e.data = std::move(data);
  return e;
}

Status ServiceContext::Emit(storage::Tx& tx, domain::Event e) {
  RETURN_IF_ERROR(tx.AppendEvent(e));
  // Endpoints are few (one per integration), so scanning them per event is cheap.
  ASSIGN_OR_RETURN(auto endpoints, tx.webhooks().List({}, {.limit = 1000}));
  bool queued = false;
  for (const auto& ep : endpoints.items) {
    if (!ep.active) continue;
    bool mine = (!ep.marketplace_id.empty() && ep.marketplace_id == e.marketplace_id) ||
                (!ep.owner_org_id.empty() &&
                 std::find(e.org_ids.begin(), e.org_ids.end(), ep.owner_org_id) != e.org_ids.end());
    if (!mine) continue;
    if (!ep.event_types.empty() &&
        std::find(ep.event_types.begin(), ep.event_types.end(), e.type) == ep.event_types.end())
      continue;
    domain::Delivery d;
    d.id = NewId("dlv", e.at);
    d.endpoint_id = ep.id;
    d.event_id = e.id;
    d.event_seq = e.seq;
    d.next_attempt_at = e.at;
    RETURN_IF_ERROR(tx.deliveries().Insert(d));
    queued = true;
  }
  if (queued && wake_deliverer_) tx.OnCommit(wake_deliverer_);
  return Status::Ok();
}

Result<domain::Regime> ServiceContext::RegimeFor(const domain::Marketplace& m) const {
  std::string key;
  for (const auto& id : m.regimes) {
    key += id;
    key.push_back('\n');
  }
  key += json::serialize(m.regime_overrides);
  {
    std::lock_guard lock(regime_mu_);
    if (auto it = regime_cache_.find(key); it != regime_cache_.end()) return it->second;
  }
  std::vector<domain::Regime> parts;
  for (const auto& id : m.regimes) {
    if (!domain::BuiltInRegime(id))
      return FailedPrecondition("marketplace " + m.id + " names unknown regime " + id);
    ASSIGN_OR_RETURN(domain::Regime r, ConfiguredRegime(id));
    if (auto it = m.regime_overrides.find(id); it != m.regime_overrides.end()) {
      ASSIGN_OR_RETURN(r, domain::RegimeFromJson(it->value(), &r));
    }
    parts.push_back(std::move(r));
  }
  if (parts.empty()) return FailedPrecondition("marketplace " + m.id + " has no legal regime");
  domain::Regime combined = domain::Combine(parts);
  std::lock_guard lock(regime_mu_);
  if (regime_cache_.size() >= 1000) regime_cache_.clear();  // marketplaces are few
  regime_cache_.emplace(std::move(key), combined);
  return combined;
}

Result<domain::Regime> ServiceContext::ConfiguredRegime(std::string_view id) const {
  auto base = domain::BuiltInRegime(id);
  if (!base) return NotFound("no built-in regime " + std::string(id));
  if (auto it = config_.regimes.find(id); it != config_.regimes.end())
    return domain::RegimeFromJson(it->value(), &*base);
  return *base;
}

Result<domain::Regime> ServiceContext::RegimeFor(storage::Tx& tx,
                                                 const std::string& marketplace_id) {
  ASSIGN_OR_RETURN(domain::Marketplace m, tx.marketplaces().Get(marketplace_id));
  return RegimeFor(m);
}

domain::RepeatInfringerPolicy ServiceContext::RepeatInfringerFor(
    const domain::Marketplace& m) const {
  json::object merged = config_.repeat_infringer;
  for (const auto& kv : m.repeat_infringer) merged[kv.key()] = kv.value();
  auto p = domain::RepeatInfringerPolicyFromJson(merged);
  return p.ok() ? *p : domain::RepeatInfringerPolicy{};
}

domain::NotifierProgramme ServiceContext::NotifierProgrammeFor(const domain::Marketplace& m) const {
  json::object merged = config_.notifier_programme;
  for (const auto& kv : m.notifier_programme) merged[kv.key()] = kv.value();
  auto p = domain::NotifierProgrammeFromJson(merged);
  return p.ok() ? *p : domain::NotifierProgramme{};
}

domain::ScreeningThresholds ServiceContext::DefaultScreeningThresholds() const {
  return {config_.screening_block, config_.screening_review};
}

domain::ScreeningThresholds ServiceContext::ScreeningThresholdsFor(
    const domain::Marketplace& m) const {
  domain::ScreeningThresholds base = DefaultScreeningThresholds();
  if (m.screening.empty()) return base;
  auto t = domain::ScreeningThresholdsFromJson(m.screening, base);
  return t.ok() ? *t : base;
}

Status ServiceContext::VoidStrike(storage::Tx& tx, const std::string& actor,
                                  const std::string& strike_id, const std::string& seller_id,
                                  const std::string& why, json::object cause) {
  if (strike_id.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(auto strike, tx.strikes().Find(strike_id));
  if (!strike || strike->voided) return Status::Ok();
  strike->voided = true;
  strike->voided_reason = why;
  RETURN_IF_ERROR(tx.strikes().Update(*strike));
  cause["strike_id"] = strike->id;
  return Record(tx, actor, "strike.voided", "seller", seller_id, cause);
}

}  // namespace counterfoil::service
