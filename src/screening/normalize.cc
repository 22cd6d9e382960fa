#include "screening/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/unistr.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cstring>
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
    for (int c = 0; c < 0x80; ++c) {
      ascii_word_[c] = bmp_[c].kind == Kind::kLatin ? bmp_[c].folded[0] : 0;
      ascii_separator_[c] = bmp_[c].kind == Kind::kSeparator;
    }
    // Three-byte characters of other scripts (most of Chinese text) that
    // fold to themselves: one bit each, 8 KiB, so they skip the 900 KiB
    // table.
    for (UChar32 c = 0x800; c < 0x10000; ++c) {
      const CodePointInfo& info = bmp_[c];
      if (info.kind != Kind::kOther || info.flags != kFlagCjk || info.len != 3) continue;
      char utf8[3] = {static_cast<char>(0xE0 | (c >> 12)),
                      static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
                      static_cast<char>(0x80 | (c & 0x3F))};
      if (std::equal(utf8, utf8 + 3, info.folded.begin())) {
        other_self_[static_cast<size_t>(c) >> 6] |= uint64_t{1} << (c & 63);
      }
    }
  }
  ~Folder() {
    if (spoof_ != nullptr) uspoof_close(spoof_);
  }

  // The folded ASCII letter or digit for byte c < 0x80, or 0.
  char AsciiWordChar(unsigned char c) const { return c < 0x80 ? ascii_word_[c] : 0; }
  // Whether byte c < 0x80 is a separator (space, punctuation, control).
  bool AsciiSeparator(unsigned char c) const { return ascii_separator_[c]; }
  // Whether BMP code point c is a letter of another script (a CJK word's
  // unit) that folds to its own three UTF-8 bytes.
  bool OtherFoldsToItself(UChar32 c) const {
    return (other_self_[static_cast<size_t>(c) >> 6] >> (c & 63)) & 1;
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
  std::array<char, 0x80> ascii_word_{};
  std::array<bool, 0x80> ascii_separator_{};
  std::array<uint64_t, 0x10000 / 64> other_self_{};
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

const CodePointInfo kSeparatorInfo{};

// A word of the view, for the joining pass.
struct WordSpan {
  uint32_t out_begin, out_end;  // in the view
  uint32_t src_begin, src_end;  // in the original
  bool cjk;
  bool single;  // one Latin character
};

// Reads leetspeak in view[begin, end) when the word mixes letters with
// digits (symbols were read as letters already).
void ReadLeet(char* text, uint8_t* flags, size_t begin, size_t end) {
  bool letter = false, digit = false;
  for (size_t k = begin; k < end; ++k) {
    char c = text[k];
    letter |= c >= 'a' && c <= 'z';
    digit |= (c >= '0' && c <= '9') || (flags[k] & kFlagLeet);
  }
  if (!letter || !digit) return;
  for (size_t k = begin; k < end; ++k) {
    char l = LeetLetter(text[k]);
    if (text[k] >= '0' && text[k] <= '9' && l != 0) {
      text[k] = l;
      flags[k] |= kFlagLeet;
    }
  }
}

// The common case of the view, plain ASCII letters and digits, sixteen
// bytes at a time where SSE2 is there (every x86-64), else byte by byte.
// Folding a letter or digit is `| 0x20` (digits have that bit already) and
// 'i' -> 'l'.
bool IsAsciiWordByte(unsigned char c) {
  unsigned char lower = c | 0x20;
  return (lower >= 'a' && lower <= 'z') || (c >= '0' && c <= '9');
}

char FoldAsciiWordByte(unsigned char c) {
  char lower = static_cast<char>(c | 0x20);
  return lower == 'i' ? 'l' : lower;
}

#if defined(__SSE2__)
__m128i DigitMask(__m128i v) {
  return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                       _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
}

__m128i WordByteMask(__m128i v) {
  __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
  __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                 _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
  return _mm_or_si128(letter, DigitMask(v));
}
#endif

// Two bits per byte of the input, computed sixteen bytes at a time before
// the main loop: `word` for ASCII letters and digits, `plain` for those and
// the ASCII separators (every ASCII byte but the symbols that may read as
// letters: '@', '$', '|', '!', '+'). Bits past the end are clear. Plain
// prose alternates words and short runs of separators every few bytes;
// finding the ends with these masks keeps that alternation off the branch
// predictor.
struct ByteClasses {
  std::vector<uint64_t> word, plain;  // bit i of [i / 64]

  void Compute(const unsigned char* s, size_t size) {
    const size_t blocks = size / 64 + 1;  // one more, whose bits stay clear at the end
    word.assign(blocks, 0);
    plain.assign(blocks, 0);
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= size; i += 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
      __m128i symbol = _mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')),
                       _mm_cmpeq_epi8(v, _mm_set1_epi8('$'))),
          _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('|')),
                       _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('!')),
                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('+')))));
      auto w = static_cast<uint64_t>(_mm_movemask_epi8(WordByteMask(v)));
      auto other = static_cast<uint64_t>(_mm_movemask_epi8(_mm_or_si128(v, symbol)));
      word[i / 64] |= w << (i % 64);
      plain[i / 64] |= (~other & 0xFFFF) << (i % 64);
    }
