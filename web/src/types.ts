// The API's objects as the console reads them (see api/openapi.json).

export type Role = 'admin' | 'reviewer' | 'rights_holder' | 'agent' | 'seller' | 'investigator' | 'marketplace';

export interface Me {
  user_id: string;
  email: string;
  role: Role;
  org_id: string;
  seller_id: string;
  marketplace_id: string;
  visible_org_ids: string[];
  may_file_for: string[];
}

export interface Money {
  amount: number;
  currency: string;
}

export interface TimelineEntry {
  at: string;
  actor: string;
  action: string;
  detail: string;
}

export interface Snapshot {
  listing_id: string;
  title: string;
  description: string;
  category: string;
  price: Money;
  images: string[];
  seller_id: string;
  url: string;
  status: string;
  taken_at: string;
}

export type NoticeState =
  | 'received'
  | 'in_review'
  | 'info_requested'
  | 'accepted'
  | 'counter_noticed'
  | 'action_filed'
  | 'restored'
  | 'rejected'
  | 'withdrawn'
  | 'lapsed';

export interface Notice {
  id: string;
  marketplace_id: string;
  complainant_org_id: string;
  principal_org_id: string;
  right_id: string;
  listing_id: string;
  seller_id: string;
  infringement_type: string;
  body: Record<string, unknown> & { explanation?: string; evidence?: string[]; work?: string };
  snapshot: Snapshot;
  state: NoticeState;
  priority: number;
  source: string;
  fast_lane: boolean;
  post_review_pending: boolean;
  received_at: string;
  review_due_at: string;
  claimed_by?: string;
  decided_by?: string;
  decided_at?: string;
  decision_reason?: string;
  rejection_code?: string;
  info_request?: string;
  info_deadline?: string;
  counter_notice_deadline?: string;
  appeal_deadline?: string;
  statement_id?: string;
  counter_notice_id?: string;
  timeline?: TimelineEntry[];
}

export interface CounterNotice {
  id: string;
  notice_id: string;
  marketplace_id: string;
  seller_id: string;
  complainant_org_id: string;
  body: { statement?: string; evidence?: string[]; signature?: string };
  state: 'pending' | 'action_filed' | 'restored';
  received_at: string;
  forwarded_at: string;
  restore_earliest: string;
  restore_at: string;
  restore_latest: string;
  closed_at?: string;
}

export interface Appeal {
  id: string;
  notice_id: string;
  hit_id: string;
  marketplace_id: string;
  appellant: string;
  seller_id: string;
  grounds: string;
  state: 'open' | 'upheld' | 'overturned';
  filed_at: string;
  decision_reasons?: string;
}

export interface ScreeningReason {
  code: string;
  rights_holder?: string;
  detail?: string;
  weight?: number;
}

export interface ScreeningHit {
  id: string;
  marketplace_id: string;
  listing_id: string;
  listing_version: number;
  seller_id: string;
  rights_holder_ids: string[];
  verdict: { decision: string; score: number; reasons: ScreeningReason[] };
  snapshot?: Partial<Snapshot>;
  status: 'open' | 'confirmed' | 'dismissed' | 'auto_blocked' | 'overturned';
  created_at: string;
  updated_at: string;
  decided_at?: string;
  statement_id?: string;
}

export interface Statement {
  id: string;
  decision: string;
  restriction: string;
  territorial_scope?: string;
  facts: string;
  notice_based: boolean;
  automated_detection: boolean;
  automated_decision: boolean;
  legal_ground: string;
  terms_ground?: string;
  redress: string[];
  listing_id?: string;
  created_at?: string;
}

export interface Listing {
  id: string;
  marketplace_id: string;
  seller_id: string;
  title: string;
  description: string;
  category: string;
  price: Money;
  status: string;
  status_reason: string;
  url: string;
}

export interface Strike {
  id: string;
  seller_id: string;
  marketplace_id: string;
  notice_id: string;
  hit_id?: string;
  at: string;
  voided: boolean;
  voided_reason: string;
}

export interface Seller {
  id: string;
  marketplace_id: string;
  name: string;
  status: 'active' | 'suspended';
  suspension_reason: string;
}

export interface FieldRequirement {
  pointer: string;
  citation: string;
}

export interface Regime {
  id: string;
  name: string;
  legal_basis: string;
  required_notice_fields: FieldRequirement[];
  counter_notice: boolean;
  counter_notice_window_days: number;
  restoration: string;
  restore_after_days: number;
  restore_min_days?: number;
  restore_max_days?: number;
  info_request_days?: number;
  appeal: boolean;
  appeal_window_days: number;
  review_sla_hours: number;
}

export interface Marketplace {
  id: string;
  name: string;
  regimes: string[];
  regime_overrides?: Record<string, Record<string, unknown>>;
  repeat_infringer?: Record<string, unknown>;
  screening?: { block?: number; review?: number };
  url_template: string;
  created_at: string;
}

export interface Right {
  id: string;
  org_id: string;
  type: 'trademark' | 'copyright' | 'design';
  verification: 'pending' | 'verified' | 'rejected';
  rejection_reason: string;
  mark: string;
  registration_number: string;
  office: string;
  territories: string[];
  works: { title: string; isbn?: string; list_price?: number; currency?: string }[];
  certificates: string[];
  nice_classes?: number[];
  expires_on?: string;
  verified_by?: string;
  verified_at?: string;
  created_at?: string;
}

export interface AgentAuthorisation {
  id: string;
  agent_org_id: string;
  principal_org_id: string;
  document_sha256: string;
  valid_until?: string;
  revoked: boolean;
  created_at: string;
}

export interface Organisation {
  id: string;
  name: string;
  kind: string;
  member_ids: string[];
  trusted_flagger: boolean;
  contact_email: string;
  country: string;
  standing: string;
}

export interface Accuracy {
  org_id: string;
  standing: string;
  window_days: number;
  accepted: number;
  rejected: number;
  restored_after_counter_notice: number;
  manifestly_unfounded: number;
  accept_rate: number;
  restore_rate: number;
}

export interface Product {
  name: string;
  terms?: string[];
  msrp?: Money | number;
  currency?: string; // beside a numeric msrp, as the server stores it
}

export interface Protection {
  org_id: string;
  brand_terms: string[];
  categories: string[];
  products: Product[];
  authorized_sellers: string[];
  reference_images: string[];
  isbn_prefixes: string[];
  updated_at: string;
}

export interface Job {
  id: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  progress: number;
  error?: string;
  results?: { row: number; line: number; status: 'created' | 'error'; notice_id?: string; state?: string; error?: string; field?: string; reason?: string }[];
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  org_id: string;
  seller_id: string;
  marketplace_id: string;
  disabled: boolean;
  created_at: string;
}

export interface ApiKey {
  id: string;
  user_id?: string;
  name?: string;
  prefix?: string;
  created_at: string;
  revoked_at?: string;
  last_used_at?: string;
}

export interface Webhook {
  id: string;
  url: string;
  marketplace_id?: string;
  event_types?: string[];
  created_at: string;
}

export interface Delivery {
  id: string;
  event_id: string;
  event_seq: number;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string;
  last_status: number;
  last_error: string;
  delivered_at?: string;
}

export interface DemoAccount {
  email: string;
  role: string;
  description: string;
  password: string;
}
