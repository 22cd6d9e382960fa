// The normaliser: folds a listing's text into the form the matcher scans, so
// that a disguised brand name reads as the brand, and keeps a map back to the
// original bytes so that explanations quote what the seller wrote.
//
// Folding, per code point (Unicode data from ICU, cached per code point):
//   - NFKC and case folding (full-width forms, ligatures, "Ｎｉｋｅ" -> "nike");
//   - diacritics removed (NFD, combining marks dropped: "Dysón" -> "dyson");
//   - confusable characters mapped by their UTS #39 skeleton when it is Latin
//     ("Сhanel" with a Cyrillic С, "ΝΙΚΕ" in Greek capitals);
//   - zero-width and other format characters dropped;
//   - Traditional Chinese characters read as Simplified ones;
//   - 'i' and 'l' folded together (they are confusable with each other and
//     with '1' and '|'), so the view spells "nike" as "nlke".
// Then per word (a run of letters and digits, CJK ideographs being words of
// their own script):
//   - runs of three or more single characters separated by anything are joined
//     ("D.y.s.o.n", "d y s o n", "l*o*u*i*s" -> "dyson", "louis");
//   - in words that mix letters with digits or symbols, leetspeak digits and
//     symbols become letters ("dys0n", "c4$7rol", "4pp13" -> "dyson", "castrol",
//     "apple"); words of digits only stay numbers ("42083", "2024").
// Words are separated by single spaces in the output; other punctuation is a
// separator.
//
//   NormalizedText n = Normalize("D.y.s.0.n Supersonic");
//   // n.text == "dyson supersonlc"; n.Quote(original, 0, 5) == "D.y.s.0.n"
//
// Patterns go through the same function, so that "Louis Vuitton" and
// "LOUIS-VUITTON" fold alike. Thread-safe and allocation-light.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace counterfoil::screening {

// Per output byte: how the character came about (for explanations).
enum NormFlag : uint8_t {
  kFlagLeet = 1,        // a digit or symbol read as a letter
  kFlagConfusable = 2,  // a look-alike from another script
  kFlagHidden = 4,      // a zero-width or format character was dropped inside the word
  kFlagSpaced = 8,      // the word was spelled out with separators between letters
  kFlagFolded = 16,     // width, compatibility form or diacritic folded away
  kFlagCjk = 32,        // part of a CJK (or other non-Latin) word
};

struct NormalizedText {
  std::string text;                 // the folded view
  std::vector<uint32_t> src_begin;  // per byte of text: first original byte it came from
                                    // (its code point ends where that UTF-8 sequence does)
  std::vector<uint8_t> flags;       // per byte of text: NormFlag bits

  // The original bytes behind text[begin, end).
  std::string_view Quote(std::string_view original, size_t begin, size_t end) const;
  // OR of the flags over text[begin, end).
  uint8_t FlagsIn(size_t begin, size_t end) const;
  void Clear();
};

// Normalises `utf8` into `out` (reusing its buffers). Invalid UTF-8 bytes are
// separators. Pure function of the input.
void Normalize(std::string_view utf8, NormalizedText& out);
NormalizedText Normalize(std::string_view utf8);
// The folded view only (for patterns and tests).
std::string NormalizeTerm(std::string_view utf8);

// True when the view byte at `pos` is the start (or one-past-the-end) of a
// word: the neighbour across the boundary is a space, the text edge, or a
// change between a Latin word and a CJK word.
bool IsWordStart(const NormalizedText& n, size_t pos);
bool IsWordEnd(const NormalizedText& n, size_t pos);

}  // namespace counterfoil::screening
