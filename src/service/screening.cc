#include "service/screening.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/crypto.h"
#include "common/ids.h"
#include "screening/catalogue_json.h"
#include "service/photos.h"
#include "service/screening_catalogue.h"

namespace counterfoil::service {

using domain::HitStatus;
using domain::Listing;
using domain::ListingStatus;
using domain::Marketplace;
using domain::Role;
using domain::ScreeningHit;
using storage::Filter;
using storage::Tx;
using storage::Value;

namespace {

constexpr char kRescreenKind[] = "screening_rescreen";

std::string Truncate(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return s.substr(0, cut) + "…";
}

std::string Score(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", d);
  return buf;
}

// The rights holders whose rules fired (reasons that raised the score), in
// the order the engine gave them.
std::vector<std::string> RightsHoldersOf(const domain::ScreeningVerdict& v) {
  std::vector<std::string> out;
  for (const auto& r : v.reasons) {
    if (r.weight <= 0 || r.rights_holder.empty()) continue;
    if (std::find(out.begin(), out.end(), r.rights_holder) == out.end())
      out.push_back(r.rights_holder);
  }
  return out;
}

// The original decision a stay_down reason links to.
// Whether `v` holds evidence that `c` did not weigh: a reason that adds to
// the score and was not among the cleared ones. The seller's history is
// context, not evidence about this content: strikes earned elsewhere since
// do not reopen a decision about it.
bool HasNewEvidence(const domain::ScreeningVerdict& v, const domain::ScreeningClearance& c) {
  for (const auto& r : v.reasons) {
    if (r.weight <= 0 || r.code == "seller_history") continue;
    if (std::find(c.reasons.begin(), c.reasons.end(), domain::ScreeningReasonKey(r)) ==
        c.reasons.end())
      return true;
  }
  return false;
}

// The clearance a person's decision on `hit` gives its listing `l`, if the
// listing still shows what the hit was about.
std::optional<domain::ScreeningClearance> ClearanceOf(const ScreeningHit& hit, const Listing& l,
                                                      const std::string& decided_by,
                                                      std::string why, Timestamp at) {
  std::string content = hit.verdict.content;
  if (content.empty()) {
    // A hit stored before verdicts carried their content: only the listing
    // version it was raised on is known to be what was judged.
    if (l.version != hit.listing_version) return std::nullopt;
    content = domain::ListingContentDigest(l);
  }
  domain::ScreeningClearance c;
  c.content = std::move(content);
  for (const auto& r : hit.verdict.reasons) c.reasons.push_back(domain::ScreeningReasonKey(r));
  c.hit_id = hit.id;
  c.decided_by = decided_by;
  c.why = std::move(why);
  c.at = at;
  return c;
}

std::string StayDownSourceOf(const domain::ScreeningVerdict& v) {
  for (const auto& r : v.reasons)
    if (r.code == "stay_down") return r.ref;
  return {};
}

// ---- the on-disk cache of compiled databases

// RuleSet::Key() is a hex digest; anything else is not used as a file name.
bool IsSafeFileKey(const std::string& key) {
  if (key.empty() || key.size() > 128) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
           c == '_';
  });
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `bytes` to dir/name so that a crash leaves either the old file or
// the whole new one: a temporary file, fsync, rename, fsync of the directory.
Status WriteFileAtomically(const std::string& dir, const std::string& name,
                           std::string_view bytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Unavailable("cannot create " + dir + ": " + ec.message());
  std::string tmp = dir + "/." + name + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Unavailable("cannot write " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string err = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return Unavailable("cannot write " + tmp + ": " + err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Unavailable("cannot sync " + tmp);
  }
  std::string path = dir + "/" + name;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Unavailable("cannot rename " + tmp + ": " + err);
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

// Removes cached databases other than `keep` (rule sets no longer in use).
void PruneCache(const std::string& dir, const std::string& keep) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name != keep && e.path().extension() == ".hsdb") std::filesystem::remove(e.path(), ec);
  }
}

// An id of `prefix` that sorts after `last`: ids embed the time in
// milliseconds but are random below it, so two made in the same millisecond
// (or under a clock that stands still) need the ULID rule for monotonic ids:
// increment the previous one. The latest re-screening job is found by this
// order.
std::string IdAfter(std::string_view prefix, Timestamp now, const std::string& last) {
  static constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  std::string id = NewId(prefix, now);
  if (last.empty() || id > last || last.size() != id.size()) return id;
  std::string next = last;
  for (size_t i = next.size(); i-- > prefix.size() + 1;) {
    size_t d = kAlphabet.find(next[i]);
    if (d + 1 < kAlphabet.size()) {
      next[i] = kAlphabet[d + 1];
      return next;
    }
    next[i] = kAlphabet[0];
  }
  return id;  // 2^128 ids in one millisecond: cannot happen
}

void AppendField(std::string& out, std::string_view s) {
  out += s;
  out += '\x1f';
}

}  // namespace

// ------------------------------------------------------------------ conversions

screening::Listing ToEngineListing(const Listing& l) {
  screening::Listing e;
  e.id = l.id;
  e.marketplace = l.marketplace_id;
  e.seller_id = l.seller_id;
  e.title = l.title;
  e.description = l.description;
  e.category = l.category;
  // A price of 0 is how a listing without a price is stored.
  if (l.price > 0) e.price = screening::Money{l.price, l.currency};
  e.images = l.images;
  e.ship_from = l.ship_from;
  return e;
}

domain::ScreeningVerdict ToStoredVerdict(const screening::Verdict& v, std::string rule_set,
                                         Timestamp at) {
  domain::ScreeningVerdict out;
  out.decision = std::string(screening::DecisionName(v.decision));
  out.score = v.score;
  out.reasons.reserve(v.reasons.size());
  for (const auto& r : v.reasons)
    out.reasons.push_back({r.code, r.rights_holder, r.detail, r.evidence, r.ref, r.weight});
  out.rule_set = std::move(rule_set);
  out.screened_at = at;
  return out;
}

std::string CatalogueDigest(const screening::Catalogue& c) {
  std::string t = "engine\x1f" + screening::RuleSet::Key(c) + "\n";
  auto list = [&t](const std::vector<std::string>& v) {
    for (const auto& s : v) AppendField(t, s);
    t += '\x1e';
  };
  auto money = [&t](const std::optional<screening::Money>& m) {
    AppendField(t, m ? std::to_string(m->amount) + " " + m->currency : "-");
  };
  for (const auto& h : c.rights_holders) {
    t += "holder\x1f";
    AppendField(t, h.id);
    AppendField(t, h.name);
    AppendField(t, h.common_word ? "common" : "");
    list(h.brand_terms);
    list(h.categories);
    for (const auto& p : h.products) {
      AppendField(t, p.name);
      list(p.terms);
      money(p.msrp);
    }
    t += '\x1d';
    list(h.authorized_sellers);
    for (const auto& w : h.works) {
      AppendField(t, w.title);
      AppendField(t, w.isbn13);
      money(w.list_price);
    }
    t += '\x1d';
    list(h.isbn_prefixes);
    t += '\n';
  }
  for (const auto& b : c.category_bans) {
    t += "ban\x1f";
    AppendField(t, b.id);
    list(b.categories);
    list(b.terms);
    AppendField(t, b.reason);
    t += '\n';
  }
  t += "suspicious\x1f";
  list(c.suspicious_terms);
  t += "piracy\x1f";
  list(c.piracy_terms);
  return Sha256Hex(t).substr(0, 32);
}

