#include "service/catalog.h"

#include <filesystem>
#include <map>
#include <set>
#include <fstream>
#include <sstream>

namespace counterfoil::service {

using storage::Tx;

namespace {

int LineOf(std::string_view text, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i)
    if (text[i] == '\n') ++line;
  return line;
}

Result<json::value> ParseFile(std::string_view text, const std::string& path) {
  boost::system::error_code ec;
  json::stream_parser p;
  size_t used = p.write(text.data(), text.size(), ec);
  if (!ec) p.finish(ec);
  if (ec) return InvalidArgument(path + ":" + std::to_string(LineOf(text, used)) + ": " + ec.message());
  return p.release();
}

Status At(const std::string& path, const Status& s) {
  std::string where = s.field().empty() ? "" : " " + s.field() + ":";
  return Status(s.code(), path + ":" + where + " " + s.message(), s.field());
}

}  // namespace

Result<ImportSummary> ImportCatalog(ServiceContext& ctx, RegistryService& registry,
                                    std::string_view text, const std::string& path) {
  ASSIGN_OR_RETURN(json::value doc, ParseFile(text, path));
  ImportSummary sum;
  Principal sys = Principal::System();
  FieldReader root(doc);
  const json::array* holders = root.Array("rights_holders", true);
  if (!root.ok()) return At(path, root.status());
  std::filesystem::path base = std::filesystem::path(path).parent_path();
  for (size_t i = 0; i < holders->size(); ++i) {
    std::string ptr = "/rights_holders/" + std::to_string(i);
    FieldReader h((*holders)[i], ptr);
    domain::Organisation org;
    org.id = h.String("id", {.min_len = 1, .max_len = 64});
    org.name = h.String("name", {.min_len = 1, .max_len = 200});
    std::string kind = h.Enum("kind", {"brand_owner", "publisher", "coalition"});
    const json::array* rights = h.Array("rights", false);
    if (!h.ok()) return At(path, h.status());
    org.kind = *domain::ParseOrgKind(kind);
    org.created_at = ctx.Now();
    ASSIGN_OR_RETURN(domain::ProtectionProfile pp, [&]() -> Result<domain::ProtectionProfile> {
      auto r = RegistryService::ParseProtection((*holders)[i], ptr);
      if (!r.ok()) return At(path, r.status());
      return r;
    }());
    // Reference photos: paths relative to the catalogue, stored by content hash.
    std::vector<std::string> shas;
    for (size_t k = 0; k < pp.reference_images.size(); ++k) {
      const std::string& img = pp.reference_images[k];
      if (storage::BlobStore::IsDigest(img) && ctx.blobs().Exists(img)) {
        shas.push_back(img);
        continue;
      }
      std::ifstream in(base / img, std::ios::binary);
      if (!in)
        return InvalidArgument(path + ": " + ptr + "/reference_images/" + std::to_string(k) +
                               ": cannot read " + (base / img).string());
      std::stringstream ss;
      ss << in.rdbuf();
      ASSIGN_OR_RETURN(std::string sha, ctx.blobs().Put(ss.str()));
      shas.push_back(sha);
      ++sum.images;
    }
    pp.reference_images = shas;
    pp.org_id = org.id;
    pp.updated_at = ctx.Now();
    RETURN_IF_ERROR(ctx.store().Write([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(auto existing, tx.organisations().Find(org.id));
      if (!existing) {
        RETURN_IF_ERROR(tx.organisations().Insert(org));
        RETURN_IF_ERROR(ctx.Record(tx, "cli", "organisation.imported", "organisation", org.id));
        ++sum.organisations;
      }
      for (const auto& sha : pp.reference_images)
        RETURN_IF_ERROR(tx.PutBlobRef({sha, org.id, "cli", "image/jpeg", "", 0, "listing_photo",
                                       ctx.Now()}));
      RETURN_IF_ERROR(tx.protection().Upsert(pp));
      ctx.ProtectionChanged(tx);
      ++sum.profiles;
      return ctx.Record(tx, "cli", "protection.imported", "organisation", org.id);
    }));
    if (rights) {
      for (size_t k = 0; k < rights->size(); ++k) {
        std::string rptr = ptr + "/rights/" + std::to_string(k);
        if (!(*rights)[k].is_object()) return InvalidArgument(path + ": " + rptr + ": expected an object");
        json::object body = (*rights)[k].as_object();
        body["org_id"] = org.id;
        std::string id = GetString(body, "id");
        if (!id.empty()) {
          bool exists = false;
          RETURN_IF_ERROR(ctx.store().Read([&](Tx& tx) -> Status {
            ASSIGN_OR_RETURN(auto r, tx.rights().Find(id));
            exists = r.has_value();
            return Status::Ok();
          }));
          if (exists) continue;
        }
        auto right = registry.CreateRight(sys, body);
        if (!right.ok()) {
          Status s = right.status();
          return InvalidArgument(path + ": " + rptr + s.field() + ": " + s.message());
        }
        // The operator vouches for catalogue imports: the rights are verified.
        RETURN_IF_ERROR(ctx.store().Write([&](Tx& tx) -> Status {
          ASSIGN_OR_RETURN(domain::Right r, tx.rights().Get(right->id));
          r.verification = domain::Verification::kVerified;
          r.verified_by = "import";
          r.verified_at = ctx.Now();
          RETURN_IF_ERROR(tx.rights().Update(r));
          return ctx.Record(tx, "cli", "right.verified", "right", r.id, {{"by", "catalogue import"}});
        }));
        ++sum.rights;
      }
    }
  }
  // Platform-wide lists live on the operator's platform organisation.
  bool has_platform_lists = false;
  for (auto k : {"category_bans", "suspicious_terms", "piracy_terms"})
    if (doc.as_object().contains(k)) has_platform_lists = true;
  if (has_platform_lists) {
    json::object lists;
    for (auto k : {"category_bans", "suspicious_terms", "piracy_terms"})
      if (auto* v = doc.as_object().if_contains(k)) lists[k] = *v;
    auto pp = RegistryService::ParseProtection(lists);
    if (!pp.ok()) return At(path, pp.status());
    pp->org_id = "platform";
    pp->updated_at = ctx.Now();
    RETURN_IF_ERROR(ctx.store().Write([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(auto existing, tx.organisations().Find("platform"));
      if (!existing) {
        domain::Organisation platform;
        platform.id = "platform";
        platform.name = "Platform operator";
        platform.kind = domain::OrgKind::kPlatform;
        platform.created_at = ctx.Now();
        RETURN_IF_ERROR(tx.organisations().Insert(platform));
      }
      RETURN_IF_ERROR(tx.protection().Upsert(*pp));
      ctx.ProtectionChanged(tx);
      return ctx.Record(tx, "cli", "screening_policy.imported", "organisation", "platform");
    }));
  }
  return sum;
}

