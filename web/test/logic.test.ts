import { describe, expect, it } from 'vitest';
import { problemFromBody, query, readCookie } from '../src/api';
import { parseCsv, previewCsv } from '../src/logic/csv';
import { emptyDraft, missingFields, toRequestBody, unionRequirements, valueAt } from '../src/logic/notice_form';
import { bySla, nextIndex, previousIndex, shortcutFor } from '../src/logic/queue';
import { previewStatement } from '../src/logic/statement';
import { bucketLabel, countBy, dashboardQuery, isEmptyReport, outcomeOf, percentile, toHours, type DashboardReport } from '../src/logic/stats';
import { compactDuration, elapsedShare, remaining, urgency } from '../src/logic/time';
import { match, searchParam } from '../src/router';
import type { Notice, Regime } from '../src/types';

const CN_ECL = [
  { pointer: '/complainant/name', citation: 'Civil Code art. 1195(1)' },
  { pointer: '/complainant/identity_document', citation: 'Civil Code art. 1195(1)' },
  { pointer: '/listing_id', citation: 'E-Commerce Law art. 42(1)' },
  { pointer: '/explanation', citation: 'E-Commerce Law art. 42(1)' },
  { pointer: '/evidence', citation: 'E-Commerce Law art. 42(1)' },
];

function notice(p: Partial<Notice>): Notice {
  return {
    id: 'ntc_1',
    marketplace_id: 'tmall-demo',
    complainant_org_id: 'aurora',
    principal_org_id: 'aurora',
    right_id: 'rgt-aurora-tm',
    listing_id: 'TM-1',
    seller_id: 's-1',
    infringement_type: 'counterfeit',
    body: {},
    snapshot: { listing_id: 'TM-1', title: 'Vase', description: '', category: 'home', price: { amount: 1, currency: 'USD' }, images: [], seller_id: 's-1', url: '', status: 'active', taken_at: '' },
    state: 'received',
    priority: 0,
    source: 'api',
    fast_lane: false,
    post_review_pending: false,
    received_at: '2026-03-01T00:00:00Z',
    review_due_at: '2026-03-02T00:00:00Z',
    ...p,
  };
}

describe('notice form validation', () => {
  it('names every field the regime requires until it is filled', () => {
    const d = emptyDraft();
    d.listing_id = 'TM-1009';
    expect(missingFields(d, CN_ECL).map((m) => m.pointer)).toEqual(['/complainant/name', '/complainant/identity_document', '/explanation', '/evidence']);
    d.complainant.name = 'Aurora legal';
    d.complainant.identity_document = 'Company no. 1';
    d.explanation = 'Logo printed on the vase.';
    d.evidence = '  \n order 2026-0099 \n';
    expect(missingFields(d, CN_ECL)).toEqual([]);
  });

  it('treats statements as present only when true, and never blocks on location_url', () => {
    const d = emptyDraft();
    const req = [
      { pointer: '/statements/bona_fide', citation: 'DSA art. 16(2)(d)' },
      { pointer: '/location_url', citation: 'DSA art. 16(2)(b)' },
    ];
    expect(missingFields(d, req).map((m) => m.pointer)).toEqual(['/statements/bona_fide']);
    d.statements.bona_fide = true;
    expect(missingFields(d, req)).toEqual([]);
  });

  it('sends only what was filled in, trimmed, with evidence as a list', () => {
    const d = emptyDraft();
    d.listing_id = ' TM-1 ';
    d.right_id = 'r';
    d.evidence = 'a\n\n b ';
    d.statements.good_faith = true;
    expect(toRequestBody(d)).toEqual({ listing_id: 'TM-1', right_id: 'r', infringement_type: 'counterfeit', evidence: ['a', 'b'], statements: { good_faith: true } });
  });

  it('unites the requirements of several regimes without duplicates', () => {
    const u = unionRequirements([CN_ECL, [{ pointer: '/explanation', citation: 'DSA' }, { pointer: '/signature', citation: 'DMCA' }]]);
    expect(u.map((r) => r.pointer)).toEqual([...CN_ECL.map((r) => r.pointer), '/signature']);
  });

  it('reads JSON pointers with escapes', () => {
    expect(valueAt({ a: { 'b/c': 1 } }, '/a/b~1c')).toBe(1);
    expect(valueAt({ a: 1 }, '/a/b')).toBeUndefined();
  });
});

