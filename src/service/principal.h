// Who is calling: the authenticated user with their role and the
// organisations whose data they may see. Built by AccountService from an API
// key or a console session; every service call takes one.
//
//   Principal p = accounts.Authenticate("Bearer cf_…").value();
//   if (!p.CanActForOrg(notice.principal_org_id)) return PermissionDenied(...);
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "domain/model.h"
#include "storage/store.h"

namespace counterfoil::service {

struct Principal {
  std::string user_id;
  std::string email;
  domain::Role role = domain::Role::kRightsHolder;
  std::string org_id;
  domain::OrgKind org_kind = domain::OrgKind::kBrandOwner;
  std::string seller_id;
  std::string marketplace_id;
  // Organisations whose rights-holder data this principal sees: its own
  // and, for a coalition, its members.
  std::vector<std::string> visible_org_ids;
  // Rights holders this principal may file for: its own organisation, a
  // coalition's members, an agent's principals with a valid authorisation.
  std::vector<std::string> principal_org_ids;
  std::string api_key_id;  // set when authenticated with an API key
  bool via_session = false;

  static Principal System() {
    Principal p;
    p.user_id = "system";
    p.role = domain::Role::kAdmin;
    p.org_kind = domain::OrgKind::kPlatform;
    return p;
  }

  bool IsStaff() const {
    return role == domain::Role::kAdmin || role == domain::Role::kReviewer ||
           role == domain::Role::kInvestigator;
  }
  bool IsAdmin() const { return role == domain::Role::kAdmin; }
  bool IsReviewer() const { return role == domain::Role::kAdmin || role == domain::Role::kReviewer; }
  bool IsRightsHolderSide() const {
    return role == domain::Role::kRightsHolder || role == domain::Role::kAgent;
  }
  bool SeesOrg(const std::string& id) const {
    return IsStaff() ||
           std::find(visible_org_ids.begin(), visible_org_ids.end(), id) != visible_org_ids.end();
  }
  bool CanActForOrg(const std::string& id) const {
    return std::find(principal_org_ids.begin(), principal_org_ids.end(), id) !=
           principal_org_ids.end();
  }
  const std::string& Actor() const { return user_id; }
};

// Builds the principal for user `u` as the data stands in `tx`: its
// organisation, a coalition's members, an agency's valid authorisations.
// kNotFound if the user's organisation is missing.
Result<Principal> PrincipalFor(storage::Tx& tx, const domain::User& u, Timestamp now);

}  // namespace counterfoil::service
