// The operator's category bans as the admin screen edits them: drafts with
// one category or term per line, live validation (what people get wrong:
// a missing or repeated id, a ban that names nothing), the change set shown
// before saving, and the server's field pointers mapped back to a draft.
// The server checks the same rules and its limits (entries of at most 200
// bytes) again; see RegistryService::ParseProtection.

export interface CategoryBan {
  id: string;
  categories: string[];
  terms: string[];
  reason: string;
}

export interface BanDraft {
  key: number; // stable React key, not sent
  id: string;
  categories: string; // one per line
  terms: string; // one per line
  reason: string;
}

export type BanField = 'id' | 'categories' | 'terms' | 'reason';

export type BanProblem =
  | { field: 'id'; code: 'required' | 'duplicate' | 'too_long' }
  | { field: 'categories'; code: 'names_nothing' }
  | { field: 'reason'; code: 'too_long' };

export const MAX_BAN_ID = 100;
export const MAX_BAN_REASON = 500;

export function splitLines(s: string): string[] {
  return s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);
}

let nextKey = 1;
export function draftOf(b: Partial<CategoryBan>): BanDraft {
  return {
    key: nextKey++,
    id: b.id ?? '',
    categories: (b.categories ?? []).join('\n'),
    terms: (b.terms ?? []).join('\n'),
    reason: b.reason ?? '',
  };
}

export function banOf(d: BanDraft): CategoryBan {
  return { id: d.id.trim(), categories: splitLines(d.categories), terms: splitLines(d.terms), reason: d.reason.trim() };
}

// The stored form of a ban (the server keeps whatever members it was sent).
export function normaliseBan(v: unknown): CategoryBan {
  const o = (v ?? {}) as Record<string, unknown>;
  const strings = (x: unknown) => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
  return { id: typeof o.id === 'string' ? o.id : '', categories: strings(o.categories), terms: strings(o.terms), reason: typeof o.reason === 'string' ? o.reason : '' };
}

// Problems per draft (same order as `drafts`); an empty list when it is sound.
export function validateBans(drafts: BanDraft[]): BanProblem[][] {
  const counts = new Map<string, number>();
  for (const d of drafts) {
    const id = d.id.trim();
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return drafts.map((d) => {
    const out: BanProblem[] = [];
    const id = d.id.trim();
    if (!id) out.push({ field: 'id', code: 'required' });
    else if (id.length > MAX_BAN_ID) out.push({ field: 'id', code: 'too_long' });
    else if ((counts.get(id) ?? 0) > 1) out.push({ field: 'id', code: 'duplicate' });
    if (splitLines(d.categories).length === 0 && splitLines(d.terms).length === 0) out.push({ field: 'categories', code: 'names_nothing' });
    if (d.reason.trim().length > MAX_BAN_REASON) out.push({ field: 'reason', code: 'too_long' });
    return out;
  });
}

export interface BanChange {
  id: string;
  categoriesAdded: string[];
  categoriesRemoved: string[];
  termsAdded: string[];
  termsRemoved: string[];
  reason?: { from: string; to: string };
}

export interface BanDiff {
  added: CategoryBan[];
  removed: CategoryBan[];
  changed: BanChange[];
}

const minus = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));

// What saving `after` over `before` changes, bans matched by id (a renamed
// ban is one removed and one added).
export function diffBans(before: CategoryBan[], after: CategoryBan[]): BanDiff {
  const old = new Map(before.map((b) => [b.id, b]));
  const now = new Map(after.map((b) => [b.id, b]));
  const added = after.filter((b) => !old.has(b.id));
  const removed = before.filter((b) => !now.has(b.id));
  const changed: BanChange[] = [];
  for (const b of after) {
    const o = old.get(b.id);
    if (!o) continue;
    const c: BanChange = {
      id: b.id,
      categoriesAdded: minus(b.categories, o.categories),
      categoriesRemoved: minus(o.categories, b.categories),
      termsAdded: minus(b.terms, o.terms),
      termsRemoved: minus(o.terms, b.terms),
      ...(o.reason !== b.reason ? { reason: { from: o.reason, to: b.reason } } : {}),
    };
    if (c.categoriesAdded.length || c.categoriesRemoved.length || c.termsAdded.length || c.termsRemoved.length || c.reason) changed.push(c);
  }
  return { added, removed, changed };
}

export function isEmptyDiff(d: BanDiff): boolean {
  return !d.added.length && !d.removed.length && !d.changed.length;
}

// "/category_bans/2/terms/0" → { index: 2, field: 'terms', item: 0 }; null
// for a pointer elsewhere in the profile.
export function banFieldOf(pointer: string): { index: number; field: BanField; item?: number } | null {
  const m = /^\/category_bans\/(\d+)(?:\/(id|categories|terms|reason)(?:\/(\d+))?)?$/.exec(pointer);
  if (!m) return null;
  return { index: Number(m[1]), field: (m[2] as BanField | undefined) ?? 'id', ...(m[3] !== undefined ? { item: Number(m[3]) } : {}) };
}
