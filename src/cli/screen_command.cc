#include "cli/screen_command.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "cli/screen_photos.h"
#include "common/clock.h"
#include "screening/catalogue_json.h"
#include "screening/engine.h"
#include "service/context.h"
#include "service/photos.h"
#include "service/screening.h"
#include "service/screening_catalogue.h"
#include "storage/blob_store.h"
#include "storage/store.h"

namespace counterfoil::cli {

namespace {

void Say(const std::string& line) {
  std::string s = line;
  s.push_back('\n');
  std::fwrite(s.data(), 1, s.size(), stderr);
}

// "FILE: message (field)", or without the field when there is none.
std::string Located(const std::string& where, const Status& s) {
  std::string out = where + ": " + s.message();
  if (!s.field().empty()) out += " (" + s.field() + ")";
  return out;
}

// The bytes of a file: mapped when it is a regular file, read whole otherwise
// (a pipe, standard input).
class InputBytes {
 public:
  InputBytes() = default;
  InputBytes(const InputBytes&) = delete;
  InputBytes& operator=(const InputBytes&) = delete;
  ~InputBytes() {
    if (map_) munmap(map_, map_size_);
  }

  Status Open(const std::string& path) {
    int fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NotFound(path + ": cannot open: " + std::strerror(errno));
    Status s = Load(fd, path);
    if (fd != STDIN_FILENO) ::close(fd);
    return s;
  }

  std::string_view bytes() const { return bytes_; }

 private:
  Status Load(int fd, const std::string& path) {
    struct stat st;
    if (fstat(fd, &st) != 0) return Unavailable(path + ": " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) return InvalidArgument(path + ": is a directory");
    if (S_ISREG(st.st_mode)) {
      if (st.st_size == 0) return Status::Ok();
      void* m = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (m != MAP_FAILED) {
        map_ = m;
        map_size_ = static_cast<size_t>(st.st_size);
        madvise(map_, map_size_, MADV_SEQUENTIAL);
        bytes_ = std::string_view(static_cast<const char*>(map_), map_size_);
        return Status::Ok();
      }
    }
    constexpr size_t kBlock = 1 << 20;
    while (true) {
      size_t have = copy_.size();
      copy_.resize(have + kBlock);
      ssize_t n = ::read(fd, copy_.data() + have, kBlock);
      if (n < 0 && errno == EINTR) {
        copy_.resize(have);
        continue;
      }
      if (n < 0) return Unavailable(path + ": read failed: " + std::strerror(errno));
      copy_.resize(have + static_cast<size_t>(n));
      if (n == 0) break;
    }
    bytes_ = copy_;
    return Status::Ok();
  }

