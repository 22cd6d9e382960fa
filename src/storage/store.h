// Storage: the Store interface every persistence backend implements, and the
// repositories it hands out inside a transaction. Services own the
// transactions; the API layer never touches storage directly.
//
//   auto store = OpenSqliteStore({.path = dir + "/counterfoil.db"}).value();
//   Status s = store->Write([&](Tx& tx) -> Status {
//     ASSIGN_OR_RETURN(domain::Listing l, tx.listings().Get("L1"));
//     l.status = domain::ListingStatus::kRemoved;
//     RETURN_IF_ERROR(tx.listings().Update(l));
//     return tx.Audit({.actor = "usr_1", .action = "listing.removed", ...});
//   });
//   // s.ok() means the change is committed durably (fsync'd by SQLite).
//
// Write() calls from many threads are group-committed: a single writer runs
// the functions one after another inside one database transaction, each in
// its own savepoint (a function that returns an error is rolled back alone),
// then commits once and wakes every caller. Callers see serialisable
// semantics: each function sees the writes of the ones before it.
//
// SQL and schema are portable (TEXT, INTEGER, REAL, no SQLite-only types):
// PostgreSQL implements the same interface and passes the same test suite.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "domain/audit.h"
#include "domain/model.h"

namespace counterfoil::storage {

// A column value: NULL, integer or text.
using Value = std::variant<std::monostate, int64_t, std::string>;

struct Condition {
  // kHasToken: the column holds a token list "|a|b|" (TokenList) and contains
  // at least one of the values (none given: no row matches).
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kIsNull, kNotNull, kHasToken };
  std::string column;
  Op op = Op::kEq;
  std::vector<Value> values;
};

// Conditions on indexed columns, AND-ed. Column names are checked against the
// aggregate's schema (kInvalidArgument otherwise); values are always bound.
struct Filter {
  std::vector<Condition> conditions;
  Filter& Eq(std::string c, Value v) { return Add(std::move(c), Condition::Op::kEq, {std::move(v)}); }
  Filter& Ne(std::string c, Value v) { return Add(std::move(c), Condition::Op::kNe, {std::move(v)}); }
  Filter& Lt(std::string c, Value v) { return Add(std::move(c), Condition::Op::kLt, {std::move(v)}); }
  Filter& Le(std::string c, Value v) { return Add(std::move(c), Condition::Op::kLe, {std::move(v)}); }
  Filter& Gt(std::string c, Value v) { return Add(std::move(c), Condition::Op::kGt, {std::move(v)}); }
  Filter& Ge(std::string c, Value v) { return Add(std::move(c), Condition::Op::kGe, {std::move(v)}); }
  Filter& In(std::string c, std::vector<Value> vs) { return Add(std::move(c), Condition::Op::kIn, std::move(vs)); }
  Filter& IsNull(std::string c) { return Add(std::move(c), Condition::Op::kIsNull, {}); }
  Filter& NotNull(std::string c) { return Add(std::move(c), Condition::Op::kNotNull, {}); }
  Filter& HasToken(std::string c, std::vector<Value> vs) {
    return Add(std::move(c), Condition::Op::kHasToken, std::move(vs));
  }
  Filter& Add(std::string c, Condition::Op op, std::vector<Value> vs) {
    conditions.push_back({std::move(c), op, std::move(vs)});
    return *this;
  }
};

// A set of ids as one indexed column, for kHasToken: "|a|b|" (NULL when empty).
// Ids must not contain '|'.
Value TokenList(const std::vector<std::string>& ids);

// Keyset pagination. `order_by` names indexed columns (ascending unless
// `descending`); "id" is always appended as the tie-breaker. NULL sorts
// before every value (first ascending, last descending; PostgreSQL needs
// NULLS FIRST / NULLS LAST spelled out). `after` is the opaque cursor from a
// previous page's next_cursor.
struct PageRequest {
  std::vector<std::string> order_by;
  bool descending = false;
  std::string after;
  int limit = 50;  // 1..1000
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;  // empty on the last page
};

