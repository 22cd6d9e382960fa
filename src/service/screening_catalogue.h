// The screening engine's Catalogue built from what the server stores: each
// rights holder's protection profile (brand terms, categories, products with
// MSRP, authorised sellers, ISBN prefixes), the works of its copyrights, and
// the platform's screening policy (category bans, suspicious and piracy
// terms) kept on the operator's platform organisation.
//
//   Status s = store.Read([&](storage::Tx& tx) -> Status {
//     ASSIGN_OR_RETURN(screening::Catalogue c, LoadScreeningCatalogue(tx));
//     ASSIGN_OR_RETURN(auto rules, screening::RuleSet::Compile(c));
//     ...
//   });
#pragma once

#include "screening/engine.h"
#include "storage/store.h"

namespace counterfoil::service {

// Reads every organisation, protection profile and copyright right in `tx`
// (page by page) and returns the catalogue:
//  - one RightsHolderRules per rights-holder organisation (brand owner,
//    publisher, coalition) that has a protection profile or copyright works,
//    named by the organisation; ordered by organisation id, so the same data
//    always gives the same catalogue (and RuleSet::Key);
//  - a product's MSRP and a work's list price count when above 0 (0 is "not
//    given" in the stored form);
//  - works come from copyright rights that are not rejected (pending and
//    verified ones count: the registry accepts the claim until a reviewer
//    refuses it);
//  - category bans, suspicious and piracy terms come from the profiles of
//    platform organisations only; the same lists on a rights holder's profile
//    are not platform policy and are ignored.
// Profiles of other organisations (agencies, marketplaces) are ignored.
// Works with a read or a write transaction. Errors: those of the store
// (kUnavailable, kInternal).
Result<screening::Catalogue> LoadScreeningCatalogue(storage::Tx& tx);

}  // namespace counterfoil::service
