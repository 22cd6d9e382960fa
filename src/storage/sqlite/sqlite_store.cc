// SQLite implementation of storage::Store.
//
// One writer connection owned by a writer thread that group-commits the
// Write() calls queued while the previous commit was being fsync'd; a pool
// of reader connections for Read(). WAL mode lets readers run beside the
// writer; synchronous=FULL makes every COMMIT durable across power loss
// (https://www.sqlite.org/pragma.html#pragma_synchronous).
//
// The writer is the serial path every write waits on, so it does as little
// as it can: the statement journal behind each Write() function's savepoint
// stays in memory (temp_store=MEMORY) instead of spilling to a temporary
// file, and the transaction-control statements are prepared once.
#include <sqlite3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "storage/schema.h"
#include "storage/sqlite/migrations.h"
#include "storage/store.h"

namespace counterfoil::storage {

namespace {

using domain::AuditEntry;

// ------------------------------------------------------------ connection

class Db {
 public:
  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    if (db_) sqlite3_close(db_);
  }

  Status Open(const std::string& path, bool synchronous_full) {
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) return Unavailable("cannot open database " + path + ": " + Error());
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    RETURN_IF_ERROR(EnableWal());
    RETURN_IF_ERROR(Exec(synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF"));
    RETURN_IF_ERROR(Exec("PRAGMA foreign_keys=ON"));
    return Status::Ok();
  }

  // Switching a fresh database to WAL needs an exclusive lock, and SQLite
  // answers SQLITE_BUSY at once, without the busy handler, when another
  // connection is doing the same (its deadlock avoidance): several processes
  // opening a new database together hit this. Retry for as long as the busy
  // timeout would have waited. Once the file is in WAL mode (persistent) the
  // pragma is a no-op.
  Status EnableWal() {
    for (int waited = 0;; waited += kWalRetryMs) {
      int rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
      if (rc == SQLITE_OK) return Status::Ok();
      if ((rc & 0xff) != SQLITE_BUSY || waited >= kBusyTimeoutMs)
        return Unavailable("sqlite: cannot enable WAL: " + Error());
      sqlite3_sleep(kWalRetryMs);
    }
  }

  // Runs one of the fixed statements every transaction uses (BEGIN,
  // SAVEPOINT, RELEASE, COMMIT, ...) from the statement cache, so it is not
  // parsed again on every call as sqlite3_exec would. Same errors as Exec().
  Status ExecCached(const std::string& sql) {
    auto st = Prepare(sql);
    if (!st.ok()) return Unavailable("sqlite: " + Error());
    int rc;
    while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
    }
    Status s = rc == SQLITE_DONE ? Status::Ok() : Unavailable("sqlite: " + Error());
    sqlite3_reset(*st);
    return s;
  }

  Status Exec(std::string_view sql) {
    char* err = nullptr;
    std::string s(sql);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Unavailable("sqlite: " + msg);
    }
    return Status::Ok();
  }

  // A cached prepared statement, reset and with bindings cleared.
  Result<sqlite3_stmt*> Prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) !=
        SQLITE_OK) {
      return Internal("sqlite prepare failed: " + Error() + " in: " + sql);
    }
    cache_.emplace(sql, st);
    return st;
  }

  std::string Error() const { return db_ ? sqlite3_errmsg(db_) : "no connection"; }
  sqlite3* raw() { return db_; }

 private:
  static constexpr int kBusyTimeoutMs = 10000;
  static constexpr int kWalRetryMs = 10;

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

void Bind(sqlite3_stmt* st, int i, const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) {
    sqlite3_bind_null(st, i);
  } else if (auto* n = std::get_if<int64_t>(&v)) {
    sqlite3_bind_int64(st, i, *n);
  } else {
    const auto& s = std::get<std::string>(v);
    sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
}

void BindText(sqlite3_stmt* st, int i, std::string_view s) {
  sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

std::string ColumnText(sqlite3_stmt* st, int i) {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
  return p ? std::string(p, sqlite3_column_bytes(st, i)) : std::string();
}

// The column's text without a copy; valid until the statement is stepped,
// reset or finalized.
std::string_view ColumnView(sqlite3_stmt* st, int i) {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st, i)))
           : std::string_view();
}

Value ColumnValue(sqlite3_stmt* st, int i) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL: return std::monostate{};
    case SQLITE_INTEGER: return int64_t{sqlite3_column_int64(st, i)};
    default: return ColumnText(st, i);
  }
}

Status StepError(Db& db, int rc, std::string_view what) {
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    return AlreadyExists(std::string(what) + " already exists");
  }
  if ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_BUSY) {
    return Unavailable("database unavailable: " + db.Error());
  }
  return Internal("sqlite: " + db.Error());
}

// Runs a statement to completion (no rows expected).
Status Run(Db& db, sqlite3_stmt* st, std::string_view what) {
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    Status s = StepError(db, rc, what);
    sqlite3_reset(st);
    return s;
  }
  sqlite3_reset(st);
  return Status::Ok();
}

std::string OpSql(Condition::Op op) {
  switch (op) {
    case Condition::Op::kEq: return " = ?";
    case Condition::Op::kNe: return " <> ?";
    case Condition::Op::kLt: return " < ?";
    case Condition::Op::kLe: return " <= ?";
    case Condition::Op::kGt: return " > ?";
    case Condition::Op::kGe: return " >= ?";
    case Condition::Op::kIsNull: return " IS NULL";
    case Condition::Op::kNotNull: return " IS NOT NULL";
    case Condition::Op::kIn: return "";
    case Condition::Op::kHasToken: return "";
  }
  return "";
}

