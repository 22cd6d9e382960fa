// Marketplaces as the operator admin creates and edits them: live validation
// of a new marketplace, this marketplace's overrides of each regime's
// windows (one input per window, empty = the built-in value), what saving
// changes, the built-in windows of a set of regimes combined the way the
// server combines them, and the server's field pointers mapped back to an
// input. The server checks the same rules again, and the statutory floors
// (DMCA §512(g), E-Commerce Law art. 43, DSA art. 20) only there: see
// ReadMarketplaceFields in src/service/marketplace.cc and ValidateRegime in
// src/domain/regime.cc.
import type { Regime } from '../types';

export type WindowField = 'review_sla_hours' | 'info_request_days' | 'counter_notice_window_days' | 'restore_after_days' | 'appeal_window_days';

// The windows an override may change here, with the server's ranges.
export const WINDOW_FIELDS: { field: WindowField; min: number; max: number; unit: 'hours' | 'days' }[] = [
  { field: 'review_sla_hours', min: 1, max: 8784, unit: 'hours' },
  { field: 'info_request_days', min: 1, max: 3660, unit: 'days' },
  { field: 'counter_notice_window_days', min: 0, max: 3660, unit: 'days' },
  { field: 'restore_after_days', min: 0, max: 3660, unit: 'days' },
  { field: 'appeal_window_days', min: 0, max: 3660, unit: 'days' },
];
const WINDOW_NAMES = new Set<string>(WINDOW_FIELDS.map((w) => w.field));

// Whether a window means anything under a regime (an appeal window where
// there is no appeal changes nothing).
export function windowApplies(r: Regime, field: WindowField): boolean {
  if (field === 'counter_notice_window_days') return r.counter_notice;
  if (field === 'restore_after_days') return r.restoration !== 'none';
  if (field === 'appeal_window_days') return r.appeal;
  return true;
}

export interface MarketplaceDraft {
  id: string;
  name: string;
  url_template: string;
  regimes: string[];
}

export type MarketplaceField = 'id' | 'name' | 'url_template' | 'regimes';

export type MarketplaceProblem =
  | { field: 'id'; code: 'required' | 'too_long' | 'characters' | 'taken' }
  | { field: 'name'; code: 'required' | 'too_long' }
  | { field: 'url_template'; code: 'too_long' }
  | { field: 'regimes'; code: 'required' };

export const MAX_MARKETPLACE_ID = 64;
export const MAX_MARKETPLACE_NAME = 200;
export const MAX_URL_TEMPLATE = 500;

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

// The problems of a new marketplace; `taken` are the ids already in use.
export function validateMarketplace(d: MarketplaceDraft, taken: string[] = []): MarketplaceProblem[] {
  const out: MarketplaceProblem[] = [];
  const id = d.id.trim();
  if (!id) out.push({ field: 'id', code: 'required' });
  else if (utf8Length(id) > MAX_MARKETPLACE_ID) out.push({ field: 'id', code: 'too_long' });
  else if (!/^[A-Za-z0-9._:-]+$/.test(id)) out.push({ field: 'id', code: 'characters' });
  else if (taken.includes(id)) out.push({ field: 'id', code: 'taken' });
  const name = d.name.trim();
  if (!name) out.push({ field: 'name', code: 'required' });
  else if (utf8Length(name) > MAX_MARKETPLACE_NAME) out.push({ field: 'name', code: 'too_long' });
  if (utf8Length(d.url_template.trim()) > MAX_URL_TEMPLATE) out.push({ field: 'url_template', code: 'too_long' });
  if (d.regimes.length === 0) out.push({ field: 'regimes', code: 'required' });
  return out;
}

// The body of POST /v1/marketplaces.
export function marketplaceBody(d: MarketplaceDraft): Record<string, unknown> {
  const url = d.url_template.trim();
  return { id: d.id.trim(), name: d.name.trim(), regimes: d.regimes, ...(url ? { url_template: url } : {}) };
}

// Adds or removes a regime, keeping the order the others were chosen in
// (the order matters: the first regime that restores listings sets the
// counter-notice and restoration windows).
export function toggleRegime(regimes: string[], id: string, on: boolean): string[] {
  const rest = regimes.filter((r) => r !== id);
  return on ? [...rest, id] : rest;
}

// Window inputs per regime: { us_dmca: { restore_after_days: "12" } }; a
// missing or empty input is the built-in value.
export type WindowDrafts = Record<string, Partial<Record<WindowField, string>>>;
export type StoredOverrides = Record<string, Record<string, unknown>>;

export function windowDraftsOf(overrides: StoredOverrides | undefined): WindowDrafts {
  const out: WindowDrafts = {};
  for (const [regime, o] of Object.entries(overrides ?? {})) {
    for (const w of WINDOW_FIELDS) {
      const v = o?.[w.field];
      if (typeof v === 'number') (out[regime] ??= {})[w.field] = String(v);
    }
  }
  return out;
}

export type WindowProblem = { code: 'not_whole' } | { code: 'range'; min: number; max: number };

// The problem of one window input under a regime (`base` its built-in
// values), or null when it is empty or sound.
export function validateWindow(base: Regime, field: WindowField, value: string | undefined): WindowProblem | null {
  const s = (value ?? '').trim();
  if (!s) return null;
  if (!/^\d+$/.test(s)) return { code: 'not_whole' };
  const n = Number(s);
  const spec = WINDOW_FIELDS.find((w) => w.field === field)!;
  let { min, max } = spec;
  // When the regime restores, the restoration day lies within its range.
  if (field === 'restore_after_days' && base.restoration !== 'none' && n !== 0) {
    const lo = base.restore_min_days;
    const hi = base.restore_max_days;
    if (typeof lo === 'number' && typeof hi === 'number') {
      min = lo;
      max = hi;
    }
  }
  if (n < min || n > max) return { code: 'range', min, max };
  return null;
}

