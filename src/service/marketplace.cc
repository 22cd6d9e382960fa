#include "service/marketplace.h"

#include "common/ids.h"

namespace counterfoil::service {

using domain::Listing;
using domain::ListingStatus;
using domain::Marketplace;
using domain::Role;
using domain::Seller;
using storage::Filter;
using storage::Tx;

namespace {

bool MayPushTo(const Principal& p, const std::string& marketplace_id) {
  return p.IsAdmin() || (p.role == Role::kMarketplace && p.marketplace_id == marketplace_id);
}

// An override is validated on the regime it will be applied to (the
// built-in one with the configuration's [regimes] table), as RegimeFor
// applies it: validated on the built-in regime alone, an override the
// configuration makes invalid would be saved, and every notice on the
// marketplace would then fail.
Status ReadMarketplaceFields(FieldReader& r, Marketplace& m, const ServiceContext& ctx) {
  if (const json::array* regimes = r.Array("regimes", false)) {
    m.regimes = r.StringArray("regimes");
    if (regimes->empty()) r.Fail("regimes", "name at least one regime");
  }
  if (auto n = r.OptString("name", {.min_len = 1, .max_len = 200})) m.name = *n;
  if (auto u = r.OptString("url_template", {.max_len = 500})) m.url_template = *u;
  if (const json::object* o = r.Object("regime_overrides", false)) m.regime_overrides = *o;
  if (const json::object* o = r.Object("repeat_infringer", false)) m.repeat_infringer = *o;
  if (const json::object* o = r.Object("notifier_programme", false)) m.notifier_programme = *o;
  if (const json::object* o = r.Object("screening", false)) m.screening = *o;
  RETURN_IF_ERROR(r.status());
  for (size_t i = 0; i < m.regimes.size(); ++i)
    if (!domain::BuiltInRegime(m.regimes[i]))
      return InvalidArgument("unknown regime " + m.regimes[i] + " (cn_ecl, us_dmca, eu_dsa)",
                             "/regimes/" + std::to_string(i));
  for (const auto& kv : m.regime_overrides) {
    if (!domain::BuiltInRegime(kv.key()))
      return InvalidArgument("unknown regime " + std::string(kv.key()),
                             "/regime_overrides/" + std::string(kv.key()));
    ASSIGN_OR_RETURN(domain::Regime base, ctx.ConfiguredRegime(kv.key()));
    auto r2 = domain::RegimeFromJson(kv.value(), &base);
    if (!r2.ok())
      return InvalidArgument(r2.status().message(),
                             "/regime_overrides/" + std::string(kv.key()) + r2.status().field());
  }
  if (auto p = domain::RepeatInfringerPolicyFromJson(m.repeat_infringer); !p.ok())
    return InvalidArgument(p.status().message(), "/repeat_infringer" + p.status().field());
  if (auto p = domain::NotifierProgrammeFromJson(m.notifier_programme); !p.ok())
    return InvalidArgument(p.status().message(), "/notifier_programme" + p.status().field());
  if (auto t = domain::ScreeningThresholdsFromJson(m.screening, ctx.DefaultScreeningThresholds());
      !t.ok())
    return InvalidArgument(t.status().message(), "/screening" + t.status().field());
  return Status::Ok();
}

}  // namespace

Result<Marketplace> MarketplaceService::CreateMarketplace(const Principal& p,
                                                          const json::value& body) {
  if (!p.IsAdmin()) return PermissionDenied("only an operator admin configures marketplaces");
  FieldReader r(body);
  Marketplace m;
  m.id = r.String("id", {.min_len = 1, .max_len = 64});
  m.name = r.String("name", {.min_len = 1, .max_len = 200});
  r.StringArray("regimes", true);
  RETURN_IF_ERROR(r.status());
  if (!IsValidExternalId(m.id)) return InvalidArgument("id: use letters, digits, . _ : -", "/id");
  RETURN_IF_ERROR(ReadMarketplaceFields(r, m, ctx_));
  m.created_at = ctx_.Now();
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    Status s = tx.marketplaces().Insert(m);
    if (s.code() == StatusCode::kAlreadyExists)
      return AlreadyExists("marketplace " + m.id + " already exists", "/id");
    RETURN_IF_ERROR(s);
    return ctx_.Record(tx, p.Actor(), "marketplace.created", "marketplace", m.id, domain::ToJson(m));
  }));
  return m;
}

