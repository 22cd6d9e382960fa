#include "common/csv.h"

namespace counterfoil {

bool CsvReader::Next(std::vector<std::string>& fields) {
  fields.clear();
  if (!status_.ok()) return false;
  // Skip blank lines between records.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++cur_line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  record_line_ = cur_line_;
  std::string field;
  bool quoted = false;
  bool field_started_quoted = false;
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (quoted) {
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          field.push_back('"');
          pos_ += 2;
          continue;
        }
        quoted = false;
        ++pos_;
        continue;
      }
      if (c == '\n') ++cur_line_;
      field.push_back(c);
      ++pos_;
      continue;
    }
    if (c == '"') {
      if (!field.empty() || field_started_quoted) {
        status_ = InvalidArgument("line " + std::to_string(cur_line_) +
                                  ": a quote inside an unquoted field");
        return false;
      }
      quoted = true;
      field_started_quoted = true;
      ++pos_;
      continue;
    }
    if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      field_started_quoted = false;
      ++pos_;
      continue;
    }
    if (c == '\r' || c == '\n') {
      if (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
      ++pos_;
      ++cur_line_;
      fields.push_back(std::move(field));
      return true;
    }
    field.push_back(c);
    ++pos_;
  }
  if (quoted) {
    status_ = InvalidArgument("line " + std::to_string(record_line_) +
                              ": unterminated quoted field");
    return false;
  }
  fields.push_back(std::move(field));
  return true;
}

}  // namespace counterfoil
