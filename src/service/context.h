// What every service shares: the store, the blob store, the clock, the
// configuration, and the two things every state change must do inside its
// transaction — append to the audit chain and emit an event (which queues a
// webhook delivery for every subscribed endpoint).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "common/json.h"
#include "domain/model.h"
#include "domain/policy.h"
#include "domain/regime.h"
#include "service/config.h"
#include "service/principal.h"
#include "storage/blob_store.h"
#include "storage/store.h"

namespace counterfoil::service {

class ServiceContext {
 public:
  ServiceContext(storage::Store& store, storage::BlobStore& blobs, const Clock& clock,
                 Config config)
      : store_(store), blobs_(blobs), clock_(clock), config_(std::move(config)) {}

  storage::Store& store() { return store_; }
  storage::BlobStore& blobs() { return blobs_; }
  const Clock& clock() const { return clock_; }
  const Config& config() const { return config_; }
  Timestamp Now() const { return clock_.Now(); }

  // Appends an audit entry for a state change.
  Status Record(storage::Tx& tx, const std::string& actor, std::string action,
                std::string entity_type, std::string entity_id, const json::object& data = {});
  // Voids strike `strike_id` (if it exists and stands) because the takedown
  // behind it was reversed, and records it against seller `seller_id`;
  // `cause` names that takedown in the audit entry ({"notice_id": ...}).
  Status VoidStrike(storage::Tx& tx, const std::string& actor, const std::string& strike_id,
                    const std::string& seller_id, const std::string& why,
                    json::object cause = {});
  // Appends an event and queues deliveries to matching webhook endpoints;
  // wakes the deliverer after commit.
  Status Emit(storage::Tx& tx, domain::Event e);

  // The marketplace's effective regime: built-ins, then [regimes] from the
  // configuration, then the marketplace's own overrides, combined. The
  // result depends only on the marketplace's regimes and overrides (and the
  // fixed configuration), so it is computed once per distinct pair: every
  // notice needs it, and building a regime computes its holiday calendar.
  // Thread-safe.
  Result<domain::Regime> RegimeFor(storage::Tx& tx, const std::string& marketplace_id);
  Result<domain::Regime> RegimeFor(const domain::Marketplace& m) const;
  // The built-in regime `id` with the configuration's [regimes.<id>]
  // applied: what a marketplace's override of it is applied to, and so what
  // an override is validated against. kNotFound for a regime that is not
  // built in. Thread-safe.
  Result<domain::Regime> ConfiguredRegime(std::string_view id) const;
  domain::RepeatInfringerPolicy RepeatInfringerFor(const domain::Marketplace& m) const;
  domain::NotifierProgramme NotifierProgrammeFor(const domain::Marketplace& m) const;
  // The configuration's [screening] thresholds overridden by the
  // marketplace's own (validated when the marketplace was saved).
  domain::ScreeningThresholds ScreeningThresholdsFor(const domain::Marketplace& m) const;
  domain::ScreeningThresholds DefaultScreeningThresholds() const;

  // Called after commits that queued webhook deliveries.
  void SetDeliveryWaker(std::function<void()> f) { wake_deliverer_ = std::move(f); }
  // Called after commits that changed what screening is built from
  // (protection profiles, rights, organisations, the platform's bans and
  // term lists): the screening service marks its rule set for a rebuild.
  void SetProtectionListener(std::function<void()> f) { protection_changed_ = std::move(f); }
  // Inside a write transaction that changes protection data: the listener
  // runs once the transaction commits.
  void ProtectionChanged(storage::Tx& tx) {
    if (protection_changed_) tx.OnCommit(protection_changed_);
  }

 private:
  storage::Store& store_;
  storage::BlobStore& blobs_;
  const Clock& clock_;
  Config config_;
  std::function<void()> wake_deliverer_;
  std::function<void()> protection_changed_;
  mutable std::mutex regime_mu_;
  // (regimes, overrides) -> effective regime; GUARDED_BY(regime_mu_)
  mutable std::unordered_map<std::string, domain::Regime> regime_cache_;
};

// An event with the common fields filled in.
domain::Event MakeEvent(std::string type, Timestamp at, std::string marketplace_id,
                        std::vector<std::string> org_ids, std::string seller_id,
                        std::string subject_id, json::object data);

}  // namespace counterfoil::service