Result<Marketplace> MarketplaceService::UpdateMarketplace(const Principal& p, const std::string& id,
                                                          const json::value& body) {
  if (!p.IsAdmin()) return PermissionDenied("only an operator admin configures marketplaces");
  Marketplace m;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(m, tx.marketplaces().Get(id));
    FieldReader r(body);
    r.RejectUnknown({"name", "regimes", "regime_overrides", "repeat_infringer",
                     "notifier_programme", "screening", "url_template"});
    RETURN_IF_ERROR(r.status());
    RETURN_IF_ERROR(ReadMarketplaceFields(r, m, ctx_));
    RETURN_IF_ERROR(tx.marketplaces().Update(m));
    return ctx_.Record(tx, p.Actor(), "marketplace.updated", "marketplace", m.id, domain::ToJson(m));
  }));
  return m;
}

Result<Marketplace> MarketplaceService::GetMarketplace(const Principal&, const std::string& id) {
  Marketplace m;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(m, tx.marketplaces().Get(id));
    return Status::Ok();
  }));
  return m;
}

Result<std::vector<Marketplace>> MarketplaceService::ListMarketplaces(const Principal&) {
  std::vector<Marketplace> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto page, tx.marketplaces().List({}, {.limit = 1000}));
    out = std::move(page.items);
    return Status::Ok();
  }));
  return out;
}

Result<domain::Regime> MarketplaceService::EffectiveRegime(const Principal& p,
                                                           const std::string& id) {
  ASSIGN_OR_RETURN(Marketplace m, GetMarketplace(p, id));
  return ctx_.RegimeFor(m);
}

Status MarketplaceService::UpsertSellerInTx(Tx& tx, const Principal& p, const std::string& id,
                                            const json::value& body, Seller* out) {
  FieldReader r(body);
  std::string marketplace_id = r.OptString("marketplace").value_or(
      r.OptString("marketplace_id").value_or(p.marketplace_id));
  std::string name = r.String("name", {.min_len = 1, .max_len = 300});
  const json::object* trader = r.Object("trader", false);
  RETURN_IF_ERROR(r.status());
  if (!IsValidExternalId(id)) return InvalidArgument("seller id: use letters, digits, . _ : -", "/id");
  if (marketplace_id.empty()) return InvalidArgument("marketplace: required", "/marketplace");
  if (!MayPushTo(p, marketplace_id))
    return PermissionDenied("you cannot push sellers to marketplace " + marketplace_id);
  ASSIGN_OR_RETURN(auto m, tx.marketplaces().Find(marketplace_id));
  if (!m) return InvalidArgument("no marketplace " + marketplace_id, "/marketplace");
  ASSIGN_OR_RETURN(auto existing, tx.sellers().Find(domain::SellerKey(marketplace_id, id)));
  Seller s;
  Timestamp now = ctx_.Now();
  if (existing) {
    if (existing->marketplace_id != marketplace_id)
      return InvalidArgument("seller " + id + " belongs to marketplace " + existing->marketplace_id,
                             "/marketplace");
    s = *existing;
  } else {
    s.id = id;
    s.marketplace_id = marketplace_id;
    s.created_at = now;
  }
  s.name = name;
  if (trader) {
    static const std::vector<std::string_view> kTraderFields = {
        "legal_name", "address", "phone", "email", "id_document", "payment_account",
        "trade_register", "country"};
    FieldReader t(*trader, "/trader");
    t.RejectUnknown(kTraderFields);
    for (auto k : kTraderFields) t.OptString(k, {.max_len = 500});
    RETURN_IF_ERROR(t.status());
    s.trader = *trader;
  }
  s.updated_at = now;
  RETURN_IF_ERROR(tx.sellers().Upsert(s));
  RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), existing ? "seller.updated" : "seller.created",
                              "seller", id, {{"marketplace_id", marketplace_id}}));
  if (out) *out = std::move(s);
  return Status::Ok();
}

Result<Seller> MarketplaceService::UpsertSeller(const Principal& p, const std::string& id,
                                                const json::value& body) {
  Seller s;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) { return UpsertSellerInTx(tx, p, id, body, &s); }));
  return s;
}