  void* map_ = nullptr;
  size_t map_size_ = 0;
  std::string copy_;
  std::string_view bytes_;
};

// Writes everything or reports why not.
class Output {
 public:
  ~Output() {
    if (fd_ > STDERR_FILENO) ::close(fd_);
  }
  Status Open(const std::string& path) {
    path_ = path.empty() ? "standard output" : path;
    if (path.empty()) {
      fd_ = STDOUT_FILENO;
      return Status::Ok();
    }
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return Unavailable(path + ": cannot write: " + std::strerror(errno));
    return Status::Ok();
  }
  Status Write(std::string_view s) {
    while (!s.empty()) {
      ssize_t n = ::write(fd_, s.data(), s.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Unavailable(path_ + ": write failed: " + std::strerror(errno));
      s.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }
  Status Close() {
    if (fd_ > STDERR_FILENO) {
      int rc = ::close(fd_);
      fd_ = -1;
      if (rc != 0) return Unavailable(path_ + ": write failed: " + std::strerror(errno));
    }
    return Status::Ok();
  }

 private:
  int fd_ = -1;
  std::string path_;
};

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The rights holder a compile error's pointer ("/rights_holders/3/...") names.
std::string HolderHint(const screening::Catalogue& c, const std::string& field) {
  constexpr std::string_view kPrefix = "/rights_holders/";
  if (field.rfind(kPrefix, 0) != 0) return "";
  size_t i = 0;
  size_t pos = kPrefix.size();
  if (pos >= field.size() || !std::isdigit(static_cast<unsigned char>(field[pos]))) return "";
  while (pos < field.size() && std::isdigit(static_cast<unsigned char>(field[pos])))
    i = i * 10 + static_cast<size_t>(field[pos++] - '0');
  if (i >= c.rights_holders.size()) return "";
  return " [rights holder " + c.rights_holders[i].id + "]";
}

// ------------------------------------------------------------ the catalogue

// Screening contexts from a server's data directory: the thresholds and
// seller histories are read once per (marketplace, seller) and shared by the
// screening threads.
class StoredContexts {
 public:
  StoredContexts(const std::string& data_dir, std::unique_ptr<storage::Store> store,
                 const service::Config& config)
      : data_dir_(data_dir),
        store_(std::move(store)),
        blobs_((std::filesystem::path(data_dir) / "blobs").string()),
        ctx_(*store_, blobs_, *SystemClock::Default(), config) {}

  storage::Store& store() { return *store_; }
  screening::StayDownBank& stay_down() { return stay_down_; }

  // The context for a listing; `warning` is set the first time a listing
  // names a marketplace that is not in the data directory.
  Result<screening::ScreenContext> For(const std::string& marketplace, const std::string& seller,
                                       std::string* warning) {
    auto key = std::make_pair(marketplace, seller);
    {
      std::lock_guard lock(mu_);
      if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    }
    screening::ScreenContext sc;
    bool known = true;
    Status s = store_->Read([&](storage::Tx& tx) -> Status {
      if (!marketplace.empty()) {
        ASSIGN_OR_RETURN(auto m, tx.marketplaces().Find(marketplace));
        known = m.has_value();
      }
      ASSIGN_OR_RETURN(sc, service::ScreenContextInTx(tx, ctx_, marketplace, seller));
      return Status::Ok();
    });
    if (!s.ok()) return Unavailable(data_dir_ + ": " + s.message());
    sc.stay_down = &stay_down_;
    std::lock_guard lock(mu_);
    if (!known && warned_.insert(marketplace).second)
      *warning = "marketplace \"" + marketplace + "\" is not in " + data_dir_ +
                 ": its listings are screened with the configuration's thresholds and no "
                 "seller history";
    return cache_.emplace(std::move(key), sc).first->second;
  }

  // A reviewer's clearance of this very content, as the server weighs it
  // (service::ApplyClearanceInTx); read only for verdicts that are not allow.
  Status ApplyClearance(const screening::Listing& listing, screening::Verdict& v) {
    if (v.decision == screening::Decision::kAllow) return Status::Ok();
    Status s = store_->Read(
        [&](storage::Tx& tx) { return service::ApplyClearanceInTx(tx, listing, v); });
    if (!s.ok()) return Unavailable(data_dir_ + ": " + s.message());
    return Status::Ok();
  }

 private:
  const std::string data_dir_;
  std::unique_ptr<storage::Store> store_;
  storage::BlobStore blobs_;
  service::ServiceContext ctx_;
  screening::StayDownBank stay_down_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, screening::ScreenContext> cache_;  // GUARDED_BY(mu_)
  std::set<std::string> warned_;                                                   // GUARDED_BY(mu_)
};

struct LoadedCatalogue {
  screening::Catalogue catalogue;
  std::string source;  // the file or data directory, for messages
  // Reference photos (and, from a data directory, every stored bank).
  std::unique_ptr<imaging::PhotoBanks> banks = std::make_unique<imaging::PhotoBanks>();
  std::vector<std::string> warnings;
  // From a data directory: seller histories, thresholds, the stay-down bank.
  std::unique_ptr<StoredContexts> contexts;
};

Result<LoadedCatalogue> LoadCatalogue(const ScreenOptions& o) {
  LoadedCatalogue out;
  if (!o.catalog_file.empty()) {
    out.source = o.catalog_file;
    InputBytes file;
    RETURN_IF_ERROR(file.Open(o.catalog_file));
    Result<screening::Catalogue> c = screening::ParseCatalogueJson(file.bytes());
    if (!c.ok()) return InvalidArgument(Located(o.catalog_file, c.status()));
    out.catalogue = std::move(*c);
    RETURN_IF_ERROR(
        LoadCatalogueReferences(o.catalog_file, file.bytes(), out.banks.get(), &out.warnings)
            .status());
    return out;
  }
  out.source = o.data_dir;
  std::string db = (std::filesystem::path(o.data_dir) / "counterfoil.db").string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(db, ec))
    return NotFound(o.data_dir + ": no Counterfoil database here (" + db +
                    "); give the server's data directory, or --catalog FILE");
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store,
                   storage::OpenSqliteStore({.path = db, .reader_connections = 2}));
  out.contexts = std::make_unique<StoredContexts>(o.data_dir, std::move(store), o.config);
  Status s = out.contexts->store().Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out.catalogue, service::LoadScreeningCatalogue(tx));
    RETURN_IF_ERROR(service::LoadPhotoBanks(tx, *out.banks).status());
    RETURN_IF_ERROR(service::LoadStayDownBank(tx, out.contexts->stay_down()));
    storage::BlobStore blobs((std::filesystem::path(o.data_dir) / "blobs").string());
    return service::AddUnstoredReferences(tx, blobs, *out.banks).status();
  });
  if (!s.ok()) return Unavailable(o.data_dir + ": " + s.message());
  return out;
}

// --------------------------------------------------------------- screening

struct LineError {
  size_t line;  // within the chunk, from 1
  Status status;
};

