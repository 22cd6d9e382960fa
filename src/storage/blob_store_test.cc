// Tests for the content-addressed blob store: bytes come back as stored,
// the name is the SHA-256, storing twice is harmless, and bad digests and
// I/O failures come back as Status values rather than exceptions.
#include "storage/blob_store.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto.h"

namespace counterfoil::storage {
namespace {

namespace fs = std::filesystem;

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = fs::temp_directory_path() / ("cf_blob_test_" + RandomHex(8));
    ASSERT_TRUE(fs::create_directories(dir_));
    root_ = (dir_ / "blobs").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Every regular file under the root, relative to it.
  std::vector<std::string> FilesUnderRoot() const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root_))
      if (e.is_regular_file()) out.push_back(fs::relative(e.path(), root_).string());
    return out;
  }

  fs::path dir_;
  std::string root_;
};

TEST_F(BlobStoreTest, InitCreatesTheRootFolder) {
  BlobStore blobs(root_);
  ASSERT_TRUE(blobs.Init().ok());
  EXPECT_TRUE(fs::is_directory(root_));
  EXPECT_TRUE(blobs.Init().ok()) << "Init must be idempotent";
}

TEST_F(BlobStoreTest, GetReturnsTheBytesPutStored) {
  BlobStore blobs(root_);
  ASSERT_TRUE(blobs.Init().ok());
  std::string bytes("%PDF-1.7\n\0\x01\xff binary \r\n", 22);
  auto sha = blobs.Put(bytes);
  ASSERT_TRUE(sha.ok()) << sha.status().ToString();
  auto back = blobs.Get(*sha);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, bytes);
  EXPECT_TRUE(blobs.Exists(*sha));
}

TEST_F(BlobStoreTest, StoresAnEmptyBlob) {
  BlobStore blobs(root_);
  ASSERT_TRUE(blobs.Init().ok());
  auto sha = blobs.Put("");
  ASSERT_TRUE(sha.ok());
  EXPECT_EQ(*sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  auto back = blobs.Get(*sha);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "");
}

TEST_F(BlobStoreTest, DigestIsLowerCaseHexSha256) {
  BlobStore blobs(root_);
  ASSERT_TRUE(blobs.Init().ok());
  auto sha = blobs.Put("abc");
  ASSERT_TRUE(sha.ok());
  // FIPS 180-2 test vector.
  EXPECT_EQ(*sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string big(100000, 'x');
  auto big_sha = blobs.Put(big);
  ASSERT_TRUE(big_sha.ok());
  EXPECT_EQ(*big_sha, Sha256Hex(big));
  EXPECT_TRUE(BlobStore::IsDigest(*big_sha));
}

TEST_F(BlobStoreTest, FilesLandUnderTwoLevelsOfDigestPrefix) {
  BlobStore blobs(root_);
  ASSERT_TRUE(blobs.Init().ok());
  auto sha = blobs.Put("abc");
  ASSERT_TRUE(sha.ok());
  fs::path expected = fs::path(root_) / "ba" / "78" / *sha;
  EXPECT_TRUE(fs::is_regular_file(expected)) << expected;
  EXPECT_EQ(FilesUnderRoot(), std::vector<std::string>{"ba/78/" + *sha});
}

TEST_F(BlobStoreTest, PutOfTheSameBytesTwiceKeepsOneFile) {
  BlobStore blobs(root_);
  ASSERT_TRUE(blobs.Init().ok());
  auto a = blobs.Put("certificate");
  auto b = blobs.Put("certificate");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(FilesUnderRoot().size(), 1u) << "no second copy and no temporary file left behind";
  EXPECT_EQ(*blobs.Get(*a), "certificate");
}

TEST_F(BlobStoreTest, ConcurrentPutsOfTheSameBytesAgree) {
  BlobStore blobs(root_);
  ASSERT_TRUE(blobs.Init().ok());
  const std::string bytes(64 * 1024, 'p');
  std::vector<std::string> digests(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < digests.size(); ++i) {
    threads.emplace_back([&, i] {
      auto r = blobs.Put(bytes);
      digests[i] = r.ok() ? *r : r.status().ToString();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& d : digests) EXPECT_EQ(d, Sha256Hex(bytes));
  EXPECT_EQ(FilesUnderRoot().size(), 1u);
  EXPECT_EQ(*blobs.Get(Sha256Hex(bytes)), bytes);
}

TEST_F(BlobStoreTest, GetOfAnUnknownDigestIsNotFound) {
  BlobStore blobs(root_);
  ASSERT_TRUE(blobs.Init().ok());
  std::string unknown = Sha256Hex("never stored");
  auto r = blobs.Get(unknown);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(blobs.Exists(unknown));
}

TEST_F(BlobStoreTest, MalformedDigestIsInvalidArgument) {
  BlobStore blobs(root_);
  ASSERT_TRUE(blobs.Init().ok());
  auto sha = blobs.Put("abc");
  ASSERT_TRUE(sha.ok());
  std::string upper = *sha;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::vector<std::string> bad = {
      "",
      "abc",
      sha->substr(0, 63),
      *sha + "0",
      upper,
      "../../../../../../../../../../../../../../../../../../../etc/passwd",
      std::string(62, '0') + "/x",
      std::string(64, 'g'),
  };
  for (const auto& d : bad) {
    auto r = blobs.Get(d);
    ASSERT_FALSE(r.ok()) << d;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << d;
    EXPECT_FALSE(blobs.Exists(d)) << d;
    EXPECT_FALSE(BlobStore::IsDigest(d)) << d;
  }
}

TEST_F(BlobStoreTest, PutIsUnavailableWhenTheFolderCannotBeCreated) {
  // The root sits below a regular file, so no folder can be made there.
  std::string file = (dir_ / "not_a_folder").string();
  { std::ofstream(file) << "x"; }
  BlobStore blobs(file + "/blobs");
  Status init = blobs.Init();
  EXPECT_EQ(init.code(), StatusCode::kUnavailable);
  auto r = blobs.Put("abc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

TEST_F(BlobStoreTest, FilesystemErrorsAreStatusesNotExceptions) {
  // A symlink loop makes stat() fail with ELOOP, which the throwing overloads
  // of std::filesystem turn into an exception.
  BlobStore blobs(root_);
  ASSERT_TRUE(blobs.Init().ok());
  fs::create_symlink("ba", fs::path(root_) / "ba");
  std::string sha = Sha256Hex("abc");  // ba78…
  Result<std::string> put = Status(StatusCode::kInternal, "not run");
  bool exists = true;
  Result<std::string> get = Status(StatusCode::kInternal, "not run");
  ASSERT_NO_THROW(put = blobs.Put("abc"));
  EXPECT_EQ(put.status().code(), StatusCode::kUnavailable) << put.status().ToString();
  ASSERT_NO_THROW(exists = blobs.Exists(sha));
  EXPECT_FALSE(exists);
  ASSERT_NO_THROW(get = blobs.Get(sha));
  EXPECT_FALSE(get.ok());
}

}  // namespace
}  // namespace counterfoil::storage