Result<Seller> MarketplaceService::ResolveSeller(Tx& tx, const Principal& p,
                                                const std::string& marketplace_id,
                                                const std::string& id) {
  std::string m = !marketplace_id.empty() ? marketplace_id : p.marketplace_id;
  if (!m.empty()) {
    ASSIGN_OR_RETURN(auto s, tx.sellers().Find(domain::SellerKey(m, id)));
    if (!s) return NotFound("seller " + id + " not found on " + m);
    return *s;
  }
  ASSIGN_OR_RETURN(auto page, tx.sellers().List(Filter().Eq("seller_id", id), {.limit = 2}));
  if (page.items.empty()) return NotFound("seller " + id + " not found");
  if (page.items.size() > 1)
    return InvalidArgument("seller id " + id + " exists on several marketplaces; pass marketplace_id",
                           "marketplace_id");
  return page.items.front();
}

Result<Seller> MarketplaceService::GetSeller(const Principal& p, const std::string& marketplace_id,
                                             const std::string& id) {
  Seller s;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(s, ResolveSeller(tx, p, marketplace_id, id));
    return Status::Ok();
  }));
  bool allowed = p.IsStaff() ||
                 (p.role == Role::kSeller && p.seller_id == id && p.marketplace_id == s.marketplace_id) ||
                 (p.role == Role::kMarketplace && p.marketplace_id == s.marketplace_id);
  if (!allowed) return NotFound("seller " + id + " not found");
  return s;
}

Result<storage::Page<Seller>> MarketplaceService::ListSellers(const Principal& p,
                                                              const std::string& marketplace_id,
                                                              const storage::PageRequest& page) {
  Filter f;
  if (p.role == Role::kMarketplace) f.Eq("marketplace_id", p.marketplace_id);
  else if (!p.IsStaff()) return PermissionDenied("sellers are listed for staff and marketplaces");
  if (!marketplace_id.empty()) f.Eq("marketplace_id", marketplace_id);
  storage::Page<Seller> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.sellers().List(f, page));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<domain::Strike>> MarketplaceService::ListStrikes(
    const Principal& p, const std::string& marketplace_id, const std::string& seller_id) {
  ASSIGN_OR_RETURN(Seller s, GetSeller(p, marketplace_id, seller_id));
  std::vector<domain::Strike> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto page, tx.strikes().List(Filter().Eq("seller_id", s.id).Eq(
                                                      "marketplace_id", s.marketplace_id),
                                                  {.order_by = {"at"}, .limit = 1000}));
    out = std::move(page.items);
    return Status::Ok();
  }));
  return out;
}

Result<Seller> MarketplaceService::Reinstate(const Principal& p, const std::string& marketplace_id,
                                             const std::string& id,
                                             const json::value& body) {
  if (!p.IsAdmin()) return PermissionDenied("only an operator admin lifts a suspension");
  FieldReader r(body);
  std::string reason = r.String("reason", {.min_len = 1, .max_len = 2000});
  RETURN_IF_ERROR(r.status());
  Seller s;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(s, ResolveSeller(tx, p, marketplace_id, id));
    if (s.status != domain::SellerStatus::kSuspended)
      return FailedPrecondition("seller " + id + " is not suspended");
    s.status = domain::SellerStatus::kActive;
    s.suspension_reason.clear();
    s.suspended_at.reset();
    s.updated_at = ctx_.Now();
    RETURN_IF_ERROR(tx.sellers().Update(s));
    RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), "seller.reinstated", "seller", id, {{"reason", reason}}));
    return ctx_.Emit(tx, MakeEvent("seller.reinstated", ctx_.Now(), s.marketplace_id, {}, s.id, s.id,
                                   {{"seller_id", s.id}, {"reason", reason}}));
  }));
  return s;
}