// ------------------------------------------------------------------ lifecycle

ScreeningService::ScreeningService(ServiceContext& ctx, NoticeService& notices)
    : ctx_(ctx), notices_(notices) {}

Result<ScreeningService::Built> ScreeningService::Build(bool use_cache, double* seconds) {
  auto start = std::chrono::steady_clock::now();
  screening::Catalogue catalogue;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(catalogue, LoadScreeningCatalogue(tx));
    return Status::Ok();
  }));
  Built built;
  built.digest = CatalogueDigest(catalogue);
  if (photos_ != nullptr) {
    // Listings are screened again when reference or shared photos change.
    char banks[24];
    std::snprintf(banks, sizeof banks, "%016llx",
                  static_cast<unsigned long long>(photos_->banks().Digest()));
    built.digest = Sha256Hex(built.digest + "\x1fphotos\x1f" + banks).substr(0, 32);
  }
  const std::string dir = ctx_.config().data_dir + "/cache/screening";
  std::string key = screening::RuleSet::Key(catalogue);
  std::string cached;
  if (use_cache && IsSafeFileKey(key)) cached = ReadFileOrEmpty(dir + "/" + key + ".hsdb");
  screening::CompileOptions options;
  options.cached_database = cached;
  ASSIGN_OR_RETURN(built.rules, screening::RuleSet::Compile(catalogue, options));
  if (!built.rules->loaded_from_cache() && IsSafeFileKey(built.rules->key())) {
    std::string bytes = built.rules->SerializedDatabase();
    if (!bytes.empty()) {
      std::string name = built.rules->key() + ".hsdb";
      Status s = WriteFileAtomically(dir, name, bytes);
      if (s.ok())
        PruneCache(dir, name);
      else
        spdlog::warn("screening: the compiled rule set is not cached: {}", s.message());
    }
  }
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return built;
}

void ScreeningService::Swap(Built built, double seconds) {
  auto rules = built.rules;
  {
    std::lock_guard lock(mu_);
    digest_ = std::move(built.digest);
    built_at_ = ctx_.Now();
    build_seconds_ = seconds;
  }
  rules_.store(std::move(rules));
}

Status ScreeningService::Open() {
  double seconds = 0;
  auto built = Build(/*use_cache=*/true, &seconds);
  if (!built.ok()) {
    if (built.status().code() != StatusCode::kInvalidArgument) return built.status();
    // A catalogue the engine refuses must not stop the server: start with
    // no rules, say why in the status, and rebuild when the data changes.
    spdlog::error("screening: the protection data does not compile: {}", built.status().message());
    {
      std::lock_guard lock(mu_);
      last_error_ = built.status().message();
    }
    screening::Catalogue empty;
    ASSIGN_OR_RETURN(auto rules, screening::RuleSet::Compile(empty));
    built = Built{std::move(rules), CatalogueDigest(empty)};
  }
  spdlog::info("screening: rule set {} with {} patterns from {} rights holders ({} in {:.3f} s)",
               built->digest, built->rules->pattern_count(), built->rules->rights_holder_count(),
               built->rules->loaded_from_cache() ? "loaded from the cache" : "compiled", seconds);
  Swap(std::move(*built), seconds);

  // The stay-down bank lives in memory; its entries are stored.
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) { return LoadStayDownBank(tx, bank_); }));

  // Were the stored listings screened with these rules? The latest
  // re-screening job records the rule set they were last brought up to.
  std::string digest;
  {
    std::lock_guard lock(mu_);
    digest = digest_;
  }
  return ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto latest,
                     tx.jobs().First(Filter().Eq("kind", std::string(kRescreenKind)),
                                     {.order_by = {"created_at"}, .descending = true}));
    if (latest && GetString(latest->params, "rule_set") == digest) return Status::Ok();
    return QueueRescreenInTx(tx, "system",
                             latest ? "the protection data changed while the server was stopped"
                                    : "first start with proactive screening");
  });
}

void ScreeningService::MarkDirty() {
  dirty_.store(true);
  Wake();
}

Status ScreeningService::RebuildIfDirty() {
  {
    // `rebuilding` is set before `dirty` is cleared, so the status never
    // shows neither while a change waits to be built.
    std::lock_guard lock(mu_);
    rebuilding_ = true;
    if (!dirty_.exchange(false)) {
      rebuilding_ = false;
      return Status::Ok();
    }
  }
  const bool force = force_.exchange(false);
  const std::string by = "system";
  double seconds = 0;
  auto built = Build(/*use_cache=*/!force, &seconds);
  if (!built.ok()) {
    spdlog::error("screening: rebuild failed, the previous rule set stays: {}",
                  built.status().message());
    std::lock_guard lock(mu_);
    rebuilding_ = false;
    last_error_ = built.status().message();
    return built.status();
  }
  std::string before;
  {
    std::lock_guard lock(mu_);
    before = digest_;
  }
  Status s = Status::Ok();
  if (built->digest != before || force) {
    spdlog::info("screening: rule set {} swapped in ({} patterns, {:.3f} s)", built->digest,
                 built->rules->pattern_count(), seconds);
    Swap(std::move(*built), seconds);
    s = ctx_.store().Write([&](Tx& tx) {
      return QueueRescreenInTx(
          tx, by, force ? "rebuild requested by an operator" : "protection data changed");
    });
  }
  std::lock_guard lock(mu_);
  rebuilding_ = false;
  if (s.ok()) last_error_.clear();
  return s;
}

Status ScreeningService::QueueRescreenInTx(Tx& tx, const std::string& by, const std::string& why) {
  std::string digest;
  {
    std::lock_guard lock(mu_);
    digest = digest_;
  }
  Timestamp now = ctx_.Now();
  ASSIGN_OR_RETURN(auto latest, tx.jobs().First(Filter().Eq("kind", std::string(kRescreenKind)),
                                                {.order_by = {"created_at"}, .descending = true}));
  domain::Job job;
  job.id = IdAfter("job", now, latest ? latest->id : "");
  job.kind = kRescreenKind;
  job.created_by = by;
  job.created_at = now;
  job.params = {{"rule_set", digest}, {"reason", why}, {"cursor", ""},
                {"review", 0},        {"block", 0},    {"skipped", 0}};
  // An older re-screening is overtaken: the new one covers every listing.
  ASSIGN_OR_RETURN(auto pending,
                   tx.jobs().List(Filter()
                                      .Eq("kind", std::string(kRescreenKind))
                                      .In("state", {std::string("queued"), std::string("running")}),
                                  {.limit = 100}));
  for (auto& old : pending.items) {
    old.state = domain::JobState::kDone;
    old.params["superseded_by"] = job.id;
    old.finished_at = now;
    RETURN_IF_ERROR(tx.jobs().Update(old));
  }
  ASSIGN_OR_RETURN(job.total, tx.listings().Count({}));
  if (job.total == 0) {
    job.state = domain::JobState::kDone;
    job.finished_at = now;
  }
  RETURN_IF_ERROR(tx.jobs().Insert(job));
  if (job.total > 0 && waker_) tx.OnCommit(waker_);
  return ctx_.Record(tx, by, "screening.rescreen_queued", "job", job.id,
                     {{"rule_set", digest}, {"listings", job.total}, {"reason", why}});
}