// ------------------------------------------------------------ repository

template <typename T>
class SqliteRepository final : public Repository<T> {
 public:
  SqliteRepository(Db& db, const bool& writable) : db_(db), writable_(writable) {}

  Result<std::optional<T>> Find(std::string_view id) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * st,
                     db_.Prepare("SELECT doc FROM " + Table() + " WHERE id = ?"));
    BindText(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
      sqlite3_reset(st);
      return std::optional<T>();
    }
    if (rc != SQLITE_ROW) return StepError(db_, rc, Table());
    // Parsed in place: the column text stays valid until the reset.
    auto v = Decode(ColumnView(st, 0));
    sqlite3_reset(st);
    if (!v.ok()) return v.status();
    return std::optional<T>(std::move(v).value());
  }

  Result<T> Get(std::string_view id) override {
    ASSIGN_OR_RETURN(std::optional<T> v, Find(id));
    if (!v) return NotFound(Singular() + " " + std::string(id) + " not found");
    return std::move(*v);
  }

  Status Insert(const T& v) override {
    RETURN_IF_ERROR(CheckWritable());
    std::string sql = "INSERT INTO " + Table() + " (id, doc";
    std::string qs = "?, ?";
    for (auto c : Schema<T>::Columns()) {
      sql += ", ";
      sql += c;
      qs += ", ?";
    }
    sql += ") VALUES (" + qs + ")";
    ASSIGN_OR_RETURN(sqlite3_stmt * st, db_.Prepare(sql));
    BindRow(st, v);
    return Run(db_, st, Singular() + " " + Schema<T>::Id(v));
  }

  Status Update(const T& v) override {
    RETURN_IF_ERROR(CheckWritable());
    std::string sql = "UPDATE " + Table() + " SET doc = ?2";
    int i = 3;
    for (auto c : Schema<T>::Columns()) {
      sql += ", ";
      sql += c;
      sql += " = ?" + std::to_string(i++);
    }
    sql += " WHERE id = ?1";
    ASSIGN_OR_RETURN(sqlite3_stmt * st, db_.Prepare(sql));
    BindRow(st, v);
    RETURN_IF_ERROR(Run(db_, st, Singular()));
    if (sqlite3_changes(db_.raw()) == 0)
      return NotFound(Singular() + " " + Schema<T>::Id(v) + " not found");
    return Status::Ok();
  }

  Status Upsert(const T& v) override {
    RETURN_IF_ERROR(CheckWritable());
    std::string sql = "INSERT INTO " + Table() + " (id, doc";
    std::string qs = "?1, ?2";
    std::string set = "doc = excluded.doc";
    int i = 3;
    for (auto c : Schema<T>::Columns()) {
      sql += ", ";
      sql += c;
      qs += ", ?" + std::to_string(i++);
      set += ", " + std::string(c) + " = excluded." + std::string(c);
    }
    sql += ") VALUES (" + qs + ") ON CONFLICT (id) DO UPDATE SET " + set;
    ASSIGN_OR_RETURN(sqlite3_stmt * st, db_.Prepare(sql));
    BindRow(st, v);
    return Run(db_, st, Singular() + " " + Schema<T>::Id(v));
  }

  Status Delete(std::string_view id) override {
    RETURN_IF_ERROR(CheckWritable());
    ASSIGN_OR_RETURN(sqlite3_stmt * st, db_.Prepare("DELETE FROM " + Table() + " WHERE id = ?"));
    BindText(st, 1, id);
    return Run(db_, st, Singular());
  }

  Result<Page<T>> List(const Filter& f, const PageRequest& p) override {
    if (p.limit < 1 || p.limit > 1000) return InvalidArgument("limit must be 1..1000", "limit");
    std::vector<std::string> order = p.order_by;
    for (const auto& c : order) RETURN_IF_ERROR(CheckColumn(c));
    order.push_back("id");
    std::string sql = "SELECT doc";
    for (const auto& c : order) sql += ", " + c;
    sql += " FROM " + Table();
    std::vector<Value> binds;
    ASSIGN_OR_RETURN(std::string where, Where(f, binds));
    if (!p.after.empty()) {
      ASSIGN_OR_RETURN(std::vector<Value> cursor, DecodeCursor(p.after));
      if (cursor.size() != order.size()) return InvalidArgument("cursor does not match this listing", "cursor");
      where += where.empty() ? " WHERE " : " AND ";
      where += AfterCursor(order, cursor, p.descending, binds);
    }
    sql += where + " ORDER BY ";
    for (size_t i = 0; i < order.size(); ++i) {
      if (i) sql += ", ";
      sql += order[i] + (p.descending ? " DESC" : "");
    }
    sql += " LIMIT " + std::to_string(p.limit + 1);
    ASSIGN_OR_RETURN(sqlite3_stmt * st, db_.Prepare(sql));
    for (size_t i = 0; i < binds.size(); ++i) Bind(st, static_cast<int>(i + 1), binds[i]);
    Page<T> page;
    std::vector<Value> last;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (static_cast<int>(page.items.size()) == p.limit) {
        page.next_cursor = EncodeCursor(last);
        break;
      }
      auto v = Decode(ColumnView(st, 0));
      if (!v.ok()) {
        sqlite3_reset(st);
        return v.status();
      }
      page.items.push_back(std::move(v).value());
      last.clear();
      for (size_t i = 0; i < order.size(); ++i)
        last.push_back(ColumnValue(st, static_cast<int>(i + 1)));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      Status s = StepError(db_, rc, Table());
      sqlite3_reset(st);
      return s;
    }
    sqlite3_reset(st);
    return page;
  }

  Result<int64_t> Count(const Filter& f) override {
    std::vector<Value> binds;
    ASSIGN_OR_RETURN(std::string where, Where(f, binds));
    ASSIGN_OR_RETURN(sqlite3_stmt * st, db_.Prepare("SELECT COUNT(*) FROM " + Table() + where));
    for (size_t i = 0; i < binds.size(); ++i) Bind(st, static_cast<int>(i + 1), binds[i]);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return StepError(db_, rc, Table());
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return n;
  }

 private:
  static std::string Table() { return std::string(Schema<T>::kTable); }
  static std::string Singular() {
    std::string t = Table();
    if (!t.empty() && t.back() == 's') t.pop_back();
    return t;
  }
  Status CheckWritable() const {
    if (!writable_) return Internal("write attempted in a read transaction");
    return Status::Ok();
  }
  static Status CheckColumn(const std::string& c) {
    if (c == "id") return Status::Ok();
    for (auto k : Schema<T>::Columns())
      if (k == c) return Status::Ok();
    return InvalidArgument("cannot filter or sort " + Table() + " by " + c, c);
  }
  Result<std::string> Where(const Filter& f, std::vector<Value>& binds) const {
    std::string w;
    for (const auto& c : f.conditions) {
      RETURN_IF_ERROR(CheckColumn(c.column));
      w += w.empty() ? " WHERE " : " AND ";
      if (c.op == Condition::Op::kIn) {
        if (c.values.empty()) {
          w += "0 = 1";
          continue;
        }
        w += c.column + " IN (";
        for (size_t i = 0; i < c.values.size(); ++i) {
          w += i ? ", ?" : "?";
          binds.push_back(c.values[i]);
        }
        w += ")";
      } else if (c.op == Condition::Op::kHasToken) {
        // instr() on "|a|b|": portable enough (PostgreSQL: strpos) and the
        // lists are short (the rights holders of one hit).
        if (c.values.empty()) {
          w += "0 = 1";
          continue;
        }
        w += "(";
        for (size_t i = 0; i < c.values.size(); ++i) {
          w += i ? " OR " : "";
          w += "instr(" + c.column + ", '|' || ? || '|') > 0";
          binds.push_back(c.values[i]);
        }
        w += ")";
      } else {
        w += c.column + OpSql(c.op);
        if (c.op != Condition::Op::kIsNull && c.op != Condition::Op::kNotNull) {
          if (c.values.size() != 1) return Internal("condition needs one value");
          binds.push_back(c.values[0]);
        }
      }
    }
    return w;
  }
  // The keyset condition "the row sorts after the cursor row". SQLite sorts
  // NULL before every value (first ascending, last descending), and a row
  // value comparison with a NULL in it is NULL, not true, so the plain
  // (c1, c2, id) > (?, ?, ?) is only right ascending with no NULL in the
  // cursor. Otherwise spell out the lexicographic comparison
  //   c1 after v1 OR (c1 = v1 AND c2 after v2) OR … OR (… AND id after vid)
  // with NULL-aware terms. Returns a parenthesised expression; appends binds.
  static std::string AfterCursor(const std::vector<std::string>& order,
                                 const std::vector<Value>& cursor, bool descending,
                                 std::vector<Value>& binds) {
    auto is_null = [](const Value& v) { return std::holds_alternative<std::monostate>(v); };
    if (!descending && std::none_of(cursor.begin(), cursor.end(), is_null)) {
      std::string lhs, rhs;
      for (size_t i = 0; i < order.size(); ++i) {
        lhs += (i ? ", " : "") + order[i];
        rhs += i ? ", ?" : "?";
        binds.push_back(cursor[i]);
      }
      return "((" + lhs + ") > (" + rhs + "))";
    }
    std::string out;
    std::string equal_prefix;  // "c1 = ? AND c2 IS NULL AND "
    std::vector<Value> prefix_binds;
    for (size_t k = 0; k < order.size(); ++k) {
      const std::string& c = order[k];
      const Value& v = cursor[k];
      std::string after;  // c sorts strictly after v
      bool after_binds_v = false;
      if (descending) {
        if (!is_null(v)) {
          after = "(" + c + " < ? OR " + c + " IS NULL)";
          after_binds_v = true;
        }  // nothing sorts after NULL descending
      } else {
        if (is_null(v)) {
          after = c + " IS NOT NULL";
        } else {
          after = c + " > ?";
          after_binds_v = true;
        }
      }
      if (!after.empty()) {
        out += (out.empty() ? "" : " OR ") + ("(" + equal_prefix + after + ")");
        binds.insert(binds.end(), prefix_binds.begin(), prefix_binds.end());
        if (after_binds_v) binds.push_back(v);
      }
      if (is_null(v)) {
        equal_prefix += c + " IS NULL AND ";
      } else {
        equal_prefix += c + " = ? AND ";
        prefix_binds.push_back(v);
      }
    }
    return "(" + (out.empty() ? std::string("0 = 1") : out) + ")";
  }

  void BindRow(sqlite3_stmt* st, const T& v) {
    BindText(st, 1, Schema<T>::Id(v));
    std::string doc;
    if constexpr (requires(json::storage_ptr sp) { domain::ToJson(v, sp); }) {
      // The document is built only to be serialised: build it in an arena
      // (one stack buffer, then geometric blocks), not node by node on the heap.
      unsigned char buf[16384];
      json::monotonic_resource arena(buf, sizeof buf);
      doc = json::serialize(domain::ToJson(v, &arena));
    } else {
      doc = json::serialize(domain::ToJson(v));
    }
    BindText(st, 2, doc);
    auto values = Schema<T>::Values(v);
    for (size_t i = 0; i < values.size(); ++i) Bind(st, static_cast<int>(i + 3), values[i]);
  }
  // The parsed tree lives in an arena that dies here: FromJson copies what it
  // keeps into default storage (GetObject/GetArray copy explicitly, and
  // assigning into a member keeps the member's storage).
  static Result<T> Decode(std::string_view doc) {
    unsigned char buf[16384];
    json::monotonic_resource arena(buf, sizeof buf);
    boost::system::error_code ec;
    json::value jv = json::parse(doc, ec, &arena);
    if (ec || !jv.is_object()) return Internal("corrupt " + Table() + " document");
    T v;
    domain::FromJson(jv.get_object(), v);
    return v;
  }

  Db& db_;
  const bool& writable_;
};