Status MarketplaceService::UpsertListingInTx(Tx& tx, const Principal& p, const std::string& id,
                                             const json::value& body, Listing* out) {
  FieldReader r(body);
  std::string marketplace_id = r.OptString("marketplace").value_or(
      r.OptString("marketplace_id").value_or(p.marketplace_id));
  std::string seller_id = r.String("seller_id", {.min_len = 1, .max_len = 128});
  std::string title = r.String("title", {.min_len = 1, .max_len = 1000});
  std::string description = r.OptString("description", {.max_len = 100000}).value_or("");
  std::string category = r.OptString("category", {.max_len = 200}).value_or("");
  double amount = 0;
  std::string currency = "USD";
  if (r.Object("price", false)) {
    amount = r.Number("/price/amount");
    currency = r.OptString("/price/currency", {.min_len = 3, .max_len = 3}).value_or("USD");
  }
  std::vector<std::string> images = r.StringArray("images", false, 100);
  std::string ship_from = r.OptString("ship_from", {.max_len = 2}).value_or("");
  std::string url = r.OptString("url", {.max_len = 2000}).value_or("");
  RETURN_IF_ERROR(r.status());
  if (!IsValidExternalId(id)) return InvalidArgument("listing id: use letters, digits, . _ : -", "/id");
  if (amount < 0) return InvalidArgument("price/amount: must not be negative", "/price/amount");
  if (marketplace_id.empty()) return InvalidArgument("marketplace: required", "/marketplace");
  if (!MayPushTo(p, marketplace_id))
    return PermissionDenied("you cannot push listings to marketplace " + marketplace_id);
  ASSIGN_OR_RETURN(auto m, tx.marketplaces().Find(marketplace_id));
  if (!m) return InvalidArgument("no marketplace " + marketplace_id, "/marketplace");
  ASSIGN_OR_RETURN(auto seller, tx.sellers().Find(domain::SellerKey(marketplace_id, seller_id)));
  if (!seller || seller->marketplace_id != marketplace_id)
    return InvalidArgument("no seller " + seller_id + " on " + marketplace_id +
                               " (PUT /v1/sellers/{id} first)",
                           "/seller_id");
  ASSIGN_OR_RETURN(auto existing, tx.listings().Find(id));
  Timestamp now = ctx_.Now();
  Listing l;
  if (existing) {
    if (existing->marketplace_id != marketplace_id)
      return InvalidArgument("listing " + id + " belongs to marketplace " + existing->marketplace_id,
                             "/marketplace");
    l = *existing;
  } else {
    l.id = id;
    l.marketplace_id = marketplace_id;
    l.created_at = now;
    if (seller->status == domain::SellerStatus::kSuspended) {
      l.status = ListingStatus::kBlocked;
      l.status_reason = "seller suspended";
    }
  }
  l.seller_id = seller_id;
  l.title = title;
  l.description = description;
  l.category = category;
  l.price = amount;
  l.currency = currency;
  l.images = images;
  l.ship_from = ship_from;
  l.url = !url.empty() ? url : l.url;
  if (l.url.empty() && !m->url_template.empty()) {
    l.url = m->url_template;
    if (auto pos = l.url.find("{id}"); pos != std::string::npos) l.url.replace(pos, 4, id);
  }
  l.version += 1;
  l.updated_at = now;
  if (screener_) RETURN_IF_ERROR(screener_->ScreenInTx(tx, p.Actor(), l));
  RETURN_IF_ERROR(tx.listings().Upsert(l));
  RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), existing ? "listing.updated" : "listing.created",
                              "listing", id, {{"version", l.version}, {"seller_id", seller_id}}));
  if (out) *out = std::move(l);
  return Status::Ok();
}

Result<Listing> MarketplaceService::UpsertListing(const Principal& p, const std::string& id,
                                                  const json::value& body) {
  Listing l;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) { return UpsertListingInTx(tx, p, id, body, &l); }));
  return l;
}

Result<Listing> MarketplaceService::GetListing(const Principal& p, const std::string& id) {
  Listing l;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(l, tx.listings().Get(id));
    return Status::Ok();
  }));
  // Listings are public on the marketplace, so rights holders may look them
  // up to file notices; sellers see only their own, integrations their marketplace's.
  bool allowed = p.IsStaff() || p.IsRightsHolderSide() ||
                 (p.role == Role::kSeller && p.seller_id == l.seller_id &&
                  p.marketplace_id == l.marketplace_id) ||
                 (p.role == Role::kMarketplace && p.marketplace_id == l.marketplace_id);
  if (!allowed) return NotFound("listing " + id + " not found");
  return l;
}