void ScreeningService::RunPass(const std::function<bool()>& stop) {
  std::lock_guard pass(pass_mu_);
  Status s = RebuildIfDirty();
  if (!s.ok()) spdlog::error("screening rebuild: {}", s.ToString());
  s = RunRescreenJobs(stop);
  if (!s.ok()) spdlog::error("screening re-screen: {}", s.ToString());
}

Status ScreeningService::RunRescreenJobs(const std::function<bool()>& stop) {
  while (!(stop && stop())) {
    std::optional<domain::Job> next;
    RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(
          next, tx.jobs().First(Filter()
                                    .Eq("kind", std::string(kRescreenKind))
                                    .In("state", {std::string("queued"), std::string("running")}),
                                {.order_by = {"created_at"}}));
      return Status::Ok();
    }));
    if (!next) return Status::Ok();
    bool more = true;
    while (more && !(stop && stop())) {
      Status s = RescreenBatch(next->id, &more);
      if (!s.ok()) {
        // A batch that fails would fail again: stop the job and say why.
        spdlog::error("screening: re-screening job {} failed: {}", next->id, s.ToString());
        RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
          ASSIGN_OR_RETURN(domain::Job job, tx.jobs().Get(next->id));
          job.state = domain::JobState::kFailed;
          job.error = s.message();
          job.finished_at = ctx_.Now();
          return tx.jobs().Update(job);
        }));
        more = false;
      }
    }
  }
  return Status::Ok();
}

Status ScreeningService::RescreenBatch(const std::string& job_id, bool* more) {
  *more = false;
  std::string digest;
  {
    std::lock_guard lock(mu_);
    digest = digest_;
  }
  const int batch = std::max(1, ctx_.config().screening_rescreen_batch);
  return ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(domain::Job job, tx.jobs().Get(job_id));
    if (job.state != domain::JobState::kQueued && job.state != domain::JobState::kRunning)
      return Status::Ok();
    Timestamp now = ctx_.Now();
    if (GetString(job.params, "rule_set") != digest) {
      // Rules changed under it; the rebuild queued a newer job.
      job.state = domain::JobState::kDone;
      job.params["superseded_by"] = "rule set " + digest;
      job.finished_at = now;
      return tx.jobs().Update(job);
    }
    storage::PageRequest page{.after = GetString(job.params, "cursor"), .limit = batch};
    ASSIGN_OR_RETURN(auto listings, tx.listings().List({}, page));
    int64_t review = GetInt(job.params, "review"), block = GetInt(job.params, "block"),
            skipped = GetInt(job.params, "skipped");
    for (Listing& l : listings.items) {
      ++job.processed;
      // Offline listings wait until they are online again; listings pushed
      // since the swap were screened with these rules already.
      if (!domain::IsOnline(l.status) || (l.screening && l.screening->rule_set == digest)) {
        ++skipped;
        continue;
      }
      ListingStatus before = l.status;
      RETURN_IF_ERROR(ScreenAndActInTx(tx, "system", l, "rescreen"));
      if (l.status != before) {
        l.version += 1;
        l.updated_at = now;
      }
      RETURN_IF_ERROR(tx.listings().Update(l));
      ++job.succeeded;
      if (l.screening->decision == "review") ++review;
      if (l.screening->decision == "block") ++block;
    }
    job.params["review"] = review;
    job.params["block"] = block;
    job.params["skipped"] = skipped;
    job.params["cursor"] = listings.next_cursor;
    // Listings pushed while the job runs are screened at upsert; the total
    // grows with them so progress never passes 100%.
    job.total = std::max(job.total, job.processed);
    if (listings.next_cursor.empty()) {
      job.state = domain::JobState::kDone;
      job.finished_at = now;
      job.total = job.processed;
      RETURN_IF_ERROR(ctx_.Record(tx, "system", "screening.rescreen_done", "job", job.id,
                                  {{"rule_set", digest},
                                   {"screened", job.succeeded},
                                   {"review", review},
                                   {"block", block}}));
    } else {
      job.state = domain::JobState::kRunning;
      *more = true;
    }
    return tx.jobs().Update(job);
  });
}

// ------------------------------------------------------------------ screening

Result<screening::ScreenContext> ScreenContextInTx(Tx& tx, const ServiceContext& ctx,
                                                   const std::string& marketplace_id,
                                                   const std::string& seller_id) {
  screening::ScreenContext sc;
  domain::ScreeningThresholds t = ctx.DefaultScreeningThresholds();
  std::optional<Marketplace> m;
  if (!marketplace_id.empty()) {
    ASSIGN_OR_RETURN(m, tx.marketplaces().Find(marketplace_id));
  }
  if (m) t = ctx.ScreeningThresholdsFor(*m);
  sc.thresholds = {t.block, t.review};
  if (!m || seller_id.empty()) return sc;
  ASSIGN_OR_RETURN(auto seller, tx.sellers().Find(domain::SellerKey(m->id, seller_id)));
  if (!seller) return sc;
  screening::SellerHistory& h = sc.seller;
  h.suspended = seller->status == domain::SellerStatus::kSuspended;
  domain::RepeatInfringerPolicy policy = ctx.RepeatInfringerFor(*m);
  Filter strikes =
      Filter().Eq("seller_id", seller_id).Eq("marketplace_id", m->id).Eq("voided", int64_t{0});
  if (policy.strike_expiry_days > 0)
    strikes.Ge("at", FormatTime(ctx.Now() - std::chrono::days(policy.strike_expiry_days)));
  ASSIGN_OR_RETURN(int64_t active, tx.strikes().Count(strikes));
  ASSIGN_OR_RETURN(
      int64_t removed,
      tx.listings().Count(Filter()
                              .Eq("seller_id", seller_id)
                              .Eq("marketplace_id", m->id)
                              .In("status", {std::string("removed"), std::string("blocked")})));
  h.active_strikes = static_cast<int>(active);
  h.earlier_removals = static_cast<int>(removed);
  return sc;
}

