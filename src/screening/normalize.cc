#include "screening/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/unistr.h>

#include <array>
#include <memory>
#include <mutex>

namespace counterfoil::screening {
namespace {

// What one code point contributes to the view.
enum class Kind : uint8_t {
  kSeparator,  // breaks words
  kDropped,    // zero-width, format characters, combining marks: vanish inside a word
  kLatin,      // ASCII letters or digits after folding (folded[0..len))
  kSymbol,     // '@', '$', '|', '!', '+': a letter only inside a word (leetspeak)
  kOther,      // a letter or digit of another script (CJK...): its own words
};

struct CodePointInfo {
  Kind kind = Kind::kSeparator;
  uint8_t len = 0;  // bytes in `folded`
  uint8_t flags = 0;
  std::array<char, 11> folded{};
};

// Leetspeak readings. Digits are read as letters only inside words that also
// contain letters ("dys0n"), so "2024" and "42083" stay numbers. 2 and 6 are
// left alone: they are as often real digits ("5w-30", "ps2") as letters.
char LeetLetter(char c) {
  switch (c) {
    case '0': return 'o';
    case '1': return 'l';  // 'i' and 'l' are one letter in the view
    case '3': return 'e';
    case '4': return 'a';
    case '5': return 's';
    case '7': return 't';
    case '8': return 'b';
    case '9': return 'g';
    case '@': return 'a';
    case '$': return 's';
    case '|': return 'l';
    case '!': return 'l';
    case '+': return 't';
    default: return 0;
  }
}

void Append(CodePointInfo& info, std::string_view bytes) {
  for (char c : bytes) {
    if (info.len < info.folded.size()) info.folded[info.len++] = c;
  }
}

bool IsAsciiAlnum(UChar32 c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// ICU objects are thread-safe for const use once created.
class Folder {
 public:
  Folder() {
    UErrorCode err = U_ZERO_ERROR;
    nfkc_cf_ = icu::Normalizer2::getNFKCCasefoldInstance(err);
    nfd_ = icu::Normalizer2::getNFDInstance(err);
    if (U_FAILURE(err)) nfkc_cf_ = nfd_ = nullptr;
    UErrorCode serr = U_ZERO_ERROR;
    spoof_ = uspoof_open(&serr);
    if (U_FAILURE(serr)) spoof_ = nullptr;
    // Traditional Chinese reads as Simplified ("戴森" and "戴森", "蘋果" and "苹果").
    UErrorCode terr = U_ZERO_ERROR;
    to_simplified_.reset(
        icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, terr));
    if (U_FAILURE(terr)) to_simplified_.reset();
    for (UChar32 c = 0; c < 0x10000; ++c) bmp_[c] = Compute(c);
  }
  ~Folder() {
    if (spoof_ != nullptr) uspoof_close(spoof_);
  }

  const CodePointInfo& Get(UChar32 c, CodePointInfo& scratch) const {
    if (c < 0x10000) return bmp_[c];
    scratch = Compute(c);
    return scratch;
  }

 private:
  // NFKC + case folding, then diacritics stripped (NFD without nonspacing marks).
  icu::UnicodeString Fold(const icu::UnicodeString& s) const {
    if (nfkc_cf_ == nullptr) return s;
    UErrorCode err = U_ZERO_ERROR;
    icu::UnicodeString folded = nfkc_cf_->normalize(s, err);
    icu::UnicodeString decomposed = nfd_->normalize(folded, err);
    if (U_FAILURE(err)) return s;
    icu::UnicodeString out;
    for (int32_t i = 0; i < decomposed.length();) {
      UChar32 c = decomposed.char32At(i);
      i += U16_LENGTH(c);
      int8_t type = u_charType(c);
      if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK) continue;
      out.append(c);
    }
    return out;
  }

  static bool AllAsciiAlnum(const icu::UnicodeString& s) {
    if (s.isEmpty()) return false;
    for (int32_t i = 0; i < s.length(); ++i) {
      if (!IsAsciiAlnum(s.charAt(i))) return false;
    }
    return true;
  }

