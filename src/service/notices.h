// Notice and takedown, end to end:
//  - intake (single and bulk CSV) with the fields each regime requires,
//    authority checks (own right, coalition member, agent authorisation),
//    the duplicate check and a receipt;
//  - the review queue (trusted flaggers and coalitions first, then the SLA),
//    claims and decisions (accept → takedown, reject, request information),
//    each with a DSA art. 17 statement of reasons;
//  - counter-notices, forwarded to the complainant, with the restoration
//    clock of the marketplace's regime; proof of a filed action stops it;
//  - internal complaints (appeals) decided by a person;
//  - strikes and the repeat-infringer policy, notifier accuracy and the
//    good-faith fast lane / misuse limits (DSA art. 23);
//  - the deadline job that restores listings and lapses stale requests;
//  - an accepted notice puts the listing's text into screening's stay-down
//    bank, a restoration takes it out again (TakedownObserver).
//
//   NoticeService notices(ctx);
//   auto n = notices.File(holder, body, "api");            // 201, state received
//   notices.Claim(reviewer, n->id);
//   notices.Decide(reviewer, n->id, {"decision":"accept"});  // listing removed
//   notices.FileCounterNotice(seller, n->id, {...});        // clock starts
//   clock.Advance(days(15)); notices.RunDue();              // restored (cn_ecl)
//
// Thread-safe; every state change is one durable transaction with its
// audit entries and events.
#pragma once

#include "service/context.h"

namespace counterfoil::service {

// What a takedown means beyond the notice: proactive screening keeps the
// removed listing's text in its stay-down bank (service/screening.h
// implements this). Both calls run inside the decision's transaction; an
// error rolls the decision back.
class TakedownObserver {
 public:
  virtual ~TakedownObserver() = default;
  // `listing` was taken down by decision `source` ("notice:ntc_…",
  // "hit:hit_…") concerning rights holder `rights_holder_id` (may be empty).
  virtual Status OnTakedownInTx(storage::Tx& tx, const domain::Listing& listing,
                                const std::string& source,
                                const std::string& rights_holder_id) = 0;
  // The takedown by `source` was reversed (restoration, overturned appeal).
  virtual Status OnReversalInTx(storage::Tx& tx, const std::string& source) = 0;
};

// Own-initiative takedowns by proactive screening, as far as an internal
// complaint against one reaches (service/screening.h implements this).
class ScreeningTakedowns {
 public:
  virtual ~ScreeningTakedowns() = default;
  // Internal complaint `appeal_id` succeeded against the takedown of `hit`
  // (confirmed or auto_blocked; DSA art. 20(4)): restores the listing when
  // that takedown still keeps it offline and the seller is not suspended,
  // voids the hit's strike, marks the hit overturned, takes its text out of
  // the stay-down bank, counts a false positive for each rule that fired and
  // sends the seller a statement of restoration. `why` is the statement's
  // facts. Runs inside the appeal decision's transaction; updates `hit`.
  virtual Status OverturnInTx(storage::Tx& tx, const std::string& actor, domain::ScreeningHit& hit,
                              const std::string& appeal_id, const std::string& why) = 0;
};

struct NoticeFilter {
  std::string state;
  std::string listing_id;
  std::string seller_id;
  std::string marketplace_id;
  std::string org_id;  // complainant or principal
  std::string job_id;
};

class NoticeService {
 public:
  explicit NoticeService(ServiceContext& ctx) : ctx_(ctx) {}

  // ---- intake
  Result<domain::Notice> File(const Principal& p, const json::value& body, std::string source);
  Result<domain::Notice> Get(const Principal& p, const std::string& id);
  Result<storage::Page<domain::Notice>> List(const Principal& p, const NoticeFilter& f,
                                             const storage::PageRequest& page);
  Result<domain::Notice> Withdraw(const Principal& p, const std::string& id,
                                  const json::value& body);
  Result<domain::Notice> SupplyInformation(const Principal& p, const std::string& id,
                                           const json::value& body);