Status ApplyClearanceInTx(Tx& tx, const screening::Listing& l, screening::Verdict& v) {
  if (v.decision == screening::Decision::kAllow || l.id.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(std::optional<Listing> stored, tx.listings().Find(l.id));
  if (!stored || !stored->cleared || stored->marketplace_id != l.marketplace)
    return Status::Ok();
  // The content as an upsert of `l` would store it.
  Listing as_pushed = *stored;
  as_pushed.title = l.title;
  as_pushed.description = l.description;
  as_pushed.category = l.category;
  as_pushed.price = l.price ? l.price->amount : 0;
  if (l.price) as_pushed.currency = l.price->currency;
  as_pushed.images = l.images;
  if (domain::ListingContentDigest(as_pushed) != stored->cleared->content) return Status::Ok();
  if (HasNewEvidence(ToStoredVerdict(v, "", Timestamp{}), *stored->cleared)) return Status::Ok();
  v.decision = screening::Decision::kAllow;
  v.cleared_by = stored->cleared->hit_id;
  return Status::Ok();
}

Status LoadStayDownBank(Tx& tx, screening::StayDownBank& bank) {
  storage::PageRequest page{.limit = 1000};
  while (true) {
    ASSIGN_OR_RETURN(auto entries, tx.stay_down().List({}, page));
    for (const auto& e : entries.items)
      bank.Add(e.id, e.source, e.rights_holder_id,
               screening::FingerprintText(e.title, e.description));
    if (entries.next_cursor.empty()) return Status::Ok();
    page.after = entries.next_cursor;
  }
}

Result<screening::ScreenContext> ScreeningService::ContextInTx(Tx& tx,
                                                               const std::string& marketplace_id,
                                                               const std::string& seller_id) {
  ASSIGN_OR_RETURN(screening::ScreenContext sc,
                   ScreenContextInTx(tx, ctx_, marketplace_id, seller_id));
  sc.stay_down = &bank_;
  return sc;
}

Status ScreeningService::ScreenInTx(Tx& tx, const std::string& actor, Listing& listing) {
  return ScreenAndActInTx(tx, actor, listing, "upsert");
}

Status ScreeningService::ScreenAndActInTx(Tx& tx, const std::string& actor, Listing& l,
                                          std::string_view trigger) {
  std::shared_ptr<const screening::RuleSet> rules = rules_.load();
  if (!rules) return Status::Ok();  // not opened: nothing to screen with
  std::string digest;
  {
    std::lock_guard lock(mu_);
    digest = digest_;
  }
  ASSIGN_OR_RETURN(screening::ScreenContext sc, ContextInTx(tx, l.marketplace_id, l.seller_id));
  screening::Listing engine_listing = ToEngineListing(l);
  if (photos_ != nullptr) engine_listing.photo_matches = photos_->MatchListing(l);
  screening::Verdict v = rules->Screen(engine_listing, sc);
  Timestamp now = ctx_.Now();
  domain::ScreeningVerdict stored = ToStoredVerdict(v, digest, now);
  stored.content = domain::ListingContentDigest(l);
  // A person found this very content innocent (a dismissed hit, an appeal
  // upheld): only evidence they did not see opens a case again.
  if (v.decision != screening::Decision::kAllow && l.cleared &&
      l.cleared->content == stored.content && !HasNewEvidence(stored, *l.cleared)) {
    stored.decision = std::string(screening::DecisionName(screening::Decision::kAllow));
    stored.cleared_by = l.cleared->hit_id;
    l.screening = std::move(stored);
    return Status::Ok();
  }
  // Only a listing that is (or is about to go) online is acted on; a
  // removed or blocked one keeps its verdict for the record.
  if (v.decision == screening::Decision::kAllow || !domain::IsOnline(l.status)) {
    l.screening = std::move(stored);
    return Status::Ok();
  }
  // One open hit per listing: a new review verdict refreshes it.
  ASSIGN_OR_RETURN(
      auto open,
      tx.screening_hits().First(Filter().Eq("listing_id", l.id).Eq("status", std::string("open"))));
  const bool fresh = !open;
  ScreeningHit hit;
  if (open) {
    hit = std::move(*open);
  } else {
    hit.id = NewId("hit", now);
    hit.created_at = now;
  }
  stored.hit_id = hit.id;
  hit.marketplace_id = l.marketplace_id;
  hit.listing_id = l.id;
  hit.listing_version = l.version;
  hit.seller_id = l.seller_id;
  hit.rights_holder_ids = RightsHoldersOf(stored);
  hit.verdict = stored;
  hit.snapshot = domain::Snapshot(l, now);
  hit.trigger = std::string(trigger);
  hit.stay_down_source = StayDownSourceOf(stored);
  hit.photo_matches.clear();
  for (const screening::PhotoMatch& m : engine_listing.photo_matches)
    hit.photo_matches.push_back(json::object{{"photo", m.photo},
                                             {"bank", m.bank},
                                             {"bank_kind", m.bank_kind},
                                             {"rights_holder", m.rights_holder},
                                             {"reference", m.reference},
                                             {"label", m.label},
                                             {"distance", m.distance},
                                             {"radius", m.radius},
                                             {"variant", m.variant}});
  hit.updated_at = now;
  l.screening = std::move(stored);
  if (v.decision == screening::Decision::kReview) {
    RETURN_IF_ERROR(tx.screening_hits().Upsert(hit));
    return ctx_.Record(tx, actor, fresh ? "screening.hit_opened" : "screening.hit_updated",
                       "screening_hit", hit.id,
                       {{"listing_id", l.id}, {"score", v.score}, {"trigger", hit.trigger}});
  }
  // Block: the evidence is overwhelming; no person is asked first.
  hit.status = HitStatus::kAutoBlocked;
  hit.decided_by = "system";
  hit.decided_at = now;
  hit.decision_note = "Blocked automatically: the score " + Score(v.score) +
                      " reached the block threshold " + Score(sc.thresholds.block) + ".";
  RETURN_IF_ERROR(TakeDownInTx(tx, "system", hit, l, /*automated=*/true));
  RETURN_IF_ERROR(CountRulesInTx(tx, hit, 0, 0, 1));
  RETURN_IF_ERROR(tx.screening_hits().Upsert(hit));
  return ctx_.Record(tx, actor, "screening.hit_auto_blocked", "screening_hit", hit.id,
                     {{"listing_id", l.id},
                      {"score", v.score},
                      {"trigger", hit.trigger},
                      {"statement_id", hit.statement_id}});
}

Status ScreeningService::TakeDownInTx(Tx& tx, const std::string& actor, ScreeningHit& hit,
                                      Listing& l, bool automated) {
  // A listing pushed for the first time was never published; an edit or a
  // re-screen takes down one that was.
  const bool published = hit.trigger == "rescreen" || l.version > 1 || !automated;
  // DSA art. 20(1): the internal complaint stays open for the regime's window.
  if (auto regime = ctx_.RegimeFor(tx, l.marketplace_id); regime.ok())
    hit.appeal_deadline = domain::AppealDeadline(*regime, ctx_.Now());
  ASSIGN_OR_RETURN(domain::StatementOfReasons s,
                   StatementInTx(tx, actor, hit, l, published, automated));
  hit.statement_id = s.id;
  l.status = automated ? ListingStatus::kBlocked : ListingStatus::kRemoved;
  l.status_reason = "screening " + hit.id;
  std::string primary = hit.rights_holder_ids.empty() ? "" : hit.rights_holder_ids.front();
  ASSIGN_OR_RETURN(hit.stay_down_id, AddStayDownInTx(tx, l, "hit:" + hit.id, primary));
  std::string type = automated ? "listing.blocked" : "listing.removed";
  RETURN_IF_ERROR(
      ctx_.Record(tx, actor, type, "listing", l.id, {{"hit_id", hit.id}, {"statement_id", s.id}}));
  return ctx_.Emit(
      tx, MakeEvent(type, ctx_.Now(), l.marketplace_id, hit.rights_holder_ids, l.seller_id, l.id,
                    {{"listing_id", l.id},
                     {"hit_id", hit.id},
                     {"why", "screening"},
                     {"statement_id", s.id},
                     {"statement", domain::ToJson(s)}}));
}

Result<domain::StatementOfReasons> ScreeningService::StatementInTx(Tx& tx, const std::string& actor,
                                                                   const ScreeningHit& hit,
                                                                   const Listing& l, bool published,
                                                                   bool automated) {
  ASSIGN_OR_RETURN(Marketplace m, tx.marketplaces().Get(l.marketplace_id));
  auto regime = ctx_.RegimeFor(m);
  domain::StatementOfReasons s;
  s.marketplace_id = l.marketplace_id;
  s.hit_id = hit.id;
  s.listing_id = l.id;
  s.seller_id = l.seller_id;
  s.decision = "removal";
  s.restriction = published ? "Removal of the listing (access disabled); it stays down unless an "
                              "internal complaint or a court reverses the decision."
                            : "The listing is not published: it was blocked before going online.";
  s.territorial_scope = "All territories served by " + m.name;
  std::string evidence;
  for (const auto& r : hit.verdict.reasons) {
    if (r.weight <= 0) continue;
    if (!evidence.empty()) evidence += "; ";
    evidence += r.detail;
    if (!r.evidence.empty() && r.detail.find(r.evidence) == std::string::npos)
      evidence += " (\"" + Truncate(r.evidence, 120) + "\")";
  }
  s.facts = "Own-initiative review: proactive screening (automated detection) of listing " + l.id +
            " (\"" + Truncate(l.title, 200) + "\") scored " + Score(hit.verdict.score) +
            (evidence.empty() ? "." : ": " + evidence + ".");
  s.facts += automated ? " The score reached the marketplace's block threshold, so the listing "
                         "was blocked without human review."
                       : " A reviewer examined the finding and confirmed it" +
                             (hit.decision_note.empty() ? std::string(".")
                                                        : ": " + Truncate(hit.decision_note, 1000));
  s.notice_based = false;
  s.automated_detection = true;
  s.automated_decision = automated;
  // (d) the rights relied on, named by their holders.
  std::string holders;
  for (const auto& id : hit.rights_holder_ids) {
    ASSIGN_OR_RETURN(auto org, tx.organisations().Find(id));
    std::string name = org ? org->name : id;
    ASSIGN_OR_RETURN(
        auto rights,
        tx.rights().List(Filter().Eq("org_id", id).Eq("verification", std::string("verified")),
                         {.limit = 5}));
    std::string described;
    for (const auto& r : rights.items)
      described += (described.empty() ? "" : ", ") + domain::Describe(r);
    if (!holders.empty()) holders += "; ";
    holders += name + (described.empty() ? "" : " (" + described + ")");
  }
  s.legal_ground = holders.empty()
                       ? std::string("Products the marketplace's policy prohibits.")
                       : "Infringement of the intellectual property rights of " + holders + ".";
  if (regime.ok()) s.legal_ground += " Legal basis for acting: " + regime->legal_basis;
  s.terms_ground =
      "Marketplace terms: listings must not infringe intellectual property rights or offer "
      "prohibited products; listings are screened before and after they are published.";
  if (regime.ok() && regime->appeal) {
    std::string c = "Internal complaint (DSA art. 20): you may contest this decision";
    c += " (screening hit " + hit.id + ")";
    if (hit.appeal_deadline)
      c += " until " + FormatTime(*hit.appeal_deadline);
    else if (regime->appeal_window_days > 0)
      c += " within " + std::to_string(regime->appeal_window_days) + " days";
    s.redress.push_back(c + "; a person who did not take the decision reviews it.");
  } else {
    s.redress.push_back(
        "Reply to the marketplace's IP team with evidence that the listing does not infringe "
        "(for example an authorisation from the rights holder); the decision is reviewed by a "
        "person.");
  }
  if (regime.ok() && regime->id.find("eu_dsa") != std::string::npos)
    s.redress.push_back("Out-of-court dispute settlement before a certified body (DSA art. 21).");
  s.redress.push_back("Judicial redress before the competent courts.");
  s.decided_by = actor;
  return notices_.WriteStatement(tx, std::move(s));
}

Result<std::string> ScreeningService::AddStayDownInTx(Tx& tx, const Listing& l,
                                                      const std::string& source,
                                                      const std::string& rights_holder_id) {
  // The photos stay down too (the photo bank keeps its own record per source).
  if (photos_ != nullptr) RETURN_IF_ERROR(photos_->AddStayDownInTx(tx, l, source, rights_holder_id));
  ASSIGN_OR_RETURN(auto existing, tx.stay_down().First(Filter().Eq("source", source)));
  if (existing) return existing->id;
  domain::StayDownEntry e;
  e.created_at = ctx_.Now();
  e.id = NewId("sd", e.created_at);
  e.source = source;
  e.rights_holder_id = rights_holder_id;
  e.marketplace_id = l.marketplace_id;
  e.listing_id = l.id;
  e.title = l.title;
  e.description = l.description;
  RETURN_IF_ERROR(tx.stay_down().Insert(e));
  RETURN_IF_ERROR(ctx_.Record(tx, "system", "stay_down.added", "stay_down", e.id,
                              {{"source", source}, {"listing_id", l.id}}));
  // The bank learns of it once the takedown is durable.
  auto fingerprint = std::make_shared<screening::TextFingerprint>(
      screening::FingerprintText(e.title, e.description));
  tx.OnCommit([this, id = e.id, source, rights_holder_id, fingerprint] {
    bank_.Add(id, source, rights_holder_id, std::move(*fingerprint));
  });
  return e.id;
}

Status ScreeningService::OnTakedownInTx(Tx& tx, const Listing& listing, const std::string& source,
                                        const std::string& rights_holder_id) {
  return AddStayDownInTx(tx, listing, source, rights_holder_id).status();
}

Status ScreeningService::OnReversalInTx(Tx& tx, const std::string& source) {
  if (photos_ != nullptr) RETURN_IF_ERROR(photos_->RemoveStayDownInTx(tx, source));
  ASSIGN_OR_RETURN(auto entries,
                   tx.stay_down().List(Filter().Eq("source", source), {.limit = 100}));
  for (const auto& e : entries.items) {
    RETURN_IF_ERROR(tx.stay_down().Delete(e.id));
    RETURN_IF_ERROR(
        ctx_.Record(tx, "system", "stay_down.removed", "stay_down", e.id, {{"source", source}}));
    tx.OnCommit([this, id = e.id] { bank_.Remove(id); });
  }
  return Status::Ok();
}

Status ScreeningService::OverturnInTx(Tx& tx, const std::string& actor, ScreeningHit& hit,
                                      const std::string& appeal_id, const std::string& why) {
  if (hit.status != HitStatus::kConfirmed && hit.status != HitStatus::kAutoBlocked)
    return FailedPrecondition("screening hit " + hit.id + " is " +
                              std::string(domain::Name(hit.status)) + " and took nothing down");
  const bool was_auto = hit.status == HitStatus::kAutoBlocked;
  Timestamp now = ctx_.Now();
  ASSIGN_OR_RETURN(Marketplace m, tx.marketplaces().Get(hit.marketplace_id));
  ASSIGN_OR_RETURN(Listing listing, tx.listings().Get(hit.listing_id));
  ASSIGN_OR_RETURN(auto seller,
                   tx.sellers().Find(domain::SellerKey(hit.marketplace_id, hit.seller_id)));
  // Only the takedown this hit made is lifted: a listing taken down since by
  // something else (a notice, a suspension) stays down, as does every
  // listing of a suspended seller.
  const bool restore = !domain::IsOnline(listing.status) &&
                       listing.status_reason == "screening " + hit.id && seller &&
                       seller->status == domain::SellerStatus::kActive;
  // Whether restored or kept offline for another reason, this content was
  // found innocent of what the hit said.
  if (auto c = ClearanceOf(hit, listing, actor, "overturned on appeal " + appeal_id, now))
    listing.cleared = std::move(c);
  if (restore) {
    listing.status = ListingStatus::kRestored;
    listing.status_reason = "appeal " + appeal_id;
    listing.version += 1;
    listing.updated_at = now;
  }
  if (restore || listing.cleared) RETURN_IF_ERROR(tx.listings().Update(listing));
  if (restore) {
    RETURN_IF_ERROR(ctx_.Record(tx, actor, "listing.restored", "listing", listing.id,
                                {{"hit_id", hit.id}, {"appeal_id", appeal_id}}));
    RETURN_IF_ERROR(ctx_.Emit(tx, MakeEvent("listing.restored", now, hit.marketplace_id,
                                            hit.rights_holder_ids, hit.seller_id, listing.id,
                                            {{"listing_id", listing.id},
                                             {"hit_id", hit.id},
                                             {"appeal_id", appeal_id},
                                             {"why", why}})));
  }
  RETURN_IF_ERROR(
      ctx_.VoidStrike(tx, actor, hit.strike_id, hit.seller_id, why, {{"hit_id", hit.id}}));
  // The takedown no longer stands, so neither does its stay-down entry.
  RETURN_IF_ERROR(OnReversalInTx(tx, "hit:" + hit.id));
  // A false positive found on appeal, as if a reviewer had dismissed it.
  RETURN_IF_ERROR(CountRulesInTx(tx, hit, was_auto ? 0 : -1, 1, was_auto ? -1 : 0, 1));
  hit.status = HitStatus::kOverturned;
  hit.appeal_id = appeal_id;
  hit.updated_at = now;
  RETURN_IF_ERROR(tx.screening_hits().Update(hit));
  RETURN_IF_ERROR(ctx_.Record(
      tx, actor, "screening.hit_overturned", "screening_hit", hit.id,
      {{"appeal_id", appeal_id}, {"listing_id", hit.listing_id}, {"listing_restored", restore}}));
  // DSA art. 17(1), 20(4): the seller learns that the restriction is lifted.
  domain::StatementOfReasons s;
  s.marketplace_id = hit.marketplace_id;
  s.hit_id = hit.id;
  s.appeal_id = appeal_id;
  s.listing_id = hit.listing_id;
  s.seller_id = hit.seller_id;
  s.decision = "restoration";
  s.restriction = "The earlier removal is lifted; ";
  s.restriction +=
      restore ? "the listing is online again."
              : "the listing stays offline for another reason (" + listing.status_reason + ").";
  s.territorial_scope = "All territories served by " + m.name;
  s.facts = why;
  s.notice_based = false;
  if (auto regime = ctx_.RegimeFor(m); regime.ok()) s.legal_ground = regime->legal_basis;
  s.terms_ground = "Marketplace terms: listings must not infringe intellectual property rights.";
  s.redress = {"Judicial redress before the competent courts."};
  s.decided_by = actor;
  return notices_.WriteStatement(tx, std::move(s)).status();
}

Status ScreeningService::CountRulesInTx(Tx& tx, const ScreeningHit& hit, int64_t confirmed,
                                        int64_t dismissed, int64_t auto_blocked,
                                        int64_t overturned) {
  std::vector<std::string> seen;
  for (const auto& r : hit.verdict.reasons) {
    if (r.weight <= 0) continue;  // mitigating reasons are not rules that fired
    std::string key = domain::RuleStatKey(r.code, r.rights_holder);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    ASSIGN_OR_RETURN(auto stat, tx.screening_rule_stats().Find(key));
    domain::ScreeningRuleStat st;
    if (stat) st = std::move(*stat);
    st.code = r.code;
    st.rights_holder_id = r.rights_holder;
    st.confirmed += confirmed;
    st.dismissed += dismissed;
    st.auto_blocked += auto_blocked;
    st.overturned += overturned;
    st.updated_at = ctx_.Now();
    RETURN_IF_ERROR(tx.screening_rule_stats().Upsert(st));
  }
  return Status::Ok();
}

// ------------------------------------------------------------------ verdicts that store nothing

namespace {

bool MayScreen(const Principal& p) { return p.IsReviewer() || p.role == Role::kMarketplace; }

// A marketplace integration screens for its own marketplace (the default).
Status ScopeToPrincipal(const Principal& p, screening::Listing& l) {
  if (p.role != Role::kMarketplace) return Status::Ok();
  if (l.marketplace.empty()) l.marketplace = p.marketplace_id;
  if (l.marketplace != p.marketplace_id)
    return PermissionDenied("you screen listings of marketplace " + p.marketplace_id + " only");
  return Status::Ok();
}

}  // namespace

Result<screening::Verdict> ScreeningService::Screen(const Principal& p,
                                                    std::string_view listing_json) {
  if (!MayScreen(p))
    return PermissionDenied("listings are screened by marketplace integrations and reviewers");
  auto parsed = screening::ParseListingJson(listing_json);
  if (!parsed.ok()) {
    // Text that is not a JSON object is malformed (400), like every body.
    Status s = parsed.status();
    if (s.field().empty()) s.WithReason("malformed");
    return s;
  }
  screening::Listing l = std::move(parsed).value();
  RETURN_IF_ERROR(ScopeToPrincipal(p, l));
  screening::Verdict v;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    if (!l.marketplace.empty()) {
      ASSIGN_OR_RETURN(auto m, tx.marketplaces().Find(l.marketplace));
      if (!m) return InvalidArgument("no marketplace " + l.marketplace, "/marketplace");
    }
    ASSIGN_OR_RETURN(screening::ScreenContext sc, ContextInTx(tx, l.marketplace, l.seller_id));
    v = rules_.load()->Screen(l, sc);
    return ApplyClearanceInTx(tx, l, v);
  }));
  return v;
}