  static void AppendLower(CodePointInfo& info, const icu::UnicodeString& s) {
    for (int32_t i = 0; i < s.length(); ++i) {
      char ch = static_cast<char>(s.charAt(i));
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      if (ch == 'i') ch = 'l';
      Append(info, std::string_view(&ch, 1));
    }
  }

  CodePointInfo Compute(UChar32 c) const {
    CodePointInfo info;
    if (c < 0x80) {
      char ch = static_cast<char>(c);
      if (IsAsciiAlnum(c)) {
        info.kind = Kind::kLatin;
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        if (ch == 'i') ch = 'l';
        Append(info, std::string_view(&ch, 1));
      } else if (LeetLetter(ch) != 0) {
        info.kind = Kind::kSymbol;
        char l = LeetLetter(ch);
        Append(info, std::string_view(&l, 1));
      }
      return info;  // other ASCII: separators
    }
    if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) return info;
    int8_t type = u_charType(c);
    if (type == U_FORMAT_CHAR || type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK ||
        u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) {
      info.kind = Kind::kDropped;
      return info;
    }
    icu::UnicodeString original(c);
    icu::UnicodeString folded = Fold(original);
    if (folded.isEmpty()) {
      info.kind = Kind::kDropped;
      return info;
    }
    if (AllAsciiAlnum(folded) && folded.length() <= 4) {
      info.kind = Kind::kLatin;
      info.flags = kFlagFolded;
      AppendLower(info, folded);
      return info;
    }
    // A look-alike from another script: its UTS #39 skeleton, when that is Latin.
    bool letter_or_digit = u_isalnum(c);
    if (letter_or_digit && spoof_ != nullptr) {
      UChar in[2];
      int32_t in_len = 0;
      U16_APPEND_UNSAFE(in, in_len, c);
      UChar skel[16];
      UErrorCode err = U_ZERO_ERROR;
      int32_t n = uspoof_getSkeleton(spoof_, 0, in, in_len, skel, 16, &err);
      if (U_SUCCESS(err) && n > 0 && n <= 16) {
        icu::UnicodeString skeleton = Fold(icu::UnicodeString(skel, n));
        if (AllAsciiAlnum(skeleton) && skeleton.length() <= 2) {
          info.kind = Kind::kLatin;
          info.flags = kFlagConfusable;
          AppendLower(info, skeleton);
          return info;
        }
      }
    }
    if (letter_or_digit || u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC)) {
      info.kind = Kind::kOther;
      info.flags = kFlagCjk;
      if (to_simplified_ && u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC)) {
        to_simplified_->transliterate(folded);
      }
      std::string utf8;
      folded.toUTF8String(utf8);
      if (utf8.size() > info.folded.size()) {
        utf8.clear();
        original.toUTF8String(utf8);
      }
      Append(info, utf8);
      return info;
    }
    return info;  // punctuation, symbols, spaces
  }

  const icu::Normalizer2* nfkc_cf_ = nullptr;
  const icu::Normalizer2* nfd_ = nullptr;
  USpoofChecker* spoof_ = nullptr;
  std::unique_ptr<icu::Transliterator> to_simplified_;
  std::vector<CodePointInfo> bmp_ = std::vector<CodePointInfo>(0x10000);
};

const Folder& TheFolder() {
  static const Folder* folder = new Folder();
  return *folder;
}

// Decodes one UTF-8 code point at s[i]; returns -1 (and advances one byte)
// for an invalid sequence.
UChar32 NextCodePoint(std::string_view s, size_t& i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 ? 2 : 0;
  if (len == 0 || b0 > 0xF4 || i + len > s.size()) {
    ++i;
    return -1;
  }
  UChar32 c = b0 & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return -1;
    }
    c = (c << 6) | (b & 0x3F);
  }
  static constexpr UChar32 kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kMin[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
    ++i;
    return -1;
  }
  i += len;
  return c;
}

