// ISBNs in free text: ISBN-10 and ISBN-13, hyphenated, spaced or bare,
// checksum-validated and converted to ISBN-13 (ISO 2108; the ISBN-10 check
// digit is mod 11 with weights 10..1, the ISBN-13 one mod 10 with weights
// 1,3,1,3...; an ISBN-10 becomes ISBN-13 by prefixing 978 and recomputing).
//
//   for (const IsbnMatch& m : FindIsbns("ISBN: 978-0-19-701746-3")) m.isbn13 ...
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace counterfoil::screening {

struct IsbnMatch {
  std::string isbn13;  // 13 digits
  size_t begin = 0;    // byte range in the text searched
  size_t end = 0;
  bool from_isbn10 = false;
};

// Every checksum-valid ISBN in `text`, in order. Digit groups may be separated
// by single hyphens or spaces; a number glued to letters or to further digits
// is not an ISBN.
std::vector<IsbnMatch> FindIsbns(std::string_view text);

// `s` with separators removed must be a valid ISBN-10 or ISBN-13; returns the
// ISBN-13, or nullopt.
std::optional<std::string> ToIsbn13(std::string_view s);

}  // namespace counterfoil::screening
