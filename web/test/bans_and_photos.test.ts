import { describe, expect, it } from 'vitest';
import { banFieldOf, banOf, diffBans, draftOf, isEmptyDiff, normaliseBan, splitLines, validateBans } from '../src/logic/category_bans';
import { agentProblems, authorisationStatus, endOfDay } from '../src/logic/agents';
import { bitsInCommon, closenessOf, photoMatchesOf, referenceQualities } from '../src/logic/photos';

const airbags = { id: 'airbags', categories: ['auto-parts/airbags'], terms: ['airbag module'], reason: 'unsafe_and_prohibited_products' };

describe('category ban drafts', () => {
  it('round-trips a ban through a draft, one entry per line, blanks dropped', () => {
    const d = draftOf(airbags);
    expect(d.categories).toBe('auto-parts/airbags');
    expect(banOf({ ...d, terms: 'airbag module\n\n  inflator  \n' })).toEqual({ ...airbags, terms: ['airbag module', 'inflator'] });
    expect(splitLines(' a \r\n\nb')).toEqual(['a', 'b']);
  });

  it('gives every draft its own key', () => {
    expect(draftOf({}).key).not.toBe(draftOf({}).key);
  });

  it('reads stored bans defensively', () => {
    expect(normaliseBan({ id: 'x', categories: ['a', 3], reason: 7 })).toEqual({ id: 'x', categories: ['a'], terms: [], reason: '' });
    expect(normaliseBan(null)).toEqual({ id: '', categories: [], terms: [], reason: '' });
  });
});

describe('validateBans', () => {
  it('accepts sound bans', () => {
    expect(validateBans([draftOf(airbags), draftOf({ id: 'fireworks', terms: ['firework'] })])).toEqual([[], []]);
  });

  it('wants an id, unique, of at most 100 characters', () => {
    const p = validateBans([draftOf({ ...airbags, id: ' ' }), draftOf(airbags), draftOf({ ...airbags }), draftOf({ ...airbags, id: 'x'.repeat(101) })]);
    expect(p[0]).toEqual([{ field: 'id', code: 'required' }]);
    expect(p[1]).toEqual([{ field: 'id', code: 'duplicate' }]);
    expect(p[2]).toEqual([{ field: 'id', code: 'duplicate' }]);
    expect(p[3]).toEqual([{ field: 'id', code: 'too_long' }]);
  });

  it('wants a ban to name categories, terms or both', () => {
    expect(validateBans([draftOf({ id: 'a', categories: [], terms: [] })])[0]).toEqual([{ field: 'categories', code: 'names_nothing' }]);
    expect(validateBans([{ ...draftOf({ id: 'a' }), terms: '\n  \n' }])[0]).toEqual([{ field: 'categories', code: 'names_nothing' }]);
    expect(validateBans([draftOf({ id: 'a', categories: ['toys/weapons'] })])[0]).toEqual([]);
  });

  it('limits the reason to 500 characters', () => {
    expect(validateBans([draftOf({ ...airbags, reason: 'r'.repeat(501) })])[0]).toEqual([{ field: 'reason', code: 'too_long' }]);
  });
});

describe('diffBans', () => {
  it('lists added, removed and changed bans, matched by id', () => {
    const fireworks = { id: 'fireworks', categories: ['hobby/fireworks'], terms: ['firework'], reason: 'explosives' };
    const d = diffBans(
      [airbags, fireworks],
      [{ ...airbags, terms: ['airbag module', 'inflator'], categories: [], reason: 'unsafe' }, { id: 'lasers', categories: [], terms: ['laser pointer 5w'], reason: '' }],
    );
    expect(d.added.map((b) => b.id)).toEqual(['lasers']);
    expect(d.removed.map((b) => b.id)).toEqual(['fireworks']);
    expect(d.changed).toEqual([
      { id: 'airbags', categoriesAdded: [], categoriesRemoved: ['auto-parts/airbags'], termsAdded: ['inflator'], termsRemoved: [], reason: { from: 'unsafe_and_prohibited_products', to: 'unsafe' } },
    ]);
    expect(isEmptyDiff(d)).toBe(false);
  });

  it('is empty when nothing changed, whatever the order of the bans', () => {
    const other = { id: 'b', categories: ['c'], terms: [], reason: '' };
    expect(isEmptyDiff(diffBans([airbags, other], [other, airbags]))).toBe(true);
  });

  it('treats a renamed ban as one removed and one added', () => {
    const d = diffBans([airbags], [{ ...airbags, id: 'airbag-parts' }]);
    expect(d.added.map((b) => b.id)).toEqual(['airbag-parts']);
    expect(d.removed.map((b) => b.id)).toEqual(['airbags']);
    expect(d.changed).toEqual([]);
  });
});

describe('banFieldOf', () => {
  it('maps the server pointer to the ban and field at fault', () => {
    expect(banFieldOf('/category_bans/2/terms/0')).toEqual({ index: 2, field: 'terms', item: 0 });
    expect(banFieldOf('/category_bans/0/id')).toEqual({ index: 0, field: 'id' });
    expect(banFieldOf('/category_bans/1')).toEqual({ index: 1, field: 'id' });
    expect(banFieldOf('/brand_terms/0')).toBeNull();
    expect(banFieldOf('')).toBeNull();
  });
});

