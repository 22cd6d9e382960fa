// A content-addressed store for documents (certificates, evidence, listing
// photos, uploaded CSV files): each blob is a file named by its SHA-256
// under <data>/blobs/ab/cd/abcd…, written to a temporary file, fsync'd and
// renamed, so a blob that Put() acknowledged survives a crash.
//
//   BlobStore blobs(data_dir + "/blobs");
//   ASSIGN_OR_RETURN(std::string sha, blobs.Put(pdf_bytes));
//   ASSIGN_OR_RETURN(std::string bytes, blobs.Get(sha));
//
// Who may read a blob is recorded separately (Tx::PutBlobRef).
// Thread-safe: concurrent Put of the same content is harmless.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace counterfoil::storage {

class BlobStore {
 public:
  explicit BlobStore(std::string root);
  // Creates the root folder. kUnavailable if it cannot.
  Status Init();
  // Stores bytes; returns the lower-case hex SHA-256. kUnavailable on I/O errors.
  Result<std::string> Put(std::string_view bytes);
  // kNotFound for an unknown digest, kInvalidArgument for a malformed one.
  Result<std::string> Get(std::string_view sha256) const;
  bool Exists(std::string_view sha256) const;
  static bool IsDigest(std::string_view s);

 private:
  std::string PathFor(std::string_view sha256) const;
  std::string root_;
};

}  // namespace counterfoil::storage
