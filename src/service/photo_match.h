// The glue between the photo banks (imaging/photo_bank.h) and the screening
// engine's photo signal (screening::PhotoMatch), shared by the server and the
// `counterfoil screen` command.
//
//   for (const imaging::BankMatch& m : banks.Match(fingerprint))
//     listing.photo_matches.push_back(ToPhotoMatch(photo_id, m));
#pragma once

#include <string>

#include "imaging/photo_bank.h"
#include "screening/engine.h"

namespace counterfoil::service {

// Bank ids: one reference bank per rights holder, one stay-down bank.
std::string ReferenceBankId(const std::string& org_id);
inline constexpr char kStayDownBankId[] = "stay_down";

screening::PhotoMatch ToPhotoMatch(const std::string& photo, const imaging::BankMatch& m);

// Adds the useful hashes of `fp` to `banks` as entries "<id_prefix>#<k>"
// (whole picture first, then the picture inside each frame); returns how
// many were indexed (0 when every hash is below quality 50).
int AddFingerprint(imaging::PhotoBanks& banks, const std::string& id_prefix,
                   const std::string& bank, const imaging::PhotoFingerprint& fp,
                   const std::string& rights_holder, const std::string& reference,
                   const std::string& label);

}  // namespace counterfoil::service