namespace {

std::vector<std::pair<int, std::string_view>> SplitLines(std::string_view text) {
  std::vector<std::pair<int, std::string_view>> out;
  int n = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    ++n;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) out.emplace_back(n, line);
    pos = end + 1;
  }
  return out;
}

}  // namespace

Result<ImportSummary> ImportSellers(ServiceContext& ctx, MarketplaceService& marketplace,
                                    std::string_view text, const std::string& path) {
  (void)ctx;
  ImportSummary sum;
  ASSIGN_OR_RETURN(auto results, marketplace.BulkUpsertSellers(Principal::System(), text));
  for (const auto& r : results) {
    if (r.status.ok()) ++sum.sellers;
    else sum.errors.push_back(path + ":" + std::to_string(r.line) + ": " + r.status.message());
  }
  return sum;
}

Result<ImportSummary> ImportListings(ServiceContext& ctx, MarketplaceService& marketplace,
                                     std::string_view text, const std::string& path,
                                     bool create_sellers) {
  ImportSummary sum;
  Principal sys = Principal::System();
  if (create_sellers) {
    std::set<std::pair<std::string, std::string>> sellers;  // (id, marketplace)
    for (const auto& [line, s] : SplitLines(text)) {
      auto doc = ParseJson(s);
      if (!doc.ok() || !doc->is_object()) continue;  // reported by the listing pass
      std::string id = GetString(doc->as_object(), "seller_id");
      std::string m = GetString(doc->as_object(), "marketplace");
      if (!id.empty() && !m.empty()) sellers.emplace(id, m);  // NOLINT
    }
    std::string jsonl;
    RETURN_IF_ERROR(ctx.store().Read([&](Tx& tx) -> Status {
      for (const auto& [id, m] : sellers) {
        ASSIGN_OR_RETURN(auto s, tx.sellers().Find(domain::SellerKey(m, id)));
        if (!s)
        {
          json::object o;
          o["id"] = id;
          o["marketplace"] = m;
          o["name"] = id;
          jsonl += json::serialize(o) + "\n";
        }
      }
      return Status::Ok();
    }));
    if (!jsonl.empty()) {
      ASSIGN_OR_RETURN(auto created, ImportSellers(ctx, marketplace, jsonl, path + " (sellers)"));
      sum.sellers = created.sellers;
      for (auto& e : created.errors) sum.errors.push_back(std::move(e));
    }
  }
  ASSIGN_OR_RETURN(auto results, marketplace.BulkUpsertListings(sys, text));
  for (const auto& r : results) {
    if (r.status.ok()) ++sum.listings;
    else
      sum.errors.push_back(path + ":" + std::to_string(r.line) + ": " +
                           (r.status.field().empty() ? "" : r.status.field() + ": ") +
                           r.status.message());
  }
  return sum;
}