struct LineWarning {
  size_t line;  // within the chunk, from 1
  std::string message;
};

struct ChunkResult {
  std::string verdicts;
  std::vector<LineError> errors;
  std::vector<LineWarning> warnings;  // photos that could not be read
  size_t lines = 0;              // lines in the chunk, blank ones included
  size_t counts[3] = {0, 0, 0};  // by Decision
  Status failure;                // the data directory could not be read: stop
  bool done = false;
};

// Cuts `text` into chunks of whole lines of about `target` bytes.
std::vector<std::pair<size_t, size_t>> Chunks(std::string_view text, size_t target) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = pos + target;
    if (end >= text.size()) {
      end = text.size();
    } else {
      size_t nl = text.find('\n', end);
      end = nl == std::string_view::npos ? text.size() : nl + 1;
    }
    out.emplace_back(pos, end);
    pos = end;
  }
  return out;
}

// Listing photos: matched against the banks before screening.
struct Photos {
  const imaging::PhotoBanks* banks = nullptr;
  std::string base_dir;  // image paths are relative to the listings file
};

// `contexts` is null with --catalog: no seller history, default thresholds.
void ScreenChunk(const screening::RuleSet& rules, const Photos& photos, StoredContexts* contexts,
                 std::string_view chunk, ChunkResult* r) {
  const screening::ScreenContext no_history;
  r->verdicts.reserve(chunk.size() / 2);
  size_t pos = 0;
  while (pos < chunk.size()) {
    size_t nl = chunk.find('\n', pos);
    size_t end = nl == std::string_view::npos ? chunk.size() : nl;
    std::string_view line = chunk.substr(pos, end - pos);
    pos = end + 1;
    ++r->lines;
    if (IsBlank(line)) continue;
    Result<screening::Listing> listing = screening::ParseListingJson(line);
    if (!listing.ok()) {
      r->errors.push_back({r->lines, listing.status()});
      continue;
    }
    if (photos.banks != nullptr && !listing->images.empty()) {
      std::vector<std::string> problems;
      MatchListingPhotos(*photos.banks, photos.base_dir, &*listing, &problems);
      for (std::string& p : problems) r->warnings.push_back({r->lines, std::move(p)});
    }
    Result<screening::ScreenContext> context = no_history;
    if (contexts != nullptr) {
      std::string warning;
      context = contexts->For(listing->marketplace, listing->seller_id, &warning);
      if (!warning.empty()) r->warnings.push_back({r->lines, std::move(warning)});
      if (!context.ok()) {
        r->failure = context.status();
        return;
      }
    }
    screening::Verdict v = rules.Screen(*listing, *context);
    if (contexts != nullptr) {
      if (Status s = contexts->ApplyClearance(*listing, v); !s.ok()) {
        r->failure = std::move(s);
        return;
      }
    }
    ++r->counts[static_cast<int>(v.decision)];
    screening::AppendVerdictJson(v, &r->verdicts);
  }
}

