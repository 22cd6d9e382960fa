#include "screening/isbn.h"

#include <gtest/gtest.h>

namespace counterfoil::screening {
namespace {

TEST(Isbn, FindsBareHyphenatedAndSpacedIsbn13) {
  for (const char* text : {"ISBN 9780197017463.", "ISBN: 978-0-19-701746-3", "978 0 19 701746 3"}) {
    auto found = FindIsbns(text);
    ASSERT_EQ(found.size(), 1u) << text;
    EXPECT_EQ(found[0].isbn13, "9780197017463") << text;
  }
}

TEST(Isbn, ConvertsIsbn10ToIsbn13) {
  // 0-19-852663-6 is a valid ISBN-10 (check digit mod 11).
  auto found = FindIsbns("see 0-19-852663-6 here");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].from_isbn10);
  EXPECT_EQ(found[0].isbn13, "9780198526636");
  EXPECT_EQ(ToIsbn13("080442957X"), "9780804429573");
}

TEST(Isbn, RejectsBadChecksumsAndGluedNumbers) {
  EXPECT_TRUE(FindIsbns("9780197017464").empty());    // wrong check digit
  EXPECT_TRUE(FindIsbns("97801970174631").empty());   // 14 digits
  EXPECT_TRUE(FindIsbns("SKU9780197017463").empty());  // glued to letters
  EXPECT_TRUE(FindIsbns("phone 0123456788").empty());  // not a valid ISBN-10
  EXPECT_FALSE(ToIsbn13("12345").has_value());
}

TEST(Isbn, ReportsTheByteRange) {
  std::string text = "Pdf of X. ISBN: 978-0-19-701746-3. Fast.";
  auto found = FindIsbns(text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(text.substr(found[0].begin, found[0].end - found[0].begin), "978-0-19-701746-3");
}

}  // namespace
}  // namespace counterfoil::screening