namespace {

template <typename T>
Status Dump(storage::Repository<T>& repo, const char* type, std::ostream& out,
            int64_t& lines) {
  storage::PageRequest page{.limit = 1000};
  while (true) {
    ASSIGN_OR_RETURN(auto p, repo.List({}, page));
    for (const auto& v : p.items) {
      out << json::serialize(json::object{{"type", type}, {"doc", domain::ToJson(v)}}) << '\n';
      ++lines;
    }
    if (p.next_cursor.empty()) break;
    page.after = p.next_cursor;
  }
  return Status::Ok();
}

}  // namespace

Result<int64_t> ExportAll(storage::Store& store, std::ostream& out) {
  int64_t lines = 0;
  RETURN_IF_ERROR(store.Read([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(Dump(tx.marketplaces(), "marketplace", out, lines));
    RETURN_IF_ERROR(Dump(tx.organisations(), "organisation", out, lines));
    RETURN_IF_ERROR(Dump(tx.users(), "user", out, lines));
    RETURN_IF_ERROR(Dump(tx.api_keys(), "api_key", out, lines));
    RETURN_IF_ERROR(Dump(tx.authorisations(), "authorisation", out, lines));
    RETURN_IF_ERROR(Dump(tx.rights(), "right", out, lines));
    RETURN_IF_ERROR(Dump(tx.protection(), "protection_profile", out, lines));
    RETURN_IF_ERROR(Dump(tx.sellers(), "seller", out, lines));
    RETURN_IF_ERROR(Dump(tx.listings(), "listing", out, lines));
    RETURN_IF_ERROR(Dump(tx.notices(), "notice", out, lines));
    RETURN_IF_ERROR(Dump(tx.statements(), "statement_of_reasons", out, lines));
    RETURN_IF_ERROR(Dump(tx.counter_notices(), "counter_notice", out, lines));
    RETURN_IF_ERROR(Dump(tx.appeals(), "appeal", out, lines));
    RETURN_IF_ERROR(Dump(tx.strikes(), "strike", out, lines));
    RETURN_IF_ERROR(Dump(tx.webhooks(), "webhook", out, lines));
    RETURN_IF_ERROR(Dump(tx.deliveries(), "delivery", out, lines));
    RETURN_IF_ERROR(Dump(tx.jobs(), "job", out, lines));
    RETURN_IF_ERROR(Dump(tx.screening_hits(), "screening_hit", out, lines));
    RETURN_IF_ERROR(Dump(tx.stay_down(), "stay_down_entry", out, lines));
    RETURN_IF_ERROR(Dump(tx.screening_rule_stats(), "screening_rule_stat", out, lines));
    return Status::Ok();
  }));
  return lines;
}

}  // namespace counterfoil::service
