#include "storage/sqlite/migrations.h"

namespace counterfoil::storage::sqlite {

// Column types are the portable subset (TEXT, INTEGER, REAL). Timestamps are
// RFC 3339 UTC text with milliseconds, which sorts chronologically.
static constexpr std::string_view kV1 = R"SQL(
CREATE TABLE organisations (id TEXT PRIMARY KEY, doc TEXT NOT NULL, kind TEXT, name TEXT);
CREATE TABLE users (id TEXT PRIMARY KEY, doc TEXT NOT NULL, email TEXT NOT NULL UNIQUE,
  org_id TEXT, seller_id TEXT, role TEXT);
CREATE INDEX users_org ON users(org_id);
CREATE TABLE api_keys (id TEXT PRIMARY KEY, doc TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL);
CREATE INDEX api_keys_user ON api_keys(user_id);
CREATE TABLE sessions (id TEXT PRIMARY KEY, doc TEXT NOT NULL, user_id TEXT NOT NULL,
  expires_at TEXT);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE authorisations (id TEXT PRIMARY KEY, doc TEXT NOT NULL, agent_org_id TEXT,
  principal_org_id TEXT);
CREATE INDEX authorisations_agent ON authorisations(agent_org_id);
CREATE INDEX authorisations_principal ON authorisations(principal_org_id);
CREATE TABLE rights (id TEXT PRIMARY KEY, doc TEXT NOT NULL, org_id TEXT, type TEXT,
  verification TEXT);
CREATE INDEX rights_org ON rights(org_id);
CREATE TABLE protection_profiles (id TEXT PRIMARY KEY, doc TEXT NOT NULL, updated_at TEXT);
CREATE TABLE marketplaces (id TEXT PRIMARY KEY, doc TEXT NOT NULL, name TEXT);
CREATE TABLE sellers (id TEXT PRIMARY KEY, doc TEXT NOT NULL, marketplace_id TEXT,
  seller_id TEXT, status TEXT);
CREATE INDEX sellers_marketplace ON sellers(marketplace_id);
CREATE INDEX sellers_seller ON sellers(seller_id);
CREATE TABLE listings (id TEXT PRIMARY KEY, doc TEXT NOT NULL, marketplace_id TEXT,
  seller_id TEXT, status TEXT, updated_at TEXT);
CREATE INDEX listings_seller ON listings(seller_id);
CREATE INDEX listings_marketplace ON listings(marketplace_id, status);
CREATE TABLE notices (id TEXT PRIMARY KEY, doc TEXT NOT NULL, marketplace_id TEXT,
  complainant_org_id TEXT, principal_org_id TEXT, listing_id TEXT, right_id TEXT,
  seller_id TEXT, state TEXT, open_key TEXT UNIQUE, priority INTEGER, review_due_at TEXT,
  received_at TEXT, job_id TEXT, decided_at TEXT, info_deadline TEXT,
  post_review_pending INTEGER);
CREATE INDEX notices_complainant ON notices(complainant_org_id, id);
CREATE INDEX notices_principal ON notices(principal_org_id, id);
CREATE INDEX notices_listing ON notices(listing_id);
CREATE INDEX notices_seller ON notices(seller_id, id);
CREATE INDEX notices_queue ON notices(state, priority, review_due_at);
CREATE INDEX notices_job ON notices(job_id);
CREATE TABLE statements (id TEXT PRIMARY KEY, doc TEXT NOT NULL, notice_id TEXT,
  seller_id TEXT, created_at TEXT);
CREATE INDEX statements_notice ON statements(notice_id);
CREATE INDEX statements_seller ON statements(seller_id);
CREATE TABLE counter_notices (id TEXT PRIMARY KEY, doc TEXT NOT NULL, notice_id TEXT,
  seller_id TEXT, marketplace_id TEXT, principal_org_id TEXT, complainant_org_id TEXT, state TEXT,
  restore_at TEXT, received_at TEXT);
CREATE INDEX counter_notices_due ON counter_notices(state, restore_at);
CREATE INDEX counter_notices_notice ON counter_notices(notice_id);
CREATE TABLE appeals (id TEXT PRIMARY KEY, doc TEXT NOT NULL, notice_id TEXT, seller_id TEXT,
  marketplace_id TEXT, complainant_org_id TEXT, state TEXT, filed_at TEXT);
CREATE INDEX appeals_state ON appeals(state, filed_at);
CREATE TABLE strikes (id TEXT PRIMARY KEY, doc TEXT NOT NULL, seller_id TEXT,
  marketplace_id TEXT, at TEXT, voided INTEGER);
CREATE INDEX strikes_seller ON strikes(seller_id, at);
CREATE TABLE webhooks (id TEXT PRIMARY KEY, doc TEXT NOT NULL, owner_org_id TEXT,
  marketplace_id TEXT);
CREATE TABLE deliveries (id TEXT PRIMARY KEY, doc TEXT NOT NULL, endpoint_id TEXT, state TEXT,
  next_attempt_at TEXT, event_seq INTEGER);
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);
CREATE INDEX deliveries_endpoint ON deliveries(endpoint_id, id);
CREATE TABLE jobs (id TEXT PRIMARY KEY, doc TEXT NOT NULL, owner_org_id TEXT, state TEXT,
  created_at TEXT);
CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
  action TEXT NOT NULL, entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, data TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
  marketplace_id TEXT, org_ids TEXT, seller_id TEXT, subject_id TEXT, at TEXT NOT NULL,
  doc TEXT NOT NULL);
CREATE TABLE idempotency_keys (principal TEXT NOT NULL, key TEXT NOT NULL,
  request_hash TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL, location TEXT,
  created_at TEXT NOT NULL, PRIMARY KEY (principal, key));
CREATE TABLE blobs (sha256 TEXT NOT NULL, owner_org_id TEXT NOT NULL, owner_user_id TEXT NOT NULL,
  content_type TEXT, filename TEXT, size INTEGER, purpose TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (sha256, owner_org_id, owner_user_id, purpose));
CREATE TABLE notifier_tally (org_id TEXT NOT NULL, day TEXT NOT NULL,
  accepted INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0,
  restored INTEGER NOT NULL DEFAULT 0, unfounded INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, day));
)SQL";

// Proactive screening: hits in the reviewer's queue, the stay-down bank, the
// per-rule statistics behind the false-positive rates; jobs get their kind as
// a column so each runner picks its own (bulk notices, re-screening);
// appeals may be against a screening hit (hit_id) and carry who on the
// rights-holder side sees them as a token list (org_tokens, schema.h),
// filled in here for the appeals of version 1.
static constexpr std::string_view kV2 = R"SQL(
CREATE TABLE screening_hits (id TEXT PRIMARY KEY, doc TEXT NOT NULL, marketplace_id TEXT,
  listing_id TEXT, seller_id TEXT, status TEXT, rights_holders TEXT, created_at TEXT);
CREATE INDEX screening_hits_queue ON screening_hits(status, created_at);
CREATE INDEX screening_hits_marketplace ON screening_hits(marketplace_id, status, created_at);
CREATE INDEX screening_hits_listing ON screening_hits(listing_id, status);
CREATE TABLE stay_down (id TEXT PRIMARY KEY, doc TEXT NOT NULL, source TEXT, listing_id TEXT,
  created_at TEXT);
CREATE INDEX stay_down_source ON stay_down(source);
CREATE TABLE screening_rule_stats (id TEXT PRIMARY KEY, doc TEXT NOT NULL, code TEXT,
  rights_holder_id TEXT);
ALTER TABLE jobs ADD COLUMN kind TEXT;
UPDATE jobs SET kind = json_extract(doc, '$.kind');
CREATE INDEX jobs_kind ON jobs(kind, state, created_at);
ALTER TABLE appeals ADD COLUMN hit_id TEXT;
ALTER TABLE appeals ADD COLUMN org_tokens TEXT;
UPDATE appeals SET notice_id = NULLIF(notice_id, ''),
  complainant_org_id = NULLIF(complainant_org_id, '');
UPDATE appeals SET doc = json_set(doc, '$.principal_org_id',
  COALESCE((SELECT principal_org_id FROM notices WHERE notices.id = appeals.notice_id), ''));
UPDATE appeals SET org_tokens = '|c:' || complainant_org_id || '|' ||
  CASE WHEN json_extract(doc, '$.principal_org_id') = '' THEN ''
       ELSE 'p:' || json_extract(doc, '$.principal_org_id') || '|' END
  WHERE complainant_org_id IS NOT NULL;
CREATE INDEX appeals_notice ON appeals(notice_id, state);
CREATE INDEX appeals_hit ON appeals(hit_id, state);
)SQL";

// Photo matching (issue 4): banks of PDQ hashes (reference photos, the
// stay-down bank, shared banks) and their entries. Listings keep their
// uploaded photos' hashes in their documents; no column changes.
static constexpr std::string_view kV3 = R"SQL(
CREATE TABLE photo_banks (id TEXT PRIMARY KEY, doc TEXT NOT NULL, kind TEXT, owner_org_id TEXT);
CREATE TABLE photo_hashes (id TEXT PRIMARY KEY, doc TEXT NOT NULL, bank_id TEXT, source TEXT,
  photo_sha256 TEXT, rights_holder_id TEXT, created_at TEXT);
CREATE INDEX photo_hashes_bank ON photo_hashes(bank_id, id);
CREATE INDEX photo_hashes_source ON photo_hashes(source);
CREATE INDEX photo_hashes_photo ON photo_hashes(photo_sha256);
)SQL";

// Reports (the dashboard): removals and handling times are read by the day
// of the decision, so notices and screening hits are indexed by it; the hits'
// column is filled in from their documents.
static constexpr std::string_view kV4 = R"SQL(
CREATE INDEX notices_decided ON notices(decided_at);
ALTER TABLE screening_hits ADD COLUMN decided_at TEXT;
UPDATE screening_hits SET decided_at = json_extract(doc, '$.decided_at');
CREATE INDEX screening_hits_decided ON screening_hits(decided_at);
)SQL";

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> m = {
      {1, "initial schema: accounts, registry, marketplace, notices, audit, events", kV1},
      {2, "proactive screening: hits, stay-down bank, rule statistics; jobs.kind; hit appeals",
       kV2},
      {3, "photo matching: photo banks and their PDQ hashes", kV3},
      {4, "reports: notices and screening hits indexed by the day of their decision", kV4},
  };
  return m;
}

}  // namespace counterfoil::storage::sqlite