std::string WithThousands(size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

// "1 line", "2 lines", "1,000 lines".
std::string Count(size_t n, std::string_view noun) {
  return WithThousands(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

}  // namespace

int RunScreen(const ScreenOptions& o) {
  if (o.catalog_file.empty() == o.data_dir.empty()) {
    Say("counterfoil screen: give either --catalog FILE or --data DIR (the data registered in a "
        "server's data directory)");
    return kScreenFailed;
  }
  auto started = std::chrono::steady_clock::now();

  // Refuse to truncate the input by writing the verdicts over it.
  if (!o.output.empty() && o.input != "-") {
    std::error_code ec;
    if (std::filesystem::exists(o.output, ec) &&
        std::filesystem::equivalent(o.output, o.input, ec)) {
      Say("counterfoil screen: --output " + o.output + " is the input file");
      return kScreenFailed;
    }
  }

  Result<LoadedCatalogue> loaded = LoadCatalogue(o);
  if (!loaded.ok()) {
    Say("counterfoil screen: " + loaded.status().message());
    return kScreenFailed;
  }
  Result<std::shared_ptr<const screening::RuleSet>> compiled =
      screening::RuleSet::Compile(loaded->catalogue);
  if (!compiled.ok()) {
    Say("counterfoil screen: " + Located(loaded->source, compiled.status()) +
        HolderHint(loaded->catalogue, compiled.status().field()));
    return kScreenFailed;
  }
  std::shared_ptr<const screening::RuleSet> rules = std::move(*compiled);
  for (const std::string& w : loaded->warnings) Say("counterfoil screen: " + w);
  Photos photos;
  photos.banks = loaded->banks.get();
  if (o.input != "-") photos.base_dir = std::filesystem::path(o.input).parent_path().string();
  auto compiled_at = std::chrono::steady_clock::now();

  InputBytes input;
  if (Status s = input.Open(o.input); !s.ok()) {
    Say("counterfoil screen: " + s.message());
    return kScreenFailed;
  }
  std::string_view text = input.bytes();
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.remove_prefix(3);  // BOM
  Output out;
  if (Status s = out.Open(o.output); !s.ok()) {
    Say("counterfoil screen: " + s.message());
    return kScreenFailed;
  }

  size_t threads = o.threads > 0 ? static_cast<size_t>(o.threads)
                                 : std::max(1u, std::thread::hardware_concurrency());
  // Enough chunks per thread to balance the load, big enough that the
  // hand-over costs nothing next to screening them.
  size_t target = std::clamp<size_t>(text.size() / (threads * 16), 64 << 10, 4 << 20);
  std::vector<std::pair<size_t, size_t>> chunks = Chunks(text, target);
  threads = std::max<size_t>(1, std::min(threads, chunks.size()));
  const size_t window = threads * 4;  // chunks screened ahead of the writer, at most

  std::vector<ChunkResult> results(chunks.size());
  std::mutex mu;
  std::condition_variable cv;
  size_t next = 0;     // GUARDED_BY(mu): the next chunk to screen
  size_t written = 0;  // GUARDED_BY(mu): chunks written out
  bool stop = false;   // GUARDED_BY(mu): the writer failed

  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (true) {
        size_t k;
        {
          std::unique_lock lock(mu);
          cv.wait(lock, [&] { return stop || next >= chunks.size() || next < written + window; });
          if (stop || next >= chunks.size()) return;
          k = next++;
        }
        ChunkResult r;
        ScreenChunk(*rules, photos, loaded->contexts.get(),
                    text.substr(chunks[k].first, chunks[k].second - chunks[k].first), &r);
        {
          std::lock_guard lock(mu);
          results[k] = std::move(r);
          results[k].done = true;
        }
        cv.notify_all();
      }
    });
  }

  const std::string input_name = o.input == "-" ? "<stdin>" : o.input;
  size_t lines_before = 0, rejected = 0;
  size_t counts[3] = {0, 0, 0};
  Status write_status;
  for (size_t k = 0; k < chunks.size() && write_status.ok(); ++k) {
    ChunkResult r;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return results[k].done; });
      r = std::move(results[k]);
      results[k] = ChunkResult();
    }
    write_status = r.failure.ok() ? out.Write(r.verdicts) : r.failure;
    std::string report;
    for (const LineError& e : r.errors)
      report += Located(input_name + ":" + std::to_string(lines_before + e.line), e.status) + "\n";
    for (const LineWarning& w : r.warnings)
      report += input_name + ":" + std::to_string(lines_before + w.line) + ": warning: " +
                w.message + "\n";
    if (!report.empty()) std::fwrite(report.data(), 1, report.size(), stderr);
    rejected += r.errors.size();
    lines_before += r.lines;
    for (int d = 0; d < 3; ++d) counts[d] += r.counts[d];
    {
      std::lock_guard lock(mu);
      written = k + 1;
      if (!write_status.ok()) stop = true;
    }
    cv.notify_all();
  }
  for (std::thread& w : workers) w.join();
  if (write_status.ok()) write_status = out.Close();
  if (!write_status.ok()) {
    Say("counterfoil screen: " + write_status.message());
    return kScreenFailed;
  }

  auto finished = std::chrono::steady_clock::now();
  double compile_s = std::chrono::duration<double>(compiled_at - started).count();
  double screen_s = std::chrono::duration<double>(finished - compiled_at).count();
  size_t screened = counts[0] + counts[1] + counts[2];
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.2f s, %s listings/s", screen_s,
                WithThousands(screen_s > 0 ? static_cast<size_t>(screened / screen_s) : 0).c_str());
  char compile[32];
  std::snprintf(compile, sizeof compile, "%.2f s", compile_s);
  using screening::Decision;
  Say("counterfoil screen: " + Count(screened, "listing") + " screened (" +
      WithThousands(counts[static_cast<int>(Decision::kBlock)]) + " block, " +
      WithThousands(counts[static_cast<int>(Decision::kReview)]) + " review, " +
      WithThousands(counts[static_cast<int>(Decision::kAllow)]) + " allow), " +
      Count(rejected, "line") + " rejected; " + rate + " on " + Count(threads, "thread") +
      "; rules from " + loaded->source + " (" +
      Count(rules->rights_holder_count(), "rights holder") + ", " +
      Count(rules->pattern_count(), "pattern") + ", " +
      WithThousands(loaded->banks->size()) + " photo hash" +
      (loaded->banks->size() == 1 ? "" : "es") + ", loaded in " + compile + ")");
  return rejected == 0 ? kScreenOk : kScreenLinesRejected;
}

}  // namespace counterfoil::cli