// The repository of one aggregate type. Obtained from a Tx; valid only
// inside the function passed to Store::Read/Write. Not thread-safe.
template <typename T>
class Repository {
 public:
  virtual ~Repository() = default;
  // kNotFound when absent.
  virtual Result<T> Get(std::string_view id) = 0;
  virtual Result<std::optional<T>> Find(std::string_view id) = 0;
  // kAlreadyExists when the id (or a unique column) is taken.
  virtual Status Insert(const T& v) = 0;
  // kNotFound when absent.
  virtual Status Update(const T& v) = 0;
  virtual Status Upsert(const T& v) = 0;
  virtual Status Delete(std::string_view id) = 0;
  // kInvalidArgument for an unknown column or a bad cursor.
  virtual Result<Page<T>> List(const Filter& f, const PageRequest& p) = 0;
  virtual Result<int64_t> Count(const Filter& f) = 0;
  // The first match in PageRequest order, if any.
  Result<std::optional<T>> First(const Filter& f, const PageRequest& p = {}) {
    PageRequest one = p;
    one.limit = 1;
    auto page = List(f, one);
    if (!page.ok()) return page.status();
    if (page->items.empty()) return std::optional<T>();
    return std::optional<T>(std::move(page->items.front()));
  }
};

// Replay record for the Idempotency-Key header.
struct IdempotentReply {
  std::string principal;     // who sent it (user id)
  std::string key;           // the Idempotency-Key value
  std::string request_hash;  // SHA-256 of method, path and body
  int status = 0;
  std::string body;
  std::string location;
  Timestamp created_at{};
};

// Metadata of a stored blob and who may read it.
struct BlobRef {
  std::string sha256;
  std::string owner_org_id;  // organisation that uploaded it ("" for platform)
  std::string owner_user_id;
  std::string content_type;
  std::string filename;
  int64_t size = 0;
  std::string purpose;  // certificate | evidence | authorisation | listing_photo | legal_action | csv
  Timestamp created_at{};
};

// Who may see an event in the feed: everything (`all`, platform staff), or
// the union of the events of `marketplace_id` (a marketplace integration) and
// the events whose org_ids name `org_id` (a rights holder or agent). With
// `seller_id` set it is a seller's scope: only that seller's events on
// `marketplace_id`, never the rest of the marketplace. An empty scope sees
// nothing.
struct EventScope {
  bool all = false;  // platform staff
  std::string marketplace_id;
  std::string org_id;
  std::string seller_id;
};

// Per-day notifier tallies behind the good-faith and misuse programmes.
struct NotifierTally {
  int64_t accepted = 0;
  int64_t rejected = 0;
  int64_t restored = 0;
  int64_t unfounded = 0;
};

class Tx {
 public:
  virtual ~Tx() = default;
  virtual Repository<domain::Organisation>& organisations() = 0;
  virtual Repository<domain::User>& users() = 0;
  virtual Repository<domain::ApiKey>& api_keys() = 0;
  virtual Repository<domain::Session>& sessions() = 0;
  virtual Repository<domain::AgentAuthorisation>& authorisations() = 0;
  virtual Repository<domain::Right>& rights() = 0;
  virtual Repository<domain::ProtectionProfile>& protection() = 0;  // id = org_id
  virtual Repository<domain::Marketplace>& marketplaces() = 0;
  virtual Repository<domain::Seller>& sellers() = 0;
  virtual Repository<domain::Listing>& listings() = 0;
  virtual Repository<domain::Notice>& notices() = 0;
  virtual Repository<domain::StatementOfReasons>& statements() = 0;
  virtual Repository<domain::CounterNotice>& counter_notices() = 0;
  virtual Repository<domain::Appeal>& appeals() = 0;
  virtual Repository<domain::Strike>& strikes() = 0;
  virtual Repository<domain::WebhookEndpoint>& webhooks() = 0;
  virtual Repository<domain::Delivery>& deliveries() = 0;
  virtual Repository<domain::Job>& jobs() = 0;
  virtual Repository<domain::ScreeningHit>& screening_hits() = 0;
  virtual Repository<domain::StayDownEntry>& stay_down() = 0;
  // id = domain::RuleStatKey(code, rights_holder_id)
  virtual Repository<domain::ScreeningRuleStat>& screening_rule_stats() = 0;
  virtual Repository<domain::PhotoBank>& photo_banks() = 0;
  virtual Repository<domain::PhotoHashEntry>& photo_hashes() = 0;

