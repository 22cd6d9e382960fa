#include "screening/isbn.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cctype>

namespace counterfoil::screening {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The first digit at or after text[i] (text.size() if none), sixteen bytes
// at a time where SSE2 is there: most of a listing has no digits.
size_t NextDigit(std::string_view text, size_t i) {
#if defined(__SSE2__)
  for (; i + 16 <= text.size(); i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(digit));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < text.size() && !IsDigit(text[i])) ++i;
  return i;
}

bool ValidIsbn13(std::string_view d) {
  if (d.size() != 13) return false;
  if (d.substr(0, 3) != "978" && d.substr(0, 3) != "979") return false;
  int sum = 0;
  for (size_t i = 0; i < 13; ++i) {
    if (!IsDigit(d[i])) return false;
    sum += (d[i] - '0') * (i % 2 == 0 ? 1 : 3);
  }
  return sum % 10 == 0;
}

bool ValidIsbn10(std::string_view d) {
  if (d.size() != 10) return false;
  int sum = 0;
  for (size_t i = 0; i < 10; ++i) {
    int v;
    if (IsDigit(d[i])) {
      v = d[i] - '0';
    } else if (i == 9 && (d[i] == 'X' || d[i] == 'x')) {
      v = 10;
    } else {
      return false;
    }
    sum += v * static_cast<int>(10 - i);
  }
  return sum % 11 == 0;
}

std::string Isbn10To13(std::string_view d) {
  std::string out = "978";
  out.append(d.substr(0, 9));
  int sum = 0;
  for (size_t i = 0; i < 12; ++i) sum += (out[i] - '0') * (i % 2 == 0 ? 1 : 3);
  out.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
  return out;
}

struct Group {
  size_t begin, end;  // byte range of the digits (and a final X)
};

}  // namespace

std::optional<std::string> ToIsbn13(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (c == '-' || c == ' ') continue;
    d.push_back(c);
  }
  if (ValidIsbn13(d)) return d;
  if (ValidIsbn10(d)) return Isbn10To13(d);
  return std::nullopt;
}

std::vector<IsbnMatch> FindIsbns(std::string_view text) {
  std::vector<IsbnMatch> out;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    i = NextDigit(text, i);
    if (i == n) break;
    if (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1]))) {
      ++i;
      continue;
    }
    // A chain of digit groups joined by single '-' or ' '.
    thread_local std::vector<Group> groups;
    groups.clear();
    size_t j = i;
    while (j < n && IsDigit(text[j])) {
      size_t b = j;
      while (j < n && IsDigit(text[j])) ++j;
      if (j < n && (text[j] == 'X' || text[j] == 'x') &&
          (j + 1 == n || !std::isalnum(static_cast<unsigned char>(text[j + 1])))) {
        ++j;  // an ISBN-10 check digit
      }
      groups.push_back({b, j});
      if (j + 1 < n && (text[j] == '-' || text[j] == ' ') && IsDigit(text[j + 1]) &&
          !(j < n && (text[j - 1] == 'X' || text[j - 1] == 'x'))) {
        ++j;
        continue;
      }
      break;
    }
    size_t chain_end = j;
    bool glued = chain_end < n && std::isalpha(static_cast<unsigned char>(text[chain_end]));
    // The longest valid run of whole groups from each start.
    size_t g = 0;
    while (g < groups.size() && !glued) {
      bool found = false;
      for (size_t h = groups.size(); h > g; --h) {
        size_t count = 0;
        for (size_t q = g; q < h; ++q) count += groups[q].end - groups[q].begin;
        if (count != 10 && count != 13) continue;
        std::string digits;
        for (size_t q = g; q < h; ++q) digits.append(text.substr(groups[q].begin, groups[q].end - groups[q].begin));
        if (digits.size() != 10 && digits.size() != 13) continue;
        bool ten = digits.size() == 10;
        if (ten ? !ValidIsbn10(digits) : !ValidIsbn13(digits)) continue;
        out.push_back({ten ? Isbn10To13(digits) : digits, groups[g].begin, groups[h - 1].end, ten});
        g = h;
        found = true;
        break;
      }
      if (!found) ++g;
    }
    i = chain_end + 1;
  }
  return out;
}

}  // namespace counterfoil::screening
