import { describe, expect, it } from 'vitest';
import { format, translate } from '../src/i18n';
import { en } from '../src/locales/en';
import { zhCN } from '../src/locales/zh-CN';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  it('translate every English key into Simplified Chinese, with the same placeholders', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries(en)) {
      const zh = (zhCN as Record<string, string>)[k];
      expect(zh.trim().length, k).toBeGreaterThan(0);
      expect(placeholders(zh), k).toEqual(placeholders(v));
    }
  });
  it('fill placeholders and leave unknown ones visible', () => {
    expect(format('{n} of {total}', { n: 1, total: 2 })).toBe('1 of 2');
    expect(format('{n} left', {})).toBe('{n} left');
    expect(translate('zh-CN', 'time.left', { d: '3d 2h' })).toBe('剩余 3d 2h');
    expect(translate('en', 'time.left', { d: '3d 2h' })).toBe('3d 2h left');
  });
});