Result<std::string> ScreeningService::ScreenBulk(const Principal& p, std::string_view jsonl) {
  if (!MayScreen(p))
    return PermissionDenied("listings are screened by marketplace integrations and reviewers");
  struct Line {
    int number;
    std::string_view text;
  };
  std::vector<Line> lines;
  {
    int n = 0;
    size_t pos = 0;
    while (pos < jsonl.size()) {
      size_t end = jsonl.find('\n', pos);
      if (end == std::string_view::npos) end = jsonl.size();
      ++n;
      std::string_view line = jsonl.substr(pos, end - pos);
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) lines.push_back({n, line});
      pos = end + 1;
    }
  }
  const int max_lines = ctx_.config().bulk_max_rows;
  if (static_cast<int>(lines.size()) > max_lines)
    return ResourceExhausted("at most " + std::to_string(max_lines) + " lines per request")
        .WithReason("too_large");
  if (lines.empty()) return InvalidArgument("send one listing per line (JSON Lines)", "body");
  std::shared_ptr<const screening::RuleSet> rules = rules_.load();
  std::string out;
  out.reserve(lines.size() * 256);
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    // Contexts are shared by the lines of one seller.
    std::map<std::pair<std::string, std::string>, screening::ScreenContext> contexts;
    std::map<std::string, bool> known_marketplaces;
    for (const Line& line : lines) {
      auto parsed = screening::ParseListingJson(line.text);
      Status s = parsed.status();
      if (s.ok()) s = ScopeToPrincipal(p, *parsed);
      if (s.ok() && !parsed->marketplace.empty()) {
        auto [it, inserted] = known_marketplaces.try_emplace(parsed->marketplace, false);
        if (inserted) {
          ASSIGN_OR_RETURN(auto m, tx.marketplaces().Find(parsed->marketplace));
          it->second = m.has_value();
        }
        if (!it->second)
          s = InvalidArgument("no marketplace " + parsed->marketplace, "/marketplace");
      }
      if (!s.ok()) {
        json::object err{{"line", line.number}, {"error", s.message()}};
        if (parsed.ok()) err["listing_id"] = parsed->id;
        if (!s.field().empty()) err["field"] = s.field();
        out += json::serialize(err);
        out += '\n';
        continue;
      }
      auto key = std::make_pair(parsed->marketplace, parsed->seller_id);
      auto it = contexts.find(key);
      if (it == contexts.end()) {
        ASSIGN_OR_RETURN(screening::ScreenContext sc,
                         ContextInTx(tx, parsed->marketplace, parsed->seller_id));
        it = contexts.emplace(key, sc).first;
      }
      screening::Verdict v = rules->Screen(*parsed, it->second);
      RETURN_IF_ERROR(ApplyClearanceInTx(tx, *parsed, v));
      screening::AppendVerdictJson(v, &out);
    }
    return Status::Ok();
  }));
  return out;
}

