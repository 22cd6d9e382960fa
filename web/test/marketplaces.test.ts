import { describe, expect, it } from 'vitest';
import {
  combineWindows,
  diffMarketplace,
  marketplaceBody,
  marketplaceFieldOf,
  overridesOf,
  toggleRegime,
  validateMarketplace,
  validateWindow,
  validateWindows,
  windowApplies,
  windowDraftsOf,
  windowsOf,
} from '../src/logic/marketplaces';
import type { Regime } from '../src/types';

// The windows of the three built-in regimes as GET /v1/regimes returns them.
const base = { legal_basis: '', required_notice_fields: [], info_request_days: 7, review_sla_hours: 24 };
const cn: Regime = { ...base, id: 'cn_ecl', name: 'China', counter_notice: true, counter_notice_window_days: 0, restoration: 'calendar_days', restore_min_days: 15, restore_max_days: 15, restore_after_days: 15, appeal: false, appeal_window_days: 0 };
const us: Regime = { ...base, id: 'us_dmca', name: 'US', counter_notice: true, counter_notice_window_days: 0, restoration: 'business_days', restore_min_days: 10, restore_max_days: 14, restore_after_days: 10, appeal: false, appeal_window_days: 0 };
const eu: Regime = { ...base, id: 'eu_dsa', name: 'EU', counter_notice: false, counter_notice_window_days: 0, restoration: 'none', restore_min_days: 0, restore_max_days: 0, restore_after_days: 0, appeal: true, appeal_window_days: 184 };
const builtIns = [cn, us, eu];

describe('a new marketplace', () => {
  const ok = { id: 'shopmart-us', name: 'ShopMart US', url_template: 'https://shopmart.example/item/{id}', regimes: ['us_dmca'] };
  it('is sound with an id, a name and a regime', () => {
    expect(validateMarketplace(ok)).toEqual([]);
    expect(marketplaceBody({ ...ok, id: ' shopmart-us ', url_template: ' ' })).toEqual({ id: 'shopmart-us', name: 'ShopMart US', regimes: ['us_dmca'] });
  });
  it('needs an id in the server’s characters that no marketplace has', () => {
    expect(validateMarketplace({ ...ok, id: ' ' })).toEqual([{ field: 'id', code: 'required' }]);
    expect(validateMarketplace({ ...ok, id: 'shop mart' })).toEqual([{ field: 'id', code: 'characters' }]);
    expect(validateMarketplace({ ...ok, id: 'shop/mart' })).toEqual([{ field: 'id', code: 'characters' }]);
    expect(validateMarketplace({ ...ok, id: 'a'.repeat(65) })).toEqual([{ field: 'id', code: 'too_long' }]);
    expect(validateMarketplace({ ...ok, id: 'a.b_c:d-1' })).toEqual([]);
    expect(validateMarketplace(ok, ['tmall-demo', 'shopmart-us'])).toEqual([{ field: 'id', code: 'taken' }]);
  });
  it('needs a name and at least one regime, and a URL template of at most 500 bytes', () => {
    expect(validateMarketplace({ ...ok, name: '', regimes: [] })).toEqual([
      { field: 'name', code: 'required' },
      { field: 'regimes', code: 'required' },
    ]);
    expect(validateMarketplace({ ...ok, name: '商'.repeat(67) })).toEqual([{ field: 'name', code: 'too_long' }]); // 201 bytes
    expect(validateMarketplace({ ...ok, url_template: 'x'.repeat(501) })).toEqual([{ field: 'url_template', code: 'too_long' }]);
  });
  it('keeps regimes in the order they were chosen', () => {
    expect(toggleRegime(['us_dmca'], 'eu_dsa', true)).toEqual(['us_dmca', 'eu_dsa']);
    expect(toggleRegime(['us_dmca', 'eu_dsa'], 'us_dmca', false)).toEqual(['eu_dsa']);
    expect(toggleRegime(['eu_dsa'], 'eu_dsa', true)).toEqual(['eu_dsa']);
  });
});