  // ---- bulk CSV (a job)
  // Validates the header, stores the upload and queues a job; rows are
  // processed by RunJob. `defaults` supplies fields common to every row.
  Result<domain::Job> StartBulk(const Principal& p, std::string_view csv,
                                const json::object& defaults);
  // Processes a queued bulk job (called by the job runner).
  Status RunJob(const std::string& job_id);
  Result<domain::Job> GetJob(const Principal& p, const std::string& id);
  // Jobs left queued or running (e.g. by a restart), oldest first.
  Result<std::vector<std::string>> PendingJobs();

  // ---- review
  enum class Queue { kNotices, kPostReview, kCounterNotices, kAppeals };
  Result<json::array> ReviewQueue(const Principal& p, Queue q, int limit);
  Result<domain::Notice> Claim(const Principal& p, const std::string& id);
  Result<domain::Notice> Decide(const Principal& p, const std::string& id, const json::value& body);
  Result<domain::StatementOfReasons> GetStatement(const Principal& p, const std::string& id);

  // ---- counter-notices
  Result<domain::CounterNotice> FileCounterNotice(const Principal& p, const std::string& notice_id,
                                                  const json::value& body);
  Result<domain::CounterNotice> GetCounterNotice(const Principal& p, const std::string& id);
  Result<storage::Page<domain::CounterNotice>> ListCounterNotices(const Principal& p,
                                                                  const std::string& state,
                                                                  const storage::PageRequest& page);
  // The complainant shows a filed complaint or lawsuit: the takedown stands.
  Result<domain::CounterNotice> ReportLegalAction(const Principal& p, const std::string& id,
                                                  const json::value& body);

  // ---- appeals (internal complaints, DSA art. 20)
  // {"notice_id" | "hit_id", "grounds", "evidence"?}: exactly one of
  // notice_id (a takedown, appealed by the seller, or a rejection, by the
  // complainant) and hit_id (a screening hit confirmed by a reviewer or
  // blocked automatically, appealed by the seller of the listing). The
  // window is the marketplace regime's (DSA art. 20(1): at least six months
  // after the decision). kInvalidArgument naming the field for a bad body,
  // an unknown or invisible notice or hit, a hit of another seller's listing
  // or a hit that took nothing down; kFailedPrecondition when the regime has
  // no internal complaint, the window has closed or the caller may not
  // appeal this decision; kAlreadyExists while another appeal on it is open.
  Result<domain::Appeal> FileAppeal(const Principal& p, const json::value& body);
  // Staff see every appeal; the seller its own; the rights-holder side those
  // on notices it may see (CanSee) or on hits concerning the rights holders
  // it sees (an agent: those it acts for). kNotFound otherwise.
  Result<domain::Appeal> GetAppeal(const Principal& p, const std::string& id);
  // The appeals GetAppeal shows `p`, by id. kPermissionDenied for roles that
  // see none; kInvalidArgument for a bad state filter.
  Result<storage::Page<domain::Appeal>> ListAppeals(const Principal& p, const std::string& state,
                                                    const storage::PageRequest& page);
  // Reviewer: {"outcome": "upheld" | "overturned", "reasons"}. A person who
  // did not take the decision appealed decides (DSA art. 20(4), (6)); for a
  // hit blocked automatically any reviewer may. Overturning a takedown
  // restores the listing (for a hit, ScreeningTakedowns::OverturnInTx);
  // either way the appellant gets a statement of reasons. kFailedPrecondition
  // (reason same_reviewer) for the reviewer who decided, or when decided.
  Result<domain::Appeal> DecideAppeal(const Principal& p, const std::string& id,
                                      const json::value& body);

  // ---- notifier programme
  struct Accuracy {
    std::string org_id;
    std::string standing;
    std::optional<Timestamp> limited_until;
    storage::NotifierTally window;  // over the programme window
    double accept_rate = 0;
    double restore_rate = 0;
    int window_days = 0;
  };
  Result<Accuracy> NotifierAccuracy(const Principal& p, const std::string& org_id);