// ------------------------------------------------------------------ reviewers

bool ScreeningService::CanSee(const Principal& p, const ScreeningHit& hit) {
  if (p.IsStaff()) return true;
  auto any_of = [&hit](const std::vector<std::string>& orgs) {
    for (const auto& o : orgs)
      if (std::find(hit.rights_holder_ids.begin(), hit.rights_holder_ids.end(), o) !=
          hit.rights_holder_ids.end())
        return true;
    return false;
  };
  switch (p.role) {
    case Role::kRightsHolder:
      return any_of(p.visible_org_ids);
    case Role::kAgent:
      return any_of(p.principal_org_ids);
    case Role::kMarketplace:
      return hit.marketplace_id == p.marketplace_id;
    default:
      return false;
  }
}

Result<storage::Page<ScreeningHit>> ScreeningService::ListHits(const Principal& p,
                                                               const HitFilter& hf,
                                                               const storage::PageRequest& page) {
  Filter f;
  auto tokens = [](const std::vector<std::string>& ids) {
    std::vector<Value> v(ids.begin(), ids.end());
    return v;
  };
  if (!p.IsStaff()) {
    switch (p.role) {
      case Role::kRightsHolder:
        f.HasToken("rights_holders", tokens(p.visible_org_ids));
        break;
      case Role::kAgent:
        f.HasToken("rights_holders", tokens(p.principal_org_ids));
        break;
      case Role::kMarketplace:
        f.Eq("marketplace_id", p.marketplace_id);
        break;
      default:
        return PermissionDenied(
            "screening hits are listed for reviewers, rights holders and marketplaces");
    }
  }
  if (!hf.status.empty()) {
    if (!domain::ParseHitStatus(hf.status))
      return InvalidArgument(
          "status must be open, confirmed, dismissed, auto_blocked or overturned", "status");
    f.Eq("status", hf.status);
  }
  if (!hf.marketplace_id.empty()) f.Eq("marketplace_id", hf.marketplace_id);
  if (!hf.listing_id.empty()) f.Eq("listing_id", hf.listing_id);
  storage::Page<ScreeningHit> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.screening_hits().List(f, page));
    return Status::Ok();
  }));
  return out;
}

