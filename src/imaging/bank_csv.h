// The photo-bank exchange format: CSV (RFC 4180) with a header line, one hash
// per row, so that banks move between deployments and coalition members.
//
//   hash,quality,bank,label,rights_holder,reference
//   f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,100,acg-watch,"Supersonic, front",org_dyson,
//
// The first four columns are required and come first, in this order: `hash`
// (64 hex digits, PDQ's usual text form), `quality` (0..100), `bank` (the
// bank's id: 1..100 of a-z A-Z 0-9 . _ : -), `label` (free text, at most 500
// bytes). `rights_holder` (the organisation whose photo it is; its authorised
// sellers are not flagged) and `reference` (the SHA-256 of the photo, when
// known) are optional; other columns are ignored, so newer files still load.
//
//   ASSIGN_OR_RETURN(std::vector<BankCsvRow> rows, ParseBankCsv(text));
//   // kInvalidArgument "line 7: hash: 63 hex digits; a PDQ hash has 64", field "line 7"
//   std::string csv = FormatBankCsv(rows);
//
// Rows below quality 50 are parsed (a bank may keep them) but never indexed.
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "imaging/hash256.h"

namespace counterfoil::imaging {

struct BankCsvRow {
  int line = 0;  // where it was read (0 when made in memory)
  Hash256 hash;
  int quality = 0;
  std::string bank;
  std::string label;
  std::string rights_holder;
  std::string reference;
};

inline constexpr size_t kMaxBankCsvRows = 1'000'000;

// Whether `id` may name a bank (1..100 of a-z A-Z 0-9 . _ : -).
bool IsBankId(std::string_view id);

// Parses the whole file or reports the first error with its line:
// kInvalidArgument, message "line N: <column>: <what is wrong>", field
// "line N". An empty file, a missing header, a header not starting
// hash,quality,bank,label, duplicated columns and more than kMaxBankCsvRows
// rows are errors too.
Result<std::vector<BankCsvRow>> ParseBankCsv(std::string_view text);

// The header and one line per row, fields quoted where RFC 4180 needs it.
std::string FormatBankCsv(const std::vector<BankCsvRow>& rows);

}  // namespace counterfoil::imaging