describe('window overrides', () => {
  it('apply only where the regime has the thing', () => {
    expect(windowApplies(eu, 'restore_after_days')).toBe(false);
    expect(windowApplies(eu, 'appeal_window_days')).toBe(true);
    expect(windowApplies(us, 'counter_notice_window_days')).toBe(true);
    expect(windowApplies(us, 'appeal_window_days')).toBe(false);
  });
  it('are whole numbers in the server’s ranges, or empty for the built-in value', () => {
    expect(validateWindow(us, 'review_sla_hours', '')).toBeNull();
    expect(validateWindow(us, 'review_sla_hours', '48')).toBeNull();
    expect(validateWindow(us, 'review_sla_hours', '0')).toEqual({ code: 'range', min: 1, max: 8784 });
    expect(validateWindow(us, 'review_sla_hours', '8785')).toEqual({ code: 'range', min: 1, max: 8784 });
    expect(validateWindow(us, 'review_sla_hours', '1.5')).toEqual({ code: 'not_whole' });
    expect(validateWindow(us, 'review_sla_hours', '-3')).toEqual({ code: 'not_whole' });
    expect(validateWindow(eu, 'appeal_window_days', '0')).toBeNull();
    expect(validateWindow(eu, 'appeal_window_days', '3661')).toEqual({ code: 'range', min: 0, max: 3660 });
  });
  it('restore within the regime’s range (0 = its first day)', () => {
    expect(validateWindow(us, 'restore_after_days', '12')).toBeNull();
    expect(validateWindow(us, 'restore_after_days', '0')).toBeNull();
    expect(validateWindow(us, 'restore_after_days', '20')).toEqual({ code: 'range', min: 10, max: 14 });
    expect(validateWindow(us, 'restore_after_days', '9')).toEqual({ code: 'range', min: 10, max: 14 });
    expect(validateWindow(cn, 'restore_after_days', '16')).toEqual({ code: 'range', min: 15, max: 15 });
  });
  it('are checked only for the chosen regimes', () => {
    const drafts = { us_dmca: { restore_after_days: '20' }, eu_dsa: { review_sla_hours: 'x' } };
    expect([...validateWindows(drafts, ['us_dmca', 'eu_dsa'], builtIns).keys()]).toEqual(['us_dmca/restore_after_days', 'eu_dsa/review_sla_hours']);
    expect([...validateWindows(drafts, ['eu_dsa'], builtIns).keys()]).toEqual(['eu_dsa/review_sla_hours']);
  });
  it('round-trip through the stored overrides, keeping what this screen does not edit', () => {
    const stored = { us_dmca: { restore_after_days: 12, calendar: { extra_holidays: ['2026-12-24'] } }, cn_ecl: { review_sla_hours: 12 } };
    const drafts = windowDraftsOf(stored);
    expect(drafts).toEqual({ us_dmca: { restore_after_days: '12' }, cn_ecl: { review_sla_hours: '12' } });
    // Drop the restoration override and set a review deadline; cn_ecl is not chosen any more but its override is kept.
    const next = overridesOf(stored, { ...drafts, us_dmca: { restore_after_days: '', review_sla_hours: ' 48 ' } }, ['us_dmca']);
    expect(next).toEqual({ us_dmca: { calendar: { extra_holidays: ['2026-12-24'] }, review_sla_hours: 48 }, cn_ecl: { review_sla_hours: 12 } });
    // A regime left with nothing is dropped.
    expect(overridesOf({ eu_dsa: { appeal_window_days: 200 } }, { eu_dsa: { appeal_window_days: '' } }, ['eu_dsa'])).toEqual({});
  });
});

describe('what saving changes', () => {
  it('lists regimes added, removed and reordered, and each window set, changed or dropped', () => {
    const before = { regimes: ['us_dmca', 'eu_dsa', 'cn_ecl'], regime_overrides: { us_dmca: { restore_after_days: 12 }, eu_dsa: { appeal_window_days: 200 } } };
    const after = { us_dmca: { restore_after_days: 13 }, eu_dsa: { review_sla_hours: 12 } };
    expect(diffMarketplace(before, ['eu_dsa', 'us_dmca'], after)).toEqual([
      { kind: 'regime_removed', regime: 'cn_ecl' },
      { kind: 'regime_order', regimes: ['eu_dsa', 'us_dmca'] },
      { kind: 'window', regime: 'us_dmca', field: 'restore_after_days', from: 12, to: 13 },
      { kind: 'window', regime: 'eu_dsa', field: 'review_sla_hours', from: null, to: 12 },
      { kind: 'window', regime: 'eu_dsa', field: 'appeal_window_days', from: 200, to: null },
    ]);
    expect(diffMarketplace({ regimes: ['us_dmca'] }, ['us_dmca', 'eu_dsa'], {})).toEqual([{ kind: 'regime_added', regime: 'eu_dsa' }]);
    expect(diffMarketplace(before, before.regimes, before.regime_overrides)).toEqual([]);
  });
});

describe('combined windows', () => {
  it('take restoration from the first regime that restores and the appeal from the first with one', () => {
    expect(combineWindows([eu, us])).toEqual({ review_sla_hours: 24, info_request_days: 7, counter_notice_window_days: 0, restore_after_days: 10, appeal_window_days: 184 });
    expect(combineWindows([cn, us]).restore_after_days).toBe(15);
    expect(combineWindows([eu])).toEqual({ review_sla_hours: 24, info_request_days: 7, counter_notice_window_days: null, restore_after_days: null, appeal_window_days: 184 });
    expect(combineWindows([{ ...us, review_sla_hours: 12 }, eu]).review_sla_hours).toBe(12);
  });
  it('match an effective regime read from the server', () => {
    expect(windowsOf({ ...us, restore_after_days: 12 })).toEqual({ ...combineWindows([us]), restore_after_days: 12 });
    expect(windowsOf(eu).restore_after_days).toBeNull();
  });
});

describe('server pointers', () => {
  it('land on a marketplace field or one window of one regime', () => {
    expect(marketplaceFieldOf('/id')).toEqual({ field: 'id' });
    expect(marketplaceFieldOf('/regimes/1')).toEqual({ field: 'regimes' });
    expect(marketplaceFieldOf('/regime_overrides/eu_dsa/appeal_window_days')).toEqual({ regime: 'eu_dsa', window: 'appeal_window_days' });
    expect(marketplaceFieldOf('/regime_overrides/us_dmca/restoration')).toEqual({ regime: 'us_dmca', window: null });
    expect(marketplaceFieldOf('/regime_overrides/xx')).toEqual({ regime: 'xx', window: null });
    expect(marketplaceFieldOf('/screening/block')).toBeNull();
    expect(marketplaceFieldOf('')).toBeNull();
  });
});
