#include "screening/normalize.h"

#include <gtest/gtest.h>

namespace counterfoil::screening {
namespace {

// The view folds 'i' into 'l'; tests spell expected views that way.

TEST(Normalize, LowerCasesAndCollapsesSeparators) {
  EXPECT_EQ(NormalizeTerm("  Dyson   V11,  cordless!! "), "dyson vll cordless");
}

TEST(Normalize, FoldsFullWidthForms) {
  EXPECT_EQ(NormalizeTerm("Ｄｙｓｏｎ　Ｖ１１"), "dyson vll");
}

TEST(Normalize, StripsDiacritics) {
  EXPECT_EQ(NormalizeTerm("Rolèx Dáytona Façade"), "rolex daytona facade");
}

TEST(Normalize, MapsCyrillicAndGreekLookAlikesToLatin) {
  // Cyrillic С and у, Greek Ν Ι Κ Ε.
  EXPECT_EQ(NormalizeTerm("\xD0\xA1hanel"), "chanel");
  EXPECT_EQ(NormalizeTerm("D\xD1\x83son"), "dyson");
  EXPECT_EQ(NormalizeTerm("\xCE\x9D\xCE\x99\xCE\x9A\xCE\x95"), "nlke");
  NormalizedText n = Normalize("D\xD1\x83son");
  EXPECT_TRUE(n.FlagsIn(0, n.text.size()) & kFlagConfusable);
}

TEST(Normalize, DropsZeroWidthCharactersInsideWords) {
  NormalizedText n = Normalize("Dy\u200Bs\u200Don\uFEFF shop");
  EXPECT_EQ(n.text, "dyson shop");
  EXPECT_TRUE(n.FlagsIn(0, 5) & kFlagHidden);
  EXPECT_FALSE(n.FlagsIn(6, 10) & kFlagHidden);
}

TEST(Normalize, ReadsLeetspeakOnlyInWordsWithLetters) {
  EXPECT_EQ(NormalizeTerm("dys0n"), "dyson");
  EXPECT_EQ(NormalizeTerm("c4$7rol"), "castrol");
  EXPECT_EQ(NormalizeTerm("4pp13"), "apple");
  EXPECT_EQ(NormalizeTerm("@pple"), "apple");
  // Numbers stay numbers.
  EXPECT_EQ(NormalizeTerm("LEGO 42083 2024"), "lego 42083 2024");
  EXPECT_EQ(NormalizeTerm("$100 off!"), "100 off");
  NormalizedText n = Normalize("n1ke");
  EXPECT_EQ(n.text, "nlke");
  EXPECT_TRUE(n.FlagsIn(0, 4) & kFlagLeet);
}

TEST(Normalize, JoinsLettersSpelledOutWithSeparators) {
  EXPECT_EQ(NormalizeTerm("D.y.s.o.n Airwrap"), "dyson alrwrap");
  EXPECT_EQ(NormalizeTerm("d y s o n"), "dyson");
  EXPECT_EQ(NormalizeTerm("l*o*u*i*s*v*u*i*t*t*o*n bag"), "loulsvultton bag");
  EXPECT_EQ(NormalizeTerm("r-o-l-3-x"), "rolex");
  NormalizedText n = Normalize("d y s o n");
  EXPECT_TRUE(n.FlagsIn(0, n.text.size()) & kFlagSpaced);
  // Two single letters are not a spelled-out word.
  EXPECT_EQ(NormalizeTerm("a b test"), "a b test");
}

TEST(Normalize, KeepsChineseAndSeparatesItFromLatinWords) {
  EXPECT_EQ(NormalizeTerm("适用于dyson"), "适用于 dyson");
  EXPECT_EQ(NormalizeTerm("戴森 吹风机"), "戴森吹风机");
  NormalizedText n = Normalize("戴森");
  EXPECT_TRUE(n.FlagsIn(0, n.text.size()) & kFlagCjk);
}

TEST(Normalize, ReadsTraditionalChineseAsSimplified) {
  EXPECT_EQ(NormalizeTerm("蘋果手機"), NormalizeTerm("苹果手机"));
  EXPECT_EQ(NormalizeTerm("蘋果"), "苹果");
}

TEST(Normalize, QuotesTheOriginalText) {
  std::string original = "Best D.y.s.0.n hair dryer";
  NormalizedText n = Normalize(original);
  size_t at = n.text.find("dyson");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(n.Quote(original, at, at + 5), "D.y.s.0.n");
  std::string wide = "Ｄｙｓｏｎ";
  NormalizedText w = Normalize(wide);
  EXPECT_EQ(w.Quote(wide, 0, w.text.size()), wide);
}

TEST(Normalize, InvalidUtf8IsASeparator) {
  EXPECT_EQ(NormalizeTerm("dy\xFFson \xC3"), "dy son");
}

TEST(Normalize, WordBoundaries) {
  NormalizedText n = Normalize("nike shoes");
  EXPECT_TRUE(IsWordStart(n, 0));
  EXPECT_TRUE(IsWordEnd(n, 4));
  EXPECT_FALSE(IsWordEnd(n, 3));
  EXPECT_TRUE(IsWordStart(n, 5));
  EXPECT_TRUE(IsWordEnd(n, n.text.size()));
}

}  // namespace
}  // namespace counterfoil::screening
