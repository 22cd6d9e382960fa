// Proactive screening in the server: every listing pushed by a marketplace
// is screened before it goes online, against a rule set compiled from all
// the protection data rights holders registered (screening/engine.h).
//
//  - Verdicts: `allow` publishes the listing; `review` opens a screening hit
//    in the reviewers' queue; `block` keeps the listing offline at once with
//    a statement of reasons marked own-initiative and automated (DSA art.
//    17(3)(b)–(c)), and its text joins the stay-down bank.
//  - Reviewers confirm a hit (takedown, statement of reasons, a strike under
//    the repeat-infringer policy, stay-down) or dismiss it with a reason;
//    each decision is counted per rule, so the operator sees each rule's
//    false-positive rate.
//  - The seller may contest a takedown (confirmed or auto_blocked) with an
//    internal complaint (DSA art. 20, NoticeService::FileAppeal with a
//    hit_id); overturning it (OverturnInTx) restores the listing, voids the
//    strike and counts a false positive for each rule that fired.
//  - Accepted notices and confirmed hits feed the stay-down bank; a reversed
//    takedown leaves it again. The bank is stored (StayDownEntry) and rebuilt
//    in memory at start.
//  - When protection data changes, the rule set is rebuilt in the background
//    (JobRunner's screening thread calls RunPass) and swapped in atomically:
//    screening never waits for a rebuild. Then a re-screening job walks every
//    listing, with its progress in a Job ("screening_rescreen"). The compiled
//    Vectorscan database is cached in <data dir>/cache/screening/<key>.hsdb
//    so a restart does not compile again.
//
//   ScreeningService screening(ctx, notices);
//   RETURN_IF_ERROR(screening.Open());            // rule set (from the cache), stay-down bank
//   marketplace.SetScreener(&screening);          // upserts are screened
//   notices.SetTakedownObserver(&screening);      // accepted notices stay down
//   notices.SetScreeningTakedowns(&screening);    // appeals against hits
//   ctx.SetProtectionListener([&] { screening.MarkDirty(); });
//   auto v = screening.Screen(integration, R"({"id":"L1","title":"Dys0n V11 1:1",…})");
//
// Thread-safe: screening runs concurrently with a rebuild; the rule set is
// an immutable snapshot held by a shared pointer swapped atomically.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "screening/engine.h"
#include "screening/stay_down.h"
#include "service/context.h"
#include "service/marketplace.h"
#include "service/notices.h"