#endif
    for (; i < size; ++i) {
      const unsigned char c = s[i];
      const bool symbol = c == '@' || c == '$' || c == '|' || c == '!' || c == '+';
      word[i / 64] |= static_cast<uint64_t>(IsAsciiWordByte(c)) << (i % 64);
      plain[i / 64] |= static_cast<uint64_t>(c < 0x80 && !symbol) << (i % 64);
    }
  }
};

// The first position >= pos whose bit is set (clear) in `bits`, or `size`.
size_t NextSet(const std::vector<uint64_t>& bits, size_t pos, size_t size) {
  size_t k = pos / 64;
  uint64_t m = bits[k] >> (pos % 64);
  if (m != 0) return std::min(size, pos + static_cast<size_t>(__builtin_ctzll(m)));
  while (++k < bits.size()) {
    if (bits[k] != 0) return std::min(size, k * 64 + static_cast<size_t>(__builtin_ctzll(bits[k])));
  }
  return size;
}
// Whether every bit of [begin, end) is set in `bits` (begin < end).
bool AllSet(const std::vector<uint64_t>& bits, size_t begin, size_t end) {
  for (size_t k = begin / 64; k * 64 < end; ++k) {
    uint64_t want = ~uint64_t{0};
    if (k == begin / 64) want &= ~uint64_t{0} << (begin % 64);
    if (end - k * 64 < 64) want &= (uint64_t{1} << (end - k * 64)) - 1;
    if ((bits[k] & want) != want) return false;
  }
  return true;
}
size_t NextClear(const std::vector<uint64_t>& bits, size_t pos, size_t size) {
  size_t k = pos / 64;
  uint64_t m = ~bits[k] >> (pos % 64);
  if (m != 0) return std::min(size, pos + static_cast<size_t>(__builtin_ctzll(m)));
  while (++k < bits.size()) {
    if (~bits[k] != 0) {
      return std::min(size, k * 64 + static_cast<size_t>(__builtin_ctzll(~bits[k])));
    }
  }
  return size;
}

// Writes the folded run s[0, len) to out[0, len) and the source offsets
// src0, src0 + 1, ... to src[0, len); `available` bytes of s may be read
// (at least len) and out and src may be written up to 16 entries past len.
// Returns whether the run has a digit.
bool FoldAsciiWordRun(const unsigned char* s, size_t len, size_t available, char* out,
                      uint32_t* src, uint32_t src0) {
  size_t k = 0;
  bool digit = false;
#if defined(__SSE2__)
  const __m128i fold_bit = _mm_set1_epi8(0x20), i_letter = _mm_set1_epi8('i'),
                i_to_l = _mm_set1_epi8('l' - 'i'), step = _mm_set1_epi32(4);
  unsigned digits = 0;
  for (; k < len && k + 16 <= available; k += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + k));
    __m128i lower = _mm_or_si128(v, fold_bit);
    lower = _mm_add_epi8(lower, _mm_and_si128(_mm_cmpeq_epi8(lower, i_letter), i_to_l));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + k), lower);
    unsigned in_run = len - k >= 16 ? 0xFFFFu : (1u << (len - k)) - 1;
    digits |= static_cast<unsigned>(_mm_movemask_epi8(DigitMask(v))) & in_run;
    __m128i offsets = _mm_add_epi32(_mm_set1_epi32(static_cast<int>(src0 + k)),
                                    _mm_setr_epi32(0, 1, 2, 3));
    for (int q = 0; q < 4; ++q) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(src + k + 4 * q), offsets);
      offsets = _mm_add_epi32(offsets, step);
    }
  }
  digit = digits != 0;