// Problems of the windows of the chosen regimes, keyed "regime/field".
export function validateWindows(drafts: WindowDrafts, regimes: string[], builtIns: Regime[]): Map<string, WindowProblem> {
  const out = new Map<string, WindowProblem>();
  for (const id of regimes) {
    const base = builtIns.find((r) => r.id === id);
    if (!base) continue;
    for (const w of WINDOW_FIELDS) {
      const p = validateWindow(base, w.field, drafts[id]?.[w.field]);
      if (p) out.set(`${id}/${w.field}`, p);
    }
  }
  return out;
}

// The regime_overrides to PATCH: each stored override keeps its members
// other than the windows edited here (a calendar, required fields), the
// windows are the inputs that are set, and a regime left with nothing is
// dropped. Overrides of regimes not chosen any more are kept as they were.
export function overridesOf(stored: StoredOverrides | undefined, drafts: WindowDrafts, regimes: string[]): StoredOverrides {
  const out: StoredOverrides = {};
  const ids = new Set([...Object.keys(stored ?? {}), ...regimes]);
  for (const id of ids) {
    const kept: Record<string, unknown> = { ...(stored?.[id] ?? {}) };
    if (regimes.includes(id)) {
      for (const name of WINDOW_NAMES) delete kept[name];
      for (const w of WINDOW_FIELDS) {
        const v = (drafts[id]?.[w.field] ?? '').trim();
        if (v) kept[w.field] = Number(v);
      }
    }
    if (Object.keys(kept).length) out[id] = kept;
  }
  return out;
}

export type MarketplaceChange =
  | { kind: 'regime_added' | 'regime_removed'; regime: string }
  | { kind: 'regime_order'; regimes: string[] }
  | { kind: 'window'; regime: string; field: WindowField; from: number | null; to: number | null };

// What saving changes: regimes added, removed or reordered, and each window
// override set, changed or dropped (null = the built-in value).
export function diffMarketplace(before: { regimes: string[]; regime_overrides?: StoredOverrides }, regimes: string[], overrides: StoredOverrides): MarketplaceChange[] {
  const out: MarketplaceChange[] = [];
  for (const r of regimes) if (!before.regimes.includes(r)) out.push({ kind: 'regime_added', regime: r });
  for (const r of before.regimes) if (!regimes.includes(r)) out.push({ kind: 'regime_removed', regime: r });
  const common = regimes.filter((r) => before.regimes.includes(r));
  const commonBefore = before.regimes.filter((r) => regimes.includes(r));
  if (common.join() !== commonBefore.join()) out.push({ kind: 'regime_order', regimes });
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const ids = new Set([...Object.keys(before.regime_overrides ?? {}), ...Object.keys(overrides)]);
  for (const id of ids) {
    for (const w of WINDOW_FIELDS) {
      const from = num(before.regime_overrides?.[id]?.[w.field]);
      const to = num(overrides[id]?.[w.field]);
      if (from !== to) out.push({ kind: 'window', regime: id, field: w.field, from, to });
    }
  }
  return out;
}

// The windows of several regimes combined as domain::Combine does: the
// review and information deadlines are the shortest; the counter-notice and
// restoration windows come from the first regime that restores (else the
// first with a counter-notice); the appeal window from the first with an
// appeal. Null where no regime has the thing.
export function combineWindows(regimes: Regime[]): Record<WindowField, number | null> {
  const restoring = regimes.find((r) => r.restoration !== 'none') ?? regimes.find((r) => r.counter_notice);
  const appealing = regimes.find((r) => r.appeal);
  const min = (xs: number[]) => (xs.length ? Math.min(...xs) : null);
  const info = regimes.map((r) => r.info_request_days).filter((x): x is number => typeof x === 'number');
  return {
    review_sla_hours: min(regimes.map((r) => r.review_sla_hours)),
    info_request_days: min(info),
    counter_notice_window_days: restoring?.counter_notice ? restoring.counter_notice_window_days : null,
    restore_after_days: restoring && restoring.restoration !== 'none' ? restoring.restore_after_days : null,
    appeal_window_days: appealing ? appealing.appeal_window_days : null,
  };
}

// The windows of an effective regime (GET /v1/marketplaces/{id}/regime).
export function windowsOf(r: Regime): Record<WindowField, number | null> {
  return {
    review_sla_hours: r.review_sla_hours,
    info_request_days: r.info_request_days ?? null,
    counter_notice_window_days: r.counter_notice ? r.counter_notice_window_days : null,
    restore_after_days: r.restoration !== 'none' ? r.restore_after_days : null,
    appeal_window_days: r.appeal ? r.appeal_window_days : null,
  };
}

// Where a server pointer lands: a field of the marketplace, or one window of
// one regime's override; null elsewhere.
//   "/id" → { field: 'id' }; "/regimes/1" → { field: 'regimes' };
//   "/regime_overrides/eu_dsa/appeal_window_days" → { regime: 'eu_dsa', window: 'appeal_window_days' }
export function marketplaceFieldOf(pointer: string): { field: MarketplaceField } | { regime: string; window: WindowField | null } | null {
  let m = /^\/(id|name|url_template|regimes)(?:\/\d+)?$/.exec(pointer);
  if (m) return { field: m[1] as MarketplaceField };
  m = /^\/regime_overrides\/([^/]+)(?:\/([^/]+))?/.exec(pointer);
  if (m) return { regime: m[1], window: m[2] && WINDOW_NAMES.has(m[2]) ? (m[2] as WindowField) : null };
  return null;
}