// ------------------------------------------------------------ transaction

struct AuditHead {
  int64_t seq = 0;
  std::string hash = domain::kAuditGenesisHash;
};

class SqliteTx final : public Tx {
 public:
  SqliteTx(Db& db, bool writable, AuditHead* head)
      : db_(db),
        writable_(writable),
        head_(head),
        organisations_(db, writable_),
        users_(db, writable_),
        api_keys_(db, writable_),
        sessions_(db, writable_),
        authorisations_(db, writable_),
        rights_(db, writable_),
        protection_(db, writable_),
        marketplaces_(db, writable_),
        sellers_(db, writable_),
        listings_(db, writable_),
        notices_(db, writable_),
        statements_(db, writable_),
        counter_notices_(db, writable_),
        appeals_(db, writable_),
        strikes_(db, writable_),
        webhooks_(db, writable_),
        deliveries_(db, writable_),
        jobs_(db, writable_),
        screening_hits_(db, writable_),
        stay_down_(db, writable_),
        screening_rule_stats_(db, writable_),
        photo_banks_(db, writable_),
        photo_hashes_(db, writable_) {}

  Repository<domain::Organisation>& organisations() override { return organisations_; }
  Repository<domain::User>& users() override { return users_; }
  Repository<domain::ApiKey>& api_keys() override { return api_keys_; }
  Repository<domain::Session>& sessions() override { return sessions_; }
  Repository<domain::AgentAuthorisation>& authorisations() override { return authorisations_; }
  Repository<domain::Right>& rights() override { return rights_; }
  Repository<domain::ProtectionProfile>& protection() override { return protection_; }
  Repository<domain::Marketplace>& marketplaces() override { return marketplaces_; }
  Repository<domain::Seller>& sellers() override { return sellers_; }
  Repository<domain::Listing>& listings() override { return listings_; }
  Repository<domain::Notice>& notices() override { return notices_; }
  Repository<domain::StatementOfReasons>& statements() override { return statements_; }
  Repository<domain::CounterNotice>& counter_notices() override { return counter_notices_; }
  Repository<domain::Appeal>& appeals() override { return appeals_; }
  Repository<domain::Strike>& strikes() override { return strikes_; }
  Repository<domain::WebhookEndpoint>& webhooks() override { return webhooks_; }
  Repository<domain::Delivery>& deliveries() override { return deliveries_; }
  Repository<domain::Job>& jobs() override { return jobs_; }
  Repository<domain::ScreeningHit>& screening_hits() override { return screening_hits_; }
  Repository<domain::StayDownEntry>& stay_down() override { return stay_down_; }
  Repository<domain::ScreeningRuleStat>& screening_rule_stats() override {
    return screening_rule_stats_;
  }
  Repository<domain::PhotoBank>& photo_banks() override { return photo_banks_; }
  Repository<domain::PhotoHashEntry>& photo_hashes() override { return photo_hashes_; }