#endif
  for (; k < len; ++k) {
    out[k] = FoldAsciiWordByte(s[k]);
    src[k] = static_cast<uint32_t>(src0 + k);
    digit |= s[k] <= '9';
  }
  return digit;
}

// Bytes in the UTF-8 sequence that starts with `lead` (1 for anything that
// is not a lead byte: invalid bytes stand alone).
size_t Utf8Length(unsigned char lead) {
  return lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 1;
}

}  // namespace

std::string_view NormalizedText::Quote(std::string_view original, size_t begin,
                                       size_t end) const {
  if (begin >= end || end > text.size()) return {};
  size_t b = src_begin[begin];
  size_t last = src_begin[end - 1];
  if (last >= original.size()) return {};
  size_t e = std::min(original.size(), last + Utf8Length(static_cast<unsigned char>(original[last])));
  if (b >= e) return {};
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
  flags.clear();
}

void Normalize(std::string_view utf8, NormalizedText& out) {
  const Folder& folder = TheFolder();
  thread_local std::vector<WordSpan> words;
  thread_local std::vector<uint32_t> joinable;  // the single-letter and CJK words
  words.clear();
  joinable.clear();
  // The view is built in grow-only per-thread buffers through raw pointers,
  // then copied out: this loop runs once per byte of every listing. The
  // flags start zeroed, so the common bytes (plain letters and digits) write
  // only the view and the source offset.
  constexpr size_t kMaxFolded = sizeof(CodePointInfo::folded) + 1;
  constexpr size_t kSlack = kMaxFolded + 16;  // FoldAsciiWordRun writes up to 16 past a run
  thread_local std::vector<char> text_buf;
  thread_local std::vector<uint32_t> sb_buf;
  thread_local std::vector<uint8_t> fl_buf;
  size_t n = 0, cap = 0, zeroed = 0;  // flags are zero below `zeroed`
  char* text = nullptr;
  uint32_t* sb = nullptr;
  uint8_t* fl = nullptr;
  auto grow = [&](size_t need) {
    if (need > text_buf.size()) {
      size_t size = std::max(need, text_buf.size() * 2);
      text_buf.resize(size);
      sb_buf.resize(size);
      fl_buf.resize(size);
    }
    cap = text_buf.size();
    text = text_buf.data();
    sb = sb_buf.data();
    fl = fl_buf.data();
    // Flags below n were written; the rest is stale from an earlier call.
    if (need > zeroed) {
      std::fill(fl + std::max(zeroed, n), fl + need, 0);
      zeroed = need;
    }
  };
  grow(utf8.size() + 2 * kSlack);
  bool word_digit = false;  // the current word has a digit or a symbol read as a letter

  // One pass: code points to words. A word is a run of Latin units (symbols
  // inside it read as letters) or a run of other-script units; dropped units
  // (zero-width, marks) vanish but mark the next character as hidden.
  bool in_word = false, word_cjk = false, pending_hidden = false;
  size_t word_visible = 0;
  uint32_t last_src_end = 0;
  auto emit = [&](char c, uint8_t flags, uint32_t b) {
    text[n] = c;
    sb[n] = b;
    fl[n] = flags;
    ++n;
  };
  auto start_word = [&](bool cjk, uint32_t src) {
    if (n > 0) emit(' ', 0, last_src_end);
    words.push_back({static_cast<uint32_t>(n), 0, src, 0, cjk, false});
    in_word = true;
    word_cjk = cjk;
    word_visible = 0;
    pending_hidden = false;
  };
  auto end_word = [&]() {
    if (!in_word) return;
    WordSpan& w = words.back();
    w.out_end = static_cast<uint32_t>(n);
    w.src_end = last_src_end;
    w.single = !w.cjk && word_visible == 1;
    if (w.single || w.cjk) joinable.push_back(static_cast<uint32_t>(words.size() - 1));
    if (!w.cjk && word_digit) ReadLeet(text, fl, w.out_begin, w.out_end);
    word_digit = false;
    in_word = false;
  };
  // The kind of the next visible code point after byte `i` (for symbols).
  auto next_visible = [&](size_t i) -> const CodePointInfo* {
    CodePointInfo scratch;
    while (i < utf8.size()) {
      UChar32 c = NextCodePoint(utf8, i);
      if (c < 0 || c >= 0x10000) return nullptr;
      const CodePointInfo& info = folder.Get(c, scratch);
      if (info.kind != Kind::kDropped) return &info;
    }
    return nullptr;
  };

  CodePointInfo astral;
  const auto* bytes = reinterpret_cast<const unsigned char*>(utf8.data());
  const size_t size = utf8.size();
  thread_local ByteClasses classes;
  classes.Compute(bytes, size);
  for (size_t i = 0; i < size;) {
    auto byte = bytes[i];
    if (byte < 0x80) {
      // The common cases in tight loops: a run of ASCII letters and digits
      // (written straight to the view, the source offsets counting up), and
      // ASCII separators.
      if (char f = folder.AsciiWordChar(byte); f != 0) {
        if (in_word && word_cjk) end_word();
        if (!in_word) start_word(false, static_cast<uint32_t>(i));
        for (;;) {
          size_t run = NextClear(classes.word, i + 1, size) - i;
          if (n + run + kSlack > zeroed) grow(n + run + kSlack);
          if (pending_hidden) fl[n] = kFlagHidden;
          word_digit |= FoldAsciiWordRun(bytes + i, run, size - i, text + n, sb + n,
                                         static_cast<uint32_t>(i));
          word_visible += run;
          n += run;
          i += run;
          pending_hidden = false;
          last_src_end = static_cast<uint32_t>(i);
          // The next word, when only plain ASCII separators come before it.
          size_t next = NextSet(classes.word, i, size);
          if (next == size || !AllSet(classes.plain, i, next)) break;
          end_word();
          i = next;
          start_word(false, static_cast<uint32_t>(i));
        }
        continue;
      }
      if (folder.AsciiSeparator(byte)) {
        end_word();
        pending_hidden = false;
        ++i;
        continue;
      }
    }
    if (n + kMaxFolded > cap) grow(n + kMaxFolded);
    if ((byte & 0xF0) == 0xE0 && i + 2 < size && (bytes[i + 1] & 0xC0) == 0x80 &&
        (bytes[i + 2] & 0xC0) == 0x80) {
      // A Chinese (or other-script) character that folds to itself.
      UChar32 c3 = ((byte & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F);
      if (c3 >= 0x800 && folder.OtherFoldsToItself(c3)) {
        if (in_word && !word_cjk) end_word();
        if (!in_word) start_word(true, static_cast<uint32_t>(i));
        for (size_t k = 0; k < 3; ++k) emit(static_cast<char>(bytes[i + k]), kFlagCjk,
                                            static_cast<uint32_t>(i));
        ++word_visible;
        i += 3;
        pending_hidden = false;
        last_src_end = static_cast<uint32_t>(i);
        continue;
      }
    }
    auto b = static_cast<uint32_t>(i);
    UChar32 c = NextCodePoint(utf8, i);
    auto e = static_cast<uint32_t>(i);
    const CodePointInfo& info = c < 0 ? kSeparatorInfo : folder.Get(c, astral);
    switch (info.kind) {
      case Kind::kDropped:
        if (in_word) pending_hidden = true;
        continue;
      case Kind::kLatin: {
        if (in_word && word_cjk) end_word();
        if (!in_word) start_word(false, b);
        uint8_t flags = info.flags | (pending_hidden ? kFlagHidden : 0);
        for (size_t k = 0; k < info.len; ++k) emit(info.folded[k], flags, b);
        word_digit |= info.folded[0] >= '0' && info.folded[0] <= '9';
        ++word_visible;
        break;
      }
      case Kind::kSymbol: {
        // Inside a word only when a letter or digit follows ("c4$7rol", not
        // "nike!"); '$' and '@' may open a word before a letter ("$ony").
        const CodePointInfo* next = next_visible(i);
        bool latin_next = next != nullptr && next->kind == Kind::kLatin;
        bool belongs;
        if (in_word && !word_cjk) {
          belongs = latin_next;
        } else {
          char sym = info.folded[0];
          belongs = (sym == 's' || sym == 'a') && latin_next && next->folded[0] >= 'a';
          if (belongs) {
            end_word();
            start_word(false, b);
          }
        }
        if (!belongs) {
          end_word();
          break;
        }
        emit(info.folded[0], info.flags | kFlagLeet | (pending_hidden ? kFlagHidden : 0), b);
        word_digit = true;
        ++word_visible;
        break;
      }
      case Kind::kOther:
        if (in_word && !word_cjk) end_word();
        if (!in_word) start_word(true, b);
        for (size_t k = 0; k < info.len; ++k) emit(info.folded[k], info.flags, b);
        ++word_visible;
        break;
      case Kind::kSeparator:
        end_word();
        pending_hidden = false;
        continue;
    }
    pending_hidden = false;
    last_src_end = e;
  }
  end_word();

  // Join runs of three or more one-character Latin words spelled out with
  // short separators ("d.y.s.o.n"), and CJK words separated only by
  // separators (Chinese is written without spaces): the spaces between them
  // leave the view, which is compacted in place before it is copied out.
  auto gap_is_short = [&](const WordSpan& x, const WordSpan& y) {
    return y.src_begin - x.src_end <= 3;
  };
  thread_local std::vector<uint32_t> drops;  // view positions of spaces to remove, ascending
  thread_local std::vector<std::pair<uint32_t, uint32_t>> spelled;  // joined Latin words
  drops.clear();
  spelled.clear();
  // Only a single-letter or CJK word can start a run; the words between
  // them are passed over.
  for (size_t next = 0, j = 0; j < joinable.size(); ++j) {
    const size_t w = joinable[j];
    if (w < next) continue;
    if (w + 1 >= words.size()) break;
    size_t run = w + 1;
    if (words[w].single) {
      while (run < words.size() && words[run].single && gap_is_short(words[run - 1], words[run])) {
        ++run;
      }
      if (run - w < 3) run = w + 1;
    } else if (words[w].cjk) {
      while (run < words.size() && words[run].cjk && gap_is_short(words[run - 1], words[run])) {
        ++run;
      }
    }
    if (run - w > 1) {
      for (size_t q = w + 1; q < run; ++q) drops.push_back(words[q].out_begin - 1);
      if (!words[w].cjk) {
        for (size_t k = words[w].out_begin; k < words[run - 1].out_end; ++k) fl[k] |= kFlagSpaced;
        spelled.emplace_back(words[w].out_begin, words[run - 1].out_end);
      }
    }
    next = run;
  }
  if (!drops.empty()) {
    size_t to = drops[0];
    for (size_t k = 0; k < drops.size(); ++k) {
      size_t from = drops[k] + 1;
      size_t until = k + 1 < drops.size() ? drops[k + 1] : n;
      std::memmove(text + to, text + from, until - from);
      std::memmove(sb + to, sb + from, (until - from) * sizeof(uint32_t));
      std::memmove(fl + to, fl + from, until - from);
      to += until - from;
    }
    n = to;
    // A joined word may now mix letters and digits ("d y s 0 n"). Its bounds
    // move down by the spaces removed before them.
    size_t removed = 0;
    for (auto [begin, end] : spelled) {
      while (removed < drops.size() && drops[removed] < begin) ++removed;
      size_t inside = removed;
      while (inside < drops.size() && drops[inside] < end) ++inside;
      ReadLeet(text, fl, begin - removed, end - inside);
    }
  }
  out.text.assign(text, n);
  out.src_begin.assign(sb, sb + n);
  out.flags.assign(fl, fl + n);
}

NormalizedText Normalize(std::string_view utf8) {
  NormalizedText out;
  Normalize(utf8, out);
  return out;
}

std::string NormalizeTerm(std::string_view utf8) {
  thread_local NormalizedText out;
  Normalize(utf8, out);
  return out.text;
}

bool IsWordStart(const NormalizedText& n, size_t pos) {
  return pos == 0 || pos >= n.text.size() || n.text[pos - 1] == ' ';
}

bool IsWordEnd(const NormalizedText& n, size_t pos) {
  return pos >= n.text.size() || pos == 0 || n.text[pos] == ' ';
}

}  // namespace counterfoil::screening