describe('CSV preview', () => {
  it('parses quotes, doubled quotes, commas and CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
    ]);
  });
  it('keeps a quoted newline inside a field', () => {
    expect(parseCsv('a\n"line 1\nline 2"\n')).toEqual([['a'], ['line 1\nline 2']]);
  });
  it('reports unknown columns, a missing listing_id column and empty listing cells', () => {
    const p = previewCsv('\uFEFFlisting_id,colour\nTM-1,red\n,blue\n');
    expect(p.rows).toBe(2);
    expect(p.unknownColumns).toEqual(['colour']);
    expect(p.missingListingId).toBe(false);
    expect(p.emptyListingRows).toEqual([2]);
    expect(previewCsv('right_id\nr\n').missingListingId).toBe(true);
  });
});

describe('deadlines', () => {
  const now = Date.parse('2026-03-01T00:00:00Z');
  it('counts days, hours and minutes left, and overdue', () => {
    const r = remaining('2026-03-16T04:30:00Z', now);
    expect([r.overdue, r.days, r.hours, r.minutes]).toEqual([false, 15, 4, 30]);
    expect(compactDuration(r)).toBe('15d 4h');
    expect(remaining('2026-02-28T23:00:00Z', now).overdue).toBe(true);
    expect(compactDuration({ days: 0, hours: 0, minutes: 7 })).toBe('7m');
  });
  it('classifies urgency for the SLA timers', () => {
    expect(urgency('2026-02-28T00:00:00Z', now)).toBe('overdue');
    expect(urgency('2026-03-01T05:00:00Z', now)).toBe('soon');
    expect(urgency('2026-03-05T00:00:00Z', now)).toBe('ok');
    expect(urgency(undefined, now)).toBe('none');
  });
  it('measures how much of a window has passed', () => {
    expect(elapsedShare('2026-02-27T00:00:00Z', '2026-03-03T00:00:00Z', now)).toBeCloseTo(0.5);
    expect(elapsedShare('2026-03-03T00:00:00Z', '2026-03-02T00:00:00Z', now)).toBe(1);
  });
});

describe('statistics', () => {
  it('interpolates percentiles', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5], 90)).toBeCloseTo(4.6);
    expect(percentile([], 50)).toBeNaN();
  });
  it('counts by key, largest first, ties by name', () => {
    expect(countBy(['b', 'a', 'b', 'c', 'a', undefined], (x) => x, 2)).toEqual([
      ['a', 2],
      ['b', 2],
    ]);
  });
  it('maps states to outcomes', () => {
    expect(['accepted', 'counter_noticed', 'action_filed', 'restored', 'rejected', 'lapsed', 'in_review'].map(outcomeOf)).toEqual(['taken_down', 'taken_down', 'taken_down', 'restored', 'rejected', 'withdrawn', 'pending']);
  });
  it('asks the server for whole UTC days up to today', () => {
    const now = Date.parse('2026-03-10T23:30:00Z');
    expect(dashboardQuery({ days: 30, bucket: 'day', marketplaceId: '' }, now)).toBe('/v1/reports/dashboard?from=2026-02-09&to=2026-03-10&bucket=day');
    expect(dashboardQuery({ days: 1, bucket: 'week', marketplaceId: 'tmall-demo' }, now)).toBe('/v1/reports/dashboard?from=2026-03-10&to=2026-03-10&bucket=week&marketplace_id=tmall-demo');
  });
  it('shows seconds as hours and labels buckets', () => {
    expect(toHours(5400)).toBe(1.5);
    expect(toHours(0)).toBe(0);
    expect(toHours(null)).toBeNull();
    expect(bucketLabel('2026-03-02', 'day')).toBe('03-02');
    expect(bucketLabel('2026-03-02', 'week')).toBe('03-02');
    expect(bucketLabel('2026-03-01', 'month')).toBe('2026-03');
  });
  it('knows an empty report', () => {
    const none = { count: 0, p50_seconds: null, p90_seconds: null, p99_seconds: null };
    const r: DashboardReport = {
      period: { from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z', bucket: 'day', marketplace_id: null, top: 10 },
      removals: { notices: 0, proactive: 0, buckets: [{ start: '2026-03-01', notices: 0, proactive: 0 }] },
      handling_time: { notices: none, screening_hits: none },
      top_rights_holders: [],
      top_categories: [],
      repeat_infringers: [],
      generated_at: '2026-03-02T00:00:00.000Z',
    };
    expect(isEmptyReport(r)).toBe(true);
    expect(isEmptyReport({ ...r, handling_time: { notices: { count: 1, p50_seconds: 60, p90_seconds: 60, p99_seconds: 60 }, screening_hits: none } })).toBe(false);
    expect(isEmptyReport({ ...r, removals: { ...r.removals, proactive: 1 } })).toBe(false);
  });
});

