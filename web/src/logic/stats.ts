// Aggregations behind the dashboard and the rights holder's statistics,
// computed from the notices and screening hits the signed-in user may see.
import type { Notice, ScreeningHit } from '../types';
import { hoursBetween } from './time';

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

// UTC days from `from` to `to` inclusive, as YYYY-MM-DD.
export function dayRange(from: string, to: string): string[] {
  const out: string[] = [];
  let t = Date.parse(from.slice(0, 10));
  const end = Date.parse(to.slice(0, 10));
  while (t <= end && out.length < 1000) {
    out.push(new Date(t).toISOString().slice(0, 10));
    t += 86_400_000;
  }
  return out;
}

export const TAKEDOWN_STATES = new Set(['accepted', 'counter_noticed', 'action_filed', 'restored']);

export interface Removals {
  days: string[];
  notices: number[]; // takedowns after a notice, by the day decided
  proactive: number[]; // screening hits confirmed or blocked, by the day decided
}

// Removals per day over the last `days` days ending at `now`.
export function removalsByDay(notices: Notice[], hits: ScreeningHit[], now: number, days = 30): Removals {
  const end = new Date(now).toISOString();
  const start = new Date(now - (days - 1) * 86_400_000).toISOString();
  const range = dayRange(start, end);
  const index = new Map(range.map((d, i) => [d, i]));
  const byNotice = range.map(() => 0);
  const byScreen = range.map(() => 0);
  for (const n of notices) {
    if (!TAKEDOWN_STATES.has(n.state) || !n.decided_at) continue;
    const i = index.get(n.decided_at.slice(0, 10));
    if (i !== undefined) byNotice[i]++;
  }
  for (const h of hits) {
    if (h.status !== 'confirmed' && h.status !== 'auto_blocked' && h.status !== 'overturned') continue;
    const at = h.decided_at || h.updated_at || h.created_at;
    const i = index.get(at.slice(0, 10));
    if (i !== undefined) byScreen[i]++;
  }
  return { days: range, notices: byNotice, proactive: byScreen };
}

export interface HandlingTimes {
  count: number;
  p50: number;
  p90: number;
  p99: number;
}

// Hours from receipt to decision of decided notices.
export function handlingTimes(notices: Notice[]): HandlingTimes {
  const hours = notices
    .filter((n) => n.decided_at && n.received_at)
    .map((n) => hoursBetween(n.received_at, n.decided_at as string))
    .filter((h) => h >= 0);
  return { count: hours.length, p50: percentile(hours, 50), p90: percentile(hours, 90), p99: percentile(hours, 99) };
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

export interface RepeatInfringer {
  seller_id: string;
  marketplace_id: string;
  takedowns: number;
  brands: string[];
}

// Sellers with at least `min` takedowns (notices and screening), most first.
export function repeatInfringers(notices: Notice[], hits: ScreeningHit[], min = 2): RepeatInfringer[] {
  const m = new Map<string, RepeatInfringer>();
  const add = (seller: string, market: string, brands: string[]) => {
    const key = `${market}/${seller}`;
    const r = m.get(key) ?? { seller_id: seller, marketplace_id: market, takedowns: 0, brands: [] };
    r.takedowns++;
    for (const b of brands) if (b && !r.brands.includes(b)) r.brands.push(b);
    m.set(key, r);
  };
  for (const n of notices) if (TAKEDOWN_STATES.has(n.state)) add(n.seller_id, n.marketplace_id, [n.principal_org_id]);
  for (const h of hits) if (h.status === 'confirmed' || h.status === 'auto_blocked') add(h.seller_id, h.marketplace_id, h.rights_holder_ids);
  return [...m.values()].filter((r) => r.takedowns >= min).sort((a, b) => b.takedowns - a.takedowns || a.seller_id.localeCompare(b.seller_id));
}
