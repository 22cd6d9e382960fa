#include "service/screening_catalogue.h"

#include <map>
#include <string>
#include <utility>

namespace counterfoil::service {

namespace {

// Calls fn(item) for every item of `repo` matching `f`, in id order.
template <typename T, typename Fn>
Status ForEach(storage::Repository<T>& repo, const storage::Filter& f, Fn fn) {
  storage::PageRequest page{.limit = 1000};
  while (true) {
    ASSIGN_OR_RETURN(storage::Page<T> p, repo.List(f, page));
    for (T& item : p.items) fn(std::move(item));
    if (p.next_cursor.empty()) return Status::Ok();
    page.after = std::move(p.next_cursor);
  }
}

std::optional<screening::Money> PriceOf(double amount, const std::string& currency) {
  if (!(amount > 0)) return std::nullopt;
  return screening::Money{.amount = amount, .currency = currency.empty() ? "USD" : currency};
}

}  // namespace

Result<screening::Catalogue> LoadScreeningCatalogue(storage::Tx& tx) {
  std::map<std::string, domain::Organisation> orgs;
  RETURN_IF_ERROR(ForEach(tx.organisations(), {}, [&](domain::Organisation o) {
    std::string id = o.id;
    orgs.emplace(std::move(id), std::move(o));
  }));

  screening::Catalogue catalogue;
  std::map<std::string, screening::RightsHolderRules> holders;  // by organisation id
  auto holder_for = [&](const domain::Organisation& org) -> screening::RightsHolderRules& {
    auto [it, fresh] = holders.try_emplace(org.id);
    if (fresh) {
      it->second.id = org.id;
      it->second.name = org.name.empty() ? org.id : org.name;
    }
    return it->second;
  };

  RETURN_IF_ERROR(ForEach(tx.protection(), {}, [&](domain::ProtectionProfile pp) {
    auto org = orgs.find(pp.org_id);
    if (org == orgs.end()) return;
    if (org->second.kind == domain::OrgKind::kPlatform) {
      for (const json::value& v : pp.category_bans) {
        const json::object* o = v.if_object();
        if (!o) continue;  // validated when stored (RegistryService::ParseProtection)
        catalogue.category_bans.push_back({.id = GetString(*o, "id"),
                                           .categories = GetStrings(*o, "categories"),
                                           .terms = GetStrings(*o, "terms"),
                                           .reason = GetString(*o, "reason")});
      }
      for (auto& t : pp.suspicious_terms) catalogue.suspicious_terms.push_back(std::move(t));
      for (auto& t : pp.piracy_terms) catalogue.piracy_terms.push_back(std::move(t));
      return;
    }
    if (!domain::IsRightsHolderKind(org->second.kind)) return;
    screening::RightsHolderRules& h = holder_for(org->second);
    h.brand_terms = std::move(pp.brand_terms);
    h.categories = std::move(pp.categories);
    h.authorized_sellers = std::move(pp.authorized_sellers);
    h.isbn_prefixes = std::move(pp.isbn_prefixes);
    h.common_word = pp.common_word;
    for (domain::Product& p : pp.products) {
      h.products.push_back({.name = std::move(p.name),
                            .terms = std::move(p.terms),
                            .msrp = PriceOf(p.msrp, p.currency)});
    }
  }));

  storage::Filter copyrights;
  copyrights.Eq("type", std::string(domain::Name(domain::RightType::kCopyright)))
      .Ne("verification", std::string(domain::Name(domain::Verification::kRejected)));
  RETURN_IF_ERROR(ForEach(tx.rights(), copyrights, [&](domain::Right r) {
    auto org = orgs.find(r.org_id);
    if (org == orgs.end() || !domain::IsRightsHolderKind(org->second.kind) || r.works.empty())
      return;
    screening::RightsHolderRules& h = holder_for(org->second);
    for (domain::Work& w : r.works) {
      h.works.push_back({.title = std::move(w.title),
                         .isbn13 = std::move(w.isbn),
                         .list_price = PriceOf(w.list_price, w.currency)});
    }
  }));

  catalogue.rights_holders.reserve(holders.size());
  for (auto& [id, h] : holders) catalogue.rights_holders.push_back(std::move(h));
  return catalogue;
}

}  // namespace counterfoil::service