  // Appends to the hash chain; fills seq, prev_hash and hash. Write only.
  virtual Status Audit(domain::AuditEntry& e) = 0;
  // Entries with seq > after, in order, at most `limit`.
  virtual Result<std::vector<domain::AuditEntry>> AuditAfter(int64_t after, int limit) = 0;

  // Appends an event; fills seq. Write only.
  virtual Status AppendEvent(domain::Event& e) = 0;
  virtual Result<std::vector<domain::Event>> EventsAfter(int64_t after, const EventScope& scope,
                                                         int limit) = 0;

  virtual Result<std::optional<IdempotentReply>> FindIdempotent(std::string_view principal,
                                                                std::string_view key) = 0;
  virtual Status SaveIdempotent(const IdempotentReply& r) = 0;

  virtual Status PutBlobRef(const BlobRef& b) = 0;  // ignores an identical (sha, owner) pair
  virtual Result<std::vector<BlobRef>> BlobRefs(std::string_view sha256) = 0;

  // day is "YYYY-MM-DD".
  virtual Status AddNotifierTally(std::string_view org_id, std::string_view day,
                                  const NotifierTally& delta) = 0;
  // Sum over days >= from_day.
  virtual Result<NotifierTally> SumNotifierTally(std::string_view org_id,
                                                 std::string_view from_day) = 0;

  // Runs after the transaction commits (not if it rolls back), on the
  // writer, before Write() returns to its caller. Keep it short; it must not
  // call Store::Write. Write only.
  virtual void OnCommit(std::function<void()> fn) = 0;
};

struct StoreOptions {
  std::string path;          // database file; ":memory:" is not supported (readers need a file)
  int max_batch = 256;       // most Write() functions per commit
  int reader_connections = 8;
  bool synchronous_full = true;  // fsync on every commit (durable); off only in benchmarks' baseline
};

// Counters of a group-committing writer since the store was opened; the mean
// group size is `writes / commits`. Benchmarks and metrics read them.
struct WriteStats {
  int64_t commits = 0;      // durable transactions committed (one fsync each)
  int64_t writes = 0;       // Write() functions those transactions carried
  int64_t batch_ns = 0;     // writer time from BEGIN to durable COMMIT, summed
  int64_t commit_ns = 0;    // of which in COMMIT (writing and syncing the log)
};

class Store {
 public:
  virtual ~Store() = default;
  // Thread-safe; a backend without a group-committing writer reports zeros.
  virtual WriteStats Stats() const { return {}; }
  // Runs fn in a write transaction; returns fn's error (after rolling its
  // changes back) or the commit's. OK means durable. Thread-safe; blocks.
  virtual Status Write(const std::function<Status(Tx&)>& fn) = 0;
  // Runs fn against a consistent snapshot. Thread-safe; runs concurrently.
  virtual Status Read(const std::function<Status(Tx&)>& fn) = 0;
  // The schema version after migrations.
  virtual int SchemaVersion() const = 0;
  virtual std::string Describe() const = 0;  // "sqlite:/path/counterfoil.db"
};

// Opens (creating if needed) a SQLite database in WAL mode and applies the
// pending migrations. kUnavailable if the file cannot be opened or migrated.
Result<std::unique_ptr<Store>> OpenSqliteStore(const StoreOptions& opts);

// Cursor helpers shared by the implementations.
std::string EncodeCursor(const std::vector<Value>& values);
Result<std::vector<Value>> DecodeCursor(std::string_view cursor);

}  // namespace counterfoil::storage