describe('review queue', () => {
  it('moves the cursor with wrap-around', () => {
    expect(nextIndex(3, 2)).toBe(0);
    expect(previousIndex(3, 0)).toBe(2);
    expect(nextIndex(0, 0)).toBe(-1);
  });
  it('maps keys to shortcuts, but not while typing or with modifiers', () => {
    expect(shortcutFor('a', { tagName: 'BODY' })).toBe('accept');
    expect(shortcutFor('r', null)).toBe('reject');
    expect(shortcutFor('j', { tagName: 'DIV' })).toBe('next');
    expect(shortcutFor('a', { tagName: 'TEXTAREA' })).toBeNull();
    expect(shortcutFor('a', { tagName: 'DIV', isContentEditable: true })).toBeNull();
    expect(shortcutFor('a', { tagName: 'BODY' }, { ctrl: true })).toBeNull();
    expect(shortcutFor('z', { tagName: 'BODY' })).toBeNull();
  });
  it('orders by review deadline', () => {
    const a = notice({ id: 'a', review_due_at: '2026-03-03T00:00:00Z' });
    const b = notice({ id: 'b', review_due_at: '2026-03-02T00:00:00Z' });
    expect(bySla([a, b]).map((n) => n.id)).toEqual(['b', 'a']);
  });
});

describe('statement of reasons preview', () => {
  const regime = { id: 'cn_ecl', legal_basis: 'E-Commerce Law of the PRC, art. 42–43', counter_notice: true, appeal: false } as Regime;
  it('previews a removal with the counter-notice route', () => {
    const s = previewStatement(notice({ body: { explanation: 'Logo.' } }), 'accept', 'Clear copy.', 'other', [regime]);
    expect(s.decision).toBe('removal');
    expect(s.facts).toContain('The notifier explained: Logo.');
    expect(s.facts).toContain("Reviewer's assessment: Clear copy.");
    expect(s.legal_ground).toContain('E-Commerce Law');
    expect(s.redress[0]).toMatch(/^Counter-notice/);
    expect(s.redress.at(-1)).toMatch(/Judicial redress/);
  });
  it('previews a rejection with its code and, under the DSA, out-of-court settlement', () => {
    const dsa = { id: 'eu_dsa', legal_basis: 'DSA', counter_notice: false, appeal: true } as Regime;
    const s = previewStatement(notice({}), 'reject', 'Genuine goods.', 'not_infringing', [dsa]);
    expect(s.decision).toBe('no_action');
    expect(s.facts).toContain('(not_infringing): Genuine goods.');
    expect(s.redress.some((r) => r.includes('art. 21'))).toBe(true);
    expect(s.redress.some((r) => r.startsWith('Counter-notice'))).toBe(false);
  });
});

describe('API client helpers', () => {
  it('turns problem+json into an error naming the field', () => {
    const e = problemFromBody(422, JSON.stringify({ type: 'https://counterfoil.dev/problems/invalid_argument', detail: 'explanation: required', errors: [{ pointer: '/explanation', detail: 'x' }] }));
    expect([e.status, e.type, e.detail, e.pointer]).toEqual([422, 'invalid_argument', 'explanation: required', '/explanation']);
    expect(problemFromBody(502, '<html>bad gateway</html>').type).toBe('http');
  });
  it('reads the CSRF cookie and builds query strings', () => {
    expect(readCookie('a=1; cf_csrf=tok%3D; b=2', 'cf_csrf')).toBe('tok=');
    expect(readCookie('a=1', 'cf_csrf')).toBe('');
    expect(query({ state: 'accepted', listing_id: '', limit: 50, cursor: undefined })).toBe('?state=accepted&limit=50');
  });
});

describe('router', () => {
  it('matches patterns and decodes parameters', () => {
    expect(match('/notices/:id', '/notices/ntc_1?filed=1')).toEqual({ id: 'ntc_1' });
    expect(match('/notices/:id', '/notices')).toBeNull();
    expect(match('/listings/:id', '/listings/TM%201')).toEqual({ id: 'TM 1' });
    expect(searchParam('/review?queue=screening', 'queue')).toBe('screening');
  });
});
