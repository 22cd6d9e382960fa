#include "imaging/bank_csv.h"

#include <gtest/gtest.h>

namespace counterfoil::imaging {
namespace {

const std::string kHash = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

TEST(BankCsv, ReadsTheRequiredAndOptionalColumns) {
  auto rows = ParseBankCsv("hash,quality,bank,label,rights_holder,reference,note\n" + kHash +
                           ",100,acg-watch,\"Supersonic, front\",org_dyson,,ignored\n\n" + kHash +
                           ",40,acg-watch,flat,,\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].hash.ToHex(), kHash);
  EXPECT_EQ((*rows)[0].quality, 100);
  EXPECT_EQ((*rows)[0].bank, "acg-watch");
  EXPECT_EQ((*rows)[0].label, "Supersonic, front");
  EXPECT_EQ((*rows)[0].rights_holder, "org_dyson");
  EXPECT_EQ((*rows)[0].line, 2);
  EXPECT_EQ((*rows)[1].quality, 40);  // parsed; the bank does not index it
  EXPECT_EQ((*rows)[1].line, 4);
}

TEST(BankCsv, RoundTrips) {
  BankCsvRow r;
  r.hash = *Hash256::FromHex(kHash);
  r.quality = 87;
  r.bank = "shared:acg";
  r.label = "a \"quoted\", label\nwith a newline";
  r.rights_holder = "org_x";
  r.reference = "abc";
  std::string csv = FormatBankCsv({r});
  auto back = ParseBankCsv(csv);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].hash, r.hash);
  EXPECT_EQ((*back)[0].label, r.label);
  EXPECT_EQ((*back)[0].bank, r.bank);
  EXPECT_EQ((*back)[0].rights_holder, r.rights_holder);
  EXPECT_EQ((*back)[0].reference, r.reference);
}

void ExpectError(const std::string& csv, const std::string& field, const std::string& words) {
  auto r = ParseBankCsv(csv);
  ASSERT_FALSE(r.ok()) << csv;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), field) << r.status().message();
  EXPECT_NE(r.status().message().find(words), std::string::npos) << r.status().message();
}

TEST(BankCsv, NamesTheLineOfEachError) {
  const std::string h = "hash,quality,bank,label\n";
  ExpectError("", "line 1", "empty");
  ExpectError("quality,hash,bank,label\n", "line 1", "header");
  ExpectError(h + kHash + ",100,b,ok\n" + kHash.substr(1) + ",100,b,x\n", "line 3",
              "hash: 63 characters");
  ExpectError(h + std::string(64, 'g') + ",100,b,x\n", "line 2", "not hexadecimal");
  ExpectError(h + kHash + ",101,b,x\n", "line 2", "quality");
  ExpectError(h + kHash + ",9x,b,x\n", "line 2", "quality");
  ExpectError(h + kHash + ",,b,x\n", "line 2", "quality");
  ExpectError(h + kHash + ",100,bad bank,x\n", "line 2", "bank");
  ExpectError(h + kHash + ",100,b\n", "line 2", "at least 4 fields");
  ExpectError(h + kHash + ",100,b," + std::string(501, 'x') + "\n", "line 2", "label");
  ExpectError(h + kHash + ",100,b,\"unterminated\n", "line 2", "line 2");
  ExpectError("hash,quality,bank,label,rights_holder,rights_holder\n", "line 1", "twice");
}

TEST(BankCsv, BankIds) {
  EXPECT_TRUE(IsBankId("reference:org_1"));
  EXPECT_TRUE(IsBankId("acg-watch.2026"));
  EXPECT_FALSE(IsBankId(""));
  EXPECT_FALSE(IsBankId("a b"));
  EXPECT_FALSE(IsBankId("a/b"));
  EXPECT_FALSE(IsBankId(std::string(101, 'a')));
}

}  // namespace
}  // namespace counterfoil::imaging
