// Statistics: the helpers behind the rights holder's statistics (computed
// from the notices it sees), and the dashboard report's types and query (the
// report itself is computed by the server, GET /v1/reports/dashboard).

// The p-th percentile (0..100) by linear interpolation; NaN for no values.
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const v = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (v.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return v[lo] + (v[hi] - v[lo]) * (rank - lo);
}

// Counts by key, largest first (ties by key), at most `top` entries.
export function countBy<T>(items: T[], key: (t: T) => string | undefined, top = Infinity): [string, number][] {
  const m = new Map<string, number>();
  for (const it of items) {
    const k = key(it);
    if (k) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, top);
}

export const TAKEDOWN_STATES = new Set(['accepted', 'counter_noticed', 'action_filed', 'restored']);

// GET /v1/reports/dashboard: the figures are computed in the server.
export type Bucket = 'day' | 'week' | 'month';

export interface HandlingTimes {
  count: number;
  p50_seconds: number | null;
  p90_seconds: number | null;
  p99_seconds: number | null;
}

export interface DashboardReport {
  period: { from: string; to: string; bucket: Bucket; marketplace_id: string | null; top: number };
  removals: { notices: number; proactive: number; buckets: { start: string; notices: number; proactive: number }[] };
  handling_time: { notices: HandlingTimes; screening_hits: HandlingTimes };
  top_rights_holders: { org_id: string; name: string; removals: number; notices: number; proactive: number }[];
  top_categories: { category: string; removals: number }[];
  repeat_infringers: {
    marketplace_id: string;
    seller_id: string;
    removals: number;
    strikes: number;
    status: 'active' | 'suspended' | null;
    rights_holder_ids: string[];
  }[];
  generated_at: string;
}

export interface DashboardQuery {
  days: number; // the period: the last `days` UTC days up to and including today
  bucket: Bucket;
  marketplaceId: string; // '' for every marketplace
}

// The query string for the report: `from` and `to` as dates (the server
// includes the whole `to` day), so the period is whole UTC days.
export function dashboardQuery(q: DashboardQuery, nowMs: number): string {
  const day = 86_400_000;
  const to = new Date(nowMs).toISOString().slice(0, 10);
  const from = new Date(Date.parse(to) - (q.days - 1) * day).toISOString().slice(0, 10);
  const params = new URLSearchParams({ from, to, bucket: q.bucket });
  if (q.marketplaceId) params.set('marketplace_id', q.marketplaceId);
  return `/v1/reports/dashboard?${params.toString()}`;
}

// Seconds to hours with one decimal; null (no decisions) stays null.
export function toHours(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds / 360) / 10;
}

// A bucket's label on the chart's axis: MM-DD for days and weeks, YYYY-MM for months.
export function bucketLabel(start: string, bucket: Bucket): string {
  return bucket === 'month' ? start.slice(0, 7) : start.slice(5);
}

// True when the report has nothing to show.
export function isEmptyReport(r: DashboardReport): boolean {
  return r.removals.notices === 0 && r.removals.proactive === 0 && r.handling_time.notices.count === 0 && r.handling_time.screening_hits.count === 0;
}

export type Outcome = 'pending' | 'taken_down' | 'restored' | 'rejected' | 'withdrawn';

export function outcomeOf(state: string): Outcome {
  switch (state) {
    case 'accepted':
    case 'counter_noticed':
    case 'action_filed':
      return 'taken_down';
    case 'restored':
      return 'restored';
    case 'rejected':
      return 'rejected';
    case 'withdrawn':
    case 'lapsed':
      return 'withdrawn';
    default:
      return 'pending';
  }
}