// One code point's contribution, as the word builder sees it.
struct Unit {
  Kind kind;
  uint8_t flags;
  uint8_t len;
  std::array<char, 11> folded;
  uint32_t src_begin, src_end;
};

struct Word {
  size_t first, last;  // units [first, last)
  bool cjk;
  uint8_t flags;
};

}  // namespace

std::string_view NormalizedText::Quote(std::string_view original, size_t begin,
                                       size_t end) const {
  if (begin >= end || end > text.size()) return {};
  size_t b = src_begin[begin];
  size_t e = src_end[end - 1];
  if (b >= e || e > original.size()) return {};
  return original.substr(b, e - b);
}

uint8_t NormalizedText::FlagsIn(size_t begin, size_t end) const {
  uint8_t f = 0;
  for (size_t i = begin; i < end && i < flags.size(); ++i) f |= flags[i];
  return f;
}

void NormalizedText::Clear() {
  text.clear();
  src_begin.clear();
  src_end.clear();
  flags.clear();
}

void Normalize(std::string_view utf8, NormalizedText& out) {
  out.Clear();
  const Folder& folder = TheFolder();
  thread_local std::vector<Unit> units;
  thread_local std::vector<Word> words;
  units.clear();
  words.clear();

  // Pass 1: code points to units.
  CodePointInfo scratch;
  for (size_t i = 0; i < utf8.size();) {
    size_t start = i;
    UChar32 c = NextCodePoint(utf8, i);
    Unit u{};
    u.src_begin = static_cast<uint32_t>(start);
    u.src_end = static_cast<uint32_t>(i);
    if (c < 0) {
      u.kind = Kind::kSeparator;
    } else {
      const CodePointInfo& info = folder.Get(c, scratch);
      u.kind = info.kind;
      u.flags = info.flags;
      u.len = info.len;
      u.folded = info.folded;
    }
    units.push_back(u);
  }

  // Pass 2: words. A word is a run of Latin units (symbols inside it read as
  // letters) or a run of other-script units; dropped units vanish but mark the
  // next unit as hidden.
  auto is_latin = [](size_t k) { return units[k].kind == Kind::kLatin; };
  auto next_visible = [&](size_t k) {
    while (k < units.size() && units[k].kind == Kind::kDropped) ++k;
    return k;
  };
  size_t k = 0;
  while (k < units.size()) {
    Kind kind = units[k].kind;
    bool starts_latin = kind == Kind::kLatin;
    if (kind == Kind::kSymbol) {
      // '$ony', '@pple': a symbol may open a word when a letter follows.
      size_t n = next_visible(k + 1);
      char sym = units[k].folded[0];
      starts_latin = (sym == 's' || sym == 'a') && n < units.size() && is_latin(n) &&
                     units[n].folded[0] >= 'a';
    }
    if (!starts_latin && kind != Kind::kOther) {
      ++k;
      continue;
    }
    Word w{k, k, !starts_latin, 0};
    bool pending_hidden = false;
    size_t j = k;
    while (j < units.size()) {
      Unit& u = units[j];
      if (u.kind == Kind::kDropped) {
        pending_hidden = true;
        ++j;
        continue;
      }
      bool belongs;
      if (w.cjk) {
        belongs = u.kind == Kind::kOther;
      } else if (u.kind == Kind::kLatin) {
        belongs = true;
      } else if (u.kind == Kind::kSymbol) {
        // Inside a word only when a letter or digit follows ("c4$7rol", not "nike!").
        size_t n = next_visible(j + 1);
        belongs = j == k || (n < units.size() && is_latin(n));
      } else {
        belongs = false;
      }
      if (!belongs) break;
      if (pending_hidden && j > k) u.flags |= kFlagHidden;
      pending_hidden = false;
      ++j;
    }
    w.last = j;
    words.push_back(w);
    k = j;
  }

  // Pass 3: join runs of three or more one-character words spelled out with
  // separators ("d.y.s.o.n"); two CJK words separated only by separators join
  // too (Chinese is written without spaces).
  auto visible_units = [&](const Word& w) {
    size_t n = 0;
    for (size_t q = w.first; q < w.last; ++q) n += units[q].kind != Kind::kDropped;
    return n;
  };
  auto gap_is_short = [&](const Word& a, const Word& b) {
    return units[b.first].src_begin - units[a.last - 1].src_end <= 3;
  };
  std::vector<Word> joined;
  joined.reserve(words.size());
  for (size_t w = 0; w < words.size();) {
    size_t run = w + 1;
    if (!words[w].cjk && visible_units(words[w]) == 1) {
      while (run < words.size() && !words[run].cjk && visible_units(words[run]) == 1 &&
             gap_is_short(words[run - 1], words[run])) {
        ++run;
      }
      if (run - w < 3) run = w + 1;
    } else if (words[w].cjk) {
      while (run < words.size() && words[run].cjk && gap_is_short(words[run - 1], words[run])) {
        ++run;
      }
    }
    Word merged = words[w];
    if (run - w > 1) {
      merged.last = words[run - 1].last;
      merged.flags |= merged.cjk ? 0 : kFlagSpaced;
    }
    joined.push_back(merged);
    w = run;
  }

  // Pass 4: emit. Separator units inside a joined word are skipped; leetspeak
  // applies to Latin words that mix letters with digits or symbols.
  out.text.reserve(utf8.size() + 8);
  for (const Word& w : joined) {
    bool has_letter = false, has_other = false;
    if (!w.cjk) {
      for (size_t q = w.first; q < w.last; ++q) {
        const Unit& u = units[q];
        if (u.kind == Kind::kLatin) {
          for (size_t b = 0; b < u.len; ++b) {
            char c = u.folded[b];
            if (c >= 'a' && c <= 'z') {
              has_letter = true;
            } else {
              has_other = true;
            }
          }
        } else if (u.kind == Kind::kSymbol) {
          has_other = true;
        }
      }
    }
    bool leet = has_letter && has_other;
    if (!out.text.empty()) {
      uint32_t pos = out.src_end.back();
      out.text.push_back(' ');
      out.src_begin.push_back(pos);
      out.src_end.push_back(units[w.first].src_begin);
      out.flags.push_back(0);
    }
    for (size_t q = w.first; q < w.last; ++q) {
      const Unit& u = units[q];
      bool in_word = w.cjk ? u.kind == Kind::kOther
                           : (u.kind == Kind::kLatin || u.kind == Kind::kSymbol);
      if (!in_word) continue;
      for (size_t b = 0; b < u.len; ++b) {
        char c = u.folded[b];
        uint8_t f = u.flags | w.flags;
        if (u.kind == Kind::kSymbol) {
          f |= kFlagLeet;  // already read as its letter
        } else if (leet && !(c >= 'a' && c <= 'z')) {
          char l = LeetLetter(c);
          if (l != 0) {
            c = l;
            f |= kFlagLeet;
          }
        }
        out.text.push_back(c);
        out.src_begin.push_back(u.src_begin);
        out.src_end.push_back(u.src_end);
        out.flags.push_back(f);
      }
    }
  }
}

NormalizedText Normalize(std::string_view utf8) {
  NormalizedText out;
  Normalize(utf8, out);
  return out;
}

std::string NormalizeTerm(std::string_view utf8) {
  NormalizedText out;
  Normalize(utf8, out);
  return std::move(out.text);
}

bool IsWordStart(const NormalizedText& n, size_t pos) {
  return pos == 0 || pos >= n.text.size() || n.text[pos - 1] == ' ';
}

bool IsWordEnd(const NormalizedText& n, size_t pos) {
  return pos >= n.text.size() || pos == 0 || n.text[pos] == ' ';
}

}  // namespace counterfoil::screening