  Status Audit(AuditEntry& e) override {
    RETURN_IF_ERROR(CheckWritable());
    e.seq = head_->seq + 1;
    e.prev_hash = head_->hash;
    e.hash = domain::ComputeAuditHash(e);
    ASSIGN_OR_RETURN(sqlite3_stmt * st,
                     db_.Prepare("INSERT INTO audit_log (seq, at, actor, action, entity_type, "
                                 "entity_id, data, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)"));
    sqlite3_bind_int64(st, 1, e.seq);
    BindText(st, 2, FormatTime(e.at));
    BindText(st, 3, e.actor);
    BindText(st, 4, e.action);
    BindText(st, 5, e.entity_type);
    BindText(st, 6, e.entity_id);
    BindText(st, 7, e.data);
    BindText(st, 8, e.prev_hash);
    BindText(st, 9, e.hash);
    RETURN_IF_ERROR(Run(db_, st, "audit entry"));
    head_->seq = e.seq;
    head_->hash = e.hash;
    return Status::Ok();
  }

  Result<std::vector<AuditEntry>> AuditAfter(int64_t after, int limit) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * st,
                     db_.Prepare("SELECT seq, at, actor, action, entity_type, entity_id, data, "
                                 "prev_hash, hash FROM audit_log WHERE seq > ? ORDER BY seq "
                                 "LIMIT ?"));
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int(st, 2, limit);
    std::vector<AuditEntry> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      AuditEntry e;
      e.seq = sqlite3_column_int64(st, 0);
      auto at = ParseTime(ColumnText(st, 1));
      e.at = at.ok() ? *at : Timestamp{};
      e.actor = ColumnText(st, 2);
      e.action = ColumnText(st, 3);
      e.entity_type = ColumnText(st, 4);
      e.entity_id = ColumnText(st, 5);
      e.data = ColumnText(st, 6);
      e.prev_hash = ColumnText(st, 7);
      e.hash = ColumnText(st, 8);
      out.push_back(std::move(e));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return StepError(db_, rc, "audit_log");
    return out;
  }

  Status AppendEvent(domain::Event& e) override {
    RETURN_IF_ERROR(CheckWritable());
    ASSIGN_OR_RETURN(sqlite3_stmt * st,
                     db_.Prepare("INSERT INTO events (id, type, marketplace_id, org_ids, "
                                 "seller_id, subject_id, at, doc) VALUES (?,?,?,?,?,?,?,?)"));
    std::string orgs = "|";
    for (const auto& o : e.org_ids) orgs += o + "|";
    BindText(st, 1, e.id);
    BindText(st, 2, e.type);
    BindText(st, 3, e.marketplace_id);
    BindText(st, 4, orgs);
    BindText(st, 5, e.seller_id);
    BindText(st, 6, e.subject_id);
    BindText(st, 7, FormatTime(e.at));
    unsigned char buf[4096];
    json::monotonic_resource arena(buf, sizeof buf);
    std::string doc = json::serialize(domain::ToJson(e, &arena));
    BindText(st, 8, doc);
    RETURN_IF_ERROR(Run(db_, st, "event " + e.id));
    e.seq = sqlite3_last_insert_rowid(db_.raw());
    return Status::Ok();
  }

  Result<std::vector<domain::Event>> EventsAfter(int64_t after, const EventScope& scope,
                                                 int limit) override {
    // A scope with a seller_id is a seller's: it sees that seller's events on
    // its marketplace only. marketplace_id on its own (a marketplace
    // integration) sees the whole marketplace, so it must not be OR-ed in for
    // a seller, or every seller would read every other seller's events.
    const bool seller_scope = !scope.seller_id.empty();
    std::string sql = "SELECT seq, doc FROM events WHERE seq > ?1";
    if (!scope.all) {
      sql += " AND (0 = 1";
      if (!scope.marketplace_id.empty() && !seller_scope) sql += " OR marketplace_id = ?2";
      if (!scope.org_id.empty()) sql += " OR instr(org_ids, '|' || ?3 || '|') > 0";
      if (seller_scope) sql += " OR (seller_id = ?4 AND marketplace_id = ?5)";
      sql += ")";
    }
    sql += " ORDER BY seq LIMIT ?6";
    ASSIGN_OR_RETURN(sqlite3_stmt * st, db_.Prepare(sql));
    sqlite3_bind_int64(st, 1, after);
    if (!scope.all) {
      if (!scope.marketplace_id.empty() && !seller_scope) BindText(st, 2, scope.marketplace_id);
      if (!scope.org_id.empty()) BindText(st, 3, scope.org_id);
      if (seller_scope) {
        BindText(st, 4, scope.seller_id);
        BindText(st, 5, scope.marketplace_id);
      }
    }
    sqlite3_bind_int(st, 6, limit);
    std::vector<domain::Event> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      boost::system::error_code ec;
      json::value jv = json::parse(ColumnText(st, 1), ec);
      if (ec || !jv.is_object()) continue;
      domain::Event e;
      domain::FromJson(jv.get_object(), e);
      e.seq = sqlite3_column_int64(st, 0);
      out.push_back(std::move(e));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return StepError(db_, rc, "events");
    return out;
  }

  Result<std::optional<IdempotentReply>> FindIdempotent(std::string_view principal,
                                                        std::string_view key) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * st,
                     db_.Prepare("SELECT request_hash, status, body, location, created_at FROM "
                                 "idempotency_keys WHERE principal = ? AND key = ?"));
    BindText(st, 1, principal);
    BindText(st, 2, key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
      sqlite3_reset(st);
      return std::optional<IdempotentReply>();
    }
    if (rc != SQLITE_ROW) return StepError(db_, rc, "idempotency key");
    IdempotentReply r;
    r.principal = principal;
    r.key = key;
    r.request_hash = ColumnText(st, 0);
    r.status = sqlite3_column_int(st, 1);
    r.body = ColumnText(st, 2);
    r.location = ColumnText(st, 3);
    auto at = ParseTime(ColumnText(st, 4));
    r.created_at = at.ok() ? *at : Timestamp{};
    sqlite3_reset(st);
    return std::optional<IdempotentReply>(std::move(r));
  }

  Status SaveIdempotent(const IdempotentReply& r) override {
    RETURN_IF_ERROR(CheckWritable());
    ASSIGN_OR_RETURN(sqlite3_stmt * st,
                     db_.Prepare("INSERT INTO idempotency_keys (principal, key, request_hash, "
                                 "status, body, location, created_at) VALUES (?,?,?,?,?,?,?)"));
    BindText(st, 1, r.principal);
    BindText(st, 2, r.key);
    BindText(st, 3, r.request_hash);
    sqlite3_bind_int(st, 4, r.status);
    BindText(st, 5, r.body);
    BindText(st, 6, r.location);
    BindText(st, 7, FormatTime(r.created_at));
    return Run(db_, st, "idempotency key");
  }

  Status PutBlobRef(const BlobRef& b) override {
    RETURN_IF_ERROR(CheckWritable());
    ASSIGN_OR_RETURN(sqlite3_stmt * st,
                     db_.Prepare("INSERT INTO blobs (sha256, owner_org_id, owner_user_id, "
                                 "content_type, filename, size, purpose, created_at) VALUES "
                                 "(?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"));
    BindText(st, 1, b.sha256);
    BindText(st, 2, b.owner_org_id);
    BindText(st, 3, b.owner_user_id);
    BindText(st, 4, b.content_type);
    BindText(st, 5, b.filename);
    sqlite3_bind_int64(st, 6, b.size);
    BindText(st, 7, b.purpose);
    BindText(st, 8, FormatTime(b.created_at));
    return Run(db_, st, "blob");
  }

  Result<std::vector<BlobRef>> BlobRefs(std::string_view sha256) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * st,
                     db_.Prepare("SELECT owner_org_id, owner_user_id, content_type, filename, "
                                 "size, purpose, created_at FROM blobs WHERE sha256 = ?"));
    BindText(st, 1, sha256);
    std::vector<BlobRef> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      BlobRef b;
      b.sha256 = sha256;
      b.owner_org_id = ColumnText(st, 0);
      b.owner_user_id = ColumnText(st, 1);
      b.content_type = ColumnText(st, 2);
      b.filename = ColumnText(st, 3);
      b.size = sqlite3_column_int64(st, 4);
      b.purpose = ColumnText(st, 5);
      auto at = ParseTime(ColumnText(st, 6));
      b.created_at = at.ok() ? *at : Timestamp{};
      out.push_back(std::move(b));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return StepError(db_, rc, "blobs");
    return out;
  }

  Status AddNotifierTally(std::string_view org_id, std::string_view day,
                          const NotifierTally& d) override {
    RETURN_IF_ERROR(CheckWritable());
    ASSIGN_OR_RETURN(
        sqlite3_stmt * st,
        db_.Prepare("INSERT INTO notifier_tally (org_id, day, accepted, rejected, restored, "
                    "unfounded) VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT (org_id, day) DO UPDATE "
                    "SET accepted = notifier_tally.accepted + excluded.accepted, rejected = "
                    "notifier_tally.rejected + excluded.rejected, restored = "
                    "notifier_tally.restored + excluded.restored, unfounded = "
                    "notifier_tally.unfounded + excluded.unfounded"));
    BindText(st, 1, org_id);
    BindText(st, 2, day);
    sqlite3_bind_int64(st, 3, d.accepted);
    sqlite3_bind_int64(st, 4, d.rejected);
    sqlite3_bind_int64(st, 5, d.restored);
    sqlite3_bind_int64(st, 6, d.unfounded);
    return Run(db_, st, "notifier tally");
  }

  Result<NotifierTally> SumNotifierTally(std::string_view org_id,
                                         std::string_view from_day) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * st,
                     db_.Prepare("SELECT COALESCE(SUM(accepted),0), COALESCE(SUM(rejected),0), "
                                 "COALESCE(SUM(restored),0), COALESCE(SUM(unfounded),0) FROM "
                                 "notifier_tally WHERE org_id = ? AND day >= ?"));
    BindText(st, 1, org_id);
    BindText(st, 2, from_day);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return StepError(db_, rc, "notifier tally");
    NotifierTally t{sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                    sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3)};
    sqlite3_reset(st);
    return t;
  }

  void OnCommit(std::function<void()> fn) override { on_commit_.push_back(std::move(fn)); }

  std::vector<std::function<void()>> TakeOnCommit() { return std::move(on_commit_); }
  void ClearOnCommit() { on_commit_.clear(); }

 private:
  Status CheckWritable() const {
    if (!writable_) return Internal("write attempted in a read transaction");
    return Status::Ok();
  }

  Db& db_;
  bool writable_;
  AuditHead* head_;
  std::vector<std::function<void()>> on_commit_;
  SqliteRepository<domain::Organisation> organisations_;
  SqliteRepository<domain::User> users_;
  SqliteRepository<domain::ApiKey> api_keys_;
  SqliteRepository<domain::Session> sessions_;
  SqliteRepository<domain::AgentAuthorisation> authorisations_;
  SqliteRepository<domain::Right> rights_;
  SqliteRepository<domain::ProtectionProfile> protection_;
  SqliteRepository<domain::Marketplace> marketplaces_;
  SqliteRepository<domain::Seller> sellers_;
  SqliteRepository<domain::Listing> listings_;
  SqliteRepository<domain::Notice> notices_;
  SqliteRepository<domain::StatementOfReasons> statements_;
  SqliteRepository<domain::CounterNotice> counter_notices_;
  SqliteRepository<domain::Appeal> appeals_;
  SqliteRepository<domain::Strike> strikes_;
  SqliteRepository<domain::WebhookEndpoint> webhooks_;
  SqliteRepository<domain::Delivery> deliveries_;
  SqliteRepository<domain::Job> jobs_;
  SqliteRepository<domain::ScreeningHit> screening_hits_;
  SqliteRepository<domain::StayDownEntry> stay_down_;
  SqliteRepository<domain::ScreeningRuleStat> screening_rule_stats_;
  SqliteRepository<domain::PhotoBank> photo_banks_;
  SqliteRepository<domain::PhotoHashEntry> photo_hashes_;
};

