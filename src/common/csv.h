// An RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF or LF line
// ends, newlines inside quotes. Reports the line on which each record
// starts so errors can name it.
//
//   CsvReader csv(text);
//   std::vector<std::string> row;
//   while (csv.Next(row)) Use(row, csv.line());
//   RETURN_IF_ERROR(csv.status());  // "line 7: unterminated quoted field"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace counterfoil {

class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte-order mark
  }
  // Reads the next record into `fields`; false at the end or on error.
  bool Next(std::vector<std::string>& fields);
  // Line number (1-based) where the last record started.
  int line() const { return record_line_; }
  const Status& status() const { return status_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int cur_line_ = 1;
  int record_line_ = 0;
  Status status_;
};

}  // namespace counterfoil
