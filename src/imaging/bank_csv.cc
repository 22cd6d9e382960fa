#include "imaging/bank_csv.h"

#include <algorithm>
#include <charconv>

#include "common/csv.h"

namespace counterfoil::imaging {

namespace {

constexpr size_t kMaxLabel = 500;
constexpr size_t kMaxId = 200;

Status LineError(int line, std::string_view column, std::string_view what) {
  std::string where = "line " + std::to_string(line);
  std::string msg = where + ": ";
  if (!column.empty()) msg += std::string(column) + ": ";
  msg += what;
  return InvalidArgument(std::move(msg), where);
}

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// The CSV reader's own errors ("line 7: unterminated quoted field") get the
// line as their field too, like every other error of the file.
Status ReaderError(const Status& s, int record_line) {
  std::string_view m = s.message();
  int line = record_line;
  if (m.rfind("line ", 0) == 0) {
    int n = 0;
    size_t i = 5;
    while (i < m.size() && m[i] >= '0' && m[i] <= '9' && n < 100000000) n = n * 10 + (m[i++] - '0');
    if (i > 5) line = n;
  }
  return InvalidArgument(std::string(m), "line " + std::to_string(std::max(1, line)));
}

bool IsBlankRow(const std::vector<std::string>& row) {
  return std::all_of(row.begin(), row.end(), [](const std::string& f) { return Trim(f).empty(); });
}

void AppendField(std::string& out, std::string_view f) {
  if (f.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += f;
    return;
  }
  out += '"';
  for (char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

bool IsBankId(std::string_view id) {
  if (id.empty() || id.size() > 100) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '-';
  });
}

Result<std::vector<BankCsvRow>> ParseBankCsv(std::string_view text) {
  CsvReader csv(text);
  std::vector<std::string> row;
  // The header: the first non-blank record.
  bool have_header = false;
  int col_holder = -1, col_reference = -1;
  while (csv.Next(row)) {
    if (IsBlankRow(row)) continue;
    static constexpr std::string_view kRequired[] = {"hash", "quality", "bank", "label"};
    for (size_t i = 0; i < 4; ++i) {
      std::string got = i < row.size() ? Trim(row[i]) : "";
      std::transform(got.begin(), got.end(), got.begin(), ::tolower);
      if (got != kRequired[i])
        return LineError(csv.line(), "header",
                         "the header starts hash,quality,bank,label (column " +
                             std::to_string(i + 1) + " is \"" + got + "\")");
    }
    for (size_t i = 4; i < row.size(); ++i) {
      std::string name = Trim(row[i]);
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      int* col = name == "rights_holder" ? &col_holder : name == "reference" ? &col_reference : nullptr;
      if (col == nullptr) continue;
      if (*col >= 0) return LineError(csv.line(), "header", "column " + name + " appears twice");
      *col = static_cast<int>(i);
    }
    have_header = true;
    break;
  }
  if (!csv.status().ok()) return ReaderError(csv.status(), csv.line());
  if (!have_header)
    return InvalidArgument("line 1: the file is empty; the header hash,quality,bank,label comes first",
                           "line 1");

  std::vector<BankCsvRow> out;
  while (csv.Next(row)) {
    const int line = csv.line();
    if (IsBlankRow(row)) continue;
    if (out.size() >= kMaxBankCsvRows)
      return LineError(line, "", "at most " + std::to_string(kMaxBankCsvRows) + " rows per file");
    if (row.size() < 4)
      return LineError(line, "", "expected at least 4 fields (hash,quality,bank,label), got " +
                                     std::to_string(row.size()));
    BankCsvRow r;
    r.line = line;
    std::string hex = Trim(row[0]);
    auto hash = Hash256::FromHex(hex);
    if (!hash.ok())
      return LineError(line, "hash",
                       hex.size() != Hash256::kHexLength
                           ? std::to_string(hex.size()) + " characters; a PDQ hash has 64 hex digits"
                           : "not hexadecimal");
    r.hash = *hash;
    std::string q = Trim(row[1]);
    auto [end, ec] = std::from_chars(q.data(), q.data() + q.size(), r.quality);
    if (q.empty() || ec != std::errc() || end != q.data() + q.size() || r.quality < 0 ||
        r.quality > 100)
      return LineError(line, "quality", "\"" + q.substr(0, 20) + "\" is not a whole number 0..100");
    r.bank = Trim(row[2]);
    if (!IsBankId(r.bank))
      return LineError(line, "bank",
                       "\"" + r.bank.substr(0, 40) +
                           "\" is not a bank id (1 to 100 of a-z A-Z 0-9 . _ : -)");
    r.label = row[3];
    if (r.label.size() > kMaxLabel)
      return LineError(line, "label", "longer than " + std::to_string(kMaxLabel) + " bytes");
    if (col_holder >= 0 && static_cast<size_t>(col_holder) < row.size()) {
      r.rights_holder = Trim(row[col_holder]);
      if (r.rights_holder.size() > kMaxId)
        return LineError(line, "rights_holder", "longer than " + std::to_string(kMaxId) + " bytes");
    }
    if (col_reference >= 0 && static_cast<size_t>(col_reference) < row.size()) {
      r.reference = Trim(row[col_reference]);
      if (r.reference.size() > kMaxId)
        return LineError(line, "reference", "longer than " + std::to_string(kMaxId) + " bytes");
    }
    out.push_back(std::move(r));
  }
  if (!csv.status().ok()) return ReaderError(csv.status(), csv.line());
  return out;
}

std::string FormatBankCsv(const std::vector<BankCsvRow>& rows) {
  std::string out = "hash,quality,bank,label,rights_holder,reference\n";
  out.reserve(out.size() + rows.size() * 120);
  for (const BankCsvRow& r : rows) {
    out += r.hash.ToHex();
    out += ',';
    out += std::to_string(r.quality);
    out += ',';
    AppendField(out, r.bank);
    out += ',';
    AppendField(out, r.label);
    out += ',';
    AppendField(out, r.rights_holder);
    out += ',';
    AppendField(out, r.reference);
    out += '\n';
  }
  return out;
}

}  // namespace counterfoil::imaging
