#include "screening/normalize.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// Words followed by plain ASCII separators are found sixteen bytes at a time
// when enough text follows; each ASCII byte between two words must fold
// exactly as it does near the end of the text, where that path does not run.
TEST(Normalize, EveryAsciiByteBetweenWordsFoldsAlikeInLongAndShortText) {
  for (int c = 1; c < 0x80; ++c) {
    std::string short_text = "dyson";
    short_text.push_back(static_cast<char>(c));
    short_text += "v11";
    std::string long_text = short_text + std::string(32, ' ') + "x";
    NormalizedText s = Normalize(short_text);
    NormalizedText l = Normalize(long_text);
    SCOPED_TRACE(c);
    ASSERT_GE(l.text.size(), s.text.size());
    EXPECT_EQ(l.text.substr(0, s.text.size()), s.text);
    EXPECT_EQ(std::vector<uint32_t>(l.src_begin.begin(), l.src_begin.begin() + s.text.size()),
              s.src_begin);
    EXPECT_EQ(std::vector<uint8_t>(l.flags.begin(), l.flags.begin() + s.text.size()), s.flags);
  }
}

TEST(Normalize, SeveralJoinedWordsKeepTheirOffsetsAndReadLeet) {
  const std::string text = "S.o.n.y and d.y.s.0.n or 戴，森 with N I K E";
  NormalizedText n = Normalize(text);
  EXPECT_EQ(n.text, "sony and dyson or 戴森 wlth nlke");
  size_t dyson = n.text.find("dyson");
  ASSERT_NE(dyson, std::string::npos);
  EXPECT_EQ(n.Quote(text, dyson, dyson + 5), "d.y.s.0.n");
  EXPECT_TRUE(n.flags[dyson + 3] & kFlagLeet);
  EXPECT_TRUE(n.FlagsIn(dyson, dyson + 5) & kFlagSpaced);
  size_t nike = n.text.find("nlke");
  EXPECT_EQ(n.Quote(text, nike, nike + 4), "N I K E");
  size_t dai = n.text.find("戴森");
  EXPECT_EQ(n.Quote(text, dai, dai + 6), "戴，森");
  EXPECT_FALSE(n.FlagsIn(n.text.find("and"), n.text.find("and") + 3) & kFlagSpaced);
}

}  // namespace
}  // namespace counterfoil::screening