  // ---- deadlines
  struct DueResult {
    int restored = 0;
    int lapsed = 0;
  };
  // Restores listings whose counter-notice window has lapsed without a
  // reported action, and lapses information requests past their deadline.
  Result<DueResult> RunDue();

  // Whether `p` may see notice `n` (tenancy rule shared with the API).
  static bool CanSee(const Principal& p, const domain::Notice& n);

  // Set once, before serving (App::Open); may be null. Not thread-safe.
  void SetTakedownObserver(TakedownObserver* o) { takedown_observer_ = o; }
  // Set once, before serving (App::Open); may be null (then hit appeals are
  // refused as unavailable). Not thread-safe.
  void SetScreeningTakedowns(ScreeningTakedowns* t) { screening_takedowns_ = t; }

  // ---- shared with own-initiative takedowns (service/screening.cc)
  // Suspends the seller and takes down its listings when the marketplace's
  // repeat-infringer policy says so (17 U.S.C. §512(i)(1)(A); DSA art.
  // 23(1)). Inside a write transaction.
  Status SuspendIfRepeatInfringer(storage::Tx& tx, const domain::Marketplace& m,
                                  const std::string& seller_id);
  // Stores `s` with a fresh id and the current time.
  Result<domain::StatementOfReasons> WriteStatement(storage::Tx& tx, domain::StatementOfReasons s);

 private:
  // What intake takes from the body once it has passed the checks that need
  // no database (fields, sizes, the principal's authority to file).
  struct IntakeFields {
    std::string listing_id;
    std::string right_id;
    std::string type;
    std::string principal_org;  // the rights holder the notice is filed for
  };
  // The database-free half of intake; IntakeInTx's errors for a bad body.
  Result<IntakeFields> ValidateIntake(const Principal& p, const json::value& body);
  // ValidateIntake, then the half that reads and writes the store.
  Result<domain::Notice> IntakeInTx(storage::Tx& tx, const Principal& p, const json::value& body,
                                    const std::string& source, const std::string& job_id);
  Result<domain::Notice> IntakeInTx(storage::Tx& tx, const Principal& p, const json::value& body,
                                    const IntakeFields& fields, const std::string& source,
                                    const std::string& job_id);
  Status AcceptInTx(storage::Tx& tx, const std::string& actor, domain::Notice& n,
                    const std::string& reason, bool automated);
  Status RejectInTx(storage::Tx& tx, const std::string& actor, domain::Notice& n,
                    const std::string& reason, const std::string& code);
  Status RestoreInTx(storage::Tx& tx, const std::string& actor, domain::Notice& n,
                     const std::string& why, const std::string& appeal_id);
  Status UpdateStanding(storage::Tx& tx, const domain::Marketplace& m, const std::string& org_id,
                        const storage::NotifierTally& delta);
  void AddTimeline(domain::Notice& n, const std::string& actor, std::string action,
                   std::string detail);
  Status EmitNotice(storage::Tx& tx, const domain::Notice& n, const std::string& type,
                    json::object extra = {});
  // The two halves of FileAppeal and DecideAppeal: on a notice, on a hit.
  Status FileNoticeAppealInTx(storage::Tx& tx, const Principal& p, const std::string& notice_id,
                              domain::Appeal& a);
  Status FileHitAppealInTx(storage::Tx& tx, const Principal& p, const std::string& hit_id,
                           domain::Appeal& a);
  Status DecideNoticeAppealInTx(storage::Tx& tx, const Principal& p, domain::Appeal& a,
                                const std::string& outcome, const std::string& reasons);
  Status DecideHitAppealInTx(storage::Tx& tx, const Principal& p, domain::Appeal& a,
                             const std::string& outcome, const std::string& reasons);

  ServiceContext& ctx_;
  TakedownObserver* takedown_observer_ = nullptr;
  ScreeningTakedowns* screening_takedowns_ = nullptr;
};

}  // namespace counterfoil::service