Result<ScreeningHit> ScreeningService::GetHit(const Principal& p, const std::string& id) {
  std::optional<ScreeningHit> hit;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(hit, tx.screening_hits().Find(id));
    return Status::Ok();
  }));
  if (!hit || !CanSee(p, *hit)) return NotFound("screening hit " + id + " not found");
  return std::move(*hit);
}

Result<std::vector<ScreeningHit>> ScreeningService::OpenHits(const Principal& p, int limit) {
  if (!p.IsReviewer()) return PermissionDenied("the review queues are for reviewers");
  std::vector<ScreeningHit> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto page,
                     tx.screening_hits().List(Filter().Eq("status", std::string("open")),
                                              {.order_by = {"created_at"}, .limit = limit}));
    out = std::move(page.items);
    return Status::Ok();
  }));
  return out;
}

Result<ScreeningHit> ScreeningService::Confirm(const Principal& p, const std::string& id,
                                               const json::value& body) {
  if (!p.IsReviewer()) return PermissionDenied("only reviewers decide screening hits");
  FieldReader r(body);
  r.RejectUnknown({"note", "listing_version"});
  std::string note = r.OptString("note", {.max_len = 5000}).value_or("");
  std::optional<int64_t> seen = r.OptInt("listing_version", 1, INT64_MAX);
  RETURN_IF_ERROR(r.status());
  return Decide(p, id, /*confirm=*/true, note, seen);
}