namespace counterfoil::service {

class PhotoService;

struct HitFilter {
  std::string status;  // open | confirmed | dismissed | auto_blocked | overturned
  std::string marketplace_id;
  std::string listing_id;
};

// What GET /v1/screening/status shows.
struct ScreeningStatus {
  std::string rule_set;      // digest of the catalogue the rule set was built from
  std::string database_key;  // screening::RuleSet::Key(): the on-disk cache's name
  size_t pattern_count = 0;
  size_t rights_holder_count = 0;
  Timestamp built_at{};
  double build_seconds = 0;
  bool built_from_cache = false;
  bool rebuild_pending = false;  // protection data changed; a rebuild is due
  bool rebuilding = false;
  std::string last_error;  // of the last failed rebuild (the previous rule set stays)
  size_t stay_down_entries = 0;
  std::optional<domain::Job> rescreen;  // the latest re-screening job
};

// What screening weighs besides the listing, as the server does it: the
// marketplace's thresholds (the configuration's when `marketplace_id` is
// empty or unknown) and the seller's history there (active strikes within
// the repeat-infringer policy's expiry, suspension, listings removed or
// blocked). The stay-down bank is the caller's to set. Also used by
// `counterfoil screen --data`.
Result<screening::ScreenContext> ScreenContextInTx(storage::Tx& tx, const ServiceContext& ctx,
                                                   const std::string& marketplace_id,
                                                   const std::string& seller_id);
// A verdict that stores nothing (POST /v1/screen, its bulk form, `counterfoil
// screen --data`) weighs a person's earlier decision as an upsert would: when
// `v` is not allow, the listing `l.id` is stored on `l.marketplace` with a
// clearance (ScreeningClearance) of exactly this content (the stored
// listing's uploaded photos kept, as an upsert keeps them), and `v` holds no
// evidence the clearance did not weigh, `v` becomes allow with `cleared_by`
// naming the hit decided. Otherwise `v` is left as it is.
Status ApplyClearanceInTx(storage::Tx& tx, const screening::Listing& l, screening::Verdict& v);
// Adds every stored stay-down entry to `bank`.
Status LoadStayDownBank(storage::Tx& tx, screening::StayDownBank& bank);

class ScreeningService final : public ListingScreener,
                               public TakedownObserver,
                               public ScreeningTakedowns {
 public:
  ScreeningService(ServiceContext& ctx, NoticeService& notices);
  ScreeningService(const ScreeningService&) = delete;
  ScreeningService& operator=(const ScreeningService&) = delete;

  // Builds the first rule set from the stored protection data (loading the
  // compiled database from the cache when its key matches), loads the
  // stay-down bank, and queues a re-screening job when the listings were
  // screened with other rules (protection data imported offline, a database
  // from before screening). Call once, before serving. kUnavailable when
  // storage fails; a catalogue the engine refuses is logged and screening
  // starts with an empty rule set (status().last_error says why).
  Status Open();

  // Wakes whoever runs RunPass (the job runner) when there is work.
  void SetWaker(std::function<void()> waker) { waker_ = std::move(waker); }
  // Photo matching (photos.h): listing photos are matched against the banks
  // as a screening signal, and taken-down listings' photos join the
  // stay-down photo bank. Optional; set before serving.
  void SetPhotos(PhotoService* photos) { photos_ = photos; }

  // ---- verdicts that store nothing
  // POST /v1/screen: the verdict for one listing (DESIGN.md listing format)
  // at publish time, with the marketplace's thresholds and the seller's
  // history. Marketplace integrations (their own marketplace), reviewers and
  // admins; kPermissionDenied otherwise; kInvalidArgument names the field.
  Result<screening::Verdict> Screen(const Principal& p, std::string_view listing_json);
  // POST /v1/screen/bulk: one output line per non-blank input line, in
  // order: a verdict line (screening/catalogue_json.h) or, for a line that
  // is not a valid listing, {"line": n, "error": "…", "field": "/…"}.
  // At most config bulk_max_rows lines (kResourceExhausted).
  Result<std::string> ScreenBulk(const Principal& p, std::string_view jsonl);

  // ---- ListingScreener: listings pushed through the API
  Status ScreenInTx(storage::Tx& tx, const std::string& actor, domain::Listing& listing) override;

  // ---- TakedownObserver: the stay-down bank
  Status OnTakedownInTx(storage::Tx& tx, const domain::Listing& listing, const std::string& source,
                        const std::string& rights_holder_id) override;
  Status OnReversalInTx(storage::Tx& tx, const std::string& source) override;

  // ---- ScreeningTakedowns: an internal complaint overturns a takedown
  Status OverturnInTx(storage::Tx& tx, const std::string& actor, domain::ScreeningHit& hit,
                      const std::string& appeal_id, const std::string& why) override;

  // ---- the reviewers' work
  // Staff see every hit; a rights holder the hits concerning its own rights
  // (a coalition also its members'), an agent those of the rights holders it
  // acts for, a marketplace integration those on its marketplace; sellers
  // none (they receive statements of reasons). kInvalidArgument for a bad
  // status filter or cursor.
  Result<storage::Page<domain::ScreeningHit>> ListHits(const Principal& p, const HitFilter& f,
                                                       const storage::PageRequest& page);
  // kNotFound when absent or not visible to `p`.
  Result<domain::ScreeningHit> GetHit(const Principal& p, const std::string& id);
  // Open hits, oldest first (the "screening" review queue). Reviewers only.
  Result<std::vector<domain::ScreeningHit>> OpenHits(const Principal& p, int limit);
  // Reviewer: {"note": "…"} optional. Takes the listing down (statement of
  // reasons: own initiative, automated detection, decided by a person), adds
  // a strike under the repeat-infringer policy, puts the text into the
  // stay-down bank. kFailedPrecondition unless the hit is open.
  Result<domain::ScreeningHit> Confirm(const Principal& p, const std::string& id,
                                       const json::value& body);
  // Reviewer: {"reason": "…"} required (a false positive, counted per rule).
  Result<domain::ScreeningHit> Dismiss(const Principal& p, const std::string& id,
                                       const json::value& body);
  // Reviewers and admins: the per-rule statistics, most dismissed first.
  Result<std::vector<domain::ScreeningRuleStat>> RuleStats(const Principal& p);
  // Whether `p` may see `hit` (the tenancy rule of ListHits).
  static bool CanSee(const Principal& p, const domain::ScreeningHit& hit);

  // ---- the rule set
  // Staff: the current rule set, the rebuild state and the re-screening progress.
  Result<ScreeningStatus> GetStatus(const Principal& p);
  // Admin: rebuild now even if nothing changed (compiles without the cache)
  // and re-screen every listing. Runs in the background.
  Result<ScreeningStatus> RequestRebuild(const Principal& p);
  // Marks the rule set stale (protection data changed) and wakes the runner.
  // Cheap and thread-safe; the protection listener calls it after commit.
  void MarkDirty();
  // The background work, one pass: rebuild the rule set if it is stale, then
  // work through queued re-screening jobs until done or `stop()` says so
  // (checked between batches). Called by the job runner's screening thread
  // and by tests; passes never overlap.
  void RunPass(const std::function<bool()>& stop = {});
  // Rebuilds now if stale (or forced), swapping the new rule set in and
  // queueing a re-screening job. Returns the build error, if any.
  Status RebuildIfDirty();
  // Works through the queued re-screening jobs, oldest first.
  Status RunRescreenJobs(const std::function<bool()>& stop = {});
  std::shared_ptr<const screening::RuleSet> rules() const { return rules_.load(); }
  const screening::StayDownBank& stay_down_bank() const { return bank_; }

 private:
  struct Built {
    std::shared_ptr<const screening::RuleSet> rules;
    std::string digest;
  };
  // Loads the catalogue, compiles it (from the cache when possible) and
  // writes the cache. Does not swap.
  Result<Built> Build(bool use_cache, double* seconds);
  void Swap(Built built, double seconds);
  // Inserts a re-screening job for the current rule set (superseding older
  // ones), or a finished one when there are no listings.
  Status QueueRescreenInTx(storage::Tx& tx, const std::string& by, const std::string& why);
  Status RescreenBatch(const std::string& job_id, bool* more);

  // Screens `listing` with the current rules, stores the verdict on it and
  // acts on a review/block verdict when the listing is online. `trigger` is
  // "upsert" or "rescreen".
  Status ScreenAndActInTx(storage::Tx& tx, const std::string& actor, domain::Listing& listing,
                          std::string_view trigger);
  Result<screening::ScreenContext> ContextInTx(storage::Tx& tx, const std::string& marketplace_id,
                                               const std::string& seller_id);
  // Takes a listing down on a screening hit: statement, stay-down entry,
  // events; `automated` for a block verdict (no person decided).
  Status TakeDownInTx(storage::Tx& tx, const std::string& actor, domain::ScreeningHit& hit,
                      domain::Listing& listing, bool automated);
  Result<domain::StatementOfReasons> StatementInTx(storage::Tx& tx, const std::string& actor,
                                                   const domain::ScreeningHit& hit,
                                                   const domain::Listing& listing, bool was_online,
                                                   bool automated);
  Result<std::string> AddStayDownInTx(storage::Tx& tx, const domain::Listing& listing,
                                      const std::string& source,
                                      const std::string& rights_holder_id);
  // Adds the deltas to the statistics of every rule that fired on `hit`.
  Status CountRulesInTx(storage::Tx& tx, const domain::ScreeningHit& hit, int64_t confirmed,
                        int64_t dismissed, int64_t auto_blocked, int64_t overturned = 0);
  // `seen_version`: the listing version the reviewer judged (the hit's
  // listing_version when they opened it); a hit refreshed since by a new
  // push is not decided on an old view of it.
  Result<domain::ScreeningHit> Decide(const Principal& p, const std::string& id, bool confirm,
                                      const std::string& note,
                                      std::optional<int64_t> seen_version);
  void Wake() {
    if (waker_) waker_();
  }

  ServiceContext& ctx_;
  NoticeService& notices_;
  PhotoService* photos_ = nullptr;
  std::function<void()> waker_;
  std::atomic<std::shared_ptr<const screening::RuleSet>> rules_;
  screening::StayDownBank bank_;
  std::atomic<bool> dirty_{false};
  std::atomic<bool> force_{false};
  std::mutex pass_mu_;  // one RunPass / rebuild at a time

  mutable std::mutex mu_;
  std::string digest_;        // GUARDED_BY(mu_)
  Timestamp built_at_{};      // GUARDED_BY(mu_)
  double build_seconds_ = 0;  // GUARDED_BY(mu_)
  bool rebuilding_ = false;   // GUARDED_BY(mu_)
  std::string last_error_;    // GUARDED_BY(mu_)
};

// Converts between the engine's and the stored forms.
screening::Listing ToEngineListing(const domain::Listing& l);
domain::ScreeningVerdict ToStoredVerdict(const screening::Verdict& v, std::string rule_set,
                                         Timestamp at);
// A digest of everything in the catalogue (and the engine's own key): the
// rule set is rebuilt and listings re-screened when it changes.
std::string CatalogueDigest(const screening::Catalogue& c);

}  // namespace counterfoil::service