describe('photo evidence', () => {
  const m = (distance: number, radius: number, extra: object = {}) => ({ photo: 'p'.repeat(64), bank: 'reference:aurora', bank_kind: 'reference', distance, radius, ...extra });

  it('orders matches closest first relative to the bank radius', () => {
    const out = photoMatchesOf({ photo_matches: [m(20, 31), m(4, 8), m(3, 31), { photo: 'x' }, null, 'junk'] });
    expect(out.map((x) => [x.distance, x.radius])).toEqual([
      [3, 31],
      [4, 8],
      [20, 31],
    ]);
  });

  it('has no matches when the hit carries none', () => {
    expect(photoMatchesOf({})).toEqual([]);
    expect(photoMatchesOf(null)).toEqual([]);
    expect(photoMatchesOf({ photo_matches: 'x' })).toEqual([]);
  });

  it('keeps the urls and labels the server sent', () => {
    const [x] = photoMatchesOf({ photo_matches: [m(6, 31, { label: 'front.jpg', photo_url: '/a', reference_url: '/b', variant: 'flipy' })] });
    expect(x).toMatchObject({ label: 'front.jpg', photo_url: '/a', reference_url: '/b', variant: 'flipy' });
  });

  it('says how close a match is', () => {
    expect(closenessOf(0, 31)).toBe('identical');
    expect(closenessOf(15, 31)).toBe('close');
    expect(closenessOf(16, 31)).toBe('near_radius');
    expect(closenessOf(31, 31)).toBe('near_radius');
    expect(closenessOf(32, 31)).toBe('outside');
    expect(closenessOf(1, 0)).toBe('outside');
    expect(bitsInCommon(0)).toBe(1);
    expect(bitsInCommon(64)).toBe(0.75);
    expect(bitsInCommon(300)).toBe(0);
  });
});

describe('referenceQualities', () => {
  const a = 'a'.repeat(64);
  const b = 'b'.repeat(64);
  it('takes the best quality of each reference photo from the bank CSV', () => {
    const csv = [
      'hash,quality,bank,label,rights_holder,reference',
      `${'1'.repeat(64)},88,reference:aurora,"front, white",aurora,${a}`,
      `${'2'.repeat(64)},93,reference:aurora,"front, white",aurora,${a}`,
      `${'3'.repeat(64)},31,reference:aurora,plain.png,aurora,${b}`,
      `${'4'.repeat(64)},90,reference:aurora,no reference,aurora,`,
      '',
    ].join('\n');
    const q = referenceQualities(csv);
    expect(q.get(a)).toEqual({ label: 'front, white', hashes: 2, quality: 93, indexed: true });
    expect(q.get(b)).toEqual({ label: 'plain.png', hashes: 1, quality: 31, indexed: false });
    expect(q.size).toBe(2);
  });

  it('reads columns by name and tolerates an empty or foreign file', () => {
    expect(referenceQualities('').size).toBe(0);
    expect(referenceQualities('x,y\n1,2\n').size).toBe(0);
    expect(referenceQualities(`reference,quality,hash,bank,label\n${a},70,h,bk,l\n`).get(a)).toEqual({ label: 'l', hashes: 1, quality: 70, indexed: true });
  });
});

describe('agent authorisations', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  it('says whether an authorisation still holds', () => {
    expect(authorisationStatus({ revoked: false }, now)).toBe('active');
    expect(authorisationStatus({ revoked: false, valid_until: '2027-12-31T00:00:00Z' }, now)).toBe('active');
    expect(authorisationStatus({ revoked: false, valid_until: '2026-11-23T11:59:59Z' }, now)).toBe('expired');
    expect(authorisationStatus({ revoked: true, valid_until: '2027-12-31T00:00:00Z' }, now)).toBe('revoked');
  });

  it('ends a chosen day at its last second, UTC', () => {
    expect(endOfDay('2027-12-31')).toBe('2027-12-31T23:59:59Z');
    expect(endOfDay('')).toBe('');
    expect(endOfDay('31/12/2027')).toBe('');
  });

  it('checks the form live', () => {
    const ok = { agent_org_id: 'brandguard', document: true, valid_until: '2027-01-01' };
    expect(agentProblems(ok, 'aurora', now)).toEqual({});
    expect(agentProblems({ ...ok, valid_until: '' }, 'aurora', now)).toEqual({});
    expect(agentProblems({ agent_org_id: ' ', document: false, valid_until: '2026-11-22' }, 'aurora', now)).toEqual({ agent_org_id: 'agent_required', document: 'document_required', valid_until: 'date_past' });
    expect(agentProblems({ ...ok, agent_org_id: 'brand guard' }, 'aurora', now).agent_org_id).toBe('agent_format');
    expect(agentProblems({ ...ok, agent_org_id: 'aurora' }, 'aurora', now).agent_org_id).toBe('agent_is_self');
    expect(agentProblems({ ...ok, valid_until: '2026-11-23' }, 'aurora', now)).toEqual({}); // today still counts
    expect(agentProblems({ ...ok, valid_until: '2026-02-30' }, 'aurora', now).valid_until).toBe('date_invalid');
  });
});
