// Every string the console shows goes through t(key, vars). The English table
// (locales/en.ts) defines the keys; every other locale must translate each of
// them (the type checker and test/i18n.test.ts enforce it).
import { useSyncExternalStore } from 'react';
import { en, type MessageKey } from './locales/en';
import { zhCN } from './locales/zh-CN';

export type Locale = 'en' | 'zh-CN';
export const LOCALES: { id: Locale; name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'zh-CN', name: '简体中文' },
];

const tables: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

function initialLocale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem('cf_lang'); // a preference, never a secret
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    /* storage unavailable */
  }
  const nav = globalThis.navigator?.language ?? 'en';
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

let current: Locale = initialLocale();
const listeners = new Set<() => void>();

export function locale(): Locale {
  return current;
}

export function setLocale(l: Locale): void {
  current = l;
  try {
    globalThis.localStorage?.setItem('cf_lang', l);
  } catch {
    /* ignore */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = l;
  listeners.forEach((f) => f());
}

export function format(template: string, vars?: Record<string, string | number>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export function translate(l: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  return format(tables[l][key] ?? en[key] ?? key, vars);
}

export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  return translate(current, key, vars);
}

// Re-renders the calling component when the language changes.
export function useLocale(): Locale {
  return useSyncExternalStore(
    (f) => {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    () => current,
  );
}

// Dates and numbers in the current language.
export function fmtDateTime(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(current, { dateStyle: 'medium', timeStyle: 'short' });
}

export function fmtDate(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(current, { dateStyle: 'medium' });
}

export function fmtNumber(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return '—';
  return n.toLocaleString(current, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function fmtMoney(m: { amount: number; currency: string } | undefined): string {
  if (!m) return '—';
  try {
    return m.amount.toLocaleString(current, { style: 'currency', currency: m.currency || 'USD' });
  } catch {
    return `${m.amount} ${m.currency}`;
  }
}

export type { MessageKey };