Result<storage::Page<Listing>> MarketplaceService::ListListings(const Principal& p,
                                                                const std::string& seller_id,
                                                                const std::string& status,
                                                                const storage::PageRequest& page) {
  Filter f;
  if (p.role == Role::kSeller) {
    f.Eq("seller_id", p.seller_id).Eq("marketplace_id", p.marketplace_id);
  } else if (p.role == Role::kMarketplace) {
    f.Eq("marketplace_id", p.marketplace_id);
  } else if (!p.IsStaff()) {
    return PermissionDenied("listings are listed for staff, sellers and marketplaces");
  }
  if (!seller_id.empty()) f.Eq("seller_id", seller_id);
  if (!status.empty()) {
    if (status != "active" && status != "removed" && status != "restored" && status != "blocked")
      return InvalidArgument("status must be active, removed, restored or blocked", "status");
    f.Eq("status", status);
  }
  storage::Page<Listing> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.listings().List(f, page));
    return Status::Ok();
  }));
  return out;
}

namespace {

// Splits JSONL into (line number, text) for non-blank lines.
std::vector<std::pair<int, std::string_view>> Lines(std::string_view text) {
  std::vector<std::pair<int, std::string_view>> out;
  int n = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    ++n;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
    if (!blank) out.emplace_back(n, line);
    if (end == text.size()) break;
    pos = end + 1;
  }
  return out;
}

}  // namespace

template <typename Fn>
static Result<std::vector<MarketplaceService::LineResult>> BulkUpsert(ServiceContext& ctx,
                                                                       std::string_view jsonl,
                                                                       int max_lines, Fn upsert) {
  auto lines = Lines(jsonl);
  if (static_cast<int>(lines.size()) > max_lines)
    return ResourceExhausted("at most " + std::to_string(max_lines) + " lines per request")
        .WithReason("too_large");
  std::vector<MarketplaceService::LineResult> results(lines.size());
  // Chunks of lines share a transaction; a line that fails validation writes
  // nothing, so it does not disturb the others.
  constexpr size_t kChunk = 500;
  for (size_t start = 0; start < lines.size(); start += kChunk) {
    size_t end = std::min(lines.size(), start + kChunk);
    RETURN_IF_ERROR(ctx.store().Write([&](storage::Tx& tx) -> Status {
      for (size_t i = start; i < end; ++i) {
        auto& res = results[i];
        res.line = lines[i].first;
        auto doc = ParseJson(lines[i].second);
        if (!doc.ok()) {
          res.status = InvalidArgument("line " + std::to_string(res.line) + ": not valid JSON");
          continue;
        }
        FieldReader r(*doc);
        res.id = r.String("id", {.min_len = 1, .max_len = 128});
        if (!r.ok()) {
          res.status = r.status();
          continue;
        }
        res.status = upsert(tx, res.id, *doc, res);
      }
      return Status::Ok();
    }));
  }
  return results;
}

Result<std::vector<MarketplaceService::LineResult>> MarketplaceService::BulkUpsertListings(
    const Principal& p, std::string_view jsonl) {
  // Refuse the caller as a whole, not line by line: only integrations push.
  if (!p.IsAdmin() && p.role != Role::kMarketplace)
    return PermissionDenied("listings are pushed by marketplace integrations");
  return BulkUpsert(ctx_, jsonl, 100000,
                    [&](Tx& tx, const std::string& id, const json::value& doc, LineResult& res) {
                      Listing l;
                      Status s = UpsertListingInTx(tx, p, id, doc, &l);
                      if (s.ok()) {
                        res.screening = std::move(l.screening);
                        res.listing_status = std::string(domain::Name(l.status));
                      }
                      return s;
                    });
}

Result<std::vector<MarketplaceService::LineResult>> MarketplaceService::BulkUpsertSellers(
    const Principal& p, std::string_view jsonl) {
  if (!p.IsAdmin() && p.role != Role::kMarketplace)
    return PermissionDenied("sellers are pushed by marketplace integrations");
  return BulkUpsert(ctx_, jsonl, 100000,
                    [&](Tx& tx, const std::string& id, const json::value& doc, LineResult&) {
                      return UpsertSellerInTx(tx, p, id, doc, nullptr);
                    });
}

}  // namespace counterfoil::service
