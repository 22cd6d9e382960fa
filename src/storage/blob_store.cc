#include "storage/blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.h"

namespace counterfoil::storage {

namespace fs = std::filesystem;

BlobStore::BlobStore(std::string root) : root_(std::move(root)) {}

Status BlobStore::Init() {
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec) return Unavailable("cannot create blob folder " + root_ + ": " + ec.message());
  return Status::Ok();
}

bool BlobStore::IsDigest(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string BlobStore::PathFor(std::string_view sha) const {
  return root_ + "/" + std::string(sha.substr(0, 2)) + "/" + std::string(sha.substr(2, 2)) + "/" +
         std::string(sha);
}

static Status FsyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return Unavailable("cannot open " + path + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Unavailable("fsync " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

// std::filesystem's throwing overloads are not used here: a stat() failure
// other than "no such file" (EACCES, ELOOP, EIO…) would escape as
// filesystem_error, and no exception may cross the module boundary.

Result<std::string> BlobStore::Put(std::string_view bytes) {
  std::string sha = Sha256Hex(bytes);
  std::string path = PathFor(sha);
  std::error_code ec;
  if (fs::exists(path, ec)) return sha;
  if (ec) return Unavailable("cannot check blob " + sha + ": " + ec.message());
  std::string dir = fs::path(path).parent_path();
  fs::create_directories(dir, ec);
  if (ec) return Unavailable("cannot create " + dir + ": " + ec.message());
  std::string tmp = path + ".tmp." + RandomHex(6);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) return Unavailable("cannot write blob: " + std::string(std::strerror(errno)));
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string err = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return Unavailable("cannot write blob: " + err);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    std::string err = std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return Unavailable("fsync blob: " + err);
  }
  ::close(fd);
  fs::rename(tmp, path, ec);
  if (ec) {
    ::unlink(tmp.c_str());
    return Unavailable("cannot store blob: " + ec.message());
  }
  RETURN_IF_ERROR(FsyncPath(dir, O_RDONLY | O_DIRECTORY));
  return sha;
}

Result<std::string> BlobStore::Get(std::string_view sha) const {
  if (!IsDigest(sha)) return InvalidArgument("not a SHA-256 digest", "sha256");
  std::ifstream in(PathFor(sha), std::ios::binary);
  if (!in) return NotFound("no blob " + std::string(sha));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool BlobStore::Exists(std::string_view sha) const {
  std::error_code ec;
  return IsDigest(sha) && fs::exists(PathFor(sha), ec) && !ec;
}

}  // namespace counterfoil::storage
