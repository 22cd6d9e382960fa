// Tests for the pagination cursor shared by every storage backend: what
// EncodeCursor writes, DecodeCursor reads back unchanged, and anything a
// client could have altered is refused with kInvalidArgument.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/crypto.h"
#include "storage/store.h"

namespace counterfoil::storage {
namespace {

void ExpectRoundTrip(const std::vector<Value>& values) {
  std::string cursor = EncodeCursor(values);
  ASSERT_FALSE(cursor.empty());
  auto back = DecodeCursor(cursor);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, values);
}

TEST(Cursor, RoundTripsTextIntegersAndNull) {
  ExpectRoundTrip({std::string("2026-03-02T09:00:00.000Z"), std::string("lst_01")});
  ExpectRoundTrip({int64_t{0}, int64_t{-7}, int64_t{9223372036854775807LL}, std::string("x")});
  ExpectRoundTrip({std::monostate{}, std::string("ntc_01")});
  ExpectRoundTrip({std::string("")});
}

TEST(Cursor, RoundTripsTextThatLooksLikeJson) {
  ExpectRoundTrip({std::string("a\"b\\c],[\n"), std::string("{\"x\":1}"),
                   std::string("caf\xc3\xa9 \xe4\xb8\xad")});
}

TEST(Cursor, RoundTripsAnEmptyList) { ExpectRoundTrip({}); }

TEST(Cursor, KeepsIntegerAndTextOfTheSameDigitsApart) {
  auto back = DecodeCursor(EncodeCursor({int64_t{42}, std::string("42")}));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_TRUE(std::holds_alternative<int64_t>((*back)[0]));
  EXPECT_TRUE(std::holds_alternative<std::string>((*back)[1]));
}

TEST(Cursor, IsOpaqueLowerCaseHex) {
  std::string c = EncodeCursor({std::string("lst_01"), int64_t{3}});
  for (char ch : c) EXPECT_TRUE((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')) << c;
}

void ExpectRejected(std::string_view cursor) {
  auto r = DecodeCursor(cursor);
  ASSERT_FALSE(r.ok()) << "accepted cursor \"" << cursor << "\"";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
}

TEST(Cursor, RejectsGarbage) {
  ExpectRejected("");
  ExpectRejected("abc");  // odd length
  ExpectRejected("zz");   // not hex
  ExpectRejected("not a cursor");
  ExpectRejected(HexEncode("[1,"));        // truncated JSON
  ExpectRejected(HexEncode("{\"a\":1}"));  // not an array
  ExpectRejected(HexEncode("\"lst_01\""));
  ExpectRejected(HexEncode("[1.5]"));  // only integers, text and null
  ExpectRejected(HexEncode("[true]"));
  ExpectRejected(HexEncode("[[1]]"));
  ExpectRejected(HexEncode("[{}]"));
  ExpectRejected(std::string(8194, 'a'));  // too long to be ours
}

TEST(Cursor, RejectsATamperedCursor) {
  std::string c = EncodeCursor({std::string("lst_01")});
  c[0] = c[0] == '0' ? '1' : '0';  // "[" becomes something else
  ExpectRejected(c);
}

}  // namespace
}  // namespace counterfoil::storage