Result<ScreeningHit> ScreeningService::Dismiss(const Principal& p, const std::string& id,
                                               const json::value& body) {
  if (!p.IsReviewer()) return PermissionDenied("only reviewers decide screening hits");
  FieldReader r(body);
  r.RejectUnknown({"reason", "listing_version"});
  std::string reason = r.String("reason", {.min_len = 1, .max_len = 5000});
  std::optional<int64_t> seen = r.OptInt("listing_version", 1, INT64_MAX);
  RETURN_IF_ERROR(r.status());
  return Decide(p, id, /*confirm=*/false, reason, seen);
}

Result<ScreeningHit> ScreeningService::Decide(const Principal& p, const std::string& id,
                                              bool confirm, const std::string& note,
                                              std::optional<int64_t> seen_version) {
  ScreeningHit hit;
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto found, tx.screening_hits().Find(id));
    if (!found) return NotFound("screening hit " + id + " not found");
    hit = std::move(*found);
    if (hit.status != HitStatus::kOpen)
      return FailedPrecondition("screening hit " + id + " is " +
                                std::string(domain::Name(hit.status)) + " and cannot be decided");
    // A dismissal clears the content it was about: it must be the content
    // the reviewer saw, not a version pushed while they were looking.
    if (seen_version && *seen_version != hit.listing_version)
      return FailedPrecondition("the listing changed while you were looking (you saw version " +
                                    std::to_string(*seen_version) +
                                    ", the hit is now about version " +
                                    std::to_string(hit.listing_version) + "); open the hit again",
                                "/listing_version")
          .WithReason("listing_changed");
    Timestamp now = ctx_.Now();
    hit.decided_by = p.user_id;
    hit.decided_at = now;
    hit.decision_note = note;
    hit.updated_at = now;
    if (!confirm) {
      hit.status = HitStatus::kDismissed;
      RETURN_IF_ERROR(CountRulesInTx(tx, hit, 0, 1, 0));
      ASSIGN_OR_RETURN(auto listing, tx.listings().Find(hit.listing_id));
      if (listing) {
        if (auto c = ClearanceOf(hit, *listing, p.user_id, "dismissed", now)) {
          listing->cleared = std::move(c);
          RETURN_IF_ERROR(tx.listings().Update(*listing));
        }
      }
      RETURN_IF_ERROR(tx.screening_hits().Update(hit));
      return ctx_.Record(tx, p.Actor(), "screening.hit_dismissed", "screening_hit", id,
                         {{"listing_id", hit.listing_id}, {"reason", note}});
    }
    hit.status = HitStatus::kConfirmed;
    ASSIGN_OR_RETURN(Listing listing, tx.listings().Get(hit.listing_id));
    ASSIGN_OR_RETURN(Marketplace m, tx.marketplaces().Get(hit.marketplace_id));
    // One listing earns one strike: a listing already down (a notice, a
    // suspension) is only recorded as confirmed, and its text stays down.
    const bool online = domain::IsOnline(listing.status);
    if (online) {
      RETURN_IF_ERROR(TakeDownInTx(tx, p.user_id, hit, listing, /*automated=*/false));
      listing.version += 1;
      listing.updated_at = now;
      RETURN_IF_ERROR(tx.listings().Update(listing));
      domain::Strike strike;
      strike.at = now;
      strike.id = NewId("stk", now);
      strike.seller_id = listing.seller_id;
      strike.marketplace_id = listing.marketplace_id;
      strike.hit_id = hit.id;
      RETURN_IF_ERROR(tx.strikes().Insert(strike));
      hit.strike_id = strike.id;
      RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), "strike.added", "seller", listing.seller_id,
                                  {{"strike_id", strike.id}, {"hit_id", hit.id}}));
    } else {
      std::string primary = hit.rights_holder_ids.empty() ? "" : hit.rights_holder_ids.front();
      ASSIGN_OR_RETURN(hit.stay_down_id, AddStayDownInTx(tx, listing, "hit:" + hit.id, primary));
    }
    RETURN_IF_ERROR(CountRulesInTx(tx, hit, 1, 0, 0));
    RETURN_IF_ERROR(tx.screening_hits().Update(hit));
    RETURN_IF_ERROR(ctx_.Record(tx, p.Actor(), "screening.hit_confirmed", "screening_hit", id,
                                {{"listing_id", hit.listing_id},
                                 {"statement_id", hit.statement_id},
                                 {"listing_was_online", online}}));
    if (!online) return Status::Ok();
    return notices_.SuspendIfRepeatInfringer(tx, m, listing.seller_id);
  }));
  return hit;
}

Result<std::vector<domain::ScreeningRuleStat>> ScreeningService::RuleStats(const Principal& p) {
  if (!p.IsReviewer()) return PermissionDenied("rule statistics are for operators and reviewers");
  std::vector<domain::ScreeningRuleStat> out;
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    storage::PageRequest page{.limit = 1000};
    while (true) {
      ASSIGN_OR_RETURN(auto stats, tx.screening_rule_stats().List({}, page));
      for (auto& s : stats.items) out.push_back(std::move(s));
      if (stats.next_cursor.empty()) break;
      page.after = stats.next_cursor;
    }
    return Status::Ok();
  }));
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.dismissed > b.dismissed; });
  return out;
}

// ------------------------------------------------------------------ status

Result<ScreeningStatus> ScreeningService::GetStatus(const Principal& p) {
  if (!p.IsStaff()) return PermissionDenied("the screening status is for platform staff");
  ScreeningStatus st;
  std::shared_ptr<const screening::RuleSet> rules = rules_.load();
  if (rules) {
    st.database_key = rules->key();
    st.pattern_count = rules->pattern_count();
    st.rights_holder_count = rules->rights_holder_count();
    st.built_from_cache = rules->loaded_from_cache();
  }
  {
    std::lock_guard lock(mu_);
    st.rule_set = digest_;
    st.built_at = built_at_;
    st.build_seconds = build_seconds_;
    st.rebuilding = rebuilding_;
    st.last_error = last_error_;
  }
  st.rebuild_pending = dirty_.load();
  st.stay_down_entries = bank_.size();
  RETURN_IF_ERROR(ctx_.store().Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(st.rescreen,
                     tx.jobs().First(Filter().Eq("kind", std::string(kRescreenKind)),
                                     {.order_by = {"created_at"}, .descending = true}));
    return Status::Ok();
  }));
  return st;
}

Result<ScreeningStatus> ScreeningService::RequestRebuild(const Principal& p) {
  if (!p.IsAdmin()) return PermissionDenied("only an operator admin rebuilds the rule set");
  RETURN_IF_ERROR(ctx_.store().Write([&](Tx& tx) {
    return ctx_.Record(tx, p.Actor(), "screening.rebuild_requested", "screening", "rule_set");
  }));
  force_.store(true);
  dirty_.store(true);
  Wake();
  return GetStatus(p);
}

}  // namespace counterfoil::service