// ------------------------------------------------------------ store

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(StoreOptions opts) : opts_(std::move(opts)) {}

  ~SqliteStore() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (writer_.joinable()) writer_.join();
  }

  Status Init() {
    RETURN_IF_ERROR(writer_db_.Open(opts_.path, opts_.synchronous_full));
    // The statement journal behind each Write() function's savepoint: in
    // memory, not a temporary file written on every batch.
    RETURN_IF_ERROR(writer_db_.Exec("PRAGMA temp_store=MEMORY"));
    RETURN_IF_ERROR(Migrate());
    RETURN_IF_ERROR(LoadAuditHead());
    for (int i = 0; i < std::max(1, opts_.reader_connections); ++i) {
      auto db = std::make_unique<Db>();
      RETURN_IF_ERROR(db->Open(opts_.path, opts_.synchronous_full));
      RETURN_IF_ERROR(db->Exec("PRAGMA query_only=ON"));
      free_readers_.push_back(db.get());
      readers_.push_back(std::move(db));
    }
    writer_ = std::thread([this] { WriterLoop(); });
    return Status::Ok();
  }

  Status Write(const std::function<Status(Tx&)>& fn) override {
    WriteRequest req{&fn, {}};
    std::future<Status> done = req.promise.get_future();
    {
      std::lock_guard lock(mu_);
      if (stopping_) return Unavailable("store is shutting down");
      queue_.push_back(&req);
    }
    cv_.notify_one();
    return done.get();
  }

  Status Read(const std::function<Status(Tx&)>& fn) override {
    Db* db;
    {
      std::unique_lock lock(readers_mu_);
      readers_cv_.wait(lock, [&] { return !free_readers_.empty(); });
      db = free_readers_.back();
      free_readers_.pop_back();
    }
    Status s = db->ExecCached("BEGIN");
    if (s.ok()) {
      SqliteTx tx(*db, /*writable=*/false, nullptr);
      try {
        s = fn(tx);
      } catch (const std::exception& e) {
        s = Internal(std::string("unexpected exception in read: ") + e.what());
      } catch (...) {
        s = Internal("unexpected non-standard exception in read");
      }
      (void)db->ExecCached("COMMIT");
    }
    {
      std::lock_guard lock(readers_mu_);
      free_readers_.push_back(db);
    }
    readers_cv_.notify_one();
    return s;
  }

  int SchemaVersion() const override { return schema_version_; }
  std::string Describe() const override { return "sqlite:" + opts_.path; }
  WriteStats Stats() const override {
    return {commits_.load(std::memory_order_relaxed), writes_.load(std::memory_order_relaxed),
            batch_ns_.load(std::memory_order_relaxed), commit_ns_.load(std::memory_order_relaxed)};
  }

 private:
  struct WriteRequest {
    const std::function<Status(Tx&)>* fn;
    std::promise<Status> promise;
  };

  // Applies the pending migrations inside one IMMEDIATE transaction: the
  // version is read under the write lock, so two processes opening the same
  // database at once cannot both apply migration N (the second waits, then
  // finds nothing to do).
  Status Migrate() {
    RETURN_IF_ERROR(writer_db_.Exec("BEGIN IMMEDIATE"));
    std::vector<const sqlite::Migration*> applied;
    Status s = ApplyPendingMigrations(applied);
    if (!s.ok()) {
      (void)writer_db_.Exec("ROLLBACK");
      return s;
    }
    s = writer_db_.Exec("COMMIT");
    if (!s.ok()) {
      (void)writer_db_.Exec("ROLLBACK");
      return s;
    }
    for (const auto* m : applied)
      spdlog::info("applied migration {}: {}", m->version, m->description);
    const auto& all = sqlite::Migrations();
    schema_version_ = all.empty() ? 0 : all.back().version;
    return Status::Ok();
  }

  // Runs inside Migrate's transaction; appends what it applied.
  Status ApplyPendingMigrations(std::vector<const sqlite::Migration*>& applied) {
    RETURN_IF_ERROR(writer_db_.Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "description TEXT NOT NULL, applied_at TEXT NOT NULL)"));
    ASSIGN_OR_RETURN(sqlite3_stmt * st,
                     writer_db_.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    if (sqlite3_step(st) != SQLITE_ROW) {
      sqlite3_reset(st);
      return Unavailable("cannot read schema version: " + writer_db_.Error());
    }
    int current = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    const auto& all = sqlite::Migrations();
    if (!all.empty() && current > all.back().version) {
      return Unavailable("database schema version " + std::to_string(current) +
                         " is newer than this program (" + std::to_string(all.back().version) +
                         ")");
    }
    for (const auto& m : all) {
      if (m.version <= current) continue;
      Status s = writer_db_.Exec(m.sql);
      if (s.ok()) {
        auto ins = writer_db_.Prepare(
            "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?,?,?)");
        if (!ins.ok()) {
          s = ins.status();
        } else {
          sqlite3_bind_int(*ins, 1, m.version);
          BindText(*ins, 2, m.description);
          BindText(*ins, 3, FormatTime(SystemClock::Default()->Now()));
          s = Run(writer_db_, *ins, "migration");
        }
      }
      if (!s.ok()) {
        return Unavailable("migration " + std::to_string(m.version) + " failed: " + s.message());
      }
      applied.push_back(&m);
    }
    return Status::Ok();
  }

  Status LoadAuditHead() {
    ASSIGN_OR_RETURN(sqlite3_stmt * st,
                     writer_db_.Prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      head_.seq = sqlite3_column_int64(st, 0);
      head_.hash = ColumnText(st, 1);
    }
    sqlite3_reset(st);
    return Status::Ok();
  }

  static int64_t Nanos(std::chrono::steady_clock::duration d) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  }

  void WriterLoop() {
    std::vector<WriteRequest*> batch;
    while (true) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && stopping_) return;
        while (!queue_.empty() && static_cast<int>(batch.size()) < opts_.max_batch) {
          batch.push_back(queue_.front());
          queue_.pop_front();
        }
      }
      RunBatch(batch);
      batch.clear();
    }
  }

  void RunBatch(const std::vector<WriteRequest*>& batch) {
    std::vector<Status> results(batch.size());
    std::vector<std::function<void()>> callbacks;
    AuditHead batch_start = head_;
    const auto started = std::chrono::steady_clock::now();
    Status begin = writer_db_.ExecCached("BEGIN IMMEDIATE");
    if (!begin.ok()) {
      for (auto* r : batch) r->promise.set_value(begin);
      return;
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      AuditHead before = head_;
      Status s = writer_db_.ExecCached("SAVEPOINT w");
      SqliteTx tx(writer_db_, /*writable=*/true, &head_);
      if (s.ok()) {
        try {
          s = (*batch[i]->fn)(tx);
        } catch (const std::exception& e) {
          s = Internal(std::string("unexpected exception in write: ") + e.what());
        } catch (...) {
          s = Internal("unexpected non-standard exception in write");
        }
      }
      if (s.ok()) {
        s = writer_db_.ExecCached("RELEASE w");
      }
      if (!s.ok()) {
        (void)writer_db_.ExecCached("ROLLBACK TO w");
        (void)writer_db_.ExecCached("RELEASE w");
        head_ = before;
      } else {
        for (auto& cb : tx.TakeOnCommit()) callbacks.push_back(std::move(cb));
      }
      if (sqlite3_get_autocommit(writer_db_.raw())) {
        // SQLite rolled the whole transaction back, not just the statement
        // (it may on SQLITE_FULL, IOERR, BUSY or NOMEM:
        // https://www.sqlite.org/lang_transaction.html#response_to_errors_within_a_transaction).
        // The earlier functions' work is gone, and running the rest would
        // autocommit each one outside the batch, so fail the whole batch.
        head_ = batch_start;
        spdlog::error("write transaction rolled back by SQLite: {}", s.message());
        Status lost = Unavailable("write transaction rolled back: " + s.message());
        for (auto* r : batch) r->promise.set_value(lost);
        return;
      }
      results[i] = std::move(s);
    }
    const auto committing = std::chrono::steady_clock::now();
    Status commit = writer_db_.ExecCached("COMMIT");
    if (!commit.ok()) {
      (void)writer_db_.ExecCached("ROLLBACK");
      head_ = batch_start;
      spdlog::error("commit failed: {}", commit.message());
      for (auto* r : batch) r->promise.set_value(Unavailable("commit failed: " + commit.message()));
      return;
    }
    const auto committed = std::chrono::steady_clock::now();
    commits_.fetch_add(1, std::memory_order_relaxed);
    writes_.fetch_add(static_cast<int64_t>(batch.size()), std::memory_order_relaxed);
    batch_ns_.fetch_add(Nanos(committed - started), std::memory_order_relaxed);
    commit_ns_.fetch_add(Nanos(committed - committing), std::memory_order_relaxed);
    // Callbacks run before any caller of the batch wakes, so when Write()
    // returns OK its OnCommit callbacks have finished (and what they wrote is
    // visible to the caller without further synchronisation).
    for (auto& cb : callbacks) {
      try {
        cb();
      } catch (const std::exception& e) {
        spdlog::error("on-commit callback failed: {}", e.what());
      } catch (...) {
        spdlog::error("on-commit callback failed with a non-standard exception");
      }
    }
    for (size_t i = 0; i < batch.size(); ++i) batch[i]->promise.set_value(std::move(results[i]));
  }

  StoreOptions opts_;
  Db writer_db_;
  AuditHead head_;  // touched only by the writer thread (and Init before it starts)
  int schema_version_ = 0;
  std::atomic<int64_t> commits_{0};  // committed batches (see Stats())
  std::atomic<int64_t> writes_{0};   // Write() functions in them
  std::atomic<int64_t> batch_ns_{0};
  std::atomic<int64_t> commit_ns_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<WriteRequest*> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;            // GUARDED_BY(mu_)
  std::thread writer_;

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Db>> readers_;
  std::vector<Db*> free_readers_;  // GUARDED_BY(readers_mu_)
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const StoreOptions& opts) {
  // SQLite's memory statistics make every allocation it does take a global
  // mutex, shared by the writer and the readers; nothing
  // here reads them (https://www.sqlite.org/c3ref/c_config_covering_index_scan.html).
  // This must precede sqlite3_initialize(); if something in the process has
  // already initialised SQLite, the call fails and changes nothing.
  static std::once_flag memstatus_off;
  std::call_once(memstatus_off, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  auto store = std::make_unique<SqliteStore>(opts);
  RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace counterfoil::storage
